"""A synthetic walker through MediaPipe: the walking targets of issue 18 on one clip.

Cadence within 1 %, knee angles within 4° (at contact and the loading-response
peak), trunk within 2°, hip extension in terminal stance within 5°, near-foot
contacts within a frame (median), gait and view right. The swing knee's peak
is held to 10° only: the pose model reads it 6–9° low on every synthetic walker
(README, Known limits). The six-clip table is ``benchmarks/accuracy.py --gait walk``.
"""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.pipeline import analyze_video
from formcheck.synth import Scene, generate, load_truth, walking_gait

TOL = {"knee_flexion_ic_deg": 4.0, "knee_flexion_loading_peak_deg": 4.0, "trunk_lean_deg": 2.0,
       "hip_extension_peak_stance_deg": 5.0, "knee_flexion_swing_peak_deg": 10.0}


@pytest.fixture(scope="module")
def walker(synth_dir, model_path):
    path = synth_dir / "walker_left.mp4"
    generate(path, walking_gait(cadence_spm=100.0, trunk_lean_deg=5.0),
             Scene(facing="left", fps=30, width=1280, height=720, duration_s=8.0, seed=22, skin=(150, 100, 70),
                   shirt=(200, 40, 40), shorts=(20, 40, 90), background=(180, 190, 170)))
    return load_truth(path), analyze_video(path, lang="en", model=model_path)


def test_a_walker_is_seen_walking(walker):
    truth, res = walker
    assert res["view"] == truth["view"] and res["view"]["gait"] == "walk"


def test_walking_cadence_within_one_percent(walker):
    truth, res = walker
    assert res["metrics"]["cadence_spm"]["value"] == pytest.approx(truth["metrics"]["cadence_spm"], rel=0.01)


@pytest.mark.parametrize("name", sorted(TOL))
def test_walking_angles_within_target(walker, name):
    truth, res = walker
    assert res["metrics"][name]["value"] == pytest.approx(truth["metrics"][name], abs=TOL[name]), res["metrics"][name]


def test_walking_contacts_within_a_frame(walker):
    truth, res = walker
    near, fps = res["analysis"]["near_side"], truth["video"]["fps"]
    det = np.array(res["events"][near]["ic_s"])
    err = [(det[np.argmin(np.abs(det - t))] - t) * fps for t in truth["events"][near]["ic_s"] if 0.2 < t < 7.8]
    assert abs(np.median(err)) <= 1.0, err
    stance = res["metrics"]["duty_factor_pct"]["value"]
    assert stance == pytest.approx(truth["metrics"]["duty_factor_pct"], abs=4.0)
