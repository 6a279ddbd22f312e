"""One table of neutral margins: the TWSTRS and COL-CAP video suggestions read the same data."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from cdcare.clinical import posture, video_margins, video_twstrs


def _file() -> dict[str, dict[str, object]]:
    text = (resources.files("cdcare.clinical") / "data" / "video_margins.json").read_text()
    return {k: v for k, v in json.loads(text).items() if not k.startswith("_")}


def test_both_suggestions_read_the_same_table() -> None:
    table = video_margins.neutral_margins()
    assert posture.video_thresholds() is table
    assert {k: t.value for k, t in table.items()} == {k: v["value"] for k, v in _file().items()}
    for band in video_twstrs.BANDS:
        m = table[band.measure]
        assert band.lower_bounds[0] == m.value
        assert (band.margin_source, band.margin_verified) == (m.source, m.verified)
    assert {b.measure for b in video_twstrs.BANDS} == set(table)


def test_no_margin_left_in_the_posture_data() -> None:
    text = (resources.files("cdcare.clinical") / "data" / "posture.json").read_text()
    assert "video_thresholds" not in json.loads(text)


@pytest.mark.parametrize("key", sorted(video_margins.neutral_margins()))
def test_just_above_the_margin_both_suggest_just_below_neither(key: str) -> None:
    """A changed margin moves both suggestions together (angles: 0.6° either side, which stays
    on its side after TWSTRS rounds to whole degrees; fractions: 1 % either side)."""
    m = video_margins.margin(key)
    band = next(b for b in video_twstrs.BANDS if b.measure == key)
    step = 0.6 if band.round_to_degree else m.value * 0.01
    above, below = m.value + step, m.value - step
    assert band.score(above) == 1 and band.score(below) == 0
    assert len(posture.suggest_from_video({key: above})) == 1
    assert posture.suggest_from_video({key: below}) == []


def test_each_margin_has_a_unit_and_a_source() -> None:
    for key, m in video_margins.neutral_margins().items():
        assert m.value > 0 and m.unit and m.source, key
        assert m.verified is False  # engineering choices, shown as unconfirmed


def test_prefill_is_decided_by_the_table_with_its_validation_result() -> None:
    """What is pre-filled into the TWSTRS form comes from the margins file, each decision with
    the benchmark result it rests on; the unvalidated shifts and shoulders are not pre-filled."""
    data = _file()
    for key, entry in data.items():
        assert isinstance(entry["prefill"], bool), key
        assert "benchmarks/video_accuracy.py" in str(entry["prefill_source"]), key
    expected = {b.item for b in video_twstrs.BANDS if data[b.measure]["prefill"]}
    assert video_twstrs.prefilled_items() == expected
    for band in video_twstrs.BANDS:
        assert band.prefill_note == data[band.measure]["prefill_source"]
    assert {"lateral_shift", "sagittal_shift", "shoulder_elevation"}.isdisjoint(expected)
