"""A real `nbgrader autograde` run: full marks for solutions, zero for untouched notebooks,
and one planted bug per chapter costs that function's points and no other."""
import shutil
import subprocess
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder import samples
from autograder.course import CHAPTERS
from autograder.release import nbgrader_command, tool_env

ROOT = Path(__file__).resolve().parents[2]

# For each chapter, a function nothing else in the chapter calls, with the catalogued
# mistake planted in it (a bug in a building block also costs the functions built on it,
# as it would for a student: e.g. affine_forward inside mlp_loss).
PLANTED = {
    "01": "softmax", "02": "adam_step", "03": "relative_error", "04": "clip_grad_value",
    "05": "init_mlp_params", "06": "selu_backward", "07": "batchnorm_backward", "08": "l1_penalty",
    "09": "dropout_backward", "10": "grid_search", "11": "bias_variance_report", "12": "train_capstone",
}


@pytest.fixture(scope="module")
def autograded(tmp_path_factory):
    course = tmp_path_factory.mktemp("nbgrader-course")
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(ROOT / "solutions", course / "solutions")
    for ch in CHAPTERS:
        subprocess.run(nbgrader_command(course, ch.id), cwd=course, check=True, env=tool_env(),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        src, rel, name = samples.course_notebooks(course, ch.id)
        planted = {PLANTED[ch.id]: samples.mistake_answer(ch.id, PLANTED[ch.id], 0)}
        for student, nb in (("solved", samples.filled(src, rel)), ("untouched", rel),
                            ("planted", samples.filled(src, rel, planted))):
            samples.write(nb, course / "submitted" / student / ch.id / f"{name}.ipynb")
        subprocess.run([*nbgrader_command(course, ch.id)[:3], "autograde", ch.id, "--log-level=ERROR",
                        f"--CourseDirectory.root={course}"], cwd=course, check=True, env=tool_env(),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    grades = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for ch in CHAPTERS:
            for student in ("solved", "untouched", "planted"):
                nb = gb.find_submission_notebook(ch.notebook[:-6], ch.id, student)
                grades[ch.id, student] = {g.name: (g.score, g.max_score) for g in nb.grades}
    return grades


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_solution_gets_full_marks(autograded, chapter):
    grades = autograded[chapter.id, "solved"]
    assert grades and all(score == top for score, top in grades.values()), grades


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_untouched_notebook_gets_zero_everywhere(autograded, chapter):
    grades = autograded[chapter.id, "untouched"]
    assert grades and all(score == 0 for score, _ in grades.values()), grades


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_planted_bug_costs_that_function_only(autograded, chapter):
    grades = autograded[chapter.id, "planted"]
    target = f"test_{PLANTED[chapter.id]}"
    score, top = grades[target]
    assert score < top, f"the planted bug in {target} was not penalised"
    others = {k: v for k, v in grades.items() if k != target}
    assert all(s == t for s, t in others.values()), f"other functions lost points: {others}"
