"""Clinician care pages: intake & diagnosis support, injection log, medications, follow-up."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cdcare.care.accounts import set_demo_passwords
from cdcare.care.demo import load_demo
from cdcare.care.followup import followup_summary
from cdcare.care.injections import sessions
from cdcare.care.patients import create_centre, create_patient
from cdcare.clinical import diagnosis as dx
from cdcare.clinical.toxins import get_product
from cdcare.config import Settings
from cdcare.store.care_models import AdverseEvent, Intake, Medication
from cdcare.store.db import make_engine, session_scope
from cdcare.store.migrate import upgrade
from cdcare.store.models import AuditEvent, Patient, RecordVersion, User
from cdcare.web.app import create_app

from .conftest import csrf_of, login

TODAY = date(2026, 11, 25)  # the demo cohort's "today"; every date used below is before it


@dataclass
class CareWorld:
    app: FastAPI
    engine: object
    ids: dict[str, int]  # record number → patient id (DEMO-001…DEMO-004, OTH-1)

    def db(self) -> Session:
        return Session(self.engine)  # type: ignore[arg-type]


@pytest.fixture
def cw(tmp_path: Path) -> Iterator[CareWorld]:
    """Four demo patients (DEMO-004 is a designed primary non-responder) + another centre."""
    engine = make_engine(f"sqlite:///{tmp_path / 'care.sqlite3'}")
    upgrade(engine)
    with session_scope(engine) as db:
        summary = load_demo(db=db, patients=4, today=TODAY)
        set_demo_passwords(db=db, centre_id=summary.centre_id)
        other = create_centre(db=db, code="OTHER", name="다른 병원")
        create_patient(db=db, centre_id=other.id, record_number="OTH-1", birth_year=1970, sex="F")
        ids = {p.record_number: p.id for p in db.scalars(select(Patient))}
    yield CareWorld(create_app(Settings(demo=True), engine), engine, ids)
    engine.dispose()


def doctor(cw: CareWorld) -> TestClient:
    return login(TestClient(cw.app), "demo-doctor")


def _session_count(cw: CareWorld, pid: int) -> int:
    with cw.db() as db:
        return len(sessions(db=db, patient_id=pid))


# --- pages render with real demo data ---------------------------------------------------------


def test_followup_shows_primary_non_responder(cw: CareWorld) -> None:
    client = doctor(cw)
    pid, responder = cw.ids["DEMO-004"], cw.ids["DEMO-002"]
    page = client.get(f"/patients/{pid}/followup?lang=en").text
    assert 'id="flag-primary_non_response" data-status="met"' in page
    assert "Primary non-response: met" in page
    assert "A screen to support the clinician, not a decision" in page
    assert page.count('<figure class="plot"') >= 1 and "weeks since injection" in page
    with cw.db() as db:
        summary = followup_summary(db=db, patient_id=pid, today=TODAY)
    korean = doctor(cw).get(f"/patients/{pid}/followup").text  # Korean by default
    for c in summary.cycles:  # the table lists every cycle with its injection date, localised
        d = c.injected_on
        assert f"<td>{c.number}</td><td>{d:%b} {d.day}, {d.year}</td>" in page
        assert f"<td>{c.number}</td><td>{d.year}. {d.month}. {d.day}.</td>" in korean
    flagged = [f for f in summary.flags if f.cycles]
    assert flagged  # the cycles a flag rests on: ngettext on their number
    for f in flagged:
        listed = ", ".join(str(n) for n in f.cycles)
        word = "cycle" if len(f.cycles) == 1 else "cycles"
        assert f"({word} {listed})" in page and f"(주기 {listed})" in korean
    assert '>[U]</a> <span class="warn">unconfirmed reference</span>' in page  # U rules flagged
    assert 'id="plot-twstrs"' in page and 'id="plot-diary"' not in page  # DEMO-004: no diary
    other = client.get(f"/patients/{responder}/followup?lang=en").text
    assert 'id="flag-primary_non_response" data-status="not_met"' in other
    with_diary = client.get(f"/patients/{cw.ids['DEMO-003']}/followup?lang=en").text
    assert 'id="plot-twstrs"' in with_diary and 'id="plot-diary"' in with_diary
    assert "일차 무반응" in korean and "주사 후 주" in korean


def test_log_medications_and_intake_render_demo_data(cw: CareWorld) -> None:
    client = doctor(cw)
    pid = cw.ids["DEMO-004"]  # i=3: has a medication course (i % 3 == 0)
    log = client.get(f"/patients/{pid}/injections?lang=en")
    assert log.status_code == 200
    with cw.db() as db:
        rows = sessions(db=db, patient_id=pid)
        meds = db.scalars(select(Medication).where(Medication.patient_id == pid)).all()
    assert rows and meds
    for s in rows:
        assert f'id="s{s.id}"' in log.text and s.lot in log.text
    product = get_product(rows[0].product)
    assert product.en in log.text
    med_page = client.get(f"/patients/{pid}/medications?lang=en").text
    for m in meds:
        assert m.drug in med_page
    intake = html.unescape(client.get(f"/patients/{pid}/intake?lang=en").text)
    assert dx.disclaimer().en in intake
    for item in dx.data()["differential"].values():
        assert item["en"] in intake
    korean = doctor(cw).get(f"/patients/{pid}/intake").text
    assert dx.disclaimer().ko in korean


def test_views_are_audited(cw: CareWorld) -> None:
    client = doctor(cw)
    pid = cw.ids["DEMO-002"]
    for page in ("intake", "injections", "medications", "followup"):
        assert client.get(f"/patients/{pid}/{page}").status_code == 200
    with cw.db() as db:
        targets = db.scalars(
            select(AuditEvent.target).where(
                AuditEvent.patient_id == pid, AuditEvent.action == "view"
            )
        ).all()
    for page in ("intake", "injections", "medications", "followup"):
        assert f"/patients/{pid}/{page}" in targets


# --- recording an injection from the planner's checked plan ----------------------------------


def _plan_rows(client: TestClient, pid: int) -> dict[str, list[str]]:
    """The hidden plan fields of the planner's "record this injection" block."""
    page = client.get(f"/patients/{pid}/plan?product=botox&pattern=torticaput:left&lang=en")
    assert page.status_code == 200 and 'id="record-injection"' in page.text
    block = page.text.split('id="record-injection"', 1)[1]
    out: dict[str, list[str]] = {"muscle": [], "side": [], "dose": []}
    for name, value in re.findall(
        r'<input name="(muscle|side|dose)" type="hidden" value="([^"]*)"', block
    ):
        out[name].append(value)
    assert out["muscle"] and len(out["muscle"]) == len(out["dose"])
    out["csrf_token"] = [csrf_of(page.text)]
    return out


