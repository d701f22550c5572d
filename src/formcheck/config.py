"""Where formcheck keeps its data on this machine (nothing is sent anywhere)."""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """Data folder: ``FORMCHECK_HOME`` or the user's data dir (e.g. ``~/.local/share/formcheck``)."""
    env = os.environ.get("FORMCHECK_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("formcheck", appauthor=False))


def cache_dir(kind: str) -> Path:
    """Sub-folder of the cache for one kind of derived data (``pose``, ``annotated``...)."""
    path = home() / "cache" / kind
    path.mkdir(parents=True, exist_ok=True)
    return path
