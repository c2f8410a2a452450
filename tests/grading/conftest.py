"""A real nbgrader course in a temporary folder, graded once by the engine for all tests."""
from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
import pytest

from autograder import samples
from autograder.grading.engine import Engine, GradeOptions
from autograder.release import nbgrader_command, tool_env

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = "01"
DUE = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)


def make_course(path: Path, assignment: str = ASSIGNMENT) -> Path:
    """An nbgrader course with one released assignment and a due date."""
    path.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", path / "nbgrader_config.py")
    shutil.copytree(ROOT / "solutions" / assignment, path / "solutions" / assignment)
    subprocess.run(nbgrader_command(path, assignment), cwd=path, check=True, env=tool_env(),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{path / 'gradebook.db'}") as gb:
        gb.update_or_create_assignment(assignment, duedate=DUE)
    return path


def submit(course: Path, student: str, value, assignment: str = ASSIGNMENT, timestamp: datetime | None = None) -> None:
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    if value is not None:
        src, rel, name = samples.course_notebooks(course, assignment)
        samples.write_variant(value, folder / f"{name}.ipynb")
    stamp = timestamp or (DUE - timedelta(hours=1))
    (folder / "timestamp.txt").write_text(stamp.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))


def options(course: Path, **kw) -> GradeOptions:
    base = dict(assignment=ASSIGNMENT, course=course, jobs=2, timeout=90, cell_timeout=5, memory_mb=1024, progress=False)
    base.update(kw)
    return GradeOptions(**base)


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory):
    """Every kind of submission, graded once: ``(course, {student: NotebookResult})``."""
    course = make_course(tmp_path_factory.mktemp("course"))
    src, rel, name = samples.course_notebooks(course, ASSIGNMENT)
    submit(course, "honest", samples.filled(src, rel))
    submit(course, "mistaken", samples.filled(src, rel, {"softmax": samples.mistake_answer(ASSIGNMENT, "softmax", 0)}))
    submit(course, "untouched", rel)
    submit(course, "late", samples.filled(src, rel), timestamp=DUE + timedelta(days=2))
    submit(course, "no_notebook", None)
    for kind, value in samples.variants(src, rel).items():
        submit(course, kind, value)
    results = Engine(options(course)).run()
    return course, {r.student: r for r in results}


@pytest.fixture(scope="session")
def source_and_release(graded_class):
    course, _ = graded_class
    src, rel, name = samples.course_notebooks(course, ASSIGNMENT)
    return src, rel, name


def read_nb(path: Path):
    return nbformat.read(str(path), as_version=4)
