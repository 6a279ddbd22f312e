"""One synthetic demo patient's two years: intake, injection cycles, scales, diary, medication.

Used by :func:`cdcare.care.demo.load_demo`; everything is invented from the seeded generator
it passes in (no real person is described). Dates are the centre's calendar dates.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdcare.care import medications as meds
from cdcare.care.appointments import schedule
from cdcare.care.injections import add_adverse_event, record_injection
from cdcare.care.intake import record_intake
from cdcare.care.patients import (
    add_visit,
    create_patient,
    record_assessment,
)
from cdcare.care.rehab import assign, library
from cdcare.clinical.planning import PlanItem, make_plan
from cdcare.clinical.posture import parse_pattern
from cdcare.clinical.scales import get_instrument, score
from cdcare.clock import local_instant
from cdcare.errors import Conflict, ScaleError
from cdcare.store.care_models import (
    DiaryEntry,
    InjectionSession,
)
from cdcare.store.models import (
    Centre,
    Patient,
    Sex,
    User,
)

#: (posture pattern, TWSTRS items kept non-zero among the direction items) per demo patient.
PATTERNS = (
    ("torticaput:left", {"rotation", "laterocollis"}),
    ("torticaput:right", {"rotation", "laterocollis"}),
    ("torticollis:left", {"rotation"}),
    ("laterocollis:right", {"laterocollis", "rotation"}),
    ("retrocollis", {"retrocollis"}),
)
PRODUCTS = ("botox", "botox", "xeomin", "dysport", "meditoxin")
DIRECTION_ITEMS = ("rotation", "laterocollis", "anterocollis", "retrocollis")


def _answers(
    instrument: str, severity: float, rng: random.Random, noise: float = 0.15
) -> dict[str, int]:
    """Plausible answers: each item near ``severity`` (0–1) of its range, always valid."""
    inst = get_instrument(instrument)
    answers: dict[str, int] = {}
    for item in inst.items:
        values = sorted(item.values)
        pos = min(max(severity + rng.gauss(0, noise), 0.0), 1.0)
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


def effect(days: int) -> float:
    """Share (0–1) of a cycle's full benefit reached ``days`` after an injection: onset in
    1–2 weeks, full by about 4 weeks [S30], fading from about 8 weeks [V9] to 0.15."""
    if days < 0:
        return 0.0
    if days < 28:
        return max(0.0, (days - 5) / 23)
    if days < 56:
        return 1.0
    return max(0.15, 1.0 - (days - 56) / 35)


@dataclass
class Counts:
    visits: int = 0
    assessments: int = 0
    injections: int = 0
    diary: int = 0


def _plan_items(pattern: str, product: str, share: float) -> tuple[PlanItem, ...]:
    """The plan's muscles with doses ``share`` of the way up each sourced range (step 5)."""
    plan = make_plan([parse_pattern(pattern)], product)
    out = []
    for it in plan.items:
        assert it.range is not None  # noqa: S101 - demo plans come from planning, which always sets a range
        dose = it.range.low + 5 * int(share * (it.range.high - it.range.low) / 5)
        out.append(PlanItem(it.muscle, it.side, dose))
    return tuple(out)


def _intake(db: Session, patient: Patient, i: int, rng: random.Random, today: date) -> None:
    data: dict[str, object] = {
        "onset_date": patient.onset_date.isoformat() if patient.onset_date else None,
        "onset_speed": "sudden" if i == 4 else "insidious",
        "first_symptoms": [rng.choice(["head_turning", "head_tilt", "neck_pain"])],
        "course": rng.choice(["progressive", "stable", "fluctuating"]),
        "triggers": rng.sample(["stress", "fatigue", "walking", "reading", "driving"], 2),
        "sensory_tricks": [] if i == 4 else [rng.choice(["hand_on_chin", "hand_on_cheek"])],
        "family_history": patient.family_history,
        "neck_trauma": i == 9,
        "dopamine_blockers": (
            [{"drug": "levosulpiride", "start": "2019-03-01", "stop": "2019-09-01"}]
            if i == 11
            else []
        ),
        "pain": rng.randint(2, 7),
        "stress_fatigue": rng.random() < 0.6,
        "prior_treatments": ["physiotherapy"] if rng.random() < 0.4 else [],
    }
    if i == 4:
        data["other_neuro_signs"] = ["fixed_posture"]
    record_intake(db=db, patient_id=patient.id, data=data, today=today)


