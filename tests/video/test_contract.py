"""The video contract model: a produced result dumps to exactly the JSON the pipeline wrote
before the model existed (golden file made from the dict-building pipeline), and round-trips."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from pydantic import ValidationError

from cdcare.video.contract import VideoResult
from cdcare.video.headpose import HeadAngles
from cdcare.video.io import VideoInfo
from cdcare.video.pipeline import FrameRecord, summarize
from cdcare.video.shoulders import BodyMeasure

INFO = VideoInfo(fps=30.0, frames=90, width=320, height=240, rotation_deg=0)
REFERENCE: dict[str, float | None] = {
    "rotation_deg": 2.0,
    "tilt_deg": -1.0,
    "flexion_deg": 3.0,
    "lateral_shift": 0.01,
    "sagittal_shift": None,
    "shoulder_elevation": 0.02,
}


def records(n: int = 90) -> list[FrameRecord]:
    """A 3 s clip at 30 fps: rotation ≈ 20° with a 5 Hz, 2° tremor; some frames lose the
    face mesh (pose only) or the head; shoulders every 5th frame; probes every 10th."""
    out: list[FrameRecord] = []
    for i in range(n):
        t = i / 30.0
        yaw = 20.0 + 2.0 * math.sin(2 * math.pi * 5.0 * t) + 0.1 * (i % 7)
        face: HeadAngles | None = HeadAngles(
            yaw=yaw,
            roll=-6.0 + 0.05 * (i % 5),
            pitch=4.0 - 0.03 * (i % 3),
            method="face",
            confidence=0.9,
            scale_px=80.0 + 0.1 * (i % 4),
            center_px=(320.0, 240.0),
            quat=(0.98, 0.01, 0.17, -0.05),
        )
        rec = FrameRecord(t=t, face=face)
        if i % 23 == 11:
            rec.face = None
            rec.pose_terms = (0.4, 0.1, 0.8)
        elif i % 31 == 17:
            rec.face = None
        if i % 5 == 0:
            rec.pose_terms = rec.pose_terms or (0.35, 0.05, 0.9)
            rec.body = BodyMeasure(
                shoulders_visible=i % 15 != 0,
                shoulder_elevation=0.04 + 0.001 * (i % 3),
                lateral_shift=0.1,
                sagittal_shift=0.5 + 0.01 * (i % 2),
            )
        if i % 10 == 0:
            rec.n_faces = 2 if i == 40 else 1
            rec.brightness = 30.0 + i % 3
            rec.sharpness = 300.0 + i if rec.face is not None else None
        out.append(rec)
    return out


GOLDEN = json.loads((Path(__file__).parent / "data" / "summary_golden.json").read_text("utf-8"))


def _produced(case: str) -> VideoResult:
    if case == "absolute":
        return summarize(records(), INFO)
    return summarize(
        records(), INFO, reference=dict(REFERENCE), reference_name="neutral.mp4", lang="ko"
    )


@pytest.mark.parametrize("case", ["absolute", "relative"])
def test_dump_is_the_pre_model_json(case: str) -> None:
    result = _produced(case)
    dumped = result.model_dump(mode="json")
    assert dumped == GOLDEN[case]
    # same keys in the same order, so `cdcare analyze` writes the same bytes
    as_text = json.dumps(dumped, ensure_ascii=False, indent=1)
    assert as_text == json.dumps(GOLDEN[case], ensure_ascii=False, indent=1)


@pytest.mark.parametrize("case", ["absolute", "relative"])
def test_produced_result_sets_every_field_and_round_trips(case: str) -> None:
    result = _produced(case)
    assert result.model_fields_set == set(VideoResult.model_fields)
    again = VideoResult.model_validate(json.loads(json.dumps(result.to_json())))
    assert again == result


def test_unknown_keys_are_rejected() -> None:
    data = dict(GOLDEN["absolute"])
    data["posture"] = {**data["posture"], "roll_deg": 3.0}
    with pytest.raises(ValidationError, match="roll_deg"):
        VideoResult.model_validate(data)


def test_a_stored_subset_reads_with_empty_sections() -> None:
    """A FHIR import stores only posture and tremor; the rest reads as unknown."""
    stored = {"posture": {"rotation_deg": 31.5}, "tremor": {"present": True, "axis": "yaw"}}
    result = VideoResult.model_validate(stored)
    assert result.posture.rotation_deg == 31.5 and result.posture.tilt_deg is None
    assert result.tremor is not None and result.tremor.axis == "yaw"
    assert result.series is None and result.twstrs is None and not result.relative


def test_a_real_pipeline_result_round_trips_through_stored_json() -> None:
    """Landmark models on a short synthetic clip: every section set, JSON → model → JSON."""
    from cdcare.video.io import MemoryVideo
    from cdcare.video.pipeline import analyze
    from cdcare.video.synth import SynthSpec, render_frames

    spec = SynthSpec(seconds=0.3, fps=30.0, width=480, height=360, yaw_deg=20.0)
    result = analyze(MemoryVideo([f for _, f, _ in render_frames(spec)], fps=spec.fps))
    stored = json.loads(json.dumps(result.to_json(), ensure_ascii=False))
    assert result.model_fields_set == set(VideoResult.model_fields)
    assert result.series is not None and len(result.series.t_s) == len(result.series.yaw_deg) == 9
    assert VideoResult.model_validate(stored).to_json() == stored
    assert result.posture.rotation_deg is not None and result.posture.rotation_deg > 5.0
