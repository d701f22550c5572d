"""The dashboard through Streamlit's AppTest: both pages, language switch, errors."""

from __future__ import annotations

import re
import tomllib

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from formcheck.ui import widgets as dashboard
from tests.conftest import ROOT

APP = str(ROOT / "app.py")
TIMEOUT = 600


def _texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [x.value for x in at.success] + [x.value for x in at.info] + [x.value for x in at.warning]
    parts += [x.value for x in at.error]
    return "\n".join(str(p) for p in parts)


@pytest.fixture(scope="module")
def analysed(model_path):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    at.button(key="analyse_btn").click().run()
    return at


def test_sample_analysis_in_one_click(analysed):
    at = analysed
    assert not at.exception and not at.error
    text = _texts(at)
    assert re.search(r"### 1\d\d Schritte/min", text), "cadence card with German unit"
    assert "Schrittfrequenz" in text
    assert len(at.success) >= 1 and len(at.success) <= 3  # the cues
    assert "Laufband" in text and "Seitenansicht" in text
    assert len(at.get("plotly_chart")) >= 3
    assert len(at.get("video")) == 1
    assert {b.label for b in at.get("download_button")} == {"Analyse (JSON)", "Schritte (CSV)", "Video (MP4)",
                                                           "Bericht (PDF)"}


def test_cards_show_normal_range_light_and_starting_value(analysed):
    text = _texts(analysed)
    assert "Normbereich: 17,8 ± 4,0°" in text
    assert "Startwert (Schwelle nicht validiert)" in text
    assert any(light in text for light in (":green[●] im Normbereich", ":orange[●] beobachten", ":red[●] auffällig"))
    assert "Vertrauen: hoch" in text
    # why a value is less sure, in the page's language (the JSON keeps the English sentence)
    assert "die Hüftstreckung ist mit einer Kamera der ungenaueste Winkel" in text
    assert "least accurate angle" not in text


def test_language_switch_to_english_and_back(analysed):
    at = analysed
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    text = _texts(at)
    assert re.search(r"### 1\d\d steps/min", text) and "Cadence" in text and "Side view" in text
    assert "Take shorter, quicker, lighter steps" in text or "Land with your foot" in text
    assert "hip extension is the least accurate angle from one camera" in text
    at.sidebar.radio(key="lang").set_value("de").run()
    assert "Schritte/min" in _texts(at)


def test_switching_the_language_renders_again_without_analysing_again(analysed, monkeypatch):
    """Language lives at the edges: the typed result is rendered anew, the engine does not run."""
    from formcheck import pipeline
    from formcheck.engine import run as engine_run

    calls = []
    monkeypatch.setattr(pipeline, "analyze", lambda *a, **k: calls.append("analyze"))
    monkeypatch.setattr(engine_run, "run", lambda *a, **k: calls.append("engine"))
    at = analysed
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception and "Cadence" in _texts(at)
    at.sidebar.radio(key="lang").set_value("de").run()
    assert not at.exception and "Schrittfrequenz" in _texts(at)
    assert calls == []


def test_compare_page_with_the_sample_pair(model_path):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.sidebar.radio(key="page").set_value("compare").run()
    assert "braucht es zwei Analysen" in _texts(at)
    at.button(key="compare_sample_btn").click().run()
    assert not at.exception and not at.error
    assert "braucht es zwei Analysen" not in _texts(at)
    table = at.dataframe[0].value
    verdicts = set(table["Bewertung"])
    assert "echte Veränderung" in verdicts  # the after clip runs with a higher cadence
    row = table[table["Messwert"] == "Schrittfrequenz"].iloc[0]
    assert row["Bewertung"] == "echte Veränderung" and row["Differenz"].startswith("+")
    assert len(at.get("video")) == 1
    assert len(at.get("plotly_chart")) == 2


def test_corrupt_upload_gives_a_friendly_message(model_path):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.radio(key="source_kind").set_value("upload").run()
    at.get("file_uploader")[0].upload("holiday.mp4", b"\x00\x00\x00\x18ftypmp42" + bytes(5000), "video/mp4")
    at.run()
    at.button(key="analyse_btn").click().run()
    assert not at.exception
    assert len(at.error) == 1
    msg = at.error[0].value
    assert "Das hat nicht geklappt" in msg and "Traceback" not in msg
    assert "kein Video, das formcheck lesen kann" in msg or "beschädigt" in msg
    # in German, naming the file the user uploaded, not the cache's content-hash name
    assert "holiday\\.mp4" in msg and not re.search(r"[0-9a-f]{16}-[0-9a-f]{16}", msg)


def test_clip_with_nobody_in_it(model_path, tmp_path):
    from formcheck.io.video import VideoWriter

    path = tmp_path / "empty_room.mp4"
    with VideoWriter(path, 30) as w:
        for i in range(60):
            w.write(np.full((240, 320, 3), 90 + i, np.uint8))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.radio(key="source_kind").set_value("upload").run()
    at.get("file_uploader")[0].upload("empty_room.mp4", path.read_bytes(), "video/mp4")
    at.run()
    at.button(key="analyse_btn").click().run()
    assert not at.exception
    assert len(at.error) == 1 and "Traceback" not in at.error[0].value
    assert "keine Person gefunden" in at.error[0].value


