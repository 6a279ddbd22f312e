"""De-identified research dataset of one centre: CSV tables plus a Markdown data dictionary.

What leaves: a random study id per patient, birth year, sex, family history, visit kinds,
rating-scale totals, bands and subscores, injection sessions (product, unit, dilution,
guidance, total dose) with their sites and doses and adverse-event codes, oral medications
(drug, class, dose, frequency), video measurements (degrees, fractions, Hz) and monthly diary
summaries. What never leaves: names (of patients or staff, e.g. the injector), record numbers,
free-text notes and reasons, lot numbers, file names, database ids, and the link from study id
to patient.

Dates: every date of a patient is moved by that patient's offset (whole days, random in
±``MAX_OFFSET_DAYS``, never 0), so the intervals between one patient's dates are kept exactly
while the calendar dates are not real. Date-times are first taken as calendar dates in the
installation's time zone. Study id and offset are kept in ``research_key`` in the source
database only (:mod:`cdcare.store.research_models`), made at a patient's first export and
reused after. Birth year is not shifted (ages are off by at most one year).
"""

from __future__ import annotations

import csv
import os
import secrets
import shutil
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdcare.care.audit import log_event
from cdcare.clock import centre_zone
from cdcare.errors import N_, InputError, NotFound
from cdcare.store.care_models import DiaryEntry, InjectionSession, Medication
from cdcare.store.models import Centre, Patient, ScaleAssessment, Visit
from cdcare.store.research_models import ResearchKey
from cdcare.store.video_models import JobStatus, VideoAnalysis

MAX_OFFSET_DAYS = 365  # offsets are drawn from −365…−1 and 1…365 days
DICTIONARY_NAME = "DATA_DICTIONARY.md"
AXES = ("yaw", "roll", "pitch")
VIDEO_FIELDS = (
    "rotation_deg",
    "tilt_deg",
    "flexion_deg",
    "lateral_shift",
    "sagittal_shift",
    "shoulder_elevation",
)

#: file name → column names, in the order written (the data dictionary describes each).
TABLES: dict[str, tuple[str, ...]] = {
    "patients.csv": ("study_id", "birth_year", "sex", "onset_date", "family_history"),
    "visits.csv": ("study_id", "visit_date", "kind"),
    "scale_scores.csv": (
        "study_id",
        "assessment",
        "assessed_on",
        "instrument",
        "instrument_version",
        "total",
        "band",
    ),
    "scale_subscores.csv": ("study_id", "assessment", "subscore", "value"),
    "injection_sessions.csv": (
        "study_id",
        "session",
        "injected_on",
        "product",
        "unit",
        "dilution_u_per_ml",
        "guidance",
        "total_units",
    ),
    "injection_sites.csv": ("study_id", "session", "muscle", "side", "dose"),
    "adverse_events.csv": ("study_id", "session", "onset_on", "code", "severity"),
    "medications.csv": (
        "study_id",
        "drug",
        "drug_class",
        "dose",
        "unit",
        "frequency",
        "start_on",
        "stop_on",
    ),
    "video_measurements.csv": (
        "study_id",
        "recorded_on",
        "source",
        "mirrored",
        *VIDEO_FIELDS,
        "tremor_present",
        "tremor_axis",
        "tremor_frequency_hz",
        "tremor_amplitude_deg",
        "face_found_ratio",
        "duration_s",
    ),
    "diary_monthly.csv": (
        "study_id",
        "month",
        "entries",
        "mean_severity",
        "max_severity",
        "mean_pain",
        "exercise_days",
        "side_effect_days",
    ),
}


@dataclass(frozen=True)
class ResearchExport:
    """What an export wrote: the folder, rows per file, and the number of patients."""

    out_dir: Path
    rows: dict[str, int]
    patients: int


def _new_key(db: Session, patient_id: int) -> ResearchKey:
    taken = set(db.scalars(select(ResearchKey.study_id)))
    study_id = f"S{secrets.token_hex(5).upper()}"
    while study_id in taken:
        study_id = f"S{secrets.token_hex(5).upper()}"
    offset = secrets.randbelow(MAX_OFFSET_DAYS) + 1
    key = ResearchKey(
        patient_id=patient_id,
        study_id=study_id,
        date_offset_days=offset if secrets.randbelow(2) else -offset,
    )
    db.add(key)
    db.flush()
    return key


