"""Hostile video inputs made with PyAV: streams that break the limits after their first frame.

Frames are filled plane by plane (no RGB arrays), so even an 8000×8000
picture costs only its encoder's memory while it is made.
"""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import av


def _frame(w: int, h: int, pix: str, i: int) -> av.VideoFrame:
    """A flat ``w``×``h`` picture whose grey level changes with ``i`` (so inter frames are real)."""
    frame = av.VideoFrame(w, h, pix)
    for plane in frame.planes:
        plane.update(bytes([(40 + 8 * i) % 256]) * plane.buffer_size)
    return frame


def h264_annexb(w: int, h: int, n: int, fps: int = 30) -> bytes:
    """``n`` frames of ``w``×``h`` pixels as a raw H.264 (Annex-B) stream, SPS and PPS in-band.

    Two such streams concatenated are one stream that changes its picture size
    where the second starts (its own SPS and IDR frame).
    """
    buf = io.BytesIO()
    with av.open(buf, "w", format="h264") as c:
        s = c.add_stream("libx264", rate=fps)
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        s.options = {"preset": "ultrafast", "crf": "35", "x264-params": "keyint=30:threads=1:rc-lookahead=0"}
        for i in range(n):
            frame = _frame(w, h, "yuv420p", i)
            frame.pts = i
            c.mux(s.encode(frame))
        c.mux(s.encode())
    return buf.getvalue()


def size_switch_h264(path: Path, big: tuple[int, int], *, small_s: float = 1.0, fps: int = 30,
                     n_big: int = 2) -> Path:
    """A raw ``.h264`` stream: 320×240 for ``small_s`` seconds, then ``n_big`` frames of ``big`` (w, h)."""
    path.write_bytes(h264_annexb(320, 240, int(round(small_s * fps)), fps) + h264_annexb(*big, n_big, fps))
    return path


def raw_h264(path: Path, seconds: float, fps: int = 30) -> Path:
    """A raw ``.h264`` stream of 320×240 frames lasting ``seconds`` (no container, no duration)."""
    path.write_bytes(h264_annexb(320, 240, int(round(seconds * fps)), fps))
    return path


def size_switch_ts(path: Path, big: tuple[int, int], *, small_s: float, big_s: float, fps: int = 30) -> Path:
    """An MPEG-TS clip (timestamps and a duration): 320×240 for ``small_s`` s, then ``big`` for ``big_s`` s."""
    raw = path.with_suffix(".h264")
    raw.write_bytes(h264_annexb(320, 240, int(round(small_s * fps)), fps)
                    + h264_annexb(*big, int(round(big_s * fps)), fps))
    with av.open(str(raw)) as src, av.open(str(path), "w", format="mpegts") as out:
        ost = out.add_stream_from_template(src.streams.video[0])
        for i, packet in enumerate(p for p in src.demux(src.streams.video[0]) if p.size):
            packet.stream = ost
            packet.time_base = Fraction(1, fps)
            packet.pts = packet.dts = i
            out.mux(packet)
    raw.unlink()
    return path


def _mjpeg_packets(w: int, h: int, n: int) -> list[bytes]:
    buf = io.BytesIO()
    with av.open(buf, "w", format="mjpeg") as c:
        s = c.add_stream("mjpeg", rate=30)
        s.width, s.height, s.pix_fmt = w, h, "yuvj420p"
        packets = []
        for i in range(n):
            frame = _frame(w, h, "yuvj420p", i)
            frame.pts = i
            packets += [bytes(p) for p in s.encode(frame)]
        packets += [bytes(p) for p in s.encode()]
    return packets


def size_switch_mjpeg_avi(path: Path, big: tuple[int, int], *, n_small: int = 30, n_big: int = 2) -> Path:
    """An AVI of MJPEG frames (each JPEG carries its own size): ``n_small`` at 320×240, then ``n_big`` of ``big``."""
    with av.open(str(path), "w") as c:
        s = c.add_stream("mjpeg", rate=30)
        s.width, s.height, s.pix_fmt = 320, 240, "yuvj420p"
        for i, data in enumerate(_mjpeg_packets(320, 240, n_small) + _mjpeg_packets(*big, n_big)):
            packet = av.Packet(data)
            packet.stream = s
            packet.time_base = Fraction(1, 30)
            packet.pts = packet.dts = i
            c.mux(packet)
    return path
