"""Per-stride metrics and their summaries (definitions: ``shared/reference/metrics.md``).

Conventions
-----------
Image coordinates (x right, y down) turned into a runner frame: "forward" is the
direction the runner **faces** (``+1`` = image right). Angles in degrees.

- thigh angle: hip → knee against the downward vertical, + knee ahead of the hip;
- ``knee_flexion`` = 180° − angle(hip, knee, ankle): 0 straight, + bent;
- ``hip_extension_to_deg`` = −thigh angle at toe-off (+ thigh behind vertical):
  its largest value within :data:`HIP_PEAK_WINDOW_S` of toe-off (the thigh's
  backward swing turns at toe-off, so a toe-off a frame off would otherwise read
  several degrees low);
- ``hip_extension_trunk_to_deg`` = −(thigh angle + trunk lean) at that instant;
- ``trunk_lean_deg``: mid-hip → mid-shoulder against the vertical, + forward;
- ``shank_angle_ic_deg``: knee → ankle against the vertical, + ankle ahead of knee;
- ``heel_ahead_of_hip_ic_pct_leg``: (heel − mid-hip) along forward, % of leg length;
- ``foot_strike_angle_ic_deg``: heel → toe against the ground line, + toes up,
  relative to the same foot flat in mid-stance (:func:`foot_flat_angle`).

Notes
-----
2-D angles from one camera carry about 5–8° error against marker-based capture;
hip extension is the least accurate. The far leg is measured worse than the near
leg; summaries say which leg a value comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from formcheck.contract import Message
from formcheck.contract import reason as _reason
from formcheck.engine.clean import CleanSeries
from formcheck.engine.events import SIDES, GaitEvents
from formcheck.engine.norms import STRIKE_CUTS
from formcheck.engine.registry import SPECS, names_for
from formcheck.engine.geometry import joint_flexion  # noqa: F401  (part of this module's interface)

#: name → (unit, which legs feed the headline value), in contract order, from
#: :mod:`formcheck.engine.registry`. Per-leg angles and timing come from the near
#: leg (the far leg is often hidden and measured worse); both sides are still
#: reported as ``left``/``right``.
METRICS = {name: (s.unit, s.legs) for name, s in SPECS.items()}
SAGITTAL = names_for("sagittal")
FRONTAL = names_for("frontal")


# ------------------------------------------------------------------- geometry
def segment_angle(p_from: np.ndarray, p_to: np.ndarray, forward: float) -> np.ndarray:
    """Angle of the segment ``p_from → p_to`` against the downward vertical.

    + when ``p_to`` lies forward of ``p_from`` (forward = ``+1`` image right,
    ``-1`` image left). Degrees.
    """
    d = p_to - p_from
    return np.degrees(np.arctan2(forward * d[..., 0], d[..., 1]))


def trunk_lean(mid_hip: np.ndarray, mid_shoulder: np.ndarray, forward: float) -> np.ndarray:
    """Trunk (mid-hip → mid-shoulder) against the upward vertical, + forward."""
    d = mid_shoulder - mid_hip
    return np.degrees(np.arctan2(forward * d[..., 0], -d[..., 1]))


def foot_angle(heel: np.ndarray, toe: np.ndarray, forward: float, ground_slope_deg: float = 0.0) -> np.ndarray:
    """Heel → toe against the ground line, + toes up (image y down)."""
    d = toe - heel
    return np.degrees(np.arctan2(-d[..., 1], forward * d[..., 0])) + forward * ground_slope_deg


#: Largest foot-flat angle (°) taken as landmark and shoe offset; beyond it the foot is not flat in mid-stance.
FOOT_FLAT_MAX_DEG = 8.0


def foot_flat_angle(clean: CleanSeries, events: GaitEvents, side: str, forward: float,
                    ground_slope_deg: float = 0.0) -> float:
    """The foot's angle when flat on the ground (°): median over the steadiest 40 % of each contact.

    Between landing and heel-off the foot lies still on the ground, so the
    samples of a contact where its angle changes least are the flat phase.

    The foot strike angle is measured relative to it, as Altman & Davis (2012)
    measure it relative to the foot in standing: it removes the shoe's
    heel-to-toe drop and where the pose model puts the heel and toe landmarks
    on a flat foot (on the synthetic runner about 5° toes-down). ``0`` without
    contacts, and clipped to ±``FOOT_FLAT_MAX_DEG`` (a larger angle in
    mid-stance is posture, e.g. a toe runner whose heel stays up, not offset).
    """
    t = clean.t
    heel, toe = clean.xy[f"{side}_heel"], clean.xy[f"{side}_toe"]
    steady = []
    for ic, to, _ in contacts(events, side):
        m = (t >= ic) & (t <= to)
        angle = foot_angle(heel[m], toe[m], forward, ground_slope_deg)
        if np.isfinite(angle).sum() < 5:
            continue
        rate = np.abs(np.gradient(angle))
        steady.append(angle[rate <= np.nanpercentile(rate, 40)])
    flat = np.concatenate(steady) if steady else np.array([])
    flat = flat[np.isfinite(flat)]
    return float(np.clip(np.median(flat), -FOOT_FLAT_MAX_DEG, FOOT_FLAT_MAX_DEG)) if len(flat) else 0.0


def contacts(events: GaitEvents, side: str):
    """Complete contacts of one foot: ``(ic_s, to_s, next_ic_s or None)`` in time order.

    Each IC is paired with the first TO after it; an IC whose TO is missing
    (the TO found lies after the next IC, so it belongs to a later contact) or
    that has no TO in the clip is left out.
    """
    ics = np.sort(events.ic_s[side])
    tos = np.sort(events.to_s[side])
    for k, ic in enumerate(ics):
        later = tos[tos > ic]
        if len(later) == 0:
            continue
        to = float(later[0])
        nxt = float(ics[k + 1]) if k + 1 < len(ics) else None
        if nxt is not None and to > nxt:
            continue
        yield float(ic), to, nxt


@dataclass
class Stride:
    """One contact (IC → TO) and the stride it starts (IC → next IC of the same foot)."""

    side: str
    ic_s: float
    to_s: float
    next_ic_s: float | None
    values: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"side": self.side, "ic_s": round(self.ic_s, 4), "to_s": round(self.to_s, 4),
                "next_ic_s": None if self.next_ic_s is None else round(self.next_ic_s, 4),
                **{k: (None if v is None or not np.isfinite(v) else round(float(v), 2)) for k, v in self.values.items()}}


@dataclass
class MetricSummary:
    name: str
    unit: str
    value: float | None
    left: float | None
    right: float | None
    sd: float | None
    n: int
    n_left: int
    n_right: int
    source: str  # "left", "right", "both"
    confidence: str  # "high" | "medium" | "low"
    confidence_reasons: list = field(default_factory=list)
    reason: Message | None = None  # why value is null (a message code)


HIP_PEAK_WINDOW_S = 0.05
"""Hip extension at toe-off is the thigh's largest extension within this much (s) of toe-off.
In running the hip reaches its peak extension at about toe-off (Novacheck TF 1998, Gait
Posture 7:77-95) and reverses there; toe-off from video is good to about a frame (17 ms at
60 fps, :mod:`formcheck.engine.events`), and the thigh turns at up to about 200°/s just before it,
so the value read at the detected instant alone was several degrees low whenever toe-off
came a frame early."""


def _peak_extension_time(hip: np.ndarray, knee: np.ndarray, t: np.ndarray, to: float, fwd: float) -> float:
    """The instant (s) within :data:`HIP_PEAK_WINDOW_S` of ``to`` at which the thigh is furthest back."""
    cand = np.concatenate([[to], t[(t >= to - HIP_PEAK_WINDOW_S) & (t <= to + HIP_PEAK_WINDOW_S)]])
    thigh = np.array([float(segment_angle(_at(hip, t, c), _at(knee, t, c), fwd)) for c in cand])
    return float(cand[int(np.nanargmin(thigh))]) if np.isfinite(thigh).any() else to


STRIKE_WINDOW_S = 0.03
"""The foot-strike angle is the foot's steepest landing angle within this much (s) before initial contact.

