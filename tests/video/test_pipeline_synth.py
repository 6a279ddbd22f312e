"""Sign conventions end to end on synthetic heads with a known pose (cdcare.video.synth):
a head turned to the patient's left reads positive rotation, mirrored recording or not."""

from __future__ import annotations

from typing import Any

import pytest

from cdcare.video.io import MemoryVideo
from cdcare.video.pipeline import analyze as analyze_model
from cdcare.video.synth import SynthSpec, render_frames


def analyze(*args: Any, **kw: Any) -> dict[str, Any]:
    """The pipeline's JSON contract (what is written and stored)."""
    return analyze_model(*args, **kw).to_json()


def _posture(**kw: Any) -> dict:
    spec = SynthSpec(seconds=0.3, fps=30.0, width=480, height=360, **kw)
    frames = [f for _, f, _ in render_frames(spec)]
    return analyze(MemoryVideo(frames, fps=spec.fps), mirrored=spec.mirrored)["posture"]


@pytest.mark.parametrize("mirrored", [False, True])
def test_turn_to_patients_left_is_positive(mirrored: bool) -> None:
    left = _posture(yaw_deg=25.0, mirrored=mirrored)["rotation_deg"]
    right = _posture(yaw_deg=-25.0, mirrored=mirrored)["rotation_deg"]
    assert left == pytest.approx(25.0, abs=6.0)
    assert right == pytest.approx(-25.0, abs=6.0)


@pytest.mark.parametrize("mirrored", [False, True])
def test_tilt_and_flexion_signs(mirrored: bool) -> None:
    tilt = _posture(roll_deg=20.0, mirrored=mirrored)
    assert tilt["tilt_deg"] == pytest.approx(20.0, abs=3.0)
    chin_down = _posture(pitch_deg=20.0, mirrored=mirrored)
    assert chin_down["flexion_deg"] > 10.0


def test_head_back_is_not_under_read() -> None:
    # the face mesh alone read about −14° here; the calibrated pitch is within a few degrees
    back = _posture(pitch_deg=-25.0)["flexion_deg"]
    assert back == pytest.approx(-25.0, abs=4.0)


@pytest.mark.parametrize(
    ("identity", "yaw", "roll", "tol"),
    [
        ("ana", 60.0, -20.0, 2.0),
        ("eun", -60.0, 20.0, 2.0),
        ("chidi", -60.0, 20.0, 2.0),
        # the astronaut's face depth is MediaPipe's own, so it has none of the tilt the turn
        # adds on the independent heads, and the cross-talk map fitted on those (calibration.json
        # tilt_crosstalk) takes 2.2-2.7° too much off it: held to the benchmark's 3° target
        ("astronaut", 60.0, -20.0, 3.0),
        ("astronaut", -60.0, 20.0, 3.0),
    ],
)
def test_turned_head_reads_the_tilt_seen_from_the_front(
    identity: str, yaw: float, roll: float, tol: float
) -> None:
    # the truth is the frontal-plane projection (cdcare.video.angles); a yaw-first Euler roll
    # would read about 20°·cos 60° = 10° here. Without the turn's tilt cross-talk map the
    # procedural heads read 1.5-3° too much tilt (ana 60/-20: -22.9°).
    spec = SynthSpec(
        seconds=0.3, fps=30.0, width=640, height=480, yaw_deg=yaw, roll_deg=roll, identity=identity
    )
    frames = [f for _, f, _ in render_frames(spec)]
    out = analyze(MemoryVideo(frames, fps=spec.fps))
    assert out["posture"]["tilt_deg"] == pytest.approx(roll, abs=tol)
    assert out["series"]["angle_convention"].startswith("body-plane projections")
    quats = [q for q in out["series"]["quat_wxyz"] if q is not None]
    assert quats and all(abs(sum(v * v for v in q) - 1) < 1e-3 for q in quats)


@pytest.mark.parametrize("yaw", [80.0, -80.0])
def test_rotation_at_80_degrees_is_measured_without_a_face(yaw: float) -> None:
    spec = SynthSpec(seconds=0.3, fps=30.0, width=640, height=480, yaw_deg=yaw)
    out = analyze(MemoryVideo([f for _, f, _ in render_frames(spec)], fps=spec.fps))
    s = out["series"]
    assert set(s["method"]) == {"pose"}  # no face mesh on any frame
    assert out["posture"]["rotation_deg"] == pytest.approx(yaw, abs=10.0)
    assert out["posture"]["tilt_deg"] is None  # not measured without a face, and said so
    assert set(s["missing_reason"]) == {"no_face_mesh"}
    assert all(0 < c <= 1 for c in s["confidence"])