def _between(cw: CareWorld, pid: int, days: int) -> tuple[date, date]:
    """A date ``days`` after one logged session, before the next one (back-dated entry)."""
    with cw.db() as db:
        dates = [s.injected_on for s in sessions(db=db, patient_id=pid)]
    return dates[1] + timedelta(days=days), dates[2]


def _record(client: TestClient, pid: int, plan: dict[str, list[str]], **extra: str):  # type: ignore[no-untyped-def]
    data: dict[str, object] = {
        **plan,
        "csrf_token": plan["csrf_token"][0],
        "product": "botox",
        "lot": "LOT-TEST-1",
        "dilution": "50",
        "guidance": "emg",
        **extra,
    }
    return client.post(f"/patients/{pid}/injections?lang=en", data=data, follow_redirects=False)


def test_plan_above_maximum_is_refused_and_not_saved(cw: CareWorld) -> None:
    client = doctor(cw)
    pid = cw.ids["DEMO-002"]
    plan = _plan_rows(client, pid)
    high = get_product("botox").muscle_ranges[plan["muscle"][0]].high
    plan["dose"][0] = str(high + 50)
    on, _ = _between(cw, pid, 40)
    before = _session_count(cw, pid)
    resp = _record(client, pid, plan, injected_on=on.isoformat(), override_reason="test")
    assert resp.status_code == 422
    assert "Plan refused" in resp.text and "is above the maximum" in resp.text
    assert 'id="record-form"' in resp.text  # the plan is kept to correct and resend
    assert _session_count(cw, pid) == before
    ko = client.post(
        f"/patients/{pid}/injections?lang=ko",
        data={
            **plan,
            "csrf_token": plan["csrf_token"][0],
            "product": "botox",
            "lot": "L",
            "dilution": "50",
            "guidance": "emg",
            "injected_on": on.isoformat(),
        },
    )
    assert ko.status_code == 422 and "계획 거부" in ko.text


