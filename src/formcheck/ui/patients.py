"""Streamlit pieces for the patient file: save from the analyse page, patient list, history, progress.

Display only: rows come from :class:`formcheck.store.Store`, progress from
:func:`formcheck.outputs.compare.metric_history`, figures from
:func:`formcheck.outputs.charts.progress_chart`. A stored session opened for comparison
keeps the numbers it was saved with (``Entry.stored``); its video is
re-analysed from the stored file (pose cache) only to draw key frames, the
side-by-side video and the curves.

Session state
-------------
``patient_id``       the patient shown on the patients page
``goto``             a page to switch to on the next run (see :func:`formcheck.ui.analyse.apply_navigation`)
``cmp_a``/``cmp_b``  labels of the analyses the compare page opens with
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import traceback
from pathlib import Path

import streamlit as st

from formcheck import tempfiles
from formcheck.outputs import charts
from formcheck.outputs.compare import metric_history
from formcheck.ui.access import audit, audit_opened, may, open_store
from formcheck.ui.analyse import (CARD_ORDER, Entry, _run_analysis, analyses, error_message, lang, local_note,
                                 md_text)
from formcheck.errors import FormcheckError, write_error
from formcheck.outputs.report import format_value
from formcheck.engine.metrics import METRICS
from formcheck.store import Recording, Store, StoreError
from formcheck.i18n import METRIC_LABELS, tr

log = logging.getLogger("formcheck.ui.analyse")


def _fmt_date(d: dt.date, lang_: str) -> str:
    return d.strftime("%d.%m.%Y") if lang_ == "de" else d.isoformat()


def session_label(pseudonym: str, rec: Recording, lang_: str) -> str:
    """The name a stored session carries in the dashboard's list of analyses (unique by id)."""
    return f"{pseudonym} · {_fmt_date(rec.recorded_on, lang_)} · #{rec.id}"


