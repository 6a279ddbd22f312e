"""One visit, one flow: open today's visit, keep its injection plan as a draft, record it, write
the visit note and sign it.

Signing (Medical Service Act Art. 22: records are kept, an amendment keeps the original): the
clinician re-enters their password; the note and what the visit records (scales, plan draft,
injection session) are frozen as ``content`` with a SHA-256 ``content_hash``. A signed note is
never changed in place: the service refuses, and an ORM guard refuses any UPDATE of a signed
row. A change is an amendment: a new note that supersedes the signed one, signed in turn.
Doses are in the plan product's units; dilution in product units per mL; dates are local.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, event, inspect, or_, select
from sqlalchemy.orm import Session

from cdcare.care._checks import today_or
from cdcare.care.accounts import verify_password
from cdcare.care.injections import record_injection, sessions
from cdcare.care.patients import add_visit
from cdcare.clinical.planning import Finding, Plan, check_plan, plan_document, plan_from_dict
from cdcare.clock import local_instant
from cdcare.errors import N_, Conflict, InputError, NotFound
from cdcare.store.care_models import InjectionSession
from cdcare.store.clinic_models import VisitNote, VisitPlan
from cdcare.store.models import ScaleAssessment, User, Visit
from cdcare.store.video_models import JobStatus, VideoAnalysis


@event.listens_for(VisitNote, "before_update")
def _signed_is_frozen(_mapper: Any, _conn: Any, target: VisitNote) -> None:
    """Refuse any UPDATE of a note that was already signed when loaded."""
    history = inspect(target).attrs.signed_at.history
    if any(v is not None for v in (*history.unchanged, *history.deleted)):
        raise Conflict(N_("A signed note cannot be changed; write an amendment"))


def open_today(
    *, db: Session, patient_id: int, clinician_id: int | None, today: date | None = None
) -> Visit:
    """Today's clinic visit of the patient, started if there is none yet."""
    today = today_or(today)
    found = db.scalar(
        select(Visit)
        .where(Visit.patient_id == patient_id, Visit.visit_date == today, Visit.kind == "clinic")
        .order_by(Visit.id)
        .limit(1)
    )
    if found is not None:
        return found
    return add_visit(
        db=db, patient_id=patient_id, visit_date=today, clinician_id=clinician_id, today=today
    )


def get_visit(*, db: Session, patient_id: int, visit_id: int) -> Visit:
    """Visit ``visit_id`` of the patient, else NotFound."""
    visit = db.get(Visit, visit_id)
    if visit is None or visit.patient_id != patient_id:
        raise NotFound(N_("Visit {id} not found"), id=visit_id)
    return visit


# --- video measurements ---------------------------------------------------------------------


def visit_videos(*, db: Session, visit: Visit) -> list[VideoAnalysis]:
    """Finished video measurements of the patient made on the visit's local date, newest first."""
    start = local_instant(visit.visit_date)
    return list(
        db.scalars(
            select(VideoAnalysis)
            .where(
                VideoAnalysis.patient_id == visit.patient_id,
                VideoAnalysis.status == JobStatus.DONE,
                VideoAnalysis.created_at >= start,
                VideoAnalysis.created_at < start + timedelta(days=1),
            )
            .order_by(VideoAnalysis.id.desc())
        )
    )


def earlier_visits(*, db: Session, visit: Visit) -> list[Visit]:
    """The patient's visits before this one, newest first (to compare against)."""
    return list(
        db.scalars(
            select(Visit)
            .where(Visit.patient_id == visit.patient_id, Visit.visit_date < visit.visit_date)
            .order_by(Visit.visit_date.desc(), Visit.id.desc())
        )
    )


# --- the plan draft --------------------------------------------------------------------------


def plan_of(*, db: Session, visit_id: int) -> VisitPlan | None:
    """The visit's plan draft (or recorded plan), if any."""
    return db.scalar(select(VisitPlan).where(VisitPlan.visit_id == visit_id))


def _number(raw: object) -> object:
    try:
        return float(str(raw).strip())
    except ValueError:
        return str(raw).strip()  # kept as typed; the check names the muscle


