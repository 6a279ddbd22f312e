"""The repository's own docs: present, and every relative link in docs/*.md and README.md
resolves to a file of the repository (and to a heading or anchor of it when one is given)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|<a\s+href=\"([^\"]+)\"")
FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces → '-'."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    found = {_slug(m) for m in re.findall(r"^#{1,6}\s+(.+?)\s*#*$", text, re.M)}
    return found | set(re.findall(r"<a\s+id=\"([^\"]+)\"", text))


def links_in(text: str) -> list[str]:
    """Link targets of Markdown text (images and code are not links)."""
    text = re.sub(r"`[^`\n]*`", "", FENCE.sub("", text))
    return [a or b for a, b in LINK.findall(text)]


def broken_links(page: Path, root: Path = ROOT) -> list[str]:
    """Relative links of ``page`` that miss their file, leave ``root`` or miss their anchor."""
    bad = []
    for target in links_in(page.read_text(encoding="utf-8")):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto: ...
            continue
        path, _, fragment = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        if (
            not dest.exists()
            or root not in (dest, *dest.parents)
            or (fragment and dest.suffix == ".md" and fragment not in anchors(dest))
        ):
            bad.append(target)
    return bad


def test_the_docs_exist() -> None:
    names = {p.name for p in PAGES}
    assert {"README.md", "architecture.md", "video.md", "clinical-sources.md"} <= names


def test_slug_and_link_parsing() -> None:
    assert _slug("A web upload → job → result") == "a-web-upload--job--result"
    assert _slug("`cdcare analyze` run") == "cdcare-analyze-run"
    assert links_in("see [x](docs/a.md#b) and ![img](i.png) and `[no](c.md)`") == ["docs/a.md#b"]


def test_broken_links_are_found(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_text("# Real heading\n", encoding="utf-8")
    page = tmp_path / "a.md"
    page.write_text(
        "[ok](b.md) [ok](b.md#real-heading) [no](c.md) [no](b.md#other) [out](../x.md) "
        "[web](https://example.org/x)\n",
        encoding="utf-8",
    )
    assert broken_links(page, tmp_path) == ["c.md", "b.md#other", "../x.md"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_relative_link_resolves(page: Path) -> None:
    assert broken_links(page) == []


def test_the_pages_link_to_each_other() -> None:
    targets = {t.partition("#")[0] for p in PAGES for t in links_in(p.read_text(encoding="utf-8"))}
    assert {"docs/architecture.md", "docs/video.md", "docs/clinical-sources.md"} <= targets
    assert {"video.md", "clinical-sources.md"} <= targets  # from inside docs/
