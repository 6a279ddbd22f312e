"""Rendered synthetic frames: size, signs and angles checked with MediaPipe itself."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import mediapipe as mp
import numpy as np
import pytest

from cdcare.errors import InputError
from cdcare.video.synth import SynthSpec, frame_truths, load_truth, render_frames, write_clip
from cdcare.video.synth_render import Renderer

NumArr = np.ndarray[Any, Any]


@pytest.fixture(scope="module")
def face_mesh() -> Iterator[Any]:
    with mp.solutions.face_mesh.FaceMesh(
        static_image_mode=True, refine_landmarks=True, max_num_faces=1
    ) as mesh:
        yield mesh


@pytest.fixture(scope="module")
def pose() -> Iterator[Any]:
    with mp.solutions.pose.Pose(static_image_mode=True, model_complexity=1) as p:
        yield p


def _frame(**kwargs: Any) -> NumArr:
    spec = SynthSpec(seconds=0.1, **kwargs)
    return Renderer(spec).frame(frame_truths(spec)[0])


def _face(mesh: Any, frame: NumArr) -> NumArr:
    result = mesh.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    assert result.multi_face_landmarks, "MediaPipe found no face in the synthetic frame"
    h, w = frame.shape[:2]
    return np.array([[p.x * w, p.y * h] for p in result.multi_face_landmarks[0].landmark])


def _eye_line_roll(pts: NumArr) -> float:
    """Image eye-line angle, degrees, + = image-right eye lower (iris centres 468 → 473)."""
    d = pts[473] - pts[468]
    return float(np.degrees(np.arctan2(d[1], d[0])))


def test_frames_have_the_right_count_size_and_timestamps() -> None:
    spec = SynthSpec(seconds=0.5, fps=12.0, width=320, height=240)
    got = list(render_frames(spec))
    assert len(got) == 6
    for i, (t, frame, truth) in enumerate(got):
        assert frame.shape == (240, 320, 3) and frame.dtype == np.uint8
        assert t == pytest.approx(i / 12.0) and truth.t_s == t
    assert got[0][1].std() > 20  # a picture, not a blank frame


@pytest.mark.parametrize("roll", [-35.0, -12.0, 0.0, 20.0, 40.0])
def test_face_mesh_eye_line_matches_the_rendered_roll(face_mesh: Any, roll: float) -> None:
    pts = _face(face_mesh, _frame(roll_deg=roll))
    assert _eye_line_roll(pts) == pytest.approx(roll, abs=1.5)


def test_mirrored_roll_is_reported_in_the_patients_frame(face_mesh: Any) -> None:
    truth = frame_truths(SynthSpec(roll_deg=20.0, mirrored=True, seconds=0.1))[0]
    assert truth.roll_deg == 20.0
    pts = _face(face_mesh, _frame(roll_deg=20.0, mirrored=True))
    assert _eye_line_roll(pts) == pytest.approx(-20.0, abs=1.5)  # the image is flipped


@pytest.mark.parametrize(("yaw", "mirrored", "side"), [(30, False, 1), (-30, False, -1),
                                                       (30, True, -1)])  # fmt: skip
def test_yaw_sign_nose_moves_toward_the_patients_left(
    face_mesh: Any, yaw: float, mirrored: bool, side: int
) -> None:
    """Yaw + = chin to the patient's left = image right unless mirrored (selfie)."""
    pts = _face(face_mesh, _frame(yaw_deg=yaw, mirrored=mirrored))
    midpoint = (pts[234, 0] + pts[454, 0]) / 2
    assert side * (pts[1, 0] - midpoint) > 10.0  # nose tip, pixels from the face's midpoint


@pytest.mark.parametrize(("pitch", "sign"), [(25.0, 1), (-25.0, -1)])
def test_pitch_sign_chin_down_moves_the_nose_tip_down(
    face_mesh: Any, pitch: float, sign: int
) -> None:
    def nose_below_eyes(frame: NumArr) -> float:
        pts = _face(face_mesh, frame)
        return float(pts[1, 1] - (pts[468, 1] + pts[473, 1]) / 2)

    neutral = nose_below_eyes(_frame())
    assert sign * (nose_below_eyes(_frame(pitch_deg=pitch)) - neutral) > 3.0


def test_lateral_shift_moves_the_head_toward_the_patients_left(face_mesh: Any) -> None:
    x0 = _face(face_mesh, _frame())[1, 0]
    x1 = _face(face_mesh, _frame(lateral_shift=1.0))[1, 0]
    iod = float(np.linalg.norm(_face(face_mesh, _frame())[473] - _face(face_mesh, _frame())[468]))
    assert (x1 - x0) / iod == pytest.approx(1.0, abs=0.15)


