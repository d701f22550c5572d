"""View and gait mode: camera plane, facing, running direction, setting, run or walk.

Conventions
-----------
- ``plane``: ``"sagittal"`` (side view) or ``"frontal"`` (rear or front view).
- ``facing``: ``"left"``/``"right"`` (image direction, side view) or
  ``"toward"``/``"away"`` (frontal: the camera sees the face or the back).
- ``direction``: ``"forward"`` when the body travels the way it faces; backward
  running travels the other way (on a treadmill the stance foot then moves
  toward the facing side instead of away from it).
- ``setting``: ``"treadmill"`` (the hips stay in place) or ``"overground"``.
- ``gait``: ``"walk"`` when there is no flight phase, else ``"run"``. In a side
  view the hip tells: a runner's hip is lowest at midstance, a walker's highest
  (see :func:`hip_height_at_midstance`); a duty factor of 60 % or more (the
  measured one, which a frame of timing error moves by several per cent) or
  a cadence of 110–140 steps/min also mean walking. Without that hip evidence
  (rear view, too few contacts): duty factor ≥ 50 %, or ≥ 45 % with both feet
  on the ground at once. All of that rests on the contacts; where the hip's
  own up-and-down rhythm (independent of them) is above
  :data:`WALK_MAX_SPM`, the clip is running whatever they say.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


WALK_MAX_SPM = 150.0
"""Above this step rate (hip rhythm, steps/min) nobody walks: adults walk at
about 100–130 steps/min and metrics.md puts the run/walk line near 140."""


DOUBLE_SUPPORT_WALK = 0.08
"""Share of frames with both feet down from which a gait is walking, whatever else says.

Walking has two double-support phases of about 10 % of the gait cycle each
(Perry & Burnfield, Gait Analysis, 2nd ed., 2010); running has none, and a
frame or two of contact-timing error per step gives a runner at most a few
per cent. The hip's phase at midstance (the usual evidence) is read from the
contacts, so on a clip whose contacts are poor it can say "running" for a
walker whose feet plainly overlap (the flip-flop walking clip: 13 %).
"""


DOUBLE_SUPPORT_SURE = 0.25
"""Share of frames with both feet down beyond which no hip rhythm makes a gait running.

