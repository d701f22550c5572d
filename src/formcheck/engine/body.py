"""The runner's body proportions as the camera saw them: to tell whether two clips show the same body.

Segment lengths in pixels depend on zoom and distance; their *ratios* do not,
so two clips of the same runner filmed the same way give the same ratios and
two different runners usually do not. They are medians over the frames where
every point is seen, of per-frame ratios (a runner moving towards or away from
the camera changes size from frame to frame, not shape).

- side view: the near leg (the far leg is often hidden); rear view: both legs' mean.
- ``leg_to_height``: (thigh + shank) / (thigh + shank + trunk + neck), neck =
  mid-shoulder → nose; MediaPipe has no top of the head, so this "height" is
  a stature proxy from the ankle to the nose.
- ``thigh_to_shank``: hip → knee over knee → ankle.

Used by :func:`formcheck.outputs.compare.comparability`.
"""

from __future__ import annotations

import numpy as np

from formcheck.contract import BodyProportions
from formcheck.engine.clean import CleanSeries

#: fewest frames with every point seen for a ratio to be given
MIN_FRAMES = 10


def _seg(cl: CleanSeries, a: str, b: str) -> np.ndarray:
    pa, pb = cl.xy.get(a), cl.xy.get(b)
    if pa is None or pb is None:
        return np.full(cl.n, np.nan)
    return np.linalg.norm(pa - pb, axis=1)


def _median(x: np.ndarray, decimals: int) -> float | None:
    x = x[np.isfinite(x)]
    return round(float(np.median(x)), decimals) if len(x) >= MIN_FRAMES else None


def body_proportions(cl: CleanSeries) -> BodyProportions:
    """Segment lengths (px) and their ratios over the clip; ``None`` where too few frames show them."""
    sides = ("left", "right") if cl.plane == "frontal" else (cl.near_side,)
    thigh = np.nanmean(np.stack([_seg(cl, f"{s}_hip", f"{s}_knee") for s in sides]), axis=0)
    shank = np.nanmean(np.stack([_seg(cl, f"{s}_knee", f"{s}_ankle") for s in sides]), axis=0)
    trunk = _seg(cl, "mid_hip", "mid_shoulder")
    neck = _seg(cl, "mid_shoulder", "nose")
    leg = thigh + shank
    with np.errstate(all="ignore"):
        to_height = leg / (leg + trunk + neck)
        to_shank = thigh / shank
    return BodyProportions(thigh_px=_median(thigh, 1), shank_px=_median(shank, 1), trunk_px=_median(trunk, 1),
                           leg_to_height=_median(to_height, 3), thigh_to_shank=_median(to_shank, 3),
                           side="both" if cl.plane == "frontal" else cl.near_side)
