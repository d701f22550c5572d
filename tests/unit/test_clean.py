"""Cleaning stage: filter, gaps, leg identity on an exact runner with swapped labels."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.engine.clean import clean, cutoff_for, fill_gaps, lowpass
from tests.oracle import oracle_series


def test_lowpass_is_zero_phase_and_keeps_slow_motion():
    fps = 60.0
    t = np.arange(0, 4, 1 / fps)
    slow = np.sin(2 * np.pi * 1.4 * t)  # the hip's vertical motion at ~170 steps/min
    noisy = slow + 0.3 * np.sin(2 * np.pi * 25 * t)
    out = lowpass(noisy, fps, cutoff_for(fps))
    inner = slice(30, -30)
    assert np.max(np.abs(out[inner] - slow[inner])) < 0.03  # no lag, noise gone
    assert np.argmax(out[60:120]) == np.argmax(slow[60:120])


def test_lowpass_leaves_nan_gaps_and_filters_each_segment():
    x = np.r_[np.ones(40), np.full(5, np.nan), 2 * np.ones(40)]
    out = lowpass(x, 60.0, 10.0)
    assert np.isnan(out[40:45]).all()
    np.testing.assert_allclose(out[:40], 1.0, atol=1e-6)
    np.testing.assert_allclose(out[45:], 2.0, atol=1e-6)


@pytest.mark.parametrize("fps, cutoff", [(30, 7.5), (60, 10.0), (240, 10.0)])
def test_cutoff_suits_the_frame_rate(fps, cutoff):
    assert cutoff_for(fps) == pytest.approx(cutoff)


def test_fill_gaps_only_bridges_short_gaps():
    x = np.array([0, 1, np.nan, 3, 4, np.nan, np.nan, np.nan, np.nan, 9], float)
    out = fill_gaps(x, max_gap=2)
    assert out[2] == pytest.approx(2.0)
    assert np.isnan(out[5:9]).all()


@pytest.mark.parametrize("length", [1, 2, 3])
def test_brief_label_flickers_are_undone(oracle_truth_right, length):
    """MediaPipe's commonest side-view failure: the labels jump to the other leg for a frame or three."""
    truth = oracle_truth_right
    n = len(truth["frames"]["t_s"])
    swap = np.zeros(n, bool)
    starts = np.arange(40, n - 40, 37)  # all phases of the stride
    for s in starts:
        swap[s:s + length] = True
    cl = clean(oracle_series(truth, swap=swap))
    near = truth["near_side"]
    assert cl.near_side == near and cl.facing == truth["view"]["facing"]
    for side in ("left", "right"):
        true_ankle = np.asarray(truth["frames"]["joints_px"][side]["ankle"])
        err = np.linalg.norm(cl.raw[f"{side}_ankle"] - true_ankle, axis=1)
        wrong = int(np.sum(err > 1.0))
        assert wrong <= len(starts) // 4, f"{side}: {wrong} frames on the wrong leg ({len(starts)} flickers)"
    assert cl.swaps_fixed >= 0.75 * length * len(starts)


def test_side_view_is_sagittal(oracle_truth_right):
    cl = clean(oracle_series(oracle_truth_right))
    assert cl.plane == "sagittal"
