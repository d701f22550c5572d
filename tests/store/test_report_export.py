"""Report settings remembered in the database, and the PDF reports in a patient's ZIP export (SQLite and PostgreSQL).

The sessions are the golden analyses of the two bundled sample clips, saved
with those clips, so the reports in the archive are made from real results.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import os
import re
import zipfile

import pytest

from formcheck.outputs.report import export_reports
from formcheck.store import Store, StoreError
from formcheck.store.settings import report_settings, save_report_settings
from tests.conftest import ROOT

pdfplumber = pytest.importorskip("pdfplumber", reason="pdfplumber is in the test extra: pip install -e '.[test]'")

SAMPLE = ROOT / "sample_videos" / "synthetic_treadmill_right.mp4"
AFTER = ROOT / "sample_videos" / "synthetic_treadmill_right_after.mp4"
GOLDEN = ROOT / "tests" / "data" / "golden"


def golden(name: str) -> dict:
    """The golden analysis of a sample clip, with the fields a saved result carries (as :func:`tests.golden.full_result`)."""
    r = json.loads((GOLDEN / f"{name}.analysis.de.json").read_text(encoding="utf-8"))
    r["formcheck_version"] = "test"
    return r


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as doc:
        return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in doc.pages))


def test_report_settings_are_remembered_per_scope_and_checked(store):
    assert report_settings(store) == {"therapist": "", "practice": "", "address": "du"}
    save_report_settings(store, therapist="Dr. Jörg Weiß", practice="Physio am Markt", address="sie")
    save_report_settings(store, "anna", therapist="Anna Roth")
    again = Store(store.url, home=store.home)  # a new process reads them back
    try:
        assert report_settings(again) == {"therapist": "Dr. Jörg Weiß", "practice": "Physio am Markt",
                                          "address": "sie"}
        assert report_settings(again, "anna") == {"therapist": "Anna Roth", "practice": "", "address": "du"}
    finally:
        again.close()
    save_report_settings(store, practice="  Praxis Nord  ")
    assert report_settings(store)["practice"] == "Praxis Nord" and report_settings(store)["address"] == "sie"
    for bad in ({"address": "ihr"}, {"therapist": "a\nb"}, {"practice": "x" * 121}, {"colour": "red"}):
        with pytest.raises(StoreError) as err:
            save_report_settings(store, **bad)
        assert err.value.code == "bad_setting"


@pytest.fixture
def three_sessions(store):
    p = store.add_patient("Läuferin K-07")
    before, after = golden("synthetic_treadmill_right.mp4"), golden("synthetic_treadmill_right_after.mp4")
    third = copy.deepcopy(after)
    third["metrics"]["cadence_spm"]["value"] = 176.0
    store.save_session(p.id, SAMPLE, before, recorded_on=dt.date(2026, 9, 1), video_name="Laufband vorher.mp4")
    store.save_session(p.id, AFTER, after, recorded_on=dt.date(2026, 10, 1), video_name="Laufband – nachher.mov")
    store.save_session(p.id, AFTER, third, recorded_on=dt.date(2026, 11, 3), video_name="Kontrolle.mp4")
    return p


def test_the_export_holds_the_reports_and_imports_back(store, three_sessions, tmp_path):
    p = three_sessions
    save_report_settings(store, therapist="Dr. Jörg Weiß", practice="Physio am Markt", address="sie")
    recs = store.sessions(p.id)
    zpath = store.export_patient(p.id, tmp_path / "export.zip", reports=export_reports("de", report_settings(store)))
    with zipfile.ZipFile(zpath) as z:
        names = set(z.namelist())
        reports = sorted(n for n in names if n.startswith("reports/"))
        assert reports == sorted([*(f"reports/session_{r.recorded_on.isoformat()}_{r.id}.pdf" for r in recs),
                                  f"reports/comparison_{recs[1].id}_{recs[2].id}.pdf", "reports/progress.pdf"])
        texts = {n: pdf_text(z.read(n)) for n in reports}
    for name, text in texts.items():
        assert "Läuferin K-07" in text and "Dr. Jörg Weiß" in text and "Physio am Markt" in text, name
        assert not re.search(r"[0-9a-f]{16}", text), name  # no hash names anywhere
    first = texts[f"reports/session_2026-09-01_{recs[0].id}.pdf"]
    assert "Laufband vorher.mp4" in first and "01.09.2026" in first and "Ihre Hinweise" in first
    assert "≤ 15 % der Beinlänge" in first and "−7,9°" in first and "3–4-mal" in first
    assert "Laufband – nachher.mov" in texts[f"reports/comparison_{recs[1].id}_{recs[2].id}.pdf"]
    assert "Verlaufsbericht" in texts["reports/progress.pdf"] and "Kontrolle.mp4" in texts["reports/progress.pdf"]
    # the import takes the data back and leaves the reports in the archive
    store.delete_patient(p.id)
    q = store.import_patient(zpath)
    assert q.pseudonym == "Läuferin K-07" and len(store.sessions(q.id)) == 3


def test_an_export_without_reports_is_as_before(store, three_sessions, tmp_path):
    with zipfile.ZipFile(store.export_patient(three_sessions.id, tmp_path / "plain.zip")) as z:
        assert not [n for n in z.namelist() if n.startswith("reports/")]


def test_an_import_refuses_other_files_beside_the_reports(store, three_sessions, tmp_path):
    zpath = store.export_patient(three_sessions.id, tmp_path / "export.zip", reports=export_reports("en"))
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(zpath) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("reports/../evil.sh", b"#!/bin/sh")
    store.delete_patient(three_sessions.id)
    with pytest.raises(StoreError, match="unexpected file"):
        store.import_patient(bad)


def test_the_command_line_export_writes_the_reports_in_its_language(tmp_path, monkeypatch):
    from formcheck import cli

    home = tmp_path / "home"
    monkeypatch.setenv("FORMCHECK_HOME", str(home))
    monkeypatch.delenv("FORMCHECK_DATABASE_URL", raising=False)
    st = Store(home=home)
    try:
        p = st.add_patient("J.D.")
        st.save_session(p.id, SAMPLE, golden("synthetic_treadmill_right.mp4"), recorded_on=dt.date(2026, 11, 1))
        save_report_settings(st, therapist="A. Therapist")
    finally:
        st.close()
    out = tmp_path / "jd.zip"
    assert cli.main(["patients", "export", str(p.id), str(out), "--lang", "en"]) == 0
    with zipfile.ZipFile(out) as z:
        [name] = [n for n in z.namelist() if n.startswith("reports/")]
        text = pdf_text(z.read(name))
    assert "Running analysis" in text and "A. Therapist" in text and "J.D." in text
    assert "synthetic_treadmill_right.mp4" in text and "Messwert" not in text
    assert os.path.getsize(out) > 0
