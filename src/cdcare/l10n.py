"""Dates and numbers written for people, in their language (Babel's CLDR data).

Korean: ``2026. 12. 4.``, ``2026. 12. 4. 오전 1:00``; English: ``Dec 4, 2026``,
``Dec 4, 2026, 1:00 AM``. Instants (aware datetimes, stored in UTC) are shown in the centre's
zone (:func:`cdcare.clock.centre_zone`, the ``CDCARE_TIMEZONE`` setting); calendar dates are
shown as they are. These are for display only: forms and ``<input type=date>`` keep ISO
values. Numbers: at most ``digits`` decimals (trailing zeros dropped), CLDR grouping; doses
and dilutions (:func:`exact_text`) keep every decimal they have; signed measurements
(:func:`signed_text`) show ``+`` for a positive value.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal, format_percent

from cdcare.clock import centre_zone
from cdcare.i18n import normalize_lang

#: What a missing value is shown as.
MISSING = "–"


def _locale(lang: str | None) -> Locale:
    return Locale.parse(normalize_lang(lang))


def date_text(
    value: date | datetime | str | None, lang: str | None, zone: ZoneInfo | None = None
) -> str:
    """A calendar date, e.g. ``2026. 12. 4.`` / ``Dec 4, 2026``; an instant: its local date.

    An ISO string (``2026-12-04``, as in the JSON-ready dicts of the care services) is read
    first; a string with a time is an instant.
    """
    if value is None or value == "":
        return MISSING
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.astimezone(centre_zone(zone)).date()
    return str(format_date(value, format="medium", locale=_locale(lang)))


def datetime_text(value: datetime | None, lang: str | None, zone: ZoneInfo | None = None) -> str:
    """An instant in the centre's zone to the minute: medium date + short time of the locale."""
    if value is None:
        return MISSING
    loc = _locale(lang)
    # the locale's own way of joining a date and a time ("{1}, {0}" in English, "{1} {0}")
    joined = str(loc.datetime_formats["medium"]).replace("'", "")
    pattern = joined.replace("{1}", loc.date_formats["medium"].pattern).replace(
        "{0}", loc.time_formats["short"].pattern
    )
    return str(format_datetime(value, format=pattern, tzinfo=centre_zone(zone), locale=loc))


def number_text(value: float | int | None, lang: str | None, digits: int = 1) -> str:
    """A measured number with at most ``digits`` decimals, e.g. ``1,234.5``."""
    if value is None:
        return MISSING
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return str(format_decimal(value, format=pattern, locale=_locale(lang)))


def exact_text(value: float | int | None, lang: str | None) -> str:
    """A number with every decimal it has, e.g. a dose ``12.25`` → ``12.25``, ``1000`` → ``1,000``.

    Doses and dilutions are shown as entered or as the plan computed them: nothing is rounded
    (the shortest decimal that reads back as the same float, Python's ``repr``).
    """
    if value is None:
        return MISSING
    exponent = Decimal(repr(float(value))).as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return number_text(value, lang, decimals)


def signed_text(value: float | int | None, lang: str | None, digits: int = 1) -> str:
    """A signed measurement: ``+12.5`` / ``-3`` / ``0`` (the sign convention stays visible)."""
    if value is None:
        return MISSING
    text = number_text(value, lang, digits)
    return "+" + text if text.strip("0.,") and value > 0 else text


def time_text(value: datetime | None, lang: str | None, zone: ZoneInfo | None = None) -> str:
    """The clock time of an instant in the centre's zone: ``오전 9:00`` / ``9:00 AM``."""
    if value is None:
        return MISSING
    return str(format_time(value, format="short", tzinfo=centre_zone(zone), locale=_locale(lang)))


def percent_text(fraction: float | None, lang: str | None) -> str:
    """A fraction 0–1 as a whole percentage of the locale, e.g. ``0.874`` → ``87%``."""
    if fraction is None:
        return MISSING
    return str(format_percent(fraction, locale=_locale(lang)))


__all__ = [
    "MISSING",
    "date_text",
    "datetime_text",
    "exact_text",
    "number_text",
    "percent_text",
    "signed_text",
    "time_text",
]
