"""Injection planner in a real browser: a dose above a muscle's sourced maximum is refused live."""

from __future__ import annotations

from dataclasses import replace

from playwright.sync_api import Page, expect

from cdcare.clinical.planning import check_plan, make_plan, plan_to_dict
from cdcare.clinical.posture import parse_pattern
from cdcare.i18n import translate

from .conftest import TODAY, Live, login, snap

PATTERNS = ("torticaput:left", "laterocaput:right")
PRODUCT = "botox"


def _ko(message: str) -> str:
    return translate(message, "ko")


def _is_htmx_check(response_url: str, live: Live, pid: int) -> bool:
    return response_url == f"{live.url}/patients/{pid}/plan/check"


def test_dose_above_muscle_maximum_is_refused_live_then_passes(page: Page, live: Live) -> None:
    pid = live.other_demo_patient_id
    plan = make_plan([parse_pattern(p) for p in PATTERNS], PRODUCT)
    first = plan.items[0]
    assert first.range is not None
    too_much = float(first.range.high + 5)  # above the sourced maximum; the form sends floats
    over_plan = replace(plan, items=(replace(first, dose=too_much), *plan.items[1:]))
    over = check_plan(over_plan, None, TODAY, today=TODAY)
    expected = [f for f in plan_to_dict(plan, over, "ko")["findings"] if f["level"] == "refuse"]
    assert [f["code"] for f in expected] == ["muscle_over_max"]  # the data still refuses it

    login(page, "demo-doctor")
    page.goto(f"/patients/{pid}/plan")
    expect(page.locator("h1")).to_contain_text(_ko("Injection plan"))
    for code in PATTERNS:  # one select per pattern; its options are CODE:SIDE
        page.locator(f'select[name="pattern"]:has(option[value="{code}"])').select_option(code)
    page.get_by_label(_ko("Product")).select_option(PRODUCT)
    with page.expect_navigation():
        page.get_by_role("button", name=_ko("Suggest plan")).click()

    doses = page.locator('form[action$="/plan/check"] input[name="dose"]')
    expect(doses).to_have_count(len(plan.items))
    expect(doses.first).to_have_value(f"{first.dose:g}")  # suggestion = lower bound of range
    status = page.locator("#plan-status")
    expect(status).to_have_text(_ko("Plan passes the checks."))
    url_before = page.url

    with page.expect_response(lambda r: _is_htmx_check(r.url, live, pid)) as check:
        doses.first.fill(f"{too_much:g}")
        doses.first.press("Tab")  # change → HTMX posts the form after 300 ms
    assert check.value.status == 200
    assert check.value.request.headers.get("hx-request") == "true"
    expect(status).to_have_text(_ko("Plan refused: change the doses."))
    expect(status).to_have_class("error")
    refused = page.locator("#plan-findings li.error")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text(_ko("Refused"))
    expect(refused).to_contain_text(expected[0]["message"])
    expect(page.locator("#plan-total")).to_have_text(f"{plan.total - first.dose + too_much:g}")
    expect(page.locator("#record-injection")).to_have_count(0)  # a refused plan cannot be recorded
    assert page.url == url_before  # swapped in place, no navigation
    snap(page, "test_planning_refused")

    with page.expect_response(lambda r: _is_htmx_check(r.url, live, pid)):
        doses.first.fill(f"{first.range.high:g}")  # at the maximum: allowed
        doses.first.press("Tab")
    expect(status).to_have_text(_ko("Plan passes the checks."))
    expect(status).to_have_class("ok")
    expect(page.locator("#plan-findings li.error")).to_have_count(0)
    expect(page.locator("#record-injection")).to_have_count(1)
