"""The golden-output guard: today's results equal the committed ones, number for number.

Fails with the list of every field that moved. A change meant to move the
numbers regenerates the goldens with ``python scripts/update_golden.py``.
"""

from __future__ import annotations

import pytest

from formcheck.pipeline import analyze, run_engine
from tests.golden import SAMPLES, differences, load, normalise, sample_truth
from tests.oracle import oracle_info, oracle_series


def _check(name: str, result: dict) -> None:
    diff = differences(load(name), normalise(result))
    assert not diff, f"{name}: {len(diff)} field(s) differ from tests/data/golden/{name}.json:\n" + "\n".join(diff[:40])


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("fixture", ["oracle_truth_right", "oracle_truth_left_backward", "oracle_truth_overground"])
def test_engine_on_exact_landmarks_is_unchanged(request, fixture, lang):
    truth = request.getfixturevalue(fixture)
    name = {"oracle_truth_right": "oracle_right", "oracle_truth_left_backward": "oracle_back_left",
            "oracle_truth_overground": "oracle_og_left"}[fixture]
    _check(f"{name}.{lang}", run_engine(oracle_series(truth), oracle_info(truth), lang=lang))


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("sample", SAMPLES)
def test_engine_on_the_samples_truth_is_unchanged(sample, lang):
    truth = sample_truth(sample)
    _check(f"{sample}.oracle.{lang}", run_engine(oracle_series(truth), oracle_info(truth), lang=lang))


@pytest.mark.slow
@pytest.mark.parametrize("sample", SAMPLES)
def test_whole_analysis_of_the_bundled_samples_is_unchanged(sample, model_path):
    from tests.golden import ROOT

    a = analyze(ROOT / "sample_videos" / sample, lang="de", model=model_path)
    _check(f"{sample}.analysis.de", a.result)
    _check(f"{sample}.analysis.en", {**a.result, **run_engine(a.series, a.info, lang="en")})
