"""``cdcare patient`` and ``cdcare followup``: exit codes, one-line errors, nothing half-saved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cdcare.cli.main import run
from cdcare.store.care_models import DiaryEntry, InjectionSession
from cdcare.store.db import make_engine, session_scope


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CDCARE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CDCARE_DATABASE_URL", raising=False)
    monkeypatch.delenv("CDCARE_LANG", raising=False)
    return tmp_path


def _count(data_dir: Path, model: type) -> int:
    engine = make_engine(f"sqlite:///{data_dir / 'cdcare.sqlite3'}")
    with session_scope(engine) as s:
        n = int(s.scalar(select(func.count()).select_from(model)) or 0)
    engine.dispose()
    return n


def _centre(data_dir: Path) -> None:
    from cdcare.care.patients import create_centre
    from cdcare.store.migrate import upgrade

    engine = make_engine(f"sqlite:///{data_dir / 'cdcare.sqlite3'}")
    upgrade(engine)
    with session_scope(engine) as db:
        create_centre(db=db, code="DEMO", name="Demo")
    engine.dispose()


def test_patient_workflow(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _centre(data_dir)
    assert (
        run(
            [
                "patient",
                "create",
                "P-9",
                "--birth-year",
                "1975",
                "--sex",
                "F",
                "--onset",
                "2019-04-01",
            ]
        )
        == 0
    )
    assert "P-9 created" in capsys.readouterr().out
    intake = data_dir / "intake.json"
    intake.write_text(json.dumps({"triggers": ["stress"], "family_history": True}))
    assert run(["patient", "intake", "P-9", "--data", str(intake)]) == 0
    plan = data_dir / "plan.json"
    plan.write_text(
        json.dumps(
            {
                "product": "botox",
                "injections": [{"muscle": "splenius_capitis", "side": "left", "dose": 60}],
            }
        )
    )
    args = [
        "patient",
        "inject",
        "P-9",
        "--plan",
        str(plan),
        "--lot",
        "A1",
        "--dilution",
        "50",
        "--injector",
        "Dr",
        "--guidance",
        "emg",
    ]
    assert run([*args, "--date", "2025-01-06"]) == 0
    assert "60 U onabotulinumtoxinA" in capsys.readouterr().out
    # too early without a reason: refused, exit 2, nothing saved
    assert run([*args, "--date", "2025-02-06"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "84 days" in err and "Traceback" not in err
    assert _count(data_dir, InjectionSession) == 1
    assert run([*args, "--date", "2025-02-06", "--override-reason", "flight"]) == 0
    assert _count(data_dir, InjectionSession) == 2
    assert (
        run(
            [
                "patient",
                "diary",
                "P-9",
                "--date",
                "2025-01-20",
                "--severity",
                "3",
                "--pain",
                "2",
                "--trigger",
                "stress",
                "--exercise",
            ]
        )
        == 0
    )
    answers = data_dir / "phq.json"
    answers.write_text(json.dumps({f"q{i}": 2 for i in range(1, 10)}))
    capsys.readouterr()
    assert (
        run(["patient", "scale", "P-9", "phq9", "--answers", str(answers), "--date", "2025-01-20"])
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["total"] == 18
    assert [p["code"] for p in out["prompts"]] == ["phq9_item9_safety", "psych_referral_phq9"]
    assert run(["patient", "show", "P-9", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert len(shown["injections"]) == 2 and shown["diary_entries"] == 1
    assert shown["injections"][1]["override_reason"] == "flight"
    assert "family_history" in {f["code"] for f in shown["risk_profile"]["risk_factors"]}
    assert run(["followup", "P-9", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert [c["cycle"] for c in summary["cycles"]] == [1, 2]
    assert {f["code"] for f in summary["flags"]} == {
        "primary_non_response",
        "secondary_non_response",
    }
    assert all(c["source"] for s in summary["screens"] for c in s["criteria"])
    assert run(["--lang", "ko", "followup", "P-9"]) == 0
    out = capsys.readouterr().out
    assert "결정이 아닙니다" in out
    assert "#1 2025. 1. 6. " in out and "2025-01-06" not in out  # dates for people
    assert run(["--lang", "en", "followup", "P-9"]) == 0
    assert "#1 Jan 6, 2025 " in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "code", "text_en", "text_ko"),
    [
        (
            ["patient", "diary", "P-1", "--severity", "12", "--pain", "1"],
            2,
            "severity must be a whole number from 0 to 10",
            "0부터 10까지의 정수",
        ),
        (
            ["patient", "diary", "P-1", "--severity", "2", "--pain", "1", "--date", "2999-01-01"],
            2,
            "in the future",
            "미래",
        ),
        (["patient", "show", "NOPE"], 4, "Patient NOPE not found", "찾을 수 없습니다"),
        (["followup", "P-1", "--centre", "XX"], 4, "Centre XX not found", "찾을 수 없습니다"),
    ],
)
def test_bad_input_one_line_both_languages(
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    code: int,
    text_en: str,
    text_ko: str,
) -> None:
    _centre(data_dir)
    assert run(["patient", "create", "P-1", "--birth-year", "1980", "--sex", "M"]) == 0
    capsys.readouterr()
    assert run(argv) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and text_en in err
    assert run(["--lang", "ko", *argv]) == code
    err = capsys.readouterr().err
    assert err.startswith("오류: ") and text_ko in err
    assert _count(data_dir, DiaryEntry) == 0


def test_inject_wrong_side_and_unknown_product(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _centre(data_dir)
    assert run(["patient", "create", "P-2", "--birth-year", "1980", "--sex", "F"]) == 0
    plan = data_dir / "plan.json"
    for body, text in [
        (
            {
                "product": "botox",
                "injections": [{"muscle": "scalenes", "side": "middle", "dose": 20}],
            },
            "left or right",
        ),
        ({"product": "nosuch", "injections": []}, "Unknown toxin product"),
    ]:
        plan.write_text(json.dumps(body))
        capsys.readouterr()
        assert (
            run(
                [
                    "patient",
                    "inject",
                    "P-2",
                    "--plan",
                    str(plan),
                    "--lot",
                    "L",
                    "--dilution",
                    "50",
                    "--injector",
                    "Dr",
                    "--date",
                    "2025-01-01",
                ]
            )
            == 2
        )
        assert text in capsys.readouterr().err
    assert _count(data_dir, InjectionSession) == 0


def test_medication_exercise_adverse_event(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _centre(data_dir)
    assert run(["patient", "create", "P-3", "--birth-year", "1966", "--sex", "F"]) == 0
    med = [
        "patient",
        "medication",
        "P-3",
        "--drug",
        "baclofen",
        "--class",
        "muscle_relaxant",
        "--unit",
        "mg",
        "--frequency",
        "tid",
        "--start",
        "2025-03-01",
    ]
    assert run([*med, "--dose", "-5"]) == 2
    assert "dose must be a positive number" in capsys.readouterr().err
    assert run([*med, "--dose", "5"]) == 0
    assert run(["patient", "exercise", "P-3", "yoga", "--start", "2025-03-01"]) == 2
    assert run(["patient", "exercise", "P-3", "breathing_relaxation", "--start", "2025-03-01"]) == 0
    capsys.readouterr()
    assert run(["--lang", "ko", "patient", "exercises"]) == 0
    lib = json.loads(capsys.readouterr().out)
    assert "느린 호흡과 이완" in {p["name"] for p in lib}
    plan = data_dir / "plan.json"
    plan.write_text(
        json.dumps(
            {
                "product": "xeomin",
                "injections": [{"muscle": "splenius_capitis", "side": "right", "dose": 40}],
            }
        )
    )
    assert (
        run(
            [
                "patient",
                "inject",
                "P-3",
                "--plan",
                str(plan),
                "--lot",
                "X",
                "--dilution",
                "25",
                "--injector",
                "Dr",
                "--date",
                "2025-04-01",
            ]
        )
        == 0
    )
    ae = ["patient", "adverse-event", "P-3", "--session", "1", "--code", "dysphagia"]
    assert run([*ae, "--date", "2025-03-20"]) == 2  # before the injection
    assert run([*ae, "--date", "2025-04-09"]) == 0
    capsys.readouterr()
    assert run(["patient", "show", "P-3", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["medications"][0]["dose"] == 5 and shown["medications"][0]["unit"] == "mg"
    assert shown["exercises"][0]["programme"] == "breathing_relaxation"
    assert shown["injections"][0]["adverse_events"][0]["code"] == "dysphagia"


def test_commands_showing_patient_data_are_logged(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cdcare.care.audit import query_events, verify_chain

    _centre(data_dir)
    assert run(["patient", "create", "P-7", "--birth-year", "1980", "--sex", "M"]) == 0
    for argv in (["patient", "show", "P-7"], ["patient", "list"], ["followup", "P-7"]):
        assert run(argv) == 0, argv
    engine = make_engine(f"sqlite:///{data_dir / 'cdcare.sqlite3'}")
    with session_scope(engine) as s:
        events = list(reversed(query_events(db=s)))
        assert [(e.action, e.target) for e in events] == [
            ("create", "cli:patient create"),
            ("view", "cli:patient show"),
            ("list", "cli:patient list --centre DEMO"),
            ("view", "cli:followup"),
        ]
        assert all(e.username.startswith("cli") for e in events)
        assert events[1].patient_id is not None and events[1].patient_id == events[3].patient_id
        assert verify_chain(db=s) == []
    engine.dispose()


def test_human_output_writes_dates_for_people_json_stays_iso(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _centre(data_dir)
    assert run(["patient", "create", "P-5", "--birth-year", "1981", "--sex", "M"]) == 0
    plan = data_dir / "plan.json"
    plan.write_text(
        json.dumps(
            {
                "product": "botox",
                "injections": [{"muscle": "splenius_capitis", "side": "left", "dose": 12.125}],
            }
        )
    )
    inject = ["patient", "inject", "P-5", "--plan", str(plan), "--lot", "A1", "--dilution", "50",
              "--injector", "Dr", "--guidance", "emg", "--date", "2025-03-05"]  # fmt: skip
    capsys.readouterr()
    assert run(["--lang", "ko", *inject]) == 0
    out = capsys.readouterr().out
    assert "2025. 3. 5." in out and "12.125 U" in out and "2025-03-05" not in out
    diary = ["patient", "diary", "P-5", "--severity", "3", "--pain", "2", "--date", "2025-03-06"]
    assert run(["--lang", "en", *diary]) == 0
    out = capsys.readouterr().out
    assert "Mar 6, 2025" in out and "2025-03-06" not in out
    assert run(["--lang", "ko", *diary]) == 0
    assert "2025. 3. 6." in capsys.readouterr().out
    assert run(["--lang", "en", "patient", "show", "P-5"]) == 0
    assert "Mar 5, 2025" in capsys.readouterr().out
    assert run(["patient", "show", "P-5", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["injections"][0]["date"] == "2025-03-05"  # machine output: ISO, plain number
    assert shown["injections"][0]["sites"][0]["dose"] == 12.125
