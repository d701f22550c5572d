"""Every text a Streamlit page shows (AppTest), and the English words of the catalog to look for in a German page.

:func:`visible_text` walks the element tree of an :class:`~streamlit.testing.v1.AppTest` run in page order:
markdown, captions, headings, alerts, metrics, buttons and widget labels with their options, expander labels,
image captions, table headers and cells, and the text of Plotly charts (titles, axis titles, legend names, hover
text, annotations).

:func:`english_words` is the check's vocabulary: every word of the English catalog's msgstrs that never occurs in
the German catalog (so "Video", "MediaPipe" or "min" do not count), minus :data:`ALLOWED`.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "src" / "formcheck" / "i18n" / "locale"

#: Words that may appear on a German page although the English catalog has them: proper names and units.
ALLOWED = frozenset({"formcheck", "mediapipe", "kinovea", "streamlit", "plotly", "fps", "spm", "mb", "ms", "cm", "px",
                     "mp4", "mov", "avi", "webm", "m4v", "json", "csv", "pdf", "zip", "task", "h264"})

#: A token that is a file name (``clip_after.mp4``, ``pose_landmarker_full.task``): not language. An identifier
#: such as ``knee_flexion_ic_deg`` is not a file name: its words count.
_FILE_LIKE = re.compile(r"\S+\.[A-Za-z][A-Za-z0-9]{1,3}")
#: Streamlit markdown directives (``:green[●]``, ``:material/warning:``): not shown as words.
_DIRECTIVE = re.compile(r":(?:red|orange|green|blue|violet|gray|grey|rainbow|primary)\[|:material/\w+:")
_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+")


def _strings(lang: str) -> list[str]:
    with (LOCALE / lang / "LC_MESSAGES" / "formcheck.po").open("rb") as f:
        cat = read_po(f)
    out = []
    for m in cat:
        if m.id:
            out += list(m.string) if m.pluralizable else [m.string]
    return [s for s in out if s]


def words(text: str) -> set[str]:
    """The lower-case words of ``text``, file names and ``{fields}`` left out."""
    text = _DIRECTIVE.sub(" ", re.sub(r"\{[^}]*\}", " ", text)).replace("\\", "")
    kept = [t.replace("_", " ") for t in text.split() if not _FILE_LIKE.fullmatch(t.strip(".,;:()[]*\"'„“–·"))]
    return {w.lower() for t in kept for w in _WORD.findall(t)}


@functools.cache
def english_words() -> frozenset[str]:
    german = set().union(*(words(s) for s in _strings("de")))
    english = set().union(*(words(s) for s in _strings("en")))
    return frozenset(w for w in english - german - ALLOWED if len(w) > 1)


def _walk(node):
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for k in sorted(children):
            yield from _walk(children[k])


def _plotly_texts(spec: str) -> list[str]:
    out: list[str] = []

    def visit(x, key=""):
        if isinstance(x, dict):
            for k, v in x.items():
                visit(v, k)
        elif isinstance(x, list):
            for v in x:
                visit(v, key)
        elif isinstance(x, str) and key in ("text", "name", "hovertext", "hovertemplate", "title"):
            out.append(re.sub(r"<[^>]+>|%\{[^}]*\}", " ", x))
    fig = json.loads(spec)
    visit({"data": fig.get("data"), "layout": fig.get("layout")})
    return out


def element_texts(el) -> list[str]:
    """The texts one element shows."""
    t = getattr(el, "type", "")
    proto = getattr(el, "proto", None)
    out: list[str] = []
    for attr in ("label", "value", "help", "placeholder"):
        if t in ("dataframe", "arrow_data_frame", "table") and attr == "value":
            continue
        if t in ("number_input", "date_input", "checkbox", "toggle", "radio", "selectbox", "text_input", "text_area",
                 "multiselect", "slider") and attr == "value":
            continue  # the value is the user's input (or an option, shown below)
        try:
            v = getattr(el, attr)
        except Exception:
            continue
        if isinstance(v, str):
            out.append(v)
    if t in ("radio", "selectbox", "multiselect"):
        out += [str(o) for o in (getattr(el, "options", None) or [])]
    if t in ("dataframe", "arrow_data_frame", "table"):
        df = el.value
        out += [str(c) for c in df.columns]
        out += [v if isinstance(v, str) else repr(v) for col in df.columns for v in df[col].tolist()
                if isinstance(v, (str, float))]  # a float cell is shown as Python writes it: 0.25
    if t == "expandable" or (proto is not None and hasattr(proto, "expandable") and proto.HasField("expandable")):
        out.append(proto.expandable.label)
    if t == "plotly_chart" and proto is not None:
        out += _plotly_texts(proto.spec)
        sep = (json.loads(proto.spec).get("layout") or {}).get("separators")
        out.append(f"<plotly separators {sep!r}>")  # how the chart writes its numbers (ticks, hover)
    if t == "imgs" and proto is not None:
        out += [i.caption for i in proto.imgs]
    return [s for s in out if s]


def visible_text(at, skip_keys: tuple[str, ...] = ("lang",)) -> list[tuple[str, str]]:
    """``(element type, text)`` of everything shown, main area then sidebar, in page order.

    Widgets whose key is in ``skip_keys`` are left out (the language switch is bilingual on purpose).
    """
    out = []
    for root in (at.main, at.sidebar):
        for el in _walk(root):
            if getattr(el, "key", None) in skip_keys:
                continue
            for s in element_texts(el):
                out.append((getattr(el, "type", "?"), s))
    return out


def english_on_page(at, skip_keys: tuple[str, ...] = ("lang",)) -> list[tuple[str, str, list[str]]]:
    """``(element type, text, English words)`` of every shown text that has words only the English catalog uses."""
    vocab = english_words()
    found = []
    for kind, s in visible_text(at, skip_keys):
        if s.startswith("<plotly separators"):
            continue
        hits = sorted(words(s) & vocab)
        if hits:
            found.append((kind, s[:160], hits))
    return found


#: A number written with a decimal point ("18.2", "−0.5"), not part of a file name or version ("0.10.21").
ENGLISH_NUMBER = re.compile(r"(?<![\w.])[−-]?\d+\.\d+(?![\w.])")


def english_numbers_on_page(at, skip_keys: tuple[str, ...] = ("lang",)) -> list[tuple[str, str]]:
    """``(element type, text)`` of every shown text with a number in English notation (a German page has 17,7).

    A Plotly chart counts as English unless its layout sets the German ``separators`` (",.").
    """
    out = []
    for kind, s in visible_text(at, skip_keys):
        if s.startswith("<plotly separators"):
            if s != "<plotly separators ',.'>":
                out.append((kind, s))
            continue
        plain = " ".join(t for t in s.replace("\\", "").split() if not _FILE_LIKE.fullmatch(t.strip(".,;:()[]*\"'")))
        if ENGLISH_NUMBER.search(plain):
            out.append((kind, s[:160]))
    return out
