"""The cdcare CodeSystems and one Questionnaire per instrument, generated from the scale
registry (:mod:`cdcare.clinical.scales`) and shipped as JSON in ``interop/data/fhir/``.

Questionnaires carry item codes and allowed integer values only, never an instrument's wording
(several instruments are licensed). CodeSystem displays are cdcare's own short neutral labels.
A test checks the shipped files equal :func:`generate` (regenerate with
``cdcare fhir terminology --out src/cdcare/interop/data/fhir``).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from cdcare.clinical.scales import Instrument, list_instruments
from cdcare.interop import codes as c
from cdcare.interop.export import validated
from cdcare.interop.resources import POSTURE, TREMOR

Resource = dict[str, Any]
PUBLISHER = "cdcare"


def _concept(code: str, display: str, ko: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"code": code, "display": display}
    if ko:
        out["designation"] = [{"language": "ko", "value": ko}]
    return out


def _instrument_concepts(inst: Instrument) -> list[dict[str, Any]]:
    out = [_concept(inst.code, inst.name_en, inst.name_ko)]
    out += [_concept(f"{inst.code}.{s.code}", s.label_en, s.label_ko) for s in inst.subscales]
    out += [_concept(f"{inst.code}.item.{i.code}", i.label_en, i.label_ko) for i in inst.items]
    out += [_concept(f"{inst.code}.band.{b.code}", b.label_en, b.label_ko) for b in inst.bands]
    return out


def scales_code_system() -> Resource:
    """CodeSystem ``urn:cdcare:codesystem:scales``: instruments, subscales, items, bands."""
    concepts = [k for inst in list_instruments() for k in _instrument_concepts(inst)]
    return {
        "resourceType": "CodeSystem",
        "id": "cdcare-scales",
        "url": c.SCALES,
        "name": "CdcareScales",
        "title": "cdcare rating scales (instruments, subscales, items, bands)",
        "status": "active",
        "publisher": PUBLISHER,
        "caseSensitive": True,
        "content": "complete",
        "count": len(concepts),
        "concept": concepts,
    }


def video_code_system() -> Resource:
    """CodeSystem ``urn:cdcare:codesystem:video``: the video measurement and its components
    (signs as in docs/video.md: + = toward the patient's left, chin down, forward)."""
    concepts = [_concept("head-posture-video", "Video head posture measurement")]
    concepts += [_concept(key, f"{key} ({text})") for key, _, text in POSTURE]
    concepts += [_concept("tremor_present", "Head tremor present")]
    concepts += [_concept("tremor_axis", "Head tremor main axis (yaw, roll or pitch)")]
    concepts += [_concept(f"tremor_{key}", f"tremor_{key} ({text})") for key, _, text in TREMOR]
    return {
        "resourceType": "CodeSystem",
        "id": "cdcare-video",
        "url": c.VIDEO,
        "name": "CdcareVideo",
        "title": "cdcare video head-posture measurement",
        "status": "active",
        "publisher": PUBLISHER,
        "caseSensitive": True,
        "content": "complete",
        "count": len(concepts),
        "concept": concepts,
    }


def questionnaire(inst: Instrument) -> Resource:
    """Questionnaire of one instrument: linkId = item code, integer answers, no wording."""
    return {
        "resourceType": "Questionnaire",
        "id": f"cdcare-{inst.code}",
        "url": f"{c.QUESTIONNAIRE}{inst.code}",
        "version": inst.version,
        "name": f"Cdcare{inst.code.capitalize()}",
        "status": "active",
        "publisher": PUBLISHER,
        "code": [{"system": c.SCALES, "code": inst.code}],
        "item": [
            {
                "linkId": i.code,
                "code": [{"system": c.SCALES, "code": f"{inst.code}.item.{i.code}"}],
                "type": "integer",
                "answerOption": [{"valueInteger": v} for v in i.values],
            }
            for i in inst.items
        ],
    }


def generate() -> dict[str, Resource]:
    """File name → validated resource, for every shipped terminology file."""
    out = {
        "CodeSystem-cdcare-scales.json": scales_code_system(),
        "CodeSystem-cdcare-video.json": video_code_system(),
    }
    for inst in list_instruments():
        out[f"Questionnaire-cdcare-{inst.code}.json"] = questionnaire(inst)
    return {name: validated(res) for name, res in out.items()}


def dumps(resource: Resource) -> str:
    """The canonical text of a shipped file (UTF-8 JSON, sorted keys, final newline)."""
    return json.dumps(resource, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def shipped() -> dict[str, str]:
    """File name → text of the terminology files shipped in the package."""
    folder = resources.files("cdcare.interop").joinpath("data/fhir")
    return {f.name: f.read_text("utf-8") for f in folder.iterdir() if f.name.endswith(".json")}
