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


#: Words for a metric's flag (traffic light), on the dashboard cards and in the PDF report.
FLAG_WORDS = {"ok": {"de": "im Normbereich", "en": "normal"}, "watch": {"de": "beobachten", "en": "watch"},
              "flag": {"de": "auffällig", "en": "flag"}}

#: Dashboard, charts and report labels.
UI = {
    "app_title": {"de": "formcheck – Laufanalyse", "en": "formcheck – running analysis"},
    "local_note": {"de": "Alles läuft auf diesem Computer; kein Video und keine Daten verlassen ihn.",
                   "en": "Everything runs on this computer; no video or data leaves it."},
    "local_note_clinic": {"de": "Alles läuft auf dem Praxisserver; kein Video und keine Daten verlassen ihn. Zugriffe auf Patientenakten werden protokolliert.",
                          "en": "Everything runs on the clinic's server; no video and no data leave it. Access to patient files is logged."},
    "language": {"de": "Sprache", "en": "Language"},
    "page": {"de": "Seite", "en": "Page"},
    "page_analyse": {"de": "Analyse", "en": "Analyse"},
    "page_compare": {"de": "Vergleich", "en": "Compare"},
    "filming_guide": {"de": "So filmst du richtig", "en": "How to film"},
    "filming_points": {
        "de": ["Seitlich filmen (für Knie, Hüfte, Rumpf, Fußaufsatz); von hinten für Beckenabsenkung und Spurbreite.",
               "Kamera auf Stativ in Hüfthöhe, genau quer zur Laufrichtung, 3–5 m entfernt – lieber zoomen als nah und weitwinklig.",
               "Der ganze Körper, Füße eingeschlossen, in jedem Bild.",
               "60 Bilder/s oder mehr (Zeitlupe 120/240 ist am besten für die Kontaktzeit).",
               "Mindestens 10 s gleichmäßiges Laufen (7 oder mehr Schritte pro Seite).",
               "Enge Kleidung, gleichmäßiges Licht; Haltegriffe und Konsole nicht vor Hüfte und Füßen (Kamera 10–15° drehen oder Griffe senken)."],
        "en": ["Film from the side (knee, hip, trunk, foot strike); from behind for pelvic drop and step width.",
               "Camera on a tripod at hip height, square on to the running direction, 3–5 m away – zoom in rather than going close and wide.",
               "The whole body, feet included, in every frame.",
               "60 frames/s or more (120/240 slow motion is best for contact timing).",
               "At least 10 s of steady running (7 or more steps per side).",
               "Tight clothing, even light; keep handrails and the console off the hips and feet (angle the camera 10–15° or lower the rails)."],
    },
    "source": {"de": "Video", "en": "Video"},
    "source_sample": {"de": "Beispielvideo", "en": "Sample clip"},
    "source_upload": {"de": "Eigenes Video hochladen", "en": "Upload your own video"},
    "upload_label": {"de": "Video (mp4, mov, avi, webm, m4v; höchstens {mb} MB)",
                     "en": "Video (mp4, mov, avi, webm, m4v; at most {mb} MB)"},
    "options": {"de": "Optionen", "en": "Options"},
    "capture_fps": {"de": "Aufnahme-Bildrate bei Zeitlupe (0 = normal)", "en": "Capture frame rate for slow motion (0 = normal)"},
    "height_cm": {"de": "Körpergröße in cm (optional, 0 = unbekannt)", "en": "Body height in cm (optional, 0 = unknown)"},
    "analyse": {"de": "Analysieren", "en": "Analyse"},
    "analyse_sample": {"de": "Beispiel analysieren", "en": "Analyse the sample"},
    "analysing": {"de": "Analysiere … ", "en": "Analysing … "},
    "pose_progress": {"de": "Posenmodell: {done} von {total} Bildern, noch etwa {left} s",
                      "en": "Pose model: {done} of {total} frames, about {left} s left"},
    "model_choice": {"de": "Posenmodell", "en": "Pose model"},
    "model_lite": {"de": "schnell (ungenauer)", "en": "fast (less accurate)"},
    "model_full": {"de": "ausgewogen", "en": "balanced"},
    "model_heavy": {"de": "größtes Modell (langsamer)", "en": "largest model (slower)"},
    "model_default": {"de": "Standard", "en": "default"},
    "model_line": {"de": "Posenmodell: {variant} ({file}), {chunks} {procs}",
                   "en": "Pose model: {variant} ({file}), {chunks} {procs}"},
    "process_one": {"de": "Prozess", "en": "process"}, "process_many": {"de": "Prozesse", "en": "processes"},
    "rendering": {"de": "Zeichne das Video …", "en": "Drawing the video …"},
    "done": {"de": "Fertig", "en": "Done"},
    "no_analysis": {"de": "Noch keine Analyse. Wähle ein Video und klicke auf „Analysieren“.",
                    "en": "No analysis yet. Choose a video and click “Analyse”."},
    "view_line": {"de": "{plane}, Blick nach {facing}, {direction}, {setting}, {gait}",
                  "en": "{plane}, facing {facing}, {direction}, {setting}, {gait}"},
    "sagittal": {"de": "Seitenansicht", "en": "Side view"},
    "frontal": {"de": "Ansicht von hinten/vorn", "en": "Rear/front view"},
    "left": {"de": "links", "en": "left"}, "right": {"de": "rechts", "en": "right"},
    "toward": {"de": "zur Kamera", "en": "toward the camera"}, "away": {"de": "von der Kamera weg", "en": "away from the camera"},
    "forward": {"de": "vorwärts", "en": "forward"}, "backward": {"de": "rückwärts", "en": "backward"},
    "treadmill": {"de": "Laufband", "en": "treadmill"}, "overground": {"de": "im Freien/Halle", "en": "overground"},
    "run": {"de": "Laufen", "en": "running"}, "walk": {"de": "Gehen", "en": "walking"},
    "cues": {"de": "Deine Hinweise", "en": "Your cues"},
    "no_cues": {"de": "Keine Hinweise: nichts, was eine Änderung nahelegt – oder die Messung reicht dafür nicht (siehe Hinweise zur Qualität).",
                "en": "No cues: nothing suggests a change – or the measurement is not good enough for one (see the quality notes)."},
    "quality": {"de": "Qualität der Aufnahme", "en": "Recording quality"},
    "quality_ok": {"de": "Die Aufnahme ist für die Auswertung geeignet.", "en": "The recording is fit for analysis."},
    "metrics": {"de": "Messwerte", "en": "Measurements"},
    "normal": {"de": "Normbereich", "en": "Normal range"},
    "starting_value": {"de": "Startwert (Schwelle nicht validiert)", "en": "starting value (threshold not validated)"},
    "confidence": {"de": "Vertrauen", "en": "Confidence"},
    "high": {"de": "hoch", "en": "high"}, "medium": {"de": "mittel", "en": "medium"}, "low": {"de": "niedrig", "en": "low"},
    "not_measured": {"de": "nicht gemessen", "en": "not measured"},
    "steps": {"de": "Schritte", "en": "steps"},
    "video": {"de": "Video mit Auswertung", "en": "Annotated video"},
    "key_frames": {"de": "Schlüsselbilder", "en": "Key frames"},
    "ic": {"de": "Aufsetzen", "en": "Initial contact"}, "midstance": {"de": "Mittelstütz", "en": "Midstance"},
    "to": {"de": "Abdruck", "en": "Toe-off"},
    "leg": {"de": "Bein", "en": "leg"},
    "far_short": {"de": "kamerafern, unsicherer", "en": "far side, less sure"},
    "charts": {"de": "Verläufe", "en": "Curves"},
    "knee_flexion": {"de": "Kniebeugung", "en": "Knee flexion"},
    "hip_extension": {"de": "Hüftstreckung (Oberschenkel hinter der Senkrechten)", "en": "Hip extension (thigh behind vertical)"},
    "shank_angle": {"de": "Unterschenkelwinkel", "en": "Shank angle"},
    "trunk_lean": {"de": "Rumpfvorlage", "en": "Trunk lean"},
    "knee_fppa": {"de": "Knie-Frontalwinkel", "en": "Knee FPPA"},
    "pelvis_tilt": {"de": "Beckenneigung", "en": "Pelvis tilt"},
    "time_s": {"de": "Zeit (s)", "en": "Time (s)"},
    "angle_deg": {"de": "Winkel (°)", "en": "Angle (°)"},
    "gait_cycle_pct": {"de": "Gangzyklus (% vom Aufsetzen bis zum nächsten Aufsetzen)", "en": "Gait cycle (% from contact to next contact)"},
    "strides": {"de": "Einzelne Schritte", "en": "Single steps"},
    "downloads": {"de": "Herunterladen", "en": "Downloads"},
    "dl_json": {"de": "Analyse (JSON)", "en": "Analysis (JSON)"},
    "dl_csv": {"de": "Schritte (CSV)", "en": "Steps (CSV)"},
    "dl_mp4": {"de": "Video (MP4)", "en": "Video (MP4)"},
    "dl_pdf": {"de": "Bericht (PDF)", "en": "Report (PDF)"},
    "advice": {"de": "So übst du", "en": "How to practise"},
    "compare_title": {"de": "Zwei Analysen vergleichen", "en": "Compare two analyses"},
    "compare_need_two": {"de": "Für einen Vergleich braucht es zwei Analysen. Analysiere zwei Videos auf der Seite „Analyse“ – oder starte den Beispielvergleich.",
                         "en": "A comparison needs two analyses. Analyse two videos on the “Analyse” page – or run the sample comparison."},
    "compare_sample": {"de": "Beispielvergleich (vorher/nachher)", "en": "Sample comparison (before/after)"},
    "before": {"de": "Vorher", "en": "Before"}, "after": {"de": "Nachher", "en": "After"},
    "differences": {"de": "Unterschiede", "en": "Differences"},
    "metric": {"de": "Messwert", "en": "Metric"}, "difference": {"de": "Differenz", "en": "Difference"},
    "noise_floor": {"de": "Messrauschen", "en": "Noise floor"}, "verdict": {"de": "Bewertung", "en": "Verdict"},
    "real_change": {"de": "echte Veränderung", "en": "real change"},
    "within_noise": {"de": "keine echte Veränderung (im Messrauschen)", "en": "no real change (within noise)"},
    "uncertain": {"de": "unsicher", "en": "uncertain"},
    "synced_videos": {"de": "Beide Videos, am Aufsetzen ausgerichtet", "en": "Both videos, aligned at initial contact"},
    "error_title": {"de": "Das hat nicht geklappt", "en": "That did not work"},
    "error_unexpected": {"de": "Unerwarteter Fehler bei der Analyse ({kind}). Bitte versuche ein anderes Video; wenn es wieder passiert, melde es mit dieser Zeile.",
                         "en": "Unexpected problem during the analysis ({kind}). Please try another video; if it happens again, report it with this line."},
    "error_too_big": {"de": "Die Datei ist {mb:.0f} MB groß; erlaubt sind höchstens {limit} MB. Kürze das Video auf 10–30 s oder exportiere es in geringerer Auflösung.",
                      "en": "The file is {mb:.0f} MB; at most {limit} MB are allowed. Trim the clip to 10–30 s or export it at a lower resolution."},
    "error_type": {"de": "„{name}“ ist kein unterstütztes Videoformat. Erlaubt sind mp4, mov, avi, webm und m4v.",
                   "en": "“{name}” is not a supported video format. Allowed are mp4, mov, avi, webm and m4v."},
    "report_title": {"de": "Laufanalyse", "en": "Running analysis"},
    "report_clip": {"de": "Video", "en": "Clip"},
    "report_date": {"de": "Datum", "en": "Date"},
    "report_footer": {"de": "Erstellt mit formcheck {version} auf diesem Computer. Winkel aus einer Kamera (2-D) weichen um etwa 5–8° von Markermessungen ab; vergleiche vor allem mit früheren eigenen Messungen.",
                      "en": "Made with formcheck {version} on this computer. Angles from one camera (2-D) differ by about 5–8° from marker-based capture; compare mainly with the runner's own earlier sessions."},
    "analyses_in_session": {"de": "Analysen in dieser Sitzung", "en": "Analyses in this session"},
    # patients, sessions, progress (issue 6)
    "page_patients": {"de": "Patienten", "en": "Patients"},
    "page_audit": {"de": "Protokoll", "en": "Audit log"},
    # clinic server mode (formcheck.clinic, formcheck.ui.access)
    "exposed_without_login": {"de": "Dieses Dashboard ist für andere Computer erreichbar (Adresse {address}), verlangt aber keine Anmeldung – jeder im Netz könnte die Patientenakten öffnen. Starte es ohne server.address (nur dieser Computer) oder im Praxisbetrieb mit FORMCHECK_CLINIC=1 und Benutzerkonten (siehe README).",
                              "en": "This dashboard can be reached from other computers (address {address}) but asks for no login — anyone on the network could open the patient files. Start it without server.address (this computer only), or in clinic mode with FORMCHECK_CLINIC=1 and accounts (see the README)."},
    "login_title": {"de": "Anmelden", "en": "Log in"},
    "login_caption": {"de": "Praxisbetrieb: Patientendaten nur nach Anmeldung. Jeder Zugriff auf eine Patientenakte wird protokolliert.",
                      "en": "Clinic mode: patient data only after logging in. Every access to a patient's file is logged."},
    "login_user": {"de": "Benutzername", "en": "User name"},
    "login_password": {"de": "Passwort", "en": "Password"},
    "login_button": {"de": "Anmelden", "en": "Log in"},
    "login_wrong": {"de": "Benutzername oder Passwort ist falsch. Versuche es noch einmal.",
                    "en": "The user name or the password is wrong. Try again."},
    "login_locked": {"de": "Zu viele fehlgeschlagene Anmeldungen für diesen Namen. Warte {minutes} Minuten oder wende dich an eine Administratorin / einen Administrator.",
                     "en": "Too many failed logins for this name. Wait {minutes} minutes or ask an admin."},
    "login_disabled": {"de": "Dieses Konto ist abgeschaltet. Wende dich an eine Administratorin / einen Administrator.",
                       "en": "This account is switched off. Ask an admin."},
    "login_expired": {"de": "Die Anmeldung ist abgelaufen. Bitte melde dich wieder an.",
                      "en": "Your login has expired. Please log in again."},
    "logged_in_as": {"de": "Angemeldet: {name} ({role})", "en": "Logged in: {name} ({role})"},
    "logout": {"de": "Abmelden", "en": "Log out"},
    "role_therapist": {"de": "Therapeut/in", "en": "therapist"},
    "role_admin": {"de": "Administration", "en": "admin"},
    "admins_only": {"de": "Nur für Konten mit der Rolle Administration.", "en": "For admin accounts only."},
    "erase_admins_only": {"de": "Löschen dürfen nur Konten mit der Rolle Administration.",
                          "en": "Only admin accounts may erase a patient."},
    "audit_title": {"de": "Zugriffsprotokoll", "en": "Audit log"},
    "audit_caption": {"de": "Wer hat wann welche Patientenakte geöffnet, gespeichert, exportiert oder gelöscht (Zeiten in UTC; Patienten nur mit Nummer, ohne Namen).",
                      "en": "Who opened, saved, exported or erased which patient's file, and when (times in UTC; patients by number only, never by name)."},
    "audit_patient": {"de": "Nur Patient Nr. (0 = alle)", "en": "Only patient no. (0 = all)"},
    "audit_empty": {"de": "Noch keine Einträge.", "en": "No entries yet."},
    "audit_at": {"de": "Zeit", "en": "Time"},
    "audit_user": {"de": "Benutzer", "en": "User"},
    "audit_action": {"de": "Aktion", "en": "Action"},
    "audit_patient_col": {"de": "Patient Nr.", "en": "Patient no."},
    "audit_session": {"de": "Sitzung Nr.", "en": "Session no."},
    "audit_detail": {"de": "Detail", "en": "Detail"},
    "audit_login": {"de": "Anmeldung", "en": "login"},
    "audit_login_failed": {"de": "Anmeldung fehlgeschlagen", "en": "failed login"},
    "audit_logout": {"de": "Abmeldung", "en": "logout"},
    "audit_expired": {"de": "Anmeldung abgelaufen", "en": "login expired"},
    "audit_open": {"de": "Akte geöffnet", "en": "file opened"},
    "audit_save": {"de": "Sitzung gespeichert", "en": "session saved"},
    "audit_export": {"de": "exportiert", "en": "exported"},
    "audit_erase_patient": {"de": "Patient gelöscht", "en": "patient erased"},
    "audit_erase_session": {"de": "Sitzung gelöscht", "en": "session erased"},
    "audit_account_added": {"de": "Konto angelegt", "en": "account added"},
    "audit_account_changed": {"de": "Konto geändert", "en": "account changed"},
    "patients_title": {"de": "Patienten und Verlauf", "en": "Patients and progress"},
    "patient_search": {"de": "Suchen (Pseudonym oder Initialen)", "en": "Search (pseudonym or initials)"},
    "patient_new": {"de": "Neuen Patienten anlegen", "en": "Add a patient"},
    "pseudonym": {"de": "Pseudonym oder Initialen (kein voller Name)", "en": "Pseudonym or initials (not the full name)"},
    "birth_year": {"de": "Geburtsjahr (optional, 0 = leer)", "en": "Year of birth (optional, 0 = empty)"},
    "leg_length_cm": {"de": "Beinlänge in cm (optional, 0 = leer)", "en": "Leg length in cm (optional, 0 = empty)"},
    "patient_notes": {"de": "Notizen", "en": "Notes"},
    "col_birth_year": {"de": "Geburtsjahr", "en": "Year of birth"},
    "col_leg_length": {"de": "Beinlänge", "en": "Leg length"},
    "col_tags": {"de": "Stichworte", "en": "Tags"},
    "add_patient": {"de": "Anlegen", "en": "Add"},
    "patient_added": {"de": "{name} ist angelegt.", "en": "{name} has been added."},
    "no_patients": {"de": "Noch keine Patienten. Lege einen an – oder speichere eine Analyse von der Seite „Analyse“ aus.",
                    "en": "No patients yet. Add one – or save an analysis from the “Analyse” page."},
    "no_match": {"de": "Kein Patient passt zu „{q}“.", "en": "No patient matches “{q}”."},
    "patient": {"de": "Patient", "en": "Patient"},
    "n_sessions": {"de": "Sitzungen", "en": "Sessions"},
    "last_session": {"de": "Letzte Sitzung", "en": "Last session"},
    "session_history": {"de": "Sitzungen", "en": "Sessions"},
    "no_sessions": {"de": "Noch keine gespeicherte Sitzung. Analysiere ein Video und speichere es mit „In Patientenakte speichern“.",
                    "en": "No saved session yet. Analyse a video and keep it with “Save to the patient file”."},
    "progress": {"de": "Verlauf über die Sitzungen", "en": "Progress over the sessions"},
    "progress_caption": {"de": "Grün: Normbereich. Grau: Ausgangswert (erste Sitzung) ± Messrauschen – ein Punkt außerhalb ist eine echte Veränderung. Offene Punkte: niedriges Vertrauen.",
                         "en": "Green: normal range. Grey: baseline (first session) ± noise floor – a point outside it is a real change. Open markers: low confidence."},
    "noise_band": {"de": "Ausgangswert ± Messrauschen", "en": "baseline ± noise floor"},
    "compare_previous": {"de": "Letzte mit voriger Sitzung vergleichen", "en": "Compare the last with the previous session"},
    "compare_two": {"de": "Zwei beliebige Sitzungen vergleichen", "en": "Compare any two sessions"},
    "compare_these": {"de": "Diese beiden vergleichen", "en": "Compare these two"},
    "need_two_sessions": {"de": "Vergleich und Verlauf brauchen mindestens zwei Sitzungen.",
                          "en": "Comparison and progress need at least two sessions."},
    "same_session": {"de": "Wähle zwei verschiedene Sitzungen.", "en": "Choose two different sessions."},
    "save_title": {"de": "In Patientenakte speichern", "en": "Save to the patient file"},
    "save_new_patient": {"de": "– neuer Patient –", "en": "– new patient –"},
    "save_new_name": {"de": "Pseudonym oder Initialen des neuen Patienten", "en": "Pseudonym or initials of the new patient"},
    "session_date": {"de": "Datum der Sitzung", "en": "Date of the session"},
    "tags": {"de": "Stichworte, mit Komma getrennt (z. B. vor Umstellung)", "en": "Tags, comma separated (e.g. before retraining)"},
    "session_notes": {"de": "Notiz", "en": "Note"},
    "save": {"de": "Speichern", "en": "Save"},
    "saved": {"de": "Gespeichert für {name}: Sitzung vom {date}. Verlauf und Vergleich auf der Seite „Patienten“.",
              "en": "Saved for {name}: session of {date}. Progress and comparison on the “Patients” page."},
    "already_saved": {"de": "Diese Analyse ist bereits für {name} gespeichert.", "en": "This analysis is already saved for {name}."},
    "need_pseudonym": {"de": "Gib ein Pseudonym oder Initialen an.", "en": "Enter a pseudonym or initials."},
    "store_error": {"de": "Die Patientendatenbank ist nicht nutzbar", "en": "The patient database cannot be used"},
    "date": {"de": "Datum", "en": "Date"}, "view": {"de": "Ansicht", "en": "View"},
    "version": {"de": "formcheck-Version", "en": "formcheck version"},
    "export_patient": {"de": "Export (ZIP) vorbereiten", "en": "Prepare export (ZIP)"},
    "download_export": {"de": "Export herunterladen", "en": "Download the export"},
    "export_failed": {"de": "Der Export ist unerwartet gescheitert ({kind}); es wurde keine Datei angelegt. Versuche es noch einmal; wenn es wieder passiert, melde es mit dieser Zeile.",
                      "en": "The export failed unexpectedly ({kind}); no file was made. Try again; if it happens again, report it with this line."},
    "delete_patient": {"de": "Patient löschen", "en": "Delete patient"},
    "confirm_delete": {"de": "Ja, {name} mit allen Sitzungen und Videos endgültig löschen",
                       "en": "Yes, delete {name} with all sessions and videos for good"},
    "deleted": {"de": "{name} ist gelöscht ({n} Dateien entfernt).", "en": "{name} has been deleted ({n} files removed)."},
    "loading_session": {"de": "Lade die gespeicherte Sitzung …", "en": "Loading the saved session …"},
    "stored_note": {"de": "Messwerte wie gespeichert (formcheck {va} / {vb}); Bilder und Kurven neu aus den gespeicherten Videos.",
                    "en": "Measurements as saved (formcheck {va} / {vb}); images and curves redrawn from the saved videos."},
    "missing_video": {"de": "Das gespeicherte Video dieser Sitzung fehlt ({name}). Stelle den Datenordner aus der Sicherung wieder her.",
                      "en": "The saved video of this session is missing ({name}). Restore the data folder from the backup."},
}


