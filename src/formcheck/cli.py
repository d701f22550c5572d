"""Command line: ``formcheck analyze | models install | synth``.

Every user-facing failure ends in one line ``formcheck: error: …`` and a
non-zero exit code (see :mod:`formcheck.errors`), never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from formcheck import __version__
from formcheck.errors import FormcheckError


def _err(msg: str) -> None:
    print(f"formcheck: {msg}", file=sys.stderr)


# --------------------------------------------------------------------------- analyze
def cmd_analyze(args) -> int:
    from formcheck import pipeline

    result = pipeline.analyze_video(
        args.video, capture_fps=args.capture_fps, lang=args.lang, model=args.model,
        use_cache=not args.no_cache, out_dir=args.out, log=_err, show_progress=True, workers=args.workers,
        model_variant=args.model_variant,
    )
    text = json.dumps(result, indent=2, ensure_ascii=False)
    if args.json:
        if args.json == "-":
            print(text)
        else:
            pipeline.write_text_atomic(Path(args.json), text + "\n")
            _err(f"wrote {args.json}")
    else:
        print(pipeline.summary_text(result))
    return 0


# ---------------------------------------------------------------------------- models
def cmd_models_install(args) -> int:
    from formcheck import provision

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
    from formcheck.progress import Progress

    gait = synth.Gait(**{f.name: getattr(args, f.name) for f in dataclasses.fields(synth.Gait)})
    scene_kw = {f.name: getattr(args, f.name) for f in dataclasses.fields(synth.Scene)}
    for key in ("width", "height", "seed", "rotation_deg"):
        scene_kw[key] = int(scene_kw[key])
    try:
        scene = synth.Scene(**scene_kw)
        bar = Progress("rendering")
        truth = synth.generate(args.out, gait, scene, progress=bar.update)
        bar.close()
    except ValueError as exc:
        raise FormcheckError(f"synth: {exc}") from None
    print(f"wrote {args.out} ({truth['video']['n_frames']} frames) and {args.out}.truth.json")
    return 0


# ------------------------------------------------------------------------- patients
def _store():
    from formcheck.store import Store

    return Store()


def cmd_patients(args) -> int:
    st = _store()
    try:
        if args.patients_command == "list":
            for p in st.patients(args.search or ""):
                n = len(st.sessions(p.id))
                print(f"{p.id}\t{p.pseudonym}\t{p.birth_year or ''}\t{n} session(s)")
        elif args.patients_command == "add":
            p = st.add_patient(args.pseudonym, birth_year=args.birth_year, height_cm=args.height_cm,
                               leg_length_cm=args.leg_length_cm, notes=args.notes or "")
            print(p.id)
        elif args.patients_command == "delete":
            removed = st.delete_patient(args.id)
            _err(f"deleted patient {args.id} and {len(removed)} file(s)")
        elif args.patients_command == "export":
            out = st.export_patient(args.id, args.out)
            _err(f"wrote {out}")
        elif args.patients_command == "import":
            p = st.import_patient(args.archive)
            print(p.id)
    finally:
        st.close()
    return 0


def cmd_sessions(args) -> int:
    import datetime as _dt

    st = _store()
    try:
        if args.sessions_command == "list":
            for r in st.sessions(args.patient):
                m = r.analysis.get("metrics", {}).get("cadence_spm", {})
                print(f"{r.id}\t{r.recorded_on}\t{r.view}\t{r.video_name}\t{','.join(r.tags)}\t"
                      f"cadence {m.get('value')}\tformcheck {r.formcheck_version}")
        elif args.sessions_command == "add":
            from formcheck import pipeline

            result = pipeline.analyze_video(args.video, capture_fps=args.capture_fps, lang=args.lang, log=_err,
                                            show_progress=True)
            r = st.save_session(args.patient, args.video, result, notes=args.notes or "", tags=args.tag or [],
                                recorded_on=_dt.date.fromisoformat(args.date) if args.date else None)
            print(r.id)
        elif args.sessions_command == "export":
            r = st.session(args.id)
            pipeline_text = json.dumps(r.analysis, indent=2, ensure_ascii=False)
            from formcheck.pipeline import write_text_atomic

            write_text_atomic(Path(args.out), pipeline_text + "\n")
            _err(f"wrote {args.out}")
        elif args.sessions_command == "delete":
            removed = st.delete_session(args.id)
            _err(f"deleted session {args.id} and {len(removed)} file(s)")
    finally:
        st.close()
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
    a.add_argument("--out", metavar="DIR", help="also write the pose series and per-frame data to DIR")
    a.add_argument("--capture-fps", type=float, metavar="N",
                   help="slow-motion clips: the frame rate the camera captured (e.g. 240 for a clip stored at 30 fps)")
    a.add_argument("--lang", choices=("de", "en"), default="de", help="language of cues and warnings (default de)")
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
    pe = psub.add_parser("export", help="one zip with the patient, sessions (JSON, CSV) and videos")
    pe.add_argument("id", type=int)
    pe.add_argument("out", help="zip file to write")
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
    sa.add_argument("--lang", choices=("de", "en"), default="de")
    sx = ssub.add_parser("export", help="write one session's analysis JSON")
    sx.add_argument("id", type=int)
    sx.add_argument("out")
    sd = ssub.add_parser("delete", help="delete one session (and its video if no other session uses it)")
    sd.add_argument("id", type=int)
    se.set_defaults(func=cmd_sessions)

    s = sub.add_parser("synth", help="render a synthetic runner with known kinematics",
                       formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    s.add_argument("out", help="output video path (.mp4)")
    _add_dataclass_options(s, synth.Gait)
    _add_dataclass_options(s, synth.Scene)
    s.set_defaults(func=cmd_synth)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except FormcheckError as exc:
        _err(f"error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        _err("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
