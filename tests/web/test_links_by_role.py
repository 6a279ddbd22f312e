"""No page shows a link that answers 403 to the person who sees it.

For each role the test starts at the role's home and the pages every user sees, follows every
same-site ``<a href>`` breadth-first (query kept, ``lang`` and fragments dropped) and records
which page showed a link that answered 403.
"""

from __future__ import annotations

import re
from collections import deque
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from fastapi.testclient import TestClient

from cdcare.store.db import session_scope
from cdcare.store.models import User
from cdcare.web.routes.auth import home_for

from .conftest import World, login

HREF = re.compile(r'<a\s[^>]*href="([^"]+)"')
MAX_PAGES = 400


def _normal(href: str, base: str) -> str | None:
    href = unescape(href)
    if href.startswith(("http://", "https://", "//", "mailto:", "tel:", "javascript:")):
        return None
    if href.startswith("#") or not href:
        return None
    if href.startswith("?"):
        href = urlsplit(base).path + href
    elif not href.startswith("/"):
        return None
    parts = urlsplit(href)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "lang"])
    return parts.path + (f"?{query}" if query else "")


def _crawl(client: TestClient, starts: list[str]) -> tuple[dict[str, int], list[tuple[str, str]]]:
    seen: dict[str, int] = {}
    forbidden: list[tuple[str, str]] = []  # (page showing the link, link)
    queue = deque((s, "(start)") for s in starts)
    while queue and len(seen) < MAX_PAGES:
        url, shown_on = queue.popleft()
        if url in seen:
            continue
        resp = client.get(url)
        seen[url] = resp.status_code
        if resp.status_code == 403:
            forbidden.append((shown_on, url))
        if "text/html" not in resp.headers.get("content-type", "") or resp.status_code != 200:
            continue
        for href in HREF.findall(resp.text):
            nxt = _normal(href, url)
            if nxt and nxt not in seen and not nxt.startswith("/static/"):
                queue.append((nxt, url))
    return seen, forbidden


@pytest.mark.parametrize("username", ["demo-patient", "demo-nurse", "demo-doctor", "demo-admin"])
def test_no_link_answers_403(world: World, username: str) -> None:
    client = login(TestClient(world.app), username)
    with session_scope(world.app.state.engine) as db:
        user = db.query(User).filter(User.username == username).one()
        home = home_for(user)
    starts = [home, "/account/password", "/learn"]
    if username == "demo-patient":
        starts += [f"/patients/{world.demo_patient_id}", "/me/reminders"]
    elif username != "demo-admin":  # the admin role does not open patient records
        starts.append(f"/patients/{world.demo_patient_id}")
    seen, forbidden = _crawl(client, starts)
    assert len(seen) > 10, seen  # the crawl really walked the pages
    assert forbidden == [], forbidden
    assert all(code < 500 for code in seen.values()), {u: c for u, c in seen.items() if c >= 500}
