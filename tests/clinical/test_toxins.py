"""Toxin products: own units, approval status in Korea, sourced limits, borrowed numbers."""

from __future__ import annotations

import re

import pytest

from cdcare.clinical.posture import muscles
from cdcare.clinical.sources import unknown_tags
from cdcare.clinical.toxins import (
    conversions,
    get_product,
    min_interval_days,
    near_top_fraction,
    non_response_definitions,
    products,
    rules,
)
from cdcare.errors import InputError

TAG = re.compile(r"^(S\d{1,3}|V\d{1,3}|U)$")
KOREAN = {"meditoxin", "botulax", "nabota", "hutox", "coretox"}


def _tags_ok(source: str, verified: bool) -> None:
    tags = source.split("+")
    assert all(TAG.match(t) for t in tags), source
    assert not unknown_tags(tags), source
    assert len(tags) == len(set(tags)), source
    if "U" in tags:
        assert verified is False, f"{source} is unconfirmed but marked verified"


def test_products_available_in_korea_are_listed() -> None:
    assert set(products()) == {"botox", "xeomin", "dysport", "innotox"} | KOREAN


def test_every_product_has_its_own_unit() -> None:
    units = [p.unit for p in products().values()]
    assert len(set(units)) == len(units)
    for p in products().values():
        assert p.name.split()[0].lower() in p.unit.lower() or p.code in p.unit.lower()


@pytest.mark.parametrize(
    ("code", "approved"),
    [
        ("meditoxin", True),
        ("botox", True),
        ("xeomin", True),
        ("dysport", True),
        ("botulax", False),
        ("nabota", False),
        ("hutox", False),
        ("coretox", False),
        ("innotox", False),
    ],
)
def test_korean_approval_for_cervical_dystonia(code: str, approved: bool | None) -> None:
    a = products()[code].approved_cd_korea
    assert a.value is approved
    _tags_ok(a.source, a.verified)


def test_meditoxin_approval_is_sourced_but_news_only() -> None:
    a = products()["meditoxin"].approved_cd_korea
    assert a.source == "S29" and not a.verified  # a news report: check the live MFDS record


def test_dysport_approval_in_korea_is_the_mfds_record() -> None:
    a = products()["dysport"].approved_cd_korea
    assert a.value is True and a.source == "S74" and a.verified


@pytest.mark.parametrize(
    ("name", "code"),
    [("BOTOX", "botox"), ("neuronox", "meditoxin"), ("Liztox", "hutox"), ("abo", "dysport")],
)
def test_lookup_by_code_or_alias(name: str, code: str) -> None:
    assert get_product(name).code == code


def test_unknown_product_is_a_clear_error_in_both_languages() -> None:
    with pytest.raises(InputError) as exc:
        get_product("myobloc")
    assert "Unknown toxin product 'myobloc'" in exc.value.text("en")
    assert "botox" in exc.value.text("en")
    assert "알 수 없는 보툴리눔 독소 제품 'myobloc'" in exc.value.text("ko")


@pytest.mark.parametrize("code", sorted(KOREAN))
def test_korean_products_borrow_botox_numbers_unverified(code: str) -> None:
    p, botox = products()[code], products()["botox"]
    assert p.borrowed_from == "botox" and p.borrow_basis is not None
    assert p.borrow_basis.verified is False
    assert p.session_max is not None and botox.session_max is not None
    assert p.session_max.value == botox.session_max.value and not p.session_max.verified
    assert set(p.muscle_ranges) == set(botox.muscle_ranges)
    for m, r in p.muscle_ranges.items():
        assert (r.low, r.high) == (botox.muscle_ranges[m].low, botox.muscle_ranges[m].high)
        assert r.verified is False and "U" in r.source.split("+")


def test_innotox_has_no_dose_basis() -> None:
    p = products()["innotox"]
    assert not p.plannable and p.borrowed_from is None and not p.muscle_ranges


def test_botox_scm_is_capped_at_100_units_s19() -> None:
    scm = products()["botox"].muscle_ranges["sternocleidomastoid"]
    assert scm.high == 100 and "S19" in scm.source.split("+")


def test_label_session_figures() -> None:
    dys, xeo, bot = (products()[c] for c in ("dysport", "xeomin", "botox"))
    assert dys.session_max is not None and dys.session_max.value == 1000
    assert dys.session_max.verified and dys.session_max.source == "S21"
    assert dys.naive_initial_total is not None and dys.naive_initial_total.value == 500
    assert dys.session_typical is not None and dys.session_typical.verified
    assert (dys.session_typical.low, dys.session_typical.high) == (250, 1000)
    assert xeo.session_max is not None and xeo.session_max.value == 400
    assert xeo.session_max.verified and xeo.session_max.source == "S73"
    assert xeo.naive_initial_total is not None and xeo.naive_initial_total.value == 120
    assert bot.session_typical is not None
    assert (bot.session_typical.low, bot.session_typical.high) == (198, 300)


def test_dysport_ranges_are_in_dysport_units_not_botox() -> None:
    dys, bot = products()["dysport"], products()["botox"]
    for m, r in dys.muscle_ranges.items():
        assert r.high > bot.muscle_ranges[m].high  # ~2.5-3x: not silently the Botox numbers


def test_ranges_are_positive_ordered_and_for_known_muscles() -> None:
    known = muscles()
    for p in products().values():
        for m, r in p.muscle_ranges.items():
            assert m in known
            assert 0 < r.low <= r.high
        if p.session_max is not None and p.muscle_ranges:
            assert isinstance(p.session_max.value, int | float)
            assert max(r.high for r in p.muscle_ranges.values()) <= p.session_max.value


def test_interval_and_near_top_rules() -> None:
    assert min_interval_days() == 84 and rules()["min_interval_days"].verified
    assert 0 < near_top_fraction() < 1 and not rules()["near_top_fraction"].verified


def test_every_rule_and_number_has_a_source() -> None:
    for p in products().values():
        sourced = [p.approved_cd_korea, p.session_max, p.naive_initial_total, p.borrow_basis]
        for s in [*sourced, p.session_typical, *p.muscle_ranges.values()]:
            if s is not None:
                _tags_ok(s.source, s.verified)
    for r in rules().values():
        _tags_ok(r.source, r.verified)
    for c in conversions():
        _tags_ok(c.source, c.verified)
        assert all(x in products() or x == "korean_bont_a" for x in c.pair)
        assert c.ratio and ":" in c.ratio


def test_non_response_definitions_are_sourced_and_bilingual() -> None:
    defs = {d.code: d for d in non_response_definitions()}
    assert {"primary", "secondary", "confirmation"} <= set(defs)
    assert defs["secondary"].source == "S55" and not defs["primary"].verified
    for d in defs.values():
        _tags_ok(d.source, d.verified)
        assert d.en and d.ko and d.en != d.ko
