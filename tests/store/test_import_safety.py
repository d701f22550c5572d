"""Doctored export zips: import refuses them whole, and erasure/export never reach other patients' or outside files.

Each test builds the zip it needs from a real export and changes one thing, as
a careless or malicious sender could; rows an older import let in are written
directly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from pathlib import Path

import pytest

from formcheck.store import Recording, StoreError
from formcheck.texts import ERRORS
from tests.conftest import ROOT

SAMPLE = ROOT / "sample_videos" / "synthetic_treadmill_right.mp4"
AFTER = ROOT / "sample_videos" / "synthetic_treadmill_right_after.mp4"
RESULT = {"formcheck_version": "0.1.0", "view": {"plane": "sagittal"}, "pose": {"model_sha256": "c9152d"},
          "video": {"capture_fps": None}, "metrics": {"cadence_spm": {"value": 172.0}}}
SHA_SAMPLE = hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
SHA_AFTER = hashlib.sha256(AFTER.read_bytes()).hexdigest()


def _files(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def world(store, tmp_path):
    """A kept patient with a video and cache files, sentinels outside the data folder, and a clean export.

    Returns the export's members (name -> bytes) of a patient "Neu" (SAMPLE) who was deleted again.
    """
    keep = store.add_patient("Bleibt")
    store.save_session(keep.id, AFTER, RESULT)
    for kind, name in (("pose", f"{SHA_AFTER[:16]}-abc.npz"), ("annotated", f"{SHA_AFTER[:16]}-def.mp4"),
                       ("uploads", f"{SHA_AFTER[:16]}-{SHA_AFTER[16:32]}.mp4"), ("other", "readme.txt")):
        f = store.home / "cache" / kind / name
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(b"derived")
    for rel in ("x/important.txt", "x/secret.txt", "x/important"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"sentinel")
    new = store.add_patient("Neu", birth_year=1980)
    store.save_session(new.id, SAMPLE, RESULT, recorded_on=dt.date(2026, 9, 3), tags=["vorher"])
    zpath = store.export_patient(new.id, tmp_path / "clean.zip")
    store.delete_patient(new.id)
    with zipfile.ZipFile(zpath) as z:
        members = {n: z.read(n) for n in z.namelist()}
    zpath.unlink()
    return {"members": members, "before": _files(store.home), "outside": _files(tmp_path / "x"), "tmp": tmp_path}


def _assert_untouched(store, world):
    """No patient added, every file of the data folder as before, the outside sentinels intact, no temp file."""
    assert [p.pseudonym for p in store.patients()] == ["Bleibt"]
    with store.engine.connect() as c:
        assert c.exec_driver_sql("select count(*) from session").scalar() == 1
    assert _files(store.home) == world["before"]
    assert _files(world["tmp"] / "x") == world["outside"]
    assert sorted(p.name for p in store.videos.iterdir()) == [f"{SHA_AFTER}.mp4"]



# ------------------------------------------------------------------ erasure and export of stored rows
def _bad_row(store, sha: str, ext: str) -> int:
    """A patient whose session row names a pattern or path (as an older import could have stored it)."""
    if len(ext) > 8 and not store.url.startswith("sqlite"):
        pytest.skip("PostgreSQL's 8-character column refuses such a suffix already")
    p = store.add_patient(f"Alt {sha[:20]}")
    with store._sessions.begin() as s:
        s.add(Recording(patient_id=p.id, recorded_on=dt.date(2026, 1, 1), view="sagittal", video_sha256=sha,
                        video_ext=ext, video_name="x", capture_fps=None, analysis=RESULT, formcheck_version="0",
                        model_sha256="", notes="", tags=[]))
    return p.id


@pytest.mark.parametrize("sha, ext", [("*", ""), ("?*", ".mp4"), ("[!.]*[!.]", ""), ("../../x/important", ".txt"),
                                      ("../../x/important", ""), ("..", "/formcheck.db"),
                                      (SHA_AFTER[:16] + "*", ".mp4")])
def test_erasing_a_row_with_a_pattern_or_path_deletes_only_exact_files(store, world, sha, ext):
    pid = _bad_row(store, sha, ext)
    store.delete_patient(pid)
    _assert_untouched(store, world)


def test_erasure_refuses_a_link_out_of_the_data_folder(store, world):
    link = store.videos / f"{SHA_AFTER}.mov"
    link.symlink_to(world["tmp"] / "x" / "secret.txt")
    with pytest.raises(StoreError, match="leads outside") as exc:
        store.delete_patient(store.patients()[0].id)
    assert exc.value.code in ERRORS
    assert link.is_symlink() and _files(world["tmp"] / "x") == world["outside"]


@pytest.mark.parametrize("sha, ext", [("..", "/formcheck.db"), ("/../x/secret", ".txt"), ("../../x/secret", ".txt")])
def test_export_never_reads_a_file_outside_the_videos_folder(store, world, sha, ext):
    pid = _bad_row(store, sha, ext)
    out = world["tmp"] / "leak.zip"
    with pytest.raises(StoreError, match="not a valid video reference") as exc:
        store.export_patient(pid, out)
    assert exc.value.code in ERRORS
    assert not out.exists() and not list(world["tmp"].glob(".leak.zip*"))


def test_export_never_puts_the_database_in_the_zip(tmp_path):
    """The probe's setup: the SQLite file in the data folder, a row naming ``videos/../formcheck.db``."""
    from formcheck.store import Store

    st = Store(home=tmp_path / "home")
    try:
        assert (st.home / "formcheck.db").exists()
        pid = _bad_row(st, "..", "/formcheck.db")
        with pytest.raises(StoreError, match="not a valid video reference"):
            st.export_patient(pid, tmp_path / "leak.zip")
        assert not (tmp_path / "leak.zip").exists()
        st.delete_patient(pid)
        assert (st.home / "formcheck.db").exists()
    finally:
        st.close()


def test_export_of_a_patient_whose_video_is_missing_says_so(store, world):
    keep = store.patients()[0]
    (store.videos / f"{SHA_AFTER}.mp4").unlink()
    out = world["tmp"] / "keep.zip"
    with pytest.raises(StoreError, match="is missing") as exc:
        store.export_patient(keep.id, out)
    assert exc.value.code in ERRORS
    assert not out.exists() and not list(world["tmp"].glob(".keep.zip*"))


def test_no_export_holds_the_database(store, world):
    zpath = store.export_patient(store.patients()[0].id, world["tmp"] / "keep.zip")
    with zipfile.ZipFile(zpath) as z:
        assert sorted(z.namelist()) == ["patient.json", "sessions.csv", "sessions.json", f"videos/{SHA_AFTER}.mp4"]
        assert all(not z.read(n).startswith(b"SQLite format") for n in z.namelist())
