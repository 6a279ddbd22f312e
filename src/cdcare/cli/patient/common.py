"""What the ``cdcare patient ...`` and ``cdcare followup`` commands share: the ``patient``
command group, the PATIENT and ``--centre`` arguments and the look-up of a patient in a centre
(the transaction and the centre look-up are :mod:`cdcare.cli.context`'s)."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from cdcare.cli.context import centre_of, log_write
from cdcare.cli.main import app
from cdcare.errors import N_, NotFound
from cdcare.store.models import Patient

patient_app = typer.Typer(
    help="Patients: records, injections, diary, scales.", no_args_is_help=True
)
app.add_typer(patient_app, name="patient")

Centre_ = Annotated[str, typer.Option("--centre", help="Centre code.")]
Who = Annotated[str, typer.Argument(help="Record number in the centre, or id:N.")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def patient_of(db: Session, who: str, centre: str, log: str = "") -> Patient:
    """The patient ``who`` (record number, or ``id:N``) of centre ``centre``; else NotFound.

    ``log``: the command that records this patient's data (one "create" access-log event)."""
    c = centre_of(db, centre)
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
