"""Migration 0012 on a database with a video analysis: the baseline columns arrive with their
defaults (no reference, not marked), the self-reference works, and the downgrade removes them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect, text

from cdcare.store.db import make_engine
from cdcare.store.migrate import downgrade, upgrade

from ..raw_rows import insert_centre, insert_patient

NEW = {
    "reference_kind",
    "neutral_start_s",
    "neutral_end_s",
    "reference_analysis_id",
    "is_neutral_reference",
}


def test_existing_analysis_gets_no_baseline_and_downgrade_removes_it(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, "0011")
    when = datetime(2026, 12, 1, 1, 7, tzinfo=UTC)
    with engine.begin() as conn:
        insert_centre(conn, when)
        insert_patient(conn, when)
        conn.execute(
            text(
                "INSERT INTO video_analysis (id, patient_id, source, filename, mirrored, status, "
                "progress, created_at) VALUES (1, 1, 'clinic', 'a.mp4', false, 'done', 1.0, :t)"
            ),
            {"t": when},
        )
    upgrade(engine, "0012")
    with engine.begin() as conn:
        row = conn.execute(
            text("SELECT reference_kind, is_neutral_reference FROM video_analysis WHERE id = 1")
        ).one()
        assert row[0] == "none" and not row[1]
        conn.execute(
            text(
                "INSERT INTO video_analysis (id, patient_id, source, filename, mirrored, status, "
                "progress, created_at, reference_kind, reference_analysis_id) "
                "VALUES (2, 1, 'clinic', 'b.mp4', false, 'queued', 0, :t, 'analysis', 1)"
            ),
            {"t": when},
        )
    downgrade(engine, "0011")
    columns = {c["name"] for c in inspect(engine).get_columns("video_analysis")}
    assert not NEW & columns and "lang" in columns
    engine.dispose()
