"""Gait events: initial contact (IC) and toe-off (TO) per leg, strides, cadence.

Contact is read from the foot's lowest point (heel or toes, whichever is lower),
so the same logic serves heel-first and toe-first (forefoot, backward) contacts.

Method
------
For each foot:

1. ``h``: height of the lowest foot point above the ground line, in leg lengths.
   The ground line is fitted to the lowest foot positions of the clip (a
   straight line in x, so a slightly tilted camera or an overground runner
   crossing the frame is handled).
2. The foot is on the ground where ``h`` stays below a threshold set from the
   clip's own stance level and noise (hysteresis: entering needs ``h`` below
   ``thr``, leaving needs it above ``thr + 0.02``), for at least 80 ms (:data:`MIN_CONTACT_S`).
   A foot whose heel and toes both move over the ground faster than half the
   body's speed for 0.15 s or more is swinging, however low it is
   (:func:`speed_gate`: a walker's swing foot skims the ground).
3. IC and TO are refined to sub-sample times. IC of a heel landing: where
   the heel's unfiltered horizontal velocity relative to the ground first
   reaches zero (:func:`ground_speed_match`; checked against two-pass hand
   labels of real clips, ``tests/data/real``). Where that cannot be timed, for
   the near foot the landing kink, where the heel's descent slows to a fifth
   of its fastest speed over the last 0.2 s (:func:`landing_kink`). Otherwise
   (toe-first landings, the often hidden far foot, no clear kink): where the
   landing point (heel or toes) comes down to a quarter of the stance band
   above the level at which that same point rests in mid-stance (the model's
   heel and toe landmarks of a flat foot do not sit at one height). TO: where
   ``h`` rises through the middle of the hysteresis band (see
   :func:`_refine_to` for why not lower), unless the knee's peak extension at
   the end of that stance (:func:`knee_extension_peak`; Fellin et al. 2010)
   lies more than :data:`TO_KNEE_AGREE_S` away: then toe-off is that peak.
   The foot's own signal is ambiguous there: the pose model lifts the toe
   landmark of a foot rolling over its toes before it leaves, and where that
   early lift levels off near the crossing level, the crossing jumps by two
   frames from stride to stride (seen at 60 fps, where hip extension at
   toe-off then scattered by 6°).

The landmarks come from the pose model without its own temporal smoothing
(``pose.MODEL_CLOCK_STRETCH``), so the corners of landing and lift-off are
not rounded off by a causal filter; the zero-phase filter in ``clean.py``
rounds them symmetrically, which the crossings above are placed for.

Cadence comes from the median step time (IC to the next IC of the other foot),
cross-checked against the dominant frequency of the hip's vertical motion (two
oscillations per stride).

Conventions
-----------
Times in seconds on the cleaned (uniform) time grid; indices into that grid.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from formcheck.contract import note
from formcheck.contract import reason as _reason
from formcheck.engine.clean import CleanSeries
from formcheck.engine.geometry import joint_flexion, true_runs

SIDES = ("left", "right")


@dataclass
class FootSignal:
    """Per-foot contact signal."""

    h: np.ndarray  # height of the lowest foot point above ground, leg lengths (filtered)
    contact: np.ndarray  # bool
    threshold: float
    h_raw: np.ndarray | None = None  # the same from the unfiltered track
    points: dict = field(default_factory=dict)  # "heel"/"toe" -> height above ground, leg lengths (filtered)
    slope_deg: float = 0.0  # ground line slope in the image (+ descending to the right)
    points_x: dict = field(default_factory=dict)  # "heel"/"toe" -> image x, leg lengths (unfiltered)


@dataclass
class GaitEvents:
    """Initial contacts and toe-offs of both feet.

    Attributes
    ----------
    ic_idx, to_idx : dict side -> ndarray of int
        Sample indices (on ``CleanSeries.t``).
    ic_s, to_s : dict side -> ndarray of float
        Times in seconds.
    contacts : dict side -> list of (ic_index, to_index)
        Complete contacts (both ends seen).
    signals : dict side -> FootSignal
    cadence_events_spm : float or None
        Steps per minute from the median step time.
    cadence_spectrum_spm : float or None
        Steps per minute from the hip's vertical oscillation.
    notes : list of str
    """

    ic_idx: dict
    to_idx: dict
    ic_s: dict
    to_s: dict
    contacts: dict
    signals: dict
    cadence_events_spm: float | None
    cadence_spectrum_spm: float | None
    notes: list = field(default_factory=list)
    far_from_hip: int = 0  # far-foot contacts timed from the hip motion
    hip_asymmetry_pct: float | None = None  # step-time asymmetry from the hip's lowest points (a cross-check)
    hip_cadence_spm: float | None = None  # step rate from the hip's vertical motion alone (whole plausible band)

    @property
    def cadence_spm(self) -> float | None:
        """Best cadence estimate: the hip-motion spectrum (precise over many steps),
        searched within ±15 % of the contacts' cadence (which rules out harmonics);
        the contacts' cadence alone when the spectrum is unavailable."""
        return self.cadence_spectrum_spm or self.cadence_events_spm

    def steps(self) -> list[tuple[float, str]]:
        """All initial contacts of both feet in time order: (time, side)."""
        out = [(float(t), s) for s in SIDES for t in self.ic_s[s]]
        return sorted(out)


# ------------------------------------------------------------------ helpers
MIN_EVENT_GAP_S = 0.2
"""Two contacts of the same foot closer than this (s) are one contact seen twice."""

EXIT_MARGIN = 0.02
"""Hysteresis (leg lengths): a foot on the ground must rise this far above the entry threshold to leave it."""

MIN_CONTACT_S = 0.08
"""Shortest ground contact taken as a contact (s): below any running contact
(elite sprinters touch down for about 0.09 s); shorter dips of the foot signal
are pose noise, e.g. a swinging foot mislabelled for a frame or two."""

TO_CROSS_FRACTION = 0.5
"""Toe-off: where the foot rises through this fraction of the hysteresis band above the entry threshold."""

IC_CROSS_FRACTION = 0.25
"""Initial contact: where the landing point comes down through this fraction of the stance band above its resting level."""

KINK_FRACTION = 0.2
"""Heel landing: contact where the heel's descent has slowed to this fraction of its fastest speed."""

KINK_WINDOW_S = 0.2
"""How far before the detector's contact start the heel's final descent is searched (s)."""

KINK_MAX_HEIGHT = 0.10
"""A landing kink more than this far (leg lengths) above the heel's mid-stance level is no landing."""


TO_KNEE_WINDOW_S = 0.1
"""The knee's peak extension is searched this far (s) either side of the foot signal's toe-off.
Fellin RE, Rose WC, Royer TD, Davis IS (2010), J Sci Med Sport 13:646-650:
of five kinematic methods, peak knee extension identified toe-off best (mean absolute error
4.9 ms overground, 5.2 ms on a treadmill, 3.35 m/s, 40 runners, against force plates)."""

TO_KNEE_AGREE_S = 0.025
"""Where the foot signal's toe-off and the knee's peak extension differ by more than this (s),
toe-off is taken from the knee. Within it the foot signal is kept: on exact landmarks it is
the sharper of the two (the zero-phase filter shifts the smoothed knee minimum of an
asymmetric turn by up to a frame), and the knee only has to catch the two-frame jumps of
the foot signal where the model's early toe lift levels off at the crossing level."""


def knee_extension_peak(knee_flex: np.ndarray, idx: float, window: int) -> float | None:
    """Sub-sample index of the knee's largest extension within ``window`` samples of ``idx``.

    Parameters
    ----------
    knee_flex : ndarray, shape (n,)
        Knee flexion (deg, 0 = straight), NaN where not seen.
    idx : float
        The foot signal's toe-off (sample index).
    window : int
        Half-width of the search (samples).

    Returns
    -------
    float or None
        Index of the local minimum of flexion nearest ``idx``, refined by a
        parabola through it and its neighbours; None when the smallest value
        lies at the window's edge (no peak there: a walking knee already flexes
        through toe-off) or a sample in the window is not seen.
    """
    lo, hi = int(np.floor(idx)) - window, int(np.ceil(idx)) + window
    if lo < 1 or hi > len(knee_flex) - 2:
        return None
    seg = knee_flex[lo:hi + 1]
    if not np.all(np.isfinite(seg)):
        return None
    minima = [j for j in range(1, len(seg) - 1) if seg[j] <= seg[j - 1] and seg[j] < seg[j + 1]]
    if not minima or int(np.argmin(seg)) in (0, len(seg) - 1):
        return None
    # the local minimum nearest the foot signal's toe-off: a one-frame dip of the
    # model's knee in early swing can be deeper than the true peak extension
    j = min(minima, key=lambda k: abs(lo + k - idx))
    a, b, c = seg[j - 1], seg[j], seg[j + 1]
    curv = a - 2 * b + c
    return float(lo + j + (0.5 * (a - c) / curv if curv > 0 else 0.0))


