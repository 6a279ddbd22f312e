"""The bibliography: one entry per source tag (``S30``, ``V9``) cited anywhere in cdcare.

Data, code and content cite sources by tag: a data field ``"source": "S22+S25"`` (several
tags joined by ``+``), a list ``["S30", "V9"]``, or an inline ``[S30]`` in prose. ``U`` is not
a source: it marks a fact not yet confirmed against a primary source (such a fact is shipped
with ``verified: false`` and shown as an unconfirmed reference).

The entries live in ``clinical/data/sources.json``. An entry is ``verified`` only when it is a
primary or authoritative source (label, regulator, peer-reviewed paper, published instrument,
clinical reference book, professional body, the label holder's professional pages); a fact
marked ``verified: true`` in the data must cite at least one verified entry (tests check it).
``docs/clinical-sources.md`` is generated from this file by :func:`markdown_table`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict

#: A source tag: S (clinical), V (video measurement). ``U`` is handled separately.
TAG = re.compile(r"\b([SV]\d{1,3})\b")
#: An inline citation in prose, e.g. ``[S30]`` or ``[U]``.
INLINE_TAG = re.compile(r"\[(S\d{1,3}|V\d{1,3}|U)\]")
UNCONFIRMED = "U"


class Source(BaseModel):
    """One bibliography entry."""

    model_config = ConfigDict(frozen=True)

    tag: str
    title: str
    authors: str
    year: int | None
    kind: str
    url: tuple[str, ...]
    supports: str
    supports_ko: str
    verified: bool

    def supports_in(self, lang: str) -> str:
        """What the source supports, in Korean for ``ko``, else English."""
        return self.supports_ko if lang == "ko" else self.supports

    @property
    def anchor(self) -> str:
        """The fragment of this entry on the ``/sources`` page."""
        return self.tag


class Bibliography(BaseModel):
    """All entries, the kinds of source and the text for ``U``."""

    model_config = ConfigDict(frozen=True)

    sources: dict[str, Source]
    kinds: dict[str, dict[str, str]]
    unconfirmed: dict[str, str]

    def get(self, tag: str) -> Source | None:
        """The entry for ``tag``, or None (also for ``U``)."""
        return self.sources.get(tag)

    def ordered(self) -> list[Source]:
        """Entries in tag order (S1, S2, ..., S74, V1, ...)."""
        return sorted(self.sources.values(), key=lambda s: tag_key(s.tag))


def tag_key(tag: str) -> tuple[str, int]:
    """Sort key: letter, then number (``S9`` before ``S10``)."""
    return (tag[0], int(tag[1:]) if tag[1:].isdigit() else 0)


@cache
def bibliography() -> Bibliography:
    """The packaged bibliography (read once)."""
    raw: dict[str, Any] = json.loads(
        (resources.files("cdcare.clinical") / "data" / "sources.json").read_text(encoding="utf-8")
    )
    sources = {tag: Source(tag=tag, **entry) for tag, entry in raw["sources"].items()}
    return Bibliography(sources=sources, kinds=raw["kinds"], unconfirmed=raw["unconfirmed"])


def split_tags(cited: str | Iterable[str] | None) -> list[str]:
    """The tags of a citation, in order, without repeats: ``"S22+S25+U"`` → ``["S22", "S25",
    "U"]``; a list is flattened the same way. Free text yields only the tags it contains."""
    if cited is None:
        return []
    parts = [cited] if isinstance(cited, str) else list(cited)
    out: list[str] = []
    for part in parts:
        for token in re.split(r"[\s+,;/\[\]()]+", part):
            if (TAG.fullmatch(token) or token == UNCONFIRMED) and token not in out:
                out.append(token)
    return out


def unknown_tags(tags: Iterable[str]) -> set[str]:
    """The tags that have no bibliography entry (``U`` is always known)."""
    known = bibliography().sources
    return {t for t in tags if t != UNCONFIRMED and t not in known}


def markdown_table() -> str:
    """The human-readable bibliography (the body of ``docs/clinical-sources.md``)."""
    bib = bibliography()
    lines = [
        "| tag | source | authors / body | year | kind | supports | verified |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in bib.ordered():
        links = " ; ".join(f"<{u}>" for u in s.url)
        title = f"{s.title} {links}".strip()
        lines.append(
            f'| <a id="{s.tag.lower()}"></a>{s.tag} | {title} | {s.authors} | {s.year or "–"} '
            f"| {bib.kinds[s.kind]['en']} | {s.supports} | {'yes' if s.verified else 'no'} |"
        )
    return "\n".join(lines) + "\n"


__all__ = [
    "INLINE_TAG",
    "TAG",
    "UNCONFIRMED",
    "Bibliography",
    "Source",
    "bibliography",
    "markdown_table",
    "split_tags",
    "tag_key",
    "unknown_tags",
]
