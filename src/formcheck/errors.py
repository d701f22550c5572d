"""Errors users can act on.

Every error carries one sentence that says what was wrong and what to do, and an
exit code for the command line. Nothing here should reach a user as a traceback.
"""

from __future__ import annotations


class FormcheckError(Exception):
    """Base class: ``str(err)`` is the one-line message shown to the user."""

    exit_code = 1
    code = "error"


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
