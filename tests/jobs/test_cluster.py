"""Folder analysis on a Dask LocalCluster: same JSON/CSV as the local path, resumable,
errors per clip, scheduler from the environment, unreachable scheduler refused clearly."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import LocalCluster

from cdcare.cli.main import run
from cdcare.errors import ConfigError
from cdcare.jobs.cluster import run_dask
from cdcare.jobs.video_folder import FolderTask, analyze_clip, analyze_folder
from cdcare.video.synth import SynthSpec, write_clip

YAWS = {"left20.mp4": 20.0, "right15.mp4": -15.0}  # degrees, + = chin to the patient's left


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """One in-process worker with one thread (fast to start; MediaPipe runs one clip at a time)."""
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as c:
        yield c


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("clips")
    for name, yaw in YAWS.items():
        write_clip(folder / name, SynthSpec(yaw_deg=yaw, seconds=1.5, fps=10.0, width=320,
                                            height=240))  # fmt: skip
    (folder / "broken.mp4").write_text("not a video")
    return folder


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_cluster_results_match_local_and_rerun_resumes(
    cluster: LocalCluster, clips: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    seen: list[tuple[int, int]] = []
    rows = analyze_folder(
        clips, out, scheduler=cluster.scheduler_address, progress=lambda d, t: seen.append((d, t))
    )
    assert [r["video"] for r in rows] == ["broken.mp4", "left20.mp4", "right15.mp4"]
    assert [r["status"] for r in rows] == ["error", "ok", "ok"]
    assert rows[0]["exit_code"] == 2 and "decode" in rows[0]["message"]
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)
    for name, yaw in YAWS.items():
        data = json.loads((out / f"{name}.json").read_text("utf-8"))
        assert abs(data["posture"]["rotation_deg"] - yaw) < 8.0  # measured on the worker
    # the same clip analysed locally gives the same JSON
    local_row, local = analyze_clip(
        FolderTask(clips / "left20.mp4", tmp_path / "x.json", False, None, None, "en")
    )
    assert local == json.loads((out / "left20.mp4.json").read_text("utf-8"))
    summary = _csv(out / "summary.csv")
    assert summary[1]["rotation_deg"] == str(local_row["rotation_deg"])
    # rerun: the finished clips are not sent again, the broken one is retried
    kept = (out / "right15.mp4.json").stat().st_mtime_ns
    (out / "left20.mp4.json").unlink()
    again = analyze_folder(clips, out, scheduler=cluster.scheduler_address)
    assert [bool(r.get("resumed")) for r in again] == [False, False, True]
    assert (out / "right15.mp4.json").stat().st_mtime_ns == kept
    assert (out / "left20.mp4.json").is_file()
    assert _csv(out / "summary.csv") == summary


def test_a_task_failing_on_a_worker_is_reported_and_the_rest_go_on(
    cluster: LocalCluster,
) -> None:
    out = dict(run_dask(math.sqrt, [4.0, -1.0, 9.0], address=cluster.scheduler_address))
    assert out[4.0] == 2.0 and out[9.0] == 3.0
    assert isinstance(out[-1.0], ValueError) and "domain" in str(out[-1.0])


def _explode_on_right(task: FolderTask) -> tuple[dict[str, object], dict[str, object] | None]:
    if task.video.name.startswith("right"):
        raise RuntimeError("worker exploded")
    return ORIGINAL(task)


ORIGINAL = analyze_clip


def test_a_clip_crashing_on_a_worker_becomes_its_error_row(
    cluster: LocalCluster, clips: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cdcare.jobs.video_folder as vf

    monkeypatch.setattr(vf, "analyze_clip", _explode_on_right)
    rows = analyze_folder(clips, tmp_path / "out", scheduler=cluster.scheduler_address)
    by_name = {r["video"]: r for r in rows}
    assert by_name["right15.mp4"]["status"] == "error"
    assert "RuntimeError: worker exploded" in by_name["right15.mp4"]["message"]
    assert by_name["left20.mp4"]["status"] == "ok"  # the rest went on
    assert not (tmp_path / "out" / "right15.mp4.json").exists()


def test_cli_takes_the_scheduler_from_the_environment(
    cluster: LocalCluster,
    clips: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CDCARE_DASK_SCHEDULER", cluster.scheduler_address)
    out = tmp_path / "cli"
    assert run(["analyze", str(clips), "--json", str(out)]) == 0
    err = capsys.readouterr().err
    assert "2 of 3" in err and "broken.mp4: " in err
    assert run(["analyze", str(clips), "--json", str(out)]) == 0  # all good ones resumed
    assert "2 videos were already done" in capsys.readouterr().err


def test_unreachable_scheduler_is_a_clear_error() -> None:
    with pytest.raises(
        ConfigError, match=r"Cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"
    ):
        list(run_dask(math.sqrt, [1.0], address="tcp://127.0.0.1:9", timeout=1.0))
