"""Treadmill speed through the whole pipeline (MediaPipe) on the synthetic runner: cm values against its truth."""

from __future__ import annotations

import pytest

from formcheck.pipeline import analyze
from formcheck.synth import load_truth


def test_cm_values_through_mediapipe_match_the_synthetic_truth(synth_clip, model_path):
    """The 4 s synthetic treadmill runner (``synth_clip``) analysed with its true belt speed.

    Tolerances, from what the pose model does to this clip: step length 2 % (it rests on the cadence only);
    cm per pixel 12 % (MediaPipe reads the near foot's mid-stance motion about 9 % slower than the belt: the
    scale comes out that much large); vertical oscillation 1.0 cm, about 10 % (MediaPipe's hip range reads
    about 10 % small in % of leg length, which the large scale partly makes up: 10.3 cm for a true 10.6).
    """
    truth = load_truth(synth_clip)
    v = truth["speed_m_s"]
    a = analyze(synth_clip, lang="en", model=model_path, speed_mps=v)
    m, tm = a.result["metrics"], truth["metrics"]
    assert a.result["analysis"]["cm_per_px"] == pytest.approx(100.0 / truth["px_per_m"], rel=0.12)
    assert m["step_length_cm"]["value"] == pytest.approx(v / (tm["cadence_spm"] / 60.0) * 100.0, rel=0.02)
    vo_true_cm = tm["vertical_oscillation_pct_leg"] / 100.0 * truth["leg_length_m"] * 100.0
    assert m["vertical_oscillation_cm"]["value"] == pytest.approx(vo_true_cm, abs=1.0)
