"""Failures of the command line end in one sentence with the documented exit code, and leave no partial file.

The probes of issue 20: ``--json`` to a folder, to ``/dev/full``, to a read-only place or into a
folder that does not exist (checked before the analysis starts); a bad ``--date``; a full disk
during ``sessions add``, ``analyze --json`` and the exports; tabs, line breaks and escape
sequences in the tab-separated lists. Full and read-only disks are real: small tmpfs mounts
(the tests that need them are skipped, with the reason, where ``mount`` is not permitted).
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from formcheck import cli
from formcheck.errors import write_error
from formcheck.store import Patient, Recording, Store
from tests.golden import full_result
from tests.conftest import ROOT

SAMPLE = ROOT / "sample_videos" / "synthetic_treadmill_right.mp4"
RESULT = full_result(**{"formcheck_version": "0.1.0", "pose.model_sha256": "c9152d", "video.capture_fps": None,
                          "metrics.cadence_spm.value": 172.0})
FAST_S = 15  # an output check that fails before the analysis is done long before this


# ------------------------------------------------------------------ helpers
def fc(home: Path, *args, timeout=600) -> subprocess.CompletedProcess:
    """``python -m formcheck ARGS`` with ``home`` as the data folder."""
    env = {**os.environ, "FORMCHECK_HOME": str(home), "PYTHONPATH": str(ROOT / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("FORMCHECK_DATABASE_URL", None)
    env.pop("FORMCHECK_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "formcheck", *args], capture_output=True, text=True, env=env,
                          timeout=timeout)


def failed(r: subprocess.CompletedProcess, code: int, *fragments: str, only_line: bool = True) -> str:
    """Assert exit ``code`` and one ``formcheck: error:`` sentence (the last line) holding ``fragments``."""
    assert r.returncode == code, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr and "Exception" not in r.stderr, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("formcheck: error:")]
    assert len(errors) == 1 and lines[-1] == errors[0], r.stderr
    if only_line:
        assert lines == errors, f"more than the sentence on stderr: {r.stderr}"
    for f in fragments:
        assert f in errors[0], (f, errors[0])
    return errors[0]


def entries(folder: Path, *keep: str) -> list[str]:
    """Every name in ``folder`` (hidden temporary files included), minus ``keep``."""
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


def fill(folder: Path, leave_bytes: int = 0) -> None:
    """Fill ``folder``'s disk until only about ``leave_bytes`` are free."""
    vfs = os.statvfs(folder)
    size = max(vfs.f_bavail * vfs.f_frsize - leave_bytes, 0)
    try:
        with open(folder / "filler", "wb") as fh:
            fh.write(b"\0" * size)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC


@pytest.fixture
def tmpfs(tmp_path):
    """``mount(name, size, ro=False)``: a real tmpfs of that size under tmp_path (unmounted afterwards)."""
    mounted: list[Path] = []

    def mount(name: str, size: str = "64k", ro: bool = False) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        if shutil.which("mount") is None:
            pytest.skip("no mount command: a full or read-only disk cannot be made here")
        opts = f"size={size}" + (",ro" if ro else "")
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(folder)], capture_output=True, text=True)
        if r.returncode:
            pytest.skip(f"mounting a tmpfs is not permitted here ({r.stderr.strip()}); needs root or CAP_SYS_ADMIN")
        mounted.append(folder)
        return folder

    yield mount
    for folder in reversed(mounted):
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def remount_ro(folder: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True, capture_output=True)


@pytest.fixture(scope="module")
def pose_cache(tmp_path_factory, _isolated_home, model_path) -> Path:
    """A ``cache/pose`` folder holding the sample's pose series (one real analysis at most per run)."""
    prefix = hashlib.sha256(SAMPLE.read_bytes()).hexdigest()[:16]
    shared = _isolated_home / "cache" / "pose"
    if not (shared.is_dir() and any(f.name.startswith(prefix) for f in shared.iterdir())):
        r = fc(_isolated_home, "analyze", str(SAMPLE))
        assert r.returncode == 0, r.stderr
    out = tmp_path_factory.mktemp("pose-cache") / "pose"
    out.mkdir()
    for f in shared.iterdir():
        if f.name.startswith(prefix):
            shutil.copy(f, out / f.name)
    return out


def with_cache(home: Path, pose_cache: Path) -> Path:
    (home / "cache").mkdir(parents=True, exist_ok=True)
    shutil.copytree(pose_cache, home / "cache" / "pose", dirs_exist_ok=True)
    return home


