"""Command line: ``formcheck analyze | models install | synth | patients | sessions``.

Every user-facing failure ends in one line ``formcheck: error: …`` and the exit
code the README documents (see :mod:`formcheck.errors`), never a traceback and
never a half-written output file. Output paths are checked before any slow work
starts; user text is printed with control characters escaped (see
:func:`printable`), so it can neither break a tab-separated row nor send escape
sequences to the terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import errno
import getpass
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

from formcheck import __version__
from formcheck.errors import FormcheckError, UsageError, WriteError, write_error

#: Characters never printed as they are: C0/C1 controls, DEL, line/paragraph separators, bidi controls.
_UNSAFE = r"\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE_TEXT = re.compile(f"[{_UNSAFE}]")
_UNSAFE_CELL = re.compile(rf"[{_UNSAFE}\\]")  # in a table cell a backslash is escaped too
_NAMED = {"\\": r"\\", "\n": r"\n", "\r": r"\r", "\t": r"\t"}


def _escape(match: re.Match) -> str:
    ch = match[0]
    return _NAMED.get(ch) or (rf"\x{ord(ch):02x}" if ord(ch) < 0x100 else rf"\u{ord(ch):04x}")


def printable(text, *, cell: bool = False) -> str:
    r"""``text`` safe for one line of a terminal: control characters shown as escapes.

    Parameters
    ----------
    text : object
        User text (a pseudonym, a note, a file name) or a message naming it; ``None`` is "".
    cell : bool
        For one cell of a tab-separated row: a backslash is shown as ``\\`` too, so
        ``\n`` in the output always stands for a line break in the data.

    Returns
    -------
    str
        The text with a newline shown as ``\n``, a tab as ``\t``, ESC as ``\x1b`` and so on;
        everything else (``ü``, emoji) unchanged.
    """
    return (_UNSAFE_CELL if cell else _UNSAFE_TEXT).sub(_escape, "" if text is None else str(text))


def _row(*cells) -> str:
    """One tab-separated output row of user data, each cell escaped."""
    return "\t".join(printable(c, cell=True) for c in cells)


def _err(msg: str) -> None:
    print(f"formcheck: {printable(msg)}", file=sys.stderr)


def error_text(exc: FormcheckError, lang: str | None) -> str:
    """The sentence for ``exc``: the plain text in ``lang`` where :data:`formcheck.i18n.ERRORS` has one.

    English (or no language asked for) keeps the specific English sentence ``str(exc)``;
    a translated text is preceded by what it is about (``exc.subject``, e.g. the path).
    """
    from formcheck.i18n import ERRORS

    plain = ERRORS.get(getattr(exc, "code", ""), {}).get(lang) if lang and lang != "en" else None
    if not plain:
        return str(exc)
    return f"{exc.subject}: {plain}" if exc.subject else plain


# ------------------------------------------------------------------ output paths and writing
@contextlib.contextmanager
def _writing(where, outcome: str = "nothing was written", subject=None):
    """Turn an ``OSError`` raised inside into the one-sentence :class:`WriteError` about ``where``."""
    try:
        yield
    except OSError as exc:
        if exc.errno == errno.EPIPE:  # the reader of stdout went away: see main()
            raise
        raise write_error(exc, where, outcome, subject=subject) from None


def _probe_folder(folder: Path, where, outcome: str = "nothing was written", subject=None) -> None:
    """Fail now, not after the analysis, if no file can be created in ``folder`` or its disk is full.

    A ``folder`` that does not exist yet is judged by the nearest folder above it that does
    (nothing is created here).
    """
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    with _writing(where, outcome, subject):
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".formcheck-probe-")
        os.close(fd)
        os.unlink(tmp)
        if os.statvfs(folder).f_bavail == 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def check_output_file(path: Path, flag: str = "", *, example: str = "analysis.json", devices: bool = True) -> None:
    """Refuse, before any work starts, an output path that cannot become the file asked for.

    Parameters
    ----------
    path : Path
        The output file the user named.
    flag : str
        The option that named it (``--json``), for the message.
    example : str
        A file name to suggest when ``path`` is a folder.
    devices : bool
        Whether an existing device or pipe (``/dev/stdout``) may be written to directly. Outputs
        that are written beside ``path`` and renamed over it (zips, videos) refuse them: the
        rename would replace the device.

    Raises
    ------
    WriteError
        ``path`` is a folder, its folder does not exist, it is not a regular file (unless
        ``devices``), or its folder is read-only, full or not ours to write.
    """
    name = f"{flag} {path}" if flag else str(path)
    if path.is_dir():
        raise WriteError(f"{name} is a folder; give the name of a file to write, e.g. {path / example}",
                         "output_is_folder", str(path))
    if path.exists() and not path.is_file():
        if not devices:
            raise WriteError(f"{name} is not a regular file (a device or a pipe); give the name of a file to write, "
                             f"e.g. {example}", "output_not_file", str(path))
        if not os.access(path, os.W_OK):
            raise write_error(PermissionError(errno.EACCES, os.strerror(errno.EACCES)), path)
        return
    folder = path.parent
    if not folder.is_dir():
        what = "does not exist" if not folder.exists() else "is a file, not a folder"
        raise WriteError(f"the folder {folder} for {name} {what}; create it or choose another place, and try again",
                         "output_no_folder", str(path))
    _probe_folder(folder, path)


def check_output_folder(path: Path, flag: str = "--out") -> None:
    """Like :func:`check_output_file` for an output folder (created later if it does not exist yet)."""
    if path.exists() and not path.is_dir():
        raise WriteError(f"{flag} {path} is a file, not a folder; give a folder (it is created if missing)",
                         "output_no_folder", str(path))
    if path.is_dir():
        _probe_folder(path, path)
    elif not path.parent.is_dir():
        raise WriteError(f"the folder {path.parent} for {flag} {path} does not exist; create it or choose another "
                         "place, and try again", "output_no_folder", str(path))
    else:
        _probe_folder(path.parent, path)


def _write_text(path: Path, text: str) -> None:
    """Write an output file atomically; any failure is one sentence and leaves no partial file."""
    from formcheck.pipeline import write_text_atomic

    with _writing(path):
        write_text_atomic(path, text)


@contextlib.contextmanager
def _data_folder(outcome: str = "nothing was written", hint: str = ""):
    """Writes to the data folder (database, stored videos, pose cache): a failure there names that folder.

    An ``OSError`` about a file elsewhere (the input video, say) keeps that file's name.
    """
    from formcheck import config
    from formcheck.errors import StoreError  # not formcheck.store: analyze needs no SQLAlchemy

    home = config.home()
    try:
        yield
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            raise
        if not _inside(exc.filename, home):
            raise write_error(exc, outcome=outcome) from None
        raise write_error(exc, _data_folder_name(home), outcome, subject=home, hint=hint) from None
    except StoreError as exc:  # the store's own sentence for a full or read-only data folder: exit 7 like any write
        err = {"disk_full": errno.ENOSPC, "store_readonly": errno.EROFS}.get(exc.code)
        if err is None:
            raise
        cause = exc.__context__ if isinstance(exc.__context__, OSError) else OSError(err, os.strerror(err))
        raise write_error(cause, _data_folder_name(home), outcome, subject=home, hint=hint) from None


def _data_folder_name(home: Path) -> str:
    return f"the data folder {home}"


def _disk_problem(folder: Path, outcome: str) -> WriteError | None:
    """A WriteError if ``folder``'s disk is read-only or full (or not ours to write), else None."""
    try:
        vfs = os.statvfs(folder)
    except OSError:
        return None
    err = (errno.EROFS if vfs.f_flag & os.ST_RDONLY else errno.ENOSPC if vfs.f_bavail == 0
           else errno.EACCES if not os.access(folder, os.W_OK) else None)
    if err is None:
        return None
    return write_error(OSError(err, os.strerror(err)), _data_folder_name(folder), outcome, subject=folder)


