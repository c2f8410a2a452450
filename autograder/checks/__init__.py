"""Checks of student functions, usable in a notebook's hidden test cell or by the engine.

In a hidden test cell (nbgrader runs it in the student's kernel)::

    from autograder.checks import grade
    grade("softmax", globals(), points=3)

runs the function's scenarios on the notebook's namespace, converts their results to
plain data and back (exactly what the grading engine does across processes), judges
them against the reference, prints the report and returns the points earned, which
nbgrader reads as partial credit.
"""
from __future__ import annotations

import sys
from typing import Any, Mapping

from .model import CheckResult, FunctionReport
from .runner import run_scenarios
from .transport import from_plain

__all__ = ["CheckResult", "FunctionReport", "check_function", "grade"]


def check_function(name: str, namespace: Mapping[str, Any]) -> FunctionReport:
    """Run every check of ``name`` against ``namespace`` in this process."""
    from .judges import FUNCTIONS
    from .judges.base import judge_function

    spec = FUNCTIONS[name]
    plain = run_scenarios(namespace, spec.scenarios)
    actual = {k: from_plain(v) for k, v in plain.items()}
    return judge_function(name, spec, actual)


def grade(name: str, namespace: Mapping[str, Any], points: float | None = None) -> float:
    """Check ``name``, print its report and return the points earned.

    ``points`` must equal the function's points in the course's specs; it is repeated
    in the notebook only so that a reader of the cell sees it.
    """
    report = check_function(name, namespace)
    if points is not None and abs(float(points) - report.points) > 1e-9:
        raise ValueError(f"{name}: the cell says {points} points, the course specs say {report.points}")
    print(report.render_text(), file=sys.stdout)
    return report.earned
