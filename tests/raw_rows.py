"""Rows written with plain SQL for migration tests: the schema at an old revision has no models.

Times are aware UTC (``when``); ids are fixed (centre 1, patient 1) so tests can refer to them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, text


def insert_centre(conn: Connection, when: datetime) -> None:
    """Centre 1, code 'C'."""
    conn.execute(
        text(
            "INSERT INTO centre (id, code, name, keep_raw_video, created_at) "
            "VALUES (1, 'C', 'C', false, :t)"
        ),
        {"t": when},
    )


def insert_patient(conn: Connection, when: datetime) -> None:
    """Patient 1 of centre 1 (synthetic: record 'R', born 1970)."""
    conn.execute(
        text(
            "INSERT INTO patient (id, centre_id, record_number, birth_year, sex, "
            "notes, created_at, updated_at) VALUES (1, 1, 'R', 1970, 'F', '', :t, :t)"
        ),
        {"t": when},
    )
