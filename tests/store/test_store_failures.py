"""A damaged database, a read-only data folder, a full disk, search characters: sentences, never tracebacks.

Read-only and full folders are real ``tmpfs`` mounts (as root, permission bits
do not stop writes); where mounting is not permitted those tests skip and say so.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from formcheck.store import Store, StoreError
from formcheck.i18n import ERRORS
from tests.golden import full_result

ROOT = Path(__file__).resolve().parents[2]
RESULT = full_result(compact=True, **{"video.capture_fps": 60.0, "pose.model_sha256": "0" * 64})


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "FORMCHECK_HOME": str(home), "PYTHONPATH": str(ROOT / "src")}
    env.pop("FORMCHECK_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "formcheck", *args], env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def mount(tmp_path):
    """``mount(size_kb)``: a fresh tmpfs folder; ``.readonly()`` remounts it read-only."""
    mounted = []

    class Mount:
        def __init__(self, size_kb: int):
            self.path = tmp_path / f"mnt{len(mounted)}"
            self.path.mkdir()
            r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(self.path)],
                               capture_output=True, text=True)
            if r.returncode != 0:
                pytest.skip(f"cannot mount a tmpfs here ({r.stderr.strip() or 'not permitted'})")
            mounted.append(self.path)

        def readonly(self):
            subprocess.run(["mount", "-o", "remount,ro", str(self.path)], check=True)

    yield Mount
    for path in reversed(mounted):
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def _clip(folder: Path, n_bytes: int, name: str = "clip.mp4") -> Path:
    path = folder / name
    path.write_bytes(os.urandom(n_bytes))
    return path


# ------------------------------------------------------------------ damaged database
def test_a_damaged_middle_page_gives_a_sentence_on_every_command(tmp_path):
    home = tmp_path / "home"
    st = Store(home=home)
    for i in range(60):
        p = st.add_patient(f"P{i:03d}", notes="Knie rechts " * 40)
        st.save_session(p.id, _clip(tmp_path, 64, f"c{i}.mp4"), RESULT)
    st.close()
    db = home / "formcheck.db"
    data = bytearray(db.read_bytes())
    page = 4096
    assert len(data) > 20 * page
    middle = (len(data) // page // 2) * page
    data[middle:middle + page] = os.urandom(page)
    db.write_bytes(bytes(data))
    r = _cli(home, "patients", "list")
    assert r.returncode == 6, r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "damaged" in r.stderr and "backup" in r.stderr
    refused = 0
    for i in range(1, 61):  # every patient's pages: read whole, or refused with the sentence
        try:
            st = Store(home=home)
            st.export_patient(i, tmp_path / f"p{i}.zip")
            st.sessions(i)
        except StoreError as exc:
            refused += 1
            assert exc.code == "store_unusable" and "damaged" in str(exc), exc
            assert not (tmp_path / f"p{i}.zip").exists()
        finally:
            st.close()
    assert refused >= 1


# ------------------------------------------------------------------ read-only data folder
def test_a_read_only_data_folder_says_so_and_not_restore_from_a_backup(mount, tmp_path):
    m = mount(8192)
    home = m.path / "home"
    st = Store(home=home)
    st.add_patient("R.O.")
    st.close()
    m.readonly()
    with pytest.raises(StoreError) as err:
        Store(home=home).add_patient("N.N.")
    assert err.value.code == "store_readonly"
    assert "read-only" in str(err.value) and "backup" not in str(err.value)
    r = _cli(home, "patients", "add", "N.N.")  # exit 7: a file cannot be written
    assert r.returncode == 7 and "Traceback" not in r.stderr and "backup" not in r.stderr
    assert "read-only" in r.stderr, r.stderr
    fresh = _cli(m.path / "new-home", "patients", "list")  # a data folder that cannot even be created
    assert fresh.returncode == 7 and "Traceback" not in fresh.stderr and "read-only" in fresh.stderr, fresh.stderr


# ------------------------------------------------------------------ full disk
def test_a_full_disk_during_a_save_is_a_sentence_and_leaves_nothing_half_written(mount, tmp_path):
    m = mount(3 * 1024)
    home = m.path / "home"
    st = Store(home=home)
    keep = st.add_patient("K.P.")
    st.save_session(keep.id, _clip(tmp_path, 200_000, "small.mp4"), RESULT)
    big = _clip(tmp_path, 4 * 1024**2, "big.mp4")
    with pytest.raises(StoreError) as err:
        st.save_session(keep.id, big, RESULT)
    assert err.value.code == "disk_full" and "full" in str(err.value)
    assert ERRORS["disk_full"]["de"] and ERRORS["disk_full"]["en"]
    assert len(st.sessions(keep.id)) == 1  # the earlier session is intact, no new row
    assert list((home / "tmp").iterdir()) == []  # the partial copy is gone
    assert len(list((home / "videos").iterdir())) == 1
    st.close()


# ------------------------------------------------------------------ search characters
def test_percent_and_underscore_in_a_search_are_plain_characters(store):
    store.add_patient("A_B")
    store.add_patient("AxB")
    store.add_patient("50% Gruppe")
    store.add_patient("Back\\slash")
    assert [p.pseudonym for p in store.patients("_")] == ["A_B"]
    assert [p.pseudonym for p in store.patients("%")] == ["50% Gruppe"]
    assert [p["pseudonym"] for p in store.patient_overview("a_b")] == ["A_B"]
    assert [p.pseudonym for p in store.patients("\\")] == ["Back\\slash"]
    assert len(store.patients("")) == 4
