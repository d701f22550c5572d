"""Synthetic side-view runner with exactly known kinematics.

A parametric 2-D running-gait model drives a rendered figure; the clip is written
with, beside it, the truth: per-frame joint positions and angles, the time of
every initial contact (IC) and toe-off (TO) per leg, and the metrics of
``metrics.md`` computed from the model itself.

Model
-----
Sagittal plane, x forward (the way the runner faces), y up, metres, hip at x = 0.

- Stance (IC → TO, ``duty_factor`` of the stride): the foot rolls over the ground
  without slipping — it pivots on the heel (or toes, for a forefoot/backward
  contact), lies flat, then pivots on the toes — while the ground moves backward
  under the hip at belt/running speed ``v``. The knee follows a set flexion
  profile (IC value → stance peak at 40 % of stance → TO value); thigh angle and
  hip height then follow exactly from the leg's geometry (two-link inverse
  kinematics). ``v`` is the speed at which the thigh angles at IC and TO come out
  as requested.
- Flight: hip height follows a cubic joining the two stance phases with matching
  slopes; the swing leg's thigh, knee and foot follow smooth profiles.
- Landing (``Gait.landing``): ``"soft"`` (the default, what the validation
  suite uses) keeps that cubic, which joins a stance that starts by vaulting
  over the heel: the hip stops falling and rises a few millimetres in the last
  ~20 ms of flight, so the foot touches down at almost no vertical speed and
  spends the last ~40 ms within 2 cm of the ground. No runner lands like that.
  ``"falling"`` makes the flight arrive falling as fast as a ballistic flight
  between the same two hip heights would (about 0.6 m/s at the hip) and starts
  the stance knee flexing at once (sine ease-out to its peak instead of a
  cosine), so the foot meets the ground at about 1 m/s, as a heel strike does
  (a near-straight knee on a long overstride still vaults the hip up after
  contact). Event times and the angles at the events are the same in both;
  only the motion around contact differs. ``benchmarks/accuracy.py --landing
  falling`` measures the engine on such runners.
- Backward running is forward running reversed in time: contact starts at the toes
  and the body (overground) or the stance foot (treadmill) moves toward the side
  the runner faces.

Looks
-----
``Scene(look=Look(...))`` varies everything but the motion: skin tone,
patterned and loose clothes, shoe colour (dark shoes on a dark floor), a light
gradient and a cast shadow, a cluttered background and a sliding poster,
motion blur (sub-frames over a 180° shutter), H.264 compression, camera pan,
tilt and zoom, treadmill furniture in front of the far leg, burnt-in text,
and body proportions (``Body.leg_ratio``, ``trunk_ratio``) and height in the
frame. ``Look.from_seed(seed)`` draws one reproducibly; ``looks_suite`` is the
fixed set the accuracy benchmark runs. The truth's angles and events do not
depend on the look; its pixels follow the camera (``frames.camera``), and
the truth file records the look (``look``, with its ``features``) and the
body (``body``). ``look=None`` renders exactly as before looks existed.

Conventions
-----------
Angles in degrees. ``thigh`` angle: hip → knee against the downward vertical,
+ when the knee is ahead of the hip. ``knee_flexion`` = 180° − angle(hip, knee,
ankle). ``shank``: knee → ankle against the vertical, + ankle ahead of knee.
``foot``: heel → toe against the ground, + toes up. ``trunk_lean``: mid-hip →
mid-shoulder against the vertical, + forward. Image coordinates are pixels,
y down.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Callable

import numpy as np

SIDES = ("left", "right")
JOINTS = ("hip", "knee", "ankle", "heel", "toe", "shoulder", "elbow", "wrist")
G = 9.81  # m/s²


# ---------------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class Gait:
    """Running-gait parameters (forward running; backward reverses time)."""

    cadence_spm: float = 170.0
    duty_factor: float = 0.36
    trunk_lean_deg: float = 7.0
    knee_ic_deg: float = 18.0
    knee_peak_deg: float = 42.0
    knee_to_deg: float = 14.0
    thigh_ic_deg: float = 22.0  # thigh ahead of vertical at IC
    thigh_to_deg: float = -12.0  # thigh angle at TO (hip extension 12°)
    strike_deg: float = 14.0  # foot angle at IC: + toes up (heel strike), − forefoot
    foot_to_deg: float = -32.0  # foot angle at TO (heel up)
    swing_knee_peak_deg: float = 100.0
    right_knee_offset_deg: float = 0.0  # added to the right knee's IC and stance-peak flexion
    height_m: float = 1.75
    landing: str = "soft"  # "soft" | "falling": how the body arrives at contact (module docstring)
    # walking (kind="walk", see walking_gait()): knee_peak_deg is then the loading-response peak
    kind: str = "run"  # "run" | "walk" (double support, no flight)
    knee_midstance_deg: float = 4.0  # walk: the knee's straightest, in mid-stance
    thigh_ext_deg: float = -13.0  # walk: thigh angle at the other foot's contact (terminal stance); sets the speed
    heel_off: float = 0.55  # walk: stance fraction at which the heel rises
    swing_knee_peak_at: float = 0.38  # swing fraction of the swing knee's peak


def walking_gait(**kw) -> Gait:
    """A healthy adult's walk with exactly known kinematics (override any field with ``kw``).

    Values (sagittal, 2-D; Perry & Burnfield 2010, *Gait Analysis*, via
    Physiopedia "Joint Range of Motion During Gait", and ``shared/reference/gaits.md`` section 1):
    cadence 100–120 steps/min (Tudor-Locke 2011); stance 60–62 % of the stride,
    so double support about 2 × 10–12 %; knee 0–5° at heel strike, a
    loading-response peak of 15–20° at about 12–15 % of the cycle, nearly
    straight in mid/terminal stance, about 35–40° at toe-off (here it follows
    from the geometry: the trailing foot pivots on its toes as the heel rises,
    so ``knee_to_deg`` and ``thigh_to_deg`` are not used) and about 60° in
    swing (at about 73 % of the cycle, a third into swing); the thigh about
    20–25° ahead of the vertical at heel strike and 10–15° behind it at the
    other foot's contact (peak hip extension in terminal stance); a heel
    strike with the foot about 20° toes-up; trunk near upright.
    """
    base = dict(kind="walk", cadence_spm=108.0, duty_factor=0.61, trunk_lean_deg=3.0, knee_ic_deg=5.0,
                knee_peak_deg=18.0, knee_midstance_deg=4.0, thigh_ic_deg=22.0, thigh_ext_deg=-13.0,
                strike_deg=20.0, foot_to_deg=-45.0,
                swing_knee_peak_deg=60.0, swing_knee_peak_at=0.33, heel_off=0.62)
    base.update(kw)
    return Gait(**base)


@dataclass(frozen=True)
class Scene:
    """Camera and looks."""

    facing: str = "right"  # "left" | "right" (image direction the runner faces)
    direction: str = "forward"  # "forward" | "backward"
    setting: str = "treadmill"  # "treadmill" | "overground"
    fps: float = 60.0
    playback_fps: float | None = None  # store at this rate (slow motion); None = fps
    width: int = 1280
    height: int = 720
    duration_s: float | None = None  # None: 8 s treadmill, crossing time overground
    body_frac: float = 0.62  # runner height as a fraction of the frame height (treadmill)
    skin: tuple[int, int, int] = (224, 172, 140)
    shirt: tuple[int, int, int] = (40, 90, 170)
    shorts: tuple[int, int, int] = (30, 30, 36)
    shoes: tuple[int, int, int] = (235, 235, 235)
    hair: tuple[int, int, int] = (60, 40, 25)
    background: tuple[int, int, int] = (200, 205, 210)
    floor: tuple[int, int, int] = (120, 110, 100)
    noise: float = 3.0  # sd of per-pixel Gaussian noise (0–255 scale)
    seed: int = 0
    codec: str = "h264"
    rotation_deg: int = 0  # store frames rotated, with display rotation metadata
    look: "Look | None" = None  # varied looks, camera and proportions (Look); None renders the plain look


PATTERNS = ("plain", "stripes", "checks", "print")
OCCLUDERS = ("none", "console", "handrail")
#: skin tones from very light to very dark (RGB), roughly Fitzpatrick I–VI
SKIN_TONES = ((250, 222, 200), (234, 192, 160), (205, 150, 112), (160, 105, 72), (110, 70, 48), (68, 44, 32))
#: every feature a Look can switch on, as :meth:`Look.features` names them
LOOK_FEATURES = ("dark_skin", "patterned_shirt", "patterned_shorts", "loose_clothing", "dark_shoes", "lighting",
                 "shadow", "clutter", "moving_background", "motion_blur", "compression", "pan", "tilt", "zoom",
                 "occluder", "overlay", "proportions", "height_in_frame")


@dataclass(frozen=True)
class Look:
    """How a synthetic clip looks, besides the runner's motion: clothes, light, scene, camera, body build.

    The default is the plain look (a :class:`Scene` with ``look=None`` renders
    exactly as before looks existed); :meth:`from_seed` draws a varied one
    reproducibly. Nothing here changes the runner's joint angles or events:
    the truth stays in the body's sagittal frame, and its image coordinates
    follow the camera (pan, tilt, zoom).

    Attributes
    ----------
    seed : int or None
        The seed :meth:`from_seed` drew this look from (informational).
    skin, shirt, shorts, shoes, hair, background, floor : (R, G, B) or None
        Colours (0–255) replacing the scene's; None keeps the scene's.
    shirt_pattern, shorts_pattern : {"plain", "stripes", "checks", "print"}
        Fabric pattern, in ``pattern_color`` over the garment's colour; it moves with the hip.
    pattern_color : (R, G, B)
    loose : float
        0 = fitted; 1 = shirt and shorts about 45 % and 50 % wider, with a hem
        below the hip and at the thigh that flaps at the step frequency. The
        cloth hides the hip and thigh outline; the joints do not move.
    light_deg, light_gain : float
        A brightness gradient across the frame toward ``light_deg`` (0 = the
        light comes from the image's right, 90 = from above), ±``light_gain``
        at the frame's edges (fraction).
    brightness : float
        Overall exposure factor.
    shadow : bool
        A soft cast shadow of the runner on the floor, thrown away from the light.
    clutter : int
        Number of extra background objects (also textures wall and floor); 0 = the plain background.
    moving_background : bool
        A poster slides across the background at walking speed.
    motion_blur : int
        Sub-frames averaged over a 180° shutter (half the frame interval,
        centred on the frame's time); 0 or 1 = sharp.
    crf : int
        H.264 quality (higher = more compression); 23 is what the plain look uses.
    pan : float
        Overground: fraction of the runner's travel the camera follows (0 = still).
    tilt_deg : float
        Camera roll, + counter-clockwise in the image; the image's vertical is then no longer the true vertical.
    zoom : float
        Relative change of the image scale from the first to the last frame (+ zooms in), about the frame centre.
    occluder : {"none", "console", "handrail"}
        Treadmill furniture between the camera and the far leg: a side handrail
        across the far thigh (45 % of body height), or a console upright with a
        side guard hiding the far foot in stance; overground both are a railing
        on the far side.
    overlay : bool
        Burnt-in text: a running timestamp and a logo.
    leg_ratio, trunk_ratio : float
        Body proportions (:class:`Body`).
    scale : float
        Runner's height in the frame relative to the scene's default.
    """

    seed: int | None = None
    skin: tuple[int, int, int] | None = None
    shirt: tuple[int, int, int] | None = None
    shorts: tuple[int, int, int] | None = None
    shoes: tuple[int, int, int] | None = None
    hair: tuple[int, int, int] | None = None
    background: tuple[int, int, int] | None = None
    floor: tuple[int, int, int] | None = None
    shirt_pattern: str = "plain"
    shorts_pattern: str = "plain"
    pattern_color: tuple[int, int, int] = (235, 235, 235)
    loose: float = 0.0
    light_deg: float = 90.0
    light_gain: float = 0.0
    brightness: float = 1.0
    shadow: bool = False
    clutter: int = 0
    moving_background: bool = False
    motion_blur: int = 0
    crf: int = 23
    pan: float = 0.0
    tilt_deg: float = 0.0
    zoom: float = 0.0
    occluder: str = "none"
    overlay: bool = False
    leg_ratio: float = 1.0
    trunk_ratio: float = 1.0
    scale: float = 1.0

    def __post_init__(self):
        if self.shirt_pattern not in PATTERNS or self.shorts_pattern not in PATTERNS:
            raise ValueError(f"patterns must be one of {', '.join(PATTERNS)}")
        if self.occluder not in OCCLUDERS:
            raise ValueError(f"occluder must be one of {', '.join(OCCLUDERS)}")
        if not (0.0 <= self.loose <= 1.0 and 0.0 <= self.pan < 1.0 and abs(self.tilt_deg) <= 10.0
                and -0.5 < self.zoom < 0.5 and 0.8 <= self.leg_ratio <= 1.2 and 0.8 <= self.trunk_ratio <= 1.2
                and 0.5 <= self.scale <= 1.3 and 0 <= self.motion_blur <= 16 and 0 <= self.crf <= 51):
            raise ValueError("look out of range: loose 0–1, pan 0–<1, |tilt| ≤ 10°, |zoom| < 0.5, "
                             "leg/trunk ratio 0.8–1.2, scale 0.5–1.3, motion_blur 0–16, crf 0–51")

    @classmethod
    def from_seed(cls, seed: int) -> "Look":
        """A varied look drawn reproducibly from ``seed`` (see :func:`draw_look`)."""
        return draw_look(seed)

    def features(self, setting: str | None = None) -> tuple[str, ...]:
        """Names (of :data:`LOOK_FEATURES`) of what this look changes from the plain one.

        With ``setting`` ("treadmill" | "overground"), only what shows in it (a pan needs a runner crossing the frame).
        """
        lum = (lambda c: 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2])
        dark_shoes = self.shoes is not None and lum(self.shoes) < 70
        on = {"dark_skin": self.skin is not None and lum(self.skin) < 120,
              "patterned_shirt": self.shirt_pattern != "plain", "patterned_shorts": self.shorts_pattern != "plain",
              "loose_clothing": self.loose > 0, "dark_shoes": dark_shoes,
              "lighting": self.light_gain > 0 or self.brightness != 1.0, "shadow": self.shadow,
              "clutter": self.clutter > 0, "moving_background": self.moving_background,
              "motion_blur": self.motion_blur > 1, "compression": self.crf > 23,
              "pan": self.pan > 0 and setting != "treadmill",
              "tilt": self.tilt_deg != 0, "zoom": self.zoom != 0, "occluder": self.occluder != "none",
              "overlay": self.overlay, "proportions": self.leg_ratio != 1.0 or self.trunk_ratio != 1.0,
              "height_in_frame": self.scale != 1.0}
        return tuple(k for k in LOOK_FEATURES if on[k])


def draw_look(seed: int) -> Look:
    """A :class:`Look` drawn from ``seed`` (pure: the same seed gives the same look).

    Every value is drawn every time, whether or not its feature is switched
    on, so one feature's draw never shifts another's. Each feature is on with
    probability about 0.4–0.5; ranges: tilt 1–3°, zoom 6–15 %, pan 40–70 % of
    the travel, blur 3–4 sub-frames, CRF 32–38, leg and trunk ratios ±8 %,
    height in frame 80–115 %; dark shoes come with a dark floor.
    """
    rng = np.random.default_rng([0x10C5, int(seed)])

    def colour(lo=20, hi=235):
        return tuple(int(v) for v in rng.integers(lo, hi, 3))

    on = lambda p: bool(rng.random() < p)  # noqa: E731
    skin = SKIN_TONES[int(rng.integers(len(SKIN_TONES)))]
    skin = tuple(int(np.clip(c + d, 0, 255)) for c, d in zip(skin, rng.integers(-8, 9, 3)))
    hair = (colour(10, 60), colour(120, 200))[int(on(0.25))]
    shirt, shorts, pattern_color = colour(), colour(10, 160), colour(150, 255)
    shirt_pattern = PATTERNS[int(rng.choice(4, p=[0.4, 0.2, 0.2, 0.2]))]
    shorts_pattern = PATTERNS[int(rng.choice(4, p=[0.55, 0.15, 0.15, 0.15]))]
    loose = float(rng.uniform(0.5, 1.0)) if on(0.45) else 0.0
    dark = on(0.35)
    dark_val = int(rng.integers(15, 40))
    shoes = (dark_val, dark_val, dark_val + 5) if dark else colour(60, 255)
    floor_dark = int(rng.integers(30, 50))
    floor = (floor_dark, floor_dark, floor_dark + 4) if dark else colour(80, 170)
    background = colour(120, 230)
    light_deg, light_gain, brightness = float(rng.uniform(0, 360)), float(rng.uniform(0.15, 0.35)), float(rng.uniform(0.7, 1.15))
    lit = on(0.5)
    shadow = on(0.5)
    clutter = int(rng.integers(6, 15)) if on(0.5) else 0
    moving = on(0.4)
    blur = int(rng.integers(3, 5)) if on(0.4) else 0
    crf = int(rng.integers(32, 39)) if on(0.4) else 23
    pan = float(rng.uniform(0.4, 0.7)) if on(0.5) else 0.0
    tilt = float(rng.choice([-1, 1]) * rng.uniform(1.0, 3.0))
    tilt = tilt if on(0.4) else 0.0
    zoom = float(rng.choice([-1, 1]) * rng.uniform(0.06, 0.15))
    zoom = zoom if on(0.4) else 0.0
    occluder = OCCLUDERS[1 + int(rng.integers(2))]
    occluder = occluder if on(0.4) else "none"
    overlay = on(0.5)
    leg, trunk = float(rng.uniform(0.92, 1.08)), float(rng.uniform(0.92, 1.08))
    prop = on(0.5)
    scale = float(rng.uniform(0.8, 1.15))
    scale = scale if on(0.5) else 1.0
    return Look(seed=int(seed), skin=skin, shirt=shirt, shorts=shorts, shoes=shoes, hair=hair, background=background,
                floor=floor, shirt_pattern=shirt_pattern, shorts_pattern=shorts_pattern, pattern_color=pattern_color,
                loose=loose, light_deg=light_deg, light_gain=light_gain if lit else 0.0,
                brightness=brightness if lit else 1.0, shadow=shadow, clutter=clutter, moving_background=moving,
                motion_blur=blur, crf=crf, pan=pan, tilt_deg=tilt, zoom=zoom, occluder=occluder, overlay=overlay,
                leg_ratio=leg if prop else 1.0, trunk_ratio=trunk if prop else 1.0, scale=scale)


@dataclass
class Body:
    """Segment lengths in metres (Winter's anthropometric fractions of height).

    ``leg_ratio`` scales the whole leg (thigh, shank, foot) and ``trunk_ratio``
    the trunk, neck, head and arms against Winter's fractions (Winter 2009,
    table 4.1): people of one height differ by several per cent in both. A
    leg scaled as a whole keeps every joint angle of the gait (the stance
    geometry scales with it), so the truth's angles and events do not change.
    """

    height: float
    leg_ratio: float = 1.0
    trunk_ratio: float = 1.0

    def __post_init__(self):
        h = self.height
        hl, ht = h * self.leg_ratio, h * self.trunk_ratio
        self.thigh = 0.245 * hl
        self.shank = 0.246 * hl
        self.foot = 0.152 * hl
        self.ankle_h = 0.039 * hl
        self.ankle_x = 0.25 * self.foot  # ankle ahead of the heel's back edge
        self.trunk = 0.288 * ht
        self.upper_arm = 0.186 * ht
        self.forearm = 0.146 * ht
        self.neck = 0.052 * ht
        self.head_r = 0.062 * ht


def _rot(v: np.ndarray, deg: np.ndarray | float) -> np.ndarray:
    """Rotate 2-vectors (…, 2) counter-clockwise (x forward, y up) by ``deg``."""
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    x, y = v[..., 0], v[..., 1]
    return np.stack([x * c - y * s, x * s + y * c], axis=-1)


def _ease(u):
    """Smooth 0→1 (cosine) for u in [0, 1]."""
    u = np.clip(u, 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * u)


def _ease_out(u):
    """0→1 leaving at full speed and arriving at rest (quarter sine) for u in [0, 1]."""
    return np.sin(0.5 * np.pi * np.clip(u, 0.0, 1.0))


def _piecewise(u, knots, values, first=_ease):
    """Eased interpolation through (knot, value) pairs; u in [0, 1].

    Every segment is cosine-eased (at rest at both knots) except the first,
    which uses ``first``.
    """
    u = np.asarray(u, dtype=float)
    out = np.full_like(u, values[-1])
    for i, ((k0, v0), (k1, v1)) in enumerate(zip(zip(knots, values), zip(knots[1:], values[1:]))):
        m = (u >= k0) & (u <= k1)
        out[m] = v0 + (v1 - v0) * (first if i == 0 else _ease)((u[m] - k0) / (k1 - k0))
    return out


# ------------------------------------------------------------------------- kinematics
class GaitModel:
    """Forward-running kinematics of one runner (hip-centred sagittal frame)."""

    def __init__(self, gait: Gait, body: Body | None = None):
        if gait.kind not in ("run", "walk"):
            raise ValueError("kind must be 'run' or 'walk'")
        self.walk = gait.kind == "walk"
        if self.walk and not 0.52 <= gait.duty_factor <= 0.75:
            raise ValueError("a walk's duty_factor must be in [0.52, 0.75] (double support, no flight)")
        if not self.walk and not 0.15 <= gait.duty_factor < 0.5:
            raise ValueError("duty_factor must be in [0.15, 0.5): the synthetic runner runs (with a flight phase)")
        if gait.landing not in ("soft", "falling"):
            raise ValueError("landing must be 'soft' or 'falling'")
        self.g = gait
        self.b = body if body is not None else Body(gait.height_m)
        self.T = 120.0 / gait.cadence_spm  # stride time (two steps)
        self.Ts = gait.duty_factor * self.T
        self.leg = {}
        self.phase0 = {"right": 0.0, "left": self.T / 2.0}
        if self.walk:
            self._init_walk()
            return
        for side in SIDES:
            off = gait.right_knee_offset_deg if side == "right" else 0.0
            self.leg[side] = self._solve_stance(gait.knee_ic_deg + off, gait.knee_peak_deg + off)
        # one belt/body speed: the mean of what each leg asks (identical unless asymmetric)
        self.v = float(np.mean([self.leg[s]["v"] for s in SIDES]))
        # right leg IC at t = 0, left leg half a stride later (self.phase0)

    # ------------------------------------------------------------------ walking
    # Walking has double support: from one foot's contact to the other's toe-off
    # both feet are down. The leg between its own contact and the other foot's
    # contact ("leading", the first T/2 of its stance) carries the body: its knee
    # follows a set profile and the hip height follows from its geometry, as in a
    # running stance. The other leg ("trailing", from the other foot's contact to
    # its own toe-off) pivots on its toes as its heel rises at the set foot angle,
    # and its knee and thigh follow from where the hip is: two-link inverse
    # kinematics between the hip and the ankle. The leading knee's last knot (at
    # the other foot's contact) is solved so the hip height is continuous where
    # the two legs hand over, and the speed so that the thigh there is
    # ``thigh_ext_deg`` (the terminal-stance hip extension).
    def _init_walk(self):
        g = self.g
        self.s_lead = 0.5 / g.duty_factor  # stance fraction at the other foot's contact
        lo, hi = 0.2, 4.0
        f = lambda v: self._walk_leg(v)["thigh_ext"] - g.thigh_ext_deg  # noqa: E731  decreasing in v
        if f(lo) < 0 or f(hi) > 0:
            raise ValueError("no walking speed gives this thigh extension; change thigh_ic_deg or thigh_ext_deg")
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if f(mid) > 0 else (lo, mid)
        self.v = 0.5 * (lo + hi)
        leg = self._walk_leg(self.v)
        for side in SIDES:
            self.leg[side] = dict(leg)
        # knee and thigh at toe-off follow from the trailing leg's geometry
        for side in SIDES:
            th, kn, _, _ = self.stance(side, np.array([1.0]), hip_y=self.hip_height(np.array([self.phase0[side] + self.Ts])))
            self.leg[side]["thigh_to"], self.leg[side]["knee_to"] = float(th[0]), float(kn[0])

    def _knee_from_distance(self, d):
        """Knee flexion (°) at which hip and ankle are ``d`` (m) apart; NaN where the leg cannot reach."""
        b = self.b
        c = (np.asarray(d, float) ** 2 - b.thigh**2 - b.shank**2) / (2 * b.thigh * b.shank)
        return np.where(c <= 1.0 + 1e-9, np.degrees(np.arccos(np.clip(c, -1.0, 1.0))), np.nan)

    def _walk_leg(self, v):
        """The walking stance of one leg at ground speed ``v`` (m/s): its profiles and the thigh at handover."""
        g, b = self.g, self.b
        d_ic, dl_ic = self._leg_vec(g.thigh_ic_deg, g.knee_ic_deg)
        x_a_ic = d_ic * math.sin(math.radians(g.thigh_ic_deg - dl_ic))
        ankle_ic = self._ankle_from_pivot("heel", g.strike_deg)
        g0 = x_a_ic - float(ankle_ic[0])
        hip_y0 = float(ankle_ic[1]) + d_ic * math.cos(math.radians(g.thigh_ic_deg - dl_ic))
        knots = (0.0, 0.15, g.heel_off)  # heel strike -> foot flat -> heel-off, then _foot_angle's heel rise
        vals = (g.strike_deg, 0.0, 0.0)
        leg = {"v": v, "g0": g0, "heel_first": True, "knots": knots, "vals": vals, "walk": True}
        # the trailing leg at the other foot's contact: where is its ankle, how far from the hip?
        s_e = self.s_lead
        ankle = self._stance_ankle(leg, np.array([s_e]))[0]
        d_e = math.hypot(float(ankle[0]), hip_y0 - float(ankle[1]))
        k_e = float(self._knee_from_distance(d_e))
        if not np.isfinite(k_e):
            k_e = 0.0  # overstretched: f() reads it as "too fast"
            leg["thigh_ext"] = -90.0
        leg["knee"] = (g.knee_ic_deg, g.knee_peak_deg, g.knee_midstance_deg, k_e)
        leg["knee_knots"] = (0.0, 0.22, 0.7 * s_e, s_e)
        if "thigh_ext" not in leg:
            phi = math.degrees(math.asin(float(ankle[0]) / d_e))
            leg["thigh_ext"] = phi + float(self._leg_vec(0.0, k_e)[1])
        return leg

    def _foot_angle(self, L, s):
        """Walking foot angle (°, + toes up) at stance fraction ``s``.

        Heel strike, foot flat by 15 % of stance, flat until ``heel_off``; then
        the heel rises faster and faster (quadratic) to ``foot_to_deg`` at
        toe-off: the ankle plantarflexes mostly in pre-swing (Perry: heel-off at
        about 40 % of the cycle, the foot about 10–15° toes-down at the other
        foot's contact, 20° of plantarflexion at toe-off).
        """
        g = self.g
        s = np.asarray(s, float)
        u = np.clip((s - g.heel_off) / (1.0 - g.heel_off), 0.0, 1.0)
        return np.where(s <= g.heel_off, _piecewise(s, L["knots"], L["vals"]), g.foot_to_deg * u**2)

    def _stance_ankle(self, L, s):
        """Ankle position (m, hip at x = 0) at stance fraction ``s``: the foot rolls heel → flat → toes."""
        b = self.b
        tau = np.asarray(s, float) * self.Ts
        beta = self._foot_angle(L, s)
        heel_ground = L["g0"] - L["v"] * tau if L["heel_first"] else L["g0"] - b.foot - L["v"] * tau
        toe_ground = heel_ground + b.foot
        on_heel = beta > 0
        return np.where(on_heel[..., None],
                        np.stack([heel_ground, np.zeros_like(tau)], -1) + self._ankle_from_pivot("heel", beta),
                        np.stack([toe_ground, np.zeros_like(tau)], -1) + self._ankle_from_pivot("toe", beta))

    # foot points relative to the pivot, as functions of the foot angle
    def _ankle_from_pivot(self, pivot: str, beta):
        b = self.b
        local = np.array([b.ankle_x, b.ankle_h]) if pivot == "heel" else np.array([b.ankle_x - b.foot, b.ankle_h])
        return _rot(np.broadcast_to(local, np.shape(beta) + (2,)), beta)

    def _leg_vec(self, thigh, knee):
        b = self.b
        d = np.sqrt(b.thigh**2 + b.shank**2 + 2 * b.thigh * b.shank * np.cos(np.radians(knee)))
        delta = np.degrees(np.arctan2(b.shank * np.sin(np.radians(knee)), b.thigh + b.shank * np.cos(np.radians(knee))))
        return d, delta

    def _solve_stance(self, knee_ic, knee_peak):
        g, b = self.g, self.b
        heel_first = g.strike_deg > 0
        # ankle relative to the hip at IC and TO from thigh and knee angles
        d_ic, dl_ic = self._leg_vec(g.thigh_ic_deg, knee_ic)
        x_a_ic = d_ic * math.sin(math.radians(g.thigh_ic_deg - dl_ic))
        d_to, dl_to = self._leg_vec(g.thigh_to_deg, g.knee_to_deg)
        x_a_to = d_to * math.sin(math.radians(g.thigh_to_deg - dl_to))
        ic_piv = "heel" if heel_first else "toe"
        g0 = x_a_ic - float(self._ankle_from_pivot(ic_piv, g.strike_deg)[0])  # pivot ground x at IC
        gt_to = x_a_to - float(self._ankle_from_pivot("toe", g.foot_to_deg)[0])  # toe ground x at TO
        toe_ic = g0 + b.foot if heel_first else g0
        v = (toe_ic - gt_to) / self.Ts
        if v <= 0:
            raise ValueError("these thigh angles give no forward motion; increase thigh_ic or decrease thigh_to")
        if heel_first:
            knots, vals = (0.0, 0.18, 0.5, 1.0), (g.strike_deg, 0.0, 0.0, g.foot_to_deg)
        else:  # forefoot: the heel lowers toward (not onto) the ground, then rises
            knots, vals = (0.0, 0.3, 0.5, 1.0), (g.strike_deg, min(g.strike_deg * 0.3, -1.0), min(g.strike_deg * 0.3, -1.0), g.foot_to_deg)
        return {"v": v, "g0": g0, "heel_first": heel_first, "knots": knots, "vals": vals,
                "knee": (knee_ic, knee_peak, g.knee_to_deg)}

    def stance(self, side: str, s, hip_y=None):
        """Thigh, knee, foot angles and hip height at stance fraction ``s``.

        Walking: where the leg trails (``s`` after the other foot's contact) its
        knee and thigh follow from the hip height ``hip_y`` (m), which the other
        leg sets (:meth:`hip_height`); without it only the leading part is valid.
        """
        b, L = self.b, self.leg[side]
        s = np.asarray(s, dtype=float)
        if L.get("walk"):
            return self._walk_stance(L, s, hip_y)
        tau = s * self.Ts
        beta = _piecewise(s, L["knots"], L["vals"])
        k_ic, k_pk, k_to = L["knee"]
        knee = _piecewise(s, (0.0, 0.4, 1.0), (k_ic, k_pk, k_to),
                          first=_ease_out if self.g.landing == "falling" else _ease)
        heel_ground = L["g0"] - self.v * tau if L["heel_first"] else L["g0"] - b.foot - self.v * tau
        toe_ground = heel_ground + b.foot
        on_heel = beta > 0
        ankle = np.where(on_heel[..., None],
                         np.stack([heel_ground, np.zeros_like(s)], -1) + self._ankle_from_pivot("heel", beta),
                         np.stack([toe_ground, np.zeros_like(s)], -1) + self._ankle_from_pivot("toe", beta))
        d, delta = self._leg_vec(0.0, knee)
        phi = np.degrees(np.arcsin(np.clip(ankle[..., 0] / d, -1, 1)))
        thigh = phi + delta
        hip_y = ankle[..., 1] + d * np.cos(np.radians(phi))
        return thigh, knee, beta, hip_y

    def _walk_stance(self, L, s, hip_y):
        """Walking stance (see :meth:`_init_walk`): leading part from the knee profile, trailing part from ``hip_y``."""
        beta = self._foot_angle(L, s)
        ankle = self._stance_ankle(L, s)
        lead = s <= self.s_lead + 1e-12
        knee = _piecewise(s, L["knee_knots"], L["knee"])
        d, delta = self._leg_vec(0.0, knee)
        out_hip = ankle[..., 1] + d * np.cos(np.arcsin(np.clip(ankle[..., 0] / d, -1, 1)))
        if hip_y is not None and (~lead).any():
            hy = np.broadcast_to(np.asarray(hip_y, float), s.shape)
            dd = np.hypot(ankle[..., 0], hy - ankle[..., 1])
            k_tr = self._knee_from_distance(dd)
            if not np.all(np.isfinite(k_tr[~lead])):
                raise ValueError("the trailing leg cannot reach the ground: lower foot_to_deg or thigh_ext_deg")
            knee = np.where(lead, knee, k_tr)
            d, delta = self._leg_vec(0.0, knee)
            out_hip = np.where(lead, out_hip, hy)
        phi = np.degrees(np.arcsin(np.clip(ankle[..., 0] / d, -1, 1)))
        return phi + delta, knee, beta, out_hip

    def swing(self, side: str, u):
        """Thigh, knee and foot angles at swing fraction ``u`` (TO → next IC)."""
        g, L = self.g, self.leg[side]
        k_ic = L["knee"][0]
        thigh_to, knee_to = L.get("thigh_to", g.thigh_to_deg), L.get("knee_to", g.knee_to_deg)
        reach = 3.0 if self.walk else 6.0  # the thigh swings this far (°) past its contact angle, then back
        thigh = _piecewise(u, (0.0, 0.8, 1.0), (thigh_to, g.thigh_ic_deg + reach, g.thigh_ic_deg))
        knee = _piecewise(u, (0.0, g.swing_knee_peak_at, 1.0), (knee_to, g.swing_knee_peak_deg, k_ic))
        beta = _piecewise(u, (0.0, 0.5, 1.0), (g.foot_to_deg, 5.0, g.strike_deg))
        return thigh, knee, beta

    def _leg_points(self, hip, thigh, knee, beta):
        b = self.b
        down = np.broadcast_to([0.0, -1.0], np.shape(thigh) + (2,))
        k = hip + b.thigh * _rot(down, thigh)
        a = k + b.shank * _rot(down, thigh - knee)
        heel = a + _rot(np.broadcast_to([-b.ankle_x, -b.ankle_h], np.shape(thigh) + (2,)), beta)
        toe = a + _rot(np.broadcast_to([b.foot - b.ankle_x, -b.ankle_h], np.shape(thigh) + (2,)), beta)
        return k, a, heel, toe

    def _clear_ground(self, thigh, knee, beta, hip_y, u):
        """Keep the swing foot above the ground.

        Where the smooth swing profiles would put the heel or toes below a small
        clearance (just after TO and just before IC, while the hip is low), the
        smallest extra hip flexion (ankle ahead of the hip) or knee flexion
        (ankle behind it) that lifts the foot clear is added — what a runner
        does to clear the ground.
        """
        hip = np.stack([np.zeros_like(hip_y), hip_y], -1)
        # required clearance: rises from 0 at toe-off, 2 % of height within the first
        # 15 % of swing, and falls back to 0 at contact — the foot leaves the ground
        # at toe-off instead of dragging along it
        # (a walker's foot skims the ground: minimum toe clearance about 1-2 cm, Winter 1992)
        need = ((0.008 if self.walk else 0.02) * self.b.height * self.b.leg_ratio
                * np.minimum(1.0, np.minimum(u / 0.15, (1.0 - u) / 0.15)))

        def foot_y(th, kn):
            _, a, heel, toe = self._leg_points(hip, th, kn, beta)
            return np.minimum(heel[..., 1], toe[..., 1]) - need, a[..., 0]

        y, ax = foot_y(thigh, knee)
        bad = y < 0
        if not bad.any():
            return thigh, knee, beta
        use_thigh = ax > 0
        lo, hi = np.zeros_like(thigh), np.full_like(thigh, 40.0)
        for _ in range(40):
            mid = 0.5 * (lo + hi)
            th = np.where(use_thigh, thigh + mid, thigh)
            kn = np.where(use_thigh, knee, knee + mid)
            ok = foot_y(th, kn)[0] >= 0
            hi = np.where(ok, mid, hi)
            lo = np.where(ok, lo, mid)
        extra = np.where(bad, hi, 0.0)
        return np.where(use_thigh, thigh + extra, thigh), np.where(use_thigh, knee, knee + extra), beta

    def hip_height(self, t):
        """Hip height above the ground (m) at times ``t`` (forward running)."""
        t = np.asarray(t, dtype=float)
        y = np.full_like(t, np.nan)
        if self.walk:  # the leading leg carries the body (see _init_walk)
            for side in SIDES:
                tau = np.mod(t - self.phase0[side], self.T)
                m = tau < self.T / 2.0
                y[m] = self._walk_stance(self.leg[side], tau[m] / self.Ts, None)[3]
            return y
        eps = 1e-4
        segs = []
        for side in SIDES:
            tau = np.mod(t - self.phase0[side], self.T)
            m = tau <= self.Ts
            y[m] = self.stance(side, tau[m] / self.Ts)[3]
        # flight: cubic Hermite from TO of one leg to IC of the other
        for side, other in (("right", "left"), ("left", "right")):
            t_to = self.phase0[side] + self.Ts
            t_ic = self.phase0[other] if self.phase0[other] > t_to else self.phase0[other] + self.T
            y0 = float(self.stance(side, 1.0)[3]); y0d = (y0 - float(self.stance(side, 1 - eps)[3])) / (eps * self.Ts)
            y1 = float(self.stance(other, 0.0)[3])
            if self.g.landing == "falling":  # as fast as a ballistic flight between the same heights
                y1d = (y1 - y0) / (t_ic - t_to) - G * (t_ic - t_to) / 2.0
            else:  # the stance's own first motion (a vault over the heel: rising)
                y1d = (float(self.stance(other, eps)[3]) - y1) / (eps * self.Ts)
            segs.append((t_to, t_ic, y0, y0d, y1, y1d))
        for t_to, t_ic, y0, y0d, y1, y1d in segs:
            tau = np.mod(t - t_to, self.T)
            h = t_ic - t_to
            m = (tau > 0) & (tau < h) & np.isnan(y)
            u = tau[m] / h
            h00, h10, h01, h11 = 2 * u**3 - 3 * u**2 + 1, u**3 - 2 * u**2 + u, -2 * u**3 + 3 * u**2, u**3 - u**2
            y[m] = h00 * y0 + h10 * h * y0d + h01 * y1 + h11 * h * y1d
        return y

    def pose(self, t):
        """Joint positions (hip-centred, metres) and angles at times ``t`` (forward running).

        Returns a dict: ``{side: {joint: (n, 2)}}`` plus ``"angles"`` and ``"hip_y"``.
        """
        t = np.asarray(t, dtype=float)
        b, g = self.b, self.g
        hip_y = self.hip_height(t)
        hip = np.stack([np.zeros_like(t), hip_y], -1)
        out = {"hip_y": hip_y, "angles": {}}
        lean = np.full_like(t, g.trunk_lean_deg)
        shoulder = hip + _rot(np.broadcast_to([0.0, b.trunk], t.shape + (2,)), -lean)
        for side in SIDES:
            tau = np.mod(t - self.phase0[side], self.T)
            st = tau <= self.Ts
            thigh = np.empty_like(t); knee = np.empty_like(t); beta = np.empty_like(t)
            thigh[st], knee[st], beta[st], _ = self.stance(side, tau[st] / self.Ts, hip_y=hip_y[st])
            sw = ~st
            u_sw = (tau[sw] - self.Ts) / (self.T - self.Ts)
            thigh[sw], knee[sw], beta[sw] = self._clear_ground(*self.swing(side, u_sw), hip_y[sw], u_sw)
            k, a, heel, toe = self._leg_points(hip, thigh, knee, beta)
            down = np.broadcast_to([0.0, -1.0], t.shape + (2,))
            # arms swing opposite to the legs: this side's arm is back when its thigh is forward
            ph = 2 * np.pi * (tau / self.T)
            arm = -28.0 * np.cos(ph - 0.5) - lean * 0.3
            elbow_flex = 95.0 + 15.0 * np.sin(ph)
            sh = shoulder + _rot(np.broadcast_to([0.012 * b.height, 0.0], t.shape + (2,)), -lean) * 0
            el = sh + b.upper_arm * _rot(down, arm)
            wr = el + b.forearm * _rot(down, arm + elbow_flex)
            out[side] = {"hip": hip, "knee": k, "ankle": a, "heel": heel, "toe": toe,
                         "shoulder": sh, "elbow": el, "wrist": wr}
            out["angles"][side] = {"thigh": thigh, "knee_flexion": knee, "shank": thigh - knee,
                                   "foot": beta, "in_stance": st}
        out["angles"]["trunk_lean"] = lean
        return out

    def events(self, t_end: float) -> dict:
        """IC and TO times per leg in [0, t_end] (forward running)."""
        ev = {}
        for side in SIDES:
            n = int(t_end / self.T) + 2
            ics = self.phase0[side] + self.T * np.arange(-1, n)
            tos = ics + self.Ts
            ev[side] = {"ic_s": [float(x) for x in ics if 0 <= x <= t_end],
                        "to_s": [float(x) for x in tos if 0 <= x <= t_end]}
        return ev


class BoutModel:
    """A treadmill runner who switches gait: walk → run → walk, say, with exactly known bout times.

    Each part is a :class:`GaitModel` of its own gait, started at an initial
    contact of the near foot and run for a whole number of its strides, so
    every switch falls on a near-foot contact of both gaits. Around each
    switch the joint positions and angles are blended with a smoothstep over
    ``blend_s`` (the switch between walking and running takes about one step:
    Segers et al. 2007, gaits.md §1); the truth keeps the events outside the
    blends (and the near foot's contact at the switch, a contact of both
    gaits). Model time 0 is the first part's near-foot contact.

    Parameters
    ----------
    parts : sequence of (Gait, float)
        Each gait and about how long it lasts (s), rounded to whole strides
        (at least two).
    body : Body
    near : {"left", "right"}
        The foot nearer the camera (the side the runner faces).
    blend_s : float
        Length of each blend (s).
    """

    def __init__(self, parts, body: Body, near: str = "right", blend_s: float = 0.3):
        if len(parts) < 2:
            raise ValueError("a clip with bouts needs at least two parts")
        self.models = [GaitModel(g, body) for g, _ in parts]
        self.b, self.near, self.h = body, near, blend_s / 2.0
        self.n_strides = [max(2, int(round(d / m.T))) for m, (_, d) in zip(self.models, parts)]
        self.starts = np.concatenate([[0.0], np.cumsum([n * m.T for n, m in zip(self.n_strides, self.models)])])
        self.T = self.models[0].T
        self.v = float(max(m.v for m in self.models))
        self.walk = False
        runs = [k for k, m in enumerate(self.models) if not m.walk]
        durations = np.diff(self.starts)
        self.main = max(runs or range(len(self.models)), key=lambda k: durations[k])
        self.g = self.models[self.main].g

    @property
    def duration_s(self) -> float:
        return float(self.starts[-1])

    def _local(self, k: int, t):
        return np.asarray(t, float) - self.starts[k] + self.models[k].phase0[self.near]

    def weights(self, t) -> np.ndarray:
        """(n_parts, n) weight of each part's pose at model times ``t``: one part, or two inside a blend."""
        t = np.asarray(t, float)
        k = np.clip(np.searchsorted(self.starts, t, side="right") - 1, 0, len(self.models) - 1)
        w = (np.arange(len(self.models))[:, None] == k[None, :]).astype(float)
        for j in range(1, len(self.models)):
            u = np.clip((t - (self.starts[j] - self.h)) / (2 * self.h), 0.0, 1.0)
            inside = (u > 0) & (u < 1)
            s = u * u * (3 - 2 * u)
            w[:, inside] = 0.0
            w[j - 1, inside], w[j, inside] = 1.0 - s[inside], s[inside]
        return w

    def pose(self, t):
        """As :meth:`GaitModel.pose`, blended across the switches."""
        t = np.asarray(t, float)
        w = self.weights(t)
        poses = [m.pose(self._local(k, t)) for k, m in enumerate(self.models)]
        top = np.argmax(w, axis=0)

        def mix(xs):
            if isinstance(xs[0], dict):
                return {key: mix([x[key] for x in xs]) for key in xs[0]}
            a = np.stack([np.asarray(x) for x in xs])
            if a.dtype == bool:
                return np.take_along_axis(a, top[None, :], 0)[0]
            ww = w.reshape(w.shape + (1,) * (a.ndim - 2))
            return np.sum(a * ww, axis=0)
        return mix(poses)

    def part_events(self, k: int) -> dict:
        """Part ``k``'s IC and TO times per leg (model time) outside the blends, and the near contacts at its ends."""
        m, a, b = self.models[k], self.starts[k], self.starts[k + 1]
        lo = a + (self.h if k > 0 else -np.inf)
        hi = b - (self.h if k + 1 < len(self.models) else -np.inf)
        ev = m.events(float(self._local(k, b)) + 2 * m.T)
        out = {}
        for side in SIDES:
            shift = a - m.phase0[self.near]
            ic = np.array(ev[side]["ic_s"]) + shift
            to = np.array(ev[side]["to_s"]) + shift
            keep_ic = (ic > lo) & (ic < hi)
            if side == self.near:
                keep_ic |= np.isclose(ic, a) | np.isclose(ic, b)
            out[side] = {"ic_s": [float(x) for x in ic[keep_ic]], "to_s": [float(x) for x in to[(to > lo) & (to < hi)]]}
        return out

    def events(self, t_end: float) -> dict:
        """IC and TO times per leg in [0, t_end] (model time), each part's own (:meth:`part_events`)."""
        ev = {s: {"ic_s": [], "to_s": []} for s in SIDES}
        for k in range(len(self.models)):
            for side, e in self.part_events(k).items():
                for key in ("ic_s", "to_s"):
                    ev[side][key] += [x for x in e[key] if 0 <= x <= t_end]
        for side in SIDES:
            for key in ("ic_s", "to_s"):
                ev[side][key] = sorted(set(round(x, 9) for x in ev[side][key]))
        return ev


# --------------------------------------------------------------------------- rendering
class _Camera:
    """Maps sagittal metres to image pixels (y down) for one scene."""

    def __init__(self, scene: Scene, body: Body, v: float, duration: float, look: Look | None = None):
        self.scene = scene
        self.look = look
        w, h = scene.width, scene.height
        self.sign = 1.0 if scene.facing == "right" else -1.0
        self.ground_y = h * 0.90
        if scene.setting == "treadmill":
            self.ppm = scene.body_frac * h / (body.height * 1.08)
            self.x0 = w / 2.0
            self.travel = 0.0
        else:
            # wide static camera: the runner crosses from one edge to the other
            self.ppm = min(0.36 * h / (body.height * 1.08), w / (v * duration + 1.6))
            dirn = 1.0 if scene.direction == "forward" else -1.0
            span = v * duration * self.ppm
            self.x0 = w / 2.0 - self.sign * dirn * span / 2.0
            self.travel = dirn * v
        self.margin_m = 0.0
        self.canvas_w = w  # the scene is drawn on a canvas this wide; wider than the frame when the camera pans
        self.pan_px = None  # per frame: canvas x of the frame's left edge
        if look is not None:
            if scene.setting == "treadmill":
                self.ppm *= look.scale
            else:  # the runner's crossing fits the frame with room left for a zoom-in
                self.ppm = min(0.36 * h / (body.height * 1.08) * look.scale,
                               _overground_width(w, look) / ((1.0 - look.pan) * v * duration + 1.6))

    def follow(self, hip_x: np.ndarray) -> None:
        """Set the pan from the hip's canvas x per frame (pixels, relative to ``x0``); overground only.

        The camera follows ``look.pan`` of the runner's travel; the crossing
        that is left is centred in the frame, and the canvas is widened to
        hold every frame's view.
        """
        pan = self.look.pan if self.scene.setting == "overground" else 0.0
        if pan == 0:  # a still camera: the frame is the canvas
            self.pan_px = np.zeros_like(hip_x)
            return
        c = pan * (hip_x - hip_x[0])
        c -= c.min()
        rel = hip_x - c
        self.x0 = self.scene.width / 2.0 - 0.5 * (rel.max() + rel.min())
        self.canvas_w = self.scene.width + int(np.ceil(c.max())) + 2
        self.pan_px = c

    def affine(self, i: int, n: int) -> np.ndarray | None:
        """2×3 map of canvas pixels to frame ``i``'s pixels (pan, then tilt and zoom about the frame centre).

        None when the camera is still and level (the frame is the canvas).
        """
        lk = self.look
        pan = 0.0 if self.pan_px is None else float(self.pan_px[i])
        if lk is None or (lk.tilt_deg == 0 and lk.zoom == 0 and pan == 0 and self.canvas_w == self.scene.width):
            return None
        import cv2

        z = 1.0 + lk.zoom * (i / max(n - 1, 1))
        m = cv2.getRotationMatrix2D((self.scene.width / 2.0, self.scene.height / 2.0), lk.tilt_deg, z)
        m[:, 2] -= m[:, 0] * pan
        return m


    def __call__(self, pts: np.ndarray, t: float) -> np.ndarray:
        """(…, 2) metres (hip-centred) → pixels at time ``t``."""
        x = self.x0 + self.sign * (pts[..., 0] + self.travel * t) * self.ppm
        y = self.ground_y - pts[..., 1] * self.ppm
        return np.stack([x, y], -1)


def _overground_width(w: int, look: Look) -> float:
    """Frame width (px) the overground crossing may use: less when the camera zooms in."""
    return w / (1.0 + max(look.zoom, 0.0))


def _apply_affine(m: np.ndarray | None, pts: np.ndarray) -> np.ndarray:
    """Pixels (…, 2) through a 2×3 affine map (None: unchanged)."""
    return pts if m is None else pts @ m[:, :2].T + m[:, 2]


def _capsule(img, p0, p1, r0, r1, color, outline: float = 0.0):
    import cv2

    if outline > 0:
        _capsule(img, p0, p1, r0 + outline, r1 + outline, _shade(color, 0.55))

    p0, p1 = np.asarray(p0, float), np.asarray(p1, float)
    d = p1 - p0
    n = np.hypot(*d)
    if n < 1e-6:
        cv2.circle(img, tuple(np.round(p0).astype(int)), int(round(max(r0, r1))), color, -1, cv2.LINE_AA)
        return
    u = d / n
    perp = np.array([-u[1], u[0]])
    poly = np.array([p0 + perp * r0, p1 + perp * r1, p1 - perp * r1, p0 - perp * r0])
    shift = 4  # sub-pixel precision
    cv2.fillConvexPoly(img, np.round(poly * (1 << shift)).astype(np.int32), color, cv2.LINE_AA, shift)
    for p, r in ((p0, r0), (p1, r1)):
        cv2.circle(img, tuple(np.round(p * (1 << shift)).astype(int)), int(round(r * (1 << shift))), color, -1, cv2.LINE_AA, shift)


_LOOK_COLOURS = ("skin", "shirt", "shorts", "shoes", "hair", "background", "floor")


def _shade(color, f):
    return tuple(int(max(0, min(255, c * f))) for c in color)


class _Renderer:
    def __init__(self, scene: Scene, body: Body, cam: _Camera, look: Look | None = None):
        self.look = look
        if look is not None:  # the look's colours replace the scene's
            scene = replace(scene, **{k: getattr(look, k) for k in _LOOK_COLOURS if getattr(look, k) is not None})
        self.s, self.b, self.cam = scene, body, cam
        self.rng = np.random.default_rng(scene.seed)
        self.step_hz = 3.0  # steps per second: how fast loose cloth flaps (generate sets it)
        self.bg = self._background()
        if look is not None and look.clutter:
            self._clutter(self.bg)

    def _background(self):
        import cv2

        s = self.s
        h, w = s.height, self.cam.canvas_w
        img = np.empty((h, w, 3), np.uint8)
        top = np.array(s.background, float)
        grad = np.linspace(1.05, 0.85, h)[:, None, None]
        img[:] = np.clip(top[None, None, :] * grad, 0, 255).astype(np.uint8)
        gy = int(self.cam.ground_y)
        img[gy:] = s.floor
        rng = np.random.default_rng(s.seed + 1)
        # a few soft background shapes (a wall, a door, a plant) so the scene is not empty
        for _ in range(4):
            x0 = int(rng.uniform(0, w)); ww = int(rng.uniform(0.05, 0.2) * w)
            y0 = int(rng.uniform(0.05, 0.5) * h); hh = int(rng.uniform(0.1, 0.4) * h)
            col = tuple(int(c) for c in np.clip(top * rng.uniform(0.75, 0.95), 0, 255))
            cv2.rectangle(img, (x0, y0), (x0 + ww, min(y0 + hh, gy - 5)), col, -1)
        return img

    def render(self, pose: dict, i: int, t: float) -> np.ndarray:
        """Frame ``i`` of the plain look: the scene at pose index ``i`` and camera time ``t``, with sensor noise."""
        return self._noisy(self._draw(pose, i, t), i)

    def render_look(self, pose: dict, idx: list[int], ts: list[float], clocks: list[float], i: int,
                    m: np.ndarray | None) -> np.ndarray:
        """Frame ``i`` with the look: sub-frames ``idx`` of ``pose`` averaged (motion blur), the camera map
        ``m`` (canvas → frame), lighting, overlay, then sensor noise."""
        import cv2

        if len(idx) == 1:
            canvas = self._draw(pose, idx[0], ts[0], clocks[0])
        else:
            acc = np.zeros((self.s.height, self.cam.canvas_w, 3), np.float32)
            for j, tj, cj in zip(idx, ts, clocks):
                acc += self._draw(pose, j, tj, cj)
            canvas = np.round(acc / len(idx)).astype(np.uint8)
        w, h = self.s.width, self.s.height
        frame = canvas[:, :w] if m is None else cv2.warpAffine(canvas, m, (w, h), flags=cv2.INTER_LINEAR,
                                                               borderMode=cv2.BORDER_REFLECT101)
        lk = self.look
        if lk.light_gain > 0 or lk.brightness != 1.0:
            if not hasattr(self, "_light"):
                a = np.radians(lk.light_deg)
                xn, yn = np.linspace(-1, 1, w)[None, :], np.linspace(-1, 1, h)[:, None]
                self._light = (lk.brightness * (1.0 + lk.light_gain * (np.cos(a) * xn - np.sin(a) * yn)))[..., None]
                self._light = self._light.astype(np.float32)
            frame = np.clip(frame * self._light, 0, 255).astype(np.uint8)
        if lk.overlay:
            frame = np.ascontiguousarray(frame)
            self._overlay(frame, clocks[len(clocks) // 2])
        return self._noisy(frame, i)

    def _noisy(self, img: np.ndarray, i: int) -> np.ndarray:
        s = self.s
        if s.noise > 0:
            # sensor noise: a few pre-drawn noise fields, cycled with random offsets (fast)
            if not hasattr(self, "_noise"):
                self._noise = [np.clip(self.rng.normal(0.0, s.noise, img.shape), -127, 127).astype(np.int16)
                               for _ in range(4)]
            nz = np.roll(self._noise[i % 4], int(self.rng.integers(0, img.shape[1])), axis=1)
            img = np.clip(img.astype(np.int16) + nz, 0, 255).astype(np.uint8)
        return img

    def _draw(self, pose: dict, i: int, t: float, clock: float = 0.0) -> np.ndarray:
        """The scene on the canvas, without noise; ``clock`` (s) drives what moves on its own (poster, cloth)."""
        import cv2

        s, cam, lk = self.s, self.cam, self.look
        self._clock = clock
        img = self.bg.copy()
        gy = int(cam.ground_y)
        ppm = cam.ppm
        if lk is not None and lk.moving_background:
            self._poster(img, clock)
        if s.setting == "treadmill":
            # belt with marks moving backward under the runner at belt speed
            x_lo, x_hi = int(cam.x0 - 1.1 * ppm), int(cam.x0 + 1.1 * ppm)
            cv2.rectangle(img, (x_lo, gy - int(0.02 * ppm)), (x_hi, gy + int(0.10 * ppm)), (45, 45, 48), -1)
            period = 0.5 * ppm
            off = (-cam.sign * self.v_belt * t * ppm) % period
            for xm in np.arange(x_lo + off, x_hi, period):
                cv2.line(img, (int(xm), gy + int(0.02 * ppm)), (int(xm), gy + int(0.08 * ppm)), (80, 80, 84), 2)
        px = {side: {j: cam(pose[side][j][i], t) for j in JOINTS} for side in SIDES}
        near = s.facing  # the side nearer the camera is the one the runner faces toward (image)
        far = "left" if near == "right" else "right"
        r = lambda m: m * ppm  # noqa: E731
        order = [(far, 0.72), (near, 1.0)]
        if lk is not None and lk.shadow:
            self._shadow(img, px, r)
        # far arm and leg behind the body
        for side, f in order[:1]:
            self._leg(img, px[side], f, r)
            self._arm(img, px[side], f, r)
        if lk is not None and lk.occluder != "none":
            self._occluder(img, r)
        self._torso(img, px, r)
        for side, f in order[1:]:
            self._leg(img, px[side], f, r)
            self._arm(img, px[side], f, r)
        return img

    def _leg(self, img, p, f, r):
        import cv2

        s = self.s
        skin, shorts, shoe = _shade(s.skin, f), _shade(s.shorts, f), _shade(s.shoes, f)
        edge = max(1.0, r(0.008))
        _capsule(img, p["hip"], p["knee"], r(0.075), r(0.055), skin, edge)
        _capsule(img, p["knee"], p["ankle"], r(0.055), r(0.038), skin, edge)
        # knee cap and calf give the joint a visible shape
        _capsule(img, p["knee"], p["knee"] + 0.3 * (p["ankle"] - p["knee"]), r(0.058), r(0.05), _shade(s.skin, f * 0.93))
        # shorts over the upper thigh
        mid = p["hip"] + 0.45 * (p["knee"] - p["hip"])
        lk = self.look
        if lk is None or (lk.shorts_pattern == "plain" and lk.loose == 0):
            _capsule(img, p["hip"], mid, r(0.085), r(0.075), shorts, edge)
        else:  # loose shorts: wider, with a hem that flaps across the thigh
            wide = 1.0 + 0.5 * lk.loose
            pieces = [(p["hip"], mid, r(0.085) * wide, r(0.075) * wide)]
            if lk.loose:
                thigh = p["knee"] - p["hip"]
                perp = np.array([-thigh[1], thigh[0]]) / max(np.hypot(*thigh), 1e-6)
                hem = mid + 0.12 * thigh + perp * r(0.025) * lk.loose * self._flap(f)
                pieces.append((mid, hem, r(0.075) * wide, r(0.08) * wide))
            self._garment(img, pieces, s.shorts, lk.shorts_pattern, f, p["hip"], edge)
        # sock, then the shoe: heel, toe and a raised instep with a dark sole
        _capsule(img, p["ankle"] + 0.25 * (p["knee"] - p["ankle"]), p["ankle"], r(0.042), r(0.04), _shade((245, 245, 240), f))
        sole = _shade((50, 50, 55), f)
        _capsule(img, p["heel"], p["toe"], r(0.02), r(0.014), sole)
        instep = p["ankle"] + 0.45 * (p["toe"] - p["ankle"])
        up = p["ankle"] - 0.5 * (p["heel"] + p["toe"])
        top = instep + 0.25 * up
        poly = np.array([p["heel"], p["toe"], top, p["ankle"] + 0.15 * up])
        cv2.fillConvexPoly(img, np.round(poly * 16).astype(np.int32), shoe, cv2.LINE_AA, 4)
        _capsule(img, p["ankle"], p["heel"], r(0.04), r(0.03), shoe)
        _capsule(img, p["heel"] + 0.1 * (p["toe"] - p["heel"]), p["toe"], r(0.026), r(0.018), shoe)
        _capsule(img, p["ankle"], p["ankle"], r(0.014), r(0.014), _shade((120, 120, 125), f))

    def _arm(self, img, p, f, r):
        s = self.s
        edge = max(1.0, r(0.006))
        _capsule(img, p["elbow"], p["wrist"], r(0.035), r(0.028), _shade(s.skin, f), edge)
        _capsule(img, p["shoulder"], p["elbow"], r(0.047), r(0.037), _shade(s.skin, f), edge)
        sleeve = p["shoulder"] + 0.35 * (p["elbow"] - p["shoulder"])
        lk = self.look
        if lk is None or (lk.shirt_pattern == "plain" and lk.loose == 0):
            _capsule(img, p["shoulder"], sleeve, r(0.055), r(0.05), _shade(s.shirt, f * 0.9))
        else:
            wide = 1.0 + 0.35 * lk.loose
            self._garment(img, [(p["shoulder"], sleeve, r(0.055) * wide, r(0.05) * wide * 1.1)], s.shirt,
                          lk.shirt_pattern, f * 0.9, p["shoulder"])
        hand = p["wrist"] + 0.35 * (p["wrist"] - p["elbow"])
        _capsule(img, p["wrist"], hand, r(0.03), r(0.03), _shade(s.skin, f))

    def _torso(self, img, px, r):
        import cv2

        s, b, cam = self.s, self.b, self.cam
        hip = 0.5 * (px["left"]["hip"] + px["right"]["hip"])
        sh = 0.5 * (px["left"]["shoulder"] + px["right"]["shoulder"])
        lk = self.look
        if lk is None or (lk.shirt_pattern == "plain" and lk.shorts_pattern == "plain" and lk.loose == 0):
            _capsule(img, hip, sh, r(0.11), r(0.12), s.shirt, max(1.0, r(0.006)))
            _capsule(img, hip, hip + 0.25 * (sh - hip), r(0.115), r(0.11), s.shorts)
        else:
            self._loose_torso(img, hip, sh, r)
        axis = (sh - hip) / max(np.hypot(*(sh - hip)), 1e-6)
        neck_top = sh + axis * r(b.neck + 0.02)
        _capsule(img, sh, neck_top, r(0.05), r(0.045), s.skin)
        head = neck_top + axis * r(b.head_r * 0.9)
        fwd = np.array([cam.sign, 0.0])
        c = tuple(np.round(head * 16).astype(int))
        ax = (int(r(b.head_r) * 16 * 0.92), int(r(b.head_r) * 16 * 1.08))
        ang = float(np.degrees(np.arctan2(axis[0], -axis[1])))
        cv2.ellipse(img, c, ax, ang, 0, 360, s.skin, -1, cv2.LINE_AA, 4)
        # hair on the back and top of the head
        start = 180 if cam.sign > 0 else 0
        cv2.ellipse(img, c, (ax[0] + 8, ax[1] + 8), ang - 90, start - 20, start + 150, s.hair, -1, cv2.LINE_AA, 4)
        # face: nose, eye, mouth, ear
        hr = r(b.head_r)
        nose = head + fwd * hr * 1.05 + axis * hr * 0.05
        _capsule(img, head + fwd * hr * 0.7, nose, hr * 0.16, hr * 0.10, _shade(s.skin, 0.93))
        eye = head + fwd * hr * 0.55 + axis * hr * 0.28
        cv2.circle(img, tuple(np.round(eye * 16).astype(int)), int(hr * 0.11 * 16), (40, 30, 30), -1, cv2.LINE_AA, 4)
        brow = eye + axis * hr * 0.2
        _capsule(img, brow - fwd * hr * 0.15, brow + fwd * hr * 0.15, hr * 0.04, hr * 0.04, s.hair)
        mouth = head + fwd * hr * 0.75 - axis * hr * 0.45
        _capsule(img, mouth - fwd * hr * 0.2, mouth, hr * 0.04, hr * 0.04, (150, 80, 80))
        ear = head - fwd * hr * 0.1 + axis * hr * 0.05
        cv2.ellipse(img, tuple(np.round(ear * 16).astype(int)), (int(hr * 0.16 * 16), int(hr * 0.26 * 16)), ang, 0, 360,
                    _shade(s.skin, 0.85), -1, cv2.LINE_AA, 4)

    # ------------------------------------------------------------------ looks
    def _flap(self, f: float) -> float:
        """Loose cloth's sideways flutter (−1…1) at the step frequency; the far side lags half a step."""
        return float(np.sin(2 * np.pi * self.step_hz * self._clock + (np.pi if f < 1.0 else 0.0)))

    def _garment(self, img, pieces, color, pattern, f, anchor, outline: float = 0.0):
        """Fill the union of capsules ``pieces`` [(p0, p1, r0, r1)] with ``color`` in ``pattern``.

        The pattern is laid out from ``anchor`` (a joint's pixel), so it moves with the body.
        """
        lk = self.look
        if outline > 0:
            for p0, p1, r0, r1 in pieces:
                _capsule(img, p0, p1, r0 + outline, r1 + outline, _shade(color, f * 0.55))
        ends = np.array([q for p0, p1, _, _ in pieces for q in (p0, p1)], float)
        rad = max(max(r0, r1) for _, _, r0, r1 in pieces) + 2
        x0, y0 = np.maximum(np.floor(ends.min(0) - rad).astype(int), 0)
        x1, y1 = np.minimum(np.ceil(ends.max(0) + rad).astype(int), [img.shape[1], img.shape[0]])
        if x1 <= x0 or y1 <= y0:
            return
        mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
        o = np.array([x0, y0], float)
        for p0, p1, r0, r1 in pieces:
            _capsule(mask, np.asarray(p0) - o, np.asarray(p1) - o, r0, r1, (255,))
        base = np.array(_shade(color, f), np.float32)
        if pattern == "plain":
            col = np.broadcast_to(base, mask.shape + (3,))
        else:
            yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
            yy -= anchor[1]
            xx -= anchor[0]
            per = max(3.0, 0.035 * self.cam.ppm)
            if pattern == "stripes":
                on = (yy // per) % 2 == 0
            elif pattern == "checks":
                on = ((xx // per) + (yy // per)) % 2 == 0
            else:  # print: polka dots on a staggered grid
                cell = 1.6 * per
                row = yy // cell
                on = ((xx + 0.5 * cell * (row % 2)) % cell - cell / 2) ** 2 + (yy % cell - cell / 2) ** 2 < (0.3 * cell) ** 2
            col = np.where(on[..., None], np.array(_shade(lk.pattern_color, f), np.float32), base)
        a = mask[..., None].astype(np.float32) / 255.0
        reg = img[y0:y1, x0:x1]
        reg[:] = np.round(reg * (1.0 - a) + col * a).astype(np.uint8)

    def _loose_torso(self, img, hip, sh, r):
        """Shirt and shorts' waistband with the look's patterns; a loose shirt hangs below the hip and flaps."""
        s, lk = self.s, self.look
        edge = max(1.0, r(0.006))
        axis = (sh - hip) / max(np.hypot(*(sh - hip)), 1e-6)
        back = np.array([-self.cam.sign, 0.0])
        if lk.loose:  # untucked: waistband first, the shirt hangs over it
            self._garment(img, [(hip, hip + 0.25 * (sh - hip), r(0.115), r(0.11))], s.shorts, lk.shorts_pattern, 1.0, hip)
        wide = 1.0 + 0.45 * lk.loose
        pieces = [(hip, sh, r(0.11) * wide, r(0.12) * (1.0 + 0.25 * lk.loose))]
        if lk.loose:
            hem = hip - axis * r(0.09) * lk.loose + back * r(0.03) * lk.loose * (1.0 + self._flap(1.0))
            pieces.append((hip, hem, r(0.11) * wide, r(0.115) * wide))
        self._garment(img, pieces, s.shirt, lk.shirt_pattern, 1.0, sh, edge)
        if not lk.loose:
            self._garment(img, [(hip, hip + 0.25 * (sh - hip), r(0.115), r(0.11))], s.shorts, lk.shorts_pattern, 1.0, hip)

    def _clutter(self, img):
        """Texture the wall and floor and put ``look.clutter`` objects (shelves, posters, plants, machines) on the wall."""
        import cv2

        s, lk, cam = self.s, self.look, self.cam
        h, w = img.shape[:2]
        gy = int(cam.ground_y)
        rng = np.random.default_rng([s.seed, 7, lk.seed or 0])
        # blotchy plaster and tile joints on the wall, planks on the floor
        small = rng.normal(0.0, 1.0, (h // 40 + 2, w // 40 + 2)).astype(np.float32)
        blot = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)[..., None]
        img[:] = np.clip(img.astype(np.float32) + 14.0 * blot, 0, 255).astype(np.uint8)
        tile = max(8, int(0.4 * cam.ppm))
        joint = _shade(s.background, 0.8)
        for y in range(int(rng.integers(tile)), gy, tile):
            cv2.line(img, (0, y), (w, y), joint, 1)
        for x in range(int(rng.integers(tile)), w, tile):
            cv2.line(img, (x, 0), (x, gy), joint, 1)
        for x in range(int(rng.integers(tile)), w, int(0.8 * tile)):
            cv2.line(img, (x, gy), (x - int(0.2 * tile), h), _shade(s.floor, 0.8), 1)
        for _ in range(lk.clutter):
            col = tuple(int(c) for c in rng.integers(0, 256, 3))
            kind = int(rng.integers(4))
            x = int(rng.uniform(0, w))
            bw, bh = int(rng.uniform(0.2, 0.9) * cam.ppm), int(rng.uniform(0.2, 1.2) * cam.ppm)
            y = int(rng.uniform(0.03 * h, max(0.04 * h, gy - bh - 4)))
            if kind == 0:  # poster / window
                cv2.rectangle(img, (x, y), (x + bw, y + bh), col, -1)
                cv2.rectangle(img, (x, y), (x + bw, y + bh), _shade(col, 0.5), 2)
            elif kind == 1:  # shelf with boxes
                cv2.rectangle(img, (x, y + bh), (x + 2 * bw, y + bh + 6), (90, 70, 50), -1)
                for k in range(int(rng.integers(2, 6))):
                    bx = x + int(k * 2 * bw / 6)
                    cv2.rectangle(img, (bx, y + bh - int(rng.uniform(0.2, 0.6) * bh)), (bx + bw // 4, y + bh),
                                  tuple(int(c) for c in rng.integers(0, 256, 3)), -1)
            elif kind == 2:  # plant: pot and round leaves, on the floor line
                py = gy - 2
                cv2.rectangle(img, (x, py - bw // 3), (x + bw // 3, py), (150, 80, 50), -1)
                for k in range(5):
                    c = (x + bw // 6 + int(rng.normal(0, bw / 5)), py - bw // 3 - int(rng.uniform(0.1, 0.6) * bh))
                    cv2.circle(img, c, max(3, bw // 6), (40, int(rng.integers(100, 170)), 50), -1, cv2.LINE_AA)
            else:  # dark machine (another treadmill, a rack) standing on the floor
                cv2.rectangle(img, (x, gy - bh), (x + bw, gy), _shade(col, 0.35), -1)
                cv2.rectangle(img, (x + bw // 5, gy - bh - bh // 4), (x + bw // 5 + 6, gy - bh), (70, 70, 75), -1)

    def _poster(self, img, clock):
        """A poster sliding across the background at 0.8 m/s (wrapping around the canvas)."""
        import cv2

        cam, lk = self.cam, self.look
        ppm, gy = cam.ppm, cam.ground_y
        pw, ph = int(0.6 * ppm), int(0.85 * ppm)
        span = img.shape[1] + pw
        x = int((0.2 * img.shape[1] + 0.8 * ppm * clock) % span) - pw
        y = int(max(2, gy - 1.9 * ppm))
        col = _shade(lk.pattern_color, 0.9)
        cv2.rectangle(img, (x, y), (x + pw, y + ph), col, -1)
        for k in range(0, ph, max(4, ph // 8)):
            cv2.rectangle(img, (x, y + k), (x + pw, y + k + max(2, ph // 16)), (200, 40, 60), -1)
        cv2.circle(img, (x + pw // 2, y + ph // 3), max(3, pw // 5), (30, 30, 30), -1, cv2.LINE_AA)

    def _shadow(self, img, px, r):
        """The runner's soft cast shadow on the floor, thrown away from the light."""
        import cv2

        gy = int(self.cam.ground_y)
        top = max(gy - 4, 0)
        shear = -0.9 * np.cos(np.radians(self.look.light_deg))  # light from the right throws it to the left

        def proj(q):
            hgt = gy - q[1]
            return np.array([q[0] + shear * hgt, gy + 0.07 * hgt - top])

        mask = np.zeros((img.shape[0] - top, img.shape[1]), np.uint8)
        for side in SIDES:
            p = px[side]
            for a, b in (("hip", "knee"), ("knee", "ankle"), ("heel", "toe"), ("ankle", "heel")):
                _capsule(mask, proj(p[a]), proj(p[b]), r(0.05), r(0.04), (255,))
        hip = 0.5 * (px["left"]["hip"] + px["right"]["hip"])
        sh = 0.5 * (px["left"]["shoulder"] + px["right"]["shoulder"])
        _capsule(mask, proj(hip), proj(sh), r(0.08), r(0.08), (255,))
        k = 2 * int(r(0.03)) + 1
        mask = cv2.GaussianBlur(mask, (k, k), 0)
        reg = img[top:]
        reg[:] = np.round(reg * (1.0 - 0.45 * mask[..., None] / 255.0)).astype(np.uint8)

    def _occluder(self, img, r):
        """Furniture between the camera and the far leg (``look.occluder``), drawn over the far limbs."""
        import cv2

        cam, hb = self.cam, self.b.height
        gy, x0, sg, ppm = cam.ground_y, cam.x0, cam.sign, cam.ppm
        metal, dark = (165, 165, 172), (58, 58, 64)
        if self.s.setting == "overground":  # a railing along the far side
            y = gy - 0.5 * hb * ppm
            _capsule(img, (0, y), (img.shape[1], y), r(0.025), r(0.025), metal, 1)
            for x in np.arange(0.0, img.shape[1], 1.6 * ppm):
                _capsule(img, (x, gy), (x, y), r(0.02), r(0.02), metal, 1)
            return
        front, back = x0 + sg * 1.1 * ppm, x0 - sg * 0.8 * ppm
        if self.look.occluder == "handrail":  # side handrail across the far thigh
            y = gy - 0.45 * hb * ppm
            _capsule(img, (back, y), (front, y), r(0.028), r(0.028), metal, 1)
            _capsule(img, (front, gy), (front, y), r(0.03), r(0.03), metal, 1)
        else:  # console upright and a side guard that hides the far foot in stance
            top = np.array([front - sg * 0.12 * ppm, gy - 0.75 * hb * ppm])
            _capsule(img, (front, gy), top, r(0.04), r(0.035), dark, 1)
            box = np.array([top + [-sg * 0.25 * ppm, -0.05 * ppm], top + [sg * 0.1 * ppm, -0.12 * ppm],
                            top + [sg * 0.12 * ppm, 0.08 * ppm], top + [-sg * 0.22 * ppm, 0.1 * ppm]])
            cv2.fillConvexPoly(img, np.round(box * 16).astype(np.int32), (40, 40, 46), cv2.LINE_AA, 4)
            y_top = int(gy - 0.08 * hb * ppm)
            xa, xb = sorted((int(back), int(front)))
            cv2.rectangle(img, (xa, y_top), (xb, int(gy + 0.1 * ppm)), dark, -1)
            cv2.line(img, (xa, y_top), (xb, y_top), metal, 2)

    def _overlay(self, img, clock):
        """Burnt-in text: a running timestamp (top left), a logo (top right), a speed readout (bottom left)."""
        import cv2

        h, w = img.shape[:2]
        fs = h / 720.0
        font = cv2.FONT_HERSHEY_SIMPLEX
        stamp = f"REC {int(clock // 60):02d}:{clock % 60:05.2f}"
        for col, th in (((0, 0, 0), 5), ((255, 255, 255), 2)):
            cv2.putText(img, stamp, (int(0.03 * w), int(0.07 * h)), font, 1.0 * fs, col, max(1, int(th * fs)), cv2.LINE_AA)
        cv2.rectangle(img, (int(0.78 * w), int(0.03 * h)), (int(0.97 * w), int(0.11 * h)), (30, 110, 200), -1)
        cv2.putText(img, "RUN LAB", (int(0.795 * w), int(0.09 * h)), font, 0.9 * fs, (255, 255, 255), max(1, int(2 * fs)),
                    cv2.LINE_AA)
        cv2.putText(img, "12.0 km/h  1.0 %", (int(0.03 * w), int(0.97 * h)), font, 0.7 * fs, (255, 255, 0),
                    max(1, int(2 * fs)), cv2.LINE_AA)


# ------------------------------------------------------------------------------ truth
def strike_class(angle_deg: float) -> str:
    """Foot-strike class from the strike angle (metrics.md: Altman & Davis cut-offs)."""
    if angle_deg > 7.4:
        return "rearfoot"
    if angle_deg < -0.8:
        return "forefoot"
    return "midfoot"


#: Walking metrics of the truth (``kind="walk"``): the knee's largest flexion in the first half of stance
#: (the loading-response peak), its largest in swing, the thigh's largest extension in stance (terminal stance)
#: and the knee's smallest flexion in stance (its straightest point, ``knee_midstance_deg`` or less).
WALK_TRUTH = ("knee_flexion_loading_peak_deg", "knee_flexion_swing_peak_deg", "hip_extension_peak_stance_deg",
              "knee_flexion_min_stance_deg")


def _truth_metrics(model: GaitModel, scene: Scene, events: dict, to_model_time: Callable) -> dict:
    """Metrics of metrics.md section 1 evaluated on the model at the exact event times."""
    dense = np.linspace(0.0, model.T, 2001)
    p = model.pose(dense)
    leg_len = float(np.median([np.hypot(*(p[s]["ankle"] - p[s]["hip"]).T) for s in SIDES]))
    hip_osc = float(np.ptp(p["hip_y"]))
    per_side = {}
    for side in SIDES:
        ics = np.array(events[side]["ic_s"]); tos = np.array(events[side]["to_s"])
        if len(ics) == 0:
            continue
        at_ic = model.pose(to_model_time(ics))
        at_to = model.pose(to_model_time(tos)) if len(tos) else None
        a_ic = at_ic["angles"][side]
        mid_hip_x = 0.0
        heel_ahead = (at_ic[side]["heel"][:, 0] - mid_hip_x) / leg_len * 100.0
        peaks, walk = [], {k: [] for k in WALK_TRUTH}
        for t0 in ics:
            nxt = tos[tos > t0]
            if len(nxt) == 0:
                continue
            ts = np.linspace(t0, nxt[0], 400)
            stance = model.pose(to_model_time(ts))["angles"][side]
            peaks.append(float(np.max(stance["knee_flexion"])))
            if model.walk:
                walk["knee_flexion_loading_peak_deg"].append(float(np.max(stance["knee_flexion"][:200])))
                walk["hip_extension_peak_stance_deg"].append(float(np.max(-stance["thigh"])))
                walk["knee_flexion_min_stance_deg"].append(float(np.min(stance["knee_flexion"])))
                later = ics[ics > nxt[0]]
                if len(later):
                    sw = model.pose(to_model_time(np.linspace(nxt[0], later[0], 400)))["angles"][side]
                    walk["knee_flexion_swing_peak_deg"].append(float(np.max(sw["knee_flexion"])))
        per_side[side] = {
            "knee_flexion_ic_deg": float(np.median(a_ic["knee_flexion"])),
            "knee_flexion_peak_stance_deg": float(np.median(peaks)) if peaks else None,
            "shank_angle_ic_deg": float(np.median(a_ic["shank"])),
            "foot_strike_angle_ic_deg": float(np.median(a_ic["foot"])),
            "heel_ahead_of_hip_ic_pct_leg": float(np.median(heel_ahead)),
            "hip_extension_to_deg": float(np.median(-at_to["angles"][side]["thigh"])) if at_to else None,
            "hip_extension_trunk_to_deg": float(np.median(-(at_to["angles"][side]["thigh"] + model.g.trunk_lean_deg))) if at_to else None,
        }
        if model.walk:
            per_side[side].update({k: float(np.median(v)) if v else None for k, v in walk.items()})
        if scene.direction == "backward":  # gaits.md §2's contact pattern: share of contacts toes first
            toes_first = np.asarray(a_ic["foot"]) < -0.8  # the forefoot cut-off of strike_class
            per_side[side]["toe_first_contact_pct"] = float(100.0 * np.mean(toes_first))
    # a backward runner's step alternates the same way; timing is symmetric by construction
    metrics = {
        "cadence_spm": model.g.cadence_spm,
        "trunk_lean_deg": model.g.trunk_lean_deg,
        "contact_time_ms": model.Ts * 1000.0,
        "flight_time_ms": (model.T / 2.0 - model.Ts) * 1000.0,
        "duty_factor_pct": model.g.duty_factor * 100.0,
        "vertical_oscillation_pct_leg": hip_osc / leg_len * 100.0,
        "step_time_asymmetry_pct": 0.0,
    }
    if model.walk:  # both feet down from one foot's contact to the other's toe-off, twice a stride
        metrics["flight_time_ms"] = 0.0
        metrics["double_support_pct"] = 2.0 * (model.g.duty_factor - 0.5) * 100.0
    for name in per_side.get("left", {}):
        vals = {s: per_side[s][name] for s in per_side if per_side[s][name] is not None}
        metrics[name] = float(np.mean(list(vals.values()))) if vals else None
        metrics[f"{name}__left"] = vals.get("left")
        metrics[f"{name}__right"] = vals.get("right")
    return {"metrics": metrics, "leg_length_m": leg_len,
            "foot_strike": {s: strike_class(per_side[s]["foot_strike_angle_ic_deg"]) for s in per_side}}


def _bout_truth(model: BoutModel, scene: Scene, events: dict, offset: float, t_end: float) -> dict:
    """Truth of a clip with bouts: each part's metrics (:func:`_truth_metrics` on its events) and the main part's.

    A bout runs from the near foot's first contact in the clip (of its part) to
    the contact where the next part starts (the last bout: to its last contact).
    """
    near = scene.facing
    out_bouts = []
    for k, m in enumerate(model.models):
        ev = {side: {key: [x - offset for x in e[key] if 0.0 <= x - offset <= t_end] for key in e}
              for side, e in model.part_events(k).items()}
        local = (lambda k: lambda x: np.asarray(x, float) + offset - model.starts[k]
                 + model.models[k].phase0[near])(k)
        near_ic = ev[near]["ic_s"]
        if len(near_ic) < 2:
            continue
        truth = _truth_metrics(m, scene, ev, local)
        out_bouts.append({"kind": m.g.kind, "start_s": float(near_ic[0]), "end_s": float(near_ic[-1]),
                          "strides": len(near_ic) - 1, "part": k, "gait": asdict(m.g), **truth})
    main = next((b for b in out_bouts if b["part"] == model.main), out_bouts[0])
    return {"metrics": main["metrics"], "leg_length_m": main["leg_length_m"], "foot_strike": main["foot_strike"],
            "bouts": out_bouts}


def generate(out: str | Path, gait: Gait = Gait(), scene: Scene = Scene(), progress: Callable[[int, int], None] | None = None,
             *, bouts: "list[tuple[Gait, float]] | None" = None) -> dict:
    """Render a synthetic runner to ``out`` and write ``<out>.truth.json`` beside it.

    Returns the truth dictionary (also written as JSON).

    ``bouts``: (gait, seconds) parts the runner goes through in turn on a
    treadmill, forward (:class:`BoutModel`; ``gait`` is then not used). The
    truth gets ``bouts`` (kind, start and end at the near foot's contacts,
    strides and metrics of each part) and the top-level metrics of the
    longest running part.

    Notes
    -----
    The truth's times are real seconds from the first frame; with
    ``scene.playback_fps`` set, the clip is stored as slow motion (its media time
    runs ``fps / playback_fps`` times longer).
    """
    from formcheck.io.video import VideoWriter

    if scene.facing not in ("left", "right") or scene.direction not in ("forward", "backward") \
            or scene.setting not in ("treadmill", "overground"):
        raise ValueError("facing must be left/right, direction forward/backward, setting treadmill/overground")
    out = Path(out)
    look = scene.look
    if bouts is not None:
        if scene.setting != "treadmill" or scene.direction != "forward":
            raise ValueError("a clip with bouts is a forward gait on a treadmill")
        h = bouts[0][0].height_m
        model = BoutModel(bouts, Body(h, look.leg_ratio, look.trunk_ratio) if look is not None else Body(h),
                          near=scene.facing)
        gait = model.g
    else:
        model = GaitModel(gait, Body(gait.height_m, look.leg_ratio, look.trunk_ratio) if look is not None else None)
    if scene.duration_s is not None:
        duration = scene.duration_s
    elif bouts is not None:  # to a little after the last part's last near-foot contact
        duration = model.duration_s - 0.123 * model.T + 0.3
    elif scene.setting == "treadmill":
        duration = 8.0
    elif look is None:
        ppm = 0.36 * scene.height / (gait.height_m * 1.08)
        duration = max((scene.width / ppm - 1.6) / model.v, 1.0)
    else:  # the crossing time, longer when the camera follows part of the travel
        ppm = 0.36 * scene.height / (gait.height_m * 1.08) * look.scale
        duration = max((_overground_width(scene.width, look) / ppm - 1.6) / ((1.0 - look.pan) * model.v), 1.0)
    n = int(round(duration * scene.fps))
    t = np.arange(n) / scene.fps
    t_end = float(t[-1])
    backward = scene.direction == "backward"
    # backward running = forward running reversed in time; offset so the clip does not start at an event
    offset = 0.123 * model.T
    to_model_time = (lambda x: t_end + offset - np.asarray(x)) if backward else (lambda x: np.asarray(x) + offset)
    fwd_events = model.events(t_end + 2 * offset + model.T)
    events = {}
    for side in SIDES:
        ic_m, to_m = np.array(fwd_events[side]["ic_s"]), np.array(fwd_events[side]["to_s"])
        if backward:  # reversed time: forward TO becomes IC (toes first), forward IC becomes TO
            ic, to = t_end + offset - to_m, t_end + offset - ic_m
        else:
            ic, to = ic_m - offset, to_m - offset
        events[side] = {"ic_s": sorted(float(x) for x in ic if 0.0 <= x <= t_end),
                        "to_s": sorted(float(x) for x in to if 0.0 <= x <= t_end)}
    pose = model.pose(to_model_time(t))
    cam = _Camera(scene, model.b, model.v, duration, look)
    if backward:
        cam.travel = -cam.travel if scene.setting == "overground" else 0.0
    # model time runs backward for a backward runner, so travel in clip time flips sign
    t_cam = to_model_time(t) - offset if not backward else to_model_time(t) - offset
    # the camera's time per frame (the runner's travel overground; none on a treadmill)
    cam_t = (t_cam if scene.setting == "overground" else np.zeros_like(t)) * (-1.0 if backward else 1.0)
    if look is not None:
        x0 = cam.x0
        cam.follow(cam(pose["right"]["hip"], cam_t)[:, 0] - x0)
    rend = _Renderer(scene, model.b, cam, look)
    rend.v_belt = model.v * (-1.0 if backward else 1.0)
    rend.step_hz = gait.cadence_spm / 60.0
    k_blur = max(1, look.motion_blur) if look is not None else 1
    if k_blur > 1:  # sub-frames across a 180° shutter centred on each frame's time
        offs = ((np.arange(k_blur) + 0.5) / k_blur - 0.5) * (0.5 / scene.fps)
        t_sub = (t[:, None] + offs[None, :]).ravel()
        pose_sub = model.pose(to_model_time(t_sub))
        cam_t_sub = ((to_model_time(t_sub) - offset) * (scene.setting == "overground")) * (-1.0 if backward else 1.0)
    frames_px = {side: {j: np.zeros((n, 2)) for j in JOINTS} for side in SIDES}
    zoom = np.ones(n)
    k_rot = (scene.rotation_deg // 90) % 4
    with VideoWriter(out, scene.playback_fps or scene.fps, codec=scene.codec, rotation_deg=scene.rotation_deg,
                     crf=look.crf if look is not None else 23) as writer:
        for i in range(n):
            tc = float(cam_t[i])
            m = None
            if look is None:
                img = rend.render(pose, i, tc)
            else:
                m = cam.affine(i, n)
                if m is not None:
                    zoom[i] = float(np.hypot(*m[:, 0]))
                if k_blur > 1:
                    idx = list(range(i * k_blur, (i + 1) * k_blur))
                    img = rend.render_look(pose_sub, idx, [float(cam_t_sub[j]) for j in idx], [float(t_sub[j]) for j in idx],
                                           i, m)
                else:
                    img = rend.render_look(pose, [i], [tc], [float(t[i])], i, m)
            for side in SIDES:
                for j in JOINTS:
                    frames_px[side][j][i] = _apply_affine(m, cam(pose[side][j][i], tc))
            writer.write(np.rot90(img, k=k_rot) if k_rot else img)
            if progress:
                progress(i + 1, n)
    if bouts is None:
        summary = _truth_metrics(model, scene, events, to_model_time)
    else:
        summary = _bout_truth(model, scene, events, offset, t_end)
    truth = {
        "kind": "formcheck-synthetic-truth",
        "version": 1,
        "video": {"path": out.name, "fps": scene.fps, "n_frames": n, "width": scene.width, "height": scene.height,
                  "playback_fps": scene.playback_fps, "rotation_deg": scene.rotation_deg},
        "gait": asdict(gait),
        "scene": {k: v for k, v in asdict(scene).items() if k != "look"},
        "look": None if look is None else {**asdict(look), "features": list(look.features(scene.setting))},
        "body": {k: getattr(model.b, k) for k in ("height", "leg_ratio", "trunk_ratio", "thigh", "shank", "foot", "trunk")},
        "view": {"plane": "sagittal", "facing": scene.facing, "direction": scene.direction,
                 "setting": scene.setting, "gait": gait.kind},
        **({"parts": [asdict(m.g) for m in model.models]} if bouts is not None else {}),
        "near_side": scene.facing,
        "speed_m_s": model.v,
        "px_per_m": cam.ppm,  # at the first frame; a zoom scales it by frames.camera.zoom
        "events": events,
        **summary,
        "frames": {
            "t_s": t.tolist(),
            "joints_px": {side: {j: np.round(frames_px[side][j], 3).tolist() for j in JOINTS} for side in SIDES},
            "angles_deg": {side: {k: np.round(np.asarray(v, float), 4).tolist() for k, v in pose["angles"][side].items()}
                           for side in SIDES},
        },
    }
    if look is not None:  # how the camera moved: the frame's left edge on the panorama, the scale against frame 0
        truth["frames"]["camera"] = {"pan_px": np.round(np.asarray(cam.pan_px, float), 3).tolist(),
                                     "zoom": np.round(zoom, 5).tolist(), "tilt_deg": look.tilt_deg}
    tmp = out.with_name(out.name + ".truth.json.part")
    tmp.write_text(json.dumps(truth))
    tmp.replace(out.with_name(out.name + ".truth.json"))
    return truth


def load_truth(video: str | Path) -> dict:
    """Read the truth written beside a synthetic clip."""
    return json.loads(Path(str(video) + ".truth.json").read_text())


def validation_suite(landing: str = "soft") -> dict[str, tuple[Gait, Scene]]:
    """The varied synthetic clips the accuracy benchmark and tests run on.

    Both facings, forward and backward, treadmill and overground, 30/60/120 fps
    (and 240 fps slow motion stored at 30), portrait and landscape, rear/mid/
    forefoot strike, overstride, deep knee and asymmetric knees; every runner
    lands the way ``landing`` says (see ``Gait.landing``).
    """
    tm = dict(setting="treadmill", width=1280, height=720, duration_s=8.0)
    looks = [dict(), dict(skin=(150, 100, 70), shirt=(200, 40, 40), shorts=(20, 40, 90), background=(180, 190, 170)),
             dict(skin=(240, 200, 170), shirt=(30, 30, 30), shorts=(90, 90, 95), shoes=(200, 60, 40), background=(215, 210, 190))]
    suite = {
        "tm_right_60": (Gait(), Scene(facing="right", fps=60, seed=1, **tm)),
        "tm_left_60": (Gait(cadence_spm=176), Scene(facing="left", fps=60, seed=2, **tm, **looks[1])),
        "tm_right_30": (Gait(cadence_spm=166), Scene(facing="right", fps=30, seed=3, **tm, **looks[2])),
        "tm_left_120": (Gait(cadence_spm=172), Scene(facing="left", fps=120, seed=4, **{**tm, "duration_s": 6.0})),
        "tm_portrait_right_60": (Gait(cadence_spm=168), Scene(facing="right", fps=60, seed=5, setting="treadmill",
                                                               width=720, height=1280, duration_s=8.0, body_frac=0.55, **looks[1])),
        "tm_back_left_60": (Gait(cadence_spm=160, trunk_lean_deg=2.0), Scene(facing="left", direction="backward", fps=60, seed=6, **tm)),
        "og_right_60": (Gait(cadence_spm=170), Scene(facing="right", setting="overground", fps=60, seed=7, width=1920, height=1080, **looks[2])),
        "og_back_left_60": (Gait(cadence_spm=164, trunk_lean_deg=3.0), Scene(facing="left", direction="backward", setting="overground",
                                                                             fps=60, seed=8, width=1920, height=1080)),
        "tm_forefoot_right_60": (Gait(strike_deg=-8.0, thigh_ic_deg=17.0, knee_ic_deg=22.0), Scene(facing="right", fps=60, seed=9, **tm, **looks[1])),
        "tm_midfoot_left_60": (Gait(strike_deg=3.0, thigh_ic_deg=19.0), Scene(facing="left", fps=60, seed=10, **tm, **looks[2])),
        "tm_overstride_right_60": (Gait(cadence_spm=156, thigh_ic_deg=30.0, knee_ic_deg=7.0, strike_deg=20.0),
                                   Scene(facing="right", fps=60, seed=11, **tm)),
        "tm_deepknee_left_60": (Gait(knee_peak_deg=58.0, trunk_lean_deg=3.0, knee_ic_deg=22.0), Scene(facing="left", fps=60, seed=12, **tm, **looks[1])),
        "tm_asym_right_60": (Gait(right_knee_offset_deg=8.0), Scene(facing="right", fps=60, seed=13, **tm, **looks[2])),
        "tm_slowmo240_right": (Gait(cadence_spm=174), Scene(facing="right", fps=240, playback_fps=30, seed=14,
                                                          **{**tm, "duration_s": 5.0})),
    }
    return {name: (replace(g, landing=landing), sc) for name, (g, sc) in suite.items()}


def walking_suite() -> dict[str, tuple[Gait, Scene]]:
    """Synthetic walkers for the accuracy benchmark and tests (:func:`walking_gait`).

    Both facings, treadmill and overground (4:3, 4.5–5.5 s across the frame), forward and backward,
    30 and 60 fps, a healthy walk at
    96–112 steps/min, a stiff-knee walk (swing peak 42°, below the 40–60° of
    gaits.md only by the model's margin) and a crouched walk with a forward
    trunk (knee 14° at contact, 28° loading peak, trunk 12°): the last two
    should draw walking flags and cues.
    """
    tm = dict(setting="treadmill", width=1280, height=720, duration_s=8.0)
    # 4:3 overground: at 16:9 the walker (36 % of the frame height) is too small for MediaPipe's person
    # detector (IMAGE mode finds neither the walker nor the runner of validation_suite's 1920x1080 clips; in
    # VIDEO mode the walkers of 1920x1080 clips were found in 23-43 % of their frames, and only late)
    og = dict(setting="overground", width=1440, height=1080)
    looks = [dict(), dict(skin=(150, 100, 70), shirt=(200, 40, 40), shorts=(20, 40, 90), background=(180, 190, 170)),
             dict(skin=(240, 200, 170), shirt=(30, 30, 30), shorts=(90, 90, 95), shoes=(200, 60, 40), background=(215, 210, 190))]
    return {
        "walk_tm_right_60": (walking_gait(), Scene(facing="right", fps=60, seed=21, **tm)),
        "walk_tm_left_30": (walking_gait(cadence_spm=100.0, trunk_lean_deg=5.0), Scene(facing="left", fps=30, seed=22, **tm, **looks[1])),
        "walk_og_left_60": (walking_gait(cadence_spm=112.0), Scene(facing="left", fps=60, seed=23, **og, **looks[2])),
        "walk_og_right_30": (walking_gait(cadence_spm=96.0, duty_factor=0.63), Scene(facing="right", fps=30, seed=24, **og)),
        "walk_tm_stiff_right_60": (walking_gait(swing_knee_peak_deg=42.0, knee_peak_deg=12.0),
                                   Scene(facing="right", fps=60, seed=25, **tm, **looks[1])),
        "walk_tm_crouch_left_60": (walking_gait(knee_ic_deg=14.0, knee_peak_deg=28.0, knee_midstance_deg=12.0,
                                                trunk_lean_deg=12.0, duty_factor=0.64),
                                   Scene(facing="left", fps=60, seed=26, **tm, **looks[2])),
        # backward walking (rehab: knee arthrosis, gaits.md §2): a forward walk reversed in time, toes first
        "walk_back_tm_left_60": (walking_gait(cadence_spm=100.0, duty_factor=0.64),
                                 Scene(facing="left", direction="backward", fps=60, seed=27, **tm)),
        "walk_back_og_right_30": (walking_gait(cadence_spm=96.0, duty_factor=0.65, trunk_lean_deg=5.0),
                                  Scene(facing="right", direction="backward", fps=30, seed=28, **og, **looks[1])),
    }


def bouts_suite() -> dict[str, tuple[list[tuple[Gait, float]], Scene]]:
    """Treadmill clips that switch gait (:class:`BoutModel`): walk → run → walk and run → walk → run.

    Walk–run intervals as Lauftherapie doses them (gaits.md §3), shortened:
    6–8 s per part, both facings, 30 and 60 fps, the soft and the falling
    landing, one clip in a seeded look. Pass each as
    ``generate(path, scene=scene, bouts=parts)``.
    """
    return {
        "bouts_wrw_right_30": ([(walking_gait(), 6.0), (Gait(cadence_spm=166.0, landing="falling"), 8.0),
                                (walking_gait(), 6.0)],
                               Scene(facing="right", fps=30, width=960, height=540, seed=31)),
        "bouts_rwr_left_60": ([(Gait(cadence_spm=174.0, trunk_lean_deg=9.0, knee_ic_deg=15.0), 6.0),
                               (walking_gait(cadence_spm=100.0, trunk_lean_deg=5.0), 7.0),
                               (Gait(cadence_spm=174.0, trunk_lean_deg=9.0, knee_ic_deg=15.0), 6.0)],
                              Scene(facing="left", fps=60, width=1280, height=720, seed=32, skin=(150, 100, 70),
                                    shirt=(200, 40, 40), shorts=(20, 40, 90), background=(180, 190, 170))),
        "bouts_wrw_left_60_look5": ([(walking_gait(cadence_spm=112.0), 6.0),
                                     (Gait(cadence_spm=168.0, landing="falling", strike_deg=6.0), 7.0),
                                     (walking_gait(cadence_spm=112.0), 5.0)],
                                    Scene(facing="left", fps=60, width=960, height=540, seed=33,
                                          look=Look.from_seed(5))),
    }


#: (validation-suite clip, look seed) pairs of :func:`looks_suite`: every feature of
#: :data:`LOOK_FEATURES` at least once, both facings, forward and backward,
#: treadmill and overground, 30 and 60 fps.
LOOK_VARIANTS = (("tm_right_60", 1), ("tm_left_60", 3), ("tm_right_30", 6), ("tm_back_left_60", 14),
                 ("og_right_60", 9), ("og_back_left_60", 20), ("tm_forefoot_right_60", 36),
                 ("tm_midfoot_left_60", 19), ("tm_overstride_right_60", 42), ("tm_deepknee_left_60", 17))


#: one look per feature with only that feature on (hand-set; the seeded looks switch on several at once)
SINGLE_FEATURE_LOOKS = {
    "dark_skin": Look(skin=SKIN_TONES[-1]),
    "patterned_shirt": Look(shirt_pattern="stripes"),
    "patterned_shorts": Look(shorts_pattern="checks"),
    "loose_clothing": Look(loose=1.0),
    "dark_shoes": Look(shoes=(20, 20, 25), floor=(35, 35, 40)),
    "lighting": Look(light_deg=30.0, light_gain=0.3, brightness=0.8),
    "shadow": Look(shadow=True, light_deg=30.0),
    "clutter": Look(clutter=12),
    "moving_background": Look(moving_background=True),
    "motion_blur": Look(motion_blur=4),
    "compression": Look(crf=36),
    "pan": Look(pan=0.6),
    "tilt": Look(tilt_deg=2.5),
    "zoom": Look(zoom=0.12),
    "occluder": Look(occluder="console"),
    "overlay": Look(overlay=True),
    "proportions": Look(leg_ratio=1.07, trunk_ratio=0.93),
    "height_in_frame": Look(scale=0.8),
}


def _short(scene: Scene) -> Scene:
    """The looks suites' clip size and length: treadmill 4.5 s at 960×540, overground the crossing at 1280×720."""
    size = dict(width=960, height=540, duration_s=4.5) if scene.setting == "treadmill" \
        else dict(width=1280, height=720, duration_s=None)
    return replace(scene, **size)


def looks_suite(landing: str = "falling", plain: bool = False, kind: str = "seeded") -> dict[str, tuple[Gait, Scene]]:
    """Validation-suite runners in varied looks, short and at modest sizes (:func:`_short`).

    ``kind="seeded"``: the :data:`LOOK_VARIANTS` (looks drawn from seeds, several
    features each); ``kind="single"``: the ``tm_right_60`` runner (``og_right_60``
    for the pan) with each of :data:`SINGLE_FEATURE_LOOKS`, to tell which feature
    costs what. ``plain=True`` gives the same clips without their looks (the
    baseline the looks are compared with).
    """
    base = validation_suite(landing)
    out = {}
    if kind == "single":
        for feature, look in SINGLE_FEATURE_LOOKS.items():
            name = "og_right_60" if feature == "pan" else "tm_right_60"
            gait, scene = base[name]
            out[f"{name}_{feature}"] = (gait, replace(_short(scene), look=None if plain else look))
        return out
    for name, seed in LOOK_VARIANTS:
        gait, scene = base[name]
        out[f"{name}_look{seed}"] = (gait, replace(_short(scene), look=None if plain else Look.from_seed(seed)))
    return out
