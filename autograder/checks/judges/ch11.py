"""Chapter 11, error analysis: what is graded and the mistakes we recognise.

``train_dev_test_split`` with an ``rng`` is random, so it is judged by properties of the
sets it returns, never against the reference's random stream (see
``scenarios.ch11.tagged``: every row carries its example's id):

- :class:`SplitPartition`: the sizes ``floor(f N)``, ``floor(f N)`` and the rest; every
  example in exactly one set; rows intact; ``X`` and ``y`` still paired; ``y`` keeps its
  integer dtype;
- :class:`SplitShuffled`: on N = 1000 the examples are really shuffled across the sets:
  the order is not the identity, the training set is not the first 600 examples, and
  the mean id of the training set is within six standard errors of 499.5 (sampling 600
  of 1000 without replacement: the standard error is 4.6).

Everything else (splits with ``rng=None``, the bias/variance report, the confusion matrix
and the metrics) is deterministic and compared with the reference's outputs, so mistakes
are recognised by re-running them on the same inputs.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..compare import (UNREADABLE, EachCall, Reproducible, call_error, dict_records, failure, kind, label_of, purity,
                       same_calls)
from ..mistakes import ch11 as m
from ..stats import SIGMAS, beyond_sigmas
from .base import Check, FunctionSpec, Mistake

SPLIT_ROUND = ("The train and dev sizes are floor(f * N), rounded down (int(f * N) or np.floor); you round to "
               "the nearest integer.")
SPLIT_TEST_FLOOR = ("The test set gets all the remaining N - n_train - n_dev examples; taking floor(f_test * N) "
                    "for it too loses examples.")
SPLIT_UNPAIRED = ("X and y are no longer paired: shuffle both with the same permutation (perm = rng.permutation(N), "
                  "then X[perm] and y[perm]).")
SPLIT_WITHIN = ("You split in the given order and shuffle only inside each set, so the sets are not random samples: "
                "shuffle all the examples first, then cut.")

BV_BIAS_NOT_AVOIDABLE = ("high_bias is judged on the avoidable bias, train - human error, not on train - Bayes error "
                         "(the human-level error is the target we can reach).")
BV_VARIANCE_FROM_DEV = ("When a train-dev error is given, variance = train_dev - train; dev - train_dev is the data "
                        "mismatch, not variance.")
BV_VARIANCE_FIRST = "When both bias and variance are high, focus on the bias first."
BV_NO_MISMATCH = ("When neither bias nor variance is high but dev - train_dev is above the threshold, the focus is "
                  "'data_mismatch'.")

CM_TRANSPOSED = "Rows are the true classes and columns the predicted ones: C[i, j] counts true i predicted as j."
CM_ONCE = ("cm[y_true, y_pred] += 1 counts a repeated (true, predicted) pair only once; use "
           "np.add.at(cm, (y_true, y_pred), 1) or np.bincount(y_true * C + y_pred, minlength=C * C).")
CM_SIZE = "The matrix is n_classes x n_classes, also when some classes never occur in y_true or y_pred."
CM_FLOAT = "The counts should be integers: create the matrix with an integer dtype (e.g. np.zeros((C, C), dtype=np.int64))."

PRF_SWAPPED = ("Precision and recall are swapped: precision divides by the number of predictions of the class "
               "(column sums), recall by the number of its true examples (row sums).")
PRF_NAN = ("Where a ratio is undefined (a class never predicted, or never present) return 0, not NaN: divide only "
           "where the denominator is positive.")
PRF_F1_NAN = ("F1 is 0, not NaN, when precision and recall are both 0: compute it as 2 TP / (P_k + T_k), or guard "
              "the division.")


# --------------------------------------------------------------------------- train_dev_test_split

SET_NAMES = ("train", "dev", "test")


def _sizes(n: int, fractions) -> tuple[int, int, int]:
    n_train = int(math.floor(fractions[0] * n))
    n_dev = min(int(math.floor(fractions[1] * n)), n - n_train)
    return n_train, n_dev, n - n_train - n_dev


def _known_sizes(n: int, fractions) -> dict[tuple[int, int, int], str]:
    """Sizes that the catalogue's wrong roundings would give."""
    r_train = int(round(fractions[0] * n))
    r_dev = max(0, min(int(round(fractions[1] * n)), n - r_train))
    floors = tuple(int(math.floor(f * n)) for f in fractions)
    return {(r_train, r_dev, n - r_train - r_dev): SPLIT_ROUND, floors: SPLIT_TEST_FLOOR}


def _flat(X: np.ndarray) -> np.ndarray:
    """``X`` as a 2-D array of rows (also when it has no rows)."""
    return X.reshape(X.shape[0], int(np.prod(X.shape[1:], dtype=np.int64))) if X.ndim >= 1 else X.reshape(1, 1)


