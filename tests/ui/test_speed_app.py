"""Treadmill speed on the analyse page (AppTest): typed in, analysed with, saved, and offered again for the patient."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from streamlit.testing.v1 import AppTest

from formcheck.store import Store
from formcheck.ui.messages import md_text
from tests.conftest import ROOT, own_data_home
from tests.ui.page_text import english_on_page, english_numbers_on_page
from tests.ui.test_app import _texts

APP = str(ROOT / "app.py")


@pytest.fixture(scope="module")
def home(tmp_path_factory, _isolated_home):
    """A data folder of its own (the run's pose cache copied in, so the sample needs no new pose pass)."""
    with own_data_home(tmp_path_factory.mktemp("speed-home"), _isolated_home) as path:
        yield path


@pytest.fixture(scope="module")
def at(home, model_path):
    app = AppTest.from_file(APP, default_timeout=600)
    app.run()
    assert not app.exception
    app.number_input(key="speed_value").set_value(10.0).run()
    app.button(key="analyse_btn").click().run()
    return app


def test_ten_km_h_gives_the_cadence_norm_of_that_speed_and_the_step_length_in_cm(at):
    assert not at.exception and not at.error
    text = _texts(at)
    assert "Laufbandgeschwindigkeit: 10,0 km/h (2,78 m/s)" in text
    # metrics.md: 169 at 2.7 m/s, 172 at 3.2 -> 169.5 at 2.78 m/s, shown as ~169
    assert "Normbereich: ~169 Schritte/min bei 10,0 km/h (2,78 m/s), linear zwischen ~169/172/178" in text
    cadence = float(re.search(r"### (1\d\d) Schritte/min", text).group(1))
    step = re.search(r"\*\*Schrittlänge\*\*.*?\n?### (\d+),(\d) cm", text, re.S)
    assert step, "a step-length card in cm"
    assert float(f"{step.group(1)}.{step.group(2)}") == pytest.approx(10 / 3.6 / (cadence / 60) * 100, abs=1.0)
    assert re.search(r"\*\*Vertikale Oszillation \(cm\)\*\*", text)
    result = at.session_state["analyses"]["synthetic_treadmill_right.mp4"].analysis.result
    assert result["analysis"]["speed_mps"] == pytest.approx(2.778, abs=1e-3)
    assert result["metrics"]["step_length_cm"]["value"] is not None
    assert result["metrics"]["vertical_oscillation_cm"]["value"] is not None


def test_the_german_page_with_a_speed_has_no_english(at):
    assert english_on_page(at) == [] and english_numbers_on_page(at) == []


def test_a_speed_outside_2_to_25_km_h_is_refused_before_analysing(at):
    at.radio(key="speed_unit").set_value("mps").run()
    at.number_input(key="speed_value").set_value(10.0).run()  # 10 m/s = 36 km/h
    assert "Die Geschwindigkeit muss zwischen 2 und 25 km/h liegen" in " ".join(e.value for e in at.error)
    assert at.button(key="analyse_btn").disabled
    at.radio(key="speed_unit").set_value("kmh").run()
    assert not at.error and not at.button(key="analyse_btn").disabled


def test_the_speed_is_saved_with_the_session_and_offered_again_for_the_patient(at, home):
    at.selectbox(key="save_patient").set_value(0).run()
    at.text_input(key="save_new_name").set_value("T-10")
    at.date_input(key="save_date").set_value(dt.date(2026, 9, 1))
    next(b for b in at.button if b.label == "Speichern").click().run()
    assert not at.exception and not at.error
    s = Store(home=home)
    try:
        (p,) = s.patients()
        (rec,) = s.sessions(p.id)
        assert rec.speed_mps == pytest.approx(10 / 3.6, abs=1e-3) and p.speed_mps == pytest.approx(10 / 3.6, abs=1e-3)
    finally:
        s.close()
    # a new browser session: the field is empty until the patient is chosen, then it takes the patient's speed
    fresh = AppTest.from_file(APP, default_timeout=600)
    fresh.run()
    assert fresh.number_input(key="speed_value").value == 0.0
    fresh.button(key="analyse_btn").click().run()
    fresh.selectbox(key="save_patient").set_value(p.id).run()
    assert fresh.number_input(key="speed_value").value == pytest.approx(10.0)
    assert f"Zuletzt gespeichertes Tempo von {md_text('T-10')}: 10,0 km/h" in _texts(fresh)



def test_the_patients_page_shows_the_remembered_speed(at):
    at.sidebar.radio(key="page").set_value("patients").run()  # the only patient, T-10, opens by itself
    assert not at.exception
    assert "Tempo 10,0 km/h" in _texts(at)
