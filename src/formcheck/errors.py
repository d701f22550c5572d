"""Errors users can act on.

Every error carries one sentence that says what was wrong and what to do, and an
exit code for the command line. Nothing here should reach a user as a traceback.
"""

from __future__ import annotations

import errno


class FormcheckError(Exception):
    """Base class: ``str(err)`` is the one-line message shown to the user."""

    exit_code = 1
    code = "error"
    subject: str | None = None  # what the message is about (a path, a value); set by some subclasses


class VideoError(FormcheckError):
    """The input is not a usable video (missing, unreadable, corrupt, too large...)."""

    exit_code = 3

    def __init__(self, message: str, code: str = "bad_video"):
        super().__init__(message)
        self.code = code

    def __reduce__(self):  # keeps the code when raised in a helper process
        return type(self), (str(self), self.code)


class ModelError(FormcheckError):
    """The pose model cannot be provisioned or loaded."""

    exit_code = 4
    code = "model"


class NoRunnerError(FormcheckError):
    """No person was found in enough frames to analyse."""

    exit_code = 5
    code = "no_runner"


class UsageError(FormcheckError):
    """An argument cannot be used as given (e.g. a date that is not YYYY-MM-DD): exit code 2, like argparse."""

    exit_code = 2

    def __init__(self, message: str, code: str = "usage", subject: str | None = None):
        super().__init__(message)
        self.code = code
        self.subject = subject


class WriteError(FormcheckError):
    """A file cannot be written: the output path is a folder or has no folder, the disk is full or
    read-only, or formcheck may not write there. Nothing half-written is left behind."""

    exit_code = 7

    def __init__(self, message: str, code: str = "write_failed", subject: str | None = None):
        super().__init__(message)
        self.code = code
        self.subject = subject  # the path the message is about (shown before a translated text)


#: errno -> (code, what happened with ``{where}``, what to do)
_OS_ERRORS = {
    errno.ENOSPC: ("disk_full", "the disk holding {where} is full",
                   "free some space or choose another disk, and try again"),
    errno.EDQUOT: ("disk_full", "your disk quota for {where} is used up",
                   "free some space or choose another disk, and try again"),
    errno.EROFS: ("read_only", "{where} is on a read-only disk",
                  "choose a place that can be written to, and try again"),
    errno.EACCES: ("no_permission", "formcheck has no permission to use {where}",
                   "choose a place you may write to or change its permissions, and try again"),
    errno.ENOENT: ("output_no_folder", "{where} or the folder it is in does not exist",
                   "check the path, create the folder if needed, and try again"),
    errno.ENOTDIR: ("output_no_folder", "part of the path {where} is a file, not a folder",
                    "check the path and try again"),
    errno.EISDIR: ("output_is_folder", "{where} is a folder",
                   "give the name of a file to write instead, and try again"),
}
_OS_ERRORS[errno.EPERM] = _OS_ERRORS[errno.EACCES]


def write_error(exc: OSError, where=None, outcome: str = "nothing was written", *, subject=None,
                hint: str = "") -> WriteError:
    """The one-sentence :class:`WriteError` for an ``OSError`` met while writing ``where``.

    Parameters
    ----------
    exc : OSError
        What the operating system reported (its ``errno`` picks the sentence).
    where : path-like or str, optional
        What was being written, as the user knows it (an output path, "the data folder …");
        default: the file the error names.
    outcome : str
        What this means for the user's data, e.g. "the session was not saved".
    subject : path-like or str, optional
        The path the error is about, shown before a translated text (default ``where``).
    hint : str
        Appended to what to do, e.g. " (or run with --no-cache)".

    Returns
    -------
    WriteError
        E.g. "the disk holding out.json is full (No space left on device) and nothing was
        written; free some space or choose another disk, and try again".
    """
    where = where or exc.filename or "a file"
    code, what, todo = _OS_ERRORS.get(exc.errno, ("write_failed", "writing {where} failed",
                                                  "check the disk and try again"))
    reason = exc.strerror or type(exc).__name__
    return WriteError(f"{what.format(where=where)} ({reason}) and {outcome}; {todo}{hint}", code,
                      str(subject or where))


class StoreError(FormcheckError):
    """The database or its files cannot be used as asked (one sentence: what and what to do).

    Defined here rather than in :mod:`formcheck.store` so that commands that
    only need to recognise it (``formcheck analyze``) do not import SQLAlchemy.
    """

    exit_code = 6

    def __init__(self, message: str, code: str = "store", subject: str | None = None):
        super().__init__(message)
        self.code = code  # e.g. "store_unusable", "import_invalid" or "store"; plain texts in formcheck.i18n.ERRORS
        self.subject = subject  # the database the message is about, shown beside a translated text
