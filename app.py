"""formcheck dashboard (Streamlit). Thin: the pages live in ``formcheck.ui.pages``.

Run with ``make run`` (or ``streamlit run app.py -- --sample sample_videos/NAME.mp4``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

from formcheck.i18n import tr
from formcheck.store.clinic import clinic_mode
from formcheck.ui import access, state
from formcheck.ui.messages import local_note
from formcheck.ui.pages import analyse, audit, compare, patients
from formcheck.ui.widgets import reopen_list

ROOT = Path(__file__).parent


def _default_sample() -> Path | None:
    args = sys.argv[1:]
    if "--sample" in args and args.index("--sample") + 1 < len(args):
        return ROOT / args[args.index("--sample") + 1]
    return None


st.set_page_config(page_title="formcheck", page_icon="🏃", layout="wide")
state.keep_widgets()  # a language switch relabels the widgets; their values stay
with st.sidebar:
    st.radio("Sprache / Language", ["de", "en"], key="lang", horizontal=True,
             format_func=lambda k: {"de": "Deutsch", "en": "English"}[k])
if not access.gate():  # clinic mode: the login form; served beyond localhost without it: why not
    st.stop()
pages = state.PAGES + (("audit",) if clinic_mode() and access.may("audit") else ())
with st.sidebar:
    st.session_state.setdefault("mode", "therapist")
    # the language bound when drawn: AppTest formats the kept value again after a switch, with this function
    st.radio(tr("view_mode", state.lang()), state.MODES, key="mode", horizontal=True,
             format_func=lambda k, L=state.lang(): tr(f"mode_{k}", L))
    state.apply_navigation()
    if state.patient_mode():  # the patient sees the analyse page only: no patient file, no other patients' names
        page = "analyse"
    else:
        page = st.radio(tr("page", state.lang()), pages, key="page",
                        format_func=lambda k: tr(f"page_{k}", state.lang()))
    st.caption(local_note(state.lang()))
    access.sidebar()

if page == "compare":
    compare.compare_page(ROOT)
elif page == "patients":
    patients.patients_page()
elif page == "audit":
    audit.audit_page()
else:
    analyse.analyse_page(ROOT, _default_sample())
if not state.patient_mode():  # the list names stored sessions by their patients' pseudonyms
    with st.sidebar:  # after the page, so that an analysis made in this run is listed at once
        reopen_list()
