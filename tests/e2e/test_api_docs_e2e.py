"""/docs (Swagger UI) and /redoc render in Chromium with every other host unreachable."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, Route, expect

from .conftest import Live


@pytest.mark.parametrize(("path", "ready"), [("/docs", ".opblock"), ("/redoc", "[role=menuitem]")])
def test_api_docs_work_offline(page: Page, live: Live, path: str, ready: str) -> None:
    own = urlparse(live.url).netloc
    elsewhere: list[str] = []

    def block_other_hosts(route: Route) -> None:
        if urlparse(route.request.url).netloc == own:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", block_other_hosts)
    page.goto(live.url + path)
    expect(page.locator(ready).first).to_be_visible()
    assert page.get_by_text("cdcare").first.is_visible()
    assert elsewhere == []
