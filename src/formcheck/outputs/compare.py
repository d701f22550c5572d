"""Two analyses side by side: differences against the noise floor (metrics.md section 2).

A difference counts as a *real change* only when it exceeds the between-session
noise floor of 2-D video analysis (Dingenen 2018) and both values are at
least of medium confidence; otherwise it is "within noise" or "uncertain".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from formcheck.engine.metrics import METRICS
from formcheck.engine.norms import NOISE_FLOOR, NOISE_FLOOR_REL


@dataclass
class MetricChange:
    name: str
    unit: str
    before: float | None
    after: float | None
    diff: float | None  # after − before, in the metric's unit
    noise_floor: float | None  # in the metric's unit
    verdict: str  # "real_change" | "within_noise" | "uncertain" | "not_measured"

    def to_dict(self) -> dict:
        return asdict(self)


def noise_floor(name: str, before: float | None, after: float | None) -> float | None:
    """Smallest difference (metric unit) that counts as real for ``name``; relative floors use the mean."""
    if name in NOISE_FLOOR:
        return NOISE_FLOOR[name]
    if name in NOISE_FLOOR_REL and before is not None and after is not None:
        return NOISE_FLOOR_REL[name] * max(abs(0.5 * (before + after)), 1e-9)
    return None


def compare_results(before: dict, after: dict) -> list[MetricChange]:
    """Metric-by-metric comparison of two analysis results (JSON contract dicts).

    Parameters
    ----------
    before, after : dict
        Results of :func:`formcheck.pipeline.analyze_video` (e.g. before and
        after retraining, or two sessions).

    Returns
    -------
    list of MetricChange
        In the contract's metric order; metrics measured in neither are left out.
    """
    out = []
    for name in METRICS:
        a, b = before["metrics"].get(name, {}), after["metrics"].get(name, {})
        if a.get("value") is None and b.get("value") is None:
            continue
        out.append(change(name, a, b))
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
    started?"; consecutive sessions are compared on the compare page.
    """
    points: list[HistoryPoint] = []
    base: dict | None = None
    for label, result in sessions:
        m = (result.get("metrics") or {}).get(name) or {}
        value = m.get("value")
        since = None
        if value is not None:
            if base is None:
                base = m
            else:
                since = change(name, base, m)
        points.append(HistoryPoint(label, value, m.get("confidence") if value is not None else None, since))
    return points
