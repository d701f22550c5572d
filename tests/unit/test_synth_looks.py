"""Varied looks of the synthetic runner: reproducible from a seed, visible where they should be, truth untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path
from dataclasses import asdict, replace

import numpy as np
import pytest

import formcheck.io.video as video
from formcheck.synth import (LOOK_FEATURES, LOOK_VARIANTS, SIDES, Body, Gait, GaitModel, Look, Scene, generate,
                             looks_suite, validation_suite)

#: small, short clips: 16 frames at 30 fps
TM = Scene(facing="right", fps=30, width=320, height=180, duration_s=0.5, seed=4)
OG = Scene(facing="left", setting="overground", fps=30, width=480, height=180, duration_s=0.5, seed=5)
GAIT = Gait(landing="falling")


@pytest.fixture
def frames(monkeypatch):
    """``render(path, gait, scene) -> (frames, truth)``: the RGB frames as written, before encoding."""
    written = {}
    orig = video.VideoWriter.write

    def write(self, image, pts=None):
        written.setdefault(str(self.path), []).append(image.copy())
        return orig(self, image, pts)

    monkeypatch.setattr(video.VideoWriter, "write", write)

    def render(path, gait, scene):
        truth = generate(path, gait, scene)
        return np.stack(written.pop(str(path))), truth

    return render


def _digest(a: np.ndarray) -> str:
    return hashlib.sha256(a.tobytes()).hexdigest()


def test_a_look_is_drawn_reproducibly_from_its_seed():
    assert Look.from_seed(7) == Look.from_seed(7)
    assert Look.from_seed(7) != Look.from_seed(8)
    assert len({Look.from_seed(s) for s in range(40)}) == 40
    # over many seeds every feature comes up, and none is always on
    counts = {f: sum(f in Look.from_seed(s).features("overground") for s in range(200)) for f in LOOK_FEATURES}
    assert all(20 < n < 180 for n in counts.values()), counts


def test_same_seed_same_frames(tmp_path, frames):
    scene = replace(TM, look=Look.from_seed(23))
    a, _ = frames(tmp_path / "a.mp4", GAIT, scene)
    b, _ = frames(tmp_path / "b.mp4", GAIT, scene)
    c, _ = frames(tmp_path / "c.mp4", GAIT, replace(TM, look=Look.from_seed(24)))
    assert _digest(a) == _digest(b)
    assert _digest(a) != _digest(c)


@pytest.mark.parametrize("scene", [TM, OG], ids=["treadmill", "overground"])
def test_a_look_with_nothing_on_renders_the_plain_look(tmp_path, frames, scene):
    plain, t0 = frames(tmp_path / "plain.mp4", GAIT, scene)
    empty, t1 = frames(tmp_path / "empty.mp4", GAIT, replace(scene, look=Look()))
    np.testing.assert_array_equal(plain, empty)
    assert t0["frames"]["joints_px"] == t1["frames"]["joints_px"] and t1["look"]["features"] == []


def _region(truth, i, side, joints, pad):
    """Pixel box (y0, y1, x0, x1) around ``joints`` of ``side`` in frame ``i``."""
    pts = np.array([truth["frames"]["joints_px"][side][j][i] for j in joints])
    (x0, y0), (x1, y1) = pts.min(0) - pad, pts.max(0) + pad
    return int(max(y0, 0)), int(y1), int(max(x0, 0)), int(x1)


def _changed(a, b):
    return np.abs(a.astype(int) - b.astype(int)).max(axis=-1) > 12


#: feature -> (look, where the change must show: a function of (truth, changed mask) -> bool)
def _in_box(side, joints, pad=6, share=0.9):
    def check(truth, ch, scene):
        near = scene.facing
        sides = SIDES if side == "both" else [near if side == "near" else ("left" if near == "right" else "right")]
        inside = np.zeros_like(ch)
        for i in range(len(ch)):
            for s in sides:
                y0, y1, x0, x1 = _region(truth, i, s, joints, pad)
                inside[i, y0:y1, x0:x1] = True
        return ch.any() and ch[inside].sum() >= share * ch.sum()
    return check


def _below_ground(truth, ch, scene):
    gy = int(0.9 * scene.height)
    return ch.any() and not ch[:, : gy - 6].any()


def _top_rows(truth, ch, scene):
    return ch.any() and ch[:, : int(0.12 * scene.height)].sum() >= 0.6 * ch.sum()


def _everywhere(truth, ch, scene):
    return ch[:, :, :].mean() > 0.3


def _background_only(truth, ch, scene):  # the runner's own pixels are drawn over the clutter
    return ch.mean() > 0.05


FEATURES = {
    "dark_skin": (Look(skin=(68, 44, 32)), _in_box("near", ("hip", "knee", "ankle", "shoulder", "elbow", "wrist"), 40, 0.95)),
    "patterned_shirt": (Look(shirt_pattern="stripes"), _in_box("near", ("hip", "shoulder"), 14)),
    "patterned_shorts": (Look(shorts_pattern="checks"), _in_box("near", ("hip", "knee"), 14, 0.8)),
    "loose_clothing": (Look(loose=1.0), _in_box("near", ("hip", "knee", "shoulder"), 16)),
    "dark_shoes": (Look(shoes=(20, 20, 25), floor=(35, 35, 40)), None),
    "lighting": (Look(light_gain=0.3, brightness=0.8), _everywhere),
    "shadow": (Look(shadow=True), _below_ground),
    "clutter": (Look(clutter=10), _background_only),
    "moving_background": (Look(moving_background=True), None),
    "motion_blur": (Look(motion_blur=4), _in_box("near", ("hip", "knee", "ankle", "heel", "toe", "wrist", "elbow"), 10, 0.5)),
    "tilt": (Look(tilt_deg=2.5), None),  # test_camera_motion_moves_the_truth_with_the_image
    "zoom": (Look(zoom=0.15), None),
    "occluder": (Look(occluder="handrail"), None),
    "overlay": (Look(overlay=True), _top_rows),
    "proportions": (Look(leg_ratio=1.08, trunk_ratio=0.93), None),
    "height_in_frame": (Look(scale=1.15), None),
}


@pytest.mark.parametrize("feature", list(FEATURES))
def test_each_feature_shows_where_expected_and_never_moves_the_truth(tmp_path, frames, feature):
    look, where = FEATURES[feature]
    assert look.features() == (feature,)
    base, t0 = frames(tmp_path / "base.mp4", GAIT, replace(TM, look=Look()))
    new, t1 = frames(tmp_path / f"{feature}.mp4", GAIT, replace(TM, look=look))
    ch = _changed(base, new)
    assert ch.any(), f"{feature} changes nothing"
    if where is not None:
        assert where(t1, ch, TM), f"{feature} changes pixels where it should not"
    # the truth: events, angles and the metrics are those of the plain look (other proportions change
    # the swing foot's ground clearance by < 0.1°, and the lengths the oscillation is expressed in)
    assert t1["events"] == t0["events"]
    body = feature == "proportions"
    for side in SIDES:
        for k, v in t0["frames"]["angles_deg"][side].items():
            np.testing.assert_allclose(t1["frames"]["angles_deg"][side][k], v, atol=0.1 if body else 0.0)
    for k, v in t0["metrics"].items():
        if not (body and k.startswith("vertical_oscillation")):
            assert t1["metrics"][k] == pytest.approx(v, abs=1e-6), k
    assert t1["look"]["features"] == [feature]
    moves_joints = feature in ("tilt", "zoom", "proportions", "height_in_frame")
    assert (t1["frames"]["joints_px"] == t0["frames"]["joints_px"]) is not moves_joints


def test_dark_shoes_and_moving_background_show_where_expected(tmp_path, frames):
    base, t0 = frames(tmp_path / "base.mp4", GAIT, replace(TM, look=Look()))
    shoes, _ = frames(tmp_path / "shoes.mp4", GAIT, replace(TM, look=Look(shoes=(20, 20, 25))))
    ch = _changed(base, shoes)
    assert _in_box("both", ("heel", "toe", "ankle"), 8, 0.95)(t0, ch, TM)
    poster, _ = frames(tmp_path / "poster.mp4", GAIT, replace(TM, look=Look(moving_background=True)))
    ch = _changed(base, poster)
    cols = [np.flatnonzero(c.any(0)).mean() for c in ch]
    assert abs(cols[-1] - cols[0]) > 5, "the poster must move across the frames"


def test_the_occluder_hides_part_of_the_far_leg_not_the_near(tmp_path, frames):
    base, t0 = frames(tmp_path / "base.mp4", GAIT, replace(TM, look=Look()))
    jp = t0["frames"]["joints_px"]

    def mid(side, a, b, i, u=0.5):
        return np.round((1 - u) * np.array(jp[side][a][i]) + u * np.array(jp[side][b][i])).astype(int)

    for occ, far_seg in (("handrail", ("hip", "knee")), ("console", ("heel", "toe"))):
        new, _ = frames(tmp_path / f"{occ}.mp4", GAIT, replace(TM, look=Look(occluder=occ)))
        ch = _changed(base, new)
        hidden = 0
        for i in range(len(ch)):
            # the near leg is drawn over the furniture: its thigh and shank look the same
            for a, b in (("hip", "knee"), ("knee", "ankle")):
                x, y = mid("right", a, b, i)
                assert not ch[i, y - 1:y + 2, x - 1:x + 2].any(), (occ, i, a, b)
            hidden += any(ch[i, y, x] for x, y in (mid("left", *far_seg, i, u) for u in (0.2, 0.35, 0.5, 0.65, 0.8)))
        assert hidden >= 2, f"the {occ} must hide the far leg in some frames"


def test_camera_motion_moves_the_truth_with_the_image(tmp_path, frames):
    """Tilt, zoom and pan: the truth's pixels are the plain truth's through the frame's camera map."""
    from formcheck.synth import _apply_affine

    import cv2

    look = Look(tilt_deg=2.0, zoom=0.1, pan=0.5)
    _, t0 = frames(tmp_path / "base.mp4", GAIT, replace(OG, look=Look(pan=0.5)))
    _, t1 = frames(tmp_path / "cam.mp4", GAIT, replace(OG, look=look))
    n = len(t0["frames"]["t_s"])
    assert t1["frames"]["camera"]["pan_px"] == t0["frames"]["camera"]["pan_px"]
    assert t1["frames"]["camera"]["zoom"][-1] == pytest.approx(1.1)
    assert np.ptp(t0["frames"]["camera"]["pan_px"]) > 10, "the camera must follow the runner"
    for i in (0, n // 2, n - 1):
        m = cv2.getRotationMatrix2D((OG.width / 2, OG.height / 2), 2.0, 1.0 + 0.1 * i / (n - 1))
        for side in SIDES:
            p0 = np.array(t0["frames"]["joints_px"][side]["knee"][i])
            p1 = np.array(t1["frames"]["joints_px"][side]["knee"][i])
            np.testing.assert_allclose(_apply_affine(m, p0), p1, atol=2e-3)
    # the tilt shows in the image: the trunk's image angle is the true lean plus the tilt
    i = n // 2
    hip, sh = (np.array(t1["frames"]["joints_px"]["left"][j][i]) for j in ("hip", "shoulder"))
    lean_img = np.degrees(np.arctan2(-(sh - hip)[0], -(sh - hip)[1]))  # facing left: + forward
    assert lean_img == pytest.approx(GAIT.trunk_lean_deg + 2.0, abs=0.05)


def test_proportions_keep_every_angle():
    """A leg scaled as a whole keeps the gait's stance angles exactly, so the truth at the events does not change."""
    t = np.linspace(0, 2.0, 801)
    a = GaitModel(GAIT).pose(t)
    body = Body(GAIT.height_m, leg_ratio=1.08, trunk_ratio=0.92)
    b = GaitModel(GAIT, body).pose(t)
    for side in SIDES:
        for k in ("thigh", "knee_flexion", "shank", "foot"):
            # identical except where the swing foot is lifted clear of the ground (the ballistic
            # flight of the falling landing does not scale with the leg): there under 0.1°
            np.testing.assert_allclose(b["angles"][side][k], a["angles"][side][k], atol=0.1)
            st = a["angles"][side]["in_stance"]
            np.testing.assert_allclose(b["angles"][side][k][st], a["angles"][side][k][st], atol=1e-9)
        np.testing.assert_allclose(b[side]["ankle"] - b[side]["hip"], 1.08 * (a[side]["ankle"] - a[side]["hip"]), atol=1e-3)
    assert body.trunk == pytest.approx(0.92 * Body(GAIT.height_m).trunk)


def test_compression_makes_a_smaller_file(tmp_path):
    scene = replace(TM, noise=0.0, duration_s=1.0, look=Look(clutter=8))
    generate(tmp_path / "a.mp4", GAIT, scene)
    generate(tmp_path / "b.mp4", GAIT, replace(scene, look=Look(clutter=8, crf=38)))
    assert (tmp_path / "b.mp4").stat().st_size < 0.6 * (tmp_path / "a.mp4").stat().st_size


def test_the_look_and_proportions_are_in_the_truth(tmp_path):
    look = Look.from_seed(9)
    truth = generate(tmp_path / "a.mp4", GAIT, replace(OG, look=look))
    assert truth["look"] == {**asdict(look), "features": list(look.features("overground"))}
    assert Look(**{k: v for k, v in truth["look"].items() if k != "features"}) == look
    assert "pan" in truth["look"]["features"] and "pan" not in look.features("treadmill")
    assert truth["body"]["leg_ratio"] == look.leg_ratio and truth["body"]["trunk_ratio"] == look.trunk_ratio
    assert "look" not in truth["scene"]


def test_looks_out_of_range_are_refused():
    for bad in (dict(shirt_pattern="tartan"), dict(occluder="wall"), dict(tilt_deg=20), dict(loose=2.0)):
        with pytest.raises(ValueError):
            Look(**bad)


def test_the_single_feature_suite_has_each_feature_alone():
    suite = looks_suite(kind="single")
    assert [sc.look.features(sc.setting) for _, sc in suite.values()] == [(f,) for f in LOOK_FEATURES]


def test_the_looks_suite_covers_every_feature_and_setting():
    suite = looks_suite()
    assert len(suite) == len(LOOK_VARIANTS) >= 8
    feats = set()
    for gait, scene in suite.values():
        feats |= set(scene.look.features(scene.setting))
        assert gait.landing == "falling"
        assert (scene.duration_s or 0) <= 5.0
    assert feats == set(LOOK_FEATURES)
    scenes = [sc for _, sc in suite.values()]
    assert {sc.facing for sc in scenes} == {"left", "right"}
    assert {sc.setting for sc in scenes} == {"treadmill", "overground"}
    assert {sc.direction for sc in scenes} == {"forward", "backward"}
    assert {30.0, 60.0} <= {float(sc.fps) for sc in scenes}
    # the plain baseline is the same clips without their looks
    plain = looks_suite(plain=True)
    assert plain.keys() == suite.keys()
    assert all(replace(suite[k][1], look=None) == plain[k][1] and suite[k][0] == plain[k][0] for k in suite)
    base = validation_suite("falling")
    assert all(k.rsplit("_look", 1)[0] in base for k in suite)


def test_the_command_line_draws_the_look_from_its_seed(tmp_path, capsys):
    from formcheck import cli
    from formcheck.synth import load_truth

    out = tmp_path / "r.mp4"
    args = ["synth", str(out), "--duration-s", "0.3", "--width", "160", "--height", "120", "--fps", "30"]
    assert cli.main(args + ["--look", "12"]) == 0
    truth = load_truth(out)
    assert truth["look"]["seed"] == 12 and truth["look"]["features"] == list(Look.from_seed(12).features("treadmill"))
    assert truth["body"]["leg_ratio"] == Look.from_seed(12).leg_ratio
    assert "look 12: " in capsys.readouterr().out
    out.unlink()
    Path(str(out) + ".truth.json").unlink()
    assert cli.main(args) == 0
    assert load_truth(out)["look"] is None
