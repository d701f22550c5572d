"""The PDF reports read back: header fields, Unicode glyphs, nothing outside the page, one language (no pose model).

The results are the golden analyses of the bundled sample clips
(``tests/data/golden``), so the reports are made from real engine output. The
PDFs are read with pdfplumber (text with positions) and page 1 is rendered to
PNG with poppler's ``pdftoppm``.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from formcheck.i18n import METRIC_LABELS, tr
from formcheck.outputs.report import (ReportHeader, ReportSession, comparison_report, patient_reports, pdf_report,
                                      progress_report)

pdfplumber = pytest.importorskip("pdfplumber", reason="pdfplumber is in the test extra: pip install -e '.[test]'")

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
CACHE_NAME = "84f2de8c0a1b2c3d-d7be42ad4e5f6a7b.mp4"  # how the dashboard names an uploaded clip in its cache


def golden(name: str, lang: str) -> dict:
    return json.loads((GOLDEN / f"{name}.mp4.analysis.{lang}.json").read_text(encoding="utf-8"))


def uploaded(result: dict) -> dict:
    """The result as an upload gives it: its video path is the cache's hash name."""
    r = copy.deepcopy(result)
    r["video"]["path"] = f"/data/formcheck/cache/uploads/{CACHE_NAME}"
    return r


HEADER = ReportHeader(patient="Läuferin K-07", therapist="Dr. Jörg Weiß", practice="Physiotherapie am Markt",
                      session_date=dt.date(2026, 11, 3), clip_name="Laufband 10 km·h – Sprint.mov")


def read(pdf: bytes):
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        pages = [(p.width, p.height, p.chars, p.extract_text() or "", p.extract_words()) for p in doc.pages]
    return pages


def assert_inside_pages(pages) -> None:
    for k, (w, h, chars, _, _) in enumerate(pages):
        outside = [c["text"] for c in chars
                   if c["x0"] < -0.01 or c["top"] < -0.01 or c["x1"] > w + 0.01 or c["bottom"] > h + 0.01]
        assert not outside, f"page {k + 1}: text outside the page: {''.join(outside)[:80]!r}"
        # and within the margins the layout keeps (14 mm = 39.7 pt)
        wide = [c["text"] for c in chars if c["x1"] > w - 39.0 or c["x0"] < 39.0]
        assert not wide, f"page {k + 1}: text in the side margins: {''.join(wide)[:80]!r}"


def frames() -> dict:
    rng = np.random.default_rng(1)
    img = rng.integers(0, 255, (480, 370, 3), dtype=np.uint8)
    return {"right": {"ic": img, "midstance": img, "to": img}}


@pytest.mark.parametrize("address", ["du", "sie"])
def test_session_report_has_the_header_unicode_and_stays_on_the_page(address):
    result = uploaded(golden("synthetic_treadmill_right", "de"))
    pdf = pdf_report(result, "de", frames(), header=HEADER.__class__(**{**HEADER.__dict__, "address": address}))
    pages = read(pdf)
    text = "\n".join(p[3] for p in pages)
    flat = re.sub(r"\s+", " ", text)
    for field in ("Läuferin K-07", "Dr. Jörg Weiß", "Physiotherapie am Markt", "Laufband 10 km·h – Sprint.mov",
                  "03.11.2026"):
        assert field in flat, field
    assert "84f2de8c" not in text and "d7be42ad" not in text  # never the cache name
    # the glyphs the catalogs hold print as themselves
    assert "≤ 15 % der Beinlänge" in flat  # norm.heel_ahead_of_hip_ic_pct_leg
    assert "Vorfuß −7,9°" in flat  # norm.foot_strike_angle_ic_deg: a real minus
    assert "3–4-mal" in flat and "<=" not in text and "3-4-mal" not in text
    assert "17,8 ± 4,0°" in flat
    if address == "sie":
        assert "Ihre Hinweise" in flat and "Machen Sie kürzere" in flat and "Deine Hinweise" not in flat
        assert "vergleichen Sie vor allem" in flat
    else:
        assert "Deine Hinweise" in flat and "Mach kürzere" in flat and "Ihre Hinweise" not in flat
    assert_inside_pages(pages)


