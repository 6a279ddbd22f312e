"""Personalised statements use the patient's own data (weeks since injection, PHQ-9, dates)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdcare.education.personal import (
    PersonalDataError,
    appointment_statement,
    exercise_statement,
    injection_statement,
    personal_statements,
    phq9_statements,
)

TODAY = date(2026, 11, 25)
DATES = st.dates(min_value=date(2020, 1, 1), max_value=TODAY)


@given(st.lists(DATES, min_size=1, max_size=8))
def test_weeks_since_last_injection_come_from_the_log(log: list[date]) -> None:
    stmt = injection_statement(today=TODAY, injection_dates=log)
    assert stmt is not None
    days = (TODAY - max(log)).days
    weeks = days // 7
    en, ko = stmt.text("en"), stmt.text("ko")
    if days == 0:
        assert "today" in en and "오늘" in ko
    elif days < 7:
        assert f"{days} day" in en and f"{days}일 전" in ko
    else:
        assert f"{weeks} week" in en and f"{weeks}주 전" in ko
    assert str(max(log).year) in en and f"{max(log).year}년" in ko
    expected_id = (
        "injection_early"
        if days < 14
        else "injection_working"
        if days < 70
        else "injection_wearing_off"
    )
    assert stmt.id == expected_id


def test_wearing_off_statement_gives_the_next_date() -> None:
    last = date(2026, 9, 1)
    stmt = injection_statement(today=TODAY, injection_dates=[date(2026, 3, 2), last])
    assert stmt is not None and stmt.id == "injection_wearing_off"
    days = (TODAY - last).days
    assert stmt.text("en").startswith(f"Your last injection was {days // 7} weeks ago")
    assert "10 to 12 weeks" in stmt.text("en") and "10~12주" in stmt.text("ko")
    next_date = last + timedelta(weeks=12)
    assert f"{next_date.month}월 {next_date.day}일" in stmt.text("ko")
    assert stmt.sources and stmt.verified


def test_injection_exactly_today_and_boundaries() -> None:
    assert injection_statement(today=TODAY, injection_dates=[]) is None
    at = {
        d: injection_statement(today=TODAY, injection_dates=[TODAY - timedelta(days=d)])
        for d in (0, 13, 14, 69, 70)
    }
    assert {d: s.id for d, s in at.items() if s} == {
        0: "injection_early",
        13: "injection_early",
        14: "injection_working",
        69: "injection_working",
        70: "injection_wearing_off",
    }


def test_future_injection_is_rejected() -> None:
    with pytest.raises(PersonalDataError) as info:
        injection_statement(today=TODAY, injection_dates=[TODAY + timedelta(days=3)])
    assert "2026-11-28" in info.value.text("en") and "오늘" in info.value.text("ko")
    assert info.value.exit_code == 2


@given(st.integers(0, 27), st.integers(0, 3))
def test_phq9_rules(total: int, item9: int) -> None:
    if item9 > total:
        with pytest.raises(PersonalDataError):
            phq9_statements(total=total, item9=item9)
        return
    ids = [s.id for s in phq9_statements(total=total, item9=item9)]
    assert ("phq9_safety" in ids) == (item9 > 0)
    assert ("phq9_talk" in ids) == (total >= 10)
    assert ("crisis_contacts" in ids) == (item9 > 0 or total >= 10)


@given(st.integers(1, 3))
def test_item9_alone_is_urgent_regardless_of_total(item9: int) -> None:
    out = phq9_statements(total=None, item9=item9)
    assert out[0].id == "phq9_safety" and out[0].kind == "urgent"
    statements = personal_statements(
        today=TODAY,
        phq9_total=item9,
        phq9_item9=item9,
        injection_dates=[TODAY - timedelta(days=30)],
    )
    assert statements[0].kind == "urgent"


def test_phq9_talk_uses_the_score_and_crisis_lines_are_flagged() -> None:
    out = {s.id: s for s in phq9_statements(total=14, item9=0)}
    assert "PHQ-9 score 14" in out["phq9_talk"].text("en")
    assert "14점" in out["phq9_talk"].text("ko")
    assert out["crisis_contacts"].verified is False and "U" in out["crisis_contacts"].sources


@pytest.mark.parametrize(
    ("total", "item9", "part"),
    [(28, 0, "0–27, got 28"), (-1, None, "got -1"), (5, 4, "0–3, got 4"), (2, 3, "cannot exceed")],
)
def test_phq9_bad_values(total: int | None, item9: int | None, part: str) -> None:
    with pytest.raises(PersonalDataError) as info:
        phq9_statements(total=total, item9=item9)
    assert part in info.value.text("en") and "PHQ-9" in info.value.text("ko")


@given(st.integers(0, 400))
def test_appointment_days_are_computed(days: int) -> None:
    when = TODAY + timedelta(days=days)
    stmt = appointment_statement(today=TODAY, next_appointment=when)
    en, ko = stmt.text("en"), stmt.text("ko")
    expected_en = {0: "today", 1: "tomorrow"}.get(days, f"in {days} days")
    expected_ko = {0: "오늘", 1: "내일"}.get(days, f"{days}일 뒤")
    assert en.endswith(f"{expected_en}.") and expected_ko in ko
    assert f"{when.year}년 {when.month}월 {when.day}일" in ko


def test_no_or_past_appointment() -> None:
    assert appointment_statement(today=TODAY, next_appointment=None).id == "appointment_none"
    with pytest.raises(PersonalDataError):
        appointment_statement(today=TODAY, next_appointment=TODAY - timedelta(days=1))


def test_exercise_programmes_by_name() -> None:
    stmt = exercise_statement(["Neck stretch", {"en": "Shoulder rolls", "ko": "어깨 돌리기"}])
    assert "Neck stretch, Shoulder rolls" in stmt.text("en")
    assert "Neck stretch, 어깨 돌리기" in stmt.text("ko")
    assert exercise_statement([]).id == "exercise_none"


def test_personal_statements_combine_and_order() -> None:
    out = personal_statements(
        today=TODAY,
        injection_dates=[date(2026, 10, 28)],
        programmes=[],
        phq9_total=3,
        phq9_item9=0,
        next_appointment=date(2026, 12, 9),
    )
    assert [s.id for s in out] == ["injection_working", "exercise_none", "appointment"]
    assert f"{(TODAY - date(2026, 10, 28)).days // 7} weeks ago" in out[0].text("en")
    assert f"in {(date(2026, 12, 9) - TODAY).days} days" in out[2].text("en")
    assert "programme" not in " ".join(
        s.text("en") for s in personal_statements(today=TODAY, programmes=None)
    )
