"""``/sources`` (public, ko/en), citation tags as links to it, and offline API docs."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from cdcare.clinical.sources import bibliography
from cdcare.web.citations import cite

from .conftest import World, login

SOURCE_LINK = re.compile(r'href="/sources#([A-Z]\d*)"')


def _ids(html: str) -> set[str]:
    return set(re.findall(r'<tr id="([A-Z]\d*)"', html))


def test_sources_page_is_public_and_lists_every_entry_with_an_anchor(client: TestClient) -> None:
    page = client.get("/sources?lang=en")
    assert page.status_code == 200
    assert _ids(page.text) == set(bibliography().sources) | {"U"}
    assert "Odergren" in page.text and "peer-reviewed paper" in page.text
    assert "https://nedrug.mfds.go.kr/" in page.text  # S74, the MFDS record


def test_sources_page_in_korean(client: TestClient) -> None:
    page = client.get("/sources?lang=ko")
    assert '<html lang="ko">' in page.text
    assert "<h1>출처</h1>" in page.text
    assert "동료 심사 논문" in page.text and "규제 기관 기록" in page.text
    assert "미확인 근거" in page.text
    assert "디스포트는 국내에서 경부 근긴장이상증(경성사경)에 허가됨" in page.text  # S74 in Korean


def test_cite_filter_links_tags_and_escapes_free_text() -> None:
    html = str(cite("S22+U"))
    assert html.count('class="src"') == 2
    assert 'href="/sources#S22"' in html and 'href="/sources#U"' in html
    assert str(cite(["S30", "V9"])).count("<a ") == 2
    assert str(cite("derived <in-house>")) == "derived &lt;in-house&gt;"
    assert str(cite(None)) == ""


def test_education_page_links_inline_tags_to_the_sources_page(client: TestClient) -> None:
    topic = client.get("/learn/treatment?lang=en").text
    linked = set(SOURCE_LINK.findall(topic))
    assert {"S30", "U"} <= linked
    assert linked <= _ids(client.get("/sources").text)


def test_plan_and_intake_pages_link_their_sources(world: World) -> None:
    client = login(TestClient(world.app), "demo-doctor")
    pid = world.other_demo_patient_id
    known = _ids(client.get("/sources").text)
    plan = client.get(f"/patients/{pid}/plan?product=dysport&pattern=torticaput:left&lang=en")
    assert plan.status_code == 200
    linked = set(SOURCE_LINK.findall(plan.text))
    assert "S21" in linked and linked <= known  # Dysport's session maximum
    intake = client.get(f"/patients/{pid}/intake?lang=en")
    assert intake.status_code == 200
    assert set(SOURCE_LINK.findall(intake.text)) <= known
    assert SOURCE_LINK.search(intake.text)


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_api_docs_load_nothing_from_another_host(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assert not re.search(r"https?://|//[a-z]", page.text.replace("/openapi.json", "")), page.text
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "https:" not in csp and "http:" not in csp
    assets = re.findall(r'(?:src|href)="(/[^"]+)"', page.text)
    assert len(assets) >= 2
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200, asset
        assert len(response.content) > 100, asset


def test_favicon(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # ICO header
    page = client.get("/")
    assert 'rel="icon"' in page.text and client.get("/static/favicon.svg").status_code == 200