def _tags(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


# ------------------------------------------------------------------ save from the analyse page
def save_panel(entry: Entry) -> None:
    """One form to keep the shown analysis in a patient's file (new or existing patient)."""
    L = lang()
    if msg := st.session_state.pop("save_msg", None):  # outside the expander, which closes on the rerun
        st.success(msg, icon=":material/check:")
    with st.expander(tr("save_title", L), expanded=False):
        store = open_store()
        if store is None:
            return
        if (pid := st.session_state.pop("save_reset", None)) is not None:  # after a save: the form shows that patient
            st.session_state.update(save_patient=pid, save_new_name="", save_tags="", save_notes="")
        for pid in entry.saved:
            try:
                name = store.patient(pid).pseudonym
            except StoreError:  # erased meanwhile
                continue
            st.caption(tr("already_saved", L, name=md_text(name)))
        patients = store.patient_overview()
        options = [0] + [p["id"] for p in patients]
        names = {p["id"]: p["pseudonym"] for p in patients}
        with st.form(f"save-{entry.label}", clear_on_submit=False, border=False):
            pid = st.selectbox(tr("patient", L), options, key="save_patient",
                               format_func=lambda i: names.get(i, tr("save_new_patient", L)))
            new_name = st.text_input(tr("save_new_name", L), key="save_new_name")
            day = st.date_input(tr("session_date", L), value=dt.date.today(), key="save_date",
                                format="DD.MM.YYYY" if L == "de" else "YYYY-MM-DD")
            tags = st.text_input(tr("tags", L), key="save_tags")
            notes = st.text_area(tr("session_notes", L), key="save_notes", height=80)
            submitted = st.form_submit_button(tr("save", L), type="primary")
        if not submitted:
            return
        if pid in entry.saved:
            st.info(tr("already_saved", L, name=md_text(names[pid])))
            return
        try:
            if not pid:
                if not new_name.strip():
                    st.error(tr("need_pseudonym", L))
                    return
                pid = store.add_patient(new_name).id
                names[pid] = new_name.strip()
            rec = store.save_session(pid, entry.path, entry.analysis.result, recorded_on=day, notes=notes,
                                     tags=_tags(tags), video_name=Path(entry.label).name)
        except FormcheckError as exc:
            st.error(f"**{tr('error_title', L)}** – {error_message(exc, L)}")
            return
        except Exception as exc:
            log.error("saving the session failed: %s", traceback.format_exc())
            st.error(f"**{tr('error_title', L)}** – {tr('error_unexpected', L, kind=type(exc).__name__)}")
            return
        entry.saved[pid] = rec.id
        audit("save", patient_id=pid, session_id=rec.id)
        st.session_state["save_reset"] = pid
        st.session_state["save_msg"] = tr("saved", L, date=_fmt_date(rec.recorded_on, L), name=md_text(names[pid]))
        st.rerun()


# ------------------------------------------------------------------ opening stored sessions
def load_session(store: Store, session_id: int) -> Entry | None:
    """A stored session as a dashboard entry: saved numbers, pose re-derived from the stored video."""
    L = lang()
    rec = store.session(session_id)
    patient = store.patient(rec.patient_id)
    audit_opened(rec.patient_id)
    label = session_label(patient.pseudonym, rec, L)
    have = analyses()
    if label in have:
        return have[label]
    path = store.video_path(rec.video_sha256, rec.video_ext)
    if not path.exists():
        st.error(tr("missing_video", L, name=md_text(rec.video_name or path.name)))
        return None
    entry = _run_analysis(label, path, capture_fps=rec.capture_fps, height_cm=patient.height_cm, draw_video=False,
                          make_current=False)
    if entry is not None:
        entry.stored = rec.analysis
    return entry


def open_comparison(store: Store, before_id: int, after_id: int) -> None:
    """Load two stored sessions and switch to the compare page with them selected."""
    entries = [load_session(store, i) for i in (before_id, after_id)]
    if None in entries:
        return
    st.session_state["cmp_a"], st.session_state["cmp_b"] = entries[0].label, entries[1].label
    for widget in ("cmp_a_select", "cmp_b_select"):  # let the compare page open on this pair
        st.session_state.pop(widget, None)
    st.session_state["goto"] = "compare"
    st.rerun()


# ------------------------------------------------------------------ the patients page
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
    st.dataframe([{tr("patient", L): p["pseudonym"], tr("col_birth_year", L): p["birth_year"],
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
                       METRIC_LABELS[cad][L]: format_value((r.analysis.get("metrics") or {}).get(cad) or {},
                                                           METRICS[cad][0], L),
                       tr("session_notes", L): r.notes, tr("version", L): r.formcheck_version, "#": r.id}
                      for r in recs], width="stretch", hide_index=True)

    if len(recs) >= 2:
        _compare_buttons(store, p.pseudonym, recs)
        _progress(recs)
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
    sessions = list(zip(xs, [r.analysis for r in recs]))
    names = [n for n in CARD_ORDER if any(((r.analysis.get("metrics") or {}).get(n) or {}).get("value") is not None
                                          for r in recs)]
    for i in range(0, len(names), 2):
        cols = st.columns(2)
        for col, name in zip(cols, names[i:i + 2]):
            col.plotly_chart(charts.progress_chart(metric_history(sessions, name), name, L), width="stretch",
                             key=f"progress-{name}")


def _export_bytes(store: Store, patient_id: int) -> bytes | None:
    """The patient's export zip, or None after showing in the page language why it cannot be made.

    The zip is built in the data folder's ``tmp/`` (swept if the server is killed) and removed again at once;
    a missing stored video, a full disk or any other failure is a message, not a traceback.
    """
    L = lang()
    try:
        with tempfiles.TempFile(".zip", store.home) as tmp:  # in the data folder's tmp/, removed at once
            data = store.export_patient(patient_id, tmp.path).read_bytes()
        audit("export", patient_id=patient_id)
        return data
    except FormcheckError as exc:
        st.error(f"**{tr('error_title', L)}** – {error_message(exc, L)}")
    except OSError as exc:  # the temporary folder itself (a full disk)
        st.error(f"**{tr('error_title', L)}** – {error_message(write_error(exc, str(store.home / 'tmp')), L)}")
    except Exception as exc:
        log.error("exporting patient %s failed: %s", patient_id, traceback.format_exc())
        st.error(f"**{tr('error_title', L)}** – {tr('export_failed', L, kind=type(exc).__name__)}")
    return None


def export_file_name(pseudonym: str) -> str:
    """``formcheck-<pseudonym>.zip`` with only letters, digits, ``.``, ``-`` and ``_`` of the pseudonym."""
    safe = re.sub(r"[^\w.-]+", "_", pseudonym).strip("._") or "patient"
    return f"formcheck-{safe[:60]}.zip"


def _export_and_delete(store: Store, p, n_sessions: int) -> None:
    L = lang()
    c1, c2 = st.columns(2)
    with c1:
        key = f"export-{p.id}"
        if st.button(tr("export_patient", L), key="export_btn"):
            st.session_state.pop(key, None)  # never offer an older export after a failed one
            if (data := _export_bytes(store, p.id)) is not None:
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
                st.session_state["patients_msg"] = tr("deleted", L, name=md_text(p.pseudonym), n=len(removed))
                st.rerun()
