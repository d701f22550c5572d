"""The dashboard in a real headless Chromium (Debian ``chromium``) driven by Playwright.

Uploads a synthetic clip, waits for the analysis and checks what a user sees:
the cadence card, the cues, the charts, no error. Saves a screenshot to
``tests/artifacts/dashboard.png``.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from tests.conftest import ROOT, streamlit_server

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="module")
def browser_home(tmp_path_factory, model_path) -> Path:
    """The server's data folder, holding patient M.K. with two sessions (the bundled before/after pair)."""
    from formcheck.pipeline import analyze_video
    from formcheck.store import Store

    home = tmp_path_factory.mktemp("browser-home")
    store = Store(home=home)
    p = store.add_patient("M.K.", birth_year=1971, height_cm=168, notes="Knie rechts, Lauftherapie seit 09/2026")
    for day, clip, tags in ((dt.date(2026, 9, 7), "synthetic_treadmill_right.mp4", ["vor Umstellung"]),
                            (dt.date(2026, 10, 12), "synthetic_treadmill_right_after.mp4", ["nach Umstellung"])):
        path = ROOT / "sample_videos" / clip
        store.save_session(p.id, path, analyze_video(path, model=model_path), recorded_on=day, tags=tags)
    store.close()
    return home


@pytest.fixture(scope="module")
def server(browser_home):
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (`make test` installs the Debian package)")
    env = {**os.environ, "FORMCHECK_HOME": str(browser_home)}
    with streamlit_server(env, "--server.address", "127.0.0.1", "--server.headless", "true") as url:
        yield url


@pytest.fixture(scope="module")
def overstriding_clip(synth_dir) -> Path:
    """A runner landing far ahead of the hip (so the page has cues to show)."""
    from formcheck.synth import Gait, Scene, generate

    path = synth_dir / "browser_overstride.mp4"
    generate(path, Gait(cadence_spm=156, thigh_ic_deg=30.0, knee_ic_deg=7.0, strike_deg=20.0),
             Scene(facing="right", fps=60, width=960, height=540, duration_s=6.0, seed=11))
    return path


def _choose_patient(page, pseudonym: str) -> None:
    """Pick an existing patient in the save panel and wait for the rerun that hides the new-pseudonym field.

    The patient box sits outside the save form (choosing one hides the field for a new
    pseudonym at once), so the form is redrawn after the choice; clicking "Speichern"
    before that lands on a button that is being replaced.
    """
    _choose(page, page.locator('.st-key-save_patient [role="combobox"]'), pseudonym)
    page.locator(".st-key-save_new_name").wait_for(state="detached", timeout=30_000)
    page.wait_for_timeout(300)


