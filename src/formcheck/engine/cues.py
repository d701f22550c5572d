"""At most three plain-language cues, most important first (metrics.md section 3).

Rules
-----
- Only from metrics whose confidence is not ``"low"``.
- Walking has its own cues (``shared/reference/gaits.md`` section 1,
  :func:`walking_cues`); running cues are never given for a walk.
- Backward walking has its own (gaits.md §2, the BW trigger table,
  :func:`backward_walking_cues`): a flat or heel-first contact ("Toes first,
  then roll onto the heel.", when most near-foot contacts do not start at the
  toes: ``toe_first_contact_pct``) and a knee that
  stays bent in stance (its straightest point flagged, above 10°).
- Backward running: contact starts at the toes, so the forward-running
  overstride, shank and cadence rules are not applied; trunk and vertical
  oscillation cues still are, and two backward cues of gaits.md §2: a heel-first
  landing ("Land on the ball of your foot …": most contacts not toes first and
  the median angle a clear heel strike)
  and a trunk behind the hips (:data:`BACKWARD_LEAN_BACK_DEG`).
- Each cue names the metric and value that triggered it.
"""

from __future__ import annotations

from formcheck.contract import Cue, Message, MetricResult
from formcheck.engine.norms import strike_class
from formcheck.engine.registry import SPECS, threshold

BACKWARD_LEAN_BACK_DEG = -2.0
"""Backward running: a trunk leaning behind the vertical by more than this (°, + forward) gets the
"stay over your feet" cue. Backward runners keep a slight forward lean (Cavagna et al. 2012,
gaits.md §2) and a trunk behind the hips is a fall risk (gaits.md, *starting value* [I]); 2° is
the trunk's measurement tolerance on the synthetic suite, so a lean beyond it is not noise."""

UPRIGHT_TRUNK_DEG = 7.0
"""A trunk lean below this (°) is upright for the deep-knee cue: under the self-chosen mean of
7.3 ± 3.6° (Teng & Powers 2014), so the knee, not the trunk, takes the load."""


def _usable(metrics: dict[str, MetricResult], name: str) -> MetricResult | None:
    m = metrics.get(name)
    if m is None or m.value is None or m.confidence == "low":
        return None
    return m


#: Backward gait: a toe-first share below this (%) means most contacts did not start at the toes (gaits.md §2's
#: "heel first" and "flat or heel contact" triggers; a design choice: the majority of the near foot's contacts).
TOE_FIRST_MAJORITY_PCT = 50.0


def _not_toes_first(metrics: dict[str, MetricResult]) -> MetricResult | None:
    """Backward gait: the toe-first share when most near-foot contacts did not start at the toes, else None.

    The share is at low confidence backward (contacts timed from the knee,
    :data:`formcheck.engine.metrics.BACKWARD_DOUBTFUL`), so a value is enough here.
    """
    share = metrics.get("toe_first_contact_pct")
    ok = share is not None and share.value is not None and share.value < TOE_FIRST_MAJORITY_PCT
    return share if ok else None


def _heel_first(metrics: dict[str, MetricResult]) -> bool:
    """Backward running: most contacts not toes first and the median landing clearly a heel strike.

    The heel strike is :func:`formcheck.engine.norms.strike_class`'s ``"rearfoot"`` of the median angle, not
    within 2° of its cut-off: gaits.md §2's trigger is "heel first", a flat landing is not one.
    """
    angle = metrics.get("foot_strike_angle_ic_deg")
    if _not_toes_first(metrics) is None or angle is None or angle.value is None:
        return False
    cls, uncertain = strike_class(angle.value)
    return cls == "rearfoot" and not uncertain


def select_cues(metrics: dict[str, MetricResult], view: dict, max_cues: int = 3) -> list[Cue]:
    """Choose cues from the metric results (their ``value``, ``flag`` and ``confidence``).

    Parameters
    ----------
    metrics : dict of str to MetricResult
        The engine's metric results.
    view : dict
        ``plane``, ``direction`` and ``gait`` of the clip.
    max_cues : int
        At most this many (metrics.md: three).

    Returns
    -------
    list of Cue
        Most important first; each names the metric and value that triggered it.
    """
    if view.get("gait") == "walk" and view.get("direction") == "backward":
        return backward_walking_cues(metrics, view, max_cues)
    if view.get("gait") == "walk":
        return walking_cues(metrics, view, max_cues)
    if view.get("gait") != "run":
        return []
    backward = view.get("direction") == "backward"
    out: list[Cue] = []

    def add(cue_id, metric):
        out.append(Cue(cue_id, metric, metrics[metric].value, Message("cue", cue_id), len(out) + 1))

    if view.get("plane") == "frontal":
        pd = _usable(metrics, "pelvic_drop_deg")
        if pd and pd.value > SPECS["pelvic_drop_deg"].noise_floor:  # beyond the noise floor
            add("level_pelvis", "pelvic_drop_deg")
        sw = _usable(metrics, "step_width_pct_hip")
        if sw and sw.value <= SPECS["step_width_pct_hip"].norm.low:  # on or across the midline
            add("own_lane", "step_width_pct_hip")
        return out[:max_cues]

    shank, heel = _usable(metrics, "shank_angle_ic_deg"), _usable(metrics, "heel_ahead_of_hip_ic_pct_leg")
    if not backward:
        overstride = [m for m, x in (("shank_angle_ic_deg", shank), ("heel_ahead_of_hip_ic_pct_leg", heel))
                      if x and x.flag == "flag"]
        if overstride:
            add("overstride_cadence", overstride[0])
        if shank and shank.flag == "flag":
            add("land_under_body", "shank_angle_ic_deg")
        knee = _usable(metrics, "knee_flexion_ic_deg")
        if knee and knee.flag == "flag":
            add("soft_knee", "knee_flexion_ic_deg")
    peak, trunk = _usable(metrics, "knee_flexion_peak_stance_deg"), _usable(metrics, "trunk_lean_deg")
    if backward:
        if _heel_first(metrics):
            add("backward_ball_first", "toe_first_contact_pct")
        if trunk and trunk.value < BACKWARD_LEAN_BACK_DEG:
            add("backward_stay_over_feet", "trunk_lean_deg")
    if (not backward and peak and peak.value > threshold("knee_flexion_peak_stance_deg", "flag_above")
            and trunk and trunk.value < UPRIGHT_TRUNK_DEG):
        add("lean_from_ankles", "knee_flexion_peak_stance_deg")
    if trunk and trunk.value > threshold("trunk_lean_deg", "flag_above"):
        add("run_tall", "trunk_lean_deg")
    vo = _usable(metrics, "vertical_oscillation_pct_leg")
    vo_cm = _usable(metrics, "vertical_oscillation_cm")  # in cm from the treadmill speed (no height needed)
    if vo and vo.flag == "flag":
        add("forward_not_up", "vertical_oscillation_pct_leg")
    elif vo_cm and vo_cm.flag == "flag":
        add("forward_not_up", "vertical_oscillation_cm")
    return out[:max_cues]


