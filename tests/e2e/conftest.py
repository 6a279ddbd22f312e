"""Browser tests: the demo app under uvicorn on 127.0.0.1, driven by Debian's chromium.

One live server and one browser per session; a fresh browser context (cookies, storage) per
test. Each test leaves a full-page screenshot in ``artifacts/screenshots/<test-name>.png``.
Chromium is never downloaded (no ``playwright install``): a missing ``/usr/bin/chromium`` is a
test failure naming the Debian package.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from sqlalchemy import Engine, select

from cdcare.care.accounts import DEMO_PASSWORD, set_demo_passwords
from cdcare.care.demo import load_demo
from cdcare.care.patients import create_centre, create_patient, create_user
from cdcare.config import Settings
from cdcare.store.db import make_engine, session_scope
from cdcare.store.migrate import upgrade
from cdcare.store.models import Patient, Role, User
from cdcare.web.app import create_app

CHROMIUM = Path(os.environ.get("CDCARE_CHROMIUM", "/usr/bin/chromium"))
#: Offline, root-safe headless flags (without them chromium tries the network at start).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
TODAY = date(2026, 11, 25)
TIMEOUT_MS = 15_000


@dataclass(frozen=True)
class Live:
    """The running demo server and the ids the tests need."""

    url: str
    engine: Engine
    demo_patient_id: int  # the demo-patient account's own record
    other_demo_patient_id: int  # another patient of the demo centre
    other_centre_patient_id: int  # the patient of centre OTHER


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _seed(engine: Engine) -> tuple[int, int, int]:
    """Demo centre (3 patients, demo passwords) plus centre OTHER with a nurse and a patient."""
    with session_scope(engine) as db:
        summary = load_demo(db=db, patients=3, today=TODAY)
        set_demo_passwords(db=db, centre_id=summary.centre_id)
        other = create_centre(db=db, code="OTHER", name="다른 병원")
        op = create_patient(
            db=db, centre_id=other.id, record_number="OTH-1", birth_year=1970, sex="F"
        )
        create_user(
            db=db, centre_id=other.id, username="other-nurse", display_name="B", role=Role.NURSE
        )
        set_demo_passwords(db=db, centre_id=other.id)
        me = db.scalar(select(User).where(User.username == "demo-patient"))
        assert me is not None and me.patient_id is not None
        other_demo = db.scalar(
            select(Patient.id)
            .where(Patient.centre_id == summary.centre_id, Patient.id != me.patient_id)
            .order_by(Patient.id)
        )
        assert other_demo is not None
        return me.patient_id, other_demo, op.id


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The demo app served by uvicorn in a background thread (stopped at the end)."""
    data_dir = tmp_path_factory.mktemp("e2e")
    engine = make_engine(f"sqlite:///{data_dir / 'e2e.sqlite3'}")
    upgrade(engine)
    ids = _seed(engine)
    port = _free_port()
    app = create_app(Settings(demo=True, data_dir=data_dir), engine)  # uploads under data_dir
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        ws="none",
        http="h11",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="e2e-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail(f"the web app did not start on 127.0.0.1:{port}")
        time.sleep(0.05)
    try:
        yield Live(f"http://127.0.0.1:{port}", engine, *ids)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.analysis_queue.shutdown()  # lifespan is off: stop the analysis workers here
        engine.dispose()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """The session's one Playwright driver (the sync API allows only one at a time)."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium (scripts/system-deps.sh, "
            "apt-get install chromium). Browsers are never downloaded (no `playwright install`)."
        )
    with sync_playwright() as p:
        yield p


def launch_chromium(playwright: Playwright, *extra_args: str) -> Browser:
    """Debian's headless chromium, offline, with ``extra_args`` after the standard flags."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *extra_args], headless=True
    )


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's headless chromium (package ``chromium``), launched offline."""
    b = launch_chromium(playwright)
    try:
        yield b
    finally:
        b.close()


def _shot_name(node_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", node_name).strip("_")


@pytest.fixture
def context(browser: Browser, live: Live) -> Iterator[BrowserContext]:
    """A fresh context (no cookies) with the live server as base URL."""
    ctx = browser.new_context(base_url=live.url, viewport={"width": 1200, "height": 900})
    ctx.set_default_timeout(TIMEOUT_MS)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page in a fresh context; its full-page screenshot is saved after the test."""
    pg = context.new_page()
    yield pg
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / f"{_shot_name(request.node.name)}.png"), full_page=True)


def snap(page: Page, name: str) -> Path:
    """Save a full-page screenshot of the current state as ``<name>.png`` (mid-test views)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{_shot_name(name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the form and wait for the landing page."""
    page.goto("/login")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', password)
    with page.expect_navigation():
        page.click('form[action="/login"] button[type="submit"]')
    assert "/login" not in page.url, f"login as {username} failed: {page.url}"


@pytest.fixture
def two_pages(
    browser: Browser, live: Live, request: pytest.FixtureRequest
) -> Iterator[tuple[Page, Page]]:
    """Two pages in two separate contexts (two people logged in at once); both screenshotted."""
    contexts = [
        browser.new_context(base_url=live.url, viewport={"width": 1200, "height": 900})
        for _ in range(2)
    ]
    try:
        for ctx in contexts:
            ctx.set_default_timeout(TIMEOUT_MS)
        first, second = (ctx.new_page() for ctx in contexts)
        yield first, second
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for n, pg in enumerate((first, second), 1):
            name = f"{_shot_name(request.node.name)}-{n}.png"
            pg.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    finally:
        for ctx in contexts:
            ctx.close()