def tr(key: str, lang: str, **fmt):
    """A dashboard label (:data:`UI`) in ``lang`` (German by default)."""
    lang = lang if lang in LANGS else "de"
    val = UI[key][lang]
    return val.format(**fmt) if fmt and isinstance(val, str) else val


#: Plain-language error messages by error code: the dashboard's, and the command line's when --lang asks for German
#: (otherwise the command line keeps its specific one-line English reason).
ERRORS = {
    "not_video": {"de": "Diese Datei ist kein Video, das formcheck lesen kann (unbekanntes oder beschädigtes Format). Exportiere es als MP4 (H.264) und versuche es noch einmal.",
                  "en": "This file is not a video formcheck can read (unknown or damaged format). Export it as MP4 (H.264) and try again."},
    "corrupt": {"de": "Das Video ist beschädigt oder unvollständig. Kopiere die Originaldatei noch einmal vom Handy und lade sie erneut hoch.",
                "en": "The video is damaged or incomplete. Copy the original file from the phone again and upload it once more."},
    "truncated": {"de": "Das Video ist abgeschnitten: nicht alle Bilder ließen sich lesen. Kopiere die Originaldatei noch einmal.",
                  "en": "The video is cut short: not all frames could be read. Copy the original file again."},
    "empty": {"de": "Die Datei ist leer. Kopiere das Video noch einmal.", "en": "The file is empty. Copy the video again."},
    "no_video_stream": {"de": "Die Datei enthält kein Bild (nur Ton?). Wähle ein Video.",
                        "en": "The file has no picture (audio only?). Choose a video."},
    "bad_size": {"de": "Das Bildformat ist ungewöhnlich klein oder groß. Exportiere das Video in 720p oder 1080p.",
                 "en": "The picture size is unusually small or large. Export the video at 720p or 1080p."},
    "too_large": {"de": "Die Datei ist zu groß. Kürze das Video auf 10–60 s gleichmäßiges Laufen.",
                  "en": "The file is too large. Trim the video to 10–60 s of steady running."},
    "too_long": {"de": "Das Video ist zu lang. Kürze es auf 10–60 s gleichmäßiges Laufen.",
                 "en": "The video is too long. Trim it to 10–60 s of steady running."},
    "frame_size": {"de": "Mitten im Video wechselt das Bild auf ein ungewöhnlich kleines oder großes Format. Exportiere das Video noch einmal in 720p oder 1080p.",
                   "en": "Part-way through, the picture of the video changes to an unusually small or large size. Export the video again at 720p or 1080p."},
    "size_changed": {"de": "Das Bildformat wechselt mitten im Video; formcheck braucht ein Bildformat für das ganze Video. Exportiere das Video noch einmal in 720p oder 1080p.",
                     "en": "The picture size changes part-way through the video; formcheck needs one picture size for the whole video. Export the video again at 720p or 1080p."},
    "too_many_frames": {"de": "Das Video hat mehr Einzelbilder, als in die erlaubte Länge passen (zu lang oder mit fehlerhaften Zeitangaben). Kürze es auf 10–60 s gleichmäßiges Laufen.",
                        "en": "The video has more frames than fit in the allowed length (too long, or with broken timestamps). Trim it to 10–60 s of steady running."},
    "not_a_file": {"de": "Das ist keine Videodatei, sondern ein Ordner, eine Pipe oder ein Gerät. Speichere das Video als Datei und wähle diese Datei.",
                   "en": "This is not a video file but a folder, a pipe or a device. Save the video as a file and choose that file."},
    "no_runner": {"de": "Im Video wurde keine Person gefunden. Filme den ganzen Körper von der Seite, bei gutem Licht, aus 3–5 m Entfernung.",
                  "en": "No person was found in the video. Film the whole body from the side, in good light, from 3–5 m away."},
    "bad_username": {"de": "Dieser Benutzername geht nicht: erlaubt sind 1–64 Buchstaben, Ziffern und . _ @ -.",
                     "en": "That user name cannot be used: use 1–64 letters, digits and . _ @ -."},
    "weak_password": {"de": "Das Passwort ist zu kurz: mindestens 12 Zeichen (ein paar unverbundene Wörter merkt man sich leicht).",
                      "en": "The password is too short: at least 12 characters (a few unrelated words are easy to remember)."},
    "bad_role": {"de": "Diese Rolle gibt es nicht: therapist oder admin.", "en": "There is no such role: therapist or admin."},
    "password_mismatch": {"de": "Die beiden Passwörter sind verschieden; es wurde nichts geändert. Versuche es noch einmal.",
                          "en": "The two passwords differ; nothing was changed. Try again."},
    "account_exists": {"de": "Ein Konto mit diesem Namen gibt es schon. Wähle einen anderen Namen.",
                       "en": "An account with that name exists already. Choose another name."},
    "no_account": {"de": "Ein Konto mit diesem Namen gibt es nicht; `formcheck accounts list` zeigt alle.",
                   "en": "There is no account with that name; `formcheck accounts list` shows them all."},
    "store_readonly": {"de": "Im Datenordner lässt sich nichts speichern: er ist schreibgeschützt oder gehört einem anderen Benutzer. Mache ihn beschreibbar oder wähle mit FORMCHECK_HOME einen beschreibbaren Ordner.",
                       "en": "Nothing can be saved in the data folder: it is read-only or belongs to another user. Make it writable or choose a writable folder with FORMCHECK_HOME."},
    "store_busy": {"de": "Die Patientendatenbank ist gerade durch ein anderes formcheck-Fenster oder Programm belegt. Versuche es gleich noch einmal.",
                   "en": "The patient database is busy with another formcheck window or program. Try again in a moment."},
    "store_unreachable": {"de": "Der Datenbankserver ist nicht erreichbar. Prüfe FORMCHECK_DATABASE_URL und ob der Server läuft.",
                          "en": "The database server cannot be reached. Check FORMCHECK_DATABASE_URL and that the server is running."},
    "store_io": {"de": "Eine Datei im Datenordner ließ sich nicht lesen oder schreiben. Prüfe den Datenordner und versuche es noch einmal.",
                 "en": "A file in the data folder could not be read or written. Check the data folder and try again."},
    "store": {"de": "Die Patientendatenbank hat die Änderung abgelehnt; es wurde nichts geändert. Prüfe die Datenbank und versuche es noch einmal.",
              "en": "The patient database refused the change; nothing was changed. Check the database and try again."},
    "store_unusable": {"de": "Die Patientendatenbank lässt sich nicht öffnen: die Datei ist beschädigt oder gehört zu einem anderen Programm. Stelle sie aus der Sicherung wieder her oder wähle mit FORMCHECK_HOME einen anderen Datenordner.",
                       "en": "The patient database cannot be opened: the file is damaged or belongs to another program. Restore it from the backup or choose another data folder with FORMCHECK_HOME."},
    "patient_exists": {"de": "Diesen Patienten gibt es schon. Wähle ihn in der Liste aus oder nimm ein anderes Pseudonym.",
                       "en": "This patient exists already. Choose them in the list or use another pseudonym."},
    "bad_pseudonym": {"de": "Dieses Pseudonym geht nicht: höchstens 80 Zeichen auf einer Zeile, ohne Steuerzeichen. Nimm Initialen oder ein kurzes Pseudonym.",
                      "en": "This pseudonym cannot be used: at most 80 characters on one line, without control characters. Use initials or a short pseudonym."},
    "video_suffix": {"de": "formcheck speichert nur Videos als MP4, MOV, M4V, AVI, WEBM oder MKV. Wandle das Video in MP4 um und speichere es noch einmal.",
                     "en": "formcheck only keeps MP4, MOV, M4V, AVI, WEBM or MKV videos. Convert the video to MP4 and save it again."},
    "bad_reference": {"de": "Ein Eintrag der Patientendatenbank verweist auf kein gültiges Video (beschädigt oder von einem alten, unsicheren Import). Stelle die Datenbank aus der Sicherung wieder her.",
                      "en": "An entry of the patient database names no valid video (damaged, or from an old, unsafe import). Restore the database from the backup."},
    "unsafe_path": {"de": "Eine Datei im Datenordner führt per Verknüpfung aus ihm hinaus; formcheck hat sie nicht angefasst. Entferne die Verknüpfung und versuche es noch einmal.",
                    "en": "A file in the data folder links out of it; formcheck left it alone. Remove the link and try again."},
    "video_missing": {"de": "Ein gespeichertes Video dieses Patienten fehlt im Datenordner. Stelle den Datenordner aus der Sicherung wieder her und exportiere dann noch einmal.",
                      "en": "A stored video of this patient is missing from the data folder. Restore the data folder from the backup, then export again."},
    "clip_removed": {"de": "Das Video wurde entfernt, während die Sitzung gespeichert wurde (zusammen mit einem anderen Patienten gelöscht?). Öffne das Video noch einmal und speichere die Sitzung erneut.",
                     "en": "The video was removed while the session was being saved (erased with another patient?). Open the clip again and save the session again."},
    "video_changed": {"de": "Das Video hat sich verändert, während es gespeichert wurde; es wurde nichts gespeichert. Speichere die Sitzung noch einmal.",
                      "en": "The video changed while it was being saved; nothing was stored. Save the session again."},
    "erase_pending": {"de": "Gelöscht – aber ein anderes formcheck-Fenster oder Programm hat die Datenbank noch geöffnet, deshalb steht der gelöschte Text noch in ihrer Datei. Schließe die anderen formcheck-Fenster; beim nächsten Öffnen der Datenbank entfernt formcheck ihn endgültig.",
                      "en": "Erased — but another formcheck window or program still has the database open, so the erased text is still in its file. Close the other formcheck windows; formcheck removes it for good the next time it opens the database."},
    "export_unwritable": {"de": "Die Exportdatei lässt sich dort nicht schreiben. Wähle einen anderen Ordner mit freiem Platz.",
                          "en": "The export file cannot be written there. Choose another folder with free space."},
    "import_invalid": {"de": "Diese Datei ist kein gültiger formcheck-Export: sie ist beschädigt, wurde verändert oder stammt von einem anderen Programm. Es wurde nichts importiert. Exportiere den Patienten noch einmal aus formcheck und importiere die neue Datei.",
                       "en": "This file is not a valid formcheck export: it is damaged, was changed or comes from another program. Nothing was imported. Export the patient from formcheck again and import the new file."},
    "import_too_large": {"de": "Diese Datei ist zu groß für einen Import (ein Teil oder das Ganze ist größer als erlaubt). Es wurde nichts importiert. Importiere nur Exporte aus formcheck.",
                         "en": "This file is too large to import (a part of it or the whole is larger than allowed). Nothing was imported. Import only exports made by formcheck."},
    "import_patient_exists": {"de": "Einen Patienten mit diesem Pseudonym gibt es schon. Es wurde nichts importiert. Lösche oder benenne den vorhandenen Patienten um und importiere dann noch einmal.",
                              "en": "A patient with this pseudonym exists already. Nothing was imported. Delete or rename the existing patient, then import again."},
    "import_io": {"de": "Der Import ist beim Lesen der Datei oder beim Schreiben in die Datenbank oder den Datenordner gescheitert. Es wurde nichts importiert. Schaffe Platz auf dem Datenträger und importiere noch einmal.",
                  "en": "The import failed while reading the file or writing to the database or data folder. Nothing was imported. Free some disk space and import again."},
    "model": {"de": "Das Posenmodell ist nicht verfügbar. Führe im Projektordner „make run“ aus (es richtet das Modell ein) und lade die Seite neu.",
              "en": "The pose model is not available. Run “make run” in the project folder (it sets the model up) and reload the page."},
    # writing files (formcheck.errors.write_error; the command line puts the path in front)
    "disk_full": {"de": "Der Datenträger ist voll; es ist keine halb geschriebene Datei zurückgeblieben. Schaffe Platz oder wähle einen anderen Datenträger und versuche es noch einmal.",
                  "en": "The disk is full; nothing half-written was kept. Free some space or choose another disk and try again."},
    "read_only": {"de": "Dieser Ort ist schreibgeschützt; es wurde nichts gespeichert. Wähle einen Ort, an dem geschrieben werden darf, und versuche es noch einmal.",
                  "en": "This place is read-only; nothing was saved. Choose a place that can be written to and try again."},
    "no_permission": {"de": "formcheck darf dort nicht schreiben; es wurde nichts gespeichert. Wähle einen Ordner, in den du schreiben darfst, oder ändere die Berechtigungen.",
                      "en": "formcheck may not write there; nothing was saved. Choose a folder you may write to or change its permissions."},
    "output_is_folder": {"de": "Das ist ein Ordner, keine Datei. Gib den Namen einer Datei an, z. B. ergebnis.json.",
                         "en": "This is a folder, not a file. Give the name of a file, e.g. result.json."},
    "output_not_file": {"de": "Das ist keine gewöhnliche Datei (ein Gerät oder eine Pipe). Gib den Namen einer Datei an.",
                        "en": "This is not a regular file (a device or a pipe). Give the name of a file."},
    "output_no_folder": {"de": "Den Ordner für diese Ausgabe gibt es nicht (oder er ist eine Datei). Lege ihn an oder wähle einen anderen Ort.",
                         "en": "The folder for this output does not exist (or is a file). Create it or choose another place."},
    "write_failed": {"de": "Die Datei ließ sich nicht schreiben; es ist keine halb geschriebene Datei zurückgeblieben. Prüfe den Datenträger und versuche es noch einmal.",
                     "en": "The file could not be written; nothing half-written was kept. Check the disk and try again."},
    # arguments of the command line
    "bad_date": {"de": "Das ist kein gültiges Datum. Schreibe den Aufnahmetag als JJJJ-MM-TT, z. B. 2026-11-01.",
                 "en": "This is not a valid date. Write the recording day as YYYY-MM-DD, e.g. 2026-11-01."},
}


