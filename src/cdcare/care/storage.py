"""Storage of uploaded videos: the per-centre quota and clear errors for full storage.

A centre's usage is the size of the uploaded files its patients' analyses still hold (queued
or running analyses, and finished ones whose raw video is kept). The quota is
``CDCARE_CENTRE_QUOTA_MB`` megabytes (MiB) per centre.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdcare.errors import N_, CdcareError
from cdcare.store.models import Patient
from cdcare.store.video_models import VideoAnalysis

MB = 1024 * 1024


class StorageFull(CdcareError):
    """No room to store an upload: the centre's quota or the server's disk (HTTP 507)."""

    exit_code: ClassVar[int] = 1
    http_status: ClassVar[int] = 507


MSG_QUOTA = N_(
    "The clinic's video storage is full ({used} of {quota} MB used); "
    "delete kept videos or ask an administrator to raise the quota"
)
MSG_DISK_FULL = N_(
    "The server's disk is full, so the video was not saved; please tell the clinic's "
    "administrator and try again later"
)


def centre_usage_bytes(*, db: Session, centre_id: int) -> int:
    """Bytes of uploaded files held for the centre's patients (missing files count 0)."""
    paths = db.scalars(
        select(VideoAnalysis.video_path)
        .join(Patient, Patient.id == VideoAnalysis.patient_id)
        .where(Patient.centre_id == centre_id, VideoAnalysis.video_path.is_not(None))
    ).all()
    total = 0
    for name in paths:
        try:
            total += Path(name or "").stat().st_size
        except OSError:
            continue
    return total


def quota_room(*, db: Session, centre_id: int, quota_mb: int) -> int:
    """Bytes the centre may still store; raises :class:`StorageFull` when nothing is left."""
    used = centre_usage_bytes(db=db, centre_id=centre_id)
    room = quota_mb * MB - used
    if room <= 0:
        raise StorageFull(MSG_QUOTA, used=used // MB, quota=quota_mb)
    return room


__all__ = ["MSG_DISK_FULL", "MSG_QUOTA", "StorageFull", "centre_usage_bytes", "quota_room"]
