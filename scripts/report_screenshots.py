"""Render page 1 of the session report and of the comparison report of the bundled samples to docs/*.png.

Run: ``PYTHONPATH=src python scripts/report_screenshots.py`` (needs the pose model and poppler's ``pdftoppm``).
The header fields are examples; the numbers are the samples' real analyses.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from formcheck import pipeline  # noqa: E402
from formcheck.outputs import render  # noqa: E402
from formcheck.outputs.report import ReportHeader, ReportSession, comparison_report, pdf_report  # noqa: E402


def page_one(pdf: bytes, out: Path, dpi: int = 100) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "r.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", "-singlefile", str(src),
                        str(Path(tmp) / "p")], check=True)
        out.write_bytes((Path(tmp) / "p.png").read_bytes())


def main() -> None:
    samples = ROOT / "sample_videos"
    a = pipeline.analyze(samples / "synthetic_treadmill_right.mp4", lang="de")
    b = pipeline.analyze(samples / "synthetic_treadmill_right_after.mp4", lang="de")
    fa, fb = ({s: render.key_frames(x, s, **render.PRINT_KEY_FRAMES) for s in ("left", "right")} for x in (a, b))
    header = ReportHeader(patient="Läuferin K-07", therapist="Dr. Jörg Weiß", practice="Physiotherapie am Markt",
                          session_date=dt.date(2026, 11, 3), clip_name="laufband_10kmh.mp4", address="sie")
    page_one(pdf_report(a.result, "de", fa, header=header, analysis=a), ROOT / "docs" / "report_session.png")
    page_one(comparison_report(ReportSession(a.result, "laufband_vorher.mp4", dt.date(2026, 9, 1), a, fa),
                               ReportSession(b.result, "laufband_nachher.mp4", dt.date(2026, 11, 3), b, fb),
                               "de", header=header), ROOT / "docs" / "report_compare.png")


if __name__ == "__main__":
    main()
