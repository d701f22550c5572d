"""A treadmill clip that switches walk → run → walk, through MediaPipe: bouts and their metrics (issue 18).

Truth from :class:`formcheck.synth.BoutModel` (the bundled ``synthetic_walk_run_walk.mp4``): bout kinds,
boundaries within 0.5 s, per bout cadence within 1 %, knee at contact within 4°, trunk within 2°; the top-level
values are the running bout's; near-foot contacts within a frame (median). The three-clip table is
``benchmarks/accuracy.py --gait bouts``.
"""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.contract import validate
from formcheck.pipeline import analyze_video
from formcheck.synth import load_truth
from tests.conftest import ROOT

CLIP = ROOT / "sample_videos" / "synthetic_walk_run_walk.mp4"


@pytest.fixture(scope="module")
def intervals(model_path):
    return load_truth(CLIP), analyze_video(CLIP, lang="en", model=model_path)


def test_the_clip_is_split_into_its_three_bouts_at_the_switches(intervals):
    truth, res = intervals
    found = res["bouts"]
    assert [b["kind"] for b in found] == [b["kind"] for b in truth["bouts"]] == ["walk", "run", "walk"]
    for f, t in zip(found, truth["bouts"]):
        assert abs(f["start_s"] - t["start_s"]) <= 0.5 and abs(f["end_s"] - t["end_s"]) <= 0.5, (f, t)
    assert [b["main"] for b in found] == [False, True, False]
    validate(res)


@pytest.mark.parametrize("name, tol", [("cadence_spm", None), ("knee_flexion_ic_deg", 4.0),
                                       ("trunk_lean_deg", 2.0)])
def test_each_bout_meets_the_targets_of_its_gait(intervals, name, tol):
    truth, res = intervals
    for f, t in zip(res["bouts"], truth["bouts"]):
        est, tru = f["metrics"][name]["value"], t["metrics"][name]
        assert est == (pytest.approx(tru, rel=0.01) if tol is None else pytest.approx(tru, abs=tol)), (f["kind"], est, tru)


def test_walking_bouts_get_the_walking_set_and_the_running_bout_the_running_set(intervals):
    truth, res = intervals
    walk, run = res["bouts"][0], res["bouts"][1]
    assert walk["view"]["gait"] == "walk" and run["view"]["gait"] == "run"
    assert walk["metrics"]["knee_flexion_loading_peak_deg"]["value"] == pytest.approx(
        truth["bouts"][0]["metrics"]["knee_flexion_loading_peak_deg"], abs=4.0)
    for k in (0, 2):  # the knee's straightest point in stance, in both walks (the knee angles' 4° target)
        assert res["bouts"][k]["metrics"]["knee_flexion_min_stance_deg"]["value"] == pytest.approx(
            truth["bouts"][k]["metrics"]["knee_flexion_min_stance_deg"], abs=4.0), k
    assert run["metrics"]["knee_flexion_loading_peak_deg"]["reason_code"] == "walking_metric"
    assert walk["metrics"]["flight_time_ms"]["value"] is None or walk["metrics"]["flight_time_ms"]["value"] < 40


def test_the_headline_is_the_running_bout_and_says_so(intervals):
    truth, res = intervals
    run = res["bouts"][1]
    assert res["view"]["gait"] == "run"
    assert res["metrics"]["cadence_spm"]["value"] == run["metrics"]["cadence_spm"]["value"]
    assert res["metrics"]["cadence_spm"]["value"] == pytest.approx(truth["metrics"]["cadence_spm"], rel=0.01)
    assert "bouts" in [w["code"] for w in res["quality"]["warnings"]]


def test_contacts_across_the_switches_within_a_frame(intervals):
    truth, res = intervals
    near, fps = truth["near_side"], truth["video"]["fps"]
    det = np.array(res["events"][near]["ic_s"])
    err = [(det[np.argmin(np.abs(det - t))] - t) * fps for t in truth["events"][near]["ic_s"]]
    assert abs(np.median(err)) <= 1.0 and np.max(np.abs(err)) <= 3.0, np.round(err, 1)


def test_the_command_line_summary_lists_the_bouts(intervals):
    from formcheck.outputs.summary import summary_text

    _, res = intervals
    lines = summary_text(res, "en").splitlines()
    i = lines.index("Bouts:")
    assert [x.split()[1] for x in lines[i + 1:i + 4]] == ["Walking", "Running", "Walking"]
    assert "(main bout)" in lines[i + 2] and "steps/min" in lines[i + 2]
