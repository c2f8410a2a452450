"""Grade a class of 40+ students with `nbgrader autograde` and with our engine; compare.

Builds one nbgrader course per grader (same submissions) from the repository's
solution notebooks: honest complete submissions, partly wrong ones (catalogued
mistakes), and broken ones (syntax error, exception at import, infinite loop, untouched
notebook). Prints both wall times, their ratio, whether every score agrees on the
honest (and partly wrong) submissions, and the engine's overhead per notebook beyond
the time the students' own cells took.

    python bench/grade_class.py [--students 40] [--assignments 01 03] [--jobs N]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nbgrader.api import Gradebook  # noqa: E402

from autograder import samples  # noqa: E402
from autograder.checks.judges import CHAPTERS as GRADED  # noqa: E402
from autograder.checks.judges import FUNCTIONS  # noqa: E402
from autograder.course import BY_ID  # noqa: E402
from autograder.grading.engine import Engine, GradeOptions  # noqa: E402
from autograder.release import nbgrader_command, tool_env  # noqa: E402


def build_class(course: Path, assignments: list[str], n_students: int) -> dict[str, str]:
    """Write the course and submissions; return student -> kind."""
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    kinds = {}
    for a in assignments:
        shutil.copytree(ROOT / "solutions" / a, course / "solutions" / a)
        subprocess.run(nbgrader_command(course, a), cwd=course, check=True, env=tool_env(),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        src, rel, name = samples.course_notebooks(course, a)
        broken = samples.variants(src, rel)
        with_mistakes = [n for n in GRADED[a] if FUNCTIONS[n].mistakes]
        for i in range(n_students):
            student = f"student{i:03d}"
            slot = i % 10
            if slot < 6:
                kind, nb = "honest", samples.filled(src, rel)
            elif slot < 8:
                f = with_mistakes[i % len(with_mistakes)]
                kind, nb = "partly wrong", samples.filled(src, rel, {f: samples.mistake_answer(a, f)})
            else:
                kind = ["syntax_error", "exception_at_import", "infinite_loop", "untouched"][(i // 10) % 4]
                nb = rel if kind == "untouched" else broken[kind]
            samples.write_variant(nb, course / "submitted" / student / a / f"{name}.ipynb")
            kinds[student] = kind
    return kinds


def scores(course: Path, assignments: list[str]) -> dict:
    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for a in assignments:
            for sub in gb.find_assignment(a).submissions:
                for nb in sub.notebooks:
                    for g in nb.grades:
                        out[(a, sub.student.id, g.name)] = round(g.score, 2)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--assignments", nargs="+", default=["01"])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--cell-timeout", type=float, default=10.0)
    parser.add_argument("--engine-only", action="store_true", help="skip nbgrader (measure the engine alone)")
    args = parser.parse_args()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    work = Path(tempfile.mkdtemp(prefix="grade-class-"))
    ours_dir, theirs_dir = work / "engine", work / "nbgrader"
    ours_dir.mkdir()
    kinds = build_class(ours_dir, args.assignments, args.students)
    shutil.copytree(ours_dir, theirs_dir)
    n_notebooks = args.students * len(args.assignments)

    t0 = time.perf_counter()
    for a in ([] if args.engine_only else args.assignments):
        subprocess.run([sys.executable, "-m", "nbgrader", "autograde", a, "--log-level=ERROR",
                        f"--ExecutePreprocessor.timeout={int(args.cell_timeout)}"],
                       cwd=theirs_dir, env=tool_env(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t_nbgrader = time.perf_counter() - t0

    t0 = time.perf_counter()
    results = []
    for a in args.assignments:
        results += Engine(GradeOptions(assignment=a, course=ours_dir, jobs=args.jobs, cell_timeout=args.cell_timeout,
                                       timeout=300, progress=False)).run()
    t_engine = time.perf_counter() - t0

    ours = scores(ours_dir, args.assignments)
    theirs = ours if args.engine_only else scores(theirs_dir, args.assignments)
    honest_keys = [k for k in ours if kinds[k[1]] in ("honest", "partly wrong")]
    agree_honest = all(ours[k] == theirs.get(k) for k in honest_keys)
    agree_all = ours == theirs
    step_seconds = sum(r.step_seconds for r in results)  # the students' cells and the checks of their functions
    child_seconds = sum(r.seconds for r in results)
    overhead = (t_engine * args.jobs - step_seconds) / n_notebooks
    in_child = (child_seconds - step_seconds) / n_notebooks

    print(f"class: {args.students} students x {len(args.assignments)} assignment(s) = {n_notebooks} notebooks "
          f"({sum(k == 'honest' for k in kinds.values())} honest, {sum(k == 'partly wrong' for k in kinds.values())} "
          f"partly wrong, {sum(k not in ('honest', 'partly wrong') for k in kinds.values())} broken); {args.jobs} jobs")
    if not args.engine_only:
        print(f"nbgrader autograde : {t_nbgrader:8.1f} s  ({t_nbgrader / n_notebooks:.2f} s per notebook)")
    print(f"autograder engine  : {t_engine:8.1f} s  ({t_engine / n_notebooks:.2f} s per notebook)")
    if not args.engine_only:
        print(f"speed-up           : {t_nbgrader / t_engine:8.1f} x")
        print(f"scores agree       : honest and partly wrong {'yes' if agree_honest else 'NO'} ({len(honest_keys)} graded cells); "
          f"all submissions {'yes' if agree_all else 'no'}")
    if not agree_all:
        for k in sorted(ours):
            if ours[k] != theirs.get(k):
                print(f"  differs {k} ({kinds[k[1]]}): engine {ours[k]} vs nbgrader {theirs.get(k)}")
    print(f"engine overhead    : {overhead:.3f} s per notebook beyond running the students' code "
          f"({step_seconds:.1f} s of cells and checks in total), of which {in_child:.3f} s inside the sandboxed "
          f"child (fork, isolation, shell) and the rest start-up, judging and writing, spread over {n_notebooks} notebooks")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if agree_honest else 1


if __name__ == "__main__":
    sys.exit(main())
