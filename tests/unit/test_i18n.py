"""The gettext catalogs of formcheck.i18n: complete, consistent, plural- and number-aware."""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path

import numpy as np
import pytest
from babel.messages.pofile import read_po

import formcheck.i18n as i18n
from formcheck.i18n import (CUES, LANGS, NORM_TYPICAL_DE, REASONS, UI, Reason, norm_typical, number, reason_text, say,
                            text, tr)
from formcheck.outputs.report import format_value

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "src" / "formcheck" / "i18n" / "locale"

#: Copied from the dicts the catalogs replaced (UI["filming_points"]): tr() must keep giving these lists.
FROZEN_UI = {
    ("filming_points", "de"): [
        "Seitlich filmen (für Knie, Hüfte, Rumpf, Fußaufsatz); von hinten für Beckenabsenkung und Spurbreite.",
        "Kamera auf Stativ in Hüfthöhe, genau quer zur Laufrichtung, 3–5 m entfernt – lieber zoomen als nah und "
        "weitwinklig.",
        "Der ganze Körper, Füße eingeschlossen, in jedem Bild.",
        "60 Bilder/s oder mehr (Zeitlupe 120/240 ist am besten für die Kontaktzeit).",
        "Mindestens 10 s gleichmäßiges Laufen (7 oder mehr Schritte pro Seite).",
        "Enge Kleidung, gleichmäßiges Licht; Haltegriffe und Konsole nicht vor Hüfte und Füßen (Kamera 10–15° drehen "
        "oder Griffe senken)."],
    ("filming_points", "en"): [
        "Film from the side (knee, hip, trunk, foot strike); from behind for pelvic drop and step width.",
        "Camera on a tripod at hip height, square on to the running direction, 3–5 m away – zoom in rather than going "
        "close and wide.",
        "The whole body, feet included, in every frame.",
        "60 frames/s or more (120/240 slow motion is best for contact timing).",
        "At least 10 s of steady running (7 or more steps per side).",
        "Tight clothing, even light; keep handrails and the console off the hips and feet (angle the camera 10–15° or "
        "lower the rails)."],
}


def _read(lang: str):
    with (LOCALE / lang / "LC_MESSAGES" / "formcheck.po").open("rb") as f:
        return read_po(f, abort_invalid=True)


@pytest.fixture(scope="module")
def catalogs():
    return {lang: {(m.id[0] if m.pluralizable else m.id): m for m in _read(lang) if m.id} for lang in LANGS}


def _forms(m) -> tuple[str, ...]:
    return tuple(m.string) if m.pluralizable else (m.string,)


def _fields(s: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(s) if f}


def test_the_catalogs_parse_with_proper_headers_and_no_compiled_files():
    assert LANGS[0] == "de" and "en" in LANGS
    for lang in LANGS:
        cat = _read(lang)
        assert str(cat.locale) == lang and cat.mime_headers and dict(cat.mime_headers)["Language"] == lang
        assert cat.plural_forms == "nplurals=2; plural=(n != 1);"
        assert dict(cat.mime_headers)["Content-Type"] == "text/plain; charset=utf-8"
        assert not [m.id for m in cat if m.id and m.fuzzy], lang
    assert not list(LOCALE.rglob("*.mo")), "the .po files are read at runtime; no compiled catalogs"


def test_the_package_ships_the_catalogs():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert any(re.fullmatch(r"babel>=[\d.]+", d) for d in pyproject["project"]["dependencies"])
    patterns = pyproject["tool"]["setuptools"]["package-data"]["formcheck"]
    assert "i18n/locale/*/LC_MESSAGES/*.po" in patterns
    assert {p.relative_to(ROOT / "src" / "formcheck").as_posix() for p in LOCALE.rglob("*.po")} == {
        f"i18n/locale/{lang}/LC_MESSAGES/formcheck.po" for lang in LANGS}


def test_both_catalogs_hold_the_same_msgids(catalogs):
    assert list(catalogs["de"]) == list(catalogs["en"])
    namespaces = {m.split(".")[0] for m in catalogs["de"]}
    assert namespaces == {"cue", "advice", "warning", "metric", "unit", "strike", "flag", "ui", "error", "norm", "note",
                          "reason", "side", "norm_walk", "norm_back_walk"}


def test_every_entry_is_translated_in_both_languages_but_english_norms(catalogs):
    """English typical ranges are the engine's own (NORMS, the JSON): their msgstr stays empty on purpose."""
    for lang, cat in catalogs.items():
        for msgid, m in cat.items():
            if lang == "en" and msgid.startswith("norm."):
                assert _forms(m) == ("",), msgid
            else:
                assert all(f.strip() for f in _forms(m)), (lang, msgid)


