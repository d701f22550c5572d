"""Which way is up: the camera's roll, read from the scene's vertical lines.

A phone propped against a bottle or held by hand is rarely level: a roll of
2–3° is common, and every angle measured against the image's vertical (trunk
lean, shank angle, hip extension) is off by it. The runner's trunk lean is
itself only about 5–10°, so that is not a small error.

The ground line cannot say how the camera is rolled: an inclined treadmill or
a sloping path looks the same as a rolled camera. The scene's verticals can:
door frames, cupboards, walls, posts and treadmill uprights stand plumb
whatever the floor does. Their segments (OpenCV's line segment detector on a
few frames from the clip's start, the runner masked out) meet at the vertical
vanishing point (at infinity when the camera is not pitched); the direction
from the runner towards it is the true vertical where the runner is, which
also takes a phone's pitch (verticals that converge) into account.

Conventions: image pixels, x to the right, y down. ``roll_deg`` is the angle of
the true downward direction from the image's downward axis, positive when it
points to the right of it (the scene appears turned counter-clockwise, i.e.
the camera is rolled clockwise); rotating the image by ``roll_deg`` the same
way turns the true vertical upright (:func:`level_points`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from formcheck.io.pose import LM, PoseSeries
from formcheck.io.video import VideoInfo, iter_frames

SAMPLE_SPAN_S = 2.0
"""Seconds at the clip's start the sample frames come from (decoding them costs about as
much as the facing check's frames)."""

SAMPLE_FRAMES = 4
"""Frames looked at: structures repeat in each, the runner's limbs and noise do not, and the runner
hides a different part of the scene in each. The segment detector takes about 60 ms for a 720p
frame and 200 ms for a 1768×994 one, so this costs 0.25–0.8 s per analysis (8 frames gave the
same estimates within 0.2°)."""

MAX_FROM_VERTICAL_DEG = 20.0
"""Segments further than this from the image's vertical are not taken for verticals (a
phone is rarely rolled more; a leaning pole or a staircase rail would be)."""

MIN_SEGMENT = 0.05
"""Shortest segment taken, as a share of the frame height: short edges are texture."""

INLIER_DEG = 1.0
"""A segment counts for a vanishing point when its direction is within this of the
direction from its middle to the point."""

MIN_SUPPORT = 0.4
"""Vertical structure needed, per sample frame, in frame heights of inlier segments: less
(an open field, a blurred pan) gives no estimate."""

MIN_AGREEMENT = 0.75
"""Share of the near-vertical segments' length the winning vanishing point must explain;
less means the verticals disagree and nothing is levelled. Two groups of parallel edges
(true verticals and a treadmill's slanted upright, or burnt-in overlay lines) can always be
joined by some vanishing point: on the synthetic looks such fits explained 64–69 % and put
the vertical 3–4° wrong, clean scenes 89–100 %; the real treadmill clip (a pitched phone,
verticals converging from −1° to +6° across the frame) 77 %."""

MAX_ROLL_DEG = 10.0
"""A larger estimate is not applied (more than a phone is rolled by accident)."""

LEVEL_FROM_DEG = 0.5
"""Smaller estimates are not applied: on the level synthetic clips (25 of them, every look) the
estimate stayed within ±0.34° of 0 (median |0.04|°), the scatter of the method itself."""

RUNNER_MARGIN = 0.25
"""The runner's landmark box, grown by this share of its size on every side, is masked out."""


@dataclass(frozen=True)
class Level:
    """The camera's roll where the runner is.

    Attributes
    ----------
    roll_deg : float
        See the module docstring; 0 for a level camera.
    support : float
        Inlier segment length per sample frame, in frame heights.
    agreement : float
        Share of the near-vertical segment length that agrees with the vanishing point.
    centre : (float, float)
        Where the vertical was read (px): the runner's median hip midpoint, about which
        :func:`level_points` turns the landmarks.
    """

    roll_deg: float
    support: float
    agreement: float
    centre: tuple[float, float] = (0.0, 0.0)

    @property
    def applies(self) -> bool:
        """Whether the roll is large enough to level by (:data:`LEVEL_FROM_DEG`)."""
        return abs(self.roll_deg) >= LEVEL_FROM_DEG


