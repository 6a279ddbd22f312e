"""Keys of the research export: a patient's study id and date offset, kept only here.

A research dataset (:mod:`cdcare.research.export`) names each patient by ``study_id`` and
shifts every date of that patient by ``date_offset_days`` (whole days, + = later). The link
from a study id back to a patient exists only in this table of the source database; it never
leaves with the dataset. One key per patient, made at the first export and reused after, so
repeated exports of a registry stay linkable to each other but not to the patient.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cdcare.store.models import Base
from cdcare.store.types import utcnow


class ResearchKey(Base):
    """A patient's pseudonym and date offset for research exports."""

    __tablename__ = "research_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), unique=True)
    study_id: Mapped[str] = mapped_column(String(32), unique=True)
    date_offset_days: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


__all__ = ["ResearchKey"]
