"""The bout timeline on the analyse page (AppTest): a walk → run → walk sample shows its three bouts, the running
bout first, and picking a walking bout shows that bout's walking values and cues."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from formcheck.synth import load_truth
from tests.conftest import ROOT

APP = str(ROOT / "app.py")
LOADING_PEAK = "Kniebeugung in der Belastungsantwort"
CLIP = ROOT / "sample_videos" / "synthetic_walk_run_walk.mp4"


def _texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [x.value for x in at.warning]
    return "\n".join(str(p) for p in parts)


def _cadence(at) -> float:
    m = re.search(r"### (\d+(?:,\d+)?) Schritte/min", _texts(at))
    assert m, "a cadence card in German"
    return float(m.group(1).replace(",", "."))


@pytest.fixture(scope="module")
def analysed(model_path):
    at = AppTest.from_file(APP, default_timeout=600)
    at.run()
    at.selectbox(key="sample_choice").set_value(CLIP.name).run()
    at.button(key="analyse_btn").click().run()
    assert not at.exception
    return at


def _bout_radio(at):
    radios = [r for r in at.radio if r.label == "Abschnitt für Werte und Hinweise"]
    assert len(radios) == 1, [r.label for r in at.radio]
    return radios[0]


def test_three_bouts_on_a_timeline_with_the_running_bout_chosen(analysed):
    at = analysed
    truth = load_truth(CLIP)
    radio = _bout_radio(at)
    assert radio.options[0].startswith("Gehen ") and radio.options[1].startswith("Laufen ")
    assert radio.options[2].startswith("Gehen ") and "(Hauptabschnitt)" in radio.options[1]
    assert radio.value == 1
    timeline = [c for c in at.get("plotly_chart") if c.key == f"bouts-{CLIP.name}"]
    assert len(timeline) == 1
    spec = json.loads(timeline[0].proto.spec)
    assert [d["text"][0] for d in spec["data"]] == ["Gehen", "Laufen", "Gehen"]
    for bar, b in zip(spec["data"], truth["bouts"]):  # each bar spans its bout (boundaries within 0.5 s)
        assert abs(bar["base"][0] - b["start_s"]) <= 0.5 and abs(bar["base"][0] + bar["x"][0] - b["end_s"]) <= 0.5
    assert "#### Abschnitte" in _texts(at)
    assert "Abschnitte mit verschiedenen Gangarten" in _texts(at)  # the quality warning says what the headline is
    assert _cadence(at) == pytest.approx(truth["bouts"][1]["metrics"]["cadence_spm"], rel=0.01)


def test_picking_a_walking_bout_shows_its_walking_values(analysed):
    at = analysed
    truth = load_truth(CLIP)
    _bout_radio(at).set_value(0).run()
    assert not at.exception
    text = _texts(at)
    assert _cadence(at) == pytest.approx(truth["bouts"][0]["metrics"]["cadence_spm"], rel=0.01)
    assert "Laufband, Gehen" in text  # the view line of the chosen bout
    assert LOADING_PEAK in text  # a walking metric's card
    _bout_radio(at).set_value(1).run()
    assert _cadence(at) == pytest.approx(truth["bouts"][1]["metrics"]["cadence_spm"], rel=0.01)
