"""Treadmill speed in the patient file: remembered per patient, stored with each session, exported and imported."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from formcheck.pipeline import run_engine
from formcheck.store import Store, StoreError
from tests.conftest import ROOT
from tests.golden import full_result
from tests.oracle import oracle_info, oracle_series

SAMPLE = ROOT / "sample_videos" / "synthetic_treadmill_right.mp4"
AFTER = ROOT / "sample_videos" / "synthetic_treadmill_right_after.mp4"


def _result(truth, speed_mps):
    res = run_engine(oracle_series(truth), oracle_info(truth), lang="de", speed_mps=speed_mps)
    base = full_result()
    return {**base, "formcheck_version": "0.1.0", "video": {**base["video"], "path": "x.mp4", "capture_fps": None},
            "pose": {**base["pose"], "model_sha256": "c9152d"}, **res}


def test_the_speed_is_stored_with_the_session_and_remembered_for_the_patient(store, oracle_truth_right):
    p = store.add_patient("T.S.")
    assert store.patient_speed(p.id) is None
    r1 = store.save_session(p.id, SAMPLE, _result(oracle_truth_right, 10 / 3.6), recorded_on=dt.date(2026, 10, 1))
    assert r1.speed_mps == pytest.approx(10 / 3.6, abs=1e-3)
    assert store.patient_speed(p.id) == pytest.approx(10 / 3.6, abs=1e-3)
    r2 = store.save_session(p.id, AFTER, _result(oracle_truth_right, 3.0), recorded_on=dt.date(2026, 11, 1))
    assert store.patient_speed(p.id) == pytest.approx(3.0)  # the last one used
    r3 = store.save_session(p.id, AFTER, _result(oracle_truth_right, None), recorded_on=dt.date(2026, 11, 2))
    assert r3.speed_mps is None and store.patient_speed(p.id) == pytest.approx(3.0)  # no speed: nothing forgotten
    hist = store.sessions(p.id)
    assert [r.speed_mps for r in hist] == [pytest.approx(10 / 3.6, abs=1e-3), pytest.approx(3.0), None]
    assert hist[0].result["analysis"]["speed_mps"] == pytest.approx(10 / 3.6, abs=1e-3)
    assert r2.id != r1.id


def test_a_speed_can_be_set_and_forgotten_and_must_be_a_treadmill_speed(store):
    p = store.add_patient("S.P.")
    store.set_patient_speed(p.id, 2.8)
    assert store.patient_speed(p.id) == 2.8
    with pytest.raises(StoreError, match="outside 2–25 km/h"):
        store.set_patient_speed(p.id, 10.0)  # 36 km/h: m/s and km/h mixed up
    assert store.patient_speed(p.id) == 2.8
    store.set_patient_speed(p.id, None)
    assert store.patient_speed(p.id) is None


def test_export_and_import_keep_the_speeds(store, oracle_truth_right, tmp_path):
    p = store.add_patient("E.S.")
    store.save_session(p.id, SAMPLE, _result(oracle_truth_right, 2.5), recorded_on=dt.date(2026, 9, 3))
    zpath = store.export_patient(p.id, tmp_path / "export.zip")
    store.delete_patient(p.id)
    q = store.import_patient(zpath)
    assert q.speed_mps == pytest.approx(2.5) and [r.speed_mps for r in store.sessions(q.id)] == [pytest.approx(2.5)]


def test_an_export_made_before_the_speed_existed_still_imports(store, oracle_truth_right, tmp_path):
    import zipfile

    p = store.add_patient("O.L.")
    store.save_session(p.id, SAMPLE, _result(oracle_truth_right, None), recorded_on=dt.date(2026, 9, 3))
    zpath = store.export_patient(p.id, tmp_path / "export.zip")
    old = tmp_path / "old.zip"
    with zipfile.ZipFile(zpath) as z, zipfile.ZipFile(old, "w") as out:
        for info in z.infolist():
            data = z.read(info)
            if info.filename == "patient.json":
                d = json.loads(data); d.pop("speed_mps"); data = json.dumps(d).encode()
            if info.filename == "sessions.json":
                d = json.loads(data); [s.pop("speed_mps") for s in d]; data = json.dumps(d).encode()
            out.writestr(info, data)
    store.delete_patient(p.id)
    q = store.import_patient(old)
    assert q.speed_mps is None and [r.speed_mps for r in store.sessions(q.id)] == [None]


def test_migration_0005_adds_the_columns_to_a_database_with_patients(tmp_path):
    from alembic import command
    from alembic.config import Config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__import__("formcheck.store.sessions").store.sessions.__file__)
                                               .with_name("migrations")))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")
        conn.execute(text("insert into patient (pseudonym, notes) values ('A.A.', '')"))
    engine.dispose()
    st = Store(url, home=tmp_path / "home")
    try:
        (p,) = st.patients()
        assert p.pseudonym == "A.A." and p.speed_mps is None
        st.set_patient_speed(p.id, 3.0)
        assert st.patient_speed(p.id) == 3.0
        with st.engine.connect() as c:
            assert c.execute(text("select version_num from alembic_version")).scalar() == "0005"
    finally:
        st.close()


def test_speed_on_the_command_line_analysed_saved_and_remembered(tmp_path, model_path):
    """``analyze --speed`` and ``sessions add --speed``; a later ``sessions add`` takes the patient's speed."""
    from tests.store.test_store_cli import fc

    home = tmp_path / "home"
    bad = fc(home, "analyze", str(SAMPLE), "--speed", "schnell", "--lang", "de", check=False)
    assert bad.returncode == 2 and "--speed schnell: Das ist keine Geschwindigkeit" in bad.stderr
    far = fc(home, "analyze", str(SAMPLE), "--speed", "40", check=False)
    assert far.returncode == 2 and "outside 2–25 km/h" in far.stderr and "Traceback" not in far.stderr
    out = fc(home, "analyze", str(SAMPLE), "--speed", "10km/h", "--lang", "de").stdout
    assert "Laufbandgeschwindigkeit: 10,0 km/h (2,78 m/s)" in out
    assert "Schrittfrequenz – Normbereich: ~169 Schritte/min bei 10,0 km/h" in out
    assert re.search(r"Schrittlänge\s+\d+,\d cm", out)
    pid = fc(home, "patients", "add", "C.L.").stdout.strip()
    fc(home, "sessions", "add", pid, str(SAMPLE), "--speed", "2.8m/s", "--date", "2026-11-01")
    second = fc(home, "sessions", "add", pid, str(AFTER), "--date", "2026-11-08")
    assert "treadmill speed 10.1 km/h, remembered for C.L." in second.stderr
    st = Store(home=home)
    try:
        assert [r.speed_mps for r in st.sessions(int(pid))] == [pytest.approx(2.8), pytest.approx(2.8)]
        assert all(r.analysis["analysis"]["speed_mps"] == pytest.approx(2.8) for r in st.sessions(int(pid)))
    finally:
        st.close()
