"""Patient mode beside the therapist mode (issue 19, item 6): AppTest, then one walk in a headless Chromium.

The patient sees the cues, the filming feedback, at most three cards and the video; no per-stride table, no
charts, no norms, no downloads, no patient file. The therapist sees everything, as before. The mode is kept over
a language switch.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, streamlit_server
from tests.ui.page_text import english_numbers_on_page, english_on_page, visible_text

APP = str(ROOT / "app.py")
TIMEOUT = 600
CHROMIUM = Path("/usr/bin/chromium")


def _texts(at) -> str:
    return "\n".join(s for _, s in visible_text(at))


def _cards(at) -> list[str]:
    """The values of the metric cards (each card's value is a level-3 heading)."""
    return [m.value for m in at.main.markdown if str(m.value).startswith("### ")]


def _assert_patient_page(at) -> None:
    assert not at.exception and not at.error
    assert 1 <= len(at.success) <= 3, "the cues"
    assert 1 <= len(_cards(at)) <= 3
    assert len(at.get("video")) == 1
    assert not at.dataframe, "no per-stride table"
    assert not at.get("plotly_chart"), "no charts"
    assert not at.get("download_button"), "no downloads"
    assert not any(getattr(el, "key", None) == "page" for el in at.sidebar.radio), "no page but the analyse page"
    assert not [b for b in at.sidebar.button if (b.key or "").startswith("reopen-")], "no list of other analyses"


def test_the_patient_sees_cadence_and_two_cards_a_cue_asks_for_in_the_registrys_order():
    from formcheck.engine.registry import CARD_ORDER
    from formcheck.ui.widgets import PATIENT_CARDS, patient_cards

    assert PATIENT_CARDS[0] == "cadence_spm"
    assert PATIENT_CARDS == sorted(PATIENT_CARDS, key=CARD_ORDER.index)
    side = {n: {"value": 1.0} for n in CARD_ORDER[:12]}
    assert patient_cards(side) == ["cadence_spm", "heel_ahead_of_hip_ic_pct_leg", "trunk_lean_deg"]
    rear = {"cadence_spm": {"value": 170.0}, "pelvic_drop_deg": {"value": 4.0}, "step_width_pct_hip": {"value": 9.0},
            "knee_fppa_deg": {"value": 3.0}, "trunk_lean_deg": {"value": None, "reason_code": "view_frontal"}}
    assert patient_cards(rear) == ["cadence_spm", "pelvic_drop_deg", "step_width_pct_hip"]
    assert patient_cards({"cadence_spm": {"value": None}, "trunk_lean_deg": {"value": 7.0}}) == ["trunk_lean_deg"]


@pytest.fixture(scope="module")
def patient_at(model_path):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert at.sidebar.radio(key="mode").value == "therapist", "therapist mode by default"
    at.sidebar.radio(key="mode").set_value("patient").run()
    at.button(key="analyse_btn").click().run()
    return at


def test_patient_mode_shows_the_cues_three_cards_and_the_video_only(patient_at):
    at = patient_at
    _assert_patient_page(at)
    text = _texts(at)
    assert "Deine Hinweise" in text and "Qualität der Aufnahme" in text and "Deine Werte" in text
    assert "Schrittfrequenz" in text and "Schritte pro Minute" in text
    for jargon in ("Normbereich", "Vertrauen", "Einzelne Schritte", "Verläufe", "Herunterladen",
                   "In Patientenakte speichern", "Posenmodell:", "Angaben für die PDF-Berichte", "auffällig",
                   "beobachten", "Startwert"):
        assert jargon not in text, jargon
    assert english_on_page(at) == []
    assert english_numbers_on_page(at) == []


def test_the_language_switch_keeps_the_patient_mode(patient_at):
    at = patient_at
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.sidebar.radio(key="mode").value == "patient"
    _assert_patient_page(at)
    text = _texts(at)
    assert "Your cues" in text and "Your numbers" in text and "Cadence" in text
    at.sidebar.radio(key="lang").set_value("de").run()
    assert at.sidebar.radio(key="mode").value == "patient"
    _assert_patient_page(at)
    assert "Deine Werte" in _texts(at)


def test_therapist_mode_still_shows_everything(patient_at):
    at = patient_at
    at.sidebar.radio(key="mode").set_value("therapist").run()
    assert not at.exception and not at.error
    assert len(_cards(at)) > 3
    assert at.dataframe and len(at.get("plotly_chart")) >= 3 and len(at.get("video")) == 1
    assert {b.label for b in at.get("download_button")} == {"Analyse (JSON)", "Schritte (CSV)", "Video (MP4)",
                                                           "Bericht (PDF)"}
    text = _texts(at)
    assert "Normbereich" in text and "In Patientenakte speichern" in text
    assert at.sidebar.radio(key="page").value == "analyse"
    at.sidebar.radio(key="lang").set_value("en").run()  # and the therapist mode survives a switch, too
    assert at.sidebar.radio(key="mode").value == "therapist" and at.dataframe
    at.sidebar.radio(key="lang").set_value("de").run()


def test_a_login_in_clinic_mode_opens_the_therapist_mode(monkeypatch, tmp_path):
    """Whoever logs in is a therapist: the full view, even when the tab showed the patient mode before."""
    from formcheck.store import Store
    from formcheck.store import clinic

    home = tmp_path / "clinic-home"
    monkeypatch.setenv("FORMCHECK_HOME", str(home))
    monkeypatch.setenv("FORMCHECK_CLINIC", "1")
    store = Store(home=home)
    clinic.add_account(store, "anna", "lange-genug-123", "therapist", by="test")
    store.close()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["mode"] = "patient"
    at.run()
    assert not at.exception
    at.text_input(key="login_user").set_value("anna")
    at.text_input(key="login_password").set_value("lange-genug-123")
    at.button[0].click().run()
    assert not at.exception
    assert at.sidebar.radio(key="mode").value == "therapist"
    assert at.sidebar.radio(key="page").value == "analyse"


# ------------------------------------------------------------------ in a real browser

@pytest.fixture(scope="module")
def server(model_path, tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (`make test` installs the Debian package)")
    env = {**os.environ, "FORMCHECK_HOME": str(tmp_path_factory.mktemp("patient-mode-home"))}
    with streamlit_server(env, "--server.address", "127.0.0.1", "--server.headless", "true") as url:
        yield url


def test_patient_mode_in_the_browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server, wait_until="networkidle")
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("Patient", exact=True).click()
        sidebar.get_by_text("Analyse", exact=True).wait_for(state="detached", timeout=60_000)  # no page selector
        page.get_by_role("button", name="Beispiel analysieren").click()
        page.get_by_text("Schritte/min").first.wait_for(timeout=300_000)
        page.locator("video").first.wait_for(timeout=60_000)
        body = page.inner_text("body")
        assert "Deine Hinweise" in body and "Deine Werte" in body and "Qualität der Aufnahme" in body
        assert page.locator('[data-testid="stAlertContentSuccess"]').count() >= 1, "the cues"
        assert page.locator('[data-testid="stDataFrame"]').count() == 0, "no per-stride table"
        assert page.locator(".js-plotly-plot").count() == 0, "no charts"
        assert page.locator('[data-testid="stDownloadButton"]').count() == 0, "no downloads"
        assert "Einzelne Schritte" not in body and "Normbereich" not in body and "In Patientenakte" not in body
        assert page.locator('[data-testid="stException"]').count() == 0 and "Traceback" not in body
        browser.close()
