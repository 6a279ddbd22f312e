"""Scale engine: registry, data integrity (sources, flags, ranges), errors and properties."""

from __future__ import annotations

import copy
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdcare.clinical.scales import Instrument, get_instrument, list_instruments, score
from cdcare.clinical.scales.base import Item, is_unconfirmed
from cdcare.errors import InputError, ScaleError

CODES = ["twstrs", "twstrs2", "tsui", "cdip58", "phq9", "gad7"]
INSTRUMENTS = {i.code: i for i in list_instruments()}


def _valid_answers(inst: Instrument, draw: st.DrawFn) -> dict[str, int]:
    """Any complete, valid answer set (respecting "one of" terms)."""
    answers = {i.code: draw(st.sampled_from(i.values), label=i.code) for i in inst.items}
    for sub in inst.subscales:
        for term in sub.terms:
            if term.exclusive:
                keep = draw(st.sampled_from(term.items))
                for code in term.items:
                    if code != keep:
                        answers[code] = 0
    return answers


def test_registry_lists_every_instrument_once() -> None:
    assert [i.code for i in list_instruments()] == CODES


def test_get_instrument_is_case_insensitive() -> None:
    assert get_instrument(" PHQ9 ").code == "phq9"


def test_unknown_instrument_names_the_code_and_the_known_ones() -> None:
    with pytest.raises(ScaleError) as exc:
        get_instrument("twstrs3")
    assert isinstance(exc.value, InputError)
    assert "twstrs3" in exc.value.text("en") and "cdip58" in exc.value.text("en")
    assert "알 수 없는 척도" in exc.value.text("ko")


@pytest.mark.parametrize("code", CODES)
def test_unconfirmed_sources_are_never_marked_verified(code: str) -> None:
    inst = INSTRUMENTS[code]
    for item in inst.items:
        assert not (is_unconfirmed(item.source) and item.verified), item.code
        assert re.fullmatch(r"(S\d+|V\d+|U)(\+(S\d+|V\d+|U))*", item.source), item.source
    for sub in inst.subscales:
        assert not (is_unconfirmed(sub.source) and sub.verified), sub.code
        for term in sub.terms:
            assert not (is_unconfirmed(term.source) and term.verified), term.rule_en
    for alert in inst.alerts:
        assert not (is_unconfirmed(alert.source) and alert.verified), alert.code


@pytest.mark.parametrize("code", CODES)
def test_items_are_unique_and_each_belongs_to_its_subscale(code: str) -> None:
    inst = INSTRUMENTS[code]
    codes = [i.code for i in inst.items]
    assert len(codes) == len(set(codes))
    used = {c for s in inst.subscales for c in s.items}
    assert used == set(codes)
    for item in inst.items:
        assert item.code in inst.subscale(item.subscale).items
        assert item.values == tuple(sorted(set(item.values))) and min(item.values) >= 0
        assert item.label_en and item.label_ko and item.label_en != item.label_ko


@pytest.mark.parametrize("code", CODES)
def test_computed_maxima_match_the_published_ones(code: str) -> None:
    inst = INSTRUMENTS[code]
    for sub in inst.subscales:
        if sub.published_max is not None:
            assert sub.bounds(inst.item_map) == (0, sub.published_max), sub.code
    if inst.total_published_max is not None:
        assert inst.total_bounds() == (0, inst.total_published_max)


@pytest.mark.parametrize("code", ["phq9", "gad7"])
def test_bands_cover_the_total_range_without_gaps(code: str) -> None:
    inst = INSTRUMENTS[code]
    bounds = inst.total_bounds()
    assert bounds is not None
    assert inst.bands[0].lo == bounds[0] and inst.bands[-1].hi == bounds[1]
    for a, b in zip(inst.bands, inst.bands[1:], strict=False):
        assert b.lo == a.hi + 1


def test_verified_flags_per_instrument() -> None:
    flags = {i.code: i.verified for i in list_instruments()}
    assert flags == {
        "twstrs": False,
        "twstrs2": False,
        "tsui": False,
        "cdip58": False,
        "phq9": False,  # PHQ-2 and the item-9 rule rest on secondary pages [S12]
        "gad7": False,  # bands only from secondary pages [S12]
    }


def test_phq9_items_and_bands_rest_on_the_original_paper() -> None:
    phq9 = get_instrument("phq9")
    assert phq9.bands_source == "S75" and not is_unconfirmed(phq9.bands_source)
    assert all(i.verified and "S75" in i.source for i in phq9.items)
    assert phq9.subscale("phq9").verified and not phq9.subscale("phq2").verified
    assert {a.code: a.verified for a in phq9.alerts} == {
        "phq9_item9_safety": False,
        "phq2_positive": False,
    }


@pytest.mark.parametrize("source", ["U", "S3+U", "S12", "", "derived"])
def test_unconfirmed_sources(source: str) -> None:
    assert is_unconfirmed(source)
    item = Item("x", "x", "x", (0, 1), "s", source)  # verified defaults to True ...
    assert item.verified is False  # ... but an unconfirmed source never is


@pytest.mark.parametrize("source", ["S1", "S75+S12", "S10+S3"])
def test_confirmed_sources(source: str) -> None:
    assert not is_unconfirmed(source)
    assert Item("x", "x", "x", (0, 1), "s", source).verified is True


def test_answers_must_be_an_object() -> None:
    with pytest.raises(ScaleError) as exc:
        score("phq9", [0, 1, 2])  # type: ignore[arg-type]
    assert "JSON object" in exc.value.text("en")
    assert "JSON 객체" in exc.value.text("ko")


