"""Botulinum-toxin session plans: pattern → muscles → doses, and the safety checks on a plan.

A plan uses ONE product; every dose is in that product's own units (never converted).
:func:`make_plan` suggests, for each candidate muscle and side, the LOWER bound of the sourced
range (the documented starting rule for naive and treated patients alike; the clinician
titrates within the range). Muscles with no sourced range for the product are listed, not dosed.
:func:`check_plan` returns findings: ``refuse`` (a rule is broken) or ``warn``. Malformed input
(unknown product/muscle/side, non-positive dose, mixed units, future date) raises
:class:`~cdcare.errors.InputError` instead.
"""

from cdcare.clinical.planning.checks import (
    check_plan,
    enforce,
    make_plan,
    make_record,
    plan_findings,
    raise_mixing,
    refusals,
)
from cdcare.clinical.planning.document import PlanDocument
from cdcare.clinical.planning.model import (
    Finding,
    Guidance,
    InjectionRecord,
    Level,
    Plan,
    PlanItem,
)
from cdcare.clinical.planning.serialise import plan_document, plan_from_dict, plan_to_dict

__all__ = [
    "Finding",
    "Guidance",
    "InjectionRecord",
    "Level",
    "Plan",
    "PlanDocument",
    "PlanItem",
    "check_plan",
    "enforce",
    "make_plan",
    "make_record",
    "plan_document",
    "plan_findings",
    "plan_from_dict",
    "plan_to_dict",
    "raise_mixing",
    "refusals",
]
