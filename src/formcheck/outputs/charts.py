"""Plotly figures: joint angles over time with the events, gait-cycle curves, progress.

Pure functions from an :class:`~formcheck.pipeline.Analysis` (or two) to
``plotly.graph_objects.Figure``; the dashboard and reports only display them.
Colours follow :mod:`formcheck.outputs.render` (left blue, right orange).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from formcheck.engine.metrics import cycle_bands
from formcheck.i18n import number, signed, tr


def separators(lang: str) -> str:
    """Plotly's ``layout.separators`` (decimal sign, then thousands sign) for ``lang``: German ",.", English ".,"."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    from formcheck.i18n import _catalog, _lang

    locale = _catalog(_lang(lang)).locale
    return get_decimal_symbol(locale) + get_group_symbol(locale)


def _localised(fig: go.Figure, lang: str) -> go.Figure:
    """Ticks and hover numbers in the notation of ``lang`` (Plotly writes 17.7 otherwise)."""
    fig.update_layout(separators=separators(lang))
    return fig

SIDE_COLORS = {"left": "rgb(66,135,245)", "right": "rgb(245,140,40)"}
SIDE_FILL = {"left": "rgba(66,135,245,0.18)", "right": "rgba(245,140,40,0.18)"}

#: Hover of a curve: the angle and the time, numbers written with the layout's ``separators``.
_ANGLE_HOVER = "%{y:.1f}° · %{x:.2f} s<extra>%{fullData.name}</extra>"
_TIME_HOVER = "%{x:.2f} s<extra>%{fullData.name}</extra>"

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
                                     line=dict(color=SIDE_COLORS[side]), hovertemplate=_ANGLE_HOVER))
        fig.add_trace(go.Scatter(x=t, y=curves["pelvis_tilt"], name=tr("pelvis_tilt", lang), line=dict(color="gray"),
                                 hovertemplate=_ANGLE_HOVER))
    else:
        for key, dash in (("knee_flexion", "solid"), ("hip_extension", "dot")):
            for side in ("left", "right"):
                fig.add_trace(go.Scatter(x=t, y=curves[f"{key}_{side}"], name=f"{tr(key, lang)} {tr(side, lang)}",
                                         line=dict(color=SIDE_COLORS[side], dash=dash), hovertemplate=_ANGLE_HOVER))
        fig.add_trace(go.Scatter(x=t, y=curves["trunk_lean"], name=tr("trunk_lean", lang),
                                 line=dict(color="gray"), hovertemplate=_ANGLE_HOVER))
    ev = analysis.result["events"]
    for side in ("left", "right"):
        for kind, symbol in (("ic_s", "triangle-down"), ("to_s", "triangle-up")):
            xs = ev[side][kind]
            if not xs:
                continue
            fig.add_trace(go.Scatter(
                x=xs, y=[-12 if kind == "ic_s" else -18] * len(xs), mode="markers",
                marker=dict(symbol=symbol, size=10, color=SIDE_COLORS[side]),
                name=f"{tr('ic' if kind == 'ic_s' else 'to', lang)} {tr(side, lang)}", hovertemplate=_TIME_HOVER))
    fig.update_layout(xaxis_title=tr("time_s", lang), yaxis_title=tr("angle_deg", lang), height=420,
                      legend=dict(orientation="h", y=-0.2), margin=dict(l=40, r=10, t=30, b=10))
    return _localised(fig, lang)


def cycle_curves(analyses: list, key: str = "knee_flexion", lang: str = "de", labels: list[str] | None = None) -> go.Figure:
    """Gait-cycle-normalised curves (0–100 %, IC to IC), mean ± SD, left vs right.

    With two analyses (a comparison) both are overlaid; the second is dashed.
    """
    fig = go.Figure()
    x = np.linspace(0, 100, 101)
    for k, side, tag, m, sd, n in cycle_bands(analyses, key, labels):
        fig.add_trace(go.Scatter(x=np.r_[x, x[::-1]], y=np.r_[m + sd, (m - sd)[::-1]], fill="toself",
                                 fillcolor=SIDE_FILL[side], line=dict(width=0), hoverinfo="skip", showlegend=False))
        fig.add_trace(go.Scatter(x=x, y=m, name=f"{tr(side, lang)}{tag} (n={n})",
                                 line=dict(color=SIDE_COLORS[side], dash="solid" if k == 0 else "dash"),
                                 hovertemplate="%{y:.1f}° · %{x:.0f} %<extra>%{fullData.name}</extra>"))
    fig.update_layout(title=tr(key, lang), xaxis_title=tr("gait_cycle_pct", lang), yaxis_title=tr("angle_deg", lang),
                      height=360, margin=dict(l=40, r=10, t=40, b=10), legend=dict(orientation="h", y=-0.25))
    return _localised(fig, lang)


