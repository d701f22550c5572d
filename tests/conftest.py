"""Shared fixtures: an isolated data dir, the provisioned model, synthetic clips, real clips."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_VIDEOS = (ROOT / ".." / "shared" / "videos").resolve()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(env: dict, *args: str, host: str = "127.0.0.1", prefix: tuple = (), start_s: float = 90):
    """Run ``streamlit run app.py`` (``args`` after the port; ``prefix`` e.g. strace) and yield its URL.

    Waits for ``/_stcore/health``; fails the test with the server's output when it does not come up;
    stops the server afterwards.
    """
    port = free_port()
    cmd = [*prefix, sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port), *args]
    # its own process group: with a prefix (strace) the server is a grandchild, which
    # terminating strace alone would leave running after the test
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://{host}:{port}"

    def signal_all(sig):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass

    try:
        deadline = time.time() + start_s
        while time.time() < deadline:
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                break
            except Exception:
                time.sleep(0.5)
        else:
            signal_all(signal.SIGKILL)
            pytest.fail("streamlit did not start: " + proc.stdout.read().decode(errors="replace")[-2000:])
        yield url
    finally:
        signal_all(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            pass
        signal_all(signal.SIGKILL)  # whatever of the group is left
        proc.wait()


@pytest.fixture(autouse=True, scope="session")
def _isolated_home(tmp_path_factory):
    """Keep caches and databases of the test run out of the user's data dir."""
    home = tmp_path_factory.mktemp("formcheck-home")
    old = os.environ.get("FORMCHECK_HOME")
    os.environ["FORMCHECK_HOME"] = str(home)
    yield home
    if old is None:
        os.environ.pop("FORMCHECK_HOME", None)
    else:
        os.environ["FORMCHECK_HOME"] = old


@contextlib.contextmanager
def own_data_home(path: Path, run_home: Path):
    """Point ``FORMCHECK_HOME`` at ``path`` (a module's own database), with the run's pose cache
    copied in so that clips analysed before need no new pose pass; restored afterwards."""
    import shutil

    if (run_home / "cache" / "pose").exists():
        shutil.copytree(run_home / "cache" / "pose", path / "cache" / "pose")
    old = os.environ["FORMCHECK_HOME"]
    os.environ["FORMCHECK_HOME"] = str(path)
    try:
        yield path
    finally:
        os.environ["FORMCHECK_HOME"] = old


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The provisioned, checksum-verified pose model (built by `make test` before pytest)."""
    from formcheck.io.provision import verified_model_path

    return verified_model_path()


def shared_video(name: str) -> Path:
    path = SHARED_VIDEOS / name
    if not path.exists():
        pytest.skip(f"real clip {name} not available: ../shared/videos is absent on this machine")
    return path


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("synth")


@pytest.fixture(scope="session")
def synth_clip(synth_dir) -> Path:
    """A 4 s, 60 fps, 960×540 treadmill runner facing right (truth beside it)."""
    from formcheck.synth import Gait, Scene, generate

    path = synth_dir / "runner_right.mp4"
    generate(path, Gait(), Scene(facing="right", fps=60, width=960, height=540, duration_s=4.0, seed=3))
    return path


def _oracle_truth(synth_dir, name: str) -> dict:
    from formcheck.synth import generate
    from tests.golden import oracle_cases

    gait, scene = oracle_cases()[name]
    return generate(synth_dir / f"{name}.mp4", gait, scene)


@pytest.fixture(scope="session")
def oracle_truth_right(synth_dir) -> dict:
    """Truth of a 6 s, 60 fps treadmill runner facing right (small render; used without MediaPipe)."""
    return _oracle_truth(synth_dir, "oracle_right")


@pytest.fixture(scope="session")
def oracle_truth_left_backward(synth_dir) -> dict:
    """Truth of a 6 s, 60 fps backward runner facing left on a treadmill."""
    return _oracle_truth(synth_dir, "oracle_back_left")


@pytest.fixture(scope="session")
def oracle_truth_overground(synth_dir) -> dict:
    """Truth of a runner crossing a wide frame facing left, 120 fps."""
    return _oracle_truth(synth_dir, "oracle_og_left")
