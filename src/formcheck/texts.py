"""User-facing sentences in German and English (German is the default).

Cue wording follows ``shared/reference/metrics.md`` section 3; warning texts say
what was wrong and what to do.
"""

from __future__ import annotations

LANGS = ("de", "en")

CUES = {
    "overstride_cadence": {
        "en": "Take shorter, quicker, lighter steps — about 5 % more steps per minute than now (a metronome helps).",
        "de": "Mach kürzere, schnellere, leichtere Schritte – etwa 5 % mehr Schritte pro Minute als jetzt (ein Metronom hilft).",
    },
    "land_under_body": {
        "en": "Land with your foot closer under your body.",
        "de": "Setz den Fuß näher unter dem Körper auf.",
    },
    "soft_knee": {
        "en": "Land softly with a slightly bent knee.",
        "de": "Lande weich mit leicht gebeugtem Knie.",
    },
    "lean_from_ankles": {
        "en": "Lean slightly forward from the ankles; stay tall.",
        "de": "Neige dich leicht aus den Sprunggelenken nach vorn und bleib dabei groß.",
    },
    "run_tall": {
        "en": "Run tall, as if a string lifts the top of your head.",
        "de": "Lauf aufrecht, als würde dich ein Faden am Scheitel nach oben ziehen.",
    },
    "forward_not_up": {
        "en": "Run forward, not up: quick, light contacts.",
        "de": "Lauf nach vorn, nicht nach oben: schnelle, leichte Bodenkontakte.",
    },
    "level_pelvis": {
        "en": "Keep your belt level; hold the swing-side hip up.",
        "de": "Halte den Gürtel waagrecht und die Hüfte auf der Schwungbeinseite oben.",
    },
    "own_lane": {
        "en": "Give each foot its own lane.",
        "de": "Gib jedem Fuß seine eigene Spur.",
    },
}

#: Shown with any cue: how to retrain (metrics.md, "any retraining").
RETRAINING_ADVICE = {
    "en": "Change one thing at a time; practise 3–4 times a week and let the cue fade over 2–6 weeks. "
          "Stop progressing if swelling, stiffness or pain increase.",
    "de": "Ändere immer nur eines; übe 3–4-mal pro Woche und lass den Hinweis über 2–6 Wochen ausschleichen. "
          "Steigere nicht weiter, wenn Schwellung, Steifigkeit oder Schmerz zunehmen.",
}

BACKWARD_NOTE = {
    "en": "Backward running: contact starts at the toes, so forward-running overstride and cadence rules do not apply.",
    "de": "Rückwärtslaufen: Der Kontakt beginnt an den Zehen, daher gelten die Regeln zu Überschreiten und Schrittfrequenz des Vorwärtslaufens nicht.",
}

WARNINGS = {
    "irregular_steps": {
        "en": "The steps could not be timed reliably ({pct:.0f} % of the steps have implausible durations; in steady running they vary by a few per cent). Film steady running with the whole body in view, side-on, in good light.",
        "de": "Die Schritte ließen sich nicht zuverlässig zeitlich bestimmen ({pct:.0f} % der Schritte haben unplausible Dauern; bei gleichmäßigem Laufen schwanken sie nur um wenige Prozent). Filme gleichmäßiges Laufen seitlich, mit ganzem Körper im Bild und gutem Licht.",
    },
    "too_few_steps": {
        "en": "Too few strides: {left} left and {right} right steps were measured; 7 or more per side are needed for stable values. Film at least 10 s of steady running.",
        "de": "Zu wenige Schritte: {left} links und {right} rechts gemessen; für stabile Werte braucht es 7 oder mehr pro Seite. Filme mindestens 10 s gleichmäßiges Laufen.",
    },
    "feet_out_of_frame": {
        "en": "Feet cut off in {pct:.0f} % of the frames: keep the whole body, feet included, in the picture (step back or zoom out).",
        "de": "Füße in {pct:.0f} % der Bilder abgeschnitten: Der ganze Körper samt Füßen muss im Bild sein (weiter weg stellen oder herauszoomen).",
    },
    "head_out_of_frame": {
        "en": "Head cut off in {pct:.0f} % of the frames: keep the whole body in the picture.",
        "de": "Kopf in {pct:.0f} % der Bilder abgeschnitten: Der ganze Körper muss im Bild sein.",
    },
    "not_side_on": {
        "en": "The camera is not square to the running direction (the body is seen at an angle): place it exactly side-on, at hip height.",
        "de": "Die Kamera steht nicht rechtwinklig zur Laufrichtung (der Körper ist schräg zu sehen): genau seitlich auf Hüfthöhe aufstellen.",
    },
    "tilted_camera": {
        "en": "The camera is tilted by about {deg:.0f}° (the ground is not level in the picture): level the phone or tripod.",
        "de": "Die Kamera ist um etwa {deg:.0f}° geneigt (der Boden ist im Bild schief): Handy oder Stativ gerade ausrichten.",
    },
    "several_people": {
        "en": "{n} people were in view; the runner was kept and the others ignored. For best results film the runner alone.",
        "de": "{n} Personen waren im Bild; die laufende Person wurde ausgewertet, die anderen ignoriert. Am besten die Läuferin oder den Läufer allein filmen.",
    },
    "runner_leaves_frame": {
        "en": "The runner was out of the picture in {pct:.0f} % of the frames: follow the runner or film on a treadmill.",
        "de": "Die laufende Person war in {pct:.0f} % der Bilder nicht zu sehen: mitschwenken oder auf dem Laufband filmen.",
    },
    "walking": {
        "en": "This looks like walking, not running (no flight phase): running norms and cues are not applied.",
        "de": "Das sieht nach Gehen aus, nicht nach Laufen (keine Flugphase): Laufnormen und Laufhinweise werden nicht angewendet.",
    },
    "low_fps_timing": {
        "en": "Only {fps:.0f} frames per second: contact time and duty factor are uncertain. Film with 60 fps or more (120/240 fps slow motion is best).",
        "de": "Nur {fps:.0f} Bilder pro Sekunde: Bodenkontaktzeit und Duty Factor sind unsicher. Mit 60 fps oder mehr filmen (120/240 fps Zeitlupe ist ideal).",
    },
    "slow_motion_suspected": {
        "en": "Cadence of {cad:.0f} steps/min is implausibly low for running: is this a slow-motion clip? Give the capture frame rate (e.g. 240).",
        "de": "Eine Schrittfrequenz von {cad:.0f} Schritten/min ist fürs Laufen unplausibel niedrig: Ist das eine Zeitlupe? Bitte die Aufnahme-Bildrate angeben (z. B. 240).",
    },
    "little_pose": {
        "en": "A person was found in only {pct:.0f} % of the frames: use even light, tight clothing and a plain background.",
        "de": "Eine Person wurde nur in {pct:.0f} % der Bilder erkannt: gleichmäßiges Licht, enge Kleidung und ruhiger Hintergrund helfen.",
    },
    "no_strides": {
        "en": "No complete stride could be measured: film at least 10 s of steady running with the feet visible.",
        "de": "Es konnte kein vollständiger Schritt gemessen werden: mindestens 10 s gleichmäßiges Laufen mit sichtbaren Füßen filmen.",
    },
    "frontal_view": {
        "en": "Rear or front view: only pelvic drop, knee alignment, step width and cadence are measured. Film from the side for knee, hip and foot angles.",
        "de": "Ansicht von hinten oder vorn: Gemessen werden nur Beckenabsenkung, Knieachse, Spurbreite und Schrittfrequenz. Für Knie-, Hüft- und Fußwinkel von der Seite filmen.",
    },
    "cadence_disagrees": {
        "en": "Cadence from the foot contacts and from the hip motion disagree by more than 5 %: treat the timing values with caution.",
        "de": "Die Schrittfrequenz aus den Fußkontakten und aus der Hüftbewegung weichen um mehr als 5 % ab: Zeitwerte mit Vorsicht lesen.",
    },
}

