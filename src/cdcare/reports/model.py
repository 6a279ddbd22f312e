"""Plain data of a visit report: one dataclass per section, no database or PDF code.

A report is built from a :class:`ReportData`; every section but the header is optional and is
left out of the PDF when empty, so callers (store, video pipeline, planning) fill in only what
they have. Dates are local (centre zone) calendar dates; ``generated_at`` is timezone-aware.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from cdcare.clinical.planning import Finding, InjectionRecord, Plan
from cdcare.video.contract import VideoResult


@dataclass(frozen=True)
class ReportHeader:
    """Who the report is about and who made it (pseudonymous: record number, birth year).

    ``sex`` is the stored code (F, M, X); ``generated_at`` is timezone-aware (shown in the
    report's zone).
    """

    centre: str
    record_number: str
    birth_year: int
    sex: str
    onset_date: date | None
    generated_by: str
    generated_at: datetime


@dataclass(frozen=True)
class ScaleEntry:
    """One scored administration as stored: points of the instrument (higher = worse).

    ``alerts`` are alert codes of the instrument (e.g. ``phq9_item9_safety``).
    """

    instrument: str
    on: date
    subscores: Mapping[str, float]
    total: float | None
    band: str | None = None
    alerts: tuple[str, ...] = ()


@dataclass(frozen=True)
class VideoEntry:
    """Posture measured on one video (docs/video.md video contract), all medians over the clip.

    Degrees: ``rotation_deg`` + = chin toward the patient's left; ``tilt_deg`` + = head toward
    the left shoulder; ``flexion_deg`` + = chin down. Fractions of the inter-ocular distance:
    ``lateral_shift`` + = toward the patient's left, ``sagittal_shift`` + = forward.
    ``shoulder_elevation``: + = left shoulder higher, fraction of shoulder width. Tremor
    frequency in Hz, amplitude in degrees. ``relative`` is True when the angles are measured
    against the patient's own neutral posture (``reference_video`` names that clip when
    known, with ``, START–END s`` for a neutral segment of the clip itself), False when
    absolute. ``*_interval``: the 95 % interval of each angle median
    (degrees, contract ``posture_interval``), None when not given.
    """

    on: date
    rotation_deg: float | None = None
    tilt_deg: float | None = None
    flexion_deg: float | None = None
    lateral_shift: float | None = None
    sagittal_shift: float | None = None
    shoulder_elevation: float | None = None
    tremor_present: bool | None = None
    tremor_axis: str | None = None
    tremor_frequency_hz: float | None = None
    tremor_amplitude_deg: float | None = None
    face_found_ratio: float | None = None
    relative: bool = False
    reference_video: str | None = None
    source: str | None = None
    rotation_interval: tuple[float, float] | None = None
    tilt_interval: tuple[float, float] | None = None
    flexion_interval: tuple[float, float] | None = None

    @classmethod
    def from_analysis(
        cls, on: date, result: VideoResult | Mapping[str, Any], source: str | None = None
    ) -> VideoEntry:
        """Read the fields of a ``cdcare analyze`` result (missing values stay ``None``).

        ``result`` is the contract model or its stored JSON (parsed with
        ``VideoResult.model_validate``); ``source`` is where the clip was recorded ('clinic'
        or 'home'), when known.
        """
        r = result if isinstance(result, VideoResult) else VideoResult.model_validate(result)
        posture, tremor = r.posture, r.tremor
        iv = r.posture_interval
        return cls(
            on=on,
            rotation_deg=posture.rotation_deg,
            tilt_deg=posture.tilt_deg,
            flexion_deg=posture.flexion_deg,
            lateral_shift=posture.lateral_shift,
            sagittal_shift=posture.sagittal_shift,
            shoulder_elevation=posture.shoulder_elevation,
            tremor_present=tremor.present if tremor else None,
            tremor_axis=tremor.axis if tremor else None,
            tremor_frequency_hz=tremor.frequency_hz if tremor else None,
            tremor_amplitude_deg=tremor.amplitude_deg if tremor else None,
            face_found_ratio=r.quality.face_found_ratio if r.quality else None,
            relative=r.relative,
            reference_video=_reference_name(r),
            source=source,
            rotation_interval=iv.rotation_deg if iv else None,
            tilt_interval=iv.tilt_deg if iv else None,
            flexion_interval=iv.flexion_deg if iv else None,
        )


def _reference_name(r: VideoResult) -> str | None:
    """The neutral reference's clip, and its segment (seconds) when it was one of the clip."""
    if r.reference is None:
        return None
    seg = r.reference.segment_s
    if seg is None:
        return r.reference.video
    return f"{r.reference.video or ''}, {seg[0]:g}–{seg[1]:g} s".lstrip(", ")


@dataclass(frozen=True)
class AdverseEntry:
    """An adverse event after a session: code of ``care/data/adverse_events.json``,
    severity (mild/moderate/severe) and the local date it began."""

    code: str
    severity: str
    onset: date


@dataclass(frozen=True)
class InjectionEntry:
    """One logged injection session: the record (doses in ``unit``, the product's own units,
    never converted), its adverse events and the override reason of an early re-injection."""

    record: InjectionRecord
    unit: str
    adverse: tuple[AdverseEntry, ...] = ()
    override_reason: str = ""


@dataclass(frozen=True)
class ReportData:
    """Everything one report shows; empty sections are omitted from the PDF.

    ``injections``: the newest sessions of the injection log, shown in full (doses in each
    session's product units); ``earlier_injections``: older sessions, shown as one summary
    line each; ``omitted_injections``: how many still older sessions are not shown at all.
    ``video``: finished video measurements, newest first. ``plan``: the next session's plan
    with its ``plan_findings`` (rule outcomes, each with its source).
    ``demo``: synthetic demo data (the footer says so on every page).
    """

    header: ReportHeader
    scales: tuple[ScaleEntry, ...] = ()
    video: tuple[VideoEntry, ...] = ()
    injections: tuple[InjectionEntry, ...] = ()
    earlier_injections: tuple[InjectionEntry, ...] = ()
    omitted_injections: int = 0
    plan: Plan | None = None
    plan_findings: tuple[Finding, ...] = field(default_factory=tuple)
    demo: bool = False


__all__ = [
    "AdverseEntry",
    "InjectionEntry",
    "ReportData",
    "ReportHeader",
    "ScaleEntry",
    "VideoEntry",
]
