"""Events, metrics and view on exact landmarks of the synthetic runner (no pose model).

Notes
-----
The contact detector is built for MediaPipe's feet: on exact landmarks its
initial contacts come a quarter to two thirds of a frame early (the synthetic
foot arrives moving over the ground at the body's speed and takes up the
ground's speed within the frame of contact; the ground-speed match places the
zero crossing between frames).
The tolerances below state that; the MediaPipe-side accuracy is measured by
``benchmarks/accuracy.py`` and the integration tests.
"""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.engine.clean import clean
from formcheck.engine.events import alternating, detect_events
from formcheck.pipeline import run_engine
from formcheck.i18n import render
from tests.oracle import oracle_info, oracle_series


def _ic_errors_frames(truth, events, side, fps):
    true_ic = np.asarray(truth["events"][side]["ic_s"])
    return np.array([(t - true_ic[np.argmin(np.abs(true_ic - t))]) * fps for t in events.ic_s[side]])


def test_alternating_keeps_far_contacts_near_mid_stride():
    near = np.array([0.0, 0.7, 1.4, 2.1])
    far = np.array([0.35, 0.72, 1.05, 1.12, 1.8])
    # 0.72 sits on a near contact; 1.12 is a second far contact in one near stride
    np.testing.assert_array_equal(alternating(near, far), [True, False, True, False, True])


def test_contacts_and_cadence_of_an_exact_runner(oracle_truth_right):
    truth = oracle_truth_right
    cl = clean(oracle_series(truth))
    ev = detect_events(cl)
    fps = truth["video"]["fps"]
    for side in ("left", "right"):
        t_end = truth["frames"]["t_s"][-1]
        inside = [t for t in truth["events"][side]["ic_s"] if 0.1 < t < t_end - 0.1]  # contact seen whole
        assert len(ev.ic_s[side]) >= len(inside)
        err = _ic_errors_frames(truth, ev, side, fps)
        assert np.all(np.abs(err) <= 3.0), err
    assert ev.cadence_spm == pytest.approx(truth["metrics"]["cadence_spm"], rel=0.01)
    assert ev.cadence_events_spm == pytest.approx(truth["metrics"]["cadence_spm"], rel=0.01)


@pytest.fixture(scope="module")
def exact_right(oracle_truth_right):
    return oracle_truth_right, run_engine(oracle_series(oracle_truth_right), oracle_info(oracle_truth_right), lang="en")


@pytest.mark.parametrize("name, tol", [
    ("knee_flexion_ic_deg", 4.0), ("knee_flexion_peak_stance_deg", 2.0), ("trunk_lean_deg", 0.5),
    ("shank_angle_ic_deg", 2.0), ("hip_extension_to_deg", 2.0), ("foot_strike_angle_ic_deg", 1.0),
])
def test_angles_of_an_exact_runner(exact_right, name, tol):
    truth, res = exact_right
    m = res["metrics"][name]
    assert m["value"] == pytest.approx(truth["metrics"][name], abs=tol)
    assert m["unit"] == "deg" and m["n"] >= 7


def test_view_and_strike_of_an_exact_runner(exact_right):
    truth, res = exact_right
    assert res["view"] == truth["view"]
    near = truth["near_side"]
    far = "left" if near == "right" else "right"
    assert res["analysis"]["near_side"] == near
    assert res["foot_strike"][near] == truth["foot_strike"][near]
    # the far foot's strike is not read from a side view, and says why
    assert res["foot_strike"][far] is None and res["foot_strike_reasons"][near] is None
    assert res["foot_strike_reasons"][far]["code"] == "far_foot_strike"
    assert res["metrics"]["foot_strike_angle_ic_deg"][far] is None
    # 14° is 6.6° above the rearfoot cut-off: a sure class
    assert res["foot_strike_uncertain"] == {"left": False, "right": False}
    assert res["metrics"]["foot_strike_angle_ic_deg"][near] == res["metrics"]["foot_strike_angle_ic_deg"]["value"]
    assert res["quality"]["ok"] and res["quality"]["warnings"] == []


