"""Which two recordings can be compared: view, facing, setting, gait and body proportions (no pose model)."""

from __future__ import annotations

import copy

import pytest

from formcheck.engine.registry import SPECS
from formcheck.outputs.compare import (BODY_TOLERANCE, SETTING_SENSITIVE, comparability, compare_results)
from tests.golden import full_result, load

ALL = tuple(SPECS)
NEAR_LEG = tuple(n for n, s in SPECS.items() if s.legs == "near")


def _result(**changes) -> dict:
    """The bundled sample's result (a side view of a treadmill runner facing right) with ``changes``."""
    r = full_result(**changes)
    r["analysis"]["body"] = {"thigh_px": 75.2, "shank_px": 75.8, "trunk_px": 92.0, "leg_to_height": 0.542,
                             "thigh_to_shank": 0.992, "side": "right", **r["analysis"].get("body", {})}
    return r


def test_the_same_clip_twice_is_comparable():
    a = _result()
    c = comparability(a, copy.deepcopy(a))
    assert c.comparable and c.mismatches == [] and c.not_comparable == () and c.unchecked == ()


def test_the_bundled_before_after_pair_is_comparable():
    """Both sample clips show the same synthetic runner filmed the same way (goldens: their whole analysis)."""
    before = load("synthetic_treadmill_right.mp4.analysis.de")
    after = load("synthetic_treadmill_right_after.mp4.analysis.de")
    assert before["analysis"]["body"]["thigh_to_shank"] is not None  # the contract carries the proportions
    c = comparability(before, after)
    assert c.comparable, c.mismatches
    verdicts = {ch.name: ch.verdict for ch in compare_results(before, after)}
    assert verdicts["cadence_spm"] == "real_change"


def test_facing_the_other_way_makes_the_near_leg_metrics_not_comparable():
    """Side view, runner facing left: the near leg is the left one, so per-leg values come from the other leg."""
    before, after = _result(), _result(**{"view.facing": "left", "analysis.near_side": "left"})
    c = comparability(before, after)
    assert [(m.aspect, m.before, m.after) for m in c.mismatches] == [("facing", "right", "left")]
    assert set(c.not_comparable) == set(NEAR_LEG)
    assert {"knee_flexion_ic_deg", "shank_angle_ic_deg", "contact_time_ms"} <= set(c.not_comparable)
    assert "cadence_spm" not in c.not_comparable and "trunk_lean_deg" not in c.not_comparable  # both legs / no leg
    verdicts = {ch.name: ch.verdict for ch in compare_results(before, after, c)}
    assert verdicts["knee_flexion_ic_deg"] == "not_comparable"
    assert verdicts["trunk_lean_deg"] == "within_noise"


def test_treadmill_against_overground_makes_the_speed_dependent_metrics_not_comparable():
    c = comparability(_result(), _result(**{"view.setting": "overground"}))
    assert [(m.aspect, m.before, m.after) for m in c.mismatches] == [("setting", "treadmill", "overground")]
    assert set(c.not_comparable) == set(SETTING_SENSITIVE)
    assert {"cadence_spm", "contact_time_ms", "foot_strike_angle_ic_deg"} <= set(c.not_comparable)
    assert "trunk_lean_deg" not in c.not_comparable and "pelvic_drop_deg" not in c.not_comparable


@pytest.mark.parametrize("aspect, other", [("gait", "walk"), ("plane", "frontal"), ("direction", "backward")])
def test_another_gait_view_or_direction_makes_every_metric_not_comparable(aspect, other):
    c = comparability(_result(), _result(**{f"view.{aspect}": other}))
    assert [m.aspect for m in c.mismatches] == [aspect]
    assert c.not_comparable == ALL


