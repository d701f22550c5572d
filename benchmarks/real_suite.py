"""The real-clip suite: formcheck against hand-labelled truth on real footage.

Runs ``formcheck analyze --json`` on every clip that has a truth file in
``tests/data/real/`` (the clips themselves stay in ``../shared/videos``) and
prints one row per clip:

- gait / view as labelled vs found;
- cadence error (% of the counted cadence);
- near-foot initial contact and toe-off: median frame error over the labelled
  events matched to the nearest detected one, and how many were matched;
- values outside what a human body does (reasons ``implausible_value``) and
  which metrics came out null and why.

Conventions: a truth IC is the first frame the foot is on the ground, which is
where the engine puts initial contact; a truth TO is the *last* frame on the
ground, and the engine's toe-off lies between it and the next frame, so the
TO error is ``detected − (labelled + 0.5)`` frames. A labelled event with no
detection within :data:`MATCH_FRAMES` frames is counted as missed.

Run by hand (about 15–40 s per clip):

    .venv/bin/python benchmarks/real_suite.py [--only CLIP ...] [--variant lite|full|heavy]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from formcheck.contract import VIEW_CANNOT_MEASURE

ROOT = Path(__file__).resolve().parents[1]
TRUTH = ROOT / "tests" / "data" / "real"
VIDEOS = (ROOT / ".." / "shared" / "videos").resolve()
MATCH_FRAMES = 4.0
"""A detected event further than this (frames) from a labelled one is no match."""


def load_truths(only: list[str] | None = None) -> dict[str, dict]:
    """Truth files by clip name (``tests/data/real/<clip>.truth.json``)."""
    out = {}
    for path in sorted(TRUTH.glob("*.truth.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        if not only or truth["clip"] in only:
            out[truth["clip"]] = truth
    return out


def analyse(clip: Path, variant: str | None = None) -> dict:
    """The JSON of ``formcheck analyze`` on ``clip`` (English texts)."""
    cmd = [sys.executable, "-m", "formcheck", "analyze", str(clip), "--json", "-", "--lang", "en"]
    if variant:
        cmd += ["--model-variant", variant]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return {"error": r.stderr.strip().splitlines()[-1] if r.stderr.strip() else f"exit {r.returncode}"}
    return json.loads(r.stdout)


def event_errors(labelled: list[float], detected_s: list[float], fps: float, offset: float) -> tuple[list[float], int]:
    """Frame errors of the labelled events matched to the nearest detection, and how many were missed.

    Parameters
    ----------
    labelled : list of float
        Labelled frames (0-based; .5 where the labeller stood between two frames).
    detected_s : list of float
        Detected event times (s from the first frame).
    fps : float
        Frames per second of the clip (the JSON's ``video.fps``).
    offset : float
        Added to each labelled frame before comparing (0.5 for toe-offs, see the module docstring).
    """
    det = np.asarray(detected_s, float) * fps
    errs, missed = [], 0
    for f in labelled:
        if len(det) == 0:
            missed += 1
            continue
        d = det[np.argmin(np.abs(det - (f + offset)))] - (f + offset)
        if abs(d) <= MATCH_FRAMES:
            errs.append(float(d))
        else:
            missed += 1
    return errs, missed


def clip_row(truth: dict, res: dict) -> dict:
    """The figures of one clip (see the module docstring)."""
    row = {"clip": truth["clip"]}
    if "error" in res:
        row["error"] = res["error"]
        return row
    view, fps = res["view"], res["video"]["fps"]
    row["gait"] = f"{truth['gait']}/{view['gait']}"
    row["view_ok"] = all(truth.get(k) in (None, view[k]) for k in ("plane", "direction", "setting", "gait")) and (
        truth.get("plane") != "sagittal" or truth.get("facing") in (None, view["facing"]))
    cad_true = (truth.get("cadence") or {}).get("spm")
    cad = res["metrics"]["cadence_spm"]["value"]
    row["cadence"] = None if cad is None else cad
    row["cadence_err_pct"] = None if cad is None or not cad_true else 100.0 * (cad - cad_true) / cad_true
    row["cadence_true"] = cad_true
    near_true = truth.get("near_side")
    near_found = res["analysis"].get("near_side")
    row["near_side_ok"] = None if near_true is None or near_found is None else near_true == near_found
    side = near_found or near_true
    ev = truth.get("events", {}).get("near", {})
    for kind, key, offset in (("ic", "ic_s", 0.0), ("to", "to_s", 0.5)):
        labelled = ev.get(kind) or []
        errs, missed = event_errors(labelled, res["events"][side][key] if side else [], fps, offset)
        row[f"{kind}_n"] = len(labelled)
        row[f"{kind}_matched"] = len(errs)
        row[f"{kind}_median_err"] = float(np.median(errs)) if errs else None
        row[f"{kind}_median_abs_err"] = float(np.median(np.abs(errs))) if errs else None
    metrics = res["metrics"]
    row["implausible"] = sorted(n for n, m in metrics.items() if m.get("reason_code") == "implausible_value")
    row["null"] = {n: m.get("reason_code") for n, m in metrics.items()
                   if m["value"] is None and m.get("reason_code") not in VIEW_CANNOT_MEASURE}  # nor the other gait's
    row["warnings"] = [w["code"] for w in res["quality"]["warnings"]]
    return row


def _fmt(x, spec: str, none: str = "—") -> str:
    return none if x is None else format(x, spec)


def print_table(rows: list[dict]) -> None:
    print(f"{'clip':34s} {'gait t/f':10s} view  cad (true)      err%  | near IC med (n/of) | near TO med (n/of) | "
          "implausible | null (why)")
    for r in rows:
        if "error" in r:
            print(f"{r['clip']:34s} ERROR {r['error']}")
            continue
        cad = f"{_fmt(r['cadence'], '.1f')} ({_fmt(r['cadence_true'], '.1f')})"
        print(f"{r['clip']:34s} {r['gait']:10s} {'✓' if r['view_ok'] else '✗':4s} {cad:15s} "
              f"{_fmt(r['cadence_err_pct'], '+5.1f'):>6s} | "
              f"{_fmt(r['ic_median_err'], '+5.2f'):>6s} ({r['ic_matched']}/{r['ic_n']})      | "
              f"{_fmt(r['to_median_err'], '+5.2f'):>6s} ({r['to_matched']}/{r['to_n']})      | "
              f"{','.join(r['implausible']) or '—':11s} | "
              + (", ".join(f"{n} ({why})" for n, why in r["null"].items()) or "—"))
    ok = [r for r in rows if "error" not in r]
    cad = [abs(r["cadence_err_pct"]) for r in ok if r["cadence_err_pct"] is not None]
    with_cad = [r for r in ok if r["cadence_true"]]
    ic = [r["ic_median_abs_err"] for r in ok if r["ic_median_abs_err"] is not None]
    to = [r["to_median_abs_err"] for r in ok if r["to_median_abs_err"] is not None]
    print(f"\ntotal: {len(rows)} clips, view/gait right on {sum(r['view_ok'] for r in ok)}/{len(ok)}; "
          f"cadence within 2 % on {sum(c <= 2.0 for c in cad)}/{len(with_cad)} clips with a counted cadence "
          f"(reported on {len(cad)}); near IC median |error| {_fmt(np.median(ic) if ic else None, '.2f')} frames "
          f"over {len(ic)} clips, near TO {_fmt(np.median(to) if to else None, '.2f')} over {len(to)}; "
          f"implausible values {sum(len(r['implausible']) for r in ok)}; "
          f"IC matched {sum(r['ic_matched'] for r in ok)}/{sum(r['ic_n'] for r in ok)}, "
          f"TO matched {sum(r['to_matched'] for r in ok)}/{sum(r['to_n'] for r in ok)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", help="clip names to run")
    ap.add_argument("--variant", choices=("lite", "full", "heavy"), default=None)
    ap.add_argument("--json", metavar="OUT", help="also write the rows as JSON")
    args = ap.parse_args()
    if not VIDEOS.is_dir():
        sys.exit(f"the real clips are not here ({VIDEOS}): this benchmark needs ../shared/videos")
    rows = []
    for name, truth in load_truths(args.only).items():
        rows.append(clip_row(truth, analyse(VIDEOS / name, args.variant)))
    print_table(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
