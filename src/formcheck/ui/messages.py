"""Plain-language messages for the dashboard: errors in the page language, text made safe for markdown."""

from __future__ import annotations

import re

from formcheck.errors import FormcheckError
from formcheck.i18n import ERRORS, tr


def local_note(lang_: str) -> str:
    """Where the data stay: this computer, or the clinic's server in clinic mode."""
    from formcheck.store.clinic import clinic_mode

    return tr("local_note_clinic" if clinic_mode() else "local_note", lang_)


def error_message(exc: FormcheckError, lang_: str, *, name: str | None = None, path=None) -> str:
    """The error in plain words in ``lang_`` (by its code), with the specific reason as detail (markdown-safe).

    ``name`` is the file as the user knows it (an upload's own name) and ``path`` where formcheck keeps it (a
    cache file named by its content): the detail never shows the cache name. With ``name``, a page in another
    language than English shows "Datei: <name>" instead of the English reason.
    """
    plain = ERRORS.get(getattr(exc, "code", ""), {}).get(lang_)
    detail = str(exc)
    if name and path is not None:
        from pathlib import Path

        for form in (str(path), Path(path).name):
            detail = detail.replace(form, name)
    if name and plain and lang_ != "en":
        return f"{plain}  \n*{md_text(tr('error_file', lang_, name=name))}*"
    detail = md_text(detail)  # the reason can quote user text (a pseudonym, a file name): shown as typed
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
