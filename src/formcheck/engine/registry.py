"""The metric registry: one frozen :class:`MetricSpec` per metric, in contract order.

Everything else is derived from it: the metric list of the JSON contract and
its units (:data:`formcheck.engine.metrics.METRICS`), which metrics a side or a
rear view measures (:func:`names_for`), the normal ranges and flag bands
(:mod:`formcheck.engine.norms`), the cue thresholds (:mod:`formcheck.engine.cues`),
the noise floors of a before/after comparison (:mod:`formcheck.outputs.compare`),
the order of the dashboard's cards (:data:`CARD_ORDER`) and the plausible
ranges outside which a value is no measurement (:func:`formcheck.engine.metrics.summarise`).

Adding a metric is one entry here, its per-stride computation in
:mod:`formcheck.engine.metrics` and its label in the catalogs
(``metric.<name>`` in ``formcheck/i18n/locale/*/LC_MESSAGES/formcheck.po``).

Definitions, norms and flags: ``shared/reference/metrics.md`` (sections 1 and 2);
the literature of each band is in its ``source``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Norm:
    """A normal range as metrics.md states it.

    Attributes
    ----------
    typical : str
        The typical range in words (English; the JSON carries it, the catalogs
        hold the German wording as ``norm.<metric>``).
    low, high : float or None
        The normal band drawn on charts (units of the metric).
    starting_value : bool
        The flag threshold is a *starting value* of metrics.md (ours to tune),
        labelled as such wherever it is shown.
    source : str
        Literature.
    """

    typical: str
    low: float | None = None
    high: float | None = None
    starting_value: bool = False
    source: str = ""


@dataclass(frozen=True)
class FlagRule:
    """Traffic-light bands of one metric (``"ok"``, ``"watch"``, ``"flag"``).

    A value above ``flag_above`` or below ``flag_below`` is ``"flag"``; else
    above ``watch_above`` or below ``watch_below`` ``"watch"``; else ``"ok"``.

    Attributes
    ----------
    applies_if : {"heel_striker", "runner_height"} or None
        Without it the metric has no light at all (``None``): heel ahead of the
        hip means something for heel strikers only; vertical oscillation is
        judged in cm, which needs the runner's height.
    flag_only_if : {"overstride"} or None
        The flag needs this too, otherwise the light is ``"ok"`` (a low cadence
        matters only together with an overstride sign, metrics.md).
    in_cm : bool
        Bands are in cm of the runner (value in % of leg length converted with
        :func:`formcheck.engine.norms.leg_length_cm`).
    """

    flag_above: float | None = None
    flag_below: float | None = None
    watch_above: float | None = None
    watch_below: float | None = None
    applies_if: Literal["heel_striker", "runner_height"] | None = None
    flag_only_if: Literal["overstride"] | None = None
    in_cm: bool = False


@dataclass(frozen=True)
class MetricSpec:
    """One metric of the contract.

    Attributes
    ----------
    name : str
        JSON key; the unit is part of the name.
    unit : str
        Unit as the JSON writes it.
    plane : {"sagittal", "frontal", "both"}
        Which view measures it (side view = sagittal, rear/front view = frontal).
    legs : {"near", "both"}
        Which legs feed the headline value: per-leg angles and timing come from
        the near leg in a side view (the far leg is hidden more and measured
        worse); both sides are still reported as ``left``/``right``.
    taken : str
        How a per-stride value is taken (documentation, README).
    plausible : (float, float)
        What a human body does in forward running and walking: a headline
        value outside it is a detection defect and is reported as null with a
        reason, never as a number.
    plausible_backward : (float, float) or None
        The same for backward gait, where contact starts at the toes (the shank
        leans back at contact, the thigh is still ahead at toe-off); None: as
        forward.
    plausible_walk : (float, float) or None
        The same for walking where it differs from running (cadence); None: as
        ``plausible``.
    directions : tuple of {"forward", "backward"}
        The gait directions that measure it: the toe-first share is a backward
        measure (gaits.md section 2 keeps "toe-first yes/no" backward and
        switches the strike classes off); null with the reason
        ``backward_metric`` for forward gait.
    gaits : tuple of {"run", "walk"}
        The gaits that measure it. Walking has its own metric set
        (``shared/reference/gaits.md`` section 1): the loading-response and swing
        knee peaks, hip extension in terminal stance and double support; the
        running metrics read at toe-off or in flight (peak stance knee, hip
        extension at toe-off, flight time) are not walking measures (a walking
        knee is still flexing at toe-off, its hip peaks in terminal stance) and
        are null with a reason for a walk.
    norm_walk, flag_walk : Norm or FlagRule or None
        Normal range and traffic light for walking (gaits.md section 1, starting
        values unless noted); None where gaits.md gives none: a running norm is
        never shown for a walk.
    norm_back_walk, flag_back_walk : Norm or FlagRule or None
        Normal range and traffic light for backward walking (gaits.md section 2,
        the BW metric table); a backward walk without its own norm shows the
        walking one (``norm_walk``), but is lit only by ``flag_back_walk``: no
        forward rule (walking or running) lights backward gait, and backward
        running has no metric light at all (gaits.md §2 turns its triggers
        into cues, :mod:`formcheck.engine.cues`).
    norm : Norm or None
        Normal range; None where metrics.md gives none.
    flag : FlagRule or None
        Traffic light; None where metrics.md gives no threshold.
    noise_floor : float or None
        Smallest real change between two sessions in the metric's unit
        (Dingenen 2018, 2-D).
    noise_floor_rel : float or None
        The same as a share of the mean of the two values, for timing and
        length metrics (ours: one frame at 60 fps is about 17 ms of a 250 ms
        contact).
    card : int
        Position of its card on the dashboard (the order a therapist reads).
    """

    name: str
    unit: str
    plane: Literal["sagittal", "frontal", "both"]
    legs: Literal["near", "both"]
    taken: str
    plausible: tuple[float, float]
    norm: Norm | None = None
    flag: FlagRule | None = None
    noise_floor: float | None = None
    noise_floor_rel: float | None = None
    card: int = 99
    plausible_backward: tuple[float, float] | None = None
    plausible_walk: tuple[float, float] | None = None
    gaits: tuple[str, ...] = ("run", "walk")
    norm_walk: Norm | None = None
    flag_walk: FlagRule | None = None
    norm_back_walk: Norm | None = None
    flag_back_walk: FlagRule | None = None
    directions: tuple[str, ...] = ("forward", "backward")

    def norm_for(self, gait: str = "run", direction: str = "forward") -> Norm | None:
        """The normal range for a gait and direction: walking has its own (gaits.md section 1), backward walking
        its own where gaits.md section 2 gives one (else the walking one), and none where gaits.md gives none."""
        if gait == "walk" and direction == "backward" and self.norm_back_walk is not None:
            return self.norm_back_walk
        return self.norm_walk if gait == "walk" else self.norm

    def flag_for(self, gait: str = "run", direction: str = "forward") -> FlagRule | None:
        """The traffic-light rule for a gait and direction (walking: gaits.md section 1; backward walking: section 2;
        backward running: none); None where gaits.md gives no threshold."""
        if direction == "backward":
            return self.flag_back_walk if gait == "walk" else None
        return self.flag_walk if gait == "walk" else self.flag

    def plausible_for(self, direction: str, gait: str = "run") -> tuple[float, float]:
        """The plausible range for a gait direction (``"forward"``/``"backward"``) and gait (``"run"``/``"walk"``)."""
        if gait == "walk" and self.plausible_walk:
            return self.plausible_walk
        return self.plausible_backward if direction == "backward" and self.plausible_backward else self.plausible

    @property
    def text_key(self) -> str:
        """Catalog id of the metric's label."""
        return f"metric.{self.name}"