def _sets(out, n: int, label: str) -> tuple[list | None, str]:
    """The three (ids, X rows ok, y paired) of a split's output, or why it cannot be read."""
    if not isinstance(out, (tuple, list)) or len(out) != 6:
        return None, f"on {label} it should return six arrays (X_train, y_train, X_dev, y_dev, X_test, y_test) but returns {kind(out)}"
    if not all(isinstance(a, np.ndarray) for a in out):
        return None, f"on {label} it should return six arrays"
    return [(out[2 * k], out[2 * k + 1]) for k in range(3)], ""


@dataclass(frozen=True)
class SplitPartition(EachCall):
    """With an rng: sizes floor/floor/rest, each example once, rows intact, X and y paired."""

    columns = ("meta",)

    def judge(self, a, e, label, info) -> str:
        n, fractions = info["n"], info["fractions"]
        sets, why = _sets(a.get("out"), n, label)
        if sets is None:
            return why
        want_sizes = _sizes(n, fractions)
        got_sizes = tuple(len(X) if X.ndim else -1 for X, _ in sets)
        if got_sizes != want_sizes:
            known = _known_sizes(n, fractions).get(got_sizes)
            if known:
                return known
            return (f"on {label}, the sets have {got_sizes} examples, expected {want_sizes} "
                    "(floor(f * N) for train and dev, the rest for test)")
        template = e["out"][0]  # the shape of the reference's X_train: (n_train, *features)
        ids_all, unpaired = [], False
        for (X, y), name, (X_ref, y_ref) in zip(sets, SET_NAMES, [(e["out"][2 * k], e["out"][2 * k + 1]) for k in range(3)]):
            if X.shape[1:] != template.shape[1:] or len(y) != len(X) or y.shape[1:] != y_ref.shape[1:]:
                return (f"on {label}, the {name} set has X of shape {X.shape} and y of shape {y.shape}, "
                        f"expected ({len(X_ref)}, ...) with the shapes of the rows of X and y kept")
            if y.dtype.kind not in "iu":
                return f"on {label}, y_{name} has dtype {y.dtype}: keep the dtype of y (integer labels stay integers)"
            rows = _flat(X).astype(np.float64)
            ids = rows[:, 0] if rows.shape[1] else np.zeros(0)
            whole = (ids >= 0) & (ids < n) & (ids == np.round(ids))
            expected_rows = 1000.0 * ids[:, None] + np.arange(rows.shape[1])
            expected_rows[:, 0] = ids
            if not np.all(whole) or not np.array_equal(rows, expected_rows):
                return f"on {label}, the {name} set holds rows that are not rows of X"
            if not np.array_equal(y.astype(np.int64), 3 * ids.astype(np.int64) + 1):
                unpaired = True
            ids_all.append(ids.astype(np.int64))
        order = np.concatenate(ids_all)
        if not np.array_equal(np.sort(order), np.arange(n)):
            return (f"on {label}, some examples appear twice and others not at all: split a permutation "
                    "of the examples, so that each lands in exactly one set")
        if unpaired:
            return SPLIT_UNPAIRED
        return ""


@dataclass(frozen=True)
class SplitShuffled:
    """With an rng, on the first (large) case: the examples are shuffled across the sets."""

    def __call__(self, actual, expected) -> tuple[bool, str]:
        problem = failure(actual)
        if problem:
            return False, problem
        acts, exps, meta = dict_records(actual), dict_records(expected), expected.get("meta")
        if not acts or not exps:
            return False, UNREADABLE
        a, e, info = acts[0], exps[0], meta[0]
        label = label_of(e)
        if a.get("error"):
            return False, call_error(label, a["error"])
        n = info["n"]
        sets, why = _sets(a.get("out"), n, label)
        if sets is None:
            return False, why
        try:
            ids = [_flat(X)[:, 0].astype(np.int64) for X, _ in sets]
        except (ValueError, IndexError):
            return False, UNREADABLE
        order = np.concatenate(ids)
        if order.shape == (n,) and np.array_equal(order, np.arange(n)):
            return False, f"on {label}, the examples keep their order: with an rng, shuffle them (rng.permutation(N))"
        sizes = [len(i) for i in ids]
        bounds = np.cumsum([0] + sizes)
        if all(np.array_equal(np.sort(i), np.arange(lo, lo + len(i))) for i, lo in zip(ids, bounds[:-1])):
            return False, SPLIT_WITHIN
        train = ids[0].astype(np.float64)
        k = train.size
        if 1 < k < n:
            se = math.sqrt((n * n - 1) / 12.0 / k * (n - k) / (n - 1))
            if beyond_sigmas(train.mean() - (n - 1) / 2, se):
                return False, (f"on {label}, the training set's mean example index is {train.mean():.1f}, more than six "
                               f"standard errors ({SIGMAS * se:.1f}) from {(n - 1) / 2}: shuffle all the examples uniformly")
        return True, ""