def research_keys(*, db: Session, patients: Sequence[Patient]) -> dict[int, ResearchKey]:
    """Each patient's key (created when missing), by patient id."""
    ids = [p.id for p in patients]
    keys = {
        k.patient_id: k
        for k in db.scalars(select(ResearchKey).where(ResearchKey.patient_id.in_(ids)))
    }
    for pid in ids:
        if pid not in keys:
            keys[pid] = _new_key(db, pid)
    return keys


class _Shift:
    """Moves one patient's dates by their offset (date-times via the local calendar date)."""

    def __init__(self, offset_days: int, tz: ZoneInfo) -> None:
        self.delta = timedelta(days=offset_days)
        self.tz = tz

    def __call__(self, value: date | datetime | None) -> str:
        if value is None:
            return ""
        day = value.astimezone(self.tz).date() if isinstance(value, datetime) else value
        return (day + self.delta).isoformat()


def _num(value: Any) -> Any:
    """Numbers as they are; booleans as 0/1; anything else (text) dropped."""
    if isinstance(value, bool):
        return int(value)
    return value if isinstance(value, int | float) else ""


def _patient_rows(
    db: Session, patient: Patient, study_id: str, shift: _Shift, counters: dict[str, int]
) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    sid = {"study_id": study_id}
    out["patients.csv"].append(
        {**sid, "birth_year": patient.birth_year, "sex": patient.sex.value,
         "onset_date": shift(patient.onset_date), "family_history": _num(patient.family_history)}
    )  # fmt: skip
    for visit in db.scalars(
        select(Visit).where(Visit.patient_id == patient.id).order_by(Visit.visit_date)
    ):
        out["visits.csv"].append({**sid, "visit_date": shift(visit.visit_date), "kind": visit.kind})
    scales = db.scalars(
        select(ScaleAssessment)
        .where(ScaleAssessment.patient_id == patient.id)
        .order_by(ScaleAssessment.assessed_at, ScaleAssessment.id)
    )
    for a in scales:
        counters["assessment"] += 1
        ref = counters["assessment"]
        out["scale_scores.csv"].append(
            {**sid, "assessment": ref, "assessed_on": shift(a.assessed_at),
             "instrument": a.instrument, "instrument_version": a.instrument_version,
             "total": _num(a.total), "band": a.band or ""}
        )  # fmt: skip
        for name, value in sorted((a.subscores or {}).items()):
            out["scale_subscores.csv"].append(
                {**sid, "assessment": ref, "subscore": name, "value": _num(value)}
            )
    sessions = db.scalars(
        select(InjectionSession)
        .where(InjectionSession.patient_id == patient.id)
        .order_by(InjectionSession.injected_on, InjectionSession.id)
    )
    for s in sessions:
        counters["session"] += 1
        ref = counters["session"]
        out["injection_sessions.csv"].append(
            {**sid, "session": ref, "injected_on": shift(s.injected_on), "product": s.product,
             "unit": s.unit, "dilution_u_per_ml": s.dilution_u_per_ml, "guidance": s.guidance,
             "total_units": s.total_units}
        )  # fmt: skip
        for site in s.sites:
            out["injection_sites.csv"].append(
                {**sid, "session": ref, "muscle": site.muscle, "side": site.side, "dose": site.dose}
            )
        for ae in s.adverse_events:
            out["adverse_events.csv"].append(
                {
                    **sid,
                    "session": ref,
                    "onset_on": shift(ae.onset_on),
                    "code": ae.code,
                    "severity": ae.severity,
                }
            )
    for m in db.scalars(
        select(Medication).where(Medication.patient_id == patient.id).order_by(Medication.start_on)
    ):
        out["medications.csv"].append(
            {**sid, "drug": m.drug, "drug_class": m.drug_class.value, "dose": m.dose,
             "unit": m.unit, "frequency": m.frequency, "start_on": shift(m.start_on),
             "stop_on": shift(m.stop_on)}
        )  # fmt: skip
    out["video_measurements.csv"] = _video_rows(db, patient.id, sid, shift)
    out["diary_monthly.csv"] = _diary_rows(db, patient.id, sid, shift)
    return out