The foot meets the ground at its landing angle and rotates flat at once (a
heel strike drops the forefoot at several hundred degrees per second), while
in the last frames of swing it barely turns; initial contact from video is good
to about a frame (:mod:`formcheck.engine.events`), so the angle read at the
detected instant alone came out several degrees flat whenever contact was timed
half a frame late. Like hip extension at toe-off (:data:`HIP_PEAK_WINDOW_S`),
the extreme near the event is read instead: the most toes-up angle for a
landing on the heel, the most toes-down for one on the toes.
"""


def _strike_angle(heel: np.ndarray, toe: np.ndarray, t: np.ndarray, ic: float, fwd: float, slope: float) -> float:
    """The foot's landing angle (degrees, + toes up, before subtracting the flat foot) at ``ic`` (s); :data:`STRIKE_WINDOW_S`."""
    at_ic = float(foot_angle(_at(heel, t, ic), _at(toe, t, ic), fwd, slope))
    cand = t[(t >= ic - STRIKE_WINDOW_S) & (t < ic)]
    angles = np.array([at_ic] + [float(foot_angle(_at(heel, t, c), _at(toe, t, c), fwd, slope)) for c in cand])
    if not np.isfinite(at_ic):
        return at_ic
    return float(np.nanmax(angles) if at_ic >= 0 else np.nanmin(angles))


def _at(arr: np.ndarray, t: np.ndarray, t_s: float) -> np.ndarray:
    """Linear interpolation of (n, …) ``arr`` at time ``t_s``."""
    i = np.searchsorted(t, t_s)
    i = int(np.clip(i, 1, len(t) - 1))
    w = (t_s - t[i - 1]) / (t[i] - t[i - 1])
    return arr[i - 1] * (1 - w) + arr[i] * w


LOADING_SHARE = 0.5
"""Walking: the loading-response knee peak is the largest flexion in this first share of stance.

The knee flexes to 15–20° at about 12–15 % of the gait cycle (a fifth to a
quarter of stance), is nearly straight by mid-stance, and flexes again only
after heel-off, at 40 % of the cycle (two thirds of stance); Perry & Burnfield
2010 via Physiopedia. Half the stance holds the first peak and none of the
second, with room for contacts and toe-offs a few frames off."""


def knee_straightest(flex_stance: np.ndarray) -> float:
    """The knee's straightest point in one stance: its smallest flexion (°, 0 straight, + bent).

    Parameters
    ----------
    flex_stance : ndarray, shape (n,)
        Knee flexion (180° − angle(hip, knee, ankle), degrees) at the samples
        from initial contact to toe-off; NaN where the leg was not seen.

    Returns
    -------
    float
        The smallest finite flexion, NaN when there is none.

    Notes
    -----
    A walking knee is nearly straight in mid/terminal stance (Perry &
    Burnfield 2010, via Physiopedia); a backward walker's goes fully straight
    (gaits.md §2: Semones, Schneider). The straightest point lies mid-stance,
    away from the contact and toe-off, so a contact a frame off does not move
    it. The 2-D knee angle is unsigned (never below 0°), so noise on a
    straight knee reads slightly bent, never hyperextended.
    """
    return float(np.nanmin(flex_stance)) if np.isfinite(flex_stance).any() else np.nan


def walking_values(clean: CleanSeries, events: GaitEvents, side: str, ic: float, to: float, nxt: float | None,
                   fwd: float) -> dict:
    """The walking metrics of one stride of ``side`` (contact ``ic``, toe-off ``to``, next contact ``nxt``; s).

    ``knee_flexion_loading_peak_deg``: the knee's largest flexion in the first
    :data:`LOADING_SHARE` of stance; ``knee_flexion_min_stance_deg``: its smallest
    from contact to toe-off (:func:`knee_straightest`); ``knee_flexion_swing_peak_deg``: its largest
    from toe-off to the next contact; ``hip_extension_peak_stance_deg``: the
    thigh's furthest behind the vertical in stance (gaits.md: a walker's hip
    extension peaks in terminal stance and is near neutral again by toe-off);
    ``double_support_pct``: the two periods with both feet down (this contact →
    the other foot's toe-off; the other foot's contact → this toe-off) as a
    share of the stride (%), NaN unless the other foot's events of that stride
    are all there. ``fwd`` is +1 facing image-right, −1 left.
    """
    t, xy = clean.t, clean.xy
    hip, knee, ankle = xy[f"{side}_hip"], xy[f"{side}_knee"], xy[f"{side}_ankle"]
    flex = joint_flexion(hip, knee, ankle)
    v = {}
    early = (t >= ic) & (t <= ic + LOADING_SHARE * (to - ic))
    v["knee_flexion_loading_peak_deg"] = float(np.nanmax(flex[early])) if np.isfinite(flex[early]).any() else np.nan
    v["knee_flexion_min_stance_deg"] = knee_straightest(flex[(t >= ic) & (t <= to)])
    swing = (t >= to) & (t <= nxt) if nxt is not None else np.zeros(len(t), bool)
    v["knee_flexion_swing_peak_deg"] = float(np.nanmax(flex[swing])) if np.isfinite(flex[swing]).any() else np.nan
    stance = (t >= ic) & (t <= to)
    thigh = segment_angle(hip[stance], knee[stance], fwd)
    v["hip_extension_peak_stance_deg"] = float(np.nanmax(-thigh)) if np.isfinite(thigh).any() else np.nan
    other = "right" if side == "left" else "left"
    o_to, o_ic = np.sort(events.to_s[other]), np.sort(events.ic_s[other])
    first = o_to[(o_to > ic) & (o_to < to)]
    second = o_ic[(o_ic > ic) & (o_ic < to)]
    if nxt is not None and len(first) and len(second) and first[0] < second[0]:
        v["double_support_pct"] = ((first[0] - ic) + (to - second[0])) / (nxt - ic) * 100.0
    else:
        v["double_support_pct"] = np.nan
    return v


