"""Files written from a result: atomic text files, the landmark tables, the per-stride CSV."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from formcheck.io.pose import LANDMARK_NAMES, PoseSeries


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename (never half-written).

    A path that is not a regular file (``/dev/null``, ``/dev/stdout``, a named
    pipe) is written to directly: renaming over a device would replace it.

    Raises
    ------
    OSError
        If the file cannot be written (disk full, read-only, no permission); the
        temporary file is removed first and ``path`` is left as it was.
    """
    path = Path(path)
    if path.exists() and not path.is_file():
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())  # a full disk shows here at the latest, before the rename
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_pose_outputs(series: PoseSeries, out_dir: Path) -> list[str]:
    """Write ``pose.npz`` and a long-format ``pose.csv`` (frame, t_s, landmark, x, y, z, visibility, presence).

    Both or neither: if either cannot be written, the ``OSError`` is raised after removing the
    ``pose.npz`` just written and the folder if this call created it.
    """
    lines = ["frame,t_s,landmark,x_px,y_px,z,visibility,presence"]
    for i in range(series.n_frames):
        if not series.found[i]:
            continue
        for j, name in enumerate(LANDMARK_NAMES):
            x, y, z, v, p = (float(c) for c in series.image[i, j])
            lines.append(f"{i},{series.t[i]:.6f},{name},{x:.2f},{y:.2f},{z:.2f},{v:.3f},{p:.3f}")
    created = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        series.save(out_dir / "pose.npz")
        write_text_atomic(out_dir / "pose.csv", "\n".join(lines) + "\n")
    except BaseException:
        (out_dir / "pose.npz").unlink(missing_ok=True)
        if created:
            with contextlib.suppress(OSError):
                out_dir.rmdir()
        raise
    return ["pose.npz", "pose.csv"]


def strides_csv(result: dict) -> str:
    """The per-stride table of a result as CSV (one row per contact, metric columns in contract order)."""
    import csv
    import io

    from formcheck.engine.registry import SPECS as METRICS

    rows = result.get("strides", [])
    cols = ["side", "ic_s", "to_s", "next_ic_s"]
    extra = [k for k in METRICS if any(k in r for r in rows)] + ["step_time_ms"]
    cols += [k for k in extra if any(k in r for r in rows)]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in rows:
        w.writerow(["" if r.get(c) is None else r.get(c) for c in cols])
    return buf.getvalue()
