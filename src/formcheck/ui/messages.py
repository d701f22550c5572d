"""Plain-language messages for the dashboard: errors in the page language, text made safe for markdown."""

from __future__ import annotations

import logging
import re

from formcheck.errors import FormcheckError
from formcheck.i18n import ERRORS, tr

log = logging.getLogger("formcheck.ui")


def local_note(lang_: str) -> str:
    """Where the data stay: this computer, or the clinic's server in clinic mode."""
    from formcheck.store.clinic import clinic_mode

    return tr("local_note_clinic" if clinic_mode() else "local_note", lang_)


def error_message(exc: FormcheckError, lang_: str, *, name: str | None = None, path=None) -> str:
    """The error in plain words in ``lang_`` (by its code), with the specific reason as detail (markdown-safe).

    ``name`` is the file as the user knows it (an upload's own name) and ``path`` where formcheck keeps it (a
    cache file named by its content): the detail never shows the cache name. The specific reason ``str(exc)`` is
    an English sentence: an English page shows it below the plain text; a page in another language shows only
    what it is about, as the command line does (:func:`formcheck.cli.error_text`): "Datei: <name>" with ``name``,
    else ``exc.subject`` (a path, a value as typed) when the error has one. The English reason then goes to the
    log. Without a plain text in ``lang_`` the English reason is all there is, and is shown.
    """
    plain = ERRORS.get(getattr(exc, "code", ""), {}).get(lang_)
    detail = str(exc)
    if name and path is not None:
        from pathlib import Path

        for form in (str(path), Path(path).name):
            detail = detail.replace(form, name)
    if plain and lang_ != "en":
        log.info("%s (%s): %s", type(exc).__name__, getattr(exc, "code", ""), detail)
        if name:
            return f"{plain}  \n*{md_text(tr('error_file', lang_, name=name))}*"
        subject = getattr(exc, "subject", None)
        return f"{plain}  \n*{md_text(subject)}*" if subject else plain
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
