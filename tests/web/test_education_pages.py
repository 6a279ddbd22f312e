"""Public education pages and the symptom self-check (TestClient, no browser)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, or_, select

from cdcare.care.accounts import DEMO_PASSWORD, set_password
from cdcare.care.audit import query_events
from cdcare.care.patients import create_user, latest_assessments, record_assessment
from cdcare.care.rehab import library
from cdcare.config import Settings
from cdcare.education.personal import (
    appointment_statement,
    exercise_statement,
    injection_statement,
    phq9_statements,
)
from cdcare.education.selfcheck import evaluate, questionnaire
from cdcare.education.statements import Statement
from cdcare.education.topics import glossary, list_topics
from cdcare.i18n import translate
from cdcare.l10n import date_text
from cdcare.store.care_models import Appointment, ExerciseAssignment, InjectionSession
from cdcare.store.db import make_engine, session_scope
from cdcare.store.migrate import upgrade
from cdcare.store.models import Base, Patient, Role
from cdcare.web.app import create_app
from cdcare.web.routes.education import markdown_html
from cdcare.web.routes.portal_forms import support_statement

from .conftest import World, csrf_of, login

QN = questionnaire()
WARNING_OPTIONS = sorted({(r.question, o) for r in QN.warnings for o in r.any_of})
LANGS = ("ko", "en")


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, Engine]]:
    """The app on an empty, migrated database (the public pages need no data)."""
    path = tmp_path_factory.mktemp("edu") / "edu.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    yield create_app(Settings(demo=True), engine), engine
    engine.dispose()


@pytest.fixture
def client(public: tuple[FastAPI, Engine]) -> TestClient:
    return TestClient(public[0])


def _calm_answers() -> dict[str, list[str]]:
    """A complete answer set with no warning sign: the first non-warning option of each."""
    warn = set(WARNING_OPTIONS)
    return {q.id: [next(o.id for o in q.options if (q.id, o.id) not in warn)] for q in QN.questions}


def _post(client: TestClient, answers: dict[str, list[str]], lang: str = "en") -> Any:
    page = client.get(f"/selfcheck?lang={lang}")
    data: dict[str, Any] = {"csrf_token": csrf_of(page.text), **answers}
    return client.post(f"/selfcheck?lang={lang}", data=data)


def _statement_ids(page: str) -> list[str]:
    return re.findall(r'<li class="statement \w+" data-id="([^"]+)"', page)


def _fieldset(page: str, qid: str) -> str:
    match = re.search(rf'<fieldset id="q-{qid}".*?</fieldset>', page, re.S)
    assert match, f"no fieldset for {qid}"
    return match.group(0)


@pytest.mark.parametrize("lang", LANGS)
def test_learn_lists_every_topic(client: TestClient, lang: str) -> None:
    page = client.get(f"/learn?lang={lang}")
    assert page.status_code == 200 and f'<html lang="{lang}">' in page.text
    for topic in list_topics(lang):
        assert f'<a href="/learn/{topic.id}">{html.escape(topic.title)}</a>' in page.text
    assert 'href="/selfcheck"' in page.text
    assert "For you" not in page.text  # no personal section without a patient login


@pytest.mark.parametrize(
    ("lang", "topic_id"), [(lg, t.id) for lg in LANGS for t in list_topics(lg)]
)
def test_topic_page_shows_sources_version_review_and_unconfirmed_note(
    client: TestClient, lang: str, topic_id: str
) -> None:
    topic = next(t for t in list_topics(lang) if t.id == topic_id)
    page = client.get(f"/learn/{topic_id}?lang={lang}").text
    assert f"<h1>{html.escape(topic.title)}</h1>" in page
    meta = translate("Version {version}, reviewed on {date}", lang).format(
        version=topic.version, date=date_text(topic.reviewed, lang)
    )
    assert meta in page  # "검토일 2026. 11. 25." / "reviewed on Nov 25, 2026"
    assert topic.reviewed.isoformat() not in page
    for tag in topic.sources:
        assert f'id="src-{tag}"' in page
    note = translate("Some statements rest on an unconfirmed reference [U].", lang)
    assert (note in page) is (not topic.verified)
    for tag in topic.inline_tags():  # inline citations link to the sources page
        assert f'href="/sources#{tag}"' in page


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_lists_every_term(client: TestClient, lang: str) -> None:
    page = client.get(f"/learn/glossary?lang={lang}").text
    for entry in glossary(lang):
        assert f'id="term-{entry.id}"' in page
        assert html.escape(entry.definition) in page


@pytest.mark.parametrize("lang", LANGS)
def test_unknown_topic_is_404_in_the_language(client: TestClient, lang: str) -> None:
    resp = client.get(f"/learn/no-such-topic?lang={lang}")
    assert resp.status_code == 404
    assert translate("Page not found", lang) in resp.text


def test_markdown_escapes_html_and_links_source_tags() -> None:
    out = markdown_html("<script>alert(1)</script>\n\n**bold** [S30] [x](javascript:alert(1))")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "<strong>bold</strong>" in out
    assert re.search(r'<a class="src" href="/sources#S30" title="[^"]+">\[S30\]</a>', out)
    assert re.findall(r'href="([^"]*)"', out) == ["/sources#S30"]  # no javascript: link


ALLOWED_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em"}
ALLOWED_TAGS |= {"code", "pre", "blockquote", "hr", "br", "a", "img"}


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="<>/=\"' abcsriptonload:[]()!*#-`&S0123U\n", max_size=80))
def test_markdown_never_passes_raw_html(text: str) -> None:
    out = markdown_html(text)
    for tag in re.findall(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9]*)", out):
        assert tag.lower() in ALLOWED_TAGS, (text, out)
    for url in re.findall(r'(?:href|src)="([^"]*)"', out):
        assert not url.lower().startswith("javascript:"), (text, out)


@pytest.mark.parametrize("lang", LANGS)
def test_selfcheck_form_has_every_question_and_option(client: TestClient, lang: str) -> None:
    page = client.get(f"/selfcheck?lang={lang}").text
    for q in QN.questions:
        block = _fieldset(page, q.id)
        assert html.escape(q.text(lang)) in block
        kind = "checkbox" if q.multiple else "radio"
        for o in q.options:
            assert f'type="{kind}" name="{q.id}" value="{o.id}"' in block


@pytest.mark.parametrize(("question", "option"), WARNING_OPTIONS)
def test_any_warning_sign_puts_urgent_advice_first(
    client: TestClient, question: str, option: str
) -> None:
    answers = _calm_answers()
    answers[question] = [option]
    resp = _post(client, answers)
    assert resp.status_code == 200
    ids = _statement_ids(resp.text)
    expected = evaluate({k: v if len(v) > 1 else v[0] for k, v in answers.items()})
    assert ids == [s.id for s in expected.statements()]
    assert ids[0] == "urgent_advice"
    assert {"not_a_diagnosis", "privacy"} <= set(ids)
    assert any(i.startswith("referral") for i in ids)


@pytest.mark.parametrize("lang", LANGS)
def test_calm_answers_give_no_urgent_advice(client: TestClient, lang: str) -> None:
    resp = _post(client, _calm_answers(), lang)
    assert resp.status_code == 200
    ids = _statement_ids(resp.text)
    assert "urgent_advice" not in ids and 'class="statement urgent"' not in resp.text
    fixed = QN.fixed
    for key in ("not_a_diagnosis", "privacy"):
        assert html.escape(fixed[key].fill().text(lang)) in resp.text


def test_unverified_statements_are_marked(client: TestClient) -> None:
    answers = _calm_answers()
    answers["other_signs"] = ["swallow_breathe"]  # its warning cites U
    resp = _post(client, answers)
    item = re.search(
        r'<li class="statement urgent" data-id="warn_swallow_breathe".*?</li>', resp.text, re.S
    )
    assert item and "unconfirmed reference" in item.group(0)
    advice = re.search(
        r'<li class="statement urgent" data-id="urgent_advice".*?</li>', resp.text, re.S
    )
    assert advice and "unconfirmed reference" not in advice.group(0)


@pytest.mark.parametrize("lang", LANGS)
def test_missing_answer_reshows_form_with_error_at_that_question(
    client: TestClient, lang: str
) -> None:
    answers = _calm_answers()
    del answers["pain"]
    answers["posture"] = ["turn", "tilt"]
    resp = _post(client, answers, lang)
    assert resp.status_code == 422 and resp.headers["cache-control"] == "no-store"
    block = _fieldset(resp.text, "pain")
    assert 'class="question invalid"' in block
    assert translate("Please answer this question", lang) in block
    assert 'class="question invalid"' not in _fieldset(resp.text, "posture")
    posture = _fieldset(resp.text, "posture")  # earlier choices are kept
    assert 'value="turn" checked' in posture and 'value="tilt" checked' in posture
    assert 'value="forward" checked' not in posture


@pytest.mark.parametrize(
    ("question", "values"),
    [("pain", ["severe"]), ("pain", ["none", "some"]), ("posture", ["none", "turn"])],
)
def test_bad_answer_names_the_question_in_both_languages(
    client: TestClient, question: str, values: list[str]
) -> None:
    for lang in LANGS:
        answers = _calm_answers()
        answers[question] = values
        resp = _post(client, answers, lang)
        assert resp.status_code == 422
        error = re.search(r'<p class="field-error" id="e-(\w+)">(.*?)</p>', resp.text, re.S)
        assert error and error.group(1) == question
        assert question in html.unescape(error.group(2))
        assert ("질문" in error.group(2)) is (lang == "ko")


def test_selfcheck_without_csrf_is_refused(client: TestClient) -> None:
    resp = client.post("/selfcheck", data=_calm_answers())
    assert resp.status_code == 403
    assert _statement_ids(resp.text) == []


def _session(client: TestClient, engine: Engine) -> dict[str, Any]:
    """What the server keeps for this browser's session (the cookie holds only a token)."""
    from cdcare.care.sessions import hash_token
    from cdcare.store.security_models import WebSession

    raw = client.cookies.get("cdcare_session")
    assert raw, "no session cookie"
    with session_scope(engine) as db:
        row = db.scalar(select(WebSession).where(WebSession.token_hash == hash_token(raw)))
        assert row is not None and row.user_id is None
        return dict(row.data)


