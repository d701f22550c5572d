"""Temporary files in one folder of the data folder, cleaned when their writer is gone.

Everything formcheck writes under its data folder is first written to
``FORMCHECK_HOME/tmp/`` and renamed into place when complete, so a killed
process (``kill -9``, a power cut) leaves its partial file only there. Each
temporary file carries an exclusive ``flock`` for as long as its writer lives;
:func:`sweep` (run when a :class:`formcheck.store.Store` opens and after every
erasure) removes the files whose lock is free, i.e. whose writer has gone.
Files of writers still running are never touched, in this process or another.

Conventions
-----------
- A lock on the ``tmp/`` folder itself orders creation against sweeping: a
  writer holds it shared while it creates and locks its file, a sweep holds it
  exclusive, so a sweep never sees a file that exists but is not locked yet.
- A temporary file for a target outside the data folder (a user's own output
  path) lies beside the target, hidden by a leading dot, and takes no folder
  lock: nothing is added to the user's folder but the file itself.
- The folder is on the same file system as ``videos/`` and ``cache/``, so the
  final rename is atomic.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from pathlib import Path

from formcheck import config

#: Name prefix of files an older formcheck staged in ``videos/`` (removed by :func:`sweep`).
LEGACY_PREFIX = ".incoming-"


def tmp_dir(home: Path | None = None) -> Path:
    """``<home>/tmp``, created if missing (``home`` defaults to :func:`formcheck.config.home`)."""
    path = Path(home or config.home()) / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def _folder_lock(folder: Path | None, mode: int):
    """``flock`` on the folder itself (None: no lock)."""
    if folder is None:
        yield
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, mode)
        yield
    finally:
        os.close(fd)


class TempFile:
    """A locked temporary file in :func:`tmp_dir`; :meth:`commit` renames it into place.

    Use as a context manager: on leaving, the file is removed unless committed,
    and the lock is released.

    Parameters
    ----------
    suffix : str
        End of the temporary name (e.g. ``".mp4"``, so writers that pick a
        format by suffix pick the right one).
    home : Path, optional
        Data folder (default :func:`formcheck.config.home`).
    """

    def __init__(self, suffix: str = ".part", home: Path | None = None, *, folder: Path | None = None):
        swept = folder is None
        folder = tmp_dir(home) if swept else Path(folder)
        with _folder_lock(folder if swept else None, fcntl.LOCK_SH):
            fd, name = tempfile.mkstemp(dir=folder, prefix=".", suffix=suffix)
            os.close(fd)
            self._lock = os.open(name, os.O_RDONLY)
            fcntl.flock(self._lock, fcntl.LOCK_EX)
        self.path = Path(name)

    def commit(self, dest: Path) -> Path:
        """Rename the finished file to ``dest`` (atomic on one file system) and release it."""
        os.replace(self.path, dest)
        self.close()
        return Path(dest)

    def close(self) -> None:
        """Remove the file if it is still here and release its lock (idempotent)."""
        if self._lock is not None:
            self.path.unlink(missing_ok=True)
            os.close(self._lock)
            self._lock = None

    def __enter__(self) -> "TempFile":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):  # a forgotten file is still removed, never left for the next sweep
        with contextlib.suppress(Exception):
            self.close()


def for_target(dest: Path, suffix: str | None = None) -> TempFile:
    """A temporary file to be committed to ``dest``.

    Inside the data folder it lives in :func:`tmp_dir` (swept when its writer
    dies); elsewhere (a user's own output path) beside ``dest``, hidden by a
    leading dot, so the final rename stays on one file system.
    """
    dest = Path(dest)
    suffix = dest.suffix if suffix is None else suffix
    home = config.home()
    if dest.parent.resolve().is_relative_to(home.resolve()):
        return TempFile(suffix, home)
    dest.parent.mkdir(parents=True, exist_ok=True)
    return TempFile(suffix, folder=dest.parent)


def _abandoned(path: Path) -> bool:
    """Whether nobody holds ``path``'s lock (its writer has gone)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def sweep(home: Path | None = None) -> list[Path]:
    """Remove the temporary files of writers that have gone; returns what was removed.

    Covers :func:`tmp_dir` and files an older formcheck staged as
    ``videos/.incoming-*.part`` (which were never locked).
    """
    home = Path(home or config.home())
    folder = tmp_dir(home)
    removed = []
    with _folder_lock(folder, fcntl.LOCK_EX):
        for f in sorted(folder.iterdir()):
            if f.is_file() and not f.is_symlink() and _abandoned(f):
                f.unlink(missing_ok=True)
                removed.append(f)
    videos = home / "videos"
    if videos.is_dir():
        for f in sorted(videos.iterdir()):
            if f.name.startswith(LEGACY_PREFIX) and f.name.endswith(".part") and f.is_file() and not f.is_symlink():
                f.unlink(missing_ok=True)
                removed.append(f)
    return removed
