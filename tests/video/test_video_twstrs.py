"""TWSTRS suggestion from video medians: published bands [S2], noise margins, sources."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdcare.clinical.video_twstrs import BANDS, suggest

NEUTRAL = {
    "rotation_deg": 1.5,
    "tilt_deg": -1.0,
    "flexion_deg": 3.0,
    "lateral_shift": 0.05,
    "sagittal_shift": -0.1,
    "shoulder_elevation": 0.01,
}


def _score(item: str, value: float) -> object:
    return suggest({**NEUTRAL, **{next(b.measure for b in BANDS if b.item == item): value}})[item]


def test_neutral_head_scores_zero() -> None:
    out = suggest(NEUTRAL)
    for b in BANDS:
        assert out[b.item] == 0, b.item


def test_depth_item_needs_a_reference() -> None:
    absolute = suggest({**NEUTRAL, "sagittal_shift": 2.0}, relative_to_reference=False)
    assert absolute["sagittal_shift"] is None
    assert absolute["rotation"] == 0 and absolute["laterocollis"] == 0
    assert suggest({**NEUTRAL, "sagittal_shift": 2.0})["sagittal_shift"] == 1


@pytest.mark.parametrize(
    ("deg", "score"),
    [(4.4, 0), (5, 1), (22, 1), (22.4, 1), (22.6, 2), (45, 2), (46, 3), (67, 3), (68, 4), (90, 4)],
)
def test_rotation_bands_s2(deg: float, score: int) -> None:
    assert _score("rotation", deg) == score
    assert _score("rotation", -deg) == score  # either side


@pytest.mark.parametrize(("deg", "score"), [(2, 0), (3, 1), (15, 1), (16, 2), (35, 2), (36, 3)])
def test_laterocollis_bands_s2(deg: float, score: int) -> None:
    assert _score("laterocollis", deg) == score


def test_other_items_and_missing_values() -> None:
    assert _score("anterocollis_retrocollis", -50) == 3  # retrocollis scored like anterocollis
    assert _score("lateral_shift", 0.6) == 1
    assert _score("shoulder_elevation", -0.2) == 3
    out = suggest({**NEUTRAL, "lateral_shift": None})
    assert out["lateral_shift"] is None


@given(st.floats(0, 180), st.floats(0, 180))
def test_scores_are_monotonic_and_bounded(a: float, b: float) -> None:
    for band in BANDS:
        lo, hi = sorted((a, b))
        assert band.score(lo) <= band.score(hi) <= band.max_score  # type: ignore[operator]


def test_sources_and_unverified_flags_are_shown() -> None:
    out = suggest(NEUTRAL)
    basis = out["basis"]
    assert isinstance(basis, dict)
    for b in BANDS:
        assert b.source in {"S1", "S2", "U"}
        assert (b.source == "U") == (not b.verified)
        assert basis[b.item]["verified"] is b.verified
        assert basis[b.item]["noise_margin_verified"] is False
    assert {b.item for b in BANDS if b.verified} == {"rotation", "laterocollis"}
    assert [b.max_score for b in BANDS] == [4, 3, 3, 1, 1, 3]


def test_unvalidated_shoulder_elevation_is_suggested_but_not_prefilled() -> None:
    from types import SimpleNamespace

    from cdcare.care.videos import twstrs_prefill
    from cdcare.clinical.video_twstrs import prefilled_items

    out = suggest({**NEUTRAL, "rotation_deg": 30.0, "shoulder_elevation": 0.2})
    assert out["shoulder_elevation"] == 3  # still shown as a suggestion
    assert out["basis"]["shoulder_elevation"]["prefill"] is False  # type: ignore[index]
    assert "shoulder_elevation" not in prefilled_items() and "rotation" in prefilled_items()
    assert {"lateral_shift", "sagittal_shift"}.isdisjoint(prefilled_items())  # not validated
    row = SimpleNamespace(result={"twstrs": out})
    filled = twstrs_prefill(row)  # type: ignore[arg-type]
    assert filled["rotation"] == 2 and "shoulder_elevation" not in filled
