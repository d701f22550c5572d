"""User-facing texts in German and English, read from gettext catalogs (German is the default).

Every sentence the dashboard, the command line, the PDF report or the analysis
JSON shows a person lives in one gettext catalog per language,
``locale/<lang>/LC_MESSAGES/formcheck.po`` beside this file. The catalogs are
read with Babel (:func:`babel.messages.pofile.read_po`) once per process, on
first use; no compiled ``.mo`` files exist. Cue wording follows
``shared/reference/metrics.md`` section 3; warning texts say what was wrong and
what to do.

One entry point renders any message: :func:`say`. The older helpers
(:func:`text`, :func:`tr`, :func:`reason_text`, :func:`norm_typical`,
:class:`Reason`) and the tables (:data:`CUES`, :data:`UI`, ...) are kept and
read the same catalogs.

Message ids
-----------
Msgids are codes, not English sentences; the first dot-separated part is the
namespace, which is also the table that shows it:

========================  ===================================  =============================================
msgid                     what                                 table
========================  ===================================  =============================================
``cue.<id>``              running cue                          :data:`CUES`
``advice.retraining``     how to retrain, with any cue         :data:`RETRAINING_ADVICE`
``advice.backward``       note for backward running            :data:`BACKWARD_NOTE`
``warning.<code>``        recording-quality warning            :data:`WARNINGS`
``metric.<name>``         metric label                         :data:`METRIC_LABELS`
``unit.<unit>``           unit as the engine writes it         :data:`UNITS`
``strike.<class>``        foot-strike class                    :data:`STRIKE_NAMES`
``flag.<word>``           word for a metric's traffic light    :data:`FLAG_WORDS`
``ui.<key>``              dashboard, chart and report label    :data:`UI`, :func:`tr`
``ui.<key>.<i>``          item ``i`` (0, 1, ...) of a list     :data:`UI`, :func:`tr` (a list)
``error.<code>``          plain-language error message         :data:`ERRORS`
``norm.<metric>``         typical range as displayed           :data:`NORM_TYPICAL_DE`, :func:`norm_typical`
``norm_walk.<metric>``    the same for walking                 :func:`norm_typical` (``gait="walk"``)
``norm_back_walk.<m>``    the same for backward walking        :func:`norm_typical` (``direction="backward"``)
``reason.<code>``         why a metric is null or less sure    :data:`REASONS`, :class:`Reason`
``side.<side>.genitive``  a side inside a reason's ``{side}``  :func:`reason_text` (``linken``)
``note.<code>``           what the analysis did on the way     :func:`render` (``analysis.notes``)
========================  ===================================  =============================================

Engine results carry :class:`formcheck.contract.Message` objects (kind, code,
parameters); :func:`render` turns one into its sentence via ``<kind>.<code>``.

``ui.<key>.<part>`` entries make ``tr(<key>)`` return a list when every part
is a number (in that order; e.g. the filming points) and a dict otherwise.
The English ``norm.*`` entries are left empty on purpose: English shows the
engine's own wording (:data:`formcheck.engine.norms.NORMS`, also in the JSON),
so :func:`norm_typical` falls back to the text it is given. An empty (or
fuzzy) translation counts as missing.

Parameters, numbers and plurals
-------------------------------
Texts name their parameters as ``str.format`` fields (``{pct:.0f}``,
``{name}``). Numbers (``int``, ``float``, numpy scalars, ``Decimal``)
formatted with no spec, ``d`` or ``.Nf`` are written with the language's
decimal sign through :func:`babel.numbers.format_decimal` (German
``17,7``, English ``17.7``), rounded exactly as Python rounds them and never
grouped (``1234``). Literal text is never touched: a ``−`` or ``2,7`` typed
into a message stays as written. :func:`number` renders a bare value the same
way.

An entry with ``msgid_plural`` (by convention the msgid plus ``.plural``; it
is never looked up) has one ``msgstr[i]`` per plural form; the parameter
``n`` picks the form through the catalog's ``Plural-Forms`` rule (a
non-whole ``n`` takes the last form). The tables show a plural entry by its
last ("other") form, e.g. ``REASONS["few_steps"]["en"]`` is
``"only {n} steps measured: ..."``; :func:`say` (and :func:`text`, :func:`tr`,
:func:`reason_text`, :class:`Reason`, which use it) chooses the right one.

Adding a message
----------------
Add the entry to every catalog (same msgid, same ``{fields}``; a count that
reads differently for one and many gets ``msgid_plural`` and one
``msgstr[i]`` per form) and call ``say("<namespace>.<key>", lang, ...)``,
or the table's helper (``tr("<key>", lang)`` for ``ui.<key>``).
``tests/unit/test_i18n.py`` checks that the catalogs agree.

Adding a language
-----------------
Copy ``locale/de/LC_MESSAGES/formcheck.po`` to
``locale/<lang>/LC_MESSAGES/formcheck.po``, set the header's ``Language``
and ``Plural-Forms`` (e.g. ``nplurals=3; plural=(...)``) and translate every
``msgstr`` (``msgstr[i]`` for each plural form; a ``norm.*`` msgstr left
empty shows the engine's English). The language is found by its folder and
appears in :data:`LANGS` and the tables, with Babel's number notation for it;
the dashboard's language switch (``app.py``) lists its languages itself.

Attributes
----------
LANGS : tuple of str
    The languages with a catalog, German first.
DEFAULT_LANG : str
    ``"de"``: what any language not in :data:`LANGS` gets.
CUES, WARNINGS, METRIC_LABELS, UNITS, STRIKE_NAMES, FLAG_WORDS, UI, ERRORS, REASONS : Mapping
    Read-only views ``{key: {lang: text}}`` of one namespace each (lists and
    dicts of ``ui.<key>.<part>`` entries are tuples and read-only mappings).
RETRAINING_ADVICE, BACKWARD_NOTE : Mapping
    Read-only ``{lang: text}``.
NORM_TYPICAL_DE : Mapping
    Read-only ``{metric: German typical range}``.
"""