def _video_rows(
    db: Session, patient_id: int, sid: dict[str, str], shift: _Shift
) -> list[dict[str, Any]]:
    rows = []
    done = db.scalars(
        select(VideoAnalysis)
        .where(VideoAnalysis.patient_id == patient_id, VideoAnalysis.status == JobStatus.DONE)
        .order_by(VideoAnalysis.created_at)
    )
    for v in done:
        result = v.result or {}
        posture, tremor = result.get("posture") or {}, result.get("tremor") or {}
        rows.append(
            {**sid, "recorded_on": shift(v.created_at), "source": v.source,
             "mirrored": int(v.mirrored),
             **{k: _num(posture.get(k)) for k in VIDEO_FIELDS},
             "tremor_present": _num(tremor.get("present")),
             "tremor_axis": tremor.get("axis") if tremor.get("axis") in AXES else "",
             "tremor_frequency_hz": _num(tremor.get("frequency_hz")),
             "tremor_amplitude_deg": _num(tremor.get("amplitude_deg")),
             "face_found_ratio": _num((result.get("quality") or {}).get("face_found_ratio")),
             "duration_s": _num((result.get("video") or {}).get("duration_s"))}
        )  # fmt: skip
    return rows


def _diary_rows(
    db: Session, patient_id: int, sid: dict[str, str], shift: _Shift
) -> list[dict[str, Any]]:
    months: dict[str, list[DiaryEntry]] = defaultdict(list)
    for e in db.scalars(select(DiaryEntry).where(DiaryEntry.patient_id == patient_id)):
        months[shift(e.entry_date)[:7]].append(e)
    rows = []
    for month, entries in sorted(months.items()):
        sev = [e.severity for e in entries]
        rows.append(
            {**sid, "month": month, "entries": len(entries),
             "mean_severity": round(statistics.fmean(sev), 2), "max_severity": max(sev),
             "mean_pain": round(statistics.fmean(e.pain for e in entries), 2),
             "exercise_days": sum(1 for e in entries if e.exercise_done),
             "side_effect_days": sum(1 for e in entries if e.side_effects)}
        )  # fmt: skip
    return rows


def _write_csv(path: Path, fields: Sequence[str], rows: Iterable[dict[str, Any]]) -> int:
    n = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="raise")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            n += 1
    return n


def _check_target(out_dir: Path) -> None:
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise InputError(
            N_("{path} already exists and is not an empty folder; choose a new one"),
            path=str(out_dir),
        )


def _write_all(out_dir: Path, tables: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    """Write every table and the dictionary into ``out_dir.part``, then rename it into place
    (a failed export leaves no partial dataset)."""
    part = out_dir.with_name(out_dir.name + ".part")
    try:
        shutil.rmtree(part, ignore_errors=True)
        part.mkdir(parents=True)
        counts = {
            name: _write_csv(part / name, cols, tables[name]) for name, cols in TABLES.items()
        }
        dictionary = resources.files("cdcare.research") / "data_dictionary.md"
        (part / DICTIONARY_NAME).write_text(dictionary.read_text(encoding="utf-8"), "utf-8")
        os.replace(part, out_dir)  # onto a missing or empty folder
    except OSError as exc:
        shutil.rmtree(part, ignore_errors=True)
        raise InputError(
            N_("Cannot write {path}: {reason}"), path=str(out_dir), reason=exc.strerror
        ) from None
    return counts


def export_research(
    *, db: Session, centre_code: str, out_dir: Path, exported_by: str, reason: str, timezone: str
) -> ResearchExport:
    """Write the de-identified dataset of centre ``centre_code`` into the new folder ``out_dir``.

    Logs one ``export`` event per patient and one for the dataset (PIPA access log). The caller
    commits (the research keys and the log rows are written in ``db``'s transaction).
    """
    centre = db.scalar(select(Centre).where(Centre.code == centre_code))
    if centre is None:
        raise NotFound(N_("Centre {code} not found"), code=centre_code)
    _check_target(out_dir)
    patients = db.scalars(
        select(Patient).where(Patient.centre_id == centre.id).order_by(Patient.id)
    ).all()
    keys = research_keys(db=db, patients=patients)
    tz = centre_zone(timezone)
    tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
    counters: dict[str, int] = defaultdict(int)
    for patient in sorted(patients, key=lambda p: keys[p.id].study_id):  # no link to db order
        key = keys[patient.id]
        for name, rows in _patient_rows(
            db, patient, key.study_id, _Shift(key.date_offset_days, tz), counters
        ).items():
            tables[name].extend(rows)
        log_event(db=db, action="export", username=exported_by, patient_id=patient.id,
                  target=f"research:{centre.code}", reason=reason)  # fmt: skip
    counts = _write_all(out_dir, tables)
    target = f"research:{centre.code}:{len(patients)} patients"
    log_event(db=db, action="export", username=exported_by, target=target, reason=reason)
    return ResearchExport(out_dir=out_dir, rows=counts, patients=len(patients))


__all__ = ["MAX_OFFSET_DAYS", "TABLES", "ResearchExport", "export_research", "research_keys"]
