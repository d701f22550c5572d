"""A therapist's walk through the German dashboard in a real headless Chromium (Playwright), on a real clip.

One test, one browser session, in the order a therapist works: analyse the real treadmill clip
(``../shared/videos/treadmill_side_male_30fps.mp4``) with the treadmill speed typed in, read the results
(no English on the German page), keep the analysis for a new patient, download the session report and read it
back (pseudonym, every glyph inside the page, ≤ − – printed as themselves, page 1 renders), then compare the
real runner with a bundled synthetic runner who faces the other way: the page must say that the two are not
directly comparable before it shows any verdict. On the way the therapist types an existing pseudonym for a
"new" patient: the refusal must stay on screen, in German only.

The page text is the browser's ``innerText`` (what is rendered, in page order), scanned with the vocabulary of
:func:`tests.ui.page_text.english_words`. Screenshots go to ``tests/artifacts/walkthrough_*.png``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from formcheck.i18n import ERRORS, tr
from tests.ui.test_browser import _choose  # the same retrying selectbox pick
from tests.conftest import ROOT, shared_video, streamlit_server
from tests.ui.page_text import english_words, words

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
REAL_CLIP = "treadmill_side_male_30fps.mp4"  # treadmill, side view, runner faces image-left
OTHER_CLIP = "synthetic_treadmill_right.mp4"  # bundled synthetic runner facing image-right
PSEUDONYM = "WT-Läufer 07"

#: What the page text scan leaves out: the language switch (bilingual on purpose), Material icon ligatures
#: ("keyboard_arrow_down" is drawn as an arrow; Streamlit marks them aria-hidden and translate="no"), and
#: Streamlit's own English for screen readers that no app setting translates: the skip link, the file uploader's
#: "add files" button ("add icon") and the select boxes' live announcer ("2 options available.").
_NOT_PAGE_TEXT = ('.st-key-lang, span[aria-hidden="true"][translate="no"], [data-testid="stSkipToContent"], '
                  '[data-testid="stFileUploader"] button[aria-label="Add files"], [data-live-announcer] '
                  '{ display: none !important; }')


def shown_text(page) -> str:
    """The text the page shows (``innerText`` of the body), without what :data:`_NOT_PAGE_TEXT` hides."""
    return page.evaluate("""css => {
        const style = document.createElement('style');
        style.textContent = css;
        document.head.appendChild(style);
        try { return document.body.innerText; } finally { style.remove(); }
    }""", _NOT_PAGE_TEXT)


def english_in(text: str) -> dict[str, list[str]]:
    """English catalog words in ``text``, each with the lines it occurs in (for the failure message)."""
    vocab = english_words()
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        for w in sorted(words(line) & vocab):
            found.setdefault(w, []).append(line.strip()[:160])
    return found


def plain(markdown: str) -> str:
    """A catalog text as the browser shows it: without the markdown emphasis."""
    return markdown.replace("**", "").replace("*", "")


def _wait_idle(page) -> None:
    """Until the script run started by the last action is over (Streamlit's status widget gone)."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=300_000)


def _settled(page, quiet_ms: int = 1500) -> None:
    """Until no script run has been seen for ``quiet_ms``: a rerun that starts late redraws the page under the hand.

    One look at the status widget can fall between the end of one run and the start of the next (under load the
    next one can take a second to begin); text typed into a form just before such a rerun can be lost.
    """
    status = page.locator('[data-testid="stStatusWidget"]')
    quiet = 0
    while quiet < quiet_ms:
        if status.count():
            status.wait_for(state="detached", timeout=300_000)
            quiet = 0
        page.wait_for_timeout(250)
        quiet += 250


def _save_new_patient(page, pseudonym: str, expect: str) -> None:
    """Type ``pseudonym`` for a new patient in the open save form, submit, and wait for the text ``expect``.

    Fails with what the page says instead (a refusal, say) when ``expect`` does not come.
    """
    field = page.locator(".st-key-save_new_name input")
    field.fill(pseudonym)
    assert field.input_value() == pseudonym
    page.get_by_role("button", name=tr("save", "de"), exact=True).click()
    wanted = page.get_by_text(expect, exact=False).first
    try:
        wanted.wait_for(timeout=60_000)
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "walkthrough_save_failed.png"), full_page=True)
        pytest.fail(f"after saving, the page does not say {expect!r}; it says:\n{shown_text(page)[-3000:]}")


