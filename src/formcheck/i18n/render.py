"""Render a :class:`formcheck.contract.Message` in a language (the one place messages become sentences)."""

from __future__ import annotations

from formcheck import i18n

#: What the analysis did on the way (``note.<code>``); the JSON carries them in English.
NOTES = {
    "variable_fps": {"en": "variable frame rate: resampled to a uniform {fps:.1f} fps grid",
                     "de": "veränderliche Bildrate: auf ein gleichmäßiges Raster von {fps:.1f} Bildern/s umgerechnet"},
    "far_discarded": {"en": "{n} {far}-foot contacts out of step with the {near} foot were discarded",
                      "de": "{n} Bodenkontakte des {far} Fußes passten nicht in den Takt des {near} und wurden verworfen"},
    "far_from_hip": {"en": "{n} {far}-foot contacts were timed from the hip motion (the foot was hidden)",
                     "de": "{n} Bodenkontakte des {far} Fußes wurden aus der Hüftbewegung bestimmt (der Fuß war verdeckt)"},
    "several_people": {"en": "{n} people were in view at once; kept the runner (present in {kept} of {total} frames) "
                             "and ignored the other(s)",
                       "de": "{n} Personen waren gleichzeitig im Bild; die laufende Person (in {kept} von {total} Bildern) "
                             "wurde ausgewertet, die anderen nicht"},
    "mirrored": {"en": "frames shown to the pose model mirrored (runner facing right); landmarks flipped back",
                 "de": "Bilder dem Posenmodell gespiegelt gezeigt (Blick nach rechts); Punkte zurückgespiegelt"},
}


def render(msg, lang: str) -> str:
    """The sentence of ``msg`` in ``lang`` (``"de"`` or ``"en"``; anything else is German)."""
    lang = lang if lang in i18n.LANGS else "de"
    kind, code, params = msg.kind, msg.code, dict(msg.params)
    if kind == "reason":
        return i18n.reason_text(code, params, lang) or code
    if kind == "warning":
        return i18n.text(i18n.WARNINGS, code, lang, **params)
    if kind == "cue":
        return i18n.text(i18n.CUES, code, lang)
    if kind == "advice":
        return {"retraining": i18n.RETRAINING_ADVICE, "backward": i18n.BACKWARD_NOTE}[code][lang]
    if kind == "note":
        if code == "legacy":
            return params["text"]
        if lang == "de":
            params = {k: ({"left": "linken", "right": "rechten"}.get(v, v) if k in ("far", "near") else v)
                      for k, v in params.items()}
        return NOTES[code][lang].format(**params)
    raise KeyError(f"no catalog for messages of kind {kind!r}")