def test_session_report_table_wraps_every_metric_in_its_columns():
    result = golden("synthetic_treadmill_right", "de")
    pages = read(pdf_report(result, "de", header=HEADER))
    w, _, chars, text, words = pages[0]
    flat = re.sub(r"\s+", " ", text)
    for head in ("Messwert", "Wert", "links", "rechts", "Normbereich", "Ampel", "Vertrauen"):
        assert head in flat
    assert "~169 bei 2,7 m/s" in flat  # the cadence norm, wrapped inside its cell
    # the cadence norm's words lie inside the norm column (no text runs over the flag column)
    at = {w["text"]: w for w in reversed(words)}  # the first of each word: the headings
    norm = [w for w in words if w["text"] in ("~169", "~172", "~178", "Tempo)")]
    assert len(norm) == 4
    assert all(at["Normbereich"]["x0"] - 1 <= w["x0"] and w["x1"] < at["Ampel"]["x0"] for w in norm)


def test_english_report_is_english_only():
    result = golden("synthetic_treadmill_right", "en")
    pages = read(pdf_report(result, "en", frames(), header=HEADER))
    flat = re.sub(r"\s+", " ", "\n".join(p[3] for p in pages))
    assert "Your cues" in flat and "Running analysis" in flat and "Therapist" in flat
    assert "Take shorter, quicker, lighter steps — about 5 % more steps" in flat
    for german in ("Messwert", "Hinweise", "Seite", "Normbereich", "links", "rechts", "auffällig", "Datum"):
        assert german not in flat, german
    assert "2026-11-03" in flat and "17.8 ± 4.0°" in flat
    assert_inside_pages(pages)


def test_a_stored_german_result_gives_an_english_report_of_english_cues():
    """Cues and advice are rendered anew from their codes: a German result makes an English report."""
    flat = re.sub(r"\s+", " ", "\n".join(p[3] for p in read(pdf_report(golden("synthetic_treadmill_right", "de"),
                                                                          "en", header=HEADER))))
    assert "Take shorter, quicker" in flat and "Mach kürzere" not in flat
    assert "Change one thing at a time" in flat and "Ändere immer" not in flat


@pytest.mark.skipif(shutil.which("pdftoppm") is None,
                    reason="pdftoppm is missing (Debian package poppler-utils: apt-get install -y poppler-utils)")
def test_page_one_renders_with_ink_in_the_table(tmp_path):
    from PIL import Image

    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(pdf_report(uploaded(golden("synthetic_treadmill_right", "de")), "de", frames(), header=HEADER))
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    png = next(tmp_path.glob("p*.png"))
    img = np.asarray(Image.open(png).convert("L"))
    h, w = img.shape
    assert (h, w) == (round(297 / 25.4 * 60), round(210 / 25.4 * 60)) or abs(h / w - 297 / 210) < 0.01
    table = img[int(h * 0.40):int(h * 0.85), int(w * 0.07):int(w * 0.93)]  # where the metric table sits
    assert (table < 128).mean() > 0.01, "the table region of page 1 is blank"


def sessions() -> list[ReportSession]:
    before, after = golden("synthetic_treadmill_right", "de"), golden("synthetic_treadmill_right_after", "de")
    third = copy.deepcopy(after)
    third["metrics"]["cadence_spm"]["value"] = 176.0
    return [ReportSession(before, "vorher.mp4", dt.date(2026, 9, 1)),
            ReportSession(after, "nachher.mp4", dt.date(2026, 10, 1)),
            ReportSession(third, CACHE_NAME, dt.date(2026, 11, 3))]


def test_comparison_report_lists_the_shared_metrics_with_the_noise_floor_verdict():
    from formcheck.outputs.compare import compare_results

    a, b = sessions()[:2]
    pages = read(comparison_report(a, b, "de", header=HEADER))
    flat = re.sub(r"\s+", " ", "\n".join(p[3] for p in pages))
    assert "Vergleich zweier Sitzungen" in flat and "Läuferin K-07" in flat and "vorher.mp4" in flat
    assert "01.09.2026" in flat and "01.10.2026" in flat
    shared = [c for c in compare_results(a.result, b.result) if c.verdict != "not_measured"]
    assert shared
    words = {w["text"] for p in pages for w in p[4]}  # a label may wrap inside its cell
    for c in shared:
        assert set(METRIC_LABELS[c.name]["de"].split()) <= words, c.name
    real = [c for c in shared if c.verdict == "real_change"]
    assert real and flat.count("echte Veränderung") >= len(real)
    cad = next(c for c in shared if c.name == "cadence_spm")
    assert f"+{cad.diff:.1f}".replace(".", ",") in flat and f"± {cad.noise_floor:.1f}".replace(".", ",") in flat
    assert "Achtung" not in flat  # same view, facing, setting and gait
    assert_inside_pages(pages)


