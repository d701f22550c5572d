"""Walking as a gait of its own: the synthetic walker, walking events on hand-made signals, the walking metric set.

Truths: the synthetic walker's exact kinematics (``synth.walking_gait``) and
hand-made foot tracks whose contact and toe-off instants are known by
construction.
"""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.contract import reason, to_json
from formcheck.engine.events import (WALK_MATCH_SPEED, close_gaps, detect_events,
                                     ground_speed_departure, ground_speed_match)
from formcheck.engine.clean import clean
from formcheck.engine.metrics import MetricSummary
from formcheck.engine.run import run, walk_stance_from_contacts
from formcheck.synth import SIDES, GaitModel, Scene, generate, walking_gait
from tests.oracle import oracle_info, oracle_series

FPS = 30.0


# --------------------------------------------------------------------------- hand-made signals
def _toe_track(to: float, n: int = 80, belt: float = -0.04, creep: float = 0.0, speed: float = 4.0):
    """Toe x (leg lengths) on a treadmill belt moving ``belt`` leg lengths per sample: on the belt until ``to``
    (samples), then forward at ``speed`` leg lengths/s relative to it, after ``creep`` leg lengths/s of creep."""
    i = np.arange(n, dtype=float)
    x = belt * i + creep / FPS * i
    after = np.clip(i - to, 0.0, None)
    return x + speed / FPS * after, np.full(n, belt)


@pytest.mark.parametrize("to", [40.0, 40.3, 40.75])
def test_walking_toe_off_is_where_the_toes_leave_the_ground(to):
    x, vg = _toe_track(to)
    idx = int(np.ceil(to)) + 2  # the height detector lets go a couple of frames late
    found = ground_speed_departure(x, vg, idx, FPS)
    # a kink between two frames is resolved to within half a frame (velocities are frame differences)
    assert found == pytest.approx(to, abs=0.5)


def test_walking_toe_off_ignores_a_slow_creep_of_the_toe_landmark():
    # the pose model's toes creep forward at 0.4 leg lengths/s while the heel rises: still on the ground
    x, vg = _toe_track(40.0, creep=0.4)
    assert ground_speed_departure(x, vg, 42, FPS) == pytest.approx(40.0, abs=0.5)


def test_no_walking_toe_off_without_a_departure():
    x, vg = _toe_track(200.0)  # never leaves in the window
    assert ground_speed_departure(x, vg, 42, FPS) is None


def test_walking_heel_contact_waits_for_no_creep():
    # a heel that slows down to land and then creeps at landmark rounding (0.002 leg lengths/frame, 0.06/s)
    n, ic = 80, 40.0
    i = np.arange(n, dtype=float)
    v = np.where(i < ic, 0.12 * np.clip((ic - i) / 6.0, 0.0, 1.0), 0.002)  # per sample, decelerating to the ground
    x = np.concatenate([[0.0], np.cumsum(v[:-1])])
    vg = np.zeros(n)
    walk = ground_speed_match(x, vg, 42, FPS, WALK_MATCH_SPEED)
    assert walk == pytest.approx(ic, abs=0.6)
    # the running rule (a strict zero crossing) never sees the creep stop
    assert ground_speed_match(x, vg, 42, FPS) is None


def test_a_short_break_inside_a_contact_is_closed_a_swing_is_not():
    contact = np.zeros(60, bool)
    contact[5:15] = contact[17:25] = True  # 2 samples (67 ms at 30 fps) of toes above the band: one contact
    contact[37:50] = True  # 12 samples of swing between: two contacts
    closed = close_gaps(contact, 0.1 * FPS)
    assert closed[5:25].all() and not closed[25:37].any() and closed[37:50].all()


# --------------------------------------------------------------------------- the synthetic walker
@pytest.fixture(scope="module")
def walker():
    return GaitModel(walking_gait())


