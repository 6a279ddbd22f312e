"""The botulinum-toxin injection log: sessions, sites, adverse events.

:func:`record_injection` validates the entry (:func:`cdcare.clinical.planning.make_record`),
then runs the planning checks (:func:`~cdcare.clinical.planning.check_plan`: per-muscle and
session dose limits, unit mixing, the 12-week interval to the neighbouring sessions). Any
refusal raises before anything is added, so the caller's transaction saves nothing. An early
re-injection needs an override reason, which is stored with the session. Doses are in the
session product's own units and are never converted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdcare.care._checks import load_data, past_date, text, today_or
from cdcare.care.patients import get_patient
from cdcare.clinical.planning import (
    Finding,
    Plan,
    PlanItem,
    check_plan,
    enforce,
    make_record,
    plan_from_dict,
)
from cdcare.clinical.toxins import get_product
from cdcare.errors import N_, InputError, NotFound
from cdcare.store.care_models import AdverseEvent, InjectionSession, InjectionSite, Intake


def items_from_plan(data: object) -> tuple[str, tuple[PlanItem, ...]]:
    """Product and injections of a plan JSON (as written by ``cdcare plan --json``)."""
    plan = plan_from_dict(data)
    return plan.product, plan.items


def sessions(*, db: Session, patient_id: int) -> Sequence[InjectionSession]:
    """A patient's injection sessions, oldest first."""
    get_patient(db=db, patient_id=patient_id)
    return db.scalars(
        select(InjectionSession)
        .where(InjectionSession.patient_id == patient_id)
        .order_by(InjectionSession.injected_on, InjectionSession.id)
    ).all()


def _interval_findings(
    plan: Plan, before: date | None, on: date, reason: str | None, today: date
) -> list[Finding]:
    return [
        f
        for f in check_plan(plan, before, on, reason, today=today)
        if f.code.startswith("interval")
    ]


def record_injection(
    *,
    db: Session,
    patient_id: int,
    on: date,
    product: str,
    items: Sequence[PlanItem],
    lot: str,
    dilution_u_per_ml: float,
    guidance: str,
    injector: str,
    injector_id: int | None = None,
    override_reason: str | None = None,
    notes: str = "",
    lang: str = "en",
    today: date | None = None,
) -> InjectionSession:
    """Check and log one session; raises DoseLimitError/InputError (nothing added) if refused.

    ``on`` is the local date; ``dilution_u_per_ml`` product units per mL; ``items`` carry
    dose in the product's units. The patient counts as toxin-naive when no earlier session is
    logged and the intake does not list botulinum toxin among prior treatments.
    """
    today = today_or(today)
    get_patient(db=db, patient_id=patient_id)
    rec = make_record(
        on=on,
        product=product,
        lot=lot,
        dilution_u_per_ml=dilution_u_per_ml,
        items=items,
        guidance=guidance,
        injector=injector,
        today=today,
    )
    dates = [s.injected_on for s in sessions(db=db, patient_id=patient_id)]
    before = max((d for d in dates if d <= on), default=None)
    after = min((d for d in dates if d > on), default=None)
    intake = db.scalar(select(Intake).where(Intake.patient_id == patient_id))
    treated = intake is not None and "botulinum_toxin" in intake.prior_treatments
    plan = Plan(rec.product, rec.items, naive=before is None and not treated)
    findings = check_plan(plan, before, on, override_reason, today=today)
    if after is not None:  # a back-dated entry must respect the next session too
        findings += _interval_findings(plan, on, after, override_reason, today)
    enforce(findings, lang)
    overridden = any(f.code == "interval_overridden" for f in findings)
    session = InjectionSession(
        patient_id=patient_id,
        injected_on=rec.on,
        product=rec.product,
        unit=get_product(rec.product).unit,
        lot=rec.lot,
        dilution_u_per_ml=rec.dilution_u_per_ml,
        guidance=rec.guidance.value,
        injector=rec.injector,
        injector_id=injector_id,
        total_units=rec.total,
        override_reason=(override_reason or "").strip() if overridden else "",
        findings=[
            {
                "level": str(f.level),
                "code": f.code,
                "message": f.text("en"),
                "msgid": f.message,  # with params: re-rendered in the reader's language
                "params": dict(f.params),
                "source": f.source,
                "verified": f.verified,
            }
            for f in findings
        ],
        notes=notes,
        sites=[InjectionSite(muscle=i.muscle, side=str(i.side), dose=i.dose) for i in rec.items],
    )
    db.add(session)
    db.flush()
    return session


def adverse_event_codes() -> dict[str, dict[str, Any]]:
    """Adverse-event codes with labels, sources and verified flags."""
    return dict(load_data("adverse_events.json")["events"])


def add_adverse_event(
    *,
    db: Session,
    session_id: int,
    onset_on: date | str,
    code: str,
    severity: str = "mild",
    note: str = "",
    patient_id: int,
    today: date | None = None,
) -> AdverseEvent:
    """Link an adverse event to a session; its onset may not precede the injection."""
    session = db.get(InjectionSession, session_id)
    if session is None or session.patient_id != patient_id:
        raise NotFound(N_("Injection session {id} not found"), id=session_id)
    onset = past_date(onset_on, "onset", today_or(today))
    if onset < session.injected_on:
        raise InputError(
            N_("Adverse event onset {onset} is before the injection on {on}"),
            onset=onset.isoformat(),
            on=session.injected_on.isoformat(),
        )
    known = adverse_event_codes()
    if code not in known:
        raise InputError(
            N_("Unknown {field} code '{value}'; known: {known}"),
            field="adverse_event",
            value=code,
            known=", ".join(known),
        )
    severities = load_data("adverse_events.json")["severities"]
    if severity not in severities:
        raise InputError(
            N_("Unknown {field} code '{value}'; known: {known}"),
            field="severity",
            value=severity,
            known=", ".join(severities),
        )
    event = AdverseEvent(
        session_id=session_id,
        onset_on=onset,
        code=code,
        severity=severity,
        note=text(note, "note"),
    )
    db.add(event)
    db.flush()
    return event


def session_to_dict(s: InjectionSession) -> dict[str, Any]:
    """A session as JSON-ready values (doses in ``unit``)."""
    return {
        "id": s.id,
        "date": s.injected_on.isoformat(),
        "product": s.product,
        "unit": s.unit,
        "lot": s.lot,
        "dilution_u_per_ml": s.dilution_u_per_ml,
        "guidance": s.guidance,
        "injector": s.injector,
        "total": s.total_units,
        "override_reason": s.override_reason,
        "sites": [{"muscle": x.muscle, "side": x.side, "dose": x.dose} for x in s.sites],
        "findings": list(s.findings),
        "adverse_events": [
            {
                "onset": a.onset_on.isoformat(),
                "code": a.code,
                "severity": a.severity,
                "note": a.note,
            }
            for a in s.adverse_events
        ],
    }


def parse_items(raw: Sequence[Mapping[str, Any]], product: str) -> tuple[PlanItem, ...]:
    """Injection items from plain mappings ``{muscle, side, dose}`` (validated by the plan)."""
    _, items = items_from_plan({"product": product, "injections": list(raw)})
    return items
