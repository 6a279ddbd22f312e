"""``cdcare patient ...`` (records) and ``cdcare followup PATIENT`` (response summary).

PATIENT is the record number within ``--centre`` (default: the demo centre ``DEMO``), or
``id:N`` for the database id. Every command runs in one transaction: a refused entry saves
nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from cdcare.care import diary, followup, injections, intake, medications, rehab
from cdcare.care._checks import as_date, past_date
from cdcare.care.demo import DEMO_CENTRE
from cdcare.care.patients import create_patient, latest_assessments, list_patients
from cdcare.cli.context import current_lang, engine, log_read, log_write, print_json, read_json_arg
from cdcare.cli.main import app
from cdcare.clock import local_today
from cdcare.errors import N_, NotFound
from cdcare.i18n import gettext_for, translate
from cdcare.store.db import session_scope
from cdcare.store.migrate import upgrade
from cdcare.store.models import Centre, Patient

patient_app = typer.Typer(
    help="Patients: records, injections, diary, scales.", no_args_is_help=True
)
app.add_typer(patient_app, name="patient")

Centre_ = Annotated[str, typer.Option("--centre", help="Centre code.")]
Who = Annotated[str, typer.Argument(help="Record number in the centre, or id:N.")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]
SEOUL = ZoneInfo("Asia/Seoul")


@contextmanager
def _db() -> Iterator[Session]:
    eng = engine()
    upgrade(eng)
    with session_scope(eng) as db:
        yield db


def _centre(db: Session, code: str) -> Centre:
    centre = db.scalar(select(Centre).where(Centre.code == code))
    if centre is None:
        raise NotFound(N_("Centre {code} not found"), code=code)
    return centre


def _patient(db: Session, who: str, centre: str, log: str = "") -> Patient:
    """The patient ``who`` of ``centre``; ``log``: the command recording their data (logged)."""
    c = _centre(db, centre)
    if who.startswith("id:") and who[3:].isdigit():
        p = db.get(Patient, int(who[3:]))
    else:
        p = db.scalar(
            select(Patient).where(Patient.centre_id == c.id, Patient.record_number == who)
        )
    if p is None or p.centre_id != c.id:
        raise NotFound(N_("Patient {who} not found in centre {centre}"), who=who, centre=centre)
    if log:
        log_write(db, command=log, patient_id=p.id)
    return p


def _say(message: str, **params: Any) -> None:
    typer.echo(translate(message, current_lang()).format(**params))


@patient_app.command("create")
def create_cmd(
    record_number: Annotated[str, typer.Argument(help="Record number (unique in the centre).")],
    birth_year: Annotated[int, typer.Option("--birth-year", help="Year of birth.")],
    sex: Annotated[str, typer.Option("--sex", help="F, M or X.")],
    onset: Annotated[str | None, typer.Option("--onset", help="Onset date YYYY-MM-DD.")] = None,
    centre: Centre_ = DEMO_CENTRE,
) -> None:
    """Register a pseudonymous patient."""
    with _db() as db:
        p = create_patient(
            db=db,
            centre_id=_centre(db, centre).id,
            record_number=record_number,
            birth_year=birth_year,
            sex=sex,
            onset_date=as_date(onset, "onset") if onset else None,
        )
        log_write(db, command="patient create", patient_id=p.id)
        _say(N_("Patient {record} created (id {id})"), record=p.record_number, id=p.id)


@patient_app.command("list")
def list_cmd(centre: Centre_ = DEMO_CENTRE, as_json: Json = False) -> None:
    """List the centre's patients."""
    with _db() as db:
        rows = [
            {
                "id": p.id,
                "record_number": p.record_number,
                "birth_year": p.birth_year,
                "sex": p.sex.value,
                "onset": p.onset_date.isoformat() if p.onset_date else None,
            }
            for p in list_patients(db=db, centre_id=_centre(db, centre).id)
        ]
        log_read(db, command=f"patient list --centre {centre}")
    if as_json:
        print_json(rows)
        return
    for r in rows:
        typer.echo(f"{r['record_number']:<12} {r['birth_year']} {r['sex']} {r['onset'] or '-'}")


