"""Norms, cue selection and the German/English texts (metrics.md sections 2-3)."""

from __future__ import annotations

import dataclasses

import pytest

from formcheck.contract import MetricResult
from formcheck.engine.cues import select_cues
from formcheck.i18n import render
from formcheck.engine.metrics import METRICS
from formcheck.engine.norms import NORMS, flag, strike_class
from formcheck.engine.registry import SPECS
from formcheck.i18n import CUES, METRIC_LABELS, UNITS, WARNINGS, text

RUN = {"plane": "sagittal", "facing": "right", "direction": "forward", "setting": "treadmill", "gait": "run"}


def m(value, flag_=None, confidence="high"):
    return MetricResult(value=value, unit="deg", left=None, right=None, sd=None, n=10, confidence=confidence, flag=flag_)


@pytest.mark.parametrize("angle, cls", [(17.7, "rearfoot"), (2.6, "midfoot"), (-7.9, "forefoot"),
                                        (7.5, "rearfoot"), (-1.0, "forefoot")])
def test_strike_class_uses_the_published_cut_points(angle, cls):
    assert strike_class(angle)[0] == cls


def test_foot_strike_by_side_takes_the_median_and_says_uncertain_near_a_cut_off():
    """Cut-offs −0.8° and 7.4°; a median within 2° of one is uncertain (metrics.md)."""
    from formcheck.engine.norms import foot_strike_by_side

    got = foot_strike_by_side({"left": [14.0, 16.0, 15.0, None, float("nan")],   # median 15.0: clear heel strike
                               "right": [6.0, 9.0, 6.5],                          # median 6.5: midfoot, 0.9° from 7.4
                               "x": [-5.0, -4.0]},                                # two steps: too few
                              min_steps=3)
    assert got == {"left": ("rearfoot", False), "right": ("midfoot", True), "x": (None, False)}
    assert foot_strike_by_side({"left": [1.1, 1.2, 1.3]}, 3) == {"left": ("midfoot", True)}   # 1.9° above −0.8
    assert foot_strike_by_side({"left": [1.3, 1.3, 1.3]}, 3) == {"left": ("midfoot", False)}  # 2.1° above


@pytest.mark.parametrize("name, value, expected", [
    ("shank_angle_ic_deg", 2.0, "ok"), ("shank_angle_ic_deg", 6.0, "watch"), ("shank_angle_ic_deg", 10.0, "flag"),
    ("knee_flexion_ic_deg", 8.0, "flag"), ("knee_flexion_ic_deg", 18.0, "ok"),
    ("trunk_lean_deg", 17.0, "flag"), ("trunk_lean_deg", 7.0, "ok"),
    ("knee_flexion_peak_stance_deg", 58.0, "flag"),
])
def test_flags(name, value, expected):
    assert flag(name, value) == expected


def test_low_cadence_is_flagged_only_with_overstriding():
    assert flag("cadence_spm", 158, overstride=False) == "ok"
    assert flag("cadence_spm", 158, overstride=True) == "flag"


def test_every_metric_has_a_norm_a_label_and_a_unit_in_both_languages():
    for name, (unit, _) in METRICS.items():
        # walking-only metrics have walking norms, or backward-walking ones (gaits.md §2)
        assert name in NORMS or SPECS[name].norm_walk is not None or SPECS[name].norm_back_walk is not None
        assert set(METRIC_LABELS[name]) == {"de", "en"}
        assert set(UNITS[unit]) == {"de", "en"}
    assert UNITS["steps/min"]["de"] == "Schritte/min"


def test_every_text_exists_in_german_and_english():
    for table in (CUES, WARNINGS):
        for key, langs in table.items():
            assert set(langs) == {"de", "en"}, key
            assert langs["de"] != langs["en"], key


def test_warning_text_formats_its_numbers():
    assert "3 left and 4 right" in text(WARNINGS, "too_few_steps", "en", left=3, right=4)
    assert "3 links und 4 rechts" in text(WARNINGS, "too_few_steps", "de", left=3, right=4)


