"""Export a patient's (or a centre's) record as a FHIR R4B Bundle of type ``collection``.

What leaves: the pseudonymous record number (identifier with the centre's system URI), birth
year, sex, the diagnosis with its onset, visits, scale assessments (Observation with the total
and subscores as components, plus a QuestionnaireResponse holding the item answers), finished
video measurements, injection sessions with one MedicationAdministration per muscle and side,
oral medications and adverse events. What does not: free-text notes, user accounts, intake,
diary, exercises and appointments (docs/fhir.md). Units: angles ``deg`` (UCUM), tremor
frequency ``Hz``; shifts in inter-ocular (eye-centre) distances and shoulder elevation as a
fraction of shoulder width (UCUM ``1``); toxin doses in the product's own units (cdcare code).
Signs as in docs/video.md: + = toward the patient's left, chin down, head forward. Each
resource is written by :mod:`cdcare.interop.resources`; this module assembles and validates.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from fhir.resources.R4B import get_fhir_model_class
from sqlalchemy import select
from sqlalchemy.orm import Session

from cdcare.care.patients import get_patient
from cdcare.errors import N_, NotFound
from cdcare.interop import resources
from cdcare.interop.resources import POSTURE, TREMOR, Resource
from cdcare.store.care_models import InjectionSession, Medication
from cdcare.store.models import Centre, Patient, ScaleAssessment, Visit
from cdcare.store.video_models import JobStatus, VideoAnalysis

__all__ = ["POSTURE", "TREMOR", "Resource", "export_centre", "export_patient", "validated"]


def validated(resource: Resource) -> Resource:
    """``resource`` after validation by its fhir.resources R4B model (as JSON-ready dict)."""
    model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    out: Resource = model.model_dump(mode="json", exclude_none=True)
    return out


class _Ids:
    """``urn:uuid`` full URLs: random (version 4) per export, one per (resource kind, row id),
    so Bundles of different installations never share a fullUrl."""

    def __init__(self) -> None:
        self._made: dict[tuple[str, object], str] = {}

    def url(self, kind: str, key: object) -> str:
        return self._made.setdefault((kind, key), f"urn:uuid:{uuid.uuid4()}")


Entries = list[tuple[str, Resource]]


def _assessment_entries(db: Session, p: Patient, pat_url: str, ids: _Ids) -> Entries:
    """QuestionnaireResponse + Observation per current (not superseded) assessment."""
    superseded = select(ScaleAssessment.supersedes_id).where(
        ScaleAssessment.supersedes_id.is_not(None)
    )
    rows = db.scalars(
        select(ScaleAssessment)
        .where(ScaleAssessment.patient_id == p.id, ScaleAssessment.id.not_in(superseded))
        .order_by(ScaleAssessment.assessed_at, ScaleAssessment.id)
    )
    out: Entries = []
    for a in rows:
        enc = ids.url("Encounter", a.visit_id) if a.visit_id is not None else None
        qr_url = ids.url("QuestionnaireResponse", a.id)
        obs, qr = resources.assessment(a, pat_url, enc, qr_url)
        out += [(qr_url, qr), (ids.url("Observation", a.id), obs)]
    return out


def _video_entries(db: Session, p: Patient, pat_url: str, ids: _Ids) -> Entries:
    videos = db.scalars(
        select(VideoAnalysis)
        .where(VideoAnalysis.patient_id == p.id, VideoAnalysis.status == JobStatus.DONE)
        .order_by(VideoAnalysis.id)
    )
    made = ((ids.url("VideoObservation", v.id), resources.video(v, pat_url)) for v in videos)
    return [(url, res) for url, res in made if res is not None]


def _injection_entries(db: Session, p: Patient, pat_url: str, ids: _Ids) -> Entries:
    """Per session: its Procedure, one MedicationAdministration per site, its AdverseEvents."""
    sessions = db.scalars(
        select(InjectionSession)
        .where(InjectionSession.patient_id == p.id)
        .order_by(InjectionSession.injected_on, InjectionSession.id)
    )
    out: Entries = []
    for s in sessions:
        proc_url = ids.url("Procedure", s.id)
        made = resources.injection(s, pat_url, proc_url)
        out.append((proc_url, made[0]))
        out += [
            (ids.url("MedicationAdministration", site.id), r)
            for site, r in zip(s.sites, made[1:], strict=True)
        ]
        out += [
            (ids.url("AdverseEvent", ae.id), resources.adverse_event(ae, pat_url, proc_url))
            for ae in s.adverse_events
        ]
    return out


def _patient_entries(db: Session, p: Patient, centre: Centre, ids: _Ids) -> Entries:
    """Every entry of one patient, in a fixed order (the import keeps it)."""
    pat_url = ids.url("Patient", p.id)
    out = [
        (pat_url, resources.patient(p, centre, ids.url("Organization", centre.id))),
        (ids.url("Condition", p.id), resources.condition(p, pat_url)),
    ]
    visits = db.scalars(
        select(Visit).where(Visit.patient_id == p.id).order_by(Visit.visit_date, Visit.id)
    )
    out += [(ids.url("Encounter", v.id), resources.encounter(v, pat_url)) for v in visits]
    out += _assessment_entries(db, p, pat_url, ids)
    out += _video_entries(db, p, pat_url, ids)
    out += _injection_entries(db, p, pat_url, ids)
    meds = db.scalars(
        select(Medication)
        .where(Medication.patient_id == p.id)
        .order_by(Medication.start_on, Medication.id)
    )
    out += [(ids.url("MedicationStatement", m.id), resources.medication(m, pat_url)) for m in meds]
    return out


def _bundle(db: Session, centre: Centre, patients: Sequence[Patient]) -> Resource:
    ids = _Ids()
    entries = [(ids.url("Organization", centre.id), resources.organization(centre))]
    for p in patients:
        entries += _patient_entries(db, p, centre, ids)
    bundle = validated(
        {"resourceType": "Bundle", "type": "collection", "timestamp": datetime.now(UTC).isoformat()}
    )
    bundle["entry"] = [{"fullUrl": url, "resource": validated(res)} for url, res in entries]
    return bundle


def export_patient(*, db: Session, patient_id: int) -> Resource:
    """The record of one patient as a validated Bundle (JSON-ready dict)."""
    patient = get_patient(db=db, patient_id=patient_id)
    return _bundle(db, patient.centre, [patient])


def export_centre(*, db: Session, centre_code: str) -> Resource:
    """The records of every patient of centre ``centre_code`` in one Bundle."""
    centre = db.scalar(select(Centre).where(Centre.code == centre_code))
    if centre is None:
        raise NotFound(N_("Centre {code} not found"), code=centre_code)
    patients = db.scalars(
        select(Patient).where(Patient.centre_id == centre.id).order_by(Patient.id)
    )
    return _bundle(db, centre, list(patients))