def _merge_estimates(estimates, measured: np.ndarray, t: np.ndarray, tol: float, min_gap: float):
    """Event times from estimates, each replaced by a measured event within ``tol`` (s) if there is one.

    Estimates outside the clip, or closer than ``min_gap`` to the previous kept
    event (two estimates for one step), are dropped. Returns the times and how
    many of them are estimates.
    """
    out, n_est = [], 0
    for t_est in estimates:
        if t_est < t[0] or t_est > t[-1] or (out and t_est - out[-1] < min_gap):
            continue
        meas = measured[np.abs(measured - t_est) <= tol] if len(measured) else []
        if len(meas):
            out.append(float(meas[0]))
        else:
            out.append(float(t_est))
            n_est += 1
    return out, n_est


def _spaced(idx: list[int], refined: list[float], min_gap: float) -> list[int]:
    """Keep events whose refined positions are at least ``min_gap`` frames after the last kept one."""
    keep, last = [], -np.inf
    for i, r in zip(idx, refined):
        if r - last >= min_gap:
            keep.append(i)
            last = r
    return keep


def alternating(near_ic: np.ndarray, far_ic: np.ndarray, lo: float = 0.3, hi: float = 0.7) -> np.ndarray:
    """Mask of far-foot contacts that alternate with the near foot's.

    Parameters
    ----------
    near_ic, far_ic : numpy.ndarray
        Contact times (s) of the near and the far foot, sorted.
    lo, hi : float
        Allowed phase of a far contact within the near foot's stride
        (0 = near contact, 1 = the next one); 0.5 is a symmetric gait, and
        ±0.2 allows step-time asymmetry far beyond any runner's.

    Returns
    -------
    numpy.ndarray of bool
        True where the far contact is kept. Before the first or after the last
        near contact the phase is taken against the median near stride.
    """
    near_ic, far_ic = np.asarray(near_ic, float), np.asarray(far_ic, float)
    if len(near_ic) < 2 or len(far_ic) == 0:
        return np.ones(len(far_ic), bool)
    stride = float(np.median(np.diff(near_ic)))
    keep = np.zeros(len(far_ic), bool)
    for k, t in enumerate(far_ic):
        i = np.searchsorted(near_ic, t)
        if 0 < i < len(near_ic):
            phase = (t - near_ic[i - 1]) / (near_ic[i] - near_ic[i - 1])
        elif i == 0:
            phase = 1.0 - (near_ic[0] - t) / stride
        else:
            phase = (t - near_ic[-1]) / stride
        keep[k] = lo <= phase <= hi
    used = set()
    for k in np.flatnonzero(keep):  # one far contact per near stride
        slot = int(np.searchsorted(near_ic, far_ic[k]))
        if slot in used:
            keep[k] = False
        used.add(slot)
    return keep


def ground_line(x: np.ndarray, y: np.ndarray, width: float) -> tuple[float, float]:
    """Fit ``y = a x + b`` to the lowest foot positions (image y down).

    Iteratively keeps the points at or below the current line's 70th percentile of
    residuals; a slope is only fitted when the feet cover at least a third of
    the frame width (otherwise the ground is taken as level).
    """
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    if len(y) < 5:
        return 0.0, float(np.nanmax(y)) if len(y) else 0.0
    fit_slope = np.ptp(x) > width / 3
    a, b = 0.0, float(np.percentile(y, 90))
    for _ in range(3):
        r = y - (a * x + b)
        keep = r >= np.percentile(r, 70)
        if fit_slope and keep.sum() > 5:
            a, b = np.polyfit(x[keep], y[keep], 1)
        else:
            b = float(np.median(y[keep]))
    # the line through the lowest points: shift to the median of the kept residuals
    return float(a), float(b)


def contact_mask(h: np.ndarray, thr: float, fps: float) -> np.ndarray:
    """Samples at which the foot is on the ground, from its height signal.

    Parameters
    ----------
    h : ndarray, shape (n,)
        Height of the foot's lowest point above the ground line (leg lengths);
        NaN where the foot was not seen.
    thr : float
        Entry threshold (leg lengths). Hysteresis: a foot enters contact at
        ``h <= thr`` and leaves it at ``h > thr + EXIT_MARGIN``.
    fps : float
        Sample rate of ``h`` (1/s).

    Returns
    -------
    ndarray of bool, shape (n,)

    Notes
    -----
    Gaps of at most 20 ms (one sample below 50 fps) inside a contact are
    closed; runs shorter than :data:`MIN_CONTACT_S` (and never fewer than two
    samples) are dropped. A NaN ends a contact.
    """
    contact = np.zeros(len(h), bool)
    state = False
    for i, v in enumerate(h):
        if not np.isfinite(v):
            state = False
        elif state:
            state = v <= thr + EXIT_MARGIN
        else:
            state = v <= thr
        contact[i] = state
    for s, e in true_runs(~contact):
        if 0 < s and e < len(contact) - 1 and e - s + 1 <= max(1, int(round(0.02 * fps))):
            contact[s:e + 1] = True
    return _drop_short(contact, fps)


def _drop_short(contact: np.ndarray, fps: float) -> np.ndarray:
    """``contact`` without runs shorter than :data:`MIN_CONTACT_S` (never fewer than two samples)."""
    contact = contact.copy()
    min_len = max(2, int(np.ceil(MIN_CONTACT_S * fps - 1e-9)))
    for s, e in true_runs(contact):
        if e - s + 1 < min_len:
            contact[s:e + 1] = False
    return contact


WALK_MAX_GAP_S = 0.1
"""Walking: a break of at most this long (s) inside a foot's contact is no swing, and is closed.

A walker's stance lasts 0.6–0.8 s and the swing between two contacts of one
foot about 0.4 s; where the lowest foot point changes from heel to toes as the
heel rises, the pose model's toes can sit above the contact band for a frame
or two, which split one contact into two (the synthetic walker at 30 fps: 2 of
7 near-foot contacts, each giving a false contact and toe-off)."""


def close_gaps(contact: np.ndarray, max_gap: float) -> np.ndarray:
    """``contact`` with breaks of at most ``max_gap`` samples between two contact runs filled in."""
    contact = contact.copy()
    for s, e in true_runs(~contact):
        if 0 < s and e < len(contact) - 1 and e - s + 1 <= max_gap:
            contact[s:e + 1] = True
    return contact


SWING_GATE = 0.5
"""A foot moving over the ground faster than this share of the body's speed is swinging, however low it is.

A stance foot moves with the ground; a swinging one at one to three times the
body's speed relative to it. A walker's swing foot skims the ground (a few
centimetres of clearance: the height alone holds it "on the ground" for most
of its swing); its speed tells the two apart.
"""
MIN_SWING_S = 0.15
"""Shortest swing the speed gate cuts out (s): a swing lasts 0.3–0.5 s walking or running."""
MIN_BODY_SPEED = 0.3
"""Below this speed over the ground (leg lengths/s) the runner stands: no speed gate."""


def _rolling_nanmedian(v: np.ndarray, half: int) -> np.ndarray:
    """Median of ``v`` over ``[i - half, i + half]`` at each sample, ignoring NaN (NaN where all are)."""
    pad = np.pad(v.astype(float), half, constant_values=np.nan)
    win = np.lib.stride_tricks.sliding_window_view(pad, 2 * half + 1)
    out = np.full(len(v), np.nan)
    ok = np.isfinite(win).any(axis=1)
    out[ok] = np.nanmedian(win[ok], axis=1)
    return out


