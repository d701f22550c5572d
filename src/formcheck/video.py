"""Video ingest with PyAV: real per-frame timestamps, rotation, slow motion, limits.

Frames are streamed one at a time (never all held in memory) as upright RGB
arrays with their presentation time in seconds of *real* time.

Conventions
-----------
- ``t_s``: presentation timestamp of the frame relative to the first frame, in
  seconds, multiplied by ``time_scale`` for slow-motion clips (a 240 fps capture
  stored at 30 fps has ``time_scale = 30 / 240``).
- ``rotation_deg``: clockwise rotation applied to the stored frames so they come
  out upright (0, 90, 180 or 270), taken from the container's display matrix.
- ``width``/``height``: of the upright frames.

Notes
-----
Variable-frame-rate phone clips are handled by using each frame's own ``pts``;
``fps`` is only a summary (frames per second of real time over the clip).
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import Iterator

import numpy as np

from formcheck import tempfiles
from formcheck.errors import VideoError

#: Documented input limits (README "Known limits").
MAX_FILE_BYTES = 2 * 1024**3
MAX_SIDE_PX = 4096
MIN_SIDE_PX = 64
MAX_DURATION_S = 600.0
MAX_FPS = 1000.0

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".webm", ".mkv")


@dataclass(frozen=True)
class VideoInfo:
    """Facts about a clip, as read from its container before decoding."""

    path: str
    codec: str
    width: int
    height: int
    rotation_deg: int
    nominal_fps: float  # the stream's average rate as stored
    capture_fps: float | None  # given by the user for slow-motion clips
    time_scale: float  # real seconds per media second
    n_frames_hint: int  # container's frame count (0 if unknown)
    duration_hint_s: float  # real-time duration from the container (0 if unknown)
    file_size: int

    @property
    def fps(self) -> float:
        """Frame rate in frames per second of real time."""
        return self.capture_fps or self.nominal_fps

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Frame:
    index: int
    t_s: float
    image: np.ndarray  # (height, width, 3) uint8 RGB, C-contiguous, upright


def _open(path: Path):
    import av

    try:
        return av.open(str(path), metadata_errors="ignore")
    except av.error.InvalidDataError:
        raise VideoError(f"{path.name} is not a video file formcheck can read (unknown or damaged format); export it as MP4 (H.264) and try again", "not_video") from None
    except av.error.FFmpegError as exc:
        raise VideoError(f"{path.name} could not be opened ({exc.strerror or exc}); check the file and try again", "not_video") from None


def _rotation_from_stream(container, stream) -> int:
    """Clockwise rotation (0/90/180/270) that makes stored frames upright.

    Read from the first decoded frame's display matrix (PyAV exposes it as
    ``frame.rotation``: the counter-clockwise angle of the display transform).
    """
    for frame in container.decode(stream):
        ccw = float(getattr(frame, "rotation", 0) or 0)
        return int(round(-ccw / 90.0)) % 4 * 90
    return 0


def probe(path: str | os.PathLike, capture_fps: float | None = None) -> VideoInfo:
    """Open ``path``, check it against the limits and return its :class:`VideoInfo`.

    Raises
    ------
    VideoError
        With a one-line reason: missing file, not a video, no video stream,
        absurd size or frame rate, or no decodable frame.
    """
    path = Path(path)
    if not path.exists():
        raise VideoError(f"{path} does not exist; check the path", "missing")
    if path.is_dir():
        raise VideoError(f"{path} is a folder, not a video file", "missing")
    size = path.stat().st_size
    if size == 0:
        raise VideoError(f"{path.name} is empty (0 bytes); copy the video again", "empty")
    if size > MAX_FILE_BYTES:
        raise VideoError(f"{path.name} is {size / 1024**3:.1f} GB; the limit is {MAX_FILE_BYTES / 1024**3:.0f} GB — trim the clip to 10–60 s of running", "too_large")
    if capture_fps is not None and not (1.0 <= capture_fps <= MAX_FPS):
        raise VideoError(f"capture fps {capture_fps:g} is out of range (1–{MAX_FPS:g})", "bad_option")
    container = _open(path)
    with container:
        if not container.streams.video:
            raise VideoError(f"{path.name} has no video stream (audio only?); choose a video clip", "no_video_stream")
        stream = container.streams.video[0]
        codec = stream.codec_context.name
        w, h = stream.codec_context.width, stream.codec_context.height
        if not w or not h:
            raise VideoError(f"{path.name} has a video stream without a picture size; the file is damaged", "corrupt")
        if max(w, h) > MAX_SIDE_PX or min(w, h) < MIN_SIDE_PX:
            raise VideoError(f"{path.name} is {w}×{h} pixels; formcheck accepts {MIN_SIDE_PX} to {MAX_SIDE_PX} pixels per side — export at 720p or 1080p", "bad_size")
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        nominal = float(rate) if rate else 0.0
        if not (0.0 < nominal <= MAX_FPS):
            nominal = 0.0
        n_hint = int(stream.frames or 0)
        dur = 0.0
        if stream.duration and stream.time_base:
            dur = float(stream.duration * stream.time_base)
        elif container.duration:
            dur = container.duration / 1_000_000
        try:
            rotation = _rotation_from_stream(container, stream)
        except Exception as exc:  # av errors while decoding the very first frame
            raise VideoError(f"{path.name} has no decodable video frame ({_av_reason(exc)}); the file is damaged or truncated", "corrupt") from None
    if nominal == 0.0:
        nominal = n_hint / dur if n_hint and dur else 30.0
    scale = nominal / capture_fps if capture_fps else 1.0
    if dur * scale > MAX_DURATION_S:
        raise VideoError(f"{path.name} lasts {dur * scale / 60:.1f} min; the limit is {MAX_DURATION_S / 60:.0f} min — trim it to 10–60 s of steady running", "too_long")
    if rotation in (90, 270):
        w, h = h, w
    return VideoInfo(
        path=str(path), codec=codec, width=w, height=h, rotation_deg=rotation,
        nominal_fps=nominal, capture_fps=capture_fps, time_scale=scale,
        n_frames_hint=n_hint, duration_hint_s=dur * scale, file_size=size,
    )


def _av_reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or exc.__class__.__name__


def iter_frames(info: VideoInfo, *, start_s: float = 0.0, end_s: float | None = None) -> Iterator[Frame]:
    """Decode ``info.path`` frame by frame.

    Parameters
    ----------
    info : VideoInfo
        From :func:`probe`.
    start_s, end_s : float
        Real-time window to yield (frames outside it are decoded but skipped;
        ``start_s`` seeks to the nearest earlier keyframe first).

    Yields
    ------
    Frame
        Upright RGB frames with real-time timestamps; ``index`` counts from the
        first frame of the clip when ``start_s == 0``.

    Raises
    ------
    VideoError
        If decoding fails part-way (truncated or corrupt file) or no frame decodes.
    """
    import av

    path = Path(info.path)
    k = (info.rotation_deg // 90) % 4
    container = _open(path)
    n = 0
    with container:
        stream = container.streams.video[0]
        # Slice threads only: frame threading costs ~35 % more CPU for the same
        # frames, and the pose model needs every core (measured: 2.5 vs 1.9 s
        # CPU for 1,200 frames of 720p H.264).
        stream.thread_type = "SLICE"
        tb = stream.time_base or Fraction(1, 90000)
        first_pts = None
        if start_s > 0:
            # Timestamps are relative to the clip's first frame; find it first.
            first_pts = _first_pts(path)
            target = first_pts + int(start_s / info.time_scale / tb)
            container.seek(max(target, 0), stream=stream, backward=True, any_frame=False)
        prev_t = -math.inf
        decoded = 0
        try:
            for frame in container.decode(stream):
                if frame.pts is None:
                    pts = frame.dts if frame.dts is not None else decoded
                else:
                    pts = frame.pts
                decoded += 1
                if first_pts is None:
                    first_pts = pts
                t = float((pts - first_pts) * tb) * info.time_scale
                if t <= prev_t:  # duplicate or out-of-order timestamp: keep time monotonic
                    t = prev_t + 1e-6
                prev_t = t
                if t < start_s - 1e-9:
                    continue
                if end_s is not None and t > end_s + 1e-9:
                    break
                img = frame.to_ndarray(format="rgb24")
                if k:
                    img = np.rot90(img, k=-k)
                # PyAV pads rows; MediaPipe needs a dense buffer.
                img = np.ascontiguousarray(img)
                yield Frame(index=n, t_s=t, image=img)
                n += 1
        except av.error.FFmpegError as exc:
            raise VideoError(f"{path.name} is truncated or corrupt: decoding stopped after {n} frames ({_av_reason(exc)}); copy the original file again", "corrupt") from None
    if n == 0 and start_s == 0:
        raise VideoError(f"{path.name} contains no decodable frames; the file is damaged or truncated", "corrupt")
    if start_s == 0 and end_s is None and info.n_frames_hint and decoded < info.n_frames_hint - 2:
        raise VideoError(f"{path.name} is truncated: only {decoded} of its {info.n_frames_hint} frames could be decoded; copy the original file again", "truncated")


def _first_pts(path: Path) -> int:
    container = _open(path)
    with container:
        for frame in container.decode(container.streams.video[0]):
            return frame.pts if frame.pts is not None else 0
    return 0


class VideoWriter:
    """Write RGB frames to a browser-playable H.264 MP4 (or another codec), atomically.

    Frames go to a temporary file beside ``path`` that is renamed into place on a
    clean close, so an interrupted write never leaves a half-written video.

    Parameters
    ----------
    path : path-like
        Output file (``.mp4``, ``.mov``, ``.mkv``, ``.webm``, ``.avi``).
    fps : float
        Nominal frame rate (also the time base when ``pts`` are not given).
    codec : str
        ``"h264"`` (libx264, yuv420p, faststart: plays in every browser),
        ``"hevc"``, ``"vp9"``, ``"mjpeg"`` or ``"mpeg4"``.
    rotation_deg : int
        Clockwise rotation a player must apply to show the frames upright
        (written as a display matrix, as phones do for portrait clips).
    time_base : Fraction, optional
        Time base for explicit ``pts`` (variable frame rate).
    crf : int
        Quality for libx264/libx265 (lower = better).
    """

    _CODECS = {"h264": ("libx264", "yuv420p"), "hevc": ("libx265", "yuv420p"), "vp9": ("libvpx-vp9", "yuv420p"),
               "mjpeg": ("mjpeg", "yuvj420p"), "mpeg4": ("mpeg4", "yuv420p")}

    def __init__(self, path, fps: float, *, codec: str = "h264", rotation_deg: int = 0,
                 time_base: Fraction | None = None, crf: int = 20):
        self.path = Path(path)
        self.fps = fps
        self.codec = codec
        self.rotation_deg = rotation_deg
        self.time_base = time_base
        self.crf = crf
        self._container = None
        self._stream = None
        self._n = 0
        self._tmpfile = None

    def __enter__(self):
        return self

    def _start(self, width: int, height: int) -> None:
        import av

        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._tmpfile = tempfiles.for_target(self.path)  # in the data folder: via its tmp/ (swept)
        self._tmp = self._tmpfile.path
        name, pix = self._CODECS[self.codec]
        opts = {}
        if self.path.suffix.lower() in (".mp4", ".mov", ".m4v"):
            opts["movflags"] = "+faststart"
        self._container = av.open(str(self._tmp), "w", options=opts)
        rate = Fraction(self.fps).limit_denominator(1001)
        stream = self._container.add_stream(name, rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, pix
        if self.time_base is not None:
            stream.codec_context.time_base = self.time_base
            stream.time_base = self.time_base
        if name in ("libx264", "libx265"):
            stream.options = {"crf": str(self.crf), "preset": "veryfast"}
            if name == "libx265":
                stream.options["x265-params"] = "log-level=error"
        elif name == "libvpx-vp9":
            stream.options = {"crf": "32", "b": "0", "deadline": "realtime", "cpu-used": "8"}
        else:  # mjpeg, mpeg4: plain bit rate
            stream.bit_rate = 20_000_000
        if self.rotation_deg:
            # Display matrix angle is counter-clockwise; players rotate clockwise by rotation_deg.
            stream.set_display_rotation(-float(self.rotation_deg))
        self._stream = stream

    def write(self, image: np.ndarray, pts: int | None = None) -> None:
        """Append one (height, width, 3) uint8 RGB frame; ``pts`` in ``time_base`` units."""
        import av

        if self._stream is None:
            h, w = image.shape[:2]
            self._start(w - w % 2, h - h % 2)
        img = image[: self._stream.height, : self._stream.width]
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(img), format="rgb24")
        if pts is not None:
            frame.pts = pts
            frame.time_base = self.time_base
        else:
            frame.pts = self._n
            frame.time_base = Fraction(1, 1) / Fraction(self.fps).limit_denominator(1001)
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        self._n += 1

    def close(self) -> Path:
        if self._container is None:
            raise VideoError("no frames were written", "empty")
        for packet in self._stream.encode():
            self._container.mux(packet)
        self._container.close()
        self._container = None
        return self._tmpfile.commit(self.path)

    def abort(self) -> None:
        if self._container is not None:
            try:
                self._container.close()
            except Exception:
                pass
            self._container = None
        if self._tmpfile is not None:
            self._tmpfile.close()

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:
            self.abort()
        return False