def _inside(filename, folder: Path) -> bool:
    """Whether an error's file is in ``folder`` (an error naming no file counts as inside)."""
    if not isinstance(filename, (str, Path)):
        return True
    return Path(filename).resolve().is_relative_to(folder.resolve())


# --------------------------------------------------------------------------- analyze
def _speed(args) -> float | None:
    """``--speed`` in m/s (None when not given); nonsense or a speed outside 2–25 km/h is refused before any work."""
    if getattr(args, "speed", None) is None:
        return None
    from formcheck.engine.speed import parse_speed  # numpy only: the engine is not imported here

    return parse_speed(args.speed)


def cmd_analyze(args) -> int:
    args.speed_mps = _speed(args)
    json_out = Path(args.json) if args.json and args.json != "-" else None
    if json_out:
        check_output_file(json_out, "--json")
    if args.out:
        check_output_folder(Path(args.out))
    # The pose helper processes start first and are told the clip before this
    # process imports the engine: meanwhile they import MediaPipe, make their
    # landmarkers and decide the facing on the other core (measured by
    # benchmarks/speed.py; README "Speed and memory").
    from formcheck.io.pose import PoseHelpers, PoseSettings, default_workers, plan_chunks

    workers = args.workers if args.workers else default_workers()
    with PoseHelpers(max(0, workers - 1)) as helpers:
        if len(helpers):
            from formcheck.io.provision import verified_model_path
            from formcheck.io.video import probe

            info = probe(args.video, capture_fps=args.capture_fps)
            model = verified_model_path(Path(args.model) if args.model else None, variant=args.model_variant,
                                        log=_err)
            n = len(plan_chunks(info.duration_hint_s, workers)) - 1
            helpers.configure(info, model, PoseSettings(), n, decide_facing=True)
        return _analyze(args, json_out, helpers)


