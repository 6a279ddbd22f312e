"""Code systems, identifier systems and unit codes of the cdcare FHIR export.

Terminology (see docs/fhir.md): ICD-10 ``http://hl7.org/fhir/sid/icd-10`` and KR Core's KCD-8
``http://www.hl7korea.or.kr/CodeSystem/kostat-kcd-8`` for the diagnosis (G24.3); LOINC only for
the totals listed, with their source, in ``interop/data/loinc.json``; everything else is a
cdcare code system (``urn:cdcare:codesystem:...``). Angles are in UCUM ``deg`` and tremor
frequency in ``Hz``; toxin doses use one cdcare unit code per product (``U-botox``...) because
the units of different botulinum-toxin products are not interchangeable.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

ICD10 = "http://hl7.org/fhir/sid/icd-10"
KCD8 = "http://www.hl7korea.or.kr/CodeSystem/kostat-kcd-8"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
AE_SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

SCALES = "urn:cdcare:codesystem:scales"
VIDEO = "urn:cdcare:codesystem:video"
PROCEDURES = "urn:cdcare:codesystem:procedures"
TOXINS = "urn:cdcare:codesystem:toxin-products"
TOXIN_UNITS = "urn:cdcare:codesystem:toxin-units"
MUSCLES = "urn:cdcare:codesystem:muscles"
SIDES = "urn:cdcare:codesystem:sides"
ADVERSE_EVENTS = "urn:cdcare:codesystem:adverse-events"
DRUG_CLASSES = "urn:cdcare:codesystem:drug-classes"
MED_UNITS = "urn:cdcare:codesystem:medication-units"
VISIT_KINDS = "urn:cdcare:codesystem:visit-kinds"
VIDEO_SOURCES = "urn:cdcare:codesystem:video-sources"
QUESTIONNAIRE = "urn:cdcare:questionnaire:"

EXT_LOT = "urn:cdcare:extension:lot-number"
EXT_DILUTION = "urn:cdcare:extension:dilution-units-per-ml"
EXT_GUIDANCE = "urn:cdcare:extension:injection-guidance"
EXT_LATERALITY = "urn:cdcare:extension:laterality"

#: G24.3 in ICD-10 (WHO) and in KCD-8, the Korean adaptation of ICD-10, which keeps the code.
DIAGNOSIS_CODE = "G24.3"
DIAGNOSIS_DISPLAY = "Spasmodic torticollis"


def patient_system(centre_code: str) -> str:
    """The identifier system of one centre's record numbers, ``urn:cdcare:centre:CODE:patient``."""
    return f"urn:cdcare:centre:{centre_code}:patient"


def toxin_unit_code(product: str) -> str:
    """The cdcare unit code of a toxin product's own units, e.g. ``U-botox``."""
    return f"U-{product}"


def product_of_unit(code: str) -> str | None:
    """The product whose unit code is ``code`` (``U-botox`` → ``botox``), or None."""
    from cdcare.clinical.toxins import products

    name = code.removeprefix("U-") if code.startswith("U-") else None
    return name if name in products() else None


@cache
def loinc_totals() -> dict[str, dict[str, Any]]:
    """Instrument code → verified LOINC code of its total (from ``data/loinc.json``)."""
    raw = resources.files("cdcare.interop").joinpath("data/loinc.json").read_text("utf-8")
    totals: dict[str, dict[str, Any]] = json.loads(raw)["totals"]
    return {k: v for k, v in totals.items() if v.get("verified")}