def test_comparison_report_warns_when_the_recordings_differ():
    a, b = sessions()[:2]
    b = ReportSession(copy.deepcopy(b.result), b.clip_name, b.date)
    b.result["view"]["facing"] = "left"
    flat = re.sub(r"\s+", " ", "\n".join(p[3] for p in read(comparison_report(a, b, "de", header=HEADER))))
    warn, table = flat.index("Achtung"), flat.index("Bewertung")
    assert warn < table and "Blickrichtung: rechts / links" in flat


def test_progress_report_tables_sessions_by_key_metrics():
    pages = read(progress_report(sessions(), "de", header=HEADER))
    flat = re.sub(r"\s+", " ", "\n".join(p[3] for p in pages))
    assert "Verlaufsbericht" in flat and "Läuferin K-07" in flat and "3 (01.09.2026 – 03.11.2026)" in flat
    for day in ("01.09.2026", "01.10.2026", "03.11.2026"):
        assert day in flat
    words = [w["text"] for p in pages for w in p[4]]
    assert METRIC_LABELS["cadence_spm"]["de"] in flat and "(Schritte/min)" in flat and "176" in words
    assert "+14,3" in words and "+10,6" in words  # 176 and 172 against the baseline 161,7
    assert flat.count("echte Veränderung") >= 2
    assert "84f2de8c" not in flat
    assert_inside_pages(pages)


def test_patient_reports_for_the_export():
    class P:
        pseudonym = "Läuferin K-07"

    class R:
        def __init__(self, i, s):
            self.id, self.recorded_on, self.video_name, self.result = i, s.date, s.clip_name, s.result

    recs = [R(i + 1, s) for i, s in enumerate(sessions())]
    out = patient_reports(P(), recs, "en", therapist="Dr. Jörg Weiß", practice="Praxis", address="sie")
    assert sorted(out) == ["reports/comparison_2_3.pdf", "reports/progress.pdf",
                           "reports/session_2026-09-01_1.pdf", "reports/session_2026-10-01_2.pdf",
                           "reports/session_2026-11-03_3.pdf"]
    assert all(b.startswith(b"%PDF-") for b in out.values())
    flat = re.sub(r"\s+", " ", read(out["reports/session_2026-11-03_3.pdf"])[0][3])
    assert "Dr. Jörg Weiß" in flat and tr("report_therapist", "en") in flat and "84f2de8c" not in flat


# ------------------------------------------------------------------ treadmill speed
def test_reports_say_the_treadmill_speed_and_its_cadence_norm_and_warn_when_speeds_differ():
    a, b = sessions()[:2]
    a = ReportSession(copy.deepcopy(a.result), a.clip_name, a.date)
    b = ReportSession(copy.deepcopy(b.result), b.clip_name, b.date)
    a.result["analysis"]["speed_mps"] = 10 / 3.6
    a.result["metrics"]["cadence_spm"]["normal"].update(at_speed_mps=2.778, at_speed_spm=169.47,
                                                        at_speed_clamped=False)
    pages = read(pdf_report(a.result, "de", header=HEADER))
    flat = re.sub(r"\s+", " ", "\n".join(p[3] for p in pages))
    assert "Tempo 10,0 km/h" in flat
    assert "~169 Schritte/min bei 10,0" in flat and "(2,78 m/s), linear" in flat  # the norm cell wraps
    assert_inside_pages(pages)
    b.result["analysis"]["speed_mps"] = 12 / 3.6
    flat = re.sub(r"\s+", " ", "\n".join(p[3] for p in read(comparison_report(a, b, "de", header=HEADER))))
    assert flat.index("Achtung") < flat.index("Bewertung") and "10,0 km/h / 12,0 km/h" in flat
    assert "nicht vergleichbar" in flat