def test_far_foot_strike_angle_is_dropped_and_never_stands_in_for_the_near_one():
    from formcheck.engine.metrics import MetricSummary, drop_far_foot_strike

    def strike(source, value=12.0, left=12.0, right=-7.0):
        return {"foot_strike_angle_ic_deg": MetricSummary(
            name="foot_strike_angle_ic_deg", unit="deg", value=value, left=left, right=right, sd=2.0, n=9,
            n_left=9, n_right=8, source=source, confidence="high"),
            "knee_flexion_ic_deg": MetricSummary(name="knee_flexion_ic_deg", unit="deg", value=20.0, left=20.0,
                                                 right=26.0, sd=1.0, n=9, n_left=9, n_right=8, source="left",
                                                 confidence="high")}

    summ = strike("left")
    out = drop_far_foot_strike(summ, "right")
    m = out["foot_strike_angle_ic_deg"]
    assert (m.value, m.left, m.right, m.confidence) == (12.0, 12.0, None, "high")
    assert out["knee_flexion_ic_deg"] is summ["knee_flexion_ic_deg"]  # other far-leg values are kept
    assert summ["foot_strike_angle_ic_deg"].right == -7.0  # the input is not changed
    # the near foot was not measurable, so the value came from the far foot: null with the reason
    far_only = drop_far_foot_strike(strike("right", value=-7.0, left=None), "right")["foot_strike_angle_ic_deg"]
    assert far_only.value is None and far_only.right is None
    assert far_only.reason.code == "far_foot_strike" and far_only.reason.params == {"side": "right"}
    from formcheck.i18n import reason_text
    assert reason_text("far_foot_strike", {"side": "right"}, "de").startswith("das Aufsetzen des rechten Fußes")


def test_backward_runner_is_recognised_and_gets_no_forward_cues(oracle_truth_left_backward):
    truth = oracle_truth_left_backward
    res = run_engine(oracle_series(truth), oracle_info(truth), lang="de")
    assert res["view"] == {**truth["view"], "direction": "backward"}
    assert res["metrics"]["cadence_spm"]["value"] == pytest.approx(160, rel=0.01)
    # contact starts at the toes: read as the share of contacts toes first (gaits.md §2), no strike class
    near = truth["near_side"]
    toe = res["metrics"]["toe_first_contact_pct"]
    assert truth["metrics"][f"toe_first_contact_pct__{near}"] == 100.0
    assert toe["value"] == 100.0 and toe[near] == 100.0 and toe["n"] >= 7 and toe["confidence"] == "low"
    assert res["foot_strike"] == {"left": None, "right": None}
    assert res["foot_strike_reasons"][near]["code"] == "backward_strike_class"
    assert all(c["id"] not in ("overstride_cadence", "land_under_body", "soft_knee") for c in res["cues"])
    # no running norms applied to backward running
    assert all(m.get("flag") is None for m in res["metrics"].values())
    # forward-running measures are switched off backward (gaits.md) ...
    for name in ("shank_angle_ic_deg", "heel_ahead_of_hip_ic_pct_leg", "hip_extension_to_deg",
                 "hip_extension_trunk_to_deg"):  # hip extension at toe-off against the vertical and the trunk
        m = res["metrics"][name]
        assert m["value"] is None and m["reason_code"] == "backward_not_defined", name
        assert "backward" in m["reason"]  # the JSON's reason text is English; the catalog gives the German
    # ... the knee at the toe-first contact, timed from the knee, is right, at low confidence
    knee = res["metrics"]["knee_flexion_ic_deg"]
    assert knee["value"] == pytest.approx(truth["metrics"]["knee_flexion_ic_deg"], abs=2.0)
    for name in ("knee_flexion_ic_deg", "contact_time_ms", "foot_strike_angle_ic_deg"):
        m = res["metrics"][name]
        assert m["value"] is not None and m["confidence"] == "low", name
        assert "backward_timing" in [c["code"] for c in m["confidence_reason_codes"]]
    assert res["metrics"]["knee_flexion_peak_stance_deg"]["confidence"] != "low"
    # contacts within a frame of the truth (the foot signal alone found them 4-6 frames late)
    near, fps = truth["near_side"], truth["video"]["fps"]
    found = np.array(res["events"][near]["ic_s"])
    errs = [(found[np.argmin(np.abs(found - t))] - t) * fps for t in truth["events"][near]["ic_s"][1:-1]]
    assert abs(float(np.median(errs))) <= 1.0, errs


