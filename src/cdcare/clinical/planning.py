"""Botulinum-toxin session plans: pattern → muscles → doses, and the safety checks on a plan.

A plan uses ONE product; every dose is in that product's own units (never converted).
:func:`make_plan` suggests, for each candidate muscle and side, the LOWER bound of the sourced
range (the documented starting rule for naive and treated patients alike; the clinician
titrates within the range). Muscles with no sourced range for the product are listed, not dosed.
:func:`check_plan` returns findings: ``refuse`` (a rule is broken) or ``warn``. Malformed input
(unknown product/muscle/side, non-positive dose, mixed units, future date) raises
:class:`~cdcare.errors.InputError` instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from cdcare.clinical.posture import (
    Pattern,
    Side,
    candidate_muscles,
    check_consistent,
    muscles,
    parse_pattern,
)
from cdcare.clinical.toxins import (
    DoseRange,
    Product,
    Sourced,
    conversions,
    get_product,
    min_interval_days,
    rules,
)
from cdcare.clinical.toxins import near_top_fraction as _near
from cdcare.clock import today_or
from cdcare.errors import N_, DoseLimitError, InputError
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


def make_plan(patterns: Sequence[Pattern], product: str, *, naive: bool = False) -> Plan:
    """Build a plan from validated patterns for ``product`` (code or alias).

    Raises InputError when no pattern is given, or when the product has no sourced dose data.
    """
    if not patterns:
        raise InputError(N_("A plan needs at least one posture pattern"))
    prod = get_product(product)
    if not prod.plannable:
        raise InputError(
            N_("No sourced dose range exists for {product}; a plan cannot suggest doses for it"),
            product=prod.name,
        )
    pats = check_consistent(list(patterns))
    merged: dict[tuple[str, Side], list[str]] = {}
    for p in pats:
        for c in candidate_muscles(p):
            names = merged.setdefault((c.muscle, c.side), [])
            if p.code not in names:
                names.append(p.code)
    items: list[PlanItem] = []
    unranged: list[tuple[str, Side]] = []
    for (muscle, side), names in merged.items():
        rng = prod.muscle_ranges.get(muscle)
        if rng is None:
            unranged.append((muscle, side))
        else:
            items.append(PlanItem(muscle, side, rng.low, rng, tuple(names)))
    items.sort(key=lambda it: it.side != Side.LEFT)  # stable: left side first, then right
    unranged.sort(key=lambda mu: mu[1] != Side.LEFT)
    return Plan(prod.code, tuple(items), tuple(pats), naive, tuple(unranged))


def _validate(plan: Plan) -> Product:
    prod = get_product(plan.product)
    known = muscles()
    for m, _side in plan.unranged:
        if m not in known:
            raise InputError(N_("Unknown muscle '{muscle}'"), muscle=m)
    seen: set[tuple[str, Side]] = set()
    for it in plan.items:
        if it.muscle not in known:
            raise InputError(N_("Unknown muscle '{muscle}'"), muscle=it.muscle)
        if not isinstance(it.side, Side):
            raise InputError(
                N_("Side of {muscle} must be left or right, got '{side}'"),
                muscle=it.muscle,
                side=it.side,
            )
        dose: object = it.dose
        if isinstance(dose, bool) or not isinstance(dose, int | float) or not math.isfinite(dose):
            dose = None
        if dose is None or it.dose <= 0:
            raise InputError(
                N_("Dose for {muscle} ({side}) must be a positive number of units, got {dose}"),
                muscle=it.muscle,
                side=it.side,
                dose=repr(it.dose),
            )
        if it.product is not None and get_product(it.product).code != prod.code:
            raise_mixing(it.muscle, it.side, it.product, prod)
        if (it.muscle, it.side) in seen:
            raise InputError(
                N_("{muscle} ({side}) appears twice in the plan"), muscle=it.muscle, side=it.side
            )
        seen.add((it.muscle, it.side))
    return prod


def raise_mixing(muscle: str, side: str, other: str, prod: Product) -> None:
    """Refuse a plan entry in another product's units (units are never converted)."""
    raise InputError(
        N_(
            "The plan mixes products: {muscle} ({side}) is in {other} units but the plan is in "
            "{unit}; units are not interchangeable and are never converted"
        ),
        muscle=muscle,
        side=side,
        other=other,
        unit=prod.unit,
    )


def _join(*sources: str) -> str:
    """Source tags joined with '+', each once."""
    return "+".join(dict.fromkeys(t for s in sources for t in s.split("+")))


_UNSOURCED = Sourced(None, "U", False)


def _f(level: Level, code: str, msg: str, src: Sourced | DoseRange, **p: Any) -> Finding:
    return Finding(level, code, msg, p, src.source, src.verified)


def _warn(code: str, msg: str, src: Sourced | DoseRange, **p: Any) -> Finding:
    return _f(Level.WARN, code, msg, src, **p)