def sagittal_strides(clean: CleanSeries, events: GaitEvents, ground_slope_deg: dict | None = None,
                     gait: str = "run") -> list[Stride]:
    """Measure every complete contact of both feet (side view); ``gait="walk"`` adds :func:`walking_values`."""
    fwd = 1.0 if clean.facing == "right" else -1.0
    t, xy = clean.t, clean.xy
    leg = clean.leg_length_px()
    lean_all = trunk_lean(xy["mid_hip"], xy["mid_shoulder"], fwd)
    strides = []
    other_ic = {s: np.sort(events.ic_s[o]) for s, o in (("left", "right"), ("right", "left"))}
    for side in SIDES:
        slope = (ground_slope_deg or {}).get(side, 0.0)
        flat = foot_flat_angle(clean, events, side, fwd, slope)
        for ic, to, nxt in contacts(events, side):
            hip, knee, ankle = xy[f"{side}_hip"], xy[f"{side}_knee"], xy[f"{side}_ankle"]
            heel, toe = xy[f"{side}_heel"], xy[f"{side}_toe"]
            v = {}
            v["knee_flexion_ic_deg"] = float(joint_flexion(_at(hip, t, ic), _at(knee, t, ic), _at(ankle, t, ic)))
            m = (t >= ic) & (t <= to)
            flex = joint_flexion(hip[m], knee[m], ankle[m])
            v["knee_flexion_peak_stance_deg"] = float(np.nanmax(flex)) if np.isfinite(flex).any() else np.nan
            t_ext = _peak_extension_time(hip, knee, t, to, fwd)
            thigh_to = float(segment_angle(_at(hip, t, t_ext), _at(knee, t, t_ext), fwd))
            lean_to = float(_at(lean_all, t, t_ext))
            v["hip_extension_to_deg"] = -thigh_to
            v["hip_extension_trunk_to_deg"] = -(thigh_to + lean_to)
            v["trunk_lean_deg"] = float(_at(lean_all, t, 0.5 * (ic + to)))  # at midstance
            v["shank_angle_ic_deg"] = float(segment_angle(_at(knee, t, ic), _at(ankle, t, ic), fwd))
            v["heel_ahead_of_hip_ic_pct_leg"] = float(fwd * (_at(heel, t, ic)[0] - _at(xy["mid_hip"], t, ic)[0]) / leg * 100.0)
            v["foot_strike_angle_ic_deg"] = _strike_angle(heel, toe, t, ic, fwd, slope) - flat
            v["contact_time_ms"] = (to - ic) * 1000.0
            nxt_other = other_ic[side][other_ic[side] > to]
            flight_ok = len(nxt_other) and (nxt is None or nxt_other[0] < nxt)
            v["flight_time_ms"] = max(0.0, float(nxt_other[0] - to)) * 1000.0 if flight_ok else np.nan
            if nxt is not None:
                v["duty_factor_pct"] = (to - ic) / (nxt - ic) * 100.0
                mh = (t >= ic) & (t <= nxt)
                y = xy["mid_hip"][mh, 1]
                v["vertical_oscillation_pct_leg"] = float(np.nanmax(y) - np.nanmin(y)) / leg * 100.0 if np.isfinite(y).any() else np.nan
            prev_other = other_ic[side][other_ic[side] < ic]
            prev_own = events.ic_s[side][events.ic_s[side] < ic]
            # a step is other foot -> this foot; a missing contact between them is no step
            step_ok = len(prev_other) and not (len(prev_own) and prev_own[-1] > prev_other[-1])
            v["step_time_ms"] = float(ic - prev_other[-1]) * 1000.0 if step_ok else np.nan
            if gait == "walk":
                v.update(walking_values(clean, events, side, ic, to, nxt, fwd))
            strides.append(Stride(side=side, ic_s=float(ic), to_s=to, next_ic_s=nxt, values=v))
    strides.sort(key=lambda s: s.ic_s)
    return strides


def frontal_strides(clean: CleanSeries, events: GaitEvents) -> list[Stride]:
    """Rear/front view: pelvic drop, knee FPPA and step width per contact.

    In a rear view MediaPipe's left/right labels are reliable; ``clean`` keeps
    them as the anatomical sides when the view is frontal.
    """
    t, xy = clean.t, clean.xy
    strides = []
    hip_w = np.linalg.norm(xy["left_hip"] - xy["right_hip"], axis=1)
    for side in SIDES:
        other = "right" if side == "left" else "left"
        other_ics = np.sort(events.ic_s[other])
        for ic, to, nxt in contacts(events, side):
            mid = 0.5 * (ic + to)
            v = {}
            stance_hip, swing_hip = _at(xy[f"{side}_hip"], t, mid), _at(xy[f"{other}_hip"], t, mid)
            # drop of the swing side: + when the swing-side hip is lower (image y larger)
            dx = abs(swing_hip[0] - stance_hip[0])
            v["pelvic_drop_deg"] = float(np.degrees(np.arctan2(swing_hip[1] - stance_hip[1], max(dx, 1e-6))))
            hip, knee, ankle = (_at(xy[f"{side}_{j}"], t, mid) for j in ("hip", "knee", "ankle"))
            flex = float(joint_flexion(hip, knee, ankle))
            # + when the knee lies medial to (inside) the hip–ankle line
            line = ankle - hip
            mid_x = 0.5 * (stance_hip[0] + swing_hip[0])
            medial_dir = np.sign(mid_x - hip[0]) or 1.0
            knee_off = (knee[0] - (hip[0] + line[0] * (knee[1] - hip[1]) / max(line[1], 1e-6)))
            v["knee_fppa_deg"] = flex if np.sign(knee_off) == medial_dir else -flex
            prev = other_ics[other_ics < ic]
            if len(prev):
                foot_now = _at(xy[f"{side}_ankle"], t, ic)[0]
                foot_prev = _at(xy[f"{other}_ankle"], t, float(prev[-1]))[0]
                hw = float(np.nanmedian(hip_w))
                # width between the feet, positive when each foot stays on its own side
                side_sign = np.sign(_at(xy[f"{side}_hip"], t, ic)[0] - _at(xy[f"{other}_hip"], t, ic)[0]) or 1.0
                v["step_width_pct_hip"] = float(side_sign * (foot_now - foot_prev) / hw * 100.0)
            strides.append(Stride(side=side, ic_s=ic, to_s=to, next_ic_s=nxt, values=v))
    strides.sort(key=lambda s: s.ic_s)
    return strides


