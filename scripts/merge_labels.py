"""Merge two independent hand-labelling passes of a real clip into its truth file.

Reads ``tests/data/real/passes/{A,B}/<clip>.labels.json`` and writes
``tests/data/real/<clip>.truth.json`` for every clip both passes labelled
(method: ``tests/data/real/README.md``):

- an event (initial contact or toe-off, near or far foot) is truth when both
  passes put it within :data:`AGREE_FRAMES` frames of each other; the truth
  frame is their mean, and every pair that differs at all is recorded in
  ``disagreements``; an event only one pass saw is listed under ``one_pass_only``
  and is not truth;
- a scene fact (setting, plane, facing, direction, gait, near side) is truth when
  both passes say the same, else null with the disagreement recorded;
- the cadence is truth when the two counts agree within :data:`CADENCE_AGREE_PCT`
  (their mean), else null with both recorded.

Where the passes name the feet differently (a rear view: left/right; a clip where
a labeller could not tell near from far: foot_a/foot_b; or near/far standing for
other feet, stated in a pass's ``event_feet``), ``passes/reconcile.json`` says,
per clip, which pass names are the same foot and which frames show it (``feet``:
``{truth name: {pass: pass name}}``). The events are then merged under the truth
names (``near``/``far`` stay in every truth file, empty in a rear view), the
mapping goes into the truth file as ``foot_names``, and a pass that called a
foot by another anatomical or near/far name is recorded in ``disagreements``.
The same file may hold facts measured from the clip itself (``frame_timing``,
extra ``cadence`` fields), copied into the truth file. A clip whose passes name
the feet differently and that has no entry there gets no truth file.

    .venv/bin/python scripts/merge_labels.py
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "data" / "real"
AGREE_FRAMES = 1.5
"""Two passes' frames for one event further apart than this are two different readings, not one event."""
CADENCE_AGREE_PCT = 1.0
"""Cadence counts within this (% of their mean) agree."""
FACTS = ("setting", "plane", "facing", "direction", "gait", "near_side")
FEET = ("near", "far")
"""Foot names every truth file has (benchmarks/real_suite.py reads ``events.near``)."""
NAMED = ("near", "far", "left", "right")
"""Foot names that say which foot it is (``foot_a``/``foot_b`` say only that there are two)."""


def _clip_name(path: Path) -> str:
    name = path.name[: -len(".labels.json")]
    return name if name.endswith(".mp4") else name + ".mp4"


def passes() -> dict[str, dict[str, dict]]:
    """``{clip: {"A": labels, "B": labels}}`` for every clip with a labels file in a pass folder."""
    out: dict[str, dict[str, dict]] = {}
    for folder in sorted(p for p in (REAL / "passes").iterdir() if p.is_dir()):
        for path in sorted(folder.glob("*.labels.json")):
            out.setdefault(_clip_name(path), {})[folder.name] = json.loads(path.read_text(encoding="utf-8"))
    return out


def merge_events(a: list[float], b: list[float], where: str) -> tuple[list[float], list[dict], list[dict]]:
    """Truth frames both lists agree on, the differences, and what only one list has."""
    a, b = sorted(a or []), sorted(b or [])
    truth, diffs, single, used = [], [], [], set()
    for fa in a:
        cands = [(abs(fb - fa), j) for j, fb in enumerate(b) if j not in used and abs(fb - fa) <= AGREE_FRAMES]
        if not cands:
            single.append({"where": where, "pass": "A", "frame": fa})
            continue
        _, j = min(cands)
        used.add(j)
        truth.append((fa + b[j]) / 2.0)
        if fa != b[j]:
            diffs.append({"where": where, "A": fa, "B": b[j]})
    single += [{"where": where, "pass": "B", "frame": fb} for j, fb in enumerate(b) if j not in used]
    return truth, diffs, single


def reconciled() -> dict[str, dict]:
    """``passes/reconcile.json`` by clip: foot-name mappings and measured facts (see the module docstring)."""
    path = REAL / "passes" / "reconcile.json"
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {k: v for k, v in data.items() if not k.startswith("_")}


def rename_feet(labels: dict, feet: dict[str, dict[str, str]], letter: str) -> dict:
    """A copy of pass ``letter``'s ``labels`` with its events under the truth's foot names ``feet``."""
    out = dict(labels)
    ev = labels.get("events") or {}
    missing = sorted(names[letter] for names in feet.values() if names[letter] not in ev)
    if missing:
        raise KeyError(f"{labels.get('clip')}: pass {letter} has no events named {', '.join(missing)} "
                       "(passes/reconcile.json)")
    out["events"] = {name: ev[names[letter]] for name, names in feet.items()}
    out.pop("event_feet", None)
    return out


