"""Video analyses: an uploaded clip, its background job state and its measurement result.

``result`` is the docs/video.md video-contract object (degrees, fractions, per-frame series) and
is always kept; the raw video is kept only when the installation's ``keep_raw_video`` setting
says so (``video_path`` is then set), otherwise it is deleted once analysed.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Enum, Float, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from cdcare.store.models import Base
from cdcare.store.types import utcnow


class JobStatus(enum.StrEnum):
    """Where an analysis stands."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class VideoAnalysis(Base):
    """One uploaded clip of one patient and its analysis.

    ``source``: 'clinic' (staff upload) or 'home' (the patient's own recording).
    ``progress``: 0–1 fraction of frames processed. ``error`` holds a failed job's message as
    ``{"message": English template, "params": {...}, "exit_code": int}`` so it can be shown in
    either language. ``assessment_id`` is the TWSTRS assessment the clinician saved from it.

    Job queue (:mod:`cdcare.jobs.analysis`): ``claimed_by`` names the runner process that
    claimed the job (host:pid:random), ``heartbeat_at`` is refreshed by it while the job runs,
    ``attempts`` counts claims, ``lang`` is the language of the uploader's messages.

    Baseline (:mod:`cdcare.care.video_baseline`, docs/video.md): ``reference_kind`` is
    ``'none'`` (absolute angles), ``'segment'`` (the neutral posture is the part
    ``neutral_start_s``–``neutral_end_s``, seconds, of this clip) or ``'analysis'`` (the
    neutral posture is the result of ``reference_analysis_id``, an earlier finished analysis of
    the same patient). ``is_neutral_reference``: a clinician marked this finished analysis as
    the patient's neutral posture, offered as a baseline for later clips.
    """

    __tablename__ = "video_analysis"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    source: Mapped[str] = mapped_column(String(16), default="clinic")
    filename: Mapped[str] = mapped_column(String(255), default="")
    mirrored: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[JobStatus] = mapped_column(
        Enum(
            JobStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]
        ),
        default=JobStatus.QUEUED,
    )
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    video_path: Mapped[str | None] = mapped_column(Text, default=None)
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("scale_assessment.id"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    claimed_by: Mapped[str | None] = mapped_column(String(120), default=None)
    heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lang: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    reference_kind: Mapped[str] = mapped_column(String(16), default="none", server_default="none")
    neutral_start_s: Mapped[float | None] = mapped_column(Float, default=None)
    neutral_end_s: Mapped[float | None] = mapped_column(Float, default=None)
    reference_analysis_id: Mapped[int | None] = mapped_column(
        ForeignKey("video_analysis.id"), default=None
    )
    is_neutral_reference: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )


__all__ = ["JobStatus", "VideoAnalysis"]
