"""solutions/ is built from the references, exercises/ is nbgrader's output, and nothing leaks."""
import ast
import inspect
import json
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

import autograder.reference as reference
from autograder.authoring.notebook import stale
from autograder.checks.judges import CHAPTERS as GRADED
from autograder.course import API_NAMES, CHAPTERS
from autograder.release import nbgrader_command, tool_env

ROOT = Path(__file__).resolve().parents[2]


def test_every_chapter_has_a_source_and_a_student_notebook():
    for ch in CHAPTERS:
        assert (ROOT / "solutions" / ch.id / ch.notebook).exists(), ch.id
        assert (ROOT / "exercises" / ch.id / ch.notebook).exists(), ch.id


def test_every_api_name_is_graded_in_its_chapter():
    for ch in CHAPTERS:
        assert set(GRADED[ch.id]) == set(ch.names), ch.id
    assert set(API_NAMES) <= {n for names in GRADED.values() for n in names}


def test_solutions_are_built_from_the_references():
    assert stale(ROOT) == [], "run `python -m autograder authoring build`"


def test_exercises_are_exactly_what_nbgrader_generates(tmp_path):
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    shutil.copytree(ROOT / "solutions", tmp_path / "solutions")
    for ch in CHAPTERS:
        subprocess.run(nbgrader_command(tmp_path, ch.id), cwd=tmp_path, check=True, env=tool_env(),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        mine = json.loads((ROOT / "exercises" / ch.id / ch.notebook).read_text())
        fresh = json.loads((tmp_path / "exercises" / ch.id / ch.notebook).read_text())
        assert mine == fresh, f"exercises/{ch.id} differs from nbgrader's output: run `python -m autograder release`"
    extra = {p.relative_to(ROOT / "exercises") for p in (ROOT / "exercises").rglob("*") if p.is_file()}
    assert extra == {Path(ch.id) / ch.notebook for ch in CHAPTERS}


def _distinctive(statement: str) -> bool:
    """Long enough to be a fingerprint, and not a bare input conversion like ``a = np.asarray(a, ...)``."""
    return len(statement) > 25 and not (" = np.asarray(" in statement and statement.count("(") == 1)


def _secret_lines() -> set[str]:
    """Distinctive statements of every reference function and class."""
    return {s for name in reference.__all__ for s in _statements(inspect.getsource(getattr(reference, name)).strip()) if _distinctive(s)}


def _statements(source: str) -> set[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {ast.unparse(n) for n in ast.walk(tree) if isinstance(n, (ast.Assign, ast.AugAssign, ast.Return))}


def _chapter_secret_lines(chapter: str) -> set[str]:
    """Distinctive statements of the functions this chapter grades."""
    out = set()
    for name in GRADED[chapter]:
        if hasattr(reference, name):
            out |= {s for s in _statements(inspect.getsource(getattr(reference, name)).strip()) if _distinctive(s)}
    return out


@pytest.mark.parametrize("path", sorted((ROOT / "exercises").rglob("*.ipynb")), ids=lambda p: p.parent.name)
def test_student_notebooks_hold_no_solution_or_hidden_test(path):
    text = path.read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "from autograder", "grade("):
        assert marker not in text, f"{path}: {marker}"
    secret = _chapter_secret_lines(path.parent.name)
    for cell in nbformat.read(path, as_version=4).cells:
        leaked = _statements(cell.source) & secret
        assert not leaked, f"{path}: solution code of a graded function: {sorted(leaked)[:2]}"


def test_student_toolkit_contains_no_reference_code():
    toolkit = "\n".join(p.read_text() for p in (ROOT / "mlpkit").rglob("*.py"))
    leaked = _statements(toolkit) & _secret_lines()
    assert not leaked, sorted(leaked)[:3]
    assert "import autograder" not in toolkit and "from autograder" not in toolkit
