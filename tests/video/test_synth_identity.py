"""Synthetic identities: procedural geometry (not a landmark model's depth), truth round trip,
and MediaPipe really finding a face on each of them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cdcare.errors import InputError
from cdcare.video.angles import from_quaternion, rotation_from_body_angles
from cdcare.video.landmarks import LandmarkModels
from cdcare.video.synth import SynthSpec, load_truth, render_frames, write_clip
from cdcare.video.synth_identity import IDENTITIES, NOSE_TIP, face_depth, identity


def test_at_least_six_procedural_identities_plus_the_astronaut() -> None:
    procedural = [i for i in IDENTITIES.values() if i.procedural]
    assert len(procedural) >= 6 and not IDENTITIES["astronaut"].procedural
    # they differ in shape, size, tone and camera
    for attr in ("depth", "nose_mm", "jaw", "size", "skin", "focal"):
        assert len({getattr(i, attr) for i in procedural}) >= 4, attr


def test_unknown_identity_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="nobody"):
        SynthSpec(identity="nobody")
    with pytest.raises(InputError):
        identity("nobody")


def test_depth_comes_from_the_parameters() -> None:
    xy = np.array([[0.0, -40.0], [31.5, 0.0], [66.0, -15.0]])  # nose tip, iris, near the ear
    anchors = {168: 3.0, 1: -40.0, 2: -44.0, 13: -60.0, 152: -110.0}
    short = face_depth(xy, anchors, IDENTITIES["bora"])
    long = face_depth(xy, anchors, IDENTITIES["dara"])
    assert long[0] - short[0] == pytest.approx(
        IDENTITIES["dara"].nose_mm - IDENTITIES["bora"].nose_mm, abs=3.0
    )
    assert short[0] > short[1] > short[2]  # nose ahead of the eyes, the eyes ahead of the ears
    assert NOSE_TIP == 1


def test_truth_round_trip_per_identity(tmp_path: Path) -> None:
    spec = SynthSpec(
        seconds=0.1, fps=10.0, width=160, height=120, yaw_deg=60, roll_deg=20, identity="dara"
    )
    write_clip(tmp_path / "c.mp4", spec)
    doc = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert doc["spec"]["identity"] == "dara"
    assert doc["angle_convention"].startswith("body-plane projections")
    q = doc["frames"]["quat_wxyz"][0]
    assert np.allclose(from_quaternion(tuple(q)), rotation_from_body_angles(60, 20, 0))
    back = load_truth(tmp_path / "c.json")
    assert back.spec == spec and back.frames[0].roll_deg == 20


@pytest.mark.parametrize("name", sorted(IDENTITIES))
def test_mediapipe_finds_a_face_on_each_identity(name: str) -> None:
    spec = SynthSpec(seconds=0.1, fps=10.0, identity=name, noise=0.1)
    _, frame, _ = next(iter(render_frames(spec)))
    with LandmarkModels() as models:
        face = models.face(models.rgb(frame))
    assert face is not None
