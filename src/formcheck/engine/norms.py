"""Normal ranges and flags (``shared/reference/metrics.md`` section 2; walking: ``gaits.md`` section 1; backward
walking: ``gaits.md`` section 2).

A flag is ``"ok"``, ``"watch"`` or ``"flag"`` (traffic light green/amber/red),
or ``None`` where metrics.md gives no threshold. Thresholds that metrics.md marks
*starting value* carry ``starting_value=True`` and must be labelled as such.
"""

from __future__ import annotations

import numpy as np

from formcheck.engine.registry import SPECS, FlagRule

#: Noise floors for a change between two sessions (Dingenen 2018, 2-D), in the metric's unit (from the registry).
NOISE_FLOOR = {n: s.noise_floor for n, s in SPECS.items() if s.noise_floor is not None}
#: Relative noise floors for timing and length metrics (from the registry).
NOISE_FLOOR_REL = {n: s.noise_floor_rel for n, s in SPECS.items() if s.noise_floor_rel is not None}
#: Normal ranges by metric (from the registry).
NORMS = {n: s.norm for n, s in SPECS.items() if s.norm is not None}


#: Foot-strike classes (Altman & Davis cut-offs); within ±2° of a cut-off: "uncertain".
STRIKE_CUTS = (-0.8, 7.4)


def strike_class(angle: float | None) -> tuple[str | None, bool]:
    """``(class, uncertain)`` for a foot-strike angle in degrees."""
    if angle is None:
        return None, False
    lo, hi = STRIKE_CUTS
    cls = "rearfoot" if angle > hi else ("forefoot" if angle < lo else "midfoot")
    return cls, min(abs(angle - lo), abs(angle - hi)) <= 2.0


def foot_strike_by_side(angles: dict[str, list[float]], min_steps: int) -> dict[str, tuple[str | None, bool]]:
    """Foot-strike class of each foot from its steps' foot-strike angles.

    Parameters
    ----------
    angles : dict of side to list of float
        Foot-strike angles at contact (degrees, + toes up), one per step;
        NaN or None entries are ignored.
    min_steps : int
        Fewer measured steps than this give no class.

    Returns
    -------
    dict of side to (class or None, uncertain)
        The class of the median angle and whether that median lies within 2°
        of a cut-off (:data:`STRIKE_CUTS`), where metrics.md says to call the
        class uncertain.
    """
    out = {}
    for side, vals in angles.items():
        vals = [float(v) for v in vals if v is not None and np.isfinite(v)]
        out[side] = strike_class(float(np.median(vals))) if len(vals) >= min_steps else (None, False)
    return out


def leg_length_cm(height_cm: float) -> float:
    """Hip → ankle length from body height (Winter: thigh 0.245 + shank 0.246 of height)."""
    return 0.491 * height_cm


def flag(name: str, value: float | None, *, overstride: bool = False, pace_easy: bool = True,
         runner_height_cm: float | None = None, heel_striker: bool = True, gait: str = "run",
         direction: str = "forward") -> str | None:
    """Traffic light for one metric value from its :class:`~formcheck.engine.registry.FlagRule`.

    Parameters
    ----------
    name : str
        Metric.
    value : float or None
        Its headline value (units of the metric).
    overstride : bool
        An overstride sign was seen (shank or heel-ahead flag); a low cadence is
        flagged only together with it.
    pace_easy : bool
        The runner runs at an easy pace (the cadence band is for easy running).
    runner_height_cm : float, optional
        Needed for the bands given in cm (vertical oscillation).
    heel_striker : bool
        The near foot lands heel first (heel-ahead-of-hip is judged only then).
    gait : {"run", "walk"}
        Walking has its own bands (``shared/reference/gaits.md`` section 1,
        ``MetricSpec.flag_walk``); a running band never lights a walk.
    direction : {"forward", "backward"}
        Backward gait is lit only by the backward-walking bands of gaits.md
        section 2 (``MetricSpec.flag_back_walk``): gaits.md switches off the
        forward overstride, strike and cadence rules backward, and backward
        running has no band at all.

    Returns
    -------
    {"ok", "watch", "flag"} or None
        None for a null value, a metric without a rule, or a rule that does not apply.
    """
    rule = SPECS[name].flag_for(gait, direction) if name in SPECS else None
    if value is None or rule is None:
        return None
    if rule.applies_if == "heel_striker" and not heel_striker:
        return None  # meaningful for heel strikers only
    if rule.applies_if == "runner_height" and not runner_height_cm:
        return None
    if rule.in_cm:
        value = value / 100.0 * leg_length_cm(runner_height_cm)
    return _light(rule, value, allowed=(overstride and pace_easy) if rule.flag_only_if == "overstride" else True)


def _light(rule: FlagRule, value: float, *, allowed: bool = True) -> str:
    """``"flag"`` beyond a flag band (when ``allowed``), ``"watch"`` beyond a watch band, else ``"ok"``."""
    if allowed and ((rule.flag_above is not None and value > rule.flag_above)
                    or (rule.flag_below is not None and value < rule.flag_below)):
        return "flag"
    if (rule.watch_above is not None and value > rule.watch_above) or (rule.watch_below is not None and value < rule.watch_below):
        return "watch"
    return "ok"