def ground_and_body_velocity(feet_x: dict, low_h: dict, hip_x: np.ndarray, fps: float) -> tuple[np.ndarray, np.ndarray]:
    """The ground's velocity in the image and the body's speed over it (leg lengths per sample).

    Parameters
    ----------
    feet_x : dict side -> dict point -> ndarray, shape (n,)
        Horizontal position of each foot's ``"heel"`` and ``"toe"`` (leg lengths).
    low_h : dict side -> ndarray, shape (n,)
        Height of each foot's lowest point (leg lengths).
    hip_x : ndarray, shape (n,)
        Horizontal position of the mid-hip (leg lengths).
    fps : float
        Sample rate (1/s).

    Returns
    -------
    vg, body : ndarray, shape (n,)
        ``vg``: the velocity of the lower foot's heel at each sample, median
        over ±0.5 s (a foot is on the ground most of the time and the lower
        one mostly is the one: zero for a static camera, the belt's speed on a
        treadmill, minus the pan under a following camera). ``body``: the
        median over ±0.5 s of ``|hip velocity - vg|``.
    """
    left, right = low_h["left"], low_h["right"]
    lower_left = np.where(np.isfinite(left) & np.isfinite(right), left <= right, np.isfinite(left))
    v_low = np.where(lower_left, np.gradient(feet_x["left"]["heel"]), np.gradient(feet_x["right"]["heel"]))
    half = max(2, int(round(0.5 * fps)))
    vg = _rolling_nanmedian(v_low, half)
    body = _rolling_nanmedian(np.abs(np.gradient(hip_x) - vg), half)
    return vg, body


def speed_gate(contact: np.ndarray, foot_x: dict, vg: np.ndarray, body: np.ndarray, fps: float) -> np.ndarray:
    """``contact`` without the samples at which the foot moves over the ground like a swinging foot.

    A foot on the ground pivots on its heel, lies flat or pivots on its toes:
    one of the two stays with the ground. A sample is dropped where both the
    heel and the toes (``foot_x``, leg lengths) move relative to the ground
    faster than :data:`SWING_GATE` of the body's speed over it (leg lengths
    per sample, :func:`ground_and_body_velocity`) for at least
    :data:`MIN_SWING_S`; runs left shorter than :data:`MIN_CONTACT_S` go too. Nothing is gated where the body moves
    slower than :data:`MIN_BODY_SPEED` or a speed is unknown.
    """
    rel = np.fmin(np.abs(np.gradient(foot_x["heel"]) - vg), np.abs(np.gradient(foot_x["toe"]) - vg))
    moving = np.isfinite(rel) & np.isfinite(body) & (body * fps >= MIN_BODY_SPEED) & (rel > SWING_GATE * body)
    shortest = max(2, int(round(MIN_SWING_S * fps)))
    for s, e in true_runs(moving):
        if e - s + 1 < shortest:
            moving[s:e + 1] = False  # landmark jitter, or a foot slowing down to land: no swing
    if not moving.any():
        return contact
    return _drop_short(contact & ~moving, fps)


def foot_signal(clean: CleanSeries, side: str, leg_px: float) -> FootSignal:
    def lowest(src):
        heel, toe = src[f"{side}_heel"], src[f"{side}_toe"]
        low_is_heel = heel[:, 1] >= toe[:, 1]
        return np.where(low_is_heel, heel[:, 0], toe[:, 0]), np.where(low_is_heel, heel[:, 1], toe[:, 1])

    x_low, y_low = lowest(clean.xy)
    a, b = ground_line(x_low, y_low, clean.width)

    def above_ground(x, y):  # leg lengths above the ground line (image y grows downward)
        return ((a * x + b) - y) / leg_px

    h = above_ground(x_low, y_low)
    points = {p: above_ground(clean.xy[f"{side}_{p}"][:, 0], clean.xy[f"{side}_{p}"][:, 1]) for p in ("heel", "toe")}
    points_x = {p: clean.raw[f"{side}_{p}"][:, 0] / leg_px for p in ("heel", "toe")}
    h_raw = above_ground(*lowest(clean.raw))
    slope_deg = float(np.degrees(np.arctan(a)))
    finite = np.isfinite(h)
    if finite.sum() < 10:
        return FootSignal(h=h, contact=np.zeros_like(h, bool), threshold=np.nan, h_raw=h_raw,
                          slope_deg=slope_deg, points=points, points_x=points_x)
    hv = h[finite]
    low = hv[hv <= np.percentile(hv, 30)]
    stance_level = float(np.median(low))
    noise = float(np.median(np.abs(low - stance_level))) * 1.4826
    thr = stance_level + max(0.025, 3.0 * noise)
    contact = contact_mask(h, thr, clean.fps)
    return FootSignal(h=h, contact=contact, threshold=thr, h_raw=h_raw, slope_deg=slope_deg, points=points,
                      points_x=points_x)


def spectral_cadence(clean: CleanSeries, lo_spm: float = 60.0, hi_spm: float = 260.0) -> float | None:
    """Steps per minute from the dominant frequency of the hip's vertical motion.

    The hip rises and falls once per step. ``lo_spm``/``hi_spm`` bound the search
    (narrowed around the contacts' cadence to avoid picking a harmonic).
    """
    y = clean.xy["mid_hip"][:, 1]
    ok = np.isfinite(y)
    if ok.sum() < clean.fps * 1.5:
        return None
    y = np.interp(np.arange(len(y)), np.flatnonzero(ok), y[ok])
    y = y - np.polyval(np.polyfit(np.arange(len(y)), y, 1), np.arange(len(y)))
    n = len(y)
    nfft = 1 << int(np.ceil(np.log2(n * 8)))
    spec = np.abs(np.fft.rfft(y * np.hanning(n), nfft))
    freqs = np.fft.rfftfreq(nfft, 1.0 / clean.fps)
    band = (freqs * 60 >= lo_spm) & (freqs * 60 <= hi_spm)
    if not band.any():
        return None
    f = freqs[band][np.argmax(spec[band])]
    return float(f * 60.0)  # one vertical oscillation per step


def _refine_ic(h: np.ndarray, idx: int, level: float, thr: float, fps: float) -> float:
    """Sub-sample initial contact: tangent of the final descent onto the stance level.

    The final descent starts at the last local maximum of ``h`` before the foot
    settles near the stance level (a hidden far foot often dips, bounces and
    only then lands); the tangent at its steepest point is extended to the stance
    level. This finds the corner between flight and contact without depending
    on the detection threshold and undoes most of the rounding that the pose
    model's temporal smoothing puts on that corner.
    """
    w = max(3, int(round(0.15 * fps)))
    band = max(thr - level, 1e-6)
    p = idx
    while p < min(len(h) - 2, idx + w) and np.isfinite(h[p]) and h[p] > level + 0.4 * band:
        p += 1
    lo = max(1, p - w)
    seg = h[lo:p + 1]
    if len(seg) < 3 or not np.isfinite(seg).all():
        return float(idx)
    peaks = [k for k in range(1, len(seg) - 1) if seg[k] >= seg[k - 1] and seg[k] >= seg[k + 1]]
    start = lo + (peaks[-1] if peaks else 0)
    ks = np.arange(max(start, 1), min(p + 1, len(h) - 1))
    if len(ks) == 0:
        return float(idx)
    v = (h[ks + 1] - h[ks - 1]) / 2.0
    k = int(ks[int(np.nanargmin(v))])
    slope = (h[k + 1] - h[k - 1]) / 2.0
    if not np.isfinite(slope) or slope >= 0:
        return float(idx)
    return float(np.clip(k + (level - h[k]) / slope, idx - w, p + 1))


def _refine_to(h: np.ndarray, idx: int, thr: float) -> float:
    """Sub-sample toe-off: where ``h`` rises through the middle of the detector's hysteresis band.

    The band lies between the entry threshold ``thr`` and the exit level
    ``thr + EXIT_MARGIN``. The middle of it, not a level closer to the stance
    level, because the pose model lifts the toe landmark of a foot that rolls
    over its toes by up to about 0.03 leg lengths before the toes actually
    leave the ground (it draws the foot flatter than it is); a crossing lower
    down would put toe-off two to three frames early, where hip extension is
    still changing fast.
    """
    cross = thr + TO_CROSS_FRACTION * EXIT_MARGIN
    j = idx
    while j + 1 < len(h) and np.isfinite(h[j + 1]) and h[j + 1] <= cross:
        j += 1
    while j > 0 and np.isfinite(h[j]) and h[j] > cross:
        j -= 1
    if j + 1 >= len(h) or not np.isfinite(h[j + 1]) or h[j + 1] == h[j]:
        return float(idx)
    return float(j + (cross - h[j]) / (h[j + 1] - h[j]))


