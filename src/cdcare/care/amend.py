"""Amending records without losing the original (Medical Service Act Art. 22(2)).

- A patient's demographics are changed in place, but the values before the change are kept
  whole in :class:`RecordVersion` with who, when and why.
- A scale assessment is never changed: the amendment is a new row (``supersedes_id`` → the
  replaced one), and the replaced row is snapshotted with the reason in ``RecordVersion``.
A reason is required for every amendment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cdcare.care.patients import get_patient, record_assessment, validate_demographics
from cdcare.clock import today_or
from cdcare.errors import N_, Conflict, InputError, NotFound
from cdcare.store.models import Patient, RecordVersion, ScaleAssessment

#: Patient fields a clinician may amend (record number and centre are identity, not data).
PATIENT_FIELDS = ("birth_year", "sex", "onset_date", "family_history", "notes")


def _json(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return getattr(value, "value", value)  # enums → their value


def keep_version(
    *,
    db: Session,
    entity: str,
    entity_id: int,
    data: dict[str, Any],
    changed_by_id: int | None,
    reason: str,
) -> RecordVersion:
    """Store ``data`` (the record's values before a change) as its next version."""
    version = (
        db.scalar(
            select(func.max(RecordVersion.version)).where(
                RecordVersion.entity == entity, RecordVersion.entity_id == entity_id
            )
        )
        or 0
    ) + 1
    row = RecordVersion(
        entity=entity,
        entity_id=entity_id,
        version=version,
        data={k: _json(v) for k, v in data.items()},
        changed_by_id=changed_by_id,
        changed_at=datetime.now(UTC),
        reason=reason,
    )
    db.add(row)
    db.flush()
    return row


def amend_in_place(
    *,
    db: Session,
    entity: str,
    row: Any,
    before: dict[str, Any],
    values: Mapping[str, Any],
    changed_by_id: int | None,
    reason: str,
) -> None:
    """Keep ``before`` (the row's values now) as a version, then set ``values`` on ``row``."""
    keep_version(
        db=db,
        entity=entity,
        entity_id=row.id,
        data=before,
        changed_by_id=changed_by_id,
        reason=reason,
    )
    for key, value in values.items():
        setattr(row, key, value)
    db.flush()


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise InputError(N_("An amendment needs a reason"))
    return reason


def update_patient(
    *,
    db: Session,
    patient_id: int,
    changes: Mapping[str, Any],
    changed_by_id: int | None,
    reason: str,
    today: date | None = None,
) -> Patient:
    """Apply ``changes`` (subset of :data:`PATIENT_FIELDS`); the old values are kept."""
    reason = _reason(reason)
    unknown = set(changes) - set(PATIENT_FIELDS)
    if unknown:
        raise InputError(N_("Field {field} cannot be amended"), field=sorted(unknown)[0])
    patient = get_patient(db=db, patient_id=patient_id)
    merged = {f: changes.get(f, getattr(patient, f)) for f in PATIENT_FIELDS}
    merged["sex"] = validate_demographics(
        birth_year=merged["birth_year"],
        sex=merged["sex"],
        onset_date=merged["onset_date"],
        today=today_or(today),
    )
    before = {f: getattr(patient, f) for f in PATIENT_FIELDS}
    if all(before[f] == merged[f] for f in PATIENT_FIELDS):
        raise InputError(N_("Nothing to change"))
    amend_in_place(
        db=db,
        entity="patient",
        row=patient,
        before=before,
        values=merged,
        changed_by_id=changed_by_id,
        reason=reason,
    )
    return patient


def amend_assessment(
    *,
    db: Session,
    assessment_id: int,
    answers: Mapping[str, object],
    amended_by_id: int | None,
    reason: str,
) -> ScaleAssessment:
    """Record corrected ``answers`` for an assessment as a new version; the old one stays."""
    reason = _reason(reason)
    old = db.get(ScaleAssessment, assessment_id)
    if old is None:
        raise NotFound(N_("Assessment {id} not found"), id=assessment_id)
    newer = db.scalar(select(ScaleAssessment.id).where(ScaleAssessment.supersedes_id == old.id))
    if newer is not None:
        raise Conflict(
            N_("Assessment {id} was already amended; amend the newest version ({newer})"),
            id=old.id,
            newer=newer,
        )
    new = record_assessment(
        db=db,
        patient_id=old.patient_id,
        instrument=old.instrument,
        answers=answers,
        visit_id=old.visit_id,
        assessed_by_id=amended_by_id,
        assessed_at=old.assessed_at,
        supersedes_id=old.id,
    )
    keep_version(
        db=db,
        entity="scale_assessment",
        entity_id=old.id,
        data={
            "answers": old.answers,
            "subscores": old.subscores,
            "total": old.total,
            "band": old.band,
            "assessed_by_id": old.assessed_by_id,
            "replaced_by": new.id,
        },
        changed_by_id=amended_by_id,
        reason=reason,
    )
    return new


def versions(*, db: Session, entity: str, entity_id: int) -> Sequence[RecordVersion]:
    """Earlier versions of one record, oldest first."""
    return db.scalars(
        select(RecordVersion)
        .where(RecordVersion.entity == entity, RecordVersion.entity_id == entity_id)
        .order_by(RecordVersion.version)
    ).all()


def assessment_chain(*, db: Session, assessment_id: int) -> list[ScaleAssessment]:
    """The assessment and all its amendments, oldest first."""
    row = db.get(ScaleAssessment, assessment_id)
    if row is None:
        raise NotFound(N_("Assessment {id} not found"), id=assessment_id)
    while row.supersedes_id is not None:
        earlier = db.get(ScaleAssessment, row.supersedes_id)
        if earlier is None:  # the foreign key forbids this; a broken chain is a store fault
            raise RuntimeError(f"assessment {row.supersedes_id} in a supersedes chain is missing")
        row = earlier
    chain = [row]
    while True:
        nxt = db.scalar(
            select(ScaleAssessment).where(ScaleAssessment.supersedes_id == chain[-1].id)
        )
        if nxt is None:
            return chain
        chain.append(nxt)
