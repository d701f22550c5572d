"""The camera's roll from the scene's verticals (io.scene), and what levelling does to the measured angles.

Hand-drawn pictures give the geometry exact truth (edges drawn at a known angle, or
converging on a known vanishing point); the synthetic runner filmed by a rolled
camera gives the end-to-end truth on exact landmarks (no pose model).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from formcheck.io import scene
from formcheck.io.scene import level_points, roll_at, segments, vanishing_point


def _picture(roll_deg: float, xs=(60, 140, 230, 300, 410, 500), h=360, w=560, slanted=None):
    """Grey picture with dark vertical posts, rolled by ``roll_deg`` (module convention) about its centre."""
    import cv2

    img = np.full((h, w), 200, np.uint8)
    for x in xs:
        img[30:h - 30, x:x + 8] = 40
    m = cv2.getRotationMatrix2D((w / 2, h / 2), roll_deg, 1.0)  # + turns the picture counter-clockwise on screen
    img = cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REPLICATE)
    if slanted is not None:  # a slanted bar that is not a vertical (a treadmill upright)
        x0, ang = slanted
        for y in range(30, h - 30):
            x = int(x0 + (y - 30) * np.tan(np.radians(ang)))
            img[y, x:x + 8] = 40
    return img


@pytest.mark.parametrize("roll", [0.0, 1.5, -2.8, 6.0])
def test_parallel_posts_give_the_roll_they_were_drawn_with(roll):
    seg = segments(_picture(roll))
    v, inl = vanishing_point(seg)
    assert v is not None and abs(v[2]) < 1e-9 * np.linalg.norm(v[:2])  # parallel: a point at infinity
    assert roll_at(v, (280, 180)) == pytest.approx(roll, abs=0.15)
    assert inl.mean() > 0.9


def test_converging_verticals_give_the_vertical_where_the_runner_is():
    """A pitched camera: edges drawn towards a vanishing point 1500 px below the picture's centre."""
    import cv2

    h, w = 360, 560
    vp = np.array([300.0, 1700.0])
    img = np.full((h, w), 200, np.uint8)
    for x_top in (40, 120, 200, 360, 440, 520):
        top = np.array([x_top, 20.0])
        d = (vp - top) / np.linalg.norm(vp - top)
        bottom = top + d * (h - 40) / d[1]
        cv2.line(img, tuple(int(round(c)) for c in top), tuple(int(round(c)) for c in bottom), 40, 6)
    v, _ = vanishing_point(segments(img))
    assert abs(v[2]) > 0  # finite: the edges converge
    for point in ((100.0, 200.0), (460.0, 200.0)):
        want = np.degrees(np.arctan2(vp[0] - point[0], vp[1] - point[1]))
        assert roll_at(v, point) == pytest.approx(want, abs=0.3)


def test_the_runner_mask_drops_their_lines():
    img = _picture(0.0, xs=(100, 400))
    mask = np.zeros(img.shape, bool)
    mask[:, 350:460] = True  # as if the runner stood over the second post
    seg = segments(img, mask)
    assert len(seg) and (np.maximum(seg[:, 0], seg[:, 2]) < 350).all()


def test_two_disagreeing_groups_are_joined_by_no_parallel_point_and_distinct_edges_are_counted():
    seg = segments(_picture(0.0, xs=(60, 140, 230), slanted=(380, -7.0)))
    v, inl = vanishing_point(seg)
    assert roll_at(v, (280, 180)) == pytest.approx(0.0, abs=0.2)  # three true posts outweigh one slanted bar
    assert not inl.all()  # ... which does not agree with them
    assert scene._edges(seg[inl]) == 6  # each post has two edges


def test_levelling_turns_the_true_vertical_upright_and_keeps_distances():
    r = 3.0
    down = np.array([np.sin(np.radians(r)), np.cos(np.radians(r))])
    p = np.array([[100.0, 100.0], [100.0, 100.0] + 50 * down])
    q = level_points(p, r, (100.0, 100.0))
    assert q[1] - q[0] == pytest.approx([0.0, 50.0], abs=1e-9)
    back = level_points(q, -r, (100.0, 100.0))
    assert back == pytest.approx(p)


def test_a_rolled_camera_no_longer_tilts_trunk_and_shank(tmp_path):
    """Synthetic runner (falling landing) filmed by a camera rolled 2.5°, exact landmarks: without levelling
    trunk lean and hip extension are off by about the roll (4.5° and 9.2° for 7° and 12°); levelled they are the
    truth's again. The shank turns by the roll too; its remaining error is the contact's timing (knee at contact
    is +2.6° here with or without levelling), so it is checked for the turn itself."""
    from formcheck.io.video import probe
    from formcheck.pipeline import run_engine
    from formcheck.synth import Gait, Look, Scene, generate
    from tests.oracle import oracle_info, oracle_series

    clip = tmp_path / "rolled.mp4"
    truth = generate(clip, Gait(landing="falling"),
                     Scene(facing="right", fps=60, width=960, height=540, duration_s=4.0, seed=14,
                           look=Look(tilt_deg=2.5)))
    series = oracle_series(truth)
    level = scene.camera_level(probe(clip), series)
    assert level is not None and level.roll_deg == pytest.approx(truth["look"]["tilt_deg"], abs=0.3)
    # the segments read before the pose was known (during the pose pass) give the same estimate
    opening = scene.opening_segments(probe(clip))
    assert len(opening) >= scene.SAMPLE_FRAMES
    assert scene.camera_level(probe(clip), series, opening) == level
    plain = run_engine(series, oracle_info(truth), lang="en")
    levelled = run_engine(series, oracle_info(truth), lang="en", level=level)
    for name, tol in (("trunk_lean_deg", 1.0), ("hip_extension_to_deg", 1.0)):
        want = truth["metrics"][name]
        assert abs(levelled["metrics"][name]["value"] - want) <= tol, name
        assert abs(levelled["metrics"][name]["value"] - want) < abs(plain["metrics"][name]["value"] - want), name
    turn = levelled["metrics"]["shank_angle_ic_deg"]["value"] - plain["metrics"]["shank_angle_ic_deg"]["value"]
    assert turn == pytest.approx(-level.roll_deg, abs=0.3)  # runner facing right: the roll adds to the shank
    assert levelled["metrics"]["knee_flexion_ic_deg"]["value"] == plain["metrics"]["knee_flexion_ic_deg"]["value"]
    assert levelled["analysis"]["camera_roll_deg"] == pytest.approx(level.roll_deg, abs=0.01)
    assert any("levelled" in n for n in levelled["analysis"]["notes"])
