"""Speed and memory of `formcheck analyze` against the naive loop (run by hand; prints figures).

Generates once a 20 s, 1280×720, 60 fps synthetic clip in ``benchmarks/out/``,
then times, interleaved (A B C A B C …, median of ``--repeat`` runs each, every
run a fresh process with a cold pose cache):

- A: the whole ``formcheck analyze CLIP --json OUT`` as a user runs it (the
  default: both cores, two chunks tracked in two processes),
- B: the same with ``--workers 1`` (one serial pass),
- N: the naive loop written the obvious way — OpenCV decode, RGB conversion,
  ``PoseLandmarker.detect_for_video`` per frame, the same model file.

``--variant lite|full|heavy`` picks the model for all three (default: the
provisioned default variant).

and prints wall time (including interpreter start-up), frames/s, the ratio to
the naive loop and peak memory (max RSS) of each. Then the re-analysis of the
same clip with the pose cache warm. ``--long`` also measures peak memory for a
60 s 1080p clip (generated once) to show memory does not grow with the clip.

Usage::

    .venv/bin/python benchmarks/speed.py [--repeat 3] [--long]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
CLIP = OUT / "speed_20s_720p60.mp4"
LONG = OUT / "speed_60s_1080p30.mp4"


def ensure_clip(path: Path, **scene) -> Path:
    if not path.exists():
        from formcheck.synth import Gait, Scene, generate

        print(f"generating {path.name} (once) …", file=sys.stderr, flush=True)
        generate(path, Gait(cadence_spm=170), Scene(facing="left", seed=21, **scene))
    return path


# ------------------------------------------------------------------ children
def child_naive(clip: str, model: str) -> dict:
    """The naive loop: decode with OpenCV, run the landmarker frame by frame."""
    import cv2
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    opts = vision.PoseLandmarkerOptions(base_options=BaseOptions(model_asset_path=model),
                                        running_mode=vision.RunningMode.VIDEO, num_poses=1)
    cap = cv2.VideoCapture(clip)
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    n = 0
    with vision.PoseLandmarker.create_from_options(opts) as lm:
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            lm.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), int(n * 1000 / fps))
            n += 1
    return {"frames": n}


def child_analyze(clip: str, workers: str, variant: str) -> dict:
    from formcheck.cli import main

    argv = ["analyze", clip, "--json", os.devnull, "--model-variant", variant]
    if workers != "default":
        argv += ["--workers", workers]
    code = main(argv)
    return {"exit": code}


def _child(argv: list[str]) -> None:
    import resource

    kind = argv[0]
    res = child_naive(*argv[1:]) if kind == "naive" else child_analyze(*argv[1:])
    # peak memory of this process plus the largest helper process it started
    res["max_rss_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                         + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024.0
    print("RESULT " + json.dumps(res), flush=True)
    if kind != "naive":
        os._exit(0)  # as the `formcheck` command leaves (formcheck.cli.entry); the naive loop exits as scripts do


def run_child(args: list[str], home: str) -> dict:
    env = {**os.environ, "FORMCHECK_HOME": home, "PYTHONWARNINGS": "ignore"}
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    line = next((ln for ln in p.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if p.returncode != 0 or line is None:
        raise SystemExit(f"child {args} failed:\n{p.stderr[-3000:]}")
    res = json.loads(line[7:])
    res["wall_s"] = wall
    return res


# ------------------------------------------------------------------ main
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--long", action="store_true", help="also the 60 s 1080p memory check")
    ap.add_argument("--variant", choices=("lite", "full", "heavy"), default=None)
    args = ap.parse_args(argv)
    from formcheck.io.provision import DEFAULT_VARIANT, verified_model_path
    from formcheck.io.video import probe

    variant = args.variant or DEFAULT_VARIANT
    model = str(verified_model_path(variant=variant))
    clip = ensure_clip(CLIP, fps=60, width=1280, height=720, duration_s=20.0, setting="treadmill")
    n_frames = probe(clip).n_frames_hint
    runs = {"A": [], "B": [], "N": []}
    spec = {"A": ["analyze", str(clip), "default", variant], "B": ["analyze", str(clip), "1", variant],
            "N": ["naive", str(clip), model]}
    for r in range(args.repeat):
        for key in ("A", "B", "N"):
            with tempfile.TemporaryDirectory() as home:  # cold pose cache every time
                res = run_child(spec[key], home)
            runs[key].append(res)
            print(f"  run {r + 1} {key}: {res['wall_s']:6.2f} s  max RSS {res['max_rss_mb']:6.0f} MB", file=sys.stderr)
    med = {k: statistics.median(x["wall_s"] for x in v) for k, v in runs.items()}
    mem = {k: max(x["max_rss_mb"] for x in v) for k, v in runs.items()}
    cores = os.cpu_count() or 1
    print(f"clip: {clip.name}, {n_frames} frames (20 s, 1280x720, 60 fps); {cores} cores; model {variant}; "
          f"median of {args.repeat} interleaved runs, cold cache, wall time incl. start-up")
    print(f"{'':38} {'wall s':>8} {'frames/s':>9} {'x naive':>8} {'peak MB':>8}")
    names = {"N": "naive loop (OpenCV + detect_for_video)", "A": "formcheck analyze (default, 2 processes)",
             "B": "formcheck analyze --workers 1"}
    for k in ("N", "A", "B"):
        print(f"{names[k]:38} {med[k]:8.2f} {n_frames / med[k]:9.1f} {med[k] / med['N']:8.2f} {mem[k]:8.0f}")
    # two-core limit: the model's own single-core rate times the cores
    print(f"two-core limit (model rate x {cores}): wall = naive / {cores} -> ratio {1 / cores:.2f}; "
          f"the default reaches {(med['N'] / cores) / med['A']:.0%} of that limit, one serial pass "
          f"{(med['N'] / cores) / med['B']:.0%}")
    with tempfile.TemporaryDirectory() as home:
        run_child(spec["A"], home)
        warm = [run_child(spec["A"], home)["wall_s"] for _ in range(3)]
    print(f"re-analysis with the pose cache warm: {statistics.median(warm):.2f} s (median of 3, incl. start-up)")
    if args.long:
        long = ensure_clip(LONG, fps=30, width=1920, height=1080, duration_s=60.0, setting="treadmill")
        for w in ("default", "1"):
            with tempfile.TemporaryDirectory() as home:
                res = run_child(["analyze", str(long), w, variant], home)
            print(f"60 s 1080p30 clip, workers {w}: {res['wall_s']:.1f} s, peak memory {res['max_rss_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2:])
    else:
        sys.exit(main())
