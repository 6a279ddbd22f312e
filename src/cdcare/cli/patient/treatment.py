"""``cdcare patient inject | diary | scale | adverse-event | medication | exercise | exercises``:
what is recorded over the course of care (injections, diary, rating scales, adverse events,
oral medications, home exercises)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated

import typer

from cdcare.care import diary, followup, injections, medications, rehab
from cdcare.care._checks import as_date, past_date
from cdcare.care.demo import DEMO_CENTRE
from cdcare.cli.context import current_lang, open_db, print_json, read_json_arg, say
from cdcare.cli.patient.common import (
    Centre_,
    Who,
    patient_app,
    patient_of,
)
from cdcare.clock import local_instant, local_today
from cdcare.errors import N_
from cdcare.l10n import date_text, exact_text


@patient_app.command("inject")
def inject_cmd(
    who: Who,
    plan_file: Annotated[str, typer.Option("--plan", help="Plan JSON (cdcare plan --json).")],
    lot: Annotated[str, typer.Option("--lot", help="Product lot number.")],
    dilution: Annotated[float, typer.Option("--dilution", help="Units per mL.")],
    injector: Annotated[str, typer.Option("--injector", help="Who injected.")],
    guidance: Annotated[str, typer.Option("--guidance", help="none, emg, ultrasound.")] = "none",
    on: Annotated[str | None, typer.Option("--date", help="Date (default today).")] = None,
    override_reason: Annotated[
        str | None, typer.Option("--override-reason", help="Reason for an early re-injection.")
    ] = None,
    centre: Centre_ = DEMO_CENTRE,
) -> None:
    """Log an injection session after the planning checks; refused → nothing saved, exit 2."""
    product, items = injections.items_from_plan(read_json_arg(plan_file))
    with open_db() as db:
        p = patient_of(db, who, centre, log="patient inject")
        s = injections.record_injection(
            db=db,
            patient_id=p.id,
            on=as_date(on, "date") if on else local_today(),
            product=product,
            items=items,
            lot=lot,
            dilution_u_per_ml=dilution,
            guidance=guidance,
            injector=injector,
            override_reason=override_reason,
            lang=current_lang(),
        )
        say(
            N_("Injection logged: {date}, {total} {unit}"),
            date=date_text(s.injected_on, current_lang()),
            total=exact_text(s.total_units, current_lang()),
            unit=s.unit,
        )
        for f in s.findings:
            typer.echo(f"  {f['level']}: {f['message']} [{f['source']}]")


@patient_app.command("diary")
def diary_cmd(
    who: Who,
    severity: Annotated[int, typer.Option("--severity", help="Symptom severity 0-10.")],
    pain: Annotated[int, typer.Option("--pain", help="Pain 0-10.")],
    on: Annotated[str | None, typer.Option("--date", help="Date (default today).")] = None,
    trigger: Annotated[list[str] | None, typer.Option("--trigger", help="Repeatable.")] = None,
    exercise: Annotated[
        bool | None, typer.Option("--exercise/--no-exercise", help="Exercise done today?")
    ] = None,
    side_effect: Annotated[
        list[str] | None, typer.Option("--side-effect", help="Repeatable.")
    ] = None,
    note: Annotated[str, typer.Option("--note")] = "",
    centre: Centre_ = DEMO_CENTRE,
) -> None:
    """Write the diary of one date (writing it again amends it; the old version is kept)."""
    with open_db() as db:
        p = patient_of(db, who, centre, log="patient diary")
        e = diary.record_entry(
            db=db,
            patient_id=p.id,
            entry_date=on or local_today(),
            severity=severity,
            pain=pain,
            triggers=trigger or [],
            exercise_done=exercise,
            side_effects=side_effect or [],
            note=note,
        )
        say(N_("Diary saved for {date}"), date=date_text(e.entry_date, current_lang()))


@patient_app.command("scale")
def scale_cmd(
    who: Who,
    instrument: Annotated[str, typer.Argument(help="twstrs, phq9, gad7, ...")],
    answers: Annotated[str, typer.Option("--answers", help="JSON file or '-'.")],
    on: Annotated[str | None, typer.Option("--date", help="Date (default now).")] = None,
    centre: Centre_ = DEMO_CENTRE,
) -> None:
    """Score and store a rating scale; prints the result as JSON."""
    from cdcare.care.patients import record_assessment

    today = local_today()
    at = local_instant(past_date(on, "date", today), time(12)) if on else None
    with open_db() as db:
        p = patient_of(db, who, centre, log="patient scale")
        row = record_assessment(
            db=db,
            patient_id=p.id,
            instrument=instrument,
            answers=read_json_arg(answers),
            assessed_at=at or datetime.now(UTC),
        )
        out = {
            "id": row.id,
            "instrument": row.instrument,
            "total": row.total,
            "band": row.band,
            "subscores": row.subscores,
        }
        prompts = followup.psych_prompts(
            row.total if row.instrument == "phq9" else None,
            row.total if row.instrument == "gad7" else None,
            row.answers.get("q9") if row.instrument == "phq9" else None,
        )
        out["prompts"] = [followup.rule_to_dict(r, current_lang()) for r in prompts]
    print_json(out)


@patient_app.command("adverse-event")
def adverse_event_cmd(
    who: Who,
    session_id: Annotated[int, typer.Option("--session", help="Injection session id.")],
    onset: Annotated[str, typer.Option("--date", help="Onset date YYYY-MM-DD.")],
    code: Annotated[str, typer.Option("--code", help="e.g. dysphagia, neck_pain.")],
    severity: Annotated[str, typer.Option("--severity", help="mild, moderate, severe.")] = "mild",
    note: Annotated[str, typer.Option("--note")] = "",
    centre: Centre_ = DEMO_CENTRE,
) -> None:
    """Link an adverse event to one of the patient's injection sessions."""
    with open_db() as db:
        p = patient_of(db, who, centre, log="patient adverse-event")
        injections.add_adverse_event(
            db=db,
            session_id=session_id,
            onset_on=onset,
            code=code,
            severity=severity,
            note=note,
            patient_id=p.id,
        )
        say(N_("Adverse event saved for session {id}"), id=session_id)


