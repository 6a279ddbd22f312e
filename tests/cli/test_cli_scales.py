"""``cdcare scales list|show`` and ``cdcare score``: output, stdin, errors in two languages."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from cdcare.cli.main import run

PHQ9 = {"q1": 2, "q2": 1, "q3": 3, "q4": 0, "q5": 1, "q6": 0, "q7": 2, "q8": 1, "q9": 1}


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CDCARE_LANG", raising=False)


def test_help_lists_the_scale_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--help"]) == 0
    out = capsys.readouterr().out
    assert "scales" in out and "score" in out


def test_scales_list_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["scales", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [
        "twstrs",
        "twstrs2",
        "tsui",
        "cdip58",
        "phq9",
        "gad7",
    ]
    assert all("[unconfirmed reference]" in line for line in lines[:6])
    assert run(["--lang", "ko", "scales", "list"]) == 0
    assert "미확인 참고자료" in capsys.readouterr().out
    assert run(["scales", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["instrument"]: r["verified"] for r in rows}["phq9"] is False


def test_scales_show_documents_items(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["scales", "show", "twstrs"]) == 0
    doc = json.loads(capsys.readouterr().out)
    items = {i["code"]: i for i in doc["items"]}
    assert items["duration"]["values"] == [0, 1, 2, 3, 4, 5]
    assert items["rom"]["verified"] is False and items["rotation"]["source"] == "S2"
    assert items["rotation"]["label"]["ko"] == "회전 (최대 편위)"
    assert [s["code"] for s in doc["subscales"]] == ["severity", "disability", "pain"]
    assert doc["total"]["range"] == [0, 85] and doc["verified"] is False


def test_score_from_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(PHQ9), encoding="utf-8")
    assert run(["score", "phq9", "--answers", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["instrument"] == "phq9" and out["version"]
    assert out["subscores"] == {"phq9": 11, "phq2": 3}
    assert out["total"] == 11 and out["band"] == "moderate"
    assert out["alerts"] == ["phq9_item9_safety", "phq2_positive"] and out["verified"] is False


def test_score_twstrs_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = {
        "rotation": 2, "laterocollis": 1, "anterocollis": 0, "retrocollis": 2,
        "lateral_shift": 1, "sagittal_shift": 0, "duration": 3, "sensory_trick": 1,
        "shoulder_elevation": 2, "rom": 1, "time": 2, "work": 1, "adl": 2, "driving": 0,
        "reading": 3,
        "television": 4, "outside": 5, "pain_worst": 8, "pain_best": 2, "pain_usual": 5,
        "pain_duration": 3, "pain_disability": 2,
    }  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(answers)))
    assert run(["score", "twstrs", "--answers", "-"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["subscores"] == {"severity": 18, "disability": 15, "pain": 10}
    assert out["total"] == 43 and "band" not in out and out["verified"] is False


@pytest.mark.parametrize(
    ("argv", "stdin", "needle_en", "needle_ko"),
    [
        (["score", "phq9"], json.dumps({**PHQ9, "q3": 7}), "q3", "허용되지 않는"),
        (["score", "phq9"], json.dumps({**PHQ9, "q3": "3"}), "must be a number", "숫자"),
        (["score", "phq9"], json.dumps({**PHQ9, "q10": 1}), "Unknown item q10", "q10"),
        (["score", "phq9"], json.dumps({"q1": 1}), "q2", "필수"),
        (["score", "phq9"], "[1, 2]", "JSON object", "JSON 객체"),
        (["score", "phq9"], "{not json", "not valid JSON", "JSON이 아닙니다"),
        (["score", "bdi"], "{}", "Unknown instrument bdi", "알 수 없는 척도"),
        (["scales", "show", "bdi"], "", "Unknown instrument bdi", "알 수 없는 척도"),
    ],
)
def test_bad_input_exits_2_with_one_line_in_both_languages(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    stdin: str,
    needle_en: str,
    needle_ko: str,
) -> None:
    full = [*argv, "--answers", "-"] if argv[0] == "score" else argv
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert run(full) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert needle_en in captured.err and len(captured.err.strip().splitlines()) == 1
    assert "Traceback" not in captured.err

    monkeypatch.setenv("CDCARE_LANG", "ko")
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert run(full) == 2
    err_ko = capsys.readouterr().err
    assert needle_ko in err_ko and err_ko.startswith("오류") and len(err_ko.splitlines()) == 1

    monkeypatch.delenv("CDCARE_LANG")
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert run(["--lang", "ko", *full]) == 2
    assert needle_ko in capsys.readouterr().err


def test_score_without_answers_option_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["score", "phq9"]) == 2
    assert "--answers" in capsys.readouterr().err


def test_score_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["score", "gad7", "--answers", str(tmp_path / "nope.json")]) == 2
    assert "nope.json" in capsys.readouterr().err
