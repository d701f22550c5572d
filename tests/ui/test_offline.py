"""Nothing leaves this computer: `formcheck analyze` and the dashboard under strace.

Every ``connect``/``sendto``/``sendmsg`` of the processes and their children is
recorded; any to an internet address (IPv4 or IPv6 other than loopback), and
any to port 53 (a DNS lookup, even to a local resolver), fails the test. Both
runs start with an empty data folder, so the pose model really runs (MediaPipe's
usage logging starts with each landmarker, see :mod:`formcheck.offline`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, streamlit_server

SAMPLE = ROOT / "sample_videos" / "synthetic_treadmill_right.mp4"
CHROMIUM = Path("/usr/bin/chromium")
TRACED = "connect,sendto,sendmsg,sendmmsg"
_INET = re.compile(r'(connect|sendto|sendmsg|sendmmsg)\(.*sa_family=AF_INET6?, sin6?_port=htons\((\d+)\)'
                   r'.*?(?:inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)")')
LOOPBACK = {"127.0.0.1", "::1"}


def _outbound(log: Path) -> list[str]:
    """The traced calls that reach beyond this computer or look up a name."""
    bad = []
    for line in log.read_text(errors="replace").splitlines():
        m = _INET.search(line)
        if not m:
            continue
        port, addr = int(m.group(2)), m.group(3) or m.group(4)
        if addr not in LOOPBACK or port == 53:
            bad.append(line.strip())
    return bad


def _strace() -> str:
    found = shutil.which("strace")
    if found is None:
        pytest.skip("strace is not installed (Debian package strace; `make test` installs it)")
    return found


def test_the_network_probe_sees_a_dns_lookup(tmp_path):
    """The probe itself works: Python's own lookup of a name is caught."""
    log = tmp_path / "probe.log"
    code = "import socket\ntry: socket.getaddrinfo('example.org', 443)\nexcept OSError: pass"
    subprocess.run([_strace(), "-f", "-qq", "-e", f"trace={TRACED}", "-o", str(log), sys.executable, "-c", code],
                   capture_output=True, timeout=120)
    resolv = Path("/etc/resolv.conf")
    if not resolv.exists() or "nameserver" not in resolv.read_text():
        pytest.skip("this machine has no DNS resolver configured, so no lookup can be seen")
    assert _outbound(log), log.read_text()[-2000:]


def test_analyze_makes_no_outbound_connection_or_dns_lookup(tmp_path, model_path):
    log, out = tmp_path / "analyze.log", tmp_path / "out.json"
    env = {**os.environ, "FORMCHECK_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run([_strace(), "-f", "-qq", "-e", f"trace={TRACED}", "-o", str(log),
                           sys.executable, "-m", "formcheck", "analyze", str(SAMPLE), "--json", str(out)],
                          env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    import json

    result = json.loads(out.read_text())
    assert result["pose"]["frames_with_pose"] > 0  # the model ran (in two processes by default)
    assert _outbound(log) == []


def test_the_dashboard_makes_no_outbound_connection_or_dns_lookup(tmp_path, model_path):
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (`make test` installs the Debian package)")
    from playwright.sync_api import sync_playwright

    log = tmp_path / "dashboard.log"
    env = {**os.environ, "FORMCHECK_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT / "src")}
    # started as `make run` starts it: the project's .streamlit/config.toml, no address given
    strace = (_strace(), "-f", "-qq", "-e", f"trace={TRACED}", "-o", str(log))
    with streamlit_server(env, "--", "--sample", f"sample_videos/{SAMPLE.name}", host="localhost",
                          prefix=strace) as url:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url, wait_until="networkidle")
            page.get_by_role("button", name="Beispiel analysieren").click()
            page.get_by_text("Schritte/min").first.wait_for(timeout=600_000)
            assert page.locator('[data-testid="stException"]').count() == 0
            browser.close()
        time.sleep(2)  # give a logging thread the time it would take to post
    assert _outbound(log) == []