MIN_STEPS_FOR_VALUE = 3
"""Fewest steps from which a median is reported (per metric and per side)."""

MIN_STEPS_PER_SIDE = 7
"""Steps per side wanted for full confidence, and the fewest a value needs when the steps are irregular."""

CADENCE_PLAUSIBLE = (60.0, 300.0)
"""Cadences outside this range (steps/min) mean the contacts were mis-detected."""


def _median(vals) -> float | None:
    vals = [v for v in vals if v is not None and np.isfinite(v)]
    return float(np.median(vals)) if vals else None


ASYMMETRY_CHECK_PTS = (5.0, 10.0)
"""Step-time asymmetry from the contacts against the same from the hip's lowest
points (percentage points): beyond the first the value is low-confidence,
beyond the second null (one foot's contacts are timed late, usually the far
foot hidden at landing; at 30 fps one frame of lag is about 18 points)."""


#: Durations between contact and toe-off: their confidence is at most medium.
CONTACT_TIMING = ("contact_time_ms", "flight_time_ms", "duty_factor_pct", "double_support_pct")


def summarise(strides: list[Stride], names: list[str], *, near_side: str, fps: float,
              cadence_spm: float | None, cadence_note: str | None = None, min_steps: int = MIN_STEPS_PER_SIDE,
              hip_asymmetry_pct: float | None = None, side_view: bool = True) -> dict[str, MetricSummary]:
    """Median per side and combined, spread, counts and confidence for each metric.

    Parameters
    ----------
    strides : list of Stride
        From :func:`sagittal_strides` or :func:`frontal_strides`.
    names : list of str
        Keys of :data:`METRICS` to summarise, in the order of the result.
    near_side : {"left", "right"}
        The leg nearer the camera; ``"near"`` metrics of :data:`METRICS` come from it.
    fps : float
        Frame rate (1/s); below 60 the timing metrics lose confidence.
    cadence_spm : float or None
        The clip's cadence (steps/min, ``GaitEvents.cadence_spm``).
    cadence_note : Message, optional
        The events' ``_reason("cadence_disagree", ev=..., sp=...)`` when the
        contacts and the hip motion disagree about the cadence.
    min_steps : int
        Steps per side wanted for full confidence.
    hip_asymmetry_pct : float, optional
        Step-time asymmetry (%) from :func:`formcheck.engine.events.hip_step_asymmetry`,
        which cross-checks the contacts' one (:data:`ASYMMETRY_CHECK_PTS`).
    side_view : bool
        A side view: the step-time asymmetry rests on the far foot's contacts,
        the least certain events there, and is at most medium confidence.

    Returns
    -------
    dict of str to MetricSummary
        One summary per name.

    Notes
    -----
    :data:`CONTACT_TIMING` metrics are at most medium confidence (contact and
    toe-off are a frame or two off from video: on the synthetic runner contact
    time reads about 45 ms long, on the real treadmill clip about 35 ms longer
    than read by eye) and low below 60 fps.
    """
    out = {}
    for name in names:
        unit, source = METRICS[name]
        if name == "cadence_spm":
            out[name] = _summarise_cadence(strides, name, unit, cadence_spm, cadence_note, min_steps)
        elif name == "step_time_asymmetry_pct":
            out[name] = _summarise_step_asymmetry(strides, name, unit, fps=fps, min_steps=min_steps,
                                                  hip_asymmetry_pct=hip_asymmetry_pct, side_view=side_view)
        else:
            out[name] = _summarise_per_stride(strides, name, unit, source, near_side=near_side, fps=fps,
                                              min_steps=min_steps)
    return out


def _no_value(name: str, unit: str, n: int, n_left: int, n_right: int, reason: Message,
              left: float | None = None, right: float | None = None) -> MetricSummary:
    """A summary without a headline value (low confidence), saying why; ``left``/``right`` may still be given."""
    return MetricSummary(name, unit, None, left, right, None, n, n_left, n_right, "both", "low", reason=reason)


def _summarise_cadence(strides: list[Stride], name: str, unit: str, cadence_spm: float | None,
                       cadence_note: str | None, min_steps: int) -> MetricSummary:
    """Summary of the cadence (steps/min), which comes from the events, not from the strides.

    Parameters
    ----------
    strides : list of Stride
        Their number and sides set the counts and the confidence.
    name, unit : str
        ``"cadence_spm"`` and its unit.
    cadence_spm : float or None
        The events' cadence (steps/min).
    cadence_note : Message or None
        Why the contacts and the hip motion disagree about the cadence.
    min_steps : int
        Steps per side wanted for full confidence.

    Returns
    -------
    MetricSummary
        Null without a cadence, from fewer than :data:`MIN_STEPS_FOR_VALUE`
        strides, outside :data:`CADENCE_PLAUSIBLE`, or when the two estimates
        disagree and either side has fewer than ``min_steps`` strides.
    """
    n = len(strides)
    reasons = []
    if cadence_spm is None:
        return _no_value(name, unit, n, 0, 0, _reason("no_same_foot"))
    if n < MIN_STEPS_FOR_VALUE:
        return _no_value(name, unit, n, 0, 0, _reason("few_steps_cadence", n=n))
    if not CADENCE_PLAUSIBLE[0] <= cadence_spm <= CADENCE_PLAUSIBLE[1]:
        return _no_value(name, unit, n, 0, 0, _reason("implausible_cadence", spm=cadence_spm))
    nl = sum(s.side == "left" for s in strides)
    nr = sum(s.side == "right" for s in strides)
    if cadence_note and min(nl, nr) < min_steps:
        # two estimates disagree and too few steps to tell which is right
        return _no_value(name, unit, n, nl, nr, _reason("cadence_disagree_few", nl=nl, nr=nr,
                                                      **getattr(cadence_note, "params", {})))
    if cadence_note:
        reasons.append(cadence_note)
    conf = "high" if n >= 2 * min_steps and not reasons else ("medium" if n >= 4 else "low")
    return MetricSummary(name, unit, round(cadence_spm, 1), None, None, None, n, nl, nr, "both", conf, reasons)


