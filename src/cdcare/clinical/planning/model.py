"""The plan's data: :class:`Plan` of :class:`PlanItem`, rule :class:`Finding`, the log's
:class:`InjectionRecord` (doses always in the plan product's own units)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from cdcare.clinical.posture import Pattern, Side, muscles
from cdcare.clinical.toxins import DoseRange
from cdcare.i18n import translate


class Level(StrEnum):
    """Severity of a finding: ``refuse`` blocks the plan, ``warn`` informs."""

    REFUSE = "refuse"
    WARN = "warn"


@dataclass(frozen=True)
class Finding:
    """One rule outcome; ``message`` is an English template (msgid) filled from ``params``."""

    level: Level
    code: str
    message: str
    params: Mapping[str, Any]
    source: str
    verified: bool

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` ('en' or 'ko'), with muscle names and sides in that
        language and numbers without trailing zeros (35.0 → 35)."""
        params = {k: _display(k, v, lang) for k, v in self.params.items()}
        return translate(self.message, lang).format(**params)


def _display(key: str, value: Any, lang: str) -> Any:
    """A finding parameter as a person reads it in ``lang``."""
    if key == "muscle" and isinstance(value, str) and value in muscles():
        m = muscles()[value]
        return m.ko if lang == "ko" else m.en
    if key == "side" and isinstance(value, str):
        return translate(value, lang)
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:g}"
    return value


@dataclass(frozen=True)
class PlanItem:
    """One injection: muscle on the patient's ``side``, ``dose`` in the plan product's units.

    ``product``, when given (e.g. read from a file), must be the plan's product.
    """

    muscle: str
    side: Side
    dose: float
    range: DoseRange | None = None
    patterns: tuple[str, ...] = ()
    product: str | None = None


@dataclass(frozen=True)
class Plan:
    """A session plan for one product; ``unranged`` = candidates without a sourced range."""

    product: str
    items: tuple[PlanItem, ...]
    patterns: tuple[Pattern, ...] = ()
    naive: bool = False
    unranged: tuple[tuple[str, Side], ...] = field(default_factory=tuple)

    @property
    def total(self) -> float:
        """Session total in the product's units."""
        return sum(i.dose for i in self.items)


class Guidance(StrEnum):
    """How injections were guided."""

    NONE = "none"
    EMG = "emg"
    ULTRASOUND = "ultrasound"
    EMG_ULTRASOUND = "emg+ultrasound"


@dataclass(frozen=True)
class InjectionRecord:
    """One injection session as given (the log); doses in ``product``'s units.

    ``dilution_u_per_ml``: product units per mL after reconstitution.
    """

    on: date
    product: str
    lot: str
    dilution_u_per_ml: float
    items: tuple[PlanItem, ...]
    guidance: Guidance
    injector: str
    adverse_events: tuple[str, ...] = ()

    @property
    def total(self) -> float:
        """Session total in the product's units."""
        return sum(i.dose for i in self.items)


__all__ = ["Finding", "Guidance", "InjectionRecord", "Level", "Plan", "PlanItem"]
