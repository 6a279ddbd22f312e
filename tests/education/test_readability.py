"""Readability rules, and every ko/en education text passing them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdcare.education.measurement import _templates as _measurement
from cdcare.education.personal import _templates
from cdcare.education.readability import (
    LIMITS,
    check,
    jargon,
    sentence_length,
    sentences,
    unexplained_jargon,
)
from cdcare.education.selfcheck import questionnaire
from cdcare.education.topics import glossary, list_topics

PAGES = [(lang, t.id, t.body) for lang in ("en", "ko") for t in list_topics(lang)]


@pytest.mark.parametrize(("lang", "topic_id", "body"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_every_page_is_plain_language(lang: str, topic_id: str, body: str) -> None:
    report = check(body, lang)
    assert report.sentence_count >= 10
    assert report.ok, report.problems


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_selfcheck_personal_and_measurement_texts_are_plain_language(lang: str) -> None:
    qn = questionnaire()
    texts = [q.text(lang) for q in qn.questions]
    texts += [f"{o.text(lang)}." for q in qn.questions for o in q.options]
    texts += [getattr(r.statement, lang) for r in (*qn.explanations, *qn.warnings)]
    texts += [getattr(t, lang) for t in (*qn.fixed.values(), *_templates().values())]
    texts += [getattr(t, lang) for t in _measurement().values()]
    report = check("\n\n".join(texts), lang)
    assert report.ok, report.problems


def test_sentence_splitting_drops_markup_and_headings() -> None:
    md = "# Title\n\nOne two [S1]. Three **four** five!\n\n- [A link](http://x) here\n- Item two"
    assert sentences(md) == ["One two.", "Three four five!", "A link here", "Item two"]


def test_sentence_length_units() -> None:
    assert sentence_length("The head turns to one side.", "en") == 6
    assert sentence_length("머리가 한쪽으로 돌아갑니다 .", "ko") == 3


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_too_long_sentence_fails(lang: str) -> None:
    limit = LIMITS[lang].sentence_max
    word = "neck" if lang == "en" else "목이"
    report = check(" ".join([word] * (limit + 1)) + ".", lang)
    assert not report.ok and report.max_length == limit + 1
    assert check(" ".join([word] * limit) + ".", lang).max_length == limit


@given(st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=12))
def test_mean_length_is_computed(lengths: list[int]) -> None:
    text = " ".join(" ".join(["word"] * n) + "." for n in lengths)
    report = check(text, "en")
    assert report.mean_length == pytest.approx(sum(lengths) / len(lengths))
    assert report.max_length == max(lengths)
    mean_too_long = sum(lengths) / len(lengths) > LIMITS["en"].mean_max
    assert any("mean sentence length" in p for p in report.problems) == mean_too_long


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_unglossed_jargon_is_reported(lang: str) -> None:
    known = {n.casefold() for e in glossary(lang) for n in e.names}
    missing = [t for t in jargon(lang) if t.casefold() not in known]
    assert missing, "the jargon list should be wider than the glossary"
    term = missing[0]
    text = f"The doctor said {term} today." if lang == "en" else f"의사가 {term}이라고 했습니다."
    assert term in unexplained_jargon(text, lang)
    assert any(term in p for p in check(text, lang).problems)
    glossed = glossary(lang)[0].term
    assert unexplained_jargon(f"{glossed}.", lang) == []
