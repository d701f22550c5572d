"""The analysis result as typed data, and the public JSON contract produced from it.

The engine (:mod:`formcheck.engine.run`) returns an :class:`EngineResult`;
:func:`formcheck.pipeline.analyze` wraps it in an :class:`AnalysisResult` with
the video and pose facts. Nothing in them is a sentence: every reason, warning,
note, cue and piece of advice is a :class:`Message` (catalog code and
parameters), rendered only where it is shown. :func:`to_json` renders a result
in one language into the JSON of ``formcheck analyze --json`` (``schema_version``
:data:`SCHEMA_VERSION`); :func:`json_schema` generates its JSON Schema
(``docs/analysis.schema.json``, checked by a test) from the same dataclasses, and
:func:`validate` checks a stored or imported result against it after
:func:`upgrade` has brought an older one up to date.

How a field appears in the JSON is said by its metadata:

``text``      a :class:`Message` rendered as a string, in the result's language
              (``"lang"``, the default) or always in English (``"en"``, for the
              fields the contract has always carried in English);
``codes``     the key of a sibling field carrying the message's ``{"code", "params"}``;
``split``     the keys of two sibling fields carrying the code and the parameters;
``object``    the message as ``{"text", "code", "params"}``;
``only_if``   the name of a method: the field (and its siblings) is written only when it returns true;
``optional``  the field is left out when it is None.

The contract changes only by adding: a new field is optional or has a default,
and :func:`upgrade` fills it in for results stored before it existed.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Callable, Literal

import numpy as np

SCHEMA_VERSION = 1
SIDES = ("left", "right")


# ------------------------------------------------------------------ messages
@dataclass(frozen=True)
class Message:
    """A message by reference: what to say, not how; rendered by :func:`formcheck.i18n.render`.

    Attributes
    ----------
    kind : {"reason", "warning", "note", "cue", "advice"}
        The catalog namespace (``<kind>.<code>`` is the catalog's message id).
    code : str
        Stable code (the JSON's ``code`` / ``reason_code`` fields).
    params : dict
        Values the sentence is built from (numbers in the units the text names).
    """

    kind: str
    code: str
    params: dict = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return f"{self.kind}.{self.code}"

    def ref(self) -> dict:
        """``{"code", "params"}`` with plain JSON values."""
        return {"code": self.code, "params": plain_params(self.params)}


def reason(code: str, **params) -> Message:
    """Why a value is null or less confident."""
    return Message("reason", code, params)


def warning(code: str, **params) -> Message:
    """A quality warning: what was wrong with the clip and what to do."""
    return Message("warning", code, params)


def note(code: str, **params) -> Message:
    """What the analysis did on the way (resampling, mirrored frames, estimated contacts)."""
    return Message("note", code, params)


def plain_params(params: dict) -> dict:
    """Parameters as JSON values: floats rounded to 2 decimals, numpy scalars made Python ones."""
    return {k: (round(float(v), 2) if isinstance(v, (float, np.floating)) else
                int(v) if isinstance(v, np.integer) else v) for k, v in params.items()}


# ------------------------------------------------------------------ result types
@dataclass
class VideoFacts:
    """The clip as decoded (``video`` in the JSON)."""

    path: str
    fps: float
    n_frames: int
    duration_s: float
    width: int
    height: int
    rotation_deg: int
    capture_fps: float | None
    codec: str
    nominal_fps: float


@dataclass
class PoseFacts:
    """The pose model and how much it found (``pose``)."""

    model: str
    model_sha256: str
    variant: str | None
    chunks: int
    frames_with_pose: int
    frames_with_pose_pct: float
    max_people_in_view: int
    notes: list[Message] = field(default_factory=list, metadata={"text": "en"})
    files: list[str] | None = field(default=None, metadata={"optional": True})


@dataclass
class ViewResult:
    """What the camera saw (``view``)."""

    plane: Literal["sagittal", "frontal"]
    facing: str
    direction: Literal["forward", "backward"]
    setting: Literal["treadmill", "overground"]
    gait: Literal["run", "walk"]


@dataclass
class QualityWarning:
    """A quality warning (``quality.warnings[]``): code, and the sentence in the result's language."""

    code: str
    message: Message


@dataclass
class Quality:
    ok: bool
    warnings: list[QualityWarning] = field(default_factory=list)


@dataclass
class Events:
    """Gait events of one foot (s from the first frame)."""

    ic_s: list[float]
    to_s: list[float]


@dataclass
class Normal:
    """A metric's normal range (``metrics.<name>.normal``)."""

    typical: str
    low: float | None
    high: float | None
    source: str
    # with a treadmill speed, the cadence's norm at that speed (formcheck.engine.speed.cadence_norm_spm); else absent
    at_speed_mps: float | None = field(default=None, metadata={"optional": True})
    at_speed_spm: float | None = field(default=None, metadata={"optional": True})
    at_speed_clamped: bool | None = field(default=None, metadata={"optional": True})
    # "walk": a walking norm (shared/reference/gaits.md section 1; catalogs: norm_walk.<metric>); else absent
    gait: str | None = field(default=None, metadata={"optional": True})
    # "backward": a backward-walking norm (shared/reference/gaits.md section 2; catalogs: norm_back_walk.<metric>),
    # with gait "walk"; else absent (added 2026-12)
    direction: str | None = field(default=None, metadata={"optional": True})


@dataclass
class MetricResult:
    """One metric of the contract (``metrics.<name>``).

    ``measured`` is false where the view cannot measure the metric at all (a
    knee angle from behind): then only value, unit, the empty statistics and
    the reason are written.
    """

    value: float | None
    unit: str
    left: float | None
    right: float | None
    sd: float | None
    n: int
    confidence: Literal["high", "medium", "low"] | None
    flag: Literal["ok", "watch", "flag"] | None
    source: str | None = field(default=None, metadata={"only_if": "is_measured"})
    n_left: int | None = field(default=None, metadata={"only_if": "is_measured"})
    n_right: int | None = field(default=None, metadata={"only_if": "is_measured"})
    confidence_reasons: list[Message] = field(default_factory=list, metadata={
        "only_if": "is_measured", "text": "en", "codes": "confidence_reason_codes"})
    starting_value: bool | None = field(default=None, metadata={"only_if": "is_measured"})
    normal: Normal | None = field(default=None, metadata={"only_if": "is_measured"})
    reason: Message | None = field(default=None, metadata={
        "only_if": "is_null", "text": "en", "split": ("reason_code", "reason_params")})
    value_cm: float | None = field(default=None, metadata={"optional": True})
    measured: bool = field(default=True, metadata={"json": False})

    def is_measured(self) -> bool:
        return self.measured

    def is_null(self) -> bool:
        return self.value is None


@dataclass
class Cue:
    """One plain-language cue (``cues[]``), most important first."""

    id: str
    metric: str
    value: float
    text: Message
    priority: int


@dataclass
class BodyProportions:
    """The runner's segments as the camera saw them (``analysis.body``): medians over the clip, ``null`` where too few
    frames show them. The ratios do not depend on zoom or distance; two clips whose ratios differ beyond the tolerances
    of :func:`formcheck.outputs.compare.comparability` probably do not show the same runner filmed the same way."""

    thigh_px: float | None
    shank_px: float | None
    trunk_px: float | None
    leg_to_height: float | None  # (thigh + shank) / (thigh + shank + trunk + mid-shoulder→nose)
    thigh_to_shank: float | None
    side: Literal["left", "right", "both"] | None  # the leg measured: the near leg in a side view, both from behind


@dataclass
class AnalysisFacts:
    """How the engine read the clip (``analysis``)."""

    near_side: Literal["left", "right"] | None
    fps: float
    lowpass_cutoff_hz: float | None
    leg_length_px: float
    cadence_events_spm: float | None
    cadence_spectrum_spm: float | None
    leg_label_swaps_fixed: int
    view_evidence: dict[str, Any]
    notes: list[Message] = field(default_factory=list, metadata={"text": "en"})
    lang: str = field(default="de", metadata={"render": "lang"})
    body: BodyProportions | None = field(default=None, metadata={"optional": True})  # added in 2026-12; older: absent
    # the treadmill speed given for the clip (m/s) and the scale it gave (cm per pixel); absent when not known
    speed_mps: float | None = field(default=None, metadata={"optional": True})
    cm_per_px: float | None = field(default=None, metadata={"optional": True})
    # the camera's roll read from the scene's verticals (°, formcheck.io.scene; + the true downward direction
    # points right of the image's), levelled by from 0.5°; absent or null where the scene does not say
    camera_roll_deg: float | None = field(default=None, metadata={"optional": True})


@dataclass
class BoutResult:
    """One bout of the clip (``bouts[]``): a stretch of one gait, with its own metrics and cues.

    ``kind``: walking, running, backward gait or standing (:mod:`formcheck.engine.bouts`); ``start_s`` and
    ``end_s`` on the clip's clock (the near foot's initial contacts that open its first stride and close its
    last); ``main``: the bout the top-level metrics describe (the longest running bout, else the longest walk).
    A clip of one gait has one bout, with the top-level view, metrics and cues; standing has none (``view``
    null, ``metrics`` empty).
    """

    kind: Literal["walk", "run", "backward", "standing"]
    start_s: float
    end_s: float
    strides: int
    main: bool
    view: ViewResult | None
    metrics: dict[str, MetricResult]
    foot_strike: dict[str, Literal["rearfoot", "midfoot", "forefoot"] | None]
    cues: list[Cue]
    advice: list[Message]


@dataclass
class EngineResult:
    """What the gait engine found in one pose series (the JSON's engine part)."""

    view: ViewResult
    quality: Quality
    events: dict[str, Events]
    strides: list[dict[str, float | str | None]]
    metrics: dict[str, MetricResult]
    foot_strike: dict[str, Literal["rearfoot", "midfoot", "forefoot"] | None]
    foot_strike_uncertain: dict[str, bool]
    foot_strike_reasons: dict[str, Message | None] = field(metadata={"object": True, "text": "en"})
    cues: list[Cue]
    advice: list[Message]
    analysis: AnalysisFacts
    bouts: list[BoutResult] = field(default_factory=list, metadata={"optional": True})  # added 2026-12; older: absent


@dataclass
class AnalysisResult:
    """The whole result of one clip: what ``formcheck analyze --json`` writes."""

    schema_version: int
    formcheck_version: str
    video: VideoFacts
    pose: PoseFacts
    view: ViewResult
    quality: Quality
    events: dict[str, Events]
    strides: list[dict[str, float | str | None]]
    metrics: dict[str, MetricResult]
    foot_strike: dict[str, Literal["rearfoot", "midfoot", "forefoot"] | None]
    foot_strike_uncertain: dict[str, bool]
    foot_strike_reasons: dict[str, Message | None] = field(metadata={"object": True, "text": "en"})
    cues: list[Cue]
    advice: list[Message]
    analysis: AnalysisFacts
    bouts: list[BoutResult] = field(default_factory=list, metadata={"optional": True})  # added 2026-12; older: absent

    @classmethod
    def of(cls, engine: EngineResult, *, version: str, video: VideoFacts, pose: PoseFacts) -> "AnalysisResult":
        """The engine's result with the clip's and the model's facts."""
        parts = {f.name: getattr(engine, f.name) for f in dataclasses.fields(EngineResult)}
        return cls(schema_version=SCHEMA_VERSION, formcheck_version=version, video=video, pose=pose, **parts)


# ------------------------------------------------------------------ JSON
def to_json(result, lang: str = "de", render: Callable[[Message, str], str] | None = None) -> dict:
    """The JSON of ``result`` (any contract dataclass) with messages rendered in ``lang``.

    Parameters
    ----------
    result : dataclass instance
        An :class:`AnalysisResult`, :class:`EngineResult` or a part of one.
    lang : {"de", "en"}
        Language of the warnings, cues and advice (reasons and notes are always English
        in the JSON, with their codes beside them).
    render : callable, optional
        ``render(message, lang) -> str``; default :func:`formcheck.i18n.render`.
    """
    if render is None:
        from formcheck.i18n import render
    return _dump(result, lang, render)


def _dump(x, lang: str, render) -> Any:
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        out: dict = {}
        for f in dataclasses.fields(x):
            meta = f.metadata
            if meta.get("json") is False:
                continue
            if "only_if" in meta and not getattr(x, meta["only_if"])():
                continue
            v = getattr(x, f.name)
            if meta.get("render") == "lang":
                v = lang
            if v is None and meta.get("optional"):
                continue
            out.update(_dump_field(f.name, v, meta, lang, render))
        return out
    if isinstance(x, Message):
        return render(x, lang)
    if isinstance(x, dict):
        return {k: _dump(v, lang, render) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_dump(v, lang, render) for v in x]
    if isinstance(x, np.generic):
        return x.item()
    return x


def _dump_field(name: str, v, meta, lang: str, render) -> dict:
    text_lang = "en" if meta.get("text") == "en" else lang

    def text(m):
        return None if m is None else render(m, text_lang)

    if meta.get("object"):
        return {name: {k: (None if m is None else {"text": text(m), **m.ref()}) for k, m in v.items()}}
    if "split" in meta:
        code_key, params_key = meta["split"]
        return {name: text(v), **({} if v is None else {code_key: v.code, params_key: v.ref()["params"]})}
    if "codes" in meta:
        return {name: [text(m) for m in v], meta["codes"]: [m.ref() for m in v]}
    if isinstance(v, Message):
        return {name: text(v)}
    if isinstance(v, list) and v and all(isinstance(m, Message) for m in v):
        return {name: [text(m) for m in v]}
    return {name: _dump(v, lang, render)}


# ------------------------------------------------------------------ schema
_PRIMITIVE = {float: {"type": "number"}, int: {"type": "integer"}, bool: {"type": "boolean"},
              str: {"type": "string"}, type(None): {"type": "null"}}
_MESSAGE_REF = {"type": "object", "required": ["code", "params"],
                "properties": {"code": {"type": ["string", "null"]}, "params": {"type": "object"}}}


def json_schema() -> dict:
    """JSON Schema (draft 2020-12) of the ``formcheck analyze --json`` result, from the dataclasses."""
    defs: dict = {}
    root = _schema_of(AnalysisResult, defs)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://formcheck.local/analysis.schema.json",
            "title": "formcheck analysis result",
            "description": (AnalysisResult.__doc__ or "").strip() + f" schema_version {SCHEMA_VERSION}; "
                           "fields are only ever added, so unknown fields are allowed.",
            **root, "$defs": defs}


def _schema_of(tp, defs: dict) -> dict:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp in _PRIMITIVE:
        return dict(_PRIMITIVE[tp])
    if tp is Any:
        return {}
    if tp is Message:
        return {"type": "string"}
    if origin is Literal:
        return {"enum": list(args)}
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_schema_of(a, defs) for a in args]}
    if origin is list:
        return {"type": "array", "items": _schema_of(args[0], defs)}
    if origin is dict:
        return {"type": "object", "additionalProperties": _schema_of(args[1], defs)}
    if dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # recursion guard
            defs[name] = _object_schema(tp, defs)
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no JSON schema for {tp!r}")


