"""FHIR R4B resources of single cdcare records, as dicts (:mod:`cdcare.interop.export`
assembles them into a Bundle and validates each one).

One writer per kind of record: Organization (the centre), Patient, Condition (the diagnosis
with its onset), Encounter (a visit), Observation + QuestionnaireResponse (a scale assessment),
Observation (a finished video measurement), Procedure + MedicationAdministration (an injection
session, one per muscle and side), MedicationStatement (an oral medication with its titration
steps) and AdverseEvent. References are ``fullUrl`` strings the caller hands in. Units: angles
``deg`` (UCUM), tremor frequency ``Hz``; shifts in inter-ocular (eye-centre) distances and
shoulder elevation as a fraction of shoulder width (UCUM ``1``); toxin doses in the product's
own units (cdcare code). Signs as in docs/video.md: + = toward the patient's left, chin down,
head forward.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from cdcare.clinical.scales import get_instrument
from cdcare.interop import codes as c
from cdcare.store.care_models import InjectionSession, Medication
from cdcare.store.models import Centre, Patient, ScaleAssessment, Visit
from cdcare.store.video_models import VideoAnalysis

Resource = dict[str, Any]
#: video-contract key → (component code, UCUM unit code, unit text); see docs/video.md.
POSTURE = (
    ("rotation_deg", "deg", "degree"),
    ("tilt_deg", "deg", "degree"),
    ("flexion_deg", "deg", "degree"),
    ("lateral_shift", "1", "inter-ocular (eye-centre) distances"),
    ("sagittal_shift", "1", "inter-ocular (eye-centre) distances"),
    ("shoulder_elevation", "1", "fraction of shoulder width"),
)
TREMOR = (("frequency_hz", "Hz", "hertz"), ("amplitude_deg", "deg", "degree"))


def _coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    out = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def _concept(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    return {"coding": [_coding(system, code, display)]}


def _ref(url: str) -> dict[str, str]:
    return {"reference": url}


def _score(value: float) -> dict[str, Any]:
    return {"value": value, "unit": "{score}", "system": c.UCUM, "code": "{score}"}


def patient(p: Patient, centre: Centre, org_url: str) -> Resource:
    gender = {"F": "female", "M": "male"}.get(p.sex.value, "other")
    return {
        "resourceType": "Patient",
        "identifier": [{"system": c.patient_system(centre.code), "value": p.record_number}],
        "gender": gender,
        "birthDate": f"{p.birth_year:04d}",
        "managingOrganization": _ref(org_url),
    }


def organization(centre: Centre) -> Resource:
    return {
        "resourceType": "Organization",
        "identifier": [{"system": "urn:cdcare:centre", "value": centre.code}],
        "name": centre.name,
    }


def condition(p: Patient, pat_url: str) -> Resource:
    out: Resource = {
        "resourceType": "Condition",
        "clinicalStatus": _concept(c.CONDITION_CLINICAL, "active"),
        "category": [_concept(c.CONDITION_CATEGORY, "problem-list-item")],
        "code": {
            "coding": [
                _coding(c.ICD10, c.DIAGNOSIS_CODE, c.DIAGNOSIS_DISPLAY),
                _coding(c.KCD8, c.DIAGNOSIS_CODE, c.DIAGNOSIS_DISPLAY),
            ],
            "text": "Cervical dystonia",
        },
        "subject": _ref(pat_url),
    }
    if p.onset_date is not None:
        out["onsetDateTime"] = p.onset_date.isoformat()
    return out


def encounter(v: Visit, pat_url: str) -> Resource:
    remote = v.kind not in ("clinic", "injection")
    return {
        "resourceType": "Encounter",
        "status": "finished",
        "class": _coding(c.ACT_CODE, "VR" if remote else "AMB"),
        "type": [_concept(c.VISIT_KINDS, v.kind)],
        "subject": _ref(pat_url),
        "period": {"start": v.visit_date.isoformat(), "end": v.visit_date.isoformat()},
    }


def _instant(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


def assessment(
    a: ScaleAssessment, pat_url: str, enc_url: str | None, qr_url: str
) -> tuple[Resource, Resource]:
    """(Observation, QuestionnaireResponse) of one scored assessment."""
    inst = get_instrument(a.instrument)
    coding = [_coding(c.SCALES, a.instrument, inst.name_en)]
    loinc = c.loinc_totals().get(a.instrument)
    if loinc is not None:
        coding.insert(0, _coding(c.LOINC, loinc["code"], loinc["display"]))
    obs: Resource = {
        "resourceType": "Observation",
        "status": "final",
        "category": [_concept(c.OBS_CATEGORY, "survey")],
        "code": {"coding": coding, "text": inst.name_en},
        "subject": _ref(pat_url),
        "effectiveDateTime": _instant(a.assessed_at),
        "derivedFrom": [_ref(qr_url)],
        "component": [
            {
                "code": _concept(c.SCALES, f"{a.instrument}.{code}"),
                "valueQuantity": _score(float(value)),
            }
            for code, value in a.subscores.items()
        ],
    }
    if a.total is not None:
        obs["valueQuantity"] = _score(a.total)
    if a.band:
        obs["interpretation"] = [_concept(c.SCALES, f"{a.instrument}.band.{a.band}")]
    qr: Resource = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{c.QUESTIONNAIRE}{a.instrument}|{a.instrument_version}",
        "status": "completed",
        "subject": _ref(pat_url),
        "authored": _instant(a.assessed_at),
        "item": [
            {"linkId": code, "answer": [{"valueInteger": int(value)}]}
            for code, value in a.answers.items()
            if value is not None
        ],
    }
    if enc_url is not None:
        obs["encounter"] = _ref(enc_url)
        qr["encounter"] = _ref(enc_url)
    return obs, qr


def _quantity(value: float, code: str, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": c.UCUM, "code": code}


def video(v: VideoAnalysis, pat_url: str) -> Resource | None:
    """Observation of a finished video measurement (signs as in docs/video.md), or None."""
    result = v.result or {}
    posture, tremor = result.get("posture") or {}, result.get("tremor") or {}
    comps: list[dict[str, Any]] = []
    for key, unit, text in POSTURE:
        if isinstance(posture.get(key), int | float):
            comps.append(
                {
                    "code": _concept(c.VIDEO, key),
                    "valueQuantity": _quantity(float(posture[key]), unit, text),
                }
            )
    if isinstance(tremor.get("present"), bool):
        comps.append(
            {"code": _concept(c.VIDEO, "tremor_present"), "valueBoolean": tremor["present"]}
        )
    if isinstance(tremor.get("axis"), str):
        comps.append({"code": _concept(c.VIDEO, "tremor_axis"), "valueString": tremor["axis"]})
    for key, unit, text in TREMOR:
        if isinstance(tremor.get(key), int | float):
            comps.append(
                {
                    "code": _concept(c.VIDEO, f"tremor_{key}"),
                    "valueQuantity": _quantity(float(tremor[key]), unit, text),
                }
            )
    if not comps:
        return None
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [_concept(c.OBS_CATEGORY, "exam")],
        "code": {"coding": [_coding(c.VIDEO, "head-posture-video")], "text": "Video head posture"},
        "method": _concept(c.VIDEO_SOURCES, v.source),
        "subject": _ref(pat_url),
        "effectiveDateTime": _instant(v.finished_at or v.created_at),
        "component": comps,
    }


def injection(s: InjectionSession, pat_url: str, proc_url: str) -> list[Resource]:
    """Procedure of one session, then one MedicationAdministration per muscle and side."""
    product = _concept(c.TOXINS, s.product)
    proc: Resource = {
        "resourceType": "Procedure",
        "extension": [
            {"url": c.EXT_LOT, "valueString": s.lot},
            {"url": c.EXT_DILUTION, "valueDecimal": s.dilution_u_per_ml},
            {"url": c.EXT_GUIDANCE, "valueCode": s.guidance},
        ],
        "status": "completed",
        "code": _concept(c.PROCEDURES, "botulinum-toxin-injection"),
        "subject": _ref(pat_url),
        "performedDateTime": s.injected_on.isoformat(),
        "usedCode": [product],
    }
    if s.injector:
        proc["performer"] = [{"actor": {"display": s.injector}}]
    out = [proc]
    for site in s.sites:
        out.append(
            {
                "resourceType": "MedicationAdministration",
                "status": "completed",
                "medicationCodeableConcept": product,
                "subject": _ref(pat_url),
                "effectiveDateTime": s.injected_on.isoformat(),
                "partOf": [_ref(proc_url)],
                "dosage": {
                    "site": {
                        "extension": [{"url": c.EXT_LATERALITY, "valueCode": site.side}],
                        "coding": [_coding(c.MUSCLES, site.muscle)],
                    },
                    "dose": {
                        "value": site.dose,
                        "unit": s.unit,
                        "system": c.TOXIN_UNITS,
                        "code": c.toxin_unit_code(s.product),
                    },
                },
            }
        )
    return out


def _dosage(seq: int, dose: float, unit: str, frequency: str, start: date) -> dict[str, Any]:
    return {
        "sequence": seq,
        "timing": {
            "repeat": {"boundsPeriod": {"start": start.isoformat()}},
            "code": {"text": frequency},
        },
        "doseAndRate": [
            {"doseQuantity": {"value": dose, "unit": unit, "system": c.MED_UNITS, "code": unit}}
        ],
    }


def medication(m: Medication, pat_url: str) -> Resource:
    """MedicationStatement: dosage 1 = the current dose; titration steps follow in order."""
    period: dict[str, str] = {"start": m.start_on.isoformat()}
    if m.stop_on is not None:
        period["end"] = m.stop_on.isoformat()
    steps = [e for e in m.events if e.kind == "titration" and e.dose is not None]
    out: Resource = {
        "resourceType": "MedicationStatement",
        "status": "active" if m.stop_on is None else "stopped",
        "category": _concept(c.DRUG_CLASSES, m.drug_class.value),
        "medicationCodeableConcept": {"text": m.drug},
        "subject": _ref(pat_url),
        "effectivePeriod": period,
        "dosage": [_dosage(1, m.dose, m.unit, m.frequency, m.start_on)]
        + [
            _dosage(k, float(e.dose or 0), m.unit, e.frequency, e.on)
            for k, e in enumerate(steps, start=2)
        ],
    }
    if m.stop_reason:
        out["statusReason"] = [{"text": m.stop_reason}]
    return out


def adverse_event(ae: Any, pat_url: str, proc_url: str) -> Resource:
    return {
        "resourceType": "AdverseEvent",
        "actuality": "actual",
        "event": _concept(c.ADVERSE_EVENTS, ae.code),
        "subject": _ref(pat_url),
        "date": ae.onset_on.isoformat(),
        "severity": _concept(c.AE_SEVERITY, ae.severity),
        "suspectEntity": [{"instance": _ref(proc_url)}],
    }