def test_another_build_makes_every_metric_not_comparable():
    taller_thigh = _result()
    taller_thigh["analysis"]["body"]["thigh_to_shank"] = 0.992 + BODY_TOLERANCE["thigh_to_shank"] + 0.01
    c = comparability(_result(), taller_thigh)
    [m] = c.mismatches
    assert m.aspect == "thigh_to_shank" and m.tolerance == BODY_TOLERANCE["thigh_to_shank"]
    assert c.not_comparable == ALL
    assert all(ch.verdict in ("not_comparable", "not_measured") for ch in compare_results(_result(), taller_thigh))

    long_legs = _result()
    long_legs["analysis"]["body"]["leg_to_height"] = 0.542 + BODY_TOLERANCE["leg_to_height"] + 0.005
    assert [m.aspect for m in comparability(_result(), long_legs).mismatches] == ["leg_to_height"]


def test_proportions_within_tolerance_are_the_same_body():
    close = _result()
    close["analysis"]["body"]["thigh_to_shank"] = 0.992 + 0.6 * BODY_TOLERANCE["thigh_to_shank"]
    close["analysis"]["body"]["leg_to_height"] = 0.542 - 0.6 * BODY_TOLERANCE["leg_to_height"]
    assert comparability(_result(), close).comparable


def test_unrelated_clips_list_every_difference():
    """The page's old default pair: the synthetic treadmill runner and a real runner facing the other way overground."""
    other = _result(**{"view.facing": "left", "view.setting": "overground", "analysis.near_side": "left"})
    other["analysis"]["body"]["thigh_to_shank"] = 0.85
    c = comparability(_result(), other)
    assert [m.aspect for m in c.mismatches] == ["setting", "facing", "thigh_to_shank"]
    assert c.not_comparable == ALL


def test_a_result_without_proportions_is_checked_for_the_rest_and_says_so():
    old = _result()
    del old["analysis"]["body"]  # saved before analysis.body existed
    c = comparability(_result(), old)
    assert c.comparable and c.unchecked == ("thigh_to_shank", "leg_to_height")
    c = comparability({"metrics": {}}, {"metrics": {}})
    assert c.comparable and set(c.unchecked) == {"plane", "gait", "direction", "setting", "facing",
                                                 "thigh_to_shank", "leg_to_height"}


# ------------------------------------------------------------------ treadmill speed
def _at_speed(mps):
    return _result(**{"analysis.speed_mps": mps})


def test_two_sessions_at_different_treadmill_speeds_do_not_compare_the_speed_dependent_metrics():
    from formcheck.outputs.compare import SPEED_SENSITIVE

    c = comparability(_at_speed(10 / 3.6), _at_speed(12 / 3.6))
    assert [(m.aspect, round(m.before, 3), round(m.after, 3)) for m in c.mismatches] == [("speed", 2.778, 3.333)]
    assert set(c.not_comparable) == set(SPEED_SENSITIVE)
    assert {"cadence_spm", "step_length_cm", "contact_time_ms", "vertical_oscillation_cm"} <= set(c.not_comparable)
    assert "knee_flexion_ic_deg" not in c.not_comparable and "trunk_lean_deg" not in c.not_comparable
    before, after = _at_speed(10 / 3.6), _at_speed(12 / 3.6)
    after["metrics"]["cadence_spm"]["value"] += 10
    verdicts = {ch.name: ch.verdict for ch in compare_results(before, after)}
    assert verdicts["cadence_spm"] == "not_comparable"


def test_the_same_speed_within_a_treadmill_step_compares_and_one_unknown_speed_does_not():
    assert comparability(_at_speed(2.78), _at_speed(2.80)).comparable
    assert comparability(_result(), _result()).comparable  # neither has a speed: as before speeds existed
    c = comparability(_result(), _at_speed(2.8))
    assert [(m.aspect, m.before, m.after) for m in c.mismatches] == [("speed", None, 2.8)]


def test_the_progress_history_marks_a_session_at_another_speed_not_comparable():
    from formcheck.outputs.compare import metric_history

    a, b, c = _at_speed(2.8), _at_speed(2.8), _at_speed(3.4)
    b["metrics"]["cadence_spm"]["value"] += 10
    c["metrics"]["cadence_spm"]["value"] += 10
    pts = metric_history([("1", a), ("2", b), ("3", c)], "cadence_spm")
    assert [p.since_baseline.verdict if p.since_baseline else None for p in pts] == [None, "real_change",
                                                                                    "not_comparable"]
    trunk = metric_history([("1", a), ("3", c)], "trunk_lean_deg")
    assert trunk[1].since_baseline.verdict != "not_comparable"  # speed does not make the trunk not comparable


