"""Rating-scale engine: instruments as data (items, rules, sources) and their scoring.

Public API: :func:`list_instruments`, :func:`get_instrument`, :func:`score` and the data
classes. Instrument codes: ``twstrs``, ``twstrs2``, ``tsui``, ``cdip58``, ``phq9``, ``gad7``.
Sources are bibliography tags (docs/clinical-sources.md); see each module docstring.
"""

from __future__ import annotations

from collections.abc import Mapping

from cdcare.clinical.scales import cdip58, gad7, phq9, tsui, twstrs, twstrs2
from cdcare.clinical.scales.base import (
    AlertRule,
    Band,
    Instrument,
    Item,
    Subscale,
    Term,
)
from cdcare.clinical.scales.scoring import ScoreResult, score_answers
from cdcare.errors import N_, ScaleError

_REGISTRY: dict[str, Instrument] = {
    m.INSTRUMENT.code: m.INSTRUMENT for m in (twstrs, twstrs2, tsui, cdip58, phq9, gad7)
}


def list_instruments() -> list[Instrument]:
    """All instruments, in a stable order."""
    return list(_REGISTRY.values())


def normalise_code(code: str) -> str:
    """The registry key for an instrument code as typed: surrounding blanks and case ignored.

    Every lookup and every permission decision on an instrument uses this one normalisation,
    so no spelling can reach a scale by one path and slip past a rule on another.
    """
    return code.strip().casefold()


def get_instrument(code: str) -> Instrument:
    """The instrument named ``code`` (case-insensitive); ScaleError listing known codes."""
    found = _REGISTRY.get(normalise_code(code)) if isinstance(code, str) else None
    if found is None:
        raise ScaleError(
            N_("Unknown instrument {instrument}; known instruments: {known}"),
            instrument=str(code),
            known=", ".join(_REGISTRY),
        )
    return found


def score(code: str, answers: Mapping[str, object]) -> ScoreResult:
    """Score ``answers`` (item code → value) on instrument ``code``; input is not mutated."""
    return score_answers(get_instrument(code), answers)


__all__ = [
    "AlertRule",
    "Band",
    "Instrument",
    "Item",
    "ScoreResult",
    "Subscale",
    "Term",
    "get_instrument",
    "list_instruments",
    "normalise_code",
    "score",
]
