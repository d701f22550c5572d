"""The patient file in the dashboard (AppTest), followed as one therapist's session.

A patient is created from the analyse page in one step, two more sessions are
saved (one of them an upload of a clip already stored), the patients page shows
the history and the progress charts, "compare with previous" and "compare any
two" open the compare page on stored sessions, the patient is exported and
erased. Each test continues where the previous one stopped (one browser
session), in a data folder of its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
from streamlit.testing.v1 import AppTest

from formcheck.ui.messages import md_text
from formcheck.store import Store
from tests.conftest import ROOT, own_data_home
from tests.golden import full_result

APP = str(ROOT / "app.py")
SAMPLE = ROOT / "sample_videos" / "synthetic_treadmill_right.mp4"
AFTER = ROOT / "sample_videos" / "synthetic_treadmill_right_after.mp4"


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def home(tmp_path_factory, _isolated_home):
    """A data folder of its own (the run's pose cache copied in, so the samples need no new pose pass)."""
    with own_data_home(tmp_path_factory.mktemp("patients-home"), _isolated_home) as path:
        yield path


@pytest.fixture(scope="module")
def at(home, model_path):
    app = AppTest.from_file(APP, default_timeout=600)
    app.run()
    return app


def _save(at, *, patient=None, new_name="", day, tags=""):
    if patient is not None:
        at.selectbox(key="save_patient").set_value(patient).run()
        assert not [w for w in at.text_input if w.key == "save_new_name"], "no new pseudonym for an existing patient"
    else:
        at.selectbox(key="save_patient").set_value(0).run()
        at.text_input(key="save_new_name").set_value(new_name)
    at.date_input(key="save_date").set_value(day)
    at.text_input(key="save_tags").set_value(tags)
    next(b for b in at.button if b.label == "Speichern").click().run()
    assert not at.exception and not at.error


def _store(home) -> Store:
    return Store(home=home)


def test_save_a_new_patient_from_the_analyse_page_in_one_step(at, home):
    at.button(key="analyse_btn").click().run()
    assert not at.exception
    _save(at, new_name="P-01", day=dt.date(2026, 9, 1), tags="vor Umstellung")
    # user text is escaped before it reaches markdown ("P\-01" is shown as P-01)
    assert f"Gespeichert für {md_text('P-01')}: Sitzung vom 01.09.2026" in at.success[-1].value
    s = _store(home)
    (p,) = s.patients()
    (rec,) = s.sessions(p.id)
    assert p.pseudonym == "P-01" and rec.recorded_on == dt.date(2026, 9, 1) and rec.tags == ["vor Umstellung"]
    assert rec.video_sha256 == _sha(SAMPLE) and s.video_path(rec.video_sha256, ".mp4").read_bytes() == SAMPLE.read_bytes()
    shown = at.session_state["analyses"]["synthetic_treadmill_right.mp4"].analysis.result
    assert rec.analysis["metrics"]["cadence_spm"] == json.loads(json.dumps(shown["metrics"]["cadence_spm"]))
    # a second click on the same analysis does not add a second session
    next(b for b in at.button if b.label == "Speichern").click().run()
    assert len(s.sessions(p.id)) == 1 and f"bereits für {md_text('P-01')} gespeichert" in at.info[-1].value
    s.close()


def test_two_more_sessions_one_an_upload_of_a_stored_clip(at, home):
    at.selectbox(key="sample_choice").set_value(AFTER.name).run()
    at.button(key="analyse_btn").click().run()
    pid = _store(home).patients()[0].id
    _save(at, patient=pid, day=dt.date(2026, 10, 1), tags="nach Umstellung")
    at.radio(key="source_kind").set_value("upload").run()
    at.get("file_uploader")[0].upload("handy_lauf.mp4", SAMPLE.read_bytes(), "video/mp4")
    at.run()
    at.button(key="analyse_btn").click().run()
    assert not at.exception and not at.error
    _save(at, patient=pid, day=dt.date(2026, 11, 1))
    s = _store(home)
    recs = s.sessions(pid)
    assert [r.recorded_on.month for r in recs] == [9, 10, 11]
    assert recs[2].video_name == "handy_lauf.mp4" and recs[2].video_sha256 == recs[0].video_sha256
    stored = sorted(f.name for f in (home / "videos").iterdir())
    assert stored == sorted([_sha(SAMPLE) + ".mp4", _sha(AFTER) + ".mp4"]), "the same clip is stored once"
    s.close()


def test_patient_list_search_history_and_progress_charts(at, home):
    at.sidebar.radio(key="page").set_value("patients").run()
    assert not at.exception and not at.error
    listing = at.dataframe[0].value
    assert list(listing["Patient"]) == ["P-01"] and list(listing["Sitzungen"]) == [3]
    assert list(listing["Letzte Sitzung"]) == ["01.11.2026"]
    history = at.dataframe[1].value
    assert list(history["Datum"]) == ["01.09.2026", "01.10.2026", "01.11.2026"]
    assert list(history["Stichworte"]) == ["vor Umstellung", "nach Umstellung", ""]

    recs = _store(home).sessions(_store(home).patients()[0].id)
    cad = [r.analysis["metrics"]["cadence_spm"]["value"] for r in recs]
    figs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    by_title = {f["layout"]["title"]["text"]: f for f in figs}
    fig = by_title["Schrittfrequenz (Schritte/min)"]
    assert fig["data"][0]["y"] == cad and fig["data"][0]["x"] == ["01.09.2026", "01.10.2026", "01.11.2026"]
    bands = fig["layout"]["shapes"]
    normal = [s for s in bands if s["y0"] == 160 and s["y1"] == 185]
    noise = [s for s in bands if abs(s["y0"] - (cad[0] - 0.02 * cad[0])) < 1e-6]
    assert normal and noise, "normal band (160–185) and baseline ± 2 % noise floor are drawn"
    hover = fig["data"][0]["hovertext"]
    assert "echte Veränderung" in hover[1] and "keine echte Veränderung" in hover[2]  # +10.6 then back to baseline
    measured = {n for n, m in recs[0].analysis["metrics"].items() if m["value"] is not None}
    assert len(figs) == len(measured), "one progress chart per measured metric"

    at.text_input(key="patient_search").set_value("zz").run()
    assert "Kein Patient passt zu „zz“" in at.info[0].value
    at.text_input(key="patient_search").set_value("p-0").run()
    assert list(at.dataframe[0].value["Patient"]) == ["P-01"]


def test_adding_a_patient_twice_is_refused_in_plain_words(at, home):
    at.text_input(key="new_pseudonym").set_value("P-01")
    next(b for b in at.button if b.label == "Anlegen").click().run()
    assert not at.exception
    assert "Diesen Patienten gibt es schon" in at.error[0].value and "Traceback" not in at.error[0].value
    assert len(_store(home).patients()) == 1


def test_compare_with_previous_session(at):
    at.button(key="cmp_prev_btn").click().run()
    assert not at.exception and not at.error
    assert at.sidebar.radio(key="page").value == "compare"
    assert at.selectbox(key="cmp_a_select").value.endswith("01.10.2026 · #2")
    assert at.selectbox(key="cmp_b_select").value.endswith("01.11.2026 · #3")
    row = at.dataframe[0].value.set_index("Messwert").loc["Schrittfrequenz"]
    assert row["Differenz"].startswith("−") and "," in row["Differenz"] and row["Bewertung"] == "echte Veränderung"
    assert any("Messwerte wie gespeichert" in c.value for c in at.caption)
    assert len(at.get("video")) == 1  # side-by-side of the two stored clips


def test_compare_any_two_sessions(at):
    at.sidebar.radio(key="page").set_value("patients").run()
    at.selectbox(key="cmp_any_a").set_value(1)
    at.selectbox(key="cmp_any_b").set_value(3)
    at.button(key="cmp_any_btn").click().run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value.set_index("Messwert")
    # the same clip analysed by the same engine: every difference is zero
    assert set(table["Differenz"]) <= {"+0,0", "−0,0", ""}
    assert "echte Veränderung" not in set(table["Bewertung"])


def test_export_is_one_zip_that_imports_back(at, home, tmp_path):
    at.sidebar.radio(key="page").set_value("patients").run()
    at.button(key="export_btn").click().run()
    assert not at.exception
    (dl,) = [d for d in at.get("download_button") if d.proto.label == "Export herunterladen"]
    data = at.session_state[f"export-{_store(home).patients()[0].id}"]
    names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    reports = {n for n in names if n.startswith("reports/")}
    assert {"patient.json", "sessions.json", "sessions.csv", f"videos/{_sha(SAMPLE)}.mp4",
            f"videos/{_sha(AFTER)}.mp4"} == names - reports
    # the reports: one per session, the last two compared, the progress (in the page's language)
    assert "reports/progress.pdf" in reports and sum(n.startswith("reports/session_") for n in reports) == 3
    assert sum(n.startswith("reports/comparison_") for n in reports) == 1
    assert not list(home.rglob("*.zip")), "the export is not left in the data folder"
    other = Store(f"sqlite:///{tmp_path / 'other.db'}", home=tmp_path / "other")
    (tmp_path / "x.zip").write_bytes(data)
    p = other.import_patient(tmp_path / "x.zip")
    assert [r.analysis for r in other.sessions(p.id)] == [r.analysis for r in _store(home).sessions(
        _store(home).patients()[0].id)]
    other.close()


def test_erasure_from_the_patients_page_leaves_no_trace(at, home):
    shas = [_sha(SAMPLE)[:16], _sha(AFTER)[:16]]
    before = [f for f in home.rglob("*") if f.is_file() and any(s in f.name for s in shas)]
    assert len(before) >= 4, "videos, pose cache, upload and drawings existed"
    assert at.button(key="delete_btn").disabled
    at.checkbox(key=f"confirm-del-{_store(home).patients()[0].id}").check().run()
    at.button(key="delete_btn").click().run()
    assert not at.exception and not at.error
    assert f"{md_text('P-01')} ist gelöscht" in at.success[0].value
    assert _store(home).patients() == []
    left = [str(f.relative_to(home)) for f in home.rglob("*") if f.is_file() and any(s in f.name for s in shas)]
    assert left == []
    assert list((home / "videos").iterdir()) == []
    full = [_sha(SAMPLE).encode(), _sha(AFTER).encode(), b"P-01", b"handy_lauf"]
    for f in (f for f in home.rglob("*") if f.is_file()):  # database, its log, caches: no content left either
        raw = f.read_bytes()
        assert not [x for x in full if x in raw], f"{f.relative_to(home)} still holds the erased patient"
    assert not any(label.startswith("P-01") for label in at.session_state["analyses"])


def test_a_damaged_database_gives_a_message_not_a_traceback(tmp_path, monkeypatch, model_path):
    (tmp_path / "formcheck.db").write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("FORMCHECK_HOME", str(tmp_path))
    app = AppTest.from_file(APP, default_timeout=600)
    app.run()
    app.sidebar.radio(key="page").set_value("patients").run()
    assert not app.exception
    (err,) = app.error
    assert "Die Patientendatenbank ist nicht nutzbar" in err.value and md_text("formcheck.db") in err.value
    assert "Stelle sie aus der Sicherung wieder her" in err.value and "Traceback" not in err.value


BEACON = "![n](http://127.0.0.1:9/x.png)"


def test_pseudonym_and_notes_are_shown_as_typed_never_as_markdown(tmp_path, monkeypatch, model_path):
    """A note with markdown image syntax would make every browser that opens the page fetch that URL."""
    monkeypatch.setenv("FORMCHECK_HOME", str(tmp_path))
    st_ = Store()
    st_.add_patient(f"*P*_{BEACON}", notes=f"see {BEACON} :red[x]")
    st_.close()
    app = AppTest.from_file(APP, default_timeout=600)
    app.run()
    app.sidebar.radio(key="page").set_value("patients").run()
    assert not app.exception
    shown = [h.value for h in app.subheader] + [c.value for c in app.caption]
    assert md_text(f"*P*_{BEACON}") in shown
    assert any(md_text(f"see {BEACON} :red[x]") in c for c in shown)
    # nothing of the user's text reaches markdown unescaped
    for text in shown:
        assert "![" not in text and "](" not in text and ":red[" not in text


def test_md_text_escapes_every_markdown_and_html_character():
    assert md_text("a_b *c* [l](u) <img src=x> # h") == r"a\_b \*c\* \[l\]\(u\) \<img src\=x\> \# h"
    assert md_text("line one\nline two") == "line one line two"
    assert md_text("Müller 12") == "Müller 12"


def test_error_details_quoting_user_text_are_markdown_safe_and_export_names_are_plain():
    from formcheck.i18n import ERRORS
    from formcheck.ui.messages import error_message
    from formcheck.ui.actions import export_file_name
    from formcheck.store import StoreError

    exc = StoreError(f"a patient called '![n]({BEACON})' exists already; choose another pseudonym", "patient_exists")
    shown = error_message(exc, "en")  # the English page shows the specific reason below the plain text
    assert md_text(str(exc)) in shown and "![n](" not in shown
    # a German page: the German text alone, never the English reason (it goes to the log)
    assert error_message(exc, "de") == ERRORS["patient_exists"]["de"]
    from formcheck.errors import WriteError
    write = WriteError(f"writing /data/x_{BEACON}*.pdf failed (disk full)", "disk_full", f"/data/x_{BEACON}*.pdf")
    assert error_message(write, "de") == f"{ERRORS['disk_full']['de']}  \n*{md_text(write.subject)}*"
    assert export_file_name("M.K.") == "formcheck-M.K.zip"
    assert export_file_name("../../etc/passwd") == "formcheck-etc_passwd.zip"
    assert export_file_name("Jürgen Ä") == "formcheck-Jürgen_Ä.zip"
    assert export_file_name("\n\t") == "formcheck-patient.zip"


def test_an_export_with_a_missing_video_is_a_message_not_a_crash(tmp_path, monkeypatch, model_path):
    """A session whose stored video is gone: the export button says so in the page language, no zip is offered."""
    monkeypatch.setenv("FORMCHECK_HOME", str(tmp_path))
    st_ = Store()
    p = st_.add_patient("P-02")
    rec = st_.save_session(p.id, SAMPLE, full_result(**{"formcheck_version": "0.1.0", "metrics.cadence_spm.value": 172.0}),
                           recorded_on=dt.date(2026, 11, 1))
    st_.video_path(rec.video_sha256, rec.video_ext).unlink()
    st_.close()
    app = AppTest.from_file(APP, default_timeout=600)
    app.run()
    app.sidebar.radio(key="page").set_value("patients").run()
    assert not app.exception and not app.error
    app.button(key="export_btn").click().run()
    assert not app.exception
    (err,) = app.error
    assert "Ein gespeichertes Video dieses Patienten fehlt im Datenordner" in err.value
    assert "Traceback" not in err.value
    assert f"export-{p.id}" not in app.session_state and not app.get("download_button")
    assert not list(tmp_path.rglob("*.zip")) and not list(tmp_path.rglob("*.part"))


def test_a_database_that_fails_in_an_unforeseen_way_is_one_german_sentence(tmp_path, monkeypatch, model_path):
    """Not a StoreError (a driver's own exception, say): the page names the database without its password
    and says what to check, in German; the exception's English text goes to the log only."""
    from formcheck.ui import access

    def broken(url, home):
        raise RuntimeError("SSL SYSCALL error: EOF detected")

    monkeypatch.setenv("FORMCHECK_HOME", str(tmp_path))
    monkeypatch.setenv("FORMCHECK_DATABASE_URL", "postgresql+psycopg://alice:s3cret@db.praxis.local/formcheck")
    monkeypatch.setattr(access, "_cached_store", broken)
    app = AppTest.from_file(APP, default_timeout=600)
    app.run()
    app.sidebar.radio(key="page").set_value("patients").run()
    assert not app.exception
    (err,) = app.error
    assert "Die Patientendatenbank ist nicht nutzbar" in err.value and "Läuft der Datenbankserver" in err.value
    assert md_text("alice:***@db.praxis.local") in err.value and "s3cret" not in err.value
    assert "RuntimeError" not in err.value and "SSL SYSCALL" not in err.value
