"""Quality warnings: each with a code and a sentence that says what to do.

Codes: ``too_few_steps``, ``feet_out_of_frame``, ``head_out_of_frame``,
``not_side_on``, ``tilted_camera``, ``several_people``, ``runner_leaves_frame``,
``walking``, ``low_fps_timing``, ``slow_motion_suspected``, ``little_pose``,
``no_strides``, ``frontal_view``, ``cadence_disagrees``, ``irregular_steps``,
``implausible_values``, ``held_pictures``.

``ok`` is false when a warning makes the numbers untrustworthy (too few steps,
no strides, feet cut off, little pose, runner leaving the frame, suspected
slow motion); the others are advice.
"""

from __future__ import annotations

import numpy as np

from formcheck.engine.metrics import MIN_STEPS_PER_SIDE
from formcheck.io.pose import LM, PoseSeries
from formcheck.contract import QualityWarning, warning

BLOCKING = {"too_few_steps", "irregular_steps", "no_strides", "feet_out_of_frame", "little_pose", "runner_leaves_frame",
            "slow_motion_suspected", "held_pictures"}


def _border_share(series: PoseSeries, names, margin: float = 0.01) -> float:
    """Share of frames with a pose where any of ``names`` is outside or on the image border."""
    found = series.found
    if not found.any():
        return 0.0
    w, h = series.width, series.height
    out = np.zeros(series.n_frames, bool)
    for name in names:
        x, y = series.image[:, LM[name], 0], series.image[:, LM[name], 1]
        out |= (x < margin * w) | (x > (1 - margin) * w) | (y < margin * h) | (y > (1 - margin) * h)
    return float(out[found].mean())


def assess(series: PoseSeries, *, view: dict, fps: float, steps: dict, ground_slope_deg: float | None,
           cadence_spm: float | None, cadence_note: str | None, spread: float | None, capture_fps: float | None,
           irregular_share: float | None = None, implausible: list[str] | None = None,
           held_share: float = 0.0) -> tuple[bool, list[QualityWarning]]:
    """All quality warnings for one analysis: ``(ok, warnings)``, each a code with the parameters of its sentence."""
    w: list[QualityWarning] = []

    def add(code, **params):
        w.append(QualityWarning(code, warning(code, **params)))

    found = float(series.found.mean()) if series.n_frames else 0.0
    n_left, n_right = steps.get("left", 0), steps.get("right", 0)
    if n_left + n_right == 0:
        add("no_strides")
    elif min(n_left, n_right) < MIN_STEPS_PER_SIDE:
        add("too_few_steps", left=n_left, right=n_right)
    if irregular_share is not None:
        add("irregular_steps", pct=100 * irregular_share)
    feet = _border_share(series, ["left_heel", "right_heel", "left_foot_index", "right_foot_index"])
    if feet > 0.1:
        add("feet_out_of_frame", pct=100 * feet)
    head = _border_share(series, ["nose"])
    if head > 0.1:
        add("head_out_of_frame", pct=100 * head)
    if view.get("plane") == "frontal":
        add("frontal_view")
    elif spread is not None and 0.15 <= spread:
        add("not_side_on")
    if ground_slope_deg is not None and abs(ground_slope_deg) > 3.0:
        add("tilted_camera", deg=abs(ground_slope_deg))
    people = int(series.n_people.max()) if series.n_frames else 0
    if people > 1:
        add("several_people", n=people)
    missing = 1.0 - found
    if found < 0.8:
        # missing frames at the start or end of an overground clip: the runner left the picture
        f = series.found
        edge = (not f[: max(1, len(f) // 10)].any()) or (not f[-max(1, len(f) // 10):].any())
        if edge:
            add("runner_leaves_frame", pct=100 * missing)
        else:
            add("little_pose", pct=100 * found)
    if view.get("gait") == "walk":
        add("walking")
    if fps < 60:
        add("low_fps_timing", fps=fps)
    if held_share:
        # the frames say it outright; a capture rate would not help (the pictures are repeated, not slowed)
        add("held_pictures", pct=100 * held_share, per_s=fps * (1 - held_share))
    elif cadence_spm is not None and cadence_spm < 110 and view.get("gait") == "run" and not capture_fps:
        add("slow_motion_suspected", cad=cadence_spm)
    if cadence_note:
        add("cadence_disagrees")
    if implausible:
        add("implausible_values", n=len(implausible))
    ok = not any(x.code in BLOCKING for x in w)
    return ok, w
