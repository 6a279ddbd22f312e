"""The synthetic demo cohort: reproducible, realistic curves, and cleanly replaceable."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

from sqlalchemy import Engine, func, select

from cdcare.care.demo import clear_demo, effect, has_demo, load_demo
from cdcare.care.followup import followup_summary
from cdcare.store.care_models import DiaryEntry, InjectionSession, Intake, Medication
from cdcare.store.db import session_scope
from cdcare.store.models import Centre, Patient

TODAY = date(2026, 11, 25)


def _n(db: object, model: type) -> int:
    return int(db.scalar(select(func.count()).select_from(model)) or 0)  # type: ignore[attr-defined]


def test_effect_curve_shape() -> None:
    assert effect(0) == 0.0 and effect(-3) == 0.0
    assert 0 < effect(14) < effect(21) < 1.0
    assert effect(28) == effect(50) == 1.0
    assert effect(70) < 1.0 and effect(200) == 0.15


def test_demo_cohort_shows_responders_and_non_responders(engine: Engine) -> None:
    with session_scope(engine) as db:
        summary = load_demo(db=db, seed=7, patients=7, today=TODAY)
        assert summary.patients == 7 and summary.injections >= 7 * 7
        assert _n(db, Intake) == 7 and _n(db, Medication) == 3
        assert _n(db, DiaryEntry) == summary.diary_entries > 0
        for e in db.scalars(select(DiaryEntry)):  # bulk-added rows obey the service's ranges
            assert 0 <= e.severity <= 10 and 0 <= e.pain <= 10 and e.entry_date <= TODAY
        flags = {}
        for p in db.scalars(select(Patient).order_by(Patient.record_number)):
            s = followup_summary(db=db, patient_id=p.id, today=TODAY)
            flags[p.record_number] = {f.code: f.status for f in s.flags}
            days = [c.injected_on for c in s.cycles]
            gaps = [(b - a).days for a, b in pairwise(days)]
            assert all(84 <= g <= 98 for g in gaps)
        assert flags["DEMO-004"]["primary_non_response"] == "met"
        assert flags["DEMO-007"]["secondary_non_response"] == "met"
        responders = [k for k, f in flags.items() if "met" not in f.values()]
        assert len(responders) >= 4
        first = followup_summary(
            db=db,
            patient_id=db.scalar(select(Patient.id).where(Patient.record_number == "DEMO-001"))
            or 0,
            today=TODAY,
        )
        assert all(c.meaningful for c in first.cycles[:-1])
        assert all(c.peak_week is not None and 3 <= c.peak_week <= 5 for c in first.cycles[:-1])


def test_demo_is_reproducible_and_clear_removes_everything(engine: Engine) -> None:
    def snapshot() -> list[tuple[str, float]]:
        with session_scope(engine) as db:
            rows = db.execute(
                select(InjectionSession.injected_on, InjectionSession.total_units).order_by(
                    InjectionSession.injected_on, InjectionSession.total_units
                )
            ).all()
            return [(str(a), b) for a, b in rows]

    with session_scope(engine) as db:
        load_demo(db=db, seed=3, patients=2, today=TODAY)
    first = snapshot()
    with session_scope(engine) as db:
        load_demo(db=db, seed=3, patients=2, today=TODAY)  # replaces, FK-safe
    assert snapshot() == first and first
    with session_scope(engine) as db:
        clear_demo(db=db)
        assert not has_demo(db=db)
        for model in (Patient, InjectionSession, DiaryEntry, Intake, Medication, Centre):
            assert _n(db, model) == 0, model
