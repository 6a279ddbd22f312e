"""Building a plan and the safety checks on it: :func:`make_plan`, :func:`check_plan`,
:func:`plan_findings`, :func:`enforce`, and the log entry's validation (:func:`make_record`).

Findings are ``refuse`` (a rule is broken) or ``warn``; malformed input raises
:class:`~cdcare.errors.InputError`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

from cdcare.clinical.planning.model import (
    Finding,
    Guidance,
    InjectionRecord,
    Level,
    Plan,
    PlanItem,
)
from cdcare.clinical.posture import Pattern, Side, candidate_muscles, check_consistent, muscles
from cdcare.clinical.toxins import (
    DoseRange,
    Product,
    Sourced,
    get_product,
    min_interval_days,
    rules,
)
from cdcare.clinical.toxins import near_top_fraction as _near
from cdcare.clock import today_or
from cdcare.errors import N_, DoseLimitError, InputError


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
    "check_plan",
    "enforce",
    "make_plan",
    "make_record",
    "plan_findings",
    "raise_mixing",
    "refusals",
]
