"""Scores into the course's nbgrader gradebook, through nbgrader's own API.

Written in the grader's process only, one notebook at a time, so ``nbgrader export``,
the formgrader and manual grading see our grades exactly as if ``nbgrader autograde``
had written them (including late-submission penalties from the course's config).
"""
from __future__ import annotations

import warnings
from datetime import datetime

from sqlalchemy.exc import SAWarning

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import AssignLatePenalties

from .plan import graded_function
from .results import NotebookResult


class GradebookError(RuntimeError):
    """The gradebook is not ready for this assignment (generate it with nbgrader first)."""


def check_assignment(db_url: str, course_id: str, assignment: str) -> list[str]:
    """Names of the assignment's notebooks in the gradebook, or a clear error."""
    with Gradebook(db_url, course_id) as gb:
        try:
            a = gb.find_assignment(assignment)
        except MissingEntry:
            raise GradebookError(
                f"the gradebook has no assignment {assignment!r}: run `nbgrader generate_assignment {assignment}` first"
            ) from None
        return [nb.name for nb in a.notebooks]


def open_gradebook(db_url: str, course_id: str) -> Gradebook:
    """One connection for a whole run (opening one per notebook costs time)."""
    return Gradebook(db_url, course_id)


def record(gb: Gradebook, result: NotebookResult, timestamp: datetime | None, config=None) -> float:
    """Write one notebook's scores; return the submission's seconds late (0 if on time)."""
    reports = {r.function: r for r in result.functions}
    with warnings.catch_warnings():
        # nbgrader's own add_submission triggers SQLAlchemy autoflush warnings; they are harmless
        warnings.simplefilter("ignore", SAWarning)
        gb.update_or_create_student(result.student)
        kwargs = {"timestamp": timestamp} if timestamp else {}
        submission = gb.update_or_create_submission(result.assignment, result.student, **kwargs)
        notebook = gb.find_submission_notebook(result.notebook, result.assignment, result.student)
        for grade in notebook.grades:
            report = reports.get(graded_function(grade.name))
            grade.auto_score = report.earned if report is not None else 0.0
            grade.needs_manual_grade = False
        gb.db.commit()
        late = float(submission.total_seconds_late or 0.0)
        notebook.late_submission_penalty = None
        if late > 0:
            pre = AssignLatePenalties(config=config) if config is not None else AssignLatePenalties()
            pre.init_plugin()
            penalty = pre.plugin_inst.late_submission_penalty(result.student, notebook.score, late)
            if penalty is not None:
                notebook.late_submission_penalty = pre._check_late_penalty(notebook, penalty)
        gb.db.commit()
        return late