_SPECS = (
    MetricSpec("cadence_spm", "steps/min", "both", "both",
               "steps per minute from the initial contacts of both feet, cross-checked with the hip's vertical motion",
               # running: recreational runners 150-190 at 2.5-4 m/s (Leacox 2025; Heiderscheit 2011); below ~135 a
               # "run" is a stride-rate error (one foot's contacts only) or unmarked slow motion; walking 60-150
               # (adults about 100-130; slow patients and rehab walking lower)
               (130.0, 220.0),
               Norm("~169 at 2.7 m/s, ~172 at 3.2, ~178 at 3.8 (rises with speed)", 160, 185, False,
                    "Leacox 2025; Heiderscheit 2011"),
               FlagRule(flag_below=166, flag_only_if="overstride"), noise_floor_rel=0.02, card=0,
               plausible_walk=(50.0, 150.0),
               norm_walk=Norm("100–120 steps/min (lab; 81–138 over the lifespan)", 100, 120, False, "Tudor-Locke 2011, 2019; Winter")),
    MetricSpec("knee_flexion_ic_deg", "deg", "sagittal", "near", "180° − angle(hip, knee, ankle) at initial contact",
               (-10.0, 50.0), Norm("17.8 ± 4.0°", 13.8, 21.8, True, "Heiderscheit 2011"),
               FlagRule(flag_below=10), noise_floor=3.8, card=1, plausible_backward=(-10.0, 70.0),
               norm_walk=Norm("0–5°", 0, 5, True, "Perry (Physiopedia); Tateuchi 2019"),
               flag_walk=FlagRule(flag_above=15)),
    MetricSpec("knee_flexion_peak_stance_deg", "deg", "sagittal", "near",
               "largest knee flexion between initial contact and toe-off", (0.0, 80.0),
               Norm("39–46°", 39, 46, True, "Heiderscheit 2011; Lenhart 2014"),
               FlagRule(flag_above=55, flag_below=35), noise_floor=3.8, card=2,
               gaits=("run",)),
    MetricSpec("hip_extension_to_deg", "deg", "sagittal", "near",
               "thigh behind the vertical at toe-off (largest within 50 ms of it)", (-15.0, 40.0),
               Norm("~11–17°", 11, 17, False, "OpenCap 2025; Pagnon 2022"), None, noise_floor=5.0, card=6,
               plausible_backward=(-45.0, 30.0),
               gaits=("run",)),
    MetricSpec("hip_extension_trunk_to_deg", "deg", "sagittal", "near",
               "thigh behind the trunk line at that instant, −(thigh angle + trunk lean)", (-15.0, 60.0),
               Norm("—"), None, noise_floor=5.0, card=13, plausible_backward=(-60.0, 45.0),
               gaits=("run",)),
    MetricSpec("trunk_lean_deg", "deg", "sagittal", "both", "mid-hip → mid-shoulder against the vertical at midstance",
               (-30.0, 45.0), Norm("7.3 ± 3.6°", 3.7, 10.9, True, "Teng & Powers 2014, 2015"),
               FlagRule(flag_above=15, watch_below=3), noise_floor=2.3, card=5,
               norm_walk=Norm("near upright (at most 10° forward)", None, 10, True, "Tanaka 2025"),
               flag_walk=FlagRule(flag_above=10)),
    MetricSpec("shank_angle_ic_deg", "deg", "sagittal", "near", "knee → ankle against the vertical at initial contact",
               (-25.0, 30.0), Norm("2–7°", 2, 7, True, "Evans 2023; Souza 2016"),
               FlagRule(flag_above=8, watch_above=3), noise_floor=4.8, card=3,
               plausible_backward=(-50.0, 25.0)),
    MetricSpec("heel_ahead_of_hip_ic_pct_leg", "% leg length", "sagittal", "near",
               "heel − mid-hip along the facing direction at initial contact, % of leg length", (-60.0, 80.0),
               Norm("≤ 15 % of leg length", None, 15, True, "Wille 2014; Napier 2018"),
               FlagRule(flag_above=15, applies_if="heel_striker"), noise_floor_rel=0.25, card=4),
    MetricSpec("foot_strike_angle_ic_deg", "deg", "sagittal", "near",
               "heel → toe against the ground at initial contact, relative to the foot flat in mid-stance",
               (-40.0, 45.0), Norm("heel 17.7 ± 4.4°, midfoot 2.6°, forefoot −7.9°", None, None, False, "Mo 2021/2023"),
               None, noise_floor=2.3, card=7,
               # backward: the toes land first, as steep as a forward toe-off is (walking: the foot about 45°
               # toes-down, Perry via Physiopedia; the exact backward walker reads -44°, the runner -32°)
               plausible_backward=(-70.0, 45.0)),
    MetricSpec("toe_first_contact_pct", "%", "sagittal", "near",
               "share of the near foot's contacts that start at the toes: foot-strike angle below −0.8° (the "
               "forefoot cut-off of Altman & Davis 2012)",
               (0.0, 100.0),
               # gaits.md §2: backward running lands on the forefoot (Cavagna 2012), backward walking toes first
               # (Semones; Schneider); "heel first" and "flat or heel contact" are the cue triggers there
               Norm("toes first on every contact (toe → heel)", None, None, False,
                    "Cavagna 2012; Semones (gaits.md §2)"),
               None,
               # one contact in four: each call rests on one angle read at ±2.3° (the angle's noise floor) near
               # the cut-off; a design choice, no published floor
               noise_floor=25.0, card=7, directions=("backward",),
               norm_back_walk=Norm("toes first on every contact (toe → heel)", None, None, False,
                                   "Semones; Schneider (gaits.md §2)")),
    MetricSpec("contact_time_ms", "ms", "sagittal", "near", "initial contact → toe-off", (80.0, 1500.0),
               Norm("240–285 ms at jogging pace", 240, 285, False, "García-Pinillos 2019"), None,
               noise_floor_rel=0.07, card=8),
    MetricSpec("flight_time_ms", "ms", "sagittal", "both", "toe-off → the other foot's initial contact", (0.0, 400.0),
               Norm("—"), None, noise_floor_rel=0.15, card=10,
               gaits=("run",)),
    MetricSpec("duty_factor_pct", "%", "sagittal", "near", "contact time / stride time × 100", (10.0, 90.0),
               Norm("35–39 %", 35, 39), None, noise_floor_rel=0.07, card=9,
               norm_walk=Norm("stance ~60 % of the stride", None, 65, True, "Perry (Physiopedia)"),
               flag_walk=FlagRule(flag_above=65)),
    MetricSpec("vertical_oscillation_pct_leg", "% leg length", "sagittal", "both",
               "vertical range of mid-hip within each stride, % of leg length", (0.0, 30.0),
               Norm("7.5–9.3 cm per stride (jogging)", None, None, True, "Van Hooren 2024"),
               FlagRule(flag_above=11, applies_if="runner_height", in_cm=True), noise_floor_rel=0.10, card=11),
    MetricSpec("step_time_asymmetry_pct", "%", "both", "both", "100 × |left − right| / mean of the median step times",
               (0.0, 60.0), Norm("—"), None, noise_floor_rel=0.5, card=12,
               norm_walk=Norm("small (at most 10 %)", None, 10, True, "Patterson 2008; Sensors 2020"),
               flag_walk=FlagRule(flag_above=10)),
    MetricSpec("pelvic_drop_deg", "deg", "frontal", "both",
               "hip line against the horizontal at midstance, + swing side lower", (-20.0, 20.0),
               Norm("none established; noise floor between sessions 2.7–2.8°", None, None, False,
                    "Dingenen 2018; Bramah 2018"), None,
               noise_floor=2.8, card=14),
    MetricSpec("knee_fppa_deg", "deg", "frontal", "both",
               "frontal-plane projection angle at midstance, + knee inside the hip–ankle line", (-45.0, 45.0),
               Norm("4.0 ± 3.3° (informational only)", 0.7, 7.3, False, "de Vasconcelos 2022"), None,
               noise_floor=3.8, card=15),
    MetricSpec("step_width_pct_hip", "% hip width", "frontal", "both",
               "lateral distance between the feet at successive contacts, % of hip width", (-150.0, 250.0),
               Norm("> 0 (no crossover)", 0, None, False, "Meardon 2012"), None, noise_floor_rel=0.3, card=16),
    # walking only (shared/reference/gaits.md section 1; [I] there = a design choice, every flag a starting value)
    MetricSpec("double_support_pct", "%", "sagittal", "near",
               "time with both feet down in a stride (contact → the other foot's toe-off, the other foot's contact → "
               "toe-off) / stride time × 100", (0.0, 60.0), None, None, noise_floor_rel=0.2, card=9,
               gaits=("walk",), norm_walk=Norm("~25 %", None, 30, True, "Perry (Physiopedia)"),
               flag_walk=FlagRule(flag_above=30)),
    MetricSpec("knee_flexion_loading_peak_deg", "deg", "sagittal", "near",
               "largest knee flexion in the first half of stance (the loading-response peak)", (-10.0, 60.0),
               None, None, noise_floor=3.8, card=2, gaits=("walk",),
               norm_walk=Norm("15–20°", 15, 20, True, "Perry (Physiopedia); Tateuchi 2019"),
               flag_walk=FlagRule(flag_above=25, flag_below=5)),
    MetricSpec("knee_flexion_swing_peak_deg", "deg", "sagittal", "near",
               "largest knee flexion from toe-off to the next contact", (10.0, 100.0), None, None,
               noise_floor=3.8, card=2, gaits=("walk",),
               norm_walk=Norm("~60°", 55, 65, True, "J Clin Med 2022; Bacca 2025"), flag_walk=FlagRule(flag_below=40)),
    MetricSpec("hip_extension_peak_stance_deg", "deg", "sagittal", "near",
               "thigh behind the vertical at its furthest in stance (terminal stance)", (-15.0, 40.0), None, None,
               noise_floor=5.0, card=6, gaits=("walk",),
               # gaits.md: "flag only a drop against own baseline": no light
               norm_walk=Norm("10–20°", 10, 20, False, "Perry (Physiopedia); Stenum 2021")),
    # the knee's straightest point in stance: a walking knee is nearly straight in mid/terminal stance (Perry via
    # Physiopedia, no norm in gaits.md §1: none for a forward walk); backward walking "reaches 0°", flag "> 10° at
    # straightest" (gaits.md §2 BW table: Semones [V, secondary]; the threshold a starting value, [I]); plausible:
    # 0° is straight (the 2-D angle is unsigned), a crouch gait stays bent by 30-40° at most
    MetricSpec("knee_flexion_min_stance_deg", "deg", "sagittal", "near",
               "smallest knee flexion between initial contact and toe-off (the knee's straightest point in stance)",
               (0.0, 60.0), None, None, noise_floor=3.8, card=2, gaits=("walk",),
               norm_back_walk=Norm("reaches 0° (fully straight)", 0, 10, True, "Semones (gaits.md §2)"),
               flag_back_walk=FlagRule(flag_above=10)),
    # with a treadmill speed only (formcheck.engine.speed); null with reason "no_speed" without one
    MetricSpec("step_length_cm", "cm", "both", "both",
               "treadmill speed / step rate: speed / (cadence / 60)",
               # 2 km/h at 100 steps/min is 33 cm; 25 km/h at 190 is 219 cm
               (30.0, 250.0), Norm("—"), None, noise_floor_rel=0.02, card=0),
    MetricSpec("vertical_oscillation_cm", "cm", "sagittal", "both",
               "vertical range of mid-hip within each stride, in cm from the belt speed: the stance foot moves "
               "backward in the image at the belt speed (median over stances) = cm per pixel",
               (0.0, 30.0), Norm("7.5–9.3 cm per stride (jogging)", 7.5, 9.3, True, "Van Hooren 2024"),
               FlagRule(flag_above=11), noise_floor_rel=0.10, card=11),
)

