"""Video measurement in a real browser: a clinic upload and a home recording (fake camera).

Both use synthetic head clips with a known yaw of +30° (chin toward the patient's LEFT,
unmirrored: the patient's left is the image's right). Analysis runs in the live app's worker
process; the first job pays the MediaPipe import (a few seconds).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import cv2
import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from cdcare.education.measurement import describe_posture
from cdcare.i18n import translate
from cdcare.video.synth import SynthSpec, render_frames, write_clip

from .conftest import TIMEOUT_MS, Live, launch_chromium, login, snap

YAW_DEG = 30.0  # + = chin toward the patient's left
TOLERANCE_DEG = 8.0
ANALYSIS_MS = 120_000  # upload, worker start (MediaPipe import) and analysis


def _ko(message: str) -> str:
    return translate(message, "ko")


def test_uploaded_synthetic_clip_shows_measured_rotation(
    page: Page, live: Live, tmp_path: Path
) -> None:
    clip = tmp_path / "yaw30.mp4"
    truth = write_clip(clip, SynthSpec(yaw_deg=YAW_DEG, fps=15, seconds=3))
    assert len(truth.frames) == 45
    pid = live.other_demo_patient_id
    login(page, "demo-doctor")
    page.goto(f"/patients/{pid}/videos")
    page.set_input_files('#video-upload input[name="video"]', str(clip))
    with page.expect_navigation(url=re.compile(rf"/patients/{pid}/videos/\d+$")):
        page.click('#video-upload button[type="submit"]')
    snap(page, "test_video_upload-analysing")

    rotation = page.locator("#rotation")
    expect(rotation).to_be_visible(timeout=ANALYSIS_MS)  # the page polls, then reloads
    expect(page.locator("#video-status p.ok")).to_have_text(_ko("Analysis finished."))
    text = rotation.locator("strong").inner_text()
    match = re.fullmatch(r"([+-]\d+\.\d)°", text)
    assert match, text
    measured = float(match.group(1))
    assert abs(measured - YAW_DEG) <= TOLERANCE_DEG, measured
    expect(rotation.locator(".note")).to_have_text(_ko("chin toward the patient's left"))

    page.goto(f"/patients/{pid}/videos")  # the list shows the same signed angle
    row = page.locator("table.grid tbody tr").filter(has_text="yaw30.mp4")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(4)).to_have_text(text)


def _write_y4m(path: Path, spec: SynthSpec) -> int:
    """Synthetic frames as a Y4M file for chromium's fake camera; returns the frame count."""
    assert spec.fps == int(spec.fps)
    header = f"YUV4MPEG2 W{spec.width} H{spec.height} F{int(spec.fps)}:1 Ip A1:1 C420jpeg\n"
    n = 0
    with path.open("wb") as out:
        out.write(header.encode("ascii"))
        for _t, bgr, _truth in render_frames(spec):
            out.write(b"FRAME\n")
            out.write(cv2.cvtColor(bgr, cv2.COLOR_BGR2YUV_I420).tobytes())
            n += 1
    return n


@pytest.fixture(scope="module")
def camera_browser(
    playwright: Playwright, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Browser]:
    """A second chromium whose (fake) camera plays a synthetic clip with yaw +30°, looped."""
    spec = SynthSpec(yaw_deg=YAW_DEG, fps=15, seconds=4, width=640, height=480)
    y4m = tmp_path_factory.mktemp("camera") / "yaw30.y4m"
    assert _write_y4m(y4m, spec) == spec.n_frames == 60
    frame_bytes = len(b"FRAME\n") + 640 * 480 * 3 // 2  # I420: Y plane + quarter-size U, V
    assert (y4m.stat().st_size - 60 * frame_bytes) == len(y4m.read_bytes().split(b"\n", 1)[0]) + 1
    b = launch_chromium(
        playwright,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={y4m}",
    )
    try:
        yield b
    finally:
        b.close()


def _about(deg: int) -> str:
    """The Korean rotation statement for ``deg`` degrees to the patient's left."""
    posture = {"rotation_deg": float(deg), "tilt_deg": 0.0, "flexion_deg": 0.0}
    return describe_posture(posture)[0].text("ko")


def test_home_recording_with_fake_camera_says_turned_left(
    camera_browser: Browser, live: Live, request: pytest.FixtureRequest
) -> None:
    ctx = camera_browser.new_context(base_url=live.url, viewport={"width": 1200, "height": 900})
    ctx.set_default_timeout(TIMEOUT_MS)
    try:
        page = ctx.new_page()
        login(page, "demo-patient")
        page.goto(f"/patients/{live.demo_patient_id}/record?seconds=5")
        expect(page.locator("#rec-progress")).to_have_attribute("max", "5")
        page.click("#rec-start")
        expect(page.locator("#rec-state")).to_have_text(
            _ko("Recording… keep looking at the camera.")
        )
        result = page.locator("#rec-result")
        expect(result).to_be_visible(timeout=ANALYSIS_MS)
        expect(page.locator("#rec-error")).to_be_hidden()
        first = page.locator("#rec-plain li").first
        expect(first).to_contain_text("왼쪽")
        assert first.inner_text() in {_about(d) for d in (25, 30, 35)}, first.inner_text()
        href = page.locator("#rec-link").get_attribute("href") or ""
        assert re.fullmatch(rf"/patients/{live.demo_patient_id}/videos/\d+", href), href
        snap(page, request.node.name)
    finally:
        ctx.close()
