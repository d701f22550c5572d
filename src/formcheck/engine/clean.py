"""Cleaning: turn raw MediaPipe landmarks into anatomically named, filtered tracks.

Steps, in order:

1. a uniform time grid (variable-frame-rate clips are resampled to their median
   frame interval, so filters and derivatives see equal steps);
2. visibility gating (a landmark below ``min_visibility`` is treated as missing);
3. leg identity: MediaPipe's left/right labels sit on the wrong leg and swap in a
   side view, so the two leg tracks are re-linked by continuity over time
   (a two-state Viterbi pass over "labels as given" / "labels swapped"), frames
   where both label sets sit on the same leg lose the less continuous one, and
   the track nearer the camera (smaller MediaPipe depth) is found;
4. facing direction (nose ahead of the ears; toes ahead of the heel) and
   anatomical names: a runner facing image-right shows the camera the right
   side, so the near track is the right leg;
5. bounded gap interpolation (gaps up to ``max_gap_s``);
6. zero-phase low-pass filtering: 2nd-order Butterworth run forward and
   backward (``scipy.signal.filtfilt``, effectively 4th order, no lag) with
   cut-off ``min(10 Hz, 0.25 × fps)`` — 7.5 Hz at 30 fps, 10 Hz from 40 fps on.

Conventions
-----------
Pixel coordinates of the upright frame, x right, y down. Joint keys are
``"<side>_<joint>"`` with side ``left``/``right`` (anatomical) and joint one of
``hip knee ankle heel toe shoulder``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from formcheck.contract import note
from formcheck.io.pose import LM, PoseSeries, estimate_facing, spread_ratio
from formcheck.engine.geometry import true_runs
from formcheck.io.scene import Level, level_points

LEG_JOINTS = ("hip", "knee", "ankle", "heel", "toe")
JOINTS = LEG_JOINTS + ("shoulder",)
_MP_NAME = {"toe": "foot_index"}
_ID_JOINTS = ("knee", "ankle", "heel", "toe")  # the ones that separate the legs


@dataclass
class CleanSeries:
    """Cleaned, anatomically named joint tracks of the runner.

    Attributes
    ----------
    t : ndarray, shape (n,)
        Uniform time grid, seconds.
    fps : float
        Samples per second of ``t``.
    xy : dict of str -> ndarray, shape (n, 2)
        Filtered pixel positions, keys ``left_knee``, ``right_toe``, ``mid_hip``,
        ``mid_shoulder``, ``nose`` …; NaN where missing beyond ``max_gap_s``.
    raw : dict of str -> ndarray, shape (n, 2)
        The same after identity fixing and gap filling, before filtering.
    measured : dict of str -> ndarray of bool, shape (n,)
        True where the value was measured (not interpolated, not missing).
    facing : {"left", "right"}
        Image direction the runner faces.
    near_side : {"left", "right"}
        Anatomical side nearer the camera.
    cutoff_hz : float
        Low-pass cut-off used.
    swaps_fixed : int
        Frames where MediaPipe's leg labels were swapped back.
    """

    t: np.ndarray
    fps: float
    xy: dict
    raw: dict
    measured: dict
    facing: str
    near_side: str
    cutoff_hz: float
    width: int
    height: int
    visibility: dict = field(default_factory=dict)
    swaps_fixed: int = 0
    collapsed_frames: int = 0
    notes: list = field(default_factory=list)
    plane: str = "sagittal"
    frontal_facing: str | None = None
    spread: float = float("nan")
    roll_deg: float = 0.0
    """The camera roll the landmarks were levelled by (°, :mod:`formcheck.io.scene`); 0: not levelled."""
    level_centre: tuple[float, float] = (0.0, 0.0)
    held_share: float = 0.0
    """Share of the frames that repeat the picture before (:attr:`formcheck.io.pose.PoseSeries.held`); 0
    unless a clip repeats pictures systematically (:data:`HELD_SHARE`): its times are the file's, not the runner's."""

    @property
    def far_side(self) -> str:
        return "left" if self.near_side == "right" else "right"

    @property
    def n(self) -> int:
        return int(self.t.shape[0])

    def to_frame(self, p: np.ndarray) -> np.ndarray:
        """Levelled points (``(..., 2)`` px, as in :attr:`xy`) back in the video frame's pixels, for drawing."""
        return level_points(p, -self.roll_deg, self.level_centre) if self.roll_deg else np.asarray(p, float)

    def leg_length_px(self) -> float:
        """Median hip → ankle distance of the near leg (pixels)."""
        s = self.near_side
        d = np.linalg.norm(self.xy[f"{s}_ankle"] - self.xy[f"{s}_hip"], axis=1)
        return float(np.nanmedian(d)) if np.isfinite(d).any() else float("nan")


