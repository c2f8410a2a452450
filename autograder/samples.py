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




# --------------------------------------------------------------------------- broken and cheating
def _answer_ids(source_nb) -> list[str]:
    return [_gid(c) for c in source_nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("solution")]


def _graded_ids(source_nb) -> list[str]:
    return [_gid(c) for c in source_nb.cells
            if c.get("metadata", {}).get("nbgrader", {}).get("grade") and not c.metadata.nbgrader.get("solution")]


def variants(source_nb, release_nb) -> dict:
    """Submissions that break or cheat in every way the grader must survive.

    Values are notebooks, or ``bytes`` for files that are not notebooks at all. The first
    graded function of the notebook is the target of function-level tricks.
    """
    first = _answer_ids(source_nb)[0]
    good = filled(source_nb, release_nb)
    last_setup = max(i for i, c in enumerate(good.cells) if _gid(c).startswith("setup"))
    fake_pass = (f"def {first}(*args, **kwargs):\n"
                 f"    print('{first}: 99 / 99 points')\n"
                 "    return 99.0\n")
    out = {
        # not notebooks
        "corrupt_json": b'{"cells": [ {"cell_type": "code", ',
        "empty_file": b"",
        "not_utf8": b"\xff\xfe\x00\x00 binary \x80\x81",
        # notebooks that run badly
        "syntax_error": filled(source_nb, release_nb, {first: "def oops(:\n    pass"}),
        "exception_at_import": add_cell(good, "import a_module_that_does_not_exist", position=last_setup + 1),
        "infinite_loop": add_cell(good, "while True:\n    pass"),
        "memory_bomb": add_cell(good, "hog = []\nwhile True:\n    hog.append(bytearray(400 * 2**20))"),
        "fork_bomb": add_cell(good, "import os\nfor _ in range(10_000):\n    try:\n        os.fork()\n    except OSError:\n        break"),
        "crash": add_cell(good, "import ctypes\nctypes.string_at(0)"),
        "exit_early": add_cell(good, "import os\nos._exit(0)", position=last_setup + 1),
        "sys_exit_in_cell": add_cell(good, "import sys\nsys.exit(0)", position=last_setup + 1),
        "enormous_output": add_cell(good, "print('x' * 50_000_000)"),
        # cheating
        "patch_numpy": add_cell(filled(source_nb, release_nb, {first: "def " + first + "(*a, **k):\n    return None"}),
                                "import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.isclose = lambda a, b, *r, **k: np.ones(np.shape(b), bool)\n"
                                "np.array_equal = lambda *a, **k: True", position=last_setup + 1),
        "patch_checks": add_cell(filled(source_nb, release_nb, {first: "def " + first + "(*a, **k):\n    return None"}),
                                 "import autograder.checks.compare as c\n"
                                 "c.values_match = lambda *a, **k: (True, '')\n"
                                 "c.SameCalls.__call__ = lambda self, a, e: (True, '')\n"
                                 "import autograder.checks.runner as r\n"
                                 "r.run_scenario = lambda ns, name: {'__dict__': {}}", position=last_setup + 1),
        "eq_override": filled(source_nb, release_nb, {first: (
            "class Anything:\n    def __eq__(self, other):\n        return True\n    __hash__ = None\n"
            "    shape = (1,)\n    def __array__(self, *a, **k):\n        raise TypeError('no')\n"
            f"def {first}(*args, **kwargs):\n    return Anything(), Anything()")}),
        "lying_subclass": filled(source_nb, release_nb, {first: (
            "import numpy as np\nclass Liar(np.ndarray):\n    def __eq__(self, other):\n        return np.ones(np.shape(other), bool)\n"
            f"def {first}(*args, **kwargs):\n    z = np.zeros((1, 1)).view(Liar)\n    return z, z")}),
        "fake_output": filled(source_nb, release_nb, {first: fake_pass}),
        "write_files": add_cell(good, (
            "import os, glob\n"
            "for target in glob.glob('/**/gradebook.db', recursive=True)[:5] + ['../grades.csv']:\n"
            "    try:\n        open(target, 'w').write('hacked')\n    except OSError:\n        pass\n"
            "open('left_behind.txt', 'w').write('x')")),
        "read_tests": add_cell(filled(source_nb, release_nb, {first: "def " + first + "(*a, **k):\n    return None"}), (
            "import glob, json\nstolen = []\n"
            "patterns = [top + '/*' * d + tail for top in ('/tmp', '/work', '/root', '/home') for d in range(4)\n"
            "            for tail in ('/solutions/*/*.ipynb', '/gradebook.db', '/autograder/reference/*.py', '/submitted/*/*/*.ipynb')]\n"
            "for pattern in patterns:\n"
            "    for path in glob.glob(pattern, recursive=True)[:20]:\n"
            "        try:\n            stolen.append(open(path, 'rb').read(10))\n        except OSError:\n            pass\n"
            "try:\n    import autograder.reference as ref\n    stolen.append(ref.softmax_cross_entropy)\nexcept Exception:\n    pass\n"
            f"if stolen:\n    raise SystemExit('stole ' + str(len(stolen)))"), position=last_setup + 1),
    }
    # tampered notebooks: graded against the original tests, as nbgrader intends
    tampered = copy.deepcopy(filled(source_nb, release_nb, {first: "def " + first + "(*a, **k):\n    return None"}))
    for cell in tampered.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            cell.source = "1000.0"
            meta["points"] = 1000
    out["tampered_tests"] = tampered
    deleted = copy.deepcopy(filled(source_nb, release_nb, {first: "def " + first + "(*a, **k):\n    return None"}))
    deleted.cells = [c for c in deleted.cells if not (c.get("metadata", {}).get("nbgrader", {}).get("grade") and not c.metadata.nbgrader.get("solution"))]
    out["deleted_tests"] = deleted
    dup = copy.deepcopy(good)
    first_cell = next(c for c in dup.cells if _gid(c) == first)
    bad_copy = copy.deepcopy(first_cell)
    bad_copy.source = "def " + first + "(*a, **k):\n    return None"
    bad_copy.id = "pasted-copy"  # Jupyter gives a pasted cell a new id but keeps its metadata
    dup.cells.append(bad_copy)  # a second cell claiming the same id, placed later
    out["duplicated_ids"] = dup
    foreign = copy.deepcopy(good)
    for cell in foreign.cells:
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta and meta.get("grade_id"):
            meta["grade_id"] = "another_assignment_" + meta["grade_id"]
    out["foreign_notebook"] = foreign
    stored = copy.deepcopy(good)
    stored.cells[-1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="y" * 20_000_000)]
    out["enormous_stored_outputs"] = stored
    return out


def write_variant(value, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(value, bytes):
        path.write_bytes(value)
        return path
    return write(value, path)
