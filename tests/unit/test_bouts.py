"""Bout segmentation (engine/bouts.py) on hand-made contact sequences with known gait changes."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.engine.bouts import Bout, main_bout, segment, stride_kinds


def _contacts(start_s: float, n: int, stride_s: float, duty: float):
    """``n`` contacts of one foot from ``start_s``: initial contacts every ``stride_s``, each lasting ``duty`` of it."""
    ic = start_s + stride_s * np.arange(n)
    return ic, ic + duty * stride_s


def _splice(*pieces):
    ic = np.concatenate([p[0] for p in pieces])
    to = np.concatenate([p[1] for p in pieces])
    return ic, to


def test_walk_run_walk_splits_at_the_switching_contacts():
    # walking: 1.1 s strides, 62 % contact; running: 0.7 s strides, 35 % contact
    walk1 = _contacts(0.3, 6, 1.1, 0.62)                  # ICs 0.3 … 5.8
    run = _contacts(walk1[0][-1] + 1.1, 10, 0.7, 0.35)     # ICs 6.9 … 13.2
    walk2 = _contacts(run[0][-1] + 0.7, 5, 1.1, 0.62)      # ICs 13.9 … 18.3
    ic, to = _splice(walk1, run, walk2)
    bouts = segment(ic, to)
    assert [b.kind for b in bouts] == ["walk", "run", "walk"]
    assert bouts[0].start_s == pytest.approx(0.3) and bouts[0].end_s == pytest.approx(6.9)
    assert bouts[1].start_s == pytest.approx(6.9) and bouts[1].end_s == pytest.approx(13.9)
    assert bouts[2].end_s == pytest.approx(18.3)
    assert [b.strides for b in bouts] == [6, 10, 4]
    assert main_bout(bouts) == bouts[1]  # the running bout carries the headline metrics


def test_one_gait_is_one_bout():
    ic, to = _contacts(0.0, 12, 0.7, 0.36)
    assert segment(ic, to) == [Bout("run", 0.0, pytest.approx(7.7), 11)]


def test_a_single_odd_stride_is_a_transition_not_a_bout():
    ic, to = _contacts(0.0, 12, 0.7, 0.36)
    to = to.copy()
    to[5] = ic[5] + 0.6 * 0.7  # one stride with a long contact (a stumble, a mistimed toe-off)
    assert [b.kind for b in segment(ic, to)] == ["run"]


def test_a_pause_is_standing_and_ends_the_bout():
    walk1 = _contacts(0.0, 5, 1.1, 0.62)
    walk2 = _contacts(walk1[0][-1] + 4.0, 5, 1.1, 0.62)  # 4 s between two contacts: the walker stood
    bouts = segment(*_splice(walk1, walk2))
    assert [b.kind for b in bouts] == ["walk", "standing", "walk"]
    assert bouts[1].duration_s == pytest.approx(4.0) and bouts[1].strides == 0
    assert main_bout(bouts).kind == "walk"


def test_backward_strides_from_the_stance_foot_drift():
    ic, to = _contacts(0.0, 12, 0.75, 0.4)
    drift = np.where(np.arange(12) < 6, -1.0, +1.0)  # the stance foot moves forward under the body from contact 6 on
    kinds = stride_kinds(ic, to, drift)
    assert kinds[:6] == ["run"] * 6 and kinds[6:] == ["backward"] * 5
    assert [b.kind for b in segment(ic, to, drift)] == ["run", "backward"]
    assert main_bout([Bout("backward", 0, 9, 10)]).kind == "backward"
    assert main_bout([Bout("standing", 0, 9, 0)]) is None


def test_unseen_toe_offs_join_the_bout_around_them():
    ic, to = _contacts(0.0, 10, 0.7, 0.36)
    to = to.copy()
    to[4] = np.nan
    assert stride_kinds(ic, to)[4] == "unknown"
    assert [b.kind for b in segment(ic, to)] == ["run"]
    assert segment(ic[:1], to[:1]) == []