def naming_disagreements(feet: dict[str, dict[str, str]], by_pass: dict[str, dict]) -> list[dict]:
    """Feet a pass called by another side than the truth does (names like foot_a make no claim)."""
    out = []
    for name, names in feet.items():
        said = {}
        for letter, n in names.items():
            claim = (by_pass[letter].get("event_feet") or {}).get(n, n)
            said[letter] = claim if claim in NAMED else None
        if any(c not in (None, name) for c in said.values()):
            out.append({"where": f"name of the foot the truth calls {name}", **said})
    return out


def merge(clip: str, a: dict, b: dict, feet: tuple[str, ...] = FEET) -> dict:
    """The truth of one clip from passes ``a`` and ``b`` (see the module docstring), over the foot names ``feet``."""
    truth = {"clip": clip, "fps": a.get("fps"), "n_frames": a.get("n_frames"),
             "labelled_by": "formcheck project, two independent passes by eye from zoomed frame crops "
                            "(tests/data/real/README.md)",
             "disagreements": [], "one_pass_only": []}
    for k in FACTS:
        if a.get(k) == b.get(k):
            truth[k] = a.get(k)
        else:
            truth[k] = None
            truth["disagreements"].append({"where": k, "A": a.get(k), "B": b.get(k)})
    truth["feet_in_frame"] = {"A": a.get("feet_in_frame"), "B": b.get("feet_in_frame")}
    truth["events"] = {}
    for foot in FEET + tuple(f for f in feet if f not in FEET):
        truth["events"][foot] = {}
        for kind in ("ic", "to"):
            t, d, s = merge_events(((a.get("events") or {}).get(foot) or {}).get(kind),
                                   ((b.get("events") or {}).get(foot) or {}).get(kind), f"{foot} {kind}")
            truth["events"][foot][kind] = t
            truth["disagreements"] += d
            truth["one_pass_only"] += s
    ca, cb = (a.get("cadence") or {}), (b.get("cadence") or {})
    sa, sb = ca.get("spm"), cb.get("spm")
    if sa and sb and abs(sa - sb) / (0.5 * (sa + sb)) * 100 <= CADENCE_AGREE_PCT:
        truth["cadence"] = {"spm": round(0.5 * (sa + sb), 1), "A": ca, "B": cb}
    else:
        truth["cadence"] = None if not (sa or sb) else {"spm": None, "A": ca, "B": cb}
        if sa or sb:
            truth["disagreements"].append({"where": "cadence", "A": sa, "B": sb})
    truth["cannot_judge"] = sorted(set((a.get("cannot_judge") or []) + (b.get("cannot_judge") or [])))
    return truth


def main() -> None:
    for clip, by_pass in passes().items():
        if not {"A", "B"} <= set(by_pass):
            print(f"{clip}: only pass {', '.join(sorted(by_pass))} so far, no truth file")
            continue
        keys = [set((p.get("events") or {})) | ({"event_feet"} if "event_feet" in p else set()) for p in by_pass.values()]
        extra = reconciled().get(clip)
        if any(k - set(FEET) for k in keys) and not (extra and "feet" in extra):
            # a rear view or a clip where near/far could not be told: the passes name the feet differently
            print(f"{clip}: the passes name the feet differently ({', '.join(sorted(set().union(*keys)))}); "
                  "no truth file until they are read side by side (passes/reconcile.json)")
            continue
        if extra and "feet" in extra:
            feet = extra["feet"]
            truth = merge(clip, *(rename_feet(by_pass[x], feet, x) for x in ("A", "B")), feet=tuple(feet))
            truth["disagreements"] += naming_disagreements(feet, by_pass)
            truth["foot_names"] = {"truth name: pass name": feet, "how": extra.get("feet_how")}
        else:
            truth = merge(clip, by_pass["A"], by_pass["B"])
        if extra and "frame_timing" in extra:
            truth["frame_timing"] = extra["frame_timing"]
        if extra and "cadence" in extra:
            truth["cadence"] = {**(truth["cadence"] or {"spm": None}), **extra["cadence"]}
        (REAL / f"{clip}.truth.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n",
                                                 encoding="utf-8")
        n = sum(len(v) for f in truth["events"].values() for v in f.values())
        print(f"{clip}: {n} events agreed, {len(truth['disagreements'])} disagreements, "
              f"{len(truth['one_pass_only'])} seen by one pass only; cadence "
              f"{(truth['cadence'] or {}).get('spm')}")


if __name__ == "__main__":
    main()
