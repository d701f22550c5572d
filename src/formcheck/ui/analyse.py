"""Streamlit pages: analyse one clip, compare two. Display only.

Every number comes from :func:`formcheck.pipeline.analyze`; every figure from
:mod:`formcheck.outputs.charts`, every drawing from :mod:`formcheck.outputs.render`. This module
arranges them, keeps the session's analyses in ``st.session_state`` and turns
errors into plain messages (never a traceback).

Session state
-------------
``lang``            "de" | "en" (German by default)
``analyses``        label -> :class:`Entry` (this browser session's analyses)
``current``         label of the analysis shown on the analyse page
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from formcheck import pipeline, tempfiles
from formcheck.outputs import charts
from formcheck.outputs import render
from formcheck.outputs.compare import compare_results
from formcheck.config import cache_dir
from formcheck.errors import FormcheckError
from formcheck.engine.metrics import METRICS
from formcheck.engine.registry import CARD_ORDER as REGISTRY_CARD_ORDER
from formcheck.outputs.report import far_leg, format_value, pdf_report
from formcheck.i18n import ERRORS, FLAG_WORDS, METRIC_LABELS, STRIKE_NAMES, norm_typical, reason_text, tr

log = logging.getLogger("formcheck.ui.analyse")

#: Must match ``server.maxUploadSize`` in .streamlit/config.toml (checked by a test).
MAX_UPLOAD_MB = 500
UPLOAD_TYPES = ("mp4", "mov", "avi", "webm", "m4v")
#: traffic light from a metric's flag (coloured dot and word; no emoji font needed)
LIGHT = {"ok": ":green[●]", "watch": ":orange[●]", "flag": ":red[●]", None: ":gray[○]"}
#: Metric cards in the order a therapist reads them (from the registry).
CARD_ORDER = REGISTRY_CARD_ORDER


@dataclass
class Entry:
    """One analysis kept in the session."""

    label: str
    path: str
    analysis: object
    lang: str
    capture_fps: float | None = None
    height_cm: float | None = None
    model_variant: str | None = None
    video: str | None = None
    key_frames: dict = field(default_factory=dict)
    stored: dict | None = None  # a saved session's result as it was saved (numbers shown from it)
    saved: dict = field(default_factory=dict)  # patient id -> session id this analysis was saved as

    @property
    def result(self) -> dict:
        """The numbers to show: as saved for a stored session, else the live analysis."""
        return self.stored if self.stored is not None else self.analysis.result


# ------------------------------------------------------------------ helpers
def lang() -> str:
    return st.session_state.get("lang", "de")


def analyses() -> dict:
    return st.session_state.setdefault("analyses", {})


PAGES = ("analyse", "compare", "patients")


def apply_navigation() -> None:
    """Switch page when a button asked for it (call before the page selector is drawn)."""
    goto = st.session_state.pop("goto", None)
    if goto in PAGES:
        st.session_state["page"] = goto


def check_upload(name: str, size_bytes: int, lang_: str) -> str | None:
    """A friendly message when an upload cannot be used (type or size), else None."""
    ext = Path(name).suffix.lower().lstrip(".")
    if ext not in UPLOAD_TYPES:
        return tr("error_type", lang_, name=name)
    if size_bytes > MAX_UPLOAD_MB * 1024 * 1024:
        return tr("error_too_big", lang_, mb=size_bytes / 1024 / 1024, limit=MAX_UPLOAD_MB)
    return None


def local_note(lang_: str) -> str:
    """Where the data stay: this computer, or the clinic's server in clinic mode."""
    from formcheck.store.clinic import clinic_mode

    return tr("local_note_clinic" if clinic_mode() else "local_note", lang_)


def error_message(exc: FormcheckError, lang_: str) -> str:
    """The error in plain words in ``lang_`` (by its code), with the specific reason as detail (markdown-safe)."""
    plain = ERRORS.get(getattr(exc, "code", ""), {}).get(lang_)
    detail = md_text(exc)  # the reason can quote user text (a pseudonym, a file name): shown as typed
    return f"{plain}  \n*{detail}*" if plain else detail


def store_upload(name: str, data: bytes) -> Path:
    """Keep an uploaded clip under the data folder, named by its content (written atomically)."""
    digest = hashlib.sha256(data).hexdigest()
    folder = cache_dir("uploads")
    path = folder / f"{digest[:16]}-{digest[16:32]}{Path(name).suffix.lower()}"
    if not path.exists():
        with tempfiles.for_target(path) as tmp:
            tmp.path.write_bytes(data)
            tmp.commit(path)
    return path


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:^=&\"'])")


