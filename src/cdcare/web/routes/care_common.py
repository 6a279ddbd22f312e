"""Helpers shared by the clinician care pages: form parsing and display labels (English
msgids, translated in the templates with ``_``). Patients are loaded by
:func:`cdcare.web.deps.patient_for`."""

from __future__ import annotations

import math

from fastapi import Depends
from starlette.datastructures import FormData

from cdcare.errors import N_, CdcareError, InputError
from cdcare.web.deps import current_user, verify_csrf

#: Dependencies of every state-changing care route: not logged in → login page (before the
#: CSRF check, so an expired session is sent to log in rather than refused), then CSRF.
POST_DEPS = [Depends(current_user), Depends(verify_csrf)]


def field_str(form: FormData, name: str) -> str:
    """A form field as stripped text ('' when absent)."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def whole(raw: str, field: str) -> int | None:
    """A whole number typed in a form field ('' → None)."""
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise InputError(N_("{field} must be a whole number"), field=field) from None


def number(raw: str, field: str) -> float:
    """A finite number typed in a form field (a blank or non-number is refused, naming it)."""
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise InputError(
            N_("{field} must be a positive number, got {value}"), field=field, value=repr(raw)
        )
    return value


def error_field(err: CdcareError) -> str:
    """The form field an error is about ('' when it names none): ``field`` param, first part."""
    field = err.params.get("field")
    return str(field).split(".")[0] if field else ""


#: Display labels of stored codes (intake vocabularies, enums); translated by ``_``.
LABELS: dict[str, str] = {
    # first symptoms
    "head_turning": N_("Head turning"),
    "head_tilt": N_("Head tilt"),
    "head_forward": N_("Head pulled forward"),
    "head_back": N_("Head pulled back"),
    "shoulder_elevation": N_("Shoulder elevation"),
    "head_tremor": N_("Head tremor"),
    "neck_pain": N_("Neck pain"),
    "neck_stiffness": N_("Neck stiffness"),
    "other": N_("Other"),
    # triggers
    "stress": N_("Stress"),
    "fatigue": N_("Fatigue"),
    "walking": N_("Walking"),
    "writing": N_("Writing"),
    "driving": N_("Driving"),
    "reading": N_("Reading"),
    "screen_use": N_("Screen use"),
    "cold": N_("Cold"),
    # sensory tricks
    "hand_on_chin": N_("Hand on chin"),
    "hand_on_cheek": N_("Hand on cheek"),
    "hand_on_back_of_head": N_("Hand on back of head"),
    "head_rest": N_("Head rest"),
    "touching_collar": N_("Touching the collar"),
    # other neurological signs and examination findings
    "pyramidal": N_("Pyramidal signs"),
    "cerebellar": N_("Cerebellar signs"),
    "sensory": N_("Sensory signs"),
    "cranial_nerve": N_("Cranial nerve signs"),
    "limb_tremor": N_("Limb tremor"),
    "dysarthria": N_("Dysarthria"),
    "parkinsonism": N_("Parkinsonism"),
    "chorea": N_("Chorea"),
    "cognitive_impairment": N_("Cognitive impairment"),
    "fixed_posture": N_("Fixed posture"),
    "fixed_skeletal_deformity": N_("Fixed skeletal deformity"),
    "neck_extensor_weakness": N_("Neck extensor weakness"),
    # prior treatments
    "botulinum_toxin": N_("Botulinum toxin"),
    "anticholinergic": N_("Anticholinergic"),
    "muscle_relaxant": N_("Muscle relaxant"),
    "benzodiazepine": N_("Benzodiazepine"),
    "analgesic": N_("Analgesic"),
    "physiotherapy": N_("Physiotherapy"),
    "acupuncture": N_("Acupuncture"),
    "surgery": N_("Surgery"),
    "dbs": N_("Deep brain stimulation"),
    # onset speed, course
    "sudden": N_("Sudden (hours to days)"),
    "subacute": N_("Subacute (weeks)"),
    "insidious": N_("Insidious (months or longer)"),
    "progressive": N_("Progressive"),
    "stable": N_("Stable"),
    "fluctuating": N_("Fluctuating"),
    "remitted": N_("Remitted"),
    "unknown": N_("Unknown"),
    # severities, guidance, rule outcomes, criterion kinds
    "mild": N_("mild"),
    "moderate": N_("moderate"),
    "severe": N_("severe"),
    "none": N_("no guidance"),
    "emg": N_("EMG"),
    "ultrasound": N_("ultrasound"),
    "emg+ultrasound": N_("EMG + ultrasound"),
    "met": N_("met"),
    "not_met": N_("not met"),
    "insufficient_data": N_("insufficient data"),
    "inclusion": N_("inclusion"),
    "relative_contraindication": N_("relative contraindication"),
    "twstrs": N_("TWSTRS"),
    "diary": N_("diary"),
    "titration": N_("titration"),
    "primary_non_response": N_("Primary non-response"),
    "rotation": N_("rotation"),
    "laterocollis": N_("laterocollis"),
    "anterocollis": N_("anterocollis"),
    "retrocollis": N_("retrocollis"),
    "secondary_non_response": N_("Secondary non-response"),
    "side_effect": N_("side effect"),
}


def label(code: str) -> str:
    """The English label (msgid) of a code; the code itself when it has none."""
    return LABELS.get(code, code)
