"""The main job's grading step: a sample class, graded like a real one.

``python -m autograder samples`` writes the shipped sample submissions (``samples/``):
for a few assignments, students who hand in complete work, work with catalogued
mistakes, untouched notebooks, an infinite loop, a corrupt file, a syntax error, and a
late submission. ``python -m autograder demo`` builds an nbgrader course in
``sample_course/`` from ``solutions/``, copies the samples into its ``submitted/``
folder and grades every assignment there with the engine.
"""
from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat

from . import samples
from .course import BY_ID
from .release import release

SAMPLE_ASSIGNMENTS = ("01", "03", "07")
DUE = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)


def _class(src, rel, assignment: str) -> dict[str, tuple[object, datetime]]:
    """Student id -> (submission, timestamp)."""
    from .checks.judges import CHAPTERS, FUNCTIONS

    names = CHAPTERS[assignment]
    on_time, late = DUE - timedelta(hours=3), DUE + timedelta(days=1, hours=2)
    with_mistakes = [n for n in names if FUNCTIONS[n].mistakes]
    broken = samples.variants(src, rel)
    return {
        "ada": (samples.filled(src, rel), on_time),
        "ben": (samples.filled(src, rel, {with_mistakes[0]: samples.mistake_answer(assignment, with_mistakes[0])}), on_time),
        "cai": (samples.filled(src, rel, {n: samples.mistake_answer(assignment, n) for n in with_mistakes[1:3]}), on_time),
        "dee": (rel, on_time),
        "eve": (broken["infinite_loop"], on_time),
        "fay": (broken["corrupt_json"], on_time),
        "gus": (broken["syntax_error"], on_time),
        "hal": (samples.filled(src, rel), late),
    }


def write_samples(repo: Path, out: Path) -> list[Path]:
    """(Re)write ``out/submitted/<student>/<assignment>/`` for the sample assignments."""
    written = []
    for assignment in SAMPLE_ASSIGNMENTS:
        chapter = BY_ID[assignment]
        src = nbformat.read(repo / "solutions" / assignment / chapter.notebook, as_version=4)
        rel = nbformat.read(repo / "exercises" / assignment / chapter.notebook, as_version=4)
        for student, (value, stamp) in _class(src, rel, assignment).items():
            folder = out / "submitted" / student / assignment
            written.append(samples.write_variant(value, folder / chapter.notebook))
            (folder / "timestamp.txt").write_text(stamp.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
    return written


def build_course(repo: Path, course: Path, shipped: Path) -> list[str]:
    """An nbgrader course in ``course`` with the shipped submissions; returns assignments."""
    from nbgrader.api import Gradebook

    course.mkdir(parents=True, exist_ok=True)
    shutil.copy(repo / "nbgrader_config.py", course / "nbgrader_config.py")
    assignments = sorted(p.name for p in (shipped / "submitted").glob("*/*") if p.is_dir())
    assignments = sorted(set(assignments))
    for assignment in assignments:
        target = course / "solutions" / assignment
        if not target.exists():
            shutil.copytree(repo / "solutions" / assignment, target)
    release(course, assignments)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for assignment in assignments:
            gb.update_or_create_assignment(assignment, duedate=DUE)
    shutil.copytree(shipped / "submitted", course / "submitted", dirs_exist_ok=True)
    return assignments