def _step_time_counts(strides: list[Stride]) -> tuple[int, int]:
    """Number of left and of right strides with a step time (other foot → this foot)."""
    nl = sum(1 for x in strides if x.side == "left" and np.isfinite(x.values.get("step_time_ms", np.nan)))
    nr = sum(1 for x in strides if x.side == "right" and np.isfinite(x.values.get("step_time_ms", np.nan)))
    return nl, nr


def _summarise_step_asymmetry(strides: list[Stride], name: str, unit: str, *, fps: float, min_steps: int,
                              hip_asymmetry_pct: float | None, side_view: bool) -> MetricSummary:
    """Summary of the step-time asymmetry: ``100 |L - R| / mean`` of the median step times (%).

    Parameters
    ----------
    strides : list of Stride
        Their ``step_time_ms`` values (ms, the step ending at that contact).
    name, unit : str
        ``"step_time_asymmetry_pct"`` and its unit.
    fps : float
        Frame rate (1/s).
    min_steps : int
        Step times per side wanted for full confidence.
    hip_asymmetry_pct : float or None
        The same asymmetry from the hip's lowest points (%).
    side_view : bool
        Whether the clip is a side view.

    Returns
    -------
    MetricSummary
        With the median step time of each side as ``left``/``right`` (ms);
        null without both feet, with fewer than :data:`MIN_STEPS_FOR_VALUE`
        step times on a side, or more than ``ASYMMETRY_CHECK_PTS[1]`` points
        off the hip's asymmetry.
    """
    st = {s: _median([x.values.get("step_time_ms") for x in strides if x.side == s]) for s in SIDES}
    nl, nr = _step_time_counts(strides)
    if st["left"] and st["right"] and min(nl, nr) < MIN_STEPS_FOR_VALUE:
        return _no_value(name, unit, nl + nr, nl, nr, _reason("few_step_times", nl=nl, nr=nr))
    if not (st["left"] and st["right"]):
        return _no_value(name, unit, 0, 0, 0, _reason("need_both_feet"))
    val = 100.0 * abs(st["left"] - st["right"]) / (0.5 * (st["left"] + st["right"]))
    gap = 0.0 if hip_asymmetry_pct is None else abs(val - hip_asymmetry_pct)
    if gap > ASYMMETRY_CHECK_PTS[1]:
        return _no_value(name, unit, nl + nr, nl, nr, _reason("asym_disagree", val=val, hip=hip_asymmetry_pct))
    reasons = _step_asymmetry_doubts(gap, hip_asymmetry_pct, side_view, fps, min(nl, nr), min_steps)
    conf = ("low" if len(reasons) >= 2 or min(nl, nr) < 3 or gap > ASYMMETRY_CHECK_PTS[0]
            else ("medium" if reasons else "high"))
    return MetricSummary(name, unit, round(val, 1), round(st["left"], 1), round(st["right"], 1), None,
                         nl + nr, nl, nr, "both", conf, reasons)


def _step_asymmetry_doubts(gap: float, hip_asymmetry_pct: float | None, side_view: bool, fps: float,
                           n_fewer: int, min_steps: int) -> list:
    """Reasons for less confidence in a step-time asymmetry.

    Parameters
    ----------
    gap : float
        Percentage points between the asymmetry from the contacts and from the hip.
    hip_asymmetry_pct : float or None
        The hip's asymmetry (%), quoted in the reason.
    side_view : bool
        A side view (the far foot's contacts are the least certain events).
    fps : float
        Frame rate (1/s); below 60 one frame is a large share of a step.
    n_fewer : int
        Step times of the side that has fewer.
    min_steps : int
        Step times per side wanted for full confidence.
    """
    reasons = []
    if gap > ASYMMETRY_CHECK_PTS[0]:
        reasons.append(_reason("hip_asym_gives", hip=hip_asymmetry_pct))
    if side_view:
        reasons.append(_reason("side_view_far"))
    if fps < 60:
        reasons.append(_reason("fps_frame", fps=fps))
    if n_fewer < min_steps:
        reasons.append(_reason("few_one_side", n=n_fewer))
    return reasons


def _finite_per_side(strides: list[Stride], name: str) -> dict[str, list]:
    """The finite values of metric ``name`` per side (``"left"``, ``"right"``), in stride order."""
    per = {s: [x.values.get(name) for x in strides if x.side == s] for s in SIDES}
    return {s: [v for v in vals if v is not None and np.isfinite(v)] for s, vals in per.items()}


def _pooled_sides(per: dict[str, list], source: str, near_side: str) -> tuple[list[str], list]:
    """Which sides feed the headline value, and their values pooled.

    ``source`` ``"near"`` (:data:`METRICS`): the near leg, or the far one when
    the near leg has no value; ``"both"``: both legs.
    """
    use = [near_side] if source == "near" else list(SIDES)
    pooled = [v for s in use for v in per[s]]
    if source == "near" and not pooled:  # near foot not measurable: fall back to the far one
        use = [s for s in SIDES if s != near_side]
        pooled = [v for s in use for v in per[s]]
    return use, pooled