def test_placeholders_agree_between_languages_and_plural_forms(catalogs):
    for msgid, de in catalogs["de"].items():
        if msgid.startswith("norm."):
            assert not _fields(de.string), msgid  # shown as written, never formatted with parameters
            continue
        fields = {lang: [_fields(s) for s in _forms(catalogs[lang][msgid])] for lang in LANGS}
        assert all(f == fields["de"][0] for forms in fields.values() for f in forms), (msgid, fields)


def test_plural_entries_have_every_form_and_choose_by_n(catalogs):
    plural = [msgid for msgid, m in catalogs["de"].items() if m.pluralizable]
    assert {"reason.few_steps", "reason.few_steps_cadence", "ui.deleted"} <= set(plural)
    for msgid in plural:
        for lang in LANGS:
            m = catalogs[lang][msgid]
            assert m.pluralizable and len(m.string) == 2 and all(m.string), (lang, msgid)
            assert "n" in _fields(m.string[0]), (lang, msgid)
            params = {f: "x" for f in _fields(m.string[0]) if f != "n"}
            assert say(msgid, lang, n=1, **params) == m.string[0].replace("{n}", "1").format(**params)
            assert say(msgid, lang, n=3, **params) == m.string[1].replace("{n}", "3").format(**params)
    assert say("reason.few_steps_cadence", "en", n=1).startswith("only 1 step seen: too few for a cadence")
    assert say("reason.few_steps_cadence", "en", n=3).startswith("only 3 steps seen: too few for a cadence")
    assert say("reason.few_steps", "de", n=1).startswith("nur 1 Schritt gemessen: zu wenige")
    assert say("reason.few_steps", "de", n=np.int64(2)).startswith("nur 2 Schritte gemessen: zu wenige")
    assert say("reason.few_steps", "de", n=0).startswith("nur 0 Schritte gemessen")
    assert tr("deleted", "de", name="A. B.", n=1) == "A. B. ist gelöscht (1 Datei entfernt)."
    assert tr("deleted", "en", name="A. B.", n=4) == "A. B. has been deleted (4 files removed)."


def test_no_text_hedges_its_plural_any_more(catalogs):
    for lang, cat in catalogs.items():
        for msgid, m in cat.items():
            for s in _forms(m):
                assert not re.search(r"\w\((s|e|n)\)", s), (lang, msgid, s)  # "Zeit (s)" is seconds: allowed


def test_reasons_choose_their_plural_too():
    r = Reason("few_steps", n=1)
    assert r == "only 1 step measured: too few for a value; film at least 7 steps per side"
    assert r.code == "few_steps" and r.params == {"n": 1}
    assert r.say("de") == "nur 1 Schritt gemessen: zu wenige für einen Wert; filme mindestens 7 Schritte pro Seite"
    assert reason_text("few_steps_cadence", {"n": 2}, "de").startswith("nur 2 Schritte gesehen")
    assert reason_text("few_steps", {"n": "three"}, "de") is None  # a count that is no number: no half sentence
    assert REASONS["few_steps"]["en"] == "only {n} steps measured: too few for a value; film at least 7 steps per side"


def test_german_numbers_take_a_decimal_comma():
    assert say("ui.upload_label", "de", mb=12.5) == "Video (mp4, mov, avi, webm, m4v; höchstens 12,5 MB)"
    assert say("ui.upload_label", "en", mb=12.5) == "Video (mp4, mov, avi, webm, m4v; at most 12.5 MB)"
    assert "12 MB groß" in say("ui.error_too_big", "de", mb=12.4, limit=500)
    table = {"k": {"de": "{x:.1f}° und {y} und {z:.0f}", "en": "{x:.1f}° and {y} and {z:.0f}"}}
    assert text(table, "k", "de", x=np.float32(17.66), y=np.int64(1234), z=-0.2) == "17,7° und 1234 und -0"
    assert text(table, "k", "en", x=17.66, y=1234, z=-0.2) == "17.7° and 1234 and -0"
    assert text(table, "k", "de", x=float("nan"), y=True, z=3) == "nan° und True und 3"


def test_literal_text_keeps_its_signs():
    assert NORM_TYPICAL_DE["foot_strike_angle_ic_deg"] == "Ferse 17,7 ± 4,4°, Mittelfuß 2,6°, Vorfuß −7,9°"
    assert say("norm.foot_strike_angle_ic_deg", "de") == NORM_TYPICAL_DE["foot_strike_angle_ic_deg"]


@pytest.mark.parametrize("value, lang, decimals, expected", [
    (17.66, "de", 1, "17,7"), (17.66, "en", 1, "17.7"), (171.6, "de", 0, "172"), (-7.94, "de", 1, "−7,9"),
    (1234.5, "de", 1, "1234,5"), (2.675, "en", 2, "2.67"), (np.float64(0.25), "de", 1, "0,2"), (3, "xx", 1, "3,0"),
])
def test_number_rounds_like_python_in_the_languages_notation(value, lang, decimals, expected):
    assert number(value, lang, decimals) == expected


