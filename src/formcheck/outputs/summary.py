"""The readable summary ``formcheck analyze`` prints: the clip, the view, quality notes, the metrics, the cues."""

from __future__ import annotations

from pathlib import Path

from formcheck.contract import measurable
from formcheck.engine.registry import card_order
from formcheck.i18n import FLAG_WORDS, METRIC_LABELS, STRIKE_NAMES, number, tr, view_text
from formcheck.outputs.report import format_value, normal_text


def summary_text(result: dict, lang: str = "de") -> str:
    """The analysis as plain text lines in ``lang``.

    Parameters
    ----------
    result : dict
        The JSON of an analysis (its cues and warnings already in ``lang``).
    lang : {"de", "en"}
        Language of the labels and numbers (German: decimal comma).

    Returns
    -------
    str
        Clip and pose line, view line, the recording notes (quality warnings),
        a table of every metric the view can measure (value, left, right,
        traffic light, confidence), the foot strike per side and the cues with
        the retraining advice.
    """
    L = lang
    v, p, view = result["video"], result["pose"], result["view"]
    lines = [tr("cli_video_line", L, name=Path(v["path"]).name, width=v["width"], height=v["height"],
                fps=number(v["fps"], L), n=v["n_frames"], duration=number(v["duration_s"], L),
                found=p["frames_with_pose"], pct=number(p["frames_with_pose_pct"], L, 0)),
             view_text(view, L)]
    speed = (result.get("analysis") or {}).get("speed_mps")
    if speed is not None:
        lines.append(tr("speed_line", L, kmh=number(speed * 3.6, L, 1), mps=number(speed, L, 2)))
        cadence = result["metrics"].get("cadence_spm") or {}
        norm = normal_text("cadence_spm", cadence, L) if cadence.get("normal") else None
        if norm:
            lines.append(f"{METRIC_LABELS['cadence_spm'][L]} – {tr('normal', L)}: {norm}")
    lines += _bout_lines(result, L)
    warnings = result["quality"]["warnings"]
    lines += ["", f"{tr('cli_warnings', L)}:"] + ([f"  - {w['message']}" for w in warnings] or [f"  {tr('quality_ok', L)}"])
    lines += ["", *_metric_table(result, L)]
    strike = result.get("foot_strike") or {}
    classes = [f"{tr(s, L)} {STRIKE_NAMES[c][L]}" for s, c in strike.items() if c]
    if classes:
        lines.append(f"{tr('cli_foot_strike', L)}: " + ", ".join(classes))
    lines += ["", f"{tr('cues', L)}:"]
    lines += [f"  {c['priority']}. {c['text']}" for c in result["cues"]] or [f"  {tr('cli_no_cues', L)}"]
    lines += [f"  {a}" for a in result.get("advice", [])]
    return "\n".join(lines)


def _metric_table(result: dict, L: str) -> list[str]:
    rows = [[tr("metric", L), tr("cli_value", L), tr("left", L), tr("right", L), tr("cli_flag", L), tr("confidence", L)]]
    for name in card_order((result.get("view") or {}).get("gait")):
        m = result["metrics"].get(name)
        if not m or not measurable(m):
            continue
        side = ["" if m.get(s) is None else number(m[s], L) for s in ("left", "right")]
        rows.append([METRIC_LABELS[name][L], format_value(m, m["unit"], L), *side,
                     FLAG_WORDS[m["flag"]][L] if m.get("flag") in FLAG_WORDS else "",
                     tr(m["confidence"], L) if m.get("confidence") else ""])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows]


def _bout_lines(result: dict, L: str) -> list[str]:
    """With several bouts of moving gait: one line per bout (kind, times, cadence), the main one marked."""
    from formcheck.outputs.charts import bout_label

    bouts = result.get("bouts") or []
    if sum(b["kind"] != "standing" for b in bouts) < 2:
        return []
    out = ["", f"{tr('bouts', L)}:"]
    for b in bouts:
        cad = (b.get("metrics") or {}).get("cadence_spm") or {}
        value = f": {format_value(cad, cad['unit'], L)}" if cad.get("value") is not None else ""
        out.append(f"  - {bout_label(b, L)}{value}")
    return out
