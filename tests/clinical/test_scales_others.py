"""Tsui, CDIP-58, PHQ-9 and GAD-7: hand-worked examples (minimum, maximum, mixed, bands)."""

from __future__ import annotations

import pytest

from cdcare.clinical.scales import get_instrument, score
from cdcare.errors import ScaleError

TSUI_LOW = {
    "rotation": 0,
    "tilt": 0,
    "antero_retrocollis": 0,
    "posture_duration": 1,
    "shoulder_elevation": 0,
    "tremor_severity": 0,
    "tremor_duration": 0,
}


def test_tsui_minimum_maximum() -> None:
    low = score("tsui", TSUI_LOW)
    assert low.subscores == {"posture": 0, "shoulder": 0, "tremor": 0} and low.total == 0
    top = score("tsui", {i.code: max(i.values) for i in get_instrument("tsui").items})
    assert top.subscores == {"posture": 18, "shoulder": 3, "tremor": 4} and top.total == 25
    assert top.verified is False


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # A = 2 + 1 + 0 = 3, B = 2 → 6; C = 1; D = 2 × 1 = 2 → 9
        (
            {"rotation": 2, "tilt": 1, "posture_duration": 2, "shoulder_elevation": 1,
             "tremor_severity": 2, "tremor_duration": 1},
            {"posture": 6, "shoulder": 1, "tremor": 2},
        ),
        # A = 3 + 3 + 2 = 8, B = 1 → 8; C = 2; D = 1 × 2 = 2 → 12
        (
            {"rotation": 3, "tilt": 3, "antero_retrocollis": 2, "shoulder_elevation": 2,
             "tremor_severity": 1, "tremor_duration": 2},
            {"posture": 8, "shoulder": 2, "tremor": 2},
        ),
        # tremor severity without duration counts 0
        ({"tremor_severity": 2}, {"posture": 0, "shoulder": 0, "tremor": 0}),
    ],
)  # fmt: skip
def test_tsui_mixed(changes: dict[str, int], expected: dict[str, float]) -> None:
    r = score("tsui", {**TSUI_LOW, **changes})
    assert r.subscores == expected
    assert r.total == sum(expected.values())


def test_tsui_duration_b_is_1_or_2() -> None:
    with pytest.raises(ScaleError) as exc:
        score("tsui", {**TSUI_LOW, "posture_duration": 0})
    assert exc.value.item == "posture_duration"
    assert "1, 2" in exc.value.text("en")


CDIP = get_instrument("cdip58")


def _cdip(value: int) -> dict[str, int]:
    return {i.code: value for i in CDIP.items}


def test_cdip58_has_58_items_in_8_subscales() -> None:
    assert len(CDIP.items) == 58
    assert [len(s.items) for s in CDIP.subscales] == [6, 5, 9, 8, 4, 8, 6, 12]


def test_cdip58_minimum_maximum_and_no_total() -> None:
    low = score("cdip58", _cdip(1))
    assert set(low.subscores.values()) == {0.0} and low.total is None and low.band is None
    high = score("cdip58", _cdip(5))
    assert set(high.subscores.values()) == {100.0} and high.total is None
    assert high.verified is False


def test_cdip58_mixed_every_subscale() -> None:
    answers = _cdip(1)
    answers.update(zip(["hn1", "hn2", "hn3", "hn4", "hn5", "hn6"], [1, 2, 3, 4, 5, 3], strict=True))
    answers.update({f"pd{n}": 2 for n in range(1, 6)})
    answers.update({f"ul{n}": 3 for n in range(1, 10)})
    answers.update({f"wk{n}": 1 + n % 2 for n in range(1, 9)})
    answers.update({"sl4": 5})
    answers.update({f"an{n}": 4 for n in range(1, 9)})
    answers.update({"md1": 5, "md2": 5})
    answers.update({f"ps{n}": 2 for n in range(7, 13)})
    r = score("cdip58", answers)
    assert r.subscores == {
        "head_neck": 50.0,  # raw 18, 100 × (18 − 6)/24
        "pain": 25.0,  # raw 10, 100 × 5/20
        "upper_limb": 50.0,  # raw 27, 100 × 18/36
        "walking": 12.5,  # raw 12, 100 × 4/32
        "sleep": 25.0,  # raw 8, 100 × 4/16
        "annoyance": 75.0,  # raw 32, 100 × 24/32
        "mood": 33.33,  # raw 14, 100 × 8/24
        "psychosocial": 12.5,  # raw 18, 100 × 6/48
    }
    assert r.imputed == []


