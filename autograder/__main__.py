"""Command line: ``python -m autograder <command>`` (also installed as ``autograder``).

Commands
--------
authoring build [ID ...]  rebuild the nbgrader source notebooks in solutions/ from the chapter specs
authoring check      fail if solutions/ is out of date (CI)
release [ID ...]     generate the student notebooks in exercises/ with nbgrader
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _root() -> Path:
    return Path(__file__).resolve().parents[1]


def _authoring(args) -> int:
    from .authoring.notebook import build_all, stale
    from .course import chapter

    chapters = [chapter(i) for i in args.ids] or None
    if args.action == "build":
        for path in build_all(args.course, chapters):
            print(f"wrote {path.relative_to(args.course)}")
        return 0
    out = stale(args.course, chapters)
    if out:
        print(f"solutions/ is out of date for chapters {', '.join(out)}: run `python -m autograder authoring build`")
        return 1
    print("solutions/ is up to date")
    return 0


def _release(args) -> int:
    from .release import release

    release(args.course, args.ids or None)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--course", type=Path, default=_root(), help="course directory (default: the repository)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("authoring", help="build or check the source notebooks")
    p.add_argument("action", choices=["build", "check"])
    p.add_argument("ids", nargs="*", help="chapter ids (default: every authored chapter)")
    p.set_defaults(func=_authoring)
    p = sub.add_parser("release", help="generate the student notebooks with nbgrader")
    p.add_argument("ids", nargs="*", help="chapter ids (default: all)")
    p.set_defaults(func=_release)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
