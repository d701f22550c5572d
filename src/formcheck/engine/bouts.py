"""Bouts: a clip that alternates walking, running, backward gait and standing, split into pieces.

Lauftherapie starts with walking and walk–run intervals (1 min run / 2 min walk,
gaits.md §3), so one treadmill recording often holds several gaits. Each stride
of the near foot (its initial contact to its next) is labelled from its own
contact, then runs of equal labels become bouts.

Method
------
1. Per stride of the near foot: duty factor = contact time / stride time. At
   or above :data:`WALK_DUTY` it is a walking stride (walking has double
   support, running a flight phase: duty factor ≥ 50 % = walking; gaits.md
   §1, after Hum Mov Sci 2023); below it a running stride.
2. Direction per stride: the stance foot moves back under the body in
   forward gait and forward under it in backward gait
   (:func:`formcheck.engine.view.stance_foot_drift`, per contact); a backward
   stride is labelled ``"backward"`` whatever its duty factor (backward
   walking and running are one rehab exercise here).
3. A stride longer than :data:`MAX_STRIDE_S`, or a contact longer than
   :data:`MAX_CONTACT_S`, is standing: the time from that contact to the next
   is a ``"standing"`` bout.
4. Runs of equal labels shorter than :data:`MIN_BOUT_STRIDES` strides are
   transitions (the switch between walking and running takes about one
   step: Segers et al. 2007, gaits.md §1): they join the bout before them, or
   the one after at the start of the clip, so their steps are not counted
   as a bout of their own.

Conventions
-----------
Times in seconds on the clip's clock; a bout runs from the initial contact
that starts its first stride to the one that ends its last.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WALK_DUTY = 0.5
"""Duty factor (contact / stride) at or above which a stride is walking: walking has double support,
running a flight phase (gaits.md §1)."""

MAX_STRIDE_S = 2.5
"""A stride longer than this (s) is not a gait stride but a pause: slow walking (cadence ~ 50 steps/min,
rehab walking after a stroke) has strides of about 2.4 s."""

MAX_CONTACT_S = 1.5
"""A contact longer than this (s) is standing, not a stance phase (a 60 steps/min walker's stance lasts ~1.2 s)."""

MIN_BOUT_STRIDES = 2
"""Fewer consecutive strides of one kind are a transition, not a bout: the Mobilise-D walking-bout
definition asks for at least two consecutive strides (Kluge et al. 2021)."""

KINDS = ("walk", "run", "backward", "standing")


@dataclass(frozen=True)
class Bout:
    """One piece of a clip with one gait.

    Attributes
    ----------
    kind : {"walk", "run", "backward", "standing"}
    start_s, end_s : float
        First and last instant (s).
    strides : int
        Near-foot strides in it (0 for standing).
    """

    kind: str
    start_s: float
    end_s: float
    strides: int

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def to_dict(self) -> dict:
        return {"kind": self.kind, "start_s": round(self.start_s, 3), "end_s": round(self.end_s, 3),
                "strides": self.strides}


def stride_kinds(ic_s: np.ndarray, to_s: np.ndarray, drift: np.ndarray | None = None) -> list[str]:
    """The kind of each near-foot stride (see the module docstring).

    Parameters
    ----------
    ic_s : ndarray, shape (n,)
        The near foot's initial contacts (s), ascending.
    to_s : ndarray, shape (n,)
        Its toe-off after each of them (s), NaN where not seen.
    drift : ndarray, shape (n,), optional
        The stance foot's velocity relative to the hip along the facing
        direction in each contact (any unit; + = backward gait,
        :func:`formcheck.engine.view.stance_foot_drift`), NaN where not read.

    Returns
    -------
    list of str
        ``n - 1`` labels, one per stride ``ic_s[i]`` → ``ic_s[i + 1]``:
        ``"walk"``, ``"run"``, ``"backward"``, ``"standing"`` or ``"unknown"``
        (toe-off not seen).
    """
    out = []
    for i in range(len(ic_s) - 1):
        stride = ic_s[i + 1] - ic_s[i]
        contact = to_s[i] - ic_s[i]
        if stride > MAX_STRIDE_S or (np.isfinite(contact) and contact > MAX_CONTACT_S):
            out.append("standing")
        elif drift is not None and np.isfinite(drift[i]) and drift[i] > 0:
            out.append("backward")
        elif not np.isfinite(contact) or contact <= 0 or contact >= stride:
            out.append("unknown")
        else:
            out.append("walk" if contact / stride >= WALK_DUTY else "run")
    return out


def _absorb_transitions(labels: list[str]) -> list[str]:
    """Labels with runs shorter than :data:`MIN_BOUT_STRIDES` (and unknown strides) given to a neighbouring run."""
    labels = list(labels)
    if not labels:
        return labels
    changed = True
    while changed:
        changed = False
        runs = _label_runs(labels)
        if len(runs) == 1:
            break
        for k, (lab, a, b) in enumerate(runs):
            short = b - a < MIN_BOUT_STRIDES and lab != "standing"
            if lab != "unknown" and not short:
                continue
            # the longer known neighbour takes it (the earlier one on a tie)
            prev = runs[k - 1] if k > 0 else None
            nxt = runs[k + 1] if k + 1 < len(runs) else None
            cands = [r for r in (prev, nxt) if r is not None and r[0] != "unknown"]
            if not cands:
                continue
            take = max(cands, key=lambda r: (r[2] - r[1], r is prev))[0]
            if take == lab:
                continue
            labels[a:b] = [take] * (b - a)
            changed = True
            break
    return labels


def _label_runs(labels: list[str]) -> list[tuple[str, int, int]]:
    """(label, start, end) of each run of equal labels, ``end`` exclusive."""
    runs, a = [], 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[a]:
            runs.append((labels[a], a, i))
            a = i
    return runs


def segment(ic_s: np.ndarray, to_s: np.ndarray, drift: np.ndarray | None = None) -> list[Bout]:
    """Bouts of one clip from its near foot's contacts.

    Parameters
    ----------
    ic_s, to_s, drift
        As for :func:`stride_kinds`.

    Returns
    -------
    list of Bout
        In time order, covering the first to the last initial contact;
        empty with fewer than two contacts. A clip of one gait is one bout.
    """
    ic_s = np.asarray(ic_s, float)
    to_s = np.asarray(to_s, float)
    labels = _absorb_transitions(stride_kinds(ic_s, to_s, drift))
    out = []
    for lab, a, b in _label_runs(labels):
        if lab == "unknown":
            continue
        out.append(Bout(lab, float(ic_s[a]), float(ic_s[b]), 0 if lab == "standing" else b - a))
    return out


def main_bout(bouts: list[Bout]) -> Bout | None:
    """The bout the clip's headline metrics describe: the longest running bout, else the longest walking one.

    Backward gait comes after them (a warm-down or rehab drill beside the main gait), standing never.
    ``None`` without a bout of moving gait.
    """
    for kind in ("run", "walk", "backward"):
        of_kind = [b for b in bouts if b.kind == kind]
        if of_kind:
            return max(of_kind, key=lambda b: b.duration_s)
    return None