@patient_app.command("show")
def show_cmd(who: Who, centre: Centre_ = DEMO_CENTRE, as_json: Json = False) -> None:
    """Show a patient's record: intake and risk profile, injections, medications, exercises."""
    lang = current_lang()
    with _db() as db:
        p = _patient(db, who, centre)
        row = intake.get_intake(db=db, patient_id=p.id)
        data: dict[str, Any] = {
            "id": p.id,
            "record_number": p.record_number,
            "birth_year": p.birth_year,
            "sex": p.sex.value,
            "onset": p.onset_date.isoformat() if p.onset_date else None,
            "intake": intake.intake_to_dict(row) if row else None,
            "risk_profile": intake.profile_to_dict(intake.risk_profile(row, p), lang)
            if row
            else None,
            "injections": [
                injections.session_to_dict(s) for s in injections.sessions(db=db, patient_id=p.id)
            ],
            "medications": [
                medications.medication_to_dict(m)
                for m in medications.medications(db=db, patient_id=p.id)
            ],
            "exercises": [
                {
                    "programme": a.programme,
                    "start": a.start_on.isoformat(),
                    "end": a.end_on.isoformat() if a.end_on else None,
                }
                for a in rehab.assignments(db=db, patient_id=p.id)
            ],
            "scales": [
                {
                    "instrument": a.instrument,
                    "date": a.assessed_at.astimezone(SEOUL).date().isoformat(),
                    "total": a.total,
                    "band": a.band,
                }
                for a in latest_assessments(db=db, patient_id=p.id)
            ],
            "diary_entries": len(diary.entries(db=db, patient_id=p.id)),
        }
        log_read(db, command="patient show", patient_id=p.id)
    if as_json:
        print_json(data)
        return
    _say(
        N_("Patient {record}: born {year}, sex {sex}"),
        record=data["record_number"],
        year=data["birth_year"],
        sex=data["sex"],
    )
    for f in (data["risk_profile"] or {}).get("risk_factors", []):
        typer.echo(f"  + {f['label']} [{f['source']}]")
    for s in data["injections"]:
        typer.echo(f"  {s['date']} {s['product']} {s['total']:g} {s['unit']}")
    _say(N_("Diary entries: {n}"), n=data["diary_entries"])


