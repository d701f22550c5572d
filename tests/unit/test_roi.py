"""The small-runner window (io.roi), repeated pictures and what a clip of repeated pictures still measures.

Hand-made pictures: a static textured background with a dark 'runner' block
moving across it, so the truth (where the block is, which frames repeat) is known.
"""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.engine.metrics import HELD_KEEPS, TIMING, MetricSummary, distrust_held
from formcheck.io import roi


def _clip(n=60, h=90, w=240, block=(24, 8), step=3.0, hold=1, seed=0):
    """Grey frames: noise-textured background, a dark block moving right by ``step`` px per new picture.

    Each picture is shown ``hold`` frames. Returns the frames and the block's true centre per frame.
    """
    rng = np.random.default_rng(seed)
    bg = rng.integers(120, 200, size=(h, w)).astype(np.uint8)
    frames, centres = [], []
    for i in range(n):
        k = i // hold  # picture number
        x = 10 + step * k
        y = 50
        f = bg.copy()
        bh, bw = block
        f[int(y - bh / 2):int(y + bh / 2), int(x - bw / 2):int(x + bw / 2)] = 20
        frames.append(f)
        centres.append((x, y))
    return np.stack(frames), np.array(centres)


def test_the_mover_is_found_where_the_block_is():
    small, truth = _clip()
    centre, size = roi.mover_boxes(small)
    assert np.isfinite(centre[:, 0]).all()
    assert np.abs(centre - truth).max() <= 1.0  # box centre of an 8 × 24 px block, rounded to pixels
    assert np.allclose(size[:, 0], 24) and np.allclose(size[:, 1], 24 * 8 / (90 * 240))


def test_windows_follow_the_mover_at_three_heights_and_stay_inside_the_frame():
    small, truth = _clip()
    centre, size = roi.mover_boxes(small)
    # the small copy stands for a 960 × 360 frame (4×): block 96 px tall, window 3 × 96 = 288 px
    win = roi.crop_windows(centre, size, small.shape[1:], (960, 360))
    assert win is not None and win.side == 288
    cx = win.x0 + win.side / 2
    inside = (truth[:, 0] * 4 - win.side / 2 >= 0) & (truth[:, 0] * 4 + win.side / 2 <= 960)
    assert np.abs(cx[inside] - truth[inside, 0] * 4).max() <= 4.0
    assert (win.x0 >= 0).all() and (win.x0 + win.side <= 960).all()
    assert (win.y0 >= 0).all() and (win.y0 + win.side <= 360).all()


def test_no_window_when_most_of_the_picture_moves_or_the_runner_is_big():
    small, _ = _clip()
    rng = np.random.default_rng(1)
    tiles = np.kron(rng.integers(0, 256, size=(9, 24)), np.ones((10, 10))).astype(np.uint8)  # a scene with structure
    panning = np.stack([np.roll(tiles, 7 * i, axis=1) for i in range(40)])  # the camera pans: the whole picture moves
    centre, size = roi.mover_boxes(panning)
    assert roi.crop_windows(centre, size, panning.shape[1:], (960, 360)) is None
    big, _ = _clip(block=(80, 30))  # 80 of 90 rows: the window would be the frame's own height
    centre, size = roi.mover_boxes(big)
    assert roi.crop_windows(centre, size, big.shape[1:], (960, 360)) is None
    still = np.stack([small[0]] * 30) + rng.integers(0, 3, size=(30, 90, 240)).astype(np.uint8)
    centre, size = roi.mover_boxes(still)  # nothing moves: no mover, no window
    assert roi.crop_windows(centre, size, still.shape[1:], (960, 360)) is None


def test_repeated_pictures_are_exactly_the_held_frames():
    small, _ = _clip(n=30, hold=3)
    noisy = np.clip(small.astype(int) + np.random.default_rng(2).integers(-4, 5, small.shape), 0, 255).astype(np.uint8)
    held = roi.repeated_pictures(noisy)  # codec-like noise of ±4 levels does not make a new picture
    assert held.tolist() == [i % 3 != 0 for i in range(30)]
    assert not roi.repeated_pictures(_clip(n=30, hold=1)[0]).any()


def _summary(name, value):
    return MetricSummary(name, "x", value, value, value, 1.0, 8, 4, 4, "both", "medium")


def test_a_clip_of_repeated_pictures_keeps_only_the_trunk_and_says_why():
    names = ["cadence_spm", "contact_time_ms", "knee_flexion_ic_deg", "shank_angle_ic_deg",
             "heel_ahead_of_hip_ic_pct_leg", "trunk_lean_deg", "vertical_oscillation_pct_leg"]
    summ = {n: _summary(n, 10.0) for n in names}
    summ["flight_time_ms"] = MetricSummary("flight_time_ms", "ms", None, None, None, None, 0, 0, 0, "both", "low")
    out = distrust_held(summ, 0.7, 9.0)
    assert set(HELD_KEEPS) == {"trunk_lean_deg"}
    trunk = out["trunk_lean_deg"]
    assert trunk.value == 10.0 and trunk.confidence == "low"
    assert trunk.confidence_reasons[-1].code == "held_pictures"
    for name, m in out.items():
        if name in HELD_KEEPS:
            continue
        assert m.value is None and m.reason.code == "held_pictures", name
        assert m.reason.params == {"pct": pytest.approx(70.0), "per_s": 9.0}
    assert "cadence_spm" in TIMING and summ["cadence_spm"].value == 10.0  # the input is not changed


def test_the_grey_copy_of_a_long_clip_stays_small():
    # a 60 s 60 fps 16:9 clip keeps the full 240 px; a 10-minute one shrinks to stay within the budget
    assert roi.small_side(3600, 16 / 9) == roi.SMALL_SIDE_PX
    side = roi.small_side(36000, 16 / 9)
    assert side < roi.SMALL_SIDE_PX
    assert 36000 * side * round(side * 9 / 16) <= roi.MAX_COPY_BYTES
    assert roi.small_side(36000, 9 / 16) == side  # portrait: the same long side
