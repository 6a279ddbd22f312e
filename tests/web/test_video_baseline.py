"""The baseline of a web upload: none, a neutral segment of the clip, or an earlier analysis
marked as the patient's neutral reference; validation in English and Korean; other patients'
analyses refused. Synthetic heads only; degrees, + = chin toward the patient's left."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cdcare.care.videos import create_analysis, run_analysis
from cdcare.store.db import session_scope
from cdcare.store.video_models import JobStatus, VideoAnalysis
from cdcare.video.synth import SynthSpec, render_frames

from .conftest import World, csrf_of, login

TURN = 30.0  # degrees, toward the patient's left
FPS = 15.0


def _clip(path: Path, *specs: SynthSpec) -> Path:
    from cdcare.video.io import write_video

    frames = [frame for spec in specs for _t, frame, _truth in render_frames(spec)]
    return write_video(path, frames, fps=FPS)


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``split``: 1 s neutral, then 1 s turned 30°; ``neutral``: 1 s neutral; ``turned``: 1 s
    turned 30° (one synthetic identity, 15 frames/s)."""
    folder = tmp_path_factory.mktemp("baseline")
    neutral = SynthSpec(seconds=1.0, fps=FPS, identity="ana")
    turned = SynthSpec(yaw_deg=TURN, seconds=1.0, fps=FPS, identity="ana")
    return {
        "split": _clip(folder / "split.mp4", neutral, turned),
        "neutral": _clip(folder / "neutral.mp4", neutral),
        "turned": _clip(folder / "turned.mp4", turned),
    }


@pytest.fixture
def app_world(world: World, tmp_path: Path) -> World:
    """Uploads go to ``tmp_path``; jobs are run in this process by the test (run_analysis)."""
    world.app.state.settings.data_dir = tmp_path
    world.app.state.analysis_queue.submit = lambda *a, **k: None
    return world


def _post(client: TestClient, pid: int, path: Path, lang: str = "en", **fields: str) -> Any:
    page = client.get(f"/patients/{pid}/videos")
    with path.open("rb") as fh:
        return client.post(
            f"/patients/{pid}/videos?lang={lang}",
            data={"csrf_token": csrf_of(page.text), **fields},
            files={"video": (path.name, fh, "video/mp4")},
            headers={"Accept": "application/json"},
        )


def _run(world: World, job_id: int) -> str:
    url = world.app.state.engine.url.render_as_string(hide_password=False)
    return run_analysis(job_id, url, keep_video=False)


def _row(world: World, job_id: int) -> VideoAnalysis:
    with session_scope(world.app.state.engine) as db:
        row = db.get(VideoAnalysis, job_id)
        assert row is not None
        db.expunge(row)
        return row


def _done_row(world: World, patient_id: int, *, marked: bool, angles: str = "absolute") -> int:
    """A finished analysis with a stored (synthetic) result, without running the pipeline."""
    with session_scope(world.app.state.engine) as db:
        row = create_analysis(
            db=db, patient_id=patient_id, uploaded_by_id=None, filename="n.mp4", path=Path("x")
        )
        row.status, row.is_neutral_reference = JobStatus.DONE, marked
        row.result = {"angles": angles, "posture": {"rotation_deg": 2.0}}
        return row.id


def test_no_baseline_is_absolute(app_world: World, clips: dict[str, Path]) -> None:
    client = login(TestClient(app_world.app), "demo-doctor")
    pid = app_world.other_demo_patient_id
    resp = _post(client, pid, clips["turned"], baseline="none")
    assert resp.status_code == 202, resp.text
    job = int(resp.json()["id"])
    assert _run(app_world, job) == "done"
    row = _row(app_world, job)
    assert row.reference_kind == "none" and row.result is not None
    assert row.result["angles"] == "absolute" and row.result["reference"] is None
    page = client.get(f"/patients/{pid}/videos/{job}?lang=en").text
    assert "Angles are absolute" in page and 'id="reference-used"' not in page


