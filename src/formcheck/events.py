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
   ``thr``, leaving needs it above ``thr + 0.02``), for at least 60 ms.
3. IC is the first and TO the last sample of each contact.

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

from formcheck.clean import CleanSeries

SIDES = ("left", "right")


@dataclass
class FootSignal:
    """Per-foot contact signal."""

    h: np.ndarray  # height of the lowest foot point above ground, leg lengths (filtered)
    contact: np.ndarray  # bool
    threshold: float
    h_raw: np.ndarray | None = None  # the same from the unfiltered track
    slope_deg: float = 0.0  # ground line slope in the image (+ descending to the right)


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
def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Inclusive (start, end) index pairs of True runs."""
    m = np.r_[False, mask.astype(bool), False]
    d = np.diff(m.astype(int))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1) - 1))


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


def foot_signal(clean: CleanSeries, side: str, leg_px: float) -> FootSignal:
    def lowest(src):
        heel, toe = src[f"{side}_heel"], src[f"{side}_toe"]
        low_is_heel = heel[:, 1] >= toe[:, 1]
        return np.where(low_is_heel, heel[:, 0], toe[:, 0]), np.where(low_is_heel, heel[:, 1], toe[:, 1])

    x_low, y_low = lowest(clean.xy)
    a, b = ground_line(x_low, y_low, clean.width)
    h = ((a * x_low + b) - y_low) / leg_px
    xr, yr = lowest(clean.raw)
    h_raw = ((a * xr + b) - yr) / leg_px
    finite = np.isfinite(h)
    if finite.sum() < 10:
        return FootSignal(h=h, contact=np.zeros_like(h, bool), threshold=np.nan, h_raw=h_raw,
                          slope_deg=float(np.degrees(np.arctan(a))))
    hv = h[finite]
    stance_level = float(np.median(hv[hv <= np.percentile(hv, 30)]))
    noise = float(np.median(np.abs(hv[hv <= np.percentile(hv, 30)] - stance_level))) * 1.4826
    thr = stance_level + max(0.025, 3.0 * noise)
    contact = np.zeros(len(h), bool)
    state = False
    for i, v in enumerate(h):
        if not np.isfinite(v):
            state = False
        elif state:
            state = v <= thr + 0.02
        else:
            state = v <= thr
        contact[i] = state
    # drop blips, close one-sample gaps
    min_len = max(2, int(round(0.06 * clean.fps)))
    for s, e in _runs(~contact):
        if 0 < s and e < len(contact) - 1 and e - s + 1 <= max(1, int(round(0.02 * clean.fps))):
            contact[s:e + 1] = True
    for s, e in _runs(contact):
        if e - s + 1 < min_len:
            contact[s:e + 1] = False
    return FootSignal(h=h, contact=contact, threshold=thr, h_raw=h_raw, slope_deg=float(np.degrees(np.arctan(a))))


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


def _refine(h: np.ndarray, idx: int, level: float, direction: int, fps: float) -> float:
    """Sub-sample index where the foot meets (IC) or leaves (TO) the ground.

    The tangent at the steepest part of the approach (IC, looking back up to
    0.15 s) or of the lift (TO, looking ahead) is extended to the stance level.
    This finds the corner between flight and contact without depending on the
    detection threshold, and it undoes most of the rounding that the pose
    model's own temporal smoothing puts on that corner.
    """
    w = max(3, int(round(0.15 * fps)))
    lo, hi = (idx - w, idx + 1) if direction < 0 else (idx, idx + w + 1)
    lo, hi = max(lo, 1), min(hi, len(h) - 1)
    if hi - lo < 3:
        return float(idx)
    seg = np.arange(lo, hi)
    v = (h[seg + 1] - h[seg - 1]) / 2.0  # central difference, per sample
    if not np.isfinite(v).any():
        return float(idx)
    k = seg[np.nanargmin(v)] if direction < 0 else seg[np.nanargmax(v)]
    slope = (h[k + 1] - h[k - 1]) / 2.0
    if not np.isfinite(slope) or (direction < 0 and slope >= 0) or (direction > 0 and slope <= 0):
        return float(idx)
    x = k + (level - h[k]) / slope
    return float(np.clip(x, idx - w, idx + w))


def _refine_to(h: np.ndarray, idx: int, level: float, thr: float) -> float:
    """Sub-sample toe-off: where ``h`` leaves the stance band (linear interpolation).

    The toes leave the ground slowly, so the tangent of the steepest lift lies
    well after toe-off; the crossing of the middle of the band between the stance
    level and the detection threshold tracks it better.
    """
    cross = level + 0.5 * (thr - level)
    j = idx
    while j + 1 < len(h) and np.isfinite(h[j + 1]) and h[j + 1] <= cross:
        j += 1
    while j > 0 and np.isfinite(h[j]) and h[j] > cross:
        j -= 1
    if j + 1 >= len(h) or not np.isfinite(h[j + 1]) or h[j + 1] == h[j]:
        return float(idx)
    return float(j + (cross - h[j]) / (h[j + 1] - h[j]))


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


def detect_events(clean: CleanSeries) -> GaitEvents:
    """Detect IC and TO for both feet (see the module docstring).

    Parameters
    ----------
    clean : CleanSeries
        Output of :func:`formcheck.clean.clean`.
    """
    leg_px = clean.leg_length_px()
    ic_idx, to_idx, ic_s, to_s, contacts, signals = {}, {}, {}, {}, {}, {}
    runs = {}
    for side in SIDES:
        signals[side] = foot_signal(clean, side, leg_px)
        runs[side] = _runs(signals[side].contact)
    # the near foot is measured best; the far foot's contacts must alternate with it
    near, far = clean.near_side, clean.far_side
    runs[far] = _alternate(runs[near], runs[far], signals[far].h)
    dt = clean.t[1] - clean.t[0] if clean.n > 1 else 1.0 / clean.fps
    for side in SIDES:
        sig = signals[side]
        level = float(np.nanmedian(sig.h[sig.contact])) if sig.contact.any() else 0.0
        # a run touching the clip's edge has an unseen end
        ics = [s for s, e in runs[side] if s > 0 and np.isfinite(sig.h[s - 1])]
        tos = [e for s, e in runs[side] if e < len(sig.h) - 1 and np.isfinite(sig.h[e + 1])]
        ic_idx[side] = np.array(ics, int)
        to_idx[side] = np.array(tos, int)
        ic_s[side] = np.array([clean.t[0] + _refine(sig.h, i, level, -1, clean.fps) * dt for i in ics])
        to_s[side] = np.array([clean.t[0] + _refine_to(sig.h, i, level, sig.threshold) * dt for i in tos])
        contacts[side] = [(s, e) for s, e in runs[side] if s in ics and e in tos]
    # cadence from the near foot's strides (its contacts are the best measured;
    # a constant timing bias cancels in IC-to-IC intervals); two steps per stride
    strides = np.diff(ic_s[near])
    cad_ev = 120.0 / float(np.median(strides)) if len(strides) >= 1 else None
    cad_sp = spectral_cadence(clean, cad_ev * 0.85, cad_ev * 1.15) if cad_ev else spectral_cadence(clean)
    notes = []
    if cad_ev and cad_sp and abs(cad_ev - cad_sp) / cad_ev > 0.05:
        notes.append(f"cadence from the contacts ({cad_ev:.0f}/min) and from the hip motion ({cad_sp:.0f}/min) disagree")
    return GaitEvents(ic_idx=ic_idx, to_idx=to_idx, ic_s=ic_s, to_s=to_s, contacts=contacts, signals=signals,
                      cadence_events_spm=cad_ev, cadence_spectrum_spm=cad_sp, notes=notes)