@patient_app.command("intake")
def intake_cmd(
    who: Who,
    data_file: Annotated[str, typer.Option("--data", help="Intake JSON file, or '-'.")],
    centre: Centre_ = DEMO_CENTRE,
) -> None:
    """Record or amend the intake history (the earlier version is kept)."""
    with _db() as db:
        p = _patient(db, who, centre, log="patient intake")
        intake.record_intake(db=db, patient_id=p.id, data=read_json_arg(data_file))
        _say(N_("Intake saved for {record}"), record=p.record_number)


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
    with _db() as db:
        p = _patient(db, who, centre, log="patient inject")
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
        _say(
            N_("Injection logged: {date}, {total} {unit}"),
            date=s.injected_on.isoformat(),
            total=f"{s.total_units:g}",
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
    with _db() as db:
        p = _patient(db, who, centre, log="patient diary")
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
        _say(N_("Diary saved for {date}"), date=e.entry_date.isoformat())


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

    today = local_today(SEOUL)
    at = datetime.combine(past_date(on, "date", today), time(12), SEOUL) if on else None
    with _db() as db:
        p = _patient(db, who, centre, log="patient scale")
        row = record_assessment(
            db=db,
            patient_id=p.id,
            instrument=instrument,
            answers=read_json_arg(answers),
            assessed_at=at or datetime.now(UTC),
        )
        out = {"id": row.id, "instrument": row.instrument, "total": row.total}
        out |= {"band": row.band, "subscores": row.subscores}
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
    with _db() as db:
        p = _patient(db, who, centre, log="patient adverse-event")
        injections.add_adverse_event(
            db=db,
            session_id=session_id,
            onset_on=onset,
            code=code,
            severity=severity,
            note=note,
            patient_id=p.id,
        )
        _say(N_("Adverse event saved for session {id}"), id=session_id)


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
    with _db() as db:
        p = _patient(db, who, centre, log="patient medication")
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
        _say(N_("Medication saved (id {id})"), id=m.id)


@patient_app.command("exercise")
def exercise_cmd(
    who: Who,
    programme: Annotated[str, typer.Argument(help="Programme code (cdcare patient exercises).")],
    start: Annotated[str, typer.Option("--start", help="Start date YYYY-MM-DD.")],
    centre: Centre_ = DEMO_CENTRE,
) -> None:
    """Assign a home exercise programme."""
    with _db() as db:
        p = _patient(db, who, centre, log="patient exercise")
        rehab.assign(db=db, patient_id=p.id, programme=programme, start_on=start)
        _say(N_("Programme {code} assigned"), code=programme)


@patient_app.command("exercises")
def exercises_cmd() -> None:
    """The home exercise library as JSON (names and steps in the chosen language)."""
    print_json([rehab.programme_to_dict(x, current_lang()) for x in rehab.library().values()])


@app.command("followup")
def followup_cmd(who: Who, centre: Centre_ = DEMO_CENTRE, as_json: Json = False) -> None:
    """Response to each injection cycle, non-response flags, DBS/SPD screens, referral prompts."""
    lang = current_lang()
    with _db() as db:
        p = _patient(db, who, centre)
        data = followup.summary_to_dict(followup.followup_summary(db=db, patient_id=p.id), lang)
        log_read(db, command="followup", patient_id=p.id)
    if as_json:
        print_json(data)
        return
    _print_summary(data, lang)


def _status(value: object, lang: str) -> str:
    return translate(str(value), lang)


def _print_summary(data: dict[str, Any], lang: str) -> None:
    t = gettext_for(lang)
    typer.echo(f"{data['record_number']} — {t('Follow-up')} ({data['today']})")
    for c in data["cycles"]:
        imp = "-" if c["improvement_pct"] is None else f"{c['improvement_pct']:.0f}%"
        typer.echo(
            f"  #{c['cycle']} {c['injected_on']} [{c['measure']}] {t('baseline')} "
            f"{c['baseline'] if c['baseline'] is not None else '-'} → {t('best')} "
            f"{c['best'] if c['best'] is not None else '-'} ({imp}), {t('peak week')} "
            f"{c['peak_week'] if c['peak_week'] is not None else '-'}, {t('wearing-off week')} "
            f"{c['wearing_off_week'] if c['wearing_off_week'] is not None else '-'}"
        )
    for f in data["flags"]:
        flag = "" if f["verified"] else f" ({t('unconfirmed reference')})"
        typer.echo(
            f"{f['definition']['text']} → {_status(f['status'], lang)} [{f['source']}]{flag}"
        )
    for sc in data["screens"]:
        typer.echo(f"{sc['name']}:")
        for c in sc["criteria"]:
            flag = "" if c["verified"] else f" ({t('unconfirmed reference')})"
            typer.echo(f"  - {c['label']}: {_status(c['status'], lang)} [{c['source']}]{flag}")
    for pr in data["psych_prompts"]:
        typer.echo(f"! {pr['text']} [{pr['source']}]")
    typer.echo(data["disclaimer"])


_WORDS = (
    N_("Follow-up"),
    N_("baseline"),
    N_("best"),
    N_("peak week"),
    N_("wearing-off week"),
    N_("met"),
    N_("not_met"),
    N_("unknown"),
    N_("insufficient_data"),
    N_("unconfirmed reference"),
)
