"""Migration 0010 on a database with appointments: centre and slot filled in, duplicates kept."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from cdcare.store.db import make_engine
from cdcare.store.migrate import upgrade

from ..raw_rows import insert_centre, insert_patient


def test_existing_appointments_get_centre_and_slot(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, "0006")
    when = datetime(2026, 12, 1, 1, 7, tzinfo=UTC)
    with engine.begin() as conn:
        insert_centre(conn, when)
        insert_patient(conn, when)
        for aid in (1, 2):  # two bookings of the same slot made before the constraint existed
            conn.execute(
                text(
                    "INSERT INTO appointment (id, patient_id, starts_at, kind, note, "
                    "created_at) VALUES (:i, 1, :t, 'injection', '', :t)"
                ),
                {"i": aid, "t": when},
            )
    upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, centre_id, slot_start FROM appointment ORDER BY id")
        ).all()
    engine.dispose()
    assert [r[1] for r in rows] == [1, 1]
    assert rows[0][2] is not None and rows[1][2] is None
    slot = rows[0][2]
    if isinstance(slot, str):
        slot = datetime.fromisoformat(slot)
    assert (slot.hour, slot.minute) == (1, 0)  # floored to the 15-minute slot
