"""The shipped calibration of the head angles (``data/calibration.json``, :class:`Calibration`):
maps fitted on the procedural synthetic identities by ``benchmarks/video_calibrate.py``
(:mod:`cdcare.video.calibration_fit`) and evaluated leave-one-identity-out by
``benchmarks/video_accuracy.py``. Degrees, signs of :mod:`cdcare.video.headpose`; unverified on
people (``verified: false``).
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

import numpy as np

from cdcare.video import angles
from cdcare.video.head_angles import HeadAngles, turned, with_pitch
from cdcare.video.pose_yaw import DEFAULT_EAR_NOSE_RATIO, PoseYawModel, odd_map


@dataclass(frozen=True)
class Calibration:
    """Constants fitted on synthetic calibration clips (see module docstring).

    ``pitch_measured_deg``/``pitch_true_deg``: knots (degrees, increasing) of the monotone
    piecewise-linear map from face-mesh pitch to pitch (contract sign, + = chin down), extended
    beyond the end knots with the end segments' slopes; ``ear_nose_ratio``: k of
    :class:`PoseYawModel` (used when ``pose_ratio_knots`` is empty); ``face_yaw_knots``:
    (|face-fit rotation|, |true rotation|) degrees of an odd monotone map (:func:`odd_map`);
    ``pose_ratio_knots``: (|2·offset/span|, |true rotation| degrees) of the pose method;
    ``spread_deg``: across-identity spread (SD of the per-identity mean error, degrees, keys
    rotation/tilt/flexion) of the leave-one-identity-out benchmark, which widens every posture
    interval; ``source``/``verified``: where they come from.
    """

    pitch_measured_deg: tuple[float, ...]
    pitch_true_deg: tuple[float, ...]
    ear_nose_ratio: float
    source: str = "U"
    verified: bool = False
    face_yaw_knots: tuple[tuple[float, float], ...] = ()
    pose_ratio_knots: tuple[tuple[float, float], ...] = ()
    spread_deg: tuple[tuple[str, float], ...] = ()
    tilt_crosstalk_knots: tuple[tuple[float, float], ...] = ()
    """(|raw face-fit rotation|, tilt the turn adds toward the turn's side) degrees: on a head
    turned without tilt the face fit reads a tilt of about −2° to −4° times the turn's sign;
    it is subtracted (:func:`crosstalk`)."""
    flexion_crosstalk_knots: tuple[tuple[float, float], ...] = ()
    """(|raw face-fit rotation|, face-fit pitch the turn adds) degrees, relative to the
    neutral head: the raw pitch falls by about 4–6° as the head turns to 55–65°; subtracted
    before the flexion map."""

    def pitch(self, measured: float) -> float:
        """Calibrated pitch (degrees, + = chin down) for a face-mesh pitch (degrees)."""
        xs, ys = self.pitch_measured_deg, self.pitch_true_deg
        if len(xs) < 2:
            return measured
        i = 0 if measured < xs[0] else min(len(xs) - 2, int(np.searchsorted(xs, measured) - 1))
        slope = (ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i])
        return ys[i] + slope * (measured - xs[i])

    def spread(self, key: str) -> float:
        """Across-identity spread (degrees) for 'rotation', 'tilt' or 'flexion' (0 if unknown)."""
        return dict(self.spread_deg).get(key, 0.0)

    def pose_model(self) -> PoseYawModel:
        """The pose-yaw model of this calibration."""
        return PoseYawModel(k=self.ear_nose_ratio, knots=self.pose_ratio_knots)

    def correct(self, face: HeadAngles) -> HeadAngles:
        """The face angles calibrated, the head rotation rebuilt from them: the turn's
        cross-talk into tilt and flexion removed (keyed on the raw face rotation), then the
        rotation and flexion maps."""
        turn = abs(face.yaw)
        if face.roll is not None and self.tilt_crosstalk_knots:
            side = math.copysign(1.0, face.yaw)
            roll = face.roll - side * crosstalk(self.tilt_crosstalk_knots, turn)
            face = replace(face, roll=roll)
        if face.pitch is not None and self.flexion_crosstalk_knots:
            face = replace(face, pitch=face.pitch - crosstalk(self.flexion_crosstalk_knots, turn))
        r, p = face.roll, face.pitch
        if r is not None and p is not None and face.quat is not None and max(abs(r), abs(p)) < 90:
            head = angles.rotation_from_body_angles(face.yaw, r, p)
            face = replace(face, quat=angles.quaternion(head))
        yaw = odd_map(self.face_yaw_knots, face.yaw)
        if face.pitch is None:
            return replace(face, yaw=yaw, quat=turned(face, yaw))
        return with_pitch(replace(face, yaw=yaw, quat=turned(face, yaw)), self.pitch(face.pitch))

    @classmethod
    def identity(cls) -> Calibration:
        """No correction and the geometric k (what the calibration script measures with)."""
        return cls((), (), DEFAULT_EAR_NOSE_RATIO, source="geometry", verified=False)


def crosstalk(knots: tuple[tuple[float, float], ...], turn: float) -> float:
    """Linear interpolation of (|rotation|, offset) knots at ``turn`` degrees, the end
    values held beyond the ends (0 without knots)."""
    if not knots:
        return 0.0
    return float(np.interp(turn, [k[0] for k in knots], [k[1] for k in knots]))


def _xknots(doc: dict[str, object], key: str) -> tuple[tuple[float, float], ...]:
    entry = doc.get(key)
    if not isinstance(entry, dict):
        return ()
    knots = tuple((float(a), float(b)) for a, b in entry["knots"])
    if any(b[0] <= a[0] for a, b in itertools.pairwise(knots)):
        raise ValueError(f"calibration.json: {key} knots must increase in |rotation|")
    return knots


def _knots(doc: dict[str, object], key: str) -> tuple[tuple[float, float], ...]:
    entry = doc.get(key)
    if not isinstance(entry, dict):
        return ()
    knots = tuple((float(a), float(b)) for a, b in entry["knots"])
    if any(b[0] <= a[0] or b[1] < a[1] for a, b in itertools.pairwise(knots)):
        raise ValueError(f"calibration.json: {key} knots must increase")
    return knots


@cache
def calibration() -> Calibration:
    """The shipped calibration, ``data/calibration.json``."""
    ref = resources.files("cdcare.video") / "data" / "calibration.json"
    doc = json.loads(ref.read_text(encoding="utf-8"))
    knots = doc["face_pitch"]["knots"]
    xs = tuple(float(k[0]) for k in knots)
    ys = tuple(float(k[1]) for k in knots)
    if any(b <= a for a, b in itertools.pairwise(xs)) or any(
        b < a for a, b in itertools.pairwise(ys)
    ):
        raise ValueError("calibration.json: pitch knots must increase")
    spread = doc.get("spread_deg", {})
    return Calibration(
        xs,
        ys,
        float(doc["pose_yaw"]["k"]),
        source=str(doc["source"]),
        verified=doc["verified"],
        face_yaw_knots=_knots(doc, "face_yaw"),
        pose_ratio_knots=_knots(doc, "pose_ratio"),
        spread_deg=tuple((str(k), float(v)) for k, v in spread.items() if k != "meaning"),
        tilt_crosstalk_knots=_xknots(doc, "tilt_crosstalk"),
        flexion_crosstalk_knots=_xknots(doc, "flexion_crosstalk"),
    )


__all__ = ["Calibration", "calibration", "crosstalk"]
