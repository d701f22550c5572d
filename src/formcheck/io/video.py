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

The limits hold per frame, whatever the container claims: :func:`probe` checks
what the file declares and its first frame, :func:`iter_frames` checks every
decoded frame (picture size, stream time, number of frames) before it becomes
an array, and the decoder itself refuses pictures far over the size limit
before it allocates them.
"""

from __future__ import annotations

import math
import os
import stat
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

MAX_FRAMES = int(MAX_DURATION_S * MAX_FPS)
"""Most frames one decoding pass of :func:`iter_frames` accepts (600,000).

:data:`MAX_DURATION_S` (s) × :data:`MAX_FPS` (frames per s): no clip within
the duration limit holds more, whatever its timestamps say. This catches
streams whose timestamps stand still or are missing, where the stream time
alone would never reach the limit.
"""

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".webm", ".mkv")

#: ``AVFMT_NOTIMESTAMPS``: the format has no timestamps of its own (raw
#: elementary streams such as ``.h264``, ``.hevc``, ``.m2v``).
_NO_TIMESTAMPS = 0x0080


@dataclass(frozen=True)
class VideoInfo:
    """Facts about a clip, as read from its container and first frame before decoding the rest."""

    path: str
    codec: str
    width: int
    height: int
    rotation_deg: int
    nominal_fps: float  # the stream's average rate as stored
    capture_fps: float | None  # given by the user for slow-motion clips
    time_scale: float  # real seconds per media second
    n_frames_hint: int  # container's frame count (0 if unknown)
    duration_hint_s: float  # real-time duration from the container (0 if unknown, e.g. raw streams)
    file_size: int

    @property
    def fps(self) -> float:
        """Frame rate in frames per second of real time."""
        return self.capture_fps or self.nominal_fps

    @property
    def stored_size(self) -> tuple[int, int]:
        """``(width, height)`` in pixels of the frames as stored (before rotation)."""
        return (self.height, self.width) if self.rotation_deg in (90, 270) else (self.width, self.height)

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


def _video_stream(container):
    """The clip's first video stream, its decoder bounded by the size limit.

    Returns
    -------
    av.VideoStream
        With the decoder option ``max_pixels`` set to a little over
        :data:`MAX_SIDE_PX` squared (pixels per picture): the decoder refuses a
        larger picture before it allocates it (an 8000×8000 frame would take
        96 MB per decoded picture, and a decoder holds several).
    """
    stream = container.streams.video[0]
    stream.codec_context.options = {"max_pixels": str((MAX_SIDE_PX + 64) ** 2)}
    return stream


_FILE_KINDS = (
    (stat.S_ISDIR, "is a folder, not a video file; choose a video file inside it"),
    (stat.S_ISFIFO, "is a named pipe, not a video file; save the video as a file and choose that"),
    (stat.S_ISCHR, "is a device, not a video file; save the video as a file and choose that"),
    (stat.S_ISBLK, "is a disk device, not a video file; save the video as a file and choose that"),
    (stat.S_ISSOCK, "is a socket, not a video file; save the video as a file and choose that"),
)


def _file_size(path: Path) -> int:
    """Size in bytes of the regular file ``path``, checked against :data:`MAX_FILE_BYTES`.

    Nothing is opened: a named pipe or a device is refused by its kind (opening
    a pipe would wait for a writer, reading a device would never end).
    """
    try:
        st = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise VideoError(f"{path} does not exist; check the path", "missing") from None
    except OSError as exc:
        raise VideoError(f"{path.name} could not be opened ({exc.strerror or exc}); check the file and try again", "not_video") from None
    if not stat.S_ISREG(st.st_mode):
        what = next((text for test, text in _FILE_KINDS if test(st.st_mode)),
                    "is not a regular file, so no video can be read from it; save the video as a file and choose that")
        raise VideoError(f"{path} {what}", "not_a_file")
    if st.st_size == 0:
        raise VideoError(f"{path.name} is empty (0 bytes); copy the video again", "empty")
    if st.st_size > MAX_FILE_BYTES:
        raise VideoError(f"{path.name} is {st.st_size / 1024**3:.1f} GB; the limit is {MAX_FILE_BYTES / 1024**3:.0f} GB — trim the clip to 10–60 s of running", "too_large")
    return st.st_size


def _check_side(name: str, w: int, h: int) -> None:
    """Refuse a declared or first-frame picture size outside the side limits (pixels)."""
    if max(w, h) > MAX_SIDE_PX or min(w, h) < MIN_SIDE_PX:
        raise VideoError(f"{name} is {w}×{h} pixels; formcheck accepts {MIN_SIDE_PX} to {MAX_SIDE_PX} pixels per side — export at 720p or 1080p", "bad_size")


def _first_frame(container, stream, name: str) -> tuple[int, int, int, float]:
    """Rotation (degrees clockwise), stored width and height (pixels) and duration (s) of the first frame.

    The rotation is read from the frame's display matrix (PyAV exposes it as
    ``frame.rotation``: the counter-clockwise angle of the display transform).
    The duration is 0.0 when the stream does not give one.
    """
    try:
        for frame in container.decode(stream):
            ccw = float(getattr(frame, "rotation", 0) or 0)
            duration = float((getattr(frame, "duration", None) or 0) * (frame.time_base or stream.time_base or 0))
            return int(round(-ccw / 90.0)) % 4 * 90, frame.width, frame.height, duration
        reason = "the stream ends before its first picture"
    except Exception as exc:  # av errors while decoding the very first frame
        reason = _av_reason(exc)
    cc = stream.codec_context
    if cc.width and cc.height:  # the decoder may have refused the first picture's size
        _check_side(name, cc.width, cc.height)
    raise VideoError(f"{name} has no decodable video frame ({reason}); the file is damaged or truncated", "corrupt")


def _declared_length(container, stream) -> tuple[int, float]:
    """Frame count and duration (s, media time) the container declares; 0 where it does not know.

    Raw elementary streams (``.h264`` and the like) have no container to say:
    any duration FFmpeg offers for them is a guess from the bit rate, so
    nothing is claimed and the per-frame limits of :func:`iter_frames` protect.
    """
    if container.format.flags & _NO_TIMESTAMPS:
        return 0, 0.0
    if stream.duration and stream.time_base:
        return int(stream.frames or 0), float(stream.duration * stream.time_base)
    return int(stream.frames or 0), (container.duration / 1_000_000 if container.duration else 0.0)


def _nominal_fps(container, stream, frame_s: float, n_hint: int, dur: float) -> float:
    """The stream's frame rate in frames per second of media time (30.0 when nothing tells).

    A raw stream's "average rate" is the demuxer's default (25), not the
    stream's: there the first frame's duration (``frame_s``, seconds) is used.
    """
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    nominal = float(rate) if rate else 0.0
    if container.format.flags & _NO_TIMESTAMPS and frame_s > 0:
        nominal = 1.0 / frame_s
    if not (0.0 < nominal <= MAX_FPS):
        nominal = 0.0
    if nominal == 0.0:
        nominal = n_hint / dur if n_hint and dur else 30.0
    return nominal


def probe(path: str | os.PathLike, capture_fps: float | None = None) -> VideoInfo:
    """Open ``path``, check it against the limits and return its :class:`VideoInfo`.

    The picture size is the first decoded frame's (checked like the declared
    one); :func:`iter_frames` holds every later frame to it.

    Raises
    ------
    VideoError
        With a one-line reason: missing file, not a regular file, not a video,
        no video stream, absurd size or frame rate, or no decodable frame.
    """
    path = Path(path)
    size = _file_size(path)
    if capture_fps is not None and not (1.0 <= capture_fps <= MAX_FPS):
        raise VideoError(f"capture fps {capture_fps:g} is out of range (1–{MAX_FPS:g})", "bad_option")
    container = _open(path)
    with container:
        if not container.streams.video:
            raise VideoError(f"{path.name} has no video stream (audio only?); choose a video clip", "no_video_stream")
        stream = _video_stream(container)
        codec = stream.codec_context.name
        w, h = stream.codec_context.width, stream.codec_context.height
        if not w or not h:
            raise VideoError(f"{path.name} has a video stream without a picture size; the file is damaged", "corrupt")
        _check_side(path.name, w, h)
        n_hint, dur = _declared_length(container, stream)
        rotation, w, h, frame_s = _first_frame(container, stream, path.name)
        _check_side(path.name, w, h)
        nominal = _nominal_fps(container, stream, frame_s, n_hint, dur)
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


def _span(seconds: float) -> str:
    """A limit in seconds for a message: "20 s" below a minute, "10 min" from one."""
    return f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"


class _Clock:
    """Real-time timestamps of decoded frames (s), relative to the clip's first frame.

    A frame without ``pts`` takes its ``dts``; one without either (raw
    elementary streams) starts where the previous frame ended (its ``pts`` plus
    its duration, or 1 / nominal fps when it gives none), so stream time counts
    on instead of standing still.
    """

    def __init__(self, stream, info: VideoInfo):
        self.tb = stream.time_base or Fraction(1, 90000)
        self.scale = info.time_scale
        self.step = max(1, round(1 / (info.nominal_fps * self.tb))) if info.nominal_fps > 0 else 1
        self.first = None  # pts of the clip's first frame (time-base units)
        self.next = 0  # where a frame without timestamps starts (time-base units)
        self.prev_t = -math.inf

    def seek(self, container, stream, path: Path, start_s: float) -> None:
        """Jump to the keyframe at or before ``start_s`` (s, real time); no jump when frames carry no pts."""
        self.first = _first_pts(path)  # timestamps are relative to the clip's first frame
        if self.first is not None:
            target = self.first + int(start_s / self.scale / self.tb)
            container.seek(max(target, 0), stream=stream, backward=True, any_frame=False)

    def time(self, frame) -> float:
        """The frame's time in seconds of real time (strictly increasing)."""
        pts = frame.pts if frame.pts is not None else frame.dts if frame.dts is not None else self.next
        self.next = pts + (getattr(frame, "duration", None) or self.step)
        if self.first is None:
            self.first = pts
        t = float((pts - self.first) * self.tb) * self.scale
        if t <= self.prev_t:  # duplicate or out-of-order timestamp: keep time monotonic
            t = self.prev_t + 1e-6
        self.prev_t = t
        return t


