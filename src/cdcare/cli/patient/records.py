"""``cdcare patient create | list | show | intake``: the patient's record itself."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from cdcare.care import diary, injections, intake, medications, rehab
from cdcare.care._checks import as_date
from cdcare.care.demo import DEMO_CENTRE
from cdcare.care.patients import create_patient, latest_assessments, list_patients
from cdcare.cli.context import (
    centre_of,
    current_lang,
    log_read,
    log_write,
    open_db,
    print_json,
    read_json_arg,
    say,
)
from cdcare.cli.patient.common import (
    Centre_,
    Json,
    Who,
    patient_app,
    patient_of,
)
from cdcare.clock import local_date
from cdcare.errors import N_
from cdcare.l10n import date_text, exact_text


@patient_app.command("create")
def create_cmd(
    record_number: Annotated[str, typer.Argument(help="Record number (unique in the centre).")],
    birth_year: Annotated[int, typer.Option("--birth-year", help="Year of birth.")],
    sex: Annotated[str, typer.Option("--sex", help="F, M or X.")],
    onset: Annotated[str | None, typer.Option("--onset", help="Onset date YYYY-MM-DD.")] = None,
    centre: Centre_ = DEMO_CENTRE,
) -> None:
    """Register a pseudonymous patient."""
    with open_db() as db:
        p = create_patient(
            db=db,
            centre_id=centre_of(db, centre).id,
            record_number=record_number,
            birth_year=birth_year,
            sex=sex,
            onset_date=as_date(onset, "onset") if onset else None,
        )
        log_write(db, command="patient create", patient_id=p.id)
        say(N_("Patient {record} created (id {id})"), record=p.record_number, id=p.id)


@patient_app.command("list")
def list_cmd(centre: Centre_ = DEMO_CENTRE, as_json: Json = False) -> None:
    """List the centre's patients."""
    with open_db() as db:
        rows = [
            {
                "id": p.id,
                "record_number": p.record_number,
                "birth_year": p.birth_year,
                "sex": p.sex.value,
                "onset": p.onset_date.isoformat() if p.onset_date else None,
            }
            for p in list_patients(db=db, centre_id=centre_of(db, centre).id)
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
    with open_db() as db:
        p = patient_of(db, who, centre)
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
                    "date": local_date(a.assessed_at).isoformat(),
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
    say(
        N_("Patient {record}: born {year}, sex {sex}"),
        record=data["record_number"],
        year=data["birth_year"],
        sex=data["sex"],
    )
    for f in (data["risk_profile"] or {}).get("risk_factors", []):
        typer.echo(f"  + {f['label']} [{f['source']}]")
    for s in data["injections"]:
        day = date_text(date.fromisoformat(s["date"]), lang)
        typer.echo(f"  {day} {s['product']} {exact_text(s['total'], lang)} {s['unit']}")
    say(N_("Diary entries: {n}"), n=data["diary_entries"])


@patient_app.command("intake")
def intake_cmd(
    who: Who,
    data_file: Annotated[str, typer.Option("--data", help="Intake JSON file, or '-'.")],
    centre: Centre_ = DEMO_CENTRE,
) -> None:
    """Record or amend the intake history (the earlier version is kept)."""
    with open_db() as db:
        p = patient_of(db, who, centre, log="patient intake")
        intake.record_intake(db=db, patient_id=p.id, data=read_json_arg(data_file))
        say(N_("Intake saved for {record}"), record=p.record_number)