def one_session(home: Path, *, tags=(), video_name=None, result=RESULT) -> tuple[int, int]:
    """A patient with one stored session (no analysis: the stored result is given)."""
    st = Store(home=home)
    try:
        p = st.add_patient("P-01")
        r = st.save_session(p.id, SAMPLE, result, recorded_on=dt.date(2026, 11, 1), tags=list(tags),
                            video_name=video_name)
        return p.id, r.id
    finally:
        st.close()


# ------------------------------------------------------------------ analyze: outputs checked first
def test_json_into_a_folder_is_refused_before_the_analysis(tmp_path):
    t0 = time.monotonic()
    r = fc(tmp_path / "home", "analyze", str(SAMPLE), "--json", str(tmp_path))
    failed(r, 7, f"--json {tmp_path} is a folder", "give the name of a file")
    assert time.monotonic() - t0 < FAST_S and not (tmp_path / "home" / "cache").exists()


def test_checking_the_data_folder_creates_nothing(tmp_path):
    home = tmp_path / "new" / "home"
    failed(fc(home, "analyze", str(tmp_path / "missing.mp4")), 3, "does not exist")
    assert entries(tmp_path) == [], "no data folder and no probe file left behind"


def test_json_into_a_missing_folder_is_refused_before_the_analysis(tmp_path):
    out = tmp_path / "no" / "such" / "a.json"
    failed(fc(tmp_path / "home", "analyze", str(SAMPLE), "--json", str(out)), 7,
           f"the folder {out.parent} for --json {out} does not exist", "create it")
    assert not (tmp_path / "no").exists(), "no folder is created for a mistyped path"


def test_json_below_a_file_is_refused(tmp_path):
    (tmp_path / "f").write_text("x")
    failed(fc(tmp_path / "home", "analyze", str(SAMPLE), "--json", str(tmp_path / "f" / "a.json")), 7,
           "is a file, not a folder")


def test_out_folder_that_is_a_file_is_refused_before_the_analysis(tmp_path):
    (tmp_path / "o").write_text("x")
    failed(fc(tmp_path / "home", "analyze", str(SAMPLE), "--out", str(tmp_path / "o")), 7,
           f"--out {tmp_path / 'o'} is a file, not a folder")
    assert (tmp_path / "o").read_text() == "x"


def test_json_on_a_read_only_disk_is_refused_before_the_analysis(tmp_path, tmpfs):
    ro = tmpfs("ro", ro=True)
    t0 = time.monotonic()
    failed(fc(tmp_path / "home", "analyze", str(SAMPLE), "--json", str(ro / "a.json")), 7,
           f"{ro / 'a.json'} is on a read-only disk", "choose a place that can be written to")
    assert time.monotonic() - t0 < FAST_S


def test_json_on_a_full_disk_is_refused_before_the_analysis(tmp_path, tmpfs):
    disk = tmpfs("full")
    fill(disk)
    failed(fc(tmp_path / "home", "analyze", str(SAMPLE), "--json", str(disk / "a.json")), 7,
           f"the disk holding {disk / 'a.json'} is full", "free some space")
    assert entries(disk) == ["filler"]


def test_the_sentence_is_german_when_lang_de_is_given(tmp_path):
    r = fc(tmp_path / "home", "analyze", str(SAMPLE), "--json", str(tmp_path), "--lang", "de")
    failed(r, 7, f"{tmp_path}: Das ist ein Ordner, keine Datei.")
    r = fc(tmp_path / "home", "analyze", str(SAMPLE), "--json", str(tmp_path), "--lang", "en")
    failed(r, 7, "is a folder; give the name of a file")


# ------------------------------------------------------------------ analyze: failures while writing
def test_json_to_dev_full_is_one_sentence_and_dev_full_stays(tmp_path, pose_cache):
    if not stat.S_ISCHR(os.stat("/dev/full").st_mode):
        pytest.skip("/dev/full is not the full device on this machine")
    r = fc(with_cache(tmp_path / "home", pose_cache), "analyze", str(SAMPLE), "--json", "/dev/full")
    failed(r, 7, "the disk holding /dev/full is full (No space left on device) and nothing was written",
           only_line=False)
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode), "the device was written to, never replaced"


def test_disk_filling_up_while_writing_the_json_leaves_no_partial_file(tmp_path, tmpfs, pose_cache):
    disk = tmpfs("nearly-full")
    fill(disk, leave_bytes=8 * 1024)  # the check before the analysis passes; the 25 kB JSON does not fit
    r = fc(with_cache(tmp_path / "home", pose_cache), "analyze", str(SAMPLE), "--json", str(disk / "a.json"),
           "--out", str(disk / "pose"))
    failed(r, 7, "is full (No space left on device) and nothing was written", only_line=False)
    assert entries(disk) == ["filler"], "no JSON, no pose.npz/pose.csv, no temporary file"


