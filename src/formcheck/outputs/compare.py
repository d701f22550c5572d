"""Two analyses side by side: can they be compared, and the differences against the noise floor (metrics.md section 2).

First :func:`comparability` says what differs between the two recordings
(view, facing, setting, gait, the runner's body proportions) and which metrics
that makes not comparable. A difference counts as a *real change* only for a
comparable metric, when it exceeds the between-session noise floor of 2-D
video analysis (Dingenen 2018) and both values are at least of medium
confidence; otherwise it is "not comparable", "within noise" or "uncertain".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from formcheck.engine.metrics import METRICS
from formcheck.engine.norms import NOISE_FLOOR, NOISE_FLOOR_REL
from formcheck.engine.registry import SPECS


# ------------------------------------------------------------------ comparability

#: Metrics that a change of setting (treadmill ↔ overground) makes not comparable. On a treadmill the belt sets the
#: speed, overground the runner does, and speed moves cadence (metrics.md: ~169/172/178 spm at 2.7/3.2/3.8 m/s),
#: contact and flight time, vertical oscillation and the sagittal angles at contact and toe-off; the moving belt also
#: changes the landing (foot-strike angle, shank, heel ahead of the hip). Trunk lean, the frontal-plane metrics and
#: the left/right step-time asymmetry depend on speed little and stay comparable.
SETTING_SENSITIVE = ("cadence_spm", "contact_time_ms", "flight_time_ms", "duty_factor_pct",
                     "vertical_oscillation_pct_leg", "knee_flexion_ic_deg", "knee_flexion_peak_stance_deg",
                     "shank_angle_ic_deg", "heel_ahead_of_hip_ic_pct_leg", "foot_strike_angle_ic_deg",
                     "toe_first_contact_pct", "hip_extension_to_deg", "hip_extension_trunk_to_deg")

#: Largest difference of a body ratio (``analysis.body``) that still counts as the same runner filmed the same way.
#: Measured on this project's clips (December 2026, full model): the same synthetic runner in two clips differs by
#: 0.002 (thigh/shank) and 0.003 (leg/height); within one real clip the near and the far leg of the same runner
#: differ by up to 0.06 and 0.02 (MediaPipe puts the hip joint centre a few cm off, more so on the hidden leg).
#: The tolerances are about twice those within-runner spreads; the real runners measured so far span 0.90–0.99
#: (thigh/shank) and 0.52–0.55 (leg/height), so only a clearly different build, or a camera that saw the body
#: very differently (much closer, much higher or lower), exceeds them. A ratio within tolerance does not prove the
#: same runner; one beyond it says the clips should not be compared as before/after.
BODY_TOLERANCE = {"thigh_to_shank": 0.10, "leg_to_height": 0.04}

#: Metrics that move with the running speed (metrics.md: cadence rises with speed, ~169/172/178 spm at
#: 2.7/3.2/3.8 m/s; vertical oscillation is judged "at the same speed"; step length is speed / step rate; contact
#: and flight time shorten as the runner runs faster). Two sessions at different treadmill speeds cannot compare them.
SPEED_SENSITIVE = ("cadence_spm", "step_length_cm", "contact_time_ms", "flight_time_ms", "duty_factor_pct",
                   "vertical_oscillation_pct_leg", "vertical_oscillation_cm")

#: Largest difference of two treadmill speeds (m/s) that still counts as the same speed: 0.1 m/s = 0.36 km/h, about
#: the steps a treadmill's speed buttons take (0.1–0.5 km/h), so two sessions "at 10 km/h" always match.
SPEED_TOLERANCE_MPS = 0.1

#: What :func:`comparability` checks, in the order the page lists it.
ASPECTS = ("plane", "gait", "direction", "setting", "facing", "speed", "thigh_to_shank", "leg_to_height")


@dataclass
class Mismatch:
    """One way two recordings differ, and the metrics it makes not comparable."""

    aspect: str  # one of ASPECTS
    before: str | float | None  # None: a speed known for the other recording only
    after: str | float | None
    tolerance: float | None  # for the body ratios
    metrics: tuple[str, ...]  # contract order

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Comparability:
    """What :func:`comparability` found."""

    mismatches: list[Mismatch] = field(default_factory=list)
    not_comparable: tuple[str, ...] = ()  # every metric some mismatch makes not comparable, contract order
    unchecked: tuple[str, ...] = ()  # aspects one of the results does not carry (an older result, a hidden leg)

    @property
    def comparable(self) -> bool:
        return not self.mismatches

    def to_dict(self) -> dict:
        return {"comparable": self.comparable, "mismatches": [m.to_dict() for m in self.mismatches],
                "not_comparable": list(self.not_comparable), "unchecked": list(self.unchecked)}


def _ordered(names) -> tuple[str, ...]:
    names = set(names)
    return tuple(n for n in METRICS if n in names)


def _affected(aspect: str, plane: str | None) -> tuple[str, ...]:
    every = tuple(METRICS)
    if aspect == "setting":
        return _ordered(SETTING_SENSITIVE)
    if aspect == "speed":
        return _ordered(SPEED_SENSITIVE)
    if aspect == "facing":
        if plane == "sagittal":  # the other leg is the near one: per-leg values come from the other leg
            return _ordered(n for n, s in SPECS.items() if s.legs == "near")
        return _ordered(n for n, s in SPECS.items() if s.plane in ("frontal", "both"))  # from behind vs in front
    return every  # another view, gait or direction, or another body: nothing compares


def gait_kind(result: dict) -> str | None:
    """``"walk"``, ``"run"`` or ``"backward"``: the gait of a result's headline values (its main bout)."""
    view = result.get("view") or {}
    return "backward" if view.get("direction") == "backward" else view.get("gait")