def _object_schema(cls, defs: dict) -> dict:
    hints = typing.get_type_hints(cls)
    props, required = {}, []
    for f in dataclasses.fields(cls):
        meta = f.metadata
        if meta.get("json") is False:
            continue
        tp = hints[f.name]
        conditional = "only_if" in meta or meta.get("optional")
        if meta.get("object"):
            props[f.name] = {"type": "object", "additionalProperties": {"anyOf": [
                {"type": "null"}, {"type": "object", "required": ["text", "code", "params"],
                                   "properties": {"text": {"type": "string"}, **_MESSAGE_REF["properties"]}}]}}
        elif "split" in meta:
            props[f.name] = {"type": ["string", "null"]}
            props[meta["split"][0]] = {"type": ["string", "null"]}
            props[meta["split"][1]] = {"type": "object"}
        elif "codes" in meta:
            props[f.name] = {"type": "array", "items": {"type": "string"}}
            props[meta["codes"]] = {"type": "array", "items": _MESSAGE_REF}
            if not conditional:
                required.append(meta["codes"])
        else:
            props[f.name] = _schema_of(tp, defs)
        if not conditional:
            required.append(f.name)
    doc = " ".join((cls.__doc__ or "").split())
    return {"type": "object", "description": doc, "properties": props, "required": required}


