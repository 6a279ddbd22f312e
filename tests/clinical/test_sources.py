"""The bibliography: every source tag used in the repository resolves, verified facts cite an
authoritative source, and docs/clinical-sources.md agrees with the packaged data."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cdcare.clinical.sources import (
    TAG,
    bibliography,
    markdown_table,
    split_tags,
    unknown_tags,
)

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "cdcare"
BIB_FILE = SRC / "clinical" / "data" / "sources.json"
TEXT_SUFFIXES = {
    ".py",
    ".json",
    ".md",
    ".html",
    ".po",
    ".pot",
    ".yaml",
    ".txt",
    ".ini",
    ".mako",
    ".sh",
    ".toml",
    ".cfg",
}
AUTHORITATIVE = {
    "paper",
    "review",
    "label",
    "regulator",
    "guideline",
    "instrument",
    "book",
    "manufacturer",
    "terminology",
}


def _text_files(*roots: Path) -> Iterator[Path]:
    for root in roots:
        if root.is_file():
            yield root
            continue
        for p in sorted(root.rglob("*")):
            if p.is_file() and p.suffix in TEXT_SUFFIXES and p != BIB_FILE:
                if "vendor" in p.parts or "__pycache__" in p.parts:
                    continue
                yield p


#: lint suppressions name rule codes (``# noqa: S101``), not sources
NOQA = re.compile(r"noqa:\s*[A-Z]+\d+(?:\s*,\s*[A-Z]+\d+)*")


def _tags_by_file(*roots: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for p in _text_files(*roots):
        for tag in TAG.findall(NOQA.sub("", p.read_text(encoding="utf-8"))):
            found.setdefault(tag, set()).add(str(p.relative_to(ROOT)))
    return found


def test_every_tag_used_in_src_readme_and_docs_resolves() -> None:
    found = _tags_by_file(SRC, ROOT / "README.md", ROOT / "docs")
    assert len(found) >= 60  # the scan really sees the citations
    unknown = {t: sorted(found[t]) for t in unknown_tags(found)}
    assert not unknown, f"tags without a bibliography entry: {unknown}"


def test_the_tag_scan_catches_an_unknown_tag(tmp_path: Path) -> None:
    page = tmp_path / "x.md"
    page.write_text("A claim [S999] and another (V77).", encoding="utf-8")
    found = {t for p in [page] for t in TAG.findall(p.read_text(encoding="utf-8"))}
    assert unknown_tags(found) == {"S999", "V77"}
    assert unknown_tags({"S30", "U", "V9"}) == set()


@pytest.mark.parametrize(
    ("cited", "tags"),
    [
        ("S22+S25+S29", ["S22", "S25", "S29"]),
        ("U+S19", ["U", "S19"]),
        (["S30", "V9", "S30"], ["S30", "V9"]),
        ("derived in-house: MediaPipe landmarks", []),
        (None, []),
        ("[S1][S2] and (U)", ["S1", "S2", "U"]),
    ],
)
def test_split_tags(cited: str | list[str] | None, tags: list[str]) -> None:
    assert split_tags(cited) == tags


def test_entries_are_complete_and_verified_only_for_authoritative_kinds() -> None:
    bib = bibliography()
    assert len(bib.sources) >= 80
    for s in bib.ordered():
        assert re.fullmatch(r"[SV]\d{1,3}", s.tag)
        assert s.title.strip() and s.authors.strip() and s.supports.strip(), s.tag
        assert re.search("[가-힣]", s.supports_ko), s.tag  # the /sources page is bilingual
        assert s.url and all(u.startswith(("https://", "http://")) for u in s.url), s.tag
        assert s.kind in bib.kinds, s.tag
        assert s.year is None or 1900 < s.year <= 2026, s.tag
        assert s.verified == (s.kind in AUTHORITATIVE), s.tag
    assert bib.unconfirmed["tag"] == "U" and bib.unconfirmed["ko"] and bib.unconfirmed["en"]


def _verified_facts(node: Any, path: str) -> Iterator[tuple[str, list[str]]]:
    if isinstance(node, dict):
        if node.get("verified") is True:
            yield path, split_tags(node.get("source") or node.get("sources"))
        for key, value in node.items():
            yield from _verified_facts(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _verified_facts(value, f"{path}[{i}]")


def _data_files() -> list[Path]:
    return [p for p in sorted(SRC.rglob("*.json")) if p != BIB_FILE and "vendor" not in p.parts]


@pytest.mark.parametrize("path", _data_files(), ids=lambda p: p.name)
def test_a_verified_fact_cites_an_authoritative_source(path: Path) -> None:
    bib = bibliography()
    for where, tags in _verified_facts(json.loads(path.read_text(encoding="utf-8")), ""):
        backed = [t for t in tags if (s := bib.get(t)) is not None and s.verified]
        assert backed, f"{path.name}{where} is verified but cites only {tags}"


def test_verified_facts_in_python_cite_an_authoritative_source() -> None:
    bib = bibliography()
    pattern = re.compile(r'source="([^"]*)",\s*verified=True')
    seen = 0
    for p in SRC.rglob("*.py"):
        for cited in pattern.findall(p.read_text(encoding="utf-8")):
            seen += 1
            tags = split_tags(cited)
            assert any((s := bib.get(t)) is not None and s.verified for t in tags), (p, cited)
    assert seen >= 2


def test_toxin_facts_verified_since_the_first_release() -> None:
    """MFDS Nedrug item 199907127 (Dysport, cervical dystonia) and the US Xeomin label."""
    data = json.loads((SRC / "clinical" / "data" / "toxins.json").read_text(encoding="utf-8"))
    dys, xeo = data["products"]["dysport"], data["products"]["xeomin"]
    assert dys["approved_cd_korea"] == dys["approved_cd_korea"] | {
        "value": True,
        "source": "S74",
        "verified": True,
    }
    assert "199907127" in " ".join(bibliography().sources["S74"].url)
    assert bibliography().sources["S74"].kind == "regulator"
    assert (xeo["session_max"]["value"], xeo["session_max"]["source"]) == (400, "S73")
    assert bibliography().sources["S73"].kind == "label"


def test_docs_clinical_sources_is_generated_from_the_bibliography() -> None:
    doc = (ROOT / "docs" / "clinical-sources.md").read_text(encoding="utf-8")
    assert markdown_table() in doc, "run: python scripts/clinical_sources_md.py"


def test_nothing_in_the_repository_points_outside_it() -> None:
    roots = [SRC, ROOT / "README.md", ROOT / "docs", ROOT / "pyproject.toml", ROOT / "tests"]
    roots += [ROOT / "Makefile", ROOT / "scripts", ROOT / "benchmarks"]
    needle = re.compile(r"\.\./shared|(?<![\w/])shared/")
    hits = []
    for p in _text_files(*roots):
        if p == Path(__file__):
            continue
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            if needle.search(line):
                hits.append(f"{p.relative_to(ROOT)}:{n}")
    assert not hits, hits
