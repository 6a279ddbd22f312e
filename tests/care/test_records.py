"""Care records on SQLite and PostgreSQL: intake, injections, diary, medications, exercises."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, func, select

from cdcare.care import diary, injections, intake, medications, rehab
from cdcare.care.followup import followup_summary
from cdcare.care.patients import create_centre, create_patient
from cdcare.clinical.planning import PlanItem
from cdcare.clinical.posture import Side
from cdcare.errors import DoseLimitError, InputError, NotFound
from cdcare.store.care_models import DiaryEntry, InjectionSession, InjectionSite
from cdcare.store.db import session_scope
from cdcare.store.models import RecordVersion

TODAY = date(2026, 11, 25)
ITEMS = (
    PlanItem("splenius_capitis", Side.LEFT, 50),
    PlanItem("sternocleidomastoid", Side.RIGHT, 40),
)


def _patient(engine: Engine) -> int:
    with session_scope(engine) as db:
        c = create_centre(db=db, code="T", name="Test")
        p = create_patient(
            db=db, centre_id=c.id, record_number="P-1", birth_year=1970, sex="F", today=TODAY
        )
        return p.id


def _inject(engine: Engine, pid: int, on: date, **kw: object) -> InjectionSession:
    args: dict[str, object] = dict(
        product="botox",
        items=ITEMS,
        lot="LOT1",
        dilution_u_per_ml=50.0,
        guidance="emg",
        injector="Dr Test",
        today=TODAY,
    )
    args.update(kw)
    with session_scope(engine) as db:
        return injections.record_injection(db=db, patient_id=pid, on=on, **args)  # type: ignore[arg-type]


def _count(engine: Engine, model: type) -> int:
    with session_scope(engine) as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


def test_injection_checks_and_override(engine: Engine) -> None:
    pid = _patient(engine)
    s = _inject(engine, pid, date(2026, 5, 1))
    assert s.total_units == 90 and s.unit.startswith("U onabotulinumtoxinA")
    with pytest.raises(DoseLimitError, match="84 days"):
        _inject(engine, pid, date(2026, 6, 1))
    assert _count(engine, InjectionSession) == 1 and _count(engine, InjectionSite) == 2
    # a back-dated entry too close to the next session is refused as well
    with pytest.raises(DoseLimitError):
        _inject(engine, pid, date(2026, 4, 1))
    s2 = _inject(engine, pid, date(2026, 6, 1), override_reason="travel abroad for 3 months")
    assert s2.override_reason == "travel abroad for 3 months"
    assert any(f["code"] == "interval_overridden" for f in s2.findings)
    s3 = _inject(engine, pid, date(2026, 9, 1), override_reason="not needed")
    assert s3.override_reason == ""  # only stored when it was used


BAD_INJECTIONS: list[tuple[dict[str, object], type]] = [
    ({"product": "nosuchtoxin"}, InputError),
    ({"items": (PlanItem("splenius_capitis", Side.LEFT, -5),)}, InputError),
    ({"items": (PlanItem("sternocleidomastoid", Side.LEFT, 150),)}, DoseLimitError),
    ({"on": date(2027, 1, 1)}, InputError),
    ({"guidance": "xray"}, InputError),
    ({"lot": " "}, InputError),
    ({"dilution_u_per_ml": 0}, InputError),
]


def test_bad_injection_saves_nothing(engine: Engine) -> None:
    pid = _patient(engine)
    for case, error in BAD_INJECTIONS:
        kw = dict(case)
        on = kw.pop("on", date(2026, 5, 1))
        with pytest.raises(error):
            _inject(engine, pid, on, **kw)  # type: ignore[arg-type]
    assert _count(engine, InjectionSession) == 0 and _count(engine, InjectionSite) == 0


def test_wrong_side_and_mixed_units_from_plan_json() -> None:
    with pytest.raises(InputError, match="left or right"):
        injections.items_from_plan(
            {"product": "botox", "injections": [{"muscle": "scalenes", "side": "up", "dose": 5}]}
        )
    with pytest.raises(InputError, match="never converted"):
        injections.items_from_plan(
            {
                "product": "botox",
                "injections": [
                    {"muscle": "scalenes", "side": "left", "dose": 50, "unit": "U Dysport"}
                ],
            }
        )


def test_adverse_event_linked_to_session(engine: Engine) -> None:
    pid = _patient(engine)
    s = _inject(engine, pid, date(2026, 5, 1))
    with session_scope(engine) as db:
        injections.add_adverse_event(
            db=db,
            session_id=s.id,
            patient_id=pid,
            onset_on="2026-05-08",
            code="dysphagia",
            today=TODAY,
        )
        with pytest.raises(InputError, match="before the injection"):
            injections.add_adverse_event(
                db=db,
                session_id=s.id,
                patient_id=pid,
                onset_on="2026-04-08",
                code="dysphagia",
                today=TODAY,
            )
        with pytest.raises(InputError, match="Unknown"):
            injections.add_adverse_event(
                db=db,
                session_id=s.id,
                patient_id=pid,
                onset_on="2026-05-08",
                code="hiccups",
                today=TODAY,
            )
        with pytest.raises(NotFound):
            injections.add_adverse_event(
                db=db,
                session_id=999,
                patient_id=pid,
                onset_on="2026-05-08",
                code="dysphagia",
                today=TODAY,
            )
    with session_scope(engine) as db:
        (row,) = injections.sessions(db=db, patient_id=pid)
        d = injections.session_to_dict(row)
        assert [a["code"] for a in d["adverse_events"]] == ["dysphagia"]


def test_intake_amend_keeps_version_and_profile(engine: Engine) -> None:
    pid = _patient(engine)
    with session_scope(engine) as db:
        intake.record_intake(
            db=db,
            patient_id=pid,
            today=TODAY,
            data={
                "onset_date": "2015-06-01",
                "family_history": True,
                "triggers": ["stress"],
                "dopamine_blockers": [
                    {"drug": "metoclopramide", "start": "2014-01-01", "stop": "2014-03-01"}
                ],
            },
        )
    with session_scope(engine) as db:
        row = intake.record_intake(
            db=db,
            patient_id=pid,
            data={"neck_trauma": True},
            reason="history completed",
            today=TODAY,
        )
        assert row.onset_age == 45 and row.neck_trauma is True
        versions = db.scalars(select(RecordVersion).where(RecordVersion.entity == "intake")).all()
        assert len(versions) == 1 and versions[0].data["neck_trauma"] is None
        assert versions[0].reason == "history completed"
        patient = intake.get_patient(db=db, patient_id=pid)
        prof = intake.risk_profile(row, patient, today=TODAY)
        codes = {f.code for f in prof.factors}
        assert {
            "family_history",
            "female_sex",
            "dopamine_blocker_exposure",
            "neck_trauma",
            "stress_fatigue",
            "typical_onset_age",
        } <= codes
        assert "young_onset" not in codes
        assert all(f.source for f in prof.factors)
        assert "drb_exposure" in {r.code for r in prof.red_flags}


BAD_INTAKES: list[tuple[dict[str, object], str]] = [
    ({"pain": 11}, "pain"),
    ({"onset_date": "2027-01-01"}, "future"),
    ({"onset_date": "1960-01-01"}, "before the birth year"),
    ({"triggers": ["moonlight"]}, "Unknown triggers"),
    ({"colour": "red"}, "Unknown intake field"),
    ({"onset_age": 20, "onset_date": "2015-06-01"}, "does not match"),
    (
        {"dopamine_blockers": [{"drug": "x", "start": "2020-02-01", "stop": "2020-01-01"}]},
        "before start",
    ),
    ({"course": "sideways"}, "Unknown course"),
]


def test_intake_bad_input(engine: Engine) -> None:
    pid = _patient(engine)
    for data, match in BAD_INTAKES:
        with pytest.raises(InputError, match=match), session_scope(engine) as db:
            intake.record_intake(db=db, patient_id=pid, data=data, today=TODAY)
    with session_scope(engine) as db:
        assert intake.get_intake(db=db, patient_id=pid) is None


def test_diary_one_per_date_amend_and_refusals(engine: Engine) -> None:
    pid = _patient(engine)
    with session_scope(engine) as db:
        diary.record_entry(
            db=db,
            patient_id=pid,
            entry_date="2026-11-20",
            severity=6,
            pain=4,
            triggers=["stress"],
            exercise_done=True,
            today=TODAY,
        )
    with session_scope(engine) as db:
        diary.record_entry(
            db=db, patient_id=pid, entry_date=date(2026, 11, 20), severity=3, pain=2, today=TODAY
        )
    assert _count(engine, DiaryEntry) == 1
    with session_scope(engine) as db:
        (e,) = diary.entries(db=db, patient_id=pid)
        assert (e.severity, e.pain) == (3, 2)
        (v,) = db.scalars(select(RecordVersion).where(RecordVersion.entity == "diary_entry"))
        assert v.data["severity"] == 6 and v.data["triggers"] == ["stress"]
    for kw, match in [
        ({"entry_date": "2026-11-26"}, "future"),
        ({"severity": -1}, "severity"),
        ({"pain": 10.5}, "pain"),
        ({"triggers": ["rain"]}, "Unknown triggers"),
    ]:
        args: dict[str, object] = {"entry_date": "2026-11-21", "severity": 5, "pain": 5}
        args.update(kw)
        with pytest.raises(InputError, match=match), session_scope(engine) as db:
            diary.record_entry(db=db, patient_id=pid, today=TODAY, **args)  # type: ignore[arg-type]
    assert _count(engine, DiaryEntry) == 1


def test_medication_titration_side_effect_stop(engine: Engine) -> None:
    pid = _patient(engine)
    with session_scope(engine) as db:
        m = medications.start_medication(
            db=db,
            patient_id=pid,
            drug="clonazepam",
            drug_class="benzodiazepine",
            dose=0.5,
            unit="mg",
            frequency="at night",
            start_on="2026-01-10",
            today=TODAY,
        )
        medications.titrate(
            db=db, medication_id=m.id, patient_id=pid, on="2026-02-10", dose=1, today=TODAY
        )
        medications.side_effect(
            db=db, medication_id=m.id, patient_id=pid, on="2026-03-01", note="drowsy", today=TODAY
        )
        medications.stop(
            db=db, medication_id=m.id, patient_id=pid, on="2026-03-05", reason="drowsy", today=TODAY
        )
    with session_scope(engine) as db:
        (row,) = medications.medications(db=db, patient_id=pid)
        d = medications.medication_to_dict(row)
        assert d["dose"] == 1 and d["stop"] == "2026-03-05"
        assert [e["kind"] for e in d["events"]] == ["titration", "side_effect"]
        with pytest.raises(InputError, match="already stopped"):
            medications.stop(
                db=db, medication_id=m.id, patient_id=pid, on="2026-03-06", today=TODAY
            )
        with pytest.raises(InputError, match="outside the course"):
            medications.titrate(
                db=db, medication_id=m.id, patient_id=pid, on="2026-01-01", dose=1, today=TODAY
            )
    for kw, match in [
        ({"dose": 0}, "positive"),
        ({"drug_class": "herbal"}, "drug_class"),
        ({"unit": "spoon"}, "unit"),
        ({"start_on": "2027-01-01"}, "future"),
        ({"drug": ""}, "drug"),
    ]:
        args: dict[str, object] = dict(
            drug="baclofen",
            drug_class="muscle_relaxant",
            dose=5,
            unit="mg",
            frequency="tid",
            start_on="2026-01-01",
        )
        args.update(kw)
        with pytest.raises(InputError, match=match), session_scope(engine) as db:
            medications.start_medication(db=db, patient_id=pid, today=TODAY, **args)  # type: ignore[arg-type]


def test_exercise_assignment_and_adherence(engine: Engine) -> None:
    pid = _patient(engine)
    lib = rehab.library()
    assert {p.category for p in lib.values()} == set(rehab.categories())
    assert all(p.steps_ko and p.steps_en and p.source for p in lib.values())
    with session_scope(engine) as db:
        rehab.assign(
            db=db,
            patient_id=pid,
            programme="neck_stretch_gentle",
            start_on="2026-11-01",
            today=TODAY,
        )
        with pytest.raises(InputError, match="programme"):
            rehab.assign(
                db=db, patient_id=pid, programme="yoga", start_on="2026-11-01", today=TODAY
            )
        for k, done in enumerate([True, True, False, None, True]):
            diary.record_entry(
                db=db,
                patient_id=pid,
                entry_date=date(2026, 11, 10) + timedelta(k),
                severity=4,
                pain=3,
                exercise_done=done,
                today=TODAY,
            )
        rows = diary.entries(db=db, patient_id=pid)
        assert rehab.adherence(rows, date(2026, 11, 1), TODAY) == 0.75
        assert rehab.adherence(rows, date(2026, 1, 1), date(2026, 2, 1)) is None
        summary = followup_summary(db=db, patient_id=pid, today=TODAY)
        assert summary.adherence == {"neck_stretch_gentle": 0.75}


def test_followup_summary_from_records(engine: Engine) -> None:
    """A responder: TWSTRS 40 → 24 four weeks after the first injection."""
    from cdcare.care.patients import record_assessment
    from cdcare.clinical.scales import get_instrument

    pid = _patient(engine)
    inst = get_instrument("twstrs")
    zero = {i.code: 0 for i in inst.items}

    def twstrs(day: date, worst: int) -> None:
        answers = dict(
            zero,
            pain_worst=worst,
            pain_best=worst,
            pain_usual=worst,
            rotation=4 if worst > 6 else 1,
            duration=5 if worst > 6 else 2,
        )
        from datetime import datetime, time
        from zoneinfo import ZoneInfo

        with session_scope(engine) as db:
            record_assessment(
                db=db,
                patient_id=pid,
                instrument="twstrs",
                answers=answers,
                assessed_at=datetime.combine(day, time(9), ZoneInfo("Asia/Seoul")),
            )

    d1, d2 = date(2026, 3, 2), date(2026, 6, 1)
    twstrs(d1, 10)
    _inject(engine, pid, d1)
    twstrs(d1 + timedelta(days=30), 2)
    twstrs(d2, 10)
    _inject(engine, pid, d2)
    with session_scope(engine) as db:
        s = followup_summary(db=db, patient_id=pid, today=TODAY)
    c1 = s.cycles[0]
    assert c1.measure == "twstrs" and c1.meaningful is True and c1.peak_week == 4
    assert c1.improvement_pct is not None and c1.improvement_pct > 50
    assert c1.wearing_off_week == 13
    assert {f.code: f.status for f in s.flags}["primary_non_response"] == "not_met"


def test_sub_resources_need_their_patient(engine: Engine) -> None:
    """A medication course or injection session of patient A is NotFound when asked for via
    patient B, and the services refuse a call without a patient id."""
    pid = _patient(engine)
    s = _inject(engine, pid, date(2026, 5, 1))
    with session_scope(engine) as db:
        centre_id = intake.get_patient(db=db, patient_id=pid).centre_id
        other = create_patient(
            db=db, centre_id=centre_id, record_number="P-2", birth_year=1980, sex="M", today=TODAY
        ).id
        m = medications.start_medication(
            db=db,
            patient_id=pid,
            drug="clonazepam",
            drug_class="benzodiazepine",
            dose=0.5,
            unit="mg",
            frequency="at night",
            start_on="2026-01-10",
            today=TODAY,
        )
    calls = [
        lambda db, who: medications.titrate(
            db=db, medication_id=m.id, patient_id=who, on="2026-02-10", dose=1, today=TODAY
        ),
        lambda db, who: medications.side_effect(
            db=db, medication_id=m.id, patient_id=who, on="2026-02-10", note="x", today=TODAY
        ),
        lambda db, who: medications.stop(
            db=db, medication_id=m.id, patient_id=who, on="2026-02-10", today=TODAY
        ),
        lambda db, who: injections.add_adverse_event(
            db=db,
            session_id=s.id,
            patient_id=who,
            onset_on="2026-05-08",
            code="dysphagia",
            today=TODAY,
        ),
    ]
    for call in calls:
        with pytest.raises(NotFound), session_scope(engine) as db:
            call(db, other)
    with pytest.raises(TypeError), session_scope(engine) as db:
        medications.stop(db=db, medication_id=m.id, on="2026-02-10", today=TODAY)  # type: ignore[call-arg]
    with pytest.raises(TypeError), session_scope(engine) as db:
        injections.add_adverse_event(  # type: ignore[call-arg]
            db=db, session_id=s.id, onset_on="2026-05-08", code="dysphagia", today=TODAY
        )