def _summarise_per_stride(strides: list[Stride], name: str, unit: str, source: str, *, near_side: str,
                          fps: float, min_steps: int) -> MetricSummary:
    """Summary of a metric measured at each stride: median and SD of the pooled values, medians per side.

    Parameters
    ----------
    strides : list of Stride
        The strides; their ``values[name]`` (in ``unit``; NaN or missing where not measured).
    name, unit, source : str
        The metric, its unit and which legs feed it (:data:`METRICS`).
    near_side : {"left", "right"}
        The leg nearer the camera.
    fps : float
        Frame rate (1/s).
    min_steps : int
        Values per side wanted for full confidence.

    Returns
    -------
    MetricSummary
        Null from fewer than :data:`MIN_STEPS_FOR_VALUE` values; a side's
        median only from at least that many of its own.
    """
    per = _finite_per_side(strides, name)
    left, right = _median(per["left"]), _median(per["right"])
    use, pooled = _pooled_sides(per, source, near_side)
    n = len(pooled)
    if n == 0:
        return _no_value(name, unit, 0, 0, 0, _reason("no_contact_metric"), left, right)
    if n < MIN_STEPS_FOR_VALUE:
        # one or two steps are an anecdote, not a measurement: no value is invented
        return _no_value(name, unit, n, len(per["left"]), len(per["right"]), _reason("few_steps", n=n))
    if len(per["left"]) < MIN_STEPS_FOR_VALUE:
        left = None
    if len(per["right"]) < MIN_STEPS_FOR_VALUE:
        right = None
    nl, nr = len(per["left"]), len(per["right"])
    reasons = _per_stride_doubts(name, source, use, near_side, nl, nr, n, fps, min_steps)
    conf = "low" if n < 3 or len(reasons) >= 2 else ("medium" if reasons else "high")
    return MetricSummary(
        name, unit, round(float(np.median(pooled)), 2),
        None if left is None else round(left, 2), None if right is None else round(right, 2),
        round(float(np.std(pooled, ddof=1)), 2) if n > 1 else None, n, nl, nr,
        use[0] if len(use) == 1 else "both", conf, reasons)


def _per_stride_doubts(name: str, source: str, use: list[str], near_side: str, nl: int, nr: int, n: int,
                       fps: float, min_steps: int) -> list:
    """Reasons for less confidence in a per-stride metric.

    Parameters
    ----------
    name, source : str
        The metric and which legs feed it (:data:`METRICS`).
    use : list of str
        The sides the value was pooled from (:func:`_pooled_sides`).
    near_side : {"left", "right"}
        The leg nearer the camera.
    nl, nr, n : int
        Values on the left, on the right, and pooled.
    fps : float
        Frame rate (1/s).
    min_steps : int
        Values per side wanted for full confidence.
    """
    reasons = []
    if min(nl, nr) < min_steps and source == "both" or n < min_steps:
        reasons.append(_reason("few_per_side", nl=nl, nr=nr))
    if name in CONTACT_TIMING:
        # never "high": the events are a frame or two off even at 60 fps (README, "How accurate")
        reasons.append(_reason("contact_timing_bias"))
        if fps < 60:
            reasons.append(_reason("fps_timing", fps=fps))
    if name in ("hip_extension_to_deg", "hip_extension_trunk_to_deg", "hip_extension_peak_stance_deg"):
        reasons.append(_reason("hip_least_accurate"))
    if source == "near" and use != [near_side]:
        reasons.append(_reason("far_leg"))
    return reasons


TIMING = ("cadence_spm", "contact_time_ms", "flight_time_ms", "duty_factor_pct", "step_time_asymmetry_pct",
          "double_support_pct")
MAX_IRREGULAR_SHARE = 0.3
"""More than this share of steps off the median step time by over 25 % means the
contacts were mis-detected: steady running varies by a few per cent, and a few
stray steps (a hidden far foot) are tolerated by the medians."""


HIP_RHYTHM_SPM = (130.0, 230.0)
"""Step rates (steps/min) of the hip's own rhythm that are taken as the runner's
cadence when judging step times (:func:`irregular_step_share`); outside them the
hip's spectrum has probably picked the stride, not the step, frequency."""


def irregular_step_share(strides: list[Stride], near_side: str | None = None,
                         tol: float = 0.25, hip_cadence_spm: float | None = None) -> float | None:
    """Share of strides or steps whose duration is more than ``tol`` off the runner's rhythm.

    With ``near_side`` and at least 3 of its strides, the near foot's
    contact-to-contact stride times are judged (they carry the cadence and are
    measured best); otherwise all step times (other foot -> this foot).
    The rhythm is the hip's own step rate ``hip_cadence_spm`` (steps/min,
    ``GaitEvents.hip_cadence_spm``) when it lies in :data:`HIP_RHYTHM_SPM`,
    else the median of the durations judged. Returns None when there are too
    few to judge.

    Notes
    -----
    The median alone is fooled by a few contacts that are all wrong in the
    same way: a runner crossing a wide frame gave four "steps" of 123-261 ms
    while the hip rose and fell every 355 ms; judged against their own median
    only one of them was odd.
    """
    step_ms = None
    if hip_cadence_spm is not None and HIP_RHYTHM_SPM[0] <= hip_cadence_spm <= HIP_RHYTHM_SPM[1]:
        step_ms = 60000.0 / hip_cadence_spm
    if near_side is not None:
        d = [1000.0 * (x.next_ic_s - x.ic_s) for x in strides if x.side == near_side and x.next_ic_s is not None]
        if len(d) >= 3:
            d = np.array(d)
            ref = 2.0 * step_ms if step_ms else np.median(d)
            return float(np.mean(np.abs(d / ref - 1.0) > tol))
    st = [x.values.get("step_time_ms") for x in strides]
    st = np.array([v for v in st if v is not None and np.isfinite(v)], float)
    if len(st) < 4:
        return None
    return float(np.mean(np.abs(st / (step_ms or np.median(st)) - 1.0) > tol))


def nulled(m: MetricSummary, reason: Message) -> MetricSummary:
    """``m`` without a value (headline, sides, spread), at low confidence, saying why."""
    return replace(m, value=None, left=None, right=None, sd=None, confidence="low", reason=reason)


def distrust_irregular(summ: dict[str, MetricSummary], share: float,
                       min_steps: int = MIN_STEPS_PER_SIDE) -> dict[str, MetricSummary]:
    """Summaries when the steps were timed irregularly (``share`` > :data:`MAX_IRREGULAR_SHARE`).

    Timing metrics become null (their value would be an artefact); the angles
    are kept at low confidence (they are measured at doubtful instants) when
    they rest on at least ``min_steps`` steps, and become null when fewer:
    a handful of steps timed at doubtful instants is not a measurement.
    """
    out = {}
    why = _reason("irregular", pct=100 * share)
    for name, m in summ.items():
        if m.value is None:
            out[name] = m
        elif name in TIMING or m.n < min_steps:
            out[name] = nulled(m, why)
        else:
            out[name] = replace(m, confidence="low", confidence_reasons=m.confidence_reasons + [why])
    return out


