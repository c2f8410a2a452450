"""Sample submissions, made from the course's own notebooks: for the demo, tests and benchmarks.

A *filled* submission is the released student notebook with every answer cell holding
the solution code (as an honest, complete student would hand in); variants replace one
answer with a catalogued mistake written out as plain code, or break the notebook in
one of the ways real submissions break.
"""
from __future__ import annotations

import copy
from pathlib import Path

import nbformat

from .authoring.source import BEGIN, END, renamed_source


def strip_markers(source: str) -> str:
    """Solution code without nbgrader's markers (what a student would have typed)."""
    return "\n".join(line for line in source.splitlines() if line.strip() not in (BEGIN, END))


def _gid(cell) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def filled(source_nb, release_nb, answers: dict[str, str] | None = None):
    """The release notebook with each answer cell filled: the solution, or ``answers[grade_id]``."""
    solutions = {_gid(c): strip_markers(c.source) for c in source_nb.cells
                 if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
    nb = copy.deepcopy(release_nb)
    for cell in nb.cells:
        gid = _gid(cell)
        if gid in solutions:
            cell.source = (answers or {}).get(gid, solutions[gid])
    return nb


def mistake_answer(chapter_id: str, function: str, index: int = 0) -> str:
    """Answer code for ``function`` that implements its ``index``-th catalogued mistake."""
    from .checks.judges import FUNCTIONS

    mistake = FUNCTIONS[function].mistakes[index]
    impl = mistake.overrides[function]
    return renamed_source(impl, function)


def add_cell(nb, source: str, position: int | None = None):
    """A copy of ``nb`` with a free code cell added (at the end by default)."""
    nb = copy.deepcopy(nb)
    cell = nbformat.v4.new_code_cell(source)
    nb.cells.insert(len(nb.cells) if position is None else position, cell)
    return nb


def write(nb, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def course_notebooks(course: Path, assignment: str):
    """(source, release) notebooks of an assignment's single notebook in a course."""
    src = next((course / "solutions" / assignment).glob("*.ipynb"))
    rel = course / "exercises" / assignment / src.name
    return nbformat.read(src, as_version=4), nbformat.read(rel, as_version=4), src.stem