# ------------------------------------------------------------------ sessions add
@pytest.mark.parametrize("bad", ["2026-13-45", "2026-02-30", "01.11.2026", "20261101", "yesterday"])
def test_a_bad_date_is_refused_before_anything_happens(tmp_path, bad):
    home = tmp_path / "home"
    failed(fc(home, "sessions", "add", "1", str(SAMPLE), "--date", bad), 2,
           f"--date {bad} is not a date", "YYYY-MM-DD")
    assert not home.exists(), "not even the database is opened"


def test_a_bad_date_in_german(tmp_path):
    failed(fc(tmp_path / "home", "sessions", "add", "1", str(SAMPLE), "--date", "2026-13-45", "--lang", "de"), 2,
           "--date 2026-13-45: Das ist kein gültiges Datum", "JJJJ-MM-TT")


def test_an_unknown_patient_is_refused_before_the_analysis(tmp_path):
    t0 = time.monotonic()
    failed(fc(tmp_path / "home", "sessions", "add", "7", str(SAMPLE)), 6, "there is no patient with id 7")
    assert time.monotonic() - t0 < FAST_S


def test_sessions_add_on_a_full_data_folder_is_refused_before_the_analysis(tmpfs):
    home = tmpfs("home", size="1200k")
    pid = fc(home, "patients", "add", "P-01").stdout.strip()
    fill(home)
    r = fc(home, "sessions", "add", pid, str(SAMPLE))
    failed(r, 7, f"the data folder {home} is full", "free some space")
    assert not [f for f in home.rglob("*") if f.is_file() and f.name != "filler" and "formcheck.db" not in f.name]


def test_disk_filling_up_while_storing_the_video_saves_nothing(tmpfs, pose_cache):
    home = with_cache(tmpfs("home", size="1200k"), pose_cache)
    pid = fc(home, "patients", "add", "P-01").stdout.strip()
    fill(home, leave_bytes=150 * 1024)  # the analysis (from the cache) runs; the 290 kB clip does not fit
    r = fc(home, "sessions", "add", pid, str(SAMPLE), "--date", "2026-11-01")
    failed(r, 7, f"the disk holding the data folder {home} is full", "the session was not saved",
           only_line=False)
    (home / "filler").unlink()
    assert fc(home, "sessions", "list", pid).stdout == ""
    assert entries(home / "videos") == [], "no video and no .incoming-*.part left"


def test_a_read_only_data_folder_says_so_not_restore_from_a_backup(tmpfs):
    home = tmpfs("home", size="1200k")
    assert fc(home, "patients", "add", "P-01").returncode == 0
    remount_ro(home)
    msg = failed(fc(home, "patients", "add", "P-02"), 7, f"the data folder {home} is on a read-only disk")
    assert "backup" not in msg


# ------------------------------------------------------------------ exports
def test_exports_into_a_folder_or_a_missing_folder_are_refused(tmp_path):
    home = tmp_path / "home"
    pid, sid = one_session(home)
    failed(fc(home, "patients", "export", str(pid), str(tmp_path)), 7, "is a folder", "patient.zip")
    failed(fc(home, "sessions", "export", str(sid), str(tmp_path)), 7, "is a folder", "session.json")
    for cmd, key in (("patients", pid), ("sessions", sid)):
        failed(fc(home, cmd, "export", str(key), str(tmp_path / "nope" / "x")), 7, "does not exist")
    assert not (tmp_path / "nope").exists()


def test_a_patient_export_never_replaces_a_device_or_pipe(tmp_path):
    home = tmp_path / "home"
    pid, _ = one_session(home)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    failed(fc(home, "patients", "export", str(pid), str(fifo)), 7, "is not a regular file (a device or a pipe)")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and entries(tmp_path, "home") == ["fifo"]


def test_session_export_to_dev_full_is_one_sentence(tmp_path):
    if not stat.S_ISCHR(os.stat("/dev/full").st_mode):
        pytest.skip("/dev/full is not the full device on this machine")
    home = tmp_path / "home"
    _, sid = one_session(home)
    failed(fc(home, "sessions", "export", str(sid), "/dev/full"), 7, "the disk holding /dev/full is full")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_exports_on_a_filling_disk_leave_no_partial_file(tmp_path, tmpfs):
    home = tmp_path / "home"
    pid, sid = one_session(home, result={**RESULT, "padding": "x" * 100_000})
    disk = tmpfs("out", size="64k")
    fill(disk, leave_bytes=16 * 1024)
    failed(fc(home, "sessions", "export", str(sid), str(disk / "s.json")), 7,
           f"the disk holding {disk / 's.json'} is full", "nothing was written")
    failed(fc(home, "patients", "export", str(pid), str(disk / "p.zip")), 7,
           f"the disk holding {disk / 'p.zip'} is full", "nothing was written")
    assert entries(disk) == ["filler"]


