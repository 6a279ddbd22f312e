"""Pages write dates the way the reader's language does, counts with plural forms, and an
ambiguous word in the sense of its context (Babel catalogues through jinja2.ext.i18n)."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select

from cdcare.care.appointments import SLOT_MINUTES
from cdcare.store.db import session_scope
from cdcare.store.models import Patient

from .conftest import World, login


def _onset(world: World) -> tuple[int, str, date]:
    with session_scope(world.app.state.engine) as db:
        p = db.scalars(select(Patient).where(Patient.id == world.other_demo_patient_id)).one()
        assert p.onset_date is not None
        return p.id, p.record_number, p.onset_date


def test_patient_list_and_page_dates_by_language(world: World) -> None:
    client = login(TestClient(world.app), "demo-doctor")
    pid, record, onset = _onset(world)
    korean = f"{onset.year}. {onset.month}. {onset.day}."
    english = f"{onset:%b} {onset.day}, {onset.year}"
    ko_list = client.get(f"/patients?q={record}&lang=ko").text
    en_list = client.get(f"/patients?q={record}&lang=en").text
    assert korean in ko_list and english not in ko_list
    assert english in en_list and korean not in en_list
    assert onset.isoformat() not in ko_list + en_list
    ko_page = client.get(f"/patients/{pid}?lang=ko").text
    assert korean in ko_page and "총점" in ko_page  # pgettext("score", "Total")
    assert "Total" in client.get(f"/patients/{pid}?lang=en").text


def test_calendar_slot_length_uses_plural_forms(world: World) -> None:
    client = login(TestClient(world.app), "demo-nurse")
    assert SLOT_MINUTES > 1
    en = client.get("/calendar?lang=en").text
    assert f"Slots of {SLOT_MINUTES} minutes; one appointment per slot." in en
    assert f"예약 칸은 {SLOT_MINUTES}분이며" in client.get("/calendar?lang=ko").text
