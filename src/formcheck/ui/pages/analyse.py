"""Page: analyse one clip (upload or sample) and show its results."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import streamlit as st

from formcheck import pipeline
from formcheck.engine.metrics import METRICS
from formcheck.contract import measurable
from formcheck.engine.speed import SPEED_RANGE_KMH, check_speed
from formcheck.engine.registry import card_order
from formcheck.errors import FormcheckError
from formcheck.i18n import METRIC_LABELS, STRIKE_NAMES, number, reason_text, tr, view_text
from formcheck.outputs import charts, render
from formcheck.outputs.export import strides_table
from formcheck.outputs.report import far_leg, format_value, pdf_report
from formcheck.ui.access import open_store
from formcheck.ui.actions import draw_video, run_analysis, store_upload, video_in
from formcheck.ui.state import MAX_UPLOAD_MB, UPLOAD_TYPES, Entry, analyses, lang, patient_mode
from formcheck.ui.messages import local_note, md_text
from formcheck.ui.widgets import (check_upload, filming_guide, metric_card, model_choice, model_line,
                                  patient_card, patient_cards, report_header, report_settings_panel, samples,
                                  save_panel)

log = logging.getLogger("formcheck.ui")


def _cues(r: dict, L: str, *, with_values: bool) -> None:
    st.markdown(f"#### {tr('cues', L)}")
    if r["cues"]:
        for c in r["cues"][:3]:  # the engine gives at most three; the patient never sees more
            unit = METRICS[c["metric"]][0]
            value = (f"  \n*{METRIC_LABELS[c['metric']][L]}: {format_value({'value': c['value']}, unit, L)}*"
                     if with_values else "")
            st.success(f"**{c['priority']}.** {c['text']}{value}", icon=":material/directions_run:")
        for adv in r.get("advice", []):
            st.caption(adv)
    else:
        st.info(tr("no_cues", L))


def _quality(r: dict, L: str) -> None:
    st.markdown(f"#### {tr('quality', L)}")
    if r["quality"]["warnings"]:
        for w in r["quality"]["warnings"]:
            st.warning(w["message"], icon=":material/warning:")
    else:
        st.caption(tr("quality_ok", L))


def _video(entry: Entry, L: str) -> None:
    st.markdown(f"#### {tr('video', L)}")
    if video_in(entry, L):
        v = entry.result.get("video") or {}
        if (v.get("height") or 0) > (v.get("width") or 0) > 0:  # portrait: as tall as a laptop screen, not wider
            col, _ = st.columns([2, 3])
            col.video(entry.video)
        else:
            st.video(entry.video)
    else:  # analysed for a comparison, without the annotated video: say so, and offer it
        st.caption(tr("video_not_drawn", L))
        if st.button(tr("draw_video", L), key=f"draw-video-{entry.label}"):
            draw_video(entry)
            st.rerun()


def _bout_choice(r: dict, label: str, L: str) -> dict:
    """With several bouts of moving gait: their timeline and a choice; ``r`` as the chosen bout shows it.

    The main bout (the top-level values) is chosen at first. The chosen bout's view, metrics, foot strike, cues
    and advice replace the clip's; events, strides and curves stay the whole clip's.
    """
    bouts = r.get("bouts") or []
    moving = [i for i, b in enumerate(bouts) if b["kind"] != "standing"]
    if len(moving) < 2:
        return r
    st.markdown(f"#### {tr('bouts', L)}")
    main = next((i for i in moving if bouts[i]["main"]), moving[0])
    pick = st.radio(tr("bout_pick", L), moving, index=moving.index(main), horizontal=True, key=f"bout-{label}",
                    format_func=lambda i: charts.bout_label(bouts[i], L))
    st.plotly_chart(charts.bout_timeline(bouts, L, pick), width="stretch", key=f"bouts-{label}")
    st.caption(tr("bout_scope", L))
    if pick == main:
        return r
    b = bouts[pick]
    return {**r, "view": b["view"], "metrics": b["metrics"], "foot_strike": b["foot_strike"], "cues": b["cues"],
            "advice": b["advice"], "foot_strike_uncertain": {}, "foot_strike_reasons": {}}


def patient_results(entry: Entry) -> None:
    """Patient mode: the cues, the filming feedback, three cards and the video; nothing a patient cannot act on."""
    L = lang()
    r = entry.analysis.result_in(L)  # as the therapist mode: the live result in the page language
    st.subheader(md_text(entry.name))
    st.caption(tr("patient_intro_walk" if (r.get("view") or {}).get("gait") == "walk" else "patient_intro", L))
    _cues(r, L, with_values=False)
    _quality(r, L)
    gait = (r.get("view") or {}).get("gait")
    names = patient_cards(r["metrics"], gait)
    if names:
        st.markdown(f"#### {tr('patient_numbers', L)}")
        for col, name in zip(st.columns(3), names):
            with col:
                patient_card(name, r["metrics"][name], gait)
    _video(entry, L)


def results(entry: Entry) -> None:
    if patient_mode():
        patient_results(entry)
        return
    L = lang()
    a = entry.analysis
    r = a.result_in(L)
    st.subheader(md_text(entry.name if entry.stored is None else entry.label))
    r = _bout_choice(r, entry.label, L)
    v = r["view"]
    st.markdown(view_text(v, L))
    if (speed := (r.get("analysis") or {}).get("speed_mps")) is not None:
        st.markdown(tr("speed_line", L, kmh=number(speed * 3.6, L, 1), mps=number(speed, L, 2)))
    st.caption(model_line(entry.result, L))

    _cues(r, L, with_values=True)
    _quality(r, L)

    st.markdown(f"#### {tr('metrics', L)}")
    names = [n for n in card_order(v.get("gait")) if n in r["metrics"]
             and measurable(r["metrics"][n])]
    for i in range(0, len(names), 3):
        cols = st.columns(3)
        for col, name in zip(cols, names[i:i + 3]):
            with col:
                metric_card(name, r["metrics"][name], far_side=far_leg(r, name))
    strike = {s: c for s, c in r.get("foot_strike", {}).items() if c}
    if strike:
        not_read = [reason_text(x.get("code"), x.get("params"), L) or x.get("text", "")
                    for x in (r.get("foot_strike_reasons") or {}).values() if x]
        st.caption(f"{METRIC_LABELS['foot_strike_angle_ic_deg'][L]}: "
                   + ", ".join(f"{tr(s, L)}: {STRIKE_NAMES[c][L]}"
                               + (f" ({tr('uncertain', L)})" if (r.get("foot_strike_uncertain") or {}).get(s) else "")
                               for s, c in strike.items())
                   + "".join(f" – {x}" for x in not_read))

    _video(entry, L)

    if any(entry.key_frames.values()):
        st.markdown(f"#### {tr('key_frames', L)}")
        for side, frames in entry.key_frames.items():
            if not frames:
                continue
            st.markdown(f"**{tr('leg', L).capitalize()} {tr(side, L)}**")
            cols = st.columns(3)
            for col, ev in zip(cols, render.KEY_EVENTS):
                if ev in frames:
                    col.image(frames[ev], caption=tr(ev, L), width="stretch")

    st.markdown(f"#### {tr('charts', L)}")
    st.plotly_chart(charts.angles_over_time(a, L), width="stretch", key=f"time-{entry.label}")
    if a.clean.plane == "sagittal":
        c1, c2 = st.columns(2)
        c1.plotly_chart(charts.cycle_curves([a], "knee_flexion", L), width="stretch", key=f"knee-{entry.label}")
        c2.plotly_chart(charts.cycle_curves([a], "hip_extension", L), width="stretch", key=f"hip-{entry.label}")

    st.markdown(f"#### {tr('strides', L)}")
    if r["strides"]:
        st.dataframe(strides_table(r, L), width="stretch", hide_index=True)

    st.markdown(f"#### {tr('downloads', L)}")
    header = report_header(entry, report_settings_panel("analyse"))
    stem = Path(entry.name).stem
    c = st.columns(4)
    c[0].download_button(tr("dl_json", L), json.dumps(r, indent=2, ensure_ascii=False), f"{stem}.json",
                         "application/json", key=f"dlj-{entry.label}")
    c[1].download_button(tr("dl_csv", L), pipeline.strides_csv(r), f"{stem}_steps.csv", "text/csv",
                         key=f"dlc-{entry.label}")
    if entry.video:
        c[2].download_button(tr("dl_mp4", L), Path(entry.video).read_bytes(), f"{stem}_annotated.mp4", "video/mp4",
                             key=f"dlm-{entry.label}")
    c[3].download_button(tr("dl_pdf", L), session_pdf(entry, r, L, header), f"{stem}_report.pdf",
                         "application/pdf", key=f"dlp-{entry.label}")


    save_panel(entry)


def session_pdf(entry: Entry, r: dict, L: str, header) -> bytes:
    """The session report of ``entry`` (made once per language and header, then kept with the entry)."""
    key = (L, header)
    if key not in entry.reports:
        if len(entry.reports) >= 4:  # a few languages and headers; older ones are made again when asked for
            entry.reports.clear()
        entry.reports[key] = pdf_report(r, L, entry.key_frames, header=header, analysis=entry.analysis)
    return entry.reports[key]


def _remembered_speed() -> tuple[int, str, float] | None:
    """The patient chosen in the save form, and the treadmill speed last saved for them (m/s), if any."""
    pid = st.session_state.get("save_patient")
    if not pid:
        return None
    store = open_store()
    if store is None:
        return None
    try:
        p = store.patient(pid)
    except FormcheckError:  # erased meanwhile, or the database is gone
        return None
    return (pid, p.pseudonym, p.speed_mps) if p.speed_mps else None


def speed_input(L: str) -> tuple[float | None, bool]:
    """The treadmill speed field (km/h or m/s; 0 = not known): ``(speed in m/s or None, usable)``.

    Remembered per patient (:meth:`formcheck.store.Store.patient_speed`): when a patient is chosen in the save
    form and the field is empty, it takes the speed last saved for them, once, and says so; the next analysis
    uses it.
    """
    remembered = _remembered_speed()
    c1, c2 = st.columns([2, 1])
    unit = c2.radio(tr("speed_unit", L), ["kmh", "mps"], horizontal=True, key="speed_unit",
                    format_func=lambda u: tr(f"speed_{u}", L))
    if remembered and not st.session_state.get("speed_value") \
            and st.session_state.get("speed_filled_for") != remembered[0]:
        st.session_state["speed_value"] = round(remembered[2] * (3.6 if unit == "kmh" else 1.0), 1)
        st.session_state["speed_filled_for"] = remembered[0]
    st.session_state.setdefault("speed_value", 0.0)
    value = c1.number_input(tr("speed", L), min_value=0.0, max_value=25.0, step=0.5, format="%.1f",
                            key="speed_value", help=tr("speed_help", L))
    if remembered:
        st.caption(tr("speed_of_patient", L, name=md_text(remembered[1]), kmh=number(remembered[2] * 3.6, L, 1)))
    if not value:
        return None, True
    mps = float(value) / 3.6 if unit == "kmh" else float(value)
    try:
        return check_speed(mps), True
    except FormcheckError:
        lo, hi = SPEED_RANGE_KMH
        st.error(tr("speed_bad", L, lo=number(lo, L, 0), hi=number(hi, L, 0), lo_mps=number(lo / 3.6, L, 1),
                    hi_mps=number(hi / 3.6, L, 1)))
        return None, False


def analyse_page(root: Path, default_sample: Path | None) -> None:
    L = lang()
    st.title(tr("app_title", L))
    st.caption(local_note(L))
    filming_guide(expanded=not analyses())
    clips = samples(root)
    src = st.radio(tr("source", L), ["sample", "upload"], horizontal=True, key="source_kind",
                   format_func=lambda k: tr("source_sample" if k == "sample" else "source_upload", L))
    path = None
    if src == "sample" and clips:
        names = [p.name for p in clips]
        idx = names.index(default_sample.name) if default_sample and default_sample.name in names else 0
        # a choice made before (kept over a language switch by state.keep_widgets) wins over the default
        kw = {} if st.session_state.get("sample_choice") in names else {"index": idx}
        choice = st.selectbox(tr("source_sample", L), names, key="sample_choice", **kw)
        path = root / "sample_videos" / choice
    elif src == "upload":
        up = st.file_uploader(tr("upload_label", L, mb=MAX_UPLOAD_MB), type=list(UPLOAD_TYPES), key="uploader")
        if up is not None:
            problem = check_upload(up.name, up.size, L)
            if problem:
                st.error(problem)
            else:
                path = store_upload(up.name, up.getvalue())
                st.session_state["upload_name"] = up.name
    with st.expander(tr("options", L)):
        model_choice(L)
        # no default where the value is kept over a language switch (state.keep_widgets): the kept value holds
        cap = st.number_input(tr("capture_fps", L), min_value=0, max_value=1000, step=30, key="capture_fps",
                              **({} if "capture_fps" in st.session_state else {"value": 0}))
        height = st.number_input(tr("height_cm", L), min_value=0, max_value=250, step=1, key="height_cm",
                                 **({} if "height_cm" in st.session_state else {"value": 0}))
    speed_mps, speed_ok = speed_input(L)
    label_btn = tr("analyse_sample", L) if src == "sample" else tr("analyse", L)
    if st.button(label_btn, type="primary", disabled=path is None or not speed_ok, key="analyse_btn"):
        label = st.session_state.get("upload_name") if src == "upload" and path is not None else path.name
        run_analysis(label or path.name, path, capture_fps=float(cap) or None, height_cm=float(height) or None,
                     speed_mps=speed_mps)
    current = st.session_state.get("current")
    if current and current in analyses():
        results(analyses()[current])
    elif not analyses():
        st.info(tr("no_analysis", L))
