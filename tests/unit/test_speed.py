"""Treadmill speed: reading it, the cadence norm at that speed, and the cm values it gives (against synthetic truth)."""

from __future__ import annotations

import pytest

from formcheck.cli import error_text
from formcheck.engine.speed import cadence_norm_spm, parse_speed, step_length_cm
from formcheck.errors import UsageError
from formcheck.pipeline import run_engine
from tests.oracle import oracle_info, oracle_series


@pytest.mark.parametrize("text, mps", [("10km/h", 10 / 3.6), ("10 km/h", 10 / 3.6), ("10", 10 / 3.6),
                                       ("2.8m/s", 2.8), ("2,8 m/s", 2.8), (" 12.5 KM/H ", 12.5 / 3.6),
                                       ("3mps", 3.0), ("2", 2 / 3.6), ("25km/h", 25 / 3.6)])
def test_speeds_are_read_in_km_h_or_m_s_and_a_bare_number_is_km_h(text, mps):
    assert parse_speed(text) == pytest.approx(mps)


@pytest.mark.parametrize("text, code", [("fast", "bad_speed"), ("", "bad_speed"), ("10 mph", "bad_speed"),
                                        ("-10", "bad_speed"), ("10km/h5", "bad_speed"), ("1.9", "speed_range"),
                                        ("26km/h", "speed_range"), ("10m/s", "speed_range"),
                                        ("0", "speed_range"), ("0.5m/s", "speed_range")])
def test_nonsense_and_speeds_outside_2_to_25_km_h_are_refused_in_the_users_language(text, code):
    with pytest.raises(UsageError) as info:
        parse_speed(text)
    exc = info.value
    assert exc.code == code and exc.exit_code == 2
    de, en = error_text(exc, "de"), error_text(exc, "en")
    assert de.startswith(f"--speed {text.strip()}:")
    if code == "speed_range":
        assert "zwischen 2 und 25 km/h" in de and "2–25 km/h" in en
    else:
        assert "keine Geschwindigkeit" in de and "10km/h" in en


def test_cadence_norm_is_the_literature_at_its_three_points_and_linear_between():
    # metrics.md section 2: ~169 at 2.7 m/s, ~172 at 3.2, ~178 at 3.8
    assert cadence_norm_spm(2.7) == (pytest.approx(169.0), False)
    assert cadence_norm_spm(3.2) == (pytest.approx(172.0), False)
    assert cadence_norm_spm(3.8) == (pytest.approx(178.0), False)
    assert cadence_norm_spm(2.95)[0] == pytest.approx(170.5)
    assert cadence_norm_spm(3.5)[0] == pytest.approx(175.0)
    assert cadence_norm_spm(10 / 3.6)[0] == pytest.approx(169.0 + 3.0 * (10 / 3.6 - 2.7) / 0.5)


def test_cadence_norm_is_not_extrapolated_beyond_the_studied_speeds():
    assert cadence_norm_spm(2.0) == (pytest.approx(169.0), True)
    assert cadence_norm_spm(6.0) == (pytest.approx(178.0), True)


def test_step_length_is_the_belts_travel_in_one_step():
    assert step_length_cm(3.0, 180.0) == pytest.approx(100.0)  # 3 m/s, 3 steps/s: 1 m a step


def _exact(truth, speed_mps):
    return run_engine(oracle_series(truth), oracle_info(truth), lang="en", speed_mps=speed_mps)


def test_cm_values_of_an_exact_treadmill_runner_match_the_synthetic_truth(oracle_truth_right):
    """Exact landmarks of the synthetic treadmill runner, told its true belt speed.

    Truth: step length = speed / (cadence / 60); vertical oscillation = the hip's vertical range in metres
    (% of leg length × leg length). Tolerances: step length 1 % (the cadence is read from event times on a
    60 fps grid, 169.6 for a true 170 steps/min); vertical oscillation 0.5 cm (≈ 5 %: the % of leg length reads
    about 1.5 % low on exact landmarks, and the belt scale from the feet's mid-stance motion about 1 % off
    the camera's true cm per pixel).
    """
    truth = oracle_truth_right
    v = truth["speed_m_s"]
    res = _exact(truth, v)
    m, tm = res["metrics"], truth["metrics"]
    assert res["analysis"]["speed_mps"] == pytest.approx(v, abs=1e-3)
    assert res["analysis"]["cm_per_px"] == pytest.approx(100.0 / truth["px_per_m"], rel=0.02)
    assert m["step_length_cm"]["value"] == pytest.approx(v / (tm["cadence_spm"] / 60.0) * 100.0, rel=0.01)
    vo_true_cm = tm["vertical_oscillation_pct_leg"] / 100.0 * truth["leg_length_m"] * 100.0
    assert m["vertical_oscillation_cm"]["value"] == pytest.approx(vo_true_cm, abs=0.5)
    assert m["vertical_oscillation_cm"]["unit"] == "cm" and m["vertical_oscillation_cm"]["flag"] in ("ok", "watch")
    normal = m["cadence_spm"]["normal"]
    assert normal["at_speed_mps"] == pytest.approx(v, abs=1e-3) and normal["at_speed_spm"] == 169.0
    assert normal["at_speed_clamped"] is True  # the runner's 7.8 km/h lies below the studied 2.7 m/s


def test_the_scale_follows_the_speed_given(oracle_truth_right):
    """Twice the speed said: twice the cm per pixel and the step length (what a wrong input does)."""
    truth = oracle_truth_right
    v = truth["speed_m_s"]
    one, two = _exact(truth, v)["metrics"], _exact(truth, 2 * v)["metrics"]
    for name in ("step_length_cm", "vertical_oscillation_cm"):
        assert two[name]["value"] == pytest.approx(2 * one[name]["value"], rel=0.02)


def test_without_a_speed_the_new_metrics_are_null_with_a_reason(oracle_truth_right):
    res = _exact(oracle_truth_right, None)
    for name in ("step_length_cm", "vertical_oscillation_cm"):
        assert res["metrics"][name]["value"] is None and res["metrics"][name]["reason_code"] == "no_speed"
    assert "speed_mps" not in res["analysis"] and "at_speed_mps" not in res["metrics"]["cadence_spm"]["normal"]


def test_overground_there_is_a_step_length_but_no_belt_scale(oracle_truth_overground):
    truth = oracle_truth_overground
    res = _exact(truth, truth["speed_m_s"])
    m = res["metrics"]
    assert m["step_length_cm"]["value"] == pytest.approx(
        truth["speed_m_s"] / (truth["metrics"]["cadence_spm"] / 60.0) * 100.0, rel=0.01)
    assert m["vertical_oscillation_cm"]["value"] is None
    assert m["vertical_oscillation_cm"]["reason_code"] == "speed_needs_treadmill"