#: German wording of the typical ranges in :data:`formcheck.engine.norms.NORMS` (the JSON keeps the English).
NORM_TYPICAL_DE = {
    "cadence_spm": "~169 bei 2,7 m/s, ~172 bei 3,2, ~178 bei 3,8 (steigt mit dem Tempo)",
    "heel_ahead_of_hip_ic_pct_leg": "≤ 15 % der Beinlänge",
    "vertical_oscillation_pct_leg": "7,5–9,3 cm pro Doppelschritt (Joggen)",
    "foot_strike_angle_ic_deg": "Ferse 17,7 ± 4,4°, Mittelfuß 2,6°, Vorfuß −7,9°",
    "contact_time_ms": "240–285 ms beim Joggen",
    "pelvic_drop_deg": "Messrauschen 2,7–2,8°",
    "knee_fppa_deg": "4,0 ± 3,3° (nur zur Information)",
    "step_width_pct_hip": "> 0 (kein Überkreuzen)",
}


def norm_typical(name: str, english: str | None, lang: str) -> str | None:
    """The typical range of ``name`` for display in ``lang``."""
    if lang == "de" and name in NORM_TYPICAL_DE:
        return NORM_TYPICAL_DE[name]
    return english


#: Why a metric is null or less confident, by code. The English sentence is what
#: the JSON's ``reason`` / ``confidence_reasons`` carry; codes and parameters are
#: added beside them (``reason_code``, ``reason_params``, ``confidence_reason_codes``)
#: so the dashboard can say the same in German.
REASONS = {
    "no_same_foot": {"en": "fewer than two contacts of the same foot were seen",
                     "de": "weniger als zwei Bodenkontakte desselben Fußes gesehen"},
    "few_steps_cadence": {"en": "only {n} step(s) seen: too few for a cadence; film at least 7 steps per side",
                          "de": "nur {n} Schritt(e) gesehen: zu wenige für eine Schrittfrequenz; filme mindestens 7 Schritte pro Seite"},
    "implausible_cadence": {"en": "{spm:.0f} steps/min is not plausible: the contacts were not detected reliably in this clip",
                            "de": "{spm:.0f} Schritte/min sind nicht plausibel: die Bodenkontakte wurden in diesem Video nicht sicher erkannt"},
    "cadence_disagree": {"en": "cadence from the contacts ({ev:.0f}/min) and from the hip motion ({sp:.0f}/min) disagree",
                         "de": "die Schrittfrequenz aus den Bodenkontakten ({ev:.0f}/min) weicht von der aus der Hüftbewegung ({sp:.0f}/min) ab"},
    "cadence_disagree_few": {"en": "cadence from the contacts ({ev:.0f}/min) and from the hip motion ({sp:.0f}/min) disagree, "
                                   "and with only {nl} left / {nr} right steps neither can be trusted; film at least 7 steps per side",
                             "de": "die Schrittfrequenz aus den Bodenkontakten ({ev:.0f}/min) weicht von der aus der Hüftbewegung ({sp:.0f}/min) ab, "
                                   "und bei nur {nl} linken / {nr} rechten Schritten ist keiner der beiden Werte sicher; filme mindestens 7 Schritte pro Seite"},
    "few_step_times": {"en": "only {nl} left / {nr} right step times: too few for an asymmetry; film at least 7 steps per side",
                       "de": "nur {nl} linke / {nr} rechte Schrittzeiten: zu wenige für eine Asymmetrie; filme mindestens 7 Schritte pro Seite"},
    "asym_disagree": {"en": "the contacts give {val:.0f} % and the hip motion {hip:.0f} %: one foot's contacts are timed "
                            "unreliably (often the far foot, hidden at landing)",
                      "de": "die Bodenkontakte ergeben {val:.0f} %, die Hüftbewegung {hip:.0f} %: die Kontakte eines Fußes sind "
                            "unsicher bestimmt (oft der kameraferne Fuß, der beim Aufsetzen verdeckt ist)"},
    "need_both_feet": {"en": "steps of both feet are needed", "de": "dafür braucht es Schritte beider Füße"},
    "no_contact_metric": {"en": "no complete contact was measured for this metric",
                          "de": "für diesen Wert wurde kein vollständiger Bodenkontakt gemessen"},
    "few_steps": {"en": "only {n} step(s) measured: too few for a value; film at least 7 steps per side",
                  "de": "nur {n} Schritt(e) gemessen: zu wenige für einen Wert; filme mindestens 7 Schritte pro Seite"},
    "irregular": {"en": "{pct:.0f} % of the steps have implausible step times: the contacts were not detected reliably",
                  "de": "{pct:.0f} % der Schritte haben unplausible Schrittzeiten: die Bodenkontakte wurden nicht sicher erkannt"},
    "far_unreliable": {"en": "the {side} foot's contacts were not timed reliably ({pct:.0f} % of the steps have implausible durations)",
                       "de": "die Bodenkontakte des {side} Fußes sind nicht sicher bestimmt ({pct:.0f} % der Schritte haben unplausible Dauern)"},
    "needs_side_view": {"en": "needs a side view", "de": "braucht eine Aufnahme von der Seite"},
    "needs_rear_view": {"en": "needs a rear view", "de": "braucht eine Aufnahme von hinten"},
    "hip_asym_gives": {"en": "the hip motion gives {hip:.0f} %", "de": "die Hüftbewegung ergibt {hip:.0f} %"},
    "side_view_far": {"en": "side view: the far foot's contacts are timed less surely than the near foot's",
                      "de": "Seitenansicht: die Kontakte des kamerafernen Fußes sind unsicherer bestimmt als die des nahen"},
    "fps_frame": {"en": "{fps:.0f} fps: contact timing is uncertain by about a frame",
                  "de": "{fps:.0f} Bilder/s: die Kontaktzeitpunkte sind etwa ein Bild unsicher"},
    "few_one_side": {"en": "only {n} steps on one side (7 or more wanted)",
                     "de": "nur {n} Schritte auf einer Seite (7 oder mehr erwünscht)"},
    "few_per_side": {"en": "only {nl} left / {nr} right steps (7 or more per side wanted)",
                     "de": "nur {nl} linke / {nr} rechte Schritte (7 oder mehr pro Seite erwünscht)"},
    "fps_timing": {"en": "{fps:.0f} fps: contact timing needs 60 fps or more",
                   "de": "{fps:.0f} Bilder/s: Kontaktzeiten brauchen 60 Bilder/s oder mehr"},
    "contact_timing_bias": {"en": "contact and toe-off are timed to a frame or two from video: "
                                  "compare with the runner's own earlier sessions rather than with norms",
                            "de": "Aufsetzen und Abdruck sind aus dem Video nur auf ein bis zwei Bilder genau bestimmbar: "
                                  "besser mit früheren Sitzungen derselben Person vergleichen als mit Normwerten"},
    "hip_least_accurate": {"en": "hip extension is the least accurate angle from one camera",
                           "de": "die Hüftstreckung ist mit einer Kamera der ungenaueste Winkel"},
    "far_foot_strike": {"en": "the {side} foot's landing cannot be read reliably from this side (it is the far foot, "
                              "hidden behind the near leg); film the other side too",
                        "de": "das Aufsetzen des {side} Fußes ist von dieser Seite nicht sicher erkennbar (kameraferner Fuß, "
                              "hinter dem nahen Bein verdeckt); filme auch die andere Seite"},
    "backward_contact": {"en": "backward running: the pose model finds a toe-first contact only when the heel comes down, "
                               "several frames late, when knee and foot have already moved on; not measurable from video",
                         "de": "Rückwärtslaufen: das Posenmodell erkennt das Aufsetzen mit den Zehen erst, wenn die Ferse aufsetzt, "
                               "mehrere Bilder zu spät, wenn Knie und Fuß sich schon weiterbewegt haben; aus dem Video nicht messbar"},
    "backward_timing": {"en": "backward running: toe-first contacts are found several frames late",
                        "de": "Rückwärtslaufen: das Aufsetzen mit den Zehen wird mehrere Bilder zu spät erkannt"},
    "far_leg": {"en": "measured on the far leg (the near leg was not measurable)",
                "de": "am kamerafernen Bein gemessen (das nahe Bein war nicht messbar)"},
}

_SIDE_GENITIVE_DE = {"left": "linken", "right": "rechten"}


class Reason(str):
    """Why a metric is null or less confident: the English sentence, plus its code and parameters.

    It is a ``str`` (the English text), so it travels through the engine and
    into the JSON like any sentence; :meth:`say` gives it in another language.
    """

    code: str
    params: dict

    def __new__(cls, code: str, **params):
        obj = super().__new__(cls, REASONS[code]["en"].format(**params))
        obj.code, obj.params = code, params
        return obj

    def say(self, lang: str) -> str:
        return reason_text(self.code, self.params, lang) or str(self)


def reason_text(code: str | None, params: dict | None, lang: str) -> str | None:
    """The sentence for a reason code in ``lang``; None for an unknown code (e.g. from an older engine)."""
    if code not in REASONS:
        return None
    lang = lang if lang in LANGS else "de"
    p = dict(params or {})
    if lang == "de" and p.get("side") in _SIDE_GENITIVE_DE:
        p["side"] = _SIDE_GENITIVE_DE[p["side"]]
    try:
        return REASONS[code][lang].format(**p)
    except (KeyError, ValueError, IndexError):
        return None
