"""Accuracy of the gait engine against the synthetic runner's exact truth.

Generates the validation suite once (``benchmarks/out/suite/``, reused on later
runs), analyses every clip with the real pipeline and prints, per clip, the
error of each headline metric against the truth and whether it meets the
target of the engine issue. Run by hand:

    .venv/bin/python benchmarks/accuracy.py [--only NAME ...] [--regenerate] [--landing falling]
                                            [--variant lite|full|heavy] [--workers N] [--gait walk|bouts]

``--gait walk`` runs the synthetic walkers instead (``synth.walking_suite``,
clips in ``benchmarks/out/suite_walk/``) against the walking metric set;
``--gait bouts`` the clips that switch gait (``synth.bouts_suite``: walk → run →
walk and run → walk → run, ``benchmarks/out/suite_bouts/``), per bout.

``--landing falling`` runs the same suite with runners whose body falls into
each contact (``synth.Gait.landing``; clips in ``benchmarks/out/suite_falling/``):
how much the contact timing and the angles at contact depend on the way the
synthetic runner lands.

``--looks`` runs ``synth.looks_suite`` instead: validation-suite runners in
varied looks drawn from seeds (``synth.Look``: skin, patterned and loose
clothes, dark shoes on a dark floor, light and shadow, clutter, a moving
poster, motion blur, compression, pan/tilt/zoom, an occluder in front of the
far leg, text overlays, body proportions), and after the clip table a table
per look feature: of the clips that have it, how many meet each target.
``--looks plain`` runs the same clips without their looks (the baseline);
``--looks single`` one runner with one feature per clip (which feature costs what).
``--oracle`` feeds the engine the truth's exact landmarks instead of the pose
model's (``tests/oracle.py``): a target missed there is the engine's, one
missed only with the pose model is the model's.

    .venv/bin/python benchmarks/accuracy.py --looks [plain] --landing falling [--variant heavy] [--oracle]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from formcheck.pipeline import analyze_video, run_engine
from formcheck.synth import (LOOK_FEATURES, bouts_suite, generate, load_truth, looks_suite, validation_suite,
                             walking_suite)

OUT_ROOT = Path(__file__).resolve().parent / "out"
ROOT = Path(__file__).resolve().parents[1]
#: per-clip targets of the engine issue, in the order the look tables print them
CLIP_TARGETS = ("cad%", "kneeIC", "kneePk", "trunk", "shank", "hipExt", "strike", "IC")

#: metric -> (absolute tolerance, unit); cadence is relative (1 %)
TARGETS = {
    "cadence_spm": (0.01, "rel"),
    "knee_flexion_ic_deg": (4.0, "deg"),
    "knee_flexion_peak_stance_deg": (4.0, "deg"),
    "trunk_lean_deg": (2.0, "deg"),
    "shank_angle_ic_deg": (3.0, "deg"),
    "hip_extension_to_deg": (5.0, "deg"),
}
#: the walking suite's targets (``--gait walk``): those of forward running for cadence, knee and trunk
#: (issue 18), hip extension as for running; double support and stance are printed, not judged
TARGETS_WALK = {
    "cadence_spm": (0.01, "rel"),
    "knee_flexion_ic_deg": (4.0, "deg"),
    "knee_flexion_loading_peak_deg": (4.0, "deg"),
    "knee_flexion_swing_peak_deg": (4.0, "deg"),
    "knee_flexion_min_stance_deg": (4.0, "deg"),  # the straightest knee in stance (gaits.md §2, backward walking)
    "trunk_lean_deg": (2.0, "deg"),
    "hip_extension_peak_stance_deg": (5.0, "deg"),
}
SHORT = {"cadence_spm": "cad%", "knee_flexion_ic_deg": "kneeIC", "knee_flexion_peak_stance_deg": "kneePk",
         "trunk_lean_deg": "trunk", "shank_angle_ic_deg": "shank", "hip_extension_to_deg": "hipExt",
         "knee_flexion_loading_peak_deg": "kneeLR", "knee_flexion_swing_peak_deg": "kneeSw",
         "hip_extension_peak_stance_deg": "hipPk", "knee_flexion_min_stance_deg": "kneeMin", "duty_factor_pct": "stance", "double_support_pct": "dblSup"}


def ic_frame_errors(result: dict, truth: dict, fps: float) -> dict:
    """Per side: signed error (frames) of each true IC to the nearest detected IC."""
    out = {}
    t_end = truth["frames"]["t_s"][-1]
    for side in ("left", "right"):
        det = np.array(result["events"][side]["ic_s"])
        tru = np.array([t for t in truth["events"][side]["ic_s"] if 0.05 < t < t_end - 0.05])
        if len(det) == 0 or len(tru) == 0:
            out[side] = np.array([np.inf])
            continue
        out[side] = np.array([(det[np.argmin(np.abs(det - t))] - t) * fps for t in tru])
    return out


def leg_identity_error(series, truth: dict) -> dict:
    """Share of frames where the cleaned near/far ankle is over 0.25 leg lengths from the true one."""
    from formcheck.engine.clean import clean

    cl = clean(series)
    near = truth["near_side"]
    out = {}
    for role, side in (("near", near), ("far", "left" if near == "right" else "right")):
        true = np.asarray(truth["frames"]["joints_px"][side]["ankle"])
        if len(true) != len(cl.t):  # resampled (variable frame rate): skip
            out[role] = float("nan")
            continue
        err = np.linalg.norm(cl.raw[f"{side}_ankle"] - true, axis=1) / cl.leg_length_px()
        out[role] = float(np.nanmean(err > 0.25))
    return out


def angles_at_true_events(series, truth: dict) -> dict:
    """Near-leg angles of the cleaned landmarks read at the TRUE contacts and toe-offs, minus the truth.

    Separates the pose model's angle error from the event timing error: what
    the metrics would read if the events were exact.
    """
    from formcheck.engine.clean import clean
    from formcheck.engine.metrics import joint_flexion, segment_angle

    cl = clean(series)
    near = truth["near_side"]
    if cl.near_side != near:
        return {}
    fwd = 1.0 if truth["view"]["facing"] == "right" else -1.0
    xy = cl.xy
    knee = joint_flexion(xy[f"{near}_hip"], xy[f"{near}_knee"], xy[f"{near}_ankle"])
    shank = segment_angle(xy[f"{near}_knee"], xy[f"{near}_ankle"], fwd)
    thigh = segment_angle(xy[f"{near}_hip"], xy[f"{near}_knee"], fwd)
    t_end = cl.t[-1] - 0.2
    ics = [t for t in truth["events"][near]["ic_s"] if 0.2 < t < t_end]
    tos = [t for t in truth["events"][near]["to_s"] if 0.2 < t < t_end]
    if len(ics) < 3 or len(tos) < 3 or len(truth["frames"]["t_s"]) != cl.n:
        return {}
    m = truth["metrics"]
    return {"kneeIC": float(np.median(np.interp(ics, cl.t, knee))) - m["knee_flexion_ic_deg"],
            "shank": float(np.median(np.interp(ics, cl.t, shank))) - m["shank_angle_ic_deg"],
            "hipExt": float(np.nanmedian(-np.interp(tos, cl.t, thigh))) - m["hip_extension_to_deg"]}


def ic_target_met(ic_near: np.ndarray, fps: float) -> bool:
    """IC target of the engine issue: median |error| within 1 frame up to 60 fps, within 10 ms from 120 fps on."""
    tol = 1.0 if fps < 120 else 0.010 * fps
    return bool(np.isfinite(ic_near).all() and np.median(np.abs(ic_near)) <= tol)


def oracle_analysis(truth: dict, video: Path | None = None):
    """The engine's result on the truth's exact landmarks (no pose model), and that series.

    With ``video`` (the clip the truth belongs to) the camera's roll is read from its pictures, as
    :func:`formcheck.pipeline.analyze` does, with the exact landmarks masking the runner.
    """
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from formcheck.io.scene import camera_level
    from formcheck.io.video import probe
    from tests.oracle import oracle_info, oracle_series

    series = oracle_series(truth)
    level = camera_level(probe(video), series) if video is not None else None
    res = run_engine(series, oracle_info(truth), lang="en", level=level)
    res.setdefault("analysis", {})
    return res, series


def run_suite(landing: str = "soft", names=None, *, regenerate: bool = False, variant: str | None = None,
              workers: int | None = None, echo=print, gait: str = "run", looks: str | None = None,
              oracle: bool = False) -> dict:
    """Analyse the validation suite and return its summary (``echo`` receives the table's lines).

    ``gait="walk"``: the walking suite. ``looks``: None = the validation suite; ``"looks"`` =
    :func:`formcheck.synth.looks_suite` (seeded looks); ``"plain"`` = the same clips without their looks;
    ``"single"`` = one feature per clip. ``oracle``: the engine on exact landmarks.
    """
    walk = gait == "walk"
    targets = TARGETS_WALK if walk else TARGETS
    look_of = {}
    if walk:
        suite = walking_suite()
        out = OUT_ROOT / "suite_walk"
    elif looks is None:
        suite = validation_suite(landing)
        out = OUT_ROOT / ("suite" if landing == "soft" else f"suite_{landing}")
    else:
        kind = "single" if looks == "single" else "seeded"
        suite = looks_suite(landing, plain=looks == "plain", kind=kind)
        look_of = {k: sc.look for k, (_, sc) in looks_suite(landing, kind=kind).items()}
        out = OUT_ROOT / f"looks{'' if looks == 'looks' else '_' + looks}_{landing}"
    names = names or list(suite)
    clips = []
    out.mkdir(parents=True, exist_ok=True)
    rows, all_ic, passes = [], [], {k: 0 for k in targets}
    abs_err, nulls, n_a = {k: [] for k in targets}, {k: 0 for k in targets}, {k: 0 for k in targets}
    timing = []
    far_reported = far_wrong = wrong_flagged = 0
    contact_err = []
    at_true_all = []
    view_ok = strike_ok = 0
    frames = 0
    seconds = 0.0
    for name in names:
        gait, scene = suite[name]
        path = out / f"{name}.mp4"
        if regenerate or not path.exists() or not Path(str(path) + ".truth.json").exists():
            generate(path, gait, scene)
        truth = load_truth(path)
        capture = scene.fps if scene.playback_fps else None
        t0 = time.monotonic()
        if oracle:
            res, series = oracle_analysis(truth, path)
        else:
            res, series = analyze_video(path, capture_fps=capture, lang="en", return_series=True, model_variant=variant,
                                        workers=workers)
        dt = time.monotonic() - t0
        met = {}
        frames += series.n_frames
        seconds += dt
        ident = leg_identity_error(series, truth)
        at_true = angles_at_true_events(series, truth)
        if at_true and all(np.isfinite(v) for v in at_true.values()):
            at_true_all.append(at_true)
        cells = []
        for m, (tol, kind) in targets.items():
            est, tru = res["metrics"][m]["value"], truth["metrics"][m]
            if est is None and res["metrics"][m].get("reason_code") == "backward_not_defined":
                # gaits.md §2 switches shank and push-off metrics off for backward gait: no target to meet
                cells.append(f"{SHORT[m]:>6}  n/a   ")
                n_a[m] += 1
                continue
            if est is None:
                cells.append(f"{SHORT[m]:>6} None  ✗")
                nulls[m] += 1
                met[SHORT[m]] = False
                continue
            err = (est - tru) / tru if kind == "rel" else est - tru
            abs_err[m].append(abs(err) * (100 if kind == "rel" else 1))
            ok = abs(err) <= tol
            met[SHORT[m]] = bool(ok)
            passes[m] += ok
            cells.append(f"{SHORT[m]:>6} {err * 100 if kind == 'rel' else err:+5.1f} {'✓' if ok else '✗'}")
        near = res["analysis"].get("near_side") or truth["near_side"]
        v = res["view"]
        tv = truth["view"]
        vok = all(v[k] == tv[k] for k in ("facing", "direction", "setting", "gait"))
        view_ok += vok
        est_strike = res["foot_strike"].get(near)
        sok = est_strike == truth["foot_strike"][near]
        toe_truth = truth["metrics"].get(f"toe_first_contact_pct__{near}")
        if toe_truth is not None:  # backward (gaits.md §2): toe-first share instead of a class, within one contact
            toe = res["metrics"].get("toe_first_contact_pct") or {}
            est_strike = None if toe.get("value") is None else f"toes first {toe['value']:.0f} %"
            sok = toe.get("value") is not None and abs(toe["value"] - toe_truth) <= 100.0 / max(toe.get("n") or 1, 1)
        strike_ok += sok
        unsure = bool(res.get("foot_strike_uncertain", {}).get(near))
        wrong_flagged += (not sok) and unsure
        far = "left" if near == "right" else "right"
        if res["foot_strike"].get(far) is not None:
            far_reported += 1
            far_wrong += res["foot_strike"][far] != truth["foot_strike"][far]
        ic = ic_frame_errors(res, truth, scene.fps)
        ct = res["metrics"]["contact_time_ms"]["value"]
        if ct is not None:
            contact_err.append(ct - truth["metrics"]["contact_time_ms"])
        all_ic.append(ic)
        if walk:  # stance and double support (informational): error in percentage points
            timing.append({k: (None if res["metrics"][k]["value"] is None
                               else res["metrics"][k]["value"] - truth["metrics"][k])
                           for k in ("duty_factor_pct", "double_support_pct")})
            cells.append(" ".join(f"{SHORT[k]} " + ("None" if v is None else f"{v:+.1f}") for k, v in timing[-1].items()))
        met["strike"] = bool(sok)
        met["IC"] = ic_target_met(ic[near], scene.fps)
        clip_targets = [k for k in CLIP_TARGETS if k in met]
        missed = [k for k in clip_targets if not met[k]]
        # the plain baseline is tabled under the features its clip has in the looks suite
        features = list(look_of[name].features(scene.setting)) if look_of else []
        clips.append({"name": name, "features": features, "met": met})
        asym = ""
        if truth["gait"]["right_knee_offset_deg"]:
            kl, kr = res["metrics"]["knee_flexion_ic_deg"]["left"], res["metrics"]["knee_flexion_ic_deg"]["right"]
            asym = f" asym knee L {kl} R {kr} ({'✓' if kr is not None and kl is not None and kr > kl else '✗'})"
        strike_truth = truth["foot_strike"][near] if toe_truth is None else f"toes first {toe_truth:.0f} %"
        rows.append(
            f"{name:<24} " + " ".join(cells)
            + f" | view {'✓' if vok else '✗ ' + str({k: v[k] for k in tv if v.get(k) != tv[k]})}"
            + f" | strike {est_strike}{' (uncertain)' if unsure else ''} {'✓' if sok else '✗ (' + strike_truth + ')'}"
            + f" | IC frames med near {np.median(ic[near]):+.1f} far {np.median(ic['left' if near == 'right' else 'right']):+.1f}"
            + f" | legs off {ident['near']:.0%}/{ident['far']:.0%}"
            + f" | {dt:4.1f} s{asym}"
            + f" | met {len(clip_targets) - len(missed)}/{len(clip_targets)}" + (f" (miss {' '.join(missed)})" if missed else "")
            + (f" | {' '.join(features)}" if features else "")
        )
        echo(rows[-1])
    n = len(names)
    near_med = [float(np.median(np.abs(x[s]))) for x in all_ic for s in x]
    return {"n": n, "passes": passes, "abs_err": abs_err, "nulls": nulls, "n_a": n_a, "view_ok": view_ok, "strike_ok": strike_ok,
            "wrong_flagged": wrong_flagged, "far_reported": far_reported, "far_wrong": far_wrong,
            "contact_err": contact_err, "at_true": at_true_all, "ic_median_frames": float(np.median(near_med)),
            "ic_within_1": sum(m <= 1.0 for m in near_med), "ic_sides": len(near_med), "frames": frames,
            "seconds": seconds, "targets": targets, "timing": timing, "clips": clips}


def print_look_table(r: dict, echo=print) -> None:
    """Per look feature: of the clips that have it, how many meet each target (and all of them).

    For the plain baseline (``--looks plain``) the features are those the same clips have in the looks suite.
    """
    clips = r["clips"]
    if not any(c["features"] for c in clips):
        return
    echo(f"{'look feature':<19} {'clips':>5} " + " ".join(f"{k:>6}" for k in CLIP_TARGETS) + "    all")
    rows = [("(every clip)", clips)] + [(f, [c for c in clips if f in c["features"]]) for f in LOOK_FEATURES]
    for feat, cs in rows:
        if not cs:
            continue
        # a target that does not apply to a clip (n/a: backward gait) counts in neither figure
        echo(f"{feat:<19} {len(cs):>5} " + " ".join(
            f"{sum(c['met'].get(k, False) for c in cs):>3}/{sum(k in c['met'] for c in cs):<2}" for k in CLIP_TARGETS)
             + f"  {sum(all(c['met'].values()) for c in cs):>2}/{len(cs)}")


def print_summary(r: dict, echo=print) -> None:
    n = r["n"]
    targets = r.get("targets", TARGETS)
    n_a = r.get("n_a", {})
    echo("targets met: " + ", ".join(f"{SHORT[m]} {r['passes'][m]}/{n - n_a.get(m, 0)}"
                                     + (f" ({n_a[m]} n/a)" if n_a.get(m) else "") for m in targets)
         + f", view {r['view_ok']}/{n}, foot strike class (backward: toes-first share) {r['strike_ok']}/{n}"
         + f" (of the wrong ones {r['wrong_flagged']} said 'uncertain')")
    echo("mean |error| where measured: " + ", ".join(
        f"{SHORT[m]} {np.mean(r['abs_err'][m]):.1f}{'%' if targets[m][1] == 'rel' else '°'}"
        + (f" (null on {r['nulls'][m]})" if r['nulls'][m] else "") for m in targets if r['abs_err'][m]))
    for k in ("duty_factor_pct", "double_support_pct"):
        errs = [x[k] for x in r.get("timing", []) if x[k] is not None]
        if errs:
            echo(f"{SHORT[k]} error (points, informational): median {np.median(errs):+.1f}, "
                 f"range {min(errs):+.1f} to {max(errs):+.1f} over {len(errs)} clips")
    echo(f"far foot strike class reported on {r['far_reported']}/{n} clips, wrong on {r['far_wrong']}")
    ce = r["contact_err"]
    if ce:
        echo(f"contact time error (ms, informational): median {np.median(ce):+.0f}, "
             f"range {min(ce):+.0f} to {max(ce):+.0f} over {len(ce)} clips")
    if r["at_true"]:
        tol = {"kneeIC": 4.0, "shank": 3.0, "hipExt": 5.0}
        echo(f"read at the TRUE events ({len(r['at_true'])} clips at their own frame rate): " + ", ".join(
            f"{k} max |error| {max(abs(x[k]) for x in r['at_true']):.1f}° "
            f"({sum(abs(x[k]) <= tol[k] for x in r['at_true'])}/{len(r['at_true'])} within {tol[k]:.0f}°)" for k in tol))
    echo(f"IC |error| median over clips and sides: {r['ic_median_frames']:.2f} frames; clips/sides within 1 frame: "
         f"{r['ic_within_1']}/{r['ic_sides']}")


#: the bouts suite's targets (``--gait bouts``, issue 18): per bout, as for the gait of the bout; bout
#: boundaries within 0.5 s
BOUT_KEYS = {"walk": ("cadence_spm", "knee_flexion_ic_deg", "knee_flexion_loading_peak_deg", "trunk_lean_deg"),
             "run": ("cadence_spm", "knee_flexion_ic_deg", "knee_flexion_peak_stance_deg", "trunk_lean_deg")}
BOUT_BOUNDARY_S = 0.5


def run_bouts_suite(names=None, *, regenerate: bool = False, variant: str | None = None, echo=print) -> dict:
    """Clips that switch gait (:func:`formcheck.synth.bouts_suite`): bouts found, their boundaries and metrics.

    One row per true bout: its kind and the found one, the boundary errors (s) and each target metric's error;
    the summary counts bouts with every target met.
    """
    suite = bouts_suite()
    out = OUT_ROOT / "suite_bouts"
    out.mkdir(parents=True, exist_ok=True)
    n_bouts = ok_bouts = 0
    boundary_err, ic_err, checks, passed = [], [], 0, 0
    for name in names or list(suite):
        parts, scene = suite[name]
        path = out / f"{name}.mp4"
        if regenerate or not path.exists() or not Path(str(path) + ".truth.json").exists():
            generate(path, scene=scene, bouts=parts)
        truth = load_truth(path)
        res = analyze_video(path, lang="en", model_variant=variant)
        near, fps = truth["near_side"], truth["video"]["fps"]
        det = np.array(res["events"][near]["ic_s"])
        errs = [(det[np.argmin(np.abs(det - t))] - t) * fps for t in truth["events"][near]["ic_s"]] if len(det) else []
        ic_err.append(float(np.median(np.abs(errs))) if errs else float("nan"))
        found = res.get("bouts", [])
        echo(f"{name}: {len(found)} bouts found ({', '.join(b['kind'] for b in found)}), truth "
             f"{', '.join(b['kind'] for b in truth['bouts'])}; near IC |error| median {ic_err[-1]:.2f} frames")
        for tb in truth["bouts"]:
            n_bouts += 1
            mid = (tb["start_s"] + tb["end_s"]) / 2
            fb = min(found, key=lambda b: abs((b["start_s"] + b["end_s"]) / 2 - mid), default=None)
            if fb is None:
                echo(f"  {tb['kind']:5} {tb['start_s']:5.2f}–{tb['end_s']:5.2f} s: not found  ✗")
                continue
            d0, d1 = fb["start_s"] - tb["start_s"], fb["end_s"] - tb["end_s"]
            boundary_err += [abs(d0), abs(d1)]
            good = fb["kind"] == tb["kind"] and abs(d0) <= BOUT_BOUNDARY_S and abs(d1) <= BOUT_BOUNDARY_S
            cells = []
            for m in BOUT_KEYS[tb["kind"]]:
                est, tru = fb["metrics"].get(m, {}).get("value"), tb["metrics"][m]
                checks += 1
                if est is None:
                    cells.append(f"{SHORT.get(m, m)} None ✗")
                    good = False
                    continue
                err = (est - tru) / tru if m == "cadence_spm" else est - tru
                tol = 0.01 if m == "cadence_spm" else TARGETS_WALK.get(m, TARGETS.get(m, (4.0,)))[0]
                hit = abs(err) <= tol
                passed += hit
                good &= hit
                cells.append(f"{SHORT.get(m, m)} {100 * err if m == 'cadence_spm' else err:+5.1f}{'%' if m == 'cadence_spm' else '°'}"
                             f" {'✓' if hit else '✗'}")
            ok_bouts += good
            echo(f"  {tb['kind']:5} {tb['start_s']:5.2f}–{tb['end_s']:5.2f} s → {fb['kind']:5} "
                 f"{fb['start_s']:5.2f}–{fb['end_s']:5.2f} s (Δ {d0:+.2f}/{d1:+.2f} s){' main' if fb['main'] else ''}: "
                 + "  ".join(cells))
    r = {"bouts": n_bouts, "bouts_ok": ok_bouts, "checks": checks, "checks_passed": passed,
         "boundary_max_s": max(boundary_err) if boundary_err else None,
         "ic_median_frames": float(np.nanmedian(ic_err)) if ic_err else None}
    echo(f"bouts with kind, boundaries (≤ {BOUT_BOUNDARY_S} s) and every metric on target: {ok_bouts}/{n_bouts}; "
         f"metric checks {passed}/{checks}; largest boundary error "
         f"{r['boundary_max_s'] if r['boundary_max_s'] is None else round(r['boundary_max_s'], 2)} s; "
         f"near IC median of clip medians {r['ic_median_frames']:.2f} frames")
    return r


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", help="clip names to run")
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--landing", choices=("soft", "falling"), default="soft",
                    help="how the synthetic runners land (synth.Gait.landing); default: the validation suite's")
    ap.add_argument("--variant", choices=("lite", "full", "heavy"), default=None, help="pose model (default: the default)")
    ap.add_argument("--workers", type=int, default=None, help="pose chunks in parallel (default: one per core)")
    ap.add_argument("--gait", choices=("run", "walk", "bouts"), default="run",
                    help="walk: the synthetic walkers (synth.walking_suite, benchmarks/out/suite_walk/); bouts: "
                         "clips that switch gait (synth.bouts_suite, benchmarks/out/suite_bouts/)")
    ap.add_argument("--looks", nargs="?", const="looks", choices=("looks", "plain", "single"), default=None,
                    help="run synth.looks_suite (varied looks) instead; 'plain': the same clips without their looks; "
                         "'single': one look feature per clip")
    ap.add_argument("--oracle", action="store_true", help="the engine on the truth's exact landmarks (no pose model)")
    args = ap.parse_args(argv)
    echo = lambda line: print(line, flush=True)  # noqa: E731
    if args.gait == "bouts":
        run_bouts_suite(args.only, regenerate=args.regenerate, variant=args.variant, echo=echo)
        return 0
    r = run_suite(args.landing, args.only, regenerate=args.regenerate, variant=args.variant, workers=args.workers,
                  echo=echo, gait=args.gait, looks=args.looks, oracle=args.oracle)
    print()
    print_summary(r)
    if args.looks:
        print()
        print_look_table(r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