@pytest.mark.parametrize("bad", ["3", True, False, [1], {"v": 1}])
def test_non_numbers_are_refused_naming_the_item(bad: object) -> None:
    answers: dict[str, object] = {f"q{n}": 0 for n in range(1, 8)}
    answers["q4"] = bad
    with pytest.raises(ScaleError) as exc:
        score("gad7", answers)
    assert exc.value.item == "q4"
    assert "q4" in exc.value.text("en") and "must be a number" in exc.value.text("en")
    assert "q4" in exc.value.text("ko") and "숫자" in exc.value.text("ko")


@pytest.mark.parametrize("bad", [2.5, math.nan, math.inf, -1, 4])
def test_values_outside_the_allowed_set_are_refused(bad: float) -> None:
    answers: dict[str, object] = {f"q{n}": 0 for n in range(1, 8)}
    answers["q2"] = bad
    with pytest.raises(ScaleError) as exc:
        score("gad7", answers)
    assert exc.value.item == "q2"
    assert "0–3" in exc.value.text("en") and "허용" in exc.value.text("ko")


def test_integral_float_is_accepted_as_its_integer() -> None:
    answers: dict[str, object] = {f"q{n}": 0 for n in range(1, 8)}
    answers["q1"] = 3.0
    assert score("gad7", answers).total == 3


def test_unknown_item_is_refused_naming_it() -> None:
    answers: dict[str, object] = {f"q{n}": 0 for n in range(1, 8)}
    answers["q8"] = 0
    with pytest.raises(ScaleError) as exc:
        score("gad7", answers)
    assert exc.value.item == "q8"
    assert "q8" in exc.value.text("ko")


@pytest.mark.parametrize("how", ["absent", "null"])
def test_missing_required_item_is_refused_naming_it(how: str) -> None:
    answers: dict[str, object] = {f"q{n}": 1 for n in range(1, 10)}
    if how == "absent":
        del answers["q5"]
    else:
        answers["q5"] = None
    with pytest.raises(ScaleError) as exc:
        score("phq9", answers)
    assert exc.value.item == "q5"
    assert "missing" in exc.value.text("en") and "필수" in exc.value.text("ko")


@settings(max_examples=60, deadline=None)
@given(code=st.sampled_from(CODES), data=st.data())
def test_scores_stay_in_range_and_input_is_not_mutated(code: str, data: st.DataObject) -> None:
    inst = INSTRUMENTS[code]
    answers = _valid_answers(inst, data.draw)
    before = copy.deepcopy(answers)
    result = score(code, answers)
    assert answers == before
    im = inst.item_map
    for sub in inst.subscales:
        lo, hi = sub.bounds(im)
        assert lo <= result.subscores[sub.code] <= hi
    bounds = inst.total_bounds()
    if bounds is None:
        assert result.total is None
    else:
        assert result.total is not None
        assert bounds[0] <= result.total <= bounds[1]
        assert result.total == pytest.approx(sum(result.subscores[c] for c in inst.total or ()))
        if inst.total_published_max is not None:
            assert result.total <= inst.total_published_max
    if inst.bands:
        band = next(b for b in inst.bands if b.code == result.band)
        assert band.lo <= (result.total or 0) <= band.hi
    assert result.verified is inst.verified
    assert result.imputed == []


@settings(max_examples=80, deadline=None)
@given(code=st.sampled_from(CODES), data=st.data())
def test_every_out_of_range_item_is_refused(code: str, data: st.DataObject) -> None:
    inst = INSTRUMENTS[code]
    answers: dict[str, object] = dict(_valid_answers(inst, data.draw))
    item = data.draw(st.sampled_from(inst.items))
    bad = data.draw(
        st.integers(min_value=-50, max_value=50).filter(lambda v: v not in item.values)
        | st.floats(allow_nan=True).filter(lambda v: v not in item.values)
    )
    answers[item.code] = bad
    with pytest.raises(ScaleError) as exc:
        score(code, answers)
    assert exc.value.item == item.code
    assert item.code in exc.value.text("ko")


@settings(max_examples=40, deadline=None)
@given(code=st.sampled_from([c for c in CODES if c != "cdip58"]), data=st.data())
def test_every_missing_item_is_refused_where_no_missing_rule_exists(
    code: str, data: st.DataObject
) -> None:
    inst = INSTRUMENTS[code]
    answers = _valid_answers(inst, data.draw)
    item = data.draw(st.sampled_from(inst.items))
    del answers[item.code]
    with pytest.raises(ScaleError) as exc:
        score(code, answers)
    assert exc.value.item == item.code


@pytest.mark.parametrize("code", CODES)
def test_describe_documents_every_item_with_values_labels_and_sources(code: str) -> None:
    doc = get_instrument(code).describe()
    assert doc["instrument"] == code and doc["verified"] is INSTRUMENTS[code].verified
    assert [i["code"] for i in doc["items"]] == [i.code for i in INSTRUMENTS[code].items]
    for entry, item in zip(doc["items"], INSTRUMENTS[code].items, strict=True):
        assert entry["values"] == list(item.values)
        assert entry["label"] == {"en": item.label_en, "ko": item.label_ko}
        assert entry["source"] == item.source and entry["verified"] is item.verified
    assert {s["code"] for s in doc["subscales"]} == {s.code for s in INSTRUMENTS[code].subscales}