def _choose(page, combobox, option: str) -> None:
    """Pick ``option`` in a Streamlit selectbox.

    The first click can land while the expander around the form is still
    opening (the list then closes again at once, as seen once on a loaded CI
    machine), so wait for the box to be visible and retry the opening click.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    combobox.wait_for(state="visible", timeout=30_000)
    item = page.get_by_role("option", name=option) if isinstance(option, str) else option  # a name or a locator
    for _ in range(5):
        combobox.click()
        try:
            item.wait_for(state="visible", timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    item.click()


def test_upload_analyse_and_see_the_results(server, overstriding_clip):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server, wait_until="networkidle")
        page.get_by_text("Eigenes Video hochladen").click()
        page.locator("input[type=file]").set_input_files(str(overstriding_clip))
        page.locator('[data-testid="stFileChipName"]').first.wait_for(timeout=60_000)
        page.get_by_role("button", name="Analysieren").click()
        page.get_by_text("Schritte/min").first.wait_for(timeout=300_000)
        page.locator(".js-plotly-plot").nth(2).wait_for(timeout=60_000)
        body = page.inner_text("body")
        assert "Schrittfrequenz" in body
        assert "Deine Hinweise" in body
        assert "Setz den Fuß näher unter dem Körper auf." in body or "Mach kürzere, schnellere" in body
        assert page.locator(".js-plotly-plot").count() >= 3
        assert page.locator("video").count() >= 1
        assert page.locator('[data-testid="stException"]').count() == 0
        assert "Traceback" not in body and "Das hat nicht geklappt" not in body
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=False)
        page.set_viewport_size({"width": 1400, "height": 1700})
        page.get_by_role("heading", name="browser_overstride.mp4").scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / "dashboard_results.png"), full_page=False)

        # keep it as M.K.'s third session, then look at her history and progress
        page.get_by_text("In Patientenakte speichern").click()
        _choose_patient(page, "M.K.")
        page.get_by_role("button", name="Speichern").click()
        page.get_by_text("Gespeichert für M.K.:", exact=False).first.wait_for(timeout=60_000)
        page.locator('[data-testid="stSidebar"]').get_by_text("Patienten").click()
        page.get_by_text("Verlauf über die Sitzungen").wait_for(timeout=60_000)
        page.locator(".js-plotly-plot").nth(3).wait_for(timeout=60_000)
        body = page.inner_text("body")
        assert "M.K." in body and "Knie rechts, Lauftherapie seit 09/2026" in body  # (tables are drawn on a canvas)
        assert page.locator(".js-plotly-plot").count() >= 6  # one progress chart per measured metric
        assert page.locator('[data-testid="stException"]').count() == 0 and "Traceback" not in body
        page.set_viewport_size({"width": 1400, "height": 1500})
        page.get_by_text("Verlauf über die Sitzungen").scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        page.screenshot(path=str(ARTIFACTS / "patients.png"), full_page=False)
        page.get_by_role("button", name="Letzte mit voriger Sitzung vergleichen").click()
        page.get_by_text("Messwerte wie gespeichert").wait_for(timeout=120_000)
        assert "echte Veränderung" in page.inner_text("body")
        browser.close()
    assert (ARTIFACTS / "dashboard.png").stat().st_size > 10_000


def test_pdf_report_download_from_the_analyse_page(server, overstriding_clip, tmp_path):
    """A therapist enters their details once, analyses an upload, saves it for M.K. and downloads the report.

    The PDF is read back (pdfplumber: text with positions) and page 1 rendered with pdftoppm: the patient
    field, the therapist and the clip's real name are there (the upload is kept under a hash name), every
    character lies inside the page, and ≤ − – print as themselves.
    """
    import re
    import shutil
    import subprocess

    import numpy as np
    from PIL import Image
    from playwright.sync_api import sync_playwright

    pdfplumber = pytest.importorskip("pdfplumber", reason="pdfplumber is in the test extra")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is missing (Debian package poppler-utils: apt-get install -y poppler-utils)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.goto(server, wait_until="networkidle")
        # the details for the reports, entered once on the patients page
        page.locator('[data-testid="stSidebar"]').get_by_text("Patienten").click()
        page.get_by_text("Angaben für die PDF-Berichte").click()
        page.get_by_label("Therapeut/in").fill("Dr. Jörg Weiß")
        page.get_by_label("Praxis").fill("Physiotherapie am Markt")
        page.get_by_text("Sie (formell)").click()
        page.get_by_role("button", name="Angaben speichern").click()
        page.get_by_text("Angaben für die Berichte gespeichert.").wait_for(timeout=60_000)
        # an upload (kept under a hash name), analysed and saved for M.K.
        page.locator('[data-testid="stSidebar"]').get_by_text("Analyse", exact=True).click()
        page.get_by_text("Eigenes Video hochladen").click()
        page.locator("input[type=file]").set_input_files(str(overstriding_clip))
        page.locator('[data-testid="stFileChipName"]').first.wait_for(timeout=60_000)
        page.get_by_role("button", name="Analysieren").click()
        page.get_by_text("Schritte/min").first.wait_for(timeout=300_000)
        page.get_by_text("In Patientenakte speichern").click()
        _choose_patient(page, "M.K.")
        page.get_by_role("button", name="Speichern", exact=True).click()
        # shown below the downloads, after the rerun that drew the report with the patient in it
        page.get_by_text("Gespeichert für M.K.:", exact=False).first.wait_for(timeout=60_000)
        with page.expect_download(timeout=120_000) as dl:
            page.get_by_role("button", name="Bericht (PDF)").click()
        pdf = tmp_path / "report.pdf"
        dl.value.save_as(str(pdf))
        assert dl.value.suggested_filename == "browser_overstride_report.pdf"
        browser.close()
    with pdfplumber.open(str(pdf)) as doc:
        text = re.sub(r"\s+", " ", " ".join(pg.extract_text() or "" for pg in doc.pages))
        for pg in doc.pages:
            assert all(0 <= c["x0"] and c["x1"] <= pg.width and 0 <= c["top"] and c["bottom"] <= pg.height
                       for c in pg.chars), "text outside the page"
    assert "Patient M.K." in text and "Dr. Jörg Weiß" in text and "Physiotherapie am Markt" in text
    assert "browser_overstride.mp4" in text and not re.search(r"[0-9a-f]{16}-[0-9a-f]{16}", text)
    assert "Ihre Hinweise" in text and "≤" in text and "−" in text and "–" in text
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(tmp_path / "p1")], check=True)
    img = np.asarray(Image.open(tmp_path / "p1.png").convert("L"))
    assert (img[int(img.shape[0] * 0.4):int(img.shape[0] * 0.85)] < 128).mean() > 0.01  # the table is drawn


def test_a_walk_run_clip_shows_its_bouts_and_the_running_bout_can_be_picked(server):
    """The bundled walk → run → walk sample: three bouts on a timeline, the running one chosen; picking a walking
    bout shows its walking cadence, picking the running bout again its running cadence (truth: the synthetic
    runner's parts)."""
    import re

    from playwright.sync_api import sync_playwright

    from formcheck.synth import load_truth

    clip = ROOT / "sample_videos" / "synthetic_walk_run_walk.mp4"
    truth = load_truth(clip)
    walk_spm, run_spm = (truth["bouts"][i]["metrics"]["cadence_spm"] for i in (0, 1))

    def cadence(page) -> float:
        card = page.get_by_text(re.compile(r"^\d+(,\d+)? Schritte/min$")).first
        card.wait_for(timeout=60_000)
        return float(card.inner_text().split()[0].replace(",", "."))

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        page.goto(server, wait_until="networkidle")
        _choose(page, page.locator('.st-key-sample_choice [role="combobox"]'), clip.name)
        page.get_by_role("button", name="Beispiel analysieren").click()
        page.get_by_text("Abschnitt für Werte und Hinweise").wait_for(timeout=300_000)
        options = page.get_by_text(re.compile(r"^(Gehen|Laufen) \d+,\d–\d+,\d s"))
        labels = [options.nth(i).inner_text() for i in range(options.count())]
        assert [x.split()[0] for x in labels] == ["Gehen", "Laufen", "Gehen"], labels
        assert cadence(page) == pytest.approx(run_spm, rel=0.01)
        page.get_by_text(re.compile(r"^Gehen \d+,\d–\d+,\d s$")).first.click()
        page.wait_for_function(
            "() => /Laufband, Gehen/.test(document.body.innerText)", timeout=60_000)
        assert cadence(page) == pytest.approx(walk_spm, rel=0.01)
        page.get_by_text(re.compile(r"^Laufen .*\(Hauptabschnitt\)$")).click()
        page.wait_for_function("() => /Laufband, Laufen/.test(document.body.innerText)", timeout=60_000)
        assert cadence(page) == pytest.approx(run_spm, rel=0.01)
        body = page.inner_text("body")
        assert page.locator('[data-testid="stException"]').count() == 0 and "Traceback" not in body
        page.get_by_text("Abschnitt für Werte und Hinweise").scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ROOT / "docs" / "bouts.png"), full_page=False)
        browser.close()
