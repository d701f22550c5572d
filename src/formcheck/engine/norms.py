"""Normal ranges and flags (``shared/reference/metrics.md`` section 2).

A flag is ``"ok"``, ``"watch"`` or ``"flag"`` (traffic light green/amber/red),
or ``None`` where metrics.md gives no threshold. Thresholds that metrics.md marks
*starting value* carry ``starting_value=True`` and must be labelled as such.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Noise floors for a change between two sessions (Dingenen 2018, 2-D), degrees.
NOISE_FLOOR = {
    "trunk_lean_deg": 2.3, "foot_strike_angle_ic_deg": 2.3, "shank_angle_ic_deg": 4.8,
    "knee_flexion_ic_deg": 3.8, "knee_flexion_peak_stance_deg": 3.8, "pelvic_drop_deg": 2.8,
    "hip_extension_to_deg": 5.0, "hip_extension_trunk_to_deg": 5.0, "knee_fppa_deg": 3.8,
}
#: Relative noise floors for timing metrics (ours; one frame at 60 fps ≈ 17 ms of a 250 ms contact).
NOISE_FLOOR_REL = {"cadence_spm": 0.02, "contact_time_ms": 0.07, "flight_time_ms": 0.15, "duty_factor_pct": 0.07,
                   "vertical_oscillation_pct_leg": 0.10, "heel_ahead_of_hip_ic_pct_leg": 0.25,
                   "step_time_asymmetry_pct": 0.5, "step_width_pct_hip": 0.3}


@dataclass(frozen=True)
class Norm:
    typical: str  # human-readable typical range
    low: float | None = None  # normal band for charts
    high: float | None = None
    starting_value: bool = False
    source: str = ""


NORMS = {
    "cadence_spm": Norm("~169 at 2.7 m/s, ~172 at 3.2, ~178 at 3.8 (rises with speed)", 160, 185, False,
                        "Leacox 2025; Heiderscheit 2011"),
    "shank_angle_ic_deg": Norm("2–7°", 2, 7, True, "Evans 2023; Souza 2016"),
    "heel_ahead_of_hip_ic_pct_leg": Norm("≤ 15 % of leg length", None, 15, True, "Wille 2014; Napier 2018"),
    "knee_flexion_ic_deg": Norm("17.8 ± 4.0°", 13.8, 21.8, True, "Heiderscheit 2011"),
    "knee_flexion_peak_stance_deg": Norm("39–46°", 39, 46, True, "Heiderscheit 2011; Lenhart 2014"),
    "hip_extension_to_deg": Norm("~11–17°", 11, 17, False, "OpenCap 2025; Pagnon 2022"),
    "hip_extension_trunk_to_deg": Norm("—", None, None, False, ""),
    "trunk_lean_deg": Norm("7.3 ± 3.6°", 3.7, 10.9, True, "Teng & Powers 2014, 2015"),
    "vertical_oscillation_pct_leg": Norm("7.5–9.3 cm per stride (jogging)", None, None, True, "Van Hooren 2024"),
    "foot_strike_angle_ic_deg": Norm("heel 17.7 ± 4.4°, midfoot 2.6°, forefoot −7.9°", None, None, False, "Mo 2021/2023"),
    "contact_time_ms": Norm("240–285 ms at jogging pace", 240, 285, False, "García-Pinillos 2019"),
    "flight_time_ms": Norm("—", None, None, False, ""),
    "duty_factor_pct": Norm("35–39 %", 35, 39, False, ""),
    "step_time_asymmetry_pct": Norm("—", None, None, False, ""),
    "pelvic_drop_deg": Norm("noise floor 2.7–2.8°", None, None, False, "Dingenen 2018; Bramah 2018"),
    "knee_fppa_deg": Norm("4.0 ± 3.3° (informational only)", 0.7, 7.3, False, "de Vasconcelos 2022"),
    "step_width_pct_hip": Norm("> 0 (no crossover)", 0, None, False, "Meardon 2012"),
}

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
         runner_height_cm: float | None = None, heel_striker: bool = True) -> str | None:
    """Traffic light for one metric value (see the module docstring)."""
    if value is None:
        return None
    if name == "shank_angle_ic_deg":
        return "ok" if value <= 3 else ("watch" if value <= 8 else "flag")
    if name == "heel_ahead_of_hip_ic_pct_leg":
        if not heel_striker:
            return None  # meaningful for heel strikers only
        return "flag" if value > 15 else "ok"
    if name == "knee_flexion_ic_deg":
        return "flag" if value < 10 else "ok"
    if name == "knee_flexion_peak_stance_deg":
        return "flag" if value > 55 or value < 35 else "ok"
    if name == "trunk_lean_deg":
        return "flag" if value > 15 else ("watch" if value < 3 else "ok")
    if name == "cadence_spm":
        return "flag" if value < 166 and overstride and pace_easy else "ok"
    if name == "vertical_oscillation_pct_leg" and runner_height_cm:
        cm = value / 100.0 * leg_length_cm(runner_height_cm)
        return "flag" if cm > 11 else "ok"
    return None
