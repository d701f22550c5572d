"""Who may see patient data in the dashboard: the patient database, clinic logins, the audit trail.

Single-user default (``FORMCHECK_CLINIC`` unset): no login; the dashboard
refuses to show anything when Streamlit has been told to listen beyond this
computer (``server.address`` other than localhost), since then anyone on the
network could open the patient file. Clinic mode (:mod:`formcheck.store.clinic`):
every page needs a login, logins expire, erasure and the audit log are for
admins, and opening, saving, exporting and erasing a patient are logged.

Session state
-------------
``clinic_login``   the :class:`formcheck.store.clinic.Login` of this browser tab (clinic mode)
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

import streamlit as st

from formcheck import config
from formcheck.store import clinic
from formcheck.ui.messages import error_message, md_text
from formcheck.ui.state import lang
from formcheck.store import Store, StoreError, database_url
from formcheck.i18n import tr

log = logging.getLogger("formcheck.ui")

#: Addresses that keep the dashboard on this computer.
LOCAL_ADDRESSES = ("localhost", "127.0.0.1", "::1")

LOGIN_KEY = "clinic_login"


# ------------------------------------------------------------------ the database
@st.cache_resource(show_spinner=False)
def _cached_store(url: str, home: str) -> Store:
    return Store(url, Path(home))


def open_store() -> Store | None:
    """The patient database (opened once per data folder/URL), or None after showing why it cannot be used."""
    home = config.home()
    url = database_url(home)
    try:
        return _cached_store(url, str(home))
    except StoreError as exc:
        st.error(f"**{tr('store_error', lang())}** – {error_message(exc, lang())}")
    except Exception:  # e.g. PostgreSQL unreachable: a sentence in the page's language, the details in the log
        log.error("opening the database failed: %s", traceback.format_exc())
        st.error(f"**{tr('store_error', lang())}** – "
                 + tr("store_unreachable", lang(), where=md_text(shown_url(url))))
    return None


def shown_url(url: str) -> str:
    """A database URL fit for the screen: the password replaced by ``***``."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy can parse: say only its scheme
        return url.split(":", 1)[0] + ":…"


# ------------------------------------------------------------------ the gate
def served_beyond_this_computer() -> bool:
    """Whether Streamlit listens on an address other computers can reach."""
    address = (st.get_option("server.address") or "").strip().strip("[]")
    return address not in LOCAL_ADDRESSES


def gate() -> bool:
    """Whether this page may be shown; otherwise the login form (or the reason) is on screen.

    Call first on every run of the app.
    """
    L = lang()
    if not clinic.clinic_mode():
        if served_beyond_this_computer():
            st.error(tr("exposed_without_login", L, address=md_text(st.get_option("server.address"))))
            return False
        return True
    store = open_store()
    if store is None:
        return False
    who = current()
    if who is not None and who.expired():
        _audit(store, who.username, "expired")
        st.session_state.pop(LOGIN_KEY, None)
        st.info(tr("login_expired", L))
        who = None
    if who is not None:
        who.touch()
        return True
    _login_form(store, L)
    return False


def _login_form(store: Store, L: str) -> None:
    st.title(tr("login_title", L))
    st.caption(tr("login_caption", L))
    with st.form("login_form", clear_on_submit=False):
        name = st.text_input(tr("login_user", L), key="login_user", autocomplete="username")
        password = st.text_input(tr("login_password", L), type="password", key="login_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button(tr("login_button", L), type="primary")
    if not submitted:
        return
    try:
        st.session_state[LOGIN_KEY] = clinic.login(store, name, password)
    except clinic.LoginError as exc:
        st.error(tr(exc.code, L, minutes=clinic.LOCKOUT_S // 60))
        return
    except StoreError as exc:
        st.error(f"**{tr('store_error', L)}** – {error_message(exc, L)}")
        return
    st.session_state.pop("login_password", None)
    st.session_state["mode"] = "therapist"  # whoever logs in is a therapist: the full view, whatever the tab showed
    st.rerun()


def sidebar() -> None:
    """Who is logged in and the logout button (clinic mode only)."""
    who = current()
    if who is None:
        return
    L = lang()
    st.caption(tr("logged_in_as", L, name=md_text(who.username), role=tr(f"role_{who.role}", L)))
    if st.button(tr("logout", L), key="logout_btn"):
        store = open_store()
        if store is not None:
            _audit(store, who.username, "logout")
        for key in list(st.session_state):  # nothing of this login stays in the tab
            del st.session_state[key]
        st.rerun()


def current() -> clinic.Login | None:
    """The login of this browser tab (clinic mode), or None."""
    return st.session_state.get(LOGIN_KEY)


def may(action: str) -> bool:
    """Whether this tab may do ``action`` (always, outside clinic mode)."""
    if not clinic.clinic_mode():
        return True
    who = current()
    return who is not None and who.may(action)


# ------------------------------------------------------------------ the audit trail
def _audit(store: Store, username: str, action: str, **ids) -> None:
    try:
        clinic.record(store, username, action, **ids)
    except StoreError:  # the database refused the line: say so in the server log, keep the page
        log.error("writing the audit log failed: %s", traceback.format_exc())


def audit(action: str, *, patient_id: int | None = None, session_id: int | None = None, detail: str = "") -> None:
    """Log ``action`` by the logged-in person (clinic mode; nothing is logged for one user on one computer)."""
    who = current()
    if who is None or not clinic.clinic_mode():
        return
    store = open_store()
    if store is not None:
        _audit(store, who.username, action, patient_id=patient_id, session_id=session_id, detail=detail)


def audit_opened(patient_id: int) -> None:
    """Log that the logged-in person opened a patient's file (once per patient and login)."""
    who = current()
    if who is None or patient_id in who.opened:
        return
    who.opened.add(patient_id)
    audit("open", patient_id=patient_id)
