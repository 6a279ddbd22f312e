"""The opt-in symmetric synthetic torso: symmetry, the raised shoulder's truth, and the measure.

Shoulder elevation is a fraction of shoulder width, + = the patient's left (image right, not
mirrored) shoulder higher: (right joint y − left joint y) / joint distance, image pixels.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from cdcare.video.synth import SynthSpec, frame_truths, write_clip
from cdcare.video.synth_raster import Camera
from cdcare.video.synth_render import Renderer
from cdcare.video.synth_torso import (
    SHOULDER_JOINT_MM,
    SHOULDER_WIDTH_MM,
    raise_mm,
    shoulder_joints,
)


def test_level_symmetric_torso_mask_is_mirror_symmetric() -> None:
    mask = Renderer(SynthSpec(torso="symmetric", seconds=0.1)).torso_mask
    assert mask.sum() > 0.15 * mask.size  # a torso, not a sliver
    mirrored = mask[:, ::-1]  # the image centre column is the model's midline (x = 0)
    differ = np.logical_xor(mask, mirrored).sum()
    assert differ <= 0.002 * mask.sum()  # equal up to rasterised edge pixels
    rows = np.flatnonzero(mask.any(axis=1))
    both = [r for r in rows if mask[r].any()]
    for r in both[:: max(1, len(both) // 40)]:
        cols = np.flatnonzero(mask[r])
        assert abs((cols[0] + cols[-1]) / 2 - (mask.shape[1] - 1) / 2) <= 1.0
    # both shoulders lie inside the frame: torso pixels are clear of the side edges
    assert not mask[:, :5].any() and not mask[:, -5:].any()


def test_default_torso_is_still_the_photo_suit() -> None:
    photo = Renderer(SynthSpec(seconds=0.1)).torso_mask
    sym = Renderer(SynthSpec(seconds=0.1, torso="symmetric")).torso_mask
    assert np.logical_xor(photo, photo[:, ::-1]).sum() > 0.05 * photo.sum()  # cut on one side
    assert np.logical_xor(photo, sym).sum() > 0.05 * photo.sum()


@pytest.mark.parametrize("elevation", [0.05, -0.12, 0.22])
def test_raised_shoulder_moves_the_joint_truth_by_the_stated_elevation(
    tmp_path: Path, elevation: float
) -> None:
    left, right = shoulder_joints(elevation)
    level_l, level_r = shoulder_joints(0.0)
    raised, still = (left, right) if elevation > 0 else (right, left)
    level_raised, level_still = (level_l, level_r) if elevation > 0 else (level_r, level_l)
    lift = raise_mm(elevation)
    assert lift == pytest.approx(abs(elevation) * SHOULDER_WIDTH_MM / math.sqrt(1 - elevation**2))
    assert raised - level_raised == pytest.approx([0.0, lift, 0.0])
    assert still == pytest.approx(level_still)
    spec = SynthSpec(torso="symmetric", shoulder_elevation=elevation, seconds=0.04)
    write_clip(tmp_path / "c.mp4", spec)
    data = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    torso = data["torso"]
    assert torso["kind"] == "symmetric" and data["spec"]["torso"] == "symmetric"
    assert torso["raised_side"] == ("left" if elevation > 0 else "right")
    px_l = np.asarray(torso["shoulder_joints_px"]["left"])
    px_r = np.asarray(torso["shoulder_joints_px"]["right"])
    # the measure's own formula on the true joints' pixels gives the stated elevation
    measured = (px_r[1] - px_l[1]) / float(np.hypot(*(px_l - px_r)))
    assert measured == pytest.approx(elevation, abs=1e-9)
    assert data["frames"]["shoulder_elevation"][0] == elevation
    # and the silhouette's top above the raised joint really moved up, by most of the lift
    # (the smooth union of trapezius, girdle and deltoid bulges less once they part: 0.74 at 0.22)
    cam = Camera.for_frame(spec.width, spec.height, 1.2)  # ana's focal length
    scale = cam.focal_px / (cam.distance_mm - SHOULDER_JOINT_MM[2])
    col = round(float((px_l if elevation > 0 else px_r)[0]))
    top_up = _top(Renderer(spec).torso_mask, col)
    top_level = _top(Renderer(SynthSpec(torso="symmetric", seconds=0.04)).torso_mask, col)
    assert 0.6 * lift * scale - 3 <= top_level - top_up <= 1.2 * lift * scale + 3


def _top(mask: np.ndarray, col: int) -> int:
    return int(np.flatnonzero(mask[:, col])[0])


def test_unknown_torso_is_refused() -> None:
    from cdcare.errors import InputError

    with pytest.raises(InputError, match="torso"):
        SynthSpec(torso="robot")  # type: ignore[arg-type]


def test_photo_torso_truth_says_which_torso(tmp_path: Path) -> None:
    write_clip(tmp_path / "p.mp4", SynthSpec(seconds=0.04))
    data = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert data["torso"]["kind"] == "photo" and data["spec"]["torso"] == "photo"


@pytest.mark.parametrize("elevation", [0.15, -0.15])
def test_measure_reads_the_raised_side_and_sign(elevation: float) -> None:
    from cdcare.video.calibration_fit import measure_synthetic
    from cdcare.video.pipeline import summarize

    level = summarize(*_run(measure_synthetic, 0.0)).to_json()["posture"]["shoulder_elevation"]
    got = summarize(*_run(measure_synthetic, elevation)).to_json()["posture"]["shoulder_elevation"]
    assert abs(level) < 0.03  # a level torso reads level (below the neutral margin)
    assert np.sign(got) == np.sign(elevation)
    assert abs(got - level) > 0.3 * abs(elevation)  # the pose model under-reads (gain ≈ 0.5)
    frames = frame_truths(SynthSpec(torso="symmetric", shoulder_elevation=elevation))
    assert frames[0].shoulder_elevation == elevation


def _run(worker, elevation: float):  # type: ignore[no-untyped-def]
    r = worker({"torso": "symmetric", "shoulder_elevation": elevation, "seconds": 0.5})
    return r["records"], r["info"]
