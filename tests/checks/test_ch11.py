"""Chapter 11 checks: correct implementations written differently earn full marks, wrong ones fail the intended check."""
import math

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix as sk_confusion_matrix
from sklearn.metrics import precision_recall_fscore_support

from autograder.checks.judges.base import expected_result
from autograder.checks.runner import scenario_seed
from autograder.checks.scenarios.ch11 import _label_cases, _undefined_cases

from .support import grade_with


def failed_checks(report) -> list[str]:
    return [c.name for c in report.checks if not c.passed]


# --------------------------------------------------------------------------- train_dev_test_split


def split_with_argsort(X, y, fractions=(0.6, 0.2, 0.2), rng=None):
    """Another way to shuffle (argsort of uniform keys) and to size (int() truncation)."""
    X, y = np.asarray(X), np.asarray(y)
    n = len(X)
    n_train = int(fractions[0] * n)
    n_dev = int(fractions[1] * n)
    order = np.arange(n) if rng is None else np.argsort(rng.random(n), kind="stable")
    parts = np.split(order, [n_train, n_train + n_dev])
    return tuple(a[idx].copy() for idx in parts for a in (X, y))


def split_with_views(X, y, fractions=(0.6, 0.2, 0.2), rng=None):
    """Correct sets, but with rng=None the outputs are slices (views) of the inputs."""
    n = len(X)
    n_train, n_dev = math.floor(fractions[0] * n), math.floor(fractions[1] * n)
    if rng is not None:
        perm = rng.permutation(n)
        X, y = X[perm], y[perm]
    cut = n_train + n_dev
    return X[:n_train], y[:n_train], X[n_train:cut], y[n_train:cut], X[cut:], y[cut:]


def split_with_float_labels(X, y, fractions=(0.6, 0.2, 0.2), rng=None):
    """Correct sets, but y turned into floats."""
    out = split_with_argsort(X, y, fractions, rng)
    return tuple(a.astype(np.float64) if k % 2 else a for k, a in enumerate(out))


def test_split_shuffled_another_way_gets_full_marks():
    report = grade_with("train_dev_test_split", train_dev_test_split=split_with_argsort)
    assert report.earned == report.points, report.render_text()


def test_split_returning_views_fails_only_purity():
    report = grade_with("train_dev_test_split", train_dev_test_split=split_with_views)
    assert failed_checks(report) == ["inputs are left unchanged and the six outputs are new arrays (with and without an rng)"], \
        report.render_text()


def test_split_losing_the_integer_labels_fails_the_partition_check():
    report = grade_with("train_dev_test_split", train_dev_test_split=split_with_float_labels)
    assert failed_checks(report) == [
        "with an rng: the same sizes, every example in exactly one set, rows of X and y still paired"], report.render_text()
    assert "keep the dtype of y" in report.checks[1].message, report.render_text()


def test_split_drawing_with_replacement_is_caught():
    def with_replacement(X, y, fractions=(0.6, 0.2, 0.2), rng=None):
        if rng is None:
            return split_with_argsort(X, y, fractions, None)
        idx = rng.integers(0, len(X), len(X))
        return split_with_argsort(X[idx], y[idx], fractions, None)

    report = grade_with("train_dev_test_split", train_dev_test_split=with_replacement)
    assert "appear twice and others not at all" in report.checks[1].message, report.render_text()


# --------------------------------------------------------------------------- bias_variance_report


def test_lecture_table_gives_the_lecture_verdicts():
    """The lecture's table, worked by hand: with human error 0 and threshold 2%,
    1%/12% -> low bias, high variance; 12%/13% -> high, low; 12%/20% -> high, high; 1%/2% -> low, low."""
    calls = expected_result("bias_variance_report.lecture")["calls"]
    verdicts = [(c["out"]["high_bias"], c["out"]["high_variance"]) for c in calls]
    assert verdicts == [(False, True), (True, False), (True, True), (False, False)], verdicts
    assert [c["out"]["focus"] for c in calls] == ["variance", "bias", "bias", "none"]


def test_models_a_to_d_give_the_lecture_conclusions():
    """Bayes 0.5%, human 0.7%: A (3.5/7.8) and B (3.5/4.0) -> focus on bias, C (1.0/5.0) -> variance,
    D (0.8/1.0) -> well trained; B's variance is 4.0 - 3.5 = 0.5% (the source table's 0.8% is a slip)."""
    calls = expected_result("bias_variance_report.bayes")["calls"][:4]
    assert [c["out"]["focus"] for c in calls] == ["bias", "bias", "variance", "none"]
    assert math.isclose(calls[1]["out"]["variance"], 0.005, rel_tol=1e-9), calls[1]["out"]
    assert math.isclose(calls[0]["out"]["avoidable_bias"], 0.028, rel_tol=1e-9), calls[0]["out"]
    assert math.isclose(calls[0]["out"]["bias"], 0.030, rel_tol=1e-9), calls[0]["out"]