TRAILING_HIP_EXT_DEG = 5.0
"""Walking: hip extension in terminal stance below this (°) is a short trailing step.

gaits.md gives 10–20° typical and flags only a drop against the walker's own
baseline; one clip has no baseline, so the cue waits until the value lies a
whole noise floor (5°, ``MetricSpec.noise_floor``) below the typical range's
low end: a design choice, not a published threshold."""


def walking_cues(metrics: dict[str, MetricResult], view: dict, max_cues: int = 3) -> list[Cue]:
    """Walking cues of gaits.md section 1, at most ``max_cues``, in its order (all grade C/D, starting values).

    - swing knee flagged (below 40°): ``walk_swing_knee``;
    - hip extension in terminal stance below :data:`TRAILING_HIP_EXT_DEG` (a
      short trailing step): ``walk_trailing_leg``;
    - step-time asymmetry flagged (above 10 %): ``walk_even_beat``;
    - trunk flagged (more than 10° forward): ``walk_tall``.

    Side view, forward walking only (backward walking has cues of its own in
    gaits.md section 2, :func:`backward_walking_cues`; a rear view measures none of these).
    """
    if view.get("plane") == "frontal" or view.get("direction") == "backward":
        return []
    out: list[Cue] = []

    def add(cue_id, metric):
        out.append(Cue(cue_id, metric, metrics[metric].value, Message("cue", cue_id), len(out) + 1))

    swing = _usable(metrics, "knee_flexion_swing_peak_deg")
    if swing and swing.flag == "flag":
        add("walk_swing_knee", "knee_flexion_swing_peak_deg")
    hip = _usable(metrics, "hip_extension_peak_stance_deg")
    if hip and hip.value < TRAILING_HIP_EXT_DEG:
        add("walk_trailing_leg", "hip_extension_peak_stance_deg")
    asym = _usable(metrics, "step_time_asymmetry_pct")
    if asym and asym.flag == "flag":
        add("walk_even_beat", "step_time_asymmetry_pct")
    trunk = _usable(metrics, "trunk_lean_deg")
    if trunk and trunk.flag == "flag":
        add("walk_tall", "trunk_lean_deg")
    return out[:max_cues]


def backward_walking_cues(metrics: dict[str, MetricResult], view: dict, max_cues: int = 3) -> list[Cue]:
    """Backward-walking cues of gaits.md section 2 (BW trigger table, grade D, starting values), at most ``max_cues``.

    - most near-foot contacts do not start at the toes (flat, −0.8° to 7.4°,
      or heel first; ``toe_first_contact_pct`` below
      :data:`TOE_FIRST_MAJORITY_PCT`): ``backward_walk_toes_first``, "Toes
      first, then roll onto the heel.";
    - the knee's straightest point in stance flagged (above 10°, gaits.md
      starting value): ``backward_walk_straight_knee``, "Let the knee go fully
      straight.".

    Side view only. gaits.md's "unsteady" and "dosing (knee OA)" rows have no
    measured trigger here (no steadiness measure; the dose is a plan, not a
    clip) and give no cue. The forward walking cues (swing knee, trailing leg,
    even beat, trunk) are not given backward.

    Parameters
    ----------
    metrics : dict of str to MetricResult
        The engine's metric results of a backward walk.
    view : dict
        ``plane`` of the clip (a rear view gets none of these).
    max_cues : int
        At most this many.

    Returns
    -------
    list of Cue
        In gaits.md's order; each names the metric and value that triggered it.
    """
    if view.get("plane") == "frontal":
        return []
    out: list[Cue] = []

    def add(cue_id, metric):
        out.append(Cue(cue_id, metric, metrics[metric].value, Message("cue", cue_id), len(out) + 1))

    if _not_toes_first(metrics) is not None:
        add("backward_walk_toes_first", "toe_first_contact_pct")
    knee = _usable(metrics, "knee_flexion_min_stance_deg")
    if knee and knee.flag == "flag":
        add("backward_walk_straight_knee", "knee_flexion_min_stance_deg")
    return out[:max_cues]
