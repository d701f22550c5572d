"""formcheck dashboard (Streamlit). Thin: pages live in ``formcheck.ui.analyse``.

Run with ``make run`` (or ``streamlit run app.py -- --sample sample_videos/NAME.mp4``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

from formcheck.ui import analyse as dashboard
from formcheck.ui import access as dashboard_access
from formcheck.ui import patients as dashboard_patients
from formcheck.store.clinic import clinic_mode
from formcheck.i18n import tr

ROOT = Path(__file__).parent


def _default_sample() -> Path | None:
    args = sys.argv[1:]
    if "--sample" in args and args.index("--sample") + 1 < len(args):
        return ROOT / args[args.index("--sample") + 1]
    return None


st.set_page_config(page_title="formcheck", page_icon="🏃", layout="wide")
with st.sidebar:
    st.radio("Sprache / Language", ["de", "en"], key="lang", horizontal=True,
             format_func=lambda k: {"de": "Deutsch", "en": "English"}[k])
if not dashboard_access.gate():  # clinic mode: the login form; served beyond localhost without it: why not
    st.stop()
pages = dashboard.PAGES + (("audit",) if clinic_mode() and dashboard_access.may("audit") else ())
with st.sidebar:
    dashboard.apply_navigation()
    page = st.radio(tr("page", dashboard.lang()), pages, key="page",
                    format_func=lambda k: tr(f"page_{k}", dashboard.lang()))
    if dashboard.analyses():
        st.caption(tr("analyses_in_session", dashboard.lang()) + ": "
                   + ", ".join(dashboard.md_text(a) for a in dashboard.analyses()))
    st.caption(dashboard.local_note(dashboard.lang()))
    dashboard_access.sidebar()

if page == "compare":
    dashboard.compare_page(ROOT)
elif page == "patients":
    dashboard_patients.patients_page()
elif page == "audit":
    dashboard_access.audit_page()
else:
    dashboard.analyse_page(ROOT, _default_sample())
