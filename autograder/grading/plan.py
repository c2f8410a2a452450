"""Merge a submission with its trusted source notebook into the steps to run.

As nbgrader intends, the instructor's version wins for everything but the answers:

- cells the source marks as locked (instructions, set-up, visible checks) and every
  graded test cell are taken from the *source* notebook, whatever the student did to
  them (edited, deleted, duplicated, points or metadata changed);
- answer (solution) cells are taken from the submission, matched by ``grade_id``; a
  duplicated id counts once (the first), a deleted answer cell counts as the stub;
- free cells (no nbgrader id: experiments, cells the student added) run as the student
  has them, where they are (after the preceding known cell);
- a graded test cell becomes a *grade step*: the checks of its function run at that
  point of the notebook, exactly where nbgrader would run the hidden tests.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


@dataclass(frozen=True)
class Step:
    kind: str  # "code" | "grade"
    cell_id: str
    source: str = ""
    grade_id: str = ""
    function: str = ""
    points: float = 0.0
    scenarios: tuple[str, ...] = field(default_factory=tuple)
    source_index: int = -1  # position in the source notebook; -1 for cells the student added


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...]
    foreign: bool  # the submission shares no answer cell with the source: another assignment's notebook?
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"steps": [asdict(s) for s in self.steps]}


def _meta(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell.get("metadata"), dict) else {}
    return meta if isinstance(meta, dict) else {}


def graded_function(grade_id: str) -> str:
    """The API name a test cell grades (``test_softmax`` -> ``softmax``)."""
    return grade_id[len("test_"):] if grade_id.startswith("test_") else grade_id


def build_plan(source_nb, student_nb, specs) -> Plan:
    """Steps for ``student_nb`` given the trusted ``source_nb``.

    Parameters
    ----------
    source_nb, student_nb : nbformat.NotebookNode
    specs : mapping
        API name -> object with ``.points`` and ``.scenarios`` (the judges' specs).
    """
    answers: dict[str, str] = {}
    extras: dict[str | None, list] = {}
    known_ids = {_meta(c).get("grade_id") for c in source_nb.cells if _meta(c).get("grade_id")}
    last_known = None
    notes = []
    for cell in student_nb.cells:
        gid = _meta(cell).get("grade_id")
        if gid in known_ids:
            if gid in answers:
                notes.append(f"cell id {gid!r} appears twice; the first one was graded")
            elif cell.get("cell_type") == "code":
                answers[gid] = cell.get("source", "")
            last_known = gid
        elif cell.get("cell_type") == "code" and cell.get("source", "").strip():
            extras.setdefault(last_known, []).append(cell)
    steps: list[Step] = []

    def add_extras(after):
        for k, cell in enumerate(extras.get(after, [])):
            steps.append(Step("code", f"added-{after or 'top'}-{k}", cell.get("source", "")))

    add_extras(None)
    source_solution_ids = set()
    for i, cell in enumerate(source_nb.cells):
        meta = _meta(cell)
        gid = meta.get("grade_id") or ""
        if cell.get("cell_type") == "code":
            if meta.get("grade") and not meta.get("solution"):
                name = graded_function(gid)
                spec = specs.get(name)
                if spec is None:
                    raise KeyError(f"the source notebook grades {name!r}, which has no checks")
                steps.append(Step("grade", gid, grade_id=gid, function=name, points=float(spec.points),
                                  scenarios=tuple(spec.scenarios), source_index=i))
            elif meta.get("solution"):
                source_solution_ids.add(gid)
                if gid not in answers:
                    notes.append(f"the answer cell {gid!r} is missing; it was graded as not implemented")
                steps.append(Step("code", gid or f"cell-{i}", answers.get(gid, STUB), grade_id=gid, source_index=i))
            elif gid and meta.get("locked"):
                steps.append(Step("code", gid, cell.get("source", ""), grade_id=gid, source_index=i))
            elif gid:  # an unlocked, ungraded cell with an id: the student's version if any
                steps.append(Step("code", gid, answers.get(gid, cell.get("source", "")), grade_id=gid, source_index=i))
            # source cells without an nbgrader id are free cells: the student's own
            # versions run (as "added" cells), never the source's
        if gid:
            add_extras(gid)
    foreign = bool(source_solution_ids) and not (source_solution_ids & set(answers))
    return Plan(tuple(steps), foreign, tuple(notes))
