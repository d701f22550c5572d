"""Angles between landmarks: the geometry both the event detector and the metrics read.

Conventions
-----------
Points are image coordinates (pixels, y down), arrays of shape ``(..., 2)``;
angles in degrees.
"""

from __future__ import annotations

import numpy as np


def joint_flexion(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """180° − the angle at ``b`` between ``b→a`` and ``b→c`` (0 = straight)."""
    u, v = a - b, c - b
    cos = np.sum(u * v, axis=-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return 180.0 - np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def true_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Inclusive ``(start, end)`` index pairs of the runs of True in a 1-D mask."""
    m = np.r_[False, np.asarray(mask, bool), False]
    d = np.diff(m.astype(int))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1) - 1))
