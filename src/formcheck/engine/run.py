"""The gait engine on one pose series, as named stages.

clean → events → strides → summaries (with the checks that distrust them) →
view → foot strike → metric results with flags → cues → quality → advice.
Each stage is a short function; :func:`run` calls them in order and returns
an :class:`formcheck.contract.EngineResult` (typed, no sentences: messages are
codes with parameters, rendered where they are shown).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace

import numpy as np

from formcheck.contract import (AnalysisFacts, BoutResult, EngineResult, Events, Message, MetricResult, Normal,
                                Quality, QualityWarning, ViewResult, reason, warning)
from formcheck.engine.body import body_proportions
from formcheck.engine.bouts import Bout, main_bout, segment
from formcheck.engine.clean import CleanSeries
from formcheck.engine.clean import clean as clean_series
from formcheck.engine.cues import select_cues
from formcheck.engine.events import SIDES, GaitEvents, detect_events
from formcheck.engine.metrics import (FRONTAL, MAX_IRREGULAR_SHARE, METRICS, MIN_STEPS_FOR_VALUE, MIN_STEPS_PER_SIDE,
                                      SAGITTAL, MetricSummary, Stride, angle_curves, distrust_backward, toe_first_share,
                                      distrust_held, distrust_irregular, drop_far_foot_strike, frontal_strides,
                                      held_reason, irregular_step_share, nulled, sagittal_strides, summarise)
from formcheck.engine.norms import flag, foot_strike_by_side, leg_length_cm
from formcheck.engine.quality import assess
from formcheck.engine.registry import SPECS, measured_in, threshold
from formcheck.io.scene import Level
from formcheck.engine.speed import (MAX_SCALE_SPREAD, SPEED_METRICS, STEP_LENGTH, VERTICAL_OSCILLATION_CM,
                                    belt_px_per_s, cadence_norm_spm, step_length_cm)
from formcheck.engine.view import View, detect_view, stance_foot_drifts
from formcheck.io.pose import PoseSeries
from formcheck.io.video import VideoInfo


@dataclass
class _Measured:
    """Strides of a clip and the summaries read from them."""

    strides: list[Stride]
    summ: dict[str, MetricSummary]
    frontal: bool
    slopes: dict[str, float]
    cadence_note: object | None
    irregular_share: float | None  # share of irregular steps, when over MAX_IRREGULAR_SHARE


def run(series: PoseSeries, info: VideoInfo, *, runner_height_cm: float | None = None,
        speed_mps: float | None = None, level: Level | None = None) -> tuple[EngineResult, CleanSeries, dict[str, np.ndarray]]:
    """The engine's result, the cleaned series and the per-frame angle curves of one pose series.

    ``speed_mps``: the treadmill's belt speed, when known (:mod:`formcheck.engine.speed`): the cadence norm for
    that speed, the step length and the vertical oscillation in cm.

    A clip of several gaits (walk–run intervals, :mod:`formcheck.engine.bouts`) is split into bouts, each
    analysed on its own stretch of the series; the result's view, metrics, foot strike, cues and advice are
    then those of the main bout (the longest running bout, else the longest walk) and ``bouts`` lists them
    all. Events and strides are then each bout's own, on the clip's clock (:func:`_bout_events`); the curves
    stay those of the whole clip.

    ``level``: the camera's roll read from the scene (:func:`formcheck.io.scene.camera_level`); the landmarks
    are levelled by it where it applies, and ``analysis.camera_roll_deg`` says what was measured.

    numpy's all-NaN warnings are silenced: they are expected where the runner is hidden.
    """
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        kw = dict(runner_height_cm=runner_height_cm, speed_mps=speed_mps, level=level)
        result, cl, ev = _analyse(series, info, **kw)
        found = _segment(cl, ev)
        result = _with_bouts(result, found, series, info, **kw)
        return result, cl, angle_curves(cl)


BOUT_PAD_S = 0.6
"""Pose kept on each side of a bout when it is analysed on its own (s): the events at its first and last contact
need the motion around them (the contact detector reads a foot's approach and its stance)."""


def _segment(cl: CleanSeries, ev: GaitEvents) -> list[Bout]:
    """The clip's bouts from the near foot's contacts (a side view; a rear view is one bout).

    A stride's direction is read from the stance foot's drift only where it is clear (above
    :data:`MIN_DRIFT_LEG_PER_S`): a treadmill's stance foot moves at the belt speed, more than a leg length
    per second even in slow walking.
    """
    if cl.plane == "frontal":
        return []
    near = cl.near_side
    ic, to = np.asarray(ev.ic_s[near], float), np.asarray(ev.to_s[near], float)
    if len(ic) < 2:
        return []
    to_after = np.array([next((x for x in to if a < x < b), np.nan) for a, b in zip(ic, list(ic[1:]) + [np.inf])])
    fwd = 1.0 if cl.facing == "right" else -1.0
    foot_x = np.nanmean(np.stack([cl.xy[f"{near}_heel"][:, 0], cl.xy[f"{near}_toe"][:, 0]]), axis=0)
    idx = np.asarray(ev.ic_idx[near], int)
    ends = [next((j for j in ev.to_idx[near] if a < j < b), None)
            for a, b in zip(idx, list(idx[1:]) + [len(cl.t)])]
    contacts = [(a, e) if e is not None else (a, a) for a, e in zip(idx, ends)]
    drift = stance_foot_drifts(cl.t, foot_x, cl.xy["mid_hip"][:, 0], contacts, fwd) / cl.leg_length_px()
    drift[np.abs(drift) < MIN_DRIFT_LEG_PER_S] = np.nan
    return segment(ic, to_after, drift)


MIN_DRIFT_LEG_PER_S = 0.3
"""Stance-foot drift (leg lengths/s) below which a stride's direction is not read from it."""


def _slice(series: PoseSeries, t0: float, t1: float) -> PoseSeries:
    """The frames of ``series`` from ``t0`` to ``t1`` (s), their clock starting at 0."""
    keep = (series.t >= t0) & (series.t <= t1)
    t = series.t[keep]
    return replace(series, t=t - t[0], image=series.image[keep], world=series.world[keep],
                   n_people=series.n_people[keep], notes=list(series.notes),
                   held=series.held[keep] if series.held is not None else None)


def _kind(view: ViewResult) -> str:
    return "backward" if view.direction == "backward" else view.gait


def _bout_result(r: EngineResult, b: Bout, main: bool) -> BoutResult:
    return BoutResult(kind=_kind(r.view), start_s=round(b.start_s, 3), end_s=round(b.end_s, 3), strides=b.strides,
                      main=main, view=r.view, metrics=r.metrics, foot_strike=r.foot_strike, cues=r.cues,
                      advice=r.advice)


def _with_bouts(result: EngineResult, found: list[Bout], series: PoseSeries, info: VideoInfo,
                **kw) -> EngineResult:
    """``result`` with its bouts; with more than one bout of moving gait, headed by the main bout's own analysis.

    Each moving bout is analysed on its own stretch (:func:`_own_analyses`); neighbours its own analysis finds to
    be of one gait are joined and analysed again (the first pass's contacts are timed for running, so a walk can
    look like short runs there). The first bout starts, and the last ends, at its own first and last near-foot
    contact.
    """
    own = _own_analyses(found, series, info, **kw) if sum(b.kind != "standing" for b in found) > 1 else []
    if len(own) <= 1:  # one gait: the clip's own analysis is the bout's
        moving = [b for b in found if b.kind != "standing"]
        if len(moving) > 1:  # joined into one: the clip's own analysis, over the joined span
            a, e = moving[0].start_s, moving[-1].end_s
            found = [b for b in found if b.kind == "standing" and not a <= b.start_s < e] + \
                [Bout(_kind(result.view), a, e, sum(b.strides for b in moving))]
            found.sort(key=lambda b: b.start_s)
            moving = [b for b in found if b.kind != "standing"]
        one = moving[0] if moving else None
        if one is None and found:  # standing only
            result.bouts = [_standing(b) for b in found]
            return result
        if one is None:
            ics = sorted(x for s in SIDES for x in result.events[s].ic_s)
            if len(ics) < 2:
                return result
            one = Bout(_kind(result.view), ics[0], ics[-1], len(result.events[_near_side(result)].ic_s) - 1)
        result.bouts = [_standing(b) if b.kind == "standing" else _bout_result(result, b, True)
                        for b in (found if moving else [one])]
        return result
    found = sorted([b for b in found if b.kind == "standing"] + [b for b, _, _ in own], key=lambda b: b.start_s)
    main = main_bout(found)
    by_bout = {id(b): r for b, r, _ in own}
    head = by_bout[id(main)]
    result.bouts = [_standing(b) if b.kind == "standing" else _bout_result(by_bout[id(b)], b, b is main)
                    for b in found]
    result.events, result.strides = _bout_events(result, own, found)
    for name in ("view", "metrics", "foot_strike", "foot_strike_uncertain", "foot_strike_reasons", "cues", "advice"):
        setattr(result, name, getattr(head, name))
    result.quality = Quality(head.quality.ok, list(head.quality.warnings) + [QualityWarning("bouts", warning(
        "bouts", n=len(own), kind=_kind(head.view), start=round(main.start_s, 1), end=round(main.end_s, 1)))])
    return result


def _own_analyses(found: list[Bout], series: PoseSeries, info: VideoInfo, **kw) -> list:
    """(bout, its own result, its slice's first time) per moving bout, neighbours of one gait joined.

    A bout's kind becomes what its own analysis saw (:func:`_kind`); its first (a clip's first bout) and last (a
    clip's last bout) instant the near foot's first and last contact there.
    """
    moving = [b for b in found if b.kind != "standing"]
    done: dict[tuple[float, float], EngineResult] = {}  # a span analysed once: only joined bouts are new
    for _ in range(len(moving)):
        own = []
        for b in moving:
            span = (b.start_s, b.end_s)
            if span not in done:
                done[span], _, _ = _analyse(_slice(series, b.start_s - BOUT_PAD_S, b.end_s + BOUT_PAD_S), info, **kw)
            r = done[span]
            own.append((replace(b, kind=_kind(r.view)), r, float(series.t[series.t >= b.start_s - BOUT_PAD_S][0])))
        joined = []
        for b, _, _ in own:
            if joined and joined[-1].kind == b.kind and abs(joined[-1].end_s - b.start_s) < 1e-6:
                joined[-1] = Bout(b.kind, joined[-1].start_s, b.end_s, joined[-1].strides + b.strides)
            else:
                joined.append(b)
        if len(joined) == len(own):
            break
        moving = joined
    if len(own) < 2:
        return own
    (b0, r0, t0), (b1, r1, t1) = own[0], own[-1]
    near = r0.analysis.near_side
    first = [x + t0 for x in r0.events[near].ic_s if b0.start_s - BOUT_EDGE_S <= x + t0 < b0.end_s] if near else []
    last = [x + t1 for x in r1.events[near].ic_s if b1.start_s < x + t1 <= b1.end_s + BOUT_EDGE_S] if near else []
    if first:
        own[0] = (replace(b0, start_s=first[0]), r0, t0)
    if last:
        own[-1] = (replace(own[-1][0], end_s=last[-1]), r1, t1)
    return own


def _bout_events(whole: EngineResult, own: list, found: list[Bout]) -> tuple[dict[str, Events], list[dict]]:
    """Events and strides of a clip with bouts: each bout's own (timed for its gait) on the clip's clock.

    ``own``: (bout, its result, its slice's first time) per moving bout. A bout owns the time from
    :data:`BOUT_EDGE_S` before its first contact to as much before the next bout's (the last bout: as much after
    its last contact); the whole clip's events fill the rest (standing, the clip's ends). Where two bouts saw the
    contact between them, the earlier reading is kept.
    """
    starts = [b.start_s for b in found]
    windows = []
    for b, r, t0 in own:
        k = found.index(b)
        hi = starts[k + 1] - BOUT_EDGE_S if k + 1 < len(found) else b.end_s + BOUT_EDGE_S
        windows.append((b.start_s - BOUT_EDGE_S, hi, r, t0))

    def owned(x):
        return any(lo <= x < hi for lo, hi, _, _ in windows)

    def merged(times):
        out = []
        for x in sorted(times):
            if not out or x - out[-1] > MIN_EVENT_GAP_S:
                out.append(x)
        return out
    events = {}
    for side in SIDES:
        got = {}
        for kind in ("ic_s", "to_s"):
            xs = [x for x in getattr(whole.events[side], kind) if not owned(x)]
            for lo, hi, r, t0 in windows:
                xs += [round(x + t0, 4) for x in getattr(r.events[side], kind) if lo <= x + t0 < hi]
            got[kind] = merged(xs)
        events[side] = Events(got["ic_s"], got["to_s"])
    strides = [x for x in whole.strides if not owned(x["ic_s"])]
    for lo, hi, r, t0 in windows:
        for x in r.strides:
            if lo <= x["ic_s"] + t0 < hi:
                strides.append({k: (round(v + t0, 4) if k in ("ic_s", "to_s", "next_ic_s") and v is not None else v)
                                for k, v in x.items()})
    return events, sorted(strides, key=lambda x: (x["ic_s"], x["side"]))


BOUT_EDGE_S = 0.15
"""How far before its first contact a bout's own events start (s): less than half the shortest running step
(~0.3 s at 200 steps/min), so a contact between two bouts falls to one of them."""

MIN_EVENT_GAP_S = 0.15
"""Two events of one foot closer than this (s) are one event seen by two bouts."""


def _near_side(result: EngineResult) -> str:
    """The near side of a side view, else the side with more contacts."""
    near = result.analysis.near_side
    return near or max(SIDES, key=lambda s: len(result.events[s].ic_s))


def _standing(b: Bout) -> BoutResult:
    return BoutResult(kind="standing", start_s=round(b.start_s, 3), end_s=round(b.end_s, 3), strides=0, main=False,
                      view=None, metrics={}, foot_strike={}, cues=[], advice=[])


def _analyse(series: PoseSeries, info: VideoInfo, *, runner_height_cm: float | None = None,
             speed_mps: float | None = None, level: Level | None = None) -> tuple[EngineResult, CleanSeries, GaitEvents]:
    """One pass of the engine over the whole of ``series`` (see :func:`run`); also the cleaned series and events."""
    cl = clean_series(series, level=level)
    ev = detect_events(cl)
    measured = _measure(cl, ev)
    view = _view(cl, ev, measured)
    if view.gait == "walk" and cl.plane == "sagittal" and view.direction == "forward":
        # a walk's events and metrics are its own (double support is normal there); the view stays
        ev = detect_events(cl, gait="walk")
        measured = _measure(cl, ev, "walk")
        measured.summ = walk_stance_from_contacts(measured.summ)
    if not measured.frontal and view.direction == "backward":
        ev, measured, view = _backward_pass(cl, ev, measured, view)
        measured.summ = distrust_backward(measured.summ)
    pictures_per_s = cl.fps * (1 - cl.held_share)
    if cl.held_share:
        measured.summ = distrust_held(measured.summ, cl.held_share, pictures_per_s)
    scale = _speed_metrics(measured, cl, ev, view, speed_mps)
    measured.summ = _distrust_implausible(measured.summ, view.direction, view.gait)
    backward = view.direction == "backward"
    strike, uncertain, strike_reasons = _foot_strike(cl, measured, backward)
    if backward and not measured.frontal:  # gaits.md §2: toe-first yes/no instead of strike classes
        measured.summ["toe_first_contact_pct"] = toe_first_share(measured.strides,
                                                                 measured.summ["foot_strike_angle_ic_deg"])
    if cl.held_share:  # the class rests on the contact's picture, as the angles do (distrust_held)
        strike, uncertain = {s: None for s in SIDES}, {s: False for s in SIDES}
        strike_reasons = {s: held_reason(cl.held_share, pictures_per_s) for s in SIDES}
    metrics = _metric_results(measured, view, strike.get(cl.near_side) == "rearfoot", runner_height_cm,
                              speed_mps)
    result = EngineResult(
        view=ViewResult(view.plane, view.facing, view.direction, view.setting, view.gait),
        quality=_quality(series, info, cl, ev, measured, view),
        events={s: Events([round(float(x), 4) for x in ev.ic_s[s]], [round(float(x), 4) for x in ev.to_s[s]])
                for s in SIDES},
        strides=[x.to_dict() for x in measured.strides], metrics=metrics,
        foot_strike=strike, foot_strike_uncertain=uncertain, foot_strike_reasons=strike_reasons,
        cues=[], advice=[], analysis=_facts(cl, ev, view, speed_mps, scale, level))
    result.cues = select_cues(metrics, view.to_dict())
    result.advice = _advice(result.cues, view)
    return result, cl, ev


def _backward_pass(cl: CleanSeries, ev: GaitEvents, measured: _Measured, view: View):
    """Events, strides and view again with toe-first contacts timed for backward gait.

    The direction comes from the stance foot's drift, which does not rest on
    the contact timing; the first pass's events are kept if the second pass
    no longer reads the clip as backward. The strides are measured with the
    metric set of the gait found (a backward walk keeps the walking set).
    """
    ev2 = detect_events(cl, gait=view.gait, backward=True)
    measured2 = _measure(cl, ev2, view.gait)
    view2 = _view(cl, ev2, measured2)
    if view2.gait != view.gait:
        measured2 = _measure(cl, ev2, view2.gait)
    return (ev2, measured2, view2) if view2.direction == "backward" else (ev, measured, view)


def _measure(cl: CleanSeries, ev: GaitEvents, gait: str = "run") -> _Measured:
    """Per-stride values and their summaries (the metric set of ``gait``), distrusted where the steps were irregular."""
    slopes = {s: ev.signals[s].slope_deg for s in SIDES}
    frontal = cl.plane == "frontal"
    strides = frontal_strides(cl, ev) if frontal else sagittal_strides(cl, ev, slopes, gait=gait)
    cadence_note = next((x for x in ev.notes if getattr(x, "code", None) == "cadence_disagree"), None)
    names = [n for n in (FRONTAL if frontal else SAGITTAL)
             # speed metrics: added by _speed_metrics; the backward-only toe-first share by _analyse
             if n not in SPEED_METRICS and measured_in(n, gait, "forward")]
    summ = summarise(strides, names, near_side=cl.near_side, fps=cl.fps,
                     cadence_spm=ev.cadence_spm, cadence_note=cadence_note, hip_asymmetry_pct=ev.hip_asymmetry_pct,
                     side_view=not frontal)
    hip_rhythm = ev.hip_cadence_spm
    if gait == "walk" and hip_rhythm is not None:  # a walk's hip rhythm outside walking rates is a harmonic
        lo, hi = SPECS["cadence_spm"].plausible_for("forward", "walk")
        hip_rhythm = hip_rhythm if lo <= hip_rhythm <= hi else None
    odd = irregular_step_share(strides, None if frontal else cl.near_side, hip_cadence_spm=hip_rhythm)
    irregular = odd is not None and odd > MAX_IRREGULAR_SHARE
    if irregular:
        summ = distrust_irregular(summ, odd)
    elif not frontal and "step_time_asymmetry_pct" in summ:
        summ = _distrust_far_step_times(summ, strides, cl, hip_rhythm)
    return _Measured(strides, summ, frontal, slopes, cadence_note, odd if irregular else None)


def walk_stance_from_contacts(summ: dict[str, MetricSummary]) -> dict[str, MetricSummary]:
    """A walk's stance % and double support from its contact times and cadence where too few whole strides were seen.

    Parameters
    ----------
    summ : dict of str to MetricSummary
        A walk's summaries (:func:`_measure`).

    Returns
    -------
    dict of str to MetricSummary
        ``duty_factor_pct`` (stance %) = median contact time / stride time,
        the stride time being two steps at the cadence (120 / cadence s),
        where it was null for too few strides (``few_steps``) but the contact
        time and the cadence have values; per side from that side's contact
        time. ``double_support_pct`` = left + right stance % − 100 where it was
        null for too few strides and both sides have a stance %: in a walk the
        two stances together cover the stride (no flight), and what they
        overlap is the double support. Both low confidence with the reason
        ``from_contact_time``; the input is not changed.

    Notes
    -----
    A walker crossing the frame shows few whole strides (contact, toe-off,
    next contact of the same foot): the real two-person walking clip has two
    per foot in its 5 s of walker, three contacts per foot.
    """
    out = dict(summ)
    ct, cad, duty = summ.get("contact_time_ms"), summ.get("cadence_spm"), summ.get("duty_factor_pct")
    few = ("few_steps", "no_contact_metric")
    if duty and duty.value is None and getattr(duty.reason, "code", None) in few and ct and ct.value is not None \
            and cad and cad.value is not None:
        stride_ms = 120000.0 / cad.value

        def pct(v):
            return None if v is None else round(100.0 * v / stride_ms, 2)
        why = reason("from_contact_time", spm=cad.value)
        out["duty_factor_pct"] = MetricSummary(duty.name, duty.unit, pct(ct.value), pct(ct.left), pct(ct.right), None,
                                               ct.n, ct.n_left, ct.n_right, ct.source, "low",
                                               list(ct.confidence_reasons) + [why])
        ds, st = summ.get("double_support_pct"), out["duty_factor_pct"]
        if ds and ds.value is None and getattr(ds.reason, "code", None) in few and st.left is not None \
                and st.right is not None:
            out["double_support_pct"] = MetricSummary(ds.name, ds.unit, round(st.left + st.right - 100.0, 2), None,
                                                      None, None, st.n, st.n_left, st.n_right, "both", "low",
                                                      list(st.confidence_reasons))
    return out


def _distrust_far_step_times(summ, strides, cl: CleanSeries, hip_cadence_spm: float | None):
    """Step-time asymmetry null when the near foot is regular but the far one was timed badly."""
    odd_steps = irregular_step_share(strides, hip_cadence_spm=hip_cadence_spm)
    if odd_steps is not None and odd_steps > MAX_IRREGULAR_SHARE:
        summ = dict(summ)
        summ["step_time_asymmetry_pct"] = nulled(
            summ["step_time_asymmetry_pct"], reason("far_unreliable", side=cl.far_side, pct=100 * odd_steps))
    return summ


def _distrust_implausible(summ: dict[str, MetricSummary], direction: str, gait: str = "run") -> dict[str, MetricSummary]:
    """A headline value outside what a human body does (the registry's plausible range) is a detection defect: null."""
    out = dict(summ)
    for name, m in summ.items():
        lo, hi = SPECS[name].plausible_for(direction, gait)
        if m.value is not None and not lo <= m.value <= hi:
            out[name] = nulled(m, reason("implausible_value", value=m.value, unit=m.unit, lo=lo, hi=hi))
    return out


def _speed_metrics(measured: _Measured, cl: CleanSeries, ev: GaitEvents, view: View,
                   speed_mps: float | None) -> float | None:
    """Step length and vertical oscillation in cm from the treadmill speed; returns the scale (cm per pixel) or None.

    Step length = speed / step rate. The vertical oscillation in % of leg length
    becomes cm with the belt's scale: the stance foot moves backward in the
    image at the belt speed, so speed / its pixel speed (median over the stances,
    :func:`formcheck.engine.speed.belt_px_per_s`) is cm per pixel. Overground the
    stance foot stands still (and a panning camera moves it), so there is no
    such scale. Without a speed both metrics are null with reason ``no_speed``;
    a null source metric passes its reason on.
    """
    summ = measured.summ
    names = [n for n in SPEED_METRICS if n in SPECS and SPECS[n].plane in (cl.plane, "both")]
    unit = {n: SPECS[n].unit for n in names}
    scale = None
    for name in names:
        src = summ["cadence_spm" if name == STEP_LENGTH else "vertical_oscillation_pct_leg"]
        why = None
        if speed_mps is None:
            why = reason("no_speed")
        elif src.value is None:
            why = src.reason
        elif name == VERTICAL_OSCILLATION_CM and view.setting != "treadmill":
            why = reason("speed_needs_treadmill")
        if why is None and name == STEP_LENGTH:
            summ[name] = MetricSummary(name, unit[name], round(step_length_cm(speed_mps, src.value), 1), None, None,
                                       None, src.n, src.n_left, src.n_right, "both", src.confidence,
                                       list(src.confidence_reasons))
            continue
        if why is None:
            px_per_s, spread, n_stances = belt_px_per_s(cl, ev)
            if not px_per_s:
                why = reason("no_belt_scale", n=n_stances)
            else:
                scale = speed_mps * 100.0 / px_per_s
                to_cm = cl.leg_length_px() / 100.0 * scale  # % of leg length -> cm
                conf, reasons = src.confidence, list(src.confidence_reasons)
                if spread is not None and spread > MAX_SCALE_SPREAD:
                    conf = "low"
                    reasons.append(reason("belt_scale_spread", pct=100.0 * spread))

                def cm(v):
                    return None if v is None else round(v * to_cm, 1)
                summ[name] = MetricSummary(name, unit[name], cm(src.value), cm(src.left), cm(src.right), cm(src.sd),
                                           src.n, src.n_left, src.n_right, src.source, conf, reasons)
                continue
        summ[name] = MetricSummary(name, unit[name], None, None, None, None, src.n, src.n_left, src.n_right,
                                   "both", "low", reason=why)
    return scale


def _view(cl: CleanSeries, ev: GaitEvents, measured: _Measured) -> View:
    """Plane, facing, direction, setting and gait; the gait decision uses every measured step."""
    duty_vals = [x.values.get("duty_factor_pct") for x in measured.strides]
    duty_vals = [v for v in duty_vals if v is not None and np.isfinite(v)]
    duty = float(np.median(duty_vals)) if duty_vals else None
    return detect_view(cl, ev, duty, ev.cadence_spm)


def _foot_strike(cl: CleanSeries, measured: _Measured, backward: bool = False):
    """Foot-strike class per foot, whether it is uncertain, and why a class is missing.

    Irregular steps need :data:`MIN_STEPS_PER_SIDE` steps for a class, like an
    angle; in a side view the far foot's landing is hidden, so its class is not
    read (and its angle dropped from the summaries). Backward gait gets no
    class (reason ``backward_strike_class``): gaits.md §2 switches the strike
    classes off there and keeps toe-first yes/no (``toe_first_contact_pct``).
    """
    angles = {s: [] if measured.frontal else [x.values.get("foot_strike_angle_ic_deg")
                                              for x in measured.strides if x.side == s] for s in SIDES}
    by_side = foot_strike_by_side(angles, MIN_STEPS_FOR_VALUE)
    reasons: dict[str, Message | None] = {s: None for s in SIDES}
    if measured.irregular_share is not None:
        strict = foot_strike_by_side(angles, MIN_STEPS_PER_SIDE)
        why = reason("irregular", pct=100 * measured.irregular_share)
        for s in SIDES:
            if by_side[s][0] and not strict[s][0]:
                reasons[s] = why
        by_side = strict
    strike = {s: c for s, (c, _) in by_side.items()}
    uncertain = {s: u for s, (_, u) in by_side.items()}
    angle = measured.summ.get("foot_strike_angle_ic_deg")
    for s in SIDES:  # no class and no reason yet: the angle's own reason (too few steps, ...)
        if strike[s] is None and reasons[s] is None and angle is not None and angle.value is None:
            reasons[s] = angle.reason
    if not measured.frontal:
        strike[cl.far_side], uncertain[cl.far_side] = None, False
        reasons[cl.far_side] = reason("far_foot_strike", side=cl.far_side)
        measured.summ = drop_far_foot_strike(measured.summ, cl.far_side)
    if backward:
        for s in SIDES:
            if strike[s] is not None:
                strike[s], uncertain[s], reasons[s] = None, False, reason("backward_strike_class")
    return strike, uncertain, reasons


def _overstride(summ: dict[str, MetricSummary], heel_striker: bool) -> bool:
    """An overstride sign: the shank's flag band, or the heel's for a heel striker (metrics.md)."""
    shank, heel = summ.get("shank_angle_ic_deg"), summ.get("heel_ahead_of_hip_ic_pct_leg")
    return bool((shank and shank.value is not None and shank.value > threshold("shank_angle_ic_deg", "flag_above"))
                or (heel and heel.value is not None and heel_striker
                    and heel.value > threshold("heel_ahead_of_hip_ic_pct_leg", "flag_above")))


def _metric_results(measured: _Measured, view: View, heel_striker: bool,
                    runner_height_cm: float | None, speed_mps: float | None = None) -> dict[str, MetricResult]:
    """Every metric of the contract; flags for forward running and walking (each with its own norms) and for
    backward walking (gaits.md section 2: only its own bands; backward running has none).

    A metric the view cannot measure is null with ``needs_side_view`` /
    ``needs_rear_view``; a backward-only one (the toe-first share) in forward
    gait with ``backward_metric``; one of the other gait's set with
    ``walking_metric`` (a run) or ``running_metric`` (a walk).
    """
    gait = view.gait if view.gait in ("run", "walk") else "run"
    direction = "backward" if view.direction == "backward" else "forward"
    overstride = _overstride(measured.summ, heel_striker)
    out = {}
    for name in METRICS:
        if name not in measured.summ:
            wrong_view = SPECS[name].plane not in (view.plane, "both")
            code = ("needs_side_view" if measured.frontal else "needs_rear_view") if wrong_view else \
                "backward_metric" if direction not in SPECS[name].directions else \
                ("walking_metric" if gait == "run" else "running_metric")
            out[name] = _not_measured(name, code)
            continue
        m = measured.summ[name]
        light = flag(name, m.value, overstride=overstride, runner_height_cm=runner_height_cm,
                     heel_striker=heel_striker, gait=gait, direction=direction)
        out[name] = _metric_result(m, name, light, runner_height_cm, speed_mps, gait, direction)
    return out


def _not_measured(name: str, code: str) -> MetricResult:
    return MetricResult(value=None, unit=METRICS[name][0], left=None, right=None, sd=None, n=0, confidence=None,
                        flag=None, reason=reason(code), measured=False)


def _normal(name: str, speed_mps: float | None, gait: str = "run", direction: str = "forward") -> Normal | None:
    """The metric's normal range for ``gait`` and ``direction``; a run's cadence's for the treadmill speed when it
    is known. A backward walk's own norm (gaits.md section 2) says so with ``direction="backward"``."""
    spec = SPECS[name]
    norm = spec.norm_for(gait, direction)
    if norm is None:
        return None
    if gait == "walk":
        back = direction == "backward" and norm is spec.norm_back_walk
        return Normal(norm.typical, norm.low, norm.high, norm.source, gait="walk",
                      direction="backward" if back else None)
    if name != "cadence_spm" or speed_mps is None:
        return Normal(norm.typical, norm.low, norm.high, norm.source)
    spm, clamped = cadence_norm_spm(speed_mps)
    return Normal(f"~{spm:.0f} steps/min at {speed_mps:.2f} m/s ({speed_mps * 3.6:.1f} km/h), "
                  + ("outside the studied 2.7–3.8 m/s: nearest point" if clamped else
                     "linear between ~169/172/178 at 2.7/3.2/3.8 m/s"),
                  norm.low, norm.high, norm.source, at_speed_mps=round(speed_mps, 3), at_speed_spm=round(spm, 2),
                  at_speed_clamped=clamped)


def _metric_result(m: MetricSummary, name: str, light: str | None, runner_height_cm: float | None,
                   speed_mps: float | None = None, gait: str = "run", direction: str = "forward") -> MetricResult:
    norm = SPECS[name].norm_for(gait, direction)
    value_cm = None
    if name == "vertical_oscillation_pct_leg" and runner_height_cm and m.value is not None:
        value_cm = round(m.value / 100.0 * leg_length_cm(runner_height_cm), 1)
    return MetricResult(
        value=m.value, unit=m.unit, left=m.left, right=m.right, sd=m.sd, n=m.n, confidence=m.confidence, flag=light,
        source=m.source, n_left=m.n_left, n_right=m.n_right,
        confidence_reasons=list(m.confidence_reasons),
        starting_value=bool(norm and norm.starting_value and light is not None),
        normal=_normal(name, speed_mps, gait, direction),
        reason=m.reason, value_cm=value_cm)


def _quality(series: PoseSeries, info: VideoInfo, cl: CleanSeries, ev: GaitEvents, measured: _Measured,
             view: View) -> Quality:
    n_steps = {s: sum(1 for x in measured.strides if x.side == s) for s in SIDES}
    ok, found = assess(series, view=view.to_dict(), fps=cl.fps, steps=n_steps,
                       ground_slope_deg=float(np.median(list(measured.slopes.values()))),
                       cadence_spm=ev.cadence_spm, cadence_note=measured.cadence_note, spread=cl.spread,
                       capture_fps=info.capture_fps, irregular_share=measured.irregular_share,
                       held_share=cl.held_share,
                       implausible=sorted(n for n, m in measured.summ.items()
                                          if getattr(m.reason, "code", None) == "implausible_value"))
    return Quality(ok, found)


def _advice(cues, view: View) -> list[Message]:
    """How to retrain (with any cue), why backward running gets no forward-running cues, and how to read a walk."""
    advice = [Message("advice", "retraining")] if cues else []
    if view.direction == "backward" and view.gait == "run":
        advice.append(Message("advice", "backward"))
    if view.gait == "walk":
        advice.append(Message("advice", "walking"))
    return advice


def _facts(cl: CleanSeries, ev: GaitEvents, view: View, speed_mps: float | None = None,
           cm_per_px: float | None = None, level: Level | None = None) -> AnalysisFacts:
    frontal = cl.plane == "frontal"
    return AnalysisFacts(
        near_side=cl.near_side if not frontal else None, fps=round(cl.fps, 3), lowpass_cutoff_hz=cl.cutoff_hz,
        leg_length_px=round(cl.leg_length_px(), 1),
        cadence_events_spm=None if ev.cadence_events_spm is None else round(ev.cadence_events_spm, 2),
        cadence_spectrum_spm=None if ev.cadence_spectrum_spm is None else round(ev.cadence_spectrum_spm, 2),
        leg_label_swaps_fixed=cl.swaps_fixed, view_evidence=view.evidence,
        notes=cl.notes + ev.notes, body=body_proportions(cl),
        speed_mps=None if speed_mps is None else round(float(speed_mps), 3),
        cm_per_px=None if cm_per_px is None else round(float(cm_per_px), 4),
        camera_roll_deg=None if level is None else round(float(level.roll_deg), 2))
