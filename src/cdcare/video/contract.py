"""The video contract as one typed model: :class:`VideoResult` (docs/video.md).

The JSON contract written by ``cdcare analyze``, stored by the upload job and read by the web
pages, the PDF and the TWSTRS pre-fill is ``VideoResult.model_dump(mode="json")``; readers of
stored JSON parse it back with ``VideoResult.model_validate``.

Units and signs: angles in degrees with the signs of :mod:`cdcare.video.headpose`, shifts in
fractions of the inter-ocular distance, shoulder elevation in fractions of shoulder width
(:mod:`cdcare.video.shoulders`), times in seconds, frequencies in hertz.

Extra keys: every model forbids them (``extra="forbid"``), so a key the pipeline does not
define is an error rather than silently dropped or silently stored. Missing keys: every field
has a default (None or empty), because stored results may be a subset of the contract (a FHIR
import carries only posture and tremor); the pipeline itself always sets every field (tested
in tests/video/test_contract.py against a golden result).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

AngleMode = Literal["absolute", "relative_to_reference"]
MissingReason = Literal["no_head", "no_face_mesh"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VideoMeta(_Model):
    """The decoded clip: mean frame rate (frames/s), frames decoded, seconds covered, pixels,
    rotation metadata applied (degrees clockwise)."""

    fps: float
    frames: int
    duration_s: float
    width: int
    height: int
    rotation_meta_deg: int = 0


class Posture(_Model):
    """Median posture over the clip (degrees / fractions, contract signs); None = not measured."""

    rotation_deg: float | None = None
    tilt_deg: float | None = None
    flexion_deg: float | None = None
    lateral_shift: float | None = None
    sagittal_shift: float | None = None
    shoulder_elevation: float | None = None


class Reference(_Model):
    """The neutral posture subtracted (``angles == 'relative_to_reference'``) and its clip;
    ``segment_s`` (start, end seconds) when it was measured on a segment of the analysed clip
    itself (``cdcare analyze --neutral``), else None (a separate neutral clip)."""

    video: str | None = None
    segment_s: tuple[float, float] | None = None
    rotation_deg: float | None = None
    tilt_deg: float | None = None
    flexion_deg: float | None = None
    lateral_shift: float | None = None
    sagittal_shift: float | None = None
    shoulder_elevation: float | None = None


Interval = tuple[float, float]


class PostureIntervals(_Model):
    """A ``posture_interval_level`` interval ``[low, high]`` per posture median (same units)."""

    rotation_deg: Interval | None = None
    tilt_deg: Interval | None = None
    flexion_deg: Interval | None = None
    lateral_shift: Interval | None = None
    sagittal_shift: Interval | None = None
    shoulder_elevation: Interval | None = None


class WithinNoise(_Model):
    """Per measure: the change from the reference is within the interval (0 ∈ interval)."""

    rotation_deg: bool | None = None
    tilt_deg: bool | None = None
    flexion_deg: bool | None = None
    lateral_shift: bool | None = None
    sagittal_shift: bool | None = None
    shoulder_elevation: bool | None = None


class QualityWarning(_Model):
    """One quality problem: a stable ``code`` and its message in the requested language."""

    code: str
    message: str


class Quality(_Model):
    """Share of frames with a face (0–1), more than one face seen, quality warnings."""

    face_found_ratio: float | None = None
    multiple_faces: bool = False
    warnings: list[QualityWarning] = Field(default_factory=list)


class PoseYaw(_Model):
    """The pose-keypoint yaw model used (``tan(yaw) = k·ratio + c``, dimensionless)."""

    k: float
    c: float


class CalibrationInfo(_Model):
    """Where the head-angle calibration comes from and whether that source is verified."""

    source: str
    verified: bool


class Series(_Model):
    """Per decoded frame: time (s), angles (degrees, None = not measured), method, body-frame
    quaternion (w, x, y, z), why an angle is missing, confidence (0–1)."""

    t_s: list[float] = Field(default_factory=list)
    yaw_deg: list[float | None] = Field(default_factory=list)
    roll_deg: list[float | None] = Field(default_factory=list)
    pitch_deg: list[float | None] = Field(default_factory=list)
    method: list[str | None] = Field(default_factory=list)
    quat_wxyz: list[list[float] | None] = Field(default_factory=list)
    angle_convention: str | None = None
    missing_reason: list[MissingReason | None] = Field(default_factory=list)
    confidence: list[float | None] = Field(default_factory=list)
    pose_yaw_model: PoseYaw | None = None
    calibration: CalibrationInfo | None = None


class TremorThreshold(_Model):
    """The rule a tremor must pass: amplitude (degrees), spectral concentration, band (Hz)."""

    min_amplitude_deg: float
    min_concentration: float
    band_hz: list[float]


class TremorAxis(_Model):
    """The spectral peak of one angle series (Hz, degrees, 0–1)."""

    axis: str
    frequency_hz: float
    amplitude_deg: float
    regularity: float


class Tremor(_Model):
    """Head tremor: present (None = not assessable), axis, frequency (Hz), amplitude (deg)."""

    present: bool | None = None
    assessed: bool | None = None
    axis: str | None = None
    frequency_hz: float | None = None
    amplitude_deg: float | None = None
    regular: bool | None = None
    regularity: float | None = None
    threshold: TremorThreshold | None = None
    axes: list[TremorAxis] = Field(default_factory=list)


class TwstrsBasis(_Model):
    """How one TWSTRS item is suggested (:data:`cdcare.clinical.video_twstrs.BANDS`)."""

    measure: str
    lower_bounds: list[float]
    source: str
    verified: bool
    noise_margin: float
    noise_margin_source: str
    noise_margin_verified: bool
    needs_reference: bool
    prefill: bool


class TwstrsSuggestion(_Model):
    """Suggested TWSTRS severity item scores (a suggestion, never a rating) and their basis."""

    rotation: int | None = None
    laterocollis: int | None = None
    anterocollis_retrocollis: int | None = None
    lateral_shift: int | None = None
    sagittal_shift: int | None = None
    shoulder_elevation: int | None = None
    basis: dict[str, TwstrsBasis] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _older_shape(cls, data: Any) -> Any:
        """Read the older stored shape ``{"items": {item: {"score": n}}}`` as ``{item: n}``."""
        if not isinstance(data, dict) or not isinstance(data.get("items"), dict):
            return data
        rest = {k: v for k, v in data.items() if k != "items"}
        for item, value in data["items"].items():
            rest[item] = value.get("score") if isinstance(value, dict) else value
        return rest

    def score(self, item: str) -> int | None:
        """The suggested score of ``item`` (a field name), None if not suggested."""
        value = getattr(self, item, None)
        return value if isinstance(value, int) else None


class VideoResult(_Model):
    """The whole video contract (docs/video.md); its JSON is ``model_dump(mode="json")``."""

    video: VideoMeta | None = None
    angles: AngleMode = "absolute"
    reference: Reference | None = None
    quality: Quality | None = None
    posture: Posture = Field(default_factory=Posture)
    posture_interval: PostureIntervals | None = None
    posture_interval_level: float | None = None
    change_within_noise: WithinNoise | None = None
    series: Series | None = None
    tremor: Tremor | None = None
    twstrs: TwstrsSuggestion | None = None

    @property
    def relative(self) -> bool:
        """Angles are relative to a neutral reference clip."""
        return self.angles == "relative_to_reference"

    def to_json(self) -> dict[str, object]:
        """The JSON contract (what is written and stored)."""
        return self.model_dump(mode="json")


__all__ = [
    "CalibrationInfo",
    "Posture",
    "PostureIntervals",
    "Quality",
    "QualityWarning",
    "Reference",
    "Series",
    "Tremor",
    "TremorAxis",
    "TremorThreshold",
    "TwstrsBasis",
    "TwstrsSuggestion",
    "VideoMeta",
    "VideoResult",
    "WithinNoise",
]
