"""One test per bad input: every submission gets a row, a score and a one-line reason."""
import csv
import io

import pytest

FULL, WITHOUT_FIRST = 17.0, 15.0  # chapter 01: 17 points, its first function (l1_loss) is worth 2


def row(graded_class, student):
    course, results = graded_class
    return results[student]


@pytest.mark.parametrize("student,status,reason_words", [
    ("corrupt_json", "unreadable", "not valid notebook JSON"),
    ("empty_file", "unreadable", "empty file"),
    ("not_utf8", "unreadable", "not UTF-8"),
    ("no_notebook", "missing", "no file"),
    ("foreign_notebook", "wrong_notebook", "another assignment"),
])
def test_unusable_files_score_zero_with_a_reason(graded_class, student, status, reason_words):
    r = row(graded_class, student)
    assert (r.score, r.status) == (0, status), (r.status, r.reason)
    assert reason_words in r.reason
    assert all(f.error for f in r.functions), "every function says why it was not checked"


def test_untouched_student_notebook_scores_zero(graded_class):
    r = row(graded_class, "untouched")
    assert r.score == 0 and r.status == "graded"
    assert all("not implemented" in f.error for f in r.functions)


def test_honest_submission_scores_full(graded_class):
    r = row(graded_class, "honest")
    assert r.score == FULL and r.status == "graded" and not r.reason, r.reason


def test_one_mistake_costs_that_function_only(graded_class):
    r = row(graded_class, "mistaken")
    by_name = {f.function: f for f in r.functions}
    assert by_name["softmax"].earned < by_name["softmax"].points
    assert all(f.earned == f.points for f in r.functions if f.function != "softmax")
    assert any("maximum" in c.message for c in by_name["softmax"].checks), by_name["softmax"].render_text()


def test_syntax_error_loses_only_that_function(graded_class):
    r = row(graded_class, "syntax_error")
    assert r.score == WITHOUT_FIRST
    assert "SyntaxError" in r.reason


def test_exception_at_import_is_reported_and_the_rest_graded(graded_class):
    r = row(graded_class, "exception_at_import")
    assert r.score == FULL
    assert "ModuleNotFoundError" in r.reason


@pytest.mark.parametrize("student,words", [
    ("infinite_loop", "more than 5 s"),
    ("memory_bomb", "MemoryError"),
])
def test_runaway_cells_are_stopped_and_the_rest_graded(graded_class, student, words):
    r = row(graded_class, student)
    assert r.score == FULL, r.reason
    assert words in r.reason


def test_fork_bomb_is_contained(graded_class):
    r = row(graded_class, "fork_bomb")
    assert r.score == FULL, r.reason


@pytest.mark.parametrize("student", ["crash", "exit_early"])
def test_a_dying_process_keeps_what_was_checked(graded_class, student):
    r = row(graded_class, student)
    assert r.status == "partial"
    assert "ended early" in r.reason
    if student == "crash":  # crashes in the last cell: everything before it was graded
        assert r.score == FULL and "SIGSEGV" in r.reason
    else:  # exits right after the set-up: nothing could be checked
        assert r.score == 0 and all("not checked" in f.error for f in r.functions)


def test_sys_exit_in_a_cell_does_not_stop_grading(graded_class):
    assert row(graded_class, "sys_exit_in_cell").score == FULL


@pytest.mark.parametrize("student", ["enormous_output", "enormous_stored_outputs"])
def test_enormous_outputs_are_cut_not_fatal(graded_class, student):
    r = row(graded_class, student)
    assert r.score == FULL
    assert all(len(c["output"]) <= 25_000 for c in r.cells)


def test_every_student_has_a_csv_row_with_status(graded_class):
    course, results = graded_class
    rows = list(csv.DictReader(io.StringIO((course / "grades.csv").read_text())))
    assert {r["student"] for r in rows} == set(results)
    assert all(r["status"] for r in rows)
    honest = next(r for r in rows if r["student"] == "honest")
    assert float(honest["score"]) == FULL and float(honest["max_score"]) == FULL
