"""Page: two analyses side by side, with the before/after differences and the noise-floor verdict."""

from __future__ import annotations

import hashlib
import logging
import traceback
from pathlib import Path

import streamlit as st

from formcheck.config import cache_dir
from formcheck.engine.metrics import METRICS
from formcheck.i18n import METRIC_LABELS, number, signed, tr
from formcheck.outputs import charts, render
from formcheck.outputs.compare import compare_results
from formcheck.outputs.report import ReportHeader, ReportSession, comparison_report, format_value
from formcheck.ui.actions import run_analysis
from formcheck.ui.state import Entry, analyses, lang
from formcheck.ui.messages import local_note
from formcheck.ui.widgets import report_header, report_settings_panel, samples

log = logging.getLogger("formcheck.ui")


def compare_page(root: Path) -> None:
    L = lang()
    st.title(tr("compare_title", L))
    st.caption(local_note(L))
    have = analyses()
    clips = samples(root)
    if len(have) < 2:
        st.info(tr("compare_need_two", L))
    pair = [p for p in clips if p.stem.endswith("_after")]
    if pair and st.button(tr("compare_sample", L), key="compare_sample_btn"):
        after = pair[0]
        before = after.with_name(after.name.replace("_after", ""))
        for p in (before, after):
            if p.name not in have:
                run_analysis(p.name, p, draw_video=False)
        if before.name in analyses() and after.name in analyses():
            st.session_state["cmp_a"], st.session_state["cmp_b"] = before.name, after.name
            st.rerun()  # redraw without the "needs two analyses" hint
    have = analyses()
    if len(have) < 2:
        return
    labels = list(have)
    c1, c2 = st.columns(2)
    a_label = c1.selectbox(tr("before", L), labels, index=labels.index(st.session_state.get("cmp_a", labels[0]))
                           if st.session_state.get("cmp_a") in labels else 0, key="cmp_a_select")
    b_default = st.session_state.get("cmp_b") if st.session_state.get("cmp_b") in labels else labels[-1]
    b_label = c2.selectbox(tr("after", L), labels, index=labels.index(b_default), key="cmp_b_select")
    ea, eb = have[a_label], have[b_label]
    a, b = ea.analysis, eb.analysis

    st.markdown(f"#### {tr('differences', L)}")
    rows = []
    if ea.stored is not None or eb.stored is not None:
        st.caption(tr("stored_note", L, va=ea.result.get("formcheck_version", "?"),
                      vb=eb.result.get("formcheck_version", "?")))
    for ch in compare_results(ea.result, eb.result):
        unit = METRICS[ch.name][0]
        rows.append({tr("metric", L): METRIC_LABELS[ch.name][L],
                     tr("before", L): format_value({"value": ch.before}, unit, L),
                     tr("after", L): format_value({"value": ch.after}, unit, L),
                     tr("difference", L): "" if ch.diff is None else signed(ch.diff, L),
                     tr("noise_floor", L): "" if ch.noise_floor is None else f"± {number(ch.noise_floor, L)}",
                     tr("verdict", L): tr(ch.verdict, L)})
    st.dataframe(rows, width="stretch", hide_index=True)
    _comparison_pdf(ea, eb)

    st.markdown(f"#### {tr('synced_videos', L)}")
    try:
        from formcheck.io.pose import video_digest

        da, db = video_digest(Path(ea.path))[:16], video_digest(Path(eb.path))[:16]
        key = hashlib.sha256(f"{a.result['events']}|{b.result['events']}".encode()).hexdigest()[:16]
        out = cache_dir("compare") / f"{da}-{db}-{key}.mp4"
        if not out.exists():
            with st.spinner(tr("rendering", L)):
                render.side_by_side(a, b, out, labels=(tr("before", L), tr("after", L)))
        st.video(str(out))
    except Exception:
        log.error("side-by-side video failed: %s", traceback.format_exc())

    if a.clean.plane == "sagittal" and b.clean.plane == "sagittal":
        st.markdown(f"#### {tr('key_frames', L)}")
        for entry in (ea, eb):
            if not entry.key_frames:
                entry.key_frames = {s: render.key_frames(entry.analysis, s) for s in ("left", "right")}
        side_a = a.result["analysis"]["near_side"]
        side_b = b.result["analysis"]["near_side"]
        for ev in render.KEY_EVENTS:
            fa, fb = ea.key_frames.get(side_a, {}).get(ev), eb.key_frames.get(side_b, {}).get(ev)
            if fa is None or fb is None:
                continue
            c1, c2 = st.columns(2)
            c1.image(fa, caption=f"{tr('before', L)} · {tr(ev, L)}", width="stretch")
            c2.image(fb, caption=f"{tr('after', L)} · {tr(ev, L)}", width="stretch")
        st.markdown(f"#### {tr('charts', L)}")
        c1, c2 = st.columns(2)
        lab = [tr("before", L), tr("after", L)]
        c1.plotly_chart(charts.cycle_curves([a, b], "knee_flexion", L, lab), width="stretch", key="cmp-knee")
        c2.plotly_chart(charts.cycle_curves([a, b], "hip_extension", L, lab), width="stretch", key="cmp-hip")


def _comparison_pdf(ea: Entry, eb: Entry) -> None:
    """The comparison report of the two shown analyses as a download (made once per language and header)."""
    L = lang()
    settings = report_settings_panel("compare")
    ha, hb = report_header(ea, settings), report_header(eb, settings)
    key = ("compare", L, ha, hb)
    if key not in eb.reports:
        if len(eb.reports) >= 4:
            eb.reports.clear()
        for e in (ea, eb):
            if not e.key_frames and e.analysis.clean.plane == "sagittal":
                e.key_frames = {s: render.key_frames(e.analysis, s, **render.PRINT_KEY_FRAMES)
                                for s in ("left", "right")}
        sessions = [ReportSession(e.result, e.name, h.session_date, e.analysis, e.key_frames)
                    for e, h in ((ea, ha), (eb, hb))]
        patient = ha.patient if ha.patient == hb.patient else ""
        eb.reports[key] = comparison_report(*sessions, L, header=ReportHeader(
            patient=patient, therapist=ha.therapist, practice=ha.practice, address=ha.address))
    st.download_button(tr("dl_compare_pdf", L), eb.reports[key],
                       f"{Path(ea.name).stem}_{Path(eb.name).stem}_comparison.pdf", "application/pdf",
                       key="dl-compare-pdf")
