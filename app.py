"""formcheck dashboard (Streamlit). Thin: every number comes from the library.

Run with ``make run``. The full analysis pages arrive with the dashboard issue;
until then this page analyses a bundled sample or an upload and shows the clip
facts and pose-tracking summary.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import streamlit as st

from formcheck import pipeline
from formcheck.errors import FormcheckError

ROOT = Path(__file__).parent
SAMPLES = sorted((ROOT / "sample_videos").glob("*.mp4"))


def _default_sample() -> Path | None:
    args = sys.argv[1:]
    if "--sample" in args and args.index("--sample") + 1 < len(args):
        return ROOT / args[args.index("--sample") + 1]
    return SAMPLES[0] if SAMPLES else None


st.set_page_config(page_title="formcheck", layout="wide")
st.title("formcheck — Laufanalyse / running analysis")
st.caption("Everything runs on this computer; no video or data leaves it.")

sample = _default_sample()
choice = st.selectbox("Sample clip", [p.name for p in SAMPLES], index=[p.name for p in SAMPLES].index(sample.name) if sample in SAMPLES else 0) if SAMPLES else None
upload = st.file_uploader("…or upload a video", type=["mp4", "mov", "avi", "webm", "m4v"])

if st.button("Analyse", type="primary"):
    with tempfile.TemporaryDirectory() as tmp:
        if upload is not None:
            path = Path(tmp) / Path(upload.name).name
            path.write_bytes(upload.getbuffer())
        else:
            path = ROOT / "sample_videos" / choice
        bar = st.progress(0.0, text="Analysing…")
        try:
            result = pipeline.analyze_video(path, on_progress=lambda f: bar.progress(f, text="Analysing…"))
        except FormcheckError as exc:
            st.error(str(exc))
        else:
            bar.progress(1.0, text="Done")
            st.text(pipeline.summary_text(result))
            st.json(result, expanded=False)
