"""Clinical PDF reports: one session, two sessions compared, a patient's progress (fpdf2, embedded DejaVu Sans).

Three reports, each in one language (every word from the catalogs, numbers in
the language's notation, German ``−7,9°`` with a real minus sign):

- :func:`pdf_report` — one session: header (patient pseudonym, session date,
  therapist, practice, the clip's real file name, the view), the cues (informal
  "du" or formal "Sie"), the recording-quality warnings, the metric table
  (metric, value, left, right, normal range, flag, confidence), the key frames
  at print size and, when the live analysis is given, the angle curves.
- :func:`comparison_report` — two sessions: the metrics both measured, their
  difference and the noise-floor verdict of :mod:`formcheck.outputs.compare`,
  a caution when the recordings differ (view, facing, setting, gait).
- :func:`progress_report` — all sessions of a patient: sessions × key metrics,
  each later value judged against the baseline, and one chart per metric.

:func:`patient_reports` makes the reports that go into a patient's ZIP export.

Why fpdf2
---------
fpdf2 was already the report's library: pure Python, no system libraries, and
since 2.7 it embeds (and subsets) TrueType fonts and lays out tables whose
cells wrap (:meth:`fpdf.FPDF.table`), repeating the heading row on a new page.
That is all the reports need; ReportLab's platypus would add a second, larger
PDF stack for the same result. The font is DejaVu Sans from matplotlib's
``mpl-data/fonts/ttf`` (a pip package, never a system font), which has every
glyph the catalogs use (≤ − – ± ° × „ “ …), so no character is replaced.
matplotlib also draws the charts (:mod:`formcheck.outputs.figures`).
"""

from __future__ import annotations

import datetime as _dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from formcheck import __version__
from formcheck.contract import measurable
from formcheck.engine.metrics import METRICS
from formcheck.engine.registry import CARD_ORDER, card_order
from formcheck.i18n import (FLAG_WORDS, LANGS, METRIC_LABELS, STRIKE_NAMES, UNITS, norm_typical, number, render,
                            say, signed, tr, view_text)

FLAG_RGB = {"ok": (30, 130, 50), "watch": (190, 120, 0), "flag": (200, 40, 40)}
VERDICT_RGB = {"real_change": (20, 70, 160), "within_noise": (90, 90, 90), "uncertain": (150, 110, 0),
               "not_measured": (120, 120, 120)}

#: The two forms of address the cues can take (German; English has one form).
ADDRESSES = ("du", "sie")

