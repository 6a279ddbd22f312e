"""Diagnosis support: each red flag, thresholds, differential checklist, sources, no diagnosis."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdcare.clinical.diagnosis import (
    DrugExposure,
    Intake,
    NeuroSign,
    OnsetSpeed,
    Spread,
    Support,
    assess,
    data,
    disclaimer,
    threshold,
)
from cdcare.errors import InputError

TODAY = date(2026, 6, 15)
TAG = re.compile(r"^(S([1-9]|[1-6]\d|7[0-2])|V[1-9]|U)$")
HANGUL = re.compile(r"[가-힣]")
OLD = 60.0  # an onset age that fires no age rule

# Smallest intake that should fire each red flag (on top of an older, insidious baseline).
FIRES: dict[str, dict[str, Any]] = {
    "sudden_onset": {"onset_speed": OnsetSpeed.SUDDEN},
    "fixed_posture": {"fixed_posture": True, "sensory_trick": False},
    "other_neuro_signs": {"other_neuro_signs": frozenset({NeuroSign.CEREBELLAR})},
    "young_onset": {"onset_age_years": 22.0},
    "progression_or_spread": {"spread": Spread.GENERALIZED},
    "drb_exposure": {"drb_exposures": (DrugExposure("haloperidol", date(2020, 1, 1)),)},
    "acute_reaction": {
        "onset_date": date(2026, 3, 4),
        "drb_exposures": (DrugExposure("metoclopramide", date(2026, 3, 1)),),
    },
    "wilson_risk": {"onset_age_years": 35.0},
    "structural_or_infective": {"trauma_before_onset": True},
    "ocular": {"diplopia": True},
    "functional_features": {"functional_features": True},
    "parkinsonism": {"parkinsonism": True},
    "chorea_cognition": {"chorea": True},
    "neck_extensor_weakness": {"neck_extensor_weakness": True},
}
BOOLS = [
    f.name
    for f in dataclasses.fields(Intake)
    if f.type in ("bool", bool) and f.name != "sensory_trick"
]


def _flags(**kw: Any) -> set[str]:
    base: dict[str, Any] = {"onset_age_years": OLD, "onset_speed": OnsetSpeed.INSIDIOUS}
    base.update(kw)
    return {f.code for f in assess(Intake(**base), today=TODAY).red_flags}


def _tags_ok(source: str, verified: bool) -> None:
    tags = source.split("+")
    assert all(TAG.match(t) for t in tags), source
    if "U" in tags:
        assert verified is False


def test_every_red_flag_in_the_data_has_a_test_case() -> None:
    assert set(FIRES) == set(data()["red_flags"])


def test_baseline_intake_fires_nothing() -> None:
    assert _flags() == set()
    out = assess(Intake(), today=TODAY)  # nothing known: nothing fired, checklist still shown
    assert out.red_flags == () and len(out.differential) == len(data()["differential"])
    assert all(d.raised_by == () for d in out.differential)


@pytest.mark.parametrize("code", sorted(FIRES))
def test_each_red_flag_fires_with_reason_workup_and_source(code: str) -> None:
    assert code in _flags(**FIRES[code])
    base: dict[str, Any] = {"onset_age_years": OLD, "onset_speed": OnsetSpeed.INSIDIOUS}
    base.update(FIRES[code])
    flag = next(f for f in assess(Intake(**base), today=TODAY).red_flags if f.code == code)
    assert flag.why and flag.why_text("en") and flag.workup
    assert HANGUL.search(flag.why_text("ko")) or code == "drb_exposure"
    assert HANGUL.search(flag.label.text("ko")) and flag.label.text("en")
    assert all(HANGUL.search(w.ko) and w.en for w in flag.workup)
    assert flag.differential and all(d in data()["differential"] for d in flag.differential)
    _tags_ok(flag.source, flag.verified)


def test_young_onset_boundary_at_26_years() -> None:
    limit = threshold("young_onset_age")
    assert limit == 26
    assert "young_onset" in _flags(onset_age_years=limit)
    assert "young_onset" not in _flags(onset_age_years=limit + 1)


def test_young_onset_suggests_wilson_screen_and_genetic_testing() -> None:
    out = assess(Intake(onset_age_years=19), today=TODAY)
    young = next(f for f in out.red_flags if f.code == "young_onset")
    assert {"wilson_screen", "genetic_testing", "mri_brain"} <= {w.code for w in young.workup}
    assert "ceruloplasmin" in next(w.en for w in young.workup if w.code == "wilson_screen")


def test_wilson_rule() -> None:
    limit = threshold("wilson_screen_age")
    assert "wilson_risk" in _flags(onset_age_years=limit - 1)
    assert "wilson_risk" not in _flags(onset_age_years=limit)
    assert "wilson_risk" not in _flags(onset_age_years=limit + 5, liver_disease=True)
    assert "wilson_risk" in _flags(onset_age_years=None, psychiatric_change=True)
    assert "wilson_risk" not in _flags(onset_age_years=None)


def test_acute_reaction_window() -> None:
    days = int(threshold("acute_reaction_days"))
    onset = date(2026, 3, 20)
    for gap, fires in ((0, True), (days, True), (days + 1, False), (-1, False)):
        exp = (DrugExposure("levosulpiride", onset - timedelta(days=gap)),)
        got = _flags(onset_date=onset, drb_exposures=exp)
        assert ("acute_reaction" in got) == fires, gap
        assert "drb_exposure" in got  # any exposure is flagged for tardive dystonia


def test_fixed_posture_with_a_working_sensory_trick_is_not_a_flag() -> None:
    assert "fixed_posture" not in _flags(fixed_posture=True, sensory_trick=True)
    assert "fixed_posture" in _flags(fixed_posture=True, sensory_trick=None)


@pytest.mark.parametrize(
    ("spread", "fires"),
    [
        (Spread.NONE, False),
        (Spread.SEGMENTAL, False),
        (Spread.MULTIFOCAL, False),
        (Spread.HEMIDYSTONIA, True),
        (Spread.GENERALIZED, True),
    ],
)
def test_spread_beyond_the_neck(spread: Spread, fires: bool) -> None:
    assert ("progression_or_spread" in _flags(spread=spread)) == fires
    assert "progression_or_spread" in _flags(rapid_progression=True)


def test_childhood_onset_and_other_structural_triggers() -> None:
    assert "structural_or_infective" in _flags(onset_age_years=threshold("child_age") - 1)
    for kw in ("fever_or_neck_infection", "nuchal_mass"):
        assert "structural_or_infective" in _flags(**{kw: True})


def test_other_triggers() -> None:
    assert "ocular" in _flags(better_one_eye_closed=True)
    assert "parkinsonism" in _flags(early_falls=True)
    assert "chorea_cognition" in _flags(cognitive_decline=True)
    assert "chorea_cognition" not in _flags(family_history=True)  # family history alone: common


def test_differential_checklist_links() -> None:
    out = assess(
        Intake(
            onset_age_years=OLD,
            drb_exposures=(DrugExposure("aripiprazole"),),
            head_tremor=True,
        ),
        today=TODAY,
    )
    raised = {d.label.code: d.raised_by for d in out.differential}
    assert raised["tardive_dystonia"] == ("drb_exposure",)
    assert raised["essential_tremor"] == ("head_tremor",)
    assert raised["ocular_torticollis"] == ()
    checklist = {"atlantoaxial_subluxation", "congenital_muscular_torticollis",
                 "ocular_torticollis", "posterior_fossa_lesion", "functional_dystonia"}  # fmt: skip
    assert checklist <= set(raised)


@given(st.lists(st.sampled_from(BOOLS), unique=True), st.sampled_from(BOOLS))
def test_more_findings_never_remove_a_flag(on: list[str], extra: str) -> None:
    before = _flags(**dict.fromkeys(on, True))
    after = _flags(**dict.fromkeys([*on, extra], True))
    assert before <= after


def test_support_never_states_a_diagnosis() -> None:
    assert {f.name for f in dataclasses.fields(Support)} == {
        "red_flags",
        "differential",
        "disclaimer",
    }
    d = assess(Intake(), today=TODAY).disclaimer
    assert d == disclaimer() and "diagnosis" in d.en and HANGUL.search(d.ko)


@pytest.mark.parametrize(
    ("intake", "needle"),
    [
        (Intake(onset_age_years=-1), "between 0 and 120"),
        (Intake(onset_age_years=130), "between 0 and 120"),
        (Intake(onset_date=TODAY + timedelta(days=1)), "onset date"),
        (Intake(drb_exposures=(DrugExposure("x", TODAY + timedelta(days=2)),)), "future"),
        (Intake(drb_exposures=(DrugExposure(" "),)), "drug's name"),
        (
            Intake(drb_exposures=(DrugExposure("x", date(2026, 2, 1), date(2026, 1, 1)),)),
            "stop date is before start",
        ),
    ],
)
def test_bad_intake_is_a_clear_error(intake: Intake, needle: str) -> None:
    with pytest.raises(InputError) as exc:
        assess(intake, today=TODAY)
    assert needle in exc.value.text("en") and HANGUL.search(exc.value.text("ko"))


def test_every_flag_differential_and_threshold_has_a_source() -> None:
    d = data()
    for section in ("red_flags", "differential", "thresholds"):
        for item in d[section].values():
            _tags_ok(item["source"], item["verified"])
    for f in d["red_flags"].values():
        assert all(w in d["workups"] for w in f["workup"])
