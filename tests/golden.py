"""Golden outputs: the full analysis JSON of fixed inputs, committed, compared to printed precision.

A refactor must not change a single number, name or text of the public
contract. The goldens are the engine's result on exact (oracle) landmarks of
the bundled samples' truth and of the test fixtures' runners, in both
languages, and the whole ``formcheck analyze`` result of the two bundled sample
clips with the provisioned model. ``python scripts/update_golden.py`` rewrites
them; do that only for a change that is meant to move the numbers, and say so
in the commit.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "data" / "golden"
SAMPLES = ("synthetic_treadmill_right.mp4", "synthetic_treadmill_right_after.mp4")
#: Fields that change with every release or machine, never compared.
VOLATILE = {("formcheck_version",)}
MAX_DECIMALS = 6


def normalise(result: dict) -> dict:
    """``result`` without version fields, with the video path reduced to its file name, floats to 6 decimals."""
    out = json.loads(json.dumps(result))
    out.pop("formcheck_version", None)
    if isinstance(out.get("video"), dict) and out["video"].get("path"):
        out["video"]["path"] = Path(out["video"]["path"]).name
    return _round(out)


def _round(x):
    if isinstance(x, float):
        return round(x, MAX_DECIMALS) if math.isfinite(x) else x
    if isinstance(x, dict):
        return {k: _round(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_round(v) for v in x]
    return x


def _decimals(x: float) -> int:
    s = repr(x)
    return 0 if "e" in s or "." not in s else min(len(s.split(".")[1]), MAX_DECIMALS)


def differences(golden, new, where: str = "") -> list[str]:
    """Every place where ``new`` differs from ``golden`` (floats equal when they print the same)."""
    if isinstance(golden, float) and isinstance(new, (int, float)) and not isinstance(new, bool):
        if math.isnan(golden) and math.isnan(new):
            return []
        return [] if round(float(new), _decimals(golden)) == golden else [f"{where}: {golden!r} → {new!r}"]
    if type(golden) is not type(new):
        return [f"{where}: {golden!r} → {new!r}"]
    if isinstance(golden, dict):
        out = [f"{where}.{k}: missing" for k in golden if k not in new]
        out += [f"{where}.{k}: new field" for k in new if k not in golden]
        for k in golden:
            if k in new:
                out += differences(golden[k], new[k], f"{where}.{k}")
        return out
    if isinstance(golden, list):
        if len(golden) != len(new):
            return [f"{where}: {len(golden)} items → {len(new)}"]
        return [d for i, (a, b) in enumerate(zip(golden, new)) for d in differences(a, b, f"{where}[{i}]")]
    return [] if golden == new else [f"{where}: {golden!r} → {new!r}"]


def load(name: str) -> dict:
    return json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))


def save(name: str, result: dict) -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    (GOLDEN / f"{name}.json").write_text(json.dumps(normalise(result), indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                                         encoding="utf-8")


def oracle_cases():
    """``{name: (truth_loader)}``: the exact-landmark inputs (truth dicts) the goldens rest on."""
    from formcheck.synth import Gait, Scene

    return {
        "oracle_right": (Gait(), Scene(facing="right", fps=60, width=640, height=360, duration_s=6.0, seed=1)),
        "oracle_back_left": (Gait(cadence_spm=160), Scene(facing="left", direction="backward", fps=60, width=640,
                                                          height=360, duration_s=6.0, seed=2)),
        "oracle_og_left": (Gait(cadence_spm=176), Scene(facing="left", setting="overground", fps=120, width=1280,
                                                        height=360, seed=3)),
    }


def sample_truth(name: str) -> dict:
    return json.loads((ROOT / "sample_videos" / f"{name}.truth.json").read_text(encoding="utf-8"))


def full_result(*, compact: bool = False, **changes) -> dict:
    """A complete, contract-valid analysis result (the bundled sample's golden one), with ``changes``.

    ``changes`` maps a dotted path (``"video.capture_fps"``, ``"metrics.cadence_spm.value"``)
    to its new value; for the store and dashboard tests that need a stored session.
    ``compact`` keeps only the cadence among the metrics and no strides or events
    (still valid: about 1 kB instead of 22).
    """
    r = load("synthetic_treadmill_right.mp4.analysis.de")
    r["formcheck_version"] = "test"
    if compact:
        r["strides"], r["metrics"] = [], {"cadence_spm": r["metrics"]["cadence_spm"]}
        r["events"] = {s: {"ic_s": [], "to_s": []} for s in ("left", "right")}
    for path, value in changes.items():
        *parents, last = path.split(".")
        node = r
        for k in parents:
            node = node[k]
        node[last] = value
    return r