#: The font, from matplotlib's package data: (style, file).
FONT = "DejaVu"
FONT_FILES = (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf"), ("I", "DejaVuSans-Oblique.ttf"))

#: Page geometry (mm): A4, margins, the space kept free for the footer.
PAGE_W, MARGIN, FOOTER_H = 210.0, 14.0, 22.0
WIDTH = PAGE_W - 2 * MARGIN

#: Names formcheck gives files it keeps (uploads ``<16 hex>-<16 hex>.mp4``, stored videos ``<sha256>.mp4``):
#: never shown as a clip's name.
_CACHE_NAME = re.compile(r"[0-9a-f]{16}-[0-9a-f]{16}\.\w+|[0-9a-f]{64}\.\w+", re.IGNORECASE)


@dataclass(frozen=True)
class ReportHeader:
    """Who and what a report is about (the header fields).

    Attributes
    ----------
    patient : str
        The patient's pseudonym ("" when the analysis is not in a patient file).
    therapist, practice : str
        From the report settings (:mod:`formcheck.store.settings`).
    session_date : datetime.date, optional
        The session's date (default: today).
    clip_name : str
        The clip's real file name (as uploaded or saved), never the cache name.
    address : {"du", "sie"}
        How the cues speak to the patient (German; English has one form).
    """

    patient: str = ""
    therapist: str = ""
    practice: str = ""
    session_date: _dt.date | None = None
    clip_name: str = ""
    address: str = "du"


@dataclass
class ReportSession:
    """One session in a comparison or progress report.

    ``analysis`` (a live :class:`formcheck.pipeline.Analysis`) and
    ``key_frames`` are optional: a stored result alone has no curves.
    """

    result: dict
    clip_name: str = ""
    date: _dt.date | None = None
    analysis: object = None
    key_frames: dict | None = None


# ------------------------------------------------------------------ small helpers shared with the dashboard


def format_value(m: dict, unit: str, lang: str) -> str:
    """A metric's value with its unit for a card or the report, in the notation of ``lang`` (German "17,7°")."""
    if m.get("value") is None:
        return tr("not_measured", lang)
    u = UNITS.get(unit, {}).get(lang, unit)
    sep = "" if u == "°" else " "
    return f"{number(m['value'], lang, 1)}{sep}{u}" if unit != "steps/min" else f"{number(m['value'], lang, 0)} {u}"


def normal_text(name: str, m: dict, lang: str) -> str | None:
    """The typical range of a metric as a card, the report and the CLI show it, in ``lang``.

    With a treadmill speed the cadence's norm is the one for that speed
    (``normal.at_speed_spm``, :func:`formcheck.engine.speed.cadence_norm_spm`), said with the speed.
    """
    normal = m.get("normal") or {}
    if normal.get("at_speed_spm") is not None and normal.get("at_speed_mps") is not None:
        v = normal["at_speed_mps"]
        return tr("norm_cadence_at_speed_clamped" if normal.get("at_speed_clamped") else "norm_cadence_at_speed",
                  lang, spm=number(normal["at_speed_spm"], lang, 0), kmh=number(v * 3.6, lang, 1),
                  mps=number(v, lang, 2))
    return norm_typical(name, normal.get("typical"), lang, normal.get("gait"), normal.get("direction"))


def far_leg(result: dict, name: str) -> str | None:
    """The side whose value of ``name`` is the far leg's own, less sure one (side view), else None.

    Only metrics that metrics.md reads from the near leg (source ``"near"``)
    have a far leg worth marking; trunk, hip-height and step metrics do not.
    """
    near = (result.get("analysis") or {}).get("near_side")
    if near not in ("left", "right") or METRICS.get(name, ("", ""))[1] != "near":
        return None
    return "left" if near == "right" else "right"


def format_date(day: _dt.date, lang: str) -> str:
    """A date as the dashboard writes it: German ``31.12.2026``, otherwise ISO ``2026-12-31``."""
    return day.strftime("%d.%m.%Y") if lang == "de" else day.isoformat()


def clip_name(result: dict, given: str = "") -> str:
    """The clip's name for a report: ``given`` (the real file name), else the result's file name unless cache-named."""
    for name in (given, Path(str((result.get("video") or {}).get("path") or "")).name):
        name = Path(name).name if name else ""
        if name and not _CACHE_NAME.fullmatch(name):
            return name
    return ""


# ------------------------------------------------------------------ texts in the report's language and address


def cue_text(cue: dict, lang: str, address: str = "du") -> str:
    """A cue of a result in ``lang`` and the form of ``address``, from its id (the stored text if unknown)."""
    if address == "sie":
        formal = tr("cue_sie", lang)
        if cue.get("id") in formal:
            return formal[cue["id"]]
    try:
        return say(f"cue.{cue.get('id')}", lang)
    except KeyError:
        return cue.get("text", "")


def _advice_code(text: str) -> str | None:
    for code in ("retraining", "backward", "walking"):
        if any(text == say(f"advice.{code}", lang) for lang in LANGS):
            return code
    return None


def advice_texts(result: dict, lang: str, address: str = "du") -> list[str]:
    """The result's advice in ``lang`` and the form of ``address`` (texts it cannot place stay as stored)."""
    out = []
    for text in result.get("advice", []):
        code = _advice_code(text)
        if code == "retraining" and address == "sie":
            out.append(tr("advice_sie", lang)["retraining"])
        elif code:
            out.append(say(f"advice.{code}", lang))
        else:
            out.append(text)
    return out


def warning_texts(result: dict, lang: str, address: str = "du", typed=None) -> list[str]:
    """The quality warnings in ``lang`` (and ``address``).

    With the typed result of the same analysis (``Analysis.typed``) every
    warning is rendered anew from its code and parameters. A stored result
    keeps only the code and the sentence: a warning without parameters is
    rendered anew, any other keeps the stored sentence.
    """
    stored = (result.get("quality") or {}).get("warnings") or []
    typed_ws = list(getattr(getattr(typed, "quality", None), "warnings", None) or [])
    if typed_ws and [w.code for w in typed_ws] == [w.get("code") for w in stored]:
        out = []
        for w in typed_ws:
            m = w.message
            if address == "sie" and m.code in tr("warning_sie", lang):
                out.append(say(f"ui.warning_sie.{m.code}", lang, **m.params))
            else:
                out.append(render(m, lang))
        return out
    out = []
    for w in stored:
        try:
            out.append(say(f"warning.{w.get('code')}", lang))
        except (KeyError, IndexError, ValueError):
            out.append(w.get("message", ""))
    return out


def _view_line(result: dict, lang: str) -> str:
    return view_text(result["view"], lang)  # "Rücken zur Kamera", never "Blick nach von der Kamera weg"


def view_differences(a: dict, b: dict, lang: str) -> list[str]:
    """What differs between the recordings of two results (view, facing, direction, setting, gait), worded."""
    va, vb = a.get("view") or {}, b.get("view") or {}
    label = {"plane": tr("view", lang), "facing": tr("report_facing", lang), "direction": tr("report_facing", lang),
             "setting": tr("report_setting", lang), "gait": tr("report_gait", lang)}
    out = []
    for key in ("plane", "facing", "direction", "setting", "gait"):
        if va.get(key) and vb.get(key) and va[key] != vb[key]:
            out.append(f"{label[key]}: {tr(va[key], lang)} / {tr(vb[key], lang)}")
    from formcheck.outputs.compare import comparability

    for m in comparability(a, b).mismatches:
        if m.aspect == "speed":
            out.append(f"{tr('cmp_aspect', lang)['speed']}: {speed_text(m.before, lang)} / {speed_text(m.after, lang)}")
    return out


def speed_text(speed_mps: float | None, lang: str) -> str:
    """A treadmill speed as the page says it ("10,0 km/h"), or "not known"."""
    return tr("speed_unknown", lang) if speed_mps is None else f"{number(speed_mps * 3.6, lang, 1)} km/h"


# ------------------------------------------------------------------ the PDF document


def font_paths() -> dict[str, Path]:
    """style -> TTF file of DejaVu Sans inside matplotlib's package data."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return {style: folder / name for style, name in FONT_FILES}


def _document(lang: str, address: str):
    from fpdf import FPDF

    footer = tr("report_footer_sie" if address == "sie" else "report_footer", lang, version=__version__)

    class _Report(FPDF):
        def footer(self):
            self.set_y(-FOOTER_H + 6)
            self.set_font(FONT, "I", 7)
            self.set_text_color(90, 90, 90)
            self.multi_cell(WIDTH - 28, 3.4, footer, align="L", new_x="RIGHT", new_y="TOP")
            self.set_font(FONT, "", 7)
            self.cell(28, 3.4, say("ui.report_page", lang, page=str(self.page_no()), total="{nb}"), align="R")
            self.set_text_color(0, 0, 0)

    pdf = _Report(format="A4", unit="mm")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=FOOTER_H)
    pdf.alias_nb_pages()
    for style, path in font_paths().items():
        pdf.add_font(FONT, style, str(path))
    pdf.set_lang(lang)
    pdf.set_creator(f"formcheck {__version__}")
    pdf.add_page()
    return pdf


def _title(pdf, text: str) -> None:
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 8, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _heading(pdf, text: str, room: float = 20.0) -> None:
    """A section heading; a new page first when less than ``room`` mm would follow it on this one."""
    if pdf.get_y() + room > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(FONT, "B", 11.5)
    pdf.multi_cell(0, 6.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9.5)


def _fields(pdf, rows: list[tuple[str, str]], lang: str) -> None:
    """Label/value pairs as a borderless two-column table (values wrap)."""
    from fpdf.fonts import FontFace

    pdf.set_font(FONT, "", 9.5)
    with pdf.table(col_widths=(38, WIDTH - 38), width=WIDTH, first_row_as_headings=False, borders_layout="NONE",
                   line_height=5.0, padding=(0.6, 1.0), text_align="LEFT", align="LEFT") as table:
        for label, value in rows:
            row = table.row()
            row.cell(label, style=FontFace(emphasis="BOLD"))
            row.cell(value or tr("report_not_given", lang))


def _people_rows(header: ReportHeader, lang: str) -> list[tuple[str, str]]:
    return [(tr("patient", lang), header.patient), (tr("report_therapist", lang), header.therapist),
            (tr("report_practice", lang), header.practice)]


def _paragraph(pdf, text: str, size: float = 9.5, style: str = "", h: float = 4.8) -> None:
    pdf.set_font(FONT, style, size)
    pdf.multi_cell(0, h, text, align="L", new_x="LMARGIN", new_y="NEXT")


def _image(pdf, data, x: float, y: float, w: float, h: float | None = None) -> None:
    if isinstance(data, np.ndarray):
        from PIL import Image

        buf = io.BytesIO()
        Image.fromarray(np.ascontiguousarray(data)).save(buf, format="JPEG", quality=88)
        data = buf.getvalue()
    pdf.image(io.BytesIO(data), x=x, y=y, w=w, h=h or 0)


def _image_row(pdf, pngs: list[bytes]) -> None:
    """Up to two PNGs side by side across the text width, on a new page if the row does not fit."""
    w = (WIDTH - 4) / 2
    h = max(_png_height(p, w) for p in pngs)
    if pdf.get_y() + h > pdf.page_break_trigger:
        pdf.add_page()
    y = pdf.get_y()
    for k, png in enumerate(pngs):
        _image(pdf, png, pdf.l_margin + k * (w + 4), y, w)
    pdf.set_y(y + h + 2)


def _png_height(png: bytes, width: float) -> float:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        return width * im.height / im.width


def _cues(pdf, result: dict, lang: str, address: str) -> None:
    _heading(pdf, tr("report_cues_sie" if address == "sie" else "cues", lang))
    if result.get("cues"):
        for c in result["cues"]:
            _paragraph(pdf, f"{c['priority']}. {cue_text(c, lang, address)}", 10.5, h=5.6)
        for text in advice_texts(result, lang, address):
            pdf.ln(0.8)
            _paragraph(pdf, text, 8.5, "I", 4.3)
    else:
        _paragraph(pdf, tr("no_cues", lang))


def _quality(pdf, result: dict, lang: str, address: str, typed) -> None:
    warnings = warning_texts(result, lang, address, typed)
    _heading(pdf, tr("quality", lang))
    if not warnings:
        _paragraph(pdf, tr("quality_ok", lang), 9)
    for w in warnings:
        _paragraph(pdf, "• " + w, 9, h=4.5)


def _metric_table(pdf, result: dict, lang: str) -> None:
    from fpdf.fonts import FontFace

    _heading(pdf, tr("metrics", lang), room=30)
    heads = (tr("metric", lang), tr("report_value", lang), tr("left", lang), tr("right", lang), tr("normal", lang),
             tr("report_flag", lang), tr("confidence", lang))
    widths = (43, 22, 15, 15, 43, 25, 19)
    pdf.set_font(FONT, "", 8.3)
    any_far = any_start = False
    with pdf.table(col_widths=widths, width=WIDTH, text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT", "LEFT",
                                                              "LEFT"),
                   headings_style=FontFace(emphasis="BOLD", fill_color=(232, 236, 242)), line_height=4.2,
                   borders_layout="HORIZONTAL_LINES", padding=(0.8, 1.0), repeat_headings=1,
                   cell_fill_color=(247, 248, 250), cell_fill_mode="ROWS") as table:
        row = table.row()
        for h in heads:
            row.cell(h)
        for name in card_order((result.get("view") or {}).get("gait")):
            m = result["metrics"].get(name)
            if not m or not measurable(m):
                continue
            unit = METRICS[name][0]
            far = far_leg(result, name)
            any_far |= far is not None and m.get(far) is not None
            any_start |= bool(m.get("starting_value"))

            def side(s):  # as on the dashboard's card: the number (its unit is the value's)
                if m.get(s) is None:
                    return ""
                return number(m[s], lang) + ("°" if unit == "deg" else "") + ("²" if s == far else "")

            flag = m.get("flag")
            conf = m.get("confidence")
            row = table.row()
            row.cell(METRIC_LABELS[name][lang] + (" *" if m.get("starting_value") else ""))
            row.cell(format_value(m, unit, lang))
            row.cell(side("left"))
            row.cell(side("right"))
            row.cell(normal_text(name, m, lang) or "")
            row.cell(FLAG_WORDS[flag][lang] if flag in FLAG_WORDS else "",
                     style=FontFace(color=FLAG_RGB[flag], emphasis="BOLD") if flag in FLAG_RGB else None)
            row.cell(tr(conf, lang) if conf else "")
    strike = result.get("foot_strike") or {}
    if any(strike.values()):
        pdf.ln(1)
        _paragraph(pdf, METRIC_LABELS["foot_strike_angle_ic_deg"][lang] + ": " + ", ".join(
            f"{tr(s, lang)} {STRIKE_NAMES[c][lang]}"
            + (f" ({tr('uncertain', lang)})" if (result.get("foot_strike_uncertain") or {}).get(s) else "")
            for s, c in strike.items() if c), 8.5)
    pdf.ln(0.5)
    if any_start:
        _paragraph(pdf, "* " + tr("starting_value", lang), 7.5, "I", 3.8)
    if any_far:
        _paragraph(pdf, "² " + tr("far_short", lang), 7.5, "I", 3.8)


def _frames_row(pdf, frames: dict, lang: str, caption_prefix: str = "", height: float = 70.0,
                angles: dict | None = None) -> None:
    """The key frames of one side (IC, midstance, TO) across the page, as large as fits.

    ``angles`` (:func:`formcheck.outputs.render.key_frame_angles`) adds the drawn angles to each caption.
    """
    from formcheck.outputs.render import KEY_EVENTS

    imgs = [(ev, frames[ev]) for ev in KEY_EVENTS if frames.get(ev) is not None]
    if not imgs:
        return
    gap = 3.0
    ratio = sum(img.shape[1] / img.shape[0] for _, img in imgs)
    h = min(height, (WIDTH - gap * (len(imgs) - 1)) / ratio)
    caption_h = 6 + (11 if angles else 0)
    if pdf.get_y() + h + caption_h > pdf.page_break_trigger:
        pdf.add_page()
    y, x = pdf.get_y(), pdf.l_margin
    bottom = y + h + 5
    for ev, img in imgs:
        w = h * img.shape[1] / img.shape[0]
        _image(pdf, img, x, y, w, h)
        pdf.set_xy(x, y + h + 0.6)
        pdf.set_font(FONT, "B", 8)
        pdf.cell(w, 4, f"{caption_prefix}{tr(ev, lang)}", align="C")
        if angles and angles.get(ev):
            pdf.set_xy(x, y + h + 4.6)
            pdf.set_font(FONT, "", 7.5)
            pdf.multi_cell(w, 3.5, " · ".join(f"{tr(k, lang)} {number(v, lang, 0)}°" for k, v in angles[ev]),
                           align="C", new_x="LEFT", new_y="NEXT")
            bottom = max(bottom, pdf.get_y() + 1.5)
        x += w + gap
    pdf.set_xy(pdf.l_margin, bottom + 1)


def _angles(analysis, side: str) -> dict | None:
    from formcheck.outputs.render import key_frame_angles

    if analysis is None or not getattr(analysis, "curves", None):
        return None
    return key_frame_angles(analysis, side)


def _key_frames(pdf, key_frames: dict | None, lang: str, analysis=None) -> None:
    frames = {s: f for s, f in (key_frames or {}).items() if f}
    for side, f in frames.items():
        _heading(pdf, f"{tr('key_frames', lang)} – {tr('leg', lang)} {tr(side, lang)}", room=80)
        _frames_row(pdf, f, lang, angles=_angles(analysis, side))


def _charts(pdf, analyses: list, lang: str, labels: list[str] | None = None, over_time: bool = True) -> None:
    from formcheck.outputs import figures

    analyses = [a for a in analyses if a is not None and getattr(a, "curves", None)]
    if not analyses:
        return
    images: list[tuple[bytes, float]] = []
    if over_time and len(analyses) == 1:
        images.append((figures.angles_over_time_png(analyses[0], lang), WIDTH))
    if all(a.clean.plane == "sagittal" for a in analyses):
        pair = [figures.cycle_curves_png(analyses, key, lang, labels) for key in ("knee_flexion", "hip_extension")]
        pair = [p for p in pair if p]
    else:
        pair = []
    if not images and not pair:
        return
    _heading(pdf, tr("charts", lang), room=80)
    for png, w in images:
        h = _png_height(png, w)
        if pdf.get_y() + h > pdf.page_break_trigger:
            pdf.add_page()
        _image(pdf, png, pdf.l_margin, pdf.get_y(), w)
        pdf.set_y(pdf.get_y() + h + 2)
    if pair:
        _image_row(pdf, pair)


def _output(pdf) -> bytes:
    return bytes(pdf.output())


# ------------------------------------------------------------------ the three reports


def pdf_report(result: dict, lang: str = "de", key_frames: dict | None = None, title_note: str = "", *,
               header: ReportHeader | None = None, analysis=None) -> bytes:
    """The report of one session as PDF bytes.

    Parameters
    ----------
    result : dict
        The analysis (JSON contract), ideally in ``lang`` (cues and advice are
        rendered anew from their codes in any case).
    lang : {"de", "en"}
    key_frames : dict side -> {event -> RGB ndarray}, optional
        From :func:`formcheck.outputs.render.key_frames` (best with
        :data:`formcheck.outputs.render.PRINT_KEY_FRAMES`).
    title_note : str, optional
        A line under the title (e.g. what the session was for).
    header : ReportHeader, optional
        Patient, therapist, practice, session date, the clip's real name, du/Sie.
    analysis : formcheck.pipeline.Analysis, optional
        The live analysis: adds the angle curves and renders warnings anew.
    """
    header = header or ReportHeader()
    pdf = _document(lang, header.address)
    walk = (result.get("view") or {}).get("gait") == "walk"
    _title(pdf, tr("report_title_walk" if walk else "report_title", lang))
    if title_note:
        _paragraph(pdf, title_note, 9.5, "I")
    v = result.get("video") or {}
    clip = clip_name(result, header.clip_name)
    facts = tr("report_clip_facts", lang, duration=number(float(v.get("duration_s") or 0), lang),
               fps=number(float(v.get("fps") or 0), lang, 0))
    _fields(pdf, [_people_rows(header, lang)[0],
                  (tr("session_date", lang), format_date(header.session_date or _dt.date.today(), lang)),
                  *_people_rows(header, lang)[1:],
                  (tr("report_clip", lang), f"{clip} ({facts})" if clip else facts),
                  (tr("view", lang), _view_line(result, lang)),
                  *_speed_row(result, lang)], lang)
    _cues(pdf, result, lang, header.address)
    _quality(pdf, result, lang, header.address, getattr(analysis, "typed", None))
    _metric_table(pdf, result, lang)
    _key_frames(pdf, key_frames, lang, analysis)
    if analysis is not None:
        _charts(pdf, [analysis], lang)
    return _output(pdf)


def _speed_row(result: dict, lang: str) -> list[tuple[str, str]]:
    """The treadmill speed as a field of the report, when one was given."""
    speed = (result.get("analysis") or {}).get("speed_mps")
    return [] if speed is None else [(tr("speed_short", lang), speed_text(speed, lang))]


def _session_line(s: ReportSession, lang: str) -> str:
    speed = (s.result.get("analysis") or {}).get("speed_mps")
    parts = [format_date(s.date, lang) if s.date else "", clip_name(s.result, s.clip_name),
             "" if speed is None else speed_text(speed, lang)]
    return " · ".join(p for p in parts if p)


def comparison_report(before: ReportSession, after: ReportSession, lang: str = "de", *,
                      header: ReportHeader | None = None) -> bytes:
    """Two sessions compared as PDF bytes: the metrics both measured, differences, noise-floor verdicts.

    A caution names what differs between the two recordings (view, facing,
    direction, setting, gait) before any verdict. With live analyses the
    gait-cycle curves of both are overlaid (the second dashed); with key
    frames the near side's frames of both are shown.
    """
    from fpdf.fonts import FontFace

    from formcheck.outputs.compare import compare_results

    header = header or ReportHeader()
    pdf = _document(lang, header.address)
    _title(pdf, tr("report_compare_title", lang))
    _fields(pdf, [*_people_rows(header, lang), (tr("before", lang), _session_line(before, lang)),
                  (tr("after", lang), _session_line(after, lang))], lang)
    differs = view_differences(before.result, after.result, lang)
    if differs:
        pdf.ln(1.5)
        pdf.set_text_color(170, 40, 40)
        _paragraph(pdf, tr("report_not_comparable", lang, what="; ".join(differs)), 9.5, "B")
        pdf.set_text_color(0, 0, 0)
    _heading(pdf, tr("differences", lang), room=30)
    _paragraph(pdf, tr("report_compare_caption", lang), 8.5, "I", 4.2)
    pdf.ln(1)
    shared = [c for c in compare_results(before.result, after.result) if c.verdict != "not_measured"]
    if not shared:
        _paragraph(pdf, tr("report_no_shared", lang))
    else:
        pdf.set_font(FONT, "", 8.5)
        with pdf.table(col_widths=(44, 22, 22, 21, 28, 45), width=WIDTH,
                       text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT"),
                       headings_style=FontFace(emphasis="BOLD", fill_color=(232, 236, 242)), line_height=4.4,
                       borders_layout="HORIZONTAL_LINES", padding=(0.8, 1.0), repeat_headings=1) as table:
            row = table.row()
            for h in ("metric", "before", "after", "difference", "noise_floor", "verdict"):
                row.cell(tr(h, lang))
            for ch in shared:
                row = table.row()
                row.cell(METRIC_LABELS[ch.name][lang])
                row.cell(format_value({"value": ch.before}, ch.unit, lang))
                row.cell(format_value({"value": ch.after}, ch.unit, lang))
                deg = "°" if ch.unit == "deg" else ""
                row.cell("" if ch.diff is None else signed(ch.diff, lang) + deg)
                row.cell("" if ch.noise_floor is None else f"± {number(ch.noise_floor, lang)}{deg}")
                row.cell(tr(ch.verdict, lang), style=FontFace(color=VERDICT_RGB.get(ch.verdict),
                                                              emphasis="BOLD" if ch.verdict == "real_change" else ""))
    labels = [tr("before", lang), tr("after", lang)]
    sides = [(s.result.get("analysis") or {}).get("near_side") for s in (before, after)]
    if before.key_frames and after.key_frames and all(sides):
        fa, fb = (before.key_frames or {}).get(sides[0]) or {}, (after.key_frames or {}).get(sides[1]) or {}
        if fa and fb:
            _heading(pdf, tr("key_frames", lang), room=70)
            _frames_row(pdf, fa, lang, f"{labels[0]} · ", 60, _angles(before.analysis, sides[0]))
            _frames_row(pdf, fb, lang, f"{labels[1]} · ", 60, _angles(after.analysis, sides[1]))
    if before.analysis is not None and after.analysis is not None:
        _charts(pdf, [before.analysis, after.analysis], lang, labels, over_time=False)
    return _output(pdf)


#: How many metrics one progress table holds beside the session column.
PROGRESS_COLUMNS = 4


def progress_report(sessions: list[ReportSession], lang: str = "de", *, header: ReportHeader | None = None) -> bytes:
    """All sessions of one patient as PDF bytes: sessions × key metrics, and one chart per metric.

    Each later value is judged against the baseline (the first session that
    measured the metric; :func:`formcheck.outputs.compare.metric_history`).
    ``sessions`` are oldest first.
    """
    from fpdf.fonts import FontFace

    from formcheck.outputs import figures
    from formcheck.outputs.compare import metric_history

    header = header or ReportHeader()
    pdf = _document(lang, header.address)
    _title(pdf, tr("report_progress_title", lang))
    dates = [s.date for s in sessions if s.date]
    span = " – ".join(dict.fromkeys(format_date(d, lang) for d in (min(dates), max(dates)))) if dates else ""
    _fields(pdf, [*_people_rows(header, lang),
                  (tr("report_sessions", lang), f"{len(sessions)}" + (f" ({span})" if span else ""))], lang)
    labels = []
    for k, s in enumerate(sessions):
        label = format_date(s.date, lang) if s.date else f"#{k + 1}"
        labels.append(label if label not in labels else f"{label} ({k + 1})")
    pairs = list(zip(labels, [s.result for s in sessions]))
    names = [n for n in CARD_ORDER
             if any(((s.result.get("metrics") or {}).get(n) or {}).get("value") is not None for s in sessions)]
    _heading(pdf, tr("progress", lang), room=40)
    _paragraph(pdf, tr("report_progress_caption", lang), 8.5, "I", 4.2)
    histories = {n: metric_history(pairs, n) for n in names}
    for i in range(0, len(names), PROGRESS_COLUMNS):
        chunk = names[i:i + PROGRESS_COLUMNS]
        pdf.ln(2)
        pdf.set_font(FONT, "", 8)
        first = 34.0
        with pdf.table(col_widths=(first, *[(WIDTH - first) / PROGRESS_COLUMNS] * len(chunk)),
                       width=first + (WIDTH - first) / PROGRESS_COLUMNS * len(chunk), align="LEFT",
                       text_align=("LEFT", *["RIGHT"] * len(chunk)),
                       headings_style=FontFace(emphasis="BOLD", fill_color=(232, 236, 242)), line_height=4.0,
                       borders_layout="HORIZONTAL_LINES", padding=(0.8, 1.0), repeat_headings=1) as table:
            row = table.row()
            row.cell(tr("date", lang))
            for n in chunk:
                unit = UNITS.get(METRICS[n][0], {}).get(lang, METRICS[n][0])
                row.cell(f"{METRIC_LABELS[n][lang]} ({unit})")
            for k, s in enumerate(sessions):
                row = table.row()
                clip = clip_name(s.result, s.clip_name)
                row.cell(labels[k] + (f"\n{clip}" if clip else ""))
                for n in chunk:
                    p = histories[n][k]
                    if p.value is None:
                        row.cell(tr("not_measured", lang), style=FontFace(color=(120, 120, 120)))
                        continue
                    text = number(p.value, lang, 0 if METRICS[n][0] == "steps/min" else 1)  # the unit heads the column
                    ch = p.since_baseline
                    if ch is not None and ch.diff is not None:
                        text += f"\n{signed(ch.diff, lang)} · {tr(ch.verdict, lang)}"
                    real = ch is not None and ch.verdict == "real_change"
                    row.cell(text, style=FontFace(color=VERDICT_RGB["real_change"], emphasis="BOLD") if real else None)
    charted = [n for n in names if sum(p.value is not None for p in histories[n]) >= 2]
    if charted:
        _heading(pdf, tr("charts", lang), room=70)
        for i in range(0, len(charted), 2):
            _image_row(pdf, [figures.progress_png(histories[n], n, lang) for n in charted[i:i + 2]])
    return _output(pdf)


# ------------------------------------------------------------------ the reports of a patient's export


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("._")[:60] or "x"


def patient_reports(patient, recordings: list, lang: str = "de", *, therapist: str = "", practice: str = "",
                    address: str = "du") -> dict[str, bytes]:
    """The reports of a patient's ZIP export: ``reports/<name>.pdf`` -> PDF bytes.

    One session report per session (from the stored result: no key frames or
    curves, which need the video analysed again), a comparison of the last two
    sessions and a progress report when there are two or more.

    Parameters
    ----------
    patient
        Anything with ``pseudonym`` (a :class:`formcheck.store.Patient`).
    recordings : list
        Its sessions, oldest first: anything with ``id``, ``recorded_on``,
        ``video_name`` and ``result`` (:class:`formcheck.store.Recording`).
    """
    base = dict(patient=patient.pseudonym, therapist=therapist, practice=practice, address=address)
    out: dict[str, bytes] = {}
    sessions = [ReportSession(r.result, r.video_name or "", r.recorded_on) for r in recordings]
    for r, s in zip(recordings, sessions):
        head = ReportHeader(**base, session_date=r.recorded_on, clip_name=s.clip_name)
        out[f"reports/session_{r.recorded_on.isoformat()}_{r.id}.pdf"] = pdf_report(s.result, lang, header=head)
    if len(recordings) >= 2:
        a, b = recordings[-2], recordings[-1]
        out[f"reports/comparison_{a.id}_{b.id}.pdf"] = comparison_report(sessions[-2], sessions[-1], lang,
                                                                          header=ReportHeader(**base))
        out["reports/progress.pdf"] = progress_report(sessions, lang, header=ReportHeader(**base))
    return out


def export_reports(lang: str = "de", settings: dict | None = None):
    """The ``reports`` argument of :meth:`formcheck.store.Store.export_patient`: :func:`patient_reports` in ``lang``.

    ``settings`` are the report settings (:func:`formcheck.store.settings.report_settings`).
    """
    settings = settings or {}

    def make(patient, recordings):
        return patient_reports(patient, recordings, lang, therapist=settings.get("therapist", ""),
                               practice=settings.get("practice", ""), address=settings.get("address", "du"))
    return make
