"""Comparison verdicts, gait-cycle normalisation, CSV and PDF outputs (no pose model)."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from formcheck.outputs.charts import progress_chart
from formcheck.outputs.compare import compare_results, metric_history, noise_floor
from formcheck.engine.metrics import cycle_normalised
from formcheck.pipeline import run_engine, strides_csv
from formcheck.outputs.report import pdf_report
from tests.oracle import oracle_info, oracle_series


def _result(**metrics):
    return {"metrics": {k: {"value": v, "confidence": c} for k, (v, c) in metrics.items()}}


def test_real_change_only_beyond_the_noise_floor():
    before = _result(knee_flexion_ic_deg=(12.0, "high"), trunk_lean_deg=(8.0, "high"), cadence_spm=(160.0, "high"),
                     shank_angle_ic_deg=(9.0, "low"))
    after = _result(knee_flexion_ic_deg=(17.0, "high"), trunk_lean_deg=(9.5, "high"), cadence_spm=(168.0, "high"),
                    shank_angle_ic_deg=(3.0, "medium"))
    got = {c.name: c for c in compare_results(before, after)}
    assert got["knee_flexion_ic_deg"].verdict == "real_change" and got["knee_flexion_ic_deg"].diff == 5.0
    assert got["trunk_lean_deg"].verdict == "within_noise"  # 1.5° < 2.3°
    assert got["cadence_spm"].verdict == "real_change"  # 8 > 2 % of 164
    assert got["cadence_spm"].noise_floor == pytest.approx(3.28)
    assert got["shank_angle_ic_deg"].verdict == "uncertain"  # a low-confidence value cannot show a change


def test_metric_missing_on_one_side_is_not_measured():
    got = compare_results(_result(pelvic_drop_deg=(4.0, "high")), _result(pelvic_drop_deg=(None, None)))
    assert [(c.name, c.verdict) for c in got] == [("pelvic_drop_deg", "not_measured")]


def test_history_judges_each_session_against_the_baseline():
    sessions = [("s1", _result(trunk_lean_deg=(None, None))),  # not measured: the baseline is the next one
                ("s2", _result(trunk_lean_deg=(12.0, "high"))),
                ("s3", _result(trunk_lean_deg=(10.5, "high"))),  # −1.5° < 2.3°
                ("s4", _result(trunk_lean_deg=(9.0, "medium"))),  # −3.0° > 2.3°
                ("s5", _result(trunk_lean_deg=(6.0, "low")))]
    h = metric_history(sessions, "trunk_lean_deg")
    assert [p.value for p in h] == [None, 12.0, 10.5, 9.0, 6.0]
    assert h[0].since_baseline is None and h[1].since_baseline is None  # the baseline itself
    assert [p.since_baseline.verdict for p in h[2:]] == ["within_noise", "real_change", "uncertain"]
    assert h[3].since_baseline.diff == -3.0 and h[3].since_baseline.noise_floor == 2.3


def test_progress_chart_draws_values_normal_band_and_noise_around_baseline():
    sessions = [("01.09.", _result(cadence_spm=(160.0, "high"))), ("01.10.", _result(cadence_spm=(None, None))),
                ("01.11.", _result(cadence_spm=(170.0, "low")))]
    fig = progress_chart(metric_history(sessions, "cadence_spm"), "cadence_spm", "en")
    trace = fig.data[0]
    assert list(trace.x) == ["01.09.", "01.10.", "01.11."] and list(trace.y) == [160.0, None, 170.0]
    assert list(trace.marker.symbol) == ["circle", "circle", "circle-open"]  # low confidence: open marker
    shapes = [(s.y0, s.y1) for s in fig.layout.shapes]
    assert (160, 185) in shapes  # normal band (metrics.md)
    assert (pytest.approx(156.8), pytest.approx(163.2)) in shapes  # baseline 160 ± 2 %
    assert fig.layout.title.text == "Cadence (steps/min)"


def test_noise_floors_from_metrics_md():
    assert noise_floor("knee_flexion_peak_stance_deg", 40, 45) == 3.8
    assert noise_floor("pelvic_drop_deg", 3, 5) == 2.8
    assert noise_floor("contact_time_ms", 250, 250) == pytest.approx(17.5)


def test_cycle_normalisation_of_a_known_curve():
    fps = 100.0
    t = np.arange(0, 3, 1 / fps)
    curve = np.sin(2 * np.pi * t / 0.7)  # one cycle per 0.7 s stride
    rows = cycle_normalised(t, curve, [0.2, 0.9, 1.6, 2.3])
    assert rows.shape == (3, 101)
    expected = np.sin(2 * np.pi * (0.2 + np.linspace(0, 0.7, 101)) / 0.7)
    np.testing.assert_allclose(rows, np.tile(expected, (3, 1)), atol=0.02)


def test_the_report_font_is_embedded_from_a_package_and_has_every_glyph_of_the_catalogs():
    """No ASCII stand-ins any more: the catalogs' ≤ − – ± ° … print as themselves (DejaVu Sans from matplotlib)."""
    from fontTools.ttLib import TTFont

    from formcheck.i18n import _catalog
    from formcheck.outputs.report import font_paths

    paths = font_paths()
    assert {"", "B", "I"} <= set(paths) and all("site-packages" in str(p) or "mpl-data" in str(p) for p in paths.values())
    used = {ch for lang in ("de", "en") for t in _catalog(lang).messages.values()
            for ch in "".join(t if isinstance(t, tuple) else (t,))}
    for path in paths.values():
        cmap = TTFont(path).getBestCmap()
        assert not sorted(ch for ch in used if ord(ch) not in cmap), path.name