def _analyze(args, json_out: Path | None, helpers) -> int:
    from formcheck import config, pipeline

    with _data_folder(hint=" (or run with --no-cache)"):
        if not args.no_cache:
            _probe_folder(config.home() / "cache" / "pose", _data_folder_name(config.home()), subject=config.home())
        a = pipeline.analyze(args.video, capture_fps=args.capture_fps, lang=args.lang or "de", model=args.model,
                             use_cache=not args.no_cache, log=_err, show_progress=True, workers=args.workers,
                             model_variant=args.model_variant, helpers=helpers, speed_mps=args.speed_mps)
    result = a.result
    if args.out:
        with _writing(Path(args.out)):
            result["pose"]["files"] = pipeline.write_pose_outputs(a.series, Path(args.out))
    text = json.dumps(result, indent=2, ensure_ascii=False)
    if json_out:
        _write_text(json_out, text + "\n")
        _err(f"wrote {json_out}")
    fmt = args.format or ("json" if args.json == "-" else "text")
    if fmt == "json" and args.json != "-" or args.json == "-":
        print(text)
    if fmt == "csv":
        print(pipeline.strides_csv(result), end="")
    elif fmt == "text":
        print("\n".join(printable(line) for line in pipeline.summary_text(result, args.lang or "de").split("\n")))
    return 0


# ---------------------------------------------------------------------------- models
def cmd_models_install(args) -> int:
    from formcheck.io import provision

    if args.source == "official":
        for path in provision.install_official(log=_err):
            _err(f"saved {path}")
        return 0
    variants = provision.VARIANTS if args.variant == "all" else (args.variant or provision.DEFAULT_VARIANT,)
    for variant in variants:
        res = provision.install(Path(args.wheel) if args.wheel else None, variant=variant,
                                tarball=Path(args.tarball) if args.tarball else None, force=args.force, log=_err)
        state = "built and verified" if res.built else "already installed and verified"
        print(f"{res.path} {state} (sha256 {res.sha256})")
    return 0


# ----------------------------------------------------------------------------- synth
def _add_dataclass_options(parser, cls, skip=()):
    for f in dataclasses.fields(cls):
        if f.name in skip:
            continue
        flag = "--" + f.name.replace("_", "-")
        default = f.default
        if isinstance(default, tuple):
            parser.add_argument(flag, type=lambda s: tuple(int(v) for v in s.split(",")), default=default,
                                help=f"R,G,B (default {','.join(map(str, default))})")
        elif isinstance(default, bool):
            parser.add_argument(flag, action="store_true")
        elif default is None or isinstance(default, float):
            parser.add_argument(flag, type=float, default=default, help=f"(default {default})")
        elif isinstance(default, int):
            parser.add_argument(flag, type=int, default=default, help=f"(default {default})")
        else:
            parser.add_argument(flag, default=default, help=f"(default {default})")


