"""Linking poses into tracks and choosing the runner, on hand-made poses."""

from __future__ import annotations

import numpy as np

from formcheck.i18n import render
from formcheck.io.pose import N_LANDMARKS, PoseSeries, assemble, choose_runner, link_tracks


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
    assert series.n_people.max() == 2 and series.notes[0].code == "several_people"
    assert "kept the runner" in render(series.notes[0], "en")


def test_missing_frames_are_kept_as_nan(tmp_path):
    poses = [[_person(100, 300, 200)] if f % 3 else [] for f in range(30)]
    series = assemble([f / 30 for f in range(30)], poses, 640, 480)
    assert series.n_frames == 30 and series.found.sum() == 20
    assert np.isnan(series.image[0]).all()
    series.save(tmp_path / "p.npz")
    back = PoseSeries.load(tmp_path / "p.npz")
    np.testing.assert_array_equal(back.found, series.found)
    assert (back.width, back.height) == (640, 480)


class _P:  # a landmark as MediaPipe returns it
    def __init__(self, x, y, z=0.0, visibility=0.9, presence=0.95):
        self.x, self.y, self.z, self.visibility, self.presence = x, y, z, visibility, presence


class _Result:
    def __init__(self, xs, ys):
        self.pose_landmarks = [[_P(x, y) for x, y in zip(xs, ys)]]
        self.pose_world_landmarks = [[_P(x - 0.5, y - 0.5) for x, y in zip(xs, ys)]]


def test_landmarks_of_a_mirrored_frame_come_back_in_the_original_frame_and_sides():
    from formcheck.io.pose import LM, _to_arrays

    rng = np.random.default_rng(0)
    xs, ys = rng.uniform(0, 1, N_LANDMARKS), rng.uniform(0, 1, N_LANDMARKS)
    # what the model reports on the mirrored frame: x flipped, and what it calls left is the person's right
    mirrored = _Result(1.0 - xs[_swap()], ys[_swap()])
    (img, wld), = _to_arrays(mirrored, 640, 360, mirrored=True)
    (ref, ref_w), = _to_arrays(_Result(xs, ys), 640, 360)
    assert np.allclose(img[:, :2], ref[:, :2], atol=1e-3)
    assert np.allclose(wld[:, 0], ref_w[:, 0], atol=1e-6)
    assert abs(img[LM["left_knee"], 0] - 640 * xs[LM["left_knee"]]) < 1e-3  # the person's left knee, unflipped


def _swap():
    from formcheck.io.pose import LANDMARK_NAMES, LM

    other = {"left": "right", "right": "left"}
    return np.array([LM["_".join(other.get(w, w) for w in n.split("_"))] for n in LANDMARK_NAMES])


# ------------------------------------------------------------------ stitching
def _poses_at(xs):
    """One pose per frame whose landmarks all sit at (x, 100) (an empty frame for None)."""
    out = []
    for x in xs:
        if x is None:
            out.append([])
            continue
        img = np.zeros((N_LANDMARKS, 5), np.float32)
        img[:, 0], img[:, 1] = x, 100.0
        out.append([(img, np.zeros((N_LANDMARKS, 3), np.float32))])
    return out


def test_stitch_switches_where_the_chunks_agree_best_and_keeps_every_frame_once():
    from formcheck.io.pose import stitch, stitch_point

    t_a = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]  # chunk a ran on to 0.5
    t_b = [0.3, 0.4, 0.5, 0.6, 0.7]       # chunk b keeps from 0.3
    a = _poses_at([10, 11, 12, 13, 14, 15])
    b = _poses_at([19, 14.5, 25, 16, 17])  # agrees best with a at t = 0.4 (0.5 px)
    assert stitch_point(t_a, a, t_b, b) == 0.4
    t, poses = stitch([(t_a, a), (t_b, b)])
    assert t == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]
    xs = [p[0][0][0, 0] for p in poses]
    assert xs == [10, 11, 12, 13, 14.5, 25, 16, 17]  # a before 0.4, b from 0.4 on


def test_stitch_without_a_shared_pose_falls_back_to_the_next_chunks_first_frame():
    from formcheck.io.pose import stitch, stitch_point

    t_a, a = [0.0, 0.1, 0.2], _poses_at([1, None, None])
    t_b, b = [0.1, 0.2, 0.3], _poses_at([5, 6, 7])
    assert stitch_point(t_a, a, t_b, b) is None
    t, poses = stitch([(t_a, a), (t_b, b)])
    assert t == [0.0, 0.1, 0.2, 0.3] and [bool(p) for p in poses] == [True, True, True, True]


def test_errors_raised_in_a_helper_process_keep_their_code():
    import pickle

    from formcheck.errors import VideoError

    err = pickle.loads(pickle.dumps(VideoError("clip.mp4 is truncated", "truncated")))
    assert isinstance(err, VideoError) and err.code == "truncated" and str(err) == "clip.mp4 is truncated"
