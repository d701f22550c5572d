"""Plain-language messages for the dashboard: errors in the page language, text made safe for markdown."""

from __future__ import annotations

import re

from formcheck.errors import FormcheckError
from formcheck.i18n import ERRORS, tr


def local_note(lang_: str) -> str:
    """Where the data stay: this computer, or the clinic's server in clinic mode."""
    from formcheck.store.clinic import clinic_mode

    return tr("local_note_clinic" if clinic_mode() else "local_note", lang_)


def error_message(exc: FormcheckError, lang_: str) -> str:
    """The error in plain words in ``lang_`` (by its code), with the specific reason as detail (markdown-safe)."""
    plain = ERRORS.get(getattr(exc, "code", ""), {}).get(lang_)
    detail = md_text(exc)  # the reason can quote user text (a pseudonym, a file name): shown as typed
    return f"{plain}  \n*{detail}*" if plain else detail


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:^=&\"'])")


def md_text(text) -> str:
    """User text (a pseudonym, a note, a file name) made safe for Streamlit markdown: shown as typed.

    Every ASCII punctuation character gets a backslash (CommonMark renders an
    escaped character literally), so ``![n](http://host/x.png)`` in a note is
    shown as those characters and never fetched as an image; newlines become
    spaces.
    """
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