def test_synth_on_a_filling_disk_leaves_no_partial_file(tmp_path, tmpfs):
    disk = tmpfs("out", size="64k")
    r = fc(tmp_path / "home", "synth", str(disk / "s.mp4"), "--duration-s", "3", "--width", "160", "--height", "120")
    failed(r, 7, f"the disk holding {disk / 's.mp4'} is full", only_line=False)
    assert entries(disk) == [], "no video, no truth file, no staging folder"
    failed(fc(tmp_path / "home", "synth", str(tmp_path)), 7, "is a folder")


# ------------------------------------------------------------------ lists
def test_lists_keep_one_row_per_entry_and_escape_control_characters(tmp_path):
    home = tmp_path / "home"
    name = "clip\n\x1b]0;owned\x07\u202e.mp4"
    pid, sid = one_session(home, tags=["a\tb", "c\nd", "\x1b[2J", "back\\slash"], video_name=name)
    st = Store(home=home)
    with st._sessions.begin() as s:  # as an older import could have stored it
        s.add(Patient(pseudonym="Old\nImport\t\x1b[31m"))
    st.close()
    out = fc(home, "sessions", "list", str(pid)).stdout
    assert out.count("\n") == 1 and "\x1b" not in out and "\u202e" not in out
    row = out.rstrip("\n").split("\t")
    assert row[:5] == [str(sid), "2026-11-01", "sagittal", r"clip\n\x1b]0;owned\x07\u202e.mp4",
                       r"a\tb,c\nd,\x1b[2J,back\\slash"]
    assert row[5:] == ["cadence 172.0", "formcheck 0.1.0"]
    listing = fc(home, "patients", "list").stdout
    assert listing.count("\n") == 2 and "\x1b" not in listing
    assert r"Old\nImport\t\x1b[31m" in listing


def test_a_session_whose_analysis_is_not_an_object_is_listed(tmp_path):
    home = tmp_path / "home"
    pid, sid = one_session(home)
    st = Store(home=home)
    with st._sessions.begin() as s:  # as an older import could have stored it
        s.get(Recording, sid).analysis = ["not", "an", "object"]
    st.close()
    r = fc(home, "sessions", "list", str(pid))
    assert r.returncode == 0 and "\tcadence None\t" in r.stdout, r.stderr


def test_a_closed_pipe_ends_quietly(tmp_path):
    home = tmp_path / "home"
    one_session(home)
    env = {**os.environ, "FORMCHECK_HOME": str(home), "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "formcheck", "patients", "list"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # long before the program prints
    err = proc.stderr.read().decode()
    assert proc.wait(60) == 141 and err == ""


# ------------------------------------------------------------------ the sentences themselves
def test_printable_escapes_only_what_a_terminal_would_act_on():
    assert cli.printable("Müller 🏃 a-b") == "Müller 🏃 a-b"
    assert cli.printable("a\nb\tc\r\x1b[31m\x7f\x9b\u2028\u202e") == r"a\nb\tc\r\x1b[31m\x7f\x9b\u2028\u202e"
    assert cli.printable("C:\\x") == "C:\\x" and cli.printable("a\\nb", cell=True) == r"a\\nb"
    assert cli.printable(None) == ""


@pytest.mark.parametrize("err, fragment", [
    (errno.ENOSPC, "the disk holding out.json is full"), (errno.EROFS, "out.json is on a read-only disk"),
    (errno.EACCES, "formcheck has no permission to use out.json"), (errno.EPERM, "no permission"),
    (errno.ENOENT, "does not exist"), (errno.EIO, "writing out.json failed"),
])
def test_each_os_error_is_one_sentence_that_says_what_to_do(err, fragment):
    exc = write_error(OSError(err, os.strerror(err)), "out.json")
    text = str(exc)
    assert exc.exit_code == 7 and fragment in text and "and nothing was written; " in text
    assert text.endswith("try again") and "\n" not in text


def test_an_unexpected_error_is_one_sentence_too(monkeypatch, capsys):
    def boom(args):
        raise RuntimeError("something\nbroke")

    monkeypatch.setattr(cli, "cmd_patients", boom)
    monkeypatch.delenv("FORMCHECK_DEBUG", raising=False)
    assert cli.main(["patients", "list"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unexpected RuntimeError (something)" in err and "FORMCHECK_DEBUG=1" in err
