"""Video upload → background analysis in a worker process → result page → TWSTRS pre-fill."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from cdcare.care.videos import create_analysis, run_analysis
from cdcare.jobs.analysis import AnalysisQueue
from cdcare.store.db import session_scope
from cdcare.store.video_models import JobStatus, VideoAnalysis
from cdcare.video.synth import SynthSpec, write_clip

from .conftest import World, csrf_of, login


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2 s synthetic clip, head turned 25° toward the patient's left (not mirrored)."""
    path = tmp_path_factory.mktemp("clips") / "left25.mp4"
    write_clip(path, SynthSpec(yaw_deg=25.0, seconds=2.0, fps=15.0))
    return path


@pytest.fixture
def client(world: World, tmp_path: Path) -> Iterator[TestClient]:
    world.app.state.settings.data_dir = tmp_path
    with TestClient(world.app) as c:  # runs the lifespan: the analysis queue starts and stops
        yield c


def _upload(client: TestClient, pid: int, path: Path, name: str) -> dict[str, object]:
    page = client.get(f"/patients/{pid}/videos")
    with path.open("rb") as fh:
        resp = client.post(
            f"/patients/{pid}/videos",
            data={"csrf_token": csrf_of(page.text)},
            files={"video": (name, fh, "video/mp4")},
            headers={"Accept": "application/json"},
        )
    assert resp.status_code == 202, resp.text
    return dict(resp.json())


def _wait(client: TestClient, status_url: str, timeout: float = 180.0) -> dict[str, object]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        state = client.get(status_url, headers={"Accept": "application/json"}).json()
        assert 0.0 <= state["progress"] <= 1.0
        if state["status"] in ("done", "failed"):
            return dict(state)
        time.sleep(0.5)
    raise AssertionError("analysis did not finish in time")


def test_upload_analyse_and_prefill_twstrs(world: World, client: TestClient, clip: Path) -> None:
    login(client, "demo-doctor")
    pid = world.other_demo_patient_id
    job = _upload(client, pid, clip, "clinic.mp4")
    state = _wait(client, str(job["status_url"]))
    assert state["status"] == "done", state
    page = client.get(str(job["url"]) + "?lang=en")
    assert (
        "chin toward the patient&#39;s left" in page.text
        or "chin toward the patient's left" in page.text
    )
    assert 'id="tremor-spectrum"' in page.text
    assert 'id="interval-rotation_deg"' in page.text and "95% interval" in page.text
    with session_scope(world.app.state.engine) as db:
        row = db.get(VideoAnalysis, int(str(job["id"])))
        assert row is not None and row.result is not None
        rotation = row.result["posture"]["rotation_deg"]
        assert 15.0 < rotation < 35.0  # true value 25°, positive = patient's left
        assert row.video_path is None and not any(
            (Path(world.app.state.settings.data_dir) / "uploads").iterdir()
        )  # raw video deleted
        suggested = row.result["twstrs"]["rotation"]
    form = client.get(f"/patients/{pid}/scales/twstrs?from_video={job['id']}&lang=en")
    assert f'name="rotation" value="{suggested}"' in form.text and "suggested" in form.text
    fields = {"csrf_token": csrf_of(form.text), "video_analysis_id": str(job["id"])}
    from cdcare.clinical.scales import get_instrument

    for item in get_instrument("twstrs").items:
        fields[item.code] = "0"
    fields["rotation"] = str(suggested)
    saved = client.post(f"/patients/{pid}/scales/twstrs", data=fields, follow_redirects=False)
    assert saved.status_code == 303
    with session_scope(world.app.state.engine) as db:
        row = db.get(VideoAnalysis, int(str(job["id"])))
        assert row is not None and row.assessment_id is not None


def test_not_a_video_fails_with_a_clear_message(world: World, tmp_path: Path) -> None:
    fake = tmp_path / "notes.mp4"
    fake.write_text("this is not a video")
    with session_scope(world.app.state.engine) as db:
        aid = create_analysis(
            db=db,
            patient_id=world.demo_patient_id,
            uploaded_by_id=None,
            filename="notes.mp4",
            path=fake,
        ).id
    url = world.app.state.engine.url.render_as_string(hide_password=False)
    assert run_analysis(aid, url, keep_video=False) == "failed"
    with session_scope(world.app.state.engine) as db:
        row = db.get(VideoAnalysis, aid)
        assert row is not None and row.status is JobStatus.FAILED
        assert row.error is not None and row.error["exit_code"] == 2
    assert not fake.exists()
    client = login(TestClient(world.app), "demo-patient")
    state = client.get(
        f"/patients/{world.demo_patient_id}/videos/{aid}/status?lang=ko",
        headers={"Accept": "application/json"},
    ).json()
    assert state["status"] == "failed" and state["error"]


