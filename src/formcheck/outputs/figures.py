"""Static charts for print (PNG, matplotlib): the curves of :mod:`formcheck.outputs.charts` for the PDF report.

The dashboard draws Plotly figures; a PDF needs images. These functions draw
the same data as their Plotly twins — the angle curves over time with the
events, the gait-cycle curves (mean ± SD per side) and one metric across
sessions with its normal band and the noise floor around the baseline — in
the same colours (left blue, right orange), with every label from the
catalogs and the tick numbers in the report language's notation (German
``−7,5``, with a real minus sign).

matplotlib is used through its object API (:class:`matplotlib.figure.Figure`
on an Agg canvas), never ``pyplot``: no global state, safe in the dashboard's
threads. Its bundled DejaVu Sans is the font, the same the PDF embeds.
"""

from __future__ import annotations

import io

import numpy as np

from formcheck.engine.metrics import METRICS, cycle_bands
from formcheck.i18n import METRIC_LABELS, UNITS, number, tr

#: Same colours as the Plotly charts and the drawings (RGB 0–1).
SIDE_RGB = {"left": (66 / 255, 135 / 255, 245 / 255), "right": (245 / 255, 140 / 255, 40 / 255)}
GREY = (0.45, 0.45, 0.45)

#: Print resolution of the images (dots per inch).
DPI = 200


def _figure(width_mm: float, height_mm: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _style(ax, lang: str, decimals: int = 0) -> None:
    """Grid, small type and tick labels in the notation of ``lang``."""
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _pos: number(v, lang, decimals))
    ax.yaxis.set_major_formatter(fmt)
    ax.grid(True, color=(0.88, 0.88, 0.88), linewidth=0.6)
    ax.tick_params(labelsize=7)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor="white")
    return buf.getvalue()


def angles_over_time_png(analysis, lang: str = "de", width_mm: float = 180, height_mm: float = 72) -> bytes:
    """:func:`formcheck.outputs.charts.angles_over_time` as a PNG: knee, hip, trunk (or frontal angles), events."""
    from matplotlib.ticker import FuncFormatter

    fig = _figure(width_mm, height_mm)
    ax = fig.add_subplot(1, 1, 1)
    t, curves = analysis.clean.t, analysis.curves
    if analysis.clean.plane == "frontal":
        for side in ("left", "right"):
            ax.plot(t, curves[f"knee_fppa_{side}"], color=SIDE_RGB[side], lw=1.0,
                    label=f"{tr('knee_fppa', lang)} {tr(side, lang)}")
        ax.plot(t, curves["pelvis_tilt"], color=GREY, lw=1.0, label=tr("pelvis_tilt", lang))
    else:
        for key, style in (("knee_flexion", "-"), ("hip_extension", ":")):
            for side in ("left", "right"):
                ax.plot(t, curves[f"{key}_{side}"], color=SIDE_RGB[side], lw=1.0, ls=style,
                        label=f"{tr(key, lang)} {tr(side, lang)}")
        ax.plot(t, curves["trunk_lean"], color=GREY, lw=1.0, label=tr("trunk_lean", lang))
    ev = analysis.result["events"]
    for side in ("left", "right"):
        for kind, marker, y in (("ic_s", "v", -12), ("to_s", "^", -18)):
            xs = ev[side][kind]
            if xs:
                ax.plot(xs, [y] * len(xs), ls="none", marker=marker, ms=3.5, color=SIDE_RGB[side],
                        label=f"{tr('ic' if kind == 'ic_s' else 'to', lang)} {tr(side, lang)}")
    _style(ax, lang)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: number(v, lang, 1)))
    ax.set_xlabel(tr("time_s", lang), fontsize=7.5)
    ax.set_ylabel(tr("angle_deg", lang), fontsize=7.5)
    ax.legend(fontsize=5.8, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False)
    fig.subplots_adjust(left=0.07, right=0.97, top=0.97, bottom=0.38)
    return _png(fig)


