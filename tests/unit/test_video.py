"""Video ingest: timestamps, rotation, codecs, slow motion and every bad-input message."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest

from formcheck.errors import VideoError
from formcheck.io.video import MAX_DURATION_S, MAX_SIDE_PX, VideoWriter, iter_frames, probe


def _pattern(h=240, w=136):
    """An asymmetric test card: red band at the top, green at the left."""
    img = np.full((h, w, 3), 128, np.uint8)
    img[: h // 8, :, :] = (255, 0, 0)
    img[:, : w // 6, :] = (0, 255, 0)
    return img


def test_variable_frame_rate_timestamps_are_exact(tmp_path):
    rng = np.random.default_rng(7)
    # a phone that drops from 60 to 24 fps in dim light, with jitter
    gaps = np.concatenate([np.full(45, 1 / 60), np.full(44, 1 / 24)]) * rng.uniform(0.8, 1.2, 89)
    t_true = np.concatenate([[0.0], np.cumsum(gaps)])
    tb = Fraction(1, 90000)
    pts = np.round(t_true * 90000).astype(int)
    path = tmp_path / "vfr.mp4"
    with VideoWriter(path, 30, time_base=tb) as w:
        for p in pts:
            w.write(_pattern(), pts=int(p))
    t = np.array([f.t_s for f in iter_frames(probe(path))])
    assert len(t) == len(pts)
    np.testing.assert_allclose(t, pts / 90000, atol=1e-9)
    # a constant-rate assumption would have been badly wrong
    assert np.abs(np.arange(len(t)) / 30.0 - t).max() > 0.2


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotated_clip_comes_out_upright(tmp_path, rotation):
    upright = _pattern()
    stored = np.rot90(upright, k=rotation // 90)  # rotated counter-clockwise on disk
    path = tmp_path / f"rot{rotation}.mp4"
    with VideoWriter(path, 30, rotation_deg=rotation) as w:
        for _ in range(5):
            w.write(stored)
    info = probe(path)
    assert info.rotation_deg == rotation
    assert (info.width, info.height) == (upright.shape[1], upright.shape[0])
    frame = next(iter(iter_frames(info)))
    assert frame.image.shape == upright.shape
    assert frame.image.flags["C_CONTIGUOUS"]
    assert np.abs(frame.image.astype(int) - upright).mean() < 3.0


def test_sparse_sample_yields_every_nth_frame_of_the_window_with_its_index_and_time(tmp_path):
    """``every=k`` (the facing check) gives frames 0, k, 2k, … of the window, each the frame it says it is."""
    path = tmp_path / "count.mp4"
    with VideoWriter(path, 30) as w:
        for k in range(40):
            img = _pattern()
            img[-20:, :, :] = 6 * k  # a brightness counter in the bottom rows
            w.write(img)
    info = probe(path)
    every = list(iter_frames(info, end_s=1.0, every=7))
    assert [f.index for f in every] == [0, 7, 14, 21, 28]
    np.testing.assert_allclose([f.t_s for f in every], np.array([0, 7, 14, 21, 28]) / 30, atol=2e-3)
    full = list(iter_frames(info, end_s=1.0))
    for f in every:
        assert np.abs(f.image.astype(int) - full[f.index].image).mean() < 0.5


@pytest.mark.parametrize("codec,suffix", [("h264", ".mp4"), ("hevc", ".mp4"), ("vp9", ".webm"),
                                          ("mjpeg", ".avi"), ("mpeg4", ".mp4")])
def test_codecs_decode_every_frame(tmp_path, codec, suffix):
    path = tmp_path / f"clip{suffix}"
    with VideoWriter(path, 25, codec=codec) as w:
        for _ in range(20):
            w.write(_pattern())
    info = probe(path)
    frames = list(iter_frames(info))
    assert len(frames) == 20
    np.testing.assert_allclose([f.t_s for f in frames], np.arange(20) / 25, atol=2e-3)
    assert np.abs(frames[10].image.astype(int) - _pattern()).mean() < 4.0


def test_odd_width_is_dense_for_mediapipe(tmp_path):
    # PyAV pads rows of odd-sized frames; the ingest must hand out dense arrays
    path = tmp_path / "odd.mp4"
    with VideoWriter(path, 30) as w:
        for _ in range(3):
            w.write(np.zeros((200, 590, 3), np.uint8))
    f = next(iter(iter_frames(probe(path))))
    assert f.image.flags["C_CONTIGUOUS"] and f.image.strides[0] == f.image.shape[1] * 3


def test_capture_fps_rescales_slow_motion_time(tmp_path):
    path = tmp_path / "slowmo.mp4"
    with VideoWriter(path, 30) as w:  # 240 fps capture stored at 30 fps playback
        for _ in range(60):
            w.write(_pattern())
    info = probe(path, capture_fps=240)
    assert info.fps == 240 and info.time_scale == pytest.approx(30 / 240)
    t = np.array([f.t_s for f in iter_frames(info)])
    np.testing.assert_allclose(np.diff(t), 1 / 240, atol=1e-6)


# ------------------------------------------------------------------ bad input
def _expect(path, code, fragment, **kw):
    with pytest.raises(VideoError) as exc:
        info = probe(path, **kw)
        for _ in iter_frames(info):
            pass
    assert exc.value.code == code
    assert fragment in str(exc.value)
    assert "\n" not in str(exc.value)


def test_missing_file(tmp_path):
    _expect(tmp_path / "nope.mp4", "missing", "does not exist")


def test_empty_file(tmp_path):
    (tmp_path / "empty.mp4").write_bytes(b"")
    _expect(tmp_path / "empty.mp4", "empty", "empty")


def test_not_a_video(tmp_path):
    (tmp_path / "notes.mp4").write_text("this is a text file, not a video\n" * 50)
    _expect(tmp_path / "notes.mp4", "not_video", "not a video file")


def test_audio_only(tmp_path):
    import av

    path = tmp_path / "audio.m4a"
    with av.open(str(path), "w") as c:
        s = c.add_stream("aac", rate=44100)
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
        frame.sample_rate = 44100
        for i in range(20):
            frame.pts = i * 1024
            for p in s.encode(frame):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    _expect(path, "no_video_stream", "no video stream")


def _h264(path, n=60, size=(240, 136), fps=30):
    with VideoWriter(path, fps) as w:
        for i in range(n):
            img = _pattern(*size)
            img[:, :, 2] = (i * 4) % 255  # changing content: real inter frames
            w.write(img)
    return path


def test_truncated_file(tmp_path):
    full = _h264(tmp_path / "full.mp4", n=120).read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(full[: len(full) // 2])  # faststart: header intact, media cut
    with pytest.raises(VideoError) as exc:
        for _ in iter_frames(probe(cut)):
            pass
    assert exc.value.code in ("truncated", "corrupt")
    assert "truncated" in str(exc.value) or "corrupt" in str(exc.value)


def test_header_only_has_no_frames(tmp_path):
    full = _h264(tmp_path / "full.mp4").read_bytes()
    head = tmp_path / "head.mp4"
    head.write_bytes(full[:1500])
    _expect(head, "corrupt", "no decodable")


def test_absurd_size_rejected(tmp_path):
    path = tmp_path / "wide.mp4"
    with VideoWriter(path, 30) as w:
        w.write(np.zeros((64, MAX_SIDE_PX + 200, 3), np.uint8))
    _expect(path, "bad_size", "pixels per side")


def test_absurd_duration_rejected(tmp_path):
    path = tmp_path / "long.mp4"
    with VideoWriter(path, 2) as w:  # 2 fps for just over the limit
        for _ in range(int(MAX_DURATION_S * 2) + 10):
            w.write(np.zeros((64, 64, 3), np.uint8))
    _expect(path, "too_long", "the limit is")


def test_bad_capture_fps(tmp_path):
    _expect(_h264(tmp_path / "ok.mp4", n=5), "bad_option", "capture fps", capture_fps=0.1)


@pytest.mark.parametrize("maker,fragment", [
    (lambda d: d / "missing.mp4", "does not exist"),
    (lambda d: (d / "t.mp4").write_text("x" * 4000) and d / "t.mp4", "not a video file"),
    (lambda d: (d / "e.mp4").write_bytes(b"") or d / "e.mp4", "empty"),
])
def test_cli_reports_one_line_and_exit_code(tmp_path, maker, fragment):
    path = maker(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "formcheck", "analyze", str(path)], capture_output=True, text=True)
    assert proc.returncode == 3
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("formcheck: error:") and fragment in lines[0]
    assert "Traceback" not in proc.stderr
