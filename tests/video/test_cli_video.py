"""``cdcare analyze``: JSON contract on a file, exit codes and messages for bad input, folders."""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pytest
from skimage.data import astronaut

from cdcare.cli.main import run
from cdcare.video.io import write_video


@cache
def _face_frames(n: int = 12) -> tuple[np.ndarray, ...]:
    img = cv2.cvtColor(astronaut(), cv2.COLOR_RGB2BGR)
    img = cv2.copyMakeBorder(img, 0, 0, 64, 64, cv2.BORDER_REFLECT)[16:496]
    m = cv2.getRotationMatrix2D((320, 120), -12, 1.0)  # clockwise: tilt to the patient's left
    turned = cv2.warpAffine(img, m, (640, 480), borderMode=cv2.BORDER_REFLECT)
    return (turned,) * n


def _face_clip(path: Path) -> Path:
    return write_video(path, list(_face_frames()), fps=30.0)


def test_analyze_writes_contract_json(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert run(["analyze", str(_face_clip(tmp_path / "a.mp4")), "--json", str(out)]) == 0
    data = json.loads(out.read_text("utf-8"))
    assert {"video", "quality", "posture", "series", "tremor", "twstrs"} <= set(data)
    assert data["video"]["frames"] == 12 and data["video"]["width"] == 640
    assert data["posture"]["tilt_deg"] > 5
    assert data["twstrs"]["laterocollis"] >= 1


def test_analyze_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["analyze", str(_face_clip(tmp_path / "a.mp4")), "--json", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["angles"] == "absolute"


def test_reference_video_makes_angles_relative(tmp_path: Path) -> None:
    clip = _face_clip(tmp_path / "a.mp4")
    out = tmp_path / "r.json"
    assert run(["analyze", str(clip), "--reference", str(clip), "--json", str(out)]) == 0
    data = json.loads(out.read_text("utf-8"))
    assert data["angles"] == "relative_to_reference"
    assert abs(data["posture"]["tilt_deg"]) < 1.0  # the same clip as its own neutral
    assert data["reference"]["tilt_deg"] > 5


@pytest.mark.parametrize(
    ("name", "content", "code", "en", "ko"),
    [
        ("empty.mp4", b"", 2, "empty", "비어"),
        ("text.mp4", b"not a video at all\n" * 50, 2, "Cannot decode", "영상으로 읽을 수 없"),
        ("missing.mp4", None, 2, "not found", "찾을 수 없"),
    ],
)
def test_bad_files_exit_2_without_traceback(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes | None,
    code: int,
    en: str,
    ko: str,
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    assert run(["analyze", str(path)]) == code
    err = capsys.readouterr().err
    assert en in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert run(["--lang", "ko", "analyze", str(path)]) == code
    assert ko in capsys.readouterr().err


def test_truncated_video_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _face_clip(tmp_path / "a.mp4").read_bytes()
    (tmp_path / "cut.mp4").write_bytes(data[: len(data) * 2 // 3])
    assert run(["analyze", str(tmp_path / "cut.mp4")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_video_without_face_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_video(tmp_path / "wall.mp4", [np.full((240, 320, 3), 90, np.uint8)] * 10, 10.0)
    assert run(["analyze", str(path)]) == 3
    assert "No usable face" in capsys.readouterr().err
    assert run(["--lang", "ko", "analyze", str(path)]) == 3
    assert "얼굴" in capsys.readouterr().err


def test_folder_with_jobs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "clips"
    folder.mkdir()
    _face_clip(folder / "a.mp4")
    _face_clip(folder / "b.mov")
    (folder / "broken.mp4").write_text("nope")
    (folder / "notes.txt").write_text("ignored")
    out = tmp_path / "out"
    assert run(["analyze", str(folder), "--jobs", "2", "--json", str(out)]) == 0
    with (out / "summary.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["video"] for r in rows] == ["a.mp4", "b.mov", "broken.mp4"]
    assert [r["status"] for r in rows] == ["ok", "ok", "error"]
    assert rows[2]["exit_code"] == "2" and rows[0]["twstrs_laterocollis"] != ""
    assert json.loads((out / "a.mp4.json").read_text("utf-8"))["video"]["frames"] == 12
    assert not (out / "broken.mp4.json").exists()
    assert "2 of 3" in capsys.readouterr().err


def test_folder_needs_an_output_folder(tmp_path: Path) -> None:
    assert run(["analyze", str(tmp_path), "--json", "-"]) == 2
    assert run(["analyze", str(tmp_path)]) == 2  # no videos in it
