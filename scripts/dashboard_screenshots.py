"""Screenshots of the dashboard for the README: the analyse page, the patient mode and the compare page.

Run: ``PYTHONPATH=src python scripts/dashboard_screenshots.py`` (needs the pose model, Playwright and Chromium at
/usr/bin/chromium). It starts the dashboard on a free port with an empty data folder (or uses ``--url`` of one that
runs), analyses the bundled sample ("Beispiel analysieren") and writes, at a 1400×1000 viewport:

- ``docs/analyse_page.png``  therapist mode, scrolled to the results (cues, recording quality, metric cards)
- ``docs/patient_mode.png``  the same analysis in patient mode
- ``docs/compare_page.png``  the compare page after "Beispielvergleich (vorher/nachher)"
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1400, "height": 1000}
SAMPLE = "synthetic_treadmill_right.mp4"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def dashboard(home: Path, start_s: float = 120):
    """``streamlit run app.py`` on a free port with ``home`` as the data folder; yields its URL, then stops it."""
    port = _free_port()
    env = {**os.environ, "FORMCHECK_HOME": str(home), "PYTHONPATH": str(ROOT / "src")}
    env.pop("FORMCHECK_CLINIC", None)
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port",
                             str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + start_s
        while True:
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                break
            except Exception:
                if time.time() > deadline or proc.poll() is not None:
                    raise SystemExit("the dashboard did not start")
                time.sleep(0.5)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _settle(page, ms: int = 1500) -> None:
    """Let Streamlit finish the rerun (no running indicator) and the page paint."""
    page.wait_for_load_state("networkidle")
    with contextlib.suppress(Exception):
        page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=120_000)
    page.wait_for_timeout(ms)


def shoot(url: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(url, wait_until="networkidle")
        sidebar = page.locator('[data-testid="stSidebar"]')

        # therapist mode (the default): the bundled sample in one click
        page.get_by_role("button", name="Beispiel analysieren").click()
        page.get_by_text("Schritte/min").first.wait_for(timeout=600_000)
        page.locator(".js-plotly-plot").nth(2).wait_for(timeout=120_000)
        sidebar.get_by_text(SAMPLE, exact=False).first.wait_for(timeout=120_000)  # listed after the page: run over
        _settle(page)
        page.get_by_role("heading", name=SAMPLE).scroll_into_view_if_needed()
        page.get_by_role("heading", name=SAMPLE).evaluate("e => e.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(800)
        out.append(DOCS / "analyse_page.png")
        page.screenshot(path=str(out[-1]))

        # the same analysis in patient mode
        sidebar.get_by_text("Patient", exact=True).click()
        page.get_by_text("Deine Werte").wait_for(timeout=120_000)
        _settle(page)
        page.get_by_role("heading", name=SAMPLE).evaluate("e => e.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(800)
        out.append(DOCS / "patient_mode.png")
        page.screenshot(path=str(out[-1]))

        # back to the therapist: the compare page with the bundled before/after pair
        sidebar.get_by_text("Therapeut", exact=True).click()
        sidebar.get_by_text("Vergleich", exact=True).wait_for(timeout=60_000)
        sidebar.get_by_text("Vergleich", exact=True).click()
        page.get_by_role("button", name="Beispielvergleich (vorher/nachher)").click()
        page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=600_000)
        # the run is over when the sidebar lists the pair it analysed
        sidebar.get_by_text(SAMPLE.replace(".mp4", "_after.mp4"), exact=False).first.wait_for(timeout=600_000)
        _settle(page, 2500)
        page.get_by_role("heading", name="Vergleich", exact=False).first.evaluate(
            "e => e.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(800)
        out.append(DOCS / "compare_page.png")
        page.screenshot(path=str(out[-1]))
        browser.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", help="a running dashboard (with the pose model) instead of starting one")
    args = ap.parse_args()
    if args.url:
        paths = shoot(args.url)
    else:
        with tempfile.TemporaryDirectory(prefix="formcheck-shots-") as home, dashboard(Path(home)) as url:
            paths = shoot(url)
    for path in paths:
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