def _overstrider(**extra):
    return {"shank_angle_ic_deg": m(11.0, "flag"), "heel_ahead_of_hip_ic_pct_leg": m(22.0, "flag"),
            "knee_flexion_ic_deg": m(6.0, "flag"), "knee_flexion_peak_stance_deg": m(40.0, "ok"),
            "trunk_lean_deg": m(17.0, "flag"), "vertical_oscillation_pct_leg": m(12.0, None), **extra}


def test_at_most_three_cues_most_important_first_each_tied_to_its_metric():
    cues = select_cues(_overstrider(), RUN)
    assert [c.id for c in cues] == ["overstride_cadence", "land_under_body", "soft_knee"]
    assert [c.priority for c in cues] == [1, 2, 3]
    assert cues[1].metric == "shank_angle_ic_deg" and cues[1].value == 11.0
    assert render(cues[0].text, "en") == CUES["overstride_cadence"]["en"]


def test_cues_in_german():
    cues = select_cues(_overstrider(), RUN)
    assert render(cues[1].text, "de") == "Setz den Fuß näher unter dem Körper auf."


def test_no_cues_from_low_confidence_metrics():
    metrics = {k: dataclasses.replace(v, confidence="low") for k, v in _overstrider().items()}
    assert select_cues(metrics, RUN) == []


def test_a_walk_gets_no_running_cues():
    # the overstrider's trunk (17°) is flagged by the running rule; a walk's own cue for it is "walk tall"
    assert [c.id for c in select_cues(_overstrider(), {**RUN, "gait": "walk"})] == ["walk_tall"]


def _walker(**extra):
    return {"knee_flexion_swing_peak_deg": m(35.0, "flag"), "hip_extension_peak_stance_deg": m(3.0, None),
            "step_time_asymmetry_pct": m(14.0, "flag"), "trunk_lean_deg": m(12.0, "flag"), **extra}


def test_walking_cues_follow_gaits_md_at_most_three_in_its_order():
    cues = select_cues(_walker(), {**RUN, "gait": "walk"})
    assert [c.id for c in cues] == ["walk_swing_knee", "walk_trailing_leg", "walk_even_beat"]
    assert [c.priority for c in cues] == [1, 2, 3]
    assert cues[0].metric == "knee_flexion_swing_peak_deg" and cues[0].value == 35.0


def test_walking_cues_need_a_flag_or_the_trailing_threshold_and_confidence():
    calm = _walker(knee_flexion_swing_peak_deg=m(58.0, "ok"), hip_extension_peak_stance_deg=m(12.0, None),
                   step_time_asymmetry_pct=m(14.0, "flag", confidence="low"), trunk_lean_deg=m(4.0, "ok"))
    assert select_cues(calm, {**RUN, "gait": "walk"}) == []
    assert [c.id for c in select_cues(_walker(), {**RUN, "gait": "walk", "direction": "backward"})] == []


def test_walking_flags_come_from_gaits_md():
    assert flag("knee_flexion_swing_peak_deg", 39.0, gait="walk") == "flag"
    assert flag("knee_flexion_swing_peak_deg", 41.0, gait="walk") == "ok"
    assert flag("knee_flexion_loading_peak_deg", 4.0, gait="walk") == "flag"
    assert flag("knee_flexion_loading_peak_deg", 26.0, gait="walk") == "flag"
    assert flag("knee_flexion_loading_peak_deg", 18.0, gait="walk") == "ok"
    assert flag("duty_factor_pct", 66.0, gait="walk") == "flag"
    assert flag("double_support_pct", 31.0, gait="walk") == "flag"
    assert flag("knee_flexion_ic_deg", 16.0, gait="walk") == "flag"
    assert flag("knee_flexion_ic_deg", 16.0) == "ok"  # the running band (flag below 10°) is another rule
    assert flag("trunk_lean_deg", 11.0, gait="walk") == "flag"
    assert flag("step_time_asymmetry_pct", 11.0, gait="walk") == "flag"
    # gaits.md: cadence below 100 is information only, hip extension only against the walker's own baseline
    assert flag("cadence_spm", 90.0, gait="walk") is None
    assert flag("hip_extension_peak_stance_deg", 2.0, gait="walk") is None