# ------------------------------------------------------------ across gaits (engine on exact landmarks)
@pytest.fixture(scope="module")
def gait_sessions(tmp_path_factory):
    """A walking session, a walk → run → walk interval session and a running session of one synthetic person."""
    from formcheck.pipeline import run_engine
    from formcheck.synth import Gait, Scene, generate, walking_gait
    from tests.oracle import oracle_info, oracle_series

    tmp = tmp_path_factory.mktemp("gaits")
    scene = Scene(facing="right", fps=30, width=640, height=360, seed=5)
    clips = {"walk": dict(gait=walking_gait(), scene=Scene(**{**scene.__dict__, "duration_s": 6.0})),
             "intervals": dict(scene=scene, bouts=[(walking_gait(), 4.5), (Gait(cadence_spm=168.0), 4.5),
                                                   (walking_gait(), 4.5)]),
             "run": dict(gait=Gait(cadence_spm=172.0), scene=Scene(**{**scene.__dict__, "duration_s": 5.0}))}
    out = {}
    for name, kw in clips.items():
        truth = generate(tmp / f"{name}.mp4", **kw)
        out[name] = run_engine(oracle_series(truth), oracle_info(truth), lang="en")
    return out


def test_a_walk_against_a_run_shows_the_shared_metrics_and_judges_none(gait_sessions):
    from formcheck.engine.registry import measured_in
    from formcheck.outputs.compare import matched

    walk, run = gait_sessions["walk"], gait_sessions["run"]
    a, b, bout_a, bout_b = matched(walk, run)
    assert (a, b, bout_a, bout_b) == (walk, run, None, None)  # no bout of the other gait: kept as they are
    c = comparability(a, b)
    assert [m.aspect for m in c.mismatches] == ["gait"] and c.not_comparable == ALL
    changes = {ch.name: ch for ch in compare_results(a, b, c)}
    shared = [n for n in ("cadence_spm", "knee_flexion_ic_deg", "trunk_lean_deg", "contact_time_ms")]
    for n in shared:  # measured in both gaits: both values shown, no verdict
        assert measured_in(n, "walk") and measured_in(n, "run")
        assert changes[n].before is not None and changes[n].after is not None and changes[n].verdict == "not_comparable"
    # one gait's own metrics: measured on one side only
    assert changes["knee_flexion_loading_peak_deg"].after is None
    assert changes["knee_flexion_loading_peak_deg"].verdict == "not_measured"
    assert changes["hip_extension_to_deg"].before is None
    assert "real_change" not in {ch.verdict for ch in changes.values()}


def test_a_walk_is_compared_with_the_walking_bout_of_an_interval_session(gait_sessions):
    from formcheck.outputs.compare import gait_kind, matched

    walk, intervals = gait_sessions["walk"], gait_sessions["intervals"]
    assert gait_kind(intervals) == "run"  # its headline is the running bout
    a, b, bout_a, bout_b = matched(walk, intervals)
    assert bout_a is None and bout_b["kind"] == "walk" and gait_kind(b) == "walk"
    assert bout_b == max((x for x in intervals["bouts"] if x["kind"] == "walk"), key=lambda x: x["end_s"] - x["start_s"])
    c = comparability(a, b)
    assert "gait" not in [m.aspect for m in c.mismatches]
    changes = {ch.name: ch for ch in compare_results(a, b, c)}
    assert changes["cadence_spm"].verdict == "within_noise"  # the same walk (108 steps/min)
    assert changes["knee_flexion_loading_peak_deg"].after == b["metrics"]["knee_flexion_loading_peak_deg"]["value"]
    # and the other way round: the run of an interval session against a running session
    a2, b2, bout_a2, _ = matched(intervals, gait_sessions["run"])
    assert bout_a2 is None and a2 is intervals  # both headlines are runs already