def test_walker_has_double_support_and_no_flight(walker):
    t = np.arange(0.0, 2 * walker.T, 1 / 2000)
    p = walker.pose(t)
    down = {s: p["angles"][s]["in_stance"] for s in SIDES}
    assert (down["left"] | down["right"]).all(), "a walker is never in the air"
    both = (down["left"] & down["right"]).mean()
    assert both == pytest.approx(2 * (walker.g.duty_factor - 0.5), abs=0.002)
    for s in SIDES:
        foot = np.minimum(p[s]["heel"][:, 1], p[s]["toe"][:, 1])
        assert np.abs(foot[down[s]]).max() < 1e-9 and foot[~down[s]].min() >= -1e-9


def test_walker_stance_feet_do_not_slip_and_legs_keep_their_length(walker):
    t = np.arange(0.0, 2 * walker.T, 1 / 2000)
    p = walker.pose(t)
    b = walker.b
    for s in SIDES:
        st = p["angles"][s]["in_stance"]
        assert np.ptp(np.hypot(*(p[s]["knee"] - p[s]["hip"]).T)) < 1e-9
        assert np.ptp(np.hypot(*(p[s]["ankle"] - p[s]["knee"]).T)) < 1e-9
        assert np.hypot(*(p[s]["knee"] - p[s]["hip"]).T)[0] == pytest.approx(b.thigh)
        for part in ("heel", "toe"):  # a loaded point stays put on the moving ground
            on = st & (p[s][part][:, 1] < 1e-9)
            xg = p[s][part][:, 0] + walker.v * t
            for idx in np.split(np.flatnonzero(on), np.flatnonzero(np.diff(np.flatnonzero(on)) > 1) + 1):
                if len(idx) > 1:
                    assert np.ptp(xg[idx]) < 1e-9
    # the trailing leg hands the body over without a jump
    assert np.abs(np.diff(p["hip_y"])).max() < 1e-3


def test_walker_kinematics_are_walking_kinematics(walker):
    g = walker.g
    t = np.arange(0.0, walker.T, 1 / 4000)
    a = walker.pose(t)["angles"]["right"]  # right heel strike at t = 0
    st = a["in_stance"]
    knee = a["knee_flexion"]
    assert knee[0] == pytest.approx(g.knee_ic_deg, abs=1e-6)
    first_half = t <= 0.5 * walker.Ts
    assert knee[first_half].max() == pytest.approx(g.knee_peak_deg, abs=1e-3)  # loading-response peak
    assert knee[~st].max() == pytest.approx(g.swing_knee_peak_deg, abs=1e-3)
    assert 10.0 <= (-a["thigh"][st]).max() <= 20.0  # hip extension peak in terminal stance (gaits.md 10-20°)
    assert 30.0 <= walker.leg["right"]["knee_to"] <= 50.0  # pre-swing flexion at toe-off (Perry ~35-40°)
    hip = walker.pose(np.array([0.25 * walker.T, 0.0]))["hip_y"]
    assert hip[0] > hip[1], "a walker's hip is highest at midstance, lowest in double support"


def test_walking_duty_factor_must_leave_double_support():
    with pytest.raises(ValueError):
        GaitModel(walking_gait(duty_factor=0.45))


# --------------------------------------------------------------------------- the engine on an exact walker
@pytest.fixture(scope="module")
def walk_truth(tmp_path_factory):
    path = tmp_path_factory.mktemp("walk") / "walk.mp4"
    return generate(path, walking_gait(), Scene(facing="right", fps=60, width=640, height=360, duration_s=8.0))


def test_walking_events_on_exact_landmarks(walk_truth):
    ev = detect_events(clean(oracle_series(walk_truth)), gait="walk")
    fps = walk_truth["video"]["fps"]
    for side in SIDES:
        for kind in ("ic_s", "to_s"):
            det = np.asarray(ev.__dict__[kind][side])
            true = np.asarray([x for x in walk_truth["events"][side][kind] if 0.3 < x < 7.7])
            err = [(det[np.argmin(np.abs(det - x))] - x) * fps for x in true]
            assert np.max(np.abs(err)) <= 0.6, (side, kind, err)


