"""The baseline of a video analysis: none, a neutral segment of the clip, or an earlier analysis.

The patient's own neutral posture is the recommended baseline (docs/video.md): angles are then
reported relative to it (``angles == 'relative_to_reference'``), which cancels the per-person
bias of a generic face model. At upload the baseline is one of

- ``none``: absolute angles;
- ``segment``: the patient holds the neutral posture from ``start`` to ``end`` seconds of this
  clip (the CLI's ``cdcare analyze --neutral START-END``); the rest is measured against it;
- ``analysis``: an earlier finished analysis of the **same patient** that a clinician marked as
  the neutral reference; its posture medians are the neutral posture (the CLI's
  ``--reference``, already measured).

The same-patient rule is checked here, not in the routes: an analysis of another patient is
:class:`~cdcare.errors.NotFound`, exactly like a missing one. Only a finished analysis with
absolute angles can be a neutral reference (a relative one is already a difference).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdcare.clock import local_date
from cdcare.errors import N_, InputError, NotFound
from cdcare.store.video_models import JobStatus, VideoAnalysis
from cdcare.video.contract import VideoResult
from cdcare.video.summary import POSTURE_KEYS  # the posture measures of a neutral posture

Kind = Literal["none", "segment", "analysis"]
KINDS: tuple[Kind, ...] = ("none", "segment", "analysis")

MSG_KIND = N_("Choose the baseline: none, a neutral segment of this clip, or a neutral reference")
MSG_NUMBER = N_("The neutral segment's start and end must be numbers of seconds (got {value})")
MSG_ORDER = N_("The neutral segment must end after it starts ({start}–{end} s)")
MSG_NEGATIVE = N_("The neutral segment cannot start before the clip (start {start} s)")
MSG_CHOOSE_REF = N_("Choose the earlier analysis to use as the neutral reference")
MSG_NOT_FINISHED = N_("Video analysis {id} is not finished; only a finished one can be a reference")
MSG_NOT_MARKED = N_("Video analysis {id} is not marked as a neutral reference")
MSG_RELATIVE = N_(
    "Video analysis {id} was measured against a reference itself; only an absolute measurement "
    "can be a neutral reference"
)


@dataclass(frozen=True)
class Baseline:
    """A validated baseline choice (seconds for a segment, an analysis id for a reference)."""

    kind: Kind = "none"
    start_s: float | None = None
    end_s: float | None = None
    analysis_id: int | None = None


def _seconds(raw: str) -> float:
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        raise InputError(MSG_NUMBER, value=raw) from None
    if not math.isfinite(value):
        raise InputError(MSG_NUMBER, value=raw)
    return value


def choose_baseline(
    *,
    db: Session,
    patient_id: int,
    kind: str,
    start: str = "",
    end: str = "",
    reference_id: str = "",
) -> Baseline:
    """The baseline chosen in an upload form, validated; InputError (422) with a clear message.

    ``start``/``end``: seconds of the neutral segment (only for ``segment``; that it lies
    within the clip is checked when the clip is decoded); ``reference_id``: the earlier
    analysis (only for ``analysis``, :func:`neutral_reference` rules).
    """
    chosen = (kind or "none").strip()
    if chosen == "none":
        return Baseline()
    if chosen == "segment":
        a, b = _seconds(start), _seconds(end)
        if a < 0:
            raise InputError(MSG_NEGATIVE, start=f"{a:g}")
        if b <= a:
            raise InputError(MSG_ORDER, start=f"{a:g}", end=f"{b:g}")
        return Baseline("segment", start_s=a, end_s=b)
    if chosen == "analysis":
        if not reference_id.strip().isdigit():
            raise InputError(MSG_CHOOSE_REF)
        ref = neutral_reference(db=db, patient_id=patient_id, analysis_id=int(reference_id))
        return Baseline("analysis", analysis_id=ref.id)
    raise InputError(MSG_KIND)


def _same_patient(db: Session, patient_id: int, analysis_id: int) -> VideoAnalysis:
    """Analysis ``analysis_id`` if it is this patient's; NotFound otherwise (as if missing)."""
    row = db.get(VideoAnalysis, analysis_id)
    if row is None or row.patient_id != patient_id:
        raise NotFound(N_("Video analysis {id} not found"), id=analysis_id)
    return row


