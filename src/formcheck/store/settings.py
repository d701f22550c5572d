"""Settings the dashboard remembers in the database: who signs the PDF reports and how the cues address the patient.

Entered once (analyse or patients page) and used for every report: the
therapist's name, the practice and the form of address of the cues (``"du"``
or ``"sie"``; German reports, English has one form). With one person on one
computer there is one set; in clinic mode each login has its own
(``scope`` = the user name), so a report carries the name of who made it.
The table holds no patient data (migration 0004).
"""

from __future__ import annotations

from sqlalchemy import String, Text, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from formcheck.store.sessions import Base, Store, StoreError, _has_control, db_failure

#: The report settings and their defaults.
REPORT_DEFAULTS = {"therapist": "", "practice": "", "address": "du"}

#: The forms of address a report's cues can take.
ADDRESSES = ("du", "sie")

#: Longest therapist or practice name (characters).
MAX_NAME_CHARS = 120


class Setting(Base):
    """One remembered setting (migration 0004)."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


def _key(name: str, scope: str) -> str:
    return f"report.{name}" + (f"@{scope}" if scope else "")


def check_report_settings(values: dict) -> dict:
    """``values`` (some of :data:`REPORT_DEFAULTS`'s keys) checked and trimmed; a StoreError says what is wrong."""
    out = {}
    for name, value in values.items():
        if name not in REPORT_DEFAULTS:
            raise StoreError(f"{name!r} is not a report setting; use {', '.join(REPORT_DEFAULTS)}", "bad_setting")
        if not isinstance(value, str):
            raise StoreError(f"the report setting {name} must be text", "bad_setting")
        value = value.strip()
        if name == "address" and value not in ADDRESSES:
            raise StoreError(f"the form of address must be one of {', '.join(ADDRESSES)}, not {value[:20]!r}",
                             "bad_setting")
        if len(value) > MAX_NAME_CHARS or _has_control(value, ""):
            raise StoreError(f"the {name} name must be one line of at most {MAX_NAME_CHARS} characters",
                             "bad_setting")
        out[name] = value
    return out


def report_settings(store: Store, scope: str = "") -> dict[str, str]:
    """The report settings of ``scope`` ("" for one user on one computer, else a clinic login's user name)."""
    keys = {_key(n, scope): n for n in REPORT_DEFAULTS}
    try:
        with store.transaction() as s:
            rows = s.scalars(select(Setting).where(Setting.key.in_(list(keys)))).all()
            found = {keys[r.key]: r.value for r in rows}
    except SQLAlchemyError as exc:
        raise db_failure(exc, store) from None
    out = {**REPORT_DEFAULTS, **found}
    if out["address"] not in ADDRESSES:
        out["address"] = REPORT_DEFAULTS["address"]
    return out


def save_report_settings(store: Store, scope: str = "", **values: str) -> dict[str, str]:
    """Remember ``values`` (therapist, practice, address) for ``scope``; returns all report settings."""
    values = check_report_settings(values)
    try:
        with store.transaction() as s:
            for name, value in values.items():
                s.merge(Setting(key=_key(name, scope), value=value))
    except SQLAlchemyError as exc:
        raise db_failure(exc, store) from None
    return report_settings(store, scope)
