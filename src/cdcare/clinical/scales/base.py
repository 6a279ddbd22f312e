"""Shared model of a rating scale (items, scoring terms, bands, alerts); scored by
:mod:`cdcare.clinical.scales.scoring`.

Every number comes from an instrument module's data. Each datum carries ``source`` (a tag of
the bibliography, docs/clinical-sources.md, such as ``"S1"``, or ``"U"`` = unconfirmed) and
``verified`` (``False`` whenever a [U] fact, or only a secondary source, is involved; never
hidden). Scores are dimensionless points of the instrument; for every instrument here a higher
score means worse.

Scoring rule, as data: a subscale is a sum of :class:`Term` values; a term is
``factor × Π_groups Σ_items weight × value``. That covers plain sums, weighted items (TWSTRS
duration ×2), weighted means (TWSTRS pain severity), products (Tsui A × B) and "one of two"
items (``exclusive``: at most one item of the term may be non-zero).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from cdcare.clinical.sources import UNCONFIRMED, bibliography, split_tags


def span(lo: int, hi: int) -> tuple[int, ...]:
    """The integers ``lo..hi`` inclusive (an item's allowed values)."""
    return tuple(range(lo, hi + 1))


def is_unconfirmed(source: str) -> bool:
    """True if a source string cites [U] (unconfirmed), e.g. ``"U"`` or ``"S3+U"``, or cites
    no primary or authoritative source (only secondary pages, e.g. ``"S12"``, or nothing)."""
    tags = split_tags(source)
    if UNCONFIRMED in tags:
        return True
    return not any((entry := bibliography().get(t)) is not None and entry.verified for t in tags)


def _unverify_if_unconfirmed(datum: Any) -> None:
    """A datum whose source is unconfirmed is never ``verified`` (frozen dataclass)."""
    if datum.verified and is_unconfirmed(datum.source):
        object.__setattr__(datum, "verified", False)


@dataclass(frozen=True)
class Item:
    """One scored item: identified by ``code`` and a short neutral label (never the wording)."""

    code: str
    label_en: str
    label_ko: str
    values: tuple[int, ...]
    subscale: str
    source: str
    verified: bool = True

    def __post_init__(self) -> None:
        _unverify_if_unconfirmed(self)

    def allowed_text(self) -> str:
        """The allowed values as text: ``0–4`` for a run of integers, else ``1, 2``."""
        v = self.values
        if len(v) > 2 and v == span(v[0], v[-1]):
            return f"{v[0]}–{v[-1]}"
        return ", ".join(str(x) for x in v)


@dataclass(frozen=True)
class Term:
    """``factor × Π_groups Σ_items weight × value``; ``exclusive``: ≤ 1 non-zero item."""

    groups: tuple[tuple[str, ...], ...]
    rule_en: str
    source: str
    verified: bool = True
    factor: float = 1.0
    weights: tuple[tuple[str, float], ...] = ()
    exclusive: bool = False

    def __post_init__(self) -> None:
        _unverify_if_unconfirmed(self)

    @property
    def items(self) -> tuple[str, ...]:
        """Item codes used by this term, in order."""
        return tuple(code for group in self.groups for code in group)

    def weight(self, code: str) -> float:
        """Weight of one item (default 1)."""
        return dict(self.weights).get(code, 1.0)

    def value(self, values: Mapping[str, float]) -> float:
        """The term's points for complete item values."""
        out = self.factor
        for group in self.groups:
            out *= sum(self.weight(c) * values[c] for c in group)
        return out

    def bounds(self, items: Mapping[str, Item]) -> tuple[float, float]:
        """Lowest and highest points this term can take (all weights and values ≥ 0)."""
        lo = hi = self.factor
        for group in self.groups:
            lows = [self.weight(c) * min(items[c].values) for c in group]
            highs = [self.weight(c) * max(items[c].values) for c in group]
            lo *= sum(lows)
            hi *= max(highs) if self.exclusive else sum(highs)
        return lo, hi


@dataclass(frozen=True)
class Subscale:
    """A subscale: sum of terms; optionally rescaled to 0–100 and with a missing-item rule.

    ``min_answered``: fraction of the subscale's items that must be answered; missing items are
    then imputed with the mean of the answered ones (only where the instrument's manual gives
    such a rule; ``missing_source`` cites it). ``None`` = every item is required.
    """

    code: str
    label_en: str
    label_ko: str
    terms: tuple[Term, ...]
    source: str
    verified: bool = True
    rescale_0_100: bool = False
    published_max: float | None = None
    min_answered: float | None = None
    missing_source: str = ""

    def __post_init__(self) -> None:
        _unverify_if_unconfirmed(self)

    @property
    def items(self) -> tuple[str, ...]:
        """Item codes of this subscale, in order, without repeats."""
        return tuple(dict.fromkeys(c for t in self.terms for c in t.items))

    def raw_bounds(self, items: Mapping[str, Item]) -> tuple[float, float]:
        """Lowest and highest raw points (before any 0–100 rescaling)."""
        bounds = [t.bounds(items) for t in self.terms]
        return sum(b[0] for b in bounds), sum(b[1] for b in bounds)

    def bounds(self, items: Mapping[str, Item]) -> tuple[float, float]:
        """Lowest and highest reported points."""
        return (0.0, 100.0) if self.rescale_0_100 else self.raw_bounds(items)


@dataclass(frozen=True)
class Band:
    """A severity band of the total: ``lo ≤ total ≤ hi`` (points)."""

    lo: float
    hi: float
    code: str
    label_en: str
    label_ko: str


@dataclass(frozen=True)
class AlertRule:
    """An alert raised when an answered item (or a subscale) is at least ``at_least`` points."""

    code: str
    target: str
    on: Literal["item", "subscale"]
    at_least: float
    label_en: str
    label_ko: str
    source: str
    verified: bool = True

    def __post_init__(self) -> None:
        _unverify_if_unconfirmed(self)


@dataclass(frozen=True)
class Instrument:
    """A rating instrument as data. ``total`` names the subscales summed (``None``: no total)."""

    code: str
    version: str
    name_en: str
    name_ko: str
    source: str
    items: tuple[Item, ...]
    subscales: tuple[Subscale, ...]
    total: tuple[str, ...] | None
    total_published_max: float | None = None
    total_source: str = ""
    bands: tuple[Band, ...] = ()
    bands_source: str = ""
    alerts: tuple[AlertRule, ...] = ()
    note_en: str = ""

    @property
    def item_map(self) -> dict[str, Item]:
        """Item code → item."""
        return {i.code: i for i in self.items}

    def subscale(self, code: str) -> Subscale:
        """The subscale named ``code`` (KeyError if absent)."""
        return {s.code: s for s in self.subscales}[code]

    def total_bounds(self) -> tuple[float, float] | None:
        """Lowest and highest total points, or ``None`` if the instrument has no total."""
        if self.total is None:
            return None
        im = self.item_map
        bounds = [self.subscale(c).bounds(im) for c in self.total]
        return sum(b[0] for b in bounds), sum(b[1] for b in bounds)

    @property
    def verified(self) -> bool:
        """True only if no item, rule, band or alert rests on an unconfirmed fact ([U], or a
        secondary source only)."""
        parts: list[bool] = [i.verified for i in self.items]
        for s in self.subscales:
            parts.append(s.verified)
            parts.append(s.min_answered is None or not is_unconfirmed(s.missing_source))
            parts.extend(t.verified for t in s.terms)
        parts.extend(a.verified for a in self.alerts)
        if self.bands:
            parts.append(not is_unconfirmed(self.bands_source))
        return all(parts)

    def describe(self) -> dict[str, Any]:
        """A JSON-ready description: items, allowed values, labels, rules, sources, flags."""
        im = self.item_map
        total = self.total_bounds()
        return {
            "instrument": self.code,
            "version": self.version,
            "name": {"en": self.name_en, "ko": self.name_ko},
            "source": self.source,
            "verified": self.verified,
            "note": self.note_en,
            "items": [
                {
                    "code": i.code,
                    "label": {"en": i.label_en, "ko": i.label_ko},
                    "values": list(i.values),
                    "subscale": i.subscale,
                    "source": i.source,
                    "verified": i.verified,
                }
                for i in self.items
            ],
            "subscales": [
                {
                    "code": s.code,
                    "label": {"en": s.label_en, "ko": s.label_ko},
                    "items": list(s.items),
                    "range": list(s.bounds(im)),
                    "published_max": s.published_max,
                    "rescaled_0_100": s.rescale_0_100,
                    "rules": [
                        {"rule": t.rule_en, "source": t.source, "verified": t.verified}
                        for t in s.terms
                    ],
                    "missing_rule": None
                    if s.min_answered is None
                    else {
                        "min_answered_fraction": s.min_answered,
                        "imputation": "mean of answered items of the subscale",
                        "source": s.missing_source,
                        "verified": not is_unconfirmed(s.missing_source),
                    },
                    "source": s.source,
                    "verified": s.verified,
                }
                for s in self.subscales
            ],
            "total": None
            if self.total is None or total is None
            else {
                "of": list(self.total),
                "range": list(total),
                "published_max": self.total_published_max,
                "source": self.total_source,
            },
            "bands": [
                {
                    "range": [b.lo, b.hi],
                    "code": b.code,
                    "label": {"en": b.label_en, "ko": b.label_ko},
                }
                for b in self.bands
            ],
            "bands_source": self.bands_source or None,
            "alerts": [
                {
                    "code": a.code,
                    "when": f"{a.on} {a.target} >= {a.at_least:g}",
                    "label": {"en": a.label_en, "ko": a.label_ko},
                    "source": a.source,
                    "verified": a.verified,
                }
                for a in self.alerts
            ],
        }
