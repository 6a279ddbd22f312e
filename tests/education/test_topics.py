"""Education topics: every topic in both languages, with sources, version and review date."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from cdcare.education import topics
from cdcare.education.topics import (
    GLOSSARY_ID,
    ContentError,
    UnknownTopic,
    get_topic,
    glossary,
    list_topics,
    parse_front_matter,
    source_registry,
)

# The topics the issue asks for (issue 7, item 1); the glossary is generated from data.
REQUIRED = {
    "overview",
    "symptoms",
    "causes",
    "risk-factors",
    "diagnosis",
    "self-care",
    "treatment",
    GLOSSARY_ID,
}
LANGS = ("en", "ko")
HANGUL = re.compile(r"[가-힣]")


def _pages() -> list[tuple[str, str]]:
    return [(lang, t.id) for lang in LANGS for t in list_topics(lang)]


def test_every_required_topic_exists_in_both_languages() -> None:
    for lang in LANGS:
        assert {t.id for t in list_topics(lang)} == REQUIRED, lang
    assert [t.id for t in list_topics("en")] == [t.id for t in list_topics("ko")]


@pytest.mark.parametrize(("lang", "topic_id"), _pages())
def test_page_has_metadata_and_real_text(lang: str, topic_id: str) -> None:
    page = get_topic(topic_id, lang)
    assert page.lang == lang
    assert page.title.strip()
    assert page.version >= 1
    assert page.reviewed <= date(2026, 11, 25)
    assert page.sources
    assert len(page.body) > 200
    has_hangul = bool(HANGUL.search(page.body))
    assert has_hangul == (lang == "ko"), "Korean page must be Korean and English page English"


@pytest.mark.parametrize(("lang", "topic_id"), _pages())
def test_sources_are_known_and_consistent(lang: str, topic_id: str) -> None:
    page = get_topic(topic_id, lang)
    registry = source_registry()
    for tag in page.sources:
        if tag.startswith("https://"):  # a plain URL is allowed besides reference tags
            continue
        assert tag in registry, f"{tag} not in sources.json"
        assert registry[tag]["title"]
        assert tag == "U" or registry[tag]["url"].startswith("http")
    if topic_id != GLOSSARY_ID:
        # every inline citation is listed, and every listed tag is cited somewhere
        assert page.inline_tags() == {s for s in page.sources if not s.startswith("https://")}
    # an unconfirmed fact makes the page unverified, and only then
    assert page.verified == ("U" not in page.sources)


@pytest.mark.parametrize("topic_id", sorted(REQUIRED))
def test_languages_agree_on_version_and_sources(topic_id: str) -> None:
    en, ko = get_topic(topic_id, "en"), get_topic(topic_id, "ko")
    assert en.version == ko.version
    assert en.reviewed == ko.reviewed
    assert set(en.sources) == set(ko.sources)
    assert en.inline_tags() == ko.inline_tags()


def test_glossary_has_both_languages_and_appears_as_topic() -> None:
    en, ko = glossary("en"), glossary("ko")
    assert {e.id for e in en} == {e.id for e in ko}
    assert len(en) >= 15
    page = get_topic(GLOSSARY_ID, "ko")
    for entry in ko:
        assert entry.definition and f"**{entry.term}**" in page.body


def test_unknown_topic_is_an_input_error_in_both_languages() -> None:
    with pytest.raises(UnknownTopic) as info:
        get_topic("no-such-topic", "ko")
    err = info.value
    assert err.exit_code == 2
    assert "no-such-topic" in err.text("en") and "overview" in err.text("en")
    assert "주제가 없습니다" in err.text("ko") and "no-such-topic" in err.text("ko")


def test_front_matter_parser_types() -> None:
    meta, body = parse_front_matter(
        "---\nid: x\norder: 3\nverified: false\nsources: [S1, https://a.example/b]\n---\n# T\n"
    )
    assert meta == {
        "id": "x",
        "order": 3,
        "verified": False,
        "sources": ["S1", "https://a.example/b"],
    }
    assert body == "# T\n"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("# no front matter\n", "no front matter"),
        ("---\nid: x\n", "not closed"),
        ("---\njust words\n---\n", "not a list of 'key: value' lines"),
        ("---\nsources: [S1\n---\n", "not valid YAML"),
    ],
)
def test_front_matter_parser_rejects_broken_files(text: str, reason: str) -> None:
    with pytest.raises(ContentError) as info:
        parse_front_matter(text, "ko/x.md")
    assert reason in info.value.text("en") and "ko/x.md" in info.value.text("en")
    assert "문제가 있습니다" in info.value.text("ko")


def test_every_tag_in_the_data_files_is_registered() -> None:
    content = Path(topics.__file__).parent / "content"
    registry = source_registry()
    for name in ("glossary.json", "selfcheck.json", "personal.json", "measurement.json"):
        path = content / name
        tags = set(re.findall(r"\"(S\d+|V\d+|U)\"", path.read_text(encoding="utf-8")))
        assert tags, f"{path.name} cites no sources"
        assert tags <= set(registry), (path.name, tags - set(registry))