def test_engine_measures_a_walk_with_walking_metrics(walk_truth):
    res = to_json(run(oracle_series(walk_truth), oracle_info(walk_truth))[0], "en")
    m, tm = res["metrics"], walk_truth["metrics"]
    assert res["view"]["gait"] == "walk"
    assert m["cadence_spm"]["value"] == pytest.approx(tm["cadence_spm"], rel=0.005)
    for name, tol in (("knee_flexion_ic_deg", 1.0), ("knee_flexion_loading_peak_deg", 1.0),
                      ("knee_flexion_swing_peak_deg", 1.0), ("hip_extension_peak_stance_deg", 1.5),
                      ("trunk_lean_deg", 0.5), ("duty_factor_pct", 1.5), ("double_support_pct", 3.0)):
        assert m[name]["value"] == pytest.approx(tm[name], abs=tol), name
    assert m["knee_flexion_loading_peak_deg"]["normal"]["gait"] == "walk"
    assert m["knee_flexion_loading_peak_deg"]["flag"] == "ok"
    for name in ("knee_flexion_peak_stance_deg", "hip_extension_to_deg", "flight_time_ms"):
        assert m[name]["value"] is None and m[name]["reason_code"] == "running_metric"
    assert res["cues"] == []  # a healthy walk
    assert any(a.startswith("Walking is judged against walking norms") for a in res["advice"])


def test_a_run_has_no_walking_metrics(oracle_truth_right):
    m = to_json(run(oracle_series(oracle_truth_right), oracle_info(oracle_truth_right))[0], "en")["metrics"]
    for name in ("double_support_pct", "knee_flexion_loading_peak_deg", "knee_flexion_swing_peak_deg",
                 "hip_extension_peak_stance_deg"):
        assert m[name]["value"] is None and m[name]["reason_code"] == "walking_metric"


def test_stance_from_contact_time_when_few_whole_strides():
    def s(name, value, left=None, right=None, why=None):
        return MetricSummary(name, "x", value, left, right, None, 3, 3, 3, "left", "medium" if value else "low",
                             [], why)
    summ = {"contact_time_ms": s("contact_time_ms", 732.0, 732.0, 671.0), "cadence_spm": s("cadence_spm", 100.0),
            "duty_factor_pct": s("duty_factor_pct", None, why=reason("few_steps", n=2)),
            "double_support_pct": s("double_support_pct", None, why=reason("few_steps", n=1))}
    out = walk_stance_from_contacts(summ)
    assert out["duty_factor_pct"].value == pytest.approx(61.0)  # 732 ms of a 1200 ms stride
    assert out["duty_factor_pct"].right == pytest.approx(671.0 / 12.0, abs=0.01)
    assert out["double_support_pct"].value == pytest.approx(61.0 + 671.0 / 12.0 - 100.0, abs=0.01)
    assert out["duty_factor_pct"].confidence == "low"
    assert summ["duty_factor_pct"].value is None  # input unchanged
    measured = {**summ, "duty_factor_pct": s("duty_factor_pct", 60.0)}
    assert walk_stance_from_contacts(measured)["duty_factor_pct"].value == 60.0


# --------------------------------------------------------------------------- what the pages and the report show
def test_a_walks_cards_follow_its_own_set():
    from formcheck.engine.registry import WALK_CARDS, card_order
    from formcheck.ui.widgets import patient_cards

    order = card_order("walk")
    assert order[:len(WALK_CARDS)] == list(WALK_CARDS) and sorted(order) == sorted(card_order("run"))
    metrics = {n: {"value": 1.0} for n in order}
    assert patient_cards(metrics, "walk") == ["cadence_spm", "knee_flexion_swing_peak_deg", "trunk_lean_deg"]
    assert patient_cards(metrics) == ["cadence_spm", "heel_ahead_of_hip_ic_pct_leg", "trunk_lean_deg"]


