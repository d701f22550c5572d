"""Pose extraction: MediaPipe ``PoseLandmarker`` (VIDEO mode) over the ingested frames.

Produces one :class:`PoseSeries` for the runner: every decoded frame is kept
(frames without a pose hold NaN), with real-time timestamps.

Conventions
-----------
``image`` landmarks are in pixels of the upright frame (x right, y down); column
order ``x_px, y_px, z, visibility, presence`` where ``z`` is MediaPipe's relative
depth (same scale as x in pixels, smaller = nearer the camera). ``world``
landmarks are metres, origin at the hips (MediaPipe's convention).

Notes
-----
MediaPipe's left/right labels are unreliable in a side view; this stage keeps
them as they come. Leg identity is settled later by :mod:`formcheck.engine.clean`.

When several people are in view the landmarker is run with ``num_poses=2`` and
the poses are linked into tracks; the runner is the track that is present in
the most frames and large (present frames × median body height).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import queue
import struct
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from formcheck import config, offline, tempfiles
from formcheck.contract import Message, note, plain_params
from formcheck.errors import FormcheckError, ModelError, NoRunnerError
from formcheck.io import roi
from formcheck.io.video import Frame, VideoInfo, iter_frames

#: Bump when the extraction logic changes, so old cache entries are not reused.
POSE_VERSION = 5  # 2: side-on runners facing right are mirrored; 3: model clock stretched; 4: chunks stitched;
#                  5: notes stored as message codes

#: Factor between a frame's time and the timestamp the landmarker is given.
#: The landmarker's VIDEO mode smooths landmarks with a causal, time-based
#: (one-euro) filter: it lags the foot in swing and rounds the corner where the
#: foot lands, which is exactly the instant the gait engine needs. formcheck
#: filters the series itself, zero-phase (``clean.py``), so the model is told
#: that frames lie this many times further apart, which makes its filter pass
#: the landmarks almost unchanged. Tracking between frames does not depend on
#: time, so it is unaffected. Measured on the synthetic suite: median error of
#: the near knee 9.0 -> 4.3 px, ankle 8.0 -> 4.3 px (tm_left_60).
MODEL_CLOCK_STRETCH = 10_000

LANDMARK_NAMES = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right",
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
    "left_pinky", "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb",
    "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
    "left_heel", "right_heel", "left_foot_index", "right_foot_index",
)
LM = {name: i for i, name in enumerate(LANDMARK_NAMES)}
COLUMNS = ("x_px", "y_px", "z", "visibility", "presence")
N_LANDMARKS = 33

#: Sample the scene for extra people every this many seconds (single-pose pass).
#: Not sparser: at 1.0 s the scout missed the second person of the real
#: two-person walking clip (``outdoor_side_walk_two_people.mp4``), whose walker
#: was then tracked in two chunks. Each sample costs an IMAGE-mode detection
#: (~25 ms), about 0.8 ms per frame of a 60 fps clip.
_SCOUT_EVERY_S = 0.5
_SCOUT_CONFIDENCE = 0.3


@dataclass
class PoseSeries:
    """Landmark time series of one person.

    Attributes
    ----------
    t : ndarray, shape (n_frames,)
        Real time of each frame, seconds from the first frame.
    image : ndarray, shape (n_frames, 33, 5)
        ``x_px, y_px, z, visibility, presence`` per landmark; NaN where no pose.
    world : ndarray, shape (n_frames, 33, 3)
        World landmarks in metres; NaN where no pose.
    width, height : int
        Upright frame size in pixels.
    n_people : ndarray, shape (n_frames,)
        Number of people the landmarker reported in each frame.
    notes : list of Message
        What this stage decided (e.g. which of several people was kept).
    chunks : int
        Parts of the clip tracked in parallel processes and stitched (1: one pass).
    held : ndarray of bool, shape (n_frames,), optional
        True where the frame's pixels repeat the previous frame's picture (slow
        motion made by repeating pictures); measured only where the clip was
        decoded for the runner's window (:func:`zoom_if_small`), else None.
    """

    t: np.ndarray
    image: np.ndarray
    world: np.ndarray
    width: int
    height: int
    n_people: np.ndarray
    notes: list[Message] = field(default_factory=list)  # what the pose stage did, as message codes
    chunks: int = 1
    held: np.ndarray | None = None
    #: the camera's roll read from the scene (:func:`formcheck.io.scene.camera_level`; None: the scene
    #: does not say), filled in by :func:`extract_pose` and cached beside the series (not in its file)
    level: object | None = None

    @property
    def n_frames(self) -> int:
        return int(self.t.shape[0])

    @property
    def found(self) -> np.ndarray:
        """Boolean mask of frames with a pose."""
        return ~np.isnan(self.image[:, 0, 0])

    def xy(self, name: str) -> np.ndarray:
        """(n_frames, 2) pixel coordinates of one landmark by name."""
        return self.image[:, LM[name], :2]

    def save(self, path: Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfiles.for_target(path, ".npz") as tmp:
            np.savez_compressed(
                tmp.path, t=self.t, image=self.image, world=self.world, n_people=self.n_people,
                size=np.array([self.width, self.height]),
                notes=np.array(json.dumps([{"kind": m.kind, "code": m.code, "params": plain_params(m.params)}
                                           for m in self.notes])),
                chunks=np.array(self.chunks),
                **({"held": self.held} if self.held is not None else {}),
            )
            tmp.commit(path)

    @classmethod
    def load(cls, path: Path) -> "PoseSeries":
        with np.load(path, allow_pickle=False) as z:
            w, h = (int(v) for v in z["size"])
            return cls(t=z["t"], image=z["image"], world=z["world"], width=w, height=h,
                       n_people=z["n_people"], notes=[Message(**m) for m in json.loads(str(z["notes"]))],
                       chunks=int(z["chunks"]) if "chunks" in z.files else 1,
                       held=z["held"].astype(bool) if "held" in z.files else None)


@dataclass(frozen=True)
class PoseSettings:
    """Settings that change the pose result (part of the cache key)."""

    min_detection_confidence: float = 0.5
    min_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    max_people: int = 2
    #: show a side-on runner to the model facing left (see :func:`mirror_for`)
    face_left: bool = True


# ------------------------------------------------------------------ landmarker
def _landmarker(model_path: Path, settings: PoseSettings, num_poses: int, mode: str = "VIDEO"):
    from formcheck.io._mediapipe import tasks

    python = tasks()[1]
    BaseOptions, vision = python.BaseOptions, python.vision
    offline.keep_library_offline()  # before the landmarker starts its usage-logging thread

    try:
        opts = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model_path)),
            running_mode=getattr(vision.RunningMode, mode),
            num_poses=num_poses,
            min_pose_detection_confidence=settings.min_detection_confidence,
            min_pose_presence_confidence=settings.min_presence_confidence,
            min_tracking_confidence=settings.min_tracking_confidence,
        )
        return vision.PoseLandmarker.create_from_options(opts)
    except (RuntimeError, ValueError) as exc:
        raise ModelError(f"the pose model {model_path.name} could not be loaded ({str(exc).splitlines()[0]}); run `formcheck models install --force`") from None


#: landmark order with left and right exchanged (for mirrored frames)
_SWAP_LR = np.array([LM["_".join({"left": "right", "right": "left"}.get(w, w) for w in n.split("_"))]
                     for n in LANDMARK_NAMES])


def _to_arrays(result, width: int, height: int, mirrored: bool = False) -> list[tuple[np.ndarray, np.ndarray]]:
    """Landmarks in pixels of the original frame (a mirrored frame's are flipped back, sides exchanged)."""
    poses = []
    for lms, wlms in zip(result.pose_landmarks, result.pose_world_landmarks):
        img = np.array([(p.x * width, p.y * height, p.z * width, p.visibility or 0.0, p.presence or 0.0) for p in lms], dtype=np.float32)
        wld = np.array([(p.x, p.y, p.z) for p in wlms], dtype=np.float32)
        if mirrored:
            img[:, 0] = width - img[:, 0]
            wld[:, 0] = -wld[:, 0]
            img, wld = img[_SWAP_LR], wld[_SWAP_LR]
        poses.append((img, wld))
    return poses


def model_timestamp_ms(t_s: float) -> int:
    """Timestamp (ms) given to the landmarker for a frame at ``t_s`` seconds (see ``MODEL_CLOCK_STRETCH``)."""
    return int(round(t_s * 1000.0 * MODEL_CLOCK_STRETCH))


def _mp_image(frame: Frame, mirrored: bool = False):
    import cv2
    import mediapipe as mp

    # cv2.flip: 0.07 ms for a 720p frame against 3.2 ms for numpy's reversed-stride copy
    data = cv2.flip(frame.image, 1) if mirrored else frame.image
    return mp.Image(image_format=mp.ImageFormat.SRGB, data=data)


def estimate_facing(image: np.ndarray) -> tuple[str, float]:
    """Image direction the runner faces, with the fraction of votes that agree.

    Votes: nose x against the mean ear x, and toes x against heels x.
    ``image`` is ``(n_frames, 33, ≥2)`` landmarks in pixels.
    """
    nose = image[:, LM["nose"], 0]
    ears = np.nanmean(image[:, [LM["left_ear"], LM["right_ear"]], 0], axis=1)
    toes = np.nanmean(image[:, [LM["left_foot_index"], LM["right_foot_index"]], 0], axis=1)
    heels = np.nanmean(image[:, [LM["left_heel"], LM["right_heel"]], 0], axis=1)
    votes = np.concatenate([np.sign(nose - ears), np.sign(toes - heels)])
    votes = votes[np.isfinite(votes) & (votes != 0)]
    if len(votes) == 0:
        return "right", 0.0
    share_right = float(np.mean(votes > 0))
    return ("right", share_right) if share_right >= 0.5 else ("left", 1.0 - share_right)


def spread_ratio(image: np.ndarray) -> float:
    """Median horizontal shoulder and hip separation relative to trunk height.

    About 0 in a true side view, about 0.5–0.8 from behind or in front.
    """
    sh = np.abs(image[:, LM["left_shoulder"], 0] - image[:, LM["right_shoulder"], 0])
    hp = np.abs(image[:, LM["left_hip"], 0] - image[:, LM["right_hip"], 0])
    mid_sh = 0.5 * (image[:, LM["left_shoulder"], :2] + image[:, LM["right_shoulder"], :2])
    mid_hp = 0.5 * (image[:, LM["left_hip"], :2] + image[:, LM["right_hip"], :2])
    trunk = np.linalg.norm(mid_sh - mid_hp, axis=1)
    ratio = (0.5 * (sh + hp)) / trunk
    ratio = ratio[np.isfinite(ratio)]
    return float(np.median(ratio)) if len(ratio) else float("nan")


#: frames the facing scout looks at, spread over the first seconds of the clip
_FACING_FRAMES, _FACING_SPAN_S = 10, 2.0


def mirror_for(info: VideoInfo, model_path: Path, settings: PoseSettings, landmarker=None,
               windows: roi.Windows | None = None) -> bool:
    """Whether to show the clip's frames to the model mirrored (a side-on runner facing right).

    Looks at :data:`_FACING_FRAMES` frames of the first :data:`_FACING_SPAN_S`
    seconds (IMAGE mode, about half a second in all), with ``landmarker`` (an
    IMAGE-mode landmarker, e.g. the scout) or one of its own; inside each
    frame's window when ``windows`` are given (:func:`zoomed_series`).

    Notes
    -----
    MediaPipe's pose model is not mirror-symmetric. On the synthetic runner,
    the same clip mirrored so that the runner faces left gave hip extension at
    toe-off within 2° of the truth instead of 18° too low and the right foot-
    strike class instead of "midfoot" (the toes were placed about 12 px too
    high at toe-off and the foot too flat at contact when facing right). Every
    side-on runner is therefore shown to the model facing left; the landmarks
    are flipped back, so nothing downstream changes. Rear and front views are
    never mirrored.
    """
    if not settings.face_left:
        return False
    frames = []
    own = landmarker is None
    lm = _landmarker(model_path, settings, 1, "IMAGE") if own else landmarker
    try:
        step = max(1, int(round(info.fps * _FACING_SPAN_S / _FACING_FRAMES)))
        for frame in iter_frames(info, end_s=_FACING_SPAN_S + 0.5, every=step):
            frame = _cropped(frame, windows) if windows is not None else frame
            h, w = frame.image.shape[:2]
            frames += [img for img, _ in _to_arrays(lm.detect(_mp_image(frame)), w, h)[:1]]
            if len(frames) >= _FACING_FRAMES:
                break
    finally:
        if own:
            lm.close()
    if len(frames) < 3:
        return False
    image = np.stack(frames)
    if spread_ratio(image) >= 0.3:  # rear or front view
        return False
    facing, agree = estimate_facing(image)
    return facing == "right" and agree >= 0.7


class _SceneTooBusy(Exception):
    """Raised inside the single-pose pass when a second person shows up."""


def make_scout(model_path: Path, settings: PoseSettings):
    """The IMAGE-mode landmarker that looks for extra people (and decides the facing).

    It is deliberately more sensitive than the tracker: a false alarm only
    costs a second pass, a missed person can cost the wrong subject.
    """
    scout_settings = PoseSettings(_SCOUT_CONFIDENCE, _SCOUT_CONFIDENCE, _SCOUT_CONFIDENCE, settings.max_people)
    return _landmarker(model_path, scout_settings, settings.max_people + 1, "IMAGE")


def run_landmarker(frames: Iterable[Frame], model_path: Path, settings: PoseSettings, num_poses: int,
                   scout: bool = False, progress: Callable[[int], None] | None = None,
                   keep_from: float | None = None, keep_before: float | None = None,
                   stop: threading.Event | None = None, mirrored: bool = False, landmarker=None, scouter=None):
    """Run the landmarker over ``frames``.

    Parameters
    ----------
    landmarker, scouter : optional
        A fresh VIDEO-mode landmarker and an IMAGE-mode scout made by
        :func:`make_landmarkers` beforehand (their start-up then overlaps with
        other work); they are closed here. Made here when not given.
    mirrored : bool
        Show the model each frame mirrored left-right; landmarks come back in
        the original frame's pixels and sides (see :func:`mirror_for`).
    keep_from, keep_before : float, optional
        Only frames with ``keep_from <= t < keep_before`` are returned; earlier
        ones still run through the landmarker (they warm up its tracking and
        smoothing when a chunk starts mid-clip).
    stop : threading.Event, optional
        Set by another worker to abandon this run (returns what it has).
    progress : callable, optional
        Called with 1 for each frame processed.

    Returns
    -------
    t : list of float
    poses : list of list of (image (33, 5), world (33, 3)) per frame

    Raises
    ------
    _SceneTooBusy
        With ``scout=True``, when a periodic multi-person check sees a second person.
    """
    t_list: list[float] = []
    poses: list[list] = []
    last_ms = -1
    if landmarker is None:
        landmarker = _landmarker(model_path, settings, num_poses)
    if scout and scouter is None:
        scouter = make_scout(model_path, settings)
    elif not scout and scouter is not None:
        scouter.close()
        scouter = None
    with landmarker as lm:
        try:
            # decoding, image conversion and the scout run one frame ahead in a
            # second thread (both release the GIL), overlapped with the landmarker
            for frame, image, busy in prefetched(_prepare(frames, scouter, stop, keep_before, mirrored)):
                h, w = frame.image.shape[:2]
                ms = max(model_timestamp_ms(frame.t_s), last_ms + 1)  # strictly increasing
                last_ms = ms
                res = lm.detect_for_video(image, ms)
                if keep_from is not None and frame.t_s < keep_from:
                    continue  # warm-up of a chunk: tracked but not kept
                t_list.append(frame.t_s)
                poses.append(_to_arrays(res, w, h, mirrored))
                if busy:
                    raise _SceneTooBusy()
                if progress:
                    progress(1)
        finally:
            if scouter is not None:
                scouter.close()
    return t_list, poses


def _prepare(frames: Iterable[Frame], scouter, stop: threading.Event | None, keep_before: float | None,
             mirrored: bool = False):
    """Frames with their MediaPipe image and the scout's verdict (more than one person?)."""
    next_scout = 0.0
    for frame in frames:
        if (stop is not None and stop.is_set()) or (keep_before is not None and frame.t_s >= keep_before):
            return
        image = _mp_image(frame, mirrored)
        busy = False
        if scouter is not None and frame.t_s >= next_scout:
            next_scout = frame.t_s + _SCOUT_EVERY_S
            busy = len(scouter.detect(image).pose_landmarks) > 1
        yield frame, image, busy


_END = object()


def prefetched(items: Iterable, depth: int = 4):
    """Iterate ``items`` in a background thread, at most ``depth`` items ahead.

    Exceptions from the producer are re-raised in the consumer; closing the
    generator early stops the producer. Memory stays bounded by ``depth``.
    """
    q: queue.Queue = queue.Queue(maxsize=depth)
    closed = threading.Event()

    def produce():
        try:
            for item in items:
                while not closed.is_set():
                    try:
                        q.put((item, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if closed.is_set():
                    return
            q.put((_END, None))
        except BaseException as exc:  # handed to the consumer
            q.put((_END, exc))

    th = threading.Thread(target=produce, name="decode", daemon=True)
    th.start()
    try:
        while True:
            item, exc = q.get()
            if item is _END:
                if exc is not None:
                    raise exc
                return
            yield item
    finally:
        closed.set()
        while th.is_alive():  # unblock a producer waiting on a full queue
            try:
                q.get_nowait()
            except queue.Empty:
                pass
            th.join(timeout=0.05)


#: Seconds each parallel chunk after the first starts tracking before the frames
#: it may keep; those warm-up frames are discarded. With the model's own
#: smoothing switched off (:data:`MODEL_CLOCK_STRETCH`) a restarted landmarker
#: only has to find the runner and settle its region of interest, which takes
#: a few frames; the accuracy of parallel passes is measured against the truth
#: by ``benchmarks/models.py``.
CHUNK_WARMUP_S = 0.3
#: Seconds over which two neighbouring chunks both keep frames; they are
#: stitched at the frame in this window where their landmarks agree best.
STITCH_WINDOW_S = 0.3
#: Shortest chunk worth a worker of its own (s).
MIN_CHUNK_S = 3.0
#: Seconds of video the first chunk (run by the calling process) takes beyond an
#: equal share (negative: less). Measured on the 20 s 720p60 benchmark clip with
#: the helper told the clip early (it decides the facing, then warms up before
#: its chunk) and the engine's SciPy imported beside this process's chunk: the
#: helper finished 0.2-0.7 s before the calling process with -0.2 s, and about
#: with it at -0.5 s. Kept at -0.2 s: the border is where the two chunks are
#: stitched, and at -0.5 s the bundled sample lost one far-leg contact there
#: (tests/data/golden), for about 0.2 s of wall time.
FIRST_CHUNK_EXTRA_S = -0.2
#: Landmarks compared when choosing the stitch frame: hips, knees, ankles, heels, toes.
_STITCH_LANDMARKS = np.arange(23, 33)


def default_workers() -> int:
    """Parallel pose chunks: ``FORMCHECK_WORKERS``, else one per core (at most 2).

    Notes
    -----
    MediaPipe's Python Tasks API runs its TFLite inference on one thread, so a
    second core is only used by a second process. Chunks tracked in two
    processes are not identical to one pass (a landmarker started mid-clip
    stays 1–6 px off a single pass), but they are as accurate against the
    truth: ``benchmarks/models.py`` measures serial and parallel passes of
    each model on the synthetic suite and the real clips (README "Pose model").
    """
    env = os.environ.get("FORMCHECK_WORKERS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(2, os.cpu_count() or 1))


def plan_chunks(duration_s: float, workers: int) -> list[tuple[float, float | None]]:
    """Time ranges ``[start, end)`` per worker (the last one open-ended).

    One chunk when the clip is short or its duration unknown; otherwise up to
    ``workers`` chunks of at least :data:`MIN_CHUNK_S` seconds, equal but for
    :data:`FIRST_CHUNK_EXTRA_S`.
    """
    if workers <= 1 or not duration_s or duration_s < 2 * MIN_CHUNK_S:
        return [(0.0, None)]
    n = int(min(workers, duration_s // MIN_CHUNK_S))
    bounds = [0.0] + [duration_s * k / n + FIRST_CHUNK_EXTRA_S for k in range(1, n)]
    return [(b, bounds[k + 1] if k + 1 < n else None) for k, b in enumerate(bounds)]


def _chunk_frames(info: VideoInfo, start: float, end: float | None):
    """Frames a chunk tracks, and the window it keeps: warm-up before ``start``, stitch window after ``end``."""
    warm = max(0.0, start - CHUNK_WARMUP_S) if start > 0 else 0.0
    keep_before = end + STITCH_WINDOW_S if end is not None else None
    return iter_frames(info, start_s=warm), (start if start > 0 else None), keep_before


def stitch_point(t_a: list[float], poses_a: list, t_b: list[float], poses_b: list) -> float | None:
    """Time at which to switch from chunk ``a`` to the next chunk ``b``.

    Among the frames both chunks hold, the one where the first pose of each
    agrees best (median pixel distance over the leg landmarks); None when they
    share no frame with a pose in both.
    """
    in_b = {round(t, 6): k for k, t in enumerate(t_b)}
    best, best_d = None, np.inf
    for k, t in enumerate(t_a):
        j = in_b.get(round(t, 6))
        if j is None or not poses_a[k] or not poses_b[j]:
            continue
        d = float(np.median(np.linalg.norm(poses_a[k][0][0][_STITCH_LANDMARKS, :2]
                                           - poses_b[j][0][0][_STITCH_LANDMARKS, :2], axis=1)))
        if d < best_d:
            best, best_d = t, d
    return best


def stitch(parts: list[tuple[list[float], list]]) -> tuple[list[float], list]:
    """Join chunk results that overlap by a stitch window into one series."""
    t_all, p_all = list(parts[0][0]), list(parts[0][1])
    for t_b, p_b in parts[1:]:
        if not t_b:
            continue
        at = stitch_point(t_all, p_all, t_b, p_b)
        if at is None:
            at = t_b[0]
        cut = next((k for k, t in enumerate(t_all) if t >= at - 1e-9), len(t_all))
        first = next((k for k, t in enumerate(t_b) if t >= at - 1e-9), len(t_b))
        t_all, p_all = t_all[:cut] + list(t_b[first:]), p_all[:cut] + list(p_b[first:])
    return t_all, p_all


def _send(out, msg) -> None:
    data = pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(struct.pack("<Q", len(data)) + data)
    out.flush()


def _receive(inp):
    head = inp.read(8)
    if len(head) < 8:
        raise EOFError("pose helper pipe closed")
    (n,) = struct.unpack("<Q", head)
    data = inp.read(n)
    if len(data) < n:
        raise EOFError("pose helper pipe closed")
    return pickle.loads(data)


def helper_loop(inp, out) -> None:
    """Body of a helper process (``python -m formcheck.io._pose_helper``).

    Reads ``(info, model_path, settings, decide_facing)`` once (with
    ``decide_facing`` it answers at once with ``("facing", ("ok", mirrored))``
    or ``("facing", ("error", exc))``, see :func:`mirror_for`), then chunk
    tasks ``(start, end, num_poses, scout, mirrored)``, ``"stop"`` (abandon
    the current chunk) or ``None`` (exit); answers each task with
    ``("tick", n)`` messages and one ``("ok", (t, poses))``, ``("busy", None)``
    or ``("error", exc)``.
    """
    info, model_path, settings, decide_facing = _receive(inp)
    stop = threading.Event()
    tasks: queue.Queue = queue.Queue()

    def read():
        try:
            while True:
                msg = _receive(inp)
                if msg == "stop":
                    stop.set()
                else:
                    tasks.put(msg)
                    if msg is None:
                        return
        except (EOFError, OSError):
            stop.set()
            tasks.put(None)

    threading.Thread(target=read, name="helper-input", daemon=True).start()
    # made while the caller imports or decides the facing, for the first (single-pose) task
    scout = make_scout(Path(model_path), settings)
    if decide_facing:
        try:
            _send(out, ("facing", ("ok", mirror_for(info, Path(model_path), settings, landmarker=scout))))
        except Exception as exc:
            _send(out, ("facing", ("error", _as_formcheck_error(exc))))
    ready = (_landmarker(Path(model_path), settings, 1), scout)
    while True:
        task = tasks.get()
        if task is None:
            return
        stop.clear()
        start, end, num_poses, scout, mirrored = task
        lm, sc = ready if ready is not None and num_poses == 1 else (None, None)
        if ready is not None and lm is None:
            for x in ready:
                x.close()
        ready = None
        pending = [0]

        def tick(n):
            pending[0] += n
            if pending[0] >= 10:
                _send(out, ("tick", pending[0]))
                pending[0] = 0
        try:
            frames, keep_from, keep_before = _chunk_frames(info, start, end)
            res = run_landmarker(frames, Path(model_path), settings, num_poses, scout=scout, progress=tick,
                                 keep_from=keep_from, keep_before=keep_before, stop=stop, mirrored=mirrored,
                                 landmarker=lm, scouter=sc)
            _send(out, ("ok", res))
        except _SceneTooBusy:
            _send(out, ("busy", None))
        except Exception as exc:  # handed to the parent, which raises it
            _send(out, ("error", _as_formcheck_error(exc)))


def _as_formcheck_error(exc: Exception) -> FormcheckError:
    """What a helper hands its parent for an exception: the error itself, or one sentence for a bug."""
    return exc if isinstance(exc, FormcheckError) else ModelError(
        f"the second pose process failed ({type(exc).__name__}: {exc}); analyse again with `--workers 1`")


class PoseHelpers:
    """Helper processes that track chunks of a clip beside the calling process.

    Each is a fresh interpreter (``python -m formcheck.io._pose_helper``, so no
    caller's ``__main__`` is re-run and no threads are forked), talking over
    its stdin/stdout with length-prefixed pickles; a reader thread per helper
    counts its progress. They are spawned first (``PoseHelpers(n)``: each
    starts importing MediaPipe at once, while the caller imports and probes
    the clip) and told the clip later (:meth:`configure`), so their start-up
    is off the critical path. Closed with the context manager without waiting
    for them to exit; a helper whose parent dies sees its input close and exits.
    """

    def __init__(self, n: int):
        import subprocess
        import sys

        self._helpers = []
        self.configured = self.decides_facing = False
        self.clip = None
        for _ in range(max(0, n)):
            proc = subprocess.Popen([sys.executable, "-m", "formcheck.io._pose_helper"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            h = {"proc": proc, "done": 0, "results": queue.Queue(), "facing": queue.Queue()}
            h["reader"] = threading.Thread(target=self._read, args=(h,), name="pose-helper-reader", daemon=True)
            h["reader"].start()
            self._helpers.append(h)

    def configure(self, info: VideoInfo, model_path: Path, settings: PoseSettings, n: int,
                  decide_facing: bool = False) -> "PoseHelpers":
        """Tell ``n`` helpers the clip, the model and the settings (they make their landmarkers); end the rest.

        With ``decide_facing`` the first helper also decides at once whether
        the frames are shown to the model mirrored (:meth:`facing`), so the
        caller need not, e.g. while it is still importing the engine.
        """
        for h in self._helpers[n:]:
            _end(h, kill=True)
        self._helpers = self._helpers[:n]
        for k, h in enumerate(self._helpers):
            _send(h["proc"].stdin, (info, str(model_path), settings, decide_facing and k == 0))
        self.configured = True
        self.decides_facing = decide_facing and n > 0
        self.clip = (info.path, str(model_path), settings)
        return self

    def facing(self) -> bool:
        """The first helper's :func:`mirror_for` verdict (it was configured with ``decide_facing``)."""
        status, payload = self._helpers[0]["facing"].get()
        if status == "gone":
            raise ModelError("the second pose process stopped unexpectedly; analyse again with `--workers 1`")
        if status == "error":
            raise payload
        return payload

    @staticmethod
    def _read(h) -> None:
        try:
            while True:
                kind, payload = _receive(h["proc"].stdout)
                if kind == "tick":
                    h["done"] += payload
                elif kind == "facing":
                    h["facing"].put(payload)
                else:
                    h["results"].put((kind, payload))
        except Exception:  # pipe closed or garbled: the waiting side reports it
            h["results"].put(("gone", None))
            h["facing"].put(("gone", None))

    def __len__(self) -> int:
        return len(self._helpers)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def submit(self, k: int, task: tuple) -> None:
        h = self._helpers[k]
        h["done"] = 0
        _send(h["proc"].stdin, task)

    def done(self) -> int:
        return sum(h["done"] for h in self._helpers)

    def cancel(self, k: int) -> None:
        """Ask helper ``k`` to abandon its chunk (its answer must still be collected)."""
        try:
            _send(self._helpers[k]["proc"].stdin, "stop")
        except OSError:
            pass

    def result(self, k: int, waiting: Callable[[], None] | None = None):
        """Wait for helper ``k``'s chunk (calling ``waiting`` every 0.2 s); raises what the helper raised."""
        while True:
            try:
                status, payload = self._helpers[k]["results"].get(timeout=0.2)
                break
            except queue.Empty:
                if waiting is not None:
                    waiting()
        if status == "gone":
            raise ModelError("the second pose process stopped unexpectedly; analyse again with `--workers 1`")
        if status == "busy":
            raise _SceneTooBusy()
        if status == "error":
            raise payload
        return payload

    def close(self) -> None:
        """End the helpers: an idle one is told to exit (it was never given a clip: killed); not waited for."""
        for h in self._helpers:
            _end(h, kill=not self.configured)
        self._helpers = []


def _end(h: dict, kill: bool) -> None:
    """Close helper ``h``'s input (or kill it) and reap it in a background thread."""
    proc = h["proc"]
    if kill:
        proc.kill()
    try:
        proc.stdin.close()
    except OSError:
        pass

    def reap():
        try:
            proc.wait(timeout=5)
        except Exception:
            proc.kill()
            proc.wait()
        h["reader"].join(timeout=1)
        proc.stdout.close()
    threading.Thread(target=reap, name="pose-helper-reaper", daemon=True).start()


def submit_chunks(info: VideoInfo, helpers: PoseHelpers, num_poses: int, *, scout: bool, mirrored: bool) -> None:
    """Give each helper its chunk of the clip (:func:`plan_chunks`; the first chunk is the caller's)."""
    for k, (a, b) in enumerate(plan_chunks(info.duration_hint_s, 1 + len(helpers))[1:]):
        helpers.submit(k, (a, b, num_poses, scout, mirrored))


def run_parallel(info: VideoInfo, model_path: Path, settings: PoseSettings, num_poses: int, *, scout: bool,
                 helpers: PoseHelpers | None = None, progress: Callable[[int], None] | None = None,
                 mirrored: bool = False, scouter=None, submitted: bool = False, landmarker=None):
    """:func:`run_landmarker` over the whole clip, split into chunks: the first here, the rest in ``helpers``.

    Each chunk after the first starts :data:`CHUNK_WARMUP_S` early and
    discards those frames; neighbouring chunks both keep a
    :data:`STITCH_WINDOW_S` window and are joined where they agree best
    (:func:`stitch`). Progress is reported from the calling thread (Streamlit
    needs that) as the number of frames done in all chunks. ``submitted``: the
    helpers were given their chunks already (:func:`submit_chunks`);
    ``landmarker``, ``scouter``: made beforehand for the first chunk (see :func:`run_landmarker`).
    """
    chunks = plan_chunks(info.duration_hint_s, 1 + len(helpers)) if helpers else [(0.0, None)]
    count = [0]

    def tick(n):
        count[0] += n
        if progress:
            progress(count[0] + (helpers.done() if helpers is not None and len(chunks) > 1 else 0))

    if len(chunks) == 1:
        return run_landmarker(iter_frames(info), model_path, settings, num_poses, scout=scout, progress=tick,
                              mirrored=mirrored, scouter=scouter, landmarker=landmarker)
    if not submitted:
        submit_chunks(info, helpers, num_poses, scout=scout, mirrored=mirrored)
    answered = 0  # helpers whose answer has been collected
    try:
        frames, keep_from, keep_before = _chunk_frames(info, *chunks[0])
        parts = [run_landmarker(frames, model_path, settings, num_poses, scout=scout, progress=tick,
                                keep_from=keep_from, keep_before=keep_before, mirrored=mirrored, scouter=scouter,
                                landmarker=landmarker)]
        while answered < len(chunks) - 1:
            answered += 1
            parts.append(helpers.result(answered - 1, waiting=lambda: tick(0)))
    except BaseException:
        # stop the others and collect their answers, so a second pass starts clean
        for k in range(answered, len(chunks) - 1):
            helpers.cancel(k)
        for k in range(answered, len(chunks) - 1):
            try:
                helpers.result(k)
            except BaseException:
                pass
        raise
    return stitch(parts)


# -------------------------------------------------------------------- tracking
def _centre_and_size(img: np.ndarray) -> tuple[np.ndarray, float]:
    body = img[[11, 12, 23, 24], :2]
    centre = body.mean(axis=0)
    ys = img[:, 1]
    size = float(np.nanmax(ys) - np.nanmin(ys))
    return centre, max(size, 1.0)


def link_tracks(poses: list[list[tuple[np.ndarray, np.ndarray]]], max_gap: int = 15) -> list[dict[int, int]]:
    """Link per-frame poses into tracks by nearest torso centre.

    Returns a list of tracks, each a mapping ``frame index -> pose index in that frame``.
    A pose joins the track whose last centre is nearest, within one body height
    and ``max_gap`` frames; otherwise it starts a new track.
    """
    tracks: list[dict] = []  # {"frames": {f: k}, "centre": c, "size": s, "last": f}
    for f, frame_poses in enumerate(poses):
        taken: set[int] = set()
        cands = []
        for k, (img, _) in enumerate(frame_poses):
            c, s = _centre_and_size(img)
            for ti, tr in enumerate(tracks):
                if f - tr["last"] > max_gap:
                    continue
                d = float(np.linalg.norm(c - tr["centre"])) / max(s, tr["size"])
                if d < 1.0:
                    cands.append((d, k, ti, c, s))
        used_poses: set[int] = set()
        for d, k, ti, c, s in sorted(cands):
            if k in used_poses or ti in taken:
                continue
            tr = tracks[ti]
            tr["frames"][f] = k
            tr["centre"], tr["size"], tr["last"] = c, s, f
            used_poses.add(k)
            taken.add(ti)
        for k, (img, _) in enumerate(frame_poses):
            if k not in used_poses:
                c, s = _centre_and_size(img)
                tracks.append({"frames": {f: k}, "centre": c, "size": s, "last": f})
    return [tr["frames"] for tr in tracks]


def choose_runner(poses, tracks: list[dict[int, int]]) -> tuple[int, list[float]]:
    """Index of the runner's track: most persistent and largest (frames × median height)."""
    scores = []
    for tr in tracks:
        sizes = [_centre_and_size(poses[f][k][0])[1] for f, k in tr.items()]
        scores.append(len(tr) * float(np.median(sizes)))
    return int(np.argmax(scores)), scores


def assemble(t: list[float], poses, width: int, height: int) -> PoseSeries:
    """Pick the runner among the per-frame poses and build the :class:`PoseSeries`."""
    n = len(t)
    image = np.full((n, N_LANDMARKS, 5), np.nan, dtype=np.float32)
    world = np.full((n, N_LANDMARKS, 3), np.nan, dtype=np.float32)
    n_people = np.array([len(p) for p in poses], dtype=np.int16)
    notes: list[Message] = []
    tracks = link_tracks(poses)
    if tracks:
        best, scores = choose_runner(poses, tracks)
        for f, k in tracks[best].items():
            image[f], world[f] = poses[f][k]
        if int(n_people.max()) > 1:
            notes.append(note("several_people", n=int(n_people.max()), kept=len(tracks[best]), total=n))
    return PoseSeries(t=np.asarray(t, dtype=np.float64), image=image, world=world, width=width,
                      height=height, n_people=n_people, notes=notes)


# ------------------------------------------------------------------------ zoom
ZOOM_BELOW_FOUND = 0.5
"""A pass that finds the runner in fewer than this share of the frames is tried again on a
window that follows the moving person (:mod:`formcheck.io.roi`)."""

ZOOM_GAIN = 1.5
"""The zoomed pass replaces the first one only when it finds the runner in at least this many
times as many frames (and in a fifth of the clip more): a runner who is simply out of the
picture half of the time keeps the first pass."""


def _cropped(frame: Frame, windows: roi.Windows) -> Frame:
    k = min(frame.index, windows.x0.size - 1)
    x0, y0, s = int(windows.x0[k]), int(windows.y0[k]), windows.side
    return Frame(frame.index, frame.t_s, np.ascontiguousarray(frame.image[y0:y0 + s, x0:x0 + s]))


def mover_windows(info: VideoInfo) -> tuple[roi.Windows | None, np.ndarray]:
    """Crop windows around the moving runner and the frames that repeat a picture, from one decode of the clip.

    See :func:`formcheck.io.roi.crop_windows` and :func:`formcheck.io.roi.repeated_pictures`.
    """
    expected = info.n_frames_hint or int(round(info.duration_hint_s * info.fps)) or 1
    side = roi.small_side(expected, info.width / max(1, info.height))
    small = np.stack([roi.grey_small(f.image, side) for f in iter_frames(info)])
    centre, size = roi.mover_boxes(small)
    return roi.crop_windows(centre, size, small.shape[1:], (info.width, info.height)), roi.repeated_pictures(small)


def zoomed_series(info: VideoInfo, model_path: Path, settings: PoseSettings, windows: roi.Windows,
                  held: np.ndarray | None = None) -> PoseSeries:
    """One serial single-person pass over each frame's window; landmarks back in the frame's pixels.

    The facing is decided again on the windows (:func:`mirror_for`): on the
    whole frame the model could not see the runner well enough to say.
    """
    mirrored = mirror_for(info, model_path, settings, windows=windows)
    t, poses = run_landmarker((_cropped(f, windows) for f in iter_frames(info)), model_path, settings, 1,
                              mirrored=mirrored)
    for i, frame_poses in enumerate(poses):
        k = min(i, windows.x0.size - 1)
        for img, _ in frame_poses:
            img[:, 0] += windows.x0[k]
            img[:, 1] += windows.y0[k]
    series = assemble(t, poses, info.width, info.height)
    series.held = held if held is not None and held.size == series.n_frames else None
    series.notes.append(note("zoomed", side=windows.side))
    if mirrored:
        series.notes.append(note("mirrored"))
    return series


def zoom_if_small(series: PoseSeries, info: VideoInfo, model_path: Path, settings: PoseSettings,
                  key: str | None = None, say: Callable[[str], None] = lambda msg: None) -> PoseSeries:
    """``series``, or a zoomed pass (:func:`zoomed_series`) when the runner was found in too few frames.

    Only a pass finding the runner in fewer than :data:`ZOOM_BELOW_FOUND` of the
    frames is tried again, and the zoomed one is kept only when it finds the
    runner in :data:`ZOOM_GAIN` times as many frames. The outcome (zoomed or
    not) is cached beside the first pass as ``<key>-zoom.npz``.
    """
    n = series.n_frames
    if n == 0 or series.found.mean() >= ZOOM_BELOW_FOUND:
        return series
    cached = config.cache_dir("pose") / f"{key}-zoom.npz" if key else None
    if cached is not None and cached.exists():
        try:
            return PoseSeries.load(cached)
        except (OSError, ValueError, KeyError):
            cached.unlink(missing_ok=True)
    result = series
    windows, held = mover_windows(info)
    if windows is not None:
        say(f"pose: the runner was found in {series.found.mean():.0%} of the frames; tracking again "
            f"in a {windows.side}-px window that follows the moving person")
        zoomed = zoomed_series(info, model_path, settings, windows, held)
        before, after = int(series.found.sum()), int(zoomed.found.sum())
        if after >= max(ZOOM_GAIN * before, before + 0.2 * n):
            result = zoomed
    if cached is not None:
        result.save(cached)
    return result


# ----------------------------------------------------------------------- cache
def video_digest(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def cache_key(video_sha256: str, model_sha256: str, info: VideoInfo, settings: PoseSettings,
              chunks: int = 1) -> str:
    extra = {"chunks": chunks} if chunks > 1 else {}  # chunked results differ slightly from one pass
    blob = json.dumps({"video": video_sha256, "model": model_sha256, "capture_fps": info.capture_fps,
                       "settings": settings.__dict__, "version": POSE_VERSION, **extra}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


# ------------------------------------------------------------------------ main
def extract_pose(info: VideoInfo, model_path: Path, *, settings: PoseSettings = PoseSettings(),
                 use_cache: bool = True, progress: Callable[[int], None] | None = None,
                 log: Callable[[str], None] | None = None, workers: int | None = None,
                 helpers: PoseHelpers | None = None, meanwhile: Callable[[], None] | None = None) -> PoseSeries:
    """Pose series of the runner in the clip described by ``info``.

    Parameters
    ----------
    info : VideoInfo
        From :func:`formcheck.io.video.probe`.
    model_path : Path
        A verified ``.task`` bundle (:func:`formcheck.io.provision.verified_model_path`).
    use_cache : bool
        Reuse a result stored under the data dir for the same video content,
        model and settings.
    progress : callable, optional
        Called (from the calling thread) with the number of frames done so far.
    workers : int, optional
        Chunks tracked in parallel processes (default :func:`default_workers`);
        1 runs one serial pass.
    helpers : PoseHelpers, optional
        Helper processes spawned beforehand (not yet configured), e.g. by the
        CLI before it imports the engine; the caller closes them. Made and
        closed here when not given.
    meanwhile : callable, optional
        Called once while this process waits for a helper to decide the
        facing (it has a core to itself then), e.g. to import what comes next.

    Raises
    ------
    NoRunnerError
        When no pose is found in any frame.
    """
    from formcheck.io.provision import sha256_file

    say = log or (lambda msg: None)
    key = None
    workers = default_workers() if workers is None else workers
    if helpers is not None:
        workers = min(workers, 1 + len(helpers))
    n_chunks = len(plan_chunks(info.duration_hint_s, workers))
    if use_cache:
        digest = video_digest(Path(info.path))
        # named by the video's content first, so erasing a patient's video finds every derived file
        key = f"{digest[:16]}-{cache_key(digest, sha256_file(model_path), info, settings, n_chunks)}"
        cached = config.cache_dir("pose") / f"{key}.npz"
        if cached.exists():
            try:
                series = PoseSeries.load(cached)
            except (OSError, ValueError, KeyError):
                cached.unlink(missing_ok=True)
            else:
                say("pose: reused the cached result for this clip")
                return _levelled(_with_runner(zoom_if_small(series, info, model_path, settings, key, say), info),
                                 info, key)
    own = helpers is None
    helpers = PoseHelpers(n_chunks - 1) if own else helpers
    if not helpers.configured:
        helpers.configure(info, model_path, settings, n_chunks - 1)
    elif helpers.clip != (info.path, str(model_path), settings) or 1 + len(helpers) != n_chunks:
        raise ValueError("the pose helpers were configured for another clip, model, settings or chunking")
    opening = _Background(None)
    with helpers if own else contextlib.nullcontext(helpers):
        scouter = make_scout(model_path, settings)  # decides the facing, then looks for extra people
        early = helpers.decides_facing  # a helper told the clip early has decided the facing meanwhile
        landmarker = None
        try:
            if early:
                # Until the helper's verdict comes this process has a core to itself: it reads the scene's
                # verticals for the camera roll (else done after the pose pass), makes its tracker and
                # lets the caller use the time (``meanwhile``).
                from formcheck.io.scene import opening_segments

                opening = _Background(lambda: opening_segments(info))
                landmarker = _landmarker(model_path, settings, 1)
                if meanwhile is not None:
                    meanwhile()
            mirrored = helpers.facing() if early else mirror_for(info, model_path, settings, landmarker=scouter)
        except BaseException:
            scouter.close()
            if landmarker is not None:
                landmarker.close()
            raise
        if early:
            submit_chunks(info, helpers, 1, scout=True, mirrored=mirrored)
        try:
            t, poses = run_parallel(info, model_path, settings, 1, scout=True, helpers=helpers, progress=progress,
                                    mirrored=mirrored, scouter=scouter, submitted=early, landmarker=landmarker)
            used_chunks = n_chunks
        except _SceneTooBusy:
            # One serial pass here: a landmarker restarted mid-clip with several
            # poses finds the people again in its own time and order, and on the
            # real two-person clip the walker's track then broke at the chunk
            # border (138 -> 93 frames) and the bystander was kept as the subject.
            say("pose: more than one person in view; tracking everyone and keeping the runner")
            t, poses = run_parallel(info, model_path, settings, settings.max_people, scout=False, helpers=None,
                                    progress=progress, mirrored=mirrored)
            used_chunks = 1
    series = assemble(t, poses, info.width, info.height)
    series.chunks = used_chunks
    if mirrored:
        series.notes.append(note("mirrored"))
    if key is not None:
        series.save(config.cache_dir("pose") / f"{key}.npz")
    return _levelled(_with_runner(zoom_if_small(series, info, model_path, settings, key, say), info), info, key,
                     opening.result())


class _Background:
    """``fn()`` run in a daemon thread; :meth:`result` waits for it (None for no ``fn`` or when it raised).

    For work whose failure only costs doing it again later, e.g. :func:`formcheck.io.scene.opening_segments`.
    """

    def __init__(self, fn: Callable[[], object] | None):
        self._value = None
        self._thread = None
        if fn is not None:
            def work():
                try:
                    self._value = fn()
                except Exception:
                    self._value = None
            self._thread = threading.Thread(target=work, name="background", daemon=True)
            self._thread.start()

    def result(self):
        if self._thread is not None:
            self._thread.join()
        return self._value


def _levelled(series: PoseSeries, info: VideoInfo, key: str | None, opening=None) -> PoseSeries:
    """``series`` with its :attr:`PoseSeries.level`, read from ``<key>-level.json`` or measured and written there.

    The roll depends only on the clip and the runner's landmarks, so a re-analysis does not decode and
    scan the sample frames again (0.15–1.5 s). ``opening``: the clip's
    :func:`formcheck.io.scene.opening_segments` when already read.
    """
    from formcheck.io.scene import Level, camera_level

    cached = config.cache_dir("pose") / f"{key}-level.json" if key else None
    if cached is not None and cached.exists():
        try:
            data = json.loads(cached.read_text(encoding="utf-8"))
            series.level = None if data is None else Level(data["roll_deg"], data["support"], data["agreement"],
                                                            tuple(data["centre"]))
            return series
        except (OSError, ValueError, KeyError, TypeError):
            cached.unlink(missing_ok=True)
    series.level = camera_level(info, series, opening)
    if cached is not None:
        lv = series.level
        text = json.dumps(None if lv is None else {"roll_deg": lv.roll_deg, "support": lv.support,
                                                   "agreement": lv.agreement, "centre": list(lv.centre)})
        try:
            with tempfiles.for_target(cached, ".json") as tmp:
                Path(tmp.path).write_text(text, encoding="utf-8")
                tmp.commit(cached)
        except OSError:
            pass  # a cache that cannot be written costs the next run the scan, nothing else
    return series


def _with_runner(series: PoseSeries, info: VideoInfo) -> PoseSeries:
    if not series.found.any():
        raise NoRunnerError(
            f"no person was found in {Path(info.path).name}; film the whole body from the side, in good light, 3–5 m away"
        )
    return series