# ------------------------------------------------------------------ stored results
class ContractError(ValueError):
    """A stored or imported result does not follow the contract (``where`` names the first bad field)."""

    def __init__(self, where: str, what: str):
        super().__init__(f"{where}: {what}")
        self.where, self.what = where, what


_LEGACY_VIEW_REASONS = {"needs a side view": "needs_side_view", "needs a rear view": "needs_rear_view"}


def upgrade(result: dict) -> dict:
    """A stored result brought up to the current contract (fields added since it was written filled in).

    Results of ``schema_version`` 1 written by earlier formcheck versions may
    lack fields added since (codes beside the reasons, foot-strike reasons,
    advice, the model variant); they get the value that says "not known".
    Returns a new dict; ``result`` is not changed.
    """
    import copy

    if not isinstance(result, dict):
        return result  # nothing to upgrade: validate() says what is wrong
    r = copy.deepcopy(result)
    if r.get("schema_version") is None:
        r["schema_version"] = 1
    r.setdefault("advice", [])
    r.setdefault("bouts", [])
    r.setdefault("cues", [])
    r.setdefault("foot_strike", {s: None for s in SIDES})
    r.setdefault("foot_strike_uncertain", {s: False for s in SIDES})
    r.setdefault("foot_strike_reasons", {s: None for s in SIDES})
    pose = r.get("pose")
    if isinstance(pose, dict):
        pose.setdefault("variant", None)
        pose.setdefault("chunks", 1)
        pose.setdefault("notes", [])
    analysis = r.get("analysis")
    if isinstance(analysis, dict):
        analysis.setdefault("notes", [])
        analysis.setdefault("view_evidence", {})
        analysis.setdefault("lang", "de")
    metrics = r.get("metrics")
    for m in (metrics.values() if isinstance(metrics, dict) else ()):
        if not isinstance(m, dict):
            continue
        if "confidence_reasons" in m and "confidence_reason_codes" not in m:
            m["confidence_reason_codes"] = [{"code": None, "params": {}} for _ in m["confidence_reasons"]]
        if m.get("value") is None and "reason" not in m:
            m["reason"] = None
        if m.get("value") is None and "reason_code" not in m and m.get("reason") in _LEGACY_VIEW_REASONS:
            # stored before the codes existed: the only two sentences a view-dependent null carried
            m["reason_code"], m["reason_params"] = _LEGACY_VIEW_REASONS[m["reason"]], {}
    return r


