"""``cdcare plan`` and ``cdcare plan check``: JSON output, exit codes, errors in two languages."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from cdcare.cli.main import run
from cdcare.clinical.toxins import products
from cdcare.clock import local_today


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CDCARE_LANG", raising=False)


def _plan_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert run(["plan", *args, "--json", "-"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def _write(tmp_path: Path, data: dict[str, Any]) -> str:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_plan_json_lists_muscles_doses_ranges_total_and_sources(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = _plan_json(
        capsys, "--pattern", "torticaput:left", "--pattern", "anterocollis", "--product", "botox"
    )
    assert data["product"] == "botox" and data["unit"] == products()["botox"].unit
    sides = {(i["muscle"], i["side"]) for i in data["injections"]}
    assert {("obliquus_capitis_inferior", "left"), ("sternocleidomastoid", "right")} <= sides
    assert {("longus_colli", "left"), ("longus_colli", "right")} <= sides
    assert data["total"] == sum(i["dose"] for i in data["injections"])
    for i in data["injections"]:
        assert i["range"]["low"] <= i["dose"] <= i["range"]["high"] and i["range"]["source"]
    assert "dysphagia_bilateral_scm" in {f["code"] for f in data["findings"]}
    assert "S19" in data["sources"]


def test_comma_separated_patterns_and_korean_product_warnings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = _plan_json(capsys, "--pattern", "laterocaput:right,shoulder_elevation:right",
                      "--product", "Hutox")  # fmt: skip
    assert data["patterns"] == ["laterocaput:right", "shoulder_elevation:right"]
    codes = {f["code"] for f in data["findings"]}
    assert {"off_label", "borrowed_doses"} <= codes


def test_plan_text_output_in_korean(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run(["--lang", "ko", "plan", "--pattern", "torticaput:right", "--product", "xeomin"]) == 0
    )
    out = capsys.readouterr().out
    assert "흉쇄유돌근" in out and "총량" in out and "U incobotulinumtoxinA (Xeomin)" in out


def test_plan_writes_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "p.json"
    assert (
        run(["plan", "--pattern", "retrocollis", "--product", "dysport", "--json", str(out)]) == 0
    )
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["product"] == "dysport" and len(data["injections"]) == 6
    assert [c["muscle"] for c in data["unranged_candidates"]] == ["semispinalis_cervicis"] * 2
    assert "Dysport" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "needle_en", "needle_ko"),
    [
        (["--pattern", "torticaput:left", "--product", "foo"], "Unknown toxin product", "제품"),
        (["--pattern", "torticaput:up", "--product", "botox"], "Unknown side 'up'", "방향"),
        (["--pattern", "retrocollis:left", "--product", "botox"], "has no side", "방향이 없"),
        (["--pattern", "torticollis", "--product", "botox"], "needs a side", "방향"),
        (["--pattern", "torticaput:left", "--product", "innotox"], "No sourced dose", "용량"),
        (["--product", "botox"], "--pattern", "--pattern"),
    ],
)
def test_plan_bad_input_exits_2_with_a_message(
    capsys: pytest.CaptureFixture[str], args: list[str], needle_en: str, needle_ko: str
) -> None:
    assert run(["plan", *args]) == 2
    assert needle_en in capsys.readouterr().err
    assert run(["--lang", "ko", "plan", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("오류: ") and needle_ko in err


# --- plan check -------------------------------------------------------------------------------


def _base_plan(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    return _plan_json(capsys, "--pattern", "torticaput:left", "--product", "meditoxin")


def test_check_passes_a_plan_after_12_weeks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, _base_plan(capsys))
    last = (local_today() - timedelta(days=84)).isoformat()
    assert run(["plan", "check", "--plan", path, "--last-injection", last]) == 0
    assert "Plan passes the checks" in capsys.readouterr().out


def test_check_refuses_early_reinjection_unless_overridden(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, _base_plan(capsys))
    today = local_today()
    last = (today - timedelta(days=70)).isoformat()
    args = ["plan", "check", "--plan", path, "--last-injection", last, "--date", today.isoformat()]
    assert run(args) == 1
    out = capsys.readouterr().out
    assert "refuse: Re-injection after 70 days" in out and "84" in out
    assert run([*args, "--override-reason", "botulism-free trip", "--json", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True
    assert any("botulism-free trip" in f["message"] for f in data["findings"])


def test_check_refuses_an_over_maximum_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = _base_plan(capsys)
    plan["injections"][0]["dose"] = 10 * plan["injections"][0]["range"]["high"]
    path = _write(tmp_path, plan)
    assert run(["--lang", "ko", "plan", "check", "--plan", path, "--json", "-"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False
    refused = [f for f in data["findings"] if f["level"] == "refuse"]
    assert {f["code"] for f in refused} == {"muscle_over_max"}
    assert "최대량" in refused[0]["message"]


def test_check_reads_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = json.dumps(_base_plan(capsys))
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    assert run(["plan", "check", "--plan", "-"]) == 0


@pytest.mark.parametrize(
    ("change", "extra", "needle"),
    [
        ({"dose": -5}, [], "positive number of units"),
        ({"dose": "lots"}, [], "positive number of units"),
        ({"side": "middle"}, [], "must be left or right"),
        ({"muscle": "biceps"}, [], "Unknown muscle 'biceps'"),
        ({"unit": "U Botox"}, [], "never converted"),
        ({"product": "dysport"}, [], "never converted"),
        ({}, ["--date", (local_today() + timedelta(days=5)).isoformat()], "in the future"),
        ({}, ["--last-injection", "2026-13-40"], "Invalid date"),
    ],
)
def test_check_bad_input_exits_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: dict[str, Any],
    extra: list[str],
    needle: str,
) -> None:
    plan = _base_plan(capsys)
    plan["injections"][0].update(change)
    path = _write(tmp_path, plan)
    assert run(["plan", "check", "--plan", path, *extra]) == 2
    assert needle in capsys.readouterr().err


def test_check_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["plan", "check", "--plan", "/nonexistent/plan.json"]) == 2
    assert "File not found" in capsys.readouterr().err


def test_plan_whose_suggestion_exceeds_the_session_maximum_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pats = "torticollis:left,laterocollis:left,retrocaput,retrocollis,shoulder_elevation:left"
    pats += ",anterocollis,anterocaput"
    args = ["plan", "--pattern", pats, "--pattern", "laterocaput:right", "--product", "dysport"]
    assert run([*args, "--json", "-"]) == 1
    data = json.loads(capsys.readouterr().out)
    mx = products()["dysport"].session_max
    assert mx is not None and isinstance(mx.value, int | float) and data["total"] > mx.value
    assert "session_over_max" in {f["code"] for f in data["findings"] if f["level"] == "refuse"}
