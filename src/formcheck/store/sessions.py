"""Patients and sessions on a real database (SQLAlchemy 2, Alembic migrations).

SQLite in the data folder by default (``FORMCHECK_HOME/formcheck.db``);
``FORMCHECK_DATABASE_URL`` selects another database, e.g. PostgreSQL on a
clinic server (``postgresql+psycopg://user@host/formcheck``). Videos are kept
content-addressed next to the database (``FORMCHECK_HOME/videos/<sha256>.<ext>``):
the same clip saved twice is stored once.

Integrity
---------
- A save is one transaction; the video is written to a temporary file in
  ``FORMCHECK_HOME/tmp/`` (:mod:`formcheck.tempfiles`) and renamed into place
  inside the transaction, and removed again if it fails, so an interrupted save
  leaves neither a half session nor an orphan file; what a killed process left
  in ``tmp/`` is removed when the next Store opens and after every erasure.
- Every change to the video files (placing one with its session, checking a
  video's users and deleting it) happens in a transaction that first updates
  the one row of ``video_guard``: SQLite admits one writer at a time and
  PostgreSQL holds the row lock until commit, so a save for one patient and an
  erasure of another who shares the clip are serialised and neither loses it.
- An erasure on SQLite is only reported done when the erased rows have left
  both the database file and its write-ahead log; while another program holds
  an older snapshot open, it says so instead (``erase_pending``).
- Analyses are only ever added: re-analysing a clip with a newer engine adds a
  session row beside the old one.
- Deleting a patient removes the rows, the stored videos no other patient
  uses, and every cached file derived from those videos (pose series,
  annotated and comparison videos, uploads), all named by the video's hash.
- File names are only ever built from a validated hash and a fixed video
  suffix (:meth:`Store.video_path`), and every write, delete and export read
  checks that the path stays inside the data folder; erasure removes exact
  names, never patterns.
- An import checks the whole zip before it writes anything (member names and
  sizes, every JSON field, each video's SHA-256 against its bytes) and leaves
  nothing behind when it is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import json
import os
import re
import tempfile
import time
import unicodedata
import zipfile
import zlib
from pathlib import Path

from sqlalchemy import (JSON, Date, DateTime, Float, ForeignKey, Integer, String, Text, create_engine, event,
                        func, inspect, select, update)
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, sessionmaker

from formcheck import config, contract, tempfiles
from formcheck.errors import FormcheckError, StoreError, write_error
from formcheck.io.video import MAX_FILE_BYTES, VIDEO_SUFFIXES

#: Largest ``patient.json``, ``sessions.json`` or ``sessions.csv`` an import reads (bytes, unpacked).
MAX_JSON_BYTES = 20 * 1024**2

#: Largest video an import or a save copies in (the analysis limit, :data:`formcheck.io.video.MAX_FILE_BYTES`).
MAX_VIDEO_BYTES = MAX_FILE_BYTES

#: How long an erasure on SQLite waits for other readers to let its checkpoint through (seconds).
ERASE_WAIT_S = 10.0

#: Largest total an import unpacks, all members together (bytes).
MAX_IMPORT_BYTES = 20 * 1024**3

#: Longest pseudonym (the width of its column).
MAX_PSEUDONYM_CHARS = 80

#: Longest note on a patient or a session (characters).
MAX_NOTES_CHARS = 100_000

#: Longest tag (characters), and the most tags one session can have.
MAX_TAG_CHARS = 200
MAX_TAGS = 100

#: Camera planes a session can be filmed in (:mod:`formcheck.engine.view`).
VIEWS = ("sagittal", "frontal")

#: Short text fields of an exported session and their longest length (the widths of their columns).
SESSION_TEXTS = {"video_name": 255, "formcheck_version": 32, "model_sha256": 64}

#: Accepted ranges of the patient's numbers in an import (inclusive; ``None`` is always accepted).
PATIENT_RANGES = {"birth_year": (1900, 2100), "height_cm": (0, 300), "leg_length_cm": (0, 200),
                  "speed_mps": (2.0 / 3.6, 25.0 / 3.6)}

#: Accepted treadmill speeds of a session (m/s; formcheck.engine.speed.SPEED_RANGE_KMH).
SPEED_RANGE_MPS = (2.0 / 3.6, 25.0 / 3.6)

#: Accepted range of a session's camera frame rate in an import (frames per second).
CAPTURE_FPS_RANGE = (1, 10_000)

#: Members of an export besides its videos (``videos/<sha256><suffix>``); the CSV is only read by people.
ARCHIVE_TEXTS = ("patient.json", "sessions.json", "sessions.csv")

#: PDF reports an export may hold beside the data (``reports/<name>.pdf``); an import skips them.
REPORT_MEMBER = re.compile(r"reports/[A-Za-z0-9._-]{1,120}\.pdf")

#: What reading a damaged zip member can raise (bad CRC or header, broken deflate data, unknown method, encryption).
ZIP_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)

_SHA256 = re.compile(r"[0-9a-f]{64}")
_HEX16 = re.compile(r"[0-9a-f]{16}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_VIDEO_MEMBER = re.compile(r"videos/([0-9a-f]{64})(\.[a-z0-9]{1,7})")


class _VideoGone(Exception):
    """Inside a save: the stored copy of the clip was erased after it was checked (the save retries)."""


class Base(DeclarativeBase):
    pass


class Patient(Base):
    __tablename__ = "patient"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    birth_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height_cm: Mapped[float | None] = mapped_column(Float, nullable=True)
    leg_length_cm: Mapped[float | None] = mapped_column(Float, nullable=True)
    speed_mps: Mapped[float | None] = mapped_column(Float, nullable=True)  # last treadmill speed (migration 0005)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    sessions: Mapped[list["Recording"]] = relationship(back_populates="patient", cascade="all, delete-orphan",
                                                       order_by="Recording.recorded_on")


class VideoGuard(Base):
    """The one row (``id = 1``) whose update serialises changes to the video files (migration 0002)."""

    __tablename__ = "video_guard"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    changes: Mapped[int] = mapped_column(Integer, default=0)


class Recording(Base):
    """One analysed clip of a patient (a therapy "session")."""

    __tablename__ = "session"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"), index=True)
    recorded_on: Mapped[dt.date] = mapped_column(Date)
    view: Mapped[str] = mapped_column(String(16))
    video_sha256: Mapped[str] = mapped_column(String(64), index=True)
    video_ext: Mapped[str] = mapped_column(String(8))
    video_name: Mapped[str] = mapped_column(String(255), default="")
    capture_fps: Mapped[float | None] = mapped_column(Float, nullable=True)
    speed_mps: Mapped[float | None] = mapped_column(Float, nullable=True)  # treadmill speed (migration 0005)
    analysis: Mapped[dict] = mapped_column(JSON)
    formcheck_version: Mapped[str] = mapped_column(String(32))
    model_sha256: Mapped[str] = mapped_column(String(64))
    notes: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    patient: Mapped[Patient] = relationship(back_populates="sessions")

    @property
    def result(self) -> dict:
        """The stored analysis brought up to the current contract (:func:`formcheck.contract.upgrade`)."""
        return contract.upgrade(self.analysis)


def database_url(home: Path | None = None) -> str:
    """``FORMCHECK_DATABASE_URL`` or a SQLite file in the data folder."""
    env = os.environ.get("FORMCHECK_DATABASE_URL")
    if env:
        return env
    home = home or config.home()
    home.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{home / 'formcheck.db'}"


def migrate(engine) -> None:
    """Bring the schema to the newest Alembic revision (from empty, or from an older one)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


