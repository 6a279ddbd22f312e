"""Worklist reasons at their boundary dates, and the centre worklist from real records."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from cdcare.care import worklist as wl
from cdcare.care.appointments import schedule
from cdcare.care.followup import CycleResponse
from cdcare.care.patients import create_centre, create_patient, create_user, record_assessment
from cdcare.errors import Conflict, InputError, NotFound
from cdcare.store.care_models import DiaryEntry, InjectionSession
from cdcare.store.db import make_engine, session_factory
from cdcare.store.migrate import upgrade
from cdcare.store.models import ScaleAssessment
from cdcare.store.video_models import JobStatus, VideoAnalysis

LAST = date(2026, 9, 1)
OPENS = LAST + timedelta(days=84)  # 2026-11-24


def test_thresholds_have_sources() -> None:
    t = wl.thresholds()
    assert t["reinjection_min_interval"].value == 84
    assert all(x.source for x in t.values())
    # S12 is a secondary summary: a rule resting on it is shown as unconfirmed
    assert {x.source for x in t.values() if not x.verified} <= {"LOCAL", "S12", "S12+LOCAL"}


@pytest.mark.parametrize(
    ("today", "reason"),
    [
        (OPENS - timedelta(days=15), None),  # beyond the 2-week horizon
        (OPENS - timedelta(days=14), "window_opens"),  # horizon edge, inclusive
        (OPENS, "window_opens"),
        (OPENS + timedelta(days=28), "window_opens"),  # still "open since"
        (OPENS + timedelta(days=29), "overdue"),
    ],
)
def test_window_boundaries(today: date, reason: str | None) -> None:
    hit = wl.window_hit(LAST, today, lookahead_weeks=2, booked=False)
    assert (hit.reason if hit else None) == reason
    if hit:
        assert hit.key == OPENS.isoformat()


def test_window_horizon_and_booking() -> None:
    today = OPENS - timedelta(days=20)
    assert wl.window_hit(LAST, today, lookahead_weeks=2, booked=False) is None
    assert wl.window_hit(LAST, today, lookahead_weeks=3, booked=False) is not None
    assert wl.window_hit(LAST, OPENS + timedelta(days=60), lookahead_weeks=2, booked=True) is None
    assert wl.window_hit(None, OPENS, lookahead_weeks=2, booked=False) is None


def _cycle(n: int, week: int | None) -> CycleResponse:
    on = LAST + timedelta(days=90 * n)
    return CycleResponse(n, on, None, "diary", 6.0, 2.0, 4, 66.7, week, True)


def test_wearing_off_boundary() -> None:
    assert wl.wearing_off_hit([_cycle(1, 9)]) is not None
    assert wl.wearing_off_hit([_cycle(1, 10)]) is None
    assert wl.wearing_off_hit([_cycle(1, 6), _cycle(2, 11)]) is None  # the newest decides
    assert wl.wearing_off_hit([_cycle(1, 6), _cycle(2, None)]) is not None
    hit = wl.wearing_off_hit([_cycle(1, 9)])
    assert hit and hit.params["week"] == 9


def test_non_response() -> None:
    met = [("primary_non_response", "met", (1, 2)), ("secondary_non_response", "not_met", ())]
    hit = wl.non_response_hit(met, LAST)
    assert hit and hit.params["cycles"] == "1, 2"
    none = [("primary_non_response", "insufficient_data", (1,))]
    assert wl.non_response_hit(none, LAST) is None


@pytest.mark.parametrize(("item9", "listed"), [(0, False), (1, True), (3, True), (None, False)])
def test_phq9_item9(item9: int | None, listed: bool) -> None:
    assert (wl.phq9_item9_hit((7, LAST, item9)) is not None) is listed


def test_mood_rising_boundary() -> None:
    def s(a: float, b: float) -> dict[str, list[tuple[int, date, float]]]:
        return {"gad7": [(1, LAST, a), (2, LAST + timedelta(days=30), b)]}

    assert wl.mood_rising_hit(s(5, 10)) is not None
    assert wl.mood_rising_hit(s(5, 9)) is None
    assert wl.mood_rising_hit(s(12, 4)) is None
    assert wl.mood_rising_hit({"phq9": [(1, LAST, 20)]}) is None
    hit = wl.mood_rising_hit(s(5, 10))
    assert hit and hit.params == {
        "scale": "GAD-7",
        "before": "5",
        "now": "10",
        "date": date(2026, 10, 1),
    }
    # the row's explanation writes the date for the reader (web/routes/worklist.explain)
    from cdcare.web.routes.worklist import explain

    assert "(2026. 10. 1.)" in explain(hit, "ko") and "(Oct 1, 2026)" in explain(hit, "en")


def test_silent_boundary() -> None:
    today = date(2026, 12, 1)
    assert wl.silent_hit(today - timedelta(days=28), LAST, today) is None
    assert wl.silent_hit(today - timedelta(days=29), LAST, today) is not None
    assert wl.silent_hit(None, today - timedelta(days=10), today) is None  # new account
    assert wl.silent_hit(None, today - timedelta(days=40), today) is not None
    assert wl.silent_hit(None, None, today) is None  # no portal account: not expected


def test_video_review_needs_a_suggestion() -> None:
    hits = wl.video_review_hits([(1, LAST, {"rotation": 2}), (2, LAST, {})])
    assert [h.key for h in hits] == ["1"]


def test_centre_worklist_from_records(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    upgrade(engine)
    today = date(2026, 11, 20)
    now = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
    with session_factory(engine)() as db:
        c = create_centre(db=db, code="C", name="C")
        other = create_centre(db=db, code="O", name="O")
        nurse = create_user(db=db, centre_id=c.id, username="n", display_name="N", role="nurse")
        due = create_patient(db=db, centre_id=c.id, record_number="A-1", birth_year=1970, sex="F")
        sad = create_patient(db=db, centre_id=c.id, record_number="B-2", birth_year=1960, sex="M")
        far = create_patient(db=db, centre_id=other.id, record_number="Z", birth_year=1960, sex="M")
        for p in (due, far):
            db.add(
                InjectionSession(
                    patient_id=p.id,
                    injected_on=LAST,
                    product="botox",
                    unit="U",
                    lot="L",
                    dilution_u_per_ml=50,
                    guidance="emg",
                    injector="x",
                    total_units=100,
                )
            )
        answers = {f"q{i}": 0 for i in range(1, 10)} | {"q9": 2}
        record_assessment(
            db=db,
            patient_id=sad.id,
            instrument="phq9",
            answers=answers,
            assessed_at=now - timedelta(days=3),
        )
        create_user(
            db=db,
            centre_id=c.id,
            username="pt",
            display_name="P",
            role="patient",
            patient_id=sad.id,
        )
        db.add(
            VideoAnalysis(
                patient_id=due.id,
                status=JobStatus.DONE,
                result={"twstrs": {"items": {"rotation": {"score": 2}}}},
            )
        )
        db.flush()
        w = wl.build_worklist(db=db, centre_id=c.id, today=today, now=now)
        got = {(r.record_number, r.hit.reason) for r in w.rows}
        assert got == {("A-1", "window_opens"), ("B-2", "phq9_item9"), ("A-1", "video_review")}
        assert w.counts["window_opens"] == 1 and w.counts["overdue"] == 0
        assert w.rows[0].hit.reason == "phq9_item9"  # safety first
        only = wl.build_worklist(
            db=db, centre_id=c.id, today=today, now=now, reasons=["phq9_item9"]
        )
        assert [r.record_number for r in only.rows] == ["B-2"] and only.counts["window_opens"] == 1
        by_patient = wl.build_worklist(db=db, centre_id=c.id, today=today, now=now, sort="patient")
        assert [r.record_number for r in by_patient.rows] == ["A-1", "A-1", "B-2"]
        # booking the injection removes the window row; handling hides just that occurrence
        schedule(
            db=db, patient_id=due.id, starts_at=now + timedelta(days=5), kind="injection", now=now
        )
        row = next(r for r in only.rows)
        wl.mark_handled(
            db=db,
            centre_id=c.id,
            patient_id=row.patient_id,
            reason=row.hit.reason,
            key=row.hit.key,
            user_id=nurse.id,
        )
        with pytest.raises(Conflict):
            wl.mark_handled(
                db=db,
                centre_id=c.id,
                patient_id=row.patient_id,
                reason=row.hit.reason,
                key=row.hit.key,
                user_id=nurse.id,
            )
        with pytest.raises(NotFound):
            wl.mark_handled(
                db=db,
                centre_id=c.id,
                patient_id=far.id,
                reason="overdue",
                key="x",
                user_id=nurse.id,
            )
        after = wl.build_worklist(db=db, centre_id=c.id, today=today, now=now)
        assert {r.hit.reason for r in after.rows} == {"video_review"}
        assert after.counts["phq9_item9"] == 0
        shown = wl.build_worklist(db=db, centre_id=c.id, today=today, now=now, include_handled=True)
        assert any(r.handled and r.hit.reason == "phq9_item9" for r in shown.rows)
        # a new PHQ-9 with item 9 > 0 is a new occurrence and shows again
        record_assessment(
            db=db,
            patient_id=sad.id,
            instrument="phq9",
            answers=answers,
            assessed_at=now - timedelta(hours=1),
        )
        again = wl.build_worklist(db=db, centre_id=c.id, today=today, now=now)
        assert "phq9_item9" in {r.hit.reason for r in again.rows}
        # the patient's silence: 29 days after the last diary entry
        db.add(
            DiaryEntry(patient_id=sad.id, entry_date=today - timedelta(days=1), severity=3, pain=2)
        )
        db.flush()
        later = wl.build_worklist(db=db, centre_id=c.id, today=today + timedelta(days=30), now=now)
        assert "silent" in {r.hit.reason for r in later.rows}
        assert db.scalar(select(ScaleAssessment.id)) is not None
        with pytest.raises(InputError):
            wl.build_worklist(db=db, centre_id=c.id, reasons=["nope"])
        with pytest.raises(InputError):
            wl.build_worklist(db=db, centre_id=c.id, lookahead_weeks=0)
    engine.dispose()
