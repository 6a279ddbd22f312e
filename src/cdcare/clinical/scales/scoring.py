"""Scoring of one answer set on an instrument of :mod:`cdcare.clinical.scales.base`.

Answers are validated item by item (a number equal to one of the item's allowed values),
missing items are imputed only where a subscale's missing-item rule allows it (mean of the
answered items), then each subscale is the sum of its terms (rescaled to 0–100 where the
instrument says so), the total the sum of the named subscales, and the band and alerts follow
from the instrument's data. Scores are dimensionless points; higher = worse.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cdcare.clinical.scales.base import Instrument, Item
from cdcare.errors import N_, ScaleError


@dataclass(frozen=True)
class ScoreResult:
    """Scores of one answer set (points; rescaled subscales 0–100), rounded to 2 decimals.

    ``imputed`` lists items filled in by the instrument's missing-item rule; ``verified`` is
    the instrument's flag: False if any of its items or rules rests on an unconfirmed [U] fact.
    """

    instrument: str
    version: str
    subscores: dict[str, float]
    total: float | None
    band: str | None
    alerts: list[str]
    verified: bool
    imputed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (the ``cdcare score`` output)."""
        out: dict[str, Any] = {
            "instrument": self.instrument,
            "version": self.version,
            "subscores": dict(self.subscores),
            "total": self.total,
        }
        if self.band is not None:
            out["band"] = self.band
        out["alerts"] = list(self.alerts)
        out["imputed"] = list(self.imputed)
        out["verified"] = self.verified
        return out


def _number(inst: Instrument, item: Item, raw: object) -> int:
    """Validate one answer: a JSON number equal to one of the item's allowed values."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ScaleError(
            N_("Item {item} of {instrument} must be a number, not {given}"),
            item=item.code,
            instrument=inst.code,
            given=repr(raw),
        )
    if isinstance(raw, float) and not (math.isfinite(raw) and raw.is_integer()):
        value: int | None = None
    else:
        value = int(raw)
    if value is None or value not in item.values:
        raise ScaleError(
            N_("Item {item} of {instrument}: {value} is not allowed (allowed: {allowed})"),
            item=item.code,
            instrument=inst.code,
            value=raw,
            allowed=item.allowed_text(),
        )
    return value


def _complete(inst: Instrument, given: dict[str, int]) -> tuple[dict[str, float], list[str]]:
    """Fill missing items by the subscales' missing-item rules; refuse what no rule covers."""
    values: dict[str, float] = dict(given)
    imputed: list[str] = []
    for sub in inst.subscales:
        missing = [c for c in sub.items if c not in values]
        if not missing or sub.min_answered is None:
            continue
        answered = [given[c] for c in sub.items if c in given]
        needed = math.ceil(sub.min_answered * len(sub.items))
        if len(answered) < needed:
            raise ScaleError(
                N_(
                    "Item {item} of {instrument} is missing: subscale {subscale} has "
                    "{answered} of {count} items answered, at least {needed} are required"
                ),
                item=missing[0],
                instrument=inst.code,
                subscale=sub.code,
                answered=len(answered),
                count=len(sub.items),
                needed=needed,
            )
        mean = sum(answered) / len(answered)
        for code in missing:
            values[code] = mean
            imputed.append(code)
    for item in inst.items:
        if item.code not in values:
            raise ScaleError(
                N_("Item {item} of {instrument} is missing (required)"),
                item=item.code,
                instrument=inst.code,
            )
    return values, imputed


def score_answers(inst: Instrument, answers: object) -> ScoreResult:
    """Score ``answers`` (item code → number; ``null`` = not answered) without mutating it.

    Raises :class:`ScaleError` naming the item for an unknown item, a non-number, a value that
    is not allowed, a missing required item, or two "one of" items both non-zero.
    """
    if not isinstance(answers, Mapping):
        raise ScaleError(
            N_("Answers for {instrument} must be a JSON object of item code to value"),
            instrument=inst.code,
        )
    im = inst.item_map
    given: dict[str, int] = {}
    for key, raw in answers.items():
        if not isinstance(key, str) or key not in im:
            raise ScaleError(
                N_("Unknown item {item} for {instrument} (see: cdcare scales show {instrument})"),
                item=str(key),
                instrument=inst.code,
            )
        if raw is not None:
            given[key] = _number(inst, im[key], raw)
    values, imputed = _complete(inst, given)

    subscores: dict[str, float] = {}
    for sub in inst.subscales:
        raw_total = 0.0
        for term in sub.terms:
            if term.exclusive:
                nonzero = [c for c in term.items if values[c] != 0]
                if len(nonzero) > 1:
                    raise ScaleError(
                        N_(
                            "Items {item} and {other} of {instrument} cannot both be non-zero: "
                            "score only one of them"
                        ),
                        item=nonzero[1],
                        other=nonzero[0],
                        instrument=inst.code,
                    )
            raw_total += term.value(values)
        if sub.rescale_0_100:
            lo, hi = sub.raw_bounds(im)
            raw_total = 100.0 * (raw_total - lo) / (hi - lo)
        subscores[sub.code] = raw_total

    total = None if inst.total is None else round(sum(subscores[c] for c in inst.total), 2)
    band = None
    if total is not None:
        band = next((b.code for b in inst.bands if b.lo <= total <= b.hi), None)
    alerts: list[str] = []
    for rule in inst.alerts:
        seen = given.get(rule.target) if rule.on == "item" else subscores.get(rule.target)
        if seen is not None and seen >= rule.at_least:
            alerts.append(rule.code)
    return ScoreResult(
        instrument=inst.code,
        version=inst.version,
        subscores={k: round(v, 2) for k, v in subscores.items()},
        total=total,
        band=band,
        alerts=alerts,
        verified=inst.verified,
        imputed=imputed,
    )