def test_backward_running_nulls_only_what_has_no_meaning_backward():
    """Hand-built summaries: four null with the reason, five at low confidence, the rest untouched."""
    from formcheck.engine.metrics import BACKWARD_DOUBTFUL, BACKWARD_UNMEASURABLE, MetricSummary, distrust_backward

    def summary(name, value):
        return MetricSummary(name=name, unit="x", value=value, left=value, right=value, sd=1.0, n=12, n_left=6,
                             n_right=6, source="both", confidence="high")

    names = list(BACKWARD_UNMEASURABLE) + list(BACKWARD_DOUBTFUL) + ["trunk_lean_deg", "cadence_spm"]
    summ = {n: summary(n, 10.0) for n in names}
    summ["flight_time_ms"] = summary("flight_time_ms", None)  # already null: stays as it was
    out = distrust_backward(summ)
    for n in BACKWARD_UNMEASURABLE:
        assert out[n].value is None and out[n].left is None and out[n].sd is None
        assert out[n].reason.code == "backward_not_defined" and out[n].confidence == "low"
    for n in ("knee_flexion_ic_deg", "contact_time_ms", "duty_factor_pct"):
        assert out[n].value == 10.0 and out[n].confidence == "low"
        assert [r.code for r in out[n].confidence_reasons] == ["backward_timing"]
    assert out["flight_time_ms"] is summ["flight_time_ms"]
    for n in ("trunk_lean_deg", "cadence_spm"):
        assert out[n] is summ[n]
    assert summ["shank_angle_ic_deg"].value == 10.0  # the input is not changed


def test_backward_contact_is_the_knees_straightest_point_near_the_foot_signal():
    """Hand-made knee curve at 60 fps: swing flexion, straightest at sample 40.3, stance loading after."""
    from formcheck.engine.events import backward_contact

    fps = 60.0
    i = np.arange(120, dtype=float)
    knee = 14.0 + 0.05 * (i - 40.3) ** 2  # a parabola: straightest (14°) at 40.3
    knee[i < 25] = 90.0  # the swing's flexion, far from the window
    # the foot signal's contact 5 frames late (the toe hovers until the heel lands) or 4 early (hidden far foot)
    assert backward_contact(knee, 45.3, fps) == pytest.approx(40.3, abs=0.05)
    assert backward_contact(knee, 36.3, fps) == pytest.approx(40.3, abs=0.05)
    # no extension peak inside the window (the smallest value at its edge): the foot signal's time stays
    ramp = np.linspace(10.0, 70.0, 120)
    assert backward_contact(ramp, 60.0, fps) == 60.0
    # a gap in the window: the foot signal's time stays
    gap = knee.copy()
    gap[38] = np.nan
    assert backward_contact(gap, 45.3, fps) == 45.3


def test_overground_120fps_runner(oracle_truth_overground):
    truth = oracle_truth_overground
    res = run_engine(oracle_series(truth), oracle_info(truth), lang="en")
    assert res["view"] == truth["view"]
    assert res["metrics"]["cadence_spm"]["value"] == pytest.approx(176, rel=0.01)
    assert res["metrics"]["trunk_lean_deg"]["value"] == pytest.approx(truth["metrics"]["trunk_lean_deg"], abs=0.5)


def test_one_step_gives_no_invented_statistics(oracle_truth_right):
    """Cut to about one stride: a too-few-steps warning and null values with a reason."""
    truth = oracle_truth_right
    series = oracle_series(truth)
    keep = slice(0, int(0.9 * truth["video"]["fps"]))
    short = type(series)(t=series.t[keep], image=series.image[keep], world=series.world[keep],
                         width=series.width, height=series.height, n_people=series.n_people[keep])
    res = run_engine(short, oracle_info(truth), lang="en")
    codes = {w["code"] for w in res["quality"]["warnings"]}
    assert codes & {"too_few_steps", "no_strides"} and not res["quality"]["ok"]
    for name in ("cadence_spm", "knee_flexion_ic_deg", "contact_time_ms", "trunk_lean_deg"):
        m = res["metrics"][name]
        assert m["value"] is None and m["reason"], name
    assert res["cues"] == []


def test_foot_strike_angle_is_measured_against_the_flat_foot(oracle_truth_right):
    """A landmark offset on the toes (as the pose model has on a flat foot) does not move the strike angle.

    Moving the toe landmark 1.5 px down in every frame tilts a flat foot toes-down
    by atan(1.5 / foot length), 2.7° for this 640×360 runner's 31 px foot. Measured
    against the foot flat in mid-stance, the angle at contact stays the truth's.
    """
    from formcheck.io.pose import LM

    truth = oracle_truth_right
    series = oracle_series(truth)
    near = truth["near_side"]
    heel = np.asarray(truth["frames"]["joints_px"][near]["heel"])
    toe = np.asarray(truth["frames"]["joints_px"][near]["toe"])
    foot_px = float(np.median(np.linalg.norm(toe - heel, axis=1)))
    tilt = np.degrees(np.arctan(1.5 / foot_px))
    assert tilt > 2.0  # the offset alone would move the angle by more than the tolerance below
    series.image[:, LM[f"{near}_foot_index"], 1] += 1.5
    res = run_engine(series, oracle_info(truth), lang="en")
    assert res["metrics"]["foot_strike_angle_ic_deg"]["value"] == pytest.approx(
        truth["metrics"]["foot_strike_angle_ic_deg"], abs=1.0)
    assert res["foot_strike"][near] == truth["foot_strike"][near]



