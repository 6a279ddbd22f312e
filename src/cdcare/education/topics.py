"""Patient education topics: versioned Markdown files per language, plus the glossary.

Layout inside the package::

    education/content/{en,ko}/<topic-id>.md   one page, front matter + Markdown body
    education/content/glossary.json           medical terms with plain definitions (ko/en)

Source tags resolve in the bibliography, :mod:`cdcare.clinical.sources`.

Front matter is a YAML block between ``---`` lines (read with python-frontmatter), one
``key: value`` per line; lists are written ``[a, b]``. Required keys: ``id``, ``title``,
``order`` (position in the list),
``version`` (integer, raised on every content change), ``reviewed`` (ISO date of the last
clinical review), ``sources`` (bibliography tags such as ``S30``, or URLs) and
``verified`` (``false`` whenever the page rests on an unconfirmed ``U`` fact). Inline tags in
the body (``[S30]``, ``[U]``) say which source backs which sentence.
The glossary is offered as one more topic, ``glossary``, generated from ``glossary.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from cdcare.clinical.sources import INLINE_TAG, UNCONFIRMED, bibliography
from cdcare.errors import N_, CdcareError, InputError
from cdcare.i18n import LANGUAGES, normalize_lang

GLOSSARY_ID = "glossary"
_REQUIRED = ("id", "title", "order", "version", "reviewed", "sources", "verified")


class UnknownTopic(InputError):
    """A topic id that is not in the education content."""


class ContentError(CdcareError):
    """A packaged content file is malformed (a packaging bug, not a user error)."""


@dataclass(frozen=True)
class GlossaryEntry:
    """One medical term with a plain-language definition in one language."""

    id: str
    term: str
    aliases: tuple[str, ...]
    definition: str
    sources: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The term and its aliases (what a text may use)."""
        return (self.term, *self.aliases)