def _row_counts(engine: Engine) -> dict[str, int]:
    """Rows per table, but for the session table (checked by :func:`_session`)."""
    with session_scope(engine) as db:
        return {
            t.name: int(db.scalar(select(func.count()).select_from(t)) or 0)
            for t in Base.metadata.sorted_tables
            if t.name != "web_session"
        }


def test_selfcheck_stores_nothing(public: tuple[FastAPI, Engine], client: TestClient) -> None:
    before = _row_counts(public[1])
    answers = _calm_answers()
    answers["other_signs"] = ["fever"]
    resp = _post(client, answers)
    assert resp.status_code == 200 and _statement_ids(resp.text)[0] == "urgent_advice"
    assert set(_session(client, public[1])) == {"csrf"}  # only the form token is kept
    assert resp.headers["cache-control"] == "no-store"
    assert _row_counts(public[1]) == before


def _expected_personal(engine: Engine, patient_id: int) -> list[Statement]:
    """What the record says, read straight from the tables, through the domain functions."""
    today = datetime.now(ZoneInfo("Asia/Seoul")).date()
    with session_scope(engine) as db:
        injected = db.scalars(
            select(InjectionSession.injected_on).where(InjectionSession.patient_id == patient_id)
        ).all()
        running = db.scalars(
            select(ExerciseAssignment.programme).where(
                ExerciseAssignment.patient_id == patient_id,
                ExerciseAssignment.start_on <= today,
                or_(ExerciseAssignment.end_on.is_(None), ExerciseAssignment.end_on >= today),
            )
        ).all()
        phq = [
            a for a in latest_assessments(db=db, patient_id=patient_id) if a.instrument == "phq9"
        ]
        gad = [
            a for a in latest_assessments(db=db, patient_id=patient_id) if a.instrument == "gad7"
        ]
        booked = db.scalars(
            select(Appointment.starts_at)
            .where(Appointment.patient_id == patient_id, Appointment.cancelled_at.is_(None))
            .order_by(Appointment.starts_at)
        ).all()
        future = [t for t in booked if t > datetime.now(UTC)]
    names = library()
    out = [
        s
        for s in [
            injection_statement(today=today, injection_dates=[d for d in injected if d <= today])
        ]
        if s is not None
    ]
    out.append(exercise_statement([{"en": names[c].en, "ko": names[c].ko} for c in running]))
    nxt = future[0].astimezone(ZoneInfo("Asia/Seoul")).date() if future else None
    out.append(appointment_statement(today=today, next_appointment=nxt))
    if phq:
        total = round(phq[0].total) if phq[0].total is not None else None
        out.extend(phq9_statements(total=total, item9=phq[0].answers.get("q9")))
    support = support_statement(gad7=gad[0].total if gad else None)
    if support is not None and all(x.id != support.id for x in out):
        out.append(support)
    return sorted(out, key=lambda s: s.kind != "urgent")


