"""Follow-up analytics: cycle response, non-response flags, candidacy screens, sources."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from cdcare.care import followup as fu
from cdcare.care._checks import load_data
from cdcare.care.followup import MET, NOT_MET, UNKNOWN, CycleResponse, Facts

D0 = date(2025, 1, 6)


def _cycle(n: int, improvement: float | None, start: date = D0) -> CycleResponse:
    """A cycle with its best ``improvement`` % below a baseline of 40 (None = no data)."""
    on = start + timedelta(days=91 * (n - 1))
    if improvement is None:
        return fu.cycle_response(n, on, None, "twstrs", None, [])
    best = 40 * (1 - improvement / 100)
    return fu.cycle_response(n, on, None, "twstrs", 40.0, [(4, best), (12, 40.0)])


def test_every_rule_and_criterion_has_a_source_and_a_verified_flag() -> None:
    data = load_data("followup.json")
    items = list(data["rules"].values()) + [
        c for s in data["candidacy"].values() for c in s["criteria"]
    ]
    assert len(items) >= 20
    for item in items:
        assert item["source"].strip(), item
        assert isinstance(item["verified"], bool)
        if "U" in item["source"].split("+"):
            assert item["verified"] is False, item  # [U] is never shown as verified
        assert item["en"] and item["ko"]
    for name in ("intake.json", "exercises.json", "medication_classes.json", "adverse_events.json"):
        d = load_data(name)
        groups = [d.get("risk_factors"), d.get("programmes"), d.get("classes"), d.get("events")]
        for group in filter(None, groups):
            for entry in group.values():
                assert entry["source"] and isinstance(entry["verified"], bool), (name, entry)
                if "U" in entry["source"].split("+"):
                    assert entry["verified"] is False


def test_cited_sources_exist_in_the_reference_list() -> None:
    """Tags like S58 must be entries of the bibliography (cdcare.clinical.sources) or U."""
    data = load_data("followup.json")
    tags = {t for r in data["rules"].values() for t in r["source"].split("+")}
    tags |= {
        t for s in data["candidacy"].values() for c in s["criteria"] for t in c["source"].split("+")
    }
    for t in tags:
        assert t == "U" or (t[0] == "S" and 1 <= int(t[1:]) <= 72), t


def test_dbs_criteria_match_the_trial() -> None:
    crit = {c["code"]: c for c in load_data("followup.json")["candidacy"]["dbs_gpi"]["criteria"]}
    assert (crit["age"]["min"], crit["age"]["max"]) == (18, 75)
    assert crit["duration"]["min"] == 3
    assert crit["twstrs_severity"]["min"] == 15
    assert crit["age"]["source"] == "S58"


def test_cycle_peak_and_wearing_off() -> None:
    curve = [(1, 38.0), (4, 24.0), (6, 25.0), (9, 31.0), (12, 38.0)]
    c = fu.cycle_response(1, D0, D0 + timedelta(days=84), "twstrs", 40.0, curve)
    assert c.best == 24.0 and c.peak_week == 4
    assert c.improvement_pct == 40.0
    assert c.meaningful is True
    # half of the 16-point gain lost at 32: week 9 (31) not yet, week 12 (38) yes
    assert c.wearing_off_week == 12


def test_poor_cycle_has_no_wearing_off_and_early_cycle_is_not_judged() -> None:
    poor = fu.cycle_response(1, D0, None, "twstrs", 40.0, [(4, 38.0), (10, 39.0)])
    assert poor.meaningful is False and poor.wearing_off_week is None
    early = fu.cycle_response(1, D0, None, "diary", 6.0, [(0, 6.0), (1, 6.0)])
    assert early.meaningful is None  # before the expected peak week (S30)
    none = fu.cycle_response(1, D0, None, "twstrs", None, [(4, 20.0)])
    assert none.meaningful is None and none.improvement_pct is None


@given(
    base=st.floats(1, 85),
    values=st.lists(st.tuples(st.integers(0, 14), st.floats(0, 85)), min_size=1, max_size=20),
)
def test_cycle_properties(base: float, values: list[tuple[int, float]]) -> None:
    curve = sorted(values)
    c = fu.cycle_response(1, D0, None, "twstrs", base, curve)
    assert c.best == min(v for _, v in curve)
    assert c.improvement_pct is not None and c.improvement_pct <= 100.0
    raw = 100 * (base - min(v for _, v in curve)) / base
    assert abs(c.improvement_pct - raw) <= 0.05
    if raw >= 20:
        assert c.meaningful is True
    else:
        assert c.meaningful is (None if curve[-1][0] < 4 else False)
    if c.wearing_off_week is not None:
        assert c.peak_week is not None and c.wearing_off_week >= c.peak_week
        assert c.meaningful


def test_cycles_from_scores_use_baseline_window() -> None:
    inj = [D0, D0 + timedelta(days=91)]
    scores = [
        (D0 - timedelta(days=60), 60.0),  # outside the 28-day window: ignored
        (D0, 40.0),
        (D0 + timedelta(days=30), 22.0),
        (D0 + timedelta(days=91), 38.0),  # closes cycle 1 and is cycle 2's baseline
    ]
    c1, c2 = fu.cycles_from_scores(inj, scores)
    assert (c1.baseline, c1.best, c1.peak_week) == (40.0, 22.0, 4)
    assert c1.wearing_off_week == 13
    assert c2.baseline == 38.0 and c2.meaningful is None  # no follow-up yet


def test_cycles_from_diary_weekly_means() -> None:
    on = D0 + timedelta(days=7)
    diary = [(D0 + timedelta(days=k), 8.0) for k in range(7)]
    diary += [(on + timedelta(days=k), 8.0 if k < 10 else 3.0) for k in range(0, 70)]
    (c,) = fu.cycles_from_diary([on], diary)
    assert c.baseline == 8.0
    assert c.best == 3.0 and c.peak_week == 2
    assert c.meaningful is True


def test_primary_non_response() -> None:
    assert fu.primary_non_response([_cycle(1, 5), _cycle(2, 10)]).status == MET
    assert fu.primary_non_response([_cycle(1, 5), _cycle(2, 30)]).status == NOT_MET
    assert fu.primary_non_response([_cycle(1, 5)]).status == fu.INSUFFICIENT
    # a cycle without data does not count towards the two
    flag = fu.primary_non_response([_cycle(1, None), _cycle(2, 5), _cycle(3, 0)])
    assert flag.status == MET and flag.cycles == (2, 3)
    assert flag.source == "U" and flag.verified is False


def test_secondary_non_response() -> None:
    good_then_lost = [_cycle(1, 40), _cycle(2, 35), _cycle(3, 5), _cycle(4, 8)]
    flag = fu.secondary_non_response(good_then_lost)
    assert flag.status == MET and flag.cycles == (3, 4)
    assert "S55" in flag.source and flag.verified is False
    assert "immunoresistance_pattern" in flag.notes  # within 3 years of the first injection
    assert "confirmation_test" in flag.notes
    assert fu.secondary_non_response([_cycle(1, 40), _cycle(2, 5)]).status == fu.INSUFFICIENT
    assert fu.secondary_non_response([_cycle(1, 40), _cycle(2, 5), _cycle(3, 30)]).status == NOT_MET
    assert fu.secondary_non_response([_cycle(1, 5), _cycle(2, 5), _cycle(3, 5)]).status == NOT_MET


def test_late_loss_has_no_immunoresistance_note() -> None:
    cycles = (
        [_cycle(1, 40)] + [_cycle(n, 40) for n in range(2, 16)] + [_cycle(16, 2), _cycle(17, 2)]
    )
    flag = fu.secondary_non_response(cycles)
    assert flag.status == MET and "immunoresistance_pattern" not in flag.notes


def _screen(facts: Facts, code: str) -> dict[str, str]:
    (s,) = [s for s in fu.screens(facts) if s.code == code]
    return {c.code: c.status for c in s.criteria}


def test_dbs_screen_criteria() -> None:
    facts = Facts(age=50, duration_years=5, twstrs_severity=20, phq9=4, gad7=3, non_response=MET)
    st_ = _screen(facts, "dbs_gpi")
    assert st_["age"] == st_["duration"] == st_["twstrs_severity"] == MET
    assert st_["inadequate_response"] == MET
    assert st_["psychiatric_illness"] == NOT_MET
    assert st_["cognitive_impairment"] == UNKNOWN
    (dbs,) = [s for s in fu.screens(facts) if s.code == "dbs_gpi"]
    assert dbs.inclusion_met
    edge = _screen(Facts(age=76, duration_years=2.9, twstrs_severity=14.5), "dbs_gpi")
    assert edge["age"] == edge["duration"] == edge["twstrs_severity"] == NOT_MET
    assert _screen(Facts(age=75, duration_years=3, twstrs_severity=15), "dbs_gpi")["age"] == MET
    assert _screen(Facts(), "dbs_gpi")["age"] == UNKNOWN
    psych = _screen(Facts(phq9=3, gad7=2, phq9_item9=1), "dbs_gpi")["psychiatric_illness"]
    assert psych == MET
    assert _screen(Facts(phq9=3), "dbs_gpi")["psychiatric_illness"] == UNKNOWN
    signs = frozenset({"cognitive_impairment"})
    assert _screen(Facts(signs=signs), "dbs_gpi")["cognitive_impairment"] == MET


def test_spd_screen_pattern() -> None:
    rot = {"rotation": 3, "laterocollis": 1, "anterocollis": 0, "retrocollis": 0}
    retro = {"rotation": 0, "laterocollis": 0, "anterocollis": 0, "retrocollis": 2}
    s = _screen(Facts(twstrs_answers=(rot, rot, rot), non_response=MET), "spd")
    assert s["rotational_pattern"] == s["stable_pattern"] == s["inadequate_response"] == MET
    s = _screen(Facts(twstrs_answers=(rot, rot, retro)), "spd")
    assert s["rotational_pattern"] == NOT_MET and s["stable_pattern"] == NOT_MET
    assert _screen(Facts(twstrs_answers=(rot,)), "spd")["stable_pattern"] == UNKNOWN
    assert _screen(Facts(signs=frozenset({"head_tremor"})), "spd")["tremor_dominant"] == MET


def test_psych_prompts() -> None:
    assert [r.code for r in fu.psych_prompts(9, 9, 0)] == []
    assert [r.code for r in fu.psych_prompts(10, 9, 0)] == ["psych_referral_phq9"]
    assert [r.code for r in fu.psych_prompts(4, 10, None)] == ["psych_referral_gad7"]
    codes = [r.code for r in fu.psych_prompts(3, None, 1)]
    assert codes == ["phq9_item9_safety"]
    assert all(r.source == "S12" for r in fu.psych_prompts(12, 12, 2))


def test_non_response_status() -> None:
    good, bad = _cycle(1, 40), _cycle(1, 5)
    met = fu.primary_non_response([bad, _cycle(2, 5)])
    not_met = fu.secondary_non_response([good])
    assert fu.non_response_status(met, not_met, [bad]) == MET
    assert fu.non_response_status(not_met, not_met, [good]) == NOT_MET
    assert fu.non_response_status(not_met, not_met, []) == UNKNOWN