@dataclass(frozen=True)
class Topic:
    """One education page in one language."""

    id: str
    lang: str
    title: str
    order: int
    version: int
    reviewed: date
    sources: tuple[str, ...]
    verified: bool
    body: str

    def inline_tags(self) -> set[str]:
        """Source tags cited inside the body, e.g. ``{"S30", "U"}``."""
        return set(INLINE_TAG.findall(self.body))

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (for the web layer and ``--json`` output)."""
        return {
            "id": self.id,
            "lang": self.lang,
            "title": self.title,
            "version": self.version,
            "reviewed": self.reviewed.isoformat(),
            "sources": list(self.sources),
            "verified": self.verified,
            "body": self.body,
        }


def _content() -> Traversable:
    return resources.files("cdcare.education") / "content"


def _broken(file: str, reason: str) -> ContentError:
    return ContentError(
        N_("Education content file {file} is broken: {reason}"), file=file, reason=reason
    )


def parse_front_matter(text: str, file: str = "<text>") -> tuple[dict[str, Any], str]:
    """Split a page into its front-matter fields (YAML, read by python-frontmatter) and its
    Markdown body. YAML types apply: ``[a, b]`` is a list, ``true``/``false`` a bool, digits an
    int, an ISO date a :class:`datetime.date`."""
    handler = YAMLHandler()
    if not handler.detect(text):
        raise _broken(file, "no front matter")
    try:
        raw, body = handler.split(text)
    except ValueError:
        raise _broken(file, "front matter not closed") from None
    try:
        meta = handler.load(raw)
    except yaml.YAMLError as exc:
        raise _broken(file, f"front matter is not valid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise _broken(file, "front matter is not a list of 'key: value' lines")
    return meta, body.strip() + "\n"


def _topic_from_text(text: str, lang: str, file: str) -> Topic:
    meta, body = parse_front_matter(text, file)
    missing = [k for k in _REQUIRED if k not in meta]
    if missing:
        raise _broken(file, f"missing {', '.join(missing)}")
    try:
        reviewed = date.fromisoformat(str(meta["reviewed"]))
    except ValueError:
        raise _broken(file, f"reviewed is not an ISO date: {meta['reviewed']!r}") from None
    if not isinstance(meta["sources"], list) or not meta["sources"]:
        raise _broken(file, "sources must be a non-empty list")
    if not isinstance(meta["version"], int) or not isinstance(meta["order"], int):
        raise _broken(file, "version and order must be integers")
    if not isinstance(meta["verified"], bool):
        raise _broken(file, "verified must be true or false")
    return Topic(
        id=str(meta["id"]),
        lang=lang,
        title=str(meta["title"]),
        order=meta["order"],
        version=meta["version"],
        reviewed=reviewed,
        sources=tuple(meta["sources"]),
        verified=meta["verified"],
        body=body,
    )


@cache
def glossary(lang: str) -> tuple[GlossaryEntry, ...]:
    """Glossary entries in ``lang``, sorted by term."""
    code = normalize_lang(lang)
    data = json.loads((_content() / "glossary.json").read_text(encoding="utf-8"))
    entries = [
        GlossaryEntry(
            id=item["id"],
            term=item[code]["term"],
            aliases=tuple(item[code].get("aliases", ())),
            definition=item[code]["definition"],
            sources=tuple(item["sources"]),
        )
        for item in data["terms"]
    ]
    return tuple(sorted(entries, key=lambda e: e.term.lower()))


def _glossary_topic(lang: str) -> Topic:
    data = json.loads((_content() / "glossary.json").read_text(encoding="utf-8"))
    lines = [f"- **{e.term}**: {e.definition}" for e in glossary(lang)]
    sources = sorted({s for e in glossary(lang) for s in e.sources})
    return Topic(
        id=GLOSSARY_ID,
        lang=lang,
        title=data["title"][lang],
        order=10_000,
        version=int(data["version"]),
        reviewed=date.fromisoformat(data["reviewed"]),
        sources=tuple(sources),
        verified="U" not in sources,
        body="\n".join(lines) + "\n",
    )


@cache
def _load(lang: str) -> tuple[Topic, ...]:
    folder = _content() / lang
    topics = [
        _topic_from_text(p.read_text(encoding="utf-8"), lang, f"{lang}/{p.name}")
        for p in folder.iterdir()
        if p.name.endswith(".md")
    ]
    for t in topics:
        if not (folder / f"{t.id}.md").is_file():
            raise _broken(f"{lang}/{t.id}.md", "id does not match the file name")
    topics.append(_glossary_topic(lang))
    return tuple(sorted(topics, key=lambda t: (t.order, t.id)))


def list_topics(lang: str | None = "en") -> tuple[Topic, ...]:
    """All topics in ``lang`` ('ko' or 'en'), in reading order; the glossary comes last."""
    return _load(normalize_lang(lang))


def get_topic(topic_id: str, lang: str | None = "en") -> Topic:
    """One topic by id; raises :class:`UnknownTopic` (exit code 2) for an unknown id."""
    for topic in list_topics(lang):
        if topic.id == topic_id:
            return topic
    known = ", ".join(t.id for t in list_topics(lang))
    raise UnknownTopic(
        N_("Unknown topic '{topic}'. Known topics: {known}"), topic=topic_id, known=known
    )


@cache
def source_registry() -> dict[str, dict[str, str]]:
    """Source tag → ``{"title", "url"}`` for every bibliography entry, plus ``U``
    (unconfirmed, no address); several addresses are joined by ``" ; "``."""
    bib = bibliography()
    registry = {s.tag: {"title": s.title, "url": " ; ".join(s.url)} for s in bib.ordered()}
    registry[UNCONFIRMED] = {"title": bib.unconfirmed["en"], "url": ""}
    return registry


__all__ = [
    "GLOSSARY_ID",
    "INLINE_TAG",
    "LANGUAGES",
    "ContentError",
    "GlossaryEntry",
    "Topic",
    "UnknownTopic",
    "get_topic",
    "glossary",
    "list_topics",
    "parse_front_matter",
    "source_registry",
]
