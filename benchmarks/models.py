"""Which pose model, serial or parallel: accuracy against truth, speed and memory (run by hand; prints figures).

For every pose model variant (lite, full, heavy) and pose mode (``serial``: one
pass, ``--workers 1``; ``parallel``: two chunks in two processes, the default
on two cores) it runs, in a fresh process with a cold pose cache:

- the synthetic validation suite with both landings (``soft``, ``falling``;
  exact truth, ``benchmarks/accuracy.py``): targets met per metric and the
  median initial-contact error in frames,
- the real clips in ``../shared/videos`` against what is known of them
  (``REAL``: the treadmill clip's cadence 168.9 steps/min and its near foot's
  contact and last-on-belt frames read by eye; the gait or view of the
  others; values outside the plausible range of a running body),
- the pose model's throughput (frames of the suite per second of analysis) and
  the peak memory (this process plus its largest helper process).

Usage::

    .venv/bin/python benchmarks/models.py [--variants lite full heavy] [--modes serial parallel]
                                          [--landings soft falling] [--no-real]

The speed of one whole analysis against the naive loop is ``benchmarks/speed.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
SHARED = (HERE.parent / ".." / "shared" / "videos").resolve()
MODES = {"serial": 1, "parallel": 2}

#: What is known of the real clips (``../shared/videos/INDEX.md`` and the frames
#: read by eye in ``tests/integration/test_engine.py``; 30 fps, first frame 0).
TREADMILL = "treadmill_side_male_30fps.mp4"
TREADMILL_CADENCE = 168.9
TREADMILL_NEAR_IC_FRAMES = (15, 36, 58, 80, 143)
TREADMILL_NEAR_LAST_ON_BELT = (24, 45, 66.5)
REAL = {
    TREADMILL: {"gait": "run", "plane": "sagittal"},
    "outdoor_side_walk_two_people.mp4": {"gait": "walk", "plane": "sagittal"},
    "outdoor_side_walk_flipflops.mp4": {"gait": "walk", "plane": "sagittal"},
    "outdoor_side_run_overlay.mp4": {"gait": "run", "plane": "sagittal"},
    "outdoor_rear_run_overlay.mp4": {"plane": "frontal"},
    "outdoor_side_run_short.mp4": {"no_values": True},
    "track_side_sprint_wide.mp4": {"plane": "sagittal"},
}
#: Plausible values for a running body (forward running), as the real-clip issue states them.
PLAUSIBLE = {"knee_flexion_ic_deg": (-5.0, 40.0), "shank_angle_ic_deg": (-15.0, 25.0), "cadence_spm": (130.0, 220.0)}


def _near_errors(res: dict, labels, offset: float, key: str) -> list[float]:
    fps = res["video"]["fps"]
    near = res["analysis"]["near_side"]
    ev = np.array(res["events"][near][key]) * fps
    if len(ev) == 0:
        return [float("inf")]
    return [float(ev[np.argmin(np.abs(ev - (f + offset)))] - (f + offset)) for f in labels]


def real_clips(variant: str, workers: int) -> dict:
    """Each real clip against what is known of it."""
    from formcheck.pipeline import analyze_video

    out = {}
    for name, known in REAL.items():
        path = SHARED / name
        if not path.exists():
            continue
        res = analyze_video(path, lang="en", model_variant=variant, workers=workers)
        m, v = res["metrics"], res["view"]
        row = {"gait": v.get("gait"), "plane": v.get("plane"), "cadence": m["cadence_spm"]["value"],
               "ok": all(v.get(k) == want for k, want in known.items() if k in ("gait", "plane"))}
        if known.get("no_values"):
            row["ok"] = all(mm["value"] is None for mm in m.values())
        running = v.get("gait") == "run" and v.get("direction") == "forward"
        row["implausible"] = sorted(k for k, (lo, hi) in PLAUSIBLE.items()
                                    if running and m[k]["value"] is not None and not lo <= m[k]["value"] <= hi)
        if name == TREADMILL:
            cad = m["cadence_spm"]["value"]
            row["cadence_err_pct"] = None if cad is None else 100.0 * (cad - TREADMILL_CADENCE) / TREADMILL_CADENCE
            row["ic_err"] = _near_errors(res, TREADMILL_NEAR_IC_FRAMES, 0.0, "ic_s")
            row["to_err"] = _near_errors(res, TREADMILL_NEAR_LAST_ON_BELT, 0.5, "to_s")
            row["knee_ic"] = m["knee_flexion_ic_deg"]["value"]
            row["shank_ic"] = m["shank_angle_ic_deg"]["value"]
        out[name] = row
    return out


def child(variant: str, workers: int, landings: list[str], real: bool) -> dict:
    import resource

    from accuracy import SHORT, TARGETS, print_summary, run_suite

    result = {"variant": variant, "workers": workers, "suites": {}}
    frames, seconds = 0, 0.0
    for landing in landings:
        echo = lambda line: print(f"  [{variant}/{workers} {landing}] {line}", file=sys.stderr, flush=True)  # noqa: E731
        r = run_suite(landing, variant=variant, workers=workers, echo=echo)
        print_summary(r, echo=echo)
        frames += r["frames"]
        seconds += r["seconds"]
        result["suites"][landing] = {
            "n": r["n"], "passes": {SHORT[k]: r["passes"][k] for k in TARGETS}, "view": r["view_ok"],
            "strike": r["strike_ok"], "ic_median_frames": r["ic_median_frames"], "ic_within_1": r["ic_within_1"],
            "ic_sides": r["ic_sides"],
        }
    result["suite_fps"] = frames / seconds if seconds else None
    if real:
        result["real"] = real_clips(variant, workers)
    result["max_rss_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                            + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024.0
    return result


def run_child(variant: str, workers: int, landings: list[str], real: bool) -> dict:
    with tempfile.TemporaryDirectory() as home:  # cold pose cache
        env = {**os.environ, "FORMCHECK_HOME": home, "PYTHONWARNINGS": "ignore"}
        args = [sys.executable, __file__, "--child", variant, str(workers), ",".join(landings), str(int(real))]
        p = subprocess.run(args, stdout=subprocess.PIPE, text=True, env=env)
    line = next((ln for ln in p.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if p.returncode != 0 or line is None:
        raise SystemExit(f"{variant}/{workers} failed (exit {p.returncode})")
    return json.loads(line[7:])


def _fmt_suite(s: dict) -> str:
    n = s["n"]
    cells = " ".join(f"{k} {v:>2}" for k, v in s["passes"].items())
    return (f"{cells} view {s['view']:>2} strike {s['strike']:>2} /{n} | "
            f"IC med {s['ic_median_frames']:.2f} fr, ≤1 fr {s['ic_within_1']:>2}/{s['ic_sides']}")


def report(rows: list[dict]) -> None:
    print("\nsynthetic suite (exact truth): targets met per metric, of n clips; IC = median |error| of initial contact")
    for r in rows:
        for landing, s in r["suites"].items():
            print(f"  {r['variant']:<5} {r['mode']:<8} {landing:<7} {_fmt_suite(s)}")
    if any(r.get("real") for r in rows):
        print("\nreal clips (../shared/videos) against what is known of them")
        for r in rows:
            real = r.get("real") or {}
            tm = real.get(TREADMILL, {})
            ok = sum(x["ok"] for x in real.values())
            impl = sum(len(x["implausible"]) for x in real.values())
            ic = np.median(np.abs(tm["ic_err"])) if tm else float("nan")
            to = np.median(np.abs(tm["to_err"])) if tm else float("nan")
            cad = tm.get("cadence_err_pct")
            print(f"  {r['variant']:<5} {r['mode']:<8} treadmill cadence {'None' if cad is None else f'{cad:+.1f} %'}, "
                  f"near IC |err| med {ic:.1f} fr (each {np.round(tm.get('ic_err', []), 1).tolist()}), "
                  f"TO {to:.1f} fr, knee IC {tm.get('knee_ic')}, shank {tm.get('shank_ic')} | gait/view as known "
                  f"{ok}/{len(real)} | implausible values {impl}")
            for name, x in real.items():
                print(f"        {name:<36} gait {x['gait']!s:<5} plane {x['plane']!s:<9} cadence {x['cadence']!s:<6} "
                      f"{'ok' if x['ok'] else 'NOT as known'}{' implausible ' + ','.join(x['implausible']) if x['implausible'] else ''}")
    print("\nspeed and memory (suite frames per second of whole analysis, cold cache; peak RSS incl. helper)")
    for r in rows:
        print(f"  {r['variant']:<5} {r['mode']:<8} {r['suite_fps']:6.1f} frames/s  peak {r['max_rss_mb']:6.0f} MB  "
              f"({r['wall_s']:.0f} s for this row)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", nargs="*", default=["lite", "full", "heavy"])
    ap.add_argument("--modes", nargs="*", default=list(MODES), choices=list(MODES))
    ap.add_argument("--landings", nargs="*", default=["soft", "falling"])
    ap.add_argument("--no-real", action="store_true", help="skip the real clips")
    args = ap.parse_args(argv)
    from formcheck.io.provision import verified_model_path

    for v in args.variants:
        verified_model_path(variant=v, log=lambda m: print(m, file=sys.stderr))
    rows = []
    for v in args.variants:
        for mode in args.modes:
            t0 = time.monotonic()
            r = run_child(v, MODES[mode], args.landings, not args.no_real)
            r["mode"], r["wall_s"] = mode, time.monotonic() - t0
            rows.append(r)
            print(f"done {v} {mode} in {r['wall_s']:.0f} s", file=sys.stderr, flush=True)
    report(rows)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        v, w, landings, real = sys.argv[2:6]
        print("RESULT " + json.dumps(child(v, int(w), landings.split(","), real == "1")))
    else:
        sys.exit(main())
