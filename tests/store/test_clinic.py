"""Clinic server mode on both databases: accounts, Argon2id hashes, logins that lock and expire, roles, audit log."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from formcheck.store import clinic
from formcheck.store import Store, StoreError
from tests.golden import full_result

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "korrekt-pferd-batterie"
T0 = dt.datetime(2026, 12, 2, 8, 0, 0)


def test_an_account_keeps_an_argon2id_hash_never_the_password(store):
    acc = clinic.add_account(store, "anna", PASSWORD, "admin")
    assert acc.role == "admin" and acc.active
    assert acc.password_hash.startswith("$argon2id$") and PASSWORD not in acc.password_hash
    with store.engine.connect() as c:
        dump = "\n".join(str(row) for row in c.exec_driver_sql("select * from account"))
    assert PASSWORD not in dump


def test_login_with_the_right_password_and_refusals_that_name_no_detail(store):
    clinic.add_account(store, "anna", PASSWORD, "therapist")
    who = clinic.login(store, "anna", PASSWORD, now=T0)
    assert (who.username, who.role) == ("anna", "therapist")
    for name, pw in (("anna", "falsch-falsch-falsch"), ("niemand", PASSWORD), ("", ""), ("x" * 500, PASSWORD)):
        with pytest.raises(clinic.LoginError) as err:
            clinic.login(store, name, pw, now=T0)
        assert err.value.code == "login_wrong"  # an unknown name reads exactly like a wrong password
        assert str(err.value) == "the name or the password is wrong; try again"


def test_five_failures_lock_the_name_for_fifteen_minutes_even_with_the_right_password(store):
    clinic.add_account(store, "anna", PASSWORD)
    for i in range(clinic.MAX_FAILED_LOGINS):
        with pytest.raises(clinic.LoginError):
            clinic.login(store, "anna", "geraten-geraten", now=T0 + dt.timedelta(seconds=i))
    with pytest.raises(clinic.LoginError) as err:
        clinic.login(store, "anna", PASSWORD, now=T0 + dt.timedelta(minutes=1))
    assert err.value.code == "login_locked"
    later = T0 + dt.timedelta(seconds=clinic.LOCKOUT_S + 120)
    assert clinic.login(store, "anna", PASSWORD, now=later).username == "anna"


def test_a_disabled_account_cannot_log_in_and_a_new_password_replaces_the_old(store):
    clinic.add_account(store, "bob", PASSWORD)
    clinic.change_account(store, "bob", active=False)
    with pytest.raises(clinic.LoginError) as err:
        clinic.login(store, "bob", PASSWORD, now=T0)
    assert err.value.code == "login_disabled"
    clinic.change_account(store, "bob", active=True, password="ein-ganz-neues-passwort")
    with pytest.raises(clinic.LoginError):
        clinic.login(store, "bob", PASSWORD, now=T0)
    assert clinic.login(store, "bob", "ein-ganz-neues-passwort", now=T0).username == "bob"


@pytest.mark.parametrize("name, password, role, code", [
    ("anna", "kurz", "therapist", "weak_password"),
    ("an na", PASSWORD, "therapist", "bad_username"),
    ("anna\n", PASSWORD, "therapist", "bad_username"),
    ("anna", PASSWORD, "chef", "bad_role"),
])
def test_bad_accounts_are_refused_with_a_code(store, name, password, role, code):
    with pytest.raises(StoreError) as err:
        clinic.add_account(store, name, password, role)
    assert err.value.code == code
    assert clinic.accounts(store) == []


def test_the_same_name_twice_is_refused(store):
    clinic.add_account(store, "anna", PASSWORD)
    with pytest.raises(StoreError) as err:
        clinic.add_account(store, "anna", PASSWORD)
    assert err.value.code == "account_exists"


def test_a_login_expires_after_idling_and_after_a_working_day(monkeypatch):
    who = clinic.Login("anna", "therapist", T0, T0)
    assert not who.expired(T0 + dt.timedelta(minutes=29))
    assert who.expired(T0 + dt.timedelta(minutes=31))
    who.touch(T0 + dt.timedelta(minutes=25))
    assert not who.expired(T0 + dt.timedelta(minutes=50))
    for h in range(1, 12):  # a click every 20 minutes keeps it for one working day, not longer
        who.touch(T0 + dt.timedelta(hours=h))
    assert who.expired(T0 + dt.timedelta(hours=12, minutes=1))
    monkeypatch.setenv("FORMCHECK_IDLE_MINUTES", "5")
    assert clinic.Login("x", "admin", T0, T0).expired(T0 + dt.timedelta(minutes=6))


def test_roles_therapists_work_with_patients_admins_also_erase_and_read_the_log():
    therapist, admin = clinic.Login("t", "therapist", T0, T0), clinic.Login("a", "admin", T0, T0)
    for action in ("open", "analyse", "save", "export", "compare"):
        assert therapist.may(action) and admin.may(action)
    for action in ("erase", "audit", "accounts"):
        assert admin.may(action) and not therapist.may(action)
    assert not clinic.Login("m", "mallory", T0, T0).may("open")


def test_the_audit_log_names_patients_by_id_and_outlives_their_erasure(store, tmp_path):
    clinic.add_account(store, "anna", PASSWORD, "admin")
    p = store.add_patient("Zebrafink-Erika")
    clip = tmp_path / "c.mp4"
    clip.write_bytes(os.urandom(2048))
    rec = store.save_session(p.id, clip, full_result())
    clinic.record(store, "anna", "open", patient_id=p.id)
    clinic.record(store, "anna", "export", patient_id=p.id)
    clinic.record(store, "anna", "erase_patient", patient_id=p.id, session_id=rec.id)
    store.delete_patient(p.id)
    log = clinic.audit_log(store, patient_id=p.id)
    assert [e.action for e in log] == ["erase_patient", "export", "open"]
    assert all(e.username == "anna" and e.patient_id == p.id for e in log)
    with store.engine.connect() as c:
        dump = "\n".join(str(row) for row in c.exec_driver_sql("select * from audit"))
    assert "Zebrafink" not in dump
    with pytest.raises(ValueError):
        clinic.record(store, "anna", "peek")


def test_clinic_mode_is_an_explicit_setting(monkeypatch):
    monkeypatch.delenv("FORMCHECK_CLINIC", raising=False)
    assert not clinic.clinic_mode()
    for value in ("1", "true", "YES", "on"):
        monkeypatch.setenv("FORMCHECK_CLINIC", value)
        assert clinic.clinic_mode()
    monkeypatch.setenv("FORMCHECK_CLINIC", "0")
    assert not clinic.clinic_mode()


def test_the_command_line_manages_accounts_and_logs_its_exports(tmp_path):
    home = tmp_path / "home"
    env = {**os.environ, "FORMCHECK_HOME": str(home), "PYTHONPATH": str(ROOT / "src"), "FORMCHECK_CLINIC": "1"}
    env.pop("FORMCHECK_DATABASE_URL", None)

    def cli(*args, stdin=""):
        return subprocess.run([sys.executable, "-m", "formcheck", *args], input=stdin, env=env,
                              capture_output=True, text=True, timeout=120)

    assert cli("accounts", "add", "anna", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n").returncode == 0
    short = cli("accounts", "add", "bob", "--password-stdin", stdin="kurz\n")
    assert short.returncode == 6 and "at least 12 characters" in short.stderr and "Traceback" not in short.stderr
    assert cli("accounts", "disable", "anna").returncode == 0
    assert cli("accounts", "list").stdout.split("\t")[:3] == ["anna", "admin", "disabled"]
    assert cli("patients", "add", "M.K.").stdout.strip() == "1"
    assert cli("patients", "export", "1", str(tmp_path / "mk.zip")).returncode == 0
    log = cli("audit", "--patient", "1").stdout.splitlines()
    assert len(log) == 1 and log[0].split("\t")[2:4] == ["export", "1"]
    st = Store(home=home)
    with pytest.raises(clinic.LoginError):
        clinic.login(st, "anna", PASSWORD)
    st.close()