def test_neutral_segment_of_the_clip(app_world: World, clips: dict[str, Path]) -> None:
    client = login(TestClient(app_world.app), "demo-doctor")
    pid = app_world.other_demo_patient_id
    resp = _post(
        client, pid, clips["split"], baseline="segment", neutral_start="0", neutral_end="0.9"
    )
    assert resp.status_code == 202, resp.text
    job = int(resp.json()["id"])
    row = _row(app_world, job)
    assert (row.reference_kind, row.neutral_start_s, row.neutral_end_s) == ("segment", 0.0, 0.9)
    assert _run(app_world, job) == "done"
    result = _row(app_world, job).result
    assert result is not None and result["angles"] == "relative_to_reference"
    assert result["reference"]["segment_s"] == [0.0, 0.9]
    assert result["reference"]["video"] == "split.mp4"
    assert abs(result["posture"]["rotation_deg"] - TURN) < 5.0  # the turned second, minus neutral
    en = client.get(f"/patients/{pid}/videos/{job}?lang=en").text
    assert "Neutral reference: seconds 0–0.9 of this clip" in en
    ko = client.get(f"/patients/{pid}/videos/{job}?lang=ko").text
    assert "중립 기준: 이 영상의 0–0.9초" in ko
    # a relative result cannot itself become a neutral reference: no mark button
    assert 'id="neutral-form"' not in en


def test_segment_outside_the_clip_fails_with_a_clear_message(
    app_world: World, clips: dict[str, Path]
) -> None:
    client = login(TestClient(app_world.app), "demo-doctor")
    pid = app_world.other_demo_patient_id
    resp = _post(
        client, pid, clips["split"], baseline="segment", neutral_start="30", neutral_end="35"
    )
    assert resp.status_code == 202, resp.text
    job = int(resp.json()["id"])
    assert _run(app_world, job) == "failed"
    status = f"/patients/{pid}/videos/{job}/status"
    json_accept = {"Accept": "application/json"}
    en = client.get(status + "?lang=en", headers=json_accept).json()
    assert en["error"] == "The neutral segment 30–35 s is not within the clip (0–2.0 s)."
    ko = client.get(status + "?lang=ko", headers=json_accept).json()
    assert ko["error"] == "중립 구간 30–35초가 영상 범위(0–2.0초) 안에 있지 않습니다."


@pytest.mark.parametrize(
    ("lang", "fields", "message"),
    [
        ("en", {"neutral_start": "5", "neutral_end": "5"}, "must end after it starts (5–5 s)"),
        ("ko", {"neutral_start": "5", "neutral_end": "2"}, "끝은 시작보다 뒤여야 합니다 (5–2초)"),
        ("en", {"neutral_start": "a", "neutral_end": "2"}, "must be numbers of seconds (got a)"),
        ("ko", {"neutral_start": "", "neutral_end": "2"}, "초 단위 숫자여야 합니다"),
        ("en", {"neutral_start": "-1", "neutral_end": "2"}, "cannot start before the clip"),
    ],
)
def test_bad_segment_refused_before_anything_is_stored(
    app_world: World, clips: dict[str, Path], lang: str, fields: dict[str, str], message: str
) -> None:
    client = login(TestClient(app_world.app), "demo-doctor")
    pid = app_world.other_demo_patient_id
    resp = _post(client, pid, clips["split"], lang, baseline="segment", **fields)
    assert resp.status_code == 422 and message in resp.json()["message"], resp.text
    with session_scope(app_world.app.state.engine) as db:
        assert db.query(VideoAnalysis).count() == 0
    uploads = Path(app_world.app.state.settings.data_dir) / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())