def test_initial_contact_is_where_the_landing_point_reaches_its_own_rest_level():
    """Heel resting 0.02 leg lengths above the toe; the heel lands at sample 10.5.

    Heights relative to each point's own rest level: the heel comes down at
    0.01 per sample and reaches its rest level at 10.5, so with a stance band of
    0.04 (crossing at a quarter of it, 0.01) the refined contact is 9.5.
    """
    from formcheck.engine.events import IC_CROSS_FRACTION, FootSignal, _refine_ic_rest, rest_relative_points

    i = np.arange(40, dtype=float)
    heel = 0.02 + np.where(i < 10.5, 0.01 * (10.5 - i), 0.0)
    heel[30:] = 0.02 + 0.02 * (i[30:] - 29)  # heel lifts at the end of the contact
    toe = np.where(i < 12, 0.05, 0.0)
    toe[33:] = 0.03 * (i[33:] - 32)
    sig = FootSignal(h=np.fmin(heel, toe), contact=(i >= 11) & (i <= 33), threshold=0.04,
                     points={"heel": heel, "toe": toe})
    rel = rest_relative_points(sig, [(11, 33)])
    h_rel = np.fmin(rel["heel"], rel["toe"])
    np.testing.assert_allclose(h_rel[15:25], 0.0)  # both points at their own rest level in mid-stance
    assert IC_CROSS_FRACTION == 0.25
    assert _refine_ic_rest(h_rel, 11, 0.04, fps=60.0) == pytest.approx(9.5)


def _heel_landing(stop: float = 10.4, plateau: float = 0.03):
    """Heel (rest-relative, leg lengths) coming down 0.05 per sample, stopping dead
    at ``stop`` on a plateau ``plateau`` above its mid-stance level, flat from
    sample 14 together with the toes (0.08 up before)."""
    i = np.arange(30, dtype=float)
    heel = plateau + 0.05 * np.clip(stop - i, 0.0, None)
    heel[14:] = 0.0
    toe = np.where(i < 14, 0.08, 0.0)
    return heel, toe


def test_landing_kink_is_where_the_heel_stops_not_where_it_settles():
    """The heel stops at 10.4 but sits 0.03 above its stance level until sample 14.

    Descent speed (placed between samples): 0.05 up to 9.5, 0.02 at 10.5
    (0.4 of a sample still moving), 0 at 11.5. A fifth of the peak, 0.01, is
    passed half-way between 10.5 and 11.5: 11.0. The stance-level crossing (a
    quarter of a 0.04 band, 0.01 above the level) comes only as the foot
    settles, between 13 (0.03) and 14 (0): 13 + 0.02 / 0.03 -- nearly three
    frames later.
    """
    from formcheck.engine.events import KINK_FRACTION, _refine_ic_rest, landing_kink

    heel, toe = _heel_landing()
    assert KINK_FRACTION == 0.2
    assert landing_kink(heel, toe, 14, fps=30.0) == pytest.approx(11.0)
    assert _refine_ic_rest(np.fmin(heel, toe), 14, 0.04, fps=30.0) == pytest.approx(13 + 2 / 3)
    # the detector's start can lie anywhere after the landing within the window
    assert landing_kink(heel, toe, 12, fps=30.0) == pytest.approx(11.0)


def test_landing_kink_leaves_toe_first_and_high_stops_to_the_level_crossing():
    from formcheck.engine.events import KINK_MAX_HEIGHT, landing_kink

    heel, toe = _heel_landing()
    # toes already down when the heel stops: a toe-first (forefoot, backward) landing
    assert landing_kink(heel, np.zeros_like(toe), 14, fps=30.0) is None
    # a stop well above the stance level, then a slow descent, is no landing
    # (a foot pausing in the air): the level crossing times that contact
    high, _ = _heel_landing(plateau=KINK_MAX_HEIGHT + 0.05)
    high[12:20] = np.linspace(KINK_MAX_HEIGHT + 0.05, 0.0, 8)
    high[20:] = 0.0
    assert landing_kink(high, toe, 14, fps=30.0) is None
    # a gap in the heel track
    gap = heel.copy()
    gap[11] = np.nan
    assert landing_kink(gap, toe, 14, fps=30.0) is None


