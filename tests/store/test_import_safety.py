"""Doctored export zips: import refuses them whole, and erasure/export never reach other patients' or outside files.

Each test builds the zip it needs from a real export and changes one thing, as
a careless or malicious sender could.
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import json
import os
import struct
import subprocess
import sys
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest

from formcheck.store import sessions as store_module
from formcheck.store import Recording, StoreError
from formcheck.i18n import ERRORS
from tests.golden import full_result
from tests.conftest import ROOT

SAMPLE = ROOT / "sample_videos" / "synthetic_treadmill_right.mp4"
AFTER = ROOT / "sample_videos" / "synthetic_treadmill_right_after.mp4"
RESULT = full_result(**{"formcheck_version": "0.1.0", "pose.model_sha256": "c9152d", "video.capture_fps": None,
                          "metrics.cadence_spm.value": 172.0})
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


def _doctored(world, *, patient=None, sessions=None, add=None, drop=(), raw=None, name="doctored.zip") -> Path:
    """The clean export with ``patient.json`` / ``sessions.json`` changed by the given functions."""
    members = dict(world["members"])
    if patient:
        members["patient.json"] = json.dumps(patient(json.loads(members["patient.json"]))).encode()
    if sessions:
        members["sessions.json"] = json.dumps(sessions(json.loads(members["sessions.json"]))).encode()
    for member in drop:
        members.pop(member)
    members.update(add or {})
    members.update(raw or {})
    out = world["tmp"] / name
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for member, data in members.items():
            z.writestr(zipfile.ZipInfo(member, (2026, 1, 1, 0, 0, 0)), data)
    return out


def _set(**fields):
    """A sessions.json editor setting ``fields`` in the first session."""
    def edit(sessions):
        sessions[0].update(fields)
        return sessions
    return edit


def _assert_untouched(store, world):
    """No patient added, every file of the data folder as before, the outside sentinels intact, no temp file."""
    assert [p.pseudonym for p in store.patients()] == ["Bleibt"]
    with store.engine.connect() as c:
        assert c.exec_driver_sql("select count(*) from session").scalar() == 1
    assert _files(store.home) == world["before"]
    assert _files(world["tmp"] / "x") == world["outside"]
    assert sorted(p.name for p in store.videos.iterdir()) == [f"{SHA_AFTER}.mp4"]


def _refused(store, world, archive, match):
    with pytest.raises(StoreError, match=match) as exc:
        store.import_patient(archive)
    assert exc.value.code in ERRORS
    _assert_untouched(store, world)
    return exc.value


# ------------------------------------------------------------------ hashes and extensions
@pytest.mark.parametrize("sha", ["*", "?*", "[!.]*[!.]", "..", "/../x/secret", "../../x/important",
                                 SHA_SAMPLE.upper(), SHA_SAMPLE[:63], SHA_SAMPLE + "\n", 17])
def test_import_refuses_hashes_that_are_not_64_lowercase_hex(store, world, sha):
    _refused(store, world, _doctored(world, sessions=_set(video_sha256=sha)), "not a SHA-256")


@pytest.mark.parametrize("ext", [".txt", "/formcheck.db", "", ".MP4", ".mp4/../../x", None])
def test_import_refuses_video_suffixes_formcheck_does_not_keep(store, world, ext):
    _refused(store, world, _doctored(world, sessions=_set(video_ext=ext)), "video suffix")


def test_import_refuses_a_hash_that_is_not_the_members_sha256(store, world):
    """Claiming the kept patient's video hash for other bytes would link (and later erase or export) their file."""
    fake = {f"videos/{SHA_AFTER}.mp4": SAMPLE.read_bytes()}
    archive = _doctored(world, sessions=_set(video_sha256=SHA_AFTER), add=fake, drop=[f"videos/{SHA_SAMPLE}.mp4"])
    _refused(store, world, archive, "SHA-256 of its bytes is")


def test_import_refuses_a_session_whose_video_is_not_in_the_archive(store, world):
    """Knowing a hash is not owning the video: a session may only refer to a video it brings."""
    archive = _doctored(world, sessions=_set(video_sha256=SHA_AFTER), drop=[f"videos/{SHA_SAMPLE}.mp4"])
    _refused(store, world, archive, "not in the archive")


def test_import_refuses_a_video_no_session_uses(store, world):
    """A member named by its own (correct) hash but referenced by no session is not kept in videos/."""
    extra = {f"videos/{SHA_AFTER}.mov": AFTER.read_bytes()}
    _refused(store, world, _doctored(world, add=extra), "no session uses")