def test_planner_offers_recording_only_for_a_passing_plan(cw: CareWorld) -> None:
    client = doctor(cw)
    pid = cw.ids["DEMO-002"]
    plan = _plan_rows(client, pid)  # a passing plan carries the "record this injection" form
    high = get_product("botox").muscle_ranges[plan["muscle"][0]].high
    doses = [str(high + 1), *plan["dose"][1:]]
    fragment = client.post(
        f"/patients/{pid}/plan/check?lang=en",
        data={**plan, "dose": doses, "csrf_token": plan["csrf_token"][0], "product": "botox"},
        headers={"HX-Request": "true"},
    ).text
    assert "Plan refused" in fragment and 'id="record-injection"' not in fragment


def test_early_reinjection_needs_reason_then_shows_it(cw: CareWorld) -> None:
    client = doctor(cw)
    pid = cw.ids["DEMO-002"]
    plan = _plan_rows(client, pid)
    on, _ = _between(cw, pid, 20)  # 20 days after one session: earlier than the minimum
    before = _session_count(cw, pid)
    refused = _record(client, pid, plan, injected_on=on.isoformat())
    assert refused.status_code == 422 and "give an override reason" in refused.text
    assert _session_count(cw, pid) == before
    reason = "severe pain after a fall, discussed with the patient"
    saved = _record(client, pid, plan, injected_on=on.isoformat(), override_reason=reason)
    assert saved.status_code == 303
    assert _session_count(cw, pid) == before + 1
    log = client.get(f"/patients/{pid}/injections?lang=en").text
    assert "Early re-injection, reason recorded" in log and reason in log
    with cw.db() as db:
        new = [s for s in sessions(db=db, patient_id=pid) if s.lot == "LOT-TEST-1"]
        assert len(new) == 1 and new[0].override_reason == reason
        assert new[0].injector_id is not None and new[0].guidance == "emg"
        assert (
            db.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(
                    AuditEvent.action == "create",
                    AuditEvent.target == f"injection_session:{new[0].id}",
                )
            )
            == 1
        )


def test_bad_record_fields_are_named(cw: CareWorld) -> None:
    client = doctor(cw)
    pid = cw.ids["DEMO-002"]
    plan = _plan_rows(client, pid)
    before = _session_count(cw, pid)
    resp = _record(client, pid, plan, dilution="lots", injected_on="2026-13-01")
    assert resp.status_code == 422 and "injected_on" in resp.text
    resp = _record(client, pid, plan, dilution="lots")
    assert resp.status_code == 422 and "dilution" in resp.text
    assert _session_count(cw, pid) == before


# --- adverse events ------------------------------------------------------------------------------


def test_adverse_event_added_to_a_session(cw: CareWorld) -> None:
    client = doctor(cw)
    pid = cw.ids["DEMO-002"]
    with cw.db() as db:
        s = sessions(db=db, patient_id=pid)[0]
        sid, on = s.id, s.injected_on
        other_sid = sessions(db=db, patient_id=cw.ids["DEMO-003"])[0].id
    token = csrf_of(client.get(f"/patients/{pid}/injections").text)
    url = f"/patients/{pid}/injections/{sid}/adverse-events?lang=en"
    early = (on - timedelta(days=1)).isoformat()
    bad = client.post(
        url, data={"csrf_token": token, "onset": early, "code": "dysphagia", "severity": "mild"}
    )
    assert bad.status_code == 422 and "is before the injection" in bad.text
    ok = client.post(
        url,
        data={
            "csrf_token": token,
            "onset": (on + timedelta(days=6)).isoformat(),
            "code": "dysphagia",
            "severity": "moderate",
            "note": "soft diet",
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    log = client.get(f"/patients/{pid}/injections?lang=en").text
    section = log.split(f'id="s{sid}"', 1)[1].split("</article>", 1)[0]
    assert "Difficulty swallowing" in section and "soft diet" in section and "[S18]" in section
    wrong = client.post(
        f"/patients/{pid}/injections/{other_sid}/adverse-events",
        data={"csrf_token": token, "onset": on.isoformat(), "code": "headache"},
    )
    assert wrong.status_code == 404
    with cw.db() as db:
        assert (
            db.scalar(
                select(func.count())
                .select_from(AdverseEvent)
                .where(AdverseEvent.session_id == other_sid)
            )
            == 0
        )


# --- intake --------------------------------------------------------------------------------------


def _intake_versions(cw: CareWorld, pid: int) -> int:
    with cw.db() as db:
        row = db.scalar(select(Intake).where(Intake.patient_id == pid))
        assert row is not None
        return int(
            db.scalar(
                select(func.count())
                .select_from(RecordVersion)
                .where(RecordVersion.entity == "intake", RecordVersion.entity_id == row.id)
            )
            or 0
        )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pain", "11", "pain must be a whole number from 0 to 10"),
        ("onset_age", "about forty", "onset_age must be a whole number"),
        ("onset_date", "2099-01-01", "onset_date 2099-01-01 is in the future"),
        ("first_symptoms", "tail_wagging", "Unknown first_symptoms code 'tail_wagging'"),
    ],
)
def test_bad_intake_is_422_at_the_field(
    cw: CareWorld, field: str, value: str, message: str
) -> None:
    client = doctor(cw)
    pid = cw.ids["DEMO-002"]
    with cw.db() as db:
        before = db.scalar(select(Intake.pain).where(Intake.patient_id == pid))
    versions = _intake_versions(cw, pid)
    token = csrf_of(client.get(f"/patients/{pid}/intake").text)
    data = {"csrf_token": token, "reason": "correction", "pain": "3", field: value}
    resp = client.post(f"/patients/{pid}/intake?lang=en", data=data)
    assert resp.status_code == 422
    assert f'id="e-{field}">{message}' in resp.text.replace("&#39;", "'")
    head = resp.text.split(f'id="e-{field}"')[0]
    enclosing = re.findall(r'<(?:label|fieldset) class="([^"]*)"', head)[-1]
    assert "invalid" in enclosing.split()  # the field itself is marked
    assert _intake_versions(cw, pid) == versions
    with cw.db() as db:
        assert db.scalar(select(Intake.pain).where(Intake.patient_id == pid)) == before
    ko = client.post(f"/patients/{pid}/intake?lang=ko", data=data)
    assert ko.status_code == 422 and 'role="alert"' in ko.text
    assert message not in ko.text.replace("&#39;", "'")  # the Korean message replaces it


