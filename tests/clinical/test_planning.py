"""Plans: pattern → muscles → doses, and every check (limits, interval, dysphagia, units)."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdcare.clinical.planning import (
    Finding,
    Level,
    Plan,
    PlanItem,
    check_plan,
    enforce,
    make_plan,
    make_record,
    plan_findings,
    plan_from_dict,
    plan_to_dict,
    refusals,
)
from cdcare.clinical.posture import Pattern, Side, candidate_muscles, patterns
from cdcare.clinical.toxins import near_top_fraction, products
from cdcare.errors import DoseLimitError, InputError

L, R = Side.LEFT, Side.RIGHT
TODAY = date(2026, 6, 15)
TAG = re.compile(r"^(S([1-9]|[1-6]\d|7[0-2])|V[1-9]|U)$")
PLANNABLE = sorted(c for c, p in products().items() if p.plannable)
APPROVED = {"botox", "xeomin", "dysport", "meditoxin"}


def _codes(findings: list[Finding], level: Level | None = None) -> set[str]:
    return {f.code for f in findings if level is None or f.level is level}


def _plan(product: str, *items: tuple[str, Side, float], naive: bool = False) -> Plan:
    return Plan(product, tuple(PlanItem(m, s, d) for m, s, d in items), naive=naive)


def _range(product: str, muscle: str) -> tuple[float, float]:
    r = products()[product].muscle_ranges[muscle]
    return r.low, r.high


def _all_patterns() -> list[Pattern]:
    return [Pattern(c, L if d.sided else None) for c, d in patterns().items()]


# --- make_plan --------------------------------------------------------------------------------


@pytest.mark.parametrize("product", PLANNABLE)
@pytest.mark.parametrize("pattern", _all_patterns(), ids=str)
def test_plan_doses_each_candidate_at_the_lower_bound(product: str, pattern: Pattern) -> None:
    plan = make_plan([pattern], product)
    prod = products()[product]
    cands = {(c.muscle, c.side) for c in candidate_muscles(pattern)}
    dosed = {(i.muscle, i.side) for i in plan.items}
    assert dosed | set(plan.unranged) == cands and not dosed & set(plan.unranged)
    for it in plan.items:
        assert it.range == prod.muscle_ranges[it.muscle]
        assert it.dose == it.range.low
        assert it.patterns == (pattern.code,)
    for m, _side in plan.unranged:
        assert m not in prod.muscle_ranges
    assert plan.total == sum(prod.muscle_ranges[m].low for m, _ in dosed)


@given(
    st.lists(st.sampled_from(_all_patterns()), min_size=1, max_size=4, unique=True),
    st.sampled_from(PLANNABLE),
)
def test_plan_merges_patterns_and_never_doses_twice(pats: list[Pattern], product: str) -> None:
    plan = make_plan(pats, product)
    keys = [(i.muscle, i.side) for i in plan.items]
    assert len(keys) == len(set(keys))
    for it in plan.items:
        assert it.range is not None and it.range.low <= it.dose <= it.range.high
        assert set(it.patterns) <= {p.code for p in pats}
    assert plan.product == product and plan.total == sum(i.dose for i in plan.items)
    assert plan.items or plan.unranged  # nothing dosable: candidates are still listed


def test_plan_with_no_pattern_or_unplannable_product_is_refused() -> None:
    with pytest.raises(InputError, match="at least one"):
        make_plan([], "botox")
    with pytest.raises(InputError) as exc:
        make_plan([Pattern("torticaput", L)], "innotox")
    assert "No sourced dose range exists for Innotox" in exc.value.text("en")
    assert "출처가 있는 용량 범위가 없어" in exc.value.text("ko")


def test_plan_refuses_same_pattern_both_sides() -> None:
    with pytest.raises(InputError, match="both sides"):
        make_plan([Pattern("torticaput", L), Pattern("torticaput", R)], "botox")


# --- per-muscle and session limits, per product -----------------------------------------------


@pytest.mark.parametrize("product", PLANNABLE)
def test_dose_above_the_muscle_maximum_is_refused(product: str) -> None:
    for muscle in products()[product].muscle_ranges:
        _low, high = _range(product, muscle)
        f = plan_findings(_plan(product, (muscle, L, high + 1)))
        assert "muscle_over_max" in _codes(f, Level.REFUSE)
        over = next(x for x in f if x.code == "muscle_over_max")
        assert over.source == products()[product].muscle_ranges[muscle].source
        with pytest.raises(DoseLimitError, match="above the maximum"):
            enforce(f)


@pytest.mark.parametrize("product", PLANNABLE)
def test_dose_at_the_top_of_range_warns_and_low_dose_is_quiet(product: str) -> None:
    for muscle in products()[product].muscle_ranges:
        low, high = _range(product, muscle)
        top = plan_findings(_plan(product, (muscle, L, high)))
        assert "muscle_near_top" in _codes(top, Level.WARN) and not refusals(top)
        quiet = plan_findings(_plan(product, (muscle, L, low)))
        assert not {"muscle_near_top", "muscle_over_max"} & _codes(quiet)


@pytest.mark.parametrize("product", PLANNABLE)
def test_session_total_above_the_product_maximum_is_refused(product: str) -> None:
    mx = products()[product].session_max
    assert mx is not None and isinstance(mx.value, int | float)
    items = []
    for muscle, r in products()[product].muscle_ranges.items():
        items += [(muscle, L, r.low), (muscle, R, r.low)]
    # grow every dose within its own range until the total passes the session maximum
    for frac in (0.0, 0.25, 0.5, 0.75, 0.85):
        grown = []
        for m, side, _ in items:
            low, high = _range(product, m)
            grown.append((m, side, low + frac * (high - low)))
        if sum(d for _, _, d in grown) > mx.value:
            break
    plan = _plan(product, *grown)
    assert plan.total > mx.value
    f = plan_findings(plan)
    assert "session_over_max" in _codes(f, Level.REFUSE)
    assert "muscle_over_max" not in _codes(f)  # refused for the total alone


@pytest.mark.parametrize("product", PLANNABLE)
def test_session_total_just_below_the_maximum_warns(product: str) -> None:
    mx = products()[product].session_max
    assert mx is not None and isinstance(mx.value, int | float)
    target = mx.value * (near_top_fraction() + 1) / 2  # between "near" and the maximum
    items: list[tuple[str, Side, float]] = []
    left = target
    for muscle, r in products()[product].muscle_ranges.items():
        for side in (L, R):
            dose = min(r.low, left)
            if dose > 0:
                items.append((muscle, side, dose))
                left -= dose
    if left > 0:  # top up the largest muscle within its range
        m, s, d = items[0]
        items[0] = (m, s, d + left)
    plan = _plan(product, *items)
    assert math.isclose(plan.total, target)
    f = plan_findings(plan)
    assert "session_near_max" in _codes(f, Level.WARN) and "session_over_max" not in _codes(f)


def test_botox_total_above_the_usual_range_warns_only() -> None:
    plan = _plan("botox", ("splenius_capitis", L, 150), ("splenius_capitis", R, 150),
                 ("levator_scapulae", L, 50))  # fmt: skip
    f = plan_findings(plan)
    assert "session_above_usual" in _codes(f, Level.WARN) and not refusals(f)


def test_naive_patient_initial_total_warning() -> None:
    items = (("splenius_capitis", L, 300), ("sternocleidomastoid", R, 250))
    assert "naive_initial_exceeded" in _codes(plan_findings(_plan("dysport", *items, naive=True)))
    assert "naive_initial_exceeded" not in _codes(plan_findings(_plan("dysport", *items)))
    small = (("splenius_capitis", L, 200),)
    assert "naive_initial_exceeded" not in _codes(
        plan_findings(_plan("dysport", *small, naive=True))
    )


# --- dysphagia --------------------------------------------------------------------------------


def test_bilateral_scm_warns_of_dysphagia() -> None:
    both = plan_findings(
        _plan("botox", ("sternocleidomastoid", L, 20), ("sternocleidomastoid", R, 20))
    )
    one = plan_findings(_plan("botox", ("sternocleidomastoid", L, 20)))
    assert "dysphagia_bilateral_scm" in _codes(both) and "dysphagia_bilateral_scm" not in _codes(
        one
    )
    f = next(x for x in both if x.code == "dysphagia_bilateral_scm")
    assert f.source == "S19" and not f.verified  # S19 is a secondary page


def test_anterocollis_plan_carries_the_bilateral_scm_warning() -> None:
    plan = make_plan([Pattern("anterocollis")], "xeomin")
    assert "dysphagia_bilateral_scm" in _codes(plan_findings(plan))


def test_high_anterior_dose_warns_of_dysphagia_posterior_does_not() -> None:
    _l, high = _range("botox", "longus_colli")
    f = plan_findings(_plan("botox", ("longus_colli", L, high)))
    assert "dysphagia_anterior" in _codes(f)
    _l, high = _range("botox", "splenius_capitis")
    f = plan_findings(_plan("botox", ("splenius_capitis", L, high)))
    assert "dysphagia_anterior" not in _codes(f)


# --- approval, borrowed numbers ------------------------------------------------------------------


@pytest.mark.parametrize("product", PLANNABLE)
def test_off_label_and_borrowed_warnings(product: str) -> None:
    f = make_plan([Pattern("torticaput", L)], product)
    codes = _codes(plan_findings(f))
    approved = products()[product].approved_cd_korea.value
    assert ("off_label" in codes) == (approved is False)
    assert ("approval_unknown" in codes) == (approved is None)
    assert ("borrowed_doses" in codes) == (products()[product].borrowed_from is not None)
    if product in APPROVED:
        assert "off_label" not in codes


def test_korean_product_plan_shows_its_own_unit_and_unverified_flags() -> None:
    plan = make_plan([Pattern("torticaput", L)], "botulax")
    data = plan_to_dict(plan, plan_findings(plan))
    assert data["unit"] == "U Botulax"
    assert all(i["range"]["verified"] is False for i in data["injections"])
    borrowed = next(f for f in data["findings"] if f["code"] == "borrowed_doses")
    assert borrowed["verified"] is False and "1:1" in borrowed["message"]


# --- re-injection interval and dates ----------------------------------------------------------


def _simple() -> Plan:
    return _plan("botox", ("splenius_capitis", L, 50))


@pytest.mark.parametrize(("days", "refused"), [(83, True), (84, False), (30, True), (200, False)])
def test_reinjection_interval(days: int, refused: bool) -> None:
    f = check_plan(_simple(), TODAY - timedelta(days=days), TODAY, today=TODAY)
    assert ("interval_too_short" in _codes(f, Level.REFUSE)) == refused


def test_early_reinjection_allowed_with_a_recorded_reason() -> None:
    last = TODAY - timedelta(days=60)
    f = check_plan(_simple(), last, TODAY, "severe pain, before travel", today=TODAY)
    assert not refusals(f)
    w = next(x for x in f if x.code == "interval_overridden")
    assert "severe pain, before travel" in w.text("en") and "60" in w.text("ko")
    blank = check_plan(_simple(), last, TODAY, "   ", today=TODAY)
    assert "interval_too_short" in _codes(blank, Level.REFUSE)


def test_first_injection_has_no_interval_rule() -> None:
    assert not refusals(check_plan(_simple(), None, TODAY, today=TODAY))


@pytest.mark.parametrize(
    ("last", "on", "needle"),
    [
        (None, TODAY + timedelta(days=1), "session date"),
        (TODAY + timedelta(days=3), TODAY, "last-injection date"),
        (TODAY - timedelta(days=10), TODAY - timedelta(days=20), "after the session date"),
    ],
)
def test_bad_dates_are_errors(last: date | None, on: date, needle: str) -> None:
    with pytest.raises(InputError) as exc:
        check_plan(_simple(), last, on, today=TODAY)
    assert needle in exc.value.text("en") and exc.value.text("ko") != exc.value.text("en")


# --- bad input --------------------------------------------------------------------------------


@given(
    st.one_of(
        st.floats(max_value=0),
        st.just(float("nan")),
        st.just(float("inf")),
        st.integers(max_value=0),
        st.text(max_size=3),
        st.booleans(),
        st.none(),
    )
)
def test_non_positive_or_non_numeric_dose_is_refused(dose: object) -> None:
    plan = Plan("botox", (PlanItem("splenius_capitis", L, dose),))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="positive number of units"):
        plan_findings(plan)


def test_unknown_muscle_side_product_and_duplicates_are_errors() -> None:
    with pytest.raises(InputError, match="Unknown muscle 'gluteus'"):
        plan_findings(_plan("botox", ("gluteus", L, 10)))
    with pytest.raises(InputError, match="Unknown toxin product"):
        plan_findings(_plan("myobloc", ("splenius_capitis", L, 10)))
    with pytest.raises(InputError, match="appears twice"):
        plan_findings(_plan("botox", ("splenius_capitis", L, 10), ("splenius_capitis", L, 20)))
    with pytest.raises(InputError, match="must be left or right"):
        plan_from_dict(
            {"product": "botox", "injections": [{"muscle": "scalenes", "side": "up", "dose": 5}]}
        )


def test_mixing_products_or_units_is_refused() -> None:
    mixed = Plan(
        "botox",
        (
            PlanItem("splenius_capitis", L, 50),
            PlanItem("splenius_capitis", R, 150, product="dysport"),
        ),
    )
    with pytest.raises(InputError) as exc:
        plan_findings(mixed)
    assert "never converted" in exc.value.text("en") and "환산하지" in exc.value.text("ko")
    same = Plan("meditoxin", (PlanItem("splenius_capitis", L, 50, product="Neuronox"),))
    assert not refusals(plan_findings(same))  # an alias of the same product is not mixing
    with pytest.raises(InputError, match="never converted"):
        plan_from_dict(
            {
                "product": "botox",
                "injections": [
                    {"muscle": "scalenes", "side": "left", "dose": 30, "unit": "U Dysport"}
                ],
            }
        )
    with pytest.raises(InputError, match="never converted"):
        plan_from_dict({"product": "xeomin", "unit": "U Botox", "injections": []})


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ([], "JSON object"),
        ({"injections": []}, "missing field 'product'"),
        ({"product": "botox"}, "missing field 'injections'"),
        ({"product": "botox", "injections": {}}, "wrong type"),
        ({"product": "botox", "injections": [3]}, "JSON object"),
        ({"product": "botox", "injections": [{"side": "left", "dose": 3}]}, "'muscle'"),
    ],
)
def test_malformed_plan_file(data: object, needle: str) -> None:
    with pytest.raises(InputError, match=needle):
        plan_from_dict(data)


# --- serialisation ----------------------------------------------------------------------------


def test_plan_round_trips_and_file_ranges_are_not_trusted() -> None:
    plan = make_plan([Pattern("torticaput", L), Pattern("laterocaput", R)], "dysport", naive=True)
    findings = plan_findings(plan)
    data = plan_to_dict(plan, findings, "ko")
    back = plan_from_dict(data)
    assert [(i.muscle, i.side, i.dose) for i in back.items] == [
        (i.muscle, i.side, i.dose) for i in plan.items
    ]
    assert back.patterns == plan.patterns and back.naive
    assert _codes(plan_findings(back)) == _codes(findings)
    data["injections"][0]["range"]["high"] = 100000  # tampered file range is ignored
    data["injections"][0]["dose"] = 5000
    assert "muscle_over_max" in _codes(plan_findings(plan_from_dict(data)), Level.REFUSE)


def test_plan_dict_carries_sources_everywhere() -> None:
    plan = make_plan([Pattern("anterocollis"), Pattern("torticollis", R)], "botox")
    f = check_plan(plan, TODAY - timedelta(days=40), TODAY, today=TODAY)
    data = plan_to_dict(plan, f, "en")
    assert data["unit"] == products()["botox"].unit and data["total"] == plan.total
    for i in data["injections"]:
        assert i["range"]["source"] and isinstance(i["range"]["verified"], bool)
    for x in data["findings"]:
        assert all(TAG.match(t) for t in x["source"].split("+"))
    assert data["sources"] and all(TAG.match(t) for t in data["sources"])
    assert {"S19", "S22"} <= set(data["sources"])  # bilateral SCM, interval rule
    assert data["conversion_info"]  # information only
    assert {"unranged_candidates", "session_max", "approved_cd_korea"} <= set(data)


def test_finding_text_is_translated() -> None:
    f = plan_findings(_plan("botox", ("sternocleidomastoid", L, 150)))
    over = next(x for x in f if x.code == "muscle_over_max")
    assert "150" in over.text("ko") and over.text("ko") != over.text("en")
    with pytest.raises(DoseLimitError) as exc:
        enforce(f, "ko")
    assert "계획 거부" in exc.value.text("ko")
    enforce(plan_findings(_simple()))  # nothing refused: no error


# --- injection log ----------------------------------------------------------------------------


def _record(**over: object) -> dict[str, object]:
    base: dict[str, object] = {
        "on": TODAY,
        "product": "Meditoxin",
        "lot": "MX-2026-001",
        "dilution_u_per_ml": 50.0,
        "items": (PlanItem("splenius_capitis", L, 40), PlanItem("sternocleidomastoid", R, 20)),
        "guidance": "emg",
        "injector": "Dr. Synthetic",
        "adverse_events": ("mild neck pain",),
        "today": TODAY,
    }
    base.update(over)
    return base


def test_injection_record_is_validated() -> None:
    rec = make_record(**_record())  # type: ignore[arg-type]
    assert rec.product == "meditoxin" and rec.total == 60 and rec.guidance.value == "emg"
    assert rec.adverse_events == ("mild neck pain",)


@pytest.mark.parametrize(
    ("over", "needle"),
    [
        ({"on": TODAY + timedelta(days=1)}, "in the future"),
        ({"product": "unknownox"}, "Unknown toxin product"),
        ({"lot": " "}, "needs the lot"),
        ({"injector": ""}, "needs the injector"),
        ({"dilution_u_per_ml": 0}, "Dilution"),
        ({"dilution_u_per_ml": float("inf")}, "Dilution"),
        ({"guidance": "xray"}, "Unknown guidance"),
        ({"items": (PlanItem("scalenes", L, -5),)}, "positive number"),
        ({"items": (PlanItem("scalenes", L, 5, product="dysport"),)}, "never converted"),
    ],
)
def test_injection_record_errors(over: dict[str, object], needle: str) -> None:
    with pytest.raises(InputError, match=needle):
        make_record(**_record(**over))  # type: ignore[arg-type]


def test_levator_scapulae_warns_of_dysphagia_and_infection() -> None:
    f = plan_findings(_plan("botox", ("levator_scapulae", L, 30)))
    assert "dysphagia_levator" in _codes(f)
    assert "dysphagia_levator" not in _codes(plan_findings(_simple()))


def test_scm_dose_is_halved_in_anterocollis() -> None:
    _low, high = _range("botox", "sternocleidomastoid")
    items = (PlanItem("sternocleidomastoid", L, high / 2 + 5),)
    antero = Plan("botox", items, (Pattern("anterocollis"),))
    assert "scm_anterocollis" in _codes(plan_findings(antero))
    rotation = Plan("botox", items, (Pattern("torticaput", R),))
    assert "scm_anterocollis" not in _codes(plan_findings(rotation))
    half = Plan(
        "botox", (PlanItem("sternocleidomastoid", L, high / 2),), (Pattern("anterocollis"),)
    )
    assert "scm_anterocollis" not in _codes(plan_findings(half))


def test_finding_text_reads_naturally_in_both_languages() -> None:
    """Muscle names and sides are shown in the reader's language; 35.0 is shown as 35."""
    import dataclasses
    from datetime import date

    from cdcare.clinical.planning import check_plan, make_plan
    from cdcare.clinical.posture import muscles, parse_pattern

    plan = make_plan([parse_pattern("torticaput:left")], "botox")
    first = dataclasses.replace(plan.items[0], dose=plan.items[0].range.high + 5.0)  # type: ignore[union-attr]
    plan = dataclasses.replace(plan, items=(first, *plan.items[1:]))
    over = next(
        f
        for f in check_plan(plan, None, date(2026, 11, 20), today=date(2026, 11, 25))
        if f.code == "muscle_over_max"
    )
    name = muscles()[first.muscle]
    assert over.text("ko").startswith(f"{name.ko} (왼쪽): {first.dose:g} U")
    assert over.text("en").startswith(f"{name.en} (left): {first.dose:g} U")
    assert ".0 U" not in over.text("en")
