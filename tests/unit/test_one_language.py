"""One language per page, piece by piece: view wording, stride table, charts, video labels, error messages."""

from __future__ import annotations

from pathlib import Path

from formcheck.errors import VideoError
from formcheck.i18n import norm_typical, view_text
from formcheck.outputs import render
from formcheck.outputs.charts import separators
from formcheck.outputs.export import strides_csv, strides_table
from formcheck.ui.messages import error_message
from tests.golden import full_result


def test_a_rear_view_is_said_without_blick_nach_von_der_kamera_weg():
    rear = {"plane": "frontal", "facing": "away", "direction": "forward", "setting": "overground", "gait": "run"}
    assert view_text(rear, "de") == "Ansicht von hinten/vorn, Rücken zur Kamera, vorwärts, im Freien/Halle, Laufen"
    assert view_text(rear, "en").split(", ")[1] == "back to the camera"
    side = {"plane": "sagittal", "facing": "right", "direction": "forward", "setting": "treadmill", "gait": "run"}
    assert view_text(side, "de") == "Seitenansicht, Blick nach rechts, vorwärts, Laufband, Laufen"


def test_pelvic_drop_shows_no_noise_floor_as_a_normal_range():
    from formcheck.engine.registry import SPECS

    typical = SPECS["pelvic_drop_deg"].norm.typical
    assert typical.startswith("none established")
    assert norm_typical("pelvic_drop_deg", typical, "de").startswith("keiner belegt; Messrauschen")


def test_the_stride_table_speaks_the_page_language_and_the_csv_keeps_its_keys():
    r = full_result()
    rows = strides_table(r, "de")
    assert list(rows[0])[:4] == ["Seite", "Aufsetzen (s)", "Abdruck (s)", "nächstes Aufsetzen (s)"]
    assert "Kniebeugung beim Aufsetzen (°)" in rows[0] and "Schrittzeit (ms)" in rows[0]
    assert {row["Seite"] for row in rows} == {"links", "rechts"}
    first = r["strides"][0]
    assert rows[0]["Aufsetzen (s)"] == f"{first['ic_s']:.3f}".replace(".", ",")
    en = strides_table(r, "en")
    assert list(en[0])[0] == "Side" and {row["Side"] for row in en} == {"left", "right"}
    assert strides_csv(r).splitlines()[0].startswith("side,ic_s,to_s,next_ic_s,")  # stable English keys


def test_charts_write_numbers_in_the_page_language():
    assert separators("de") == ",." and separators("en") == ".,"


def test_the_labels_burnt_into_the_video_are_in_the_page_language():
    r = full_result()
    t = r["events"]["right"]["to_s"][0]
    assert render._events_near(r, t, 1e-6, "de") == ["Abdruck rechts"]
    assert render._events_near(r, t, 1e-6, "en") == ["TO right"]
    assert render.burnt("Hüfte 3–4°") == "Huefte 3-4 deg"


def test_an_upload_error_names_the_original_file_never_the_cache_name():
    cache = Path("/data/cache/uploads/84f2de8c1a2b3c4d-d7be42ad5e6f7a8b.mp4")
    exc = VideoError(f"{cache.name} has no decodable video frame (EOF); the file is damaged or truncated", "corrupt")
    de = error_message(exc, "de", name="urlaub.mp4", path=cache)
    assert "urlaub\\.mp4" in de and "84f2de8c" not in de and "decodable" not in de
    assert "Datei\\: urlaub" in de  # markdown-safe
    en = error_message(exc, "en", name="urlaub.mp4", path=cache)
    assert "urlaub\\.mp4 has no decodable video frame" in en and "84f2de8c" not in en
