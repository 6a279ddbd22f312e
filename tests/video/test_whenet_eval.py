"""benchmarks/whenet_eval.py: WHENet's decoding, sign convention and crops (no model needed).

Signs: the project's rotation + = chin toward the patient's left (image right for a camera
facing the patient); WHENet's yaw + = a turn toward the image left, so rotation = −yaw; tilt
+ = toward the left shoulder = WHENet roll +; flexion + = chin down = WHENet pitch −.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "whenet_eval.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("whenet_eval", BENCH)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


W = _load()


def _peaked(n: int, index: float) -> np.ndarray:
    """Logits whose softmax is a narrow bump centred at a (fractional) bin index."""
    return -(((np.arange(n) - index) / 0.3) ** 2)[None]


CASES = [(60, 33, 0.0, 0.0), (80, 40, 60.0, 21.0), (10.5, 3, -148.5, -90.0)]


@pytest.mark.parametrize(("yaw_bin", "pb_bin", "yaw", "pitch_roll"), CASES)
def test_decode_is_the_expectation_over_3_degree_bins(
    yaw_bin: float, pb_bin: float, yaw: float, pitch_roll: float
) -> None:
    got = W.decode([_peaked(120, yaw_bin), _peaked(66, pb_bin), _peaked(66, pb_bin)])
    assert got == pytest.approx((yaw, pitch_roll, pitch_roll), abs=1e-6)


def test_decode_of_flat_logits_is_the_middle_of_the_range() -> None:
    got = W.decode([np.zeros((1, 120)), np.zeros((1, 66)), np.zeros((1, 66))])
    assert got == pytest.approx((-1.5, -1.5, -1.5))  # mean bin index (n − 1)/2, times 3, − offset


def test_single_axis_signs_follow_the_project_convention() -> None:
    assert W.body_angles(30.0, 0.0, 0.0) == pytest.approx((-30.0, 0.0, 0.0), abs=1e-9)
    assert W.body_angles(0.0, 0.0, 20.0) == pytest.approx((0.0, 20.0, 0.0), abs=1e-9)
    assert W.body_angles(0.0, 20.0, 0.0) == pytest.approx((0.0, 0.0, -20.0), abs=1e-9)


def test_crop_pads_resizes_and_normalises() -> None:
    frame = np.full((100, 200, 3), 255, np.uint8)
    frame[40:60, 90:110] = 0  # a black head box, white around it
    x = W.crop(frame, (90.0, 40.0, 110.0, 60.0))
    assert x.shape == (1, 224, 224, 3) and x.dtype == np.float32
    white = (1.0 - W.MEAN) / W.STD
    assert np.allclose(x[0, 0, 0], white, atol=1e-5)  # the padding shows the white surround
    assert np.allclose(x[0, 112, 112], -W.MEAN / W.STD, atol=1e-5)  # the centre is the box


def test_iou() -> None:
    assert W.iou((0, 0, 2, 2), (0, 0, 2, 2)) == pytest.approx(1.0)
    assert W.iou((0, 0, 2, 2), (1, 0, 3, 2)) == pytest.approx(1 / 3)
    assert W.iou((0, 0, 1, 1), (2, 2, 3, 3)) == 0.0


def test_mp_box_from_pose_keypoints_is_a_square_scaled_by_the_shoulders() -> None:
    pts = np.zeros((33, 2))
    pts[0] = (110, 50)  # nose, turned toward the image right
    pts[2], pts[5] = (105, 48), (95, 48)  # eyes
    pts[7], pts[8] = (100, 52), (90, 52)  # ears
    pts[11], pts[12] = (150, 120), (50, 120)  # shoulders, 100 px apart
    pose = type("P", (), {"points": pts})()
    x0, y0, x1, y1 = W.mp_box(pose, None)
    assert (x0 + x1) / 2 == pytest.approx(102.5)  # halfway between nose and mid-ears
    assert (y0 + y1) / 2 == pytest.approx(50.0)
    assert x1 - x0 == pytest.approx(W.HEAD_OVER_SHOULDERS * 100) == pytest.approx(y1 - y0)
    assert W.mp_box(None, None) is None


def test_scaled_box_keeps_its_centre() -> None:
    assert W.scaled((10.0, 20.0, 30.0, 60.0), 1.5) == pytest.approx((5.0, 10.0, 35.0, 70.0))


def test_large_only_grid_has_only_turn_clips_from_60_degrees_with_the_crop_sizes() -> None:
    cases = W.grid(["ana"], (0.8,), large_only=True)
    assert {abs(c["yaw_deg"]) for c in cases} == {60.0, 65.0, 70.0, 75.0, 80.0, 85.0}
    assert all(c["kind"] == "yaw" and c["crop_scales"] == (0.8,) for c in cases)
    assert len(W.grid(["ana"])) == 2 * (len(W.YAWS) - 1) + 1 + len(W.COMBINED)