from __future__ import annotations

import functools
import gettext
import math
import numbers
import re
import string
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from importlib.resources import files
from types import MappingProxyType

from babel.messages.pofile import read_po
from babel.numbers import format_decimal

__all__ = [
    "LANGS", "DEFAULT_LANG", "say", "number", "text", "tr", "reason_text", "norm_typical", "view_text", "Reason",
    "CUES", "RETRAINING_ADVICE", "BACKWARD_NOTE", "WARNINGS", "METRIC_LABELS", "UNITS", "STRIKE_NAMES",
    "FLAG_WORDS", "UI", "ERRORS", "NORM_TYPICAL_DE", "REASONS",
]

DOMAIN = "formcheck"
DEFAULT_LANG = "de"
_LOCALE = files(__name__) / "locale"


def _find_langs() -> tuple[str, ...]:
    found = sorted(p.name for p in _LOCALE.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file())
    return (DEFAULT_LANG, *(lang for lang in found if lang != DEFAULT_LANG))


LANGS = _find_langs()


def _lang(lang) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


# ------------------------------------------------------------------ catalogs


@dataclass(frozen=True)
class _Catalog:
    locale: str
    #: msgid -> text, or the tuple of plural forms; untranslated and fuzzy entries left out
    messages: Mapping[str, str | tuple[str, ...]]
    plural: Callable[[int], int]