def rest_relative_points(sig: FootSignal, runs: list[tuple[int, int]]) -> dict[str, np.ndarray] | None:
    """Height of the heel and of the toes, each above its own resting level (leg lengths).

    The pose model puts the heel and toe landmarks of a flat foot at slightly
    different heights (and not on the sole); the level each point rests at in
    the middle third of the contacts is subtracted. ``None`` without contacts.
    """
    mids = [np.arange(s + (e - s + 1) // 3, e - (e - s + 1) // 3 + 1) for s, e in runs if e - s >= 2]
    if not mids or not sig.points:
        return None
    idx = np.concatenate(mids)
    return {p: sig.points[p] - np.nanmedian(sig.points[p][idx]) for p in ("heel", "toe")}


def landing_kink(heel: np.ndarray, toe: np.ndarray, idx: int, fps: float) -> float | None:
    """Sub-sample initial contact of a heel landing: where the heel's descent stops.

    Parameters
    ----------
    heel, toe : ndarray, shape (n,)
        Heights of the heel and the toes above their own mid-stance levels
        (leg lengths, :func:`rest_relative_points`).
    idx : int
        The detector's contact start (first sample below its threshold).
    fps : float
        Sample rate (1/s).

    Returns
    -------
    float or None
        Fractional sample index; None when the contact is no heel landing
        (the toes are lower at the kink), the kink lies more than
        :data:`KINK_MAX_HEIGHT` above the heel's stance level, the signal has a
        gap, or the descent never slows.

    Notes
    -----
    The heel's descent speed between samples ``k-1`` and ``k`` is placed at
    ``k - 0.5``; its fastest value within :data:`KINK_WINDOW_S` before
    ``idx`` is the final descent, and the contact is where the speed, linearly
    interpolated, first falls below :data:`KINK_FRACTION` of it (searched up
    to 0.05 s after ``idx``). A descent that stops dead between two frames is
    timed up to about half a frame after it stops; a descent that slows
    before the heel touches (the synthetic runner's) a little before.

    Why not the stance level, as for toe-first landings: on real footage the
    pose model's heel landmark stops where the heel meets the ground but sits
    there above its mid-stance level until the foot is flat, for zero to five
    frames at 30 fps, so a level crossing times a landing late by a varying
    amount. On the real treadmill clip that made the contact-to-contact
    intervals scatter four times as much as the toe-off intervals
    (``benchmarks/real_events.py``); timed by the kink they scatter alike.
    """
    k = _kink_search_samples(len(heel), idx, fps)
    if k is None:
        return None
    speed = heel[k - 1] - heel[k]  # descent per sample, at k - 0.5
    t = _slowdown_index(k, speed, idx)
    if t is None:
        return None
    i = int(np.clip(round(t), 0, len(heel) - 1))
    if not (heel[i] <= KINK_MAX_HEIGHT and heel[i] <= toe[i]):
        return None
    return t


def _kink_search_samples(n: int, idx: int, fps: float) -> np.ndarray | None:
    """Samples ``k`` whose descent (from ``k - 1`` to ``k``) is searched for a landing kink.

    From :data:`KINK_WINDOW_S` (at least 3 samples) before the detector's
    contact start ``idx`` to 0.05 s (at least 2 samples) after it, within
    the ``n`` samples of the clip; None when fewer than 3 samples remain.
    ``fps`` is the sample rate (1/s).
    """
    w = max(3, int(round(KINK_WINDOW_S * fps)))
    lo, hi = max(1, idx - w), min(n - 1, idx + max(2, int(round(0.05 * fps))))
    if hi - lo < 2:
        return None
    return np.arange(lo, hi + 1)


def _slowdown_index(k: np.ndarray, speed: np.ndarray, idx: int) -> float | None:
    """Fractional sample index where the descent first slows below :data:`KINK_FRACTION` of its peak.

    Parameters
    ----------
    k : ndarray of int
        Sample indices; ``speed[m]`` is the descent (leg lengths per sample,
        + downward) between samples ``k[m] - 1`` and ``k[m]``, placed at ``k[m] - 0.5``.
    speed : ndarray
        The descent speeds.
    idx : int
        The detector's contact start: the peak is the fastest descent at or before it.

    Returns
    -------
    float or None
        Linearly interpolated crossing after the peak; None when there is no
        descent before ``idx``, a speed after the peak is missing before the
        crossing, or the descent never slows.
    """
    before = np.where((k <= idx) & np.isfinite(speed), speed, -np.inf)
    p = int(np.argmax(before))
    peak = before[p]
    if not np.isfinite(peak) or peak <= 0:
        return None
    slow = KINK_FRACTION * peak
    for m in range(p + 1, len(k)):
        if not np.isfinite(speed[m]):
            return None
        if speed[m] < slow:
            return float(k[m - 1] - 0.5 + (speed[m - 1] - slow) / (speed[m - 1] - speed[m]))
    return None


GROUND_MATCH_BEFORE_S = 0.2
"""How far before the height detector's contact start the ground-speed match is searched (s)."""
GROUND_MATCH_AFTER_S = 0.12
"""How far after it (s): the height detector trails real contact by up to about 3 frames at 30 fps."""
MIN_APPROACH_SPEED = 1.0
"""Least speed of the landing foot relative to the ground before contact (leg lengths/s) for a ground-speed match.

A running or walking foot swings forward at 3–8 leg lengths/s relative to the
ground (about twice the body's speed); below 1 there is no approach to time.
"""


WALK_MATCH_SPEED = 0.1
"""Walking: a landing heel moving slower than this relative to the ground (leg lengths/s) moves with it.

A walker's heel slows down before it lands and creeps the last millimetres
(the synthetic walker's arrives at 0.005 leg lengths per frame and then at
landmark rounding): a strict zero crossing waited for the next sign flip of
that creep, up to 3.5 frames late on exact landmarks."""

MATCH_NOISE_FRACTION = 0.25
"""A zero crossing followed at once by an approach faster than this share of the fastest one is landmark noise."""


def ground_velocity(x: np.ndarray, runs: list[tuple[int, int]]) -> np.ndarray | None:
    """Horizontal velocity of the ground in the image (leg lengths per sample), per sample.

    Parameters
    ----------
    x : ndarray, shape (n,)
        Horizontal position of a foot point (leg lengths).
    runs : list of (int, int)
        The foot's contacts (inclusive sample ranges).

    Returns
    -------
    ndarray, shape (n,), or None
        A foot on the ground moves with it: zero for a static camera, the belt
        speed on a treadmill, the pan speed (with opposite sign) under a
        camera that follows the runner. Read as the median velocity in the
        middle third of each contact and interpolated linearly over time
        between contacts; None without a contact of at least four samples.
    """
    v = np.gradient(x)
    ts, vs = [], []
    for s, e in runs:
        if e - s < 3:
            continue
        third = (e - s + 1) // 3
        seg = v[s + third:e - third + 1]
        seg = seg[np.isfinite(seg)]
        if len(seg):
            ts.append(0.5 * (s + e))
            vs.append(float(np.median(seg)))
    if not ts:
        return None
    return np.interp(np.arange(len(x)), ts, vs)


def ground_speed_match(x: np.ndarray, vg: np.ndarray, idx: int, fps: float, level: float = 0.0) -> float | None:
    """Sub-sample initial contact: where the landing foot comes to move with the ground.

    Parameters
    ----------
    x : ndarray, shape (n,)
        Horizontal position of the landing point (heel or toes, leg lengths),
        unfiltered: a zero-phase filter spreads the foot's stop over the
        frames before it, and the crossing with it.
    vg : ndarray, shape (n,)
        Ground velocity (leg lengths per sample, :func:`ground_velocity`).
    idx : int
        The height detector's contact start (first sample below its threshold).
    fps : float
        Sample rate (1/s).
    level : float
        Speed relative to the ground (leg lengths/s) taken as "with the
        ground": 0 (a zero crossing) for running; walking passes
        :data:`WALK_MATCH_SPEED`.

    Returns
    -------
    float or None
        Fractional sample index of the first zero crossing (or fall through
        ``level``) of the foot's velocity relative to the ground after its fastest approach (searched
        from :data:`GROUND_MATCH_BEFORE_S` before ``idx`` to
        :data:`GROUND_MATCH_AFTER_S` after it); None when the window has a
        gap, the approach is slower than :data:`MIN_APPROACH_SPEED` or the
        foot never matches the ground in the window.

    Notes
    -----
    A foot on the ground moves with it, so contact begins where the foot's
    horizontal velocity relative to the ground first reaches zero. On a
    treadmill that is where the foot takes up the belt's speed; on footage the
    landmark's height is a poor guide to the same instant: the pose model
    puts the heel at its mid-stance height one to three frames before the shoe
    touches (two frames on average on the real treadmill clip, four in the
    walking clips, where the heel skims the ground before it lands; truth
    labelled by hand, ``tests/data/real``). The heel's anteroposterior
    velocity zero crossing is a known kinematic marker of treadmill contact
    (ISBS Proceedings 35, 2017, art. 111, against a belt-mounted marker); this
    is the same crossing with the ground's own motion taken away, so it holds
    for a static, a panning camera and a treadmill alike.
    """
    n = len(x)
    lo = max(0, idx - max(3, int(round(GROUND_MATCH_BEFORE_S * fps))))
    hi = min(n - 2, idx + max(2, int(round(GROUND_MATCH_AFTER_S * fps))))
    if hi - lo < 2:
        return None
    j = np.arange(lo, hi + 1)  # velocity between samples j and j + 1, placed at j + 0.5
    rel = (x[j + 1] - x[j]) - 0.5 * (vg[j] + vg[j + 1])
    if not np.isfinite(rel).all():
        return None
    approach = np.where(j < idx, np.abs(rel), -1.0)
    p = int(np.argmax(approach))
    if approach[p] * fps < MIN_APPROACH_SPEED:
        return None
    sign = np.sign(rel[p])
    lv = level / fps
    for m in range(p + 1, len(j)):
        if sign * rel[m] > lv:
            continue
        if m + 1 < len(j) and sign * rel[m + 1] > max(lv, MATCH_NOISE_FRACTION * approach[p]):
            continue  # one noisy sample, the foot still approaches
        a, b = sign * rel[m - 1], sign * rel[m]
        if m >= 3 and lv == 0.0:
            stop = stop_in_interval(sign * rel[m - 3], sign * rel[m - 2], a)
            if stop is not None:
                return float(j[m - 1] + stop)
        return float(j[m - 1] + 0.5 + (a - lv) / (a - b))
    return None


STEADY_APPROACH = 0.15
"""Two frame-to-frame displacements of a landing foot that differ by less than this share are a steady
approach (:func:`stop_in_interval`): beyond it the foot was braking, unevenly for all we know."""


def stop_in_interval(d0: float, d1: float, d2: float) -> float | None:
    """Where in its last moving frame interval a landing foot stopped, from how it was slowing down.

    Parameters
    ----------
    d0, d1 : float
        The foot's displacements relative to the ground in the two frame
        intervals before its last moving one (any unit per frame, + toward
        the stop): its velocity at those intervals' middles.
    d2 : float
        Its displacement in the last moving interval (it stands still from
        the next one on).

    Returns
    -------
    float or None
        The fraction ``tau`` of the last interval after which the foot stood
        still: the foot leaves the interval's start at ``v = d1 + a / 2`` with
        the deceleration ``a = d1 - d0`` (per frame²) and covers ``d2`` in
        ``v tau + a tau² / 2 = d2``; None where the approach was not steady
        (``d0`` and ``d1`` differ by more than :data:`STEADY_APPROACH`) or the
        numbers do not describe an approach (not all positive, or no stop
        within the interval).

    Notes
    -----
    Velocities from frame differences sit between the frames, so a zero
    crossing interpolated between the last moving and the first still
    interval lands at the middle of the still one: a foot that stops early in
    its last interval is timed up to a frame late. The synthetic falling
    landing (the heel meets the ground near the body's speed) came 0.8–0.9
    frames late at 60 and 120 fps on exact landmarks that way; with this rule
    0.0. Only a steady arrival is extrapolated: applied to every approach
    (covering the last displacement at whatever deceleration came before),
    the real treadmill clip's contacts moved from 0.40 to 1.08 frames before
    the hand labels (real feet brake unevenly before the impact); with the
    steadiness condition they sit 0.50 frames before them, which is where an
    unbiased contact lies against labels on the first frame on the ground.
    The synthetic runner at 30 fps still decelerates across the frames before
    contact and keeps its 0.85-frame lag.
    """
    if not (d0 > 0 and d1 > 0 and d2 >= 0):
        return None
    if abs(d0 - d1) > STEADY_APPROACH * max(d0, d1):  # braking unevenly: the interpolated crossing stays
        return None
    a = d1 - d0
    v = d1 + 0.5 * a
    if v <= 0 or d2 >= v + 0.5 * a:  # already stopped before the interval, or still moving at its end
        return None
    if abs(a) < 1e-12:
        return d2 / v
    disc = v * v + 2.0 * a * d2
    if disc < 0:
        return None
    tau = (-v + np.sqrt(disc)) / a
    return float(tau) if 0.0 <= tau <= 1.0 else None


DEPART_BEFORE_S = 0.2
"""Walking toe-off: how far before the height detector's last contact sample the toes' departure is searched (s)."""
DEPART_AFTER_S = 0.1
"""And how far after it (s): the toes have left by then at any walking speed (they move at 2-4 leg lengths/s)."""


DEPART_SPEED = 0.5
"""Walking toe-off: the toes move with the ground until they move faster than this relative to it (leg lengths/s)...

... and than :data:`DEPART_FRACTION` of their fastest departure within
:data:`DEPART_AFTER_S`. A stance foot's toes stay with the ground to within
the landmarks' jitter, but the pose model's toes creep forward as the heel
rises: at a fixed 0.5 leg lengths/s toe-off came up to 4.6 frames early on the
synthetic walkers, at 1.0 a frame before the last frame on the ground on the
real walking clip, whose toes leave at 4–7 leg lengths/s (the synthetic
walker's at 1.4, rising to 2–3 in early swing)."""
DEPART_FRACTION = 0.3
"""Share of the toes' fastest departure (within :data:`DEPART_AFTER_S` of the contact's end) that marks toe-off."""


def ground_speed_departure(x: np.ndarray, vg: np.ndarray, idx: int, fps: float,
                           speed: float | None = None) -> float | None:
    """Sub-sample toe-off of a walking foot: where its toes stop moving with the ground.

    Parameters
    ----------
    x : ndarray, shape (n,)
        Horizontal position of the toes (leg lengths), filtered: the raw toe
        landmark creeps forward by a few frames' jitter in pre-swing, which
        put toe-off up to 5 frames early on the synthetic walkers (filtered:
        within 1.3 frames but for one outlier, median +0.1 to +0.9).
    vg : ndarray, shape (n,)
        Ground velocity (leg lengths per sample, :func:`ground_velocity`).
    idx : int
        The height detector's last contact sample.
    fps : float
        Sample rate (1/s).
    speed : float, optional
        A fixed departure speed (leg lengths/s) instead of :data:`DEPART_SPEED` and
        :data:`DEPART_FRACTION`: a backward walker's heel leaves the ground as a
        forward walker's lands, slowly, so it is timed by the landing's own
        :data:`WALK_MATCH_SPEED` (a forward heel strike reversed in time).

    Returns
    -------
    float or None
        Fractional sample index where the toes' velocity relative to the
        ground last rose through :data:`DEPART_FRACTION` of their fastest
        departure after ``idx`` (at least :data:`DEPART_SPEED`; searched from :data:`DEPART_BEFORE_S` before ``idx`` to
        :data:`DEPART_AFTER_S` after it); None when the window has a gap, the
        departure is slower than :data:`MIN_APPROACH_SPEED` or the toes never
        moved with the ground in the window.

    Notes
    -----
    :func:`ground_speed_match` run backward in time. In pre-swing a walking
    foot pivots on its toes, which stay with the ground until they leave it,
    while the lowest foot point rises slowly at first (a walker's toes clear
    the ground by 1–2 cm, Winter 1992): the height crossing of
    :func:`_refine_to` came 2.5 frames late at 60 fps on exact landmarks of the
    synthetic walker. The knee gives no toe-off in walking (:func:`_toe_off`).
    """
    n = len(x)
    lo = max(0, idx - max(3, int(round(DEPART_BEFORE_S * fps))))
    hi = min(n - 2, idx + max(2, int(round(DEPART_AFTER_S * fps))))
    if hi - lo < 2:
        return None
    j = np.arange(lo, hi + 1)  # velocity between samples j and j + 1, placed at j + 0.5
    rel = (x[j + 1] - x[j]) - 0.5 * (vg[j] + vg[j + 1])
    if not np.isfinite(rel).all():
        return None
    leave = np.where(j >= idx, np.abs(rel), -1.0)
    p = int(np.argmax(leave))
    if leave[p] * fps < MIN_APPROACH_SPEED:
        return None
    sign = np.sign(rel[p])
    level = max(DEPART_SPEED / fps, DEPART_FRACTION * leave[p]) if speed is None else speed / fps
    for m in range(p - 1, -1, -1):
        if sign * rel[m] > level:
            continue
        if m > 0 and sign * rel[m - 1] > max(level, MATCH_NOISE_FRACTION * leave[p]):
            continue  # one noisy sample, the toes were still moving
        a, b = sign * rel[m], sign * rel[m + 1]
        return float(j[m] + 0.5 + (level - a) / (b - a))
    return None


def _refine_ic_rest(h_rel: np.ndarray, idx: int, band: float, fps: float) -> float:
    """Sub-sample initial contact: where ``h_rel`` comes down through ``IC_CROSS_FRACTION`` of the stance band.

    ``h_rel`` is the lower of the heel and toe heights of
    :func:`rest_relative_points` (so a landing is timed by the point that lands
    reaching its own stance level); ``band`` (leg lengths) is the
    detector's threshold above the stance level. Searched within 0.15 s of the
    detected contact start ``idx``; ``idx`` itself when there is no crossing.
    """
    cross = IC_CROSS_FRACTION * band
    w = max(3, int(round(0.15 * fps)))
    j = idx
    while j < min(len(h_rel) - 1, idx + w) and np.isfinite(h_rel[j]) and h_rel[j] > cross:
        j += 1
    while j > max(0, idx - w) and np.isfinite(h_rel[j - 1]) and h_rel[j - 1] <= cross:
        j -= 1
    if j == 0 or not np.isfinite(h_rel[j - 1]) or not np.isfinite(h_rel[j]) or h_rel[j] > cross or h_rel[j - 1] == h_rel[j]:
        return float(idx)
    return float(j - 1 + (h_rel[j - 1] - cross) / (h_rel[j - 1] - h_rel[j]))


def _alternate(near: list[tuple[int, int]], far: list[tuple[int, int]], h_far: np.ndarray) -> list[tuple[int, int]]:
    """Keep at most one far-foot contact between two near-foot contacts.

    Running alternates feet; where the far foot's occluded landmarks produce
    several candidate contacts inside one near-foot stride, the one where the
    foot sits lowest for longest wins.
    """
    if len(near) < 2:
        return far
    bounds = [s for s, _ in near]
    keep = []
    edges = [-np.inf] + bounds + [np.inf]
    for lo, hi in zip(edges, edges[1:]):
        cands = [(s, e) for s, e in far if lo <= s < hi]
        if not cands:
            continue
        score = [(e - s + 1) * (1.0 - np.nanmean(h_far[s:e + 1])) for s, e in cands]
        keep.append(cands[int(np.argmax(score))])
    return keep


def hip_lows(clean: CleanSeries, step_s: float, subsample: bool = False) -> np.ndarray:
    """Times of the hip's lowest points (one per step, near midstance).

    With ``subsample``, each low is placed at the vertex of the parabola
    through it and its two neighbours (a flat-bottomed hip path otherwise
    rounds the low to whole samples).
    """
    from scipy.signal import find_peaks

    y = clean.xy["mid_hip"][:, 1]
    if not np.isfinite(y).any():
        return np.array([])
    y = np.where(np.isfinite(y), y, np.nanmean(y))
    peaks, _ = find_peaks(y, distance=max(1, int(0.6 * step_s * clean.fps)))  # image y down: low hip = peak
    if not subsample:
        return clean.t[peaks]
    dt = clean.t[1] - clean.t[0] if clean.n > 1 else 1.0 / clean.fps
    out = []
    for k in peaks:
        a, b, c = y[max(k - 1, 0)], y[k], y[min(k + 1, len(y) - 1)]
        den = a - 2 * b + c
        off = 0.5 * (a - c) / den if 0 < k < len(y) - 1 and den < 0 else 0.0
        out.append(clean.t[k] + float(np.clip(off, -0.5, 0.5)) * dt)
    return np.array(out)


def hip_step_asymmetry(clean: CleanSeries, ic_s: dict[str, np.ndarray]) -> float | None:
    """Step-time asymmetry (%) from the hip's lowest points instead of the contacts.

    Each hip low (one per step, in that step's stance) is labelled with the
    foot whose contact came last before it; a step of that foot lasts from the
    previous low of the other foot. Returns ``100 |L - R| / mean`` of the
    median step times, or None with fewer than 3 steps per side.

    Notes
    -----
    Independent of the contact timing except for the labels, so it exposes a
    foot whose contacts are timed late (typically the far foot, hidden at
    landing): one frame of such a lag at 30 fps moves the contact-based
    asymmetry by about 18 points, the hip-based one not at all.
    """
    steps = sorted((float(t), s) for s in SIDES for t in ic_s[s])
    if len(steps) < 4:
        return None
    step_s = float(np.median(np.diff([t for t, _ in steps])))
    lows = hip_lows(clean, step_s, subsample=True)
    labels = []
    for lo in lows:
        before = [s for t, s in steps if t < lo and lo - t < 1.2 * step_s]
        labels.append(before[-1] if before else None)
    dur = {s: [] for s in SIDES}
    for k in range(1, len(lows)):
        if labels[k] and labels[k - 1] and labels[k] != labels[k - 1]:
            dur[labels[k]].append(lows[k] - lows[k - 1])
    if min(len(v) for v in dur.values()) < 3:
        return None
    left, right = float(np.median(dur["left"])), float(np.median(dur["right"]))
    return 100.0 * abs(left - right) / (0.5 * (left + right))


def far_events_from_hip(near_ic: np.ndarray, near_to: np.ndarray, lows: np.ndarray, fps: float,
                        max_sd_s: float = 0.025):
    """Far-foot IC/TO estimated from the hip's lowest points of the far steps.

    The near foot gives the offset from IC (and TO) to its step's hip low; where
    that offset is consistent (SD ≤ ``max_sd_s``), the far foot's events are
    the far steps' hip lows minus (plus) the same offsets. Returns ``None`` when
    the near foot does not give a consistent offset.
    """
    pairs = []
    for ic in near_ic:
        later_to = near_to[near_to > ic]
        inside = lows[(lows > ic) & (lows < (later_to[0] if len(later_to) else ic + 0.5))]
        if len(inside) and len(later_to):
            pairs.append((inside[0] - ic, later_to[0] - inside[0]))
    if len(pairs) < 3:
        return None
    off_ic, off_to = np.array(pairs).T
    spread = 1.4826 * np.median(np.abs(off_ic - np.median(off_ic)))  # robust SD: one bad near IC is no reason to give up
    if spread > max(max_sd_s, 1.5 / fps):
        return None
    near_lows = set()
    for ic in near_ic:
        nxt = lows[lows > ic]
        if len(nxt):
            near_lows.add(float(nxt[0]))
    far_lows = np.array([x for x in lows if float(x) not in near_lows])
    return far_lows - np.median(off_ic), far_lows + np.median(off_to)


def detect_events(clean: CleanSeries, gait: str = "run", backward: bool = False) -> GaitEvents:
    """Detect IC and TO for both feet (see the module docstring).

    Parameters
    ----------
    clean : CleanSeries
        Output of :func:`formcheck.engine.clean.clean`.
    gait : {"run", "walk"}
        ``"walk"`` (the view found forward walking): toe-off from the toes'
        departure, never from the knee (a walking knee flexes through toe-off, to
        35–40°, and is straightest in terminal stance, Perry), see
        :func:`ground_speed_departure`; not with ``backward``.
    backward : bool
        The runner moves backward (known from a first pass: the direction
        does not rest on the contact timing): a toe-first contact is then
        timed by the knee (:func:`backward_contact`).

    Returns
    -------
    GaitEvents
        Events of both feet (s and samples on ``clean.t``), the foot signals,
        the cadence (steps/min) from the contacts and from the hip motion, and
        notes on far-foot contacts dropped or timed from the hip.
    """
    leg_px = clean.leg_length_px()
    signals = {side: foot_signal(clean, side, leg_px) for side in SIDES}
    _gate_swinging_feet(clean, signals, leg_px)
    walk = gait == "walk" and not backward  # backward walking: the backward timing, as a backward run's
    if walk:
        for side in SIDES:
            signals[side].contact = close_gaps(signals[side].contact, WALK_MAX_GAP_S * clean.fps)
    runs = {side: true_runs(signals[side].contact) for side in SIDES}
    # the near foot is measured best; the far foot's contacts must alternate with it
    near, far = clean.near_side, clean.far_side
    runs[far] = _alternate(runs[near], runs[far], signals[far].h)
    dt = _grid_step(clean)
    ic_idx, to_idx, ic_s, to_s, contacts = {}, {}, {}, {}, {}
    for side in SIDES:
        # a backward walk leaves the ground heel last (a forward heel strike reversed): timed as a walking
        # toe-off, from the heel
        back_walk = gait == "walk" and backward
        ic_idx[side], to_idx[side], ic_s[side], to_s[side], contacts[side] = _foot_events(
            clean, side, signals[side], runs[side], dt, heel_kink=side == near, knee_to=not (walk or back_walk),
            backward=backward, to_point="heel" if back_walk else "toe")
    # the far foot is often hidden at contact; where its measured IC strays from
    # the estimate given by the hip motion (consistent for the near foot), the
    # hip-based estimate is used instead
    far_from_hip = 0
    # (not for a walk: its hip is lowest through double support, a broad low that times no contact)
    from_hip = _far_times_from_hip(clean, ic_s[near], to_s[near], ic_s[far], to_s[far]) if not walk else None
    if from_hip is not None:
        ic_s[far], to_s[far], far_from_hip = from_hip
        ic_idx[far], to_idx[far] = _sample_index(clean, ic_s[far], dt), _sample_index(clean, to_s[far], dt)
        contacts[far] = [(int(a), int(b)) for a in ic_idx[far] for b in to_idx[far][to_idx[far] > a][:1]]
    # a far-foot contact must fall between two near-foot contacts, near mid-stride
    ic_s[far], ic_idx[far], contacts[far], dropped = _drop_out_of_step(clean, ic_s[near], ic_s[far], ic_idx[far],
                                                                      contacts[far], dt)
    cad_ev, cad_sp = _cadences(clean, ic_s[near])
    notes = _event_notes(cad_ev, cad_sp, dropped, far_from_hip, near, far)
    return GaitEvents(ic_idx=ic_idx, to_idx=to_idx, ic_s=ic_s, to_s=to_s, contacts=contacts, signals=signals,
                      cadence_events_spm=cad_ev, cadence_spectrum_spm=cad_sp, notes=notes,
                      far_from_hip=far_from_hip, hip_asymmetry_pct=hip_step_asymmetry(clean, ic_s),
                      hip_cadence_spm=spectral_cadence(clean))


def _gate_swinging_feet(clean: CleanSeries, signals: dict, leg_px: float) -> None:
    """Drop from each foot's contacts the samples at which it swings (:func:`speed_gate`), in place."""
    feet_x = {side: {p: clean.xy[f"{side}_{p}"][:, 0] / leg_px for p in ("heel", "toe")} for side in SIDES}
    vg, body = ground_and_body_velocity(feet_x, {side: signals[side].h for side in SIDES},
                                        clean.xy["mid_hip"][:, 0] / leg_px, clean.fps)
    for side in SIDES:
        signals[side].contact = speed_gate(signals[side].contact, feet_x[side], vg, body, clean.fps)


def _grid_step(clean: CleanSeries) -> float:
    """Sample interval of ``clean.t`` (s)."""
    return clean.t[1] - clean.t[0] if clean.n > 1 else 1.0 / clean.fps


def _sample_index(clean: CleanSeries, times: np.ndarray, dt: float) -> np.ndarray:
    """Nearest sample indices (int, clipped to the clip) of ``times`` (s) on ``clean.t`` with step ``dt`` (s)."""
    return np.clip(np.round((times - clean.t[0]) / dt).astype(int), 0, clean.n - 1)


def _foot_events(clean: CleanSeries, side: str, sig: FootSignal, runs: list[tuple[int, int]], dt: float,
                 heel_kink: bool, knee_to: bool = True, backward: bool = False, to_point: str = "toe"):
    """Refined initial contacts and toe-offs of one foot from its contact runs.

    Parameters
    ----------
    clean : CleanSeries
        The cleaned tracks.
    side : {"left", "right"}
        The foot.
    sig : FootSignal
        Its contact signal (:func:`foot_signal`).
    runs : list of (int, int)
        Its contacts as inclusive sample ranges (:func:`_runs`, after :func:`_alternate`).
    dt : float
        Sample interval (s).
    heel_kink : bool
        Time heel landings by their kink (:func:`landing_kink`); the far heel is
        often hidden as it lands, so only the near foot's are.
    knee_to : bool
        Let the knee's peak extension overrule the foot signal's toe-off
        (:func:`_toe_off`); off for walking, whose toe-off is where the toes
        leave the ground's motion (:func:`ground_speed_departure`).
    backward : bool
        Backward gait: toe-first contacts timed by the knee (:func:`backward_contact`).
    to_point : {"toe", "heel"}
        Without ``knee_to``: the foot point whose departure from the ground's motion is the toe-off (the toes
        in forward walking, the heel in backward walking, which leaves the ground heel last).

    Returns
    -------
    ic_idx, to_idx : ndarray of int
        The detector's sample index of each event kept (a run touching the
        clip's edge has an unseen end and gives no event there).
    ic_s, to_s : ndarray of float
        Their refined times (s).
    contacts : list of (int, int)
        Runs with both ends kept, as sample indices of the refined events
        (what midstance and double support are read from), not of the
        detector's threshold crossings.
    """
    ics = [s for s, e in runs if s > 0 and np.isfinite(sig.h[s - 1])]
    tos = [e for s, e in runs if e < len(sig.h) - 1 and np.isfinite(sig.h[e + 1])]
    knee = joint_flexion(clean.xy[f"{side}_hip"], clean.xy[f"{side}_knee"], clean.xy[f"{side}_ankle"])
    ic_ref = _refined_ics(sig, runs, ics, clean.fps, heel_kink, walk=not knee_to and not backward,
                          backward_knee=knee if backward else None)
    # two runs refined onto the same instant are one contact
    ics = _spaced(ics, [ic_ref[i] for i in ics], MIN_EVENT_GAP_S / dt)
    if knee_to:
        to_ref = {i: _toe_off(sig.h, knee, i, sig.threshold, dt) for i in tos}
    else:  # walking: where the toes stop moving with the ground, else the height crossing
        toe_x = clean.xy[f"{side}_{to_point}"][:, 0] / clean.leg_length_px()  # filtered: see ground_speed_departure
        vg = ground_velocity(toe_x, runs)
        to_ref = {}
        for i in tos:
            dep = ground_speed_departure(toe_x, vg, i, clean.fps, WALK_MATCH_SPEED if to_point == "heel" else None) \
                if vg is not None else None
            to_ref[i] = dep if dep is not None else _refine_to(sig.h, i, sig.threshold)
    tos = _spaced(tos, [to_ref[i] for i in tos], MIN_EVENT_GAP_S / dt)
    contacts = [(int(np.clip(round(ic_ref[s]), 0, clean.n - 1)), int(np.clip(round(to_ref[e]), 0, clean.n - 1)))
                for s, e in runs if s in ics and e in tos]
    return (np.array(ics, int), np.array(tos, int), np.array([clean.t[0] + ic_ref[i] * dt for i in ics]),
            np.array([clean.t[0] + to_ref[i] * dt for i in tos]), contacts)


def _refined_ics(sig: FootSignal, runs: list[tuple[int, int]], ics: list[int], fps: float,
                 heel_kink: bool, walk: bool = False, backward_knee: np.ndarray | None = None) -> dict[int, float]:
    """Sub-sample initial contact (fractional sample index) of each contact start in ``ics``.

    The landing kink of a heel landing where ``heel_kink`` allows and there is
    one (:func:`landing_kink`), else where the landing point comes down to its
    resting level (:func:`_refine_ic_rest`); without mid-stance samples to
    find those levels, the tangent onto the stance level (:func:`_refine_ic`).
    ``fps`` is the sample rate (1/s); ``walk``: the heel is with the ground
    below :data:`WALK_MATCH_SPEED`. ``backward_knee`` (knee flexion, deg),
    given for a backward gait: a toe-first contact is moved to the knee's
    extension peak before it (:func:`backward_contact`).
    """
    level = float(np.nanmedian(sig.h[sig.contact])) if sig.contact.any() else 0.0
    rel = rest_relative_points(sig, runs)
    if rel is None:
        return {i: _refine_ic(sig.h, i, level, sig.threshold, fps) for i in ics}
    h_rel = np.fmin(rel["heel"], rel["toe"])
    vg = {"heel": ground_velocity(sig.points_x["heel"], runs)} if sig.points_x else {}
    ic_ref = {}
    for i in ics:
        heel_first = rel["heel"][i] <= rel["toe"][i]
        match = None if not heel_first or vg.get("heel") is None else \
            ground_speed_match(sig.points_x["heel"], vg["heel"], i, fps, WALK_MATCH_SPEED if walk else 0.0)
        if match is not None:
            ic_ref[i] = match
            continue
        kink = landing_kink(rel["heel"], rel["toe"], i, fps) if heel_kink else None
        ic_ref[i] = kink if kink is not None else _refine_ic_rest(h_rel, i, sig.threshold - level, fps)
        if backward_knee is not None and not heel_first:
            ic_ref[i] = backward_contact(backward_knee, ic_ref[i], fps)
    return ic_ref


BACKWARD_IC_SEARCH_S = (0.15, 0.10)
"""Window (s before, s after) around the foot signal's contact in which a backward contact's
knee extension is looked for: the foot signal finds the near foot's toe-first contacts
4–6 frames (67–100 ms) late at 60 fps on the synthetic backward runner, and the far
foot's, hidden behind the near leg, up to 4 frames early (:func:`backward_contact`)."""


def backward_contact(knee_flex: np.ndarray, idx: float, fps: float) -> float:
    """Initial contact of a toe-first backward landing: the knee's straightest point near the foot signal's contact.

    Parameters
    ----------
    knee_flex : ndarray, shape (n,)
        Knee flexion of the landing leg (deg, 0 = straight), NaN where not seen.
    idx : float
        The foot signal's contact (fractional sample index).
    fps : float
        Sample rate (1/s).

    Returns
    -------
    float
        Index of the smallest flexion within :data:`BACKWARD_IC_SEARCH_S` of
        ``idx``, refined by a parabola through it and its neighbours; ``idx``
        when that smallest value lies at the window's edge (no extension peak
        inside) or a sample in the window is not seen.

    Notes
    -----
    Backward gait is forward gait nearly reversed in time (Winter et al.
    1989; Lee et al. 2013: joint angles time-reversed except the ankle): the
    backward contact is the reversed forward toe-off, and as a forward
    toe-off coincides with the knee's peak extension (Fellin et al. 2010), a
    backward contact coincides with the knee's extension before it flexes
    under load (the knee "goes fully straight" as the toes land:
    ``gaits.md``). Around it the knee is bent far more on both sides (the
    swing's flexion before, the stance's loading after), so the smallest
    flexion in the window is that point. The foot signal cannot time it: the
    pose model draws a foot landing toes-first flatter than it is, so its toe
    landmark hovers about 0.03 leg lengths above the ground until the heel
    comes down.
    """
    before, after = (int(round(x * fps)) for x in BACKWARD_IC_SEARCH_S)
    lo, hi = int(np.floor(idx)) - max(2, before), int(np.ceil(idx)) + max(2, after)
    if lo < 1 or hi > len(knee_flex) - 2:
        return idx
    seg = knee_flex[lo:hi + 1]
    if not np.all(np.isfinite(seg)):
        return idx
    j = int(np.argmin(seg))
    if j in (0, len(seg) - 1):
        return idx
    a, b, c = seg[j - 1], seg[j], seg[j + 1]
    curv = a - 2 * b + c
    return float(lo + j + (0.5 * (a - c) / curv if curv > 0 else 0.0))


def _toe_off(h: np.ndarray, knee_flex: np.ndarray, idx: int, thr: float, dt: float) -> float:
    """Sub-sample toe-off (fractional sample index) of the contact whose last sample is ``idx``.

    Where ``h`` (leg lengths) rises through the hysteresis band
    (:func:`_refine_to`), unless the knee's peak extension (``knee_flex`` in
    degrees, :func:`knee_extension_peak`, searched within
    :data:`TO_KNEE_WINDOW_S`) lies more than :data:`TO_KNEE_AGREE_S` from it:
    then that peak. ``thr`` is the entry threshold (leg lengths), ``dt`` the
    sample interval (s).
    """
    foot_to = _refine_to(h, idx, thr)
    peak = knee_extension_peak(knee_flex, foot_to, int(round(TO_KNEE_WINDOW_S / dt)))
    return peak if peak is not None and abs(peak - foot_to) * dt > TO_KNEE_AGREE_S else foot_to


def _far_times_from_hip(clean: CleanSeries, near_ic: np.ndarray, near_to: np.ndarray, far_ic: np.ndarray,
                        far_to: np.ndarray):
    """The far foot's IC and TO times (s) checked against the hip motion (:func:`far_events_from_hip`).

    Each estimate from the hip is replaced by the measured event within 1.5
    frames of it, if there is one (:func:`_merge_estimates`).

    Returns
    -------
    tuple of (ndarray, ndarray, int) or None
        Sorted IC and TO times (s) and how many ICs are the hip's estimates;
        None with fewer than two near contacts or when the near foot gives no
        consistent offset to the hip's lows.
    """
    cad_guess = _stride_cadence(near_ic)
    if not cad_guess:
        return None
    step_s = 60.0 / cad_guess
    est = far_events_from_hip(near_ic, near_to, hip_lows(clean, step_s), clean.fps)
    if est is None:
        return None
    e_ic, e_to = est
    tol = 1.5 / clean.fps
    new_ic, n_ic_est = _merge_estimates(e_ic, far_ic, clean.t, tol, 0.5 * step_s)
    new_to, _ = _merge_estimates(e_to, far_to, clean.t, tol, 0.5 * step_s)
    return np.array(sorted(new_ic)), np.array(sorted(new_to)), n_ic_est


def _drop_out_of_step(clean: CleanSeries, near_ic: np.ndarray, far_ic: np.ndarray, far_idx: np.ndarray,
                      far_contacts: list[tuple[int, int]], dt: float):
    """The far foot's events without the contacts out of step with the near foot (:func:`alternating`).

    Parameters
    ----------
    clean : CleanSeries
        The cleaned tracks (their time grid).
    near_ic, far_ic : ndarray
        Initial contacts (s) of the near and the far foot.
    far_idx : ndarray of int
        The far foot's IC sample indices, one per ``far_ic``.
    far_contacts : list of (int, int)
        The far foot's contacts (sample indices).
    dt : float
        Sample interval (s).

    Returns
    -------
    far_ic, far_idx, far_contacts, n_dropped
        The same without the dropped contacts (a contact is kept when its
        start lies within a sample of a kept IC), and how many ICs were dropped.
    """
    keep = alternating(near_ic, far_ic)
    if keep.all():
        return far_ic, far_idx, far_contacts, 0
    dropped = int((~keep).sum())
    kept = _sample_index(clean, far_ic[keep], dt)
    return far_ic[keep], far_idx[keep], [(a, b) for a, b in far_contacts if np.any(np.abs(kept - a) <= 1)], dropped


def _stride_cadence(near_ic: np.ndarray) -> float | None:
    """Steps per minute from the median IC-to-IC stride time (s) of one foot (two steps per stride)."""
    strides = np.diff(near_ic)
    return 120.0 / float(np.median(strides)) if len(strides) >= 1 else None


def _cadences(clean: CleanSeries, near_ic: np.ndarray) -> tuple[float | None, float | None]:
    """The cadence (steps/min) from the near foot's strides and from the hip's vertical motion.

    The near foot's contacts are the best measured, and a constant timing bias
    cancels in IC-to-IC intervals. The hip's spectrum is searched within ±15 %
    of that cadence (which rules out harmonics), over its whole band without it.
    """
    cad_ev = _stride_cadence(near_ic)
    cad_sp = spectral_cadence(clean, cad_ev * 0.85, cad_ev * 1.15) if cad_ev else spectral_cadence(clean)
    return cad_ev, cad_sp


def _event_notes(cad_ev: float | None, cad_sp: float | None, dropped: int, far_from_hip: int, near: str,
                 far: str) -> list:
    """Notes on the events: cadences (steps/min) more than 5 % apart, far-foot contacts dropped or timed from the hip."""
    notes = []
    if cad_ev and cad_sp and abs(cad_ev - cad_sp) / cad_ev > 0.05:
        notes.append(_reason("cadence_disagree", ev=cad_ev, sp=cad_sp))
    if dropped:
        notes.append(note("far_discarded", n=dropped, far=far, near=near))
    if far_from_hip:
        notes.append(note("far_from_hip", n=far_from_hip, far=far))
    return notes
