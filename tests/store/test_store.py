"""Patients and sessions on SQLite and a real PostgreSQL: create, list, compare, delete, export, import."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from formcheck.outputs.compare import compare_results
from formcheck.pipeline import run_engine
from formcheck.store import Store, StoreError
from tests.conftest import ROOT
from tests.oracle import oracle_info, oracle_series
from tests.golden import full_result

SAMPLE = ROOT / "sample_videos" / "synthetic_treadmill_right.mp4"
AFTER = ROOT / "sample_videos" / "synthetic_treadmill_right_after.mp4"


@pytest.fixture(scope="module")
def result(oracle_truth_right):
    """A real analysis (the engine on exact landmarks), shaped like the JSON contract."""
    res = run_engine(oracle_series(oracle_truth_right), oracle_info(oracle_truth_right), lang="de")
    base = full_result()
    return {**base, "formcheck_version": "0.1.0", "video": {**base["video"], "path": "x.mp4", "capture_fps": None},
            "pose": {**base["pose"], "model_sha256": "c9152d"}, **res}


def _all_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_migrations_create_the_schema_from_an_empty_database(store):
    tables = set(inspect(store.engine).get_table_names())
    assert {"patient", "session", "video_guard", "account", "audit", "setting", "alembic_version"} <= tables
    with store.engine.connect() as c:
        assert c.execute(text("select id from video_guard")).scalars().all() == [1]
        assert c.execute(text("select version_num from alembic_version")).scalar() == "0005"
    Store(store.url, home=store.home).close()  # opening again is a no-op migration


def test_create_list_search_and_unique_pseudonyms(store):
    a = store.add_patient("M.K.", birth_year=1968, height_cm=172)
    store.add_patient("A.B.")
    assert [p.pseudonym for p in store.patients()] == ["A.B.", "M.K."]
    assert [p.id for p in store.patients("m.k")] == [a.id]
    with pytest.raises(StoreError, match="exists already"):
        store.add_patient("M.K.")


def test_patient_overview_counts_sessions_and_last_date(store, result):
    a = store.add_patient("M.K.")
    store.add_patient("A.B.")
    store.save_session(a.id, SAMPLE, result, recorded_on=dt.date(2026, 10, 1))
    store.save_session(a.id, AFTER, result, recorded_on=dt.date(2026, 11, 5))
    rows = store.patient_overview()
    assert [(r["pseudonym"], r["n_sessions"], r["last_session"]) for r in rows] == [
        ("A.B.", 0, None), ("M.K.", 2, dt.date(2026, 11, 5))]
    assert [r["id"] for r in store.patient_overview(" m.k ")] == [a.id]


def test_sessions_history_and_compare_two(store, result):
    p = store.add_patient("R.S.")
    later = json.loads(json.dumps(result))
    later["metrics"]["cadence_spm"]["value"] = result["metrics"]["cadence_spm"]["value"] + 10
    s1 = store.save_session(p.id, SAMPLE, result, recorded_on=dt.date(2026, 10, 1), tags=["vorher"])
    s2 = store.save_session(p.id, AFTER, later, recorded_on=dt.date(2026, 11, 1), tags=["nach Umstellung"])
    hist = store.sessions(p.id)
    assert [r.id for r in hist] == [s1.id, s2.id]
    assert hist[0].analysis == result and hist[1].tags == ["nach Umstellung"]
    changes = {c.name: c for c in compare_results(hist[0].analysis, hist[1].analysis)}
    assert changes["cadence_spm"].verdict == "real_change" and changes["cadence_spm"].diff == pytest.approx(10)


def test_same_clip_twice_is_stored_once_and_reanalyses_are_kept(store, result):
    p = store.add_patient("K.L.")
    store.save_session(p.id, SAMPLE, result)
    newer = {**result, "formcheck_version": "0.2.0"}
    store.save_session(p.id, SAMPLE, newer)
    assert len(list(store.videos.glob("*.mp4"))) == 1
    assert [r.formcheck_version for r in store.sessions(p.id)] == ["0.1.0", "0.2.0"]


def test_export_then_import_is_lossless(store, result, tmp_path):
    p = store.add_patient("E.X.", birth_year=1980, notes="Achillessehne links")
    store.save_session(p.id, SAMPLE, result, recorded_on=dt.date(2026, 9, 3), tags=["vorher"], notes="erste")
    store.save_session(p.id, AFTER, result, recorded_on=dt.date(2026, 10, 3))
    before = [(r.recorded_on, r.analysis, r.tags, r.notes, r.video_sha256) for r in store.sessions(p.id)]
    zpath = store.export_patient(p.id, tmp_path / "export.zip")
    with zipfile.ZipFile(zpath) as z:
        names = set(z.namelist())
        assert {"patient.json", "sessions.json", "sessions.csv"} <= names
        assert sum(n.startswith("videos/") for n in names) == 2
        assert "cadence_spm" in z.read("sessions.csv").decode()
    store.delete_patient(p.id)
    q = store.import_patient(zpath)
    assert q.pseudonym == "E.X." and q.birth_year == 1980 and q.notes == "Achillessehne links"
    after = [(r.recorded_on, r.analysis, r.tags, r.notes, r.video_sha256) for r in store.sessions(q.id)]
    assert after == before
    for r in store.sessions(q.id):
        assert store.video_path(r.video_sha256, r.video_ext).read_bytes() in (SAMPLE.read_bytes(), AFTER.read_bytes())


def test_erasure_leaves_no_trace_on_disk(store, result):
    keep = store.add_patient("Bleibt")
    store.save_session(keep.id, AFTER, result)
    gone = store.add_patient("Geht")
    for _ in range(3):
        store.save_session(gone.id, SAMPLE, result)
    sha = store.sessions(gone.id)[0].video_sha256
    other = store.sessions(keep.id)[0].video_sha256
    # derived files, named as the pose cache, renderer and uploads name them
    for kind, name in (("pose", f"{sha[:16]}-abc.npz"), ("annotated", f"{sha[:16]}-def.mp4"),
                       ("uploads", f"{sha[:16]}-{sha[16:32]}.mp4"), ("compare", f"{other[:16]}-{sha[:16]}-x.mp4"),
                       ("pose", f"{other[:16]}-abc.npz")):
        f = store.home / "cache" / kind / name
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(b"derived")
    store.delete_patient(gone.id)
    assert store.patients() == [] or [p.pseudonym for p in store.patients()] == ["Bleibt"]
    leftovers = [f for f in _all_files(store.home) if sha[:16] in f.name]
    assert leftovers == []
    assert (store.home / "cache" / "pose" / f"{other[:16]}-abc.npz").exists()  # the other patient's are kept
    assert len(list(store.videos.glob("*.mp4"))) == 1
    with store.engine.connect() as c:
        assert c.execute(text("select count(*) from session where video_sha256 = :s"), {"s": sha}).scalar() == 0
    if store.url.startswith("sqlite"):  # nor in the database file's free pages or its write-ahead log
        db = Path(store.url.removeprefix("sqlite:///"))
        raw = b"".join(f.read_bytes() for f in db.parent.glob(db.name + "*"))
        assert b"Bleibt" in raw and b"Geht" not in raw and sha.encode() not in raw


def test_failed_save_leaves_no_orphan_file(store, result):
    with pytest.raises(StoreError, match="no patient"):
        store.save_session(9999, SAMPLE, result)
    assert _all_files(store.videos) == []


def _save_many(url: str, home: str, patient_id: int, video: str, result_path: str, n: int) -> None:
    st = Store(url, home=Path(home))
    res = json.loads(Path(result_path).read_text())
    for i in range(n):
        st.save_session(patient_id, video, res, notes=f"{os.getpid()}-{i}")
    st.close()


def test_two_processes_saving_at_once_both_land(store, result, tmp_path):
    p = store.add_patient("Zwei Tabs")
    rpath = tmp_path / "r.json"
    rpath.write_text(json.dumps(result))
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_save_many, args=(store.url, str(store.home), p.id, str(v), str(rpath), 5))
             for v in (SAMPLE, AFTER)]
    for pr in procs:
        pr.start()
    for pr in procs:
        pr.join(120)
        assert pr.exitcode == 0
    recs = store.sessions(p.id)
    assert len(recs) == 10 and len({r.notes for r in recs}) == 10
    assert len(list(store.videos.glob("*.mp4"))) == 2 and not list(store.videos.glob(".*part"))


def test_corrupt_or_foreign_database_gives_a_clear_error(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="is damaged .*restore it from a backup"):
        Store(f"sqlite:///{bad}", home=tmp_path / "h1")
    foreign = tmp_path / "foreign.db"
    eng = create_engine(f"sqlite:///{foreign}")
    with eng.begin() as c:
        c.execute(text("create table invoices (id integer)"))
    eng.dispose()
    with pytest.raises(StoreError, match="another program"):
        Store(f"sqlite:///{foreign}", home=tmp_path / "h2")


def test_import_rejects_a_damaged_archive(store, tmp_path):
    z = tmp_path / "x.zip"
    z.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(StoreError, match="not a formcheck export"):
        store.import_patient(z)


def test_a_result_off_the_contract_is_not_saved(store, result):
    p = store.add_patient("X.Y.")
    bad = {**result, "metrics": {**result["metrics"], "cadence_spm": {**result["metrics"]["cadence_spm"], "value": "x"}}}
    with pytest.raises(StoreError) as err:
        store.save_session(p.id, SAMPLE, bad)
    assert err.value.code == "result_invalid" and "metrics/cadence_spm/value" in str(err.value)
    assert store.sessions(p.id) == [] and list((store.home / "videos").glob("*")) == []


def test_a_stored_result_is_read_back_upgraded(store, result):
    p = store.add_patient("X.Z.")
    rec = store.save_session(p.id, SAMPLE, result)
    assert rec.result == rec.analysis  # a current result needs no upgrade
    with store.engine.begin() as c:  # as an older formcheck stored it
        old = {k: v for k, v in result.items() if k not in ("advice", "foot_strike_reasons")}
        c.execute(text("update session set analysis = :a where id = :i"), {"a": json.dumps(old), "i": rec.id})
    again = store.session(rec.id)
    assert "advice" not in again.analysis and again.result["advice"] == []
    assert again.result["foot_strike_reasons"] == {"left": None, "right": None}
