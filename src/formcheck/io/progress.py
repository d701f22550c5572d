"""A small progress bar on stderr, and a guard against native library chatter."""

from __future__ import annotations

import contextlib
import os
import sys
import time


class Progress:
    """Progress bar printed to stderr once a task has run for ``delay`` seconds.

    Short tasks print nothing; non-terminals get a line every 10 %.
    """

    def __init__(self, label: str, total: int | None = None, *, delay: float = 1.0, stream=None):
        self.label, self.total, self.delay = label, total, delay
        self._stream = stream  # resolved at write time: sys.stderr may be swapped meanwhile
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False
        self.last_decile = -1
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    @property
    def stream(self):
        return self._stream or sys.stderr

    def update(self, done: int, total: int | None = None) -> None:
        total = total or self.total
        now = time.monotonic()
        if now - self.start < self.delay or (self.tty and now - self.last < 0.1):
            return
        self.last = now
        frac = min(done / total, 1.0) if total else None
        if self.tty:
            bar = ""
            if frac is not None:
                fill = int(frac * 30)
                bar = f"[{'#' * fill}{'.' * (30 - fill)}] {frac * 100:5.1f}% "
            self.stream.write(f"\r{self.label} {bar}{done}{'/' + str(total) if total else ''}")
        else:
            decile = int(frac * 10) if frac is not None else done // 100
            if decile == self.last_decile:
                return
            self.last_decile = decile
            self.stream.write(f"{self.label}: {done}{'/' + str(total) if total else ''}\n")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown and self.tty:
            self.stream.write(f"\r{self.label}: done in {time.monotonic() - self.start:.1f} s" + " " * 30 + "\n")
            self.stream.flush()


@contextlib.contextmanager
def quiet_native_stderr():
    """Silence what native code (TFLite, glog) writes to file descriptor 2.

    Python's ``sys.stderr`` keeps working: it is pointed at a duplicate of the
    original descriptor for the duration.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, AttributeError, ValueError):
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    old_stderr = sys.stderr
    try:
        sys.stderr = os.fdopen(os.dup(saved), "w", buffering=1)
        os.dup2(devnull, 2)
        yield
    finally:
        try:
            sys.stderr.flush()
            sys.stderr.close()
        finally:
            sys.stderr = old_stderr
            os.dup2(saved, 2)
            os.close(saved)
            os.close(devnull)
