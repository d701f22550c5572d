"""Page: the patient file — list, new patient, history, progress, export and erasure."""

from __future__ import annotations

import datetime as dt
import logging

import streamlit as st

from formcheck.engine.metrics import METRICS
from formcheck.i18n import METRIC_LABELS, tr
from formcheck.outputs import charts
from formcheck.outputs.compare import metric_history
from formcheck.outputs.report import ReportHeader, ReportSession, format_value, progress_report, speed_text
from formcheck.store import Recording, Store, StoreError
from formcheck.ui.access import audit, audit_opened, may, open_store
from formcheck.ui.actions import export_bytes, export_file_name, open_comparison
from formcheck.ui.state import analyses, lang
from formcheck.ui.messages import error_message, local_note, md_text
from formcheck.ui.widgets import CARD_ORDER, _fmt_date, report_settings_panel

log = logging.getLogger("formcheck.ui")


def patients_page() -> None:
    L = lang()
    st.title(tr("patients_title", L))
    st.caption(local_note(L))
    store = open_store()
    if store is None:
        return
    if msg := st.session_state.pop("patients_msg", None):
        st.success(msg)
    if msg := st.session_state.pop("patients_warning", None):
        st.warning(msg)
    everyone = store.patient_overview()
    with st.expander(tr("patient_new", L), expanded=not everyone):
        _add_patient_form(store)
    if not everyone:
        st.info(tr("no_patients", L))
        return
    q = st.text_input(tr("patient_search", L), key="patient_search")
    found = store.patient_overview(q) if q.strip() else everyone
    if not found:
        st.info(tr("no_match", L, q=q))
        return
    st.dataframe([{tr("patient", L): p["pseudonym"],
                   tr("col_birth_year", L): str(p["birth_year"]) if p["birth_year"] else "",  # never "None"
                   tr("n_sessions", L): p["n_sessions"],
                   tr("last_session", L): _fmt_date(p["last_session"], L) if p["last_session"] else ""}
                  for p in found], width="stretch", hide_index=True)
    ids = [p["id"] for p in found]
    names = {p["id"]: p["pseudonym"] for p in found}
    if st.session_state.get("patient_id") not in ids:
        st.session_state["patient_id"] = ids[0]
    pid = st.selectbox(tr("patient", L), ids, key="patient_id", format_func=lambda i: names[i])
    patient_view(store, pid)


def _add_patient_form(store: Store) -> None:
    L = lang()
    with st.form("add_patient", clear_on_submit=True, border=False):
        name = st.text_input(tr("pseudonym", L), key="new_pseudonym")
        c1, c2, c3 = st.columns(3)
        birth = c1.number_input(tr("birth_year", L), min_value=0, max_value=dt.date.today().year, value=0, step=1,
                                key="new_birth_year")
        height = c2.number_input(tr("height_cm", L), min_value=0, max_value=250, value=0, step=1, key="new_height")
        leg = c3.number_input(tr("leg_length_cm", L), min_value=0, max_value=150, value=0, step=1, key="new_leg")
        notes = st.text_area(tr("patient_notes", L), key="new_notes", height=70)
        if not st.form_submit_button(tr("add_patient", L)):
            return
    if not name.strip():
        st.error(tr("need_pseudonym", L))
        return
    try:
        p = store.add_patient(name, birth_year=int(birth) or None, height_cm=float(height) or None,
                              leg_length_cm=float(leg) or None, notes=notes)
    except StoreError as exc:
        st.error(error_message(exc, L))
        return
    st.session_state["patient_id"] = p.id
    st.session_state["patients_msg"] = tr("patient_added", L, name=md_text(p.pseudonym))
    st.rerun()


def _x_labels(recs: list[Recording], lang_: str) -> list[str]:
    """Session dates for a chart axis; sessions on the same day get their number appended."""
    days = [_fmt_date(r.recorded_on, lang_) for r in recs]
    return [d if days.count(d) == 1 else f"{d} #{r.id}" for d, r in zip(days, recs)]


def patient_view(store: Store, pid: int) -> None:
    L = lang()
    try:
        p = store.patient(pid)
    except StoreError as exc:
        st.error(error_message(exc, L))
        return
    recs = store.sessions(pid)
    audit_opened(pid)
    st.subheader(md_text(p.pseudonym))
    facts = [f"{tr('col_birth_year', L)} {p.birth_year}" if p.birth_year else "",
             f"{p.height_cm:.0f} cm" if p.height_cm else "",
             f"{tr('col_leg_length', L)} {p.leg_length_cm:.0f} cm" if p.leg_length_cm else "",
             f"{tr('speed_short', L)} {speed_text(p.speed_mps, L)}" if p.speed_mps else "",
             md_text(p.notes) if p.notes else ""]
    if any(facts):
        st.caption(" · ".join(f for f in facts if f))

    st.markdown(f"#### {tr('session_history', L)}")
    if not recs:
        st.info(tr("no_sessions", L))
    else:
        cad = "cadence_spm"
        st.dataframe([{tr("date", L): _fmt_date(r.recorded_on, L), tr("source", L): r.video_name,
                       tr("view", L): tr(r.view, L), tr("col_tags", L): ", ".join(r.tags),
                       METRIC_LABELS[cad][L]: format_value((r.result.get("metrics") or {}).get(cad) or {},
                                                           METRICS[cad][0], L),
                       tr("session_notes", L): r.notes, tr("version", L): r.formcheck_version, "#": r.id}
                      for r in recs], width="stretch", hide_index=True)

    settings = report_settings_panel("patients")
    if len(recs) >= 2:
        _compare_buttons(store, p.pseudonym, recs)
        _progress(recs)
        _progress_pdf(p.pseudonym, recs, settings)
    elif recs:
        st.caption(tr("need_two_sessions", L))

    st.markdown("---")
    _export_and_delete(store, p, len(recs))


