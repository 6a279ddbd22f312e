"""Statement templates: the unconfirmed-source flag cannot be hidden."""

from __future__ import annotations

import pytest

from cdcare.education.statements import Template, templates_by_id

BASE = {"id": "x", "kind": "info", "en": "In {n} days.", "ko": "{n}일 뒤.", "sources": ["S30"]}


def test_unconfirmed_source_must_be_flagged() -> None:
    with pytest.raises(ValueError, match="cites 'U'"):
        Template.from_dict({**BASE, "sources": ["U"]})
    tpl = Template.from_dict({**BASE, "sources": ["U"], "verified": False})
    assert tpl.fill(n=3).as_dict("en")["verified"] is False


def test_fill_per_language_values() -> None:
    stmt = Template.from_dict(BASE).fill(n={"en": "three", "ko": "사흘"})
    assert (stmt.text("en"), stmt.text("ko"), stmt.text("fr")) == (
        "In three days.",
        "사흘일 뒤.",
        "In three days.",
    )
    assert stmt.as_dict() == {
        "id": "x",
        "kind": "info",
        "en": "In three days.",
        "ko": "사흘일 뒤.",
        "sources": ["S30"],
        "verified": True,
    }


def test_bad_kind_and_duplicates_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        Template.from_dict({**BASE, "kind": "panic"})
    with pytest.raises(ValueError, match="duplicate"):
        templates_by_id([BASE, BASE])