def md_text(text) -> str:
    """User text (a pseudonym, a note, a file name) made safe for Streamlit markdown: shown as typed.

    Every ASCII punctuation character gets a backslash (CommonMark renders an
    escaped character literally), so ``![n](http://host/x.png)`` in a note is
    shown as those characters and never fetched as an image; newlines become
    spaces.
    """
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def pose_progress_text(done: int, total: int, elapsed_s: float, L: str) -> str:
    """'Posenmodell: 340 von 1200 Bildern, noch etwa 12 s' (time left from the rate so far)."""
    left = elapsed_s / done * max(total - done, 0) if done else 0.0
    return tr("pose_progress", L, done=done, total=total, left=int(round(left)))


def _run_analysis(label: str, path: Path, *, capture_fps=None, height_cm=None, draw_video: bool = True,
                  make_current: bool = True, model_variant: str | None = None) -> Entry | None:
    """Analyse with a progress bar; errors become messages. Returns the entry or None."""
    L = lang()
    model_variant = model_variant or st.session_state.get("model_variant")
    bar = st.progress(0.0, text=tr("analysing", L))
    t0 = time.monotonic()

    def frames_done(done: int, total: int) -> None:
        bar.progress(min(done / total, 1.0) * 0.8, text=pose_progress_text(done, total, time.monotonic() - t0, L))
    try:
        a = pipeline.analyze(path, capture_fps=capture_fps or None, lang=L, runner_height_cm=height_cm or None,
                             on_frames=frames_done, model_variant=model_variant)
        entry = Entry(label=label, path=str(path), analysis=a, lang=L, capture_fps=capture_fps, height_cm=height_cm,
                      model_variant=model_variant)
        if draw_video:
            bar.progress(0.8, text=tr("rendering", L))
            entry.video = str(_annotated_video(a, lambda f: bar.progress(0.8 + 0.18 * f, text=tr("rendering", L))))
        if a.clean.plane == "sagittal":
            entry.key_frames = {s: render.key_frames(a, s) for s in ("left", "right")}
    except FormcheckError as exc:
        bar.empty()
        st.error(f"**{tr('error_title', L)}** – {error_message(exc, L)}")
        return None
    except Exception as exc:  # never a traceback in the page; the console keeps it for the developer
        bar.empty()
        log.error("analysis failed: %s", traceback.format_exc())
        st.error(f"**{tr('error_title', L)}** – {tr('error_unexpected', L, kind=type(exc).__name__)}")
        return None
    bar.progress(1.0, text=tr("done", L))
    analyses()[label] = entry
    if make_current:
        st.session_state["current"] = label
    return entry


def _annotated_video(a, progress=None) -> Path:
    from formcheck.io.pose import video_digest

    key = hashlib.sha256(json.dumps([a.result["pose"]["model_sha256"], a.result["formcheck_version"],
                                     a.result["events"]]).encode()).hexdigest()[:16]
    out = cache_dir("annotated") / f"{video_digest(Path(a.info.path))[:16]}-{key}.mp4"
    if not out.exists():
        render.write_annotated_video(a, out, progress=progress)
    return out


def _ensure_language(entry: Entry) -> Entry:
    """Re-run the engine in the current language (the pose is cached, so this is quick)."""
    if entry.lang == lang():
        return entry
    try:
        a = pipeline.analyze(entry.path, capture_fps=entry.capture_fps or None, lang=lang(),
                             runner_height_cm=entry.height_cm or None, model_variant=entry.model_variant)
    except Exception:  # keep showing the old language rather than failing
        log.error("re-analysis for language switch failed: %s", traceback.format_exc())
        return entry
    entry.analysis, entry.lang = a, lang()
    return entry


def samples(root: Path) -> list[Path]:
    return sorted((root / "sample_videos").glob("*.mp4"))


# ------------------------------------------------------------------ pieces
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
                lr.append(f"{tr(side, L)} {m[side]:.1f}" + (f" ({tr('far_short', L)})" if side == far_side else ""))
        if lr:
            st.caption(" · ".join(lr))
        normal = norm_typical(name, (m.get("normal") or {}).get("typical"), L)
        if normal:
            extra = f" – *{tr('starting_value', L)}*" if m.get("starting_value") else ""
            st.caption(f"{tr('normal', L)}: {normal}{extra}")
        st.caption(f"{tr('confidence', L)}: {tr(m['confidence'], L)} · n = {m.get('n', 0)} {tr('steps', L)}"
                   + (f" · {'; '.join(_confidence_reasons(m, L))}" if m.get("confidence_reasons") else ""))


