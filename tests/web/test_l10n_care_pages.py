"""Care, planning, worklist, calendar, portal, audit and education pages write dates and numbers
for the reader's language (the l10n filters), keep every decimal of a dose, and keep form
values ISO."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient

from cdcare.care import injections, medications
from cdcare.care.patients import create_patient, get_patient
from cdcare.clinical.planning import make_plan
from cdcare.clinical.posture import parse_pattern
from cdcare.clock import local_today
from cdcare.education.topics import list_topics
from cdcare.store.db import session_scope

from .conftest import World, csrf_of, login

SESSION_DAY = date(2026, 2, 14)
MED_DAY = date(2026, 1, 9)


def _drug_class() -> str:
    return next(iter(medications.classes()))


def ko(d: date) -> str:
    return f"{d.year}. {d.month}. {d.day}."


def en(d: date) -> str:
    return f"{d:%b} {d.day}, {d.year}"


def _patient_with_decimals(world: World) -> int:
    """A new synthetic patient with a session whose first dose and dilution have decimals."""
    with session_scope(world.app.state.engine) as db:
        centre = get_patient(db=db, patient_id=world.other_demo_patient_id).centre_id
        p = create_patient(
            db=db, centre_id=centre, record_number="SYN-L10N", birth_year=1979, sex="M"
        )
        plan = make_plan([parse_pattern("torticollis:left")], "botox")
        first = plan.items[0]
        items = [type(first)(first.muscle, first.side, 12.125), *plan.items[1:]]
        injections.record_injection(
            db=db, patient_id=p.id, on=SESSION_DAY, product="botox", items=items, lot="L-1",
            dilution_u_per_ml=33.75, guidance="emg", injector="tester", today=local_today(),
        )  # fmt: skip
        medications.start_medication(
            db=db, patient_id=p.id, drug="trihexyphenidyl", drug_class=_drug_class(),
            dose=0.125, unit=medications.units()[0], frequency="daily", start_on=MED_DAY,
            today=local_today(),
        )  # fmt: skip
        return p.id


def test_injection_log_dates_by_language_and_doses_unrounded(world: World) -> None:
    pid = _patient_with_decimals(world)
    client = login(TestClient(world.app), "demo-doctor")
    k = client.get(f"/patients/{pid}/injections?lang=ko").text
    e = client.get(f"/patients/{pid}/injections?lang=en").text
    assert ko(SESSION_DAY) in k and en(SESSION_DAY) not in k
    assert en(SESSION_DAY) in e and ko(SESSION_DAY) not in e
    assert SESSION_DAY.isoformat() not in k + e
    for page in (k, e):
        assert "<td>12.125</td>" in page  # never rounded to the 1- or 2-decimal display
        assert "33.75" in page


def test_medication_dates_by_language_dose_as_entered(world: World) -> None:
    pid = _patient_with_decimals(world)
    client = login(TestClient(world.app), "demo-doctor")
    k = client.get(f"/patients/{pid}/medications?lang=ko").text
    e = client.get(f"/patients/{pid}/medications?lang=en").text
    assert ko(MED_DAY) in k and en(MED_DAY) not in k
    assert en(MED_DAY) in e and ko(MED_DAY) not in e
    assert "0.125 " + medications.units()[0] in k and "0.125 " + medications.units()[0] in e
    # the forms still carry ISO dates (today's date in the "on" inputs)
    assert f'value="{local_today().isoformat()}"' in e


def test_worklist_and_calendar_dates_by_language(world: World) -> None:
    client = login(TestClient(world.app), "demo-nurse")
    today = local_today()
    k, e = client.get("/worklist?lang=ko").text, client.get("/worklist?lang=en").text
    assert f'<p class="note">{ko(today)} ·' in k and f'<p class="note">{en(today)} ·' in e
    day = today + timedelta(days=3)
    k = client.get(f"/calendar?view=day&date={day.isoformat()}&lang=ko").text
    e = client.get(f"/calendar?view=day&date={day.isoformat()}&lang=en").text
    assert f"<h2>{ko(day)}</h2>" in k and f"<h2>{en(day)}</h2>" in e
    assert f'value="{day.isoformat()}"' in k and f'value="{day.isoformat()}"' in e  # the form
    assert "<td>오전 9:00</td>" in k and "<td>9:00\u202fAM</td>" in e
    assert 'data-slot="09:00"' in k and 'data-slot="09:00"' in e  # attributes stay plain
    week = client.get(f"/calendar?view=week&date={day.isoformat()}&lang=en").text
    assert f'date={day.isoformat()}">{en(day)}</a>' in week


def test_portal_home_and_diary_summary_by_language(world: World) -> None:
    today = local_today()
    patient = login(TestClient(world.app), "demo-patient")
    assert f'<span class="note">{ko(today)}</span>' in patient.get("/me?lang=ko").text
    assert f'<span class="note">{en(today)}</span>' in patient.get("/me?lang=en").text
    staff = login(TestClient(world.app), "demo-doctor")
    url = f"/patients/{world.demo_patient_id}/diary"
    k, e = staff.get(url + "?lang=ko").text, staff.get(url + "?lang=en").text
    since = today - timedelta(days=27)  # 28 days, today included
    assert f"{ko(since)} – {ko(today)}" in k and f"{en(since)} – {en(today)}" in e


def test_audit_review_period_and_education_dates_by_language(world: World) -> None:
    admin = login(TestClient(world.app), "demo-admin")
    token = csrf_of(admin.get("/admin/audit").text)
    today = local_today()
    start = today - timedelta(days=30)
    admin.post(
        "/admin/audit/review",
        data={"period_from": str(start), "period_to": str(today), "csrf_token": token},
    )
    k, e = admin.get("/admin/audit?lang=ko").text, admin.get("/admin/audit?lang=en").text
    assert f"<td>{ko(start)} – {ko(today)}</td>" in k
    assert f"<td>{en(start)} – {en(today)}</td>" in e
    topic = list_topics("en")[0]
    k, e = admin.get("/learn?lang=ko").text, admin.get("/learn?lang=en").text
    assert ko(topic.reviewed) in k and en(topic.reviewed) in e
    assert topic.reviewed.isoformat() not in k + e
