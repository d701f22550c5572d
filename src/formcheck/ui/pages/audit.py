"""Page: the clinic audit log (admins only)."""

from __future__ import annotations

import logging

import streamlit as st

from formcheck.i18n import tr
from formcheck.store import StoreError
from formcheck.ui.access import may, open_store
from formcheck.ui.state import lang
from formcheck.ui.messages import error_message
from formcheck.store import clinic

log = logging.getLogger("formcheck.ui")


def audit_page() -> None:
    """The audit log for admins: newest first, optionally one patient's."""
    L = lang()
    st.title(tr("audit_title", L))
    if not may("audit"):
        st.warning(tr("admins_only", L))
        return
    store = open_store()
    if store is None:
        return
    st.caption(tr("audit_caption", L))
    pid = st.number_input(tr("audit_patient", L), min_value=0, value=0, step=1, key="audit_patient")
    try:
        rows = clinic.audit_log(store, patient_id=int(pid) or None)
    except StoreError as exc:
        st.error(error_message(exc, L))
        return
    if not rows:
        st.info(tr("audit_empty", L))
        return
    st.table([{tr("audit_at", L): r.at.strftime("%Y-%m-%d %H:%M:%S") + " UTC", tr("audit_user", L): r.username,
               tr("audit_action", L): tr(f"audit_{r.action}", L), tr("audit_patient_col", L): str(r.patient_id or ""),
               tr("audit_session", L): str(r.session_id or ""), tr("audit_detail", L): r.detail}
              for r in rows])
