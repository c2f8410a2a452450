"""Interrupted runs finish on the next run without regrading; a complete rerun changes nothing."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from autograder import samples
from autograder.grading.engine import Engine

from .conftest import ASSIGNMENT, make_course, options, submit


def snapshot(course: Path) -> dict:
    files = [p for d in ("autograded", "feedback") for p in (course / d).rglob("*") if p.is_file()]
    files.append(course / "grades.csv")
    return {str(p): (p.stat().st_mtime_ns, p.read_bytes()) for p in files}


def test_second_complete_run_changes_nothing(graded_class):
    course, results = graded_class
    before = snapshot(course)
    again = Engine(options(course)).run()
    assert snapshot(course) == before
    assert {r.student: r.score for r in again} == {s: r.score for s, r in results.items()}


def test_force_regrades(tmp_path):
    course = make_course(tmp_path / "course")
    src, rel, _ = samples.course_notebooks(course, ASSIGNMENT)
    submit(course, "a", samples.filled(src, rel))
    Engine(options(course)).run()
    record = next((course / "autograded").rglob("*.autograder.json"))
    first = record.stat().st_mtime_ns
    Engine(options(course)).run()
    assert record.stat().st_mtime_ns == first
    Engine(options(course, force=True)).run()
    assert record.stat().st_mtime_ns > first


def test_interrupted_run_is_finished_by_the_next(tmp_path):
    course = make_course(tmp_path / "course")
    src, rel, _ = samples.course_notebooks(course, ASSIGNMENT)
    slow = samples.add_cell(samples.filled(src, rel), "import time\ntime.sleep(4)")
    students = [f"s{i}" for i in range(6)]
    for s in students:
        submit(course, s, slow)
    cmd = [sys.executable, "-m", "autograder", "grade", ASSIGNMENT, "--course", str(course), "--jobs", "1",
           "--cell-timeout", "10", "--quiet"]
    proc = subprocess.Popen(cmd, cwd=course, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list((course / "autograded").rglob("*.autograder.json")):
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    done_after_interrupt = {p.parent.parent.name for p in (course / "autograded").rglob("*.autograder.json")}
    assert proc.returncode == 130, out.decode()
    assert b"run the same command again" in out
    assert 1 <= len(done_after_interrupt) < len(students)
    marks = {p: p.stat().st_mtime_ns for p in (course / "autograded").rglob("*.autograder.json")}
    results = Engine(options(course)).run()
    assert {r.student for r in results} == set(students)
    assert all(r.score == 17 for r in results)
    for p, mtime in marks.items():
        assert p.stat().st_mtime_ns == mtime, f"{p} was graded again"
    assert not [p for p in Path("/proc").iterdir() if p.name.isdigit() and _is_orphan_child(p, course)]


def _is_orphan_child(proc_dir: Path, course: Path) -> bool:
    try:
        return str(course) in (proc_dir / "cmdline").read_text() and os.getpid() != int(proc_dir.name)
    except OSError:
        return False
