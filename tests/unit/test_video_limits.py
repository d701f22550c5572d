"""The decoder limits hold per frame, whatever the container claims (and for files that are no files)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import formcheck
from formcheck.io import video
from formcheck.errors import VideoError
from formcheck.i18n import ERRORS
from formcheck.io.video import iter_frames, probe
from tests.hostile import raw_h264, size_switch_h264, size_switch_mjpeg_avi

SRC = str(Path(formcheck.__file__).resolve().parents[1])


def _env() -> dict:
    """The environment for a child Python that imports these sources."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")])}


def _decode(path) -> tuple[list, VideoError]:
    """Shapes of the frames :func:`iter_frames` yielded before it raised, and what it raised."""
    shapes = []
    with pytest.raises(VideoError) as exc:
        for frame in iter_frames(probe(path)):
            shapes.append(frame.image.shape)
    assert "\n" not in str(exc.value)
    return shapes, exc.value


@pytest.fixture(scope="module")
def huge_switch(tmp_path_factory) -> Path:
    """The probe's finding: a 320×240 raw H.264 stream that switches to 8000×8000 after 1 s."""
    return size_switch_h264(tmp_path_factory.mktemp("hostile") / "clip.h264", (8000, 8000), n_big=1)


# ------------------------------------------------------------ picture size
@pytest.mark.parametrize("make", [size_switch_h264, size_switch_mjpeg_avi], ids=["h264-annexb", "mjpeg-avi"])
def test_frame_over_the_side_limit_is_refused_before_it_becomes_an_array(tmp_path, make):
    path = make(tmp_path / ("clip.h264" if make is size_switch_h264 else "clip.avi"), (4352, 240))
    info = probe(path)
    assert (info.width, info.height) == (320, 240)  # the first frame passes
    shapes, err = _decode(path)
    assert err.code == "frame_size"
    assert "changes its picture size to 4352×240 pixels at 1.0 s" in str(err)
    assert "64 to 4096 pixels per side" in str(err)
    assert shapes == [(240, 320, 3)] * 30  # every small frame, and no array of the big one


def test_size_change_within_the_limits_is_refused_too(tmp_path):
    shapes, err = _decode(size_switch_h264(tmp_path / "clip.h264", (640, 480)))
    assert err.code == "size_changed"
    assert "changes its picture size mid-clip, from 320×240 to 640×480 pixels at 1.0 s" in str(err)
    assert "one picture size for the whole clip" in str(err)
    assert len(shapes) == 30


def test_picture_the_decoder_refuses_is_reported_as_a_size_change(tmp_path, monkeypatch):
    # MJPEG's decoder drops a refused size to 0×0; the error still says what happened
    monkeypatch.setattr(video, "MAX_SIDE_PX", 640)  # the decoder's own bound becomes 704² pixels
    shapes, err = _decode(size_switch_mjpeg_avi(tmp_path / "clip.avi", (1000, 1000)))
    assert err.code == "frame_size"
    assert "changes its picture size after 1.0 s to one the decoder refuses" in str(err)
    assert len(shapes) == 30


def test_8000_px_frame_never_gets_a_buffer(huge_switch):
    """Peak memory grows by less than one decoded 8000×8000 picture (96 MB), let alone its RGB array (192 MB).

    Measured in a child process by its own peak resident size (``VmHWM``:
    ``ru_maxrss`` would carry the parent's over ``exec``).
    """
    if not Path("/proc/self/status").exists():
        pytest.skip("needs /proc/self/status (Linux) to read the peak memory")
    child = ("import sys\n"
             "from formcheck.errors import VideoError\n"
             "from formcheck.io.video import iter_frames, probe\n"
             "def peak_mb():\n"
             "    status = open('/proc/self/status').read()\n"
             "    return int(status.split('VmHWM:')[1].split()[0]) / 1024\n"
             "info = probe(sys.argv[1])\n"
             "base = peak_mb()\n"
             "try:\n"
             "    n = sum(1 for _ in iter_frames(info))\n"
             "except VideoError as exc:\n"
             "    print(exc.code, round(peak_mb() - base), exc, sep='|')\n")
    proc = subprocess.run([sys.executable, "-c", child, str(huge_switch)], capture_output=True, text=True,
                          env=_env(), timeout=120)
    code, grew_mb, message = proc.stdout.strip().split("|")
    assert code == "frame_size"
    assert "clip.h264 changes its picture size to 8000×8000 pixels" in message
    assert int(grew_mb) < 96, f"peak memory grew by {grew_mb} MB"


