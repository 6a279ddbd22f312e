"""Synthetic demo data: a demo centre, staff, and patients with visits and scale scores.

Everything here is invented (seeded pseudo-random numbers); no real person is described.
Re-running :func:`load_demo` replaces the demo centre's data and yields the same cohort for
the same seed and ``today``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cdcare.care.patients import (
    add_visit,
    create_centre,
    create_patient,
    create_user,
    record_assessment,
)
from cdcare.clinical.scales import get_instrument, score
from cdcare.errors import ScaleError
from cdcare.store.models import Centre, Patient, Role, ScaleAssessment, Sex, User, Visit

DEMO_CENTRE = "DEMO"
SEOUL = ZoneInfo("Asia/Seoul")


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`load_demo` created."""

    centre_id: int
    users: list[str]
    patients: int
    visits: int
    assessments: int


def _answers(instrument: str, severity: float, rng: random.Random) -> dict[str, int]:
    """Plausible answers: each item near ``severity`` (0–1) of its range, always valid."""
    inst = get_instrument(instrument)
    answers: dict[str, int] = {}
    for item in inst.items:
        values = sorted(item.values)
        pos = min(max(severity + rng.gauss(0, 0.15), 0.0), 1.0)
        answers[item.code] = values[round(pos * (len(values) - 1))]
    for _ in range(len(answers)):  # "score one of two" items: zero the one named
        try:
            score(instrument, answers)
            return answers
        except ScaleError as err:
            if err.item is None or err.item not in answers:
                raise
            answers[err.item] = min(inst.item_map[err.item].values)
    return answers


def clear_demo(*, db: Session) -> None:
    """Delete the demo centre and everything that belongs to it."""
    centre = db.scalar(select(Centre).where(Centre.code == DEMO_CENTRE))
    if centre is None:
        return
    pids = list(db.scalars(select(Patient.id).where(Patient.centre_id == centre.id)))
    if pids:
        db.execute(delete(ScaleAssessment).where(ScaleAssessment.patient_id.in_(pids)))
        db.execute(delete(Visit).where(Visit.patient_id.in_(pids)))
    db.execute(delete(User).where(User.centre_id == centre.id))
    if pids:
        db.execute(delete(Patient).where(Patient.id.in_(pids)))
    db.delete(centre)
    db.flush()


def has_demo(*, db: Session) -> bool:
    """True if the demo centre exists."""
    return db.scalar(select(Centre.id).where(Centre.code == DEMO_CENTRE)) is not None


def load_demo(
    *, db: Session, seed: int = 2026, patients: int = 8, today: date | None = None
) -> DemoSummary:
    """(Re)create the demo centre with ``patients`` synthetic patients over two years.

    Each patient has a visit about every 13 weeks (the usual toxin cycle) with TWSTRS,
    PHQ-9 and GAD-7 scored by the scale engine.
    """
    today = today or datetime.now(UTC).date()
    rng = random.Random(seed)
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
    doctor = users[1]
    n_visits = n_assess = 0
    for i in range(patients):
        birth_year = today.year - rng.randint(35, 72)
        onset = date(birth_year + rng.randint(30, 33 if i == 0 else 55), rng.randint(1, 12), 1)
        onset = min(onset, today - timedelta(days=800))
        patient = create_patient(
            db=db,
            centre_id=centre.id,
            record_number=f"DEMO-{i + 1:03d}",
            birth_year=birth_year,
            sex=Sex.FEMALE if rng.random() < 0.66 else Sex.MALE,
            onset_date=onset,
            family_history=rng.random() < 0.12,
            notes="합성 데모 환자 (synthetic demo patient)",
            today=today,
        )
        if i == 0:
            create_user(
                db=db,
                centre_id=centre.id,
                username="demo-patient",
                display_name="데모 환자 (Demo patient)",
                role=Role.PATIENT,
                patient_id=patient.id,
            )
        severity = rng.uniform(0.3, 0.75)
        visit_day = today - timedelta(days=730)
        while visit_day <= today:
            visit = add_visit(
                db=db,
                patient_id=patient.id,
                visit_date=visit_day,
                clinician_id=doctor.id,
                today=today,
            )
            n_visits += 1
            at = datetime.combine(visit_day, time(10, 0), SEOUL)
            for code in ("twstrs", "phq9", "gad7"):
                level = severity if code == "twstrs" else severity * 0.5
                record_assessment(
                    db=db,
                    patient_id=patient.id,
                    instrument=code,
                    visit_id=visit.id,
                    assessed_by_id=doctor.id,
                    assessed_at=at,
                    answers=_answers(code, level, rng),
                )
                n_assess += 1
            severity = min(max(severity + rng.gauss(-0.02, 0.06), 0.1), 0.9)
            visit_day += timedelta(days=rng.randint(84, 100))
    return DemoSummary(
        centre.id, [u.username for u in users] + ["demo-patient"], patients, n_visits, n_assess
    )
