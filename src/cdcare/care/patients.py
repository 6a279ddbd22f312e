"""Service functions for centres, users, patients, visits and scale assessments.

Every function is keyword-only and takes its session (``db``) explicitly; the caller owns the
transaction (see :func:`cdcare.store.db.session_scope`). Inputs are validated here so that the
web and CLI layers stay thin; errors are :class:`cdcare.errors.InputError` with a message that
names the offending field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from cdcare.clinical.scales import score
from cdcare.clock import today_or
from cdcare.errors import N_, InputError, NotFound
from cdcare.store.models import Centre, Patient, Role, ScaleAssessment, Sex, User, Visit

MIN_BIRTH_YEAR = 1900


def create_centre(*, db: Session, code: str, name: str) -> Centre:
    """Create a centre with a unique short ``code``."""
    code = code.strip()
    if not code or not name.strip():
        raise InputError(N_("A centre needs a code and a name"))
    if db.scalar(select(Centre).where(Centre.code == code)) is not None:
        raise InputError(N_("Centre code {code} is already in use"), code=code)
    centre = Centre(code=code, name=name.strip())
    db.add(centre)
    db.flush()
    return centre


def create_user(
    *,
    db: Session,
    centre_id: int,
    username: str,
    display_name: str,
    role: Role | str,
    password_hash: str | None = None,
    patient_id: int | None = None,
    lang: str = "ko",
) -> User:
    """Create a login account of ``centre_id``; a patient account must link its record."""
    try:
        role = Role(role)
    except ValueError:
        raise InputError(N_("Unknown role: {role}"), role=str(role)) from None
    if db.scalar(select(User).where(User.username == username)) is not None:
        raise InputError(N_("Username {username} is already in use"), username=username)
    if role is Role.PATIENT:
        patient = db.get(Patient, patient_id) if patient_id is not None else None
        if patient is None or patient.centre_id != centre_id:
            raise InputError(N_("A patient account must be linked to a patient of its centre"))
    user = User(
        centre_id=centre_id,
        username=username,
        display_name=display_name,
        role=role,
        password_hash=password_hash,
        patient_id=patient_id,
        lang=lang,
    )
    db.add(user)
    db.flush()
    return user


def validate_demographics(
    *, birth_year: object, sex: Sex | str, onset_date: date | None, today: date
) -> Sex:
    """Check birth year (1900..this year), sex (F/M/X) and onset date (not future, not
    before birth); returns the sex as :class:`Sex`."""
    if (
        not isinstance(birth_year, int)
        or isinstance(birth_year, bool)
        or not MIN_BIRTH_YEAR <= birth_year <= today.year
    ):
        raise InputError(
            N_("Birth year {value} must be between {lo} and {hi}"),
            value=birth_year,
            lo=MIN_BIRTH_YEAR,
            hi=today.year,
        )
    try:
        sex = Sex(sex)
    except ValueError:
        raise InputError(N_("Sex must be F, M or X, not {value}"), value=str(sex)) from None
    if onset_date is not None:
        if onset_date > today:
            raise InputError(N_("Onset date {value} is in the future"), value=onset_date)
        if onset_date.year < birth_year:
            raise InputError(N_("Onset date {value} is before the birth year"), value=onset_date)
    return sex


def create_patient(
    *,
    db: Session,
    centre_id: int,
    record_number: str,
    birth_year: int,
    sex: Sex | str,
    onset_date: date | None = None,
    family_history: bool | None = None,
    notes: str = "",
    today: date | None = None,
) -> Patient:
    """Register a pseudonymous patient (record number unique within the centre).

    ``birth_year`` must lie between 1900 and this year; ``onset_date`` may not be in the future
    nor before the birth year.
    """
    today = today_or(today)
    record_number = record_number.strip()
    if not record_number:
        raise InputError(N_("The record number is required"))
    if db.get(Centre, centre_id) is None:
        raise NotFound(N_("Centre {id} not found"), id=centre_id)
    sex = validate_demographics(birth_year=birth_year, sex=sex, onset_date=onset_date, today=today)
    exists = db.scalar(
        select(Patient).where(
            Patient.centre_id == centre_id, Patient.record_number == record_number
        )
    )
    if exists is not None:
        raise InputError(
            N_("Record number {value} already exists in this centre"), value=record_number
        )
    patient = Patient(
        centre_id=centre_id,
        record_number=record_number,
        birth_year=birth_year,
        sex=sex,
        onset_date=onset_date,
        family_history=family_history,
        notes=notes,
    )
    db.add(patient)
    db.flush()
    return patient


def get_patient(*, db: Session, patient_id: int, centre_id: int | None = None) -> Patient:
    """A patient by id; one of another centre answers NotFound, like a missing one."""
    patient = db.get(Patient, patient_id)
    if patient is None or (centre_id is not None and patient.centre_id != centre_id):
        raise NotFound(N_("Patient {id} not found"), id=patient_id)
    return patient


def search_patients(
    *, db: Session, centre_id: int, text: str = "", limit: int = 500
) -> Sequence[Patient]:
    """Patients of ``centre_id`` whose record number or notes contain ``text`` (case-insensitive;
    blank: all), by record number, at most ``limit``."""
    query = select(Patient).where(Patient.centre_id == centre_id)
    if text.strip():
        like = f"%{text.strip()}%"
        query = query.where(or_(Patient.record_number.ilike(like), Patient.notes.ilike(like)))
    return db.scalars(query.order_by(Patient.record_number).limit(limit)).all()


def list_patients(*, db: Session, centre_id: int) -> Sequence[Patient]:
    """Patients of one centre, by record number."""
    return db.scalars(
        select(Patient).where(Patient.centre_id == centre_id).order_by(Patient.record_number)
    ).all()


def add_visit(
    *,
    db: Session,
    patient_id: int,
    visit_date: date,
    kind: str = "clinic",
    clinician_id: int | None = None,
    notes: str = "",
    today: date | None = None,
) -> Visit:
    """Record a visit on a local (centre zone) date; future dates are refused."""
    today = today_or(today)
    patient = get_patient(db=db, patient_id=patient_id)
    if visit_date > today:
        raise InputError(N_("Visit date {value} is in the future"), value=visit_date)
    if visit_date.year < patient.birth_year:
        raise InputError(N_("Visit date {value} is before the birth year"), value=visit_date)
    visit = Visit(
        patient_id=patient_id,
        visit_date=visit_date,
        kind=kind,
        clinician_id=clinician_id,
        notes=notes,
    )
    db.add(visit)
    db.flush()
    return visit


def record_assessment(
    *,
    db: Session,
    patient_id: int,
    instrument: str,
    answers: Mapping[str, object],
    visit_id: int | None = None,
    assessed_by_id: int | None = None,
    assessed_at: datetime | None = None,
    supersedes_id: int | None = None,
) -> ScaleAssessment:
    """Score ``answers`` with the scale engine and store the result.

    The stored subscores/total/band are always computed, never typed in. An amendment passes
    ``supersedes_id``; the earlier row is kept unchanged.
    """
    get_patient(db=db, patient_id=patient_id)
    if visit_id is not None:
        visit = db.get(Visit, visit_id)
        if visit is None or visit.patient_id != patient_id:
            raise NotFound(N_("Visit {id} not found"), id=visit_id)
    if supersedes_id is not None:
        old = db.get(ScaleAssessment, supersedes_id)
        if old is None or old.patient_id != patient_id:
            raise NotFound(N_("Assessment {id} not found"), id=supersedes_id)
    result = score(instrument, answers)
    row = ScaleAssessment(
        patient_id=patient_id,
        visit_id=visit_id,
        instrument=result.instrument,
        instrument_version=result.version,
        answers=dict(answers),
        subscores=dict(result.subscores),
        total=result.total,
        band=result.band,
        assessed_by_id=assessed_by_id,
        assessed_at=assessed_at or datetime.now(UTC),
        supersedes_id=supersedes_id,
    )
    db.add(row)
    db.flush()
    return row


def latest_assessments(*, db: Session, patient_id: int) -> Sequence[ScaleAssessment]:
    """All assessments of a patient, newest first, excluding versions that were amended."""
    rows = db.scalars(
        select(ScaleAssessment)
        .where(ScaleAssessment.patient_id == patient_id)
        .order_by(ScaleAssessment.assessed_at.desc(), ScaleAssessment.id.desc())
    ).all()
    replaced = {r.supersedes_id for r in rows if r.supersedes_id is not None}
    return [r for r in rows if r.id not in replaced]