def distrust_held(summ: dict[str, MetricSummary], share: float, pictures_per_s: float) -> dict[str, MetricSummary]:
    """Summaries of a clip that repeats pictures (slow motion made by holding each picture several frames).

    Parameters
    ----------
    summ : dict of str to MetricSummary
    share : float
        Share of the frames that repeat the picture before (0–1).
    pictures_per_s : float
        New pictures per second of the file.

    Returns
    -------
    dict of str to MetricSummary
        Everything but :data:`HELD_KEEPS` null with reason ``held_pictures``,
        those at low confidence with the same reason. Times: the file's clock
        is not the runner's (the real track clip gives 79 steps/min in file
        time for a sprinter whose real cadence is near 260) and the capture
        rate cannot be read from the file. Angles and positions at the events:
        each event is known only to the picture it falls in, and a sprinter's
        step is 7 pictures there; its contacts came out 3–9 frames after the
        labelled ones, with the heel 30 % of a leg length *behind* the hip at
        "contact" (mid-stance, not a landing).
    """
    why = held_reason(share, pictures_per_s)
    out = {}
    for name, m in summ.items():
        if name not in HELD_KEEPS:
            out[name] = nulled(m, why)  # also where already null: the repeated pictures are why
        elif m.value is None:
            out[name] = m
        else:
            out[name] = replace(m, confidence="low", confidence_reasons=m.confidence_reasons + [why])
    return out


def held_reason(share: float, pictures_per_s: float) -> Message:
    """Reason ``held_pictures``: ``share`` (0–1) of the frames repeat a picture, ``pictures_per_s`` new ones."""
    return _reason("held_pictures", pct=100 * share, per_s=pictures_per_s)


HELD_KEEPS = ("trunk_lean_deg",)
"""Metrics a clip of repeated pictures still measures (at low confidence): the trunk's lean is
a median over every picture, not a value at an instant between pictures."""


def drop_far_foot_strike(summ: dict[str, MetricSummary], far_side: str) -> dict[str, MetricSummary]:
    """Side view: the far foot's foot-strike angle is not reported.

    Parameters
    ----------
    summ : dict of str to MetricSummary
        Output of :func:`summarise` for a side view.
    far_side : {"left", "right"}
        The foot farther from the camera.

    Returns
    -------
    dict of str to MetricSummary
        ``foot_strike_angle_ic_deg`` without the far side's value; null with
        the reason when the value itself would be the far foot's (the near
        foot was not measurable). The input is not changed.

    Notes
    -----
    At landing the far foot is behind the near leg, and the pose model
    places its heel and toes poorly: on the synthetic suite the far foot's
    angle is off by 13° on average (near foot 3°), several times the width
    of the midfoot band (−0.8° to 7.4°), and its class was wrong on half the
    forward-running clips. The other far-leg angles are off by about 5°
    (near leg 1–3°) and are kept; the dashboard marks them as the far leg's.
    """
    name = "foot_strike_angle_ic_deg"
    m = summ.get(name)
    if m is None or m.value is None:
        return summ
    out = dict(summ)
    if m.source == far_side:
        out[name] = nulled(m, _reason("far_foot_strike", side=far_side))
    else:
        out[name] = replace(m, **{far_side: None})
    return out


#: Forward-running measures with no meaning in backward gait (gaits.md §2: "switch off shank angle,
#: heel ahead of hip, … and hip extension at toe-off"): null, with the reason. Hip extension at toe-off
#: is both the thigh against the vertical and against the trunk line (the same instant).
BACKWARD_UNMEASURABLE = ("heel_ahead_of_hip_ic_pct_leg", "shank_angle_ic_deg", "hip_extension_to_deg",
                         "hip_extension_trunk_to_deg")
#: Read at a toe-first contact timed from the knee (:func:`formcheck.engine.events.backward_contact`),
#: checked on the synthetic backward runner only: kept, at low confidence. The foot strike angle is
#: the contact pattern gaits.md keeps backward (toes first: negative; heel first: a cue).
BACKWARD_DOUBTFUL = ("knee_flexion_ic_deg", "foot_strike_angle_ic_deg", "contact_time_ms", "flight_time_ms",
                     "duty_factor_pct")


def distrust_backward(summ: dict[str, MetricSummary]) -> dict[str, MetricSummary]:
    """Summaries for backward gait (toe-first contacts).

    Parameters
    ----------
    summ : dict of str to MetricSummary
        Output of :func:`summarise` for a side view.

    Returns
    -------
    dict of str to MetricSummary
        :data:`BACKWARD_UNMEASURABLE` null (reason ``backward_not_defined``),
        :data:`BACKWARD_DOUBTFUL` at low confidence (``backward_timing``); the
        rest unchanged.

    Notes
    -----
    Backward contacts are timed from the knee's extension at landing
    (:func:`formcheck.engine.events.backward_contact`): on the synthetic
    backward runner within a frame at 60 fps (the foot signal alone found
    them 4–6 frames late, when the heel came down), knee flexion at contact
    within 3.2° on the treadmill and 5.0° overground (there the pose model
    reads the knee 5° too bent at the true contact). No real backward clip
    has been labelled, so these stay at low confidence. Shank angle, heel
    position and hip extension at toe-off (against the vertical and against
    the trunk) describe overstriding and push-off in forward running;
    gaits.md switches them off backward. The foot
    strike angle stays (low confidence): the toe-first share
    (:func:`toe_first_share`) is read from it, the contact pattern gaits.md
    asks for backward.
    """
    out = dict(summ)
    for name in BACKWARD_UNMEASURABLE:
        m = summ.get(name)
        if m is not None and m.value is not None:
            out[name] = nulled(m, _reason("backward_not_defined"))
    for name in BACKWARD_DOUBTFUL:
        m = summ.get(name)
        if m is not None and m.value is not None:
            out[name] = replace(m, confidence="low", confidence_reasons=m.confidence_reasons + [_reason("backward_timing")])
    return out


#: A contact starts at the toes when its foot-strike angle (+ toes up) lies below this (deg): Altman & Davis'
#: forefoot cut-off (:data:`formcheck.engine.norms.STRIKE_CUTS`), where the toes are lower than the heel.
TOE_FIRST_BELOW_DEG = STRIKE_CUTS[0]