def test_earlier_analysis_marked_neutral_is_the_reference(
    app_world: World, clips: dict[str, Path]
) -> None:
    doctor = login(TestClient(app_world.app), "demo-doctor")
    pid = app_world.demo_patient_id
    first = int(_post(doctor, pid, clips["neutral"]).json()["id"])
    assert _run(app_world, first) == "done"
    page = doctor.get(f"/patients/{pid}/videos/{first}?lang=en")
    assert 'id="neutral-form"' in page.text
    marked = doctor.post(
        f"/patients/{pid}/videos/{first}/neutral",
        data={"csrf_token": csrf_of(page.text), "neutral": "1"},
        follow_redirects=False,
    )
    assert marked.status_code == 303 and _row(app_world, first).is_neutral_reference
    listing = doctor.get(f"/patients/{pid}/videos?lang=en").text
    assert f'<option value="{first}">neutral.mp4' in listing and "neutral reference" in listing

    resp = _post(doctor, pid, clips["turned"], baseline="analysis", reference_id=str(first))
    assert resp.status_code == 202, resp.text
    second = int(resp.json()["id"])
    assert _row(app_world, second).reference_analysis_id == first
    assert _run(app_world, second) == "done"
    ref_result, result = _row(app_world, first).result, _row(app_world, second).result
    assert ref_result is not None and result is not None
    assert result["angles"] == "relative_to_reference"
    assert result["reference"]["video"].startswith("neutral.mp4 (20")  # file and ISO date
    assert result["reference"]["segment_s"] is None
    assert result["reference"]["rotation_deg"] == pytest.approx(
        ref_result["posture"]["rotation_deg"], abs=0.01
    )
    assert abs(result["posture"]["rotation_deg"] - TURN) < 5.0
    en = doctor.get(f"/patients/{pid}/videos/{second}?lang=en").text
    assert "Neutral reference: the earlier clip" in en
    assert f'href="/patients/{pid}/videos/{first}">neutral.mp4</a>' in en
    ko = doctor.get(f"/patients/{pid}/videos/{second}?lang=ko").text
    assert "중립 기준: 이전 영상" in ko

    # the patient's home recording offers it; the patient cannot mark or unmark
    patient = login(TestClient(app_world.app), "demo-patient")
    record = patient.get(f"/patients/{pid}/record?lang=en").text
    assert 'id="rec-reference"' in record and f'<option value="{first}">' in record
    unmark = patient.post(
        f"/patients/{pid}/videos/{first}/neutral",
        data={"csrf_token": csrf_of(record), "neutral": "0"},
    )
    assert unmark.status_code == 403 and _row(app_world, first).is_neutral_reference


@pytest.mark.parametrize(
    ("lang", "message"),
    [("en", "is not finished"), ("ko", "아직 끝나지 않았습니다")],
)
def test_unfinished_analysis_cannot_be_marked_or_used(
    app_world: World, clips: dict[str, Path], lang: str, message: str
) -> None:
    pid = app_world.other_demo_patient_id
    with session_scope(app_world.app.state.engine) as db:
        queued = create_analysis(
            db=db, patient_id=pid, uploaded_by_id=None, filename="q.mp4", path=Path("q")
        )
        queued.is_neutral_reference = True  # even if marked somehow, it is not usable
        qid = queued.id
    doctor = login(TestClient(app_world.app), "demo-doctor")
    page = doctor.get(f"/patients/{pid}/videos")
    mark = doctor.post(
        f"/patients/{pid}/videos/{qid}/neutral?lang={lang}",
        data={"csrf_token": csrf_of(page.text), "neutral": "1"},
        headers={"Accept": "application/json"},
    )
    assert mark.status_code == 422 and message in mark.json()["message"]
    resp = _post(doctor, pid, clips["turned"], lang, baseline="analysis", reference_id=str(qid))
    assert resp.status_code == 422 and message in resp.json()["message"]


def test_unmarked_or_relative_analysis_is_refused(app_world: World, clips: dict[str, Path]) -> None:
    pid = app_world.other_demo_patient_id
    plain = _done_row(app_world, pid, marked=False)
    relative = _done_row(app_world, pid, marked=False, angles="relative_to_reference")
    doctor = login(TestClient(app_world.app), "demo-doctor")
    resp = _post(doctor, pid, clips["turned"], "ko", baseline="analysis", reference_id=str(plain))
    assert resp.status_code == 422
    assert resp.json()["message"] == f"영상 분석 {plain}은(는) 중립 기준으로 지정되지 않았습니다"
    missing = _post(doctor, pid, clips["turned"], baseline="analysis", reference_id="")
    assert missing.status_code == 422 and "Choose the earlier analysis" in missing.json()["message"]
    page = doctor.get(f"/patients/{pid}/videos")
    mark = doctor.post(
        f"/patients/{pid}/videos/{relative}/neutral?lang=en",
        data={"csrf_token": csrf_of(page.text), "neutral": "1"},
        headers={"Accept": "application/json"},
    )
    assert mark.status_code == 422 and "only an absolute measurement" in mark.json()["message"]
    odd = _post(doctor, pid, clips["turned"], baseline="yesterday")
    assert odd.status_code == 422 and "Choose the baseline" in odd.json()["message"]


