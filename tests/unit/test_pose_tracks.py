"""Linking poses into tracks and choosing the runner, on hand-made poses."""

from __future__ import annotations

import numpy as np

from formcheck.pose import N_LANDMARKS, PoseSeries, assemble, choose_runner, link_tracks


def _person(cx, cy, height):
    img = np.zeros((N_LANDMARKS, 5), np.float32)
    img[:, 0] = cx
    img[:, 1] = np.linspace(cy - height / 2, cy + height / 2, N_LANDMARKS)
    img[[11, 12, 23, 24], 1] = cy
    img[:, 3:] = 0.9
    return img, np.zeros((N_LANDMARKS, 3), np.float32)


def test_runner_crossing_is_kept_over_a_bystander():
    poses = []
    for f in range(100):
        frame = [_person(100 + 8 * f, 300, 200)]  # the runner crosses the frame
        if f < 60:
            frame.append(_person(600, 100, 150))  # a bystander, smaller, for part of the clip
        poses.append(frame[::-1] if f % 2 else frame)  # the landmarker's order is arbitrary
    tracks = link_tracks(poses)
    assert len(tracks) == 2
    best, _ = choose_runner(poses, tracks)
    series = assemble([f / 30 for f in range(100)], poses, 1280, 720)
    x = series.image[:, 23, 0]
    np.testing.assert_allclose(x, 100 + 8 * np.arange(100))
    assert series.n_people.max() == 2 and "kept the runner" in series.notes[0]


def test_missing_frames_are_kept_as_nan(tmp_path):
    poses = [[_person(100, 300, 200)] if f % 3 else [] for f in range(30)]
    series = assemble([f / 30 for f in range(30)], poses, 640, 480)
    assert series.n_frames == 30 and series.found.sum() == 20
    assert np.isnan(series.image[0]).all()
    series.save(tmp_path / "p.npz")
    back = PoseSeries.load(tmp_path / "p.npz")
    np.testing.assert_array_equal(back.found, series.found)
    assert (back.width, back.height) == (640, 480)
