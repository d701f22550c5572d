"""Clinic server mode: therapist accounts, logins that expire, roles and an audit log.

The default is one person on one computer: the dashboard listens on localhost
only and asks for nobody's password. A clinic that serves it to several
workstations sets ``FORMCHECK_CLINIC=1`` (typically with PostgreSQL in
``FORMCHECK_DATABASE_URL``, behind a TLS reverse proxy; see the README); then
every page needs a login, and who opened, saved, exported or erased which
patient is written to the ``audit`` table.

Conventions
-----------
- Passwords are stored as Argon2id hashes (``argon2-cffi``, its default cost:
  RFC 9106's second recommended option, 64 MiB, 3 passes); the plain password
  is never stored or logged.
- The audit log names patients and sessions by id, never by pseudonym (a
  pseudonym is erased with its patient, the entry recording the erasure stays),
  and holds no video content and no measurements.
- Times are UTC (naive ``datetime`` in the database).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, DateTime, Integer, String, func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from formcheck.errors import FormcheckError
from formcheck.store import Base, Store, StoreError, db_failure

#: The two roles: a therapist works with patients; an admin also erases them, manages accounts, reads the audit log.
ROLES = ("therapist", "admin")

#: What each role may do in the dashboard (an action missing here is refused with a sentence).
PERMISSIONS = {
    "therapist": frozenset({"open", "analyse", "save", "export", "compare"}),
    "admin": frozenset({"open", "analyse", "save", "export", "compare", "erase", "audit", "accounts"}),
}

#: Actions written to the audit log.
ACTIONS = ("login", "login_failed", "logout", "expired", "open", "save", "export", "erase_patient",
           "erase_session", "account_added", "account_changed")

#: A login ends after this long without a click (seconds; ``FORMCHECK_IDLE_MINUTES`` overrides).
IDLE_TIMEOUT_S = 30 * 60

#: ... and in any case this long after it began (seconds): one working day.
MAX_LOGIN_S = 12 * 3600

#: Failed logins for one name within :data:`LOCKOUT_S` after which that name is refused until the window passes.
MAX_FAILED_LOGINS = 5
LOCKOUT_S = 15 * 60

#: Shortest password accepted for an account (characters; NIST SP 800-63B asks for at least 8, we ask more).
MIN_PASSWORD_CHARS = 12

_USERNAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")
_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("formcheck: no such account")  # verified for unknown names, so timing tells nothing


class Account(Base):
    """A person who may log in to a clinic-mode dashboard (migration 0003)."""

    __tablename__ = "account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())


class AuditEntry(Base):
    """One line of the audit log: who did what to which patient, when (UTC)."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    patient_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    session_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(String(255), default="")


class LoginError(FormcheckError):
    """A login that is refused; ``code`` is ``login_wrong``, ``login_locked`` or ``login_disabled``."""

    exit_code = 6

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def clinic_mode() -> bool:
    """Whether the dashboard requires a login (``FORMCHECK_CLINIC`` is 1, true, yes or on)."""
    return os.environ.get("FORMCHECK_CLINIC", "").strip().lower() in ("1", "true", "yes", "on")


def idle_timeout_s() -> float:
    """:data:`IDLE_TIMEOUT_S`, or ``FORMCHECK_IDLE_MINUTES`` × 60 when that is a positive number."""
    try:
        minutes = float(os.environ.get("FORMCHECK_IDLE_MINUTES", ""))
    except ValueError:
        return IDLE_TIMEOUT_S
    return minutes * 60 if minutes > 0 else IDLE_TIMEOUT_S


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _db(store: Store, fn):
    """Run ``fn(session)`` in one transaction of ``store``; database failures become sentences."""
    try:
        with store.transaction() as s:
            return fn(s)
    except SQLAlchemyError as exc:
        raise db_failure(exc, store) from None


# ------------------------------------------------------------------ accounts
def check_username(name: str) -> str:
    """``name`` if it is 1–64 letters, digits or ``. _ @ -``; a StoreError ``bad_username`` otherwise."""
    if not isinstance(name, str) or not _USERNAME.fullmatch(name):
        raise StoreError(f"{str(name)[:70]!r} is not a user name formcheck accepts; use 1–64 letters, digits "
                         "or . _ @ -", "bad_username")
    return name