def test_cdip58_imputes_when_half_the_subscale_is_answered() -> None:
    answers: dict[str, object] = dict(_cdip(1))
    answers.update(sl1=5, sl2=3, sl3=None)
    del answers["sl4"]
    r = score("cdip58", answers)
    assert r.imputed == ["sl3", "sl4"]
    assert r.subscores["sleep"] == 75.0  # 5 + 3 + 4 + 4 = 16 → 100 × 12/16
    assert r.verified is False
    assert answers["sl3"] is None and "sl4" not in answers  # input untouched


def test_cdip58_refuses_when_less_than_half_is_answered() -> None:
    answers = _cdip(2)
    for code in ("sl2", "sl3", "sl4"):
        del answers[code]
    with pytest.raises(ScaleError) as exc:
        score("cdip58", answers)
    assert exc.value.item == "sl2"
    assert "1 of 4" in exc.value.text("en") and "sleep" in exc.value.text("ko")


def _items(n: int, total: int) -> dict[str, int]:
    """n items (q1..qn) each 0–3 with the given sum, filled from q1 (q9 kept 0 for n=9)."""
    out = {f"q{k}": 0 for k in range(1, n + 1)}
    codes = [f"q{k}" for k in range(1, n + 1) if not (n == 9 and k == 9)]
    for code in codes:
        out[code] = min(3, total)
        total -= out[code]
    assert total == 0
    return out


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (24, "severe"),
    ],
)
def test_phq9_bands_at_their_edges(total: int, band: str) -> None:
    r = score("phq9", _items(9, total))
    assert r.total == total and r.band == band
    assert "phq9_item9_safety" not in r.alerts
    assert r.verified is False  # the PHQ-2 and item-9 rules are unconfirmed [S12]


def test_phq9_maximum() -> None:
    r = score("phq9", {f"q{k}": 3 for k in range(1, 10)})
    assert r.total == 27 and r.band == "severe"
    assert r.subscores == {"phq9": 27, "phq2": 6}
    assert r.alerts == ["phq9_item9_safety", "phq2_positive"]


def test_phq9_item9_alert_whatever_the_total() -> None:
    r = score("phq9", {**_items(9, 0), "q9": 1})
    assert r.total == 1 and r.band == "minimal"
    assert r.alerts == ["phq9_item9_safety"]


def test_phq9_mixed_with_phq2_screen() -> None:
    answers = {"q1": 2, "q2": 1, "q3": 3, "q4": 0, "q5": 1, "q6": 0, "q7": 2, "q8": 1, "q9": 0}
    r = score("phq9", answers)
    assert r.subscores == {"phq9": 10, "phq2": 3}
    assert r.band == "moderate" and r.alerts == ["phq2_positive"]
    r2 = score("phq9", {**answers, "q1": 1})
    assert r2.subscores == {"phq9": 9, "phq2": 2} and r2.alerts == [] and r2.band == "mild"


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
     (14, "moderate"), (15, "severe"), (21, "severe")],
)  # fmt: skip
def test_gad7_bands_at_their_edges(total: int, band: str) -> None:
    r = score("gad7", _items(7, total))
    assert r.total == total and r.band == band


def test_gad7_mixed_with_gad2_screen() -> None:
    answers = {"q1": 0, "q2": 2, "q3": 1, "q4": 3, "q5": 0, "q6": 1, "q7": 2}
    r = score("gad7", answers)
    assert r.subscores == {"gad7": 9, "gad2": 2} and r.band == "mild" and r.alerts == []
    r2 = score("gad7", {**answers, "q1": 1})
    assert r2.subscores == {"gad7": 10, "gad2": 3}
    assert r2.band == "moderate" and r2.alerts == ["gad2_positive"]
