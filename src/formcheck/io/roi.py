"""Where a small runner is in the picture: a window that follows the moving person.

MediaPipe's pose detector sees the whole frame shrunk to 224 px. A runner who
fills a fifth of a wide 1680×720 frame (a track filmed from the stands) is then
about 30 px tall and is found in few frames, often as a pose that is not a
person at all. Shown a square window around the runner instead, the same model
finds the runner in almost every frame (the real track clip: 179 of 185 frames
instead of 36, of which none was the runner).

The window comes from the picture alone, before any pose: with a still camera
the runner is the largest region that differs from the clip's median picture
(the background). The window's side is fixed for the clip, its centre follows
that region from frame to frame, smoothed over time. A moving camera (a pan
that follows the runner) makes most of the picture differ from the median, and
then no window is proposed: such clips keep the runner large anyway.

Everything here is pure numpy/OpenCV on a downscaled grey copy of the clip.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SMALL_SIDE_PX = 240
"""Longest side (px) of the grey copy the mover is found on (a 60 s 60 fps clip: about 120 MB)."""

MAX_COPY_BYTES = 150 * 2**20
"""Largest grey copy kept (bytes): a longer clip gets a smaller copy (:func:`small_side`), so a
10-minute clip at 60 fps is copied at 80 px instead of taking 1.2 GB."""

BACKGROUND_SAMPLES = 64
"""Frames (evenly spaced) whose per-pixel median is the background."""

DIFF_LEVEL = 40
"""Grey-level difference (0–255) from the background that marks a pixel as moving: above
compression noise and slow light changes (a few levels), below a dark runner on a track or
sky (well over 60)."""

MIN_MOVER_FRAMES = 0.5
"""Share of frames in which a mover must be found for a window to be proposed."""

MAX_MOVER_AREA = 0.15
"""Largest median share of the picture the mover may cover: more means the camera moves
(or the runner is big, and needs no window)."""

WINDOW_PER_HEIGHT = 3.0
"""Window side as a multiple of the mover's median height: the detector then sees the
runner about a third of its input tall, as in a well-framed clip."""

MIN_WINDOW_PX = 256
"""Smallest window side (px): the landmark model's own input size."""

REPEAT_LEVEL = 12
"""Largest grey-level difference (0–255, on the downscaled copy) between two frames that show
the same picture: codec noise. On the real track clip repeats differ by at most 18 levels at
full size and new pictures by 196–254 (the runner moved 30 px)."""

SMOOTH_FRAMES = 9
"""Running-median length (frames) for the window's centre: a swinging arm or a
shadow changes the mover's box from frame to frame, the runner does not jump."""


@dataclass(frozen=True)
class Windows:
    """Square crop windows, one per frame, in the upright frame's pixels.

    Attributes
    ----------
    x0, y0 : ndarray of int, shape (n_frames,)
        Top-left corner of each frame's window (px).
    side : int
        Side of every window (px).
    """

    x0: np.ndarray
    y0: np.ndarray
    side: int


def small_side(n_frames: int, aspect: float) -> int:
    """Longest side (px) of the grey copy for ``n_frames`` frames of width/height ``aspect``, within
    :data:`MAX_COPY_BYTES` (at most :data:`SMALL_SIDE_PX`, at least 48)."""
    long_over_short = max(aspect, 1.0 / aspect)
    side = int(min(SMALL_SIDE_PX, np.sqrt(MAX_COPY_BYTES / max(1, n_frames) * long_over_short)))
    while side > 48 and max(1, n_frames) * side * int(np.ceil(side / long_over_short)) > MAX_COPY_BYTES:
        side -= 1  # the short side is rounded up by the resize
    return max(48, side)


def grey_small(image: np.ndarray, side: int = SMALL_SIDE_PX) -> np.ndarray:
    """A grey copy of an RGB frame whose longest side is ``side`` px (uint8)."""
    import cv2

    h, w = image.shape[:2]
    scale = side / max(h, w)
    small = cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)


