"""TWSTRS (original) and TWSTRS-2: hand-worked examples (minimum, maximum, mixed per subscale)."""

from __future__ import annotations

import pytest

from cdcare.clinical.scales import get_instrument, score
from cdcare.errors import ScaleError

TWSTRS_ZERO = {i.code: 0 for i in get_instrument("twstrs").items}
TWSTRS2_ZERO = {i.code: 0 for i in get_instrument("twstrs2").items}


def test_twstrs_minimum() -> None:
    r = score("twstrs", TWSTRS_ZERO)
    assert r.subscores == {"severity": 0, "disability": 0, "pain": 0}
    assert r.total == 0 and r.band is None and r.alerts == []
    assert r.verified is False  # ROM/Time bands and pain formula are [U]


def test_twstrs_maximum_is_35_30_20_85() -> None:
    answers = {i.code: max(i.values) for i in get_instrument("twstrs").items}
    answers["retrocollis"] = 0  # antero- OR retrocollis
    r = score("twstrs", answers)
    assert r.subscores == {"severity": 35, "disability": 30, "pain": 20}
    assert r.total == 85


def test_twstrs_mixed_severity_counts_duration_twice() -> None:
    answers = dict(TWSTRS_ZERO)
    answers.update(
        rotation=2,
        laterocollis=1,
        retrocollis=2,
        lateral_shift=1,
        duration=3,
        sensory_trick=1,
        shoulder_elevation=2,
        rom=1,
        time=2,
    )
    # 2 + 1 + 2 + 1 + 0 + 3×2 + 1 + 2 + 1 + 2 = 18
    r = score("twstrs", answers)
    assert r.subscores["severity"] == 18
    assert r.total == 18


def test_twstrs_mixed_disability() -> None:
    answers = dict(TWSTRS_ZERO)
    answers.update(work=1, adl=2, driving=0, reading=3, television=4, outside=5)
    assert score("twstrs", answers).subscores == {"severity": 0, "disability": 15, "pain": 0}


@pytest.mark.parametrize(
    ("worst", "best", "usual", "duration", "disability", "expected"),
    [
        (8, 2, 5, 3, 2, 10.0),  # (8 + 2 + 2×5)/4 = 5, + 3 + 2
        (7, 0, 3, 0, 1, 4.25),  # (7 + 0 + 6)/4 = 3.25, + 1
        (10, 10, 10, 5, 5, 20.0),
    ],
)
def test_twstrs_mixed_pain(
    worst: int, best: int, usual: int, duration: int, disability: int, expected: float
) -> None:
    answers = dict(TWSTRS_ZERO)
    answers.update(
        pain_worst=worst,
        pain_best=best,
        pain_usual=usual,
        pain_duration=duration,
        pain_disability=disability,
    )
    r = score("twstrs", answers)
    assert r.subscores["pain"] == expected and r.total == expected


def test_twstrs_mixed_total_adds_the_three_subscales() -> None:
    answers = dict(TWSTRS_ZERO)
    answers.update(rotation=4, anterocollis=3, duration=5, work=2, adl=2, pain_usual=4)
    # severity 4 + 3 + 10 = 17; disability 4; pain (0 + 0 + 8)/4 = 2
    r = score("twstrs", answers)
    assert r.subscores == {"severity": 17, "disability": 4, "pain": 2}
    assert r.total == 23


def test_twstrs_refuses_anterocollis_and_retrocollis_together() -> None:
    answers = dict(TWSTRS_ZERO, anterocollis=1, retrocollis=2)
    with pytest.raises(ScaleError) as exc:
        score("twstrs", answers)
    assert exc.value.item == "retrocollis"
    assert "anterocollis" in exc.value.text("en") and "하나만" in exc.value.text("ko")


def test_twstrs_keeps_original_ranges_not_twstrs2_ones() -> None:
    with pytest.raises(ScaleError) as exc:
        score("twstrs", dict(TWSTRS_ZERO, sensory_trick=4))  # 0–4 only in TWSTRS-2
    assert exc.value.item == "sensory_trick"
    with pytest.raises(ScaleError) as exc:
        score("twstrs", dict(TWSTRS_ZERO, pain_severity=3))  # a TWSTRS-2 item
    assert exc.value.item == "pain_severity"


def test_twstrs2_minimum_and_maximum() -> None:
    assert score("twstrs2", TWSTRS2_ZERO).total == 0
    top = {i.code: max(i.values) for i in get_instrument("twstrs2").items}
    r = score("twstrs2", top)
    # severity: 4+3+3+3+1+1+3+4+4+5+4 = 35 plus tremor 2×2 = 4 → 39 (derived, [U])
    assert r.subscores == {"severity": 39, "disability": 30, "pain": 20}
    assert r.total == 89
    assert r.verified is False


def test_twstrs2_mixed_severity_with_tremor_product_and_both_collis_items() -> None:
    answers = dict(TWSTRS2_ZERO)
    answers.update(
        rotation=3,
        laterocollis=2,
        anterocollis=1,
        retrocollis=1,
        sagittal_shift=1,
        tremor_severity=2,
        tremor_duration=1,
        shoulder_elevation=1,
        rom=2,
        time=1,
        duration=3,
        sensory_trick=4,
    )
    # 3 + 2 + 1 + 1 + 0 + 1 + 1 + 2 + 1 + 3 (unweighted) + 4 = 19, tremor 2 × 1 = 2
    assert score("twstrs2", answers).subscores["severity"] == 21


def test_twstrs2_mixed_disability_and_pain() -> None:
    answers = dict(TWSTRS2_ZERO)
    answers.update(work=5, adl=1, television=2, pain_severity=7, pain_duration=2)
    r = score("twstrs2", answers)
    assert r.subscores == {"severity": 0, "disability": 8, "pain": 9}
    assert r.total == 17


def test_twstrs2_refuses_original_pain_items() -> None:
    with pytest.raises(ScaleError) as exc:
        score("twstrs2", dict(TWSTRS2_ZERO, pain_worst=3))
    assert exc.value.item == "pain_worst"
