"""Annotated video, key frames and the side-by-side comparison on the bundled clips."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from formcheck.outputs import render
from formcheck.outputs.charts import angles_over_time, cycle_curves
from formcheck.pipeline import analyze
from formcheck.synth import load_truth
from tests.conftest import ROOT

SAMPLE = ROOT / "sample_videos" / "synthetic_treadmill_right.mp4"
AFTER = ROOT / "sample_videos" / "synthetic_treadmill_right_after.mp4"


@pytest.fixture(scope="module")
def analysis(model_path):
    return analyze(SAMPLE, lang="en", model=model_path)


def test_annotated_video_is_browser_playable_and_drawn_on(analysis, tmp_path):
    out = render.write_annotated_video(analysis, tmp_path / "a.mp4")
    with av.open(str(out)) as c:
        s = c.streams.video[0]
        assert s.codec_context.name == "h264" and s.codec_context.pix_fmt == "yuv420p"
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    assert len(frames) == analysis.result["video"]["n_frames"]
    # the near knee is painted in the near leg's colour (orange for the right leg)
    near = analysis.clean.near_side
    hits = 0
    for i in range(0, len(frames), 40):
        x, y = np.round(analysis.clean.xy[f"{near}_knee"][i]).astype(int)
        patch = frames[i][y - 2:y + 3, x - 2:x + 3].reshape(-1, 3).astype(int)
        hits += np.any(np.abs(patch - np.array(render.COLORS[near])).sum(axis=1) < 90)
    assert hits >= 0.8 * len(range(0, len(frames), 40))
    assert not list(tmp_path.glob(".*part*"))  # no temporary file left


def test_key_frames_at_the_events_of_a_representative_stride(analysis):
    frames = render.key_frames(analysis, analysis.clean.near_side)
    assert set(frames) == {"ic", "midstance", "to"}
    shapes = {f.shape for f in frames.values()}
    assert len(shapes) == 1 and next(iter(shapes))[0] == 480
    times = render.key_frame_times(analysis.result, analysis.clean.near_side)
    assert times["ic"] < times["midstance"] < times["to"]
    assert times["ic"] in analysis.result["events"][analysis.clean.near_side]["ic_s"]


def test_charts_have_events_and_cycle_curves(analysis):
    fig = angles_over_time(analysis, "en")
    names = [tr.name for tr in fig.data]
    assert any(n.startswith("Knee flexion right") for n in names) and any(n.startswith("Initial contact") for n in names)
    cyc = cycle_curves([analysis], "knee_flexion", "en")
    means = [tr for tr in cyc.data if tr.name and "(n=" in tr.name]
    assert len(means) == 2 and len(means[0].x) == 101
    # the stance peak of knee flexion sits early in the cycle (about 10-25 %): the largest flexion
    # during the true stance (duty factor of the synthetic runner) comes early in it
    stance_pct = int(load_truth(Path(analysis.info.path))["metrics"]["duty_factor_pct"])
    right = next(tr for tr in means if tr.name.startswith("right"))
    y = np.array(right.y)
    assert 5 <= int(np.argmax(y[:stance_pct])) <= 30


def test_side_by_side_starts_both_clips_at_their_first_contact(analysis, model_path, tmp_path):
    after = analyze(AFTER, lang="en", model=model_path)
    out = render.side_by_side(analysis, after, tmp_path / "sbs.mp4", max_s=2.0)
    with av.open(str(out)) as c:
        s = c.streams.video[0]
        assert s.codec_context.name == "h264"
        n = sum(1 for _ in c.decode(video=0))
    assert n == int(2.0 * min(analysis.result["video"]["fps"], after.result["video"]["fps"]))


def test_print_key_frames_angles_and_report_charts(analysis):
    """The report's pieces from a real analysis: print-size key frames, their angles, matplotlib curves."""
    import io

    from PIL import Image

    from formcheck.outputs import figures

    side = analysis.clean.near_side
    big = render.key_frames(analysis, side, **render.PRINT_KEY_FRAMES)
    small = render.key_frames(analysis, side)
    assert set(big) == set(small) == {"ic", "midstance", "to"}
    assert {f.shape[0] for f in big.values()} == {render.PRINT_KEY_FRAMES["max_height"]}
    angles = render.key_frame_angles(analysis, side)
    times = render.key_frame_times(analysis.result, side)
    i = int(round((times["ic"] - analysis.clean.t[0]) * analysis.clean.fps))
    assert dict(angles["ic"])["knee_flexion"] == pytest.approx(analysis.curves[f"knee_flexion_{side}"][i])
    assert [k for k, _ in angles["to"]] == ["knee_flexion", "hip_extension", "trunk_lean"]
    for png in (figures.angles_over_time_png(analysis, "de"), figures.cycle_curves_png([analysis], "knee_flexion", "de")):
        img = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
        assert img.shape[1] > 600 and (img < 200).mean() > 0.01  # drawn, not blank
