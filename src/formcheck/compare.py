"""Two analyses side by side: differences against the noise floor (metrics.md section 2).

A difference counts as a *real change* only when it exceeds the between-session
noise floor of 2-D video analysis (Dingenen 2018) and both values are at
least of medium confidence; otherwise it is "within noise" or "uncertain".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from formcheck.metrics import METRICS
from formcheck.norms import NOISE_FLOOR, NOISE_FLOOR_REL


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
    for name, (unit, _) in METRICS.items():
        a, b = before["metrics"].get(name, {}), after["metrics"].get(name, {})
        va, vb = a.get("value"), b.get("value")
        if va is None and vb is None:
            continue
        if va is None or vb is None:
            out.append(MetricChange(name, unit, va, vb, None, None, "not_measured"))
            continue
        diff = round(vb - va, 2)
        floor = noise_floor(name, va, vb)
        low = "low" in (a.get("confidence"), b.get("confidence"))
        if floor is None or low:
            verdict = "uncertain"
        elif abs(diff) > floor:
            verdict = "real_change"
        else:
            verdict = "within_noise"
        out.append(MetricChange(name, unit, va, vb, diff, None if floor is None else round(floor, 2), verdict))
    return out