class Store:
    """The patient database and its video folder.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL (default :func:`database_url`).
    home : Path, optional
        Data folder for videos and caches (default ``FORMCHECK_HOME``).
    """

    def __init__(self, url: str | None = None, home: Path | None = None):
        self.home = Path(home) if home else config.home()
        try:
            self.url = url or database_url(self.home)
            self.videos = self.home / "videos"
            self.videos.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _os_failure(exc, self.home) from None
        sqlite = self.url.startswith("sqlite")
        self.engine = create_engine(self.url, future=True,
                                    connect_args={"timeout": 30} if sqlite else {})
        if sqlite:
            @event.listens_for(self.engine, "connect")
            def _pragmas(dbapi_conn, _):  # foreign keys and concurrent writers (two tabs, two processes)
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute("PRAGMA secure_delete=ON")  # erased rows are overwritten, not left in free pages
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA busy_timeout=30000")
                cur.close()
        try:
            tables = set(inspect(self.engine).get_table_names())
            if tables and "alembic_version" not in tables:
                raise StoreError(f"{self._where()} holds another program's tables, not a formcheck database; "
                                 "point FORMCHECK_DATABASE_URL or FORMCHECK_HOME elsewhere", "store_unusable",
                                 subject=self._where() if sqlite else None)
            migrate(self.engine)
            if sqlite:
                self._flush_erased(wait=False)  # finish an erasure a reader held up last time
        except StoreError:
            raise
        except (DatabaseError, OperationalError) as exc:
            failure = database_failure(exc, self._where(), self.home)
            if failure.code == "store":
                failure = StoreError(f"{self._where()} cannot be used as a database ({_reason(exc.orig)}); "
                                     "restore it from a backup or point FORMCHECK_HOME elsewhere", "store_unusable",
                                     subject=self._where() if sqlite else None)
            raise failure from None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        try:
            tempfiles.sweep(self.home)
        except OSError as exc:
            raise _os_failure(exc, self.home) from None

    def _where(self) -> str:
        return self.url.replace("sqlite:///", "") if self.url.startswith("sqlite") else "the database"

    def close(self) -> None:
        self.engine.dispose()

    def transaction(self):
        """A write transaction on this database (``with store.transaction() as s:``), for :mod:`formcheck.store.clinic`."""
        return self._sessions.begin()

    # ------------------------------------------------------------ patients
    def add_patient(self, pseudonym: str, *, birth_year: int | None = None, height_cm: float | None = None,
                    leg_length_cm: float | None = None, notes: str = "") -> Patient:
        pseudonym = pseudonym.strip()
        if not pseudonym:
            raise StoreError("a patient needs a pseudonym or initials")
        try:
            pseudonym = check_pseudonym(pseudonym)
        except ValueError as exc:
            raise StoreError(f"{exc}; use initials or a short pseudonym on one line", "bad_pseudonym") from None
        with self._sessions.begin() as s:
            p = Patient(pseudonym=pseudonym, birth_year=birth_year, height_cm=height_cm,
                        leg_length_cm=leg_length_cm, notes=notes)
            s.add(p)
            try:
                s.flush()
            except IntegrityError:
                raise StoreError(f"a patient called {pseudonym!r} exists already; choose another pseudonym",
                                 "patient_exists") from None
        return p

    def patient_speed(self, patient_id: int) -> float | None:
        """The treadmill speed (m/s) last used for the patient, or None."""
        return self.patient(patient_id).speed_mps

    def set_patient_speed(self, patient_id: int, speed_mps: float | None) -> None:
        """Remember a treadmill speed (m/s) for the patient; None forgets it."""
        if speed_mps is not None:
            lo, hi = SPEED_RANGE_MPS
            if not lo <= float(speed_mps) <= hi:
                raise StoreError(f"a treadmill speed of {speed_mps:g} m/s is outside {lo * 3.6:g}–{hi * 3.6:g} km/h",
                                 "speed_range")
        with self._sessions.begin() as s:
            self._get(s, Patient, patient_id).speed_mps = None if speed_mps is None else float(speed_mps)

    def patients(self, search: str = "") -> list[Patient]:
        with self._sessions() as s:
            q = select(Patient).order_by(Patient.pseudonym)
            if search:
                q = q.where(_matches(search))
            return list(s.scalars(q))

    def patient_overview(self, search: str = "") -> list[dict]:
        """Patients matching ``search`` with their number of sessions and last session date (one query)."""
        with self._sessions() as s:
            q = (select(Patient.id, Patient.pseudonym, Patient.birth_year, func.count(Recording.id),
                        func.max(Recording.recorded_on))
                 .outerjoin(Recording, Recording.patient_id == Patient.id)
                 .group_by(Patient.id, Patient.pseudonym, Patient.birth_year).order_by(Patient.pseudonym))
            if search:
                q = q.where(_matches(search))
            return [{"id": i, "pseudonym": ps, "birth_year": by, "n_sessions": n, "last_session": last}
                    for i, ps, by, n, last in s.execute(q)]

    @staticmethod
    def _get(s, model, row_id: int):
        """Row ``row_id`` of ``model`` in session ``s``, or a StoreError naming what is missing."""
        row = s.get(model, row_id)
        if row is None:
            raise StoreError(f"there is no {model.__tablename__} with id {row_id}")
        return row

    def patient(self, patient_id: int) -> Patient:
        with self._sessions() as s:
            return self._get(s, Patient, patient_id)

    # ------------------------------------------------------------ sessions
    def video_path(self, sha256: str, ext: str) -> Path:
        """The stored file of a video, ``videos/<sha256><ext>``: the only place such a path is built.

        Raises
        ------
        StoreError
            ``bad_reference`` unless ``sha256`` is 64 lowercase hex digits and ``ext`` one of
            :data:`formcheck.io.video.VIDEO_SUFFIXES` (a pattern or a path, as an older import could
            have stored, never names a file); ``unsafe_path`` if the file links out of ``videos/``.
        """
        if not (is_sha256(sha256) and ext in VIDEO_SUFFIXES):
            raise StoreError(f"{repr(sha256)[:24]} / {repr(ext)[:24]} is not a valid video reference (a SHA-256 and "
                             "a video suffix); restore the database from a backup", "bad_reference")
        return _confined(self.videos / f"{sha256}{ext}", self.videos)

    def _stage(self, src, too_large: StoreError) -> tuple[tempfiles.TempFile, str]:
        """Stream ``src`` into a temporary file in ``tmp/``, hashing as it goes; (temporary file, sha256).

        More than :data:`MAX_VIDEO_BYTES` raises ``too_large``; nothing is kept on any failure.
        """
        tmp = tempfiles.TempFile(".part", self.home)
        h, n = hashlib.sha256(), 0
        try:
            with open(tmp.path, "wb") as fh:
                while block := src.read(1 << 20):
                    n += len(block)
                    if n > MAX_VIDEO_BYTES:
                        raise too_large
                    h.update(block)
                    fh.write(block)
        except BaseException:
            tmp.close()
            raise
        return tmp, h.hexdigest()

    @staticmethod
    def _guard(s) -> None:
        """Take the lock that serialises changes to the video files, until ``s`` commits (see module notes)."""
        s.execute(update(VideoGuard).where(VideoGuard.id == 1).values(changes=VideoGuard.changes + 1))

    def _place(self, tmp: tempfiles.TempFile | None, sha: str, ext: str) -> bool:
        """Rename a staged file to its stored name; False (and the staged file dropped) if that exists already.

        Call inside a transaction that holds :meth:`_guard`.
        """
        dest = self.video_path(sha, ext)
        if dest.exists():
            if tmp is not None:
                tmp.close()
            return False
        if tmp is None:
            raise _VideoGone(dest.name)
        tmp.commit(dest)
        return True

    def _stage_video(self, video: Path, *, force: bool = False) -> tuple[str, str, tempfiles.TempFile | None]:
        """Hash ``video`` and, unless it is stored already (or ``force``), copy it to ``tmp/``.

        Returns (sha256, ext, staged copy or None).
        """
        ext = video.suffix.lower() or ".mp4"
        if ext not in VIDEO_SUFFIXES:
            raise StoreError(f"{video.name} is not kept: formcheck stores {', '.join(VIDEO_SUFFIXES)} videos; "
                             "convert the clip to MP4 and save it again", "video_suffix")
        try:
            sha = _sha256(video)
            if not force and self.video_path(sha, ext).exists():
                return sha, ext, None
            src = open(video, "rb")
        except FileNotFoundError:
            raise StoreError(f"{video.name} was removed while the session was being saved (erased with another "
                             "patient?); open the clip again and save the session again", "clip_removed") from None
        too_large = StoreError(f"{video.name} is larger than {_human(MAX_VIDEO_BYTES)}; trim the clip and save it "
                               "again", "too_large")
        with src:
            tmp, got = self._stage(src, too_large)
        if got != sha:
            tmp.close()
            raise StoreError(f"{video.name} changed while it was being saved (checksum mismatch); it was not "
                             "stored — save the session again", "video_changed")
        return sha, ext, tmp

    def save_session(self, patient_id: int, video: str | Path, result: dict, *, recorded_on: dt.date | None = None,
                     notes: str = "", tags: list[str] | None = None, video_name: str | None = None) -> Recording:
        """Keep one analysis of ``video`` for a patient (one transaction; see the module notes).

        ``video_name`` is the name shown in the history (default: the file's name; the
        dashboard passes the name the clip was uploaded under). The treadmill speed of the
        result (``analysis.speed_mps``) is stored with the session and remembered for the
        patient (:meth:`patient_speed`).
        """
        video = Path(video)
        if not video.is_file():
            raise StoreError(f"{video} does not exist; the session was not saved")
        try:
            result = _analysis(result)
        except ValueError as exc:
            raise StoreError(f"this result cannot be saved: {exc}; analyse the clip again", "result_invalid") from None
        sha, ext, staged = self._stage_video(video)
        row = dict(patient_id=patient_id, recorded_on=recorded_on or dt.date.today(),
                   view=result.get("view", {}).get("plane", "sagittal"), video_sha256=sha, video_ext=ext,
                   video_name=video_name or video.name, capture_fps=result.get("video", {}).get("capture_fps"),
                   speed_mps=(result.get("analysis") or {}).get("speed_mps"), analysis=result, formcheck_version=result.get("formcheck_version", ""),
                   model_sha256=result.get("pose", {}).get("model_sha256", ""), notes=notes, tags=list(tags or []))
        try:
            try:
                return self._add_recording(row, staged)
            except _VideoGone:  # an erasure removed the stored copy meanwhile: copy the clip in after all
                sha, ext, staged = self._stage_video(video, force=True)
                return self._add_recording(row, staged)
        finally:
            if staged is not None:
                staged.close()

    def _add_recording(self, row: dict, staged: tempfiles.TempFile | None) -> Recording:
        """Place the video (unless stored) and insert its session, in one guarded transaction."""
        sha, ext, new = row["video_sha256"], row["video_ext"], False
        try:
            with self._sessions.begin() as s:
                self._guard(s)
                self._get(s, Patient, row["patient_id"])
                new = self._place(staged, sha, ext)
                rec = Recording(**row)
                s.add(rec)
                if row.get("speed_mps") is not None:
                    self._get(s, Patient, row["patient_id"]).speed_mps = row["speed_mps"]
            return rec
        except BaseException:
            if new:
                self._drop_unused([(sha, ext)])
            raise

    def sessions(self, patient_id: int) -> list[Recording]:
        with self._sessions() as s:
            return list(s.scalars(select(Recording).where(Recording.patient_id == patient_id)
                                  .order_by(Recording.recorded_on, Recording.id)))

    def session(self, session_id: int) -> Recording:
        with self._sessions() as s:
            return self._get(s, Recording, session_id)

    def _video_used(self, sha: str, s=None) -> bool:
        """Whether any session uses video ``sha`` (in transaction ``s`` if given)."""
        if s is None:
            with self._sessions() as s:
                return self._video_used(sha, s)
        return s.scalar(select(func.count()).select_from(Recording).where(Recording.video_sha256 == sha)) > 0

    def _erase_files(self, shas: set[str]) -> list[Path]:
        """Remove stored videos no session uses any more, and every cache file derived from them.

        Only exact names are removed: ``videos/<sha><suffix>`` for each known suffix, and cache files
        whose names :func:`_derived_from` matches. A stored hash that is not 64 hex digits (a pattern or
        a path an older import let in) names no file, so nothing is removed for it.
        """
        removed = []
        with self._sessions.begin() as s:
            self._guard(s)
            for sha in sorted(x for x in shas if is_sha256(x)):
                if self._video_used(sha, s):
                    continue
                for ext in VIDEO_SUFFIXES:
                    removed += _remove(self.video_path(sha, ext), self.videos)
                removed += self._erase_derived(sha)
        tempfiles.sweep(self.home)
        return removed

    def _erase_derived(self, sha: str) -> list[Path]:
        """Cache files made from video ``sha``, found by listing ``cache/<kind>/`` and comparing names."""
        cache = self.home / "cache"
        removed = []
        if not cache.is_dir():
            return removed
        for folder in sorted(f for f in cache.iterdir() if f.is_dir()):
            for f in sorted(folder.iterdir()):
                if _derived_from(f.name, sha) and f.is_file():
                    removed += _remove(f, cache)
        return removed

    def _flush_erased(self, *, wait: bool = True) -> bool:
        """SQLite: move the erasure from the write-ahead log into the file and empty the log.

        With ``secure_delete`` the freed pages are zeroed, so neither the database
        file nor its log keeps the erased rows. A checkpoint cannot pass a reader
        that still holds an older snapshot (another formcheck window or process);
        it is retried for up to :data:`ERASE_WAIT_S` (``wait``) and the result
        says whether it completed. (PostgreSQL reclaims deleted rows with its own
        VACUUM; they are invisible from the moment of the commit.)

        Returns
        -------
        bool
            True when nothing of an erasure is left in the file or the log.
        """
        if not self.url.startswith("sqlite"):
            return True
        deadline = time.monotonic() + (ERASE_WAIT_S if wait else 0.0)
        with self.engine.connect() as c:
            if not wait:
                c.exec_driver_sql("PRAGMA busy_timeout=0")
            while True:
                busy = c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()[0]
                if not busy or time.monotonic() >= deadline:
                    break
                time.sleep(0.2)
            if not wait:
                c.exec_driver_sql("PRAGMA busy_timeout=30000")
        return not busy

    def _erased(self, what: str) -> None:
        """Flush an erasure (:meth:`_flush_erased`); a StoreError ``erase_pending`` if a reader holds it up."""
        if not self._flush_erased():
            raise StoreError(f"{what} was erased, but another formcheck window or program still has the database "
                             f"{self._where()} open, so the erased text is still in its file; close the other "
                             "formcheck windows — formcheck removes it the next time it opens the database",
                             "erase_pending")

    def delete_session(self, session_id: int) -> list[Path]:
        with self._sessions.begin() as s:
            r = self._get(s, Recording, session_id)
            sha = r.video_sha256
            s.delete(r)
        removed = self._erase_files({sha})
        self._erased(f"session {session_id}")
        return removed

    def delete_patient(self, patient_id: int) -> list[Path]:
        """Erase a patient: rows, stored videos and derived cache files. Returns the files removed."""
        with self._sessions.begin() as s:
            p = self._get(s, Patient, patient_id)
            shas = {r.video_sha256 for r in p.sessions}
            s.delete(p)
        removed = self._erase_files(shas)
        self._erased(f"patient {patient_id}")
        return removed

    # ------------------------------------------------------------ export / import
    def export_patient(self, patient_id: int, out: str | Path, *, reports=None) -> Path:
        """One zip: ``patient.json``, ``sessions.json`` (with the analyses), ``sessions.csv``, ``videos/``.

        ``reports(patient, sessions)``, when given, returns ``{"reports/<name>.pdf": bytes}`` to add
        (e.g. :func:`formcheck.outputs.report.patient_reports`; the store does not make PDFs itself).
        Only files at :meth:`video_path` are read; a missing video or a row that names none is a
        StoreError before anything is written.
        """
        p = self.patient(patient_id)
        recs = self.sessions(patient_id)
        videos = self._export_videos(recs)
        pdfs = dict(reports(p, recs)) if reports is not None else {}
        bad = [name for name in pdfs if not REPORT_MEMBER.fullmatch(name)]
        if bad:
            raise ValueError(f"report names must look like reports/<name>.pdf, not {bad[0]!r}")
        out = Path(out)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
            os.close(fd)
        except OSError as exc:
            raise _unwritable(out, exc) from None
        try:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr("patient.json", json.dumps(_patient_dict(p), indent=2, ensure_ascii=False))
                z.writestr("sessions.json", json.dumps([_session_dict(r) for r in recs], indent=2, ensure_ascii=False))
                z.writestr("sessions.csv", _sessions_csv(recs))
                for name, data in sorted(pdfs.items()):
                    z.writestr(name, data)
                for path, name in videos:
                    z.write(path, name, compress_type=zipfile.ZIP_STORED)
            os.replace(tmp, out)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise _unwritable(out, exc) from None
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return out

    def _export_videos(self, recs: list[Recording]) -> list[tuple[Path, str]]:
        """(stored file, name in the zip) of each video the sessions use, all checked to exist."""
        videos = []
        for sha, ext in sorted({(r.video_sha256, r.video_ext) for r in recs}):
            path = self.video_path(sha, ext)
            if not path.is_file():
                raise StoreError(f"the stored video {path.name} of this patient is missing from {self.videos}; "
                                 "restore the data folder from a backup and export again", "video_missing")
            videos.append((path, f"videos/{path.name}"))
        return videos

    def import_patient(self, archive: str | Path) -> Patient:
        """Recreate a patient from :meth:`export_patient`'s zip (new ids, same content), or refuse it whole.

        Everything is checked before anything is written: member names and sizes, every field of
        ``patient.json`` and ``sessions.json``, that each session's video is in the zip and that its
        bytes have the SHA-256 the session names. On any failure no row, video or temporary file
        remains, and a :class:`StoreError` says what was wrong.
        """
        archive = Path(archive)
        with _open_archive(archive) as z:
            videos = _check_members(z, archive)
            patient = _in_member(archive, "patient.json", _patient_fields, _read_json(z, "patient.json", archive))
            sessions = _in_member(archive, "sessions.json", _sessions_fields, _read_json(z, "sessions.json", archive))
            _check_references(sessions, videos, archive)
            staged: list[tuple[tempfiles.TempFile, str, str]] = []
            try:
                for (sha, ext), info in videos.items():
                    staged.append((self._stage_member(z, info, sha, archive), sha, ext))
                return self._insert(patient, sessions, staged)
            except OSError as exc:
                raise StoreError(f"importing {archive.name} failed while reading it or writing to {self.videos} "
                                 f"({exc.strerror or exc}); free some disk space and import again", "import_io") from None
            finally:
                for tmp, _, _ in staged:
                    tmp.close()

    def _stage_member(self, z: zipfile.ZipFile, info: zipfile.ZipInfo, sha: str,
                      archive: Path) -> tempfiles.TempFile:
        """Unpack one video member to a temporary file, refusing it unless its bytes hash to ``sha``."""
        too_large = _too_large(archive, f"{info.filename} is larger than {_human(MAX_VIDEO_BYTES)}")
        try:
            with z.open(info) as src:
                tmp, got = self._stage(src, too_large)
        except ZIP_DAMAGE as exc:
            raise _not_export(archive, f"{info.filename} is damaged ({_reason(exc)})") from None
        if got != sha:
            tmp.close()
            raise _not_export(archive, f"{info.filename} is not the video it claims to be: the SHA-256 of its bytes "
                                       f"is {got[:12]}…, not {sha[:12]}…")
        return tmp

    def _insert(self, patient: dict, sessions: list[dict], staged: list[tuple[tempfiles.TempFile, str, str]]) -> Patient:
        """Add the checked rows and move the staged videos in place, in one transaction."""
        placed: list[tuple[str, str]] = []
        try:
            with self._sessions.begin() as s:
                self._guard(s)
                p = Patient(**patient)
                s.add(p)
                try:
                    s.flush()
                except IntegrityError:
                    raise StoreError(f"a patient called {patient['pseudonym']!r} exists already; "
                                     "delete or rename them before importing", "import_patient_exists") from None
                s.add_all(Recording(patient_id=p.id, **r) for r in sessions)
                s.flush()
                placed += [(sha, ext) for tmp, sha, ext in staged if self._place(tmp, sha, ext)]
            return p
        except SQLAlchemyError as exc:
            self._drop_unused(placed)
            raise StoreError(f"the database refused the import ({_reason(getattr(exc, 'orig', None) or exc)}); "
                             "nothing was imported — check the database and import again", "import_io") from None
        except BaseException:
            self._drop_unused(placed)
            raise

    def _drop_unused(self, videos: list[tuple[str, str]]) -> None:
        """Remove just-placed videos again that no session uses (after a failed import)."""
        if not videos:
            return
        with self._sessions.begin() as s:
            self._guard(s)
            for sha, ext in videos:
                if not self._video_used(sha, s):
                    _remove(self.video_path(sha, ext), self.videos)


