"""Database models (SQLAlchemy 2, typed mappings).

Conventions: every timestamp is timezone-aware UTC (:class:`UTCDateTime`); it is shown in
the centre zone (:mod:`cdcare.clock`) by the presentation layers. Patients are pseudonymous: a
record number unique per centre, birth year (not date) and no national ID. Clinical entries are
never overwritten: an amendment is a new row whose ``supersedes_id`` points at the earlier
version (Medical Service Act Art. 22(2): keep the original and the amendment,
docs/korea-regulatory.md §2).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, ClassVar

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
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from cdcare.store.types import UTCDateTime, utcnow


class Base(DeclarativeBase):
    """Declarative base; constraint names follow one convention for Alembic."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


Base.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Role(enum.StrEnum):
    """What a user account may do; permissions are decided per role in the service layer."""

    ADMIN = "admin"
    PHYSICIAN = "physician"
    NURSE = "nurse"
    PATIENT = "patient"


class Sex(enum.StrEnum):
    """Sex recorded for the clinical record: female, male, or other/unknown."""

    FEMALE = "F"
    MALE = "M"
    OTHER = "X"


class Centre(Base):
    """A clinic or hospital; every user and patient belongs to exactly one.

    ``keep_raw_video``: keep uploaded videos after analysis (default off: only the measured
    landmark and angle series are kept).
    """

    __tablename__ = "centre"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    keep_raw_video: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    """A person who logs in: staff of a centre, or a patient linked to their own record."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"), default=None)
    lang: Mapped[str] = mapped_column(String(8), default="ko")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    centre: Mapped[Centre] = relationship()


class Patient(Base):
    """A pseudonymous patient record of one centre.

    ``onset_date`` is the date of first dystonic symptoms as reported; ``family_history`` is
    True/False/None (unknown) for dystonia or tremor in first- or second-degree relatives.
    """

    __tablename__ = "patient"
    __table_args__ = (UniqueConstraint("centre_id", "record_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    record_number: Mapped[str] = mapped_column(String(40))
    birth_year: Mapped[int] = mapped_column(Integer)
    sex: Mapped[Sex] = mapped_column(
        Enum(Sex, native_enum=False, length=1, values_callable=lambda e: [m.value for m in e])
    )
    onset_date: Mapped[date | None] = mapped_column(Date, default=None)
    family_history: Mapped[bool | None] = mapped_column(Boolean, default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    centre: Mapped[Centre] = relationship()
    visits: Mapped[list[Visit]] = relationship(
        back_populates="patient", order_by="Visit.visit_date", cascade="all, delete-orphan"
    )


class Visit(Base):
    """A clinic or remote encounter on one date (the date is the local date in the centre zone)."""

    __tablename__ = "visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    visit_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20), default="clinic")
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    patient: Mapped[Patient] = relationship(back_populates="visits")
    assessments: Mapped[list[ScaleAssessment]] = relationship(back_populates="visit")


class ScaleAssessment(Base):
    """One scored rating-scale administration.

    ``answers`` is item code → value exactly as entered; ``subscores``, ``total`` and ``band``
    are what the scale engine computed from them (never typed in). ``supersedes_id`` links an
    amendment to the version it replaces; the replaced row is kept.
    """

    __tablename__ = "scale_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"), default=None)
    instrument: Mapped[str] = mapped_column(String(40))
    instrument_version: Mapped[str] = mapped_column(String(40))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    subscores: Mapped[dict[str, Any]] = mapped_column(JSON)
    total: Mapped[float | None] = mapped_column(Float, default=None)
    band: Mapped[str | None] = mapped_column(String(40), default=None)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    assessed_at: Mapped[datetime] = mapped_column(default=utcnow)
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("scale_assessment.id"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    visit: Mapped[Visit | None] = relationship(back_populates="assessments")


class AuditEvent(Base):
    """One access to personal data or one security event; append-only, hash-chained.

    Fields follow the PIPA access-log items (account, time, place/IP, data subject, task) of
    docs/korea-regulatory.md §1. ``patient_id`` is deliberately not a foreign key: the log
    must outlive the records it speaks of. ``hash`` = HMAC-SHA256 (key outside the database)
    over this row's fields and the previous row's hash, so an edited or deleted row breaks the
    chain (see care/audit.py); older rows carry an unkeyed SHA-256 (``algo``).
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, default=None)
    username: Mapped[str] = mapped_column(String(80), default="")
    role: Mapped[str] = mapped_column(String(16), default="")
    centre_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    patient_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(120), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")
    #: how ``hash`` was made: "sha256" (unkeyed, rows before migration 0007) or
    #: "hmac-sha256" (keyed with the audit key held outside the database)
    algo: Mapped[str] = mapped_column(String(16), default="hmac-sha256", server_default="sha256")


class RecordVersion(Base):
    """An earlier version of an amended record, kept whole (Medical Service Act Art. 22(2)).

    ``entity`` is the table name, ``data`` the row's values before the change, ``version`` counts
    from 1 per entity row.
    """

    __tablename__ = "record_version"
    __table_args__ = (UniqueConstraint("entity", "entity_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")


__all__ = [
    "AuditEvent",
    "Base",
    "Centre",
    "Patient",
    "RecordVersion",
    "Role",
    "ScaleAssessment",
    "Sex",
    "User",
    "Visit",
]
from cdcare.store import audit_models as audit_models  # noqa: E402
from cdcare.store import care_models as care_models  # noqa: E402
from cdcare.store import clinic_models as clinic_models  # noqa: E402
from cdcare.store import research_models as research_models  # noqa: E402
from cdcare.store import security_models as security_models  # noqa: E402
from cdcare.store import video_models as video_models  # noqa: E402
