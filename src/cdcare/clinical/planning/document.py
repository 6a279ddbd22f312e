"""The written plan as one typed model: :class:`PlanDocument` (what ``cdcare plan`` prints,
what the planning page and the visit flow show and store as the checked plan).

Doses, ranges and totals are in the plan product's own units (``unit``; never converted);
numbers keep their JSON type (an integer dose stays an integer). Every model forbids unknown
keys (``extra="forbid"``). Optional ``note`` fields are left out of the JSON when empty, so
the JSON is ``model_dump(mode="json", exclude_unset=True)`` (:meth:`PlanDocument.to_json`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Number = int | float


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourcedValue(_Doc):
    """A sourced fact (value, source tag, verified or not, optional note)."""

    value: bool | int | float | None
    source: str
    verified: bool
    note: str | None = None


class RangeDoc(_Doc):
    """A muscle's sourced dose range ``low``–``high`` (product units)."""

    low: Number
    high: Number
    source: str
    verified: bool
    note: str | None = None


class InjectionDoc(_Doc):
    """One planned injection: muscle code and name, the patient's side, dose, its range."""

    muscle: str
    muscle_name: str
    side: Literal["left", "right"]
    dose: Number
    range: RangeDoc | None
    patterns: list[str]
    guidance_recommended: bool


class CandidateDoc(_Doc):
    """A candidate muscle without a sourced range for the product (listed, not dosed)."""

    muscle: str
    muscle_name: str
    side: Literal["left", "right"]


class FindingDoc(_Doc):
    """One rule outcome with its message in the requested language and its source."""

    level: Literal["refuse", "warn"]
    code: str
    message: str
    source: str
    verified: bool


class ConversionDoc(_Doc):
    """A published unit ratio between two products (information only, never applied)."""

    pair: tuple[str, str]
    ratio: str
    source: str
    verified: bool


class PlanDocument(_Doc):
    """A JSON-ready plan: product, unit, injections with ranges and sources, total, findings."""

    product: str
    product_name: str
    unit: str
    approved_cd_korea: SourcedValue | None
    patterns: list[str]
    naive: bool
    injections: list[InjectionDoc]
    unranged_candidates: list[CandidateDoc]
    total: Number
    session_max: SourcedValue | None
    findings: list[FindingDoc]
    sources: list[str]
    conversion_info: list[ConversionDoc]

    @property
    def refused(self) -> bool:
        """Some finding blocks the plan."""
        return any(f.level == "refuse" for f in self.findings)

    def to_json(self) -> dict[str, object]:
        """The JSON form (empty notes left out)."""
        return self.model_dump(mode="json", exclude_unset=True)


__all__ = [
    "CandidateDoc",
    "ConversionDoc",
    "FindingDoc",
    "InjectionDoc",
    "PlanDocument",
    "RangeDoc",
    "SourcedValue",
]
