"""Common wrong versions of the chapter 11 error-analysis functions."""
from __future__ import annotations

import numpy as np

# --------------------------------------------------------------------------- train_dev_test_split


def _split(X, y, order, n_train, n_dev, n_test):
    train = order[:n_train]
    dev = order[n_train:n_train + n_dev]
    test = order[n_train + n_dev:n_train + n_dev + n_test]
    return X[train], y[train], X[dev], y[dev], X[test], y[test]


def split_round(X, y, fractions=(0.6, 0.2, 0.2), rng=None):
    """round(f * N) instead of floor(f * N) for train and dev."""
    X, y = np.asarray(X), np.asarray(y)
    n = len(X)
    n_train = int(round(fractions[0] * n))
    n_dev = max(0, min(int(round(fractions[1] * n)), n - n_train))
    order = np.arange(n) if rng is None else rng.permutation(n)
    return _split(X, y, order, n_train, n_dev, n)


def split_test_floor(X, y, fractions=(0.6, 0.2, 0.2), rng=None):
    """The test set also gets floor(f_test * N) examples: the rounding remainder is lost."""
    X, y = np.asarray(X), np.asarray(y)
    n = len(X)
    n_train, n_dev, n_test = (int(np.floor(f * n)) for f in fractions)
    order = np.arange(n) if rng is None else rng.permutation(n)
    return _split(X, y, order, n_train, n_dev, n_test)


def split_unpaired(X, y, fractions=(0.6, 0.2, 0.2), rng=None):
    """X and y shuffled with two different permutations."""
    X, y = np.asarray(X), np.asarray(y)
    n = len(X)
    n_train, n_dev = int(np.floor(fractions[0] * n)), int(np.floor(fractions[1] * n))
    if rng is None:
        return _split(X, y, np.arange(n), n_train, n_dev, n)
    X, y = X[rng.permutation(n)], y[rng.permutation(n)]
    return _split(X, y, np.arange(n), n_train, n_dev, n)


def split_shuffle_within_sets(X, y, fractions=(0.6, 0.2, 0.2), rng=None):
    """Splits in the given order, then shuffles inside each set: the sets themselves are not random."""
    X, y = np.asarray(X), np.asarray(y)
    n = len(X)
    n_train, n_dev = int(np.floor(fractions[0] * n)), int(np.floor(fractions[1] * n))
    bounds = [(0, n_train), (n_train, n_train + n_dev), (n_train + n_dev, n)]
    out = []
    for lo, hi in bounds:
        idx = np.arange(lo, hi) if rng is None else lo + rng.permutation(hi - lo)
        out += [X[idx], y[idx]]
    return tuple(out)


# --------------------------------------------------------------------------- bias_variance_report


def _report(train_error, dev_error, human_error, bayes_error, train_dev_error, test_error, threshold,
            judge_bias="avoidable", variance_from="train_dev", focus_order=("bias", "variance", "data_mismatch")):
    avoidable = train_error - human_error
    bias = None if bayes_error is None else train_error - bayes_error
    if train_dev_error is None or variance_from == "dev":
        variance = dev_error - train_error
    else:
        variance = train_dev_error - train_error
    mismatch = None if train_dev_error is None else dev_error - train_dev_error
    overfit = None if test_error is None else test_error - dev_error
    judged = bias if judge_bias == "bias" and bias is not None else avoidable
    high = {"bias": judged > threshold, "variance": variance > threshold,
            "data_mismatch": mismatch is not None and mismatch > threshold}
    focus = next((f for f in focus_order if high[f]), "none")
    return {"avoidable_bias": avoidable, "bias": bias, "variance": variance, "data_mismatch": mismatch,
            "dev_overfitting": overfit, "high_bias": bool(high["bias"]), "high_variance": bool(high["variance"]),
            "focus": focus}


