"""Treadmill speed: reading it, the cadence norm at that speed, and the centimetre scale it gives a side view.

A treadmill's belt runs at the speed the therapist sets. That number turns
three things into absolute ones:

- the cadence norm for that speed (:func:`cadence_norm_spm`, from the
  literature points of ``shared/reference/metrics.md`` section 2);
- the step length, speed / step rate (:data:`STEP_LENGTH`);
- a pixel scale: during stance the foot stands on the belt, so it moves
  backward in the image at the belt's speed; its horizontal pixel speed
  (median over the stances, :func:`belt_px_per_s`) gives centimetres per
  pixel, and with it the vertical oscillation in cm without the runner's
  height (:data:`VERTICAL_OSCILLATION_CM`).
"""

from __future__ import annotations

import re

import numpy as np

from formcheck.errors import UsageError

#: Accepted treadmill speeds (km/h): slower is walking or standing, faster is a sprint no clinic treadmill runs.
SPEED_RANGE_KMH = (2.0, 25.0)

#: The metrics a known speed adds (null with reason ``no_speed`` without one).
STEP_LENGTH = "step_length_cm"
VERTICAL_OSCILLATION_CM = "vertical_oscillation_cm"
SPEED_METRICS = (STEP_LENGTH, VERTICAL_OSCILLATION_CM)

#: Cadence (steps/min) of recreational runners at three treadmill speeds (m/s): metrics.md section 2
#: ("~169 spm at 2.7 m/s, ~172 at 3.2, ~178 at 3.8"; Leacox 2025, Heiderscheit 2011).
CADENCE_POINTS = ((2.7, 169.0), (3.2, 172.0), (3.8, 178.0))

#: How far beyond the literature points the norm is carried (m/s): the last point's value, no further trend.
CADENCE_CLAMP_MPS = (CADENCE_POINTS[0][0], CADENCE_POINTS[-1][0])

#: Part of each stance whose foot motion sets the belt speed in pixels: the middle, where the foot is flat on the
#: belt (the heel lands and the toes push off at the ends, when the foot rolls and is not carried by the belt).
STANCE_MIDDLE = (0.2, 0.8)

#: Stances per foot wanted before a foot's belt speed is used.
MIN_STANCES = 3

#: Largest spread (interquartile range / median) of the per-stance pixel speeds that still gives a scale.
MAX_SCALE_SPREAD = 0.25

_SPEED_TEXT = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?)\s*(km/h|kmh|kph|m/s|mps)?\s*$", re.IGNORECASE)


def parse_speed(text) -> float:
    """A treadmill speed typed by a user, in m/s.

    Parameters
    ----------
    text : str or float
        ``"10km/h"``, ``"10 km/h"``, ``"2.8m/s"``, ``"2,8 m/s"`` or a bare number, which means km/h (the unit
        on a treadmill's display).

    Returns
    -------
    float
        The speed in m/s.

    Raises
    ------
    UsageError
        ``code="bad_speed"`` for text that is no speed, ``code="speed_range"`` for a speed outside
        :data:`SPEED_RANGE_KMH`; ``subject`` is the text as given.
    """
    given = str(text).strip()
    m = _SPEED_TEXT.match(given)
    if not m:
        raise UsageError(f"{given!r} is not a speed: write it like 10km/h, 2.8m/s or 10 (km/h)", "bad_speed",
                         subject=f"--speed {given}")
    value = float(m.group(1).replace(",", "."))
    unit = (m.group(2) or "km/h").lower()
    mps = value if unit in ("m/s", "mps") else value / 3.6
    check_speed(mps, given)
    return mps


def check_speed(mps: float, given: str | None = None) -> float:
    """``mps`` if it lies within :data:`SPEED_RANGE_KMH`; else a :class:`UsageError` (``code="speed_range"``)."""
    lo, hi = SPEED_RANGE_KMH
    if not np.isfinite(mps) or not lo <= mps * 3.6 <= hi:
        shown = given if given is not None else f"{mps:g} m/s"
        raise UsageError(f"a treadmill speed of {shown} is outside {lo:g}–{hi:g} km/h "
                         f"({lo / 3.6:.1f}–{hi / 3.6:.1f} m/s); give the belt speed the treadmill shows",
                         "speed_range", subject=f"--speed {shown}")
    return float(mps)


def cadence_norm_spm(speed_mps: float) -> tuple[float, bool]:
    """The typical cadence of recreational runners at ``speed_mps``, and whether it was clamped.

    Linear interpolation between the literature points :data:`CADENCE_POINTS`
    (metrics.md section 2: ~169 steps/min at 2.7 m/s, ~172 at 3.2, ~178 at 3.8;
    Leacox 2025, Heiderscheit 2011). Outside 2.7–3.8 m/s the norm is *not*
    extrapolated: it stays at the nearest point's value (169 below, 178 above),
    and the second value is True, so a page can say the speed lies outside the
    studied range.
    """
    xs = [p[0] for p in CADENCE_POINTS]
    ys = [p[1] for p in CADENCE_POINTS]
    clamped = not CADENCE_CLAMP_MPS[0] <= speed_mps <= CADENCE_CLAMP_MPS[1]
    return float(np.interp(speed_mps, xs, ys)), clamped


def step_length_cm(speed_mps: float, cadence_spm: float) -> float:
    """Step length (cm): the belt travels ``speed`` in each step's time, 60 / cadence seconds."""
    return speed_mps / (cadence_spm / 60.0) * 100.0


def _stance_px_speed(x: np.ndarray, t: np.ndarray, ic: float, to: float) -> float:
    """Horizontal pixel speed (px/s, signed) of one foot in the middle of one stance: slope of a straight line fit."""
    a, b = STANCE_MIDDLE
    m = (t >= ic + a * (to - ic)) & (t <= ic + b * (to - ic)) & np.isfinite(x)
    if m.sum() < 3:
        return float("nan")
    return float(np.polyfit(t[m], x[m], 1)[0])


def belt_px_per_s(clean, events) -> tuple[float | None, float | None, int]:
    """The belt's speed in the image (px/s) from the near stance foot of a side view, its spread and the stances used.

    The foot's position is the middle of heel and toe; in the middle of each
    stance (:data:`STANCE_MIDDLE`) a line fit gives its horizontal pixel speed;
    the median over the stances. Only the near foot (metrics.md: the far foot
    is measured worse): with MediaPipe on the synthetic runner the far foot,
    hidden behind the near leg in mid-stance, reads 50–80 % of the belt's pixel
    speed, the near one about 90 %. Under a real (perspective) camera the near
    foot, some 10 cm nearer than the body's midline, looks a few per cent larger
    than the hip does (about 3 % at 3 m), so a scale from it reads the hip's
    motion that much small.

    Returns
    -------
    (px_per_s or None, spread or None, n)
        None with fewer than :data:`MIN_STANCES` stances; ``spread`` is
        interquartile range / median of the stances' speeds.
    """
    from formcheck.engine.metrics import contacts

    t, side = clean.t, clean.near_side
    foot = 0.5 * (clean.xy[f"{side}_heel"][:, 0] + clean.xy[f"{side}_toe"][:, 0])
    speeds = [abs(v) for ic, to, _ in contacts(events, side) if np.isfinite(v := _stance_px_speed(foot, t, ic, to))]
    if len(speeds) < MIN_STANCES:
        return None, None, len(speeds)
    px = float(np.median(speeds))
    q1, q3 = np.percentile(speeds, [25, 75])
    return px, float((q3 - q1) / px) if px > 0 else None, len(speeds)
