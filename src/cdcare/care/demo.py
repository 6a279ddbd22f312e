"""Synthetic demo data: a demo centre, staff, and a cohort followed over two years.

Everything here is invented (seeded pseudo-random numbers); no real person is described.
Re-running :func:`load_demo` replaces the demo centre's data and yields the same cohort for
the same seed and ``today``. Each patient has an intake, injection cycles about every 12–14
weeks (logged through the planning checks), TWSTRS at each injection and about 4–5 weeks
later, PHQ-9/GAD-7, a diary (about half of the patients, 2–3 days a week), exercise
programmes and, for some, an oral medication. Most respond to toxin; a few are primary or
secondary non-responders, so the follow-up analytics show real curves. Medication doses are
given only as "1 tablet" (a count, not an invented strength).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cdcare.care.demo_history import Counts, book_next, demo_patient, effect
from cdcare.care.patients import (
    create_centre,
    create_user,
)
from cdcare.clock import today_or
from cdcare.store.care_models import (
    AdverseEvent,
    Appointment,
    DiaryEntry,
    ExerciseAssignment,
    InjectionSession,
    InjectionSite,
    Intake,
    Medication,
    MedicationEvent,
)
from cdcare.store.models import (
    Centre,
    Patient,
    RecordVersion,
    Role,
    ScaleAssessment,
    User,
    Visit,
)
from cdcare.store.video_models import VideoAnalysis

DEMO_CENTRE = "DEMO"


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`load_demo` created."""

    centre_id: int
    users: list[str]
    patients: int
    visits: int
    assessments: int
    injections: int = 0
    diary_entries: int = 0


def clear_demo(*, db: Session) -> None:
    """Delete the demo centre and everything that belongs to it (children before parents).

    The append-only ``audit_event`` table is never touched.
    """
    centre = db.scalar(select(Centre).where(Centre.code == DEMO_CENTRE))
    if centre is None:
        return
    pids = list(db.scalars(select(Patient.id).where(Patient.centre_id == centre.id)))
    uids = list(db.scalars(select(User.id).where(User.centre_id == centre.id)))
    if pids:
        sids = select(InjectionSession.id).where(InjectionSession.patient_id.in_(pids))
        mids = select(Medication.id).where(Medication.patient_id.in_(pids))
        owned = {
            "intake": select(Intake.id).where(Intake.patient_id.in_(pids)),
            "diary_entry": select(DiaryEntry.id).where(DiaryEntry.patient_id.in_(pids)),
            "patient": select(Patient.id).where(Patient.id.in_(pids)),
        }
        for entity, ids in owned.items():
            db.execute(
                delete(RecordVersion).where(
                    RecordVersion.entity == entity, RecordVersion.entity_id.in_(ids)
                )
            )
        db.execute(delete(AdverseEvent).where(AdverseEvent.session_id.in_(sids)))
        db.execute(delete(InjectionSite).where(InjectionSite.session_id.in_(sids)))
        db.execute(delete(InjectionSession).where(InjectionSession.patient_id.in_(pids)))
        db.execute(delete(MedicationEvent).where(MedicationEvent.medication_id.in_(mids)))
        for model in (Medication, ExerciseAssignment, DiaryEntry, Intake):
            db.execute(delete(model).where(model.patient_id.in_(pids)))
        db.execute(delete(VideoAnalysis).where(VideoAnalysis.patient_id.in_(pids)))
        db.execute(delete(Appointment).where(Appointment.patient_id.in_(pids)))
        db.execute(delete(ScaleAssessment).where(ScaleAssessment.patient_id.in_(pids)))
        db.execute(delete(Visit).where(Visit.patient_id.in_(pids)))
    if uids:
        db.execute(delete(RecordVersion).where(RecordVersion.changed_by_id.in_(uids)))
    db.execute(delete(User).where(User.centre_id == centre.id))
    if pids:
        db.execute(delete(Patient).where(Patient.id.in_(pids)))
    db.delete(centre)
    db.flush()


def has_demo(*, db: Session) -> bool:
    """True if the demo centre exists."""
    return db.scalar(select(Centre.id).where(Centre.code == DEMO_CENTRE)) is not None


def load_demo(
    *, db: Session, seed: int = 2026, patients: int = 30, today: date | None = None
) -> DemoSummary:
    """(Re)create the demo centre with ``patients`` synthetic patients followed for two years."""
    today = today_or(today)
    rng = random.Random(seed)  # noqa: S311 - seeded, reproducible synthetic data, not security
    clear_demo(db=db)
    centre = create_centre(
        db=db, code=DEMO_CENTRE, name="데모 이상운동질환 클리닉 (Demo movement-disorder clinic)"
    )
    staff = [
        ("demo-admin", "관리자 (Admin)", Role.ADMIN),
        ("demo-doctor", "김민준 의사 (Dr Kim)", Role.PHYSICIAN),
        ("demo-nurse", "이서연 간호사 (Nurse Lee)", Role.NURSE),
    ]
    users = [
        create_user(db=db, centre_id=centre.id, username=u, display_name=n, role=r)
        for u, n, r in staff
    ]
    total = Counts()
    for i in range(patients):
        patient, n = demo_patient(db, i, rng, today, centre, users[1])
        if i == 0:
            create_user(
                db=db,
                centre_id=centre.id,
                username="demo-patient",
                display_name="데모 환자 (Demo patient)",
                role=Role.PATIENT,
                patient_id=patient.id,
            )
        book_next(db, patient.id, today, rng)
        total.visits += n.visits
        total.assessments += n.assessments
        total.injections += n.injections
        total.diary += n.diary
    return DemoSummary(
        centre.id,
        [u.username for u in users] + ["demo-patient"],
        patients,
        total.visits,
        total.assessments,
        total.injections,
        total.diary,
    )


__all__ = ["DEMO_CENTRE", "DemoSummary", "clear_demo", "effect", "has_demo", "load_demo"]