def cmd_synth(args) -> int:
    from formcheck import synth
    from formcheck.io.progress import Progress

    out = Path(args.out)
    truth_out = out.with_name(out.name + ".truth.json")
    check_output_file(out, example="runner.mp4", devices=False)
    check_output_file(truth_out, example="runner.mp4.truth.json", devices=False)
    gait = synth.Gait(**{f.name: getattr(args, f.name) for f in dataclasses.fields(synth.Gait)})
    scene_kw = {f.name: getattr(args, f.name) for f in dataclasses.fields(synth.Scene) if f.name != "look"}
    for key in ("width", "height", "seed", "rotation_deg"):
        scene_kw[key] = int(scene_kw[key])
    look_seed = secrets.randbelow(1_000_000) if args.look_random else args.look
    if look_seed is not None:
        scene_kw["look"] = synth.Look.from_seed(look_seed)
    try:
        scene = synth.Scene(**scene_kw)
    except ValueError as exc:
        raise FormcheckError(f"synth: {exc}") from None
    with _writing(out), _staging(out.parent) as staging:
        try:
            bar = Progress("rendering")
            truth = synth.generate(staging / out.name, gait, scene, progress=bar.update)
            bar.close()
        except ValueError as exc:
            raise FormcheckError(f"synth: {exc}") from None
        _move_pair(staging / out.name, out, staging / truth_out.name, truth_out)
    print(printable(f"wrote {out} ({truth['video']['n_frames']} frames) and {truth_out}"))
    if look_seed is not None:
        print(printable(f"look {look_seed}: {', '.join(truth['look']['features']) or 'plain'}"))
    return 0


@contextlib.contextmanager
def _staging(folder: Path):
    """A hidden temporary folder in ``folder`` (same disk, so moving out of it is a rename), always removed."""
    tmp = Path(tempfile.mkdtemp(dir=folder, prefix=".formcheck-"))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _move_pair(src_a: Path, dst_a: Path, src_b: Path, dst_b: Path) -> None:
    """Rename two finished files into place; if the second fails the first is removed again (no video without
    its truth file)."""
    os.replace(src_a, dst_a)
    try:
        os.replace(src_b, dst_b)
    except BaseException:
        dst_a.unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------------- patients
@contextlib.contextmanager
def _open_store(outcome: str = "nothing was changed"):
    """The patient database, closed afterwards; a full, read-only or refusing data folder is one sentence."""
    with _data_folder(outcome), _database_errors(outcome):
        st = _store(outcome)
        try:
            yield st
        finally:
            st.close()


def _store(outcome: str):
    """Open the store; "cannot be used as a database" becomes the real reason when it is the disk."""
    from formcheck import config
    from formcheck.store import Store, StoreError

    try:
        return Store()
    except StoreError as exc:
        problem = _disk_problem(config.home(), outcome) if exc.code == "store_unusable" else None
        raise (problem or exc) from None