def _product_findings(prod: Product, plan: Plan) -> list[Finding]:
    out: list[Finding] = []
    ap, name = prod.approved_cd_korea, prod.name
    if ap.value is False:
        msg = N_("{product} is not approved for cervical dystonia in Korea: off-label use")
        out.append(_warn("off_label", msg, ap, product=name))
    elif ap.value is None:
        msg = N_("Korean approval of {product} for cervical dystonia is unconfirmed")
        out.append(_warn("approval_unknown", msg, ap, product=name))
    if prod.borrow_basis is not None and prod.borrowed_from is not None:
        msg = N_(
            "No published doses for {product}: the numbers shown are {basis} numbers at an "
            "assumed 1:1 unit ratio (unconfirmed reference); {product} units are its own"
        )
        basis = get_product(prod.borrowed_from).name
        out.append(_warn("borrowed_doses", msg, prod.borrow_basis, product=name, basis=basis))
    for muscle, side in plan.unranged:
        msg = N_("{muscle} ({side}) is a candidate but has no sourced dose range for {product}")
        out.append(
            _warn("candidate_no_range", msg, _UNSOURCED, muscle=muscle, side=side, product=name)
        )
    return out


def _dose_findings(prod: Product, plan: Plan) -> list[Finding]:
    out: list[Finding] = []
    near, nt = _near(), rules()["near_top_fraction"]
    for it in plan.items:
        rng = prod.muscle_ranges.get(it.muscle)
        where = {"muscle": it.muscle, "side": str(it.side), "dose": it.dose, "unit": prod.unit}
        if rng is None:
            msg = N_(
                "{muscle} ({side}): no sourced dose range for {product}; the dose is "
                "checked only against the session maximum"
            )
            out.append(_warn("no_range", msg, _UNSOURCED, product=prod.name, **where))
            continue
        lim = {"low": rng.low, "high": rng.high}
        if it.dose > rng.high:
            msg = N_("{muscle} ({side}): {dose} {unit} is above the maximum {high} {unit}")
            out.append(_f(Level.REFUSE, "muscle_over_max", msg, rng, **where, **lim))
        elif it.dose >= near * rng.high:
            msg = N_(
                "{muscle} ({side}): {dose} {unit} is near the top of the range {low}–{high} {unit}"
            )
            src = Sourced(None, _join(rng.source, nt.source), nt.verified and rng.verified)
            out.append(_warn("muscle_near_top", msg, src, **where, **lim))
        if muscles()[it.muscle].anterior and it.dose >= near * rng.high:
            msg = N_(
                "{muscle} ({side}): high anterior neck dose ({dose} {unit}): risk of dysphagia"
            )
            out.append(
                _warn("dysphagia_anterior", msg, rules()["dysphagia_high_anterior"], **where)
            )
    return out + _s19_findings(prod, plan) + _total_findings(prod, plan)


def _s19_findings(prod: Product, plan: Plan) -> list[Finding]:
    """Dysphagia/URI rules of S19: bilateral SCM, levator scapulae, SCM dose in anterocollis."""
    out: list[Finding] = []
    sides = {it.side for it in plan.items if it.muscle == "sternocleidomastoid"}
    if len(sides) == 2:
        msg = N_("Both sternocleidomastoid muscles are injected: higher risk of dysphagia")
        out.append(_warn("dysphagia_bilateral_scm", msg, rules()["dysphagia_bilateral_scm"]))
    if any(it.muscle == "levator_scapulae" for it in plan.items):
        msg = N_("Levator scapulae injection: higher risk of dysphagia and respiratory infection")
        out.append(_warn("dysphagia_levator", msg, rules()["dysphagia_levator"]))
    antero = {"anterocollis", "anterocaput", "sagittal_shift_forward"}
    scm = prod.muscle_ranges.get("sternocleidomastoid")
    if scm is None or not antero & {p.code for p in plan.patterns}:
        return out
    for it in plan.items:
        if it.muscle == "sternocleidomastoid" and it.dose > scm.high / 2:
            msg = N_(
                "{muscle} ({side}): with anterocollis the SCM dose is usually halved "
                "({dose} {unit} is above half of {high} {unit})"
            )
            out.append(
                _warn(
                    "scm_anterocollis",
                    msg,
                    rules()["scm_halved_anterocollis"],
                    muscle=it.muscle,
                    side=str(it.side),
                    dose=it.dose,
                    unit=prod.unit,
                    high=scm.high,
                )
            )
    return out


def _total_findings(prod: Product, plan: Plan) -> list[Finding]:
    out: list[Finding] = []
    total, unit, near = plan.total, prod.unit, _near()
    mx, typ, naive = prod.session_max, prod.session_typical, prod.naive_initial_total
    if mx is not None and isinstance(mx.value, int | float):
        m = {"total": total, "max": mx.value, "unit": unit, "product": prod.name}
        if total > mx.value:
            msg = N_("Session total {total} {unit} is above the maximum {max} {unit} for {product}")
            out.append(_f(Level.REFUSE, "session_over_max", msg, mx, **m))
        elif total >= near * mx.value:
            msg = N_("Session total {total} {unit} is near the maximum {max} {unit} for {product}")
            src = Sourced(None, _join(mx.source, rules()["near_top_fraction"].source), False)
            out.append(_warn("session_near_max", msg, src, **m))
    over = any(f.code == "session_over_max" for f in out)
    if typ is not None and total > typ.high and not over:
        msg = N_("Session total {total} {unit} is above the usual range {low}–{high} {unit}")
        out.append(
            _warn(
                "session_above_usual", msg, typ, total=total, unit=unit, low=typ.low, high=typ.high
            )
        )
    naive_max = naive.value if naive is not None and plan.naive else None
    if isinstance(naive_max, int | float) and naive is not None and total > naive_max:
        msg = N_(
            "Toxin-naive patient: total {total} {unit} is above the recommended initial "
            "total {max} {unit}"
        )
        out.append(
            _warn("naive_initial_exceeded", msg, naive, total=total, unit=unit, max=naive_max)
        )
    return out


