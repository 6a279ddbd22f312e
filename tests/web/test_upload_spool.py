"""An upload never touches the disk in clear: the multipart spool is encrypted under a key held
in memory only, and the kept file is encrypted under the media keys."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import starlette.formparsers
from fastapi.testclient import TestClient

from cdcare.store.crypto import generate_key
from cdcare.web.routes import videos
from cdcare.web.upload_spool import SealedSpool

from .conftest import World, csrf_of, login

MARK = b"SYNTHETIC-CLIP-PLAINTEXT-"
CLIP = MARK * (3 * 2**20 // len(MARK))  # 3 MiB: past Starlette's 1 MiB in-memory spool


def test_spool_round_trip_and_ciphertext_only_on_disk(tmp_path: Path) -> None:
    spool = SealedSpool(str(tmp_path))
    for i in range(0, len(CLIP), 65536):
        spool.write(CLIP[i : i + 65536])
    spool.seek(0)
    on_disk = spool.path.read_bytes()
    assert MARK not in on_disk and len(on_disk) > len(CLIP)  # ciphertext plus tags
    assert spool.path.stat().st_mode & 0o077 == 0  # private to the server's user
    assert spool.read(10) + spool.read() == CLIP
    spool.close()
    assert not spool.path.exists()


def test_upload_spool_and_kept_file_hold_no_plaintext(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool_dir))  # every temporary file goes here
    settings = world.app.state.settings
    settings.data_dir, settings.media_keys = tmp_path / "data", generate_key()
    world.app.state.media_keys = None  # (the route reads the keys from the settings)
    seen: dict[str, Any] = {}
    real_save = videos.save_upload

    async def save_and_look(upload: Any, folder: Path, **kw: Any) -> Path:
        files = [p for p in spool_dir.rglob("*") if p.is_file()]  # the form is fully received
        seen["spooled"] = sum(p.stat().st_size for p in files)
        seen["plain_in_spool"] = any(MARK in p.read_bytes() for p in files)
        return await real_save(upload, folder, **kw)

    monkeypatch.setattr(videos, "save_upload", save_and_look)
    rolled: list[int] = []

    class SpyingSpool(tempfile.SpooledTemporaryFile):  # type: ignore[type-arg]
        """Starlette's own spool; it would move to an unnamed temporary file in clear."""

        def rollover(self) -> None:
            rolled.append(1)
            super().rollover()

    monkeypatch.setattr(starlette.formparsers, "SpooledTemporaryFile", SpyingSpool)
    client = login(TestClient(world.app), "demo-doctor")
    page = client.get(f"/patients/{world.demo_patient_id}/videos")
    resp = client.post(
        f"/patients/{world.demo_patient_id}/videos",
        data={"csrf_token": csrf_of(page.text)},
        files={"video": ("clip.mp4", CLIP, "video/mp4")},
        headers={"Accept": "application/json"},
    )
    assert resp.status_code == 202, resp.text
    assert rolled == []  # Starlette's clear spool never went to disk
    assert seen["spooled"] > len(CLIP)  # the clip was spooled to disk …
    assert seen["plain_in_spool"] is False  # … encrypted
    assert not any(p.is_file() for p in spool_dir.rglob("*"))  # and removed after the request
    kept = [p for p in (tmp_path / "data" / "uploads").iterdir() if p.is_file()]
    assert kept and all(MARK not in p.read_bytes() for p in kept)