@pytest.fixture(scope="module")
def exact_result(oracle_truth_right):
    res = run_engine(oracle_series(oracle_truth_right), oracle_info(oracle_truth_right), lang="de")
    return {"schema_version": 1, "video": {"path": "runner.mp4", "fps": 60.0, "duration_s": 6.0, "n_frames": 360},
            **res}


def test_strides_csv_has_one_row_per_contact(exact_result):
    rows = list(csv.DictReader(io.StringIO(strides_csv(exact_result))))
    assert len(rows) == len(exact_result["strides"])
    assert {"side", "ic_s", "knee_flexion_ic_deg", "contact_time_ms"} <= set(rows[0])
    assert float(rows[0]["ic_s"]) == exact_result["strides"][0]["ic_s"]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_pdf_report_is_a_pdf(exact_result, lang):
    img = np.zeros((120, 80, 3), np.uint8)
    pdf = pdf_report(exact_result, lang, {"right": {"ic": img, "midstance": img, "to": img}})
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 1
    assert b"/Subtype /Image" in pdf


def test_json_to_a_device_writes_through_and_keeps_the_device(tmp_path):
    import os
    import stat

    from formcheck.pipeline import write_text_atomic

    write_text_atomic(os.devnull, "{}")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)  # still the device, not a regular file
    write_text_atomic(tmp_path / "a.json", "{}")
    assert (tmp_path / "a.json").read_text() == "{}" and not list(tmp_path.glob(".*part"))


def test_far_leg_marks_only_the_far_legs_own_values():
    from formcheck.outputs.report import far_leg

    side_view = {"analysis": {"near_side": "right"}}
    assert far_leg(side_view, "knee_flexion_ic_deg") == "left"
    assert far_leg(side_view, "contact_time_ms") == "left"
    # trunk and hip height are not a leg's; the far foot's steps carry their own reason
    assert far_leg(side_view, "trunk_lean_deg") is None
    assert far_leg(side_view, "vertical_oscillation_pct_leg") is None
    assert far_leg(side_view, "step_time_asymmetry_pct") is None
    assert far_leg({"analysis": {"near_side": None}}, "knee_flexion_ic_deg") is None  # rear view: no far leg
    assert far_leg({}, "knee_flexion_ic_deg") is None  # a stored result without the analysis block