class _FrameGuard:
    """The limits every decoded frame of one pass must keep, checked before it becomes an array.

    A frame must have the first frame's picture size (:attr:`VideoInfo.stored_size`):
    one outside :data:`MIN_SIDE_PX`..:data:`MAX_SIDE_PX` pixels per side is
    refused as ``frame_size``, and one within them as ``size_changed``, since
    the pose series keeps one width and height and pixel coordinates of frames
    of another size would not fit them. Its stream time (s, real time) must not
    pass :data:`MAX_DURATION_S` (``too_long``), and the pass must not decode more
    than :data:`MAX_FRAMES` frames (``too_many_frames``).
    """

    def __init__(self, name: str, info: VideoInfo):
        self.name = name
        self.size = info.stored_size
        self.rotated = info.rotation_deg in (90, 270)
        self.decoded = 0
        self.t_s = 0.0  # time of the last frame checked (s)

    def check(self, frame, t_s: float) -> None:
        """Raise :class:`VideoError` if ``frame`` (at ``t_s`` seconds) breaks a limit."""
        self.decoded += 1
        self.t_s = t_s
        if (frame.width, frame.height) != self.size:
            raise self.size_error(frame.width, frame.height, f"at {t_s:.1f} s")
        if t_s > MAX_DURATION_S:
            raise VideoError(f"{self.name} lasts longer than {_span(MAX_DURATION_S)}; the limit is {_span(MAX_DURATION_S)} — trim it to 10–60 s of steady running", "too_long")
        if self.decoded > MAX_FRAMES:
            raise VideoError(f"{self.name} has more than {MAX_FRAMES:,} frames, more than a clip within the {_span(MAX_DURATION_S)} limit holds at {MAX_FPS:g} frames per second — trim it to 10–60 s of steady running", "too_many_frames")

    def size_error(self, w: int, h: int, where: str) -> VideoError:
        """The error for a frame of ``w``×``h`` stored pixels at ``where`` ("at 3.2 s")."""
        (w, h), (w0, h0) = ((h, w), self.size[::-1]) if self.rotated else ((w, h), self.size)
        if max(w, h) > MAX_SIDE_PX or min(w, h) < MIN_SIDE_PX:
            return VideoError(f"{self.name} changes its picture size to {w}×{h} pixels {where}; formcheck accepts {MIN_SIDE_PX} to {MAX_SIDE_PX} pixels per side — export the clip again at 720p or 1080p", "frame_size")
        return VideoError(f"{self.name} changes its picture size mid-clip, from {w0}×{h0} to {w}×{h} pixels {where}; formcheck needs one picture size for the whole clip — export the clip again at 720p or 1080p", "size_changed")

    def refused(self, codec_context) -> VideoError | None:
        """The error when the decoder stopped at a new picture size (None when the size did not change).

        FFmpeg's decoders keep the size they refused in the codec context, or
        set it to 0×0 (``ff_set_dimensions``) when they refuse it outright.
        """
        w, h = codec_context.width, codec_context.height
        if (w, h) == self.size:
            return None
        where = f"after {self.t_s:.1f} s" if self.decoded else "part-way"
        if w and h:
            return self.size_error(w, h, where)
        return VideoError(f"{self.name} changes its picture size {where} to one the decoder refuses; formcheck accepts {MIN_SIDE_PX} to {MAX_SIDE_PX} pixels per side — export the clip again at 720p or 1080p", "frame_size")