def test_backward_running_gets_no_overstride_cues_but_keeps_trunk():
    cues = select_cues(_overstrider(), {**RUN, "direction": "backward"})
    assert [c.id for c in cues] == ["run_tall"]


def low(value):
    """A metric value at low confidence, as backward contact metrics are (timed from the knee)."""
    return dataclasses.replace(m(value), confidence="low")


def test_backward_cues_heel_first_and_leaning_back():
    """gaits.md §2: a heel-first backward landing and a trunk behind the hips each get their cue."""
    back = {**RUN, "direction": "backward"}
    metrics = {"foot_strike_angle_ic_deg": low(9.5), "toe_first_contact_pct": low(20.0), "trunk_lean_deg": m(-4.0)}
    cues = select_cues(metrics, back)
    assert [(c.id, c.metric, c.value) for c in cues] == [
        ("backward_ball_first", "toe_first_contact_pct", 20.0), ("backward_stay_over_feet", "trunk_lean_deg", -4.0)]
    assert render(cues[0].text, "de") == "Lande auf dem Fußballen, dann senk die Ferse ab."
    assert render(cues[1].text, "en") == "Stay over your feet, slightly forward."
    # toes first on most contacts, a trunk within the measurement tolerance of upright: nothing to say
    assert select_cues({**metrics, "toe_first_contact_pct": low(80.0), "trunk_lean_deg": m(-1.5)}, back) == []
    # exactly half toes first is not "most contacts not toes first"
    assert select_cues({**metrics, "toe_first_contact_pct": low(50.0), "trunk_lean_deg": m(-1.5)}, back) == []
    # a median angle within 2° of the heel-strike cut-off (7.4°) is no clear heel strike: no cue on a guess
    unsure = {**metrics, "foot_strike_angle_ic_deg": low(8.5)}
    assert [c.id for c in select_cues(unsure, back)] == ["backward_stay_over_feet"]
    # a flat backward running landing is not "heel first" (gaits.md's BR trigger)
    flat = {**metrics, "foot_strike_angle_ic_deg": low(3.0)}
    assert [c.id for c in select_cues(flat, back)] == ["backward_stay_over_feet"]
    # no share read: no contact cue
    assert [c.id for c in select_cues({**metrics, "toe_first_contact_pct": m(None)}, back)] == \
        ["backward_stay_over_feet"]
    # forward running never gets the backward cues
    assert "backward_ball_first" not in [c.id for c in select_cues(metrics, RUN)]


# ------------------------------------------------------------------ backward walking (gaits.md §2, BW tables)
BACK_WALK = {**RUN, "direction": "backward", "gait": "walk"}


def test_backward_walking_knee_flag_is_gaits_md_starting_value_and_nothing_else_is_lit():
    """BW table: knee in stance "reaches 0°", "> 10° at straightest" (SV); no forward rule lights backward gait."""
    assert flag("knee_flexion_min_stance_deg", 10.5, gait="walk", direction="backward") == "flag"
    assert flag("knee_flexion_min_stance_deg", 10.0, gait="walk", direction="backward") == "ok"
    assert flag("knee_flexion_min_stance_deg", 3.0, gait="walk", direction="backward") == "ok"
    assert SPECS["knee_flexion_min_stance_deg"].norm_for("walk", "backward").starting_value
    # measured in a forward walk too, without a norm or light (gaits.md §1 gives none)
    assert flag("knee_flexion_min_stance_deg", 14.0, gait="walk") is None
    assert SPECS["knee_flexion_min_stance_deg"].norm_for("walk") is None
    # the forward walking bands stay off backward (the toe-first contact's knee is a forward toe-off's ~40°)
    assert flag("knee_flexion_ic_deg", 40.0, gait="walk", direction="backward") is None
    assert flag("trunk_lean_deg", 14.0, gait="walk", direction="backward") is None
    # backward running: no band at all (overstride, strike and cadence rules off: gaits.md §2)
    for name, value in (("shank_angle_ic_deg", 12.0), ("heel_ahead_of_hip_ic_pct_leg", 30.0), ("cadence_spm", 150.0),
                        ("knee_flexion_ic_deg", 5.0), ("trunk_lean_deg", 20.0), ("knee_flexion_min_stance_deg", 14.0)):
        assert flag(name, value, overstride=True, direction="backward") is None, name


