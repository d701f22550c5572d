"""A perfect pose series built from a synthetic runner's truth (no pose model).

It isolates the gait engine from MediaPipe: on exact landmarks every stage must
reproduce the known kinematics closely, so a failure points at the engine.
"""

from __future__ import annotations

import numpy as np

from formcheck.io.pose import LM, PoseSeries
from formcheck.io.video import VideoInfo

JOINT_TO_LANDMARK = {"hip": "hip", "knee": "knee", "ankle": "ankle", "heel": "heel", "toe": "foot_index",
                     "shoulder": "shoulder", "elbow": "elbow", "wrist": "wrist"}


def oracle_series(truth: dict, *, swap: np.ndarray | None = None) -> PoseSeries:
    """PoseSeries whose landmarks are the truth's joints.

    Parameters
    ----------
    truth : dict
        As written by :func:`formcheck.synth.generate`.
    swap : ndarray of bool, shape (n_frames,), optional
        Frames in which the left/right leg labels are exchanged, as MediaPipe
        does in side views.
    """
    fr = truth["frames"]
    t = np.asarray(fr["t_s"], float)
    n = len(t)
    image = np.full((n, 33, 5), np.nan)
    near = truth["near_side"]
    for side in ("left", "right"):
        z = -0.2 if side == near else 0.2  # MediaPipe z: smaller = nearer the camera
        for joint, lm in JOINT_TO_LANDMARK.items():
            xy = np.asarray(fr["joints_px"][side][joint], float)
            k = LM[f"{side}_{lm}"]
            image[:, k, :2] = xy
            image[:, k, 2] = z
            image[:, k, 3:] = 1.0
    fwd = 1.0 if truth["view"]["facing"] == "right" else -1.0
    shoulder = 0.5 * (image[:, LM["left_shoulder"], :2] + image[:, LM["right_shoulder"], :2])
    hip = 0.5 * (image[:, LM["left_hip"], :2] + image[:, LM["right_hip"], :2])
    trunk = np.linalg.norm(shoulder - hip, axis=1)[:, None]
    head = shoulder + np.c_[np.zeros(n), -0.45 * trunk[:, 0]]
    for name, dx in (("nose", 0.12), ("left_ear", -0.02), ("right_ear", -0.02)):
        k = LM[name]
        image[:, k, 0] = head[:, 0] + fwd * dx * trunk[:, 0]
        image[:, k, 1] = head[:, 1]
        image[:, k, 2] = 0.0
        image[:, k, 3:] = 1.0
    if swap is not None:
        for a, b in (("left", "right"),):
            for lm in ("hip", "knee", "ankle", "heel", "foot_index"):
                ka, kb = LM[f"{a}_{lm}"], LM[f"{b}_{lm}"]
                tmp = image[swap, ka].copy()
                image[swap, ka] = image[swap, kb]
                image[swap, kb] = tmp
    world = np.zeros((n, 33, 3))
    v = truth["video"]
    return PoseSeries(t=t, image=image, world=world, width=v["width"], height=v["height"],
                      n_people=np.ones(n, int))


def oracle_info(truth: dict) -> VideoInfo:
    v = truth["video"]
    fps = float(v["fps"])
    return VideoInfo(path="oracle", codec="none", width=v["width"], height=v["height"], rotation_deg=0,
                     nominal_fps=fps, capture_fps=None, time_scale=1.0, n_frames_hint=v["n_frames"],
                     duration_hint_s=v["n_frames"] / fps, file_size=0)
