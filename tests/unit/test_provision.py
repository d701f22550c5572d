"""The pose model bundle: reproducible, verified, loadable; clear errors otherwise."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile

import pytest

from formcheck.io import provision
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
    from formcheck.io.pose import PoseSettings, _landmarker, _mp_image
    from formcheck.io.video import iter_frames, probe

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


# ------------------------------------------------------------------ variants
def _npm_tarball():
    """The @mediapipe/pose tarball: cached, else fetched with npm (skip with the reason when impossible)."""
    tarball = provision._cached_tarball()
    if tarball is None:
        if shutil.which("npm") is None:
            pytest.skip("npm is not installed, and no @mediapipe/pose tarball is cached: lite/heavy cannot be built")
        try:
            tarball = provision.download_npm_tarball(provision.wheel_cache_dir())
        except ModelError as exc:
            pytest.skip(f"the npm registry is not reachable here: {exc}")
    return tarball


def test_every_variant_builds_byte_for_byte_with_its_recorded_checksum():
    wheel = provision._cached_wheel() or provision.download_source_wheel(provision.wheel_cache_dir())
    tarball = _npm_tarball()
    digests = set()
    for variant in provision.VARIANTS:
        first = provision.build_bundle(wheel, variant, tarball)
        second = provision.build_bundle(wheel, variant, tarball)
        assert first == second, variant
        digest = provision.sha256_bytes(first)
        assert digest == provision.expected_sha256(provision.model_name(variant)), variant
        digests.add(digest)
        with zipfile.ZipFile(io.BytesIO(first)) as z:  # same layout as the full bundle
            assert sorted(z.namelist()) == ["pose_detector.tflite", "pose_landmarks_detector.tflite"]
            assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist())
    assert len(digests) == 3


def test_models_install_all_builds_three_verified_bundles_offline(tmp_path):
    """`formcheck models install --variant all --tarball PATH` into an empty folder, then checked with sha256sum."""
    tarball = _npm_tarball()
    models = tmp_path / "models"
    models.mkdir()
    shutil.copy(provision.checksum_file(), models / "SHA256SUMS")
    env = dict(os.environ, FORMCHECK_MODEL_DIR=str(models))
    proc = subprocess.run([sys.executable, "-m", "formcheck", "models", "install", "--variant", "all",
                           "--tarball", str(tarball)], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("built and verified") == 3
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=models, capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout.count(": OK") == 3
    assert provision.variant_of(models / "pose_landmarker_heavy.task") == "heavy"


def test_heavy_bundle_loads_and_finds_a_pose(synth_clip, tmp_path, monkeypatch):
    from formcheck.io.pose import PoseSettings, _landmarker, _mp_image
    from formcheck.io.video import iter_frames, probe

    tarball = _npm_tarball()
    wheel = provision._cached_wheel() or provision.download_source_wheel(provision.wheel_cache_dir())
    path = tmp_path / "heavy.task"
    path.write_bytes(provision.build_bundle(wheel, "heavy", tarball))
    frame = next(iter(iter_frames(probe(synth_clip))))
    with _landmarker(path, PoseSettings(), 1, "IMAGE") as lm:
        assert len(lm.detect(_mp_image(frame)).pose_landmarks) == 1


def _tarball_with(tmp_path, member: str, data: bytes):
    path = tmp_path / "fake.tgz"
    with tarfile.open(path, "w:gz") as tf:
        info = tarfile.TarInfo(member)
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    return path


def test_a_wrong_tarball_is_refused_before_anything_is_built(tmp_path):
    wheel = provision._cached_wheel() or provision.download_source_wheel(provision.wheel_cache_dir())
    _, member, _, size = provision.LANDMARK_SOURCES["heavy"]
    wrong_size = _tarball_with(tmp_path, member, b"not the model")
    with pytest.raises(ModelError, match="has 13 bytes, not 27,709,200"):
        provision.build_bundle(wheel, "heavy", wrong_size)
    (tmp_path / "x").mkdir()
    same_size = _tarball_with(tmp_path / "x", member, b"\0" * size)
    with pytest.raises(ModelError, match="unexpected checksum"):
        provision.build_bundle(wheel, "heavy", same_size)
    with pytest.raises(ModelError, match="has no package/pose_landmark_lite.tflite"):
        provision.build_bundle(wheel, "lite", same_size)
    garbage = tmp_path / "garbage.tgz"
    garbage.write_bytes(b"\x1f\x8b garbage")
    with pytest.raises(ModelError, match="damaged"):
        provision.build_bundle(wheel, "lite", garbage)
    with pytest.raises(ModelError, match="unknown pose model variant"):
        provision.model_name("medium")


def test_no_npm_gives_one_sentence_naming_what_to_install_or_pass(tmp_path, monkeypatch):
    monkeypatch.setattr(provision.shutil, "which", lambda name: None)
    with pytest.raises(ModelError) as err:
        provision.download_npm_tarball(tmp_path)
    msg = str(err.value)
    assert "npm is not installed" in msg and "apt-get install npm" in msg and "--tarball PATH" in msg
    assert msg.count(". ") <= 1 and "\n" not in msg
