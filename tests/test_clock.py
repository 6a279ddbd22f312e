"""The one "today": the centre's local calendar date (cdcare.clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from cdcare.clock import DEFAULT_ZONE, local_today, today_or

EVENING_UTC = datetime(2026, 12, 2, 16, 0, tzinfo=UTC)  # 01:00 on 3 December in Seoul


def test_seoul_is_ahead_of_utc_after_15_utc() -> None:
    assert local_today("Asia/Seoul", now=EVENING_UTC) == date(2026, 12, 3)
    assert local_today(ZoneInfo("UTC"), now=EVENING_UTC) == date(2026, 12, 2)


def test_default_zone_is_the_setting_asia_seoul(monkeypatch: pytest.MonkeyPatch) -> None:
    from cdcare.config import get_settings

    monkeypatch.delenv("CDCARE_TIMEZONE", raising=False)
    get_settings.cache_clear()
    try:
        assert get_settings().timezone == DEFAULT_ZONE == "Asia/Seoul"
        assert local_today(now=EVENING_UTC) == date(2026, 12, 3)
        monkeypatch.setenv("CDCARE_TIMEZONE", "Europe/London")
        get_settings.cache_clear()
        assert local_today(now=EVENING_UTC) == date(2026, 12, 2)
    finally:
        get_settings.cache_clear()


def test_naive_instant_refused_and_explicit_today_kept() -> None:
    with pytest.raises(ValueError, match="naive"):
        local_today("Asia/Seoul", now=datetime(2026, 12, 2, 16, 0))
    assert today_or(date(2020, 1, 1)) == date(2020, 1, 1)


def test_services_use_the_local_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """care/_checks.today_or and the web adapter both answer the Seoul date at 16:00 UTC."""
    import cdcare.clock as clock

    real = clock.datetime

    class Frozen(real):  # type: ignore[misc, valid-type]
        @classmethod
        def now(cls, tz: object = None) -> datetime:
            return EVENING_UTC

    monkeypatch.setattr(clock, "datetime", Frozen)
    from cdcare.care._checks import today_or as care_today_or

    assert care_today_or(None) == date(2026, 12, 3)
    assert clock.local_today("Asia/Seoul") == date(2026, 12, 3)