def segments(gray: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Near-vertical line segments of one grey frame: rows ``x1, y1, x2, y2`` (px), ``y2 >= y1``.

    Segments with a point inside ``mask`` (True = runner) are dropped (:func:`unmasked`).
    """
    import cv2

    h = gray.shape[0]
    # OpenCV's LSD detector. The fast line detector (cv2.ximgproc) takes a fifth of the time but found other
    # segments: on the synthetic looks it put one level clip at 5.2° and lost the real street clip's -1.5°
    found = cv2.createLineSegmentDetector().detect(gray)[0]
    if found is None:
        return np.zeros((0, 4))
    seg = found.reshape(-1, 4).astype(float)
    down = seg[:, 3] < seg[:, 1]
    seg[down] = seg[down][:, [2, 3, 0, 1]]
    dx, dy = seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1]
    keep = (np.hypot(dx, dy) >= MIN_SEGMENT * h) & (np.degrees(np.abs(np.arctan2(dx, dy))) <= MAX_FROM_VERTICAL_DEG)
    return unmasked(seg[keep], mask)


def unmasked(seg: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """The segments (rows ``x1, y1, x2, y2``, px) with neither end nor middle inside ``mask`` (True = runner)."""
    if mask is None or not len(seg):
        return seg
    hh, ww = mask.shape
    pts = np.concatenate([seg[:, :2], seg[:, 2:], (seg[:, :2] + seg[:, 2:]) / 2])
    xi = np.clip(pts[:, 0].astype(int), 0, ww - 1)
    yi = np.clip(pts[:, 1].astype(int), 0, hh - 1)
    hit = mask[yi, xi].reshape(3, -1).any(axis=0)
    return seg[~hit]


def _sample_step(info: VideoInfo) -> int:
    return max(1, int(round(info.fps * SAMPLE_SPAN_S / SAMPLE_FRAMES)))


def opening_segments(info: VideoInfo) -> dict[int, tuple[tuple[int, int], np.ndarray]]:
    """The near-vertical segments of the sample frames at the clip's start, the runner not yet masked.

    What :func:`camera_level` looks at when the runner is in view from the
    start, read before the pose is known (the pose pass can then use the time
    otherwise spent after it, see :func:`formcheck.io.pose.extract_pose`).

    Returns
    -------
    dict
        Frame index -> (frame shape (h, w), segments as :func:`segments` without a mask).
    """
    return {index: (shape, read()) for index, shape, read in
            _scanned(iter_frames(info, end_s=SAMPLE_SPAN_S, every=_sample_step(info)))}


def _lines(seg: np.ndarray) -> np.ndarray:
    """Homogeneous lines through the segments, scaled so that ``l · (x, y, 1)`` is a distance in px."""
    p = np.c_[seg[:, :2], np.ones(len(seg))]
    q = np.c_[seg[:, 2:], np.ones(len(seg))]
    ln = np.cross(p, q)
    return ln / np.linalg.norm(ln[:, :2], axis=1, keepdims=True)


def _agrees(seg: np.ndarray, v: np.ndarray, tol_deg: float = INLIER_DEG) -> np.ndarray:
    """Whether each segment points at the (homogeneous) vanishing point ``v`` within ``tol_deg``."""
    mid = (seg[:, :2] + seg[:, 2:]) / 2
    d = seg[:, 2:] - seg[:, :2]
    to_v = v[:2][None, :] - mid * v[2]  # direction mid -> v (also for v at infinity, v[2] = 0)
    cos = np.abs(np.sum(d * to_v, axis=1)) / (np.linalg.norm(d, axis=1) * np.linalg.norm(to_v, axis=1) + 1e-12)
    return cos >= np.cos(np.radians(tol_deg))


def _parallel(seg: np.ndarray, length: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
    """The best vanishing point at infinity: the direction most segment length agrees with."""
    d = seg[:, 2:] - seg[:, :2]
    best, best_score = None, -1.0
    for i in range(len(seg)):
        v = np.array([d[i, 0], d[i, 1], 0.0])
        score = length[_agrees(seg, v)].sum()
        if score > best_score:
            best, best_score = v, score
    if best is None:
        return None, np.zeros(len(seg), bool)
    inl = _agrees(seg, best)
    u = d[inl] / np.linalg.norm(d[inl], axis=1, keepdims=True)
    mean = (u * length[inl, None]).sum(axis=0)  # length-weighted mean direction of the agreeing segments
    v = np.array([mean[0], mean[1], 0.0])
    return v, _agrees(seg, v)


def vanishing_point(seg: np.ndarray, iterations: int = 300, seed: int = 0) -> tuple[np.ndarray | None, np.ndarray]:
    """The vertical vanishing point of ``seg``: at infinity unless a pitched camera explains clearly more.

    A point at infinity (parallel verticals: the camera is not pitched) is
    tried first: the direction most segment length agrees with, then the
    length-weighted mean direction of its segments. A finite point (RANSAC
    over segment pairs) replaces it only when its agreeing segments are
    :data:`FINITE_GAIN` times as long, lie on at least three distinct edges (two
    lines always meet) and it is at least :data:`MIN_VP_HEIGHTS` frame heights
    away (a stronger pitch is not how anyone films running).

    Returns
    -------
    v : ndarray (3,) or None
        Homogeneous point (``v[2] == 0``: at infinity); None with fewer than two segments.
    inliers : ndarray of bool
        The segments that agree with ``v``.
    """
    n = len(seg)
    if n < 2:
        return None, np.zeros(n, bool)
    length = np.hypot(seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1])
    v_inf, inl_inf = _parallel(seg, length)
    lines = _lines(seg)
    rng = np.random.default_rng(seed)
    best, best_score = None, -1.0
    span = max(np.ptp(seg[:, [1, 3]]), 1.0)  # about the frame height, from the segments themselves
    centre = np.array([seg[:, [0, 2]].mean(), seg[:, [1, 3]].mean()])
    for _ in range(iterations):
        i, j = rng.choice(n, 2, replace=False)
        v = np.cross(lines[i], lines[j])
        if not np.isfinite(v).all() or abs(v[2]) < 1e-12:
            continue
        if np.linalg.norm(v[:2] / v[2] - centre) < MIN_VP_HEIGHTS * span:
            continue
        score = length[_agrees(seg, v)].sum()
        if score > best_score:
            best, best_score = v, score
    if best is not None and best_score >= FINITE_GAIN * length[inl_inf].sum():
        inl = _agrees(seg, best)
        if _edges(seg[inl]) >= 3:
            return best, inl
    return v_inf, inl_inf


FINITE_GAIN = 1.15
"""How much more segment length a finite vanishing point must explain than the best parallel one."""

MIN_VP_HEIGHTS = 2.0
"""Nearest a finite vanishing point may be to the segments' centre, in (segment-spanned) frame heights:
a camera pitched about 25° or less."""


def _edges(seg: np.ndarray, tol_px: float = 6.0) -> int:
    """Distinct edges among segments (the same edge is found again in every sample frame).

    Two segments are one edge when their lines pass within ``tol_px`` of each other at both
    segments' mean height.
    """
    if not len(seg):
        return 0
    y = seg[:, [1, 3]].mean()
    dx = seg[:, 2] - seg[:, 0]
    dy = np.where(np.abs(seg[:, 3] - seg[:, 1]) < 1e-9, 1e-9, seg[:, 3] - seg[:, 1])
    x_at = np.sort(seg[:, 0] + (y - seg[:, 1]) * dx / dy)
    return int(1 + np.sum(np.diff(x_at) > tol_px))


def roll_at(v: np.ndarray, point: tuple[float, float]) -> float:
    """Roll (°, module convention) of the true vertical at ``point`` given the vanishing point ``v``."""
    if abs(v[2]) < 1e-9 * np.linalg.norm(v[:2]):
        d = v[:2]
    else:
        d = v[:2] / v[2] - np.asarray(point, float)
    if d[1] < 0:
        d = -d
    return float(np.degrees(np.arctan2(d[0], d[1])))


def runner_mask(series: PoseSeries, frame: int, shape: tuple[int, int]) -> np.ndarray | None:
    """True inside the runner's landmark box in ``frame`` (grown by :data:`RUNNER_MARGIN`); None without a pose."""
    pts = series.image[frame, :, :2]
    if not np.isfinite(pts).any():
        return None
    x0, y0 = np.nanmin(pts, axis=0)
    x1, y1 = np.nanmax(pts, axis=0)
    mx, my = RUNNER_MARGIN * (x1 - x0), RUNNER_MARGIN * (y1 - y0)
    mask = np.zeros(shape, bool)
    h, w = shape
    mask[max(0, int(y0 - my)):min(h, int(y1 + my) + 1), max(0, int(x0 - mx)):min(w, int(x1 + mx) + 1)] = True
    return mask


def runner_centre(series: PoseSeries) -> tuple[float, float] | None:
    """Median hip midpoint of the runner (px), where the vertical is read."""
    hip = (series.image[:, LM["left_hip"], :2] + series.image[:, LM["right_hip"], :2]) / 2
    ok = np.isfinite(hip).all(axis=1)
    return (float(np.median(hip[ok, 0])), float(np.median(hip[ok, 1]))) if ok.any() else None


def camera_level(info: VideoInfo, series: PoseSeries,
                 opening: dict[int, tuple[tuple[int, int], np.ndarray]] | None = None) -> Level | None:
    """The camera's roll at the runner (:class:`Level`), or None when the scene does not say.

    Looks at :data:`SAMPLE_FRAMES` frames of :data:`SAMPLE_SPAN_S` seconds from
    the first frame with a pose, with the runner masked out (frames without a
    pose are skipped: the runner would be in their lines). ``opening``: the
    clip's :func:`opening_segments`, read beforehand; used when the runner is
    in view from the start (the frames looked at are then the same).
    """
    centre = runner_centre(series)
    if centre is None:
        return None
    first = int(np.flatnonzero(series.found)[0])
    found, frames = [], 0
    for index, shape, read in _samples(info, series, first, opening):
        if index >= series.n_frames:
            break
        mask = runner_mask(series, index, shape)
        if mask is None:
            continue
        found.append(unmasked(read(), mask))
        frames += 1
    if not frames:
        return None
    seg = np.concatenate(found)
    v, inl = vanishing_point(seg)
    if v is None:
        return None
    length = np.hypot(seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1])
    support = float(length[inl].sum() / frames / info.height)
    agreement = float(length[inl].sum() / length.sum())
    roll = roll_at(v, centre)
    if support < MIN_SUPPORT or agreement < MIN_AGREEMENT or abs(roll) > MAX_ROLL_DEG:
        return None
    return Level(roll_deg=roll, support=support, agreement=agreement, centre=centre)