@pytest.mark.shared
@pytest.mark.slow
def test_a_therapist_walks_through_the_german_dashboard(tmp_path, model_path):
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (`make test` installs the Debian package)")
    clip = shared_video(REAL_CLIP)
    pdfplumber = pytest.importorskip("pdfplumber", reason="pdfplumber is in the test extra")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is missing (Debian package poppler-utils: apt-get install -y poppler-utils)")
    import numpy as np
    from PIL import Image
    from playwright.sync_api import sync_playwright

    t0 = time.time()
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "FORMCHECK_HOME": str(home)}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = tmp_path / "report.pdf"
    with streamlit_server(env, "--server.address", "127.0.0.1", "--server.headless", "true") as url, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.goto(url, wait_until="networkidle")

        # 1. the real clip, uploaded, at 10 km/h on the treadmill
        page.get_by_text(tr("source_upload", "de")).click()
        page.locator("input[type=file]").set_input_files(str(clip))
        page.locator('[data-testid="stFileChipName"]').first.wait_for(timeout=60_000)
        speed = page.locator(".st-key-speed_value input")
        speed.fill("10")
        speed.press("Enter")
        _wait_idle(page)
        page.get_by_role("button", name=tr("analyse", "de"), exact=True).click()
        page.get_by_text("Schritte/min").first.wait_for(timeout=300_000)
        page.locator(".js-plotly-plot").nth(2).wait_for(timeout=60_000)
        _wait_idle(page)
        text = shown_text(page)
        assert page.locator('[data-testid="stException"]').count() == 0 and "Traceback" not in text
        assert REAL_CLIP in text and "Laufbandgeschwindigkeit: 10,0 km/h (2,78 m/s)" in text
        cadence = int(re.search(r"\n(1\d\d) Schritte/min\n", text).group(1))
        assert abs(cadence - 168.9) <= 3, f"the clip's cadence is 168.9 steps/min (INDEX.md), the page says {cadence}"

        # 2. no English on the German page
        found = english_in(text)
        assert not found, f"English words on the German analyse page: {found}"
        page.screenshot(path=str(ARTIFACTS / "walkthrough_analyse.png"), full_page=False)

        # 3. kept for a new patient, then the session report
        _settled(page)
        page.get_by_text(tr("save_title", "de")).click()
        _save_new_patient(page, PSEUDONYM, f"Gespeichert für {PSEUDONYM}:")
        _wait_idle(page)
        found = english_in(shown_text(page))
        assert not found, f"English words on the German analyse page after saving: {found}"
        with page.expect_download(timeout=120_000) as dl:
            page.get_by_role("button", name=tr("dl_pdf", "de")).click()
        dl.value.save_as(str(pdf))
        assert dl.value.suggested_filename == "treadmill_side_male_30fps_report.pdf"

        # 4. the bundled synthetic runner (facing the other way), then both on the compare page
        page.get_by_text(tr("source_sample", "de"), exact=True).first.click()
        _wait_idle(page)
        page.get_by_role("button", name=tr("analyse_sample", "de")).click()
        page.get_by_role("heading", name=OTHER_CLIP).wait_for(timeout=300_000)
        _settled(page)
        # a slip on the way: the same pseudonym typed again for a "new" patient is refused, in German only
        page.get_by_text(tr("save_title", "de")).click()
        _choose(page, page.locator('.st-key-save_patient [role="combobox"]'), tr("save_new_patient", "de"))
        page.locator(".st-key-save_new_name input").fill(PSEUDONYM)
        page.get_by_role("button", name=tr("save", "de"), exact=True).click()
        page.locator('[data-testid="stAlertContentError"]').first.wait_for(timeout=60_000)
        _wait_idle(page)
        page.wait_for_timeout(1500)  # the message must stay: not drawn inside a form that then collapses
        assert page.locator('[data-testid="stAlertContentError"]').first.is_visible()
        assert page.locator(".st-key-save_new_name input").input_value() == PSEUDONYM, "the form stays open"
        text = shown_text(page)
        assert f"{tr('error_title', 'de')} – {ERRORS['patient_exists']['de']}" in text
        found = english_in(text)
        assert not found, f"English words on the German analyse page after a refused save: {found}"
        page.locator('[data-testid="stSidebar"]').get_by_text(tr("page_compare", "de"), exact=True).click()
        page.get_by_role("heading", name=tr("compare_title", "de")).wait_for(timeout=60_000)
        _choose(page, page.locator('.st-key-cmp_a_select [role="combobox"]'),
                page.get_by_role("option").filter(has_text=REAL_CLIP))
        _wait_idle(page)
        _choose(page, page.locator('.st-key-cmp_b_select [role="combobox"]'),
                page.get_by_role("option").filter(has_text=OTHER_CLIP))
        page.get_by_text(tr("differences", "de"), exact=True).wait_for(timeout=120_000)
        _wait_idle(page)
        page.get_by_text(tr("charts", "de"), exact=True).wait_for(timeout=120_000)  # the page is drawn to its end
        page.locator('[data-testid="stDataFrame"] [role="gridcell"]').first.wait_for(state="attached", timeout=60_000)
        text = shown_text(page)
        found = english_in(text)
        assert not found, f"English words on the German compare page: {found}"
        assert page.locator('[data-testid="stException"]').count() == 0 and "Traceback" not in text
        # what differs, said in German: the runners face opposite ways
        notice = plain(tr("cmp_not_comparable", "de"))
        assert notice in text
        assert "Blickrichtung: vorher links, nachher rechts" in text
        # which metrics get no verdict: a sentence of its own, not run on into the list of differences
        assert re.search(r"^Ohne Bewertung, weil nicht vergleichbar: .*Kniebeugung beim Aufsetzen", text, re.M)
        # the table's cells are drawn on a canvas: its accessible copy in the DOM holds the verdicts, so the order
        # is read from the main area's text in document order
        main = page.locator('[data-testid="stMain"]').text_content()
        verdicts = {v: main.find(tr(v, "de")) for v in ("real_change", "within_noise", "uncertain", "not_comparable")}
        verdicts["verdict"] = main.find(tr("verdict", "de"))  # the column header
        shown = {v: at for v, at in verdicts.items() if at >= 0}
        assert "not_comparable" in shown and "verdict" in shown, f"no verdicts in the comparison table: {verdicts}"
        assert 0 <= main.find(notice) < min(shown.values()), f"a verdict before the notice: {main[:2000]}"
        page.screenshot(path=str(ARTIFACTS / "walkthrough_compare.png"), full_page=False)
        browser.close()

    # the session report, read back
    with pdfplumber.open(str(pdf)) as doc:
        text = re.sub(r"\s+", " ", " ".join(pg.extract_text() or "" for pg in doc.pages))
        outside = [(i + 1, c["text"], round(c["x0"], 1), round(c["top"], 1)) for i, pg in enumerate(doc.pages)
                   for c in pg.chars
                   if not (0 <= c["x0"] and c["x1"] <= pg.width and 0 <= c["top"] and c["bottom"] <= pg.height)]
    assert not outside, f"characters outside the page (page, char, x0, top): {outside[:20]}"
    assert PSEUDONYM in text, "the patient's pseudonym is in the report"
    assert REAL_CLIP in text and "10,0 km/h" in text
    missing = [g for g in ("≤", "\u2212", "\u2013") if g not in text]
    assert not missing, f"glyphs missing from the report: {[hex(ord(g)) for g in missing]}\n{text[:3000]}"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(tmp_path / "p1")], check=True)
    img = np.asarray(Image.open(tmp_path / "p1.png").convert("L"))
    assert img.shape[0] > 500 and (img < 250).mean() > 0.01, "page 1 of the report renders as a blank page"
    print(f"walkthrough took {time.time() - t0:.0f} s")
