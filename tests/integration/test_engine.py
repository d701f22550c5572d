"""The whole engine on MediaPipe landmarks: synthetic truth, the JSON contract, real clips.

Targets (issue 3): cadence within 1 %, knee angles within 4°, trunk within 2°,
shank within 3°, hip extension within 5°, the foot-strike class and the view
right, left and right not swapped. The full 14-clip table is
``benchmarks/accuracy.py``; here two clips guard the pipeline end to end.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from formcheck.pipeline import analyze_video
from formcheck.synth import Gait, Scene, generate, load_truth
from formcheck.engine.registry import measured_in
from formcheck.i18n import REASONS
from tests.conftest import ROOT, shared_video

TOL = {"knee_flexion_ic_deg": 4.0, "knee_flexion_peak_stance_deg": 4.0, "trunk_lean_deg": 2.0,
       "shank_angle_ic_deg": 3.0, "hip_extension_to_deg": 5.0}


@pytest.fixture(scope="module")
def left_runner(synth_dir, model_path):
    path = synth_dir / "engine_left.mp4"
    generate(path, Gait(cadence_spm=176), Scene(facing="left", fps=60, width=960, height=540, duration_s=7.0, seed=2,
                                                skin=(150, 100, 70), shirt=(200, 40, 40), shorts=(20, 40, 90),
                                                background=(180, 190, 170)))
    return load_truth(path), analyze_video(path, lang="en", model=model_path)


@pytest.fixture(scope="module")
def asymmetric_runner(synth_dir, model_path):
    path = synth_dir / "engine_asym.mp4"
    generate(path, Gait(right_knee_offset_deg=8.0), Scene(facing="right", fps=60, width=960, height=540,
                                                          duration_s=7.0, seed=13))
    return load_truth(path), analyze_video(path, lang="de", model=model_path)


def test_view_is_recognised(left_runner):
    truth, res = left_runner
    assert res["view"] == truth["view"]


def test_cadence_within_one_percent(left_runner):
    truth, res = left_runner
    assert res["metrics"]["cadence_spm"]["value"] == pytest.approx(truth["metrics"]["cadence_spm"], rel=0.01)
    assert res["metrics"]["cadence_spm"]["unit"] == "steps/min"


@pytest.mark.parametrize("name", sorted(TOL))
def test_angles_within_target(left_runner, name):
    truth, res = left_runner
    got = res["metrics"][name]
    assert got["value"] == pytest.approx(truth["metrics"][name], abs=TOL[name]), got
    assert got["n"] >= 5


def test_foot_strike_class(left_runner):
    truth, res = left_runner
    near = truth["near_side"]
    assert res["foot_strike"][near] == truth["foot_strike"][near]
    far = "left" if near == "right" else "right"
    assert res["foot_strike"][far] is None  # hidden behind the near leg at landing: not read
    assert res["foot_strike_reasons"][far]["code"] == "far_foot_strike"


def test_initial_contacts_of_the_near_foot_within_two_frames(left_runner):
    truth, res = left_runner
    near, fps = truth["near_side"], truth["video"]["fps"]
    true_ic = truth["events"][near]["ic_s"]
    errs = sorted(abs(min(true_ic, key=lambda x: abs(x - t)) - t) * fps for t in res["events"][near]["ic_s"])
    assert errs[len(errs) // 2] <= 2.0, errs  # median; the benchmark quotes the 1-frame target per clip


def test_left_and_right_are_not_swapped(asymmetric_runner):
    truth, res = asymmetric_runner
    knee = res["metrics"]["knee_flexion_peak_stance_deg"]
    assert knee["right"] is not None and knee["left"] is not None
    assert knee["right"] - knee["left"] > 3.0, knee  # truth: +8° on the right
    assert res["view"]["facing"] == "right"
    assert res["metrics"]["cadence_spm"]["value"] == pytest.approx(truth["metrics"]["cadence_spm"], rel=0.01)


def test_german_texts_by_default_language(asymmetric_runner):
    _, res = asymmetric_runner
    for w in res["quality"]["warnings"]:
        assert w["message"] and w["code"]
    assert res["analysis"]["lang"] == "de"


# ----------------------------------------------------------------- contract
CONTRACT_METRICS = [
    "cadence_spm", "knee_flexion_ic_deg", "knee_flexion_peak_stance_deg", "hip_extension_to_deg",
    "hip_extension_trunk_to_deg", "trunk_lean_deg", "shank_angle_ic_deg", "heel_ahead_of_hip_ic_pct_leg",
    "foot_strike_angle_ic_deg", "contact_time_ms", "flight_time_ms", "duty_factor_pct",
    "vertical_oscillation_pct_leg", "step_time_asymmetry_pct", "pelvic_drop_deg", "knee_fppa_deg",
    "step_width_pct_hip",
]


def test_cli_json_follows_the_contract(tmp_path):
    sample = ROOT / "sample_videos" / "synthetic_treadmill_right.mp4"
    out = tmp_path / "a.json"
    r = subprocess.run([sys.executable, "-m", "formcheck", "analyze", str(sample), "--json", str(out), "--lang", "en"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    d = json.loads(out.read_text())
    assert d["schema_version"] == 1
    assert set(d["video"]) >= {"path", "fps", "n_frames", "duration_s", "width", "height", "rotation_deg", "capture_fps"}
    assert set(d["view"]) == {"plane", "facing", "direction", "setting", "gait"}
    assert isinstance(d["quality"]["ok"], bool)
    assert all(set(w) >= {"code", "message"} for w in d["quality"]["warnings"])
    for side in ("left", "right"):
        assert set(d["events"][side]) == {"ic_s", "to_s"}
        assert d["foot_strike"][side] in ("rearfoot", "midfoot", "forefoot", None)
    assert isinstance(d["strides"], list) and d["strides"]
    for name in CONTRACT_METRICS:
        mm = d["metrics"][name]
        assert set(mm) >= {"value", "unit", "left", "right", "sd", "n", "confidence", "flag"}, name
        if mm["value"] is None:
            assert mm.get("reason"), f"{name} is null without a reason"
            assert mm["reason_code"] in REASONS and isinstance(mm["reason_params"], dict), name
        else:
            assert len(mm["confidence_reason_codes"]) == len(mm["confidence_reasons"]), name
            assert all(c["code"] in REASONS for c in mm["confidence_reason_codes"]), name
    # a side view cannot measure the rear-view metrics
    assert d["metrics"]["pelvic_drop_deg"]["value"] is None
    assert len(d["cues"]) <= 3
    for c in d["cues"]:
        assert set(c) >= {"id", "metric", "value", "text", "priority"}
        assert d["metrics"][c["metric"]]["value"] == c["value"]
    truth = load_truth(sample)
    assert d["view"] == truth["view"]
    assert d["metrics"]["cadence_spm"]["value"] == pytest.approx(truth["metrics"]["cadence_spm"], rel=0.01)


# ------------------------------------------------------------- real clips
@pytest.fixture(scope="module")
def real_treadmill(model_path) -> dict:
    return analyze_video(shared_video("treadmill_side_male_30fps.mp4"), lang="en", model=model_path)


def test_real_treadmill_cadence_and_contact_time(real_treadmill):
    res = real_treadmill
    assert res["metrics"]["cadence_spm"]["value"] == pytest.approx(168.9, rel=0.01)
    # Contact time: the shared clip index gives 180-320 ms as a physiological band
    # (not measured); by eye this runner's near shoe is on the belt for 9.5-10
    # frames (317-333 ms) from the first frame it rests there, and the heel
    # touches before that. It is checked against those frames in
    # test_real_treadmill_toe_offs_and_contact_time_match_hand_checked_frames;
    # here only that it is a running contact, shorter than a step (355 ms at
    # this cadence) plus one frame.
    step_ms = 60000.0 / res["metrics"]["cadence_spm"]["value"]
    assert 180 <= res["metrics"]["contact_time_ms"]["value"] <= step_ms + 1000.0 / res["video"]["fps"]
    assert res["view"]["plane"] == "sagittal" and res["view"]["setting"] == "treadmill"
    assert res["view"]["gait"] == "run" and res["view"]["facing"] == "left"
    # the far foot lands behind the console and is timed ~3 frames late, which made
    # the contacts' step times 294/420 ms (35 %); the hand-checked steps are 9-11 frames
    asym = res["metrics"]["step_time_asymmetry_pct"]["value"]
    assert asym is None or asym < 15


# The near (left, unhidden) foot's events from the two-pass hand labels
# (tests/data/real/treadmill_side_male_30fps.mp4.truth.json): initial contact =
# first frame on the belt, toe-off = last frame on it (toe-off lies between it
# and the next frame). They replace a single earlier reading (15, 36, 58, 80)
# that both independent passes put one to two frames later.
def _treadmill_truth() -> dict:
    return json.loads((ROOT / "tests" / "data" / "real" / "treadmill_side_male_30fps.mp4.truth.json").read_text())


def test_real_treadmill_contacts_match_the_two_pass_labels(real_treadmill):
    fps = real_treadmill["video"]["fps"]
    ics = np.array(real_treadmill["events"]["left"]["ic_s"]) * fps
    labelled = _treadmill_truth()["events"]["near"]["ic"]
    err = np.array([ics[np.argmin(np.abs(ics - f))] - f for f in labelled])
    assert len(labelled) >= 6
    assert np.all(np.abs(err) <= 1.5), f"contacts off the labelled frames by {np.round(err, 1)} frames"
    assert np.median(np.abs(err)) <= 1.0


def test_real_treadmill_contacts_are_as_steady_as_toe_offs(real_treadmill):
    """A runner on a treadmill repeats his stride; the near foot's toe-offs scatter
    by about half a frame from stride to stride, and so must its contacts. Timed
    by the heel reaching its mid-stance level they scattered by 2.2 frames (the
    heel rests above that level until the foot is flat, for 0-5 frames), and
    knee flexion at contact read 2-29 deg from stride to stride."""
    fps = real_treadmill["video"]["fps"]
    ic = np.array(real_treadmill["events"]["left"]["ic_s"]) * fps
    to = np.array(real_treadmill["events"]["left"]["to_s"]) * fps
    assert len(ic) >= 15 and len(to) >= 15
    sd_ic, sd_to = np.std(np.diff(ic), ddof=1), np.std(np.diff(to), ddof=1)
    assert sd_ic <= 1.5 * sd_to, f"contact intervals scatter {sd_ic:.2f} frames, toe-off intervals {sd_to:.2f}"
    knee = [s["knee_flexion_ic_deg"] for s in real_treadmill["strides"] if s["side"] == "left"]
    assert np.std(knee, ddof=1) < 6.0


def test_real_treadmill_toe_offs_and_contact_time_match_the_two_pass_labels(real_treadmill):
    fps = real_treadmill["video"]["fps"]
    tos = np.array(real_treadmill["events"]["left"]["to_s"]) * fps
    near = _treadmill_truth()["events"]["near"]
    err = np.array([tos[np.argmin(np.abs(tos - (f + 0.5)))] - (f + 0.5) for f in near["to"]])
    assert np.all(np.abs(err) <= 1.5), f"toe-offs off the labelled frames by {np.round(err, 1)} frames"
    # by eye each contact lasts from its first to its last frame on the belt, plus one
    by_eye = [(next(t for t in near["to"] if t > ic) - ic + 1) / fps * 1000
              for ic in near["ic"] if any(t > ic for t in near["to"])]
    assert len(by_eye) >= 4
    assert real_treadmill["metrics"]["contact_time_ms"]["value"] == pytest.approx(np.median(by_eye),
                                                                                abs=1.5 * 1000 / fps)


def test_real_short_clip_warns_and_invents_nothing(model_path):
    res = analyze_video(shared_video("outdoor_side_run_short.mp4"), lang="en", model=model_path)
    assert "too_few_steps" in {w["code"] for w in res["quality"]["warnings"]}
    assert not res["quality"]["ok"]
    for name, mm in res["metrics"].items():
        assert mm["value"] is None, f"{name} = {mm['value']} from about one stride"
    assert res["cues"] == []


def test_real_walker_is_walking_with_no_running_cues(model_path):
    res = analyze_video(shared_video("outdoor_side_walk_two_people.mp4"), lang="de", model=model_path)
    assert res["view"]["gait"] == "walk"
    assert "walking" in {w["code"] for w in res["quality"]["warnings"]}
    # walking advice only (gaits.md section 1), never a running cue; flags only on metrics walking measures
    assert all(c["id"].startswith("walk_") for c in res["cues"])
    assert all(mm.get("flag") is None for name, mm in res["metrics"].items() if not measured_in(name, "walk"))
    # a handful of steps: no asymmetry from them; a cadence only where the contacts and
    # the hip's own rhythm agree, never at high confidence, and then the counted one
    # (96.7 steps/min, two-pass labels in tests/data/real)
    cad = res["metrics"]["cadence_spm"]
    assert cad["value"] is None or (cad["confidence"] != "high" and cad["value"] == pytest.approx(96.7, rel=0.02))
    assert res["metrics"]["step_time_asymmetry_pct"]["value"] is None


def test_real_rear_view_is_frontal(model_path):
    res = analyze_video(shared_video("outdoor_rear_run_overlay.mp4"), lang="en", model=model_path)
    assert res["view"]["plane"] == "frontal" and res["view"]["facing"] == "away"
    assert res["metrics"]["knee_flexion_ic_deg"]["value"] is None  # needs a side view


def test_real_rear_view_curves_have_no_spikes_while_the_pose_settles(model_path):
    """The rear clip's first 0.6 s read a knee FPPA of 160° and a hip line at 89° (the legs not found yet): the
    chart shows a gap there, and the rest of the clip as measured (99 % of it within ±30°); the right knee settles by 1 s."""
    from formcheck.pipeline import analyze

    a = analyze(shared_video("outdoor_rear_run_overlay.mp4"), lang="en", model=model_path)
    t = a.clean.t
    for key in ("knee_fppa_left", "knee_fppa_right", "pelvis_tilt"):
        v = np.asarray(a.curves[key], float)
        assert np.nanmax(np.abs(v)) <= 45.0, key
        later = v[t >= 1.0]
        assert np.isfinite(later).mean() > 0.9, key  # the gap is the unsettled start, not the clip


def test_real_runner_leaving_the_frame_gives_no_garbage_cadence(model_path):
    res = analyze_video(shared_video("outdoor_side_run_overlay.mp4"), lang="en", model=model_path)
    cad = res["metrics"]["cadence_spm"]["value"]
    assert cad is None or 120 <= cad <= 240
    assert not res["quality"]["ok"] and res["cues"] == []
    # three irregular steps per side before the runner leaves: nothing to report
    for name, mm in res["metrics"].items():
        assert mm["value"] is None and mm["reason"], f"{name} = {mm['value']}"
    # ... not even a foot-strike class, and the runner is not called a walker: the
    # hip rises and falls about 170 times a minute whatever those contacts say
    assert res["foot_strike"] == {"left": None, "right": None}
    near = res["analysis"]["near_side"]
    assert res["foot_strike_reasons"][near]["code"] in ("irregular", "few_steps")
    assert res["view"]["gait"] == "run" and "walking" not in {w["code"] for w in res["quality"]["warnings"]}
    assert 150 < res["analysis"]["view_evidence"]["hip_cadence_spm"] < 190


def test_cli_prints_a_readable_summary_or_the_csv():
    sample = ROOT / "sample_videos" / "synthetic_treadmill_right.mp4"
    text = subprocess.run([sys.executable, "-m", "formcheck", "analyze", str(sample), "--lang", "de"],
                          capture_output=True, text=True)
    assert text.returncode == 0, text.stderr
    assert "Schrittfrequenz" in text.stdout and "Schritte/min" in text.stdout and "Deine Hinweise" in text.stdout
    csv = subprocess.run([sys.executable, "-m", "formcheck", "analyze", str(sample), "--format", "csv"],
                         capture_output=True, text=True)
    assert csv.returncode == 0, csv.stderr
    head, *rows = csv.stdout.splitlines()
    assert head.startswith("side,ic_s,to_s,next_ic_s,") and len(rows) >= 20


def test_cli_summary_of_the_too_short_clip_prints_the_warning_and_exits_zero():
    """A 1.6 s clip is a recording problem, not an error: the summary says so in words
    (the catalog's too-few-steps sentence), lists no metric value and no cue, exits 0."""
    clip = shared_video("outdoor_side_run_short.mp4")
    r = subprocess.run([sys.executable, "-m", "formcheck", "analyze", str(clip), "--lang", "de"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip() == "" or "Traceback" not in r.stderr
    import re
    assert re.search(r"^  - Zu wenige Schritte: \d links und \d rechts gemessen", r.stdout, re.M), r.stdout
    assert "Die Aufnahme ist für die Auswertung geeignet." not in r.stdout
    cadence = next(line for line in r.stdout.splitlines() if line.startswith("Schrittfrequenz"))
    assert "Schritte/min" not in cadence, cadence  # no number with its unit, only why it is absent
    assert "1. " not in r.stdout.split("Hinweise")[-1]  # no numbered cue after the cue heading