def test_the_session_report_of_a_walk_is_a_walking_report(walk_truth):
    import io
    import re

    pdfplumber = pytest.importorskip("pdfplumber", reason="pdfplumber is in the test extra")
    from formcheck.i18n import METRIC_LABELS
    from formcheck.outputs.report import pdf_report

    assert METRIC_LABELS["knee_flexion_loading_peak_deg"]["de"].endswith("Belastungsantwort")

    result = to_json(run(oracle_series(walk_truth), oracle_info(walk_truth))[0], "de")
    with pdfplumber.open(io.BytesIO(pdf_report(result, "de"))) as doc:
        text = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in doc.pages))
    assert "Ganganalyse" in text
    table = text[text.index("Messwert"):]
    # labels wrap inside their cells: one word of each, in the walking set's order
    where = [table.find(x) for x in ("Schrittfrequenz", "Kontaktanteil", "Doppelstützphase", "Belastungsantwort",
                                     "Schwungphase", "Rumpfvorlage")]
    assert all(w >= 0 for w in where) and where == sorted(where), where  # the walking set, in its order
    assert "15–20°" in text and "~25 %" in text  # walking norms (catalog norm_walk.*)
    assert METRIC_LABELS["hip_extension_to_deg"]["de"] not in text  # a running metric: not a row


# --------------------------------------------------------------------------- backward walking
def test_a_slowly_rising_heel_leaves_the_ground_at_the_landing_speed():
    """A backward walker's heel leaves the ground as a forward heel lands, reversed: slowly at first. Timed at the
    landing's own speed (WALK_MATCH_SPEED), the departure is found where it starts; the toes' rule (30 % of the
    fastest departure) finds it frames late."""
    n, to = 80, 40.0
    i = np.arange(n, dtype=float)
    v = np.where(i >= to, 0.12 * np.clip((i - to) / 6.0, 0.0, 1.0), 0.0)  # per sample, accelerating off the ground
    x = np.concatenate([[0.0], np.cumsum(v[:-1])])
    vg = np.zeros(n)
    assert ground_speed_departure(x, vg, 42, FPS, WALK_MATCH_SPEED) == pytest.approx(to, abs=0.7)  # frame differences
    assert ground_speed_departure(x, vg, 42, FPS) > to + 1.0


@pytest.fixture(scope="module")
def backward_walk_truth(tmp_path_factory):
    path = tmp_path_factory.mktemp("bwalk") / "bwalk.mp4"
    return generate(path, walking_gait(cadence_spm=100.0, duty_factor=0.64),
                    Scene(facing="left", direction="backward", fps=30, width=640, height=360, duration_s=6.0, seed=7))


