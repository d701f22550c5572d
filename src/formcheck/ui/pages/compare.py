"""Page: two analyses side by side: can they be compared, then the differences and the noise-floor verdict.

Nothing is preselected: the page opens on the pair a button chose (the bundled before/after pair, or two
sessions from the patient file) or waits for the user to choose two. The older analysis is always "before".
Whether the two recordings can be compared (view, gait, direction, setting, facing, body proportions) is said
before the table; a metric they make not comparable gets no verdict.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import traceback
from pathlib import Path

import streamlit as st

from formcheck.config import cache_dir
from formcheck.engine.metrics import METRICS
from formcheck.i18n import METRIC_LABELS, number, say, signed, tr
from formcheck.outputs import charts, render
from formcheck.outputs.charts import bout_label
from formcheck.outputs.compare import Comparability, comparability, compare_results, matched
from formcheck.outputs.report import ReportHeader, ReportSession, comparison_report, format_value, speed_text
from formcheck.ui.actions import run_analysis
from formcheck.ui.state import Entry, analyses, lang
from formcheck.ui.messages import local_note
from formcheck.ui.widgets import entry_name, report_header, report_settings_panel, samples

log = logging.getLogger("formcheck.ui")

#: how each aspect's two values are said (None: a number, the body ratios)
_VALUE_WORDS = {"plane", "gait", "direction", "setting", "facing"}


def _checked_result(entry: Entry) -> dict:
    """The result the comparison reads: the saved numbers, with the body proportions from the clip when an
    older saved result lacks them (the stored video is analysed again for the curves anyway)."""
    r = entry.result
    if (r.get("analysis") or {}).get("body") is None and entry.stored is not None:
        live = (entry.analysis.result.get("analysis") or {}).get("body")
        if live is not None:
            r = {**r, "analysis": {**(r.get("analysis") or {}), "body": live}}
    return r


def _say_value(aspect: str, value, L: str) -> str:
    if aspect == "speed":
        return speed_text(value, L)
    return tr(value, L) if aspect in _VALUE_WORDS else number(value, L, 2)


def comparability_notice(c: Comparability, L: str) -> None:
    """What differs and which metrics get no verdict; or that the two can be compared. Shown before the table."""
    if c.mismatches:
        lines = [tr("cmp_not_comparable", L)]
        for m in c.mismatches:
            lines.append("- " + say(f"ui.cmp_aspect_diff.{m.aspect}", L, before=_say_value(m.aspect, m.before, L),
                                    after=_say_value(m.aspect, m.after, L), tol=number(m.tolerance or 0, L, 2)))
        if set(c.not_comparable) >= {n for n in METRICS}:
            last = tr("cmp_none_comparable", L)
        else:
            last = tr("cmp_metrics_not_comparable", L,
                      metrics=", ".join(METRIC_LABELS[n][L] for n in c.not_comparable))
        # a paragraph of its own: after a plain line break markdown would run it on into the last list item
        st.warning("\n".join(lines) + "\n\n" + last, icon=":material/warning:")
    else:
        st.success(tr("cmp_comparable", L), icon=":material/check:")
    if c.unchecked:
        st.caption(tr("cmp_unchecked", L, what=", ".join(tr("cmp_aspect", L)[a] for a in c.unchecked)))


def _sample_pair(root: Path) -> tuple[Path, Path] | None:
    after = next((p for p in samples(root) if p.stem.endswith("_after")), None)
    return None if after is None else (after.with_name(after.name.replace("_after", "")), after)


def compare_page(root: Path) -> None:
    L = lang()
    st.title(tr("compare_title", L))
    st.caption(local_note(L))
    have = analyses()
    if len(have) < 2:
        st.info(tr("compare_need_two", L))
    pair = _sample_pair(root)
    if pair and st.button(tr("compare_sample", L), key="compare_sample_btn"):
        entries = [have.get(p.name) or run_analysis(p.name, p, draw_video=False, make_current=False) for p in pair]
        if None not in entries:
            before, after = entries
            if after.when <= before.when:  # analysed in the other order (or in the same second): "after" is later
                after.when = before.when + dt.timedelta(seconds=1)
            # select exactly this pair: the widgets' own state, not just a default they would ignore
            st.session_state["cmp_a_select"], st.session_state["cmp_b_select"] = before.label, after.label
            st.rerun()  # redraw without the "needs two analyses" hint
    have = analyses()
    if len(have) < 2:
        return
    labels = sorted(have, key=lambda k: have[k].when)  # date order: the older first
    for k, default in (("cmp_a_select", "cmp_a"), ("cmp_b_select", "cmp_b")):  # a pair chosen by another page
        if (chosen := st.session_state.pop(default, None)) in labels:
            st.session_state[k] = chosen
        if st.session_state.get(k) not in labels:
            st.session_state.pop(k, None)
    name = {k: entry_name(have[k], L) for k in labels}  # options are plain text, not markdown
    c1, c2 = st.columns(2)
    a_label = c1.selectbox(tr("before", L), labels, index=None, key="cmp_a_select", format_func=name.get,
                           placeholder=tr("cmp_pick", L))
    b_label = c2.selectbox(tr("after", L), labels, index=None, key="cmp_b_select", format_func=name.get,
                           placeholder=tr("cmp_pick", L))
    if a_label is None or b_label is None:
        st.info(tr("cmp_choose", L))
        return
    if a_label == b_label:
        st.warning(tr("same_session", L))
        return
    ea, eb = have[a_label], have[b_label]
    if ea.when > eb.when:
        ea, eb = eb, ea
        st.caption(tr("cmp_swapped", L))
    a, b = ea.analysis, eb.analysis
    ra, rb, bout_a, bout_b = matched(_checked_result(ea), _checked_result(eb))
    for bout, which in ((bout_a, "before"), (bout_b, "after")):
        if bout is not None:  # a walk with the other session's walking bout, a run with its running bout
            st.info(tr("cmp_bout", L, which=tr(which, L), bout=bout_label(bout, L)))

    checked = comparability(ra, rb)
    comparability_notice(checked, L)  # before any verdict

    st.markdown(f"#### {tr('differences', L)}")
    if ea.stored is not None or eb.stored is not None:
        st.caption(tr("stored_note", L, va=ra.get("formcheck_version", "?"), vb=rb.get("formcheck_version", "?")))
    rows = []
    for ch in compare_results(ra, rb, checked):
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
        key = hashlib.sha256(f"{a.result['events']}|{b.result['events']}|{L}".encode()).hexdigest()[:16]
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
        ra, rb, _, _ = matched(ea.result, eb.result)  # like with like, as on the page
        sessions = [ReportSession(r, e.name, h.session_date, e.analysis, e.key_frames)
                    for r, e, h in ((ra, ea, ha), (rb, eb, hb))]
        patient = ha.patient if ha.patient == hb.patient else ""
        eb.reports[key] = comparison_report(*sessions, L, header=ReportHeader(
            patient=patient, therapist=ha.therapist, practice=ha.practice, address=ha.address))
    st.download_button(tr("dl_compare_pdf", L), eb.reports[key],
                       f"{Path(ea.name).stem}_{Path(eb.name).stem}_comparison.pdf", "application/pdf",
                       key="dl-compare-pdf")
