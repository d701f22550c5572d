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


#: Decimals of the per-stride table's numbers on screen, by unit (times in s to the ms, angles to a tenth).
_TABLE_DECIMALS = {"s": 3, "ms": 0, "steps/min": 0}


def strides_table(result: dict, lang: str) -> list[dict[str, str]]:
    """The per-stride table for the screen: column names and sides in ``lang``, numbers in its notation.

    Same rows and columns as :func:`strides_csv` (whose header keeps the stable English keys).
    """
    from formcheck.engine.registry import SPECS as METRICS
    from formcheck.i18n import METRIC_LABELS, UNITS, number, tr

    rows = result.get("strides", [])
    cols = ["side", "ic_s", "to_s", "next_ic_s"]
    extra = [k for k in METRICS if any(k in r for r in rows)] + ["step_time_ms"]
    cols += [k for k in extra if any(k in r for r in rows)]

    def head(c: str) -> str:
        if c in METRICS:
            unit = METRICS[c].unit
            return f"{METRIC_LABELS[c][lang]} ({UNITS.get(unit, {}).get(lang, unit)})"
        return tr(f"col_{c}", lang)

    def unit_of(c: str) -> str:
        return METRICS[c].unit if c in METRICS else ("ms" if c.endswith("_ms") else "s")

    def cell(c: str, v) -> str:
        if v is None:
            return ""
        if c == "side":
            return tr(v, lang)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return number(v, lang, _TABLE_DECIMALS.get(unit_of(c), 1))
        return str(v)
    return [{head(c): cell(c, r.get(c)) for c in cols} for r in rows]