def as_bout(result: dict, bout: dict) -> dict:
    """``result`` as one of its ``bouts[]`` shows it: the bout's view, metrics, foot strike, cues and advice."""
    return {**result, "view": bout["view"], "metrics": bout["metrics"], "foot_strike": bout["foot_strike"],
            "cues": bout["cues"], "advice": bout["advice"], "bouts": [{**bout, "main": True}]}


def matched(before: dict, after: dict) -> tuple[dict, dict, dict | None, dict | None]:
    """Two results compared like with like: a walk with a walk, a run with a run.

    Where the headline gaits differ (:func:`gait_kind`) and the second result has a bout of the first's gait
    (a walk–run interval session after a walking session, say), the second is compared as that bout
    (:func:`as_bout`; the longest one of that gait); else the first as a bout of the second's gait. Returns
    ``(before, after, bout of before used, bout of after used)``, the bouts ``None`` where the headline was kept.
    """
    ka, kb = gait_kind(before), gait_kind(after)
    if ka == kb or ka is None or kb is None:
        return before, after, None, None

    def longest(result, kind):
        of = [b for b in result.get("bouts") or [] if b.get("kind") == kind and b.get("view")]
        return max(of, key=lambda b: b["end_s"] - b["start_s"]) if of else None
    if (bb := longest(after, ka)) is not None:
        return before, as_bout(after, bb), None, bb
    if (ba := longest(before, kb)) is not None:
        return as_bout(before, ba), after, ba, None
    return before, after, None, None


def comparability(before: dict, after: dict) -> Comparability:
    """What differs between two recordings, and which metrics that makes not comparable.

    Parameters
    ----------
    before, after : dict
        Analysis results (JSON contract dicts, as :func:`formcheck.pipeline.analyze_video` writes
        them or a session stored them).

    Returns
    -------
    Comparability
        ``mismatches`` in the order of :data:`ASPECTS`:

        - ``plane`` (side vs rear view), ``gait`` (running vs walking), ``direction`` (forward vs backward):
          every metric is not comparable;
        - ``setting`` (treadmill vs overground): :data:`SETTING_SENSITIVE`;
        - ``facing`` (the runner faces the other way): in a side view the near leg is the other leg, so the
          metrics taken from the near leg (registry ``legs="near"``); from behind vs from the front, the
          frontal-plane metrics;
        - ``speed`` (``analysis.speed_mps``, the treadmill speed given): speeds more than
          :data:`SPEED_TOLERANCE_MPS` apart, or known for only one of the two (``None`` on that side), make
          :data:`SPEED_SENSITIVE` not comparable; two results without a speed are neither a mismatch nor
          ``unchecked`` (nothing was claimed about the speed, as before the speed existed);
        - ``thigh_to_shank``, ``leg_to_height`` (``analysis.body``) differing by more than
          :data:`BODY_TOLERANCE`: probably another runner, or the body seen very differently; every metric.

        An aspect that one result lacks (a result saved before ``analysis.body`` existed, a ratio the clip could
        not measure) is listed in ``unchecked`` and is not a mismatch.
    """
    mismatches: list[Mismatch] = []
    unchecked: list[str] = []
    va, vb = before.get("view") or {}, after.get("view") or {}
    plane = va.get("plane") if va.get("plane") == vb.get("plane") else None
    for aspect in ("plane", "gait", "direction", "setting", "facing"):
        a, b = va.get(aspect), vb.get(aspect)
        if a is None or b is None:
            unchecked.append(aspect)
        elif a != b:
            mismatches.append(Mismatch(aspect, a, b, None, _affected(aspect, plane)))
    sa, sb = (before.get("analysis") or {}).get("speed_mps"), (after.get("analysis") or {}).get("speed_mps")
    if (sa is None) != (sb is None) or (sa is not None and abs(sa - sb) > SPEED_TOLERANCE_MPS):
        mismatches.append(Mismatch("speed", sa, sb, SPEED_TOLERANCE_MPS, _affected("speed", plane)))
    ba = (before.get("analysis") or {}).get("body") or {}
    bb = (after.get("analysis") or {}).get("body") or {}
    for ratio, tol in BODY_TOLERANCE.items():
        a, b = ba.get(ratio), bb.get(ratio)
        if a is None or b is None:
            unchecked.append(ratio)
        elif abs(a - b) > tol:
            mismatches.append(Mismatch(ratio, a, b, tol, _affected(ratio, plane)))
    return Comparability(mismatches, _ordered(n for m in mismatches for n in m.metrics), tuple(unchecked))