def test_wrong_type_and_oversize_messages():
    assert "kein unterstütztes Videoformat" in dashboard.check_upload("notes.txt", 10, "de")
    assert "not a supported video format" in dashboard.check_upload("notes.txt", 10, "en")
    big = dashboard.check_upload("long.mp4", (dashboard.MAX_UPLOAD_MB + 1) * 1024 * 1024, "de")
    assert "höchstens 500 MB" in big and "Kürze das Video" in big
    assert dashboard.check_upload("ok.MOV", 1000, "de") is None


def test_streamlit_config_no_telemetry_and_stated_upload_limit():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["browser"]["gatherUsageStats"] is False
    assert cfg["server"]["maxUploadSize"] == dashboard.MAX_UPLOAD_MB
    assert cfg["server"]["address"] == "localhost"  # never every interface, no external-IP lookup


def test_the_page_says_which_pose_model_made_the_result_and_offers_the_others(analysed):
    from formcheck.io.provision import DEFAULT_VARIANT

    text = _texts(analysed)
    words = {"lite": "schnell (ungenauer)", "full": "ausgewogen", "heavy": "größtes Modell (langsamer)"}
    assert f"Posenmodell: {words[DEFAULT_VARIANT]} (pose_landmarker_{DEFAULT_VARIANT}.task)" in text
    radio = analysed.radio(key="model_variant")
    assert radio.options == [words[v] + (" – Standard" if v == DEFAULT_VARIANT else "") for v in ("lite", "full", "heavy")]
    assert radio.value == DEFAULT_VARIANT


def test_pose_progress_says_frames_done_and_time_left():
    assert dashboard.pose_progress_text(300, 1200, 6.0, "de") == "Posenmodell: 300 von 1200 Bildern, noch etwa 18 s"
    assert dashboard.pose_progress_text(0, 1200, 0.0, "en") == "Pose model: 0 of 1200 frames, about 0 s left"


# ------------------------------------------------------------------ one language per page, safe comparison

from tests.ui.page_text import _walk, english_numbers_on_page, english_on_page  # noqa: E402

SAMPLE = ROOT / "sample_videos" / "synthetic_treadmill_right.mp4"
AFTER = ROOT / "sample_videos" / "synthetic_treadmill_right_after.mp4"


@pytest.fixture(scope="module")
def facing_left_clip(synth_dir):
    """A synthetic treadmill runner facing left: the near leg is the left one, unlike the samples' runner."""
    from formcheck.synth import Gait, Scene, generate

    path = synth_dir / "runner_left_for_compare.mp4"
    if not path.exists():
        generate(path, Gait(cadence_spm=176), Scene(facing="left", fps=60, width=960, height=540, duration_s=4.0,
                                                    seed=11))
    return path


def _upload_and_analyse(at, path, name):
    at.sidebar.radio(key="page").set_value("analyse").run()
    at.radio(key="source_kind").set_value("upload").run()
    at.get("file_uploader")[0].upload(name, path.read_bytes(), "video/mp4")
    at.run()
    at.button(key="analyse_btn").click().run()
    assert not at.exception and not at.error


def _in_page_order(at) -> list:
    return [el for el in _walk(at.main) if getattr(el, "type", "") in ("alert", "dataframe", "arrow_data_frame")
            or type(el).__name__ in ("Warning", "Success", "Dataframe")]