def cycle_curves_png(analyses: list, key: str = "knee_flexion", lang: str = "de", labels: list[str] | None = None,
                     width_mm: float = 88, height_mm: float = 68) -> bytes | None:
    """:func:`formcheck.outputs.charts.cycle_curves` as a PNG (mean ± SD over the gait cycle); None without strides.

    With two analyses (a comparison) the second is dashed.
    """
    fig = _figure(width_mm, height_mm)
    ax = fig.add_subplot(1, 1, 1)
    x = np.linspace(0, 100, 101)
    drawn = False
    for k, side, tag, m, sd, n in cycle_bands(analyses, key, labels):
        ax.fill_between(x, m - sd, m + sd, color=SIDE_RGB[side], alpha=0.16, lw=0)
        ax.plot(x, m, color=SIDE_RGB[side], lw=1.2, ls="-" if k == 0 else "--", label=f"{tr(side, lang)}{tag} (n={n})")
        drawn = True
    if not drawn:
        return None
    _style(ax, lang)
    ax.set_title(tr(key, lang), fontsize=8)
    ax.set_xlabel(tr("gait_cycle_pct", lang), fontsize=6.5)
    ax.set_ylabel(tr("angle_deg", lang), fontsize=7)
    ax.set_xlim(0, 100)
    ax.legend(fontsize=6, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False)
    fig.subplots_adjust(left=0.14, right=0.95, top=0.9, bottom=0.34)
    return _png(fig)


def progress_png(points: list, name: str, lang: str = "de", width_mm: float = 88, height_mm: float = 58) -> bytes:
    """:func:`formcheck.outputs.charts.progress_chart` as a PNG: values, normal band, baseline ± noise floor.

    Open markers: low confidence; sessions without a value leave a gap.
    """
    from formcheck.engine.norms import NORMS
    from formcheck.outputs.compare import noise_floor

    unit = UNITS.get(METRICS[name][0], {}).get(lang, METRICS[name][0])
    fig = _figure(width_mm, height_mm)
    ax = fig.add_subplot(1, 1, 1)
    xs = np.arange(len(points))
    ys = np.array([np.nan if p.value is None else p.value for p in points], float)
    blue = (40 / 255, 90 / 255, 160 / 255)
    ax.plot(xs, ys, color=blue, lw=1.2)
    for x, p in zip(xs, points):
        if p.value is not None:
            ax.plot([x], [p.value], marker="o", ms=4.5, color=blue,
                    markerfacecolor="white" if p.confidence == "low" else blue)
    values = [float(v) for v in ys if np.isfinite(v)]
    norm = NORMS.get(name)
    if values and norm and (norm.low is not None or norm.high is not None):
        span = max(values) - min(values)
        lo = norm.low if norm.low is not None else min(values + [norm.high]) - span - 5
        hi = norm.high if norm.high is not None else max(values + [norm.low]) + span + 5
        ax.axhspan(lo, hi, color="green", alpha=0.10, lw=0, label=tr("normal", lang))
    base = values[0] if values else None
    floor = noise_floor(name, base, base) if base is not None else None
    if floor:
        ax.axhspan(base - floor, base + floor, color="grey", alpha=0.18, lw=0, label=tr("noise_band", lang))
    _style(ax, lang, 0 if max((abs(v) for v in values), default=0) >= 20 else 1)
    ax.set_xticks(xs)
    ax.set_xticklabels([p.label for p in points], fontsize=6, rotation=30 if len(points) > 4 else 0)
    ax.set_xlim(-0.5, len(points) - 0.5)
    ax.set_title(f"{METRIC_LABELS[name][lang]} ({unit})", fontsize=7.5)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=5.5, loc="best", frameon=False)
    fig.subplots_adjust(left=0.14, right=0.98, top=0.88, bottom=0.22 if len(points) > 4 else 0.14)
    return _png(fig)