def test_cli_refuses_the_size_switch_with_one_line_and_exit_code_3(huge_switch, tmp_path, model_path):
    out = tmp_path / "out.json"
    proc = subprocess.run([sys.executable, "-m", "formcheck", "analyze", str(huge_switch), "--json", str(out)],
                          capture_output=True, text=True, env=_env(), timeout=300)
    assert proc.returncode == 3
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("formcheck: error:"), proc.stderr
    assert "8000×8000 pixels" in lines[0]
    assert "Traceback" not in proc.stderr
    assert not out.exists()


# ------------------------------------------------------ duration and frame count
def test_raw_stream_probe_claims_no_duration_but_times_its_frames(tmp_path):
    info = probe(raw_h264(tmp_path / "clip.h264", 2.0))
    assert (info.duration_hint_s, info.n_frames_hint) == (0.0, 0)  # a raw stream does not say
    assert info.nominal_fps == pytest.approx(30.0)  # from the frames, not the demuxer's default 25
    t = [f.t_s for f in iter_frames(info)]
    assert len(t) == 60
    assert t == pytest.approx([k / 30 for k in range(60)], abs=1e-6)  # stream time counts on


def test_raw_stream_past_the_duration_limit_is_stopped_at_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(video, "MAX_DURATION_S", 2.0)  # instead of encoding 11 minutes
    path = raw_h264(tmp_path / "long.h264", 3.0)
    info = probe(path)  # nothing to refuse before decoding: the duration is unknown
    assert info.duration_hint_s == 0.0
    shapes, err = _decode(path)
    assert err.code == "too_long"
    assert "long.h264 lasts longer than 2 s; the limit is 2 s" in str(err)
    assert len(shapes) == 61  # frames at 0 … 2.0 s, not one past the limit


def test_frame_count_limit_stops_streams_whose_time_does_not_add_up(tmp_path, monkeypatch):
    monkeypatch.setattr(video, "MAX_FRAMES", 40)
    shapes, err = _decode(raw_h264(tmp_path / "clip.h264", 2.0))
    assert err.code == "too_many_frames"
    assert "clip.h264 has more than 40 frames" in str(err)
    assert len(shapes) == 40


def test_max_frames_is_the_duration_limit_at_the_highest_frame_rate():
    assert video.MAX_FRAMES == int(video.MAX_DURATION_S * video.MAX_FPS) == 600_000


# ------------------------------------------------------------- not a file
def _probe_error(path) -> VideoError:
    """What :func:`probe` raises for ``path``, failing (not hanging) if it blocks on a pipe."""
    box: dict = {}

    def run():
        try:
            probe(path)
        except VideoError as exc:
            box["exc"] = exc

    th = threading.Thread(target=run, daemon=True)
    th.start()
    th.join(timeout=20)
    assert not th.is_alive(), f"probe blocked on {path}"
    return box["exc"]


def _fifo(d: Path) -> Path:
    os.mkfifo(d / "clip.mp4")
    return d / "clip.mp4"


def _folder(d: Path) -> Path:
    (d / "clips.mp4").mkdir()
    return d / "clips.mp4"


def _socket(d: Path) -> Path:
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(d / "s.mp4"))
    except OSError as exc:  # e.g. a path too long for a socket
        pytest.skip(f"cannot make a socket here: {exc}")
    return d / "s.mp4"


@pytest.mark.parametrize("make,fragment", [
    (_fifo, "clip.mp4 is a named pipe, not a video file; save the video as a file and choose that"),
    (_folder, "clips.mp4 is a folder, not a video file"),
    (lambda d: Path("/dev/zero"), "/dev/zero is a device, not a video file"),
    (_socket, "s.mp4 is a socket, not a video file"),
], ids=["fifo", "folder", "device", "socket"])
def test_non_regular_files_are_named_for_what_they_are(tmp_path, make, fragment):
    path = make(tmp_path)
    if not path.exists():
        pytest.skip(f"{path} is not on this machine")
    err = _probe_error(path)
    assert err.code == "not_a_file"
    assert fragment in str(err)
    assert "empty" not in str(err) and "\n" not in str(err)


def test_cli_names_a_pipe_as_a_pipe(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "formcheck", "analyze", str(_fifo(tmp_path))],
                          capture_output=True, text=True, env=_env(), timeout=60)
    assert proc.returncode == 3
    assert proc.stderr.strip().splitlines() == [f"formcheck: error: {tmp_path / 'clip.mp4'} is a named pipe, "
                                                "not a video file; save the video as a file and choose that"]


# -------------------------------------------------------------- dashboard
@pytest.mark.parametrize("code", ["frame_size", "size_changed", "too_many_frames", "not_a_file", "too_long"])
def test_every_limit_code_has_plain_words_in_german_and_english(code):
    assert set(ERRORS[code]) == {"de", "en"} and all(ERRORS[code].values())
    assert " du " not in f" {ERRORS[code]['de'].lower()} "
