"""Reading and writing plans as JSON: :func:`plan_from_dict`, :func:`plan_to_dict`.

The written form is :class:`cdcare.clinical.planning.document.PlanDocument`
(``model_dump(mode="json")``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from cdcare.clinical.planning.checks import raise_mixing
from cdcare.clinical.planning.document import PlanDocument
from cdcare.clinical.planning.model import Finding, Plan, PlanItem
from cdcare.clinical.posture import Side, muscles, parse_pattern
from cdcare.clinical.toxins import conversions, get_product
from cdcare.errors import N_, InputError


def _side(value: object, muscle: str) -> Side:
    try:
        return Side(str(value).strip().lower())
    except ValueError:
        raise InputError(
            N_("Side of {muscle} must be left or right, got '{side}'"), muscle=muscle, side=value
        ) from None


def _field(data: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in data:
        raise InputError(N_("{where}: missing field '{field}'"), where=where, field=key)
    value = data[key]
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise InputError(
            N_("{where}: field '{field}' has the wrong type ({got})"),
            where=where,
            field=key,
            got=type(value).__name__,
        )
    return value


def plan_from_dict(data: object) -> Plan:
    """Read a plan (as written by :func:`plan_to_dict`); ranges are re-read from the data files.

    Each injection needs ``muscle``, ``side`` and ``dose``; an injection's optional ``product``
    or ``unit`` must match the plan's (mixing products is refused).
    """
    if not isinstance(data, Mapping):
        raise InputError(N_("A plan must be a JSON object"))
    prod = get_product(_field(data, "product", str, "plan"))
    if "unit" in data and data["unit"] != prod.unit:
        raise InputError(
            N_(
                "The plan's unit '{other}' is not the unit of {product} ({unit}); units of "
                "different products are never converted"
            ),
            other=data["unit"],
            product=prod.name,
            unit=prod.unit,
        )
    items: list[PlanItem] = []
    for raw in _field(data, "injections", list, "plan"):
        if not isinstance(raw, Mapping):
            raise InputError(N_("Each injection must be a JSON object"))
        muscle = str(_field(raw, "muscle", str, "injection"))
        side = _side(_field(raw, "side", str, muscle), muscle)
        if "unit" in raw and raw["unit"] != prod.unit:
            raise_mixing(muscle, side, str(raw["unit"]), prod)
        other = raw.get("product")
        dose: Any = raw.get("dose")
        items.append(PlanItem(muscle, side, dose, product=other))
    patterns = tuple(parse_pattern(str(p)) for p in data.get("patterns", []))
    unranged = []
    for c in data.get("unranged_candidates", []):
        if not isinstance(c, Mapping):
            raise InputError(N_("Each injection must be a JSON object"))
        muscle = str(_field(c, "muscle", str, "unranged_candidates"))
        unranged.append((muscle, _side(c.get("side"), muscle)))
    return Plan(prod.code, tuple(items), patterns, bool(data.get("naive", False)), tuple(unranged))


def plan_to_dict(plan: Plan, findings: Sequence[Finding], lang: str = "en") -> dict[str, Any]:
    """A JSON-ready plan (:meth:`PlanDocument.to_json` of :func:`plan_document`)."""
    return plan_document(plan, findings, lang).to_json()


def plan_document(plan: Plan, findings: Sequence[Finding], lang: str = "en") -> PlanDocument:
    """The typed written plan: product, unit, injections with ranges and sources, total,
    findings with messages in ``lang``."""
    prod = get_product(plan.product)
    ko = lang == "ko"
    mus = muscles()

    def src(s: Any) -> dict[str, Any] | None:
        return None if s is None else {k: v for k, v in asdict(s).items() if v != ""}

    injections: list[dict[str, Any]] = [
        {
            "muscle": it.muscle,
            "muscle_name": mus[it.muscle].ko if ko else mus[it.muscle].en,
            "side": str(it.side),
            "dose": it.dose,
            "range": src(prod.muscle_ranges.get(it.muscle)),
            "patterns": list(it.patterns),
            "guidance_recommended": mus[it.muscle].deep,
        }
        for it in plan.items
    ]
    tags = {f.source for f in findings} | {
        r["source"] for r in (i["range"] for i in injections) if r is not None
    }
    tags |= {s.source for s in (prod.session_max, prod.approved_cd_korea) if s is not None}
    return PlanDocument.model_validate(
        {
            "product": prod.code,
            "product_name": prod.ko if ko else prod.en,
            "unit": prod.unit,
            "approved_cd_korea": src(prod.approved_cd_korea),
            "patterns": [str(p) for p in plan.patterns],
            "naive": plan.naive,
            "injections": injections,
            "unranged_candidates": [
                {"muscle": m, "muscle_name": mus[m].ko if ko else mus[m].en, "side": str(s)}
                for m, s in plan.unranged
            ],
            "total": plan.total,
            "session_max": src(prod.session_max),
            "findings": [
                {
                    "level": str(f.level),
                    "code": f.code,
                    "message": f.text(lang),
                    "source": f.source,
                    "verified": f.verified,
                }
                for f in findings
            ],
            "sources": sorted({t for tag in tags for t in tag.split("+")}),
            "conversion_info": [
                asdict(c)
                for c in conversions()
                if prod.code in c.pair or (prod.borrowed_from and "korean_bont_a" in c.pair)
            ],
        }
    )


__all__ = ["plan_document", "plan_from_dict", "plan_to_dict"]