@contextlib.contextmanager
def _database_errors(outcome: str):
    """SQLAlchemy errors the store let through (a full disk, a read-only file) as one sentence."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except SQLAlchemyError as exc:
        raise _database_error(exc, outcome) from None


def _database_error(exc, outcome: str) -> FormcheckError:
    from formcheck import config
    from formcheck.store import StoreError, database_failure, database_url

    reason = str(getattr(exc, "orig", None) or exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
    url = database_url(config.home())
    where = url.replace("sqlite:///", "") if url.startswith("sqlite") else "the patient database"
    kind = database_failure(exc, where, config.home()).code  # the store's classification of the failure
    if kind == "disk_full":
        return write_error(OSError(errno.ENOSPC, reason), where, outcome)
    if kind == "store_readonly":
        return write_error(OSError(errno.EROFS, reason), where, outcome)
    return StoreError(f"the patient database refused the change ({reason}) and {outcome}; check {where} "
                      "(disk, permissions, server) and try again", "store")


def _patients_list(st, args) -> None:
    for p in st.patients(args.search or ""):
        print(_row(p.id, p.pseudonym, p.birth_year or "", f"{len(st.sessions(p.id))} session(s)"))


def _patients_add(st, args) -> None:
    p = st.add_patient(args.pseudonym, birth_year=args.birth_year, height_cm=args.height_cm,
                       leg_length_cm=args.leg_length_cm, notes=args.notes or "")
    print(p.id)


def _cli_audit(st, action: str, **ids) -> None:
    """In clinic mode, log what the command line did to a patient (as ``command line:<user>``)."""
    from formcheck.store import clinic

    if clinic.clinic_mode():
        clinic.record(st, f"command line:{getpass.getuser()}"[:64], action, **ids)


def _patients_delete(st, args) -> None:
    from formcheck.store import StoreError

    try:
        removed = st.delete_patient(args.id)
    except StoreError as exc:
        if exc.code == "erase_pending":
            _cli_audit(st, "erase_patient", patient_id=args.id)
        raise
    _cli_audit(st, "erase_patient", patient_id=args.id)
    _err(f"deleted patient {args.id} and {len(removed)} file(s)")


def _patients_export(st, args) -> None:
    from formcheck.store import StoreError

    out = Path(args.out)
    check_output_file(out, example="patient.zip", devices=False)
    with _writing(out):
        try:
            from formcheck.outputs.report import export_reports
            from formcheck.store.settings import report_settings

            reports = export_reports(getattr(args, "lang", None) or "de", report_settings(st))
            out = st.export_patient(args.id, out, reports=reports)
        except StoreError as exc:  # its OSError (disk full…) gets the same sentence and exit code as any output
            if exc.code == "export_unwritable" and isinstance(exc.__context__, OSError):
                raise exc.__context__ from None
            raise
    _cli_audit(st, "export", patient_id=args.id, detail="command line export")
    _err(f"wrote {out}")


def _patients_import(st, args) -> None:
    print(st.import_patient(args.archive).id)


def cmd_patients(args) -> int:
    run = {"list": _patients_list, "add": _patients_add, "delete": _patients_delete, "export": _patients_export,
           "import": _patients_import}[args.patients_command]
    with _open_store() as st:
        run(st, args)
    return 0


# ------------------------------------------------------------------------- clinic accounts and audit log
def _password(args) -> str:
    """The new password: one line from stdin with ``--password-stdin``, else asked twice without echo."""
    from formcheck.store import StoreError

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("new password: ")
    if getpass.getpass("the same again: ") != first:
        raise StoreError("the two passwords differ; nothing was changed — try again", "password_mismatch")
    return first


def cmd_accounts(args) -> int:
    from formcheck.store import clinic

    with _open_store() as st:
        c = args.accounts_command
        if c == "list":
            for a in clinic.accounts(st):
                print(_row(a.username, a.role, "active" if a.active else "disabled", f"{a.created_at:%Y-%m-%d}"))
        elif c == "add":
            clinic.add_account(st, args.username, _password(args), args.role,
                               by=f"command line:{getpass.getuser()}"[:64])
            _err(f"added {args.role} {args.username}")
        else:
            change = {"password": {"password": _password(args)} if c == "password" else None,
                      "role": {"role": getattr(args, "role", None)}, "disable": {"active": False},
                      "enable": {"active": True}}[c]
            clinic.change_account(st, args.username, by=f"command line:{getpass.getuser()}"[:64], **change)
            _err(f"changed {args.username}")
    return 0


def cmd_audit(args) -> int:
    from formcheck.store import clinic

    with _open_store() as st:
        for e in reversed(clinic.audit_log(st, patient_id=args.patient, limit=args.limit)):
            print(_row(f"{e.at:%Y-%m-%d %H:%M:%S}Z", e.username, e.action, e.patient_id or "", e.session_id or "",
                       e.detail))
    return 0


# ------------------------------------------------------------------------- sessions
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(text: str | None) -> dt.date | None:
    """``--date`` as a date (None when not given); anything but a real YYYY-MM-DD day is a UsageError."""
    if text is None:
        return None
    try:
        if _ISO_DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise UsageError(f"--date {text} is not a date; write the recording day as YYYY-MM-DD, e.g. 2026-11-01",
                     "bad_date", f"--date {text}")


def _cadence(analysis) -> object:
    """The stored cadence value, or None (also when an old import stored an analysis of another shape)."""
    metrics = analysis.get("metrics") if isinstance(analysis, dict) else None
    cadence = metrics.get("cadence_spm") if isinstance(metrics, dict) else None
    return cadence.get("value") if isinstance(cadence, dict) else None


def _sessions_list(st, args) -> None:
    for r in st.sessions(args.patient):
        print(_row(r.id, r.recorded_on, r.view, r.video_name, ",".join(map(str, r.tags or [])),
                   f"cadence {_cadence(r.analysis)}", f"formcheck {r.formcheck_version}"))


def _sessions_add(st, args) -> None:
    from formcheck import pipeline

    patient = st.patient(args.patient)  # patient and data folder (and the date, in cmd_sessions) checked first
    _probe_folder(st.videos, _data_folder_name(st.home), "the session was not saved", st.home)
    speed = args.speed_mps if args.speed_mps is not None else patient.speed_mps  # remembered for the patient
    if args.speed_mps is None and speed is not None:
        _err(f"treadmill speed {speed * 3.6:.1f} km/h, remembered for {patient.pseudonym} (--speed to change it)")
    result = pipeline.analyze_video(args.video, capture_fps=args.capture_fps, lang=args.lang or "de", log=_err,
                                    show_progress=True, speed_mps=speed)
    r = st.save_session(args.patient, args.video, result, notes=args.notes or "", tags=args.tag or [],
                        recorded_on=args.recorded_on)
    print(r.id)


def _sessions_export(st, args) -> None:
    out = Path(args.out)
    check_output_file(out, example="session.json")
    r = st.session(args.id)
    _write_text(out, json.dumps(r.analysis, indent=2, ensure_ascii=False) + "\n")
    _err(f"wrote {out}")


def _sessions_delete(st, args) -> None:
    removed = st.delete_session(args.id)
    _err(f"deleted session {args.id} and {len(removed)} file(s)")


def cmd_sessions(args) -> int:
    run = {"list": _sessions_list, "add": _sessions_add, "export": _sessions_export,
           "delete": _sessions_delete}[args.sessions_command]
    args.recorded_on = parse_date(getattr(args, "date", None))  # a bad date: refused before the database opens
    args.speed_mps = _speed(args)  # so is a bad speed
    with _open_store("the session was not saved" if args.sessions_command == "add" else "nothing was changed") as st:
        run(st, args)
    return 0


# ------------------------------------------------------------------------------ main
def build_parser() -> argparse.ArgumentParser:
    from formcheck import synth

    p = argparse.ArgumentParser(prog="formcheck", description="Running-technique analysis from video.")
    p.add_argument("--version", action="version", version=f"formcheck {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    a = sub.add_parser("analyze", help="analyse a running video")
    a.add_argument("video", help="video file (mp4, mov, m4v, avi, webm, mkv)")
    a.add_argument("--json", metavar="OUT", help="write the analysis JSON to OUT ('-' for stdout)")
    a.add_argument("--format", choices=("text", "json", "csv"), default=None,
                   help="what to print: a readable summary in --lang (default), the JSON, or the per-stride CSV")
    a.add_argument("--out", metavar="DIR", help="also write the pose series and per-frame data to DIR")
    a.add_argument("--speed", metavar="SPEED",
                   help="treadmill belt speed, e.g. 10km/h, 2.8m/s or 10 (km/h): cadence norm for that speed, "
                        "step length and vertical oscillation in cm")
    a.add_argument("--capture-fps", type=float, metavar="N",
                   help="slow-motion clips: the frame rate the camera captured (e.g. 240 for a clip stored at 30 fps)")
    a.add_argument("--lang", choices=("de", "en"), default=None,
                   help="language of cues and warnings (default de); given, also of error messages")
    a.add_argument("--model", metavar="PATH", help="use this .task bundle instead of the provisioned one")
    a.add_argument("--model-variant", choices=("lite", "full", "heavy"), default=None,
                   help="which provisioned pose model to use (default: the one README 'Pose model' names; "
                        "others are built on first use)")
    a.add_argument("--no-cache", action="store_true", help="re-run the pose model even if a cached result exists")
    a.add_argument("--workers", type=int, metavar="N", default=None,
                   help="track the clip in N chunks in parallel processes (default: one per core, at most 2, "
                        "or FORMCHECK_WORKERS); 1 runs one serial pass")
    a.set_defaults(func=cmd_analyze)

    m = sub.add_parser("models", help="manage the pose model")
    msub = m.add_subparsers(dest="models_command", required=True)
    mi = msub.add_parser("install", help="build models/pose_landmarker_<variant>.task (reproducible, checksummed)")
    mi.add_argument("--variant", choices=("lite", "full", "heavy", "all"), default=None,
                    help="which model to build (default: the default variant); lite and heavy come from npm")
    mi.add_argument("--wheel", metavar="PATH", help="a downloaded mediapipe==0.10.21 wheel (offline install)")
    mi.add_argument("--tarball", metavar="PATH",
                    help="a downloaded @mediapipe/pose@0.5.1675469404 tarball from `npm pack` (offline lite/heavy)")
    mi.add_argument("--force", action="store_true", help="rebuild even if a verified bundle exists")
    mi.add_argument("--source", choices=("pypi", "official"), default="pypi",
                    help="'official' fetches Google's lite/full/heavy bundles where their host is reachable")
    mi.set_defaults(func=cmd_models_install)

    pt = sub.add_parser("patients", help="patients in the local (or clinic) database")
    psub = pt.add_subparsers(dest="patients_command", required=True)
    pl = psub.add_parser("list", help="list patients")
    pl.add_argument("--search", help="part of the pseudonym")
    pa = psub.add_parser("add", help="add a patient (prints the id)")
    pa.add_argument("pseudonym", help="pseudonym or initials (no full names: this is health data)")
    pa.add_argument("--birth-year", type=int)
    pa.add_argument("--height-cm", type=float)
    pa.add_argument("--leg-length-cm", type=float)
    pa.add_argument("--notes")
    pd = psub.add_parser("delete", help="erase a patient: rows, stored videos and every derived cache file")
    pd.add_argument("id", type=int)
    pe = psub.add_parser("export", help="one zip with the patient, sessions (JSON, CSV), videos and PDF reports")
    pe.add_argument("id", type=int)
    pe.add_argument("out", help="zip file to write")
    pe.add_argument("--lang", choices=("de", "en"), default=None,
                    help="language of the PDF reports in the zip (and of the messages; default German reports)")
    pi = psub.add_parser("import", help="recreate a patient from an export zip")
    pi.add_argument("archive")
    pt.set_defaults(func=cmd_patients)

    se = sub.add_parser("sessions", help="a patient's analysed sessions")
    ssub = se.add_subparsers(dest="sessions_command", required=True)
    sl = ssub.add_parser("list", help="list a patient's sessions")
    sl.add_argument("patient", type=int, help="patient id")
    sa = ssub.add_parser("add", help="analyse a clip and save it as a session (prints the id)")
    sa.add_argument("patient", type=int, help="patient id")
    sa.add_argument("video")
    sa.add_argument("--date", help="recording date YYYY-MM-DD (default today)")
    sa.add_argument("--tag", action="append", help="e.g. 'before retraining' (repeatable)")
    sa.add_argument("--notes")
    sa.add_argument("--capture-fps", type=float)
    sa.add_argument("--speed", metavar="SPEED",
                    help="treadmill belt speed (10km/h, 2.8m/s, 10 = km/h); default: the speed last saved for the "
                         "patient")
    sa.add_argument("--lang", choices=("de", "en"), default=None,
                    help="language of cues and warnings (default de); given, also of error messages")
    sx = ssub.add_parser("export", help="write one session's analysis JSON")
    sx.add_argument("id", type=int)
    sx.add_argument("out")
    sd = ssub.add_parser("delete", help="delete one session (and its video if no other session uses it)")
    sd.add_argument("id", type=int)
    se.set_defaults(func=cmd_sessions)

    ac = sub.add_parser("accounts", help="therapist and admin accounts for the clinic server mode (FORMCHECK_CLINIC=1)")
    asub = ac.add_subparsers(dest="accounts_command", required=True)
    asub.add_parser("list", help="list accounts")
    for name, helptext in (("add", "add an account (asks for the password)"), ("password", "set a new password"),
                           ("role", "change an account's role"), ("disable", "switch an account off"),
                           ("enable", "switch an account on again")):
        x = asub.add_parser(name, help=helptext)
        x.add_argument("username")
        if name in ("add", "role"):
            x.add_argument("--role" if name == "add" else "role", choices=("therapist", "admin"),
                           **({"default": "therapist"} if name == "add" else {}))
        if name in ("add", "password"):
            x.add_argument("--password-stdin", action="store_true", help="read the password from one line of stdin")
    ac.set_defaults(func=cmd_accounts)
    au = sub.add_parser("audit", help="the clinic audit log: who opened, saved, exported or erased which patient")
    au.add_argument("--patient", type=int, help="only this patient id")
    au.add_argument("--limit", type=int, default=500, help="newest entries to show (default 500)")
    au.set_defaults(func=cmd_audit)

    s = sub.add_parser("synth", help="render a synthetic runner with known kinematics",
                       formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    s.add_argument("out", help="output video path (.mp4)")
    _add_dataclass_options(s, synth.Gait)
    _add_dataclass_options(s, synth.Scene, skip=("look",))
    lk = s.add_mutually_exclusive_group()
    lk.add_argument("--look", type=int, metavar="SEED", default=None,
                    help="a varied look (clothes, light, scene, camera, body proportions) drawn from SEED; "
                         "its colours replace --skin/--shirt/…")
    lk.add_argument("--look-random", action="store_true", help="a varied look from a random seed (printed)")
    s.set_defaults(func=cmd_synth)
    return p


def entry() -> None:
    """The ``formcheck`` command: :func:`main`, then, if the pose model ran, exit without Python's teardown.

    With MediaPipe, SciPy and the landmarkers loaded the teardown takes about
    0.4 s (measured on the 20 s benchmark clip) and does nothing a user needs:
    by the time :func:`main` returns every output was written atomically,
    every context closed and the pose helpers were told to exit. Output
    streams are flushed first. ``main`` itself returns normally for callers
    in the same process.
    """
    code = main()
    if "mediapipe" not in sys.modules:  # nothing slow to tear down: leave the ordinary way
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (| head): nothing more to say
            pass
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    lang = getattr(args, "lang", None)  # only an explicit --lang turns the messages German
    try:
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handlers below, not at exit
        return code
    except FormcheckError as exc:
        return _fail(exc, lang)
    except OSError as exc:  # safety net: a write the command did not expect to fail
        if exc.errno == errno.EPIPE:
            return _pipe_closed()
        return _fail(write_error(exc), lang)
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except Exception as exc:  # a bug: still one sentence, the details on request
        if os.environ.get("FORMCHECK_DEBUG"):
            raise
        reason = (str(exc).splitlines() or [""])[0][:120]
        return _fail(FormcheckError(f"formcheck stopped on an unexpected {type(exc).__name__} ({reason}); "
                                    "run it again with FORMCHECK_DEBUG=1 to see the details and report them"), lang)


def _fail(exc: FormcheckError, lang: str | None) -> int:
    _err(f"error: {error_text(exc, lang)}")
    return exc.exit_code


def _pipe_closed() -> int:
    """stdout was closed by the reader (``formcheck patients list | head -1``): stop quietly."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # nothing left to flush into the closed pipe at exit
    return 141


if __name__ == "__main__":
    sys.exit(main())