def _back_walker(**extra):
    return {"foot_strike_angle_ic_deg": low(4.0), "toe_first_contact_pct": low(30.0),
            "knee_flexion_min_stance_deg": m(14.0, "flag"), **extra}


@pytest.mark.parametrize("angle", [4.0, 12.0])  # flat or heel first: the BW trigger is both
def test_backward_walking_cues_flat_or_heel_contact_and_bent_knee(angle):
    cues = select_cues(_back_walker(foot_strike_angle_ic_deg=low(angle)), BACK_WALK)
    assert [(c.id, c.metric, c.value, c.priority) for c in cues] == [
        ("backward_walk_toes_first", "toe_first_contact_pct", 30.0, 1),
        ("backward_walk_straight_knee", "knee_flexion_min_stance_deg", 14.0, 2)]
    assert render(cues[0].text, "en") == "Toes first, then roll onto the heel."
    assert render(cues[0].text, "de") == "Zehen zuerst, dann auf die Ferse abrollen."
    assert render(cues[1].text, "en") == "Let the knee go fully straight."
    assert render(cues[1].text, "de") == "Lass das Knie ganz gerade werden."


def test_backward_walking_cues_need_their_trigger_and_confidence():
    toes = select_cues(_back_walker(toe_first_contact_pct=low(90.0)), BACK_WALK)
    assert [c.id for c in toes] == ["backward_walk_straight_knee"]  # toes first: no contact cue
    no_share = _back_walker(toe_first_contact_pct=m(None))
    assert [c.id for c in select_cues(no_share, BACK_WALK)] == ["backward_walk_straight_knee"]
    straight = _back_walker(knee_flexion_min_stance_deg=m(3.0, "ok"), toe_first_contact_pct=low(90.0))
    assert select_cues(straight, BACK_WALK) == []
    unsure = _back_walker(knee_flexion_min_stance_deg=m(14.0, "flag", confidence="low"),
                          toe_first_contact_pct=low(90.0))
    assert select_cues(unsure, BACK_WALK) == []
    assert select_cues(_back_walker(), {**BACK_WALK, "plane": "frontal"}) == []


def test_backward_walking_gets_neither_forward_walking_nor_running_cues():
    metrics = {**_walker(), **_overstrider(), "knee_flexion_min_stance_deg": m(3.0, "ok"),
               "toe_first_contact_pct": low(100.0)}
    assert select_cues(metrics, BACK_WALK) == []
    # and a forward walk never gets the backward-walking ones
    ids = [c.id for c in select_cues(_back_walker(), {**RUN, "gait": "walk"})]
    assert not any(i.startswith("backward") for i in ids)
    # backward running keeps its own heel-first cue only for a clear heel strike (a flat landing is a BW cue)
    back_run = {**RUN, "direction": "backward"}
    assert select_cues(_back_walker(), back_run) == []


def test_backward_walking_cues_have_a_formal_form():
    from formcheck.i18n import tr

    for cue_id, sie in (("backward_walk_toes_first", "Zehen zuerst, dann auf die Ferse abrollen."),
                        ("backward_walk_straight_knee", "Lassen Sie das Knie ganz gerade werden.")):
        assert tr("cue_sie", "de")[cue_id] == sie
        assert tr("cue_sie", "en")[cue_id] == CUES[cue_id]["en"]


