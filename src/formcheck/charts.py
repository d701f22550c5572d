"""Plotly figures: joint angles over time with the events, gait-cycle curves, progress.

Pure functions from an :class:`~formcheck.pipeline.Analysis` (or two) to
``plotly.graph_objects.Figure``; the dashboard and reports only display them.
Colours follow :mod:`formcheck.render` (left blue, right orange).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from formcheck.metrics import cycle_normalised
from formcheck.texts import tr

SIDE_COLORS = {"left": "rgb(66,135,245)", "right": "rgb(245,140,40)"}
SIDE_FILL = {"left": "rgba(66,135,245,0.18)", "right": "rgba(245,140,40,0.18)"}

#: curve key prefix -> UI label key
SAGITTAL_CURVES = ("knee_flexion", "hip_extension", "shank_angle")


def angles_over_time(analysis, lang: str = "de") -> go.Figure:
    """Knee flexion, hip extension (per side) and trunk lean over time, ICs and TOs marked."""
    t = analysis.clean.t
    fig = go.Figure()
    curves = analysis.curves
    if analysis.clean.plane == "frontal":
        for side in ("left", "right"):
            fig.add_trace(go.Scatter(x=t, y=curves[f"knee_fppa_{side}"], name=f"{tr('knee_fppa', lang)} {tr(side, lang)}",
                                     line=dict(color=SIDE_COLORS[side])))
        fig.add_trace(go.Scatter(x=t, y=curves["pelvis_tilt"], name=tr("pelvis_tilt", lang), line=dict(color="gray")))
    else:
        for key, dash in (("knee_flexion", "solid"), ("hip_extension", "dot")):
            for side in ("left", "right"):
                fig.add_trace(go.Scatter(x=t, y=curves[f"{key}_{side}"], name=f"{tr(key, lang)} {tr(side, lang)}",
                                         line=dict(color=SIDE_COLORS[side], dash=dash)))
        fig.add_trace(go.Scatter(x=t, y=curves["trunk_lean"], name=tr("trunk_lean", lang),
                                 line=dict(color="gray")))
    ev = analysis.result["events"]
    for side in ("left", "right"):
        for kind, symbol in (("ic_s", "triangle-down"), ("to_s", "triangle-up")):
            xs = ev[side][kind]
            if not xs:
                continue
            fig.add_trace(go.Scatter(
                x=xs, y=[-12 if kind == "ic_s" else -18] * len(xs), mode="markers",
                marker=dict(symbol=symbol, size=10, color=SIDE_COLORS[side]),
                name=f"{tr('ic' if kind == 'ic_s' else 'to', lang)} {tr(side, lang)}"))
    fig.update_layout(xaxis_title=tr("time_s", lang), yaxis_title=tr("angle_deg", lang), height=420,
                      legend=dict(orientation="h", y=-0.2), margin=dict(l=40, r=10, t=30, b=10))
    return fig


def cycle_curves(analyses: list, key: str = "knee_flexion", lang: str = "de", labels: list[str] | None = None) -> go.Figure:
    """Gait-cycle-normalised curves (0–100 %, IC to IC), mean ± SD, left vs right.

    With two analyses (a comparison) both are overlaid; the second is dashed.
    """
    fig = go.Figure()
    x = np.linspace(0, 100, 101)
    for k, a in enumerate(analyses):
        tag = f" · {labels[k]}" if labels and len(analyses) > 1 else ""
        dash = "solid" if k == 0 else "dash"
        for side in ("left", "right"):
            c = a.curves.get(f"{key}_{side}")
            if c is None:
                continue
            rows = cycle_normalised(a.clean.t, c, a.result["events"][side]["ic_s"])
            if len(rows) == 0:
                continue
            m, sd = rows.mean(axis=0), rows.std(axis=0)
            name = f"{tr(side, lang)}{tag} (n={len(rows)})"
            fig.add_trace(go.Scatter(x=np.r_[x, x[::-1]], y=np.r_[m + sd, (m - sd)[::-1]], fill="toself",
                                     fillcolor=SIDE_FILL[side], line=dict(width=0), hoverinfo="skip",
                                     showlegend=False))
            fig.add_trace(go.Scatter(x=x, y=m, name=name, line=dict(color=SIDE_COLORS[side], dash=dash)))
    fig.update_layout(title=tr(key, lang), xaxis_title=tr("gait_cycle_pct", lang), yaxis_title=tr("angle_deg", lang),
                      height=360, margin=dict(l=40, r=10, t=40, b=10), legend=dict(orientation="h", y=-0.25))
    return fig


def progress_chart(points: list[tuple[str, float | None]], name: str, lang: str = "de",
                   band: tuple[float | None, float | None] | None = None, noise: float | None = None) -> go.Figure:
    """One metric across sessions (label, value) with its normal band and noise floor."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    fig = go.Figure(go.Scatter(x=xs, y=ys, mode="lines+markers", name=name))
    if band and band[0] is not None and band[1] is not None:
        fig.add_hrect(y0=band[0], y1=band[1], fillcolor="green", opacity=0.1, line_width=0)
    if noise and ys and ys[-1] is not None:
        fig.add_hrect(y0=ys[-1] - noise, y1=ys[-1] + noise, fillcolor="gray", opacity=0.12, line_width=0)
    fig.update_layout(height=280, margin=dict(l=40, r=10, t=30, b=10), title=name)
    return fig

