"""The one "today": the centre's local calendar date.

Every layer (web, CLI, services, clinical rules) asks :func:`local_today` for "today" so that a
date entered just after midnight in Seoul is not refused as "in the future" (or taken as
yesterday) because some code used the UTC date. Storage is always UTC; the zone is the
``CDCARE_TIMEZONE`` setting (``Settings.timezone``, Asia/Seoul by default). Centres have no
zone of their own yet; a per-centre zone would be passed here as ``zone``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Seoul"


def centre_zone(zone: str | ZoneInfo | None = None) -> ZoneInfo:
    """The zone ``zone`` (an IANA name or a ``ZoneInfo``); None: the configured zone."""
    if isinstance(zone, ZoneInfo):
        return zone
    if zone is None:
        from cdcare.config import get_settings

        zone = get_settings().timezone or DEFAULT_ZONE
    return ZoneInfo(zone)


def local_today(zone: str | ZoneInfo | None = None, *, now: datetime | None = None) -> date:
    """Today's calendar date in ``zone`` (default: the configured zone, Asia/Seoul).

    ``now`` is an aware instant (default: the current time); a naive value is refused.
    """
    if now is not None and now.tzinfo is None:
        raise ValueError("naive datetime refused: pass a timezone-aware instant")
    return (now or datetime.now(UTC)).astimezone(centre_zone(zone)).date()


def today_or(today: date | None, zone: str | ZoneInfo | None = None) -> date:
    """``today`` when given, else :func:`local_today` in ``zone``."""
    return today if today is not None else local_today(zone)
