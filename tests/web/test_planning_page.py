"""Injection planning page: suggestion, live re-check, refusal above the maximum."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from cdcare.clinical.toxins import get_product

from .conftest import World, csrf_of, login


def _plan(client: TestClient, pid: int, product: str = "botox") -> str:
    page = client.get(
        f"/patients/{pid}/plan?product={product}&pattern=torticaput:left"
        "&pattern=laterocaput:right&lang=en"
    )
    assert page.status_code == 200, page.text
    return page.text


def _fields(html: str) -> dict[str, list[str]]:
    names = re.findall(r'<input type="hidden" name="(muscle|side)" value="([^"]+)"', html)
    doses = re.findall(r'<input name="dose" value="([^"]*)"', html)
    out: dict[str, list[str]] = {"muscle": [], "side": [], "dose": doses}
    for name, value in names:
        out[name].append(value)
    return out


def test_suggestion_uses_sourced_lower_bounds(world: World) -> None:
    client = login(TestClient(world.app), "demo-doctor")
    html = _plan(client, world.other_demo_patient_id)
    fields = _fields(html)
    prod = get_product("botox")
    assert fields["muscle"] and len(fields["muscle"]) == len(fields["dose"])
    for muscle, dose in zip(fields["muscle"], fields["dose"], strict=True):
        assert float(dose) == prod.muscle_ranges[muscle].low
    assert "Plan passes the checks." in html and "<svg" in html
    # both patterns count: torticaput:left brings left-side muscles, laterocaput:right right ones
    sides = set(zip(fields["muscle"], fields["side"], strict=True))
    assert ("obliquus_capitis_inferior", "left") in sides
    assert ("upper_trapezius", "right") in sides
    assert html.count('<circle cx="') >= len(fields["muscle"]) + 1  # head + one mark each
    assert '<option value="torticaput:left" selected>' in html


def test_dose_above_maximum_is_refused_live(world: World) -> None:
    client = login(TestClient(world.app), "demo-doctor")
    pid = world.other_demo_patient_id
    html = _plan(client, pid)
    fields = _fields(html)
    prod = get_product("botox")
    first = fields["muscle"][0]
    fields["dose"][0] = str(prod.muscle_ranges[first].high + 50)
    data = {
        "csrf_token": csrf_of(html),
        "product": "botox",
        "patterns": "torticaput:left laterocaput:right",
        **fields,
    }
    resp = client.post(
        f"/patients/{pid}/plan/check?lang=en", data=data, headers={"HX-Request": "true"}
    )
    assert resp.status_code == 200
    assert "<html" not in resp.text  # an HTMX fragment
    assert "Plan refused: change the doses." in resp.text
    assert 'class="error">Refused' in resp.text


def test_early_reinjection_needs_reason(world: World) -> None:
    client = login(TestClient(world.app), "demo-doctor")
    pid = world.other_demo_patient_id
    html = _plan(client, pid)
    fields = _fields(html)
    base = {
        "csrf_token": csrf_of(html),
        "product": "botox",
        "patterns": "torticaput:left laterocaput:right",
        "last_injection": "2026-11-01",
        **fields,
    }
    refused = client.post(f"/patients/{pid}/plan/check?lang=en", data=base)
    assert "Plan refused" in refused.text and "minimum 84 days" in refused.text
    allowed = client.post(
        f"/patients/{pid}/plan/check?lang=en",
        data={**base, "override_reason": "severe pain, discussed"},
    )
    assert "Plan passes the checks." in allowed.text and "severe pain, discussed" in allowed.text


def test_bad_input_is_a_clear_error(world: World) -> None:
    client = login(TestClient(world.app), "demo-doctor")
    pid = world.other_demo_patient_id
    page = client.get(f"/patients/{pid}/plan?product=botox&pattern=torticaput&lang=en")
    assert page.status_code == 422 and 'role="alert"' in page.text  # side missing
    html = _plan(client, pid)
    fields = _fields(html)
    fields["dose"][0] = "-5"
    resp = client.post(
        f"/patients/{pid}/plan/check?lang=en",
        data={"csrf_token": csrf_of(html), "product": "botox", **fields},
    )
    assert resp.status_code == 422 and 'role="alert"' in resp.text


def test_only_physicians_plan(world: World) -> None:
    nurse = login(TestClient(world.app), "demo-nurse")
    assert nurse.get(f"/patients/{world.other_demo_patient_id}/plan").status_code == 403
    doctor = login(TestClient(world.app), "demo-doctor")
    assert doctor.get(f"/patients/{world.other_centre_patient_id}/plan").status_code == 404