def test_the_german_analyse_page_has_no_english_word_and_no_english_number(model_path):
    """Every visible text of the analyse page (cards, tables, charts, buttons, labels) against the English catalog."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.button(key="analyse_btn").click().run()
    assert not at.exception and not at.error
    assert english_on_page(at) == []
    assert english_numbers_on_page(at) == []
    text = _texts(at)
    assert "Blick nach von der Kamera weg" not in text and "Seitenansicht, Blick nach rechts" in text
    strides = at.dataframe[0].value
    assert "Seite" in strides.columns and set(strides["Seite"]) == {"links", "rechts"}
    assert any("," in v for v in strides["Aufsetzen (s)"])  # 0,651 s


def test_the_german_compare_page_has_no_english_word_and_no_english_number(model_path):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.sidebar.radio(key="page").set_value("compare").run()
    at.button(key="compare_sample_btn").click().run()
    assert not at.exception and not at.error
    assert english_on_page(at) == []
    assert english_numbers_on_page(at) == []


def test_the_compare_page_preselects_nothing_and_the_sample_button_selects_its_own_pair(model_path, facing_left_clip):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.button(key="analyse_btn").click().run()  # the sample
    _upload_and_analyse(at, facing_left_clip, "laeufer_links.mp4")
    at.sidebar.radio(key="page").set_value("compare").run()
    assert not at.exception
    assert at.selectbox(key="cmp_a_select").value is None and at.selectbox(key="cmp_b_select").value is None
    assert not at.dataframe, "no comparison before two analyses are chosen"
    at.selectbox(key="cmp_a_select").set_value(SAMPLE.name)
    at.selectbox(key="cmp_b_select").set_value("laeufer_links.mp4").run()
    assert at.dataframe
    at.button(key="compare_sample_btn").click().run()
    assert not at.exception and not at.error
    assert at.selectbox(key="cmp_a_select").value == SAMPLE.name
    assert at.selectbox(key="cmp_b_select").value == AFTER.name
    options = at.selectbox(key="cmp_a_select").options  # labelled by date and time, in date order
    assert all(re.match(r"\d\d\.\d\d\.\d{4} \d\d:\d\d · ", o) for o in options) and "#" not in "".join(options)
    assert options[0].endswith(SAMPLE.name) and options[-1].endswith(AFTER.name)
    assert any("Vergleichbar" in s.value for s in at.success)


def test_unrelated_clips_get_a_not_comparable_notice_before_any_verdict(model_path, facing_left_clip):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.button(key="analyse_btn").click().run()
    _upload_and_analyse(at, facing_left_clip, "laeufer_links.mp4")
    at.sidebar.radio(key="page").set_value("compare").run()
    at.selectbox(key="cmp_a_select").set_value(SAMPLE.name)
    at.selectbox(key="cmp_b_select").set_value("laeufer_links.mp4").run()
    assert not at.exception and not at.error
    order = _in_page_order(at)
    kinds = [type(el).__name__ for el in order]
    notice = next(i for i, el in enumerate(order) if type(el).__name__ == "Warning"
                  and "Nicht direkt vergleichbar" in el.value)
    assert "Blickrichtung: vorher rechts, nachher links" in order[notice].value
    assert "Kniebeugung beim Aufsetzen" in order[notice].value  # a near-leg metric, listed as not comparable
    assert notice < kinds.index("Dataframe"), "the notice comes before the table of verdicts"
    table = at.dataframe[0].value.set_index("Messwert")
    assert table.loc["Kniebeugung beim Aufsetzen", "Bewertung"] == "nicht vergleichbar"
    assert table.loc["Schrittfrequenz", "Bewertung"] != "nicht vergleichbar"  # both legs: still comparable
    assert "echte Veränderung" not in set(table[table["Bewertung"] == "nicht vergleichbar"]["Bewertung"])


def test_switching_the_language_keeps_the_video_source(model_path):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.radio(key="source_kind").set_value("upload").run()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception and at.radio(key="source_kind").value == "upload"
    at.sidebar.radio(key="lang").set_value("de").run()
    assert at.radio(key="source_kind").value == "upload"
    at.radio(key="source_kind").set_value("sample").run()
    at.selectbox(key="sample_choice").set_value(AFTER.name).run()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.radio(key="source_kind").value == "sample" and at.selectbox(key="sample_choice").value == AFTER.name


def test_earlier_analyses_in_the_sidebar_reopen(model_path):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.button(key="analyse_btn").click().run()
    at.selectbox(key="sample_choice").set_value(AFTER.name).run()
    at.button(key="analyse_btn").click().run()
    assert at.subheader[0].value.endswith("after\\.mp4")
    reopen = [b for b in at.sidebar.button if b.key and b.key.startswith("reopen-")]
    assert len(reopen) == 2
    first = next(b for b in reopen if not b.label.endswith("after\\.mp4"))
    first.click().run()
    assert not at.exception
    assert at.subheader[0].value == "synthetic\\_treadmill\\_right\\.mp4"


def test_report_settings_typed_once_reach_the_pdf_download(analysed):
    """Therapist, practice and "Sie" entered on the analyse page are remembered and printed in the report."""
    import io

    pdfplumber = pytest.importorskip("pdfplumber", reason="pdfplumber is in the test extra")
    from formcheck.store import Store
    from formcheck.store.settings import report_settings

    at = analysed
    at.text_input(key="rs-therapist-analyse").set_value("Dr. Jörg Weiß")
    at.text_input(key="rs-practice-analyse").set_value("Physio am Markt")
    at.radio(key="rs-address-analyse").set_value("sie")
    next(b for b in at.button if b.label == "Angaben speichern").click().run()
    assert not at.exception and not at.error
    store = Store()
    try:
        assert report_settings(store) == {"therapist": "Dr. Jörg Weiß", "practice": "Physio am Markt",
                                          "address": "sie"}
    finally:
        store.close()
    entry = at.session_state["analyses"]["synthetic_treadmill_right.mp4"]
    [(key, pdf)] = [(k, v) for k, v in entry.reports.items() if k[1].therapist == "Dr. Jörg Weiß"]
    assert key[0] == "de" and key[1].address == "sie"
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in doc.pages))
        assert len(doc.pages) >= 2 and doc.pages[1].images  # the key frames and curves
    assert "Dr. Jörg Weiß" in text and "Physio am Markt" in text and "synthetic_treadmill_right.mp4" in text
    assert "Ihre Hinweise" in text and "Deine Hinweise" not in text
    assert "Aufsetzen" in text and "Kniebeugung" in text and "Verläufe" in text