def progress_chart(points: list, name: str, lang: str = "de") -> go.Figure:
    """One metric across sessions, with its normal band and the noise floor around the baseline.

    Parameters
    ----------
    points : list of :class:`formcheck.outputs.compare.HistoryPoint`
        From :func:`formcheck.outputs.compare.metric_history`, oldest first.
    name : str
        Metric name (title, unit, normal band from :data:`formcheck.engine.norms.NORMS`).

    Notes
    -----
    Green band: the normal range (one-sided norms are drawn to the edge of the
    plot). Grey band: baseline ± noise floor (Dingenen 2018) — a later point
    outside it is a real change. Open markers: low confidence. Sessions without
    a value leave a gap.
    """
    from formcheck.outputs.compare import noise_floor
    from formcheck.engine.metrics import METRICS
    from formcheck.engine.norms import NORMS
    from formcheck.i18n import METRIC_LABELS, UNITS

    unit = UNITS.get(METRICS[name][0], {}).get(lang, METRICS[name][0])
    xs = [p.label for p in points]
    ys = [p.value for p in points]
    symbols = ["circle-open" if p.confidence == "low" else "circle" for p in points]
    hover = []
    for p in points:
        text = "" if p.value is None else f"{number(p.value, lang)} {unit}"
        if p.since_baseline is not None and p.since_baseline.diff is not None:
            text += f"<br>{signed(p.since_baseline.diff, lang)} · {tr(p.since_baseline.verdict, lang)}"
        if p.confidence:
            text += f"<br>{tr('confidence', lang)}: {tr(p.confidence, lang)}"
        hover.append(text)
    fig = go.Figure(go.Scatter(x=xs, y=ys, mode="lines+markers", connectgaps=False, name=METRIC_LABELS[name][lang],
                               marker=dict(symbol=symbols, size=10, color="rgb(40,90,160)"),
                               hovertext=hover, hoverinfo="x+text"))
    norm = NORMS.get(name)
    if norm and (norm.low is not None or norm.high is not None):
        values = [y for y in ys if y is not None]
        span = (max(values) - min(values)) if values else 0.0
        lo = norm.low if norm.low is not None else min(values + [norm.high]) - span - 5
        hi = norm.high if norm.high is not None else max(values + [norm.low]) + span + 5
        fig.add_hrect(y0=lo, y1=hi, fillcolor="green", opacity=0.10, line_width=0,
                      annotation_text=tr("normal", lang), annotation_position="top left")
    base = next((p.value for p in points if p.value is not None), None)
    floor = noise_floor(name, base, base) if base is not None else None
    if floor:
        fig.add_hrect(y0=base - floor, y1=base + floor, fillcolor="gray", opacity=0.15, line_width=0,
                      annotation_text=tr("noise_band", lang), annotation_position="bottom right")
    fig.update_layout(height=300, margin=dict(l=40, r=10, t=40, b=10), showlegend=False,
                      title=f"{METRIC_LABELS[name][lang]} ({unit})", xaxis=dict(type="category"))
    return _localised(fig, lang)


#: bout kind -> colour of its bar in the timeline
BOUT_COLORS = {"walk": "rgb(90,170,110)", "run": "rgb(220,90,60)", "backward": "rgb(140,100,200)",
               "standing": "rgb(170,170,170)"}


def bout_label(b: dict, lang: str) -> str:
    """``Laufen 5,5–13,5 s`` (and ``(Hauptabschnitt)`` for the main bout): one bout named for a list or a chart."""
    label = f"{tr('bout_' + b['kind'], lang)} {number(b['start_s'], lang, 1)}–{number(b['end_s'], lang, 1)} s"
    return label + (f" ({tr('bout_main', lang)})" if b.get("main") else "")


def bout_timeline(bouts: list[dict], lang: str, selected: int | None = None) -> go.Figure:
    """The clip's bouts (``bouts[]`` of the result) as bars along its time axis, the selected one outlined."""
    fig = go.Figure()
    for i, b in enumerate(bouts):
        fig.add_trace(go.Bar(
            x=[b["end_s"] - b["start_s"]], base=[b["start_s"]], y=[""], orientation="h",
            name=bout_label(b, lang), marker=dict(color=BOUT_COLORS.get(b["kind"], "gray"),
                                                  line=dict(color="black", width=3 if i == selected else 0)),
            text=[tr("bout_" + b["kind"], lang)], textposition="inside", insidetextanchor="middle",
            hovertemplate=f"{bout_label(b, lang)}<extra></extra>", showlegend=False))
    fig.update_layout(barmode="overlay", height=120, margin=dict(l=10, r=10, t=10, b=40),
                      xaxis_title=tr("time_s", lang), yaxis=dict(visible=False))
    return _localised(fig, lang)