# ------------------------------------------------------------------ member names
@pytest.mark.parametrize("name", ["../evil.mp4", "/etc/evil.json", "videos/../../x/important.txt",
                                  f"videos/../{SHA_SAMPLE}.mp4", "notes.txt", f"videos/sub/{SHA_SAMPLE}.mp4",
                                  "videos\\..\\evil.mp4", f"videos/{SHA_SAMPLE}.txt", "./patient.json"])
def test_import_refuses_unexpected_member_names(store, world, name):
    _refused(store, world, _doctored(world, add={name: b"x"}), "unexpected file")


def test_import_refuses_a_member_that_is_there_twice(store, world):
    archive = _doctored(world)
    with zipfile.ZipFile(archive, "a") as z, pytest.warns(UserWarning):
        z.writestr("patient.json", b'{"pseudonym": "Zweiter"}')
    _refused(store, world, archive, "twice")


# ------------------------------------------------------------------ contents
@pytest.mark.parametrize("analysis", [[1, 2], "text", None, 3, {"metrics": [1]}, {"metrics": {"cadence_spm": "x"}},
                                      full_result(**{"metrics.cadence_spm.value": "fast"}),
                                      full_result(**{"view.gait": "hop"}), {**full_result(), "schema_version": 9}])
def test_import_refuses_an_analysis_that_is_not_an_object(store, world, analysis):
    _refused(store, world, _doctored(world, sessions=_set(analysis=analysis)), "analysis")


@pytest.mark.parametrize("field, value, match", [
    ("recorded_on", "2026-13-01", "ISO date"), ("recorded_on", "20260901", "ISO date"), ("recorded_on", 5, "ISO date"),
    ("view", "top", "view"), ("tags", "vorher", "tags"), ("tags", [1], "tags"), ("capture_fps", "fast", "capture_fps"),
    ("capture_fps", -5, "capture_fps"), ("video_name", "a\x00b", "control"), ("notes", 3, "notes"),
    ("formcheck_version", "9" * 33, "formcheck_version"), ("model_sha256", None, "model_sha256")])
def test_import_refuses_session_fields_of_the_wrong_kind(store, world, field, value, match):
    _refused(store, world, _doctored(world, sessions=_set(**{field: value})), match)


@pytest.mark.parametrize("fields, match", [
    ({"pseudonym": "x" * 81}, "80 characters"), ({"pseudonym": "M.K.\nAdmin"}, "control"),
    ({"pseudonym": "M\u202eK"}, "control"), ({"pseudonym": "  "}, "pseudonym"), ({"pseudonym": 5}, "pseudonym"),
    ({"birth_year": "1980"}, "birth_year"), ({"birth_year": True}, "birth_year"), ({"height_cm": 1e9}, "height_cm"),
    ({"pseudonym": "Bleibt"}, "exists already")])
def test_import_refuses_patient_fields_of_the_wrong_kind(store, world, fields, match):
    _refused(store, world, _doctored(world, patient=lambda p: {**p, **fields}), match)


@pytest.mark.parametrize("name", ["x" * 81, "M.K.\nAdmin", "M\u202eK"])
def test_a_pseudonym_import_would_refuse_cannot_be_added_either(store, name):
    """Otherwise a patient could be added whose own export does not import."""
    with pytest.raises(StoreError, match="pseudonym") as exc:
        store.add_patient(name)
    assert exc.value.code == "bad_pseudonym" and store.patients() == []


@pytest.mark.parametrize("member, data", [("patient.json", b"{"), ("sessions.json", b"[{]"),
                                          ("sessions.json", b'{"a": 1}'), ("patient.json", b"[]"),
                                          ("sessions.json", b"[" * 100_000 + b"]" * 100_000),
                                          ("sessions.json", b"\xff\xfe"), ("sessions.json", b"[NaN]")])
def test_import_refuses_malformed_json_in_one_sentence(store, world, member, data):
    err = _refused(store, world, _doctored(world, raw={member: data}), member)
    assert "\n" not in str(err)


def test_import_refuses_a_missing_json_member(store, world):
    _refused(store, world, _doctored(world, drop=["sessions.json"]), "sessions.json is missing")


def test_import_refuses_a_damaged_member_crc(store, world):
    archive = _doctored(world)
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as z:
        info = z.getinfo(f"videos/{SHA_SAMPLE}.mp4")
    at = info.header_offset + 30 + len(info.filename) + 100  # inside the (deflated) video data
    data[at] ^= 0xFF
    archive.write_bytes(bytes(data))
    _refused(store, world, archive, "damaged")


def test_a_failure_after_the_first_video_leaves_nothing_behind(store, world):
    """Two sessions, the second one's video damaged: no rows, no video of the first, no temp files."""
    def two(sessions):
        return [sessions[0], {**sessions[0], "video_sha256": SHA_AFTER, "video_ext": ".mov"}]
    archive = _doctored(world, sessions=two, add={f"videos/{SHA_AFTER}.mov": b"not the after clip"})
    _refused(store, world, archive, "SHA-256 of its bytes is")


