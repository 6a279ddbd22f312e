"""Botulinum-toxin products available in Korea: units, dose limits, approval status.

All numbers come from ``data/toxins.json`` (docs/clinical-sources.md) and carry a
``source`` tag and ``verified`` flag. Doses are in the product's OWN units ("U Botox",
"U Dysport", ...): units of different products are not interchangeable and nothing here
converts them; conversion ratios are information only (:func:`conversions`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any

from cdcare.errors import N_, InputError


@dataclass(frozen=True)
class Sourced:
    """One sourced number (units given by context) or flag."""

    value: float | bool | None
    source: str
    verified: bool
    note: str = ""


@dataclass(frozen=True)
class DoseRange:
    """Per-session dose range in the product's units; ``high`` is the maximum allowed."""

    low: float
    high: float
    source: str
    verified: bool
    note: str = ""


@dataclass(frozen=True)
class Product:
    """A botulinum-toxin product and its sourced limits (all in ``unit``).

    ``approved_cd_korea.value`` is True/False, or None when unknown. ``borrowed_from`` names
    the product whose numbers are used at an assumed 1:1 unit ratio (unconfirmed), if any.
    """

    code: str
    name: str
    en: str
    ko: str
    maker: str
    serotype: str
    unit: str
    aliases: tuple[str, ...]
    approved_cd_korea: Sourced
    session_max: Sourced | None = None
    session_typical: DoseRange | None = None
    naive_initial_total: Sourced | None = None
    muscle_ranges: dict[str, DoseRange] = field(default_factory=dict)
    borrowed_from: str | None = None
    borrow_basis: Sourced | None = None

    @property
    def plannable(self) -> bool:
        """True when sourced (or explicitly borrowed) dose numbers exist for this product."""
        return self.session_max is not None or bool(self.muscle_ranges)


@dataclass(frozen=True)
class Conversion:
    """A published unit ratio between two products, for information only."""

    pair: tuple[str, str]
    ratio: str
    source: str
    verified: bool


@cache
def _data() -> dict[str, Any]:
    text = (resources.files("cdcare.clinical") / "data" / "toxins.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _sourced(raw: dict[str, Any] | None) -> Sourced | None:
    if raw is None:
        return None
    return Sourced(raw.get("value"), raw["source"], raw["verified"], raw.get("note", ""))


def _range(raw: dict[str, Any] | None) -> DoseRange | None:
    return None if raw is None else DoseRange(**raw)


def _unverify(s: Sourced | DoseRange | None, basis: str) -> Any:
    """A borrowed number: the borrow assumption's source is added and it is unverified."""
    if s is None:
        return None
    tags = "+".join(dict.fromkeys(f"{s.source}+{basis}".split("+")))
    return replace(s, source=tags, verified=False)


@cache
def products() -> dict[str, Product]:
    """All products by code."""
    raw = _data()["products"]
    out: dict[str, Product] = {}
    for code, p in raw.items():
        ranges = {m: DoseRange(**r) for m, r in p.get("muscle_ranges", {}).items()}
        approved = _sourced(p["approved_cd_korea"])
        if approved is None:
            raise ValueError(f"product {code!r} has no approved_cd_korea fact in the data")
        out[code] = Product(
            code=code,
            name=p["name"],
            en=p["en"],
            ko=p["ko"],
            maker=p["maker"],
            serotype=p["serotype"],
            unit=p["unit"],
            aliases=tuple(p["aliases"]),
            approved_cd_korea=approved,
            session_max=_sourced(p.get("session_max")),
            session_typical=_range(p.get("session_typical")),
            naive_initial_total=_sourced(p.get("naive_initial_total")),
            muscle_ranges=ranges,
        )
    for code, p in raw.items():  # second pass: borrow numbers at the assumed 1:1 ratio
        basis = p.get("dose_basis")
        if basis is None:
            continue
        src, tag = out[basis["product"]], basis["source"]
        out[code] = replace(
            out[code],
            session_max=_unverify(src.session_max, tag),
            session_typical=_unverify(src.session_typical, tag),
            naive_initial_total=_unverify(src.naive_initial_total, tag),
            muscle_ranges={m: _unverify(r, tag) for m, r in src.muscle_ranges.items()},
            borrowed_from=src.code,
            borrow_basis=Sourced(1.0, tag, basis["verified"]),
        )
    return out


def get_product(name: str) -> Product:
    """Look a product up by code or alias (case-insensitive); unknown → InputError."""
    key = name.strip().lower()
    for p in products().values():
        if key == p.code or key in p.aliases:
            return p
    raise InputError(
        N_("Unknown toxin product '{product}'; known: {known}"),
        product=name,
        known=", ".join(products()),
    )


@cache
def rules() -> dict[str, Sourced]:
    """Product-independent rules: min_interval_days, near_top_fraction, dysphagia rules."""
    out: dict[str, Sourced] = {}
    for k, v in _data()["rules"].items():
        s = _sourced(v)
        if s is None:
            raise ValueError(f"toxin rule {k!r} has no sourced value in the data")
        out[k] = s
    return out


def min_interval_days() -> int:
    """Minimum re-injection interval in days (84 = 12 weeks)."""
    value = rules()["min_interval_days"].value
    if not isinstance(value, int | float):
        raise TypeError("toxin rule 'min_interval_days' is not a number in the data")
    return int(value)


def near_top_fraction() -> float:
    """Fraction of an upper limit at or above which a dose is 'near the top' (warned)."""
    value = rules()["near_top_fraction"].value
    if not isinstance(value, int | float):
        raise TypeError("toxin rule 'near_top_fraction' is not a number in the data")
    return float(value)


@dataclass(frozen=True)
class Definition:
    """A bilingual, sourced definition (e.g. of BoNT non-response)."""

    code: str
    en: str
    ko: str
    source: str
    verified: bool


@cache
def non_response_definitions() -> tuple[Definition, ...]:
    """Definitions of primary/secondary non-response and how it is confirmed (section 7a)."""
    raw = _data()["non_response"]
    return tuple(Definition(code=k, **v) for k, v in raw.items() if not k.startswith("_"))


@cache
def conversions() -> tuple[Conversion, ...]:
    """Published unit ratios between products: information only, never applied to doses."""
    return tuple(
        Conversion((c["pair"][0], c["pair"][1]), c["ratio"], c["source"], c["verified"])
        for c in _data()["conversions"]
    )


__all__ = [
    "Conversion",
    "Definition",
    "DoseRange",
    "Product",
    "Sourced",
    "conversions",
    "get_product",
    "min_interval_days",
    "near_top_fraction",
    "non_response_definitions",
    "products",
    "rules",
]
