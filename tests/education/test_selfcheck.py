"""Symptom self-check: warning signs always give urgent advice; never a diagnosis."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdcare.education.selfcheck import (
    Question,
    SelfCheckAnswerError,
    evaluate,
    normalise_answers,
    questionnaire,
)

QN = questionnaire()
WARNING_OPTIONS = sorted({(r.question, o) for r in QN.warnings for o in r.any_of})


def _answer(q: Question) -> st.SearchStrategy[Any]:
    """Any valid answer to ``q`` (multiple questions: a set of options, or one exclusive)."""
    if not q.multiple:
        return st.sampled_from(q.option_ids())
    inclusive = [o.id for o in q.options if not o.exclusive]
    exclusive = [[o.id] for o in q.options if o.exclusive]
    subsets = st.lists(st.sampled_from(inclusive), min_size=1, unique=True)
    return st.one_of(subsets, *(st.just(e) for e in exclusive)) if exclusive else subsets


@st.composite
def answer_sets(draw: st.DrawFn) -> dict[str, Any]:
    """Any valid (possibly partial) answer set."""
    chosen = draw(st.lists(st.sampled_from(QN.questions), unique_by=lambda q: q.id))
    return {q.id: draw(_answer(q)) for q in chosen}


@st.composite
def with_warning(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[str, str]]:
    """A valid answer set that contains at least one warning-sign answer."""
    answers = draw(answer_sets())
    qid, option = draw(st.sampled_from(WARNING_OPTIONS))
    q = QN.question(qid)
    if q.multiple:
        previous = answers.get(qid, [])
        previous = [previous] if isinstance(previous, str) else previous
        keep = [a for a in previous if not any(o.id == a and o.exclusive for o in q.options)]
        answers[qid] = sorted({*keep, option})
    else:
        answers[qid] = option
    return answers, (qid, option)


def _texts(result_dict: dict[str, Any]) -> str:
    return " ".join(s["text"] for s in result_dict["statements"])


def test_warning_signs_cover_the_issue_list() -> None:
    assert ("onset_speed", "sudden") in WARNING_OPTIONS
    assert ("onset_age", "child") in WARNING_OPTIONS
    for option in ("fever", "injury", "weakness", "swallow_breathe"):
        assert ("other_signs", option) in WARNING_OPTIONS


@given(with_warning())
def test_any_warning_sign_gives_urgent_advice_first(case: tuple[dict[str, Any], Any]) -> None:
    answers, (qid, option) = case
    result = evaluate(answers)
    assert result.urgent
    statements = result.statements()
    assert statements[0].id == "urgent_advice" and statements[0].kind == "urgent"
    assert "119" in statements[0].text("en") and "119" in statements[0].text("ko")
    expected = {r.statement.id for r in QN.warnings if r.question == qid and option in r.any_of}
    assert expected <= {w.id for w in result.warnings}


@given(answer_sets())
def test_every_result_disclaims_diagnosis_and_refers(answers: dict[str, Any]) -> None:
    result = evaluate(answers)
    ids = [s.id for s in result.statements()]
    assert "not_a_diagnosis" in ids and "privacy" in ids
    assert result.referral.id in {"referral_signs", "referral_general"}
    assert "neurologist" in result.referral.text("en")
    assert "신경과" in result.referral.text("ko")
    warned = any(r.matches(normalise_answers(answers)) for r in QN.warnings)
    assert result.urgent == warned == (result.urgent_advice is not None)
    en, ko = _texts(result.as_dict("en")), _texts(result.as_dict("ko"))
    assert "does not give a diagnosis" in en and "진단이 아닙니다" in ko
    for phrase in ("you have cervical dystonia", "you have dystonia"):
        assert phrase not in en.lower()
    assert "진단됩니다" not in ko


def test_no_warning_no_urgent_advice() -> None:
    result = evaluate(
        {
            "posture": ["turn", "tilt"],
            "onset_speed": "gradual",
            "onset_age": "40_60",
            "other_signs": ["none"],
            "sensory_trick": "yes",
        }
    )
    assert not result.urgent and result.urgent_advice is None
    assert result.referral.id == "referral_signs"
    ids = {s.id for s in result.explanations}
    assert {"explain_posture", "explain_sensory_trick", "explain_usual_age"} <= ids


def test_no_signs_gives_general_referral() -> None:
    result = evaluate({"posture": "none", "tremor": "no", "movement": ["none"]})
    assert result.referral.id == "referral_general"
    assert evaluate({}).referral.id == "referral_general"


def test_unverified_statements_keep_their_flag() -> None:
    result = evaluate({"other_signs": ["swallow_breathe"], "triggers": ["stress"]})
    flags = {s.id: s.verified for s in result.statements()}
    assert flags["warn_swallow_breathe"] is False
    assert flags["explain_triggers"] is False
    assert result.as_dict("en")["statements"][1]["verified"] is False


def test_questions_are_bilingual() -> None:
    for q in QN.questions:
        assert q.text("en") != q.text("ko") and q.options
        assert all(o.text("en") and o.text("ko") for o in q.options)


@pytest.mark.parametrize(
    ("answers", "en_part", "ko_part"),
    [
        (
            {"shoe_size": "42"},
            "Unknown self-check question 'shoe_size'",
            "'shoe_size' 질문이 없습니다",
        ),
        ({"tremor": "maybe"}, "'maybe' is not an option of question 'tremor'", "보기가 아닙니다"),
        ({"tremor": ["yes", "no"]}, "takes one answer, got 2", "하나만"),
        ({"posture": ["none", "turn"]}, "'none' cannot be combined", "함께 고를 수 없습니다"),
        ({"posture": 3}, "must be text or a list of texts", "문자열"),
    ],
)
def test_bad_answers_are_named_errors(answers: dict[str, Any], en_part: str, ko_part: str) -> None:
    with pytest.raises(SelfCheckAnswerError) as info:
        evaluate(answers)
    assert info.value.exit_code == 2
    assert en_part in info.value.text("en")
    assert ko_part in info.value.text("ko")
