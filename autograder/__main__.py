"""Command line: ``python -m autograder <command>`` (also installed as ``autograder``).

Commands
--------
authoring build [ID ...]  rebuild the nbgrader source notebooks in solutions/ from the chapter specs
authoring check      fail if solutions/ is out of date (CI)
release [ID ...]     generate the student notebooks in exercises/ with nbgrader
grade ASSIGNMENT     grade every submission of an assignment (see --help of grade)
samples              rewrite the shipped sample submissions (samples/)
demo                 build sample_course/ from solutions/ and samples/, grade it
"""
from __future__ import annotations

import argparse
import os
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


def _grade(args) -> int:
    from rich.console import Console

    from .grading.engine import Engine, GradeOptions, summary_table

    opts = GradeOptions(
        assignment=args.assignment, course=args.course, students=tuple(args.student or ()),
        jobs=args.jobs, timeout=args.timeout, cell_timeout=args.cell_timeout,
        memory_mb=args.memory, force=args.force, progress=not args.quiet,
    )
    console = Console(stderr=False)
    try:
        results = Engine(opts).run()
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/yellow]: what was graded is saved; run the same command again to finish the rest")
        return 130
    except (FileNotFoundError, RuntimeError) as exc:
        console.print(f"[red]error[/red]: {exc}")
        return 2
    if not args.quiet:
        console.print(summary_table(results))
        console.print(f"grades.csv: {opts.course / 'grades.csv'}   feedback: {opts.course / 'feedback'}")
    return 0


def _samples(args) -> int:
    from .demo import write_samples

    for path in write_samples(_root(), args.out):
        print(f"wrote {path}")
    return 0


def _demo(args) -> int:
    from rich.console import Console

    from .demo import build_course
    from .grading.engine import Engine, GradeOptions, summary_table

    console = Console()
    repo = _root()
    assignments = build_course(repo, args.course, repo / "samples")
    results = []
    for assignment in assignments:
        results += Engine(GradeOptions(assignment=assignment, course=args.course, timeout=120, cell_timeout=20)).run()
    console.print(summary_table(results))
    console.print(f"sample class graded: {args.course / 'grades.csv'} (feedback in {args.course / 'feedback'}, "
                  f"scores in {args.course / 'gradebook.db'}: try `nbgrader export` there)")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("authoring", help="build or check the source notebooks")
    p.add_argument("--course", type=Path, default=_root(), help="course directory (default: the repository)")
    p.add_argument("action", choices=["build", "check"])
    p.add_argument("ids", nargs="*", help="chapter ids (default: every authored chapter)")
    p.set_defaults(func=_authoring)
    p = sub.add_parser("release", help="generate the student notebooks with nbgrader")
    p.add_argument("--course", type=Path, default=_root(), help="course directory (default: the repository)")
    p.add_argument("ids", nargs="*", help="chapter ids (default: all)")
    p.set_defaults(func=_release)
    p = sub.add_parser("grade", help="grade every submission of an assignment (nbgrader course layout)")
    p.add_argument("assignment", help="assignment id, e.g. 01")
    p.add_argument("--course", type=Path, default=Path.cwd(), help="nbgrader course directory (default: the current directory)")
    p.add_argument("--student", action="append", help="grade only this student (repeatable)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel workers (default: all cores)")
    p.add_argument("--timeout", type=float, default=600.0, help="wall seconds per notebook (default 600)")
    p.add_argument("--cell-timeout", type=float, default=60.0, help="wall seconds per cell and per graded function (default 60)")
    p.add_argument("--memory", type=int, default=2048, help="memory limit per submission in MB (default 2048)")
    p.add_argument("--force", action="store_true", help="regrade notebooks that were already graded")
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary table")
    p.set_defaults(func=_grade)
    p = sub.add_parser("samples", help="rewrite the shipped sample submissions in samples/")
    p.add_argument("--out", type=Path, default=_root() / "samples")
    p.set_defaults(func=_samples)
    p = sub.add_parser("demo", help="grade the sample class in sample_course/ (the main job's last step)")
    p.add_argument("--course", type=Path, default=_root() / "sample_course")
    p.set_defaults(func=_demo)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