# ------------------------------------------------------------------ sizes
def _raw_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> None:
    """A zip of deflated ``(name, deflate stream, crc32, uncompressed size)`` members, written by hand."""
    local, central = b"", b""
    for name, data, crc, size in members:
        header = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 33, crc, len(data), size, len(name), 0)
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 33, crc, len(data), size, len(name),
                               0, 0, 0, 0, 0, len(local)) + name.encode()
        local += header + name.encode() + data
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(local), 0)
    path.write_bytes(local + central + end)


def _deflated_spaces(n_mib: int) -> bytes:
    """A deflate stream of ``n_mib`` MiB of spaces, made by repeating one fully flushed MiB (instant)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(b" " * (1 << 20)) + c.flush(zlib.Z_FULL_FLUSH)
    return block * n_mib + zlib.compressobj(9, zlib.DEFLATED, -15).flush()


@pytest.mark.parametrize("declared_mib", [1024, 1])
def test_a_zip_bomb_sessions_json_is_refused_without_unpacking_it(store, world, declared_mib):
    """1 MB on disk, 1 GiB unpacked (declared honestly, or declared as 1 MiB): refused within a small memory budget."""
    bomb = _deflated_spaces(1024)
    patient = world["members"]["patient.json"]
    archive = world["tmp"] / "bomb.zip"
    _raw_zip(archive, [("patient.json", zlib.compress(patient)[2:-4], zlib.crc32(patient), len(patient)),
                       ("sessions.json", bomb, 0, declared_mib << 20)])
    assert archive.stat().st_size < 2 << 20
    tracemalloc.start()
    try:
        _refused(store, world, archive, "sessions.json")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 << 20


def test_import_refuses_a_video_beyond_the_limit(store, world, monkeypatch):
    monkeypatch.setattr(store_module, "MAX_VIDEO_BYTES", 1000)
    _refused(store, world, _doctored(world), "larger than")


def test_import_refuses_an_archive_beyond_the_total_limit(store, world, monkeypatch):
    monkeypatch.setattr(store_module, "MAX_IMPORT_BYTES", 10_000)
    _refused(store, world, _doctored(world), "unpacks to more than")


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


def test_a_clean_doctored_zip_still_imports(store, world):
    """The test's zip rewriting itself is harmless: unchanged, the export imports."""
    p = store.import_patient(_doctored(world))
    assert p.pseudonym == "Neu" and [r.tags for r in store.sessions(p.id)] == [["vorher"]]
    assert sorted(f.name for f in store.videos.iterdir()) == sorted([f"{SHA_AFTER}.mp4", f"{SHA_SAMPLE}.mp4"])


# ------------------------------------------------------------------ command line
def _fc(home: Path, *args):
    env = {**os.environ, "FORMCHECK_HOME": str(home)}
    env.pop("FORMCHECK_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "formcheck", *args], capture_output=True, text=True, env=env)


def test_command_line_import_and_export_fail_in_one_line(store, world, tmp_path):
    if not store.url.startswith("sqlite"):
        pytest.skip("the command line is the same on both databases")
    home = tmp_path / "cli-home"
    for archive, match in ((_doctored(world, sessions=_set(video_sha256="*"), name="star.zip"), "not a SHA-256"),
                           (_doctored(world, raw={"sessions.json": b"[{]"}, name="json.zip"), "sessions.json")):
        r = _fc(home, "patients", "import", str(archive))
        assert r.returncode == 6 and match in r.stderr and "Traceback" not in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    pid = _fc(home, "patients", "import", str(_doctored(world))).stdout.strip()
    (home / "videos" / f"{SHA_SAMPLE}.mp4").unlink()
    r = _fc(home, "patients", "export", pid, str(tmp_path / "out.zip"))
    assert r.returncode == 6 and "is missing" in r.stderr and "Traceback" not in r.stderr
    assert list((home / "videos").iterdir()) == [] and not (tmp_path / "out.zip").exists()


# ------------------------------------------------------------------ texts
def test_every_store_error_code_has_plain_german_and_english_texts():
    tree = ast.parse(Path(store_module.__file__).read_text())
    codes = {call.args[1].value for call in ast.walk(tree) if isinstance(call, ast.Call)
             and getattr(call.func, "id", "") == "StoreError" and len(call.args) > 1
             and isinstance(call.args[1], ast.Constant)}
    assert len(codes) >= 6
    for code in codes:
        assert set(ERRORS[code]) == {"de", "en"} and all(ERRORS[code].values()), code
