"""PDF report for the patient file: one page summary, key frames, cues (fpdf2).

The text uses fpdf2's built-in Helvetica, so characters outside Latin-1 are
replaced by close equivalents (– → -, ≥ → >=, …); German umlauts, ß, ° and ±
are kept.
"""

from __future__ import annotations

import datetime as _dt
import io
from pathlib import Path

import numpy as np

from formcheck import __version__
from formcheck.contract import measurable
from formcheck.engine.metrics import METRICS
from formcheck.i18n import FLAG_WORDS, METRIC_LABELS, STRIKE_NAMES, UNITS, norm_typical, number, tr

_REPLACE = {"–": "-", "—": "-", "≥": ">=", "≤": "<=", "→": "->", "…": "...", "“": '"', "”": '"', "„": '"',
            "’": "'", "‘": "'", "×": "x", "−": "-", "·": "-", "≈": "~"}
FLAG_RGB = {"ok": (46, 160, 67), "watch": (230, 160, 0), "flag": (210, 50, 50)}


def latin1(s: str) -> str:
    """``s`` made printable with the PDF core fonts."""
    for a, b in _REPLACE.items():
        s = s.replace(a, b)
    return s.encode("latin-1", "replace").decode("latin-1")


def format_value(m: dict, unit: str, lang: str) -> str:
    """A metric's value with its unit for a card or the report, in the notation of ``lang`` (German "17,7°")."""
    if m.get("value") is None:
        return tr("not_measured", lang)
    u = UNITS.get(unit, {}).get(lang, unit)
    sep = "" if u == "°" else " "
    return f"{number(m['value'], lang, 1)}{sep}{u}" if unit != "steps/min" else f"{number(m['value'], lang, 0)} {u}"


def far_leg(result: dict, name: str) -> str | None:
    """The side whose value of ``name`` is the far leg's own, less sure one (side view), else None.

    Only metrics that metrics.md reads from the near leg (source ``"near"``)
    have a far leg worth marking; trunk, hip-height and step metrics do not.
    """
    near = (result.get("analysis") or {}).get("near_side")
    if near not in ("left", "right") or METRICS.get(name, ("", ""))[1] != "near":
        return None
    return "left" if near == "right" else "right"