def test_sagittal_shift_forward_brings_the_head_closer(face_mesh: Any) -> None:
    def iod_px(frame: NumArr) -> float:
        pts = _face(face_mesh, frame)
        return float(np.linalg.norm(pts[473] - pts[468]))

    ratio = iod_px(_frame(sagittal_shift=1.0)) / iod_px(_frame())
    # the default head's camera distance follows its identity's focal length (phone range)
    from cdcare.video.synth_identity import identity
    from cdcare.video.synth_raster import Camera

    d = Camera.for_frame(640, 480, identity(SynthSpec().identity).focal).distance_mm
    assert ratio == pytest.approx(d / (d - 63.0), abs=0.02)


@pytest.mark.parametrize("yaw", [80.0, -80.0])
def test_head_at_80_degrees_still_has_pose_nose_and_ears(pose: Any, yaw: float) -> None:
    result = pose.process(cv2.cvtColor(_frame(yaw_deg=yaw), cv2.COLOR_BGR2RGB))
    assert result.pose_landmarks
    lm = result.pose_landmarks.landmark
    nose, left_ear, right_ear = lm[0], lm[7], lm[8]
    assert min(nose.visibility, max(left_ear.visibility, right_ear.visibility)) > 0.5
    # Turned toward the patient's left (image right): the nose is right of the ears.
    ears_x = (left_ear.x + right_ear.x) / 2
    assert np.sign(nose.x - ears_x) == np.sign(yaw)


def test_shoulder_elevation_raises_the_patients_left_shoulder() -> None:
    """+ = patient's left (image right) shoulder higher; checked on the torso's silhouette."""

    def top_rows(elevation: float) -> tuple[float, float]:
        mask = Renderer(SynthSpec(shoulder_elevation=elevation, seconds=0.1)).torso_mask
        left_col, right_col = 200, 410  # over the suit's shoulders in a 640 px wide frame
        return float(mask[:, left_col].argmax()), float(mask[:, right_col].argmax())

    img_left0, img_right0 = top_rows(0.0)
    img_left, img_right = top_rows(0.2)
    assert img_right < img_right0 - 10 and img_left > img_left0 + 10
    img_left, img_right = top_rows(-0.2)
    assert img_right > img_right0 + 10 and img_left < img_left0 - 10


def test_pose_finds_the_shoulders(pose: Any) -> None:
    lm = pose.process(cv2.cvtColor(_frame(), cv2.COLOR_BGR2RGB)).pose_landmarks.landmark
    assert min(lm[11].visibility, lm[12].visibility) > 0.5
    assert lm[11].x > lm[0].x > lm[12].x  # patient's left shoulder on the image right


def test_mirrored_is_the_flipped_image() -> None:
    plain, mirrored = _frame(yaw_deg=20.0), _frame(yaw_deg=20.0, mirrored=True)
    assert np.array_equal(mirrored, plain[:, ::-1])


def test_noise_is_seeded_and_lighting_changes_brightness() -> None:
    a, b = _frame(noise=0.5, seed=1), _frame(noise=0.5, seed=1)
    c, clean = _frame(noise=0.5, seed=2), _frame()
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert 1.0 < np.abs(a.astype(float) - clean).mean() < 20.0
    spec = SynthSpec(lighting=1.0, seconds=1.2, fps=10.0)
    frames = {round(t, 1): f.mean() for t, f, _ in render_frames(spec)}
    assert frames[1.0] > frames[0.0] * 1.15  # sin(2π·0.25·1 s) = 1: 30 % brighter


def test_write_clip_writes_a_readable_video_and_its_truth(tmp_path: Path) -> None:
    spec = SynthSpec(yaw_deg=15.0, tremor_hz=4.0, tremor_deg=2.0, seconds=0.6, fps=10.0,
                     width=320, height=240)  # fmt: skip
    out = tmp_path / "clip.mp4"
    truth = write_clip(out, spec)
    cap = cv2.VideoCapture(str(out))
    n = 0
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        assert frame.shape == (240, 320, 3)
        n += 1
    cap.release()
    assert n == spec.n_frames == 6
    data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert data["spec"]["yaw_deg"] == 15.0 and data["video"]["frames"] == 6
    assert data["frames"]["yaw_deg"] == [f.yaw_deg for f in truth.frames]
    assert load_truth(out.with_suffix(".json")) == truth


def test_write_clip_into_a_missing_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Folder does not exist"):
        write_clip(tmp_path / "nope" / "clip.mp4", SynthSpec(seconds=0.1))
