"""The whole analysis of one clip, as the CLI and the dashboard call it.

``analyze_video`` runs the stages in order and returns the JSON-ready result
(the public contract, ``schema_version`` 1; see the README).
"""

from __future__ import annotations

from dataclasses import dataclass
import contextlib
import os
import tempfile
from pathlib import Path
from typing import Callable

import numpy as np

from formcheck import __version__
from formcheck.io.pose import LANDMARK_NAMES, PoseSeries, extract_pose
from formcheck.io.progress import Progress, quiet_native_stderr
from formcheck.io.provision import sha256_file, variant_of, verified_model_path
from formcheck.i18n import Reason
from formcheck.io.video import VideoInfo, probe

SCHEMA_VERSION = 1


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename (never half-written).

    A path that is not a regular file (``/dev/null``, ``/dev/stdout``, a named
    pipe) is written to directly: renaming over a device would replace it.

    Raises
    ------
    OSError
        If the file cannot be written (disk full, read-only, no permission); the
        temporary file is removed first and ``path`` is left as it was.
    """
    path = Path(path)
    if path.exists() and not path.is_file():
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())  # a full disk shows here at the latest, before the rename
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
    digest = sha256_file(model_path)
    return {
        "model": model_path.name, "model_sha256": digest,
        "variant": variant_of(digest=digest), "chunks": series.chunks,
        "frames_with_pose": int(found.sum()), "frames_with_pose_pct": round(100.0 * float(found.mean()), 1),
        "max_people_in_view": int(series.n_people.max()) if series.n_frames else 0,
        "notes": series.notes,
    }


def write_pose_outputs(series: PoseSeries, out_dir: Path) -> list[str]:
    """Write ``pose.npz`` and a long-format ``pose.csv`` (frame, t_s, landmark, x, y, z, visibility, presence).

    Both or neither: if either cannot be written, the ``OSError`` is raised after removing the
    ``pose.npz`` just written and the folder if this call created it.
    """
    lines = ["frame,t_s,landmark,x_px,y_px,z,visibility,presence"]
    for i in range(series.n_frames):
        if not series.found[i]:
            continue
        for j, name in enumerate(LANDMARK_NAMES):
            x, y, z, v, p = (float(c) for c in series.image[i, j])
            lines.append(f"{i},{series.t[i]:.6f},{name},{x:.2f},{y:.2f},{z:.2f},{v:.3f},{p:.3f}")
    created = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        series.save(out_dir / "pose.npz")
        write_text_atomic(out_dir / "pose.csv", "\n".join(lines) + "\n")
    except BaseException:
        (out_dir / "pose.npz").unlink(missing_ok=True)
        if created:
            with contextlib.suppress(OSError):
                out_dir.rmdir()
        raise
    return ["pose.npz", "pose.csv"]


def _metric_json(m, name: str, flag_value, runner_height_cm=None) -> dict:
    from formcheck.engine.norms import NORMS, leg_length_cm

    norm = NORMS.get(name)
    d = {
        "value": m.value, "unit": m.unit, "left": m.left, "right": m.right, "sd": m.sd, "n": m.n,
        "confidence": m.confidence, "flag": flag_value,
        "source": m.source, "n_left": m.n_left, "n_right": m.n_right,
        "confidence_reasons": [str(r) for r in m.confidence_reasons],
        "confidence_reason_codes": [_reason_code(r) for r in m.confidence_reasons],
        "starting_value": bool(norm and norm.starting_value and flag_value is not None),
        "normal": None if norm is None else {"typical": norm.typical, "low": norm.low, "high": norm.high,
                                             "source": norm.source},
    }
    if m.value is None:
        d["reason"] = None if m.reason is None else str(m.reason)
        d.update(_reason_fields(m.reason))
    if name == "vertical_oscillation_pct_leg" and runner_height_cm and m.value is not None:
        d["value_cm"] = round(m.value / 100.0 * leg_length_cm(runner_height_cm), 1)
    return d


def _reason_code(r) -> dict:
    """``{"code", "params"}`` of a :class:`formcheck.i18n.Reason` (code None for a plain sentence)."""
    return {"code": getattr(r, "code", None), "params": _plain(getattr(r, "params", {}))}


def _reason_fields(r) -> dict:
    c = _reason_code(r)
    return {"reason_code": c["code"], "reason_params": c["params"]} if r is not None else {}


def _plain(params: dict) -> dict:
    return {k: (round(float(v), 2) if isinstance(v, (float, np.floating)) else
                int(v) if isinstance(v, (np.integer,)) else v) for k, v in params.items()}


def _null_metric(name: str, reason: Reason) -> dict:
    from formcheck.engine.metrics import METRICS

    return {"value": None, "unit": METRICS[name][0], "left": None, "right": None, "sd": None, "n": 0,
            "confidence": None, "flag": None, "reason": str(reason), **_reason_fields(reason)}


def run_engine(series: PoseSeries, info: VideoInfo, *, lang: str = "de", runner_height_cm: float | None = None) -> dict:
    """Gait engine on a pose series: cleaning → events → strides → metrics → view → quality → cues.

    Returns the engine's part of the JSON contract (``view``, ``quality``,
    ``events``, ``strides``, ``metrics``, ``foot_strike``, ``cues``…).
    """
    return _engine_quietly(series, info, lang=lang, runner_height_cm=runner_height_cm)[0]


def _engine_quietly(series: PoseSeries, info: VideoInfo, *, lang: str, runner_height_cm: float | None):
    """:func:`_run_engine` plus the angle curves, with numpy's all-NaN warnings silenced
    (they are expected where the runner is hidden)."""
    import warnings

    from formcheck.engine.metrics import angle_curves

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        engine, cl = _run_engine(series, info, lang=lang, runner_height_cm=runner_height_cm)
        return engine, cl, angle_curves(cl)


def _run_engine(series: PoseSeries, info: VideoInfo, *, lang: str, runner_height_cm: float | None) -> tuple[dict, object]:
    from formcheck.engine.clean import clean as clean_series
    from formcheck.engine.cues import select_cues
    from formcheck.engine.events import SIDES, detect_events
    from formcheck.engine.metrics import (FRONTAL, MAX_IRREGULAR_SHARE, METRICS, MIN_STEPS_FOR_VALUE, MIN_STEPS_PER_SIDE,
                                   SAGITTAL, distrust_backward, distrust_irregular, drop_far_foot_strike, frontal_strides,
                                   irregular_step_share, nulled, sagittal_strides, summarise)
    from formcheck.engine.norms import flag, foot_strike_by_side
    from formcheck.engine.quality import assess
    from formcheck.engine.registry import threshold
    from formcheck.i18n import BACKWARD_NOTE, RETRAINING_ADVICE
    from formcheck.engine.view import detect_view

    cl = clean_series(series)
    ev = detect_events(cl)
    slopes = {s: ev.signals[s].slope_deg for s in SIDES}
    frontal = cl.plane == "frontal"
    strides = frontal_strides(cl, ev) if frontal else sagittal_strides(cl, ev, slopes)
    names = FRONTAL if frontal else SAGITTAL
    cadence_note = next((x for x in ev.notes if x.startswith("cadence from the contacts")), None)
    summ = summarise(strides, names, near_side=cl.near_side, fps=cl.fps, cadence_spm=ev.cadence_spm,
                     cadence_note=cadence_note, hip_asymmetry_pct=ev.hip_asymmetry_pct, side_view=not frontal)
    odd = irregular_step_share(strides, None if frontal else cl.near_side, hip_cadence_spm=ev.hip_cadence_spm)
    irregular = odd is not None and odd > MAX_IRREGULAR_SHARE
    if irregular:
        summ = distrust_irregular(summ, odd)
    elif not frontal and "step_time_asymmetry_pct" in summ:
        odd_steps = irregular_step_share(strides, hip_cadence_spm=ev.hip_cadence_spm)
        if odd_steps is not None and odd_steps > MAX_IRREGULAR_SHARE:
            # the near foot is regular but the far one was timed badly
            summ["step_time_asymmetry_pct"] = nulled(
                summ["step_time_asymmetry_pct"], Reason("far_unreliable", side=cl.far_side, pct=100 * odd_steps))
    # the gait decision uses every measured step, even when too few for a reported value
    duty_vals = [x.values.get("duty_factor_pct") for x in strides]
    duty_vals = [v for v in duty_vals if v is not None and np.isfinite(v)]
    duty = float(np.median(duty_vals)) if duty_vals else None
    view = detect_view(cl, ev, duty, ev.cadence_spm)
    if not frontal and view.direction == "backward":
        summ = distrust_backward(summ)  # toe-first contacts are found late
    running_forward = view.gait == "run" and view.direction == "forward"
    # flags: running norms apply to forward running only
    strike_angles = {s: [] if frontal else [x.values.get("foot_strike_angle_ic_deg") for x in strides if x.side == s]
                     for s in SIDES}
    strike_by_side = foot_strike_by_side(strike_angles, MIN_STEPS_FOR_VALUE)
    strike_reasons = {s: None for s in SIDES}
    if irregular:  # a class, like an angle (metrics.distrust_irregular), then needs 7 steps
        strict = foot_strike_by_side(strike_angles, MIN_STEPS_PER_SIDE)
        why = Reason("irregular", pct=100 * odd)
        for s in SIDES:
            if strike_by_side[s][0] and not strict[s][0]:
                strike_reasons[s] = {"text": str(why), **_reason_code(why)}
        strike_by_side = strict
    strike = {s: c for s, (c, _) in strike_by_side.items()}
    strike_uncertain = {s: u for s, (_, u) in strike_by_side.items()}
    if not frontal:  # the far foot is hidden at landing: its strike is not read (metrics.drop_far_foot_strike)
        far_reason = Reason("far_foot_strike", side=cl.far_side)
        strike[cl.far_side], strike_uncertain[cl.far_side] = None, False
        strike_reasons[cl.far_side] = {"text": str(far_reason), **_reason_code(far_reason)}
        summ = drop_far_foot_strike(summ, cl.far_side)
    heel_striker = strike.get(cl.near_side) == "rearfoot"
    shank = summ.get("shank_angle_ic_deg")
    heel = summ.get("heel_ahead_of_hip_ic_pct_leg")
    overstride = bool((shank and shank.value is not None and shank.value > threshold("shank_angle_ic_deg", "flag_above"))
                      or (heel and heel.value is not None and heel_striker
                          and heel.value > threshold("heel_ahead_of_hip_ic_pct_leg", "flag_above")))
    metrics_json = {}
    for name in METRICS:
        if name not in summ:
            metrics_json[name] = _null_metric(name, Reason("needs_side_view" if frontal else "needs_rear_view"))
            continue
        m = summ[name]
        f = flag(name, m.value, overstride=overstride, runner_height_cm=runner_height_cm,
                 heel_striker=heel_striker) if running_forward else None
        metrics_json[name] = _metric_json(m, name, f, runner_height_cm)
    view_d = view.to_dict()
    cues = [c.to_dict() for c in select_cues(metrics_json, view_d, lang)]
    n_steps = {s: sum(1 for x in strides if x.side == s) for s in SIDES}
    ok, warnings = assess(series, view=view_d, fps=cl.fps, steps=n_steps,
                          ground_slope_deg=float(np.median(list(slopes.values()))),
                          cadence_spm=ev.cadence_spm, cadence_note=cadence_note, spread=cl.spread,
                          capture_fps=info.capture_fps, irregular_share=odd if irregular else None, lang=lang)
    # too few strides: keep what was measured but never present it as trustworthy
    advice = []
    if cues:
        advice.append(RETRAINING_ADVICE[lang])
    if view.direction == "backward" and view.gait == "run":
        advice.append(BACKWARD_NOTE[lang])
    return {
        "view": view_d,
        "quality": {"ok": ok, "warnings": [w.to_dict() for w in warnings]},
        "events": {s: {"ic_s": [round(float(x), 4) for x in ev.ic_s[s]], "to_s": [round(float(x), 4) for x in ev.to_s[s]]}
                   for s in SIDES},
        "strides": [x.to_dict() for x in strides],
        "metrics": metrics_json,
        "foot_strike": strike,
        "foot_strike_uncertain": strike_uncertain,
        "foot_strike_reasons": strike_reasons,
        "cues": cues,
        "advice": advice,
        "analysis": {
            "near_side": cl.near_side if not frontal else None, "fps": round(cl.fps, 3),
            "lowpass_cutoff_hz": cl.cutoff_hz, "leg_length_px": round(cl.leg_length_px(), 1),
            "cadence_events_spm": None if ev.cadence_events_spm is None else round(ev.cadence_events_spm, 2),
            "cadence_spectrum_spm": None if ev.cadence_spectrum_spm is None else round(ev.cadence_spectrum_spm, 2),
            "leg_label_swaps_fixed": cl.swaps_fixed, "view_evidence": view.evidence,
            "notes": cl.notes + ev.notes, "lang": lang,
        },
    }, cl


@dataclass
class Analysis:
    """Everything one analysis produced, for the dashboard and reports.

    Attributes
    ----------
    result : dict
        The JSON contract (what ``formcheck analyze --json`` writes).
    series : PoseSeries
        Raw landmarks of the runner.
    clean : CleanSeries
        Cleaned, leg-identified landmarks on a uniform time grid.
    curves : dict of str to ndarray
        Per-frame joint angles on ``clean.t`` (see :func:`formcheck.engine.metrics.angle_curves`).
    info : VideoInfo
        The clip as probed.
    """

    result: dict
    series: PoseSeries
    clean: object
    curves: dict
    info: VideoInfo


def analyze(video, *, capture_fps: float | None = None, lang: str = "de", model=None,
            use_cache: bool = True, out_dir=None, log: Callable[[str], None] | None = None,
            show_progress: bool = False, on_progress: Callable[[float], None] | None = None,
            runner_height_cm: float | None = None, workers: int | None = None,
            model_variant: str | None = None, on_frames: Callable[[int, int], None] | None = None) -> Analysis:
    """Analyse one clip; the full :class:`Analysis` (parameters as :func:`analyze_video`)."""
    say = log or (lambda msg: None)
    info = probe(video, capture_fps=capture_fps)
    model_path = verified_model_path(Path(model) if model else None, variant=model_variant, log=say)
    expected = info.n_frames_hint or int(round(info.duration_hint_s * info.fps)) or None
    bar = Progress("pose", expected) if show_progress else None

    def tick(n_done: int):
        n_done = min(n_done, expected) if expected else n_done  # chunks share a few stitch frames
        if bar:
            bar.update(n_done)
        if on_progress and expected:
            on_progress(min(n_done / expected, 1.0))
        if on_frames and expected:
            on_frames(n_done, expected)

    with quiet_native_stderr():
        series = extract_pose(info, model_path, use_cache=use_cache, progress=tick, log=say, workers=workers)
    if bar:
        bar.close()
    result = {
        "schema_version": SCHEMA_VERSION,
        "formcheck_version": __version__,
        "video": video_block(info, series),
        "pose": pose_block(series, model_path),
    }
    engine, cl, curves = _engine_quietly(series, info, lang=lang, runner_height_cm=runner_height_cm)
    result.update(engine)
    if series.notes:
        result["analysis"]["notes"] = series.notes + result["analysis"]["notes"]
    if out_dir:
        files = write_pose_outputs(series, Path(out_dir))
        result["pose"]["files"] = files
    return Analysis(result=result, series=series, clean=cl, curves=curves, info=info)


def analyze_video(video, *, capture_fps: float | None = None, lang: str = "de", model=None,
                  use_cache: bool = True, out_dir=None, log: Callable[[str], None] | None = None,
                  show_progress: bool = False, on_progress: Callable[[float], None] | None = None,
                  runner_height_cm: float | None = None, return_series: bool = False, workers: int | None = None,
                  model_variant: str | None = None):
    """Analyse one clip and return the JSON-ready result (the public contract).

    Parameters
    ----------
    video : path-like
        The clip.
    capture_fps : float, optional
        For slow-motion clips: the capture frame rate.
    lang : {"de", "en"}
        Language of cues and warnings.
    model : path-like, optional
        A specific ``.task`` bundle; default: the provisioned, checksum-verified one.
    model_variant : {"lite", "full", "heavy"}, optional
        Which provisioned bundle to use (default
        :data:`formcheck.io.provision.DEFAULT_VARIANT`); ignored when ``model`` is given.
    on_progress : callable, optional
        Receives the fraction done (0–1) while the pose model runs.
    runner_height_cm : float, optional
        Adds centimetre values where metrics.md gives thresholds in cm.
    return_series : bool
        Also return the :class:`PoseSeries` (for drawing).
    workers : int, optional
        Chunks of the clip tracked in parallel processes (default: one per core,
        see :func:`formcheck.io.pose.default_workers`); 1 runs one serial pass.
    """
    a = analyze(video, capture_fps=capture_fps, lang=lang, model=model, use_cache=use_cache, out_dir=out_dir,
                log=log, show_progress=show_progress, on_progress=on_progress, runner_height_cm=runner_height_cm,
                workers=workers, model_variant=model_variant)
    return (a.result, a.series) if return_series else a.result


def strides_csv(result: dict) -> str:
    """The per-stride table of a result as CSV (one row per contact, metric columns in contract order)."""
    import csv
    import io

    from formcheck.engine.metrics import METRICS

    rows = result.get("strides", [])
    cols = ["side", "ic_s", "to_s", "next_ic_s"]
    extra = [k for k in METRICS if any(k in r for r in rows)] + ["step_time_ms"]
    cols += [k for k in extra if any(k in r for r in rows)]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in rows:
        w.writerow(["" if r.get(c) is None else r.get(c) for c in cols])
    return buf.getvalue()


def summary_text(result: dict) -> str:
    v, p = result["video"], result["pose"]
    lines = [
        f"{Path(v['path']).name}: {v['width']}×{v['height']}, {v['fps']:.1f} fps, {v['n_frames']} frames, {v['duration_s']:.1f} s",
        f"pose found in {p['frames_with_pose']} of {v['n_frames']} frames ({p['frames_with_pose_pct']:.0f} %)",
    ]
    lines += [f"note: {n}" for n in p["notes"]]
    return "\n".join(lines)
