"""A full visit in the browser: video measurement → TWSTRS from the video confirmed → plan
draft checked live (lot kept through a dose edit) → recorded → note signed → PDF with the plan."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from cdcare.care.accounts import DEMO_PASSWORD, set_demo_passwords
from cdcare.care.patients import create_centre, create_patient, create_user
from cdcare.clinical.scales import get_instrument
from cdcare.store.db import session_scope
from cdcare.store.video_models import JobStatus, VideoAnalysis

from .conftest import Live, login, snap


def _seed(live: Live) -> int:
    with session_scope(live.engine) as db:
        c = create_centre(db=db, code="VISIT", name="진료 병원")
        p = create_patient(db=db, centre_id=c.id, record_number="V-1", birth_year=1958, sex="F")
        create_user(db=db, centre_id=c.id, username="visit-doctor", display_name="Dr V",
                    role="physician")  # fmt: skip
        set_demo_passwords(db=db, centre_id=c.id)
        db.add(
            VideoAnalysis(
                patient_id=p.id, status=JobStatus.DONE, created_at=datetime.now(UTC),
                result={"posture": {"rotation_deg": 24.0, "tilt_deg": 3.0, "flexion_deg": 2.0},
                        "twstrs": {"items": {"rotation": {"score": 2}}}},
            )
        )  # fmt: skip
        return p.id


def test_full_visit(page: Page, live: Live) -> None:
    pid = _seed(live)
    login(page, "visit-doctor")
    page.goto(f"/patients/{pid}?lang=en")
    with page.expect_navigation():
        page.click("#visit-today button")
    visit_url = page.url
    assert re.search(rf"/patients/{pid}/visits/\d+$", visit_url)
    expect(page.locator('#angle-change tr[data-angle="rotation_deg"]')).to_contain_text("+24.0")
    page.click('a[href*="scales/twstrs?from_video="]')
    expect(page.locator('input[name="rotation"]')).to_have_value("2")  # suggested by the video
    expect(page.locator(".suggested").first).to_be_visible()
    for item in get_instrument("twstrs").items:
        field = page.locator(f'input[name="{item.code}"]')
        if not field.input_value():
            field.fill("0")
    with page.expect_navigation():
        page.click('form[action$="/scales/twstrs"] button[type="submit"]')
    page.goto(visit_url)
    expect(page.locator("li[data-video]")).to_contain_text("TWSTRS confirmed")
    expect(page.locator("#scales")).to_be_visible()
    form = page.locator("#plan-form")
    form.locator('select[name="product"]').select_option("botox")
    form.locator('select[name="muscle"]').first.select_option("splenius_capitis")
    form.locator('input[name="dose"]').first.fill("50")
    form.locator('input[name="lot"]').fill("E2E-LOT-7")
    form.locator('input[name="dilution"]').fill("50")
    form.locator('select[name="guidance"]').select_option("emg")
    expect(page.locator("#draft-total")).to_have_text("50")  # live check
    form.locator('input[name="dose"]').first.fill("60")
    form.locator('input[name="dose"]').first.dispatch_event("change")
    expect(page.locator("#draft-total")).to_have_text("60")
    expect(form.locator('input[name="lot"]')).to_have_value("E2E-LOT-7")  # not redrawn
    snap(page, "visit_plan_live_check")
    with page.expect_navigation():
        form.locator('button[value="record"]').click()
    expect(page.locator("#recorded-session")).to_contain_text("60")
    page.fill('#note-form textarea[name="text"]', "Splenius capitis left 60 U, EMG guided.")
    with page.expect_navigation():
        page.click("#note-form button")
    page.fill('#sign-form input[name="password"]', DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("#sign-form button")
    expect(page.locator('article.visit-note[data-signed="1"]')).to_have_count(1)
    expect(page.locator("#note-form")).to_have_count(0)  # frozen: only an amendment now
    page.fill('#visit-pdf input[name="reason"]', "referral")
    with page.expect_download() as dl:
        page.click("#visit-pdf button")
    path = dl.value.path()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert "E2E-LOT-7" in text and "60" in text
    snap(page, "visit_signed")
