"""Clinic server mode in the dashboard (AppTest): the login gate, roles, the audit page; and the refusal
to serve patient files beyond this computer without it."""

from __future__ import annotations

import os
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from formcheck.store import clinic
from formcheck.store import Store
from tests.conftest import ROOT
from tests.golden import full_result

APP = str(ROOT / "app.py")
PASSWORD = "korrekt-pferd-batterie"


@pytest.fixture
def clinic_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    st = Store(home=home)
    clinic.add_account(st, "anna", PASSWORD, "admin")
    clinic.add_account(st, "tom", PASSWORD + "-tom", "therapist")
    clip = tmp_path / "c.mp4"
    shutil.copy(ROOT / "sample_videos" / "synthetic_treadmill_right.mp4", clip)
    p = st.add_patient("Zebrafink-Erika")
    st.save_session(p.id, clip, full_result())
    st.close()
    monkeypatch.setenv("FORMCHECK_HOME", str(home))
    monkeypatch.setenv("FORMCHECK_CLINIC", "1")
    return home


def _texts(at) -> str:
    parts = [e.value for e in (*at.markdown, *at.caption, *at.title, *at.subheader, *at.error, *at.info, *at.warning)]
    return "\n".join(str(p) for p in parts)


def _login(at, name, password):
    at.text_input(key="login_user").set_value(name)
    at.text_input(key="login_password").set_value(password)
    at.button[0].click()  # the form's submit button
    at.run()


def test_nothing_of_a_patient_shows_before_login_and_a_wrong_password_is_refused(clinic_home):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    assert "Anmelden" in _texts(at)
    assert "Zebrafink" not in _texts(at) and len(at.radio) == 1  # only the language choice, no pages
    _login(at, "anna", "falsch-falsch-falsch")
    assert any("falsch" in e.value for e in at.error)
    assert "clinic_login" not in at.session_state
    st = Store(home=clinic_home)
    assert [e.action for e in clinic.audit_log(st)][:1] == ["login_failed"]
    st.close()


def test_a_therapist_sees_the_patient_may_not_erase_and_the_opening_is_logged(clinic_home):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    _login(at, "tom", PASSWORD + "-tom")
    assert not at.exception and not at.error
    at.radio(key="page").set_value("patients").run()
    assert not at.exception
    body = _texts(at)
    assert "Zebrafink\\-Erika" in body or "Zebrafink-Erika" in body
    assert "Löschen dürfen nur Konten mit der Rolle Administration." in body
    assert not [b for b in at.button if b.key == "delete_btn"]
    assert "audit" not in at.radio(key="page").options
    st = Store(home=clinic_home)
    opened = [e for e in clinic.audit_log(st) if e.action == "open"]
    assert [(e.username, e.patient_id) for e in opened] == [("tom", 1)]
    st.close()


def test_an_admin_exports_and_reads_the_export_in_the_audit_log_then_logs_out(clinic_home):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    _login(at, "anna", PASSWORD)
    at.radio(key="page").set_value("patients").run()
    at.button(key="export_btn").click().run()
    assert not at.exception and not at.error
    assert [b for b in at.get("download_button")]
    at.radio(key="page").set_value("audit").run()
    assert not at.exception
    table = at.table[0].value
    assert list(table["Aktion"])[:2] == ["exportiert", "Akte geöffnet"]
    assert list(table["Benutzer"])[:2] == ["anna", "anna"] and list(table["Patient Nr."])[:1] == ["1"]
    at.button(key="logout_btn").click().run()
    assert "Anmelden" in _texts(at) and "clinic_login" not in at.session_state


def test_an_expired_login_asks_again(clinic_home, monkeypatch):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    _login(at, "anna", PASSWORD)
    who = at.session_state["clinic_login"]
    import datetime as dt

    who.last_seen -= dt.timedelta(seconds=clinic.idle_timeout_s() + 60)
    at.run()
    assert "Die Anmeldung ist abgelaufen. Bitte melde dich wieder an." in _texts(at)
    assert "clinic_login" not in at.session_state


def test_served_beyond_localhost_without_clinic_mode_shows_no_patient_data(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMCHECK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("FORMCHECK_CLINIC", raising=False)
    from streamlit import config as st_config

    old = st_config.get_option("server.address")
    st_config.set_option("server.address", "0.0.0.0")
    try:
        at = AppTest.from_file(APP, default_timeout=120)
        at.run()
    finally:
        st_config.set_option("server.address", old)
    assert not at.exception
    assert any("keine Anmeldung" in e.value for e in at.error)
    assert len(at.radio) == 1  # no pages


def test_on_localhost_the_single_user_dashboard_needs_no_login(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMCHECK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("FORMCHECK_CLINIC", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception and not at.error
    assert "page" in [r.key for r in at.radio] and "Anmelden" not in _texts(at)
    assert os.environ.get("FORMCHECK_CLINIC") is None
