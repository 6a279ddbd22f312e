"""Synthetic test videos with a known ground truth (``cdcare synth``).

A real face photograph (scikit-image's public-domain NASA portrait, see
:mod:`cdcare.video.synth_model`) is turned into a textured 3D head, neck and torso, which is
rotated in 3D about a head pivot (upper cervical spine) and drawn with a perspective camera
(:mod:`cdcare.video.synth_raster`). Every frame's true angles are written beside the video.

Conventions (docs/video.md video contract). The camera faces the patient; unless ``mirrored`` (a
selfie), the patient's left is the IMAGE RIGHT. Angles are degrees in the patient's frame, also
for mirrored clips:

* the angles are the clinical convention of :mod:`cdcare.video.angles`: projections of the head
  rotation onto the torso's body planes (model frame +X patient's left, +Y up, +Z forward);
* ``yaw_deg`` (rotation) + = chin turned toward the patient's left (nose direction seen from
  above);
* ``roll_deg`` (tilt) + = head tilted toward the patient's left shoulder (head vertical seen
  from the front);
* ``pitch_deg`` (flexion) + = chin down, − = head back (head vertical seen from the side);
* the head rotation is the unique one with those projections
  (:func:`cdcare.video.angles.rotation_from_body_angles`); the sidecar also gives it per frame
  as a quaternion ``quat_wxyz`` (w, x, y, z) in the model frame;
* ``lateral_shift`` + = head moved toward the patient's left, ``sagittal_shift`` + = forward,
  both as a fraction of the inter-ocular (iris-centre) distance (63 mm in the model);
* ``shoulder_elevation`` + = patient's left shoulder higher, as a fraction of shoulder width
  ((right shoulder y − left shoulder y) / shoulder distance, the unit of the measurement and
  the thresholds); the default ``photo`` torso is turned in the image plane by
  asin(elevation); the ``symmetric`` torso lifts one shoulder (:mod:`cdcare.video.synth_torso`)
  and the sidecar's ``torso`` entry gives its true shoulder joint centres (mm and pixels);
* tremor (``tremor_shape`` "sine"): ``tremor_deg · sin(2π · tremor_hz · t)`` added to the
  ``tremor_axis`` angle; "jerky": the phase wanders (±10 % of the frequency, a seeded random
  walk) and the wave has 2nd and 3rd harmonics (0.5, 0.33) scaled back to peak ``tremor_deg``,
  like an irregular dystonic tremor; "modulated": the sine's amplitude is multiplied by
  ``0.6 + 0.4 · sin(2π · 0.3 Hz · t)`` (waxing and waning); "harmonic": a strictly periodic
  wave with strong overtones, ``sin φ + 0.8 sin 2φ + 0.5 sin 3φ`` scaled back to peak
  ``tremor_deg`` (the fundamental, ``tremor_hz``, is the tremor's frequency); i.e.
  ``tremor_deg`` is the zero-to-peak amplitude (degrees) and t the frame timestamp (s);
* ``lighting``: the whole frame's brightness is multiplied by
  ``1 + 0.3 · lighting · sin(2π · 0.25 Hz · t)`` (a slow change, outside the tremor band);
* ``noise``: Gaussian sensor noise of standard deviation ``6 · noise`` grey levels, then JPEG
  compression at quality ``95 − 65 · noise`` (none when noise is 0).

Frame i has timestamp ``i / fps`` seconds; a clip has ``round(seconds · fps)`` frames.

Geometry: the head turns about a pivot 70 mm below and 85 mm behind the midpoint of the eyes
(upper cervical spine); the neck bends and shifts progressively from the collar up to the
pivot; the torso only moves for shoulder elevation. The pinhole camera is 1.2 m in front of the
eyes at eye height, looking straight at them (vertical field of view about 32°); the sidecar's
``camera`` entry gives its focal length and principal point in pixels.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Final, Literal, get_args

import numpy as np
from numpy.typing import NDArray

from cdcare.errors import N_, InputError
from cdcare.video.angles import ANGLE_CONVENTION

TremorAxis = Literal["yaw", "roll", "pitch"]
TremorShape = Literal["sine", "jerky", "modulated", "harmonic"]
TorsoKind = Literal["photo", "symmetric"]
LIMITS: Final[dict[str, tuple[float, float]]] = {
    "yaw_deg": (-85.0, 85.0),
    "roll_deg": (-60.0, 60.0),
    "pitch_deg": (-45.0, 45.0),
    "lateral_shift": (-1.5, 1.5),
    "sagittal_shift": (-1.5, 1.5),
    "shoulder_elevation": (-0.3, 0.3),
    "tremor_hz": (0.0, 30.0),
    "tremor_deg": (0.0, 15.0),
    "seconds": (0.01, 120.0),
    "fps": (1.0, 240.0),
    "width": (64.0, 3840.0),
    "height": (48.0, 2160.0),
    "noise": (0.0, 1.0),
    "lighting": (0.0, 1.0),
}  # technical limits of the renderer, not clinical thresholds
LIGHTING_HZ: Final = 0.25
FORMAT_VERSION: Final = 2


@dataclass(frozen=True)
class SynthSpec:
    """What to render; validated on construction (InputError naming the bad field).

    Units and signs: see the module docstring. ``seconds`` and ``fps`` set the frame count and
    timestamps; ``width``/``height`` in pixels (even); ``seed`` drives the noise;
    ``identity`` names the person (:mod:`cdcare.video.synth_identity`; default ``ana``, a
    procedural head: the astronaut's face depth is MediaPipe's own, so the calibration, fitted
    on geometry MediaPipe did not make, reads it low); ``torso`` ``photo`` (default: the
    astronaut photo's suit, turned in the image plane for shoulder elevation) or ``symmetric``
    (:mod:`cdcare.video.synth_torso`: a parametric shirted torso, both shoulders in the frame,
    one shoulder really raised).
    """

    yaw_deg: float = 0.0
    roll_deg: float = 0.0
    pitch_deg: float = 0.0
    lateral_shift: float = 0.0
    sagittal_shift: float = 0.0
    shoulder_elevation: float = 0.0
    tremor_hz: float = 0.0
    tremor_deg: float = 0.0
    tremor_axis: TremorAxis = "yaw"
    tremor_shape: TremorShape = "sine"
    seconds: float = 3.0
    fps: float = 30.0
    width: int = 640
    height: int = 480
    mirrored: bool = False
    noise: float = 0.0
    lighting: float = 0.0
    seed: int = 0
    identity: str = "ana"
    torso: TorsoKind = "photo"

    def __post_init__(self) -> None:
        from cdcare.video.synth_identity import identity

        identity(self.identity)  # InputError for an unknown name
        for name, (low, high) in LIMITS.items():
            value = getattr(self, name)
            if not isinstance(value, int | float) or not math.isfinite(value):
                raise InputError(N_("{name} must be a finite number (got {value})"),
                                 name=name, value=value)  # fmt: skip
            if not low <= value <= high:
                raise InputError(
                    N_("{name} must be between {low} and {high} (got {value})"),
                    name=name, low=low, high=high, value=value,
                )  # fmt: skip
        if self.tremor_shape not in get_args(TremorShape):
            raise InputError(
                N_("tremor_shape must be sine, jerky, modulated or harmonic (got {value})"),
                value=self.tremor_shape,
            )
        if self.torso not in get_args(TorsoKind):
            raise InputError(N_("torso must be photo or symmetric (got {value})"),
                             value=self.torso)  # fmt: skip
        if self.tremor_axis not in get_args(TremorAxis):
            raise InputError(N_("tremor_axis must be yaw, roll or pitch (got {value})"),
                             value=self.tremor_axis)  # fmt: skip
        if self.tremor_hz >= self.fps / 2:
            raise InputError(
                N_("tremor_hz {value} Hz must be below half the frame rate ({limit} Hz)"),
                value=self.tremor_hz, limit=self.fps / 2,
            )  # fmt: skip
        name = f"{self.tremor_axis}_deg"
        low, high = LIMITS[name]
        if abs(getattr(self, name)) + self.tremor_deg > high:
            raise InputError(
                N_("{name} plus the tremor amplitude must stay within ±{limit}° (got {value}°)"),
                name=name, limit=high, value=abs(getattr(self, name)) + self.tremor_deg,
            )  # fmt: skip
        if (
            int(self.width) != self.width
            or int(self.height) != self.height
            or (self.width % 2 or self.height % 2)
        ):
            raise InputError(
                N_("width and height must be even whole numbers of pixels (got {width}×{height})"),
                width=self.width, height=self.height,
            )  # fmt: skip

    @property
    def n_frames(self) -> int:
        """Number of frames, ``round(seconds · fps)`` (at least 1)."""
        return max(1, round(self.seconds * self.fps))


@dataclass(frozen=True)
class FrameTruth:
    """True pose of one frame: timestamp (s), angles (deg), shifts (fractions); signs above."""

    t_s: float
    yaw_deg: float
    roll_deg: float
    pitch_deg: float
    lateral_shift: float
    sagittal_shift: float
    shoulder_elevation: float

    def quaternion(self) -> tuple[float, float, float, float]:
        """The true head rotation relative to the torso as a quaternion (w, x, y, z)."""
        from cdcare.video.angles import quaternion, rotation_from_body_angles

        return quaternion(rotation_from_body_angles(self.yaw_deg, self.roll_deg, self.pitch_deg))


@dataclass(frozen=True)
class GroundTruth:
    """A clip's spec and per-frame truth (the content of the sidecar JSON)."""

    spec: SynthSpec
    frames: tuple[FrameTruth, ...]

    def series(self, name: str) -> NDArray[np.float64]:
        """One per-frame quantity (a :class:`FrameTruth` field) as an array."""
        return np.asarray([getattr(f, name) for f in self.frames], dtype=np.float64)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict: ``spec``, ``video`` summary and column-wise ``frames``."""
        from cdcare.video.synth_model import PHOTO_SOURCE

        s = self.spec
        return {
            "generator": "cdcare.video.synth",
            "format_version": FORMAT_VERSION,
            "photo": PHOTO_SOURCE,
            "angle_convention": ANGLE_CONVENTION,
            "conventions": "angles deg, body-plane projections of the head rotation relative "
            "to the torso (cdcare.video.angles): yaw = nose direction seen from above, + chin "
            "to patient's left; roll = head vertical vs body vertical seen from the front, + "
            "toward left shoulder; pitch = the same seen from the side, + chin down; "
            "quat_wxyz = head rotation in the model frame (+X patient's left, +Y up, "
            "+Z forward); shifts in inter-ocular distances, + = patient's left / forward; "
            "tremor_deg is zero-to-peak",
            "spec": asdict(s),
            "camera": _camera_json(s),
            "torso": _torso_json(s),
            "video": {
                "fps": s.fps,
                "frames": s.n_frames,
                "duration_s": s.n_frames / s.fps,
                "width": s.width,
                "height": s.height,
                "mirrored": s.mirrored,
            },
            "frames": {
                **{f.name: [getattr(fr, f.name) for fr in self.frames] for f in fields(FrameTruth)},
                "quat_wxyz": [list(fr.quaternion()) for fr in self.frames],
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GroundTruth:
        """Inverse of :meth:`to_json`."""
        cols = data["frames"]
        names = [f.name for f in fields(FrameTruth)]
        rows = zip(*(cols[n] for n in names), strict=True)
        frames = tuple(FrameTruth(**dict(zip(names, r, strict=True))) for r in rows)
        return cls(SynthSpec(**data["spec"]), frames)


def _camera_json(spec: SynthSpec) -> dict[str, float]:
    """Pinhole camera of the clip: focal length and principal point (pixels), distance (mm)."""
    from cdcare.video.synth_identity import identity
    from cdcare.video.synth_raster import Camera

    cam = Camera.for_frame(spec.width, spec.height, identity(spec.identity).focal)
    return {
        "focal_px": cam.focal_px,
        "principal_x_px": (cam.width - 1) / 2,
        "principal_y_px": cam.centre_y * (cam.height - 1),
        "distance_mm": cam.distance_mm,
    }


def _torso_json(spec: SynthSpec) -> dict[str, Any]:
    """Which torso, and its true shoulders (:func:`cdcare.video.synth_torso.torso_truth`)."""
    from cdcare.video.synth_torso import torso_truth

    return torso_truth(spec)


def load_truth(path: Path) -> GroundTruth:
    """Read a sidecar JSON written by :func:`write_clip` (``clip.json`` beside ``clip.mp4``)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return GroundTruth.from_json(data)
    except FileNotFoundError:
        raise InputError(N_("File not found: {path}"), path=str(path)) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(N_("{path} is not a synthetic-video truth file: {reason}"),
                         path=str(path), reason=str(exc)) from None  # fmt: skip


JERKY_HARMONICS: Final = (1.0, 0.5, 0.33)
HARMONIC_WEIGHTS: Final = (1.0, 0.8, 0.5)


def tremor_wave(spec: SynthSpec) -> NDArray[np.float64]:
    """The unit tremor wave per frame (peak 1; ``tremor_shape``, module docstring)."""
    t = np.arange(spec.n_frames) / spec.fps
    if spec.tremor_shape == "jerky":
        rng = np.random.default_rng(spec.seed + 7)
        jitter = np.cumsum(rng.normal(0.0, 0.02, len(t)))
        jitter = 0.1 * np.tanh(jitter)  # frequency within ±10 %
        phase = 2 * np.pi * spec.tremor_hz * np.cumsum(1 + jitter) / spec.fps
        wave = sum(a * np.sin((k + 1) * phase) for k, a in enumerate(JERKY_HARMONICS))
        peak = float(np.max(np.abs(wave))) if len(t) > 1 else 1.0
        return np.asarray(wave / (peak or 1.0), np.float64)
    if spec.tremor_shape == "harmonic":
        phase = 2 * np.pi * spec.tremor_hz * t
        wave = sum(a * np.sin((k + 1) * phase) for k, a in enumerate(HARMONIC_WEIGHTS))
        peak = float(np.max(np.abs(wave))) if len(t) > 1 else 1.0
        return np.asarray(wave / (peak or 1.0), np.float64)
    wave = np.sin(2 * np.pi * spec.tremor_hz * t)
    if spec.tremor_shape == "modulated":
        wave = wave * (0.6 + 0.4 * np.sin(2 * np.pi * 0.3 * t))
    return np.asarray(wave, np.float64)


def frame_truths(spec: SynthSpec) -> tuple[FrameTruth, ...]:
    """The true pose of every frame (timestamps i/fps s; tremor added to its axis)."""
    out = []
    waves = tremor_wave(spec)
    for i in range(spec.n_frames):
        t = i / spec.fps
        wobble = spec.tremor_deg * waves[i]
        angles = {"yaw": spec.yaw_deg, "roll": spec.roll_deg, "pitch": spec.pitch_deg}
        angles[spec.tremor_axis] += wobble
        out.append(
            FrameTruth(
                t,
                angles["yaw"],
                angles["roll"],
                angles["pitch"],
                spec.lateral_shift,
                spec.sagittal_shift,
                spec.shoulder_elevation,
            )
        )
    return tuple(out)


def render_frames(spec: SynthSpec) -> Iterator[tuple[float, NDArray[np.uint8], FrameTruth]]:
    """Yield ``(timestamp s, BGR uint8 frame height×width×3, FrameTruth)`` for every frame."""
    from cdcare.video.synth_render import Renderer

    renderer = Renderer(spec)
    for truth in frame_truths(spec):
        yield truth.t_s, renderer.frame(truth), truth


def write_clip(path: Path, spec: SynthSpec) -> GroundTruth:
    """Write the clip (mp4, OpenCV 'mp4v') and its truth to ``path.with_suffix('.json')``."""
    import cv2

    path = Path(path)
    if not path.parent.is_dir():
        raise InputError(N_("Folder does not exist: {path}"), path=str(path.parent))
    writer = cv2.VideoWriter(
        str(path), cv2.VideoWriter.fourcc(*"mp4v"), spec.fps, (spec.width, spec.height)
    )
    if not writer.isOpened():
        raise InputError(N_("Cannot write the video {path}"), path=str(path))
    frames = []
    try:
        for _t, frame, truth in render_frames(spec):
            writer.write(frame)
            frames.append(truth)
    finally:
        writer.release()
    truth_all = GroundTruth(spec, tuple(frames))
    path.with_suffix(".json").write_text(
        json.dumps(truth_all.to_json(), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return truth_all


__all__ = [
    "ANGLE_CONVENTION",
    "LIMITS",
    "FrameTruth",
    "GroundTruth",
    "SynthSpec",
    "frame_truths",
    "load_truth",
    "render_frames",
    "tremor_wave",
    "write_clip",
]