@patient_app.command("medication")
def medication_cmd(
    who: Who,
    drug: Annotated[str, typer.Option("--drug", help="Generic name.")],
    drug_class: Annotated[str, typer.Option("--class", help="anticholinergic, ...")],
    dose: Annotated[float, typer.Option("--dose", help="Dose in --unit, as prescribed.")],
    unit: Annotated[str, typer.Option("--unit", help="mg, mcg, g, mL, tablet.")],
    frequency: Annotated[str, typer.Option("--frequency", help="e.g. twice daily.")],
    start: Annotated[str, typer.Option("--start", help="Start date YYYY-MM-DD.")],
    centre: Centre_ = DEMO_CENTRE,
) -> None:
    """Start an oral medication course (the dose is what the clinician prescribed)."""
    with open_db() as db:
        p = patient_of(db, who, centre, log="patient medication")
        m = medications.start_medication(
            db=db,
            patient_id=p.id,
            drug=drug,
            drug_class=drug_class,
            dose=dose,
            unit=unit,
            frequency=frequency,
            start_on=start,
        )
        say(N_("Medication saved (id {id})"), id=m.id)


@patient_app.command("exercise")
def exercise_cmd(
    who: Who,
    programme: Annotated[str, typer.Argument(help="Programme code (cdcare patient exercises).")],
    start: Annotated[str, typer.Option("--start", help="Start date YYYY-MM-DD.")],
    centre: Centre_ = DEMO_CENTRE,
) -> None:
    """Assign a home exercise programme."""
    with open_db() as db:
        p = patient_of(db, who, centre, log="patient exercise")
        rehab.assign(db=db, patient_id=p.id, programme=programme, start_on=start)
        say(N_("Programme {code} assigned"), code=programme)


@patient_app.command("exercises")
def exercises_cmd() -> None:
    """The home exercise library as JSON (names and steps in the chosen language)."""
    print_json([rehab.programme_to_dict(x, current_lang()) for x in rehab.library().values()])