#: name → spec, in contract order (the order of the JSON's ``metrics`` object).
SPECS: dict[str, MetricSpec] = {s.name: s for s in _SPECS}

#: Metric names in the order of the dashboard's cards.
CARD_ORDER: list[str] = [s.name for s in sorted(_SPECS, key=lambda s: s.card)]


#: The walking metric set first on a walk's cards, in the order a therapist reads a walk (gaits.md section 1);
#: the other metrics the walk measures follow in :data:`CARD_ORDER`.
WALK_CARDS = ("cadence_spm", "duty_factor_pct", "double_support_pct", "step_time_asymmetry_pct", "knee_flexion_ic_deg",
              "knee_flexion_loading_peak_deg", "knee_flexion_min_stance_deg", "knee_flexion_swing_peak_deg",
              "hip_extension_peak_stance_deg", "trunk_lean_deg")


def card_order(gait: str | None = "run") -> list[str]:
    """Metric names in the order of the cards for a result of ``gait`` (``view.gait``; None: running's)."""
    if gait != "walk":
        return list(CARD_ORDER)
    return list(WALK_CARDS) + [n for n in CARD_ORDER if n not in WALK_CARDS]


def measured_in(name: str, gait: str, direction: str | None = None) -> bool:
    """Whether ``gait`` (``"run"``/``"walk"``) measures metric ``name`` (in ``direction`` when given)."""
    spec = SPECS[name]
    return gait in spec.gaits and (direction is None or direction in spec.directions)


def spec(name: str) -> MetricSpec:
    """The spec of ``name`` (KeyError for an unknown metric)."""
    return SPECS[name]


def names_for(plane: Literal["sagittal", "frontal"], gait: str | None = None) -> list[str]:
    """Metrics a view of ``plane`` measures (for ``gait`` when given), in contract order."""
    return [s.name for s in _SPECS if s.plane in (plane, "both") and (gait is None or gait in s.gaits)]


def threshold(name: str, band: str) -> float:
    """One band of a metric's flag rule (e.g. ``threshold("trunk_lean_deg", "flag_above")`` = 15°)."""
    value = getattr(SPECS[name].flag, band)
    if value is None:
        raise KeyError(f"{name} has no {band} band")
    return float(value)
