"""Recording-quality checks: each problem is a warning code with a plain message (ko/en).

Limits are engineering choices for MediaPipe landmarks and the tremor band, not clinical facts;
they are data (:data:`LIMITS`). A video with no usable face is an error, not a warning
(:class:`cdcare.errors.NoFaceError`, raised by the pipeline).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cdcare.errors import N_
from cdcare.i18n import translate


@dataclass(frozen=True)
class QualityLimits:
    """Thresholds of the quality warnings (units in the field names)."""

    min_face_found_ratio: float = 0.8
    min_usable_face_ratio: float = 0.1  # below: NoFaceError
    multiple_faces_ratio: float = 0.2  # share of checked frames with ≥ 2 faces
    min_brightness_0_255: float = 50.0
    min_sharpness_laplacian_var: float = 20.0
    min_duration_s: float = 3.0
    min_fps: float = 15.0
    min_short_side_px: int = 360
    min_eye_distance_px: float = 30.0
    max_abs_yaw_deg: float = 80.0
    max_abs_roll_deg: float = 45.0
    max_abs_pitch_deg: float = 40.0
    min_shoulder_visible_ratio: float = 0.5
    min_decoded_ratio: float = 0.9  # decoded / container frame count
    source: str = "engineering limits for MediaPipe landmarks (not clinical)"


LIMITS = QualityLimits()

MESSAGES: dict[str, str] = {
    "face_rarely_found": N_("A face was found in only {percent}% of the frames."),
    "multiple_faces": N_("More than one face is in the picture; the largest one was measured."),
    "too_dark": N_("The video is too dark (mean brightness {value} of 255)."),
    "blurry": N_("The face is blurred (sharpness {value}); hold the camera still and focus."),
    "too_short": N_("The video is too short ({seconds} s); record at least {minimum} s."),
    "low_frame_rate": N_("The frame rate is low ({fps} frames/s); fast tremor cannot be measured."),
    "low_resolution": N_("The resolution is low ({width}×{height}); use at least 360 lines."),
    "face_too_small": N_("The face is too small in the picture; move the camera closer."),
    "extreme_angles": N_(
        "The head angles are outside the range measured reliably (yaw {yaw}°, tilt {roll}°, "
        "flexion {pitch}°)."
    ),
    "shoulders_not_visible": N_(
        "The shoulders are not visible; shifts and shoulder elevation were not measured."
    ),
    "truncated": N_("The video seems truncated: {decoded} of {expected} frames could be read."),
}


@dataclass(frozen=True)
class Warning_:
    """One warning: ``code`` (stable, machine-readable) and message parameters."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str) -> str:
        """The warning's message in ``lang`` ('en' or 'ko')."""
        return translate(MESSAGES[self.code], lang).format(**self.params)

    def to_json(self, lang: str) -> dict[str, str]:
        """``{"code": ..., "message": ...}`` in ``lang``."""
        return {"code": self.code, "message": self.message(lang)}


@dataclass(frozen=True)
class ClipStats:
    """Whole-clip figures the checks look at (medians over frames where measured)."""

    fps: float
    duration_s: float
    width: int
    height: int
    decoded_frames: int
    container_frames: int
    face_found_ratio: float
    multiple_faces_ratio: float
    brightness: float
    sharpness: float | None
    eye_distance_px: float | None
    yaw: float | None
    roll: float | None
    pitch: float | None
    shoulder_visible_ratio: float | None


def assess(s: ClipStats, limits: QualityLimits = LIMITS) -> list[Warning_]:
    """The warnings that apply to a clip, in a fixed order."""
    out: list[Warning_] = []
    if s.face_found_ratio < limits.min_face_found_ratio:
        out.append(Warning_("face_rarely_found", {"percent": round(100 * s.face_found_ratio)}))
    if s.multiple_faces_ratio >= limits.multiple_faces_ratio:
        out.append(Warning_("multiple_faces"))
    if s.brightness < limits.min_brightness_0_255:
        out.append(Warning_("too_dark", {"value": round(s.brightness)}))
    if s.sharpness is not None and s.sharpness < limits.min_sharpness_laplacian_var:
        out.append(Warning_("blurry", {"value": round(s.sharpness, 1)}))
    if s.duration_s < limits.min_duration_s:
        out.append(
            Warning_(
                "too_short",
                {"seconds": round(s.duration_s, 1), "minimum": limits.min_duration_s},
            )
        )
    if s.fps < limits.min_fps:
        out.append(Warning_("low_frame_rate", {"fps": round(s.fps, 1)}))
    if min(s.width, s.height) < limits.min_short_side_px:
        out.append(Warning_("low_resolution", {"width": s.width, "height": s.height}))
    if s.eye_distance_px is not None and s.eye_distance_px < limits.min_eye_distance_px:
        out.append(Warning_("face_too_small"))
    if (
        (s.yaw is not None and abs(s.yaw) > limits.max_abs_yaw_deg)
        or (s.roll is not None and abs(s.roll) > limits.max_abs_roll_deg)
        or (s.pitch is not None and abs(s.pitch) > limits.max_abs_pitch_deg)
    ):
        out.append(
            Warning_(
                "extreme_angles",
                {
                    "yaw": _fmt(s.yaw),
                    "roll": _fmt(s.roll),
                    "pitch": _fmt(s.pitch),
                },
            )
        )
    if s.shoulder_visible_ratio is not None and (
        s.shoulder_visible_ratio < limits.min_shoulder_visible_ratio
    ):
        out.append(Warning_("shoulders_not_visible"))
    if s.container_frames > 0 and (
        s.decoded_frames < limits.min_decoded_ratio * s.container_frames
    ):
        out.append(
            Warning_("truncated", {"decoded": s.decoded_frames, "expected": s.container_frames})
        )
    return out


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.0f}"


__all__ = ["LIMITS", "MESSAGES", "ClipStats", "QualityLimits", "Warning_", "assess"]
