"""Drawing: the annotated video and key frames with the measured angles.

The last stage of the flow: it reads an :class:`~formcheck.pipeline.Analysis`
(the cleaned landmarks, the angle curves and the events) and draws on the
decoded frames; it computes nothing new.

Conventions
-----------
- Colours: left leg blue, right leg orange, trunk white; the near leg is drawn
  thicker. Frames are RGB.
- Key frames per side: initial contact (IC), midstance (half-way IC → TO) and
  toe-off (TO) of the stride whose contact time is closest to the median.
- Angles are drawn as arcs between the two segments that define them, with the
  value in degrees beside the arc: knee flexion at the knee, hip extension
  (thigh against the vertical) at the hip, trunk lean at the hip, shank angle
  at the knee (IC only), foot angle at the heel (IC only).
- Videos are written as H.264 (yuv420p, faststart), at most 720 px high,
  so they play in every browser; written to a temporary name and renamed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from formcheck.io.video import VideoWriter, iter_frames

COLORS = {"left": (66, 135, 245), "right": (245, 140, 40), "trunk": (255, 255, 255), "arc": (255, 230, 60)}
LEG = ("hip", "knee", "ankle", "heel", "toe")
MAX_HEIGHT = 720


def _grid_index(clean, t_s: float) -> int:
    """Index on the clean (uniform) grid nearest to frame time ``t_s``."""
    return int(np.clip(np.round((t_s - clean.t[0]) * clean.fps), 0, clean.n - 1))


def _pt(clean, key: str, i: int, scale: float, off=(0.0, 0.0)):
    """Landmark ``key`` at grid index ``i`` in output pixels: ``(xy - off) * scale``."""
    p = clean.xy.get(key)
    if p is None or not np.isfinite(p[i]).all():
        return None
    x, y = clean.to_frame(p[i])  # the landmarks may be levelled (a rolled camera): drawn where the frame has them
    return int(round((x - off[0]) * scale)), int(round((y - off[1]) * scale))


def _text(img, s: str, org, size: float = 0.55, color=(255, 255, 255), *, degree: bool = False):
    """Text with a dark outline, readable on any background; ``degree`` adds a drawn ° (Hershey fonts have none).

    Stroke widths grow with ``size``, so large print labels stay bold.
    """
    x, y = org
    thin = max(1, int(round(size * 1.6)))
    thick = thin + max(3, int(round(size * 3)))
    (w, h), _ = cv2.getTextSize(s, cv2.FONT_HERSHEY_SIMPLEX, size, thin)
    ring = (x + w + max(3, int(h * 0.3)), y - h + max(2, int(h * 0.25))), max(2, int(round(h * 0.2)))
    for c, t in (((0, 0, 0), thick), (color, thin)):
        cv2.putText(img, s, (x, y), cv2.FONT_HERSHEY_SIMPLEX, size, c, t, cv2.LINE_AA)
        if degree:
            cv2.circle(img, ring[0], ring[1], c, thin + 2 if t == thick else thin, cv2.LINE_AA)


def _arc(img, center, a_deg: float, b_deg: float, radius: int, color, label: str | None = None, size: float = 0.55,
         degree: bool = False, label_at=None):
    """Arc from direction ``a_deg`` to ``b_deg`` (image angles, 0 = +x, clockwise positive) and a label."""
    if center is None or not (np.isfinite(a_deg) and np.isfinite(b_deg)):
        return
    d = (b_deg - a_deg + 180.0) % 360.0 - 180.0
    start, end = (a_deg, a_deg + d) if d >= 0 else (a_deg + d, a_deg)
    cv2.ellipse(img, center, (radius, radius), 0.0, start, end, (0, 0, 0), 5, cv2.LINE_AA)
    cv2.ellipse(img, center, (radius, radius), 0.0, start, end, color, 3, cv2.LINE_AA)
    if label:
        mid = np.radians(0.5 * (start + end))
        (w, h), _ = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, size, 1)
        gap = radius + 8 + int(0.5 * max(w, h) * (size > 1.0))
        pos = (int(center[0] + gap * np.cos(mid)), int(center[1] + gap * np.sin(mid)))
        if label_at is not None:  # a place chosen by the caller (beside a segment the label would cover)
            pos = label_at
        if size > 1.0 or label_at is not None:  # large print labels: centred on the arc's direction
            _text(img, label, (pos[0] - w // 2, pos[1] + h // 2), size, color, degree=degree)
        else:
            _text(img, label, (pos[0] - 10, pos[1] + 5), size, color, degree=degree)


def _dir(p, q) -> float:
    """Image angle (degrees, clockwise from +x) of the vector p → q."""
    return float(np.degrees(np.arctan2(q[1] - p[1], q[0] - p[0])))


def draw_pose(img: np.ndarray, clean, i: int, scale: float = 1.0, *, near: str | None = None,
              curves: dict | None = None, label_angles: bool = True, off=(0.0, 0.0)) -> np.ndarray:
    """Skeleton of frame ``i`` of ``clean`` on ``img`` (in place; returns it)."""
    near = near or getattr(clean, "near_side", None)
    sh, hp = _pt(clean, "mid_shoulder", i, scale, off), _pt(clean, "mid_hip", i, scale, off)
    if sh and hp:
        cv2.line(img, sh, hp, COLORS["trunk"], 3, cv2.LINE_AA)
    nose = _pt(clean, "nose", i, scale, off)
    if nose:
        cv2.circle(img, nose, 6, COLORS["trunk"], 2, cv2.LINE_AA)
    sides = ("left", "right") if near is None else (("left" if near == "right" else "right"), near)  # far first
    for side in sides:
        pts = [_pt(clean, f"{side}_{j}", i, scale, off) for j in LEG]
        thick = 4 if side == near else 2
        for a, b in ((0, 1), (1, 2), (2, 3), (3, 4), (2, 4)):
            if pts[a] and pts[b]:
                cv2.line(img, pts[a], pts[b], COLORS[side], thick, cv2.LINE_AA)
        for p in pts:
            if p:
                cv2.circle(img, p, 4 if side == near else 3, COLORS[side], -1, cv2.LINE_AA)
        if label_angles and curves and pts[1]:
            k = curves.get(f"knee_flexion_{side}")
            if k is not None and np.isfinite(k[i]):
                _text(img, f"{k[i]:.0f}", (pts[1][0] + 8, pts[1][1] - 6), 0.5, COLORS[side])
    return img


_ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "−": "-",
                        "–": "-", "°": " deg"})


def burnt(text: str) -> str:
    """``text`` in the characters OpenCV's Hershey font can draw (umlauts spelled out, no typographic dashes)."""
    return text.translate(_ASCII)