def test_irregular_steps_are_judged_against_the_hips_rhythm():
    """Four 'steps' of 217-261 ms (as a runner crossing a wide frame gave) while the
    hip rises and falls 169 times a minute (355 ms): all four are more than 25 %
    off the hip's step time, only one is off their own median; a hip rhythm of
    79/min (the stride, not the step, frequency) is not used."""
    from formcheck.engine.metrics import HIP_RHYTHM_SPM, irregular_step_share

    steps = [0.217, 0.261, 0.160, 0.240]
    strides = _strides(steps)
    assert irregular_step_share(strides) == pytest.approx(0.25)
    assert irregular_step_share(strides, hip_cadence_spm=169.0) == pytest.approx(1.0)
    assert not HIP_RHYTHM_SPM[0] <= 79.0 <= HIP_RHYTHM_SPM[1]
    assert irregular_step_share(strides, hip_cadence_spm=79.0) == pytest.approx(0.25)
    # a steady runner is regular against either reference
    steady = _strides([0.355] * 12)
    assert irregular_step_share(steady, "left", hip_cadence_spm=169.0) == 0.0
    assert irregular_step_share(steady, "left") == 0.0


def test_contact_needs_80_ms_and_hysteresis_keeps_it():
    """At 30 fps: a 2-sample dip (67 ms) is pose noise, a 3-sample one (100 ms) a contact.

    Threshold 0.04, exit level 0.06: the long contact's wobble to 0.05 stays in
    contact (hysteresis), the NaN ends it.
    """
    from formcheck.engine.events import EXIT_MARGIN, contact_mask

    assert EXIT_MARGIN == 0.02
    h = np.full(30, 0.3)
    h[3:5] = 0.0            # 2 samples: dropped
    h[10:13] = 0.0          # 3 samples: kept
    h[18:26] = 0.0          # long contact ...
    h[21] = 0.05            # ... wobbling inside the hysteresis band
    h[25] = np.nan          # ... ended by a lost foot
    got = np.flatnonzero(contact_mask(h, 0.04, fps=30.0))
    np.testing.assert_array_equal(got, [10, 11, 12, 18, 19, 20, 21, 22, 23, 24])
    # at 60 fps 80 ms are 5 samples: the 3-sample dip is no longer a contact
    got60 = np.flatnonzero(contact_mask(h, 0.04, fps=60.0))
    np.testing.assert_array_equal(got60, [18, 19, 20, 21, 22, 23, 24])


def _strides(step_s: list[float], knee: float = 20.0):
    """Alternating left/right contacts at the given step times (s), 0.25 s stance each."""
    from formcheck.engine.metrics import Stride

    t = np.r_[0.0, np.cumsum(step_s)]
    out = []
    for k, ic in enumerate(t):
        side = "left" if k % 2 == 0 else "right"
        nxt = float(t[k + 2]) if k + 2 < len(t) else None
        st = 1000.0 * (ic - t[k - 1]) if k else np.nan
        out.append(Stride(side=side, ic_s=float(ic), to_s=float(ic) + 0.25, next_ic_s=nxt,
                          values={"knee_flexion_ic_deg": knee, "step_time_ms": st}))
    return out


def test_few_steps_with_disagreeing_cadences_give_no_cadence():
    """3 left / 3 right steps, contacts and hip motion disagree: no cadence, a reason; 8/8 steps: the value, noted."""
    from formcheck.engine.metrics import summarise

    from formcheck.contract import reason

    note = reason("cadence_disagree", ev=180.0, sp=170.0)
    few = summarise(_strides([1 / 3] * 5), ["cadence_spm"], near_side="left", fps=60.0,
                    cadence_spm=170.0, cadence_note=note)["cadence_spm"]
    assert few.value is None and "3 left / 3 right" in render(few.reason, "en")
    many = summarise(_strides([1 / 3] * 15), ["cadence_spm"], near_side="left", fps=60.0,
                     cadence_spm=170.0, cadence_note=note)["cadence_spm"]
    assert many.value == 170.0 and note in many.confidence_reasons
    agree = summarise(_strides([1 / 3] * 5), ["cadence_spm"], near_side="left", fps=60.0,
                      cadence_spm=180.0)["cadence_spm"]
    assert agree.value == 180.0  # few steps alone still give a (low-confidence) cadence