def _confidence_reasons(m: dict, L: str) -> list[str]:
    """The metric's confidence reasons in ``L`` (the stored English sentence where a code is unknown)."""
    codes = m.get("confidence_reason_codes") or [{}] * len(m["confidence_reasons"])
    return [reason_text(c.get("code"), c.get("params"), L) or text for text, c in zip(m["confidence_reasons"], codes)]


def results(entry: Entry) -> None:
    L = lang()
    a = _ensure_language(entry).analysis
    r = a.result
    v = r["view"]
    st.subheader(md_text(Path(entry.label).name))
    st.markdown(tr("view_line", L, plane=tr(v["plane"], L), facing=tr(v["facing"], L), direction=tr(v["direction"], L),
                   setting=tr(v["setting"], L), gait=tr(v["gait"], L)))
    st.caption(model_line(entry.result, L))

    st.markdown(f"#### {tr('cues', L)}")
    if r["cues"]:
        for c in r["cues"]:
            unit = METRICS[c["metric"]][0]
            st.success(f"**{c['priority']}.** {c['text']}  \n"
                       f"*{METRIC_LABELS[c['metric']][L]}: {format_value({'value': c['value']}, unit, L)}*",
                       icon=":material/directions_run:")
        for adv in r.get("advice", []):
            st.caption(adv)
    else:
        st.info(tr("no_cues", L))

    st.markdown(f"#### {tr('quality', L)}")
    if r["quality"]["warnings"]:
        for w in r["quality"]["warnings"]:
            st.warning(w["message"], icon=":material/warning:")
    else:
        st.caption(tr("quality_ok", L))

    st.markdown(f"#### {tr('metrics', L)}")
    names = [n for n in CARD_ORDER if n in r["metrics"]
             and not (r["metrics"][n]["value"] is None and (r["metrics"][n].get("reason") or "").startswith("needs a"))]
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

    if entry.video:
        st.markdown(f"#### {tr('video', L)}")
        st.video(entry.video)

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
        st.dataframe(r["strides"], width="stretch", hide_index=True)

    st.markdown(f"#### {tr('downloads', L)}")
    stem = Path(entry.label).stem
    c = st.columns(4)
    c[0].download_button(tr("dl_json", L), json.dumps(r, indent=2, ensure_ascii=False), f"{stem}.json",
                         "application/json", key=f"dlj-{entry.label}")
    c[1].download_button(tr("dl_csv", L), pipeline.strides_csv(r), f"{stem}_steps.csv", "text/csv",
                         key=f"dlc-{entry.label}")
    if entry.video:
        c[2].download_button(tr("dl_mp4", L), Path(entry.video).read_bytes(), f"{stem}_annotated.mp4", "video/mp4",
                             key=f"dlm-{entry.label}")
    c[3].download_button(tr("dl_pdf", L), pdf_report(r, L, entry.key_frames), f"{stem}_report.pdf",
                         "application/pdf", key=f"dlp-{entry.label}")

    from formcheck.ui.patients import save_panel  # it builds on this module

    save_panel(entry)


# ------------------------------------------------------------------ pages
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
        choice = st.selectbox(tr("source_sample", L), names, index=idx, key="sample_choice")
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
        cap = st.number_input(tr("capture_fps", L), min_value=0, max_value=1000, value=0, step=30, key="capture_fps")
        height = st.number_input(tr("height_cm", L), min_value=0, max_value=250, value=0, step=1, key="height_cm")
    label_btn = tr("analyse_sample", L) if src == "sample" else tr("analyse", L)
    if st.button(label_btn, type="primary", disabled=path is None, key="analyse_btn"):
        label = st.session_state.get("upload_name") if src == "upload" and path is not None else path.name
        _run_analysis(label or path.name, path, capture_fps=float(cap) or None, height_cm=float(height) or None)
    current = st.session_state.get("current")
    if current and current in analyses():
        results(analyses()[current])
    elif not analyses():
        st.info(tr("no_analysis", L))


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
                _run_analysis(p.name, p, draw_video=False)
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
    ea, eb = _ensure_language(have[a_label]), _ensure_language(have[b_label])
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
                     tr("difference", L): "" if ch.diff is None else f"{ch.diff:+.1f}",
                     tr("noise_floor", L): "" if ch.noise_floor is None else f"± {ch.noise_floor:.1f}",
                     tr("verdict", L): tr(ch.verdict, L)})
    st.dataframe(rows, width="stretch", hide_index=True)

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