def mover_boxes(small: np.ndarray, level: int = DIFF_LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """The largest moving region of each frame, against the clip's median picture.

    Parameters
    ----------
    small : ndarray, shape (n_frames, h, w), uint8
        Grey, downscaled frames (:func:`grey_small`).
    level : int
        Difference from the background (grey levels) that counts as moving.

    Returns
    -------
    centre : ndarray, shape (n_frames, 2)
        Centre ``(x, y)`` of the region's bounding box, in ``small``'s pixels; NaN where none.
    size : ndarray, shape (n_frames, 2)
        Its height (px of ``small``) and its area as a share of the picture; NaN where none.
    """
    import cv2

    n, h, w = small.shape
    picks = np.linspace(0, n - 1, min(n, BACKGROUND_SAMPLES)).round().astype(int)
    background = np.median(small[picks], axis=0).astype(np.int16)
    centre = np.full((n, 2), np.nan)
    size = np.full((n, 2), np.nan)
    kernel = np.ones((3, 3), np.uint8)
    for i in range(n):
        moving = (np.abs(small[i].astype(np.int16) - background) > level).astype(np.uint8)
        moving = cv2.morphologyEx(moving, cv2.MORPH_OPEN, kernel)
        k, _, stats, _ = cv2.connectedComponentsWithStats(moving)
        if k <= 1:
            continue
        j = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        x, y, bw, bh, area = stats[j]
        centre[i] = (x + bw / 2.0, y + bh / 2.0)
        size[i] = (bh, area / float(h * w))
    return centre, size


def repeated_pictures(small: np.ndarray, level: int = REPEAT_LEVEL) -> np.ndarray:
    """Frames whose picture repeats the previous frame's (slow motion made by holding pictures).

    Parameters
    ----------
    small : ndarray, shape (n_frames, h, w), uint8
        Grey, downscaled frames (:func:`grey_small`).
    level : int
        See :data:`REPEAT_LEVEL`.

    Returns
    -------
    ndarray of bool, shape (n_frames,)
        True where no pixel differs from the frame before by more than ``level``
        (the first frame: False).
    """
    held = np.zeros(small.shape[0], bool)
    if small.shape[0] > 1:
        step = np.abs(np.diff(small.astype(np.int16), axis=0)).reshape(small.shape[0] - 1, -1).max(axis=1)
        held[1:] = step <= level
    return held


def _fill(v: np.ndarray) -> np.ndarray:
    """NaN gaps filled by linear interpolation, the ends held at the nearest value."""
    ok = np.isfinite(v)
    return np.interp(np.arange(v.size), np.flatnonzero(ok), v[ok])


def crop_windows(centre: np.ndarray, size: np.ndarray, small_shape: tuple[int, int],
                 frame_size: tuple[int, int]) -> Windows | None:
    """Square windows that follow the mover, or None when no window would help.

    Parameters
    ----------
    centre, size : ndarray
        From :func:`mover_boxes` (pixels of the downscaled copy).
    small_shape : (h, w)
        Size of the downscaled copy (px).
    frame_size : (width, height)
        Size of the upright frame (px).

    Returns
    -------
    Windows or None
        None when the mover is found in fewer than :data:`MIN_MOVER_FRAMES` of the
        frames, covers more than :data:`MAX_MOVER_AREA` of the picture (a moving
        camera, or a runner big enough as it is), or when the window would be the
        frame's own short side anyway.
    """
    from scipy.ndimage import median_filter

    width, height = frame_size
    found = np.isfinite(centre[:, 0])
    if found.mean() < MIN_MOVER_FRAMES or np.median(size[found, 1]) > MAX_MOVER_AREA:
        return None
    scale = max(width, height) / max(small_shape)
    side = int(round(max(MIN_WINDOW_PX, WINDOW_PER_HEIGHT * np.median(size[found, 0]) * scale)))
    if side >= min(width, height):
        return None
    cx = median_filter(_fill(centre[:, 0]), SMOOTH_FRAMES, mode="nearest") * scale
    cy = median_filter(_fill(centre[:, 1]), SMOOTH_FRAMES, mode="nearest") * scale
    x0 = np.clip(np.round(cx - side / 2.0), 0, width - side).astype(int)
    y0 = np.clip(np.round(cy - side / 2.0), 0, height - side).astype(int)
    return Windows(x0=x0, y0=y0, side=side)