def test_reference_of_another_patient_is_not_found(
    app_world: World, clips: dict[str, Path]
) -> None:
    mine, theirs = app_world.demo_patient_id, app_world.other_demo_patient_id
    foreign = _done_row(app_world, theirs, marked=True)  # same centre, other patient
    far = _done_row(app_world, app_world.other_centre_patient_id, marked=True)
    doctor = login(TestClient(app_world.app), "demo-doctor")
    for ref in (foreign, far):
        resp = _post(doctor, mine, clips["turned"], baseline="analysis", reference_id=str(ref))
        assert resp.status_code == 404, resp.text
    page = doctor.get(f"/patients/{mine}/videos")
    mark = doctor.post(
        f"/patients/{mine}/videos/{foreign}/neutral",
        data={"csrf_token": csrf_of(page.text), "neutral": "0"},
    )
    assert mark.status_code == 404 and _row(app_world, foreign).is_neutral_reference
    with session_scope(app_world.app.state.engine) as db:  # nothing stored for the refusals
        assert db.query(VideoAnalysis).filter_by(patient_id=mine).count() == 0
    # the patient's own record page lists only the patient's own references
    patient = login(TestClient(app_world.app), "demo-patient")
    record = patient.get(f"/patients/{mine}/record").text
    assert 'id="rec-reference"' not in record


def test_job_refuses_a_stored_reference_of_another_patient(
    app_world: World, clips: dict[str, Path], tmp_path: Path
) -> None:
    """Defence in depth: a row pointing at another patient's analysis (not possible through the
    form) fails in the job with 'not found' instead of measuring against it."""
    foreign = _done_row(app_world, app_world.other_demo_patient_id, marked=True)
    copy = tmp_path / "copy.mp4"
    copy.write_bytes(clips["turned"].read_bytes())
    with session_scope(app_world.app.state.engine) as db:
        row = create_analysis(
            db=db,
            patient_id=app_world.demo_patient_id,
            uploaded_by_id=None,
            filename="copy.mp4",
            path=copy,
        )
        row.reference_kind, row.reference_analysis_id = "analysis", foreign
        job = row.id
    assert _run(app_world, job) == "failed"
    error = _row(app_world, job).error
    assert error is not None and error["message"] == "Video analysis {id} not found"


def _fake(result: dict[str, Any]) -> VideoAnalysis:
    return VideoAnalysis(status=JobStatus.DONE, result=result)


def test_change_since_an_earlier_visit_compares_on_one_footing() -> None:
    from cdcare.care.visit_angles import angle_change, comparable_angles

    absolute = _fake({"angles": "absolute", "posture": {"rotation_deg": 32.0, "tilt_deg": 4.0}})
    relative = _fake(
        {
            "angles": "relative_to_reference",
            "posture": {"rotation_deg": 20.0, "tilt_deg": 1.0},
            "reference": {"rotation_deg": 5.0, "tilt_deg": None},
        }
    )
    relative2 = _fake(
        {
            "angles": "relative_to_reference",
            "posture": {"rotation_deg": 12.5},
            "reference": {"rotation_deg": -3.0},
        }
    )
    now, before, footing = comparable_angles(relative, absolute)
    assert footing == "absolute" and now == {"rotation_deg": 25.0}  # 20 + its reference 5
    assert angle_change(now, before) == {"rotation_deg": -7.0}
    now, before, footing = comparable_angles(relative, relative2)
    assert footing == "relative" and angle_change(now, before) == {"rotation_deg": 7.5}
    now, before, footing = comparable_angles(absolute, None)
    assert footing == "absolute" and before == {} and now["tilt_deg"] == 4.0


def test_report_names_the_segment_of_a_segment_reference() -> None:
    from datetime import date

    from cdcare.reports.model import VideoEntry

    seg = {
        "angles": "relative_to_reference",
        "reference": {"video": "a.mp4", "segment_s": [0, 2.5]},
    }
    clip = {"angles": "relative_to_reference", "reference": {"video": "n.mp4 (2026-12-01)"}}
    assert VideoEntry.from_analysis(date(2026, 12, 3), seg).reference_video == "a.mp4, 0–2.5 s"
    entry = VideoEntry.from_analysis(date(2026, 12, 3), clip)
    assert entry.relative and entry.reference_video == "n.mp4 (2026-12-01)"