def _usable(row: VideoAnalysis) -> None:
    """InputError unless ``row`` is finished and measured without a reference."""
    if row.status is not JobStatus.DONE or not row.result:
        raise InputError(MSG_NOT_FINISHED, id=row.id)
    if VideoResult.model_validate(row.result).relative:
        raise InputError(MSG_RELATIVE, id=row.id)


def neutral_reference(*, db: Session, patient_id: int, analysis_id: int) -> VideoAnalysis:
    """The marked neutral reference ``analysis_id`` of this patient.

    NotFound (404) when it does not exist or belongs to another patient; InputError when it is
    not finished, not marked, or itself relative to a reference.
    """
    row = _same_patient(db, patient_id, analysis_id)
    _usable(row)
    if not row.is_neutral_reference:
        raise InputError(MSG_NOT_MARKED, id=row.id)
    return row


def mark_neutral(
    *, db: Session, patient_id: int, analysis_id: int, neutral: bool = True
) -> VideoAnalysis:
    """Mark (or unmark) a finished absolute analysis of this patient as a neutral reference.

    Analyses already measured against it keep their result and their link to it.
    """
    row = _same_patient(db, patient_id, analysis_id)
    if neutral:
        _usable(row)
    row.is_neutral_reference = neutral
    db.flush()
    return row


def neutral_references(*, db: Session, patient_id: int) -> Sequence[VideoAnalysis]:
    """The patient's finished analyses marked as neutral references, newest first."""
    return db.scalars(
        select(VideoAnalysis)
        .where(
            VideoAnalysis.patient_id == patient_id,
            VideoAnalysis.is_neutral_reference.is_(True),
            VideoAnalysis.status == JobStatus.DONE,
        )
        .order_by(VideoAnalysis.id.desc())
    ).all()


def apply_baseline(row: VideoAnalysis, baseline: Baseline) -> None:
    """Store a validated choice on a (new) analysis row."""
    row.reference_kind = baseline.kind
    row.neutral_start_s, row.neutral_end_s = baseline.start_s, baseline.end_s
    row.reference_analysis_id = baseline.analysis_id


def reference_label(row: VideoAnalysis) -> str:
    """How a reference analysis is named in a result (``reference.video``): its file name and
    local upload date, language-neutral (ISO date), e.g. ``neutral.mp4 (2026-12-03)``."""
    return f"{row.filename or f'#{row.id}'} ({local_date(row.created_at).isoformat()})"


@dataclass(frozen=True)
class JobReference:
    """What the job passes to :func:`cdcare.video.pipeline.analyze`."""

    posture: dict[str, float | None] | None = None
    name: str | None = None
    segment: tuple[float, float] | None = None


def job_reference(db: Session, row: VideoAnalysis) -> JobReference:
    """The reference for the job of ``row``, read from its stored choice.

    A reference analysis is read again here (same patient, finished, absolute; it may have been
    unmarked since the upload, which does not change a choice already made).
    """
    if row.reference_kind == "segment" and row.neutral_start_s is not None:
        end = row.neutral_end_s if row.neutral_end_s is not None else row.neutral_start_s
        return JobReference(name=row.filename, segment=(row.neutral_start_s, end))
    if row.reference_kind == "analysis" and row.reference_analysis_id is not None:
        ref = _same_patient(db, row.patient_id, row.reference_analysis_id)
        _usable(ref)
        posture = VideoResult.model_validate(ref.result).posture.model_dump()
        return JobReference(
            posture={k: posture.get(k) for k in POSTURE_KEYS}, name=reference_label(ref)
        )
    return JobReference()


__all__ = [
    "KINDS",
    "Baseline",
    "JobReference",
    "apply_baseline",
    "choose_baseline",
    "job_reference",
    "mark_neutral",
    "neutral_reference",
    "neutral_references",
    "reference_label",
]