def pdf_report(result: dict, lang: str = "de", key_frames: dict | None = None, title_note: str = "") -> bytes:
    """One-page report (two with key frames of both sides) as PDF bytes.

    Parameters
    ----------
    result : dict
        The analysis (JSON contract).
    lang : {"de", "en"}
    key_frames : dict side -> {event -> RGB ndarray}, optional
        From :func:`formcheck.outputs.render.key_frames`.
    """
    from fpdf import FPDF
    from PIL import Image

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.add_page()
    T = lambda s: latin1(str(s))  # noqa: E731
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, T(tr("report_title", lang)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    v, view = result["video"], result["view"]
    line = tr("view_line", lang, plane=tr(view["plane"], lang), facing=tr(view["facing"], lang),
              direction=tr(view["direction"], lang), setting=tr(view["setting"], lang), gait=tr(view["gait"], lang))
    pdf.multi_cell(0, 5, T(f"{tr('report_clip', lang)}: {Path(v['path']).name} - {number(v['duration_s'], lang)} s, "
                           f"{v['fps']:.0f} fps   {tr('report_date', lang)}: {_dt.date.today().isoformat()}"
                           + (f"   {title_note}" if title_note else "")), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 5, T(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    # cues first: what the patient takes home
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 7, T(tr("cues", lang)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    if result["cues"]:
        for c in result["cues"]:
            pdf.multi_cell(0, 5.5, T(f"{c['priority']}. {c['text']}"), new_x="LMARGIN", new_y="NEXT")
        for a in result.get("advice", []):
            pdf.set_font("Helvetica", "I", 9)
            pdf.multi_cell(0, 5, T(a), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "", 10)
    else:
        pdf.multi_cell(0, 5.5, T(tr("no_cues", lang)), new_x="LMARGIN", new_y="NEXT")
    if result["quality"]["warnings"]:
        pdf.ln(1)
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(0, 6, T(tr("quality", lang)), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        for w in result["quality"]["warnings"]:
            pdf.multi_cell(0, 4.8, T("- " + w["message"]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    # metrics table
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 7, T(tr("metrics", lang)), new_x="LMARGIN", new_y="NEXT")
    widths = (62, 26, 22, 22, 34, 24)
    heads = (tr("metric", lang), "", tr("left", lang), tr("right", lang), tr("normal", lang), "")
    pdf.set_font("Helvetica", "B", 8.5)
    for w, h in zip(widths, heads):
        pdf.cell(w, 5.5, T(h), border="B")
    pdf.ln()
    pdf.set_font("Helvetica", "", 8.5)
    for name, (unit, _) in METRICS.items():
        m = result["metrics"].get(name)
        if not m or not measurable(m):
            continue
        far = far_leg(result, name)
        side_val = lambda s: "" if m.get(s) is None else number(m[s], lang) + ("²" if s == far else "")  # noqa: E731
        normal = norm_typical(name, (m.get("normal") or {}).get("typical", ""), lang) or ""
        flag = m.get("flag")
        label = METRIC_LABELS[name][lang] + (" *" if m.get("starting_value") else "")
        cells = (label, format_value(m, unit, lang), side_val("left"), side_val("right"), normal,
                 FLAG_WORDS[flag][lang] if flag in FLAG_WORDS else "")
        for k, (w, c) in enumerate(zip(widths, cells)):
            if k == 5 and flag in FLAG_RGB:
                pdf.set_text_color(*FLAG_RGB[flag])
            pdf.cell(w, 5, T(c)[:48])
            pdf.set_text_color(0, 0, 0)
        pdf.ln()
    strike = result.get("foot_strike", {})
    if any(strike.values()):
        pdf.ln(1)
        pdf.cell(0, 5, T(METRIC_LABELS["foot_strike_angle_ic_deg"][lang] + ": " + ", ".join(
            f"{tr(s, lang)} {STRIKE_NAMES[c][lang]}"
            + (f" ({tr('uncertain', lang)})" if (result.get("foot_strike_uncertain") or {}).get(s) else "")
            for s, c in strike.items() if c)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "I", 7.5)
    pdf.multi_cell(0, 4, T("* " + tr("starting_value", lang)), new_x="LMARGIN", new_y="NEXT")
    if far_leg(result, "knee_flexion_ic_deg"):
        pdf.multi_cell(0, 4, T("² " + tr("far_short", lang)), new_x="LMARGIN", new_y="NEXT")

    # key frames
    for side, frames in (key_frames or {}).items():
        if not frames:
            continue
        if pdf.get_y() > 200:
            pdf.add_page()
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(0, 7, T(f"{tr('key_frames', lang)} - {tr('leg', lang)} {tr(side, lang)}"), new_x="LMARGIN", new_y="NEXT")
        y = pdf.get_y()
        x = pdf.l_margin
        h = 62.0
        for ev in ("ic", "midstance", "to"):
            img = frames.get(ev)
            if img is None:
                continue
            w = h * img.shape[1] / img.shape[0]
            buf = io.BytesIO()
            Image.fromarray(np.ascontiguousarray(img)).save(buf, format="JPEG", quality=85)
            buf.seek(0)
            pdf.image(buf, x=x, y=y, w=w, h=h)
            pdf.set_xy(x, y + h + 0.5)
            pdf.set_font("Helvetica", "", 8)
            pdf.cell(w, 4, T(tr(ev, lang)))
            x += w + 3
        pdf.set_xy(pdf.l_margin, y + h + 6)
    pdf.set_y(-22)
    pdf.set_font("Helvetica", "I", 7.5)
    pdf.multi_cell(0, 3.8, T(tr("report_footer", lang, version=__version__)))
    return bytes(pdf.output())