#: Reason codes of a metric the view or the gait cannot measure at all (a knee angle from behind, a walking
#: metric of a run, a running metric of a walk, a backward-only one of a forward gait): not shown as a card.
VIEW_CANNOT_MEASURE = ("needs_side_view", "needs_rear_view", "walking_metric", "running_metric", "backward_metric")


def measurable(metric: dict) -> bool:
    """False for a metric of the JSON that this clip's view or gait cannot measure (:data:`VIEW_CANNOT_MEASURE`)."""
    return not (metric.get("value") is None and metric.get("reason_code") in VIEW_CANNOT_MEASURE)


def validate(result: dict) -> None:
    """Raise :class:`ContractError` unless ``result`` follows the contract's JSON Schema."""
    import jsonschema

    if not isinstance(result, dict):
        raise ContractError("(top)", "not a JSON object")
    version = result.get("schema_version")
    if isinstance(version, int) and version > SCHEMA_VERSION:
        raise ContractError("schema_version", f"{version} is newer than this formcheck knows ({SCHEMA_VERSION})")
    validator = jsonschema.Draft202012Validator(_schema_cached())
    error = jsonschema.exceptions.best_match(validator.iter_errors(result))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        raise ContractError(where, error.message[:200])
    _check_finite(result, "")


_SCHEMA: dict | None = None


def _schema_cached() -> dict:
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = json_schema()
    return _SCHEMA


def _check_finite(x, where: str) -> None:
    if isinstance(x, float) and not math.isfinite(x):
        raise ContractError(where or "(top)", "a number that is not finite")
    if isinstance(x, dict):
        for k, v in x.items():
            _check_finite(v, f"{where}/{k}" if where else str(k))
    elif isinstance(x, list):
        for i, v in enumerate(x):
            _check_finite(v, f"{where}/{i}")
