"""Several faces in the picture: the largest one is measured, and the choice is stable."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from cdcare.video.faces import FaceChooser, choose_face


def test_choose_face_takes_the_largest_box() -> None:
    boxes = [(0.0, 0.0, 50.0, 50.0), (100.0, 0.0, 220.0, 120.0), (300.0, 0.0, 340.0, 40.0)]
    assert choose_face(boxes, None) == 1
    assert choose_face(boxes, (20.0, 20.0)) == 1  # much larger wins over nearer


def test_similar_sizes_keep_the_previous_face() -> None:
    a, b = (0.0, 0.0, 100.0, 100.0), (300.0, 0.0, 395.0, 95.0)  # b is 90 % of a
    assert choose_face([a, b], None) == 0
    assert choose_face([a, b], (350.0, 50.0)) == 1  # same size: stay with the one followed
    chooser = FaceChooser()
    chooser.update([a])
    assert chooser.box is None  # one face: whole frames, nothing chosen
    chooser.update([b, a])
    assert chooser.several and chooser.box == a
    chooser.update([(300.0, 0.0, 402.0, 102.0), (2.0, 0.0, 100.0, 98.0)])  # b now larger
    assert chooser.box == a  # a moved 1 px: the crop stays, the person is not switched


@pytest.fixture(scope="module")
def two_heads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1-s clip: a large head (turned 25°, tilted 10°) on the right and a half-size head of
    another identity (turned −30°, tilted −12°) on the left."""
    from cdcare.video.synth import SynthSpec, render_frames

    big = SynthSpec(yaw_deg=25.0, roll_deg=10.0, seconds=1.0, identity="ana")
    small = SynthSpec(yaw_deg=-30.0, roll_deg=-12.0, seconds=1.0, identity="bora")
    path = tmp_path_factory.mktemp("faces") / "two.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 30.0, (960, 480))
    for (_, fa, _), (_, fb, _) in zip(render_frames(big), render_frames(small), strict=True):
        canvas = np.full((480, 960, 3), 200, np.uint8)
        canvas[:, 320:] = fa
        canvas[120:360, :320] = cv2.resize(fb, (320, 240), interpolation=cv2.INTER_AREA)
        writer.write(canvas)
    writer.release()
    return path


def test_two_heads_measure_the_larger_one(two_heads: Path) -> None:
    from cdcare.video.pipeline import analyze_path

    result = analyze_path(two_heads)
    assert result.quality is not None and result.quality.multiple_faces
    posture = result.posture
    assert posture is not None
    assert posture.rotation_deg is not None and posture.tilt_deg is not None
    assert abs(posture.rotation_deg - 25.0) < 4.0  # the small head is at −30°
    assert abs(posture.tilt_deg - 10.0) < 3.0  # the small head is at −12°
    series = result.series
    assert series is not None
    yaws = [y for y in series.yaw_deg if y is not None]
    assert len(yaws) >= 0.9 * len(series.yaw_deg) and min(yaws) > 10.0  # never the other one