# ------------------------------------------------------------------ time grid
def uniform_grid(t: np.ndarray, tol: float = 0.05) -> tuple[np.ndarray, float, bool]:
    """A uniform grid over ``t`` at its median step; flag whether resampling is needed."""
    dt = np.diff(t)
    step = float(np.median(dt)) if len(dt) else 1 / 30
    irregular = bool(len(dt) and np.max(np.abs(dt - step)) > tol * step)
    if not irregular:
        return t.copy(), 1.0 / step, False
    n = int(np.floor((t[-1] - t[0]) / step)) + 1
    return t[0] + step * np.arange(n), 1.0 / step, True


def _resample(t_src, values, t_dst):
    """Linear resampling of (n, …) ``values`` (NaN-aware: NaN spreads to neighbours)."""
    flat = values.reshape(len(t_src), -1)
    out = np.empty((len(t_dst), flat.shape[1]), dtype=float)
    for k in range(flat.shape[1]):
        out[:, k] = np.interp(t_dst, t_src, flat[:, k])
    return out.reshape((len(t_dst),) + values.shape[1:])


# ------------------------------------------------------------- leg identity
def _legs(image: np.ndarray, min_visibility: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per label (0 = MediaPipe left, 1 = right): (n, len(LEG_JOINTS), 2) positions, visibility, z."""
    n = image.shape[0]
    pos = np.full((2, n, len(LEG_JOINTS), 2), np.nan)
    vis = np.zeros((2, n, len(LEG_JOINTS)))
    z = np.full((2, n, len(LEG_JOINTS)), np.nan)
    for lab, prefix in enumerate(("left", "right")):
        for j, joint in enumerate(LEG_JOINTS):
            idx = LM[f"{prefix}_{_MP_NAME.get(joint, joint)}"]
            p = image[:, idx, :2].astype(float)
            v = np.nan_to_num(image[:, idx, 3].astype(float))
            bad = v < min_visibility
            p[bad] = np.nan
            pos[lab, :, j] = p
            vis[lab, :, j] = v
            z[lab, :, j] = image[:, idx, 2]
    return pos, vis, z


def fix_leg_identity(pos: np.ndarray, scale: float, switch_cost: float = 2.0, velocity_gain: float = 0.8,
                     cap: float = 0.3) -> tuple[np.ndarray, int]:
    """Viterbi over per-frame swap states so each leg track is continuous.

    The hidden state of a frame is whether MediaPipe's labels are swapped there
    relative to the true tracks. Moving from one frame to the next costs the
    distance of every leg joint from where its track was heading (constant
    velocity from the two previous frames, in leg lengths; joints missing are
    skipped); changing the swap state costs ``switch_cost`` leg lengths.
    A label swap shows up as both tracks jumping to the other leg, which costs
    far more than one state change, so it is undone; a crossing of the legs
    costs little either way and keeps the labels as they are.

    Parameters
    ----------
    pos : ndarray, shape (2, n, J, 2)
        Leg joint positions per MediaPipe label.
    scale : float
        Typical leg length in pixels (normalises the cost).

    Returns
    -------
    swap : ndarray of bool, shape (n,)
        True where the labels must be exchanged.
    n_swaps : int
        Number of frames swapped.

    Notes
    -----
    Brief flickers are removed beforehand by :func:`fix_short_swaps`. A long
    swap whose start or end falls where the legs pass each other is
    ambiguous by position and often kept: the velocity term is too weak to
    overrule it without also "correcting" MediaPipe's noisy far leg (a
    stronger, exact second-order model was tried: perfect on exact landmarks,
    clearly worse on MediaPipe's). The leg-identity error on MediaPipe tracks is
    measured by ``benchmarks/accuracy.py``.
    """
    idj = [LEG_JOINTS.index(j) for j in _ID_JOINTS]
    P = pos[:, :, idj, :]  # (2, n, J', 2)
    pred = _predicted_positions(_held_positions(P), velocity_gain)
    swap = _viterbi_swaps(P, pred, scale, switch_cost, cap)
    # the global labelling is arbitrary: keep the majority of frames as given
    if swap.mean() > 0.5:
        swap = ~swap
    return swap, int(swap.sum())


def _held_positions(P: np.ndarray) -> np.ndarray:
    """``P`` (shape (2, n, J, 2), pixels) with each label's last seen position carried forward through missing frames."""
    n = P.shape[1]
    held = P.copy()
    for t in range(1, n):
        miss = ~np.isfinite(held[:, t])
        held[:, t][miss] = held[:, t - 1][miss]
    return held


def _predicted_positions(held: np.ndarray, velocity_gain: float) -> np.ndarray:
    """Where each label's joints are heading in each frame (pixels): constant velocity from the two frames before.

    Parameters
    ----------
    held : ndarray, shape (2, n, J, 2)
        Positions per label with gaps held (:func:`_held_positions`).
    velocity_gain : float
        Share of the last frame-to-frame motion carried into the next frame.

    Returns
    -------
    ndarray, shape (2, n, J, 2)
        The prediction for frames from 2 on; frames 0 and 1 are ``held``.

    Notes
    -----
    Legs that cross move in opposite directions, so position alone would
    favour swapping at every crossing. The velocity is taken from a 3-frame
    median so that a one-frame glitch does not steer it.
    """
    from scipy.ndimage import median_filter

    n = held.shape[1]
    smooth = median_filter(held, size=(1, 3, 1, 1), mode="nearest") if n >= 3 else held
    pred = held.copy()
    pred[:, 2:] = smooth[:, 1:-1] + velocity_gain * (smooth[:, 1:-1] - smooth[:, :-2])
    return pred


def _jump_cost(pred_t: np.ndarray, obs_t: np.ndarray, s_prev: int, s: int, scale: float, cap: float) -> float:
    """Cost (leg lengths) of frame ``t``'s positions in swap state ``s`` after state ``s_prev``.

    The distance of each joint of ``obs_t`` (shape (2, J, 2), pixels; labels
    exchanged when ``s`` is 1) from where ``pred_t`` had it heading (labels
    exchanged when ``s_prev`` is 1), in units of ``scale`` pixels, each capped
    at ``cap`` (one wild joint is not the whole leg), summed; missing joints cost 0.
    """
    a = pred_t if s_prev == 0 else pred_t[::-1]
    b = obs_t if s == 0 else obs_t[::-1]
    d = np.minimum(np.linalg.norm(b - a, axis=-1) / scale, cap)  # one wild joint is not the whole leg
    return float(np.where(np.isfinite(d), d, 0.0).sum())


def _viterbi_swaps(P: np.ndarray, pred: np.ndarray, scale: float, switch_cost: float, cap: float) -> np.ndarray:
    """Cheapest sequence of swap states (True = labels exchanged) over the frames.

    Parameters
    ----------
    P, pred : ndarray, shape (2, n, J, 2)
        Observed and predicted joint positions per label (pixels).
    scale : float
        Typical leg length (pixels).
    switch_cost : float
        Cost of a change of state (leg lengths); starting swapped costs the same.
    cap : float
        Largest cost of one joint in one frame (leg lengths).

    Returns
    -------
    ndarray of bool, shape (n,)
    """
    n = P.shape[1]
    cost = np.zeros((n, 2))
    cost[0, 1] = switch_cost
    back = np.zeros((n, 2), dtype=np.int8)
    for t in range(1, n):
        for s in (0, 1):
            options = [cost[t - 1, sp] + _jump_cost(pred[:, t], P[:, t], sp, s, scale, cap)
                       + (switch_cost if sp != s else 0.0) for sp in (0, 1)]
            back[t, s] = int(np.argmin(options))
            cost[t, s] = min(options)
    swap = np.zeros(n, dtype=bool)
    s = int(np.argmin(cost[-1]))
    for t in range(n - 1, -1, -1):
        swap[t] = bool(s)
        s = int(back[t, s])
    return swap


def fix_short_swaps(pos: np.ndarray, scale: float, fps: float, max_s: float = 0.08,
                    gain: float = 0.5) -> tuple[np.ndarray, int]:
    """Undo brief label flickers (run before the Viterbi pass, whose velocity they would mislead).

    For every run of up to ``max_s`` seconds, both tracks are compared with the
    straight line joining the frames just before and just after the run; where
    exchanging the labels inside the run brings the tracks at least ``1/gain``
    times closer to those lines, the run is swapped back.

    Returns the corrected positions and the number of frames swapped.
    """
    idj = [LEG_JOINTS.index(j) for j in _ID_JOINTS]
    out = pos.copy()
    n = pos.shape[1]
    kmax = max(1, int(round(max_s * fps)))
    swapped = 0
    with np.errstate(all="ignore"):
        for k in range(1, kmax + 1):
            if n - k - 1 < 1:
                break
            for _ in range(3):  # decisions are made on the current tracks; repeat until stable
                P = out[:, :, idj]  # (2, n, J', 2)
                t = np.arange(1, n - k)
                a, b = P[:, t - 1], P[:, t + k]  # (2, T, J', 2)
                ok = np.isfinite(a).all(axis=(0, 2, 3)) & np.isfinite(b).all(axis=(0, 2, 3))
                keep_cost = np.zeros(len(t))
                swap_cost = np.zeros(len(t))
                for j in range(k):
                    w = (j + 1) / (k + 1)
                    line = a * (1 - w) + b * w
                    seg = P[:, t + j]
                    keep_cost += np.nansum(np.linalg.norm(seg - line, axis=-1), axis=(0, 2))
                    swap_cost += np.nansum(np.linalg.norm(seg[::-1] - line, axis=-1), axis=(0, 2))
                apart = np.nanmean(np.linalg.norm(P[0, t] - P[1, t], axis=-1), axis=1) > 0.1 * scale
                cand = ok & apart & (swap_cost < gain * keep_cost) & (keep_cost > 0.15 * scale * k)
                applied = 0
                last_end = -1
                for i in np.flatnonzero(cand):  # ascending; windows must not overlap
                    start = int(t[i])
                    if start - 1 <= last_end:
                        continue
                    out[:, start:start + k] = out[::-1, start:start + k]
                    last_end = start + k
                    applied += 1
                swapped += applied * k
                if not applied:
                    break
    return out, swapped


def drop_collapsed(pos: np.ndarray, scale: float, frac: float = 0.06) -> tuple[np.ndarray, int]:
    """Where both tracks sit on one leg, keep only the track that continues best.

    MediaPipe often puts both label sets on the visible leg while the far leg is
    hidden; the other track's joints become missing for those frames.
    """
    out = pos.copy()
    idj = [LEG_JOINTS.index(j) for j in _ID_JOINTS]
    d = np.nanmean(np.linalg.norm(pos[0][:, idj] - pos[1][:, idj], axis=-1), axis=1)
    collapsed = np.flatnonzero(d < frac * scale)
    for t in collapsed:
        errs = []
        for k in (0, 1):
            ref = None
            for back in range(1, 6):
                if t - back >= 0 and np.isfinite(out[k, t - back, idj]).all():
                    ref = out[k, t - back, idj]
                    break
            errs.append(np.inf if ref is None else float(np.nanmean(np.linalg.norm(pos[k, t, idj] - ref, axis=-1))))
        worse = int(np.argmax(errs))
        out[worse, t, 1:] = np.nan  # keep the hip (shared), drop the leg below it
    return out, len(collapsed)


# ------------------------------------------------------------------- facing
def shoulder_hip_spread(series: PoseSeries) -> float:
    """:func:`formcheck.io.pose.spread_ratio` of a whole series (≈ 0 side-on, 0.5–0.8 rear/front)."""
    return spread_ratio(series.image)


def detect_plane(series: PoseSeries, threshold: float = 0.3) -> tuple[str, str | None, float]:
    """``(plane, frontal_facing, spread)``.

    In a frontal view the subject's left shoulder appears on the image left when
    the camera sees the back (``"away"``) and on the right when it sees the face.
    """
    spread = shoulder_hip_spread(series)
    if not np.isfinite(spread) or spread < threshold:
        return "sagittal", None, spread
    img = series.image
    lr = img[:, LM["left_shoulder"], 0] - img[:, LM["right_shoulder"], 0]
    lr = np.concatenate([lr, img[:, LM["left_hip"], 0] - img[:, LM["right_hip"], 0]])
    lr = lr[np.isfinite(lr)]
    return "frontal", ("away" if np.median(lr) < 0 else "toward"), spread


# ----------------------------------------------------------------- filtering
def cutoff_for(fps: float) -> float:
    """Low-pass cut-off (Hz) used at a frame rate: ``min(10, 0.25 × fps)``."""
    return float(min(10.0, 0.25 * fps))


def fill_gaps(x: np.ndarray, max_gap: int) -> np.ndarray:
    """Linearly interpolate NaN runs of at most ``max_gap`` samples in a 1-D array."""
    x = x.astype(float).copy()
    bad = ~np.isfinite(x)
    if not bad.any() or bad.all():
        return x
    idx = np.arange(len(x))
    good = ~bad
    filled = np.interp(idx, idx[good], x[good])
    # only runs that are short and bounded on both sides
    for s, e in true_runs(bad):
        if e - s + 1 <= max_gap and s > 0 and e < len(x) - 1:
            x[s:e + 1] = filled[s:e + 1]
    return x


def lowpass(x: np.ndarray, fps: float, cutoff: float, order: int = 2) -> np.ndarray:
    """Zero-phase Butterworth low-pass of a 1-D array, segment by segment between NaNs."""
    # imported here: scipy.signal takes ~0.7 s to import, which the CLI overlaps with the pose pass
    from scipy.signal import butter, filtfilt

    out = np.full_like(x, np.nan, dtype=float)
    b, a = butter(order, cutoff / (fps / 2.0))
    padlen = 3 * max(len(a), len(b))
    for s, e in true_runs(np.isfinite(x)):
        seg = x[s:e + 1]
        out[s:e + 1] = filtfilt(b, a, seg, padlen=min(padlen, len(seg) - 1)) if len(seg) > padlen else seg
    return out


# --------------------------------------------------------------- held pictures
HELD_SHARE = 0.4
"""A clip in which at least this share of the frames repeat the picture before
(:attr:`formcheck.io.pose.PoseSeries.held`, measured on the pixels) is slowed down
or converted with frame doubling: the real track clip is a 30 fps file made of 9
new pictures per 30 frames (0.70 of its frames repeat). Its repeated frames are
left out and its times are the file's own, not the runner's."""


# ---------------------------------------------------------------------- main
def clean(series: PoseSeries, *, min_visibility: float = 0.3, max_gap_s: float = 0.1,
          level: Level | None = None) -> CleanSeries:
    """Clean a raw :class:`~formcheck.io.pose.PoseSeries` (see the module docstring).

    Parameters
    ----------
    series : PoseSeries
        Raw landmarks of the runner.
    min_visibility : float
        Landmarks less visible than this count as missing.
    max_gap_s : float
        Longest gap (seconds) that is interpolated.
    level : Level, optional
        The camera's roll (:func:`formcheck.io.scene.camera_level`): where it
        applies (:attr:`Level.applies`), every landmark is turned about the
        runner so that the scene's vertical is the image's, and every angle
        against the vertical (trunk, shank, thigh) is then gravity's.

    Returns
    -------
    CleanSeries
        Uniformly sampled, leg-identified, gap-filled and low-passed series.

    Notes
    -----
    Frames without a pose stay NaN (numpy's warnings about all-NaN slices are
    expected there and silenced).
    """
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _clean(series, min_visibility=min_visibility, max_gap_s=max_gap_s, level=level)


def _clean(series: PoseSeries, *, min_visibility: float, max_gap_s: float, level: Level | None = None) -> CleanSeries:
    """:func:`clean` itself, without silencing numpy's warnings: grid, leg identity, names, tracks."""
    t_grid, fps, resampled = uniform_grid(series.t)
    image = series.image.astype(float)
    if resampled:
        image = _resample(series.t, image, t_grid)
    roll = level.roll_deg if level is not None and level.applies else 0.0
    centre = level.centre if roll else (0.0, 0.0)
    if roll:  # ``image`` is this function's own copy (astype / _resample)
        image[:, :, :2] = level_points(image[:, :, :2], roll, centre)
    held = series.held if series.held is not None and not resampled else np.zeros(len(t_grid), bool)
    held_share = float(held.mean()) if held.size else 0.0
    max_gap = max(1, int(round(max_gap_s * fps)))
    if held_share >= HELD_SHARE:
        # repeats carry no new picture: leave them out and join the pictures across them
        image[held] = np.nan
        max_gap = max([max_gap] + [e - s + 2 for s, e in true_runs(held)])
    else:
        held_share = 0.0
    pos, vis, z = _legs(image, min_visibility)
    scale = _leg_scale(pos)
    plane, frontal_facing, spread = detect_plane(series)
    n_swaps = n_collapsed = 0
    if plane == "sagittal":
        pos, vis, z, n_swaps, n_collapsed = _relink_legs(pos, vis, z, scale, fps)
        names, facing, near_side = _side_view_names(image, z)
    else:
        # seen from behind or in front the labels are reliable; keep them
        names = {0: "left", 1: "right"}
        facing = frontal_facing
        near_side = "left" if np.nanmean(vis[0]) >= np.nanmean(vis[1]) else "right"
    cutoff = cutoff_for(fps)
    xy, raw, measured, visd = _named_tracks(image, pos, vis, names, min_visibility=min_visibility, fps=fps,
                                            max_gap=max_gap, cutoff=cutoff)
    notes = []
    if resampled:
        notes.append(note("variable_fps", fps=fps))
    if roll:
        notes.append(note("levelled", deg=roll))
    if held_share:
        notes.append(note("held_pictures", share=round(100 * held_share),
                          per_s=round(fps * (1 - held_share), 1)))
    return CleanSeries(t=t_grid, fps=fps, xy=xy, raw=raw, measured=measured, facing=facing, near_side=near_side,
                       cutoff_hz=cutoff, width=series.width, height=series.height, visibility=visd,
                       swaps_fixed=n_swaps, collapsed_frames=n_collapsed, notes=notes, plane=plane,
                       frontal_facing=frontal_facing, spread=spread, held_share=held_share, roll_deg=roll,
                       level_centre=centre)


def _leg_scale(pos: np.ndarray) -> float:
    """Typical leg length (pixels): median hip → ankle distance of the two labels' mean; 100 without ankles.

    ``pos`` has shape (2, n, len(LEG_JOINTS), 2) (:func:`_legs`).
    """
    hip = np.nanmean(pos[:, :, 0], axis=0)
    ankle = np.nanmean(pos[:, :, 2], axis=0)
    return float(np.nanmedian(np.linalg.norm(ankle - hip, axis=1))) if np.isfinite(ankle).any() else 100.0


def _swapped(arr: np.ndarray, swap: np.ndarray) -> np.ndarray:
    """Per-label array (label first, frame second) with the two labels exchanged where ``swap`` is True."""
    out = arr.copy()
    out[:, swap] = arr[::-1][:, swap]
    return out


def _relink_legs(pos: np.ndarray, vis: np.ndarray, z: np.ndarray, scale: float, fps: float):
    """Side view: the two leg tracks re-linked by continuity, and collapsed frames resolved.

    Brief flickers are undone first (:func:`fix_short_swaps`; they would
    mislead the Viterbi's velocity), then long swaps (:func:`fix_leg_identity`),
    then frames where both labels sit on one leg (:func:`drop_collapsed`).

    Parameters
    ----------
    pos, vis, z : ndarray
        Per-label positions (pixels), visibility and MediaPipe depth (:func:`_legs`).
    scale : float
        Typical leg length (pixels).
    fps : float
        Sample rate (1/s).

    Returns
    -------
    pos, vis, z : ndarray
        The same, re-linked (the inputs are not changed).
    n_swaps : int
        Frames whose labels were exchanged (brief flickers and long swaps).
    n_collapsed : int
        Frames where both labels sat on one leg.
    """
    pos, n_short = fix_short_swaps(pos, scale, fps)
    swap, n_swaps = fix_leg_identity(pos, scale)
    pos, vis, z = _swapped(pos, swap), _swapped(vis, swap), _swapped(z, swap)
    pos, n_collapsed = drop_collapsed(pos, scale)
    return pos, vis, z, n_swaps + n_short, n_collapsed


def _side_view_names(image: np.ndarray, z: np.ndarray) -> tuple[dict[int, str], str, str]:
    """Side view: ``(names, facing, near_side)``, with ``names`` the anatomical side of each track (0, 1).

    The near track has the smaller MediaPipe depth ``z`` on the leg joints
    below the hip most of the time; a runner facing image-right (``facing``,
    :func:`formcheck.io.pose.estimate_facing`) shows the camera the right
    side, so the near track is the right leg.
    """
    # the near track has the smaller depth (z) on the leg joints most of the time
    dz = np.nanmedian(z[0, :, 1:] - z[1, :, 1:])
    near_track = 0 if dz < 0 else 1
    facing, _ = estimate_facing(image)
    near_side = facing
    far_side = "left" if near_side == "right" else "right"
    return {near_track: near_side, 1 - near_track: far_side}, facing, near_side


def _visible_point(image: np.ndarray, name: str, min_visibility: float) -> np.ndarray:
    """Pixel positions (n, 2) of MediaPipe landmark ``name``, NaN where less visible than ``min_visibility``."""
    p = image[:, LM[name], :2].copy()
    p[image[:, LM[name], 3] < min_visibility] = np.nan
    return p


def _track(arr: np.ndarray, max_gap: int, fps: float, cutoff: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One point's track: ``(filled, filtered, measured)``.

    ``arr`` (n, 2) pixel positions with NaN where missing: gaps of at most
    ``max_gap`` samples are filled (:func:`fill_gaps`), the result is
    low-passed at ``cutoff`` Hz (:func:`lowpass`, sample rate ``fps``);
    ``measured`` is True where ``arr`` was seen.
    """
    m = np.isfinite(arr).all(axis=1)
    filled = np.stack([fill_gaps(arr[:, k], max_gap) for k in (0, 1)], axis=1)
    return filled, np.stack([lowpass(filled[:, k], fps, cutoff) for k in (0, 1)], axis=1), m


def _named_tracks(image: np.ndarray, pos: np.ndarray, vis: np.ndarray, names: dict[int, str], *,
                  min_visibility: float, fps: float, max_gap: int, cutoff: float):
    """Gap-filled and filtered tracks under their anatomical names.

    Parameters
    ----------
    image : ndarray, shape (n, 33, 5)
        MediaPipe landmarks on the uniform grid (pixels).
    pos, vis : ndarray
        Leg joints per track (pixels) and their visibility, re-linked (:func:`_legs`).
    names : dict of int to str
        Anatomical side (``"left"``/``"right"``) of each track.
    min_visibility : float
        Shoulders less visible than this count as missing.
    fps, max_gap, cutoff : float, int, float
        Sample rate (1/s), longest gap filled (samples), low-pass cut-off (Hz).

    Returns
    -------
    xy, raw, measured, visibility : dict of str to ndarray
        As :class:`CleanSeries` (``visibility`` for the leg joints only).
    """
    xy, raw, measured, visd = {}, {}, {}, {}

    def put(key, arr, v=None):
        raw[key], xy[key], measured[key] = _track(arr, max_gap, fps, cutoff)
        if v is not None:
            visd[key] = v

    for k in (0, 1):
        side = names[k]
        for j, joint in enumerate(LEG_JOINTS):
            put(f"{side}_{joint}", pos[k, :, j], vis[k, :, j])
    for side in ("left", "right"):
        put(f"{side}_shoulder", _visible_point(image, f"{side}_shoulder", min_visibility))
    put("mid_hip", np.nanmean(np.stack([pos[0, :, 0], pos[1, :, 0]]), axis=0))
    put("mid_shoulder", np.nanmean(np.stack([raw["left_shoulder"], raw["right_shoulder"]]), axis=0))
    put("nose", image[:, LM["nose"], :2])
    return xy, raw, measured, visd
