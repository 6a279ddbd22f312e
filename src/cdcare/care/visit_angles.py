"""The angles of a visit's video measurement and their change since an earlier visit.

Degrees, the measurement's signs (docs/video.md): rotation + = chin toward the patient's left,
tilt + = toward the left shoulder, flexion + = chin down. Two measurements are compared on one
footing: both relative to the patient's neutral reference, or both absolute.
"""

from __future__ import annotations

from cdcare.store.video_models import VideoAnalysis

ANGLES = ("rotation_deg", "tilt_deg", "flexion_deg")


def angles(row: VideoAnalysis | None) -> dict[str, float]:
    """Median rotation, tilt, flexion in degrees (the measurement's sign conventions)."""
    posture = ((row.result or {}) if row else {}).get("posture") or {}
    return {k: float(posture[k]) for k in ANGLES if isinstance(posture.get(k), int | float)}


def _relative(row: VideoAnalysis | None) -> bool:
    return bool(row and (row.result or {}).get("angles") == "relative_to_reference")


def absolute_angles(row: VideoAnalysis | None) -> dict[str, float]:
    """Like :func:`angles`, but a result relative to a neutral reference gets the reference
    added back (median(x − r) = median(x) − r for a constant r), so that a relative and an
    absolute measurement can be compared; an angle whose reference is unknown is left out."""
    rel = angles(row)
    if not _relative(row):
        return rel
    ref = ((row.result or {}) if row else {}).get("reference") or {}
    return {k: rel[k] + float(ref[k]) for k in rel if isinstance(ref.get(k), int | float)}


def comparable_angles(
    now: VideoAnalysis | None, before: VideoAnalysis | None
) -> tuple[dict[str, float], dict[str, float], str]:
    """The angles of two measurements on one footing, and which: ``"relative"`` when both are
    relative to the patient's neutral reference (the change of the deviation from neutral),
    else ``"absolute"`` (a relative one gets its reference added back)."""
    if _relative(now) and _relative(before):
        return angles(now), angles(before), "relative"
    if not _relative(now) and not _relative(before):
        return angles(now), angles(before), "absolute"
    return absolute_angles(now), absolute_angles(before), "absolute"


def angle_change(now: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    """Degrees of change per angle (now − before) where both were measured."""
    return {k: round(now[k] - before[k], 1) for k in ANGLES if k in now and k in before}


__all__ = ["ANGLES", "absolute_angles", "angle_change", "angles", "comparable_angles"]
