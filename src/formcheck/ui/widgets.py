"""Dashboard pieces shown on several pages: messages, metric cards, the filming guide, the save panel.

Display only: every number comes from the analysis result, every figure from
:mod:`formcheck.outputs.charts`, every drawing from :mod:`formcheck.outputs.render`;
errors become plain messages in the page language (never a traceback).
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from pathlib import Path
from typing import NoReturn

import streamlit as st

from formcheck.engine.metrics import METRICS
from formcheck.engine.registry import CARD_ORDER as REGISTRY_CARD_ORDER
from formcheck.errors import FormcheckError
from formcheck.i18n import FLAG_WORDS, METRIC_LABELS, number, reason_text, tr
from formcheck.outputs import render
from formcheck.outputs.report import ReportHeader, format_value, normal_text
from formcheck.store import Recording, StoreError
from formcheck.store.settings import ADDRESSES, REPORT_DEFAULTS, report_settings, save_report_settings
from formcheck.ui.access import audit, current, open_store
from formcheck.ui.messages import error_message, md_text
from formcheck.ui.state import MAX_UPLOAD_MB, UPLOAD_TYPES, Entry, lang

log = logging.getLogger("formcheck.ui")


#: traffic light from a metric's flag (coloured dot and word; no emoji font needed)
LIGHT = {"ok": ":green[●]", "watch": ":orange[●]", "flag": ":red[●]", None: ":gray[○]"}


#: Metric cards in the order a therapist reads them (from the registry).
CARD_ORDER = REGISTRY_CARD_ORDER

#: The cards of the patient mode, in the registry's card order; a clip shows the first three it measured. Each is
#: something the runner can change while running and can feel without a camera, and each is what a cue asks for:
#: cadence (a number a watch or a metronome shows; "shorter, quicker steps"), then in a side view where the heel lands
#: ahead of the hip ("land with your foot under your body") and the trunk lean ("run tall", "lean from the ankles"),
#: in a rear view the pelvic drop ("keep your belt level") and the step width ("give each foot its own lane"). The knee
#: and shank angles follow from where the foot lands, and contact time, duty factor, oscillation or asymmetry need a
#: norm to be read: therapist cards.
PATIENT_CARDS = [n for n in CARD_ORDER if n in ("cadence_spm", "heel_ahead_of_hip_ic_pct_leg", "trunk_lean_deg",
                                                 "pelvic_drop_deg", "step_width_pct_hip")]


#: A walker's cards in patient mode: the rhythm (cadence; "walk to an even beat"), the swing knee ("lift your knee a
#: bit more") and the trunk ("walk tall"), each what a walking cue of gaits.md asks for.
PATIENT_CARDS_WALK = ["cadence_spm", "knee_flexion_swing_peak_deg", "trunk_lean_deg"]


def patient_cards(metrics: dict, gait: str | None = None) -> list[str]:
    """The (at most three) cards a patient sees for a result's ``metrics``: the first of :data:`PATIENT_CARDS`
    (:data:`PATIENT_CARDS_WALK` for ``gait="walk"``) with a value (a card without one would only say why, in a
    therapist's words)."""
    cards = PATIENT_CARDS_WALK if gait == "walk" else PATIENT_CARDS
    return [n for n in cards if (metrics.get(n) or {}).get("value") is not None][:3]


def check_upload(name: str, size_bytes: int, lang_: str) -> str | None:
    """A friendly message when an upload cannot be used (type or size), else None."""
    ext = Path(name).suffix.lower().lstrip(".")
    if ext not in UPLOAD_TYPES:
        return tr("error_type", lang_, name=name)
    if size_bytes > MAX_UPLOAD_MB * 1024 * 1024:
        return tr("error_too_big", lang_, mb=size_bytes / 1024 / 1024, limit=MAX_UPLOAD_MB)
    return None










def pose_progress_text(done: int, total: int, elapsed_s: float, L: str) -> str:
    """'Posenmodell: 340 von 1200 Bildern, noch etwa 12 s' (time left from the rate so far)."""
    left = elapsed_s / done * max(total - done, 0) if done else 0.0
    return tr("pose_progress", L, done=done, total=total, left=int(round(left)))


def samples(root: Path) -> list[Path]:
    return sorted((root / "sample_videos").glob("*.mp4"))


def filming_guide(expanded: bool) -> None:
    L = lang()
    with st.expander(tr("filming_guide", L), expanded=expanded):
        c1, c2 = st.columns([3, 2])
        with c1:
            st.markdown("\n".join(f"- {p}" for p in tr("filming_points", L)))
        with c2:
            st.image(render.filming_diagram(L), width="stretch")


def metric_card(name: str, m: dict, far_side: str | None = None) -> None:
    """One metric: value, flag, left/right (the far leg's marked in a side view), normal range, confidence."""
    L = lang()
    unit = METRICS[name][0]
    with st.container(border=True):
        flag = m.get("flag")
        word = f" {FLAG_WORDS[flag][L]}" if flag in FLAG_WORDS else ""
        st.markdown(f"**{METRIC_LABELS[name][L]}** {LIGHT.get(flag, LIGHT[None])}{word}")
        st.markdown(f"### {format_value(m, unit, L)}")
        if m.get("value") is None:
            st.caption(reason_text(m.get("reason_code"), m.get("reason_params"), L) or m.get("reason") or "")
            return
        lr = []
        for side in ("left", "right"):
            if m.get(side) is not None:
                lr.append(f"{tr(side, L)} {number(m[side], L)}" + (f" ({tr('far_short', L)})" if side == far_side else ""))
        if lr:
            st.caption(" · ".join(lr))
        normal = normal_text(name, m, L)
        if normal:
            extra = f" – *{tr('starting_value', L)}*" if m.get("starting_value") else ""
            st.caption(f"{tr('normal', L)}: {normal}{extra}")
        st.caption(f"{tr('confidence', L)}: {tr(m['confidence'], L)} · n = {m.get('n', 0)} {tr('steps', L)}"
                   + (f" · {'; '.join(_confidence_reasons(m, L))}" if m.get("confidence_reasons") else ""))


def patient_card(name: str, m: dict, gait: str | None = None) -> None:
    """One metric for the patient: its name, its value and what it means in plain words (no norms, no flags;
    a walker's in words for walking)."""
    L = lang()
    with st.container(border=True):
        st.markdown(f"**{METRIC_LABELS[name][L]}**")
        st.markdown(f"### {format_value(m, METRICS[name][0], L)}")
        st.caption(tr(f"patient_card_walk_{name}" if gait == "walk" else f"patient_card_{name}", L))


def _confidence_reasons(m: dict, L: str) -> list[str]:
    """The metric's confidence reasons in ``L`` (the stored English sentence where a code is unknown)."""
    codes = m.get("confidence_reason_codes") or [{}] * len(m["confidence_reasons"])
    return [reason_text(c.get("code"), c.get("params"), L) or text for text, c in zip(m["confidence_reasons"], codes)]


def model_choice(L: str) -> None:
    """Radio for the pose model variant (kept in ``st.session_state['model_variant']``)."""
    from formcheck.io.provision import DEFAULT_VARIANT, VARIANTS

    def label(v: str) -> str:
        return tr(f"model_{v}", L) + (f" – {tr('model_default', L)}" if v == DEFAULT_VARIANT else "")
    st.session_state.setdefault("model_variant", DEFAULT_VARIANT)
    st.radio(tr("model_choice", L), list(VARIANTS), format_func=label, horizontal=True, key="model_variant")


def model_line(result: dict, L: str) -> str:
    """Which pose model produced a result, e.g. "Posenmodell: ausgewogen (pose_landmarker_full.task), 2 Prozesse"."""
    p = result.get("pose", {})
    variant = p.get("variant")
    chunks = int(p.get("chunks") or 1)
    return tr("model_line", L, variant=tr(f"model_{variant}", L) if variant else "–", file=p.get("model", "?"),
              chunks=chunks, procs=tr("process_one" if chunks == 1 else "process_many", L))


def _fmt_date(d: dt.date, lang_: str) -> str:
    return d.strftime("%d.%m.%Y") if lang_ == "de" else d.isoformat()


def fmt_when(when: dt.datetime, lang_: str) -> str:
    """Date and time as the page's language writes them ("02.12.2026 14:05" / "2026-12-02 14:05")."""
    return f"{_fmt_date(when.date(), lang_)} {when.strftime('%H:%M')}"


def entry_name(entry: Entry, lang_: str) -> str:
    """How an analysis is named in lists: when it was made (a stored session: its day) and what it shows."""
    when = fmt_when(entry.when, lang_) if entry.timed else _fmt_date(entry.when.date(), lang_)
    return f"{when} · {entry.title or Path(entry.label).name}"


def session_label(pseudonym: str, rec: Recording, lang_: str) -> str:
    """The name a stored session carries in the dashboard's list of analyses (unique by id)."""
    return f"{pseudonym} · {_fmt_date(rec.recorded_on, lang_)} · #{rec.id}"


def reopen_list() -> None:
    """Sidebar: this browser session's analyses, newest first; one click shows it on the analyse page again."""
    from formcheck.ui.state import analyses

    have = analyses()
    if not have:
        return
    L = lang()
    st.caption(f"**{tr('earlier_analyses', L)}**")
    for i, (label, entry) in enumerate(sorted(have.items(), key=lambda kv: kv[1].when, reverse=True)):
        if st.button(md_text(entry_name(entry, L)), key=f"reopen-{i}-{label}", type="tertiary", width="stretch"):
            st.session_state["current"] = label
            st.session_state["goto"] = "analyse"
            st.rerun()


def _tags(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def save_panel(entry: Entry) -> None:
    """One form to keep the shown analysis in a patient's file (new or existing patient)."""
    L = lang()
    if msg := st.session_state.pop("save_msg", None):  # outside the expander, which closes on the rerun
        st.success(msg, icon=":material/check:")
    if refused := st.session_state.pop("save_refused", None):  # why not saved: also outside, and the form kept open
        kind, msg = refused
        (st.info if kind == "info" else st.error)(msg)
    # kept open while the patient is being chosen: the choice reruns the page, and a
    # collapsed-by-default expander would close under the user's hand
    with st.expander(tr("save_title", L), expanded=st.session_state.pop("save_choosing", False)):
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
        if st.session_state.get("save_patient") not in options:
            st.session_state.pop("save_patient", None)
        # outside the form, so that choosing an existing patient hides the new pseudonym's field at once
        pid = st.selectbox(tr("patient", L), options, key="save_patient",
                           format_func=lambda i: names.get(i, tr("save_new_patient", L)),
                           on_change=lambda: st.session_state.update(save_choosing=True))
        with st.form(f"save-{entry.label}", clear_on_submit=False, border=False):
            new_name = st.text_input(tr("save_new_name", L), key="save_new_name") if not pid else ""
            day = st.date_input(tr("session_date", L), value=dt.date.today(), key="save_date",
                                format="DD.MM.YYYY" if L == "de" else "YYYY-MM-DD")
            tags = st.text_input(tr("tags", L), key="save_tags")
            notes = st.text_area(tr("session_notes", L), key="save_notes", height=80)
            submitted = st.form_submit_button(tr("save", L), type="primary")
        if not submitted:
            return
        if pid in entry.saved:
            _refuse("info", tr("already_saved", L, name=md_text(names[pid])))
        try:
            if not pid:
                if not new_name.strip():
                    _refuse("error", tr("need_pseudonym", L))
                pid = store.add_patient(new_name).id
                names[pid] = new_name.strip()
            rec = store.save_session(pid, entry.path, entry.result, recorded_on=day, notes=notes,
                                     tags=_tags(tags), video_name=entry.name)
        except FormcheckError as exc:
            _refuse("error", f"**{tr('error_title', L)}** – {error_message(exc, L)}")
        except Exception as exc:
            log.error("saving the session failed: %s", traceback.format_exc())
            _refuse("error", f"**{tr('error_title', L)}** – {tr('error_unexpected', L, kind=type(exc).__name__)}")
        entry.saved[pid] = rec.id
        audit("save", patient_id=pid, session_id=rec.id)
        st.session_state["save_reset"] = pid
        st.session_state["save_msg"] = tr("saved", L, date=_fmt_date(rec.recorded_on, L), name=md_text(names[pid]))
        st.rerun()


def _refuse(kind: str, msg: str) -> NoReturn:
    """Say why the save form did not save, and keep the form open with what was typed (reruns the page).

    Said above the form, as the success message: the form sits in an expander, which the rerun after the
    submit collapses (it was drawn open while the patient was being chosen) and a message inside would go with it.
    """
    st.session_state["save_refused"] = (kind, msg)
    st.session_state["save_choosing"] = True
    st.rerun()


def _scope() -> str:
    who = current()
    return who.username if who is not None else ""


def report_settings_panel(key: str) -> dict:
    """The remembered report settings (therapist, practice, du/Sie) with a form to change them; returns them.

    ``key`` keeps the widgets of two pages apart. Without a usable database the defaults are returned.
    """
    L = lang()
    store = open_store()
    if store is None:
        return dict(REPORT_DEFAULTS)
    try:
        settings = report_settings(store, _scope())
    except StoreError as exc:
        st.error(error_message(exc, L))
        return dict(REPORT_DEFAULTS)
    with st.expander(tr("report_settings", L)):
        st.caption(tr("report_settings_caption", L))
        with st.form(f"report-settings-{key}", border=False):
            c1, c2 = st.columns(2)
            therapist = c1.text_input(tr("report_therapist", L), value=settings["therapist"], max_chars=120,
                                      key=f"rs-therapist-{key}")
            practice = c2.text_input(tr("report_practice", L), value=settings["practice"], max_chars=120,
                                     key=f"rs-practice-{key}")
            address = st.radio(tr("report_address", L), ADDRESSES, index=ADDRESSES.index(settings["address"]),
                               horizontal=True, key=f"rs-address-{key}",
                               format_func=lambda a: tr(f"report_address_{a}", L))
            if st.form_submit_button(tr("report_settings_save", L)):
                try:
                    settings = save_report_settings(store, _scope(), therapist=therapist, practice=practice,
                                                    address=address)
                    st.success(tr("report_settings_saved", L))
                except StoreError as exc:
                    st.error(error_message(exc, L))
    return settings


def report_header(entry: Entry, settings: dict) -> ReportHeader:
    """The PDF header of an analysis: its patient (stored, or the one it was saved for), date, real clip name."""
    patient = entry.patient
    if not patient and entry.saved:
        store = open_store()
        try:
            patient = store.patient(next(iter(entry.saved))).pseudonym if store is not None else ""
        except StoreError:  # erased meanwhile
            patient = ""
    return ReportHeader(patient=patient, therapist=settings.get("therapist", ""),
                        practice=settings.get("practice", ""), session_date=entry.recorded_on or dt.date.today(),
                        clip_name=entry.name, address=settings.get("address", "du"))
