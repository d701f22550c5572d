"""The synthetic runner's kinematics are what they claim to be."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from formcheck.synth import SIDES, Gait, GaitModel, Scene, generate, load_truth, strike_class


@pytest.fixture(params=[Gait(), Gait(strike_deg=-8.0), Gait(strike_deg=3.0), Gait(thigh_ic_deg=30, knee_ic_deg=8),
                        Gait(knee_peak_deg=58, right_knee_offset_deg=8), Gait(landing="falling"),
                        Gait(thigh_ic_deg=30, knee_ic_deg=8, landing="falling")],
                ids=["rearfoot", "forefoot", "midfoot", "overstride", "deep-asym", "falling", "overstride-falling"])
def model(request):
    return GaitModel(request.param)


def test_stance_foot_does_not_slip_or_sink(model):
    t = np.arange(0, 2 * model.T, 1 / 4000)
    p = model.pose(t)
    for side in SIDES:
        st = p["angles"][side]["in_stance"]
        foot_y = np.minimum(p[side]["heel"][:, 1], p[side]["toe"][:, 1])
        assert np.abs(foot_y[st]).max() < 1e-9, "stance foot must touch the ground"
        assert foot_y[~st].min() >= -1e-9, "swing foot must not go through the ground"
        # in ground coordinates (ground moves back at v) a loaded point stays put, step by step
        for part in ("heel", "toe"):
            on = st & (p[side][part][:, 1] < 1e-9)
            x_ground = p[side][part][:, 0] + model.v * t
            steps = np.split(np.flatnonzero(on), np.flatnonzero(np.diff(np.flatnonzero(on)) > 1) + 1)
            for idx in steps:
                if len(idx) > 1:
                    assert np.ptp(x_ground[idx]) < 1e-9


def test_angles_at_events_match_parameters(model):
    g = model.g
    ev = model.events(3 * model.T)
    for side in SIDES:
        off = g.right_knee_offset_deg if side == "right" else 0.0
        a_ic = model.pose(np.array(ev[side]["ic_s"]))["angles"][side]
        a_to = model.pose(np.array(ev[side]["to_s"]))["angles"][side]
        np.testing.assert_allclose(a_ic["knee_flexion"], g.knee_ic_deg + off, atol=1e-6)
        np.testing.assert_allclose(a_ic["thigh"], g.thigh_ic_deg, atol=1e-6)
        np.testing.assert_allclose(a_ic["foot"], g.strike_deg, atol=1e-6)
        if g.right_knee_offset_deg == 0:  # with asymmetric knees one belt speed cannot honour both TO angles
            np.testing.assert_allclose(a_to["thigh"], g.thigh_to_deg, atol=1e-6)


def _around_contact(gait: Gait):
    """Lowest foot point and hip height (m) of the right leg from 50 ms before to 30 ms after a contact."""
    m = GaitModel(gait)
    dt = 1e-3
    t = m.T + np.arange(-50, 31) * dt  # the right foot lands at t = T
    p = m.pose(t)
    foot = np.minimum(p["right"]["heel"][:, 1], p["right"]["toe"][:, 1])
    return foot, p["hip_y"], 50, dt


@pytest.mark.parametrize("gait", [Gait(), Gait(strike_deg=-8.0), Gait(strike_deg=3.0), Gait(knee_peak_deg=58)],
                         ids=["rearfoot", "forefoot", "midfoot", "deep"])
def test_falling_landing_meets_the_ground_falling(gait):
    """``landing="falling"``: the hip falls all through the last 30 ms of flight
    and the foot comes down at about 1 m/s (0.8 for the forefoot runner)
    in the last 10 ms; the default soft landing's hip rises just before
    contact and its foot comes down at half that speed."""
    foot, hip, ic, dt = _around_contact(replace(gait, landing="falling"))
    assert foot[ic] == pytest.approx(0.0, abs=1e-9)
    assert (foot[ic - 10] - foot[ic]) / (10 * dt) > 0.75
    assert np.diff(hip[ic - 30:ic + 1]).max() < 0
    foot, hip, ic, dt = _around_contact(gait)
    assert (foot[ic - 10] - foot[ic]) / (10 * dt) < 0.6
    assert np.diff(hip[ic - 30:ic + 1]).max() > 0


def test_landing_must_be_known():
    with pytest.raises(ValueError, match="landing"):
        GaitModel(Gait(landing="hard"))


def test_events_follow_cadence_and_duty_factor():
    m = GaitModel(Gait(cadence_spm=180, duty_factor=0.33))
    ev = m.events(10.0)
    for side in SIDES:
        ics, tos = np.array(ev[side]["ic_s"]), np.array(ev[side]["to_s"])
        np.testing.assert_allclose(np.diff(ics), 120 / 180)
        k = np.searchsorted(tos, ics[0])
        assert tos[k] - ics[0] == pytest.approx(0.33 * 120 / 180)
    steps = np.sort(np.concatenate([ev["left"]["ic_s"], ev["right"]["ic_s"]]))
    assert 60 / np.median(np.diff(steps)) == pytest.approx(180)


def test_walking_duty_factor_is_refused():
    with pytest.raises(ValueError, match="flight phase"):
        GaitModel(Gait(duty_factor=0.6))


def test_strike_classes():
    assert strike_class(17.7) == "rearfoot" and strike_class(2.6) == "midfoot" and strike_class(-7.9) == "forefoot"


@pytest.fixture(scope="module")
def backward_clip(tmp_path_factory):
    path = tmp_path_factory.mktemp("back") / "back.mp4"
    generate(path, Gait(), Scene(direction="backward", facing="left", fps=30, width=480, height=270, duration_s=2.0))
    return path


def test_backward_running_starts_contact_at_the_toes(backward_clip):
    truth = load_truth(backward_clip)
    assert truth["view"]["direction"] == "backward"
    for side in SIDES:
        assert truth["metrics"][f"foot_strike_angle_ic_deg__{side}"] < -10  # toes first
        assert truth["foot_strike"][side] == "forefoot"
    # reversed in time: the forward run's toe-off knee angle is the backward contact angle
    assert truth["metrics"]["knee_flexion_ic_deg"] == pytest.approx(Gait().knee_to_deg, abs=1e-6)


def test_treadmill_stance_foot_moves_toward_facing_side_when_backward(backward_clip):
    truth = load_truth(backward_clip)
    t = np.array(truth["frames"]["t_s"])
    side = "left"
    ic, to = truth["events"][side]["ic_s"][0], [x for x in truth["events"][side]["to_s"] if x > truth["events"][side]["ic_s"][0]][0]
    heel = np.array(truth["frames"]["joints_px"][side]["heel"])
    i0, i1 = np.searchsorted(t, ic), np.searchsorted(t, to) - 1
    dx = heel[i1, 0] - heel[i0, 0]
    assert dx < 0, "facing left and running backward on a treadmill: the stance foot moves left"


def test_overground_stance_foot_is_still_in_the_image(tmp_path):
    path = tmp_path / "over.mp4"
    truth = generate(path, Gait(), Scene(setting="overground", facing="right", fps=60, width=640, height=360, duration_s=1.5))
    for side in SIDES:
        st = np.array(truth["frames"]["angles_deg"][side]["in_stance"], bool)
        toe = np.array(truth["frames"]["joints_px"][side]["toe"])
        foot = np.array(truth["frames"]["angles_deg"][side]["foot"])
        flat_or_toe = st & (foot <= 0)  # loaded on the toes or flat: the toe point is fixed on the ground
        runs = np.split(np.flatnonzero(flat_or_toe), np.flatnonzero(np.diff(np.flatnonzero(flat_or_toe)) > 1) + 1)
        for idx in runs:
            if len(idx) > 1:
                assert np.ptp(toe[idx, 0]) < 0.05  # pixels
    hip = np.array(truth["frames"]["joints_px"]["left"]["hip"])
    assert hip[-1, 0] - hip[0, 0] > 100  # the body travels right across the frame