def test_empty_upload_refused_and_access_rules(
    world: World, client: TestClient, tmp_path: Path
) -> None:
    login(client, "demo-patient")
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    page = client.get(f"/patients/{world.demo_patient_id}/videos")
    assert page.status_code == 200
    with empty.open("rb") as fh:
        resp = client.post(
            f"/patients/{world.demo_patient_id}/videos",
            data={"csrf_token": csrf_of(page.text)},
            files={"video": ("empty.mp4", fh, "video/mp4")},
        )
    assert resp.status_code == 422
    with session_scope(world.app.state.engine) as db:
        assert db.scalars(select(VideoAnalysis)).all() == []
    assert client.get(f"/patients/{world.other_demo_patient_id}/videos").status_code == 404
    other = login(TestClient(world.app), "other-nurse")
    assert other.get(f"/patients/{world.demo_patient_id}/videos").status_code == 404


def test_interrupted_jobs_are_resumed_or_failed(world: World, tmp_path: Path) -> None:
    with session_scope(world.app.state.engine) as db:
        gone = create_analysis(
            db=db,
            patient_id=world.demo_patient_id,
            uploaded_by_id=None,
            filename="x.mp4",
            path=tmp_path / "missing.mp4",
        )
        gone.status = JobStatus.RUNNING
        gid = gone.id
    queue = AnalysisQueue(world.app.state.engine, keep_video=False)
    try:
        assert queue.resume() == []
    finally:
        queue.shutdown()
    with session_scope(world.app.state.engine) as db:
        row = db.get(VideoAnalysis, gid)
        assert row is not None and row.status is JobStatus.FAILED and row.error


def test_record_page_for_own_record_only(world: World) -> None:
    client = login(TestClient(world.app), "demo-patient")
    page = client.get(f"/patients/{world.demo_patient_id}/record?seconds=7&lang=en")
    assert page.status_code == 200
    assert 'data-seconds="7"' in page.text and "/static/js/record.js" in page.text
    assert "look at the camera for 7 seconds" in page.text
    long = client.get(f"/patients/{world.demo_patient_id}/record?seconds=999")
    assert 'data-seconds="60"' in long.text  # clamped to 5–60 s
    assert client.get(f"/patients/{world.other_demo_patient_id}/record").status_code == 404


def test_centre_setting_keeps_raw_video(world: World, tmp_path: Path) -> None:
    admin = login(TestClient(world.app), "demo-admin")
    page = admin.get("/admin/centre?lang=en")
    assert page.status_code == 200 and 'name="keep_raw_video"' in page.text
    saved = admin.post(
        "/admin/centre", data={"csrf_token": csrf_of(page.text), "keep_raw_video": "1"}
    )
    assert saved.status_code == 200 and "checked" in saved.text
    fake = tmp_path / "kept.mp4"
    fake.write_text("not a video, but the centre keeps uploads")
    with session_scope(world.app.state.engine) as db:
        aid = create_analysis(
            db=db,
            patient_id=world.demo_patient_id,
            uploaded_by_id=None,
            filename="kept.mp4",
            path=fake,
        ).id
    url = world.app.state.engine.url.render_as_string(hide_password=False)
    run_analysis(aid, url, keep_video=False)
    assert fake.exists()  # kept by the centre's setting
    with session_scope(world.app.state.engine) as db:
        row = db.get(VideoAnalysis, aid)
        assert row is not None and row.video_path == str(fake)
    nurse = login(TestClient(world.app), "demo-nurse")
    assert nurse.get("/admin/centre").status_code == 403


def test_uploads_are_encrypted_at_rest_and_still_analysed(
    world: World, tmp_path: Path, clip: Path
) -> None:
    from cdcare.store.crypto import MAGIC, generate_key

    keys = f"{generate_key()},{generate_key()}"
    world.app.state.settings.data_dir = tmp_path
    world.app.state.settings.media_keys = keys
    world.app.state.analysis_queue.submit = lambda *a, **k: None  # run in-process below
    client = login(TestClient(world.app), "demo-doctor")
    job = _upload(client, world.demo_patient_id, clip, "clinic.mp4")
    (stored,) = (tmp_path / "uploads").iterdir()
    raw = stored.read_bytes()
    assert raw.startswith(MAGIC) and raw != clip.read_bytes()
    url = world.app.state.engine.url.render_as_string(hide_password=False)
    status = run_analysis(int(str(job["id"])), url, keep_video=True, media_keys=keys)
    assert status == "done"
    assert stored.read_bytes() == raw  # the kept video stays encrypted
    assert [p.name for p in (tmp_path / "uploads").iterdir()] == [stored.name]  # no plain copy
    with session_scope(world.app.state.engine) as db:
        row = db.get(VideoAnalysis, int(str(job["id"])))
        assert row is not None and row.result and row.result["posture"]["rotation_deg"] > 10
