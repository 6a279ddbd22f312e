"""Follow-up rules (``care/data/followup.json``): values with their source and verified flag.

Outcome words shared by :mod:`cdcare.care.response`, :mod:`cdcare.care.screens` and
:mod:`cdcare.care.followup`: met / not_met / unknown, and insufficient_data for a flag.
"""

from __future__ import annotations

from dataclasses import dataclass

from cdcare.care._checks import load_data
from cdcare.errors import N_

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
INSUFFICIENT = "insufficient_data"
DISCLAIMER = N_("A screen to support the clinician, not a decision")


@dataclass(frozen=True)
class Rule:
    """A follow-up rule: ``value`` (units in ``en``), source tag, verified flag, texts."""

    code: str
    value: float | None
    source: str
    verified: bool
    en: str
    ko: str


def rules() -> dict[str, Rule]:
    """All follow-up rules by code."""
    return {
        k: Rule(k, v.get("value"), v["source"], v["verified"], v["en"], v["ko"])
        for k, v in load_data("followup.json")["rules"].items()
    }


def rule_value(code: str) -> float:
    """The numeric value of rule ``code`` (ValueError when the data gives none)."""
    value = rules()[code].value
    if value is None:
        raise ValueError(f"follow-up rule {code!r} has no value in the rule data")
    return float(value)
