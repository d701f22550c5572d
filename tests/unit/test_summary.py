"""The readable summary of `formcheck analyze` (default output), in both languages."""

from __future__ import annotations

import json

from formcheck.outputs.summary import summary_text
from tests.golden import load


def test_the_summary_says_view_quality_metrics_and_cues_in_german():
    r = {**load("synthetic_treadmill_right.mp4.analysis.de"), "formcheck_version": "test"}
    text = summary_text(r, "de")
    assert "Seitenansicht, Blick nach rechts, vorwärts, Laufband, Laufen" in text
    knee = next(line for line in text.splitlines() if line.startswith("Kniebeugung beim Aufsetzen"))
    m = r["metrics"]["knee_flexion_ic_deg"]
    assert f"{m['value']:.1f}°".replace(".", ",") in knee and "im Normbereich" in knee and "hoch" in knee
    shank = next(line for line in text.splitlines() if line.startswith("Unterschenkelwinkel"))
    left = r["metrics"]["shank_angle_ic_deg"]["left"]
    assert left < 0 and f"−{abs(left):.1f}".replace(".", ",") in shank  # a real minus sign, decimal comma
    assert "Beckenabsenkung" not in text  # a rear-view metric is not listed for a side view
    for cue in r["cues"]:
        assert f"{cue['priority']}. {cue['text']}" in text
    assert "Die Aufnahme ist für die Auswertung geeignet." in text


def test_the_summary_in_english_lists_every_quality_warning():
    r = {**load("oracle_right.en"), "schema_version": 1, "formcheck_version": "test",
         **json.loads(json.dumps(load("synthetic_treadmill_right.mp4.analysis.en")))}
    r["quality"] = {"ok": False, "warnings": [{"code": "too_few_steps", "message": "Too few strides: film longer."}]}
    r["cues"], r["advice"] = [], []
    text = summary_text(r, "en")
    assert "  - Too few strides: film longer." in text and "No cues" in text
    assert "Cadence" in text and "steps/min" in text