def test_patient_sees_personal_statements_from_their_record(world: World) -> None:
    engine = world.app.state.engine
    with session_scope(engine) as db:
        record_assessment(
            db=db,
            patient_id=world.demo_patient_id,
            instrument="phq9",
            answers={f"q{i}": 1 for i in range(1, 10)},  # total 9, item 9 = 1
            assessed_at=datetime.now(UTC),
        )
    expected = _expected_personal(engine, world.demo_patient_id)
    ids = [s.id for s in expected]
    assert ids[0] == "phq9_safety" and "crisis_contacts" in ids and "phq9_talk" not in ids
    assert any(i.startswith("injection_") for i in ids)  # the demo patient has injections
    assert "exercise" in ids  # and a running exercise programme
    client = login(TestClient(world.app), "demo-patient")
    for lang in LANGS:
        page = client.get(f"/learn?lang={lang}").text
        assert _statement_ids(page) == ids
        for s in expected:
            assert html.escape(s.text(lang)) in page
    crisis = re.search(r'data-id="crisis_contacts".*?</li>', page, re.S)
    assert crisis and "unconfirmed reference" in crisis.group(0)
    with session_scope(engine) as db:
        events = query_events(db=db, patient_id=world.demo_patient_id, username="demo-patient")
        assert any(e.target == "/learn" and e.action == "view" for e in events)
    doctor = login(TestClient(world.app), "demo-doctor").get("/learn?lang=ko").text
    assert "나를 위한 안내" not in doctor and _statement_ids(doctor) == []


def test_patient_with_an_empty_record_gets_only_what_is_true(world: World) -> None:
    with session_scope(world.app.state.engine) as db:
        other = db.get(Patient, world.other_centre_patient_id)
        assert other is not None
        user = create_user(
            db=db,
            centre_id=other.centre_id,
            username="oth-patient",
            display_name="C",
            role=Role.PATIENT,
            patient_id=other.id,
        )
        set_password(db=db, user=user, password=DEMO_PASSWORD)
    page = login(TestClient(world.app), "oth-patient").get("/learn?lang=en").text
    # no injection, no PHQ-9, no programme, no booking
    assert _statement_ids(page) == ["exercise_none", "appointment_none"]
    assert "You have no PHQ-9 mood questionnaire yet." in page


def test_nav_links_to_learn_and_selfcheck(client: TestClient) -> None:
    page = client.get("/login?lang=en").text
    assert '<a href="/learn">Learn</a>' in page and 'href="/selfcheck"' in page
