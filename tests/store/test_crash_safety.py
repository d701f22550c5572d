"""Crash-safety of the patient store: killed saves, a save racing an erasure, an erasure under a reader.

Each test reproduces a probe of the patient-data-safety issue and checks the
safe outcome: no other patient's video lost, no temporary file left behind once
formcheck opens again, and an erasure that is only reported done when it is.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from formcheck import tempfiles
from formcheck.store import Store, StoreError
from tests.golden import full_result

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_videos" / "synthetic_treadmill_right.mp4"
RESULT = full_result(compact=True, **{"video.capture_fps": 60.0, "pose.model_sha256": "0" * 64})


def _clip(folder: Path, i: int, size: int = 4096) -> Path:
    """A distinct small file with a video suffix (the store copies bytes; it does not decode them)."""
    path = folder / f"clip{i}.mp4"
    path.write_bytes(struct.pack("<I", i) + os.urandom(size))
    return path


def _leftovers(home: Path) -> list[str]:
    tmp = home / "tmp"
    found = [f.name for f in tmp.iterdir()] if tmp.is_dir() else []
    return found + [f.name for f in (home / "videos").iterdir() if f.name.startswith(".")]


def _staging(tmp: Path) -> bool:
    """Whether a non-empty temporary file is in ``tmp`` (files may vanish while looking)."""
    try:
        return any(f.stat().st_size > 0 for f in tmp.iterdir())
    except OSError:
        return False


# ------------------------------------------------------------------ temporary files
def test_a_sweep_removes_files_of_writers_that_are_gone_and_keeps_those_of_live_ones(tmp_path):
    live = tempfiles.TempFile(".part", tmp_path)
    live.path.write_bytes(b"still being written")
    # a writer killed with -9: its file stays, unlocked
    code = ("import os,sys; from formcheck import tempfiles; t = tempfiles.TempFile('.part', sys.argv[1]); "
            "t.path.write_bytes(b'x' * 1000); print(t.path, flush=True); os.kill(os.getpid(), 9)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True)
    dead = Path(out.stdout.strip())
    assert out.returncode == -signal.SIGKILL and dead.is_file()
    legacy = tmp_path / "videos" / ".incoming-abc.part"
    legacy.parent.mkdir()
    legacy.write_bytes(b"from an older formcheck")
    removed = tempfiles.sweep(tmp_path)
    assert set(removed) == {dead, legacy}
    assert live.path.read_bytes() == b"still being written"
    live.close()
    assert not live.path.exists()


def test_a_committed_temporary_file_is_in_place_and_nothing_is_left(tmp_path):
    dest = tmp_path / "cache" / "x.bin"
    dest.parent.mkdir(parents=True)
    with tempfiles.TempFile(".bin", tmp_path) as t:
        t.path.write_bytes(b"done")
        t.commit(dest)
    assert dest.read_bytes() == b"done"
    assert _leftovers(tmp_path) == [] if (tmp_path / "videos").is_dir() else True
    assert list((tmp_path / "tmp").iterdir()) == []


def _padded_clip(folder: Path, pad_bytes: int) -> Path:
    """The bundled sample with an MP4 ``free`` box appended: the same video, a larger file to copy."""
    path = folder / "padded.mp4"
    with open(path, "wb") as fh:
        fh.write(SAMPLE.read_bytes())
        fh.write(struct.pack(">I", pad_bytes + 8) + b"free")
        fh.truncate(fh.tell() + pad_bytes)
    return path


def test_kill_9_of_a_real_sessions_add_leaves_nothing_once_formcheck_opens_again(tmp_path):
    """The probe: kill -9 during ``sessions add`` left ``videos/.incoming-*.part`` files for ever."""
    home = tmp_path / "home"
    env = {**os.environ, "FORMCHECK_HOME": str(home), "PYTHONPATH": str(ROOT / "src")}
    clip = _padded_clip(tmp_path, 200 * 1024**2)
    st = Store(home=home)
    pid = st.add_patient("K.9").id
    st.close()
    cmd = [sys.executable, "-m", "formcheck", "sessions", "add", str(pid), str(clip), "--lang", "en"]
    warm = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)  # fills the pose cache
    assert warm.returncode == 0, warm.stderr
    st = Store(home=home)
    st.delete_session(st.sessions(pid)[0].id)
    st.close()
    rng = random.Random(7)
    outcomes, caught = [], 0
    for attempt in range(4):
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if attempt < 2:  # killed while the clip is being copied in
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and proc.poll() is None:
                tmp = home / "tmp"
                if _staging(tmp):
                    caught += 1
                    break
                time.sleep(0.001)
        else:  # killed at a random moment
            time.sleep(rng.uniform(0.5, 4.0))
        proc.kill()
        proc.communicate()
        outcomes.append(proc.returncode)
        st = Store(home=home)  # start-up sweeps what the killed process left
        assert _leftovers(home) == []
        for rec in st.sessions(pid):  # a session that was saved has its video
            assert st.video_path(rec.video_sha256, rec.video_ext).is_file()
        stored = {f.name for f in (home / "videos").iterdir()}
        used = {f"{r.video_sha256}{r.video_ext}" for r in st.sessions(pid)}
        assert stored == used  # no orphan copies
        for rec in st.sessions(pid):
            st.delete_session(rec.id)
        st.close()
    assert outcomes[:2] == [-signal.SIGKILL] * 2 and caught == 2


# ------------------------------------------------------------------ save racing an erasure
CYCLES = 60


def test_a_save_racing_the_erasure_of_another_patient_who_shares_the_clip_keeps_the_video(db_url, tmp_path):
    """The probe: in 720 of 4,482 cycles the saved session's video was gone."""
    home = tmp_path / "home"
    saver, eraser = Store(db_url, home=home), Store(db_url, home=home)
    keeper = saver.add_patient("A.A.").id
    for i in range(CYCLES):
        clip = _clip(tmp_path, i)
        other = eraser.add_patient(f"B{i}").id
        eraser.save_session(other, clip, RESULT)
        go = threading.Barrier(2)
        errors = []

        def save():
            go.wait()
            try:
                time.sleep(random.uniform(0, 0.004))
                saver.save_session(keeper, clip, RESULT)
            except StoreError as exc:  # a clear refusal is safe; a session without its video is not
                errors.append(exc.code)

        def erase():
            go.wait()
            time.sleep(random.uniform(0, 0.004))
            eraser.delete_patient(other)

        threads = [threading.Thread(target=save), threading.Thread(target=erase)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
    lost = [r.id for r in saver.sessions(keeper) if not saver.video_path(r.video_sha256, r.video_ext).is_file()]
    assert lost == []
    assert len(saver.sessions(keeper)) == CYCLES
    assert _leftovers(home) == []
    saver.close()
    eraser.close()


# ------------------------------------------------------------------ erasure under a reader
def test_an_erasure_under_a_reader_says_it_is_pending_and_finishes_when_formcheck_opens_again(tmp_path, monkeypatch):
    """The probe: erasing while another process held a read transaction reported success,
    yet the pseudonym stayed in formcheck.db."""
    import formcheck.store.sessions as store_mod

    monkeypatch.setattr(store_mod, "ERASE_WAIT_S", 0.5)
    home = tmp_path / "home"
    st = Store(home=home)
    pid = st.add_patient("Zebrafink-Erika").id
    st.save_session(pid, _clip(tmp_path, 1), RESULT)
    db = home / "formcheck.db"
    reader = sqlite3.connect(db)
    reader.execute("BEGIN")
    reader.execute("SELECT * FROM patient").fetchall()  # holds a snapshot from before the erasure
    with pytest.raises(StoreError) as err:
        st.delete_patient(pid)
    assert err.value.code == "erase_pending"
    assert "still has the database" in str(err.value)
    assert st.patients() == []  # erased for every reader that starts now
    reader.rollback()
    reader.close()
    st.close()
    Store(home=home).close()  # the next start-up finishes the checkpoint
    raw = db.read_bytes() + (db.with_name("formcheck.db-wal").read_bytes()
                             if db.with_name("formcheck.db-wal").exists() else b"")
    assert b"Zebrafink-Erika" not in raw


def test_an_erasure_without_readers_leaves_no_trace_in_the_file(tmp_path):
    home = tmp_path / "home"
    st = Store(home=home)
    pid = st.add_patient("Kormoran-Heinz").id
    st.save_session(pid, _clip(tmp_path, 2), RESULT)
    st.delete_patient(pid)
    db = home / "formcheck.db"
    wal = db.with_name("formcheck.db-wal")
    assert b"Kormoran-Heinz" not in db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert list((home / "videos").iterdir()) == []
    st.close()
