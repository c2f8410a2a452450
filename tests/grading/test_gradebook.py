"""Scores land in nbgrader's gradebook and autograded notebooks as nbgrader would write them."""
import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.utils import determine_grade

from .conftest import ASSIGNMENT


def test_gradebook_scores_read_back_through_nbgraders_api(graded_class):
    course, results = graded_class
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in ("honest", "mistaken", "untouched", "corrupt_json", "infinite_loop"):
            r = results[student]
            nb = gb.find_submission_notebook(r.notebook, ASSIGNMENT, student)
            assert nb.score == pytest.approx(r.score), (student, nb.score, r.score)
            assert nb.max_score == r.max_score
            for grade in nb.grades:
                assert grade.auto_score is not None and not grade.needs_manual_grade
        total = gb.find_submission(ASSIGNMENT, "honest").score
        assert total == 17


def test_late_submission_follows_timestamp_and_due_date(graded_class):
    course, results = graded_class
    assert results["late"].late_seconds == 2 * 24 * 3600
    assert results["honest"].late_seconds == 0
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_submission(ASSIGNMENT, "late").total_seconds_late == 2 * 24 * 3600


def test_autograded_notebook_is_scored_the_same_by_nbgrader(graded_class):
    course, results = graded_class
    for student in ("honest", "mistaken", "syntax_error", "tampered_tests", "exception_at_import"):
        r = results[student]
        nb = nbformat.read(course / "autograded" / student / ASSIGNMENT / f"{r.notebook}.ipynb", as_version=4)
        nbformat.validate(nb)  # outputs, errors and ids are valid nbformat 4
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
        assert bool(errors) == (student != "honest"), student  # the others fail a visible or own cell
        graded = [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade")
                  and not c.metadata.nbgrader.get("solution")]
        score = sum(determine_grade(c)[0] for c in graded)
        assert round(score, 2) == r.score, student
        assert all("BEGIN HIDDEN TESTS" in c.source for c in graded), "test cells come from the source"


def test_feedback_page_shows_every_check_and_its_points(graded_class):
    course, results = graded_class
    r = results["mistaken"]
    page = (course / "feedback" / "mistaken" / ASSIGNMENT / f"{r.notebook}.html").read_text()
    for f in r.functions:
        assert f.function in page
        for c in f.checks:
            assert c.name.replace("'", "&#x27;") in page or c.name in page
    assert f"{r.score:g} / {r.max_score:g}" in page
