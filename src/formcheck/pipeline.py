"""The whole analysis of one clip, as the CLI and the dashboard call it.

``analyze`` runs the stages in order — video (:mod:`formcheck.io.video`) →
pose (:mod:`formcheck.io.pose`) → gait engine (:mod:`formcheck.engine.run`) —
and returns an :class:`Analysis`: the typed result (:mod:`formcheck.contract`)
and its JSON, the public contract (``schema_version`` 1; README and
``docs/analysis.schema.json``), rendered in the language asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from formcheck import __version__
from formcheck.contract import SCHEMA_VERSION, AnalysisResult, PoseFacts, VideoFacts, to_json
from formcheck.io.pose import PoseSeries, extract_pose
from formcheck.io.progress import Progress, quiet_native_stderr
from formcheck.io.provision import sha256_file, variant_of, verified_model_path
from formcheck.io.video import VideoInfo, probe
from formcheck.outputs.export import strides_csv, write_pose_outputs, write_text_atomic
from formcheck.outputs.summary import summary_text

__all__ = ["SCHEMA_VERSION", "Analysis", "analyze", "analyze_video", "run_engine", "strides_csv", "summary_text",
           "write_pose_outputs", "write_text_atomic", "video_block", "pose_block"]


def video_facts(info: VideoInfo, series: PoseSeries) -> VideoFacts:
    """The ``video`` object of the contract: the frame rate and duration the frames really have."""
    n = series.n_frames
    duration = float(series.t[-1] - series.t[0]) if n > 1 else 0.0
    fps = (n - 1) / duration if duration > 0 else info.fps
    return VideoFacts(path=info.path, fps=round(fps, 3), n_frames=n, duration_s=round(duration, 4), width=info.width,
                      height=info.height, rotation_deg=info.rotation_deg, capture_fps=info.capture_fps,
                      codec=info.codec, nominal_fps=round(info.nominal_fps, 3))


def pose_facts(series: PoseSeries, model_path: Path) -> PoseFacts:
    """The ``pose`` object of the contract: which model, how much of the clip it found."""
    found = series.found
    digest = sha256_file(model_path)
    return PoseFacts(model=model_path.name, model_sha256=digest, variant=variant_of(digest=digest),
                     chunks=series.chunks, frames_with_pose=int(found.sum()),
                     frames_with_pose_pct=round(100.0 * float(found.mean()), 1),
                     max_people_in_view=int(series.n_people.max()) if series.n_frames else 0,
                     notes=list(series.notes))


def video_block(info: VideoInfo, series: PoseSeries) -> dict:
    """The ``video`` object of the JSON contract."""
    return to_json(video_facts(info, series))


def pose_block(series: PoseSeries, model_path: Path) -> dict:
    """The ``pose`` object of the JSON contract."""
    return to_json(pose_facts(series, model_path))


def run_engine(series: PoseSeries, info: VideoInfo, *, lang: str = "de", runner_height_cm: float | None = None,
               speed_mps: float | None = None, level=None) -> dict:
    """Gait engine on a pose series: the engine's part of the JSON contract in ``lang``.

    (``view``, ``quality``, ``events``, ``strides``, ``metrics``, ``foot_strike``, ``cues``…;
    :func:`formcheck.engine.run.run` gives the typed result.)
    """
    return to_json(run(series, info, runner_height_cm=runner_height_cm, speed_mps=speed_mps, level=level)[0], lang)


@dataclass
class Analysis:
    """Everything one analysis produced, for the dashboard and reports.

    Attributes
    ----------
    result : dict
        The JSON contract (what ``formcheck analyze --json`` writes).
    series : PoseSeries
        Raw landmarks of the runner.
    clean : CleanSeries
        Cleaned, leg-identified landmarks on a uniform time grid.
    curves : dict of str to ndarray
        Per-frame joint angles on ``clean.t`` (see :func:`formcheck.engine.metrics.angle_curves`).
    info : VideoInfo
        The clip as probed.
    typed : AnalysisResult
        The typed result ``result`` was rendered from.
    lang : str
        The language ``result`` is rendered in (:meth:`result_in` gives another).
    """

    result: dict
    series: PoseSeries
    clean: object
    curves: dict
    info: VideoInfo
    typed: AnalysisResult | None = None
    lang: str = "de"
    _rendered: dict = field(default_factory=dict, repr=False)

    def result_in(self, lang: str) -> dict:
        """The JSON in another language, rendered from the typed result without analysing again.

        An analysis without a typed result (one reopened from its stored JSON) keeps its JSON.
        """
        if self.typed is None or lang == self.lang:
            return self.result
        if lang not in self._rendered:
            self._rendered[lang] = to_json(self.typed, lang)
        return self._rendered[lang]


def run(series: PoseSeries, info: VideoInfo, runner_height_cm: float | None = None, speed_mps: float | None = None,
        level=None):
    """:func:`formcheck.engine.run.run` (the engine is imported on first use: see :func:`_import_engine_meanwhile`)."""
    from formcheck.engine.run import run as engine_run

    return engine_run(series, info, runner_height_cm=runner_height_cm, speed_mps=speed_mps, level=level)


def _import_engine_meanwhile() -> None:
    """Import what the engine imports on first use (``scipy.signal``: ~0.7 s) in a background thread.

    Started while this process waits for the pose helper's facing verdict
    (see :func:`formcheck.io.pose.extract_pose`'s ``meanwhile``), else once the
    pose model is running (its native calls release the GIL, so the import
    runs beside it, where before the pose pass it would delay the first chunk
    by that much). Python's import lock makes the engine's own ``import`` wait
    for this one to finish.
    """
    import importlib
    import threading

    def load():
        for name in ("formcheck.engine.run", "scipy.signal", "scipy.ndimage"):
            importlib.import_module(name)
    threading.Thread(target=load, name="import-engine", daemon=True).start()


def analyze(video, *, capture_fps: float | None = None, lang: str = "de", model=None,
            use_cache: bool = True, out_dir=None, log: Callable[[str], None] | None = None,
            show_progress: bool = False, on_progress: Callable[[float], None] | None = None,
            runner_height_cm: float | None = None, workers: int | None = None,
            model_variant: str | None = None, on_frames: Callable[[int, int], None] | None = None,
            helpers=None, speed_mps: float | None = None) -> Analysis:
    """Analyse one clip; the full :class:`Analysis` (parameters as :func:`analyze_video`).

    ``helpers``: pose helper processes spawned beforehand
    (:class:`formcheck.io.pose.PoseHelpers`), closed by the caller.
    """
    say = log or (lambda msg: None)
    info = probe(video, capture_fps=capture_fps)
    model_path = verified_model_path(Path(model) if model else None, variant=model_variant, log=say)
    expected = info.n_frames_hint or int(round(info.duration_hint_s * info.fps)) or None
    bar = Progress("pose", expected) if show_progress else None

    importing = []

    def import_engine():
        if not importing:
            importing.append(True)
            _import_engine_meanwhile()

    def tick(n_done: int):
        import_engine()  # the first frame is done (if not earlier, see extract_pose's ``meanwhile``)
        n_done = min(n_done, expected) if expected else n_done  # chunks share a few stitch frames
        if bar:
            bar.update(n_done)
        if on_progress and expected:
            on_progress(min(n_done / expected, 1.0))
        if on_frames and expected:
            on_frames(n_done, expected)

    with quiet_native_stderr():
        series = extract_pose(info, model_path, use_cache=use_cache, progress=tick, log=say, workers=workers,
                              helpers=helpers, meanwhile=import_engine)
    if bar:
        bar.close()
    engine, cl, curves = run(series, info, runner_height_cm=runner_height_cm, speed_mps=speed_mps, level=series.level)
    pose = pose_facts(series, model_path)
    engine.analysis.notes = list(series.notes) + engine.analysis.notes
    if out_dir:
        pose.files = write_pose_outputs(series, Path(out_dir))
    typed = AnalysisResult.of(engine, version=__version__, video=video_facts(info, series), pose=pose)
    return Analysis(result=to_json(typed, lang), series=series, clean=cl, curves=curves, info=info, typed=typed,
                    lang=lang)


def analyze_video(video, *, capture_fps: float | None = None, lang: str = "de", model=None,
                  use_cache: bool = True, out_dir=None, log: Callable[[str], None] | None = None,
                  show_progress: bool = False, on_progress: Callable[[float], None] | None = None,
                  runner_height_cm: float | None = None, return_series: bool = False, workers: int | None = None,
                  model_variant: str | None = None, speed_mps: float | None = None):
    """Analyse one clip and return the JSON-ready result (the public contract).

    Parameters
    ----------
    video : path-like
        The clip.
    capture_fps : float, optional
        For slow-motion clips: the capture frame rate.
    lang : {"de", "en"}
        Language of cues and warnings.
    model : path-like, optional
        A specific ``.task`` bundle; default: the provisioned, checksum-verified one.
    model_variant : {"lite", "full", "heavy"}, optional
        Which provisioned bundle to use (default
        :data:`formcheck.io.provision.DEFAULT_VARIANT`); ignored when ``model`` is given.
    on_progress : callable, optional
        Receives the fraction done (0–1) while the pose model runs.
    runner_height_cm : float, optional
        Adds centimetre values where metrics.md gives thresholds in cm.
    speed_mps : float, optional
        The treadmill's belt speed (m/s): the cadence norm for it, step length and vertical oscillation in cm
        (:mod:`formcheck.engine.speed`).
    return_series : bool
        Also return the :class:`PoseSeries` (for drawing).
    workers : int, optional
        Chunks of the clip tracked in parallel processes (default: one per core,
        see :func:`formcheck.io.pose.default_workers`); 1 runs one serial pass.
    """
    a = analyze(video, capture_fps=capture_fps, lang=lang, model=model, use_cache=use_cache, out_dir=out_dir,
                log=log, show_progress=show_progress, on_progress=on_progress, runner_height_cm=runner_height_cm,
                workers=workers, model_variant=model_variant, speed_mps=speed_mps)
    return (a.result, a.series) if return_series else a.result
