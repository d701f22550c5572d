"""What the dashboard does on a click: analyse a clip, render its annotated video, open stored sessions, export.

A stored session opened for comparison keeps the numbers it was saved with
(``Entry.stored``); its video is re-analysed from the stored file (pose
cache) only to draw key frames, the side-by-side video and the curves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import time
import traceback
from pathlib import Path

import streamlit as st

from formcheck import pipeline, tempfiles
from formcheck.config import cache_dir
from formcheck.errors import FormcheckError, write_error
from formcheck.i18n import tr
from formcheck.outputs import render
from formcheck.outputs.report import export_reports
from formcheck.store import Store
from formcheck.store.settings import report_settings
from formcheck.ui.access import audit, audit_opened, current
from formcheck.ui.state import Entry, analyses, lang
from formcheck.ui.messages import error_message, md_text
from formcheck.ui.widgets import pose_progress_text, session_label

log = logging.getLogger("formcheck.ui")


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


def run_analysis(label: str, path: Path, *, capture_fps=None, height_cm=None, draw_video: bool = True,
                  make_current: bool = True, model_variant: str | None = None,
                  speed_mps: float | None = None) -> Entry | None:
    """Analyse with a progress bar; errors become messages. Returns the entry or None."""
    L = lang()
    model_variant = model_variant or st.session_state.get("model_variant")
    bar = st.progress(0.0, text=tr("analysing", L))
    t0 = time.monotonic()

    def frames_done(done: int, total: int) -> None:
        bar.progress(min(done / total, 1.0) * 0.8, text=pose_progress_text(done, total, time.monotonic() - t0, L))
    try:
        a = pipeline.analyze(path, capture_fps=capture_fps or None, lang=L, runner_height_cm=height_cm or None,
                             on_frames=frames_done, model_variant=model_variant, speed_mps=speed_mps)
        entry = Entry(label=label, path=str(path), analysis=a, capture_fps=capture_fps, height_cm=height_cm,
                      speed_mps=speed_mps,
                      model_variant=model_variant, when=dt.datetime.now().replace(microsecond=0),
                      title=Path(label).name)
        if draw_video:
            bar.progress(0.8, text=tr("rendering", L))
            entry.video = str(annotated_video(a, lambda f: bar.progress(0.8 + 0.18 * f, text=tr("rendering", L)), L))
            entry.video_lang = L
        if a.clean.plane == "sagittal":  # one size for the page and the PDF: labels that read in print
            entry.key_frames = {s: render.key_frames(a, s, **render.PRINT_KEY_FRAMES) for s in ("left", "right")}
    except FormcheckError as exc:
        bar.empty()
        st.error(f"**{tr('error_title', L)}** – {error_message(exc, L, name=Path(label).name, path=path)}")
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


def annotated_video(a, progress=None, lang: str = "de") -> Path:
    """The annotated clip with its labels in ``lang`` (cached per clip, result and language)."""
    from formcheck.io.pose import video_digest

    key = hashlib.sha256(json.dumps([a.result["pose"]["model_sha256"], a.result["formcheck_version"],
                                     a.result["events"], lang]).encode()).hexdigest()[:16]
    out = cache_dir("annotated") / f"{video_digest(Path(a.info.path))[:16]}-{key}.mp4"
    if not out.exists():
        render.write_annotated_video(a, out, progress=progress, lang=lang)
    return out


def video_in(entry: Entry, lang: str) -> str | None:
    """The entry's annotated video with labels in ``lang``: drawn again (once, then cached) after a language switch."""
    if entry.video and entry.video_lang != lang:
        try:
            with st.spinner(tr("rendering", lang)):
                entry.video = str(annotated_video(entry.analysis, lang=lang))
            entry.video_lang = lang
        except Exception:
            log.error("annotated video failed: %s", traceback.format_exc())
    return entry.video


def draw_video(entry: Entry) -> None:
    """Draw the annotated video of an entry analysed without one (for a comparison)."""
    L = lang()
    bar = st.progress(0.0, text=tr("rendering", L))
    try:
        entry.video = str(annotated_video(entry.analysis, lambda f: bar.progress(min(f, 1.0), text=tr("rendering", L)),
                                          L))
        entry.video_lang = L
    except Exception as exc:
        log.error("annotated video failed: %s", traceback.format_exc())
        st.error(f"**{tr('error_title', L)}** – {tr('error_unexpected', L, kind=type(exc).__name__)}")
    bar.empty()


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
    entry = run_analysis(label, path, capture_fps=rec.capture_fps, height_cm=patient.height_cm, draw_video=False,
                          make_current=False, speed_mps=rec.speed_mps)  # the session's own speed
    if entry is not None:
        entry.stored = rec.result
        saved = rec.created_at.time() if rec.created_at else dt.time()
        entry.when = dt.datetime.combine(rec.recorded_on, saved).replace(microsecond=0)  # the session's day
        entry.timed = False
        entry.title = f"{patient.pseudonym} · {rec.video_name or path.name}"
        entry.saved[patient.id] = rec.id
        entry.clip_name, entry.patient, entry.recorded_on = rec.video_name or "", patient.pseudonym, rec.recorded_on
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


def report_scope() -> str:
    """Whose report settings this tab uses: the clinic login's user name, or "" for one user on one computer."""
    who = current()
    return who.username if who is not None else ""


def export_bytes(store: Store, patient_id: int) -> bytes | None:
    """The patient's export zip with its PDF reports in the page language, or None after showing why it cannot be made.

    The zip is built in the data folder's ``tmp/`` (swept if the server is killed) and removed again at once;
    a missing stored video, a full disk or any other failure is a message, not a traceback.
    """
    L = lang()
    try:
        with tempfiles.TempFile(".zip", store.home) as tmp:  # in the data folder's tmp/, removed at once
            reports = export_reports(L, report_settings(store, report_scope()))
            data = store.export_patient(patient_id, tmp.path, reports=reports).read_bytes()
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
