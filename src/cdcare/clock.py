"""The one "today" and the one local zone: the centre's calendar date and clock time.

Every layer (web, CLI, services, clinical rules) asks :func:`local_today` for "today" so that a
date entered just after midnight in Seoul is not refused as "in the future" (or taken as
yesterday) because some code used the UTC date. Storage is always UTC; the zone is the
``CDCARE_TIMEZONE`` setting (``Settings.timezone``, Asia/Seoul by default), given by
:func:`centre_zone`. A stored UTC timestamp becomes a local time with :func:`to_local` and a
local calendar date with :func:`local_date`; a local date and clock time become an instant with
:func:`local_instant`. No other module names a zone. Centres have no zone of their own yet; a
per-centre zone would be passed here as ``zone``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Seoul"
#: A zone as the functions here take it: an IANA name, a ``ZoneInfo``, or None (configured).
Zone = str | ZoneInfo | None


def centre_zone(zone: Zone = None) -> ZoneInfo:
    """The zone ``zone`` (an IANA name or a ``ZoneInfo``); None: the configured zone."""
    if isinstance(zone, ZoneInfo):
        return zone
    if zone is None:
        from cdcare.config import get_settings

        zone = get_settings().timezone or DEFAULT_ZONE
    return ZoneInfo(zone)


def to_local(value: datetime, zone: Zone = None) -> datetime:
    """The instant ``value`` (aware; stored UTC) as a time in ``zone`` (default: configured)."""
    return value.astimezone(centre_zone(zone))


def local_date(value: datetime, zone: Zone = None) -> date:
    """The calendar date in ``zone`` (default: the configured zone) of the instant ``value``."""
    return to_local(value, zone).date()


def local_instant(day: date, at: time = time(0), zone: Zone = None) -> datetime:
    """The aware instant of clock time ``at`` (default midnight) on ``day`` in ``zone``."""
    return datetime.combine(day, at, centre_zone(zone))


def local_today(zone: Zone = None, *, now: datetime | None = None) -> date:
    """Today's calendar date in ``zone`` (default: the configured zone, Asia/Seoul).

    ``now`` is an aware instant (default: the current time); a naive value is refused.
    """
    if now is not None and now.tzinfo is None:
        raise ValueError("naive datetime refused: pass a timezone-aware instant")
    return local_date(now or datetime.now(UTC), zone)


def today_or(today: date | None, zone: Zone = None) -> date:
    """``today`` when given, else :func:`local_today` in ``zone``."""
    return today if today is not None else local_today(zone)
