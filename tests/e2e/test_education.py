"""Public education pages and the symptom self-check in a real browser, Korean and English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from cdcare.care.patients import record_assessment
from cdcare.education.personal import phq9_statements
from cdcare.education.selfcheck import evaluate, questionnaire
from cdcare.education.topics import get_topic, glossary, list_topics
from cdcare.i18n import translate
from cdcare.l10n import date_text
from cdcare.store.db import session_scope

from .conftest import Live, login, snap

LANGS = ("ko", "en")
QN = questionnaire()
WARN = {(r.question, o) for r in QN.warnings for o in r.any_of}


def _calm() -> dict[str, str]:
    """One answer per question, none of them a warning sign."""
    return {q.id: next(o.id for o in q.options if (q.id, o.id) not in WARN) for q in QN.questions}


def _answer(page: Page, answers: dict[str, str]) -> None:
    for qid, option in answers.items():
        page.check(f'#q-{qid} input[value="{option}"]')


@pytest.mark.parametrize("lang", LANGS)
def test_learn_topics_without_login(page: Page, lang: str) -> None:
    page.goto(f"/learn?lang={lang}")
    expect(page.locator("h1")).to_have_text(translate("Learn about cervical dystonia", lang))
    topics = list_topics(lang)
    expect(page.locator("ol.topics > li")).to_have_count(len(topics))
    expect(page.locator("section.personal")).to_have_count(0)

    treatment = get_topic("treatment", lang)
    assert not treatment.verified
    page.click(f"ol.topics >> text={treatment.title}")
    expect(page.locator("article h1")).to_have_text(treatment.title)
    expect(page.locator("p.meta")).to_have_text(
        translate("Version {version}, reviewed on {date}", lang).format(
            version=treatment.version, date=date_text(treatment.reviewed, lang)
        )
    )
    expect(page.locator("p.unconfirmed")).to_be_visible()
    expect(page.locator("section.sources li")).to_have_count(len(treatment.sources))
    expect(page.locator("article h2").first).to_be_visible()
    assert page.locator("article script").count() == 0
    snap(page, f"test_learn_topic_treatment-{lang}")

    page.locator('article a.src[href="/sources#S30"]').first.click()
    expect(page).to_have_url(re.compile(r"/sources#S30$"))
    expect(page.locator("tr#S30")).to_be_in_viewport()
    expect(page.locator("tr#S30")).to_contain_text("Odergren")
    page.go_back()

    overview = get_topic("overview", lang)
    assert overview.verified
    page.goto(f"/learn/{overview.id}")
    expect(page.locator("article h1")).to_have_text(overview.title)
    expect(page.locator("p.unconfirmed")).to_have_count(0)


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_page(page: Page, lang: str) -> None:
    page.goto(f"/learn/glossary?lang={lang}")
    entries = glossary(lang)
    expect(page.locator("dl.glossary dt")).to_have_count(len(entries))
    expect(page.locator(f"#term-{entries[0].id}")).to_contain_text(entries[0].term)


@pytest.mark.parametrize("lang", LANGS)
def test_selfcheck_warning_sign_shows_urgent_advice_first(page: Page, lang: str) -> None:
    page.goto(f"/selfcheck?lang={lang}")
    expect(page.locator("fieldset.question")).to_have_count(len(QN.questions))
    answers = _calm()
    answers["other_signs"] = "fever"
    _answer(page, answers)
    with page.expect_navigation() as nav:
        page.click('form.selfcheck button[type="submit"]')
    assert nav.value is not None and nav.value.status == 200
    expected = evaluate(answers).statements()
    items = page.locator("ul.result li.statement")
    expect(items).to_have_count(len(expected))
    first = items.first
    expect(first).to_have_class("statement urgent")
    expect(first.locator(".text")).to_have_text(expected[0].text(lang))
    assert expected[0].id == "urgent_advice"
    expect(page.locator('li[data-id="warn_fever"]')).to_be_visible()
    for fixed in ("not_a_diagnosis", "privacy"):
        expect(page.locator(f'li[data-id="{fixed}"] .text')).to_have_text(
            QN.fixed[fixed].fill().text(lang)
        )


def test_selfcheck_missing_answer_is_marked_at_the_question(page: Page) -> None:
    page.goto("/selfcheck?lang=ko")
    answers = _calm()
    del answers["pain"]
    _answer(page, answers)
    with page.expect_navigation() as nav:
        page.click('form.selfcheck button[type="submit"]')
    assert nav.value is not None and nav.value.status == 422
    marked = page.locator("fieldset.question.invalid")
    expect(marked).to_have_count(1)
    expect(marked).to_have_attribute("id", "q-pain")
    expect(marked.locator(".field-error")).to_have_text(
        translate("Please answer this question", "ko")
    )
    # the answers given are still checked
    expect(page.locator(f'#q-onset_speed input[value="{answers["onset_speed"]}"]')).to_be_checked()
    expect(page.locator("ul.result")).to_have_count(0)


@pytest.mark.parametrize("path", ["/learn/treatment?lang=ko", "/selfcheck?lang=ko"])
def test_pages_fit_a_phone_screen(browser: Browser, live: Live, path: str) -> None:
    ctx = browser.new_context(base_url=live.url, viewport={"width": 390, "height": 844})
    try:
        phone = ctx.new_page()
        phone.goto(path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways on a phone ({width}px)"
        name = "learn" if path.startswith("/learn") else "selfcheck"
        snap(phone, f"test_pages_fit_a_phone_screen-{name}")
    finally:
        ctx.close()


def test_patient_sees_personal_notes_on_learn(page: Page, live: Live) -> None:
    with session_scope(live.engine) as db:  # a new PHQ-9: total 12, item 9 = 0
        answers = {f"q{i}": (2 if i <= 6 else 0) for i in range(1, 10)}
        record_assessment(
            db=db, patient_id=live.demo_patient_id, instrument="phq9", answers=answers
        )
    mood = phq9_statements(total=12, item9=0)
    assert [s.id for s in mood] == ["phq9_talk", "crisis_contacts"]
    login(page, "demo-patient")
    page.goto("/learn?lang=ko")
    section = page.locator("section.personal")
    expect(section.locator("h2")).to_have_text(translate("For you", "ko"))
    for s in mood:
        expect(section.locator(f'li[data-id="{s.id}"] .text')).to_have_text(s.text("ko"))
    unconfirmed = section.locator('li[data-id="crisis_contacts"] .unconfirmed')  # cites U
    expect(unconfirmed).to_have_text(f"({translate('unconfirmed reference', 'ko')})")
    # the demo patient's injection log and exercise programme speak too
    expect(section.locator('li[data-id^="injection_"]')).to_have_count(1)
    expect(section.locator('li[data-id="exercise"]')).to_have_count(1)