def test_cards_and_report_values_use_the_languages_notation():
    assert format_value({"value": 17.66}, "deg", "de") == "17,7°"
    assert format_value({"value": 17.66}, "deg", "en") == "17.7°"
    assert format_value({"value": 8.25}, "% leg length", "de") == "8,2 % Beinlänge"
    assert format_value({"value": 171.6}, "steps/min", "de") == "172 Schritte/min"
    assert format_value({"value": None}, "deg", "de") == "nicht gemessen"


def test_tr_gives_the_old_values_of_lists():
    for (key, lang), old in FROZEN_UI.items():
        assert tr(key, lang) == old and isinstance(tr(key, lang), list)
    got = tr("filming_points", "de")
    got.append("changed by a caller")
    assert tr("filming_points", "de") == FROZEN_UI[("filming_points", "de")]  # a fresh list each time
    assert UI["filming_points"]["en"] == tuple(FROZEN_UI[("filming_points", "en")])


def test_tr_fills_fields_only_when_given():
    assert tr("upload_label", "de") == "Video (mp4, mov, avi, webm, m4v; höchstens {mb} MB)"
    assert tr("upload_label", "de", mb=500) == "Video (mp4, mov, avi, webm, m4v; höchstens 500 MB)"
    assert tr("analyse", "fr") == "Analysieren"  # an unknown language is German


def test_say_is_strict_about_msgids_and_fields():
    assert say("cue.soft_knee", "en") == "Land softly with a slightly bent knee."
    assert say("cue.soft_knee", "xx") == say("cue.soft_knee", "de") == "Lande weich mit leicht gebeugtem Knie."
    with pytest.raises(KeyError):
        say("cue.no_such_cue", "de")
    with pytest.raises(KeyError):
        say("norm.cadence_spm", "en")  # untranslated on purpose: norm_typical falls back to the engine's English
    with pytest.raises(KeyError):
        say("reason.few_steps", "de")  # a plural entry needs n
    with pytest.raises(KeyError):
        say("warning.too_few_steps", "de", left=3)
    assert say("ui.model_line", "de", variant="v", file="f", chunks=2, procs="p") == "Posenmodell: v (f), 2 p"


def test_norm_typical_falls_back_to_the_english_it_is_given():
    assert norm_typical("cadence_spm", "~169 at 2.7 m/s", "en") == "~169 at 2.7 m/s"
    assert norm_typical("cadence_spm", "~169 at 2.7 m/s", "de").startswith("~169 bei 2,7 m/s")
    assert norm_typical("trunk_lean_deg", "7.3 ± 3.6°", "de") == "7,3 ± 3,6°"
    assert norm_typical("unknown_metric", "5.5-10°", "de") == "5.5-10°"  # no German wording: the English


def test_a_backward_walking_norm_has_its_own_wording():
    """gaits.md §2 (BW table): the knee's straightest point in stance "reaches 0°"; a forward walk has no such norm."""
    english = "reaches 0° (fully straight)"
    assert norm_typical("knee_flexion_min_stance_deg", english, "de", "walk", "backward") == "erreicht 0° (ganz gestreckt)"
    assert norm_typical("knee_flexion_min_stance_deg", english, "en", "walk", "backward") == english
    assert norm_typical("knee_flexion_min_stance_deg", None, "de", "walk") is None  # no forward-walking norm
    # a backward walk's metric without a backward norm keeps the walking wording
    assert norm_typical("knee_flexion_ic_deg", "0–5°", "de", "walk", "backward") == "0–5°"


def test_every_metric_with_a_decimal_in_its_typical_range_has_german_wording():
    from formcheck.engine.registry import SPECS

    for name, spec in SPECS.items():
        if spec.norm and any(c.isdigit() for c in spec.norm.typical):
            assert norm_typical(name, spec.norm.typical, "de") != spec.norm.typical or "." not in spec.norm.typical, name
    assert norm_typical("cadence_spm", None, "fr") is None


def test_tables_are_read_only_views_of_the_catalogs():
    assert set(CUES) == {m[len("cue."):] for m in i18n._msgids() if m.startswith("cue.")}
    assert all(set(v) == set(LANGS) for v in CUES.values())
    assert i18n._SIDE_GENITIVE_DE == {"left": "linken", "right": "rechten"}
    assert reason_text("far_unreliable", {"side": "right", "pct": 41.6}, "de").startswith(
        "die Bodenkontakte des rechten Fußes")
    with pytest.raises(TypeError):
        CUES["soft_knee"] = {"de": "x", "en": "x"}
    with pytest.raises(TypeError):
        CUES["soft_knee"]["de"] = "x"