def toe_first_share(strides: list[Stride], angle: MetricSummary) -> MetricSummary:
    """Share of contacts that start at the toes: backward gait's contact pattern (gaits.md §2, "toe-first yes/no").

    Parameters
    ----------
    strides : list of Stride
        The strides; ``values["foot_strike_angle_ic_deg"]`` in degrees, + toes up.
    angle : MetricSummary
        The foot-strike angle's summary after every distrust step (its
        ``source``, sides and null reason decide what this one uses).

    Returns
    -------
    MetricSummary
        ``toe_first_contact_pct`` in %: 100 × contacts with an angle below
        :data:`TOE_FIRST_BELOW_DEG` / contacts measured, over the legs the
        angle's headline comes from (the near foot in a side view); per side
        only where the angle has that side's value. Confidence, its reasons
        and ``n`` are the angle's (the share is a count of the same reads);
        null with the angle's reason when the angle is null. No spread: a
        share has none per contact.

    Notes
    -----
    gaits.md §2 keeps "toe-first yes/no" backward and switches the strike
    classes off: a backward contact does not reach ahead of the body, and a
    class cut-off at 7.4° (heel strike) says nothing about it. Per contact
    rather than from the median angle, so that a walker who lands toes first
    on half the steps reads 50 %, not one class.
    """
    name, unit = "toe_first_contact_pct", "%"
    if angle.value is None:
        return MetricSummary(name, unit, None, None, None, None, angle.n, angle.n_left, angle.n_right, angle.source,
                             "low", list(angle.confidence_reasons), angle.reason)
    per = _finite_per_side(strides, "foot_strike_angle_ic_deg")

    def share(vals):
        return round(100.0 * sum(v < TOE_FIRST_BELOW_DEG for v in vals) / len(vals), 2) if vals else None

    use = list(SIDES) if angle.source == "both" else [angle.source]
    side_value = {"left": angle.left, "right": angle.right}
    return MetricSummary(name, unit, share([v for s in use for v in per[s]]),
                         share(per["left"]) if side_value["left"] is not None else None,
                         share(per["right"]) if side_value["right"] is not None else None, None,
                         angle.n, angle.n_left, angle.n_right, angle.source, angle.confidence,
                         list(angle.confidence_reasons))


FRONTAL_CURVE_LIMIT_DEG = 45.0
"""A rear view's knee FPPA or hip-line tilt beyond this (deg) is no upright runner: left out of the curves."""


def angle_curves(clean: CleanSeries) -> dict[str, np.ndarray]:
    """Per-frame joint angles on ``clean.t`` (degrees, the conventions of the metrics).

    Keys: ``knee_flexion_{left,right}`` (0 straight, + bent),
    ``hip_extension_{left,right}`` (thigh behind the vertical, +),
    ``shank_angle_{left,right}`` (+ ankle ahead of knee) and ``trunk_lean``
    (+ forward). Side view only: a frontal clip gives ``knee_fppa_{left,right}``
    and ``pelvis_tilt`` (left hip above right +) instead, NaN beyond
    :data:`FRONTAL_CURVE_LIMIT_DEG`.
    """
    xy = clean.xy
    out: dict[str, np.ndarray] = {}
    if clean.plane == "frontal":
        for side in SIDES:
            out[f"knee_fppa_{side}"] = joint_flexion(xy[f"{side}_hip"], xy[f"{side}_knee"], xy[f"{side}_ankle"])
        d = xy["right_hip"] - xy["left_hip"]
        out["pelvis_tilt"] = np.degrees(np.arctan2(d[:, 1], np.abs(d[:, 0]) + 1e-9))
        # beyond the FPPA's plausible ±45° (registry) no upright runner is seen: the pose model has not found
        # the legs yet (the real rear-view clip's first 0.6 s read 160°): a gap in the curve, not a spike
        for key, v in out.items():
            out[key] = np.where(np.abs(v) <= FRONTAL_CURVE_LIMIT_DEG, v, np.nan)
        return out
    fwd = 1.0 if clean.facing == "right" else -1.0
    for side in SIDES:
        hip, knee, ankle = xy[f"{side}_hip"], xy[f"{side}_knee"], xy[f"{side}_ankle"]
        out[f"knee_flexion_{side}"] = joint_flexion(hip, knee, ankle)
        out[f"hip_extension_{side}"] = -segment_angle(hip, knee, fwd)
        out[f"shank_angle_{side}"] = segment_angle(knee, ankle, fwd)
    out["trunk_lean"] = trunk_lean(xy["mid_hip"], xy["mid_shoulder"], fwd)
    return out


def cycle_bands(analyses, key: str, labels=None):
    """Mean ± SD over the gait cycle of ``key``'s curve per analysis and side, for drawing.

    Parameters
    ----------
    analyses : sequence
        Objects with ``curves`` (name -> per-frame values), ``clean.t`` (s) and
        ``result["events"][side]["ic_s"]`` (:class:`formcheck.pipeline.Analysis`).
    key : str
        Curve name without the side, e.g. ``"knee_flexion"``.
    labels : sequence of str, optional
        One per analysis, added to the legend when there are several.

    Yields
    ------
    (k, side, tag, mean, sd, n)
        Analysis index, side, legend suffix, mean and SD over 0–100 % of the
        cycle (shape (101,)) and the number of strides; sides without a
        complete stride are left out.
    """
    for k, a in enumerate(analyses):
        tag = f" · {labels[k]}" if labels and len(analyses) > 1 else ""
        for side in ("left", "right"):
            c = a.curves.get(f"{key}_{side}")
            if c is None:
                continue
            rows = cycle_normalised(a.clean.t, c, a.result["events"][side]["ic_s"])
            if len(rows):
                yield k, side, tag, rows.mean(axis=0), rows.std(axis=0), len(rows)


def cycle_normalised(t: np.ndarray, curve: np.ndarray, ic_s, n_points: int = 101) -> np.ndarray:
    """Stride-by-stride curves resampled to 0–100 % of the gait cycle.

    Parameters
    ----------
    t, curve : ndarray, shape (n,)
        Time (s) and the per-frame values.
    ic_s : sequence of float
        Initial contacts of one foot (s); each IC to the next is one cycle.

    Returns
    -------
    ndarray, shape (n_strides, n_points)
        One row per complete stride with no missing values.
    """
    ic = np.sort(np.asarray(ic_s, float))
    rows = []
    for a, b in zip(ic[:-1], ic[1:]):
        m = (t >= a) & (t <= b)
        if m.sum() < 4 or not np.isfinite(curve[m]).all():
            continue
        phase = (t[m] - a) / (b - a)
        rows.append(np.interp(np.linspace(0, 1, n_points), phase, curve[m]))
    return np.array(rows).reshape(-1, n_points)
