"""Plain-language checks for the education texts (run by the tests on every ko and en page).

Two rules, both documented limits rather than a reading-grade formula:

1. **Sentence length.** English is counted in words, Korean in *eojeol* (the space-separated
   units of Korean writing; one eojeol ≈ a word plus its particles, so Korean sentences have
   fewer units than their English versions). Limits (:data:`LIMITS`):
   English mean ≤ 15 words and no sentence > 25 words (common plain-language guidance: an
   average of 15–20 words); Korean mean ≤ 10 eojeol and no sentence > 18 eojeol.
   Headings are not sentences; every list item counts as one or more sentences.
2. **No unexplained jargon.** Every medical term from the jargon list (``content/jargon.json``)
   that a text uses must be a glossary term or alias (``content/glossary.json``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from cdcare.education.topics import glossary
from cdcare.i18n import normalize_lang


@dataclass(frozen=True)
class Limits:
    """Sentence-length limits for one language; ``unit`` is what is counted."""

    lang: str
    unit: str
    mean_max: float
    sentence_max: int


LIMITS: dict[str, Limits] = {
    "en": Limits("en", "words", mean_max=15.0, sentence_max=25),
    "ko": Limits("ko", "eojeol", mean_max=10.0, sentence_max=18),
}

_TAG = re.compile(r"\s*\[(?:S\d+|V\d+|U)\]")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MARKUP = re.compile(r"[*_`>]+")
_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_SPLIT = re.compile(r"(?<=[.!?])\s+")
_EN_WORD = re.compile(r"[A-Za-z0-9가-힣][\w'’\-–]*")


def sentences(markdown: str) -> list[str]:
    """Plain sentences of a Markdown text: headings dropped, links → their text, inline source
    tags and emphasis removed; paragraphs joined, then split after ``.``, ``!`` or ``?``."""
    blocks: list[str] = []
    current: list[str] = []
    for raw in markdown.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            if current:
                blocks.append(" ".join(current))
                current = []
            continue
        if _LIST.match(line):
            if current:
                blocks.append(" ".join(current))
            current = [_LIST.sub("", line)]
        else:
            current.append(line)
    if current:
        blocks.append(" ".join(current))
    out: list[str] = []
    for block in blocks:
        text = _MARKUP.sub("", _TAG.sub("", _LINK.sub(r"\1", block)))
        out.extend(s.strip() for s in _SPLIT.split(text) if s.strip())
    return out


def sentence_length(sentence: str, lang: str) -> int:
    """Length of one sentence: words (en) or eojeol (ko), punctuation-only tokens ignored."""
    if normalize_lang(lang) == "ko":
        return sum(1 for tok in sentence.split() if any(ch.isalnum() for ch in tok))
    return len(_EN_WORD.findall(sentence))


@cache
def jargon(lang: str) -> tuple[str, ...]:
    """Medical terms that need a glossary entry when used in a ``lang`` text."""
    path = resources.files("cdcare.education") / "content" / "jargon.json"
    data: dict[str, list[str]] = json.loads(path.read_text(encoding="utf-8"))
    return tuple(data[normalize_lang(lang)])


def _uses(text: str, term: str, lang: str) -> bool:
    if lang == "ko":
        return term in text
    return re.search(rf"(?<![\w-]){re.escape(term)}(?:s|es)?(?![\w-])", text, re.I) is not None


def unexplained_jargon(text: str, lang: str) -> list[str]:
    """Jargon terms used in ``text`` that are not glossary terms or aliases, in list order."""
    code = normalize_lang(lang)
    known = {name.casefold() for entry in glossary(code) for name in entry.names}
    return [t for t in jargon(code) if _uses(text, t, code) and t.casefold() not in known]


@dataclass(frozen=True)
class Report:
    """Result of :func:`check` for one text; ``problems`` is empty when it passes."""

    lang: str
    sentence_count: int
    mean_length: float
    max_length: int
    longest: str
    unexplained: tuple[str, ...]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when the text meets every limit."""
        return not self.problems


def check(markdown: str, lang: str) -> Report:
    """Check one Markdown text against :data:`LIMITS` and the jargon rule."""
    code = normalize_lang(lang)
    limits = LIMITS[code]
    sents = sentences(markdown)
    lengths = [sentence_length(s, code) for s in sents]
    mean = sum(lengths) / len(lengths) if lengths else 0.0
    longest_len = max(lengths, default=0)
    longest = sents[lengths.index(longest_len)] if sents else ""
    unexplained = tuple(unexplained_jargon(" ".join(sents), code))
    problems: list[str] = []
    if mean > limits.mean_max:
        problems.append(f"mean sentence length {mean:.1f} {limits.unit} > {limits.mean_max}")
    problems.extend(
        f"sentence of {n} {limits.unit} > {limits.sentence_max}: {s!r}"
        for s, n in zip(sents, lengths, strict=True)
        if n > limits.sentence_max
    )
    problems.extend(f"unexplained term: {t!r}" for t in unexplained)
    return Report(code, len(sents), mean, longest_len, longest, unexplained, tuple(problems))


def check_all(texts: Iterable[tuple[str, str, str]]) -> dict[str, Report]:
    """Check many ``(name, lang, markdown)`` texts; name → report."""
    return {name: check(md, lang) for name, lang, md in texts}


__all__ = [
    "LIMITS",
    "Limits",
    "Report",
    "check",
    "check_all",
    "jargon",
    "sentence_length",
    "sentences",
    "unexplained_jargon",
]
