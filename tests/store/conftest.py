"""Database fixtures: a fresh SQLite file, and a real PostgreSQL server on loopback.

The PostgreSQL server (Debian package ``postgresql``, installed by ``make test``
when missing) is started once per test run in a temporary directory, with
trust authentication on 127.0.0.1 only, and stopped afterwards; each test gets
its own database in it.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest


def _pg_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server():
    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (Debian package postgresql; `make test` installs it)")
    root = Path(tempfile.mkdtemp(prefix="formcheck-pg-", dir="/tmp"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        shutil.chown(root, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", _free_port()

    def run(*cmd):
        subprocess.run([*as_user, *cmd], check=True, capture_output=True, text=True)

    run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "formcheck", "--no-sync", "-E", "UTF8")
    run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "start", "-o",
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off")
    try:
        yield f"postgresql+psycopg://formcheck@127.0.0.1:{port}"
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def new_pg_database(server: str) -> str:
    from sqlalchemy import create_engine, text

    name = "t_" + uuid.uuid4().hex[:12]
    eng = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    eng.dispose()
    return f"{server}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A URL to an empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'formcheck.db'}"
    return new_pg_database(request.getfixturevalue("postgres_server"))


@pytest.fixture
def store(db_url, tmp_path):
    from formcheck.store import Store

    st = Store(db_url, home=tmp_path / "home")
    yield st
    st.close()
