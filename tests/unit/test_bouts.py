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


# ---------------------------------------------------------------- the synthetic switching runner and the engine
from formcheck.synth import BoutModel, Body, Gait, walking_gait  # noqa: E402


def test_bout_model_switches_on_a_near_contact_of_both_gaits():
    walk, run = walking_gait(), Gait(cadence_spm=170.0)
    m = BoutModel([(walk, 3.4), (run, 2.9), (walk, 2.2)], Body(1.75), near="right")
    # whole strides of each gait: 3 walking strides of 120/108 s, 4 running of 120/170 s, 2 walking
    assert m.n_strides == [3, 4, 2]
    assert m.starts[1] == pytest.approx(3 * 120 / 108) and m.starts[2] == pytest.approx(m.starts[1] + 4 * 120 / 170)
    ev = m.events(m.duration_s)
    for s in m.starts[:-1]:  # the near foot lands at every switch
        assert min(abs(np.array(ev["right"]["ic_s"]) - s)) < 1e-6
    w = m.weights(np.linspace(0, m.duration_s, 500))
    assert np.allclose(w.sum(axis=0), 1.0) and w.min() >= 0
    # inside a blend two gaits mix, outside only one moves the body
    assert (np.count_nonzero(w > 0, axis=0) == 2).sum() > 0
    assert m.main == 1  # the running part heads the truth


def test_bout_model_far_events_inside_a_blend_are_left_out():
    m = BoutModel([(walking_gait(), 3.0), (Gait(cadence_spm=170.0), 3.0)], Body(1.75), near="right", blend_s=0.3)
    ev = m.events(m.duration_s)
    for x in ev["left"]["ic_s"] + ev["left"]["to_s"] + ev["right"]["to_s"]:
        assert abs(x - m.starts[1]) >= 0.15 - 1e-9


def test_the_engine_splits_exact_landmarks_at_the_true_switches(tmp_path):
    """On exact landmarks (no pose model) the engine's bouts are the truth's, to a frame."""
    from formcheck.engine.run import run
    from formcheck.synth import Scene, generate
    from tests.oracle import oracle_info, oracle_series

    truth = generate(tmp_path / "wrw.mp4", scene=Scene(facing="left", fps=30, width=640, height=360, seed=3),
                     bouts=[(walking_gait(), 4.5), (Gait(cadence_spm=168.0, landing="falling"), 4.5),
                            (walking_gait(), 4.5)])
    result, _, _ = run(oracle_series(truth), oracle_info(truth))
    found = [(b.kind, b.start_s, b.end_s) for b in result.bouts]
    assert [k for k, _, _ in found] == ["walk", "run", "walk"]
    for (_, a, e), t in zip(found, truth["bouts"]):
        assert a == pytest.approx(t["start_s"], abs=2 / 30) and e == pytest.approx(t["end_s"], abs=2 / 30)
    assert [b.main for b in result.bouts] == [False, True, False]
    for b, t in zip(result.bouts, truth["bouts"]):
        assert b.metrics["cadence_spm"].value == pytest.approx(t["metrics"]["cadence_spm"], rel=0.01)
    # the headline is the running bout's, the events each bout's own: no contact twice
    assert result.metrics["cadence_spm"].value == result.bouts[1].metrics["cadence_spm"].value
    for side in ("left", "right"):
        ic = np.array(result.events[side].ic_s)
        assert np.all(np.diff(ic) > 0.5)


def test_one_gait_is_one_bout_holding_the_clips_own_values(tmp_path):
    from formcheck.engine.run import run
    from formcheck.synth import Scene, generate
    from tests.oracle import oracle_info, oracle_series

    truth = generate(tmp_path / "run.mp4", Gait(cadence_spm=172.0),
                     Scene(facing="right", fps=30, width=640, height=360, duration_s=4.0, seed=4))
    result, _, _ = run(oracle_series(truth), oracle_info(truth))
    assert len(result.bouts) == 1 and result.bouts[0].kind == "run" and result.bouts[0].main
    assert result.bouts[0].metrics is result.metrics
    assert "bouts" not in [w.code for w in result.quality.warnings]
