"""Regenerate the bundled demo clips in sample_videos/ (``make samples``).

They are made by the project's own synthetic runner, so they carry exact truth
(``<clip>.truth.json``) and contain no real person.
"""

from pathlib import Path

from formcheck.synth import Gait, Scene, generate, walking_gait

OUT = Path(__file__).resolve().parents[1] / "sample_videos"

SAMPLES = {
    # a treadmill runner seen from the right, mild overstride: the dashboard's default demo
    "synthetic_treadmill_right.mp4": (Gait(cadence_spm=162, thigh_ic_deg=25, knee_ic_deg=14),
                                     Scene(facing="right", fps=60, width=960, height=540, duration_s=8, noise=2, seed=1)),
    # the same runner after retraining: higher cadence, landing closer under the hip (for the compare page)
    "synthetic_treadmill_right_after.mp4": (Gait(cadence_spm=172, thigh_ic_deg=20, knee_ic_deg=19),
                                           Scene(facing="right", fps=60, width=960, height=540, duration_s=8, noise=2, seed=1)),
}

#: clips that switch gait (synth.BoutModel): walk–run intervals as Lauftherapie doses them, shortened
BOUT_SAMPLES = {
    "synthetic_walk_run_walk.mp4": ([(walking_gait(), 5.0), (Gait(cadence_spm=166.0, landing="falling"), 6.0),
                                     (walking_gait(), 5.0)],
                                    Scene(facing="right", fps=30, width=960, height=540, noise=2, seed=31)),
}

if __name__ == "__main__":
    for name, (gait, scene) in SAMPLES.items():
        generate(OUT / name, gait, scene)
        print("wrote", OUT / name)
    for name, (parts, scene) in BOUT_SAMPLES.items():
        generate(OUT / name, scene=scene, bouts=parts)
        print("wrote", OUT / name)