def _matches(search: str):
    """Pseudonyms containing ``search`` as typed (case-insensitive; ``%`` and ``_`` are plain characters)."""
    escaped = search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Patient.pseudonym.ilike(f"%{escaped}%", escape="\\")


# ------------------------------------------------------------------ database and disk failures
def database_failure(exc: Exception, where: str, home: Path) -> StoreError:
    """One sentence for a database or file-system failure: what happened and what to do.

    Classified by what SQLite, PostgreSQL or the operating system said: read-only, disk
    full, damaged file, server out of reach, busy; anything else is named as it came.
    """
    if isinstance(exc, OSError):
        return _os_failure(exc, home)
    text = _reason(getattr(exc, "orig", None) or exc)
    subj = None if where == "the database" else where  # a file path; a server is named by its URL's setting
    low = text.lower()
    if "readonly" in low or "read-only" in low or "unable to open" in low:
        return StoreError(f"{where} cannot be written ({text}): the data folder is read-only or not yours; make "
                          f"{home} writable or point FORMCHECK_HOME to a writable folder", "store_readonly",
                          subject=subj)
    if "full" in low or "no space" in low:
        return StoreError(f"the disk holding {where} is full ({text}); free some space and try again", "disk_full",
                          subject=subj)
    # "could not decode to UTF-8": a damaged page inside a stored record (the text of a result is garbage)
    if "malformed" in low or "not a database" in low or "corrupt" in low or "encrypted" in low \
            or "could not decode" in low:
        return StoreError(f"{where} is damaged ({text}); restore it from a backup or point FORMCHECK_HOME "
                          "elsewhere", "store_unusable", subject=subj)
    if "locked" in low or "busy" in low:
        return StoreError(f"{where} is busy with another formcheck window or program ({text}); try again in a "
                          "moment", "store_busy", subject=subj)
    if "connect" in low or "server" in low or "timeout" in low or "password" in low:
        return StoreError(f"the database server cannot be reached ({text}); check FORMCHECK_DATABASE_URL and that "
                          "the server is running", "store_unreachable", subject=subj)
    return StoreError(f"{where} refused the change ({text}); nothing was changed — check the database and try "
                      "again", "store", subject=subj)


