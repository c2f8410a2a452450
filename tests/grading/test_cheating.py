"""Nothing a submission does at run time raises its score."""
import pytest

from .test_robustness import FULL, WITHOUT_FIRST


def result(graded_class, student):
    return graded_class[1][student]


@pytest.mark.parametrize("student", [
    "patch_numpy",     # NumPy's comparisons patched to always agree
    "patch_checks",    # the check modules patched inside the submission's process
    "eq_override",     # returns objects whose __eq__ is always True
    "lying_subclass",  # an ndarray subclass that lies in __eq__
    "fake_output",     # prints a perfect score and returns a number
    "read_tests",      # looks for solutions and the reference implementations
    "tampered_tests",  # test cells rewritten to print 1000 points, points metadata changed
    "deleted_tests",   # test cells deleted
])
def test_tricks_do_not_earn_the_points_of_a_broken_function(graded_class, student):
    r = result(graded_class, student)
    first = r.functions[0]
    assert first.earned < first.points, first.render_text()
    assert r.score <= WITHOUT_FIRST + 0.5 * first.points, (student, r.score)
    assert r.max_score == FULL, "points come from the source notebook, not the submission"


def test_tampered_and_deleted_tests_are_graded_against_the_originals(graded_class):
    for student in ("tampered_tests", "deleted_tests"):
        names = [f.function for f in result(graded_class, student).functions]
        honest = [f.function for f in result(graded_class, "honest").functions]
        assert names == honest


def test_duplicated_cell_ids_count_once(graded_class):
    r = result(graded_class, "duplicated_ids")
    assert r.score == FULL
    assert any("appears twice" in n for n in r.notes)


def test_writing_files_changes_nothing_outside_the_sandbox(graded_class):
    course, results = graded_class
    assert result(graded_class, "write_files").score == FULL
    assert "hacked" not in (course / "grades.csv").read_text()
    assert (course / "gradebook.db").read_bytes()[:15] == b"SQLite format 3"
    assert not list(course.rglob("left_behind.txt"))


def test_no_test_source_or_reference_code_reaches_feedback(graded_class):
    course, results = graded_class
    import inspect

    import autograder.reference as ref

    secret_lines = [line.strip() for line in inspect.getsource(ref.softmax_cross_entropy).splitlines()
                    if "shifted" in line and "=" in line]
    for path in (course / "feedback").rglob("*.html"):
        text = path.read_text()
        assert "BEGIN HIDDEN TESTS" not in text and "from autograder" not in text
        assert not any(line in text for line in secret_lines), path