# --------------------------------------------------------------------------- confusion_matrix


@dataclass(frozen=True)
class IntegerCounts(EachCall):
    """Every call returns an integer array."""

    paired = False

    def judge(self, a, e, label) -> str:
        out = a.get("out")
        if not isinstance(out, np.ndarray):
            return f"on {label} it should return an array but returns {kind(out)}"
        return "" if out.dtype.kind in "iu" else CM_FLOAT


# --------------------------------------------------------------------------- the specs

_SPLIT_PURITY = "inputs are left unchanged and the six outputs are new arrays (with and without an rng)"

FUNCTIONS = {
    "train_dev_test_split": FunctionSpec(3, (
        Check("with rng=None: the given order, sizes floor(f N) for train and dev and the rest for test "
              "(N = 1, odd N, fractions with a 0)", "train_dev_test_split.ordered", same_calls(0.0, 0.0), 1.5),
        Check("with an rng: the same sizes, every example in exactly one set, rows of X and y still paired",
              "train_dev_test_split.shuffled", SplitPartition(), 1, False),
        Check("with an rng the examples are shuffled across the sets (N = 1000)", "train_dev_test_split.shuffled",
              SplitShuffled(), 0.5, False),
        Check("the same seed gives the same split, another seed another split", "train_dev_test_split.seeded",
              Reproducible("splits"), 0.5, False),
        Check(_SPLIT_PURITY, "train_dev_test_split.purity", purity, 0.5, False),
    ), (
        Mistake(SPLIT_ROUND, {"train_dev_test_split": m.split_round}),
        Mistake(SPLIT_TEST_FLOOR, {"train_dev_test_split": m.split_test_floor}),
        Mistake(SPLIT_UNPAIRED, {"train_dev_test_split": m.split_unpaired}),
        Mistake(SPLIT_WITHIN, {"train_dev_test_split": m.split_shuffle_within_sets}),
    )),
    "bias_variance_report": FunctionSpec(2, (
        Check("the lecture's table (train/dev 1%/12%, 12%/13%, 12%/20%, 1%/2%, human error 0): gaps, "
              "high/low bias and variance, focus", "bias_variance_report.lecture", same_calls(1e-12, 1e-12), 1),
        Check("with Bayes and human-level errors: bias, avoidable bias (which decides high_bias), variance, focus",
              "bias_variance_report.bayes", same_calls(1e-12, 1e-12), 1),
        Check("with train-dev and test errors: variance against train-dev, data mismatch, dev overfitting, focus",
              "bias_variance_report.mismatch", same_calls(1e-12, 1e-12), 1),
        Check("a custom threshold", "bias_variance_report.threshold", same_calls(1e-12, 1e-12), 0.5),
    ), (
        Mistake(BV_BIAS_NOT_AVOIDABLE, {"bias_variance_report": m.report_high_bias_from_bias}),
        Mistake(BV_VARIANCE_FROM_DEV, {"bias_variance_report": m.report_variance_from_dev}),
        Mistake(BV_VARIANCE_FIRST, {"bias_variance_report": m.report_variance_first}),
        Mistake(BV_NO_MISMATCH, {"bias_variance_report": m.report_ignores_mismatch}),
    )),
    "confusion_matrix": FunctionSpec(2, (
        Check("counts match on random labels (N = 1, odd N, classes never predicted or never present, one class)",
              "confusion_matrix.values", same_calls(), 2),
        Check("an integer array", "confusion_matrix.values", IntegerCounts(), 0.5, False),
        Check("inputs are left unchanged and the output is a new array", "confusion_matrix.values", purity, 0.5, False),
    ), (
        Mistake(CM_TRANSPOSED, {"confusion_matrix": m.cm_transposed}),
        Mistake(CM_ONCE, {"confusion_matrix": m.cm_fancy_index_increment}),
        Mistake(CM_SIZE, {"confusion_matrix": m.cm_size_from_labels}),
        Mistake(CM_FLOAT, {"confusion_matrix": m.cm_float_counts}),
    )),
    "precision_recall_f1": FunctionSpec(2, (
        Check("precision, recall and F1 per class match on random labels, undefined ratios included",
              "precision_recall_f1.values", same_calls(1e-9, 1e-12), 2),
        Check("0 where a ratio is undefined, without division warnings", "precision_recall_f1.strict",
              same_calls(1e-9, 1e-12), 1),
        Check("inputs are left unchanged and the outputs are new arrays", "precision_recall_f1.values", purity,
              0.5, False),
    ), (
        Mistake(PRF_SWAPPED, {"precision_recall_f1": m.prf_swapped}),
        Mistake(PRF_NAN, {"precision_recall_f1": m.prf_nan_when_undefined}),
        Mistake(PRF_F1_NAN, {"precision_recall_f1": m.prf_f1_from_zero_precision_recall}),
    )),
}