def _events_near(result: dict, t_s: float, tol: float, lang: str = "de") -> list[str]:
    """The events at ``t_s`` as the video shows them ("Aufsetzen rechts", "TO left"), in ``lang``."""
    from formcheck.i18n import tr

    out = []
    for side in ("left", "right"):
        ev = result["events"][side]
        if any(abs(x - t_s) <= tol for x in ev["ic_s"]):
            out.append(burnt(tr("video_ic", lang, side=tr(side, lang))))
        if any(abs(x - t_s) <= tol for x in ev["to_s"]):
            out.append(burnt(tr("video_to", lang, side=tr(side, lang))))
    return out


def write_annotated_video(analysis, out: str | Path, *, progress: Callable[[float], None] | None = None,
                          lang: str = "de") -> Path:
    """The clip with skeleton, knee angles and contact/toe-off markers, as browser-playable H.264.

    Parameters
    ----------
    analysis : Analysis
        From :func:`formcheck.pipeline.analyze`.
    out : path-like
        Output ``.mp4``; written to a temporary name and renamed when complete.
    progress : callable, optional
        Receives the fraction done (0–1).
    lang : str
        Language of the event labels and the time stamp burnt into the frames.
    """
    from formcheck.i18n import number

    clean, result, info = analysis.clean, analysis.result, analysis.info
    n_total = max(1, result["video"]["n_frames"])
    fps = result["video"]["fps"]
    scale = min(1.0, MAX_HEIGHT / info.height) if info.height else 1.0
    hold = 0.5 / fps  # an event is marked on its nearest frame
    with VideoWriter(out, fps, crf=23) as writer:
        for fr in iter_frames(info):
            img = fr.image
            if scale < 1.0:
                img = cv2.resize(img, (int(img.shape[1] * scale) // 2 * 2, int(img.shape[0] * scale) // 2 * 2),
                                 interpolation=cv2.INTER_AREA)
            else:
                img = img.copy()
            i = _grid_index(clean, fr.t_s)
            draw_pose(img, clean, i, scale, curves=analysis.curves)
            marks = _events_near(result, fr.t_s, hold, lang)
            if marks:
                cv2.rectangle(img, (0, 0), (img.shape[1], 34), (20, 20, 20), -1)
                _text(img, "  ".join(marks), (10, 24), 0.7, COLORS["arc"])
            _text(img, f"{number(fr.t_s, lang, 2):>5} s", (10, img.shape[0] - 12), 0.5)
            writer.write(img)
            if progress and fr.index % 10 == 0:
                progress(min(1.0, (fr.index + 1) / n_total))
    if progress:
        progress(1.0)
    return Path(out)


def representative_stride(result: dict, side: str) -> dict | None:
    """The stride of ``side`` whose contact time is closest to that side's median (None if none)."""
    rows = [s for s in result.get("strides", []) if s["side"] == side and s.get("contact_time_ms") is not None]
    if not rows:
        return None
    med = float(np.median([s["contact_time_ms"] for s in rows]))
    return min(rows, key=lambda s: (abs(s["contact_time_ms"] - med), s["ic_s"]))


KEY_EVENTS = ("ic", "midstance", "to")


def key_frame_times(result: dict, side: str) -> dict[str, float] | None:
    """Times (s) of IC, midstance and TO of the representative stride of ``side``."""
    s = representative_stride(result, side)
    if s is None:
        return None
    return {"ic": s["ic_s"], "midstance": 0.5 * (s["ic_s"] + s["to_s"]), "to": s["to_s"]}


def _annotate_key(img: np.ndarray, analysis, i: int, side: str, event: str, scale: float, off,
                  label_scale: float = 1.0) -> None:
    clean, curves = analysis.clean, analysis.curves
    draw_pose(img, clean, i, scale, near=side, curves=None, label_angles=False, off=off)
    P = lambda key: _pt(clean, key, i, scale, off)  # noqa: E731
    hip, knee, ankle = P(f"{side}_hip"), P(f"{side}_knee"), P(f"{side}_ankle")
    heel, toe = P(f"{side}_heel"), P(f"{side}_toe")
    sh, mid_hip = P("mid_shoulder"), P("mid_hip")
    r = max(16, int(0.2 * clean.leg_length_px() * scale))
    big = 0.75 * label_scale
    deg = label_scale > 1.0  # print labels carry their °
    if hip and knee and ankle:
        kf = curves[f"knee_flexion_{side}"][i]
        # knee flexion: from the thigh's continuation to the shank
        _arc(img, knee, _dir(hip, knee), _dir(knee, ankle), r, COLORS["arc"], f"{kf:.0f}", big, deg)
        if event == "to":
            he = curves[f"hip_extension_{side}"][i]
            cv2.line(img, hip, (hip[0], hip[1] + int(1.6 * r)), (220, 220, 220), 1, cv2.LINE_AA)
            _arc(img, hip, 90.0, _dir(hip, knee), int(1.3 * r), COLORS[side], f"{he:.0f}", big, deg)
        if event == "ic":
            sa = curves[f"shank_angle_{side}"][i]
            cv2.line(img, knee, (knee[0], knee[1] + int(1.4 * r)), (220, 220, 220), 1, cv2.LINE_AA)
            at = None
            if deg:  # print: on the other side of the vertical from the knee label, which follows the shank
                side_x = -1 if ankle[0] >= knee[0] else 1
                (tw, _), _ = cv2.getTextSize(f"{sa:.0f}", cv2.FONT_HERSHEY_SIMPLEX, big, 1)
                at = (knee[0] + side_x * (tw // 2 + int(0.9 * r)), knee[1] + int(0.8 * r))
            _arc(img, knee, 90.0, _dir(knee, ankle), int(0.7 * r), COLORS[side], f"{sa:.0f}", big, deg, at)
            if heel and toe:
                sign = 1 if toe[0] >= heel[0] else -1
                cv2.line(img, heel, (heel[0] + sign * 2 * r, heel[1]), (220, 220, 220), 1, cv2.LINE_AA)
                _arc(img, heel, 0.0 if sign > 0 else 180.0, _dir(heel, toe), r, (220, 220, 220), None)
    if mid_hip and sh:
        tl = curves["trunk_lean"][i]
        cv2.line(img, mid_hip, (mid_hip[0], mid_hip[1] - 2 * r), (220, 220, 220), 1, cv2.LINE_AA)
        at = None
        if deg:  # print: beside the trunk, on the side it leans away from, not on the trunk line
            side_x = -1 if sh[0] >= mid_hip[0] else 1
            (tw, _), _ = cv2.getTextSize(f"{tl:.0f}", cv2.FONT_HERSHEY_SIMPLEX, big, 1)
            at = (mid_hip[0] + side_x * (tw // 2 + int(0.5 * r)), mid_hip[1] - int(1.2 * r))
        _arc(img, mid_hip, -90.0, _dir(mid_hip, sh), int(1.6 * r), COLORS["trunk"], f"{tl:.0f}", big, deg, at)


#: The angles each key frame labels (curve key prefix; "trunk_lean" has no side), in drawing order.
KEY_FRAME_ANGLES = {"ic": ("knee_flexion", "shank_angle", "trunk_lean"), "midstance": ("knee_flexion", "trunk_lean"),
                    "to": ("knee_flexion", "hip_extension", "trunk_lean")}


def key_frame_angles(analysis, side: str) -> dict[str, list[tuple[str, float]]]:
    """The angles drawn on the key frames of ``side``: event -> [(curve key prefix, degrees)], for captions.

    Read from the same curves at the same events as :func:`key_frames` (the
    grid sample nearest to the event time).
    """
    times = key_frame_times(analysis.result, side)
    if times is None or analysis.clean.plane != "sagittal":
        return {}
    out = {}
    for ev, t in times.items():
        i = _grid_index(analysis.clean, t)
        vals = []
        for key in KEY_FRAME_ANGLES[ev]:
            c = analysis.curves.get(key if key == "trunk_lean" else f"{key}_{side}")
            if c is not None and np.isfinite(c[i]):
                vals.append((key, float(c[i])))
        out[ev] = vals
    return out


def _crop(img: np.ndarray, center, half_h: int, half_w: int) -> np.ndarray:
    """Fixed-size crop around ``center``; parts outside the image are dark grey."""
    out = np.full((2 * half_h, 2 * half_w, 3), 30, np.uint8)
    cx, cy = int(round(center[0])), int(round(center[1]))
    y0, x0 = cy - half_h, cx - half_w
    sy0, sx0 = max(0, y0), max(0, x0)
    sy1, sx1 = min(img.shape[0], y0 + 2 * half_h), min(img.shape[1], x0 + 2 * half_w)
    if sy1 > sy0 and sx1 > sx0:
        out[sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0] = img[sy0:sy1, sx0:sx1]
    return out


#: Key frames for the dashboard and the PDF report: large enough to print 7–8 cm high with angle labels
#: that read at arm's length (≈ 3 mm high, with a °).
PRINT_KEY_FRAMES = {"max_height": 720, "label_scale": 1.7}


def key_frames(analysis, side: str, *, max_height: int = 480, pad: float = 0.3,
               label_scale: float = 1.0) -> dict[str, np.ndarray]:
    """Annotated, cropped key frames (IC, midstance, TO) of one side; empty if no complete stride.

    The crop is centred on the runner (the hip), ``pad`` leg lengths around the
    body, and scaled to at most ``max_height`` pixels high. ``label_scale``
    enlarges the angle labels (above 1 they also get a ° sign), e.g.
    :data:`PRINT_KEY_FRAMES` for print.
    """
    times = key_frame_times(analysis.result, side)
    if times is None or analysis.clean.plane != "sagittal":
        return {}
    clean, info = analysis.clean, analysis.info
    wanted = {ev: t for ev, t in times.items()}
    grabbed: dict[str, np.ndarray] = {}
    tol = 0.5 / clean.fps + 1e-6
    lo, hi = min(wanted.values()) - 0.2, max(wanted.values()) + 0.2
    best: dict[str, tuple[float, np.ndarray, float]] = {}
    for fr in iter_frames(info, start_s=max(0.0, lo), end_s=hi):
        for ev, t in wanted.items():
            d = abs(fr.t_s - t)
            if ev not in best or d < best[ev][0]:
                best[ev] = (d, fr.image, fr.t_s)
    leg = clean.leg_length_px()
    half_h, half_w = int(leg * (1.0 + pad)), int(leg * (0.7 + pad))
    for ev, (d, image, t_s) in best.items():
        if d > max(tol, 0.06):
            continue
        i = _grid_index(clean, t_s)
        c = clean.to_frame(clean.xy["mid_hip"][i])
        if not np.isfinite(c).all():
            continue
        crop = _crop(image, c, half_h, half_w)
        f = max_height / crop.shape[0]
        img = cv2.resize(crop, (max(2, int(round(crop.shape[1] * f))), max_height),
                         interpolation=cv2.INTER_CUBIC if f > 1 else cv2.INTER_AREA)
        off = (int(round(c[0])) - half_w, int(round(c[1])) - half_h)
        _annotate_key(img, analysis, i, side, ev, f, off, label_scale)
        grabbed[ev] = np.ascontiguousarray(img)
    return grabbed


def first_contact(result: dict) -> float:
    """Time (s) of the first initial contact of the near foot (or of any foot; 0 if none)."""
    near = result["analysis"].get("near_side") or "left"
    ics = result["events"][near]["ic_s"] or sorted(result["events"]["left"]["ic_s"] + result["events"]["right"]["ic_s"])
    return float(ics[0]) if ics else 0.0


def side_by_side(a, b, out: str | Path, *, height: int = 360, lead_s: float = 0.3, max_s: float = 4.0,
                 labels: tuple[str, str] = ("A", "B")) -> Path:
    """Two annotated clips next to each other, both starting ``lead_s`` before their first contact.

    Frames are paired by time since each clip's own first contact, so the two
    runners' contacts line up (at the same cadence they stay in step).
    """
    starts = [max(0.0, first_contact(x.result) - lead_s) for x in (a, b)]
    fps = min(a.result["video"]["fps"], b.result["video"]["fps"])
    gens = [iter_frames(x.info, start_s=s) for x, s in zip((a, b), starts)]
    current = [next(g, None) for g in gens]
    nxt = [next(g, None) for g in gens]

    def prepare(x, fr):
        img = fr.image
        f = height / img.shape[0]
        img = cv2.resize(img, (int(img.shape[1] * f) // 2 * 2, height), interpolation=cv2.INTER_AREA)
        draw_pose(img, x.clean, _grid_index(x.clean, fr.t_s), f, curves=x.curves)
        return img

    with VideoWriter(out, fps, crf=24) as writer:
        for k in range(int(max_s * fps)):
            t = k / fps
            for j in (0, 1):
                while nxt[j] is not None and nxt[j].t_s - starts[j] <= t + 1e-6:
                    current[j], nxt[j] = nxt[j], next(gens[j], None)
            if current[0] is None or current[1] is None or (nxt[0] is None and k > 0 and t > current[0].t_s - starts[0] + 1 / fps) \
                    or (nxt[1] is None and k > 0 and t > current[1].t_s - starts[1] + 1 / fps):
                break
            imgs = [prepare(x, c) for x, c in zip((a, b), current)]
            for img, lab in zip(imgs, labels):
                _text(img, burnt(lab), (10, 26), 0.8, COLORS["arc"])
            writer.write(np.concatenate(imgs, axis=1))
    return Path(out)


def filming_diagram(lang: str = "de", width: int = 520, height: int = 300) -> np.ndarray:
    """A simple top-down drawing of camera placement for the filming guide (RGB)."""
    img = np.full((height, width, 3), 248, np.uint8)
    ink, soft = (40, 40, 40), (150, 150, 150)
    # treadmill seen from above, running direction to the right
    tx0, tx1, ty = 150, 400, 70
    cv2.rectangle(img, (tx0, ty - 22), (tx1, ty + 22), (90, 90, 90), -1)
    cv2.arrowedLine(img, (tx0 + 30, ty), (tx1 - 30, ty), (255, 255, 255), 2, cv2.LINE_AA, tipLength=0.08)
    # runner (head and shoulders from above)
    cx = (tx0 + tx1) // 2
    cv2.ellipse(img, (cx, ty), (10, 22), 0, 0, 360, COLORS["right"], -1, cv2.LINE_AA)
    cv2.circle(img, (cx + 3, ty), 9, (230, 190, 160), -1, cv2.LINE_AA)
    # camera square on, 3-5 m away, at hip height
    cam = (cx, 235)
    cv2.rectangle(img, (cam[0] - 18, cam[1] - 12), (cam[0] + 18, cam[1] + 12), ink, -1)
    cv2.circle(img, (cam[0], cam[1] - 12), 7, (80, 80, 80), -1, cv2.LINE_AA)
    for dx in (-70, 70):  # field of view: whole body with margin
        cv2.line(img, (cam[0], cam[1] - 14), (cam[0] + dx * 2, ty - 10), soft, 1, cv2.LINE_AA)
    cv2.arrowedLine(img, (cam[0] + 60, cam[1] - 5), (cam[0] + 60, ty + 30), ink, 1, cv2.LINE_AA, tipLength=0.05)
    cv2.arrowedLine(img, (cam[0] + 60, ty + 30), (cam[0] + 60, cam[1] - 5), ink, 1, cv2.LINE_AA, tipLength=0.05)
    labels = {"de": ("3-5 m", "Kamera: Stativ, Hueft-", "hoehe, 90 Grad zur Laufrichtung", "Laufband von oben"),
              "en": ("3-5 m", "Camera: tripod, hip", "height, 90 degrees to running", "Treadmill from above")}
    l0, l1, l2, l3 = labels.get(lang, labels["de"])
    cv2.putText(img, l0, (cam[0] + 68, (cam[1] + ty) // 2 + 5), cv2.FONT_HERSHEY_SIMPLEX, 0.55, ink, 1, cv2.LINE_AA)
    cv2.putText(img, l1, (cam[0] - 150, cam[1] + 40), cv2.FONT_HERSHEY_SIMPLEX, 0.5, ink, 1, cv2.LINE_AA)
    cv2.putText(img, l2, (cam[0] - 150, cam[1] + 58), cv2.FONT_HERSHEY_SIMPLEX, 0.5, ink, 1, cv2.LINE_AA)
    cv2.putText(img, l3, (tx0, ty - 32), cv2.FONT_HERSHEY_SIMPLEX, 0.5, soft, 1, cv2.LINE_AA)
    return img
