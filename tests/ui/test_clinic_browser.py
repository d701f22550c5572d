"""Clinic server mode in a real headless Chromium: a wrong password is refused, the right one opens the
patient file, an export is downloaded, and the admin's audit page shows that export."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, streamlit_server
from tests.golden import full_result

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
PASSWORD = "korrekt-pferd-batterie"


@pytest.fixture(scope="module")
def clinic_server(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (`make test` installs the Debian package)")
    from formcheck.store import clinic
    from formcheck.store import Store

    home = tmp_path_factory.mktemp("clinic-home")
    st = Store(home=home)
    clinic.add_account(st, "anna", PASSWORD, "admin")
    clip = home.parent / "clip.mp4"
    shutil.copy(ROOT / "sample_videos" / "synthetic_treadmill_right.mp4", clip)
    p = st.add_patient("M.K.")
    st.save_session(p.id, clip, full_result())
    st.close()
    env = {**os.environ, "FORMCHECK_HOME": str(home), "FORMCHECK_CLINIC": "1", "PYTHONPATH": str(ROOT / "src")}
    with streamlit_server(env, "--server.address", "127.0.0.1") as url:
        yield url, home


def test_login_refuses_a_wrong_password_and_the_audit_log_shows_the_export(clinic_server, tmp_path):
    from playwright.sync_api import sync_playwright

    url, home = clinic_server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.goto(url, wait_until="networkidle")
        page.get_by_role("heading", name="Anmelden").wait_for(timeout=60_000)
        assert "M.K." not in page.inner_text("body")

        page.get_by_label("Benutzername").fill("anna")
        page.get_by_label("Passwort").fill("falsch-falsch-falsch")
        page.get_by_role("button", name="Anmelden").click()
        page.get_by_text("Benutzername oder Passwort ist falsch").wait_for(timeout=30_000)
        assert "M.K." not in page.inner_text("body")

        page.get_by_label("Passwort").fill(PASSWORD)
        page.get_by_role("button", name="Anmelden").click()
        page.get_by_text("Angemeldet: anna").wait_for(timeout=30_000)
        page.locator('[data-testid="stSidebar"]').get_by_text("Patienten", exact=True).click()
        page.get_by_role("button", name="Export (ZIP) vorbereiten").click()
        with page.expect_download(timeout=60_000) as dl:
            page.get_by_role("button", name="Export herunterladen").click()
        zip_path = tmp_path / "export.zip"
        dl.value.save_as(zip_path)
        assert "patient.json" in zipfile.ZipFile(zip_path).namelist()

        page.locator('[data-testid="stSidebar"]').get_by_text("Protokoll", exact=True).click()
        page.get_by_role("heading", name="Zugriffsprotokoll").wait_for(timeout=30_000)
        table = page.locator('[data-testid="stTable"]')
        table.wait_for(timeout=30_000)
        rows = table.inner_text()
        assert "exportiert" in rows and "Akte geöffnet" in rows and "Anmeldung fehlgeschlagen" in rows
        assert "anna" in rows and "M.K." not in rows  # patients by number, never by name
        page.screenshot(path=str(ARTIFACTS / "clinic_audit.png"), full_page=False)
        assert page.locator('[data-testid="stException"]').count() == 0
        browser.close()
