"""The patient portal pages (/me...) and the clinician's diary block."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from cdcare.care.audit import query_events
from cdcare.care.diary import entries, record_entry
from cdcare.care.rehab import adherence
from cdcare.store.care_models import DiaryEntry
from cdcare.store.db import session_scope
from cdcare.store.models import RecordVersion, ScaleAssessment

from .conftest import World, csrf_of, login

PAGES = ("/me", "/me/diary", "/me/exercises", "/me/questionnaires", "/me/questionnaires/phq9")


def seoul_today() -> date:
    return datetime.now(ZoneInfo("Asia/Seoul")).date()


def _diary(world: World, patient_id: int) -> list[DiaryEntry]:
    with session_scope(world.app.state.engine) as db:
        rows = list(entries(db=db, patient_id=patient_id))
        db.expunge_all()
        return rows


def _versions(world: World, entry_id: int) -> list[RecordVersion]:
    with session_scope(world.app.state.engine) as db:
        rows = list(
            db.scalars(
                select(RecordVersion).where(
                    RecordVersion.entity == "diary_entry", RecordVersion.entity_id == entry_id
                )
            )
        )
        db.expunge_all()
        return rows


def _post_diary(client: TestClient, **fields: object) -> httpx2.Response:
    token = csrf_of(client.get("/me/diary").text)
    data: dict[str, object] = {"csrf_token": token, **fields}
    return client.post("/me/diary", data=data, follow_redirects=False)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def me(world: World) -> TestClient:
    return login(TestClient(world.app), "demo-patient")


def test_patient_lands_on_me_and_sees_todays_status(world: World, me: TestClient) -> None:
    page = me.get("/me?lang=en")
    assert page.status_code == 200
    assert "Not written yet." in page.text and 'href="/me/diary"' in page.text
    # personal notes come from the real record: the demo patient has injections + a programme
    assert 'data-id="injection_' in page.text and 'data-id="exercise"' in page.text
    assert 'data-id="appointment"' in page.text  # the demo booked the next injection visit
    with session_scope(world.app.state.engine) as db:
        views = query_events(db=db, action="view", patient_id=world.demo_patient_id)
        assert any(e.target == "/me" for e in views)


def test_patient_writes_a_diary_entry_and_sees_it(world: World, me: TestClient) -> None:
    day = seoul_today()
    resp = _post_diary(
        me,
        date=day.isoformat(),
        severity="7",
        pain="3",
        triggers=["stress", "screen_use"],
        exercise_done="yes",
        side_effects=["headache"],
        note="synthetic",
    )
    assert resp.status_code == 303
    page = me.get(resp.headers["location"] + "&lang=en")
    assert "Saved." in page.text
    listed = re.search(rf'<li id="d-{day.isoformat()}">(.*?)</li>', page.text, re.S)
    assert listed and "Symptoms 7 · Pain 3" in _text(listed.group(1))
    assert "Stress, Phone or computer screen" in _text(listed.group(1))
    assert "<svg" in page.text  # trend plot
    row = next(e for e in _diary(world, world.demo_patient_id) if e.entry_date == day)
    assert (row.severity, row.pain, row.exercise_done) == (7, 3, True)
    assert row.triggers == ["stress", "screen_use"] and row.side_effects == ["headache"]
    home = me.get("/me?lang=en")
    assert "Written: symptoms 7, pain 3" in home.text
    with session_scope(world.app.state.engine) as db:
        created = query_events(db=db, action="create", patient_id=world.demo_patient_id)
        assert [e.target for e in created] == [f"diary_entry:{row.id}"]


def test_future_date_is_refused_at_the_field_and_nothing_saved(
    world: World, me: TestClient
) -> None:
    before = len(_diary(world, world.demo_patient_id))
    tomorrow = seoul_today() + timedelta(days=1)
    resp = _post_diary(me, date=tomorrow.isoformat(), severity="2", pain="2")
    assert resp.status_code == 422
    html = resp.text
    assert re.search(r'id="f-date"[^>]*aria-invalid="true"', html, re.S)
    error = re.search(r'id="e-date"[^>]*>(.*?)</p>', html)
    assert error and tomorrow.isoformat() in error.group(1) and "미래" in error.group(1)
    assert 'value="2" checked' in html  # answers are kept for the next try
    assert len(_diary(world, world.demo_patient_id)) == before
    # a day before the birth year is refused by the diary service, shown at the same field
    old = _post_diary(me, date="1900-01-01", severity="2", pain="2")
    assert old.status_code == 422 and 'id="e-date"' in old.text
    assert "1900-01-01" in old.text
    # choosing a future day to write is refused the same way
    assert me.get(f"/me/diary?day={tomorrow.isoformat()}").status_code == 422


def test_bad_score_is_shown_at_its_field_in_english(world: World, me: TestClient) -> None:
    before = len(_diary(world, world.demo_patient_id))
    token = csrf_of(me.get("/me/diary").text)
    resp = me.post(
        "/me/diary?lang=en",
        data={"csrf_token": token, "date": seoul_today().isoformat(), "severity": "11"},
    )
    assert resp.status_code == 422
    assert "11 is not a whole number from 0 to 10" in resp.text
    assert "Choose a number from 0 to 10" in resp.text  # pain missing
    assert re.search(r'class="field-0-10 invalid" id="fs-severity"', resp.text)
    assert len(_diary(world, world.demo_patient_id)) == before


def test_writing_the_same_day_again_amends_and_keeps_the_version(
    world: World, me: TestClient
) -> None:
    day = seoul_today()
    assert _post_diary(me, date=day.isoformat(), severity="5", pain="1").status_code == 303
    form = me.get(f"/me/diary?day={day.isoformat()}&lang=en")
    assert "You already wrote this day" in form.text
    assert 'name="severity" value="5" checked' in form.text  # pre-filled
    resp = _post_diary(me, date=day.isoformat(), severity="8", pain="6", exercise_done="no")
    assert resp.headers["location"].endswith("saved=amend")
    assert (
        "earlier answers for this day are kept"
        in me.get(resp.headers["location"] + "&lang=en").text
    )
    rows = [e for e in _diary(world, world.demo_patient_id) if e.entry_date == day]
    assert len(rows) == 1 and (rows[0].severity, rows[0].pain) == (8, 6)
    (old,) = _versions(world, rows[0].id)
    assert old.data["severity"] == 5 and old.data["pain"] == 1 and old.version == 1
    with session_scope(world.app.state.engine) as db:
        amends = query_events(db=db, action="amend", patient_id=world.demo_patient_id)
        assert [e.target for e in amends] == [f"diary_entry:{rows[0].id}"]


def test_exercise_tick_updates_adherence(world: World, me: TestClient) -> None:
    today = seoul_today()
    since = today - timedelta(days=27)

    def expected() -> int | None:
        share = adherence(_diary(world, world.demo_patient_id), since, today)
        return None if share is None else round(100 * share)

    page = me.get("/me/exercises?lang=en")
    assert page.status_code == 200 and "Sensory-trick practice" in page.text  # assigned
    assert "unconfirmed reference" in page.text  # the library's [U] flag is shown
    token = csrf_of(page.text)
    # no diary today yet: the tick also needs severity and pain
    missing = me.post("/me/exercises/today", data={"csrf_token": token, "done": "yes"})
    assert missing.status_code == 422 and 'id="e-severity"' in missing.text
    unanswered = me.post(
        "/me/exercises/today", data={"csrf_token": token, "severity": "3", "pain": "2"}
    )
    assert unanswered.status_code == 422 and "Answer yes or no" in unanswered.text
    assert all(e.entry_date != today for e in _diary(world, world.demo_patient_id))
    before = expected()
    resp = me.post(
        "/me/exercises/today",
        data={"csrf_token": token, "done": "yes", "severity": "3", "pain": "2"},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    after = expected()
    assert after is not None and after != before
    shown = me.get("/me/exercises?lang=en")
    assert re.search(rf'id="adherence"><strong>{after}%', shown.text)
    rows = [e for e in _diary(world, world.demo_patient_id) if since <= e.entry_date <= today]
    answered = [e for e in rows if e.exercise_done is not None]
    done, n = sum(1 for e in answered if e.exercise_done), len(answered)
    days = "day" if n == 1 else "days"  # ngettext on the number of answered days
    assert f"Exercises done on {done} of the {n} diary {days} that answered" in shown.text
    assert f"운동 여부에 답한 일지 {n}일 중 {done}일" in me.get("/me/exercises?lang=ko").text
    # a second tick on the same day keeps the other answers and the earlier version
    me.post("/me/exercises/today", data={"csrf_token": token, "done": "no"})
    row = next(e for e in _diary(world, world.demo_patient_id) if e.entry_date == today)
    assert (row.exercise_done, row.severity, row.pain) == (False, 3, 2)
    assert [v.data["exercise_done"] for v in _versions(world, row.id)] == [True]
    assert expected() != after


def test_questionnaire_item9_shows_urgent_safety_message(world: World, me: TestClient) -> None:
    form = me.get("/me/questionnaires/phq9")
    assert form.status_code == 200 and 'action="/me/questionnaires/phq9"' in form.text
    answers = {f"q{n}": "0" for n in range(1, 10)} | {"q9": "1"}
    resp = me.post(
        "/me/questionnaires/phq9",
        data={"csrf_token": csrf_of(form.text), **answers},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    result = me.get(resp.headers["location"])
    assert result.status_code == 200
    first = re.search(r'<li class="statement (\w+)" data-id="(\w+)"', result.text)
    assert first and first.groups() == ("urgent", "phq9_safety")
    assert 'role="alert"' in result.text and "109" in result.text and "1577-0199" in result.text
    assert "최소" in result.text  # band of total 1, Korean by default
    with session_scope(world.app.state.engine) as db:
        row = db.scalars(
            select(ScaleAssessment)
            .where(ScaleAssessment.patient_id == world.demo_patient_id)
            .order_by(ScaleAssessment.id.desc())
        ).first()
        assert row is not None and row.answers["q9"] == 1 and row.total == 1


def test_gad7_high_suggests_psychological_support(me: TestClient) -> None:
    form = me.get("/me/questionnaires/gad7")
    answers = {f"q{n}": "2" for n in range(1, 8)}  # total 14
    result = me.post(
        "/me/questionnaires/gad7?lang=en", data={"csrf_token": csrf_of(form.text), **answers}
    )
    assert result.status_code == 200
    assert 'data-id="psych_support"' in result.text and "심리 지원" in result.text
    assert "중등도" in result.text and 'data-id="phq9_safety"' not in result.text
    english = me.get(str(result.url) + "?lang=en")
    assert "psychological support" in english.text and "Moderate" in english.text
    low = me.post(
        "/me/questionnaires/gad7?lang=en",
        data={"csrf_token": csrf_of(form.text)} | {f"q{n}": "0" for n in range(1, 8)},
    )
    assert "psych_support" not in low.text and "Minimal" in low.text  # the lang cookie is en


def test_bad_questionnaire_answer_is_shown_at_the_item(world: World, me: TestClient) -> None:
    with session_scope(world.app.state.engine) as db:
        before = db.scalar(select(func.count()).select_from(ScaleAssessment))
    form = me.get("/me/questionnaires/phq9")
    answers = {f"q{n}": "0" for n in range(1, 10)} | {"q4": "7"}
    resp = me.post("/me/questionnaires/phq9", data={"csrf_token": csrf_of(form.text), **answers})
    assert resp.status_code == 422
    assert re.search(r'id="f-q4"[^>]*aria-invalid="true"', resp.text)
    with session_scope(world.app.state.engine) as db:
        assert db.scalar(select(func.count()).select_from(ScaleAssessment)) == before


def test_clinician_rated_scales_and_unknown_codes_are_not_questionnaires(
    me: TestClient,
) -> None:
    listing = me.get("/me/questionnaires")
    for code in ("phq9", "gad7", "cdip58"):
        assert f'href="/me/questionnaires/{code}"' in listing.text
    assert "/me/questionnaires/twstrs" not in listing.text
    assert me.get("/me/questionnaires/twstrs").status_code == 403
    assert me.get("/me/questionnaires/nope").status_code == 404


def test_other_patients_urls_answer_not_found(world: World) -> None:
    other = login(TestClient(world.app), "demo-patient")
    with session_scope(world.app.state.engine) as db:
        theirs = db.scalars(
            select(ScaleAssessment.id).where(
                ScaleAssessment.patient_id == world.other_demo_patient_id
            )
        ).first()
    assert theirs is not None
    assert other.get(f"/me/results/{theirs}").status_code == 404
    assert other.get("/me/results/999999").status_code == 404
    for pid in (world.other_demo_patient_id, world.other_centre_patient_id):
        assert other.get(f"/patients/{pid}/diary").status_code == 404
    nurse = login(TestClient(world.app), "demo-nurse")
    assert nurse.get(f"/patients/{world.other_centre_patient_id}/diary").status_code == 404


def test_staff_go_home_from_me_and_may_not_write_a_diary(world: World) -> None:
    nurse = login(TestClient(world.app), "demo-nurse")
    home = nurse.get("/me", follow_redirects=False)
    assert (
        home.status_code == 303 and home.headers["location"] == "/worklist"
    )  # nurses land on the worklist
    admin = login(TestClient(world.app), "demo-admin")
    assert admin.get("/me", follow_redirects=False).headers["location"] == "/admin/audit"
    # the clinician's diary block needs patient.view, which the admin role lacks
    assert admin.get(f"/patients/{world.demo_patient_id}/diary").status_code == 403
    assert nurse.get(f"/patients/{world.demo_patient_id}/diary").status_code == 200
    assert nurse.get("/me/results/1").status_code == 403
    token = csrf_of(nurse.get("/patients").text)
    for url in PAGES[1:]:
        assert nurse.get(url).status_code == 403, url
    before = len(_diary(world, world.demo_patient_id))
    posted = nurse.post(
        "/me/diary",
        data={"csrf_token": token, "date": seoul_today().isoformat(), "severity": 1, "pain": 1},
    )
    assert posted.status_code == 403
    tick = nurse.post("/me/exercises/today", data={"csrf_token": token, "done": "yes"})
    assert tick.status_code == 403
    assert len(_diary(world, world.demo_patient_id)) == before


def test_posts_need_the_csrf_token(world: World, me: TestClient) -> None:
    resp = me.post("/me/diary", data={"date": seoul_today().isoformat(), "severity": 1, "pain": 1})
    assert resp.status_code == 403
    assert all(e.entry_date != seoul_today() for e in _diary(world, world.demo_patient_id))


def test_unauthenticated_pages_redirect_and_json_gets_401(world: World) -> None:
    client = TestClient(world.app)
    for url in [*PAGES, "/me/results/1", f"/patients/{world.demo_patient_id}/diary"]:
        page = client.get(url, follow_redirects=False)
        assert page.status_code == 303, url
        assert page.headers["location"] == f"/login?next={quote(url)}"
        api = client.get(url, headers={"accept": "application/json"})
        assert api.status_code == 401 and api.json()["error"] == "Unauthenticated", url
    token = csrf_of(client.get("/login").text)  # a valid CSRF token, but no login
    for url in ("/me/diary", "/me/exercises/today", "/me/questionnaires/phq9"):
        resp = client.post(url, data={"csrf_token": token, "done": "yes"}, follow_redirects=False)
        assert resp.status_code == 303 and resp.headers["location"].startswith("/login?next="), url
    assert _diary(world, world.demo_patient_id)[-1].entry_date < seoul_today()


def test_clinician_sees_the_diary_block(world: World) -> None:
    today = seoul_today()
    since = today - timedelta(days=27)
    with session_scope(world.app.state.engine) as db:
        for back, sev in ((0, 8), (1, 6), (27, 2)):
            record_entry(
                db=db,
                patient_id=world.other_demo_patient_id,
                entry_date=today - timedelta(days=back),
                severity=sev,
                pain=1,
                exercise_done=back != 1,
                today=today,
            )
        rows = entries(db=db, patient_id=world.other_demo_patient_id, since=since)
        week4 = [e.severity for e in rows if (e.entry_date - since).days // 7 == 3]
        week1 = [e.severity for e in rows if (e.entry_date - since).days // 7 == 0]
    doctor = login(TestClient(world.app), "demo-doctor")
    page = doctor.get(f"/patients/{world.other_demo_patient_id}?lang=en")
    assert f'hx-get="/patients/{world.other_demo_patient_id}/diary"' in page.text
    assert 'hx-trigger="load"' in page.text and "htmx-2.0.11.min.js" in page.text
    block = doctor.get(  # as HTMX asks for it; a plain link gets a whole page
        f"/patients/{world.other_demo_patient_id}/diary?lang=en", headers={"HX-Request": "true"}
    )
    assert block.status_code == 200 and "<html" not in block.text  # a fragment
    assert "Diary (last 28 days)" in block.text and "<svg" in block.text
    cells = re.findall(r"<tr><td>(\d)</td>.*?</tr>", block.text, re.S)
    assert cells == ["1", "2", "3", "4"]
    assert f"{sum(week4) / len(week4):.1f}" in block.text
    assert f"{sum(week1) / len(week1):.1f}" in block.text
    with session_scope(world.app.state.engine) as db:
        views = query_events(db=db, action="view", patient_id=world.other_demo_patient_id)
        assert any(e.target.endswith("/diary") for e in views)


def test_booked_appointment_reaches_the_patient(world: World) -> None:
    """A nurse books a visit on the patient page; the patient's home says when it is."""
    from datetime import datetime as _dt
    from datetime import timedelta as _td
    from zoneinfo import ZoneInfo

    from cdcare.l10n import datetime_text

    nurse = login(TestClient(world.app), "demo-nurse")
    page = nurse.get(f"/patients/{world.demo_patient_id}?lang=en")
    when = (_dt.now(ZoneInfo("Asia/Seoul")) + _td(days=10)).replace(second=0, microsecond=0)
    resp = nurse.post(
        f"/patients/{world.demo_patient_id}/appointments",
        data={
            "csrf_token": csrf_of(page.text),
            "kind": "followup",
            "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
            "note": "diary review",
        },
        follow_redirects=False,
    )
    assert resp.status_code == 303
    shown = nurse.get(f"/patients/{world.demo_patient_id}?lang=en").text
    # written by the datetime filter (Babel, centre's zone), e.g. "Dec 14, 2026, 1:54 AM"
    assert datetime_text(when, "en", ZoneInfo("Asia/Seoul")) in shown and "diary review" in shown
    bad = nurse.post(
        f"/patients/{world.demo_patient_id}/appointments",
        data={
            "csrf_token": csrf_of(page.text),
            "kind": "followup",
            "starts_at": "2001-01-01T09:00",
        },
    )
    assert bad.status_code == 422
    patient = login(TestClient(world.app), "demo-patient")
    home = patient.get("/me?lang=en").text
    from babel.dates import format_date

    from cdcare.care.appointments import next_appointment
    from cdcare.store.db import session_scope

    with session_scope(world.app.state.engine) as db:  # the demo booked one too: the soonest
        nxt = next_appointment(db=db, patient_id=world.demo_patient_id)
        assert nxt is not None
        soonest = nxt.starts_at.astimezone(ZoneInfo("Asia/Seoul")).date()
    assert soonest <= when.date()
    assert f"Your next appointment is on {format_date(soonest, format='long', locale='en')}" in home
    other = login(TestClient(world.app), "other-nurse")
    assert other.post(
        f"/patients/{world.demo_patient_id}/appointments", data={"kind": "followup"}
    ).status_code in (403, 404)