# ------------------------------------------------------------------ differences


@dataclass
class MetricChange:
    name: str
    unit: str
    before: float | None
    after: float | None
    diff: float | None  # after − before, in the metric's unit
    noise_floor: float | None  # in the metric's unit
    verdict: str  # "real_change" | "within_noise" | "uncertain" | "not_measured" | "not_comparable"

    def to_dict(self) -> dict:
        return asdict(self)


def noise_floor(name: str, before: float | None, after: float | None) -> float | None:
    """Smallest difference (metric unit) that counts as real for ``name``; relative floors use the mean."""
    if name in NOISE_FLOOR:
        return NOISE_FLOOR[name]
    if name in NOISE_FLOOR_REL and before is not None and after is not None:
        return NOISE_FLOOR_REL[name] * max(abs(0.5 * (before + after)), 1e-9)
    return None


def compare_results(before: dict, after: dict, checked: Comparability | None = None) -> list[MetricChange]:
    """Metric-by-metric comparison of two analysis results (JSON contract dicts).

    Parameters
    ----------
    before, after : dict
        Results of :func:`formcheck.pipeline.analyze_video` (e.g. before and
        after retraining, or two sessions).
    checked : Comparability, optional
        :func:`comparability` of the two (computed when not given).

    Returns
    -------
    list of MetricChange
        In the contract's metric order; metrics measured in neither are left out.
        A metric the recordings make not comparable gets the verdict
        ``"not_comparable"`` (its difference is still given), never ``"real_change"``.
    """
    checked = comparability(before, after) if checked is None else checked
    out = []
    for name in METRICS:
        a, b = before["metrics"].get(name, {}), after["metrics"].get(name, {})
        if a.get("value") is None and b.get("value") is None:
            continue
        ch = change(name, a, b)
        if name in checked.not_comparable and ch.verdict != "not_measured":
            ch.verdict = "not_comparable"
        out.append(ch)
    return out


def change(name: str, before: dict, after: dict) -> MetricChange:
    """One metric's change between two of its JSON entries (``{"value", "confidence", ...}``)."""
    unit = METRICS[name][0]
    va, vb = before.get("value"), after.get("value")
    if va is None or vb is None:
        return MetricChange(name, unit, va, vb, None, None, "not_measured")
    diff = round(vb - va, 2)
    floor = noise_floor(name, va, vb)
    if floor is None or "low" in (before.get("confidence"), after.get("confidence")):
        verdict = "uncertain"
    elif abs(diff) > floor:
        verdict = "real_change"
    else:
        verdict = "within_noise"
    return MetricChange(name, unit, va, vb, diff, None if floor is None else round(floor, 2), verdict)


@dataclass
class HistoryPoint:
    """One session's value of a metric, judged against the first session that measured it."""

    label: str  # the session's label (e.g. its date)
    value: float | None
    confidence: str | None
    since_baseline: MetricChange | None  # None for the baseline itself and for sessions without a value


def metric_history(sessions: list[tuple[str, dict]], name: str) -> list[HistoryPoint]:
    """A metric across sessions, oldest first, each change judged against the baseline.

    Parameters
    ----------
    sessions : list of (label, result)
        Analysis results (JSON contract) in chronological order.
    name : str
        Metric name (``metrics.md`` section 1).

    Returns
    -------
    list of HistoryPoint
        One per session. The baseline is the first session with a value; every
        later value carries its :func:`change` from it (noise floor and verdict).

    Notes
    -----
    Judging each session against the baseline, not against its predecessor,
    answers the therapist's question "has anything really changed since we
    started?"; consecutive sessions are compared on the compare page. A session
    that :func:`comparability` says cannot be compared with the baseline for this
    metric (another treadmill speed, view, setting, ...) gets the verdict
    ``"not_comparable"``, never ``"real_change"``.
    """
    points: list[HistoryPoint] = []
    base: dict | None = None
    base_result: dict | None = None
    for label, result in sessions:
        m = (result.get("metrics") or {}).get(name) or {}
        value = m.get("value")
        since = None
        if value is not None:
            if base is None:
                base, base_result = m, result
            else:
                since = change(name, base, m)
                if since.verdict != "not_measured" and name in comparability(base_result, result).not_comparable:
                    since.verdict = "not_comparable"
        points.append(HistoryPoint(label, value, m.get("confidence") if value is not None else None, since))
    return points
