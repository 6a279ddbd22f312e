"""Care-pathway records: intake, injection log, medications, exercises, diary.

Same conventions as :mod:`cdcare.store.models`: UTC-aware ``datetime`` columns, enums stored as
plain strings, dates are local (centre zone) calendar dates. Doses are numbers in the unit named
beside them (toxin doses: units of the session's product, never converted). Amended rows keep
their earlier version in :class:`~cdcare.store.models.RecordVersion`.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cdcare.store.models import Base
from cdcare.store.types import utcnow


def _str_enum(kind: type[enum.StrEnum], length: int) -> Enum:
    return Enum(
        kind, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class Course(enum.StrEnum):
    """Course of the dystonia since onset, as reported at intake."""

    PROGRESSIVE = "progressive"
    STABLE = "stable"
    FLUCTUATING = "fluctuating"
    REMITTED = "remitted"
    UNKNOWN = "unknown"


class DrugClass(enum.StrEnum):
    """Class of an oral medication (codes of ``care/data/medication_classes.json``)."""

    ANTICHOLINERGIC = "anticholinergic"
    MUSCLE_RELAXANT = "muscle_relaxant"
    BENZODIAZEPINE = "benzodiazepine"
    ANALGESIC = "analgesic"
    OTHER = "other"


class Intake(Base):
    """The intake history of one patient (one row per patient; amendments are versioned).

    ``onset_age`` in years; ``onset_speed`` is sudden/subacute/insidious; ``dopamine_blockers``
    is a list of ``{"drug", "start", "stop"}`` (ISO dates or null); ``pain`` is usual neck pain
    0–10 (None = not asked); list fields hold codes of ``care/data/intake.json`` or short text.
    """

    __tablename__ = "intake"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), unique=True)
    onset_age: Mapped[int | None] = mapped_column(Integer, default=None)
    onset_date: Mapped[date | None] = mapped_column(Date, default=None)
    onset_speed: Mapped[str | None] = mapped_column(String(16), default=None)
    first_symptoms: Mapped[list[str]] = mapped_column(JSON, default=list)
    course: Mapped[Course] = mapped_column(_str_enum(Course, 16), default=Course.UNKNOWN)
    triggers: Mapped[list[str]] = mapped_column(JSON, default=list)
    sensory_tricks: Mapped[list[str]] = mapped_column(JSON, default=list)
    family_history: Mapped[bool | None] = mapped_column(Boolean, default=None)
    neck_trauma: Mapped[bool | None] = mapped_column(Boolean, default=None)
    neck_trauma_note: Mapped[str] = mapped_column(Text, default="")
    dopamine_blockers: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    infections: Mapped[list[str]] = mapped_column(JSON, default=list)
    other_neuro_signs: Mapped[list[str]] = mapped_column(JSON, default=list)
    pain: Mapped[int | None] = mapped_column(Integer, default=None)
    stress_fatigue: Mapped[bool | None] = mapped_column(Boolean, default=None)
    prior_treatments: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class InjectionSession(Base):
    """One botulinum-toxin session: product, lot, dilution and the sites injected.

    ``dilution_u_per_ml``: product units per mL after reconstitution; ``total_units`` = sum of
    the site doses in the product's units. ``override_reason`` is the recorded reason for a
    re-injection before the minimum interval (empty otherwise); ``findings`` are the planning
    checks' warnings at the time of recording (code, source, verified, English message).
    """

    __tablename__ = "injection_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    injected_on: Mapped[date] = mapped_column(Date)
    product: Mapped[str] = mapped_column(String(32))
    unit: Mapped[str] = mapped_column(String(64))
    lot: Mapped[str] = mapped_column(String(64))
    dilution_u_per_ml: Mapped[float] = mapped_column(Float)
    guidance: Mapped[str] = mapped_column(String(20))
    injector: Mapped[str] = mapped_column(String(120))
    injector_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    total_units: Mapped[float] = mapped_column(Float)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sites: Mapped[list[InjectionSite]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="InjectionSite.id"
    )
    adverse_events: Mapped[list[AdverseEvent]] = relationship(
        back_populates="session", order_by="AdverseEvent.id"
    )


class InjectionSite(Base):
    """One muscle on one side (the patient's own) with its dose in the session's units."""

    __tablename__ = "injection_site"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("injection_session.id"), index=True)
    muscle: Mapped[str] = mapped_column(String(40))
    side: Mapped[str] = mapped_column(String(8))
    dose: Mapped[float] = mapped_column(Float)

    session: Mapped[InjectionSession] = relationship(back_populates="sites")


class AdverseEvent(Base):
    """An adverse event reported after an injection session (linked to that session).

    ``onset_on`` is the local date it began; ``severity`` is mild/moderate/severe.
    """

    __tablename__ = "adverse_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("injection_session.id"), index=True)
    onset_on: Mapped[date] = mapped_column(Date)
    code: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[InjectionSession] = relationship(back_populates="adverse_events")


class Medication(Base):
    """An oral medication course: dose (in ``unit``) and ``frequency`` as the clinician entered.

    ``stop_on`` None = still taken. Titration steps and side effects are
    :class:`MedicationEvent` rows.
    """

    __tablename__ = "medication"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    drug: Mapped[str] = mapped_column(String(120))
    drug_class: Mapped[DrugClass] = mapped_column(_str_enum(DrugClass, 20))
    dose: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))
    frequency: Mapped[str] = mapped_column(String(40))
    start_on: Mapped[date] = mapped_column(Date)
    stop_on: Mapped[date | None] = mapped_column(Date, default=None)
    stop_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    events: Mapped[list[MedicationEvent]] = relationship(
        back_populates="medication",
        cascade="all, delete-orphan",
        order_by="MedicationEvent.on",
    )


class MedicationEvent(Base):
    """A titration step (``kind`` "titration": new ``dose`` in the medication's unit and
    ``frequency``) or a side effect (``kind`` "side_effect": ``note``) on a local date."""

    __tablename__ = "medication_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    medication_id: Mapped[int] = mapped_column(ForeignKey("medication.id"), index=True)
    on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    dose: Mapped[float | None] = mapped_column(Float, default=None)
    frequency: Mapped[str] = mapped_column(String(40), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    medication: Mapped[Medication] = relationship(back_populates="events")


class ExerciseAssignment(Base):
    """A home exercise programme (code of ``care/data/exercises.json``) given to a patient."""

    __tablename__ = "exercise_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    programme: Mapped[str] = mapped_column(String(40))
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date, default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DiaryEntry(Base):
    """A patient's diary for one local date (one row per patient and date).

    ``severity`` and ``pain`` are 0–10 (0 = none, 10 = worst imaginable); ``triggers`` and
    ``side_effects`` are lists of codes or short texts; ``exercise_done`` None = not said.
    """

    __tablename__ = "diary_entry"
    __table_args__ = (UniqueConstraint("patient_id", "entry_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    entry_date: Mapped[date] = mapped_column(Date)
    severity: Mapped[int] = mapped_column(Integer)
    pain: Mapped[int] = mapped_column(Integer)
    triggers: Mapped[list[str]] = mapped_column(JSON, default=list)
    exercise_done: Mapped[bool | None] = mapped_column(Boolean, default=None)
    side_effects: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Appointment(Base):
    """A scheduled clinic contact (injection, follow-up, video check...).

    ``starts_at`` is an aware UTC datetime, shown in the centre zone; a cancelled appointment is
    kept with ``cancelled_at`` set rather than deleted. ``slot_start`` is ``starts_at`` floored to
    the centre's slot length (care/appointments.py); (``centre_id``, ``slot_start``) is unique, so a
    slot holds one appointment; a cancelled appointment frees it (``slot_start`` None).
    """

    __tablename__ = "appointment"
    __table_args__ = (UniqueConstraint("centre_id", "slot_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column()
    slot_start: Mapped[datetime | None] = mapped_column(default=None)
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)


__all__ = [
    "AdverseEvent",
    "Appointment",
    "Course",
    "DiaryEntry",
    "DrugClass",
    "ExerciseAssignment",
    "InjectionSession",
    "InjectionSite",
    "Intake",
    "Medication",
    "MedicationEvent",
]