def test_intake_amend_keeps_version_and_shows_red_flag(cw: CareWorld) -> None:
    client = doctor(cw)
    pid = cw.ids["DEMO-002"]
    versions = _intake_versions(cw, pid)
    token = csrf_of(client.get(f"/patients/{pid}/intake").text)
    data = {
        "csrf_token": token,
        "onset_speed": "sudden",
        "pain": "6",
        "course": "stable",
        "drb_drug": ["haloperidol", ""],
        "drb_start": ["2020-01-01", ""],
        "drb_stop": ["2020-03-01", ""],
    }
    no_reason = client.post(f"/patients/{pid}/intake?lang=en", data=data)
    assert (
        no_reason.status_code == 422
        and 'id="e-reason">An amendment needs a reason' in no_reason.text
    )
    ok = client.post(
        f"/patients/{pid}/intake",
        data={**data, "reason": "history retaken"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert _intake_versions(cw, pid) == versions + 1
    page = client.get(f"/patients/{pid}/intake?lang=en").text
    flag = page.split('data-code="sudden_onset"', 1)[1].split("</li>", 1)[0]
    assert "Sudden onset" in flag and "[S53]" in flag and "Suggested work-up" in flag
    assert 'data-code="drb_exposure"' in page and "haloperidol" in page
    assert f"Earlier versions kept: {versions + 1}" in page
    with cw.db() as db:
        row = db.scalar(select(Intake).where(Intake.patient_id == pid))
        assert row is not None and row.pain == 6 and row.onset_speed == "sudden"
        assert row.dopamine_blockers == [
            {"drug": "haloperidol", "start": "2020-01-01", "stop": "2020-03-01"}
        ]


# --- medications ---------------------------------------------------------------------------------


def test_medication_start_titrate_side_effect_stop(cw: CareWorld) -> None:
    client = doctor(cw)
    pid = cw.ids["DEMO-002"]
    token = csrf_of(client.get(f"/patients/{pid}/medications").text)
    url = f"/patients/{pid}/medications?lang=en"
    base = {
        "csrf_token": token,
        "drug": "baclofen",
        "drug_class": "muscle_relaxant",
        "unit": "mg",
        "frequency": "three times daily",
        "on": "2026-10-01",
    }
    for dose in ("abc", "-5", "0", ""):
        bad = client.post(url, data={**base, "dose": dose})
        assert bad.status_code == 422 and "dose must be a positive number" in bad.text
    with cw.db() as db:
        assert db.scalar(select(Medication).where(Medication.drug == "baclofen")) is None
    assert client.post(url, data={**base, "dose": "5"}, follow_redirects=False).status_code == 303
    with cw.db() as db:
        med = db.scalar(select(Medication).where(Medication.drug == "baclofen"))
        assert med is not None and med.dose == 5.0 and med.unit == "mg"
        mid = med.id
    step = f"/patients/{pid}/medications/{mid}"
    r = client.post(
        f"{step}/titrate",
        data={"csrf_token": token, "on": "2026-10-15", "dose": "10"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = client.post(
        f"{step}/side-effect",
        data={"csrf_token": token, "on": "2026-10-20", "note": "drowsy"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    early = client.post(f"{step}/stop?lang=en", data={"csrf_token": token, "on": "2026-09-01"})
    assert early.status_code == 422 and "outside the course of baclofen" in early.text
    r = client.post(
        f"{step}/stop",
        data={"csrf_token": token, "on": "2026-11-01", "reason": "no benefit"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get(f"/patients/{pid}/medications?lang=en").text
    past = page.split('id="past"', 1)[1]
    assert "baclofen" in past and "no benefit" in past and "drowsy" in past
    assert "baclofen" not in page.split('id="past"', 1)[0].split('id="current"', 1)[1]
    with cw.db() as db:
        med = db.get(Medication, mid)
        assert med is not None and med.dose == 10.0 and med.stop_on == date(2026, 11, 1)
    assert client.post(f"{step}/bogus", data={"csrf_token": token}).status_code == 404


# --- who may do what -----------------------------------------------------------------------------

PAGES = ("intake", "injections", "medications", "followup")


def _posts(pid: int, sid: int, mid: int) -> list[str]:
    return [
        f"/patients/{pid}/intake",
        f"/patients/{pid}/injections",
        f"/patients/{pid}/injections/{sid}/adverse-events",
        f"/patients/{pid}/medications",
        f"/patients/{pid}/medications/{mid}/titrate",
        f"/patients/{pid}/medications/{mid}/side-effect",
        f"/patients/{pid}/medications/{mid}/stop",
    ]


def _ids(cw: CareWorld, pid: int) -> tuple[int, int]:
    with cw.db() as db:
        sid = sessions(db=db, patient_id=pid)[0].id
        mid = db.scalar(select(Medication.id).where(Medication.patient_id == pid)) or 1
    return sid, mid


def test_unauthenticated_goes_to_login(cw: CareWorld) -> None:
    client = TestClient(cw.app)
    pid = cw.ids["DEMO-004"]
    for page in PAGES:
        r = client.get(f"/patients/{pid}/{page}", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    for url in _posts(pid, *_ids(cw, pid)):
        r = client.post(url, data={"csrf_token": "x"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), url


def test_nurse_views_but_may_not_record_injections_or_medications(cw: CareWorld) -> None:
    nurse = login(TestClient(cw.app), "demo-nurse")
    pid = cw.ids["DEMO-004"]
    for page in PAGES:
        assert nurse.get(f"/patients/{pid}/{page}").status_code == 200
    token = csrf_of(nurse.get(f"/patients/{pid}/injections").text)
    sid, mid = _ids(cw, pid)
    physician_only = [u for u in _posts(pid, sid, mid) if "adverse" not in u and "intake" not in u]
    before = _session_count(cw, pid)
    for url in physician_only:
        assert nurse.post(url, data={"csrf_token": token}).status_code == 403, url
    assert _session_count(cw, pid) == before
    log = nurse.get(f"/patients/{pid}/injections").text
    assert "Add an adverse event" in nurse.get(f"/patients/{pid}/injections?lang=en").text
    assert 'id="f-start"' not in nurse.get(f"/patients/{pid}/medications").text
    assert "record-form" not in log


def test_other_centre_is_not_found(cw: CareWorld) -> None:
    client = doctor(cw)
    pid = cw.ids["OTH-1"]
    for page in PAGES:
        assert client.get(f"/patients/{pid}/{page}").status_code == 404
    token = csrf_of(client.get("/patients").text)
    own = cw.ids["DEMO-004"]
    for url in _posts(pid, *_ids(cw, own)):
        assert client.post(url, data={"csrf_token": token}).status_code == 404, url


@pytest.mark.parametrize("username", ["demo-patient", "demo-admin"])
def test_patient_and_admin_accounts_are_refused(cw: CareWorld, username: str) -> None:
    client = login(TestClient(cw.app), username)
    with cw.db() as db:
        user = db.scalar(select(User).where(User.username == username))
        assert user is not None
    own = user.patient_id
    other = cw.ids["DEMO-004"]
    for page in PAGES:
        if own is not None:  # a patient's own record: reachable, but the role lacks the action
            assert client.get(f"/patients/{own}/{page}").status_code == 403
        expected = 404 if own is not None else 403  # another patient is outside a patient's reach
        assert client.get(f"/patients/{other}/{page}").status_code == expected
