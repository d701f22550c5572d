"""What the dashboard keeps between reruns of one browser session (``st.session_state``).

Session state
-------------
``lang``             "de" | "en" (German by default)
``analyses``         label -> :class:`Entry` (this browser session's analyses)
``current``          label of the analysis shown on the analyse page
``page``             the page shown; ``goto`` a page to switch to on the next run
``patient_id``       the patient shown on the patients page
``cmp_a``/``cmp_b``  labels of the analyses the compare page opens with
``clinic_login``     the clinic login of this tab (:mod:`formcheck.ui.access`)
``mode``             "therapist" | "patient": who looks at the analyse page (therapist mode by default)

Imports run one way: ``pages`` → ``widgets``/``actions``/``access`` → ``state``
→ the engine and the outputs; nothing imports a page but ``app.py``.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st


log = logging.getLogger("formcheck.ui")


#: Must match ``server.maxUploadSize`` in .streamlit/config.toml (checked by a test).
MAX_UPLOAD_MB = 500


UPLOAD_TYPES = ("mp4", "mov", "avi", "webm", "m4v")


@dataclass
class Entry:
    """One analysis kept in the session."""

    label: str
    path: str
    analysis: object
    capture_fps: float | None = None
    height_cm: float | None = None
    speed_mps: float | None = None  # the treadmill speed the clip was analysed with
    model_variant: str | None = None
    video: str | None = None
    video_lang: str | None = None  # the language of the labels burnt into ``video``
    key_frames: dict = field(default_factory=dict)
    stored: dict | None = None  # a saved session's result as it was saved (numbers shown from it)
    saved: dict = field(default_factory=dict)  # patient id -> session id this analysis was saved as
    when: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))  # analysed / recorded
    timed: bool = True  # ``when`` has a meaningful time (a stored session has its day; the time only orders a day)
    title: str = ""  # what the user knows it by: the clip's name, or "pseudonym · clip" of a stored session
    clip_name: str = ""  # the clip's real file name (uploads and stored videos are kept under hash names)
    patient: str = ""  # a stored session's patient pseudonym
    recorded_on: object = None  # a stored session's date (datetime.date)
    reports: dict = field(default_factory=dict)  # (language, header) -> PDF bytes made for this entry

    @property
    def name(self) -> str:
        """The clip's name for people: the real file name, never the cache's hash name."""
        return self.clip_name or Path(self.label).name

    @property
    def result(self) -> dict:
        """The numbers to show: as saved for a stored session, else the live analysis in the page language.

        Switching the language renders the same typed result again; nothing is analysed anew.
        """
        return self.stored if self.stored is not None else self.analysis.result_in(lang())


def lang() -> str:
    return st.session_state.get("lang", "de")


def analyses() -> dict:
    return st.session_state.setdefault("analyses", {})


PAGES = ("analyse", "compare", "patients")


#: The two views of the dashboard: the therapist sees everything, the patient only what they can act on (the cues,
#: the filming feedback, three cards and the video; no tables, charts, norms, downloads or patient file).
MODES = ("therapist", "patient")


def view_mode() -> str:
    """The view of this browser session: "therapist" (the default) or "patient"."""
    mode = st.session_state.get("mode")
    return mode if mode in MODES else "therapist"


def patient_mode() -> bool:
    return view_mode() == "patient"


def apply_navigation() -> None:
    """Switch page when a button asked for it (call before the page selector is drawn)."""
    goto = st.session_state.pop("goto", None)
    if goto in PAGES:
        st.session_state["page"] = goto


#: Widgets whose label is in the page language: a language switch gives them a new identity, and Streamlit would
#: forget their value (no video source selected after switching). :func:`keep_widgets` carries the values over.
KEPT_WIDGETS = ("page", "mode", "source_kind", "sample_choice", "model_variant", "capture_fps", "height_cm",
                "speed_value", "speed_unit",
                "cmp_a_select", "cmp_b_select")


def keep_widgets(keys=KEPT_WIDGETS) -> None:
    """Call at the top of every run: values set through the Session State API survive a widget's new identity."""
    for k in list(keys) + [k for k in st.session_state if isinstance(k, str) and k.startswith("bout-")]:
        if k in st.session_state:
            st.session_state[k] = st.session_state[k]