def report_in_percent(train_error, dev_error, human_error=0.0, bayes_error=None, train_dev_error=None,
                      test_error=None, threshold=0.02):
    """Works in percentage points and converts back: equal up to rounding in the last bits."""
    pct = {k: None if v is None else 100.0 * v for k, v in dict(
        train=train_error, dev=dev_error, human=human_error, bayes=bayes_error, train_dev=train_dev_error,
        test=test_error).items()}
    gaps = {
        "avoidable_bias": pct["train"] - pct["human"],
        "bias": None if pct["bayes"] is None else pct["train"] - pct["bayes"],
        "variance": (pct["dev"] if pct["train_dev"] is None else pct["train_dev"]) - pct["train"],
        "data_mismatch": None if pct["train_dev"] is None else pct["dev"] - pct["train_dev"],
        "dev_overfitting": None if pct["test"] is None else pct["test"] - pct["dev"],
    }
    report = {k: None if v is None else v / 100.0 for k, v in gaps.items()}
    report["high_bias"] = report["avoidable_bias"] > threshold
    report["high_variance"] = report["variance"] > threshold
    mismatch = report["data_mismatch"]
    report["focus"] = ("bias" if report["high_bias"] else "variance" if report["high_variance"]
                       else "data_mismatch" if mismatch is not None and mismatch > threshold else "none")
    return report


def test_bias_variance_report_in_percent_gets_full_marks():
    report = grade_with("bias_variance_report", bias_variance_report=report_in_percent)
    assert report.earned == report.points, report.render_text()


def test_report_with_numpy_bools_and_floats_gets_full_marks():
    import autograder.reference as ref

    def numpy_typed(*args, **kwargs):
        out = ref.bias_variance_report(*args, **kwargs)
        return {k: np.bool_(v) if isinstance(v, bool) else np.float64(v) if isinstance(v, float) else v
                for k, v in out.items()}

    report = grade_with("bias_variance_report", bias_variance_report=numpy_typed)
    assert report.earned == report.points, report.render_text()


# --------------------------------------------------------------------------- confusion matrix and metrics


def cm_sklearn(y_true, y_pred, n_classes):
    return sk_confusion_matrix(y_true, y_pred, labels=np.arange(n_classes))


def cm_loops(y_true, y_pred, n_classes):
    cm = np.zeros((n_classes, n_classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        cm[t, p] += 1
    return cm


def prf_sklearn(y_true, y_pred, n_classes):
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, labels=np.arange(n_classes), average=None,
                                                 zero_division=0)
    return p, r, f


def prf_silent_nan_to_num(y_true, y_pred, n_classes):
    """Right values, but reached through 0 / 0 (NaN, with a warning) and np.nan_to_num."""
    cm = cm_loops(y_true, y_pred, n_classes)
    tp = np.diag(cm).astype(float)
    precision = np.nan_to_num(tp / cm.sum(axis=0))
    recall = np.nan_to_num(tp / cm.sum(axis=1))
    f1 = np.nan_to_num(2 * tp / (cm.sum(axis=0) + cm.sum(axis=1)))
    return precision, recall, f1


@pytest.mark.parametrize("impl", [cm_sklearn, cm_loops])
def test_other_confusion_matrices_get_full_marks(impl):
    report = grade_with("confusion_matrix", confusion_matrix=impl)
    assert report.earned == report.points, report.render_text()


def test_scikit_learn_metrics_get_full_marks():
    report = grade_with("precision_recall_f1", precision_recall_f1=prf_sklearn)
    assert report.earned == report.points, report.render_text()


def test_nan_to_num_after_warnings_fails_only_the_strict_check():
    report = grade_with("precision_recall_f1", precision_recall_f1=prf_silent_nan_to_num)
    assert failed_checks(report) == ["0 where a ratio is undefined, without division warnings"], report.render_text()


def test_metrics_match_scikit_learn_on_the_hidden_cases():
    """The expected values of the hidden checks agree with scikit-learn (an independent implementation)."""
    seed = scenario_seed("precision_recall_f1.values")
    cases = _label_cases(seed) + _undefined_cases(seed)
    calls = expected_result("precision_recall_f1.values")["calls"]
    assert len(calls) == len(cases)
    for call, case in zip(calls, cases):
        for got, want in zip(call["out"], prf_sklearn(*case.args)):
            np.testing.assert_allclose(got, want, rtol=1e-12, err_msg=case.label)
