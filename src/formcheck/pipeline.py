"""The whole analysis of one clip, as the CLI and the dashboard call it.

``analyze_video`` runs the stages in order and returns the JSON-ready result
(the public contract, ``schema_version`` 1; see the README).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Callable

import numpy as np

from formcheck import __version__
from formcheck.pose import LANDMARK_NAMES, PoseSeries, extract_pose
from formcheck.progress import Progress, quiet_native_stderr
from formcheck.provision import sha256_file, verified_model_path
from formcheck.video import VideoInfo, probe

SCHEMA_VERSION = 1


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename (never half-written)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def video_block(info: VideoInfo, series: PoseSeries) -> dict:
    """The ``video`` object of the JSON contract."""
    n = series.n_frames
    duration = float(series.t[-1] - series.t[0]) if n > 1 else 0.0
    fps = (n - 1) / duration if duration > 0 else info.fps
    return {
        "path": info.path, "fps": round(fps, 3), "n_frames": n, "duration_s": round(duration, 4),
        "width": info.width, "height": info.height, "rotation_deg": info.rotation_deg,
        "capture_fps": info.capture_fps, "codec": info.codec, "nominal_fps": round(info.nominal_fps, 3),
    }


def pose_block(series: PoseSeries, model_path: Path) -> dict:
    found = series.found
    return {
        "model": model_path.name, "model_sha256": sha256_file(model_path),
        "frames_with_pose": int(found.sum()), "frames_with_pose_pct": round(100.0 * float(found.mean()), 1),
        "max_people_in_view": int(series.n_people.max()) if series.n_frames else 0,
        "notes": series.notes,
    }


def write_pose_outputs(series: PoseSeries, out_dir: Path) -> list[str]:
    """Write ``pose.npz`` and a long-format ``pose.csv`` (frame, t_s, landmark, x, y, z, visibility, presence)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    series.save(out_dir / "pose.npz")
    lines = ["frame,t_s,landmark,x_px,y_px,z,visibility,presence"]
    for i in range(series.n_frames):
        if not series.found[i]:
            continue
        for j, name in enumerate(LANDMARK_NAMES):
            x, y, z, v, p = (float(c) for c in series.image[i, j])
            lines.append(f"{i},{series.t[i]:.6f},{name},{x:.2f},{y:.2f},{z:.2f},{v:.3f},{p:.3f}")
    write_text_atomic(out_dir / "pose.csv", "\n".join(lines) + "\n")
    return ["pose.npz", "pose.csv"]


def analyze_video(video, *, capture_fps: float | None = None, lang: str = "de", model=None,
                  use_cache: bool = True, out_dir=None, log: Callable[[str], None] | None = None,
                  show_progress: bool = False, on_progress: Callable[[float], None] | None = None) -> dict:
    """Analyse one clip and return the JSON-ready result.

    Parameters
    ----------
    video : path-like
        The clip.
    capture_fps : float, optional
        For slow-motion clips: the capture frame rate.
    lang : {"de", "en"}
        Language of messages.
    model : path-like, optional
        A specific ``.task`` bundle; default: the provisioned, checksum-verified one.
    on_progress : callable, optional
        Receives the fraction done (0–1) while the pose model runs.
    """
    say = log or (lambda msg: None)
    info = probe(video, capture_fps=capture_fps)
    model_path = verified_model_path(Path(model) if model else None, log=say)
    expected = info.n_frames_hint or int(round(info.duration_hint_s * info.fps)) or None
    bar = Progress("pose", expected) if show_progress else None

    def tick(frame):
        if bar:
            bar.update(frame.index + 1)
        if on_progress and expected:
            on_progress(min((frame.index + 1) / expected, 1.0))

    with quiet_native_stderr():
        series = extract_pose(info, model_path, use_cache=use_cache, progress=tick, log=say)
    if bar:
        bar.close()
    result = {
        "schema_version": SCHEMA_VERSION,
        "formcheck_version": __version__,
        "video": video_block(info, series),
        "pose": pose_block(series, model_path),
    }
    if out_dir:
        files = write_pose_outputs(series, Path(out_dir))
        result["pose"]["files"] = files
    return result


def summary_text(result: dict) -> str:
    v, p = result["video"], result["pose"]
    lines = [
        f"{Path(v['path']).name}: {v['width']}×{v['height']}, {v['fps']:.1f} fps, {v['n_frames']} frames, {v['duration_s']:.1f} s",
        f"pose found in {p['frames_with_pose']} of {v['n_frames']} frames ({p['frames_with_pose_pct']:.0f} %)",
    ]
    lines += [f"note: {n}" for n in p["notes"]]
    return "\n".join(lines)
