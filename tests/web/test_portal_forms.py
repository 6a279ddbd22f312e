"""The portal's pure helpers: diary form checks and the patient's statements."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from cdcare.care.diary import trigger_codes
from cdcare.care.injections import adverse_event_codes
from cdcare.web.routes.portal_forms import (
    DiaryInput,
    parse_diary_form,
    patient_statements,
    questionnaire_statements,
    support_statement,
    trigger_label,
)

TODAY = date(2026, 11, 26)


def _form(**fields: object) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in fields.items():
        out[k] = [str(x) for x in v] if isinstance(v, list) else [str(v)]
    return out


@given(
    back=st.integers(0, 3000),
    severity=st.integers(0, 10),
    pain=st.integers(0, 10),
    triggers=st.lists(st.sampled_from(trigger_codes()), unique=True),
    effects=st.lists(st.sampled_from(sorted(adverse_event_codes())), unique=True),
    done=st.sampled_from(["yes", "no", ""]),
)
def test_valid_forms_parse_to_what_was_sent(
    back: int, severity: int, pain: int, triggers: list[str], effects: list[str], done: str
) -> None:
    day = TODAY - timedelta(days=back)
    data, form = parse_diary_form(
        _form(
            date=day.isoformat(),
            severity=severity,
            pain=pain,
            triggers=triggers,
            side_effects=effects,
            exercise_done=done,
            note="  ok  ",
        ),
        TODAY,
    )
    assert form.errors == {}
    assert data == DiaryInput(
        day,
        severity,
        pain,
        tuple(triggers),
        {"yes": True, "no": False, "": None}[done],
        tuple(effects),
        "ok",
    )


@given(
    field=st.sampled_from(["severity", "pain"]),
    bad=st.one_of(
        st.integers().filter(lambda n: not 0 <= n <= 10).map(str),
        st.sampled_from(["", "x", "3.5", "-0", "five", "1e1", "²", "٣"]),
    ),
)
def test_a_bad_score_is_an_error_at_that_field_only(field: str, bad: str) -> None:
    fields = {"date": TODAY.isoformat(), "severity": "4", "pain": "2", field: bad}
    data, form = parse_diary_form(_form(**fields), TODAY)
    assert data is None
    assert set(form.errors) == {field}
    assert form.values[field] == bad  # re-shown as typed
    assert form.errors[field].text("ko") != form.errors[field].text("en")


@given(ahead=st.integers(1, 5000))
def test_future_dates_are_refused_at_the_date_field(ahead: int) -> None:
    day = TODAY + timedelta(days=ahead)
    data, form = parse_diary_form(_form(date=day, severity=1, pain=1), TODAY)
    assert data is None and set(form.errors) == {"date"}
    assert day.isoformat() in form.errors["date"].text("en")
    assert "미래" in form.errors["date"].text("ko")


def test_unknown_codes_and_bad_dates_are_named() -> None:
    data, form = parse_diary_form(
        _form(
            date="26/11/2026",
            severity=1,
            pain=1,
            triggers=["stress", "moon"],
            side_effects=["rash?"],
            exercise_done="maybe",
            note="x" * 1001,
        ),
        TODAY,
    )
    assert data is None
    assert set(form.errors) == {"date", "triggers", "side_effects", "exercise_done", "note"}
    assert "moon" in form.errors["triggers"].text("en")
    assert "2026-11-26" in form.errors["date"].text("en")  # shows the expected form


def test_every_trigger_code_has_a_label_in_both_languages() -> None:
    for code in trigger_codes():
        assert trigger_label(code, "en") != trigger_label(code, "ko")


def test_support_statement_follows_the_referral_rules() -> None:
    assert support_statement(phq9=9, gad7=9) is None
    for kwargs in ({"phq9": 10}, {"gad7": 10}, {"gad7": 21}):
        s = support_statement(**kwargs)
        assert s is not None and s.sources == ("S12",) and "심리 지원" in s.ko


def test_phq9_item9_gives_urgent_safety_first_with_crisis_lines() -> None:
    out = questionnaire_statements("phq9", 3, {"q9": 1, "q1": 2})
    assert (out[0].id, out[0].kind) == ("phq9_safety", "urgent")
    crisis = next(s for s in out if s.id == "crisis_contacts")
    assert "109" in crisis.ko and crisis.verified is False  # unconfirmed numbers stay flagged
    assert "psych_support" not in [s.id for s in out]  # total 3 < 10
    assert questionnaire_statements("phq9", 4, {"q9": 0}) == []
    assert [s.id for s in questionnaire_statements("gad7", 12, {})] == ["psych_support"]
    assert questionnaire_statements("cdip58", 200, {}) == []


def test_home_statements_use_only_real_data() -> None:
    out = patient_statements(
        today=TODAY,
        injection_dates=[date(2026, 9, 8), date(2026, 12, 1)],  # a later date is ignored
        programmes=[{"en": "Gentle neck stretches", "ko": "부드러운 목 스트레칭"}],
        phq9=(12.0, {"q9": 2}),
        gad7=3,
        next_appointment=TODAY + timedelta(days=6),
    )
    ids = [s.id for s in out]
    assert ids[0] == "phq9_safety"
    assert "injection_wearing_off" in ids and "exercise" in ids and "phq9_talk" in ids
    appointment = next(s for s in out if s.id == "appointment")
    assert "in 6 days" in appointment.text("en")
    assert ids.count("psych_support") == 1
    none = patient_statements(today=TODAY, injection_dates=[], programmes=[], phq9=None, gad7=None)
    assert [s.id for s in none] == ["exercise_none", "appointment_none"]
