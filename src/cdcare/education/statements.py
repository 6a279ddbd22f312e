"""Bilingual statements shown to patients (self-check results, personalised notes).

A :class:`Statement` carries its text in Korean and English, the bibliography source tags
it rests on (e.g. ``("S30",)``; ``"U"`` = unconfirmed) and ``verified`` (``False`` whenever a
source is ``"U"``, and then shown as "unconfirmed reference"; never hidden).
Templates live in the JSON data files next to this module, not in code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from cdcare.i18n import normalize_lang

Kind = Literal["info", "advice", "urgent"]
KINDS: tuple[str, ...] = ("info", "advice", "urgent")


@dataclass(frozen=True)
class Statement:
    """One finished statement in both languages.

    ``kind``: ``"urgent"`` = needs prompt action (shown first, highlighted), ``"advice"`` = a
    suggested step, ``"info"`` = explanation only.
    """

    id: str
    kind: Kind
    en: str
    ko: str
    sources: tuple[str, ...]
    verified: bool

    def text(self, lang: str | None = "en") -> str:
        """The statement in ``lang`` ('ko' or 'en'; anything else → English)."""
        return self.ko if normalize_lang(lang) == "ko" else self.en

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        """JSON-ready form; with ``lang`` only that language's text, else both."""
        out: dict[str, Any] = {"id": self.id, "kind": self.kind}
        if lang is None:
            out.update(en=self.en, ko=self.ko)
        else:
            out["text"] = self.text(lang)
        out.update(sources=list(self.sources), verified=self.verified)
        return out


@dataclass(frozen=True)
class Template:
    """A statement with ``{name}`` placeholders, loaded from a data file."""

    id: str
    kind: Kind
    en: str
    ko: str
    sources: tuple[str, ...]
    verified: bool = field(default=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Template:
        """Build from a JSON object; checks the kind and the ``verified`` rule for ``"U"``."""
        kind = data.get("kind", "info")
        if kind not in KINDS:
            raise ValueError(f"statement {data.get('id')!r}: unknown kind {kind!r}")
        sources = tuple(str(s) for s in data["sources"])
        verified = bool(data.get("verified", True))
        if "U" in sources and verified:
            raise ValueError(f"statement {data['id']!r} cites 'U' but is marked verified")
        return cls(
            id=str(data["id"]),
            kind=kind,
            en=str(data["en"]),
            ko=str(data["ko"]),
            sources=sources,
            verified=verified,
        )

    def fill(self, **params: Any) -> Statement:
        """Fill placeholders. A value that is a mapping ``{"en": ..., "ko": ...}`` is used per
        language (dates, plural forms); any other value is used in both languages."""

        def pick(lang: str) -> dict[str, Any]:
            return {k: (v[lang] if isinstance(v, Mapping) else v) for k, v in params.items()}

        return Statement(
            id=self.id,
            kind=self.kind,
            en=self.en.format(**pick("en")),
            ko=self.ko.format(**pick("ko")),
            sources=self.sources,
            verified=self.verified,
        )


def templates_by_id(items: list[Mapping[str, Any]]) -> dict[str, Template]:
    """Index a list of JSON statement objects by id (ids must be unique)."""
    out: dict[str, Template] = {}
    for item in items:
        tpl = Template.from_dict(item)
        if tpl.id in out:
            raise ValueError(f"duplicate statement id {tpl.id!r}")
        out[tpl.id] = tpl
    return out


__all__ = ["KINDS", "Kind", "Statement", "Template", "templates_by_id"]
