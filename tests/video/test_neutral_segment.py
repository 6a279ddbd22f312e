"""A neutral segment marked in a longer clip (``cdcare analyze FILE --neutral START-END``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cdcare.cli.main import run
from cdcare.errors import InputError
from cdcare.video.pipeline import parse_segment
from cdcare.video.synth import SynthSpec, render_frames

NEUTRAL_S = 1.5
TURN, TILT = 30.0, 12.0


@pytest.fixture(scope="module")
def neutral_then_turned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 s of one synthetic head: 1.5 s neutral, then 1.5 s
    turned 30° and tilted 12°."""
    from cdcare.video.io import write_video

    frames = []
    for spec in (
        SynthSpec(seconds=NEUTRAL_S, identity="ana"),
        SynthSpec(yaw_deg=TURN, roll_deg=TILT, seconds=NEUTRAL_S, identity="ana"),
    ):
        frames += [frame for _t, frame, _truth in render_frames(spec)]
    return write_video(tmp_path_factory.mktemp("neutral") / "clip.mp4", frames, fps=30.0)


def test_the_rest_is_measured_relative_to_the_neutral_segment(
    neutral_then_turned: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.json"
    args = ["analyze", str(neutral_then_turned), "--neutral", "0-1.4", "--json", str(out)]
    assert run(args) == 0
    data = json.loads(out.read_text("utf-8"))
    assert data["angles"] == "relative_to_reference"
    ref = data["reference"]
    assert ref["segment_s"] == [0.0, 1.4] and ref["video"] == str(neutral_then_turned)
    assert abs(ref["rotation_deg"]) < 5  # the neutral part's own (absolute) reading
    posture = data["posture"]
    assert abs(posture["rotation_deg"] - TURN) < 4.0  # the turned part only, minus neutral
    assert abs(posture["tilt_deg"] - TILT) < 2.0
    assert data["change_within_noise"]["rotation_deg"] is False
    # the series keeps every frame, relative to the neutral posture
    yaw = data["series"]["yaw_deg"]
    assert len(yaw) == 90 and abs(yaw[10]) < 3.0 and abs(yaw[80] - TURN) < 5.0


@pytest.mark.parametrize("text", ["5", "3-1", "a-b", "-1-2", "1-1"])
def test_a_bad_segment_is_refused(text: str) -> None:
    with pytest.raises(InputError, match="START-END"):
        parse_segment(text)


def test_segment_parses_seconds() -> None:
    assert parse_segment(" 0.5-4 ") == (0.5, 4.0)


def test_neutral_with_reference_is_refused(neutral_then_turned: Path) -> None:
    clip = str(neutral_then_turned)
    assert run(["analyze", clip, "--neutral", "0-1", "--reference", clip]) != 0


def test_a_segment_covering_the_clip_is_refused(neutral_then_turned: Path) -> None:
    from cdcare.video.pipeline import analyze_path

    with pytest.raises(InputError, match="whole clip"):
        analyze_path(neutral_then_turned, neutral_segment=(0.0, 10.0))


@pytest.mark.parametrize("segment", [(5.0, 6.0), (2.0, 3.5)])
def test_a_segment_beyond_the_clip_is_refused(
    neutral_then_turned: Path, segment: tuple[float, float]
) -> None:
    from cdcare.video.pipeline import analyze_path

    with pytest.raises(InputError, match=r"is not within the clip \(0–3.0 s\)"):
        analyze_path(neutral_then_turned, neutral_segment=segment)
