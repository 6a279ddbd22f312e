"""``cdcare fhir export|import``: FHIR R4B Bundles of patient records (see docs/fhir.md).

Export writes one Bundle (type collection) for a patient or a whole centre and logs one
"export" access event per patient with the stated reason; import loads a Bundle from another
installation into a centre in one transaction (refused whole, naming the entry, on any error).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import select

from cdcare.care.audit import log_event
from cdcare.cli import context
from cdcare.cli.main import app
from cdcare.errors import N_, InputError
from cdcare.i18n import translate
from cdcare.interop import export_centre, export_patient, import_bundle
from cdcare.reports.collect import export_reason
from cdcare.store.db import session_scope
from cdcare.store.models import Patient

fhir_app = typer.Typer(help="FHIR R4B export and import of patient records.", no_args_is_help=True)
app.add_typer(fhir_app, name="fhir")


def _write(out: Path, bundle: dict[str, Any]) -> int:
    if not out.parent.is_dir():
        raise InputError(N_("Folder {path} does not exist"), path=str(out.parent))
    data = json.dumps(bundle, ensure_ascii=False, indent=1).encode("utf-8")
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise InputError(
            N_("Cannot write {path}: {reason}"), path=str(out), reason=exc.strerror
        ) from None
    return len(data)


@fhir_app.command("export")
def export_cmd(
    out: Annotated[Path, typer.Option("--out", help="Where to write the Bundle (JSON).")],
    patient_id: Annotated[
        int | None, typer.Argument(help="Patient id (or give --centre for all its patients).")
    ] = None,
    centre: Annotated[
        str | None, typer.Option("--centre", help="Export every patient of this centre code.")
    ] = None,
    reason: Annotated[
        str, typer.Option("--reason", help="Why the records leave (access log).")
    ] = "FHIR export",
    by: Annotated[
        str | None, typer.Option("--by", help="Who exports (default: the OS user).")
    ] = None,
) -> None:
    """Write a FHIR R4B Bundle of one patient's record, or of a centre's patients."""
    if (patient_id is None) == (centre is None):
        raise InputError(N_("Give either a patient id or --centre, not both"))
    why = export_reason(reason)
    who = by or context.cli_actor()
    engine = context.engine()
    try:
        with session_scope(engine) as db:
            if patient_id is not None:
                bundle, pids = export_patient(db=db, patient_id=patient_id), [patient_id]
            else:
                assert centre is not None  # noqa: S101 - exactly one of the two is set (checked above)
                bundle = export_centre(db=db, centre_code=centre)
                pids = list(
                    db.scalars(
                        select(Patient.id)
                        .where(Patient.centre.has(code=centre))
                        .order_by(Patient.id)
                    )
                )
            size = _write(out, bundle)
            for pid in pids:
                log_event(
                    db=db,
                    action="export",
                    username=who,
                    patient_id=pid,
                    target=f"fhir:{out.name}",
                    reason=why,
                )
    finally:
        engine.dispose()
    msg = translate(
        N_("FHIR Bundle written: {path} ({entries} entries, {size} bytes)"), context.current_lang()
    )
    sys.stderr.write(msg.format(path=out, entries=len(bundle.get("entry", [])), size=size) + "\n")


@fhir_app.command("import")
def import_cmd(
    bundle: Annotated[str, typer.Argument(help="A Bundle JSON file (or - for stdin).")],
    centre: Annotated[str, typer.Option("--centre", help="Centre code to import into.")],
    by: Annotated[
        str | None, typer.Option("--by", help="Who imports (default: the OS user).")
    ] = None,
) -> None:
    """Load a FHIR Bundle from another installation into a centre (all or nothing)."""
    data = context.read_json_arg(bundle)
    who = by or context.cli_actor()
    engine = context.engine()
    try:
        with session_scope(engine) as db:
            done = import_bundle(db=db, bundle=data, centre_code=centre)
            for pid in done.patient_ids:
                log_event(
                    db=db, action="create", username=who, patient_id=pid, target="fhir-import"
                )
    finally:
        engine.dispose()
    msg = translate(N_("Imported {patients} patients into centre {centre}"), context.current_lang())
    sys.stderr.write(msg.format(patients=len(done.patient_ids), centre=centre) + "\n")


@fhir_app.command("terminology")
def terminology_cmd(
    out: Annotated[Path, typer.Option("--out", help="Folder for the JSON files.")],
) -> None:
    """Write the cdcare CodeSystems and one Questionnaire per instrument (item codes only)."""
    from cdcare.interop.terminology import dumps, generate

    if not out.is_dir():
        raise InputError(N_("Folder {path} does not exist"), path=str(out))
    for name, resource in generate().items():
        (out / name).write_text(dumps(resource), encoding="utf-8")
    sys.stderr.write(f"{out}\n")