def report_high_bias_from_bias(train_error, dev_error, human_error=0.0, bayes_error=None, train_dev_error=None,
                               test_error=None, threshold=0.02):
    """high_bias judged on train - Bayes instead of the avoidable bias train - human."""
    return _report(train_error, dev_error, human_error, bayes_error, train_dev_error, test_error, threshold,
                   judge_bias="bias")


def report_variance_from_dev(train_error, dev_error, human_error=0.0, bayes_error=None, train_dev_error=None,
                             test_error=None, threshold=0.02):
    """variance = dev - train even when a train-dev error is given."""
    return _report(train_error, dev_error, human_error, bayes_error, train_dev_error, test_error, threshold,
                   variance_from="dev")


def report_variance_first(train_error, dev_error, human_error=0.0, bayes_error=None, train_dev_error=None,
                          test_error=None, threshold=0.02):
    """focus prefers variance over bias when both are high."""
    return _report(train_error, dev_error, human_error, bayes_error, train_dev_error, test_error, threshold,
                   focus_order=("variance", "bias", "data_mismatch"))


def report_ignores_mismatch(train_error, dev_error, human_error=0.0, bayes_error=None, train_dev_error=None,
                            test_error=None, threshold=0.02):
    """focus never says 'data_mismatch'."""
    return _report(train_error, dev_error, human_error, bayes_error, train_dev_error, test_error, threshold,
                   focus_order=("bias", "variance"))


# --------------------------------------------------------------------------- confusion_matrix


def cm_transposed(y_true, y_pred, n_classes):
    """Rows are predicted classes, columns true classes."""
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(cm, (np.asarray(y_pred), np.asarray(y_true)), 1)
    return cm


def cm_fancy_index_increment(y_true, y_pred, n_classes):
    """cm[y_true, y_pred] += 1 counts a repeated (true, predicted) pair only once."""
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    cm[np.asarray(y_true), np.asarray(y_pred)] += 1
    return cm


def cm_size_from_labels(y_true, y_pred, n_classes):
    """Sized by the largest label seen instead of n_classes."""
    t, p = np.asarray(y_true), np.asarray(y_pred)
    c = int(max(t.max(), p.max())) + 1
    cm = np.zeros((c, c), dtype=np.int64)
    np.add.at(cm, (t, p), 1)
    return cm


def cm_float_counts(y_true, y_pred, n_classes):
    """np.zeros((C, C)) without a dtype: float counts."""
    cm = np.zeros((n_classes, n_classes))
    np.add.at(cm, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return cm


# --------------------------------------------------------------------------- precision_recall_f1


def _counts(y_true, y_pred, n_classes):
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(cm, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return np.diag(cm).astype(float), cm.sum(axis=0).astype(float), cm.sum(axis=1).astype(float)


def _safe(a, b):
    return np.divide(a, b, out=np.zeros_like(a), where=b > 0)


def prf_swapped(y_true, y_pred, n_classes):
    """Precision divides by the true counts (row sums) and recall by the predicted counts."""
    tp, predicted, actual = _counts(y_true, y_pred, n_classes)
    return _safe(tp, actual), _safe(tp, predicted), _safe(2 * tp, predicted + actual)


def prf_nan_when_undefined(y_true, y_pred, n_classes):
    """Plain divisions: 0 / 0 gives NaN (and a warning) for classes never predicted or never present."""
    tp, predicted, actual = _counts(y_true, y_pred, n_classes)
    precision, recall = tp / predicted, tp / actual
    return precision, recall, 2 * precision * recall / (precision + recall)


def prf_f1_from_zero_precision_recall(y_true, y_pred, n_classes):
    """F1 = 2 P R / (P + R) without a guard: NaN when precision and recall are both 0."""
    tp, predicted, actual = _counts(y_true, y_pred, n_classes)
    precision, recall = _safe(tp, predicted), _safe(tp, actual)
    with np.errstate(invalid="ignore"):
        f1 = 2 * precision * recall / (precision + recall)
    return precision, recall, f1
