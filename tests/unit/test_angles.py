"""Geometry of the metrics on hand-computed triangles (image coordinates: x right, y down)."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.engine.metrics import foot_angle, joint_flexion, segment_angle, trunk_lean


def test_straight_leg_has_zero_knee_flexion():
    hip, knee, ankle = np.array([0.0, 0.0]), np.array([0.0, 10.0]), np.array([0.0, 20.0])
    assert joint_flexion(hip, knee, ankle) == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("ankle_x, expected", [(10.0, 90.0), (10.0 * np.tan(np.radians(30)), 30.0)])
def test_knee_flexion_of_known_triangles(ankle_x, expected):
    # thigh vertical (hip above knee); the shank turns by `expected` degrees at the knee
    hip, knee = np.array([0.0, 0.0]), np.array([0.0, 10.0])
    ankle = knee + np.array([ankle_x, 10.0]) if expected != 90.0 else knee + np.array([ankle_x, 0.0])
    assert joint_flexion(hip, knee, ankle) == pytest.approx(expected, abs=1e-9)


def test_joint_flexion_is_vectorised_over_frames():
    a = np.array([[0, 0], [0, 0]], float)
    b = np.array([[0, 1], [0, 1]], float)
    c = np.array([[0, 2], [1, 1]], float)
    np.testing.assert_allclose(joint_flexion(a, b, c), [0.0, 90.0])


@pytest.mark.parametrize("forward", [1.0, -1.0])
def test_shank_angle_positive_when_ankle_lands_ahead_of_knee(forward):
    # 3-4-5 triangle: ankle 3 px ahead of and 4 px below the knee -> atan(3/4) = 36.87 deg
    knee = np.array([100.0, 100.0])
    ankle = knee + np.array([forward * 3.0, 4.0])
    assert segment_angle(knee, ankle, forward) == pytest.approx(np.degrees(np.arctan2(3, 4)))
    behind = knee + np.array([-forward * 3.0, 4.0])
    assert segment_angle(knee, behind, forward) == pytest.approx(-np.degrees(np.arctan2(3, 4)))


@pytest.mark.parametrize("forward", [1.0, -1.0])
def test_trunk_lean_positive_forward(forward):
    hip = np.array([0.0, 100.0])
    shoulder = hip + np.array([forward * 10.0, -10.0 * np.sqrt(3.0)])  # 30 deg forward of vertical
    assert trunk_lean(hip, shoulder, forward) == pytest.approx(30.0)
    upright = hip + np.array([0.0, -50.0])
    assert trunk_lean(hip, upright, forward) == pytest.approx(0.0)


@pytest.mark.parametrize("forward", [1.0, -1.0])
def test_foot_angle_positive_toes_up(forward):
    heel = np.array([50.0, 200.0])
    toe_up = heel + np.array([forward * 20.0, -20.0 * np.tan(np.radians(15))])
    assert foot_angle(heel, toe_up, forward) == pytest.approx(15.0)
    toe_down = heel + np.array([forward * 20.0, 20.0 * np.tan(np.radians(8))])
    assert foot_angle(heel, toe_down, forward) == pytest.approx(-8.0)


def test_foot_angle_corrects_for_a_tilted_ground_line():
    # ground descending to the right by 3 deg (image y grows with x); a flat foot on it reads 0
    slope = 3.0
    heel = np.array([0.0, 0.0])
    toe = np.array([20.0, 20.0 * np.tan(np.radians(slope))])
    assert foot_angle(heel, toe, 1.0, ground_slope_deg=slope) == pytest.approx(0.0, abs=1e-9)