def test_step_time_asymmetry_needs_three_steps_per_side():
    """Step times 300/400 ms: |300-400| / 350 = 28.6 % from 3/3 steps; null from 1/2 (the first contact has none)."""
    from formcheck.engine.metrics import summarise

    three = summarise(_strides([0.3, 0.4] * 3), ["step_time_asymmetry_pct"], near_side="left", fps=60.0,
                      cadence_spm=171.4, side_view=False)["step_time_asymmetry_pct"]
    assert three.value == pytest.approx(28.6, abs=0.05) and (three.n_left, three.n_right) == (3, 3)
    two = summarise(_strides([0.3, 0.4, 0.3]), ["step_time_asymmetry_pct"], near_side="left", fps=60.0,
                    cadence_spm=171.4)["step_time_asymmetry_pct"]
    assert two.value is None and "1 left / 2 right" in render(two.reason, "en")


def test_irregular_steps_null_angles_only_when_few():
    """Irregular timing nulls timing metrics; angles stay (low confidence) from 7+ steps, are null from fewer."""
    from formcheck.engine.metrics import distrust_irregular, summarise

    for steps, kept in (([0.33] * 15, True), ([0.33] * 5, False)):
        summ = summarise(_strides(steps), ["knee_flexion_ic_deg", "cadence_spm"], near_side="left", fps=60.0,
                         cadence_spm=180.0)
        out = distrust_irregular(summ, 0.5)
        assert out["cadence_spm"].value is None
        knee = out["knee_flexion_ic_deg"]
        assert (knee.value == 20.0 and knee.confidence == "low") if kept else (knee.value is None and knee.reason)


def test_step_time_asymmetry_is_checked_against_the_hip_motion():
    """Contacts say 28.6 % (300/400 ms steps): a hip value 2 points off leaves it
    as it is, 8 points off makes it low-confidence, 24 points off makes it null."""
    from formcheck.engine.metrics import summarise

    def asym(hip, side_view=False):
        return summarise(_strides([0.3, 0.4] * 4), ["step_time_asymmetry_pct"], near_side="left", fps=60.0,
                         cadence_spm=171.4, hip_asymmetry_pct=hip, side_view=side_view)["step_time_asymmetry_pct"]

    alone = asym(None)
    assert alone.value == pytest.approx(28.6, abs=0.05) and alone.confidence == "medium"  # 4 steps per side
    kept = asym(26.6)
    assert kept.value == alone.value and kept.confidence == "medium"
    low = asym(20.6)
    assert low.value == pytest.approx(28.6, abs=0.05) and low.confidence == "low"
    gone = asym(4.6)
    assert gone.value is None and "29 %" in render(gone.reason, "en") and "5 %" in render(gone.reason, "en")
    # in a side view the far foot's timing adds a reason: 4 steps per side and that make it low
    side = asym(26.6, side_view=True)
    assert side.value == alone.value and side.confidence == "low"
    assert any("far foot" in render(r, "en") for r in side.confidence_reasons)


def test_hip_asymmetry_ignores_a_late_far_foot(oracle_truth_right):
    """The exact runner steps evenly (truth 0 %); timing the far foot's contacts
    2 frames late makes the contacts' asymmetry about 2 x 2/60 s / 0.36 s = 18 %,
    while the hip-based value (which uses the contacts only as labels) stays put."""
    from dataclasses import replace

    from formcheck.engine.events import hip_step_asymmetry

    truth = oracle_truth_right
    cl = clean(oracle_series(truth))
    ev = detect_events(cl)
    fps = truth["video"]["fps"]
    base = hip_step_asymmetry(cl, ev.ic_s)
    assert base is not None and base < 3.0
    late = {**ev.ic_s, cl.far_side: ev.ic_s[cl.far_side] + 2.0 / fps}
    assert hip_step_asymmetry(cl, late) == pytest.approx(base, abs=0.01)

    def contact_asym(ic):
        steps = sorted((t, s) for s in ("left", "right") for t in ic[s])
        d = {s: [] for s in ("left", "right")}
        for (t0, s0), (t1, s1) in zip(steps, steps[1:]):
            if s0 != s1:
                d[s1].append(t1 - t0)
        left, right = np.median(d["left"]), np.median(d["right"])
        return 100 * abs(left - right) / (0.5 * (left + right))

    assert contact_asym(late) - contact_asym(ev.ic_s) > 12.0
    assert replace(ev, hip_asymmetry_pct=None).hip_asymmetry_pct is None  # plain dataclass field