def test_backward_gait_switches_off_the_forward_measures():
    """gaits.md §2: shank angle, heel ahead of hip and hip extension at toe-off (against the vertical and the trunk)
    are null backward, with the reason."""
    from formcheck.engine.metrics import MetricSummary, distrust_backward

    names = ("shank_angle_ic_deg", "heel_ahead_of_hip_ic_pct_leg", "hip_extension_to_deg", "hip_extension_trunk_to_deg",
             "trunk_lean_deg")
    summ = {n: MetricSummary(n, "deg", -20.0, None, None, None, 8, 8, 8, "left", "high") for n in names}
    out = distrust_backward(summ)
    for n in names[:-1]:
        assert out[n].value is None and out[n].reason.code == "backward_not_defined", n
    assert out["trunk_lean_deg"].value == -20.0  # kept (gaits.md: trunk against own baseline)


def test_rear_view_cues_pelvic_drop_beyond_noise_floor_only():
    rear = {**RUN, "plane": "frontal", "facing": "away"}
    assert [c.id for c in select_cues({"pelvic_drop_deg": m(5.0)}, rear)] == ["level_pelvis"]
    assert select_cues({"pelvic_drop_deg": m(2.0)}, rear) == []


def test_reasons_say_the_same_in_both_languages():
    """Every reason has a German and an English sentence with the same placeholders;
    a Reason is its English sentence, with code and parameters for the German one."""
    import string

    from formcheck.i18n import REASONS, Reason, reason_text

    for code, t in REASONS.items():
        fields = {lang: {f for _, f, _, _ in string.Formatter().parse(t[lang]) if f} for lang in ("de", "en")}
        assert fields["de"] == fields["en"], code
    r = Reason("few_per_side", nl=3, nr=5)
    assert r == "only 3 left / 5 right steps (7 or more per side wanted)" and isinstance(r, str)
    assert r.say("de") == "nur 3 linke / 5 rechte Schritte (7 oder mehr pro Seite erwünscht)"
    far = Reason("far_unreliable", side="right", pct=41.6)
    assert far == "the right foot's contacts were not timed reliably (42 % of the steps have implausible durations)"
    assert reason_text(far.code, far.params, "de").startswith("die Bodenkontakte des rechten Fußes")
    assert reason_text("from_a_newer_engine", {}, "de") is None  # the dashboard then shows the stored sentence
    assert reason_text("few_steps", {}, "de") is None  # parameters missing: no half sentence


# ------------------------------------------------------------------ registry
def test_the_registry_is_the_one_place_the_metric_list_norms_floors_and_cards_come_from():
    from formcheck.engine.metrics import FRONTAL, SAGITTAL
    from formcheck.engine.norms import NOISE_FLOOR, NOISE_FLOOR_REL
    from formcheck.engine.registry import CARD_ORDER, SPECS
    from formcheck.ui.widgets import CARD_ORDER as DASHBOARD_CARDS

    assert list(METRICS) == list(SPECS) and DASHBOARD_CARDS == CARD_ORDER and sorted(CARD_ORDER) == sorted(SPECS)
    assert set(SAGITTAL) | set(FRONTAL) == set(SPECS) and set(SAGITTAL) & set(FRONTAL) == {"cadence_spm",
                                                                                               "step_time_asymmetry_pct",
                                                                                               "step_length_cm"}
    for name, s in SPECS.items():
        assert METRICS[name] == (s.unit, s.legs) and NORMS.get(name) == s.norm
        assert (s.noise_floor is None) != (s.noise_floor_rel is None), name  # exactly one noise floor
        assert NOISE_FLOOR.get(name) == s.noise_floor and NOISE_FLOOR_REL.get(name) == s.noise_floor_rel
        lo, hi = s.plausible
        assert lo < hi
        if s.norm and s.norm.low is not None and s.norm.high is not None:
            assert lo <= s.norm.low < s.norm.high <= hi, name  # a normal value is always plausible