@functools.cache
def _catalog(lang: str) -> _Catalog:
    with (_LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as f:
        cat = read_po(f, locale=lang, domain=DOMAIN, abort_invalid=True)
    messages: dict[str, str | tuple[str, ...]] = {}
    for m in cat:
        if not m.id or m.fuzzy:
            continue
        if m.pluralizable:
            forms = tuple(m.string)
            if forms and all(forms):
                messages[m.id[0]] = forms
        elif m.string:
            messages[m.id] = m.string
    # gettext's own compiler of a C plural expression (what GNUTranslations uses for .mo files)
    return _Catalog(str(cat.locale or lang), MappingProxyType(messages), gettext.c2py(cat.plural_expr))


def _form(cat: _Catalog, forms: tuple[str, ...], n) -> str:
    if isinstance(n, bool) or not isinstance(n, (numbers.Real, Decimal)):
        raise TypeError(f"the plural count n must be a number, not {type(n).__name__}")
    whole = isinstance(n, numbers.Integral) or (math.isfinite(n) and float(n).is_integer())
    i = cat.plural(int(n)) if whole else len(forms) - 1
    return forms[min(i, len(forms) - 1)]


# ------------------------------------------------------------------ numbers

_PLAIN = re.compile(r"-?\d+(?:\.\d+)?")
_SPEC = re.compile(r"d?|\.\d+f")


def _is_number(value) -> bool:
    return isinstance(value, (numbers.Real, Decimal)) and not isinstance(value, bool)


def _localise(plain: str, locale: str) -> str:
    """A number as Python wrote it (``-17.7``), with the decimal sign of ``locale``."""
    if not _PLAIN.fullmatch(plain):  # nan, inf, 1e+16: as Python writes them
        return plain
    decimals = len(plain.partition(".")[2])
    pattern = "0." + "0" * decimals if decimals else "0"
    # Python has rounded already; the exact Decimal leaves Babel nothing to round
    return format_decimal(Decimal(plain), format=pattern, locale=locale, group_separator=False)


class _Formatter(string.Formatter):
    """``str.format`` with numbers in the decimal notation of a language."""

    def __init__(self, locale: str):
        super().__init__()
        self.locale = locale

    def format_field(self, value, format_spec: str) -> str:
        if _is_number(value) and _SPEC.fullmatch(format_spec):
            return _localise(format(value, format_spec), self.locale)
        return super().format_field(value, format_spec)


@functools.cache
def _formatter(lang: str) -> _Formatter:
    return _Formatter(_catalog(lang).locale)


def signed(value: float, lang: str, decimals: int = 1) -> str:
    """``value`` with its sign always shown (+ or the minus sign −), in ``lang``'s number format."""
    text = number(abs(value), lang, decimals)
    return ("−" if value < 0 and text.strip("0,.") else "+") + text


def number(value: float, lang: str, decimals: int = 1) -> str:
    """``value`` rounded to ``decimals`` places in the notation of ``lang`` (German ``17,7``), minus sign ``−``."""
    lang = _lang(lang)
    text = _localise(format(value, f".{decimals}f"), _catalog(lang).locale)
    return "−" + text[1:] if text.startswith("-") else text


# ------------------------------------------------------------------ the entry point


def say(msgid: str, lang: str, /, **params) -> str:
    """The message ``msgid`` in ``lang`` with ``params`` filled in.

    Parameters
    ----------
    msgid : str
        A namespaced code, e.g. ``"warning.too_few_steps"`` (see the module docstring).
    lang : str
        A language of :data:`LANGS`; any other gives German.
    **params
        The message's ``{fields}``. Numbers are written in the language's
        notation. For a plural entry, ``n`` chooses the form.

    Returns
    -------
    str

    Raises
    ------
    KeyError
        ``msgid`` is not in the catalog of ``lang`` (or has no translation
        there), or a field (``n`` of a plural entry included) is not in ``params``.
    TypeError
        ``n`` of a plural entry is not a number.
    """
    lang = _lang(lang)
    cat = _catalog(lang)
    try:
        entry = cat.messages[msgid]
    except KeyError:
        raise KeyError(msgid) from None
    if isinstance(entry, tuple):
        if "n" not in params:
            raise KeyError("n")
        entry = _form(cat, entry, params["n"])
    return _formatter(lang).vformat(entry, (), params)


# ------------------------------------------------------------------ tables


def _texts(msgid: str) -> dict[str, str | tuple[str, ...]]:
    """``{lang: text}`` of ``msgid`` over the catalogs that have it; a plural entry by its last form."""
    out = {}
    for lang in LANGS:
        entry = _catalog(lang).messages.get(msgid)
        if entry is not None:
            out[lang] = entry[-1] if isinstance(entry, tuple) else entry
    return out


@functools.cache
def _msgids() -> tuple[str, ...]:
    """Every msgid, in the German catalog's order, then any only the other catalogs have."""
    seen: dict[str, None] = {}
    for lang in LANGS:
        seen.update(dict.fromkeys(_catalog(lang).messages))
    return tuple(seen)


def _group(parts: dict[str, dict[str, str]]):
    """``{lang: list or mapping}`` from the texts of ``ui.<key>.<part>``."""
    langs = [lang for lang in LANGS if all(lang in t for t in parts.values())]
    if all(p.isdigit() for p in parts):
        order = sorted(parts, key=int)
        return {lang: tuple(parts[p][lang] for p in order) for lang in langs}
    return {lang: MappingProxyType({p: t[lang] for p, t in parts.items()}) for lang in langs}


@functools.cache
def _table(namespace: str) -> Mapping[str, Mapping]:
    prefix = namespace + "."
    plain: dict[str, Mapping] = {}
    grouped: dict[str, dict[str, dict[str, str]]] = {}
    for msgid in _msgids():
        if not msgid.startswith(prefix):
            continue
        key, dot, part = msgid[len(prefix):].partition(".")
        if dot:
            grouped.setdefault(key, {})[part] = _texts(msgid)
        else:
            plain[key] = MappingProxyType(_texts(msgid))
    for key, parts in grouped.items():
        plain.setdefault(key, MappingProxyType(_group(parts)))
    return MappingProxyType(plain)


class _View(Mapping):
    """A read-only mapping built from the catalogs on first use."""

    def __init__(self, build: Callable[[], Mapping], what: str):
        self._build, self._what = build, what

    def __getitem__(self, key):
        return self._build()[key]

    def __iter__(self) -> Iterator:
        return iter(self._build())

    def __len__(self) -> int:
        return len(self._build())

    def __repr__(self) -> str:
        return f"<formcheck.i18n {self._what}: {len(self)} entries>"


class _Table(_View):
    """``{key: {lang: text}}`` of the msgids ``<namespace>.<key>``."""

    def __init__(self, namespace: str):
        super().__init__(functools.partial(_table, namespace), f"{namespace}.*")
        self.namespace = namespace


CUES = _Table("cue")
WARNINGS = _Table("warning")
METRIC_LABELS = _Table("metric")
UNITS = _Table("unit")
STRIKE_NAMES = _Table("strike")
#: Words for a metric's flag (traffic light), on the dashboard cards and in the PDF report.
FLAG_WORDS = _Table("flag")
#: Dashboard, charts and report labels.
UI = _Table("ui")
#: Plain-language error messages by error code: the dashboard's, and the command line's when --lang asks for German
#: (otherwise the command line keeps its specific one-line English reason).
ERRORS = _Table("error")
#: Why a metric is null or less confident, by code. The English sentence is what
#: the JSON's ``reason`` / ``confidence_reasons`` carry; codes and parameters are
#: added beside them (``reason_code``, ``reason_params``, ``confidence_reason_codes``)
#: so the dashboard can say the same in German.
REASONS = _Table("reason")
#: Shown with any cue: how to retrain (metrics.md, "any retraining").
RETRAINING_ADVICE = _View(functools.cache(lambda: MappingProxyType(_texts("advice.retraining"))), "advice.retraining")
BACKWARD_NOTE = _View(functools.cache(lambda: MappingProxyType(_texts("advice.backward"))), "advice.backward")
#: German wording of the typical ranges in :data:`formcheck.engine.norms.NORMS` (the JSON keeps the English).
NORM_TYPICAL_DE = _View(functools.cache(lambda: MappingProxyType(
    {k: t["de"] for k, t in _table("norm").items() if "de" in t})), "norm.* (de)")
#: German genitive of a side inside a reason ("des linken Fußes"), from ``side.<side>.genitive``.
_SIDE_GENITIVE_DE = _View(functools.cache(lambda: MappingProxyType(
    {side: t["de"]["genitive"] for side, t in _table("side").items() if "genitive" in t.get("de", {})})),
    "side.*.genitive (de)")


# ------------------------------------------------------------------ helpers kept from the dict era


def text(table: Mapping, key: str, lang: str, **fmt) -> str:
    """The text ``key`` of ``table`` in ``lang`` (German by default) with ``fmt`` filled in."""
    if isinstance(table, _Table):
        return say(f"{table.namespace}.{key}", lang, **fmt)
    lang = _lang(lang)
    return _formatter(lang).vformat(table[key][lang], (), fmt)


def tr(key: str, lang: str, **fmt):
    """A dashboard label (:data:`UI`) in ``lang`` (German by default).

    A label with ``{fields}`` is filled in only when ``fmt`` is given; a list
    (``ui.<key>.0``, ``ui.<key>.1``, ...) comes back as a new list.
    """
    lang = _lang(lang)
    val = UI[key][lang]
    if isinstance(val, tuple):
        return list(val)
    if isinstance(val, Mapping):
        return dict(val)
    return say(f"ui.{key}", lang, **fmt) if fmt else val


def view_text(view: Mapping, lang: str) -> str:
    """The view of a result in words: "Seitenansicht, Blick nach rechts, vorwärts, Laufband, Laufen".

    ``facing`` is said as a phrase of its own (``ui.facing_phrase.<facing>``): "Rücken zur Kamera", never
    "Blick nach von der Kamera weg".
    """
    lang = _lang(lang)
    facing = view.get("facing")
    phrases = tr("facing_phrase", lang)
    return say("ui.view_summary", lang, plane=tr(view["plane"], lang),
               facing=phrases.get(facing) or (tr(facing, lang) if facing in UI else str(facing)),
               direction=tr(view["direction"], lang), setting=tr(view["setting"], lang), gait=tr(view["gait"], lang))


def norm_typical(name: str, english: str | None, lang: str, gait: str | None = None,
                 direction: str | None = None) -> str | None:
    """The typical range of ``name`` for display in ``lang``: the catalog's ``norm.<name>`` (a walking norm,
    ``gait="walk"``: ``norm_walk.<name>``; a backward-walking one, also ``direction="backward"``:
    ``norm_back_walk.<name>``), else ``english``."""
    if lang not in LANGS:
        return english
    space = "norm" if gait != "walk" else ("norm_back_walk" if direction == "backward" else "norm_walk")
    try:
        return say(f"{space}.{name}", lang)
    except KeyError:
        return english


#: Parameters that name a side inside a sentence ("des linken Fußes"): rendered from ``side.<side>.genitive``.
SIDE_PARAMS = ("side", "far", "near")


def _sided(params: Mapping, lang: str) -> dict:
    p = dict(params)
    for key in SIDE_PARAMS:
        side = p.get(key)
        if isinstance(side, str):
            try:
                p[key] = say(f"side.{side}.genitive", lang)
            except KeyError:
                pass
    return p


def _reason(code: str, params: Mapping, lang: str) -> str:
    return say(f"reason.{code}", lang, **_sided(params, lang))


def render(msg, lang: str) -> str:
    """The sentence of a :class:`formcheck.contract.Message` in ``lang`` (unknown → German).

    The message id is ``<kind>.<code>``; sides among the parameters are named
    as the language needs them (``side``, ``far``, ``near``: German genitive).

    Raises
    ------
    KeyError
        For a message the catalogs do not hold.
    """
    return say(msg.msgid, _lang(lang), **_sided(msg.params, _lang(lang)))


class Reason(str):
    """Why a metric is null or less confident: the English sentence, plus its code and parameters.

    It is a ``str`` (the English text), so it travels through the engine and
    into the JSON like any sentence; :meth:`say` gives it in another language.
    """

    code: str
    params: dict

    def __new__(cls, code: str, **params):
        obj = super().__new__(cls, _reason(code, params, "en"))
        obj.code, obj.params = code, params
        return obj

    def say(self, lang: str) -> str:
        return reason_text(self.code, self.params, lang) or str(self)


def reason_text(code: str | None, params: dict | None, lang: str) -> str | None:
    """The sentence for a reason code in ``lang``; None for an unknown code (e.g. from an older engine)."""
    if code not in REASONS:
        return None
    try:
        return _reason(code, params or {}, _lang(lang))
    except (KeyError, ValueError, IndexError, TypeError):
        return None