def check_password(password: str) -> str:
    """``password`` if it has at least :data:`MIN_PASSWORD_CHARS` characters; a StoreError ``weak_password``."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_CHARS:
        raise StoreError(f"the password is too short; use at least {MIN_PASSWORD_CHARS} characters (a few "
                         "unrelated words are easy to remember)", "weak_password")
    return password


def add_account(store: Store, username: str, password: str, role: str = "therapist", *,
                by: str = "command line") -> Account:
    """Create an account; ``role`` one of :data:`ROLES`. Written to the audit log as ``account_added``."""
    check_username(username)
    check_password(password)
    if role not in ROLES:
        raise StoreError(f"{role!r} is not a role; choose one of {', '.join(ROLES)}", "bad_role")
    digest = _HASHER.hash(password)

    def insert(s):
        acc = Account(username=username, password_hash=digest, role=role, active=True)
        s.add(acc)
        try:
            s.flush()
        except IntegrityError:
            raise StoreError(f"an account called {username!r} exists already; choose another name",
                             "account_exists") from None
        s.add(AuditEntry(at=_now(), username=by, action="account_added", detail=f"{username} ({role})"))
        return acc
    return _db(store, insert)


def change_account(store: Store, username: str, *, password: str | None = None, role: str | None = None,
                   active: bool | None = None, by: str = "command line") -> Account:
    """Set a new password, role or active flag; written to the audit log as ``account_changed``."""
    if password is not None:
        check_password(password)
    if role is not None and role not in ROLES:
        raise StoreError(f"{role!r} is not a role; choose one of {', '.join(ROLES)}", "bad_role")
    digest = _HASHER.hash(password) if password is not None else None

    def change(s):
        acc = s.scalar(select(Account).where(Account.username == username))
        if acc is None:
            raise StoreError(f"there is no account called {username!r}; `formcheck accounts list` shows them",
                             "no_account")
        changed = []
        if digest is not None:
            acc.password_hash, changed = digest, changed + ["password"]
        if role is not None:
            acc.role, changed = role, changed + [f"role={role}"]
        if active is not None:
            acc.active, changed = active, changed + ["active" if active else "disabled"]
        s.add(AuditEntry(at=_now(), username=by, action="account_changed", detail=f"{username}: {', '.join(changed)}"))
        return acc
    return _db(store, change)


def accounts(store: Store) -> list[Account]:
    """Every account, by name."""
    return _db(store, lambda s: list(s.scalars(select(Account).order_by(Account.username))))


# ------------------------------------------------------------------ logging in
@dataclass
class Login:
    """A logged-in person in one browser tab (kept in Streamlit's session state).

    Attributes
    ----------
    username, role : str
    started, last_seen : datetime
        UTC; the login expires :func:`idle_timeout_s` after ``last_seen`` or
        :data:`MAX_LOGIN_S` after ``started``.
    opened : set of int
        Patients whose opening is already in the audit log for this login.
    """

    username: str
    role: str
    started: dt.datetime
    last_seen: dt.datetime
    opened: set = field(default_factory=set)

    def expired(self, now: dt.datetime | None = None) -> bool:
        now = now or _now()
        return ((now - self.last_seen).total_seconds() > idle_timeout_s()
                or (now - self.started).total_seconds() > MAX_LOGIN_S)

    def touch(self, now: dt.datetime | None = None) -> None:
        self.last_seen = now or _now()

    def may(self, action: str) -> bool:
        return action in PERMISSIONS.get(self.role, frozenset())


def _recent_failures(s, username: str, now: dt.datetime) -> int:
    since = now - dt.timedelta(seconds=LOCKOUT_S)
    last_ok = s.scalar(select(func.max(AuditEntry.at)).where(AuditEntry.username == username,
                                                             AuditEntry.action == "login"))
    if last_ok is not None and last_ok > since:
        since = last_ok
    return s.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.username == username, AuditEntry.action == "login_failed", AuditEntry.at > since))


def login(store: Store, username: str, password: str, *, now: dt.datetime | None = None) -> Login:
    """Check a name and password; a :class:`Login`, or a :class:`LoginError` that names no detail an attacker could use.

    Every attempt is in the audit log (``login`` or ``login_failed``). After
    :data:`MAX_FAILED_LOGINS` failures within :data:`LOCKOUT_S`, the name is
    refused until the window has passed, even with the right password.
    """
    now = now or _now()
    name = (username or "").strip()[:64]

    def attempt(s):
        if _recent_failures(s, name, now) >= MAX_FAILED_LOGINS:
            s.add(AuditEntry(at=now, username=name, action="login_failed", detail="locked"))
            return None, "login_locked"
        acc = s.scalar(select(Account).where(Account.username == name)) if _USERNAME.fullmatch(name) else None
        try:
            _HASHER.verify(acc.password_hash if acc else _DUMMY_HASH, password or "")
            ok = acc is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if ok and not acc.active:
            s.add(AuditEntry(at=now, username=name, action="login_failed", detail="disabled"))
            return None, "login_disabled"
        if not ok:
            s.add(AuditEntry(at=now, username=name or "?", action="login_failed"))
            return None, "login_wrong"
        if _HASHER.check_needs_rehash(acc.password_hash):
            acc.password_hash = _HASHER.hash(password)
        s.add(AuditEntry(at=now, username=name, action="login"))
        return Login(acc.username, acc.role, now, now), None

    result, code = _db(store, attempt)
    if result is None:
        raise LoginError({"login_wrong": "the name or the password is wrong; try again",
                          "login_locked": f"too many failed logins for this name; wait {LOCKOUT_S // 60} minutes "
                                          "or ask an admin",
                          "login_disabled": "this account is switched off; ask an admin"}[code], code)
    return result


# ------------------------------------------------------------------ the audit log
def record(store: Store, username: str, action: str, *, patient_id: int | None = None,
           session_id: int | None = None, detail: str = "") -> None:
    """Write one line to the audit log (``action`` one of :data:`ACTIONS`)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    _db(store, lambda s: s.add(AuditEntry(at=_now(), username=username[:64], action=action, patient_id=patient_id,
                                          session_id=session_id, detail=detail[:255])))


def audit_log(store: Store, *, patient_id: int | None = None, limit: int = 500) -> list[AuditEntry]:
    """The newest ``limit`` lines of the audit log (of one patient if given), newest first."""
    def read(s):
        q = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
        if patient_id is not None:
            q = q.where(AuditEntry.patient_id == patient_id)
        return list(s.scalars(q))
    return _db(store, read)