def _samples(info: VideoInfo, series: PoseSeries, first: int, opening):
    """``(frame index, frame shape, read)`` of the sample frames; ``read()`` gives their unmasked segments.

    From the clip's start when the runner is in view by half the span (from ``opening`` when read
    already), else from the first frame with a pose; a frame is only scanned when ``read`` is called.
    """
    if series.t[first] >= SAMPLE_SPAN_S / 2:
        yield from _scanned(_from(info, series, first, _sample_step(info)))
    elif opening is None:
        yield from _scanned(iter_frames(info, end_s=SAMPLE_SPAN_S, every=_sample_step(info)))
    else:
        for index in sorted(opening):
            shape, seg = opening[index]
            yield index, shape, (lambda seg=seg: seg)


def _scanned(frames):
    import cv2

    for frame in frames:
        yield frame.index, frame.image.shape[:2], \
            (lambda img=frame.image: segments(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)))


def _from(info: VideoInfo, series: PoseSeries, first: int, step: int):
    """Every ``step``-th frame of :data:`SAMPLE_SPAN_S` seconds from the series' frame ``first``.

    The decoder seeks there; the frames' indices are then counted from that point, so each is given
    the index of the series frame at its time.
    """
    t0 = float(series.t[first])
    for frame in iter_frames(info, start_s=t0, end_s=t0 + SAMPLE_SPAN_S, every=step):
        k = int(np.argmin(np.abs(series.t - frame.t_s)))
        yield replace(frame, index=k)


def level_points(xy: np.ndarray, roll_deg: float, centre: tuple[float, float]) -> np.ndarray:
    """Points ``(..., 2)`` (px) rotated about ``centre`` so that the true vertical is the image's.

    The rotation maps the direction ``(sin r, cos r)`` (the true downward
    direction at roll ``r``) onto ``(0, 1)``; distances are kept.
    """
    r = np.radians(roll_deg)
    c, s = np.cos(r), np.sin(r)
    p = np.asarray(xy, float) - np.asarray(centre, float)
    out = np.empty_like(p)
    out[..., 0] = c * p[..., 0] - s * p[..., 1]
    out[..., 1] = s * p[..., 0] + c * p[..., 1]
    return out + np.asarray(centre, float)