def _compare_buttons(store: Store, pseudonym: str, recs: list[Recording]) -> None:
    L = lang()
    st.markdown(f"#### {tr('page_compare', L)}")
    if st.button(tr("compare_previous", L), key="cmp_prev_btn", type="primary"):
        with st.spinner(tr("loading_session", L)):
            open_comparison(store, recs[-2].id, recs[-1].id)
    with st.expander(tr("compare_two", L)):
        ids = [r.id for r in recs]
        label = {r.id: f"{_fmt_date(r.recorded_on, L)} · {r.video_name} · #{r.id}"
                 + (f" ({', '.join(r.tags)})" if r.tags else "") for r in recs}
        c1, c2 = st.columns(2)
        a = c1.selectbox(tr("before", L), ids, index=0, key="cmp_any_a", format_func=label.get)
        b = c2.selectbox(tr("after", L), ids, index=len(ids) - 1, key="cmp_any_b", format_func=label.get)
        if st.button(tr("compare_these", L), key="cmp_any_btn"):
            if a == b:
                st.warning(tr("same_session", L))
            else:
                with st.spinner(tr("loading_session", L)):
                    open_comparison(store, a, b)


def _progress(recs: list[Recording]) -> None:
    L = lang()
    st.markdown(f"#### {tr('progress', L)}")
    st.caption(tr("progress_caption", L))
    xs = _x_labels(recs, L)
    sessions = list(zip(xs, [r.result for r in recs]))
    names = [n for n in CARD_ORDER if any(((r.result.get("metrics") or {}).get(n) or {}).get("value") is not None
                                          for r in recs)]
    for i in range(0, len(names), 2):
        cols = st.columns(2)
        for col, name in zip(cols, names[i:i + 2]):
            col.plotly_chart(charts.progress_chart(metric_history(sessions, name), name, L), width="stretch",
                             key=f"progress-{name}")


def _progress_pdf(pseudonym: str, recs: list[Recording], settings: dict) -> None:
    """The progress report of all sessions as a download (kept per patient, sessions, language and settings)."""
    L = lang()
    header = ReportHeader(patient=pseudonym, therapist=settings.get("therapist", ""),
                          practice=settings.get("practice", ""), address=settings.get("address", "du"))
    key = ("progress_pdf", L, header, tuple(r.id for r in recs))
    cache = st.session_state.setdefault("progress_pdfs", {})
    if key not in cache:
        cache.clear()  # one at a time: another patient's report is not kept in the tab
        cache[key] = progress_report([ReportSession(r.result, r.video_name or "", r.recorded_on) for r in recs], L,
                                     header=header)
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in pseudonym)[:60] or "patient"
    st.download_button(tr("dl_progress_pdf", L), cache[key], f"{safe}_progress.pdf", "application/pdf",
                       key="dl-progress-pdf")


def _export_and_delete(store: Store, p, n_sessions: int) -> None:
    L = lang()
    c1, c2 = st.columns(2)
    with c1:
        key = f"export-{p.id}"
        if st.button(tr("export_patient", L), key="export_btn"):
            st.session_state.pop(key, None)  # never offer an older export after a failed one
            if (data := export_bytes(store, p.id)) is not None:
                st.session_state[key] = data
        if key in st.session_state:
            st.download_button(tr("download_export", L), st.session_state[key], export_file_name(p.pseudonym),
                               "application/zip", key="export_dl")
    with c2:
        with st.expander(tr("delete_patient", L)):
            if not may("erase"):
                st.caption(tr("erase_admins_only", L))
                return
            sure = st.checkbox(tr("confirm_delete", L, name=md_text(p.pseudonym)), key=f"confirm-del-{p.id}")
            if st.button(tr("delete_patient", L), key="delete_btn", disabled=not sure):
                try:
                    removed = store.delete_patient(p.id)
                except StoreError as exc:
                    if exc.code != "erase_pending":  # refused: the patient is still there
                        st.error(f"**{tr('error_title', L)}** – {error_message(exc, L)}")
                        return
                    st.session_state["patients_warning"] = error_message(exc, L)
                    removed = []
                audit("erase_patient", patient_id=p.id)
                prefix = f"{p.pseudonym} · "
                for label, e in list(analyses().items()):  # its files are gone: drop it from this browser session
                    if label.startswith(prefix) or p.id in e.saved:
                        del analyses()[label]
                st.session_state.pop(f"export-{p.id}", None)
                st.session_state.pop("progress_pdfs", None)  # its progress report goes with it
                st.session_state["patients_msg"] = tr("deleted", L, name=md_text(p.pseudonym), n=len(removed))
                st.rerun()
