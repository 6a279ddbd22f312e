"""The visit page: open today's visit, plan draft kept through edits, record, sign, amend."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import select

from cdcare.care.accounts import DEMO_PASSWORD
from cdcare.store.care_models import InjectionSession
from cdcare.store.clinic_models import VisitNote
from cdcare.store.db import session_scope
from cdcare.store.models import AuditEvent

from .conftest import World, csrf_of, login


def _open(world: World, client: TestClient, pid: int) -> tuple[str, str]:
    page = client.get(f"/patients/{pid}")
    assert f'action="/patients/{pid}/visits/today"' in page.text
    resp = client.post(f"/patients/{pid}/visits/today", data={"csrf_token": csrf_of(page.text)},
                       follow_redirects=False)  # fmt: skip
    assert resp.status_code == 303
    url = resp.headers["location"]
    assert re.fullmatch(rf"/patients/{pid}/visits/\d+", url)
    return url, csrf_of(page.text)


def _plan(
    token: str, dose: str, action: str = "save", lot: str = "C77", why: str = ""
) -> dict[str, object]:
    return {
        "csrf_token": token, "product": "botox", "action": action,
        "muscle": ["splenius_capitis", "sternocleidomastoid", ""],
        "side": ["left", "right", "left"], "dose": [dose, "30", ""],
        "lot": lot, "dilution": "50", "guidance": "emg", "override_reason": why,
    }  # fmt: skip


def test_full_visit_on_the_page(world: World) -> None:
    pid = world.other_demo_patient_id
    today = datetime.now(ZoneInfo("Asia/Seoul")).date()
    with session_scope(world.app.state.engine) as db:  # a session 30 days ago: too early now
        db.add(
            InjectionSession(
                patient_id=pid, injected_on=today - timedelta(days=30), product="botox",
                unit="U", lot="OLD", dilution_u_per_ml=50, guidance="emg", injector="x",
                total_units=100,
            )
        )  # fmt: skip
    doctor = login(TestClient(world.app), "demo-doctor")
    url, token = _open(world, doctor, pid)
    assert _open(world, doctor, pid)[0] == url  # the same visit again, not a second one
    saved = doctor.post(f"{url}/plan", data=_plan(token, "50"), follow_redirects=False)
    assert saved.status_code == 303
    edited = doctor.post(f"{url}/plan?lang=en", data=_plan(token, "fifty"))
    assert edited.status_code == 200
    page = doctor.get(f"{url}?lang=en").text
    assert 'value="fifty"' in page and 'name="lot" value="C77"' in page  # nothing lost
    assert 'value="50"' in page  # dilution kept too
    assert re.search(r'id="plan-check".*?class="error"', page, re.S)
    doctor.post(f"{url}/plan", data=_plan(token, "60"))
    early = doctor.post(f"{url}/plan?lang=en", data=_plan(token, "60", "record"))
    assert early.status_code == 422 and "after 30 days is earlier than the minimum" in early.text
    why = "travelling abroad for 3 months"
    rec = doctor.post(f"{url}/plan", data=_plan(token, "60", "record", why=why),
                      follow_redirects=False)  # fmt: skip
    assert rec.status_code == 303, re.findall(r"class=\"error\"[^>]*>([^<]*)", rec.text)
    page = doctor.get(url).text
    assert 'id="recorded-session"' in page and 'id="plan-form"' not in page
    with session_scope(world.app.state.engine) as db:
        s = db.scalars(select(InjectionSession).where(InjectionSession.lot == "C77")).one()
        assert s.total_units == 90 and s.dilution_u_per_ml == 50 and s.patient_id == pid
        assert s.override_reason == why
    doctor.post(f"{url}/note", data={"csrf_token": token, "text": "Injected; no problems."})
    wrong = doctor.post(f"{url}/note/sign", data={"csrf_token": token, "password": "nope-nope"})
    assert wrong.status_code == 422
    signed = doctor.post(f"{url}/note/sign", data={"csrf_token": token, "password": DEMO_PASSWORD},
                         follow_redirects=False)  # fmt: skip
    assert signed.status_code == 303
    page = doctor.get(url).text
    assert 'data-signed="1"' in page and 'id="note-form"' not in page
    late = doctor.post(f"{url}/note", data={"csrf_token": token, "text": "changed"})
    assert late.status_code == 409
    doctor.post(f"{url}/note/amend", data={"csrf_token": token, "text": "Day 2: mild pain."})
    doctor.post(f"{url}/note/sign", data={"csrf_token": token, "password": DEMO_PASSWORD})
    with session_scope(world.app.state.engine) as db:
        notes = db.scalars(select(VisitNote).order_by(VisitNote.id)).all()
        assert [n.text for n in notes] == ["Injected; no problems.", "Day 2: mild pain."]
        assert notes[1].supersedes_id == notes[0].id and notes[1].signed_at is not None
        assert notes[0].content and notes[0].content["injection_session"]["lot"] == "C77"
        targets = [e.target for e in db.scalars(select(AuditEvent)) if e.patient_id == pid]
    assert any(t.endswith(":sign") for t in targets) and any(":plan" in t for t in targets)


def test_nurse_sees_the_visit_but_cannot_plan_or_sign(world: World) -> None:
    nurse = login(TestClient(world.app), "demo-nurse")
    url, token = _open(world, nurse, world.demo_patient_id)
    page = nurse.get(url)
    assert page.status_code == 200 and 'id="plan-form"' not in page.text
    assert 'id="sign-form"' not in page.text
    assert nurse.post(f"{url}/plan", data=_plan(token, "50")).status_code == 403
    assert nurse.post(f"{url}/note", data={"csrf_token": token, "text": "x"}).status_code == 403


def test_visits_of_other_patients_and_centres_are_not_found(world: World) -> None:
    doctor = login(TestClient(world.app), "demo-doctor")
    url, _ = _open(world, doctor, world.demo_patient_id)
    visit_id = url.rsplit("/", 1)[1]
    assert (
        doctor.get(f"/patients/{world.other_demo_patient_id}/visits/{visit_id}").status_code == 404
    )
    other = login(TestClient(world.app), "other-nurse")
    assert other.get(url).status_code == 404
    patient = login(TestClient(world.app), "demo-patient")
    assert patient.get(url).status_code == 403


def test_video_change_since_an_earlier_visit_and_visit_pdf(world: World) -> None:
    import io

    from pypdf import PdfReader

    from cdcare.store.models import Visit
    from cdcare.store.video_models import JobStatus, VideoAnalysis

    pid = world.demo_patient_id
    kst = ZoneInfo("Asia/Seoul")
    now = datetime.now(kst)
    with session_scope(world.app.state.engine) as db:
        old = Visit(patient_id=pid, visit_date=(now - timedelta(days=91)).date(), kind="clinic")
        db.add(old)
        db.flush()
        old_id = old.id
        for when, rot in ((now - timedelta(days=91), 30.0), (now, 12.5)):
            db.add(
                VideoAnalysis(
                    patient_id=pid, status=JobStatus.DONE, created_at=when,
                    result={"posture": {"rotation_deg": rot, "tilt_deg": -4.0},
                            "twstrs": {"items": {"rotation": {"score": 1}}}},
                )
            )  # fmt: skip
    doctor = login(TestClient(world.app), "demo-doctor")
    url, token = _open(world, doctor, pid)
    page = doctor.get(f"{url}?compare={old_id}&lang=en").text
    row = re.search(r'<tr data-angle="rotation_deg">(.*?)</tr>', page, re.S)
    assert row and "+12.5" in row.group(1) and "+30.0" in row.group(1) and "-17.5" in row.group(1)
    assert "scales/twstrs?from_video=" in page  # suggested items, to be confirmed
    assert 'id="visit-pdf"' not in page  # nothing recorded yet
    doctor.post(f"{url}/plan", data=_plan(token, "40", "record", lot="PDF-LOT",
                                          why="patient request"))  # fmt: skip
    assert 'id="visit-pdf"' in doctor.get(url).text
    assert doctor.get(f"{url}/report.pdf").status_code == 422  # an export needs its reason
    pdf = doctor.get(f"{url}/report.pdf?lang=en&reason=referral")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Injection plan" in text and "PDF-LOT" in text


def test_adverse_event_from_the_visit(world: World) -> None:
    pid = world.demo_patient_id
    nurse = login(TestClient(world.app), "demo-nurse")  # nurses record adverse events too
    url, token = _open(world, nurse, pid)
    page = nurse.get(url).text
    sid = re.search(r'<select name="session_id"><option value="(\d+)">([\d-]+)', page)
    assert sid, "the patient's recent sessions are offered"
    today = datetime.now(ZoneInfo("Asia/Seoul")).date()
    ok = nurse.post(
        f"{url}/adverse-events",
        data={"csrf_token": token, "session_id": sid.group(1), "code": "neck_pain",
              "severity": "mild", "onset": today.isoformat(), "note": "day 3"},
        follow_redirects=False,
    )  # fmt: skip
    assert ok.status_code == 303 and ok.headers["location"].endswith("#ae")
    assert "day 3" in nurse.get(url).text
    early = nurse.post(
        f"{url}/adverse-events?lang=en",
        data={"csrf_token": token, "session_id": sid.group(1), "code": "neck_pain",
              "severity": "mild", "onset": "2001-01-01"},
    )  # fmt: skip
    assert early.status_code == 422 and "before the injection" in early.text
    other = nurse.post(
        f"{url}/adverse-events",
        data={"csrf_token": token, "session_id": "999999", "code": "neck_pain",
              "severity": "mild", "onset": today.isoformat()},
    )  # fmt: skip
    assert other.status_code == 404


def test_change_since_an_earlier_visit_with_a_neutral_reference(world: World) -> None:
    """A relative clip now against an absolute one before: the reference is added back."""
    from cdcare.store.models import Visit
    from cdcare.store.video_models import JobStatus, VideoAnalysis

    pid = world.demo_patient_id
    now = datetime.now(ZoneInfo("Asia/Seoul"))
    relative = {
        "angles": "relative_to_reference",
        "posture": {"rotation_deg": 10.0},
        "reference": {"video": "n.mp4 (2026-09-01)", "rotation_deg": 4.0},
    }
    with session_scope(world.app.state.engine) as db:
        old = Visit(patient_id=pid, visit_date=(now - timedelta(days=91)).date(), kind="clinic")
        db.add(old)
        db.flush()
        old_id = old.id
        for when, result in (
            (now - timedelta(days=91), {"angles": "absolute", "posture": {"rotation_deg": 30.0}}),
            (now, relative),
        ):
            db.add(VideoAnalysis(patient_id=pid, status=JobStatus.DONE, created_at=when,
                                 result=result))  # fmt: skip
    doctor = login(TestClient(world.app), "demo-doctor")
    url, _token = _open(world, doctor, pid)
    page = doctor.get(f"{url}?compare={old_id}&lang=en").text
    row = re.search(r'<tr data-angle="rotation_deg">(.*?)</tr>', page, re.S)
    assert row and "+14.0" in row.group(1) and "+30.0" in row.group(1) and "-16.0" in row.group(1)
    assert 'data-footing="absolute"' in page and "gets that reference added back" in page
    ko = doctor.get(f"{url}?compare={old_id}&lang=ko").text
    assert "그 기준을 다시 더해" in ko