@pytest.mark.parametrize("hip_mid, duty, double, cadence, hip_cadence, walking", [
    (-0.5, 55.0, 0.2, 98.0, 97.6, True),     # the real walker
    (0.8, 36.0, 0.0, 170.0, 170.0, False),   # a runner
    (0.8, 36.0, 0.0, 125.0, 125.0, True),    # 110-140 steps/min is walking
    (0.8, 62.0, 0.0, 160.0, None, True),     # duty factor of 60 % or more
    (None, 51.0, 0.0, None, None, True),     # no hip evidence: duty factor of 50 % or more
    (None, 46.0, 0.1, None, None, True),     # ... or 45 % with double support
    (None, 46.0, 0.0, None, None, False),
    # contacts of a runner crossing the frame in 3 s: the hip looks highest at
    # "midstance" and the contacts' cadence is 325, but the hip's own rhythm is 169
    (-0.41, 25.0, 0.03, 288.0, 168.8, False),
    (-0.5, 55.0, 0.2, 98.0, 151.0, False),   # above WALK_MAX_SPM nobody walks
    # the flip-flop walker: poor contacts put the hip low at "midstance", but both
    # feet are down in 13 % of the frames, which no runner does
    (0.34, None, 0.128, None, 106.7, True),
    (0.34, None, 0.07, None, 106.7, False),
])
def test_run_or_walk_from_the_evidence(hip_mid, duty, double, cadence, hip_cadence, walking):
    from formcheck.engine.view import WALK_MAX_SPM, is_walking

    assert WALK_MAX_SPM == 150.0
    from formcheck.engine.view import DOUBLE_SUPPORT_WALK
    assert DOUBLE_SUPPORT_WALK == 0.08
    assert is_walking(hip_mid, duty, double, cadence, hip_cadence) is walking


def _belt_landing(belt=-0.1, n=30, stop=10.5):
    """A foot on a treadmill: it swings forward, decelerates and takes up the belt's speed.

    Velocity between samples j and j + 1 (placed at j + 0.5), leg lengths per
    sample: +0.3 up to 6.5, then falling linearly by 0.1 per sample to the belt's
    -0.1 at ``stop`` (10.5), then the belt's speed; contacts at 11-20 and 25-29
    give the ground's velocity from their middle thirds.
    """
    v = np.full(n - 1, belt)
    j = np.arange(n - 1) + 0.5
    v[j <= 6.5] = 0.3
    ramp = (j > 6.5) & (j < stop)
    v[ramp] = 0.3 - 0.1 * (j[ramp] - 6.5)
    x = np.r_[0.0, np.cumsum(v)]
    return x, [(11, 20), (25, 29)]


def test_ground_velocity_is_the_stance_foot_velocity():
    from formcheck.engine.events import ground_velocity

    x, runs = _belt_landing()
    assert ground_velocity(x, runs) == pytest.approx(np.full(len(x), -0.1))
    # a static camera: the stance foot stands still
    assert ground_velocity(np.r_[np.arange(10.0), np.full(10, 9.0)], [(11, 19)]) == pytest.approx(np.zeros(20))
    assert ground_velocity(x, [(3, 5)]) is None  # no contact of four samples


def test_ground_speed_match_is_where_the_foot_moves_with_the_belt():
    """Relative to the belt the foot approaches at 0.4 per sample and slows by 0.1 per
    sample from 6.5 on: the relative velocity is 0.1 at 9.5 and 0 at 10.5, so the
    zero crossing is 10.5 -- whatever the height detector's start (11, or 13)."""
    from formcheck.engine.events import ground_speed_match, ground_velocity

    x, runs = _belt_landing()
    vg = ground_velocity(x, runs)
    assert ground_speed_match(x, vg, 11, fps=30.0) == pytest.approx(10.5)
    assert ground_speed_match(x, vg, 13, fps=30.0) == pytest.approx(10.5)
    # the same landing seen by a camera panning with the runner: everything shifts by -0.05 per sample
    pan = x - 0.05 * np.arange(len(x))
    assert ground_speed_match(pan, ground_velocity(pan, runs), 11, fps=30.0) == pytest.approx(10.5)


