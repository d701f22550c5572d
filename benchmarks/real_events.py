"""How steady the gait events are on the real treadmill clip, stride by stride.

The synthetic suite (``accuracy.py``) knows every contact exactly but is a
rendered runner; the real clip ``../shared/videos/treadmill_side_male_30fps.mp4``
has no instrumented truth. A runner on a treadmill at a constant speed repeats
his stride to within a few per cent, so how much the detected events wobble
from stride to stride is a truth-free check on real footage: the near foot's
toe-off to toe-off intervals and its contact to contact intervals should
scatter about equally, and a per-stride angle read at a mistimed contact shows
up as spread. Also prints the error against the frames read by eye (the same
frames as the real-clip tests). Run by hand:

    .venv/bin/python benchmarks/real_events.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from formcheck.pipeline import analyze_video

CLIP = Path(__file__).resolve().parents[1] / ".." / "shared" / "videos" / "treadmill_side_male_30fps.mp4"

#: near (left) foot, 30 fps, first frame 0: first frame its shoe rests on the
#: belt, and the last frame it still touches it (tests/integration/test_engine.py);
#: 143 was read by eye for the contact the engine times at frame 147.
FIRST_ON_BELT = (15, 36, 58, 80, 143)
LAST_ON_BELT = (24, 45, 66.5)

PER_STRIDE = ("knee_flexion_ic_deg", "shank_angle_ic_deg", "heel_ahead_of_hip_ic_pct_leg",
              "foot_strike_angle_ic_deg", "contact_time_ms", "hip_extension_to_deg")


def main() -> int:
    if not CLIP.exists():
        print(f"{CLIP} is absent: this benchmark needs ../shared/videos next to the project")
        return 1
    res = analyze_video(CLIP, lang="en")
    fps = res["video"]["fps"]
    near = res["analysis"]["near_side"]
    ic = np.array(res["events"][near]["ic_s"]) * fps
    to = np.array(res["events"][near]["to_s"]) * fps
    print(f"{CLIP.name}: near foot {near}, {len(ic)} contacts, {len(to)} toe-offs, {fps:g} fps")
    print("contacts (frame):  " + " ".join(f"{x:.1f}" for x in ic))
    print("toe-offs (frame):  " + " ".join(f"{x:.1f}" for x in to))
    sd_ic, sd_to = np.std(np.diff(ic), ddof=1), np.std(np.diff(to), ddof=1)
    print(f"stride-to-stride SD of the intervals: contact {sd_ic:.2f} frames, toe-off {sd_to:.2f} frames")
    contact = np.array([to[to > x][0] - x for x in ic if (to > x).any()])
    print(f"contact per stride (frames): {' '.join(f'{c:.1f}' for c in contact)}; "
          f"median {np.median(contact):.1f}, SD {np.std(contact, ddof=1):.2f}")
    e_ic = [ic[np.argmin(np.abs(ic - f))] - f for f in FIRST_ON_BELT]
    e_to = [to[np.argmin(np.abs(to - (f + 0.5)))] - (f + 0.5) for f in LAST_ON_BELT]
    print("contacts minus first frame on the belt: " + " ".join(f"{e:+.2f}" for e in e_ic))
    print("toe-offs minus (last frame on the belt + 0.5): " + " ".join(f"{e:+.2f}" for e in e_to))
    print("per-stride spread (near foot):")
    for name in PER_STRIDE:
        vals = [s[name] for s in res["strides"] if s["side"] == near and s.get(name) is not None]
        vals = np.array([v for v in vals if np.isfinite(v)])
        m = res["metrics"][name]
        print(f"  {name:30s} median {np.median(vals):7.1f}  SD {np.std(vals, ddof=1):6.2f}  "
              f"range {vals.min():7.1f} .. {vals.max():7.1f}  (reported {m['value']}, {m['confidence']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
