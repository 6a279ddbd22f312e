"""Measured head angles in plain words (sign conventions of the video contract)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdcare.education.measurement import MeasurementError, describe_posture, rounded

ANGLES = st.floats(min_value=-90, max_value=90, allow_nan=False)


def _expected_deg(deg: float) -> int:
    return 5 * math.floor(abs(deg) / 5 + 0.5)


@given(ANGLES, ANGLES, ANGLES)
def test_angles_directions_and_notes(rot: float, tilt: float, flex: float) -> None:
    out = describe_posture({"rotation_deg": rot, "tilt_deg": tilt, "flexion_deg": flex})
    by_id = {s.id: s for s in out}
    if abs(rot) < 5:
        assert "rotation_straight" in by_id
    else:
        side = "left" if rot > 0 else "right"  # + = chin toward the patient's left
        text = by_id["rotation"].text("en")
        assert f"about {_expected_deg(rot)}° to your {side}" in text
        assert ("왼쪽" if rot > 0 else "오른쪽") in by_id["rotation"].text("ko")
    if abs(tilt) >= 5:
        side = "left" if tilt > 0 else "right"  # + = toward the patient's left shoulder
        assert f"about {_expected_deg(tilt)}° toward your {side} shoulder" in by_id["tilt"].text(
            "en"
        )
    else:
        assert "tilt_straight" in by_id
    if abs(flex) >= 5:  # + = chin down
        key = "flexion_forward" if flex > 0 else "flexion_backward"
        assert f"{_expected_deg(flex)}°" in by_id[key].text("en")
        assert f"{_expected_deg(flex)}도" in by_id[key].text("ko")
    else:
        assert "flexion_straight" in by_id
    assert ("yaw_unreliable" in by_id) == (abs(rot) > 30)
    assert out[-1].id == "measurement_note" and "not a diagnosis" in out[-1].text("en")


def test_rounding_to_five_degrees() -> None:
    assert [rounded(x) for x in (4.9, 7.4, 7.5, -12.6, 90)] == [5, 5, 10, 15, 90]


@pytest.mark.parametrize(
    "posture",
    [
        {"tilt_deg": 0, "flexion_deg": 0},
        {"rotation_deg": float("nan"), "tilt_deg": 0, "flexion_deg": 0},
        {"rotation_deg": "10", "tilt_deg": 0, "flexion_deg": 0},
        {"rotation_deg": True, "tilt_deg": 0, "flexion_deg": 0},
    ],
)
def test_bad_measurements_are_named(posture: dict[str, Any]) -> None:
    with pytest.raises(MeasurementError) as info:
        describe_posture(posture)
    assert "rotation_deg" in info.value.text("en") and "rotation_deg" in info.value.text("ko")
    assert info.value.exit_code == 2