@pytest.mark.parametrize("name, value, ctx, light", [
    ("shank_angle_ic_deg", 3.0, {}, "ok"), ("shank_angle_ic_deg", 3.1, {}, "watch"),
    ("shank_angle_ic_deg", 8.0, {}, "watch"), ("shank_angle_ic_deg", 8.1, {}, "flag"),
    ("trunk_lean_deg", 2.9, {}, "watch"), ("trunk_lean_deg", 15.1, {}, "flag"), ("trunk_lean_deg", 7.0, {}, "ok"),
    ("knee_flexion_peak_stance_deg", 34.9, {}, "flag"), ("knee_flexion_peak_stance_deg", 55.1, {}, "flag"),
    ("knee_flexion_ic_deg", 9.9, {}, "flag"), ("cadence_spm", 160.0, {}, "ok"),
    ("cadence_spm", 160.0, {"overstride": True}, "flag"), ("cadence_spm", 160.0, {"overstride": True, "pace_easy": False}, "ok"),
    ("heel_ahead_of_hip_ic_pct_leg", 20.0, {"heel_striker": False}, None),
    ("heel_ahead_of_hip_ic_pct_leg", 20.0, {}, "flag"), ("vertical_oscillation_pct_leg", 15.0, {}, None),
    # 15 % of a 1.80 m runner's leg (0.491 × 180 cm) is 13.3 cm > 11 cm
    ("vertical_oscillation_pct_leg", 15.0, {"runner_height_cm": 180}, "flag"),
    ("vertical_oscillation_pct_leg", 10.0, {"runner_height_cm": 180}, "ok"),
    ("hip_extension_to_deg", 30.0, {}, None),
])
def test_flags_follow_the_bands_of_metrics_md(name, value, ctx, light):
    assert flag(name, value, **ctx) == light


@pytest.mark.parametrize("value, direction, gait, kept", [
    (168.0, "forward", "run", True),
    (125.0, "forward", "run", False),   # a "run" below 130 steps/min: one foot's contacts only, or slow motion
    (237.3, "forward", "run", False),   # the rear overlay clip's contacts gave this
    (97.6, "forward", "walk", True),    # the real walker
    (125.0, "forward", "walk", True),
    (160.0, "forward", "walk", False),  # nobody walks at 160
])
def test_cadence_outside_what_the_gait_allows_is_null_with_a_reason_and_a_warning(value, direction, gait, kept):
    from formcheck.engine.metrics import MetricSummary
    from formcheck.engine.run import _distrust_implausible

    m = MetricSummary("cadence_spm", "steps/min", value, None, None, None, 12, 6, 6, "both", "high")
    out = _distrust_implausible({"cadence_spm": m}, direction, gait)["cadence_spm"]
    assert (out.value == value) if kept else (out.value is None and out.reason.code == "implausible_value")
    if not kept:
        text = render(out.reason, "en")
        assert "film side-on" in text and f"{value:.0f}" in text
        assert "Beinzuordnung" in render(out.reason, "de")


def test_withheld_values_give_a_warning_that_says_how_to_film(oracle_truth_right):
    from formcheck.engine.quality import assess
    from tests.oracle import oracle_series

    series = oracle_series(oracle_truth_right)
    common = dict(view={"plane": "sagittal", "gait": "run", "direction": "forward", "setting": "treadmill"},
                  fps=60.0, steps={"left": 8, "right": 8}, ground_slope_deg=0.0, cadence_spm=170.0,
                  cadence_note=None, spread=0.05, capture_fps=None)
    ok, warnings = assess(series, **common, implausible=["cadence_spm", "shank_angle_ic_deg"])
    w = next(x for x in warnings if x.code == "implausible_values")
    assert ok  # advice, not blocking: the other values stand
    assert render(w.message, "en").startswith("2 values were withheld")
    assert "Hüfthöhe" in render(w.message, "de")
    assert not any(x.code == "implausible_values" for x in assess(series, **common)[1])
