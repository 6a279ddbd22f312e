"""The large-text setting: kept in a year-long cookie, shown as a class on every page."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .conftest import World, csrf_of, login


def test_large_text_cookie_and_class(world: World) -> None:
    patient = login(TestClient(world.app), "demo-patient")
    page = patient.get("/me/display")
    assert page.status_code == 200 and 'class="large-text"' not in page.text
    resp = patient.post("/me/display", data={"size": "large", "csrf_token": csrf_of(page.text)},
                        follow_redirects=False)  # fmt: skip
    assert resp.status_code == 303
    cookie = resp.headers["set-cookie"]
    assert "text_size=large" in cookie and "Max-Age=31536000" in cookie
    assert '<html lang="ko" class="large-text">' in patient.get("/me").text
    odd = patient.post("/me/display", data={"size": "huge", "csrf_token": csrf_of(page.text)},
                       follow_redirects=False)  # fmt: skip
    assert "text_size=normal" in odd.headers["set-cookie"]


def test_staff_cannot_use_the_portal_setting(world: World) -> None:
    nurse = login(TestClient(world.app), "demo-nurse")
    assert nurse.get("/me/display").status_code == 403


def test_diary_summary_link_opens_a_whole_page(world: World) -> None:
    """Without JavaScript the summary's link opens a titled page; HTMX still gets the fragment."""
    nurse = login(TestClient(world.app), "demo-nurse")
    url = f"/patients/{world.demo_patient_id}/diary"
    page = nurse.get(url)
    assert page.status_code == 200 and "<title>" in page.text and "<html lang=" in page.text
    part = nurse.get(url, headers={"HX-Request": "true"})
    assert part.status_code == 200 and "<html" not in part.text
