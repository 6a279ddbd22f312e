"""Who may do what: permissions as data, default deny, other centres' records are invisible.

A staff member (admin, physician, nurse) reaches only patients of their own centre; a patient
reaches only their own record. A record outside that reach answers :class:`NotFound`, exactly
like a record that does not exist (no hint that it exists elsewhere). An action the role lacks
answers :class:`PermissionDenied`.
"""

from __future__ import annotations

from enum import StrEnum

from cdcare.clinical.scales import normalise_code
from cdcare.errors import N_, NotFound, PermissionDenied
from cdcare.store.models import Patient, Role, User


class Action(StrEnum):
    """Things a user can ask to do."""

    PATIENT_LIST = "patient.list"
    PATIENT_VIEW = "patient.view"
    PATIENT_CREATE = "patient.create"
    PATIENT_EDIT = "patient.edit"
    SCALE_RECORD = "scale.record"
    SCALE_SELF_REPORT = "scale.self_report"  # patient-reported questionnaires (PHQ-9, CDIP-58...)
    INJECTION_PLAN = "injection.plan"
    INJECTION_RECORD = "injection.record"
    VIDEO_UPLOAD = "video.upload"
    DIARY_WRITE = "diary.write"
    REPORT_EXPORT = "report.export"
    AUDIT_VIEW = "audit.view"
    USER_MANAGE = "user.manage"
    CENTRE_SETTINGS = "centre.settings"
    CARE_VIEW = "care.view"  # clinician care pages: intake/diagnosis support, log, follow-up
    INTAKE_RECORD = "intake.record"
    ADVERSE_EVENT_RECORD = "adverse_event.record"
    MEDICATION_RECORD = "medication.record"


_STAFF_CLINICAL = {
    Action.PATIENT_LIST,
    Action.PATIENT_VIEW,
    Action.PATIENT_CREATE,
    Action.PATIENT_EDIT,
    Action.SCALE_RECORD,
    Action.SCALE_SELF_REPORT,
    Action.VIDEO_UPLOAD,
    Action.REPORT_EXPORT,
    Action.CARE_VIEW,
    Action.INTAKE_RECORD,
    Action.ADVERSE_EVENT_RECORD,
}

#: Role → allowed actions. Anything not listed is denied.
PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(
        {Action.PATIENT_LIST, Action.AUDIT_VIEW, Action.USER_MANAGE, Action.CENTRE_SETTINGS}
    ),
    Role.PHYSICIAN: frozenset(
        _STAFF_CLINICAL | {Action.INJECTION_PLAN, Action.INJECTION_RECORD, Action.MEDICATION_RECORD}
    ),
    Role.NURSE: frozenset(_STAFF_CLINICAL),
    Role.PATIENT: frozenset(
        {
            Action.PATIENT_VIEW,
            Action.SCALE_SELF_REPORT,
            Action.VIDEO_UPLOAD,
            Action.DIARY_WRITE,
            Action.REPORT_EXPORT,
        }
    ),
}


def can(user: User, action: Action) -> bool:
    """True if the user's role allows ``action`` (ignores which patient)."""
    return user.active and action in PERMISSIONS.get(user.role, frozenset())


def authorize(user: User, action: Action, patient: Patient | None = None) -> None:
    """Raise unless ``user`` may do ``action`` (on ``patient``, if given).

    Reach is checked first so that a record outside it is NotFound whatever the action.
    """
    if patient is not None:
        ensure_reach(user, patient)
    if not can(user, action):
        raise PermissionDenied(N_("Your role may not do this ({action})"), action=action.value)


def ensure_reach(user: User, patient: Patient) -> None:
    """Raise :class:`NotFound` (as for a missing record) unless ``patient`` is in reach."""
    if not in_reach(user, patient):
        raise NotFound(N_("Patient {id} not found"), id=patient.id)


def in_reach(user: User, patient: Patient) -> bool:
    """Own centre for staff; own record for a patient account."""
    if user.role is Role.PATIENT:
        return user.patient_id == patient.id
    return user.centre_id == patient.centre_id


#: Clinician-rated instruments (the rest are patient-reported questionnaires).
CLINICIAN_RATED = frozenset({"twstrs", "twstrs2", "tsui"})


def scale_action(instrument: str) -> Action:
    """The permission needed to record ``instrument``: clinician-rated or self-report.

    The code is normalised exactly as the scale registry normalises it, so every spelling the
    registry accepts (``" TWSTRS "``, ``"Tsui"``) needs the same permission.
    """
    if normalise_code(instrument) in CLINICIAN_RATED:
        return Action.SCALE_RECORD
    return Action.SCALE_SELF_REPORT


#: Role names as shown to people (translated at display time).
ROLE_LABELS = {
    Role.ADMIN: N_("admin"),
    Role.PHYSICIAN: N_("physician"),
    Role.NURSE: N_("nurse"),
    Role.PATIENT: N_("patient"),
}