def db_failure(exc: Exception, store: "Store") -> StoreError:
    """:func:`database_failure` for a failure on ``store`` (used by :mod:`formcheck.store.clinic`)."""
    return database_failure(exc, store._where(), store.home)


def _os_failure(exc: OSError, home: Path) -> StoreError:
    """One sentence for a failed file operation in the data folder (:func:`formcheck.errors.write_error`'s)."""
    w = write_error(exc, str(exc.filename) if exc.filename else f"the data folder {home}", "nothing was changed")
    code = {"disk_full": "disk_full", "read_only": "store_readonly", "no_permission": "store_readonly"}
    return StoreError(str(w), code.get(w.code, "store_io"))


def _guarded(method):
    """``method`` with database and file-system failures turned into :func:`database_failure` sentences."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (SQLAlchemyError, OSError) as exc:
            raise database_failure(exc, self._where(), self.home) from None
    return wrapper


def _guard_public_methods(cls):
    """Wrap every public method of ``cls`` with :func:`_guarded` (the Store's whole surface)."""
    for name, value in list(vars(cls).items()):
        if callable(value) and not name.startswith("_") and name != "close":
            setattr(cls, name, _guarded(value))
    return cls


# ------------------------------------------------------------------ names and paths
def is_sha256(value) -> bool:
    """Whether ``value`` is a SHA-256 as formcheck names files by: exactly 64 lowercase hex digits."""
    return isinstance(value, str) and _SHA256.fullmatch(value) is not None


def _confined(path: Path, root: Path) -> Path:
    """``path`` if it resolves to a place inside ``root``; a StoreError if it (or a link on its way) leads out."""
    if not path.resolve().is_relative_to(root.resolve()):
        raise StoreError(f"{path} leads outside {root} (a symbolic link?); it was left alone — remove the link "
                         "and try again", "unsafe_path")
    return path


def _remove(path: Path, root: Path) -> list[Path]:
    """Delete the file ``path`` inside ``root``; ``[path]`` if it existed, else ``[]``."""
    if not (path.exists() or path.is_symlink()):
        return []
    _confined(path, root).unlink(missing_ok=True)
    return [path]


def _derived_from(name: str, sha: str) -> bool:
    """Whether the cache file ``name`` was made from the video ``sha`` (a validated SHA-256).

    Such names start with exactly ``sha[:16] + "-"`` (pose series, drawings, uploads; a leading dot
    marks one still being written), or are comparison videos ``<other[:16]>-<sha[:16]>-…``.
    """
    name = name.removeprefix(".")
    prefix = sha[:16] + "-"
    return name.startswith(prefix) or (_HEX16.fullmatch(name[:16]) is not None and name[16:].startswith("-" + prefix))


def _human(n_bytes: int) -> str:
    """A size for a message: ``2 GB``, ``20 MB`` or ``1000 bytes``."""
    for unit, size in (("GB", 1024**3), ("MB", 1024**2)):
        if n_bytes >= size:
            return f"{n_bytes / size:.0f} {unit}"
    return f"{n_bytes} bytes"


def _reason(exc: BaseException) -> str:
    """The first line of an exception's text, at most 120 characters."""
    text = (str(exc).splitlines() or [type(exc).__name__])[0]
    return text[:120]


def _unwritable(out: Path, exc: OSError) -> StoreError:
    return StoreError(f"cannot write {out} ({exc.strerror or exc}); choose another folder", "export_unwritable")


# ------------------------------------------------------------------ checking an import
def _not_export(archive: Path, what: str) -> StoreError:
    """The one-sentence refusal of an archive that is not a usable export."""
    return StoreError(f"{archive.name} is not a usable formcheck export: {what}; nothing was imported — export the "
                      "patient again from formcheck and import that file", "import_invalid")


def _too_large(archive: Path, what: str) -> StoreError:
    return StoreError(f"{archive.name} is too large to import: {what}; nothing was imported — import only "
                      "exports made by formcheck", "import_too_large")


def _open_archive(archive: Path) -> zipfile.ZipFile:
    """The zip, or a StoreError if it is missing or not a readable zip file."""
    if not archive.is_file():
        raise StoreError(f"{archive} does not exist; check the file name", "import_invalid")
    try:
        return zipfile.ZipFile(archive)
    except (OSError, zipfile.BadZipFile, ValueError):
        raise StoreError(f"{archive} is not a formcheck export (not a readable zip file); export the patient "
                         "again and import that file", "import_invalid") from None


def _check_members(z: zipfile.ZipFile, archive: Path) -> dict[tuple[str, str], zipfile.ZipInfo]:
    """The video members by (sha256, suffix), after checking every member's name and declared size.

    :mod:`zipfile` never unpacks more than a member's declared size (more is a CRC error), so checking
    the declared sizes bounds what the import reads, member by member and in total.
    """
    infos = z.infolist()
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise _not_export(archive, "a member is there twice")
    videos = {}
    for info in infos:
        if info.filename in ("videos/", "reports/"):
            continue
        readable = info.filename in ARCHIVE_TEXTS or REPORT_MEMBER.fullmatch(info.filename)
        limit = MAX_JSON_BYTES if readable else MAX_VIDEO_BYTES
        if limit == MAX_VIDEO_BYTES:
            videos[_video_member(info.filename, archive)] = info
        if info.file_size > limit:
            raise _too_large(archive, f"{info.filename} is larger than {_human(limit)}")
        if info.flag_bits & 0x1:
            raise _not_export(archive, f"{info.filename} is encrypted")
    if sum(i.file_size for i in infos) > MAX_IMPORT_BYTES:
        raise _too_large(archive, f"it unpacks to more than {_human(MAX_IMPORT_BYTES)}")
    return videos


def _video_member(name: str, archive: Path) -> tuple[str, str]:
    """(sha256, suffix) of a member named ``videos/<sha256><suffix>``; anything else is refused."""
    m = _VIDEO_MEMBER.fullmatch(name)
    if m is None or m[2] not in VIDEO_SUFFIXES:
        raise _not_export(archive, f"it holds an unexpected file {name[:80]!r} (an export holds only "
                                   f"{', '.join(ARCHIVE_TEXTS)}, videos/<sha256><suffix> and reports/<name>.pdf)")
    return m[1], m[2]


def _read_json(z: zipfile.ZipFile, name: str, archive: Path):
    """Member ``name`` as strict JSON, never reading more than :data:`MAX_JSON_BYTES` (+1 to notice more)."""
    try:
        with z.open(name) as fh:
            data = fh.read(MAX_JSON_BYTES + 1)
    except KeyError:
        raise _not_export(archive, f"{name} is missing") from None
    except ZIP_DAMAGE as exc:
        raise _not_export(archive, f"{name} is damaged ({_reason(exc)})") from None
    if len(data) > MAX_JSON_BYTES:
        raise _too_large(archive, f"{name} is larger than {_human(MAX_JSON_BYTES)}")
    try:
        return json.loads(data, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise _not_export(archive, f"{name} is not valid JSON ({_reason(exc)})") from None


def _no_constant(word: str):
    raise ValueError(f"{word} is not a JSON number")


def _in_member(archive: Path, name: str, check, value):
    """``check(value)``, its ValueError turned into a refusal naming the member."""
    try:
        return check(value)
    except ValueError as exc:
        raise _not_export(archive, f"{name}: {exc}") from None


def _check_references(sessions: list[dict], videos: dict, archive: Path) -> None:
    """Every session's video is in the zip, and every video in the zip is some session's."""
    used = {(r["video_sha256"], r["video_ext"]) for r in sessions}
    for sha, ext in sorted(used - videos.keys()):
        raise _not_export(archive, f"the video {sha}{ext} a session uses is not in the archive")
    for sha, ext in sorted(videos.keys() - used):
        raise _not_export(archive, f"videos/{sha}{ext} is a video no session uses")


# ------------------------------------------------------------------ fields
def check_pseudonym(value) -> str:
    """``value`` without surrounding blanks, if it is a usable pseudonym; ValueError otherwise.

    A pseudonym is text of 1 to :data:`MAX_PSEUDONYM_CHARS` characters without line breaks or other
    control or formatting characters (which could hide or reorder what a list shows).
    """
    if not isinstance(value, str) or not value.strip():
        raise ValueError("the pseudonym must be non-empty text")
    value = value.strip()
    if len(value) > MAX_PSEUDONYM_CHARS:
        raise ValueError(f"the pseudonym is longer than {MAX_PSEUDONYM_CHARS} characters")
    if _has_control(value, allowed=""):
        raise ValueError("the pseudonym contains a line break or another control character")
    return value


def _has_control(text: str, allowed: str) -> bool:
    """Whether ``text`` has a control, format, private or unassigned character, or a line/paragraph separator."""
    return any(c not in allowed and (unicodedata.category(c)[0] == "C" or unicodedata.category(c) in ("Zl", "Zp"))
               for c in text)


def _text(value, field: str, limit: int, *, lines: bool = False) -> str:
    """``value`` if it is text of at most ``limit`` characters without control characters (``lines``: tabs and
    line breaks allowed); ValueError otherwise."""
    if not isinstance(value, str):
        raise ValueError(f"{field} must be text")
    if len(value) > limit:
        raise ValueError(f"{field} is longer than {limit} characters")
    if _has_control(value, allowed="\t\n\r" if lines else ""):
        raise ValueError(f"{field} contains a control character")
    return value


def _number(value, field: str, lo: float, hi: float, *, integer: bool = False) -> float | int | None:
    """``value`` if it is null or a number (``integer``: a whole one) from ``lo`` to ``hi``; ValueError otherwise."""
    if value is None:
        return None
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not lo <= value <= hi:
        raise ValueError(f"{field} must be null or {'a whole number' if integer else 'a number'} from {lo} to {hi}")
    return value


def _date(value, field: str) -> dt.date:
    """The date an ISO ``YYYY-MM-DD`` text names; ValueError otherwise."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{field} must be an ISO date (YYYY-MM-DD)")


def _tags(value) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_TAGS:
        raise ValueError(f"tags must be a list of at most {MAX_TAGS} texts")
    return [_text(t, "tags", MAX_TAG_CHARS) for t in value]


def _analysis(value) -> dict:
    """``value`` brought up to the current contract and checked against it (:mod:`formcheck.contract`).

    Raises
    ------
    ValueError
        Naming the first field that does not follow the contract.
    """
    if not isinstance(value, dict):
        raise ValueError("analysis must be a JSON object")
    upgraded = contract.upgrade(value)
    try:
        contract.validate(upgraded)
    except contract.ContractError as exc:
        raise ValueError(f"analysis does not follow the formcheck result format at {exc.where} ({exc.what})") from None
    return upgraded


def _patient_fields(value) -> dict:
    """The :class:`Patient` columns from a ``patient.json`` object, checked."""
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return {"pseudonym": check_pseudonym(value.get("pseudonym")),
            **{k: _number(value.get(k), k, *PATIENT_RANGES[k], integer=k == "birth_year") for k in PATIENT_RANGES},
            "notes": _text(value.get("notes"), "notes", MAX_NOTES_CHARS, lines=True)}


def _sessions_fields(value) -> list[dict]:
    """The :class:`Recording` columns of each session in ``sessions.json``, checked."""
    if not isinstance(value, list):
        raise ValueError("not a JSON list")
    out = []
    for i, r in enumerate(value, 1):
        try:
            out.append(_session_fields(r))
        except ValueError as exc:
            raise ValueError(f"session {i}: {exc}") from None
    return out


def _session_fields(r) -> dict:
    """The :class:`Recording` columns of one exported session, checked."""
    if not isinstance(r, dict):
        raise ValueError("not a JSON object")
    if not is_sha256(r.get("video_sha256")):
        raise ValueError("video_sha256 is not a SHA-256 (64 lowercase hex digits)")
    if r.get("video_ext") not in VIDEO_SUFFIXES:
        raise ValueError(f"video_ext is not a video suffix formcheck keeps ({', '.join(VIDEO_SUFFIXES)})")
    if r.get("view") not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}")
    return {"recorded_on": _date(r.get("recorded_on"), "recorded_on"), "view": r["view"],
            "video_sha256": r["video_sha256"], "video_ext": r["video_ext"],
            **{k: _text(r.get(k), k, n) for k, n in SESSION_TEXTS.items()},
            "capture_fps": _number(r.get("capture_fps"), "capture_fps", *CAPTURE_FPS_RANGE),
            "speed_mps": _number(r.get("speed_mps"), "speed_mps", *SPEED_RANGE_MPS),
            "analysis": _analysis(r.get("analysis")), "notes": _text(r.get("notes"), "notes", MAX_NOTES_CHARS, lines=True),
            "tags": _tags(r.get("tags"))}


# ------------------------------------------------------------------ export contents
def _patient_dict(p: Patient) -> dict:
    return {"pseudonym": p.pseudonym, "birth_year": p.birth_year, "height_cm": p.height_cm,
            "leg_length_cm": p.leg_length_cm, "speed_mps": p.speed_mps, "notes": p.notes}


def _session_dict(r: Recording) -> dict:
    return {"recorded_on": r.recorded_on.isoformat(), "view": r.view, "video_sha256": r.video_sha256,
            "video_ext": r.video_ext, "video_name": r.video_name, "capture_fps": r.capture_fps,
            "speed_mps": r.speed_mps,
            "formcheck_version": r.formcheck_version, "model_sha256": r.model_sha256, "notes": r.notes,
            "tags": r.tags, "analysis": r.analysis}


def _sessions_csv(recs: list[Recording]) -> str:
    """One row per session: date, view, tags and every metric's value."""
    from formcheck.engine.metrics import METRICS

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["recorded_on", "view", "video_name", "tags", "formcheck_version", *METRICS])
    for r in recs:
        m = r.analysis.get("metrics", {})
        w.writerow([r.recorded_on.isoformat(), r.view, r.video_name, ";".join(r.tags), r.formcheck_version,
                    *[("" if (m.get(k) or {}).get("value") is None else m[k]["value"]) for k in METRICS]])
    return buf.getvalue()


_guard_public_methods(Store)
