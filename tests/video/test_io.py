"""Decoding: timestamps, sizes, and clear errors for files that are not (whole) videos."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cdcare.errors import VideoError
from cdcare.video.io import MemoryVideo, open_video, write_video


def _frames(n: int, w: int = 96, h: int = 64) -> list[np.ndarray]:
    return [np.full((h, w, 3), 10 * i % 250, np.uint8) for i in range(n)]


def test_file_streams_frames_with_timestamps(tmp_path: Path) -> None:
    path = write_video(tmp_path / "a.mp4", _frames(25), fps=25.0)
    video = open_video(path)
    assert (video.info.width, video.info.height) == (96, 64)
    assert video.info.fps == pytest.approx(25.0)
    got = list(video.frames())
    assert len(got) == 25
    t = np.array([ts for ts, _ in got])
    assert t[0] == pytest.approx(0.0, abs=1e-6)
    assert np.allclose(np.diff(t), 0.04, atol=1e-3)
    assert got[3][1].shape == (64, 96, 3) and got[3][1].dtype == np.uint8


def test_memory_video_keeps_given_timestamps() -> None:
    ts = [0.0, 0.03, 0.07, 0.1]
    video = MemoryVideo(_frames(4), timestamps=ts)
    assert [t for t, _ in video.frames()] == ts
    with pytest.raises(VideoError):
        MemoryVideo([])


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(VideoError, match="not found"):
        open_video(tmp_path / "nope.mp4")


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.mp4").write_bytes(b"")
    with pytest.raises(VideoError, match="empty") as info:
        open_video(tmp_path / "empty.mp4")
    assert info.value.exit_code == 2
    assert "비어" in info.value.text("ko")


def test_text_file_named_mp4(tmp_path: Path) -> None:
    (tmp_path / "notes.mp4").write_text("this is not a video\n" * 20)
    with pytest.raises(VideoError, match="Cannot decode"):
        open_video(tmp_path / "notes.mp4")


def test_truncated_video(tmp_path: Path) -> None:
    data = write_video(tmp_path / "full.mp4", _frames(30), fps=30.0).read_bytes()
    (tmp_path / "cut.mp4").write_bytes(data[: len(data) // 2])
    with pytest.raises(VideoError, match="Cannot decode"):
        open_video(tmp_path / "cut.mp4")


def _write_av(path: Path, frames: list[np.ndarray], pts_ms: list[int], rotate: int = 0) -> Path:
    """Write an mp4 with explicit per-frame timestamps (ms) and display rotation (PyAV)."""
    from fractions import Fraction

    import av

    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=30)
        stream.width, stream.height = frames[0].shape[1], frames[0].shape[0]
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1000)
        if rotate:
            stream.set_display_rotation(rotate)  # counter-clockwise, as phones store it
        for frame, pts in zip(frames, pts_ms, strict=True):
            vf = av.VideoFrame.from_ndarray(frame, format="bgr24")
            vf.pts, vf.time_base = pts, Fraction(1, 1000)
            for packet in stream.encode(vf):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def test_variable_frame_rate_keeps_real_timestamps(tmp_path: Path) -> None:
    pts = [0, 33, 66, 150, 183, 300, 333, 366, 500, 533]
    video = open_video(_write_av(tmp_path / "vfr.mp4", _frames(10), pts))
    got = [t for t, _ in video.frames()]
    assert got == pytest.approx([p / 1000 for p in pts], abs=0.002)


def test_rotation_metadata_is_applied(tmp_path: Path) -> None:
    frames = _frames(5)
    for f in frames:
        f[:10, :20] = 255  # a white mark in the stored frame's top-left corner
    video = open_video(_write_av(tmp_path / "phone.mp4", frames, [0, 33, 66, 100, 133], 90))
    assert (video.info.width, video.info.height) == (64, 96)  # portrait after rotation
    _, first = next(iter(video.frames()))
    assert first.shape == (96, 64, 3)
    mark = np.argwhere(first[..., 0] > 200)
    # turned 90° counter-clockwise for display: the top-left mark is now bottom-left
    assert mark[:, 0].min() >= 96 - 20 - 2 and mark[:, 1].max() <= 10 + 2