def iter_frames(info: VideoInfo, *, start_s: float = 0.0, end_s: float | None = None,
                every: int = 1) -> Iterator[Frame]:
    """Decode ``info.path`` frame by frame, every frame held to the limits.

    Parameters
    ----------
    info : VideoInfo
        From :func:`probe`.
    start_s, end_s : float
        Real-time window to yield, in seconds (frames outside it are decoded
        but skipped; ``start_s`` seeks to the nearest earlier keyframe first).
    every : int
        Yield only every ``every``-th frame of the window (the others are
        decoded and checked but never converted to an array: a sparse sample
        costs little more than the decoding).

    Yields
    ------
    Frame
        Upright RGB frames with real-time timestamps; ``index`` counts from the
        first frame of the clip when ``start_s == 0``.

    Raises
    ------
    VideoError
        If decoding fails part-way (truncated or corrupt file), no frame
        decodes, or a frame breaks a limit (see :class:`_FrameGuard`: codes
        ``frame_size``, ``size_changed``, ``too_long``, ``too_many_frames``);
        the check comes before the frame is converted, so no array of a
        refused frame is ever made.
    """
    import av
    import cv2

    path = Path(info.path)
    k = (info.rotation_deg // 90) % 4
    # clockwise quarter turns; cv2 rotates ~100x faster than np.rot90 + a copy
    turn = {1: cv2.ROTATE_90_CLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_COUNTERCLOCKWISE}.get(k)
    every = max(1, int(every))
    seen = 0  # frames of the window decoded so far
    guard = _FrameGuard(path.name, info)
    container = _open(path)
    n = 0
    with container:
        stream = _video_stream(container)
        # Slice threads only: frame threading costs ~35 % more CPU for the same
        # frames, and the pose model needs every core (measured: 2.5 vs 1.9 s
        # CPU for 1,200 frames of 720p H.264).
        stream.thread_type = "SLICE"
        clock = _Clock(stream, info)
        if start_s > 0:
            clock.seek(container, stream, path, start_s)
        try:
            for frame in container.decode(stream):
                t = clock.time(frame)
                guard.check(frame, t)
                if t < start_s - 1e-9:
                    continue
                if end_s is not None and t > end_s + 1e-9:
                    break
                seen += 1
                if (seen - 1) % every:
                    continue
                img = frame.to_ndarray(format="rgb24")
                # PyAV pads rows; MediaPipe needs a dense buffer (cv2.rotate returns one).
                img = cv2.rotate(img, turn) if turn is not None else np.ascontiguousarray(img)
                yield Frame(index=seen - 1, t_s=t, image=img)
                n += 1
        except av.error.FFmpegError as exc:
            raise guard.refused(stream.codec_context) or VideoError(f"{path.name} is truncated or corrupt: decoding stopped after {n} frames ({_av_reason(exc)}); copy the original file again", "corrupt") from None
    if n == 0 and start_s == 0:
        raise VideoError(f"{path.name} contains no decodable frames; the file is damaged or truncated", "corrupt")
    if start_s == 0 and end_s is None and info.n_frames_hint and guard.decoded < info.n_frames_hint - 2:
        raise VideoError(f"{path.name} is truncated: only {guard.decoded} of its {info.n_frames_hint} frames could be decoded; copy the original file again", "truncated")


def _first_pts(path: Path) -> int | None:
    """``pts`` of the clip's first frame (time-base units); None when its frames carry none."""
    container = _open(path)
    with container:
        for frame in container.decode(_video_stream(container)):
            return frame.pts
    return None


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
