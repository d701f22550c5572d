"""One-off: write the gettext catalogs from the text dicts of ``formcheck.i18n`` (run once, then retired).

The dicts in ``src/formcheck/i18n/__init__.py`` were the source of every
user-facing sentence; this writes them to
``src/formcheck/i18n/locale/{de,en}/LC_MESSAGES/formcheck.po`` under namespaced
code msgids (see the module docstring of :mod:`formcheck.i18n`). The "(s)" /
"(e)" texts become real plural entries. After the catalogs are committed the
.po files are the source and this script is removed with the dicts.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from formcheck.engine.norms import NORMS  # noqa: E402
import formcheck.i18n as old  # noqa: E402

LOCALE = ROOT / "src" / "formcheck" / "i18n" / "locale"
DATE = _dt.datetime(2026, 1, 1, tzinfo=_dt.timezone.utc)

#: Plural entries: msgid -> {lang: (singular, plural)}; the old "(s)" / "(e)" texts and "n files removed".
PLURALS = {
    "reason.few_steps_cadence": {
        "en": ("only {n} step seen: too few for a cadence; film at least 7 steps per side",
               "only {n} steps seen: too few for a cadence; film at least 7 steps per side"),
        "de": ("nur {n} Schritt gesehen: zu wenige für eine Schrittfrequenz; filme mindestens 7 Schritte pro Seite",
               "nur {n} Schritte gesehen: zu wenige für eine Schrittfrequenz; filme mindestens 7 Schritte pro Seite"),
    },
    "reason.few_steps": {
        "en": ("only {n} step measured: too few for a value; film at least 7 steps per side",
               "only {n} steps measured: too few for a value; film at least 7 steps per side"),
        "de": ("nur {n} Schritt gemessen: zu wenige für einen Wert; filme mindestens 7 Schritte pro Seite",
               "nur {n} Schritte gemessen: zu wenige für einen Wert; filme mindestens 7 Schritte pro Seite"),
    },
    "ui.deleted": {
        "en": ("{name} has been deleted ({n} file removed).", "{name} has been deleted ({n} files removed)."),
        "de": ("{name} ist gelöscht ({n} Datei entfernt).", "{name} ist gelöscht ({n} Dateien entfernt)."),
    },
}

#: Comments for translators (``#.``), on the first entry of a namespace or section.
COMMENTS = {
    "cue.": "Running cues (shared/reference/metrics.md section 3): at most three are shown, most important first.",
    "advice.retraining": 'Shown with any cue: how to retrain (metrics.md, "any retraining").',
    "advice.backward": "Shown for backward running: why there are no overstride or cadence cues.",
    "warning.": "Recording-quality warnings: say what was wrong and what to do.",
    "metric.": "Metric labels on the dashboard cards, charts and PDF report.",
    "unit.": "Units of the metrics (the msgid is the unit as the engine writes it).",
    "strike.": "Foot-strike classes.",
    "flag.": "Words for a metric's flag (traffic light), on the dashboard cards and in the PDF report.",
    "ui.": "Dashboard, charts and report labels. ui.<key>.<i> are the items of the list tr(<key>) returns.",
    "ui.page_patients": "patients, sessions, progress",
    "ui.exposed_without_login": "clinic server mode (formcheck.clinic, formcheck.ui.access)",
    "error.": ("Plain-language error messages by error code: the dashboard's, and the command line's when "
               "--lang asks for German (otherwise the command line keeps its specific one-line English reason)."),
    "error.disk_full": "writing files (formcheck.errors.write_error; the command line puts the path in front)",
    "error.bad_date": "arguments of the command line",
    "norm.": ("Wording of the typical ranges in formcheck.engine.norms.NORMS (the JSON keeps the English). "
              "Leave the English msgstr empty: English shows the engine's own text."),
    "reason.": ("Why a metric is null or less confident. The English sentence is what the JSON's reason / "
                "confidence_reasons carry; the dashboard shows the others by code and parameters."),
    "side.": "A side as it reads inside a reason ({side}): German needs the genitive adjective.",
}

FIELD = re.compile(r"{([a-z_]+)[:}]")


def entries(lang: str):
    """(msgid, text or (singular, plural) or None for "untranslated") in catalog order."""
    def table(ns, d):
        for k, v in d.items():
            yield f"{ns}.{k}", v[lang]

    yield from table("cue", old.CUES)
    yield "advice.retraining", old.RETRAINING_ADVICE[lang]
    yield "advice.backward", old.BACKWARD_NOTE[lang]
    yield from table("warning", old.WARNINGS)
    yield from table("metric", old.METRIC_LABELS)
    yield from table("unit", old.UNITS)
    yield from table("strike", old.STRIKE_NAMES)
    yield from table("flag", old.FLAG_WORDS)
    for k, v in old.UI.items():
        val = v[lang]
        if isinstance(val, list):
            for i, item in enumerate(val):
                yield f"ui.{k}.{i}", item
        else:
            yield f"ui.{k}", val
    yield from table("error", old.ERRORS)
    for k, v in old.NORM_TYPICAL_DE.items():
        assert k in NORMS, k
        yield f"norm.{k}", v if lang == "de" else None
    yield from table("reason", old.REASONS)
    for side in ("left", "right"):
        yield f"side.{side}.genitive", old._SIDE_GENITIVE_DE[side] if lang == "de" else side


def catalog(lang: str) -> Catalog:
    cat = Catalog(locale=lang, domain="formcheck", project="formcheck", version="0.1.0",
                  copyright_holder="the formcheck authors",
                  creation_date=DATE, revision_date=DATE, last_translator="formcheck",
                  language_team={"de": "Deutsch", "en": "English"}[lang], fuzzy=False,
                  header_comment=(f"# formcheck: user-facing texts, {lang}.\n"
                                  "# Source of the texts; read at runtime by formcheck.i18n (no .mo files).\n"
                                  "# msgids are codes: see the docstring of formcheck.i18n."))
    seen, namespaces = set(), set()
    for msgid, val in entries(lang):
        assert msgid not in seen, msgid
        seen.add(msgid)
        if msgid in PLURALS:
            one, other = PLURALS[msgid][lang]
            old_text = val
            assert FIELD.findall(one) == FIELD.findall(other) == FIELD.findall(old_text), msgid
            mid, string = (msgid, msgid + ".plural"), (one, other)
        else:
            mid, string = msgid, "" if val is None else val
        ns = msgid.split(".")[0] + "."
        comments = [c for p, c in COMMENTS.items() if p == msgid or (p == ns and ns not in namespaces)]
        namespaces.add(ns)
        # no format flags: the msgids are codes without fields, so msgfmt -c would reject python-brace-format,
        # and Babel's python-format guess (from "%" in a unit's msgid) is wrong for these {}-field texts
        cat.add(mid, string, auto_comments=comments).flags.discard("python-format")
    return cat


def main() -> None:
    for lang in old.LANGS:
        cat = catalog(lang)
        assert cat.plural_forms == "nplurals=2; plural=(n != 1);", cat.plural_forms
        out = LOCALE / lang / "LC_MESSAGES" / "formcheck.po"
        out.parent.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        write_po(buf, cat, width=76, omit_header=False, sort_output=False, include_previous=False)
        # formcheck has no address for reports on its texts: drop Babel's EMAIL@ADDRESS placeholder
        out.write_bytes(buf.getvalue().replace(b'"Report-Msgid-Bugs-To: EMAIL@ADDRESS\\n"\n', b""))
        print(out.relative_to(ROOT), len(cat), "messages")


if __name__ == "__main__":
    main()