def test_ground_speed_match_skips_a_noisy_sample_and_refuses_what_it_cannot_time():
    from formcheck.engine.events import MIN_APPROACH_SPEED, ground_speed_match, ground_velocity

    x, runs = _belt_landing()
    vg = ground_velocity(x, runs)
    noisy = x.copy()
    noisy[9:] -= 0.35  # the velocity at 8.5 jumps back by 0.35 (relative -0.15), at 9.5 forward (+0.45)
    noisy[10:] += 0.35
    assert ground_speed_match(noisy, vg, 11, fps=30.0) == pytest.approx(10.5)
    gap = x.copy()
    gap[9] = np.nan
    assert ground_speed_match(gap, vg, 11, fps=30.0) is None
    # a foot that barely moves relative to the ground has no approach to time
    step = 0.5 * MIN_APPROACH_SPEED / 30.0  # half the least approach speed, per sample
    slow = np.r_[step * np.arange(10), np.full(10, step * 9)]
    assert ground_speed_match(slow, np.zeros_like(slow), 11, fps=30.0) is None
    assert ground_speed_match(slow * 4, np.zeros_like(slow), 11, fps=30.0) == pytest.approx(9.5)


def test_a_foot_landing_at_a_steady_speed_is_timed_inside_its_last_interval():
    """Relative to a static ground the heel moves 0.2 per sample until it stops at 10.3 (a falling landing that
    arrives at full speed): displacements ..., 0.2, 0.2, 0.06, 0, ... The zero crossing between the last moving
    and the first still velocity (at 10.5 and 11.5) says 11.5, 1.2 samples late; the steady approach says 10.3."""
    from formcheck.engine.events import ground_speed_match

    t_stop = 10.3
    i = np.arange(24, dtype=float)
    x = 0.2 * np.minimum(i, t_stop)
    assert ground_speed_match(x, np.zeros(24), 12, fps=60.0) == pytest.approx(t_stop, abs=1e-9)


@pytest.mark.parametrize("d0, d1, d2, tau", [
    (0.2, 0.2, 0.1, 0.5),        # steady: half the interval at the same speed
    (0.2, 0.2, 0.0, 0.0),        # stopped right at the frame
    (0.21, 0.2, 0.05, None),     # braking by 5 % ... still steady: solved at that deceleration
    (0.3, 0.2, 0.05, None),      # braking by a third: unevenly for all we know, the interpolation stays
    (0.2, 0.2, 0.25, None),      # moved more than a whole interval at that speed: not a stop in it
    (-0.1, 0.2, 0.05, None),     # not an approach
])
def test_stop_in_interval(d0, d1, d2, tau):
    from formcheck.engine.events import stop_in_interval

    got = stop_in_interval(d0, d1, d2)
    if (d0, d1, d2) == (0.21, 0.2, 0.05):
        # a = -0.01 per frame², v = 0.195 at the interval's start: 0.195 t - 0.005 t² = 0.05
        assert got == pytest.approx((0.195 - np.sqrt(0.195 ** 2 - 4 * 0.005 * 0.05)) / (2 * 0.005))
    elif tau is None:
        assert got is None
    else:
        assert got == pytest.approx(tau)


def test_toe_first_share_counts_contacts_below_the_forefoot_cut_off():
    """Hand-made contacts: the share is per contact (not the median's class), over the angle's legs only."""
    from dataclasses import replace

    from formcheck.engine.metrics import MetricSummary, Stride, toe_first_share

    angles = {"left": [-30.0, -12.0, -0.9, -0.7, 5.0], "right": [-20.0, -20.0, -20.0]}  # -0.8° is the cut-off
    strides = [Stride(side, float(i), i + 0.2, None, {"foot_strike_angle_ic_deg": a})
               for side, vals in angles.items() for i, a in enumerate(vals)]
    strides.append(Stride("left", 9.0, 9.2, None, {"foot_strike_angle_ic_deg": float("nan")}))  # not read: not counted
    near_only = MetricSummary("foot_strike_angle_ic_deg", "deg", -0.9, -0.9, None, 9.0, 5, 5, 3, "left", "low",
                              ["why"])
    out = toe_first_share(strides, near_only)
    assert (out.name, out.unit, out.value, out.left, out.right, out.sd) == ("toe_first_contact_pct", "%", 60.0, 60.0,
                                                                            None, None)  # 3 of 5 left contacts
    assert (out.n, out.confidence, out.confidence_reasons, out.reason) == (5, "low", ["why"], None)
    both = toe_first_share(strides, replace(near_only, source="both", right=-20.0))
    assert (both.value, both.left, both.right) == (75.0, 60.0, 100.0)  # 6 of 8
    from formcheck.contract import reason
    gone = toe_first_share(strides, replace(near_only, value=None, left=None, reason=reason("few_steps", n=2)))
    assert gone.value is None and gone.reason.code == "few_steps"