def test_a_backward_walk_on_exact_landmarks(backward_walk_truth):
    """Toes first, heel last: contacts and heel-offs within a frame, stance % within 1.5 points, knee at the
    toe-first contact (the forward toe-off's ~40°, time-reversed: Winter 1989) within 1°, the knee's straightest
    point in stance within 0.5°; the toe-first strike angle (−45°) is kept, and the only light is the backward
    walking one (gaits.md §2), green; no cues."""
    t = backward_walk_truth
    res = to_json(run(oracle_series(t), oracle_info(t))[0], "en")
    assert res["view"]["gait"] == "walk" and res["view"]["direction"] == "backward"
    assert [b["kind"] for b in res["bouts"]] == ["backward"]
    near, fps = t["near_side"], t["video"]["fps"]
    for kind in ("ic_s", "to_s"):
        det = np.asarray(res["events"][near][kind])
        err = [(det[np.argmin(np.abs(det - x))] - x) * fps for x in t["events"][near][kind] if 0.3 < x < 5.7]
        assert np.max(np.abs(err)) <= 1.0, (kind, err)
    m, tm = res["metrics"], t["metrics"]
    assert m["cadence_spm"]["value"] == pytest.approx(tm["cadence_spm"], rel=0.005)
    assert m["duty_factor_pct"]["value"] == pytest.approx(tm["duty_factor_pct"], abs=1.5)
    assert m["knee_flexion_ic_deg"]["value"] == pytest.approx(tm["knee_flexion_ic_deg"], abs=1.0)
    assert m["trunk_lean_deg"]["value"] == pytest.approx(tm["trunk_lean_deg"], abs=0.5)
    knee = m["knee_flexion_min_stance_deg"]
    assert tm["knee_flexion_min_stance_deg"] == pytest.approx(4.0, abs=1e-3)  # knee_midstance_deg (400 samples)
    assert knee["value"] == pytest.approx(tm["knee_flexion_min_stance_deg"], abs=0.5)
    assert knee["flag"] == "ok" and knee["starting_value"] is True
    assert knee["normal"]["direction"] == "backward" and knee["normal"]["high"] == 10
    assert m["foot_strike_angle_ic_deg"]["value"] == pytest.approx(tm["foot_strike_angle_ic_deg"], abs=2.0)
    # toes first on every contact (truth 100 %), said as that share, not as a strike class (gaits.md §2)
    assert tm[f"toe_first_contact_pct__{near}"] == 100.0
    assert m["toe_first_contact_pct"]["value"] == 100.0 and m["toe_first_contact_pct"]["flag"] is None
    assert res["foot_strike"][near] is None and res["foot_strike_reasons"][near]["code"] == "backward_strike_class"
    assert "implausible_values" not in [w["code"] for w in res["quality"]["warnings"]]
    assert {n for n, x in m.items() if x["flag"] is not None} == {"knee_flexion_min_stance_deg"}
    assert res["cues"] == []


@pytest.fixture(scope="module")
def bent_backward_walk_truth(tmp_path_factory):
    """A backward walker whose knee never straightens: at its straightest 14.7° in late stance (the model's)."""
    path = tmp_path_factory.mktemp("bwalk_bent") / "bwalk_bent.mp4"
    gait = walking_gait(cadence_spm=100.0, duty_factor=0.64, knee_ic_deg=16.0, knee_peak_deg=30.0,
                        knee_midstance_deg=20.0, thigh_ext_deg=-6.0, thigh_ic_deg=18.0)
    return generate(path, gait, Scene(facing="left", direction="backward", fps=60, width=640, height=360,
                                      duration_s=6.0, seed=8))


def test_a_backward_walker_whose_knee_stays_bent_is_told_to_straighten_it(bent_backward_walk_truth):
    """gaits.md §2: "> 10° at straightest" is flagged and cued ("Let the knee go fully straight."), on the exact
    truth of the synthetic walker (the straightest point is an outcome of the model's geometry, not an input)."""
    t = bent_backward_walk_truth
    res = to_json(run(oracle_series(t), oracle_info(t))[0], "de")
    assert res["view"]["gait"] == "walk" and res["view"]["direction"] == "backward"
    truth = t["metrics"]["knee_flexion_min_stance_deg"]
    assert truth == pytest.approx(14.67, abs=0.05)
    knee = res["metrics"]["knee_flexion_min_stance_deg"]
    assert knee["value"] == pytest.approx(truth, abs=0.5) and knee["flag"] == "flag"
    assert [(c["id"], c["metric"]) for c in res["cues"]] == [("backward_walk_straight_knee", "knee_flexion_min_stance_deg")]
    assert res["cues"][0]["text"] == "Lass das Knie ganz gerade werden."


def test_a_forward_walk_measures_the_straightest_knee_without_a_norm(walk_truth):
    m = to_json(run(oracle_series(walk_truth), oracle_info(walk_truth))[0], "en")["metrics"]
    knee = m["knee_flexion_min_stance_deg"]
    assert knee["value"] == pytest.approx(walk_truth["metrics"]["knee_flexion_min_stance_deg"], abs=0.5)
    assert knee["flag"] is None and knee["normal"] is None  # gaits.md §1 gives no norm for it
