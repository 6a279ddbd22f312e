"""``cdcare synth``: writes the video and its truth; bad values exit 2 with a clear message."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pytest

from cdcare.cli.main import run


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CDCARE_LANG", raising=False)


SMALL = ["--seconds", "0.4", "--fps", "10", "--width", "320", "--height", "240"]


def test_synth_writes_the_video_and_the_truth(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "clip.mp4"
    code = run(["synth", str(out), "--yaw", "25", "--roll", "-10", "--pitch", "5",
                "--tremor-hz", "3", "--tremor-deg", "2", "--tremor-axis", "pitch",
                "--mirrored", "--noise", "0.2", *SMALL])  # fmt: skip
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["frames"] == 4 and Path(printed["truth"]) == out.with_suffix(".json")
    cap = cv2.VideoCapture(str(out))
    assert int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)) == 320
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 4
    cap.release()
    data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    spec = data["spec"]
    assert (spec["yaw_deg"], spec["roll_deg"], spec["pitch_deg"]) == (25.0, -10.0, 5.0)
    assert spec["mirrored"] is True and spec["tremor_axis"] == "pitch"
    assert data["frames"]["t_s"] == pytest.approx([0.0, 0.1, 0.2, 0.3])
    assert data["frames"]["roll_deg"] == [-10.0] * 4  # patient's frame, also when mirrored
    assert len(set(data["frames"]["pitch_deg"])) > 1  # tremor on pitch


@pytest.mark.parametrize(
    ("args", "needle_en", "needle_ko"),
    [
        (["--yaw", "95"], "yaw_deg must be between", "사이여야"),
        (["--tremor-hz", "6"], "half the frame rate", "절반"),
        (["--tremor-axis", "twist"], "tremor_axis", "중 하나"),
    ],
)
def test_bad_values_exit_2_with_a_message_in_both_languages(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    needle_en: str,
    needle_ko: str,
) -> None:
    out = tmp_path / "clip.mp4"
    assert run(["synth", str(out), *SMALL, *args]) == 2
    assert needle_en in capsys.readouterr().err
    assert run(["--lang", "ko", "synth", str(out), *SMALL, *args]) == 2
    assert needle_ko in capsys.readouterr().err
    assert not out.exists() and not out.with_suffix(".json").exists()


def test_output_must_be_mp4(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["synth", str(tmp_path / "clip.avi"), *SMALL]) == 2
    assert ".mp4" in capsys.readouterr().err


def test_synth_identity_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bora.mp4"
    assert run(["synth", str(out), "--identity", "bora", *SMALL]) == 0
    data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert data["spec"]["identity"] == "bora"
    assert data["camera"]["focal_px"] == pytest.approx(1.0 * 240)
    capsys.readouterr()
    assert run(["synth", str(tmp_path / "x.mp4"), "--identity", "nobody", *SMALL]) == 2
    assert "nobody" in capsys.readouterr().err


def test_synth_torso_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sym.mp4"
    args = ["--torso", "symmetric", "--shoulder-elevation", "-0.1"]
    assert run(["synth", str(out), *args, *SMALL]) == 0
    torso = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))["torso"]
    assert torso["kind"] == "symmetric" and torso["raised_side"] == "right"
    assert torso["raise_mm"] == pytest.approx(0.1 * 360 / (1 - 0.01) ** 0.5)
    capsys.readouterr()
    assert run(["--lang", "ko", "synth", str(tmp_path / "x.mp4"), "--torso", "robot", *SMALL]) == 2
    assert "torso는 photo 또는 symmetric" in capsys.readouterr().err
