"""Quality warnings: each code fires on its condition, with messages in English and Korean."""

from __future__ import annotations

import dataclasses

import pytest

from cdcare.i18n import catalogue
from cdcare.video.quality import MESSAGES, ClipStats, assess

GOOD = ClipStats(
    fps=30.0, duration_s=10.0, width=1280, height=720, decoded_frames=300,
    container_frames=300, face_found_ratio=1.0, multiple_faces_ratio=0.0, brightness=120.0,
    sharpness=150.0, eye_distance_px=120.0, yaw=10.0, roll=5.0, pitch=0.0,
    shoulder_visible_ratio=1.0,
)  # fmt: skip

CASES = {
    "face_rarely_found": {"face_found_ratio": 0.5},
    "multiple_faces": {"multiple_faces_ratio": 0.5},
    "too_dark": {"brightness": 20.0},
    "blurry": {"sharpness": 3.0},
    "too_short": {"duration_s": 1.0},
    "low_frame_rate": {"fps": 10.0},
    "low_resolution": {"width": 320, "height": 240},
    "face_too_small": {"eye_distance_px": 12.0},
    "extreme_angles": {"yaw": 88.0},
    "shoulders_not_visible": {"shoulder_visible_ratio": 0.0},
    "truncated": {"decoded_frames": 100},
}


def test_good_clip_has_no_warning() -> None:
    assert assess(GOOD) == []


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_warning(code: str) -> None:
    warnings = assess(dataclasses.replace(GOOD, **CASES[code]))
    assert [w.code for w in warnings] == [code]
    en, ko = warnings[0].to_json("en"), warnings[0].to_json("ko")
    assert en["code"] == ko["code"] == code
    assert en["message"] and ko["message"] and en["message"] != ko["message"]
    assert "{" not in en["message"] and "{" not in ko["message"]


def test_every_message_has_a_case_and_korean() -> None:
    assert set(MESSAGES) == set(CASES)
    ko = catalogue("ko")
    assert all(m in ko for m in MESSAGES.values())