def save_plan(
    *,
    db: Session,
    visit: Visit,
    product: str,
    injections: Sequence[dict[str, Any]],
    lot: str,
    dilution: str,
    guidance: str,
    override_reason: str,
    user_id: int | None,
) -> VisitPlan:
    """Store the draft exactly as entered (even if the checks fail: nothing typed is lost)."""
    row = plan_of(db=db, visit_id=visit.id)
    if row is not None and row.injection_session_id is not None:
        raise Conflict(N_("This plan was recorded; it can no longer be edited"))
    items = [
        {"muscle": str(i["muscle"]), "side": str(i["side"]), "dose": _number(i["dose"])}
        for i in injections
        if str(i.get("muscle", "")).strip()
    ]
    dil = _number(dilution) if dilution.strip() else None
    plan = {"product": product.strip(), "injections": items}
    if row is None:
        row = VisitPlan(visit_id=visit.id, plan=plan)
        db.add(row)
    row.plan = plan
    row.lot, row.guidance, row.override_reason = lot.strip(), guidance, override_reason.strip()
    row.dilution_u_per_ml = dil if isinstance(dil, float) else None
    row.updated_by_id = user_id
    db.flush()
    if dilution.strip() and not isinstance(dil, float):
        raise InputError(
            N_("Dilution must be a positive number of units per mL, got {value}"), value=dilution
        )
    return row


@dataclass(frozen=True)
class Evaluation:
    """A draft checked for the visit's date: the plan as shown, or the error that stops it."""

    plan: dict[str, Any] | None
    refused: bool
    error: str


def evaluate(*, db: Session, visit: Visit, row: VisitPlan, lang: str, today: date) -> Evaluation:
    """Run the planning checks on the draft (interval from the last earlier session)."""
    try:
        plan = plan_from_dict(row.plan)
        earlier = [
            s.injected_on
            for s in sessions(db=db, patient_id=visit.patient_id)
            if s.id != row.injection_session_id and s.injected_on < visit.visit_date
        ]
        findings = check_plan(
            plan,
            max(earlier, default=None),
            visit.visit_date,
            row.override_reason or None,
            today=today,
        )
    except InputError as err:
        return Evaluation(None, True, err.text(lang))
    doc = plan_document(plan, findings, lang)
    return Evaluation(doc.to_json(), doc.refused, "")


def recorded_plan(*, db: Session, visit: Visit, today: date) -> tuple[Plan, list[Finding]] | None:
    """The plan recorded at this visit and its findings (for the visit's PDF), or None."""
    row = plan_of(db=db, visit_id=visit.id)
    if row is None or row.injection_session_id is None:
        return None
    plan = plan_from_dict(row.plan)
    earlier = [
        s.injected_on
        for s in sessions(db=db, patient_id=visit.patient_id)
        if s.id != row.injection_session_id and s.injected_on < visit.visit_date
    ]
    findings = check_plan(
        plan, max(earlier, default=None), visit.visit_date, row.override_reason or None, today=today
    )
    return plan, findings


def record_plan(
    *, db: Session, visit: Visit, user: User, lang: str = "en", today: date | None = None
) -> InjectionSession:
    """Record the draft as the visit's injection session (refused findings stop it)."""
    row = plan_of(db=db, visit_id=visit.id)
    if row is None or not row.plan.get("injections"):
        raise InputError(N_("Save a plan with at least one injection first"))
    if row.injection_session_id is not None:
        raise Conflict(N_("This plan was recorded; it can no longer be edited"))
    plan = plan_from_dict(row.plan)
    session = record_injection(
        db=db,
        patient_id=visit.patient_id,
        on=visit.visit_date,
        product=plan.product,
        items=plan.items,
        lot=row.lot,
        dilution_u_per_ml=row.dilution_u_per_ml if row.dilution_u_per_ml is not None else 0.0,
        guidance=row.guidance,
        injector=user.display_name,
        injector_id=user.id,
        override_reason=row.override_reason or None,
        notes=f"visit:{visit.id}",
        lang=lang,
        today=today,
    )
    row.injection_session_id = session.id
    db.flush()
    return session


# --- the note and its signature --------------------------------------------------------------


def notes_of(*, db: Session, visit_id: int) -> Sequence[VisitNote]:
    """The visit's notes, oldest first (originals and their amendments)."""
    return db.scalars(
        select(VisitNote).where(VisitNote.visit_id == visit_id).order_by(VisitNote.id)
    ).all()


def _latest(db: Session, visit_id: int) -> VisitNote | None:
    rows = notes_of(db=db, visit_id=visit_id)
    return rows[-1] if rows else None