def demo_patient(
    db: Session, i: int, rng: random.Random, today: date, centre: Centre, doctor: User
) -> tuple[Patient, Counts]:
    n = Counts()
    birth_year = today.year - rng.randint(30, 72)
    onset = date(birth_year + rng.randint(28, 55 if i else 33), rng.randint(1, 12), 1)
    onset = min(onset, today - timedelta(days=800 + rng.randint(0, 1500)))
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
    _intake(db, patient, i, rng, today)
    kind = {3: "primary", 6: "secondary"}.get(i % 10, "responder")
    pattern, keep = PATTERNS[i % len(PATTERNS)]
    product = PRODUCTS[(i // len(PATTERNS)) % len(PRODUCTS)]
    items = _plan_items(pattern, product, rng.uniform(0.1, 0.4))
    base = rng.uniform(0.35, 0.6)
    mood = rng.uniform(0.4, 0.55) if i % 7 == 2 else rng.uniform(0.05, 0.25)
    days = [today - timedelta(days=728 - rng.randint(0, 20))]
    while (nxt := days[-1] + timedelta(days=rng.randint(84, 98))) <= today:
        days.append(nxt)
    gains = [
        rng.uniform(0.0, 0.08)
        if kind == "primary" or (kind == "secondary" and k >= 3)
        else rng.uniform(0.3, 0.5)
        for k in range(len(days))
    ]

    def level(day: date) -> float:
        """TWSTRS severity share (0–1) on ``day``: baseline minus the current cycle's effect."""
        k = max((j for j, d in enumerate(days) if d <= day), default=None)
        return base if k is None else base * (1 - gains[k] * effect((day - days[k]).days))

    def visit(day: date, codes: tuple[str, ...]) -> None:
        v = add_visit(
            db=db, patient_id=patient.id, visit_date=day, clinician_id=doctor.id, today=today
        )
        n.visits += 1
        at = local_instant(day, time(10, 0))
        for code in codes:
            if code == "twstrs":
                ans = _answers(code, level(day), rng, noise=0.06)
                for item in DIRECTION_ITEMS:
                    if item not in keep:
                        ans[item] = 0
            else:
                ans = _answers(code, mood, rng, noise=0.1)
                if code == "phq9" and not (i == 2 and day == days[-1]):
                    ans["q9"] = 0
            record_assessment(
                db=db,
                patient_id=patient.id,
                instrument=code,
                visit_id=v.id,
                assessed_by_id=doctor.id,
                assessed_at=at,
                answers=ans,
            )
            n.assessments += 1

    for k, day in enumerate(days):
        visit(day, ("twstrs", "phq9", "gad7"))
        session = record_injection(
            db=db,
            patient_id=patient.id,
            on=day,
            product=product,
            items=items,
            lot=f"DEMO-{product[:3].upper()}-{day:%y%m}",
            dilution_u_per_ml=50.0,
            guidance="emg" if k % 2 else "ultrasound",
            injector=doctor.display_name,
            injector_id=doctor.id,
            today=today,
        )
        n.injections += 1
        if rng.random() < 0.08 and day + timedelta(days=7) <= today:
            code = rng.choice(["dysphagia", "neck_pain", "neck_weakness"])
            add_adverse_event(
                db=db,
                session_id=session.id,
                patient_id=patient.id,
                onset_on=day + timedelta(days=7),
                code=code,
                today=today,
            )
        check = day + timedelta(days=rng.randint(28, 35))
        if check <= today:
            visit(check, ("twstrs",))
    lib = sorted(library())
    for code in rng.sample(lib, 2 if i % 2 else 1):
        assign(db=db, patient_id=patient.id, programme=code, start_on=days[0], today=today)
    if i % 3 == 0:
        _medication(db, patient.id, days[0] - timedelta(days=30), rng, today)
    if i % 2 == 0:
        n.diary = _diary(db, patient.id, days[0] - timedelta(days=14), level, rng, today)
    return patient, n


def _medication(db: Session, pid: int, start: date, rng: random.Random, today: date) -> None:
    drug_class = rng.choice(["anticholinergic", "muscle_relaxant", "benzodiazepine", "analgesic"])
    drug = rng.choice(meds.classes()[drug_class]["examples"])
    m = meds.start_medication(
        db=db,
        patient_id=pid,
        drug=drug,
        drug_class=drug_class,
        dose=1,
        unit="tablet",
        frequency="twice daily",
        start_on=start,
        today=today,
    )
    meds.titrate(
        db=db,
        medication_id=m.id,
        patient_id=pid,
        on=start + timedelta(days=28),
        dose=2,
        today=today,
    )
    if rng.random() < 0.5:
        meds.side_effect(
            db=db,
            medication_id=m.id,
            patient_id=pid,
            on=start + timedelta(days=40),
            note="졸림 (drowsiness)",
            today=today,
        )
        meds.stop(
            db=db,
            medication_id=m.id,
            patient_id=pid,
            on=start + timedelta(days=60),
            reason="side effect",
            today=today,
        )


def _diary(
    db: Session,
    pid: int,
    start: date,
    level: Callable[[date], float],
    rng: random.Random,
    today: date,
) -> int:
    """Diary rows 2–3 days a week (bulk-added; every value generated within 0–10)."""
    adherence = rng.uniform(0.4, 0.9)
    rows = []
    day = start
    while day <= today:
        if rng.random() < 0.35:
            sev = min(10, max(0, round(13 * level(day) + rng.gauss(0, 0.6))))
            trig = [t for t in ("stress", "fatigue") if rng.random() < 0.25]
            rows.append(
                DiaryEntry(
                    patient_id=pid,
                    entry_date=day,
                    severity=sev,
                    pain=min(10, max(0, sev - 1 + round(rng.gauss(0, 1)))),
                    triggers=trig,
                    exercise_done=rng.random() < adherence,
                    side_effects=[],
                )
            )
        day += timedelta(days=1)
    db.add_all(rows)
    db.flush()
    return len(rows)


def book_next(db: Session, patient_id: int, today: date, rng: random.Random) -> None:
    """Book the next injection visit: 13 weeks after the last injection, or within a month."""
    last = db.scalar(
        select(InjectionSession.injected_on)
        .where(InjectionSession.patient_id == patient_id)
        .order_by(InjectionSession.injected_on.desc())
        .limit(1)
    )
    day = last + timedelta(weeks=13) if last is not None else today
    if day <= today:
        day = today + timedelta(days=rng.randint(3, 30))
    start = local_instant(day, time(10, 0))
    for k in range(32):  # the next free 15-minute slot from 10:00
        try:
            schedule(
                db=db,
                patient_id=patient_id,
                starts_at=start + timedelta(minutes=15 * k),
                kind="injection",
                now=local_instant(today),
            )
        except Conflict:
            continue
        return
