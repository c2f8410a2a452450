"""Build the nbgrader source notebooks in ``solutions/`` from the chapter specs.

``python -m autograder authoring build`` writes every ``solutions/<id>/<slug>.ipynb``;
``python -m autograder authoring check`` fails if any of them differs from what would be
built (CI runs it), so solution code cannot drift from ``autograder.reference``.
"""
from __future__ import annotations

import importlib
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from ..course import CHAPTERS, Chapter
from .cells import Cell
from .source import provided_source, solution_source

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3"}


def _points(name: str) -> float:
    from ..checks.judges import FUNCTIONS

    return FUNCTIONS[name].points


def _nbgrader(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def hidden_test_source(name: str, points: float) -> str:
    return (
        f"# Hidden tests for `{name}` ({points:g} points) run when your notebook is graded.\n"
        "### BEGIN HIDDEN TESTS\n"
        "from autograder.checks import grade\n"
        f"grade({name!r}, globals(), points={points:g})\n"
        "### END HIDDEN TESTS"
    )


def _to_cell(cell: Cell, index: int, counters: dict[str, int]):
    counters[cell.kind] = counters.get(cell.kind, 0) + 1
    k = counters[cell.kind]
    if cell.kind == "md":
        nb_cell = new_markdown_cell(cell.source, metadata=_nbgrader(f"md_{k}", locked=True))
        nb_cell.id = f"md-{k}"
    elif cell.kind == "setup":
        nb_cell = new_code_cell(cell.source, metadata=_nbgrader(f"setup_{k}", locked=True))
        nb_cell.id = f"setup-{k}"
    elif cell.kind == "provided":
        nb_cell = new_code_cell(provided_source(cell.name), metadata=_nbgrader(f"provided_{cell.name}", locked=True))
        nb_cell.id = f"provided-{cell.name}"
    elif cell.kind == "solution":
        nb_cell = new_code_cell(solution_source(cell.name), metadata=_nbgrader(f"{cell.name}", solution=True))
        nb_cell.id = f"solution-{cell.name}"
    elif cell.kind == "visible_test":
        nb_cell = new_code_cell(cell.source, metadata=_nbgrader(f"check_{k}", locked=True))
        nb_cell.id = f"check-{k}"
    elif cell.kind == "hidden_test":
        points = _points(cell.name)
        nb_cell = new_code_cell(
            hidden_test_source(cell.name, points),
            metadata=_nbgrader(f"test_{cell.name}", grade=True, locked=True, points=points),
        )
        nb_cell.id = f"test-{cell.name}"
    elif cell.kind == "experiment":
        nb_cell = new_code_cell(cell.source, metadata={})
        nb_cell.id = f"experiment-{k}"
    else:  # pragma: no cover
        raise ValueError(f"unknown cell kind {cell.kind!r}")
    return nb_cell


def chapter_cells(chapter: Chapter) -> list[Cell]:
    module = importlib.import_module(f"{__package__}.chapters.ch{chapter.id}")
    cells: list[Cell] = []
    for item in module.CELLS:
        cells.extend(item if isinstance(item, list) else [item])
    return cells


def build_notebook(chapter: Chapter):
    """The nbgrader source notebook of ``chapter`` (an ``nbformat`` node)."""
    cells = chapter_cells(chapter)
    solved = [c.name for c in cells if c.kind == "solution"]
    tested = [c.name for c in cells if c.kind == "hidden_test"]
    missing = set(chapter.names) - set(solved)
    if missing or solved != tested:
        raise ValueError(f"chapter {chapter.id}: every graded name needs one solution cell and one hidden test "
                         f"(missing solutions: {sorted(missing)}; solutions {solved} vs tests {tested})")
    counters: dict[str, int] = {}
    nb = new_notebook(
        cells=[_to_cell(c, i, counters) for i, c in enumerate(cells)],
        metadata={"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO},
    )
    nbformat.validate(nb)
    return nb


def notebook_path(root: Path, chapter: Chapter) -> Path:
    return root / "solutions" / chapter.id / chapter.notebook


def render(nb) -> str:
    return nbformat.writes(nb) + "\n"


def build_all(root: Path, chapters=None) -> list[Path]:
    """Write the source notebooks; returns the paths written."""
    written = []
    for chapter in chapters or _authored():
        path = notebook_path(root, chapter)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(build_notebook(chapter)), encoding="utf-8")
        written.append(path)
    return written


def stale(root: Path, chapters=None) -> list[str]:
    """Chapters whose notebook in ``solutions/`` differs from a fresh build."""
    out = []
    for chapter in chapters or _authored():
        path = notebook_path(root, chapter)
        if not path.exists() or path.read_text(encoding="utf-8") != render(build_notebook(chapter)):
            out.append(chapter.id)
    return out


def _authored() -> list[Chapter]:
    here = Path(__file__).parent / "chapters"
    return [c for c in CHAPTERS if (here / f"ch{c.id}.py").exists()]
