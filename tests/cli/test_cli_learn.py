"""`cdcare learn list|show` in Korean and English."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cdcare.cli.main import run
from cdcare.education.selfcheck import questionnaire
from cdcare.education.topics import get_topic, list_topics, source_registry
from cdcare.l10n import date_text


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("CDCARE_LANG", raising=False)


@pytest.mark.parametrize(
    "argv_lang", [["learn", "list", "--lang", "ko"], ["--lang", "ko", "learn", "list"]]
)
def test_list_in_korean(argv_lang: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(argv_lang) == 0
    out = capsys.readouterr().out
    assert "교육 주제" in out
    for topic in list_topics("ko"):
        assert topic.id in out and topic.title in out
        assert date_text(topic.reviewed, "ko") in out  # the review date for people


def test_list_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["learn", "list"]) == 0
    out = capsys.readouterr().out
    assert "Education topics" in out
    assert all(t.title in out for t in list_topics("en"))
    assert all(date_text(t.reviewed, "en") in out for t in list_topics("en"))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_show_prints_text_sources_and_review_date(
    lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    page = get_topic("treatment", lang)
    assert run(["learn", "show", "treatment", "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert page.title in out
    first_heading = next(line for line in page.body.splitlines() if line.startswith("## "))
    assert first_heading[3:] in out
    for tag in page.sources:
        assert f"[{tag}]" in out
    assert source_registry()["S30"]["url"] in out
    assert date_text(page.reviewed, lang) in out  # "2026. 3. 9." / "Mar 9, 2026"
    assert page.reviewed.isoformat() not in out
    assert ("unconfirmed" in out or "확인되지 않은" in out) == (not page.verified)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["learn", "show", "bogus"], "error: Unknown topic 'bogus'"),
        (["learn", "show", "bogus", "--lang", "ko"], "오류: 'bogus' 주제가 없습니다"),
        (["--lang", "ko", "learn", "show", "bogus"], "오류: 'bogus' 주제가 없습니다"),
    ],
)
def test_unknown_topic_exit_2_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert err.count("\n") == 1


def test_selfcheck_json_puts_urgent_advice_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"posture": ["tilt"], "onset_speed": "sudden"}))
    assert run(["learn", "selfcheck", str(answers), "--json", "--lang", "ko"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["urgent"] is True
    assert result["statements"][0]["id"] == "urgent_advice"
    assert "119" in result["statements"][0]["text"]
    assert any(s["id"] == "not_a_diagnosis" for s in result["statements"])


def test_selfcheck_text_and_bad_answers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"tremor": "yes"}))
    assert run(["learn", "selfcheck", str(good)]) == 0
    assert "does not give a diagnosis" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"tremor": "often"}))
    assert run(["--lang", "ko", "learn", "selfcheck", str(bad)]) == 2
    assert "'often'은(는) 'tremor' 질문의 보기가 아닙니다" in capsys.readouterr().err
    bad.write_text("[1, 2]")
    assert run(["learn", "selfcheck", str(bad)]) == 2
    assert "must be a JSON object" in capsys.readouterr().err


def test_questions_lists_every_answer_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["learn", "questions", "--lang", "ko"]) == 0
    out = capsys.readouterr().out
    for q in questionnaire().questions:
        assert f"{q.id}: {q.text('ko')}" in out
        assert all(f"{o.id}: {o.text('ko')}" in out for o in q.options)