def save_note(*, db: Session, visit: Visit, text: str, author_id: int | None) -> VisitNote:
    """Write or edit the unsigned note; a signed note is refused (amend it instead)."""
    latest = _latest(db, visit.id)
    if latest is not None and latest.signed_at is not None:
        raise Conflict(N_("A signed note cannot be changed; write an amendment"))
    if latest is None:
        latest = VisitNote(visit_id=visit.id, author_id=author_id)
        db.add(latest)
    latest.text = text.strip()
    db.flush()
    return latest


def amend_note(*, db: Session, visit: Visit, text: str, author_id: int | None) -> VisitNote:
    """Start an amendment of the signed note: a new unsigned note that supersedes it."""
    latest = _latest(db, visit.id)
    if latest is None or latest.signed_at is None:
        raise Conflict(N_("Only a signed note is amended; edit the draft instead"))
    if not text.strip():
        raise InputError(N_("The amendment needs a text"))
    row = VisitNote(
        visit_id=visit.id, author_id=author_id, supersedes_id=latest.id, text=text.strip()
    )
    db.add(row)
    db.flush()
    return row


def visit_assessments(*, db: Session, visit: Visit) -> list[ScaleAssessment]:
    """Current (not amended) assessments linked to the visit or taken on its local date."""
    start = local_instant(visit.visit_date)
    rows = db.scalars(
        select(ScaleAssessment)
        .where(
            ScaleAssessment.patient_id == visit.patient_id,
            or_(
                ScaleAssessment.visit_id == visit.id,
                and_(
                    ScaleAssessment.visit_id.is_(None),
                    ScaleAssessment.assessed_at >= start,
                    ScaleAssessment.assessed_at < start + timedelta(days=1),
                ),
            ),
        )
        .order_by(ScaleAssessment.id)
    ).all()
    replaced = {r.supersedes_id for r in rows if r.supersedes_id is not None}
    return [r for r in rows if r.id not in replaced]


def _canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def snapshot(*, db: Session, visit: Visit, note: VisitNote) -> dict[str, Any]:
    """What the signature covers: the note and everything the visit records."""
    scales = visit_assessments(db=db, visit=visit)
    plan = plan_of(db=db, visit_id=visit.id)
    session = db.get(InjectionSession, plan.injection_session_id) if plan else None
    earlier = db.get(VisitNote, note.supersedes_id) if note.supersedes_id else None
    return {
        "note": note.text,
        "visit": {
            "id": visit.id,
            "patient_id": visit.patient_id,
            "date": visit.visit_date.isoformat(),
            "kind": visit.kind,
        },
        "scales": [
            {"id": a.id, "instrument": a.instrument, "total": a.total, "answers": a.answers}
            for a in scales
        ],
        "plan": None
        if plan is None
        else {
            "plan": plan.plan,
            "lot": plan.lot,
            "dilution_u_per_ml": plan.dilution_u_per_ml,
            "guidance": plan.guidance,
            "override_reason": plan.override_reason,
        },
        "injection_session": None
        if session is None
        else {
            "id": session.id,
            "product": session.product,
            "lot": session.lot,
            "dilution_u_per_ml": session.dilution_u_per_ml,
            "guidance": session.guidance,
            "total_units": session.total_units,
            "sites": [[s.muscle, s.side, s.dose] for s in session.sites],
        },
        "amends": None if earlier is None else {"id": earlier.id, "hash": earlier.content_hash},
    }


def sign_note(
    *, db: Session, visit: Visit, user: User, password: str, now: datetime | None = None
) -> VisitNote:
    """Sign the unsigned note after re-checking the signer's password; freezes it."""
    if not verify_password(user, password):
        raise InputError(N_("The password is wrong; the note was not signed"))
    latest = _latest(db, visit.id)
    if latest is None or latest.signed_at is not None:
        raise Conflict(N_("There is no unsigned note to sign"))
    if not latest.text.strip():
        raise InputError(N_("Write the note before signing it"))
    content = snapshot(db=db, visit=visit, note=latest)
    latest.content = content
    latest.content_hash = hashlib.sha256(_canonical(content)).hexdigest()
    latest.signed_by_id = user.id
    latest.signed_at = now or datetime.now(UTC)
    db.flush()
    return latest


def verify_note(note: VisitNote) -> bool:
    """True if a signed note's stored content still matches its hash and its text."""
    if note.content is None or note.signed_at is None:
        return False
    digest = hashlib.sha256(_canonical(note.content)).hexdigest()
    return digest == note.content_hash and note.content.get("note") == note.text