A quarter of the frames is five times what contact-timing error gives a runner
(:data:`DOUBLE_SUPPORT_WALK`) and what a walk has (about 20–25 % double support
of the stride, Perry). A walker whose hip moves little (a crouched walk: 2.4 cm
on the synthetic walker) can have the hip's spectrum peak at twice the step
rate, above :data:`WALK_MAX_SPM` (216 steps/min read for a true 108, with 41 %
of the frames in double support)."""


def is_walking(hip_mid: float | None, duty_factor_pct: float | None, double_support: float,
               cadence_spm: float | None, hip_cadence_spm: float | None) -> bool:
    """Run or walk from the evidence (see the module docstring).

    Parameters
    ----------
    hip_mid : float or None
        :func:`hip_height_at_midstance` (−1 walking … +1 running), None without it.
    duty_factor_pct : float or None
        Median measured duty factor (%).
    double_support : float
        Share of frames with both feet on the ground.
    cadence_spm : float or None
        The engine's cadence (steps/min).
    hip_cadence_spm : float or None
        Step rate from the hip's vertical motion alone, searched over the whole
        plausible band without help from the contacts.

    Notes
    -----
    The hip-rhythm check exists for clips whose contacts are unreliable (a
    runner crossing a wide frame in under 3 s): their contacts can make a
    runner's hip look highest at "midstance", while the hip still rises and
    falls about 170 times a minute. It does not overrule a double support of
    :data:`DOUBLE_SUPPORT_SURE` or more.
    """
    if hip_mid is not None:
        # the hip's phase is read off the whole contact, so it is robust to the
        # frame or two of contact-timing error that moves the duty factor by 5-10 %
        walking = hip_mid < 0.0 or duty_factor_pct is not None and duty_factor_pct >= 60.0
    else:
        walking = (duty_factor_pct is not None and duty_factor_pct >= 50.0) or \
            (double_support > 0.05 and duty_factor_pct is not None and duty_factor_pct >= 45.0)
    walking = walking or (cadence_spm is not None and 110.0 <= cadence_spm < 140.0)
    walking = walking or double_support >= DOUBLE_SUPPORT_WALK
    if hip_cadence_spm is not None and hip_cadence_spm > WALK_MAX_SPM and double_support < DOUBLE_SUPPORT_SURE:
        walking = False
    return walking


@dataclass
class View:
    plane: str
    facing: str
    direction: str
    setting: str
    gait: str
    evidence: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"plane": self.plane, "facing": self.facing, "direction": self.direction,
                "setting": self.setting, "gait": self.gait}


def stance_foot_drift(t: np.ndarray, foot_x: np.ndarray, hip_x: np.ndarray, contacts, forward: float) -> float:
    """Median velocity of the stance foot relative to the hip along ``forward`` (px/s).

    Negative (the foot moves back under the body) for forward running on a
    treadmill or overground; positive for backward running.
    """
    vals = stance_foot_drifts(t, foot_x, hip_x, contacts, forward)
    vals = vals[np.isfinite(vals)]
    return float(np.median(vals)) if len(vals) else float("nan")


def stance_foot_drifts(t: np.ndarray, foot_x: np.ndarray, hip_x: np.ndarray, contacts, forward: float) -> np.ndarray:
    """The stance foot's velocity relative to the hip along ``forward`` (px/s) in each of ``contacts``.

    ``contacts`` are (first, last) sample indices; a line is fitted to the
    foot's position relative to the hip over each. NaN for a contact under
    three samples or with fewer than three seen.
    """
    vals = np.full(len(contacts), np.nan)
    for k, (s, e) in enumerate(contacts):
        if e - s < 2:
            continue
        rel = foot_x[s:e + 1] - hip_x[s:e + 1]
        ok = np.isfinite(rel)
        if ok.sum() < 3:
            continue
        vals[k] = forward * np.polyfit(t[s:e + 1][ok], rel[ok], 1)[0]
    return vals


def hip_height_at_midstance(clean, contacts) -> float | None:
    """Where the hip sits at midstance within its own vertical range, −1 … +1.

    +1: the hip is at its lowest at midstance (running: the leg is a spring,
    compressed under the body); −1: at its highest (walking: the body vaults
    over a stiff leg). The median over the near foot's contacts; ``None`` with
    fewer than two contacts. This does not depend on exact contact timing,
    which makes it a sturdier run/walk test than the duty factor.
    """
    y = clean.xy["mid_hip"][:, 1]  # image y grows downward
    vals = []
    for s, e in contacts:
        lo, hi = max(0, s - (e - s)), min(len(y), e + (e - s) + 1)  # about one step around the contact
        seg = y[lo:hi]
        if not np.isfinite(seg).all() or len(seg) < 5:
            continue
        mid = y[(s + e) // 2]
        rng = np.ptp(seg)
        if rng <= 0:
            continue
        vals.append(2.0 * (mid - seg.min()) / rng - 1.0)
    return float(np.median(vals)) if len(vals) >= 2 else None


def detect_view(clean, events, duty_factor_pct: float | None, cadence_spm: float | None) -> View:
    """Classify the clip (see the module docstring)."""
    plane, frontal_facing, spread = clean.plane, clean.frontal_facing, clean.spread
    ev = {"shoulder_hip_spread": round(spread, 3) if np.isfinite(spread) else None}
    leg = clean.leg_length_px()
    hip_x = clean.xy["mid_hip"][:, 0]
    travel = float(np.nanpercentile(hip_x, 95) - np.nanpercentile(hip_x, 5)) / leg if np.isfinite(hip_x).any() else 0.0
    ev["hip_travel_leg_lengths"] = round(travel, 2)
    if plane == "frontal":
        # moving toward/away from the camera changes the apparent size instead of x
        size = np.linalg.norm(clean.xy["left_hip"] - clean.xy["right_hip"], axis=1)
        scale_change = float(np.nanpercentile(size, 90) / max(np.nanpercentile(size, 10), 1e-6))
        ev["size_change"] = round(scale_change, 2)
        setting = "overground" if scale_change > 1.4 or travel > 1.5 else "treadmill"
        direction = "forward"
        if setting == "overground":
            first, last = np.nanmedian(size[: max(3, len(size) // 5)]), np.nanmedian(size[-max(3, len(size) // 5):])
            moving_away = last < first
            direction = "forward" if (moving_away and frontal_facing == "away") or (not moving_away and frontal_facing == "toward") else "backward"
        facing = frontal_facing
    else:
        facing = clean.facing
        fwd = 1.0 if facing == "right" else -1.0
        near = clean.near_side
        foot_x = np.nanmean(np.stack([clean.xy[f"{near}_heel"][:, 0], clean.xy[f"{near}_toe"][:, 0]]), axis=0)
        drift = stance_foot_drift(clean.t, foot_x, hip_x, events.contacts.get(near, []), fwd)
        ev["stance_foot_drift_leg_per_s"] = round(drift / leg, 3) if np.isfinite(drift) else None
        direction = "backward" if np.isfinite(drift) and drift > 0 else "forward"
        setting = "overground" if travel > 1.5 else "treadmill"
    # below 110 steps/min with a flight phase is not walking but (most likely) an
    # unmarked slow-motion clip: quality warns about it instead
    overlap = _double_support_share(events, clean.n)
    ev["double_support_share"] = round(overlap, 3)
    near_contacts = events.contacts.get(clean.near_side if plane == "sagittal" else "left", [])
    hip_mid = hip_height_at_midstance(clean, near_contacts) if plane == "sagittal" else None
    ev["hip_at_midstance"] = None if hip_mid is None else round(hip_mid, 2)
    hip_cadence = events.hip_cadence_spm
    ev["hip_cadence_spm"] = None if hip_cadence is None else round(hip_cadence, 1)
    walking = is_walking(hip_mid, duty_factor_pct, overlap, cadence_spm, hip_cadence)
    return View(plane=plane, facing=facing, direction=direction, setting=setting,
                gait="walk" if walking else "run", evidence=ev)


def _double_support_share(events, n: int) -> float:
    """Share of frames with both feet on the ground (walking has it, running not)."""
    both = np.ones(n, bool)
    for side in ("left", "right"):
        on = np.zeros(n, bool)
        for s, e in events.contacts.get(side, []):
            on[s:e + 1] = True
        both &= on
    covered = np.zeros(n, bool)
    for side in ("left", "right"):
        for s, e in events.contacts.get(side, []):
            covered[s:e + 1] = True
    return float(both.sum() / max(covered.sum(), 1))