METRIC_LABELS = {
    "cadence_spm": {"en": "Cadence", "de": "Schrittfrequenz"},
    "knee_flexion_ic_deg": {"en": "Knee flexion at contact", "de": "Kniebeugung beim Aufsetzen"},
    "knee_flexion_peak_stance_deg": {"en": "Peak knee flexion in stance", "de": "Max. Kniebeugung im Stand"},
    "hip_extension_to_deg": {"en": "Hip extension at toe-off", "de": "Hüftstreckung beim Abdruck"},
    "hip_extension_trunk_to_deg": {"en": "Hip extension vs trunk at toe-off", "de": "Hüftstreckung zum Rumpf beim Abdruck"},
    "trunk_lean_deg": {"en": "Trunk lean", "de": "Rumpfvorlage"},
    "shank_angle_ic_deg": {"en": "Shank angle at contact", "de": "Unterschenkelwinkel beim Aufsetzen"},
    "heel_ahead_of_hip_ic_pct_leg": {"en": "Heel ahead of hip at contact", "de": "Ferse vor der Hüfte beim Aufsetzen"},
    "foot_strike_angle_ic_deg": {"en": "Foot strike angle", "de": "Fußaufsatzwinkel"},
    "contact_time_ms": {"en": "Ground contact time", "de": "Bodenkontaktzeit"},
    "flight_time_ms": {"en": "Flight time", "de": "Flugzeit"},
    "duty_factor_pct": {"en": "Duty factor", "de": "Duty Factor (Kontaktanteil)"},
    "vertical_oscillation_pct_leg": {"en": "Vertical oscillation", "de": "Vertikale Oszillation"},
    "step_time_asymmetry_pct": {"en": "Step time asymmetry", "de": "Schrittzeit-Asymmetrie"},
    "pelvic_drop_deg": {"en": "Pelvic drop", "de": "Beckenabsenkung"},
    "knee_fppa_deg": {"en": "Knee frontal plane angle", "de": "Knie-Frontalebenenwinkel"},
    "step_width_pct_hip": {"en": "Step width", "de": "Spurbreite"},
}

UNITS = {
    "steps/min": {"en": "steps/min", "de": "Schritte/min"},
    "deg": {"en": "°", "de": "°"},
    "ms": {"en": "ms", "de": "ms"},
    "%": {"en": "%", "de": "%"},
    "% leg length": {"en": "% leg length", "de": "% Beinlänge"},
    "% hip width": {"en": "% hip width", "de": "% Hüftbreite"},
}

STRIKE_NAMES = {
    "rearfoot": {"en": "rearfoot (heel first)", "de": "Rückfuß (Ferse zuerst)"},
    "midfoot": {"en": "midfoot", "de": "Mittelfuß"},
    "forefoot": {"en": "forefoot (toes first)", "de": "Vorfuß (Zehen zuerst)"},
}


def text(table: dict, key: str, lang: str, **fmt) -> str:
    lang = lang if lang in LANGS else "de"
    return table[key][lang].format(**fmt)
