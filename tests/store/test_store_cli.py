"""`formcheck patients …` / `formcheck sessions …`, and an analysis killed mid-way."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT

SAMPLE = ROOT / "sample_videos" / "synthetic_treadmill_right.mp4"


def fc(home: Path, *args, check=True):
    env = {**os.environ, "FORMCHECK_HOME": str(home)}
    env.pop("FORMCHECK_DATABASE_URL", None)
    r = subprocess.run([sys.executable, "-m", "formcheck", *args], capture_output=True, text=True, env=env)
    if check:
        assert r.returncode == 0, r.stderr
    return r


def test_patients_and_sessions_from_the_command_line(tmp_path, model_path):
    home = tmp_path / "home"
    pid = fc(home, "patients", "add", "J.D.", "--birth-year", "1975").stdout.strip()
    sid = fc(home, "sessions", "add", pid, str(SAMPLE), "--tag", "vorher", "--date", "2026-11-01").stdout.strip()
    listing = fc(home, "sessions", "list", pid).stdout
    assert listing.startswith(f"{sid}\t2026-11-01\tsagittal\t{SAMPLE.name}\tvorher\tcadence 1")
    assert "J.D." in fc(home, "patients", "list").stdout
    fc(home, "patients", "export", pid, str(tmp_path / "jd.zip"))
    fc(home, "patients", "delete", pid)
    assert fc(home, "patients", "list").stdout == ""
    assert list((home / "videos").iterdir()) == []
    assert not [f for f in (home / "cache").rglob("*") if f.is_file() and "pose" in f.parts]
    new_id = fc(home, "patients", "import", str(tmp_path / "jd.zip")).stdout.strip()
    assert "vorher" in fc(home, "sessions", "list", new_id).stdout
    bad = fc(home, "patients", "delete", "999", check=False)
    assert bad.returncode == 6 and "no patient with id 999" in bad.stderr and "Traceback" not in bad.stderr


def test_killed_analysis_leaves_no_session_and_no_file(tmp_path, model_path):
    home = tmp_path / "home"
    pid = fc(home, "patients", "add", "K.M.").stdout.strip()
    env = {**os.environ, "FORMCHECK_HOME": str(home)}
    proc = subprocess.Popen([sys.executable, "-m", "formcheck", "sessions", "add", pid, str(SAMPLE)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(2.5)  # inside the pose model
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert fc(home, "sessions", "list", pid).stdout == ""
    assert [f for f in (home / "videos").rglob("*") if f.is_file()] == []
    assert not list(home.rglob("*.part"))