def plan_findings(plan: Plan) -> list[Finding]:
    """Product and dose findings of a plan (no dates); validates the plan first."""
    prod = _validate(plan)
    return _product_findings(prod, plan) + _dose_findings(prod, plan)


_FUTURE = {
    "session": N_("The session date {date} is in the future (today is {today})"),
    "last": N_("The last-injection date {date} is in the future (today is {today})"),
    "injection": N_("The injection date {date} is in the future (today is {today})"),
}


def _not_future(d: date, today: date, what: str) -> None:
    if d > today:
        raise InputError(_FUTURE[what], date=d.isoformat(), today=today.isoformat())


def check_plan(
    plan: Plan,
    last_injection: date | None,
    on: date,
    override_reason: str | None = None,
    *,
    today: date | None = None,
) -> list[Finding]:
    """All findings for giving ``plan`` on date ``on`` after ``last_injection`` (None = first).

    Re-injection earlier than the minimum interval (84 days) is refused unless a non-empty
    ``override_reason`` is given, in which case it is a warning that records the reason.
    ``on`` and ``last_injection`` may not be after ``today`` (default: the system date).
    """
    today = today_or(today)
    _not_future(on, today, "session")
    findings = plan_findings(plan)
    if last_injection is not None:
        _not_future(last_injection, today, "last")
        if last_injection > on:
            raise InputError(
                N_("The last injection ({last}) is after the session date ({on})"),
                last=last_injection.isoformat(),
                on=on.isoformat(),
            )
        days, rule = (on - last_injection).days, rules()["min_interval_days"]
        if days < min_interval_days():
            reason = (override_reason or "").strip()
            p = {"days": days, "min_days": min_interval_days()}
            if reason:
                msg = N_(
                    "Re-injection after {days} days is earlier than the minimum {min_days} "
                    "days; overridden, reason recorded: {reason}"
                )
                findings.append(_warn("interval_overridden", msg, rule, reason=reason, **p))
            else:
                msg = N_(
                    "Re-injection after {days} days is earlier than the minimum {min_days} "
                    "days (give an override reason to proceed)"
                )
                findings.append(_f(Level.REFUSE, "interval_too_short", msg, rule, **p))
    return findings


def refusals(findings: Sequence[Finding]) -> list[Finding]:
    """The findings that block the plan."""
    return [f for f in findings if f.level is Level.REFUSE]


def enforce(findings: Sequence[Finding], lang: str = "en") -> None:
    """Raise DoseLimitError naming every refusal, if there is any."""
    bad = refusals(findings)
    if bad:
        raise DoseLimitError(
            N_("Plan refused: {reasons}"), reasons="; ".join(f.text(lang) for f in bad)
        )


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
    """A JSON-ready plan: product, unit, injections with ranges and sources, total, findings."""
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
    return {
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


def make_record(
    *,
    on: date,
    product: str,
    lot: str,
    dilution_u_per_ml: float,
    items: Sequence[PlanItem],
    guidance: str,
    injector: str,
    adverse_events: Sequence[str] = (),
    today: date | None = None,
) -> InjectionRecord:
    """Validate and build an injection-log entry (no dose-rule refusal: it records facts)."""
    _not_future(on, today_or(today), "injection")
    prod = _validate(Plan(product, tuple(items)))
    for name, text in (("lot", lot), ("injector", injector)):
        if not text.strip():
            raise InputError(N_("The injection log needs the {field}"), field=name)
    d: object = dilution_u_per_ml
    if isinstance(d, bool) or not isinstance(d, int | float) or not 0 < d < math.inf:
        raise InputError(
            N_("Dilution must be a positive number of units per mL, got {value}"), value=repr(d)
        )
    try:
        how = Guidance(guidance)
    except ValueError:
        raise InputError(
            N_("Unknown guidance '{value}'; use one of: {known}"),
            value=guidance,
            known=", ".join(g.value for g in Guidance),
        ) from None
    return InjectionRecord(
        on,
        prod.code,
        lot.strip(),
        float(d),
        tuple(items),
        how,
        injector.strip(),
        tuple(adverse_events),
    )


__all__ = [
    "Finding",
    "Guidance",
    "InjectionRecord",
    "Level",
    "Plan",
    "PlanItem",
    "check_plan",
    "enforce",
    "make_plan",
    "make_record",
    "plan_findings",
    "plan_from_dict",
    "plan_to_dict",
    "raise_mixing",
    "refusals",
]
