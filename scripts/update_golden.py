"""Rewrite tests/data/golden/ from today's code (see tests/golden.py): only for a change meant to move numbers."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from formcheck.pipeline import analyze, run_engine  # noqa: E402
from formcheck.synth import generate  # noqa: E402
from tests.golden import ROOT, SAMPLES, oracle_cases, sample_truth, save  # noqa: E402
from tests.oracle import oracle_info, oracle_series  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name, (gait, scene) in oracle_cases().items():
            truth = generate(Path(tmp) / f"{name}.mp4", gait, scene)
            for lang in ("de", "en"):
                save(f"{name}.{lang}", run_engine(oracle_series(truth), oracle_info(truth), lang=lang))
    for sample in SAMPLES:
        truth = sample_truth(sample)
        for lang in ("de", "en"):
            save(f"{sample}.oracle.{lang}", run_engine(oracle_series(truth), oracle_info(truth), lang=lang))
        a = analyze(ROOT / "sample_videos" / sample, lang="de", use_cache=False)
        save(f"{sample}.analysis.de", a.result)
        save(f"{sample}.analysis.en", {**a.result, **run_engine(a.series, a.info, lang="en")})
        print("golden written for", sample)


if __name__ == "__main__":
    main()
