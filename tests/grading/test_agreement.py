"""On honest submissions the engine and `nbgrader autograde` give the same grade, cell by cell."""
import shutil
import subprocess

from nbgrader.api import Gradebook

from autograder import samples
from autograder.grading.engine import Engine
from autograder.release import tool_env

from .conftest import ASSIGNMENT, make_course, options, submit


def grades(course):
    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sub in gb.find_assignment(ASSIGNMENT).submissions:
            for nb in sub.notebooks:
                for g in nb.grades:
                    out[(sub.student.id, nb.name, g.name)] = round(g.score, 2)
    return out


def test_engine_agrees_with_nbgrader_autograde(tmp_path):
    course = make_course(tmp_path / "engine")
    src, rel, _ = samples.course_notebooks(course, ASSIGNMENT)
    submit(course, "complete", samples.filled(src, rel))
    submit(course, "one_mistake", samples.filled(src, rel, {"softmax": samples.mistake_answer(ASSIGNMENT, "softmax", 0)}))
    submit(course, "two_mistakes", samples.filled(src, rel, {
        "l2_loss": samples.mistake_answer(ASSIGNMENT, "l2_loss", 1),
        "binary_cross_entropy": samples.mistake_answer(ASSIGNMENT, "binary_cross_entropy", 0)}))
    submit(course, "untouched", rel)
    other = tmp_path / "nbgrader"
    shutil.copytree(course, other)
    Engine(options(course)).run()
    subprocess.run(["nbgrader", "autograde", ASSIGNMENT, "--log-level=ERROR"], cwd=other, env=tool_env(), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ours, theirs = grades(course), grades(other)
    assert ours.keys() == theirs.keys() and len(ours) == 4 * 7
    assert ours == theirs
    assert sum(v for k, v in ours.items() if k[0] == "complete") == 17
