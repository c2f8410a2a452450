"""Scenarios of chapter 11: data splits, bias/variance diagnosis, per-class metrics.

Conventions of this module:

- ``train_dev_test_split`` is called on *tagged* data: column 0 of row ``i`` of ``X`` is
  its id ``i`` and the other entries are ``1000 i + j``, and ``y[i] = 3 i + 1`` (int64), so
  the judges can tell from any returned set which examples it holds, whether rows are
  intact and whether ``X`` and ``y`` are still paired, whatever the shuffle.
- Generators never cross :func:`common.call` (a generator counts as modified as soon as
  it is drawn from): the wrappers take an integer seed and build the student's
  ``numpy.random.Generator`` inside the call.
- The other functions are deterministic and compared with the reference's outputs.
"""
from __future__ import annotations

import numpy as np

from .common import Case, call, calls_result, calls_scenario, lookup, student_rng, student_seed, three_seeded_runs

__all__ = ["SCENARIOS", "tagged", "SHUFFLED_CASES"]


# --------------------------------------------------------------------------- train_dev_test_split


def tagged(n: int, feature_shape: tuple[int, ...] = (3,)) -> tuple[np.ndarray, np.ndarray]:
    """``X`` of shape ``(n, *feature_shape)`` whose entry 0 of row i is i; ``y[i] = 3 i + 1``."""
    width = int(np.prod(feature_shape))
    ids = np.arange(n, dtype=np.float64)[:, None]
    X = 1000.0 * ids + np.arange(width)
    X[:, 0] = ids[:, 0]
    return X.reshape((n, *feature_shape)), np.arange(n, dtype=np.int64) * 3 + 1


def _split_label(n, feature_shape, fractions, extra="") -> str:
    fr = "default fractions" if fractions is None else f"fractions={fractions}"
    return f"N = {n} examples (X of shape {(n, *feature_shape)}), {fr}{extra}"


# (N, feature shape, fractions or None for the default, pass rng=None explicitly)
ORDERED_CASES = [
    (10, (3,), None, False),
    (9, (2,), (0.6, 0.2, 0.2), True),
    (1, (3,), None, False),
    (7, (2, 3), (0.5, 0.5, 0.0), False),
    (11, (1,), (0.7, 0.15, 0.15), True),
    (5, (2,), (0.0, 0.0, 1.0), False),
    (6, (2,), (1.0, 0.0, 0.0), False),
]


def split_in_order(ns, seed):
    """rng=None keeps the order: the exact output is fixed by the API."""
    fn = lookup(ns, "train_dev_test_split")
    records = []
    for n, shape, fractions, explicit in ORDERED_CASES:
        X, y = tagged(n, shape)
        args = (X, y) if fractions is None else (X, y, fractions)
        kwargs = {"rng": None} if explicit else {}
        records.append(call(fn, *args, label=_split_label(n, shape, fractions, ", rng=None"), **kwargs))
    return calls_result(records)


def _shuffled(fn):
    def split(X, y, fractions, seed):
        rng = student_rng(seed)
        return fn(X, y, rng=rng) if fractions is None else fn(X, y, fractions, rng=rng)

    return split


# (N, feature shape, fractions or None for the default); the first is large enough to test the shuffle
SHUFFLED_CASES = [
    (1000, (2,), None),
    (1, (3,), None),
    (7, (2,), (0.5, 0.25, 0.25)),
    (9, (2,), (0.5, 0.5, 0.0)),
    (10, (2, 2), (0.6, 0.2, 0.2)),
    (13, (1,), (0.7, 0.15, 0.15)),
]


def split_shuffled(ns, seed):
    """With an rng: the raw sets (judged by properties: a partition, rows paired, shuffled)."""
    fn = _shuffled(lookup(ns, "train_dev_test_split"))
    records, meta = [], []
    for k, (n, shape, fractions) in enumerate(SHUFFLED_CASES):
        X, y = tagged(n, shape)
        records.append(call(fn, X, y, fractions, seed + k, label=_split_label(n, shape, fractions, " and an rng")))
        meta.append({"n": n, "fractions": (0.6, 0.2, 0.2) if fractions is None else fractions})
    return calls_result(records, meta=meta)


def split_seeded(ns, seed):
    three = three_seeded_runs(lookup(ns, "train_dev_test_split"), student_seed(seed), student_seed(seed + 1))
    X, y = tagged(50)
    return calls_result([call(three, X, y, (0.6, 0.2, 0.2), label="N = 50 examples with fractions (0.6, 0.2, 0.2)")])


def split_purity(ns, seed):
    """Both with and without an rng: inputs unchanged, outputs new arrays."""
    fn = lookup(ns, "train_dev_test_split")
    X, y = tagged(12)
    records = [call(fn, X, y, (0.5, 0.25, 0.25), label="N = 12 examples, rng=None"),
               call(_shuffled(fn), X, y, (0.5, 0.25, 0.25), seed, label="N = 12 examples and an rng")]
    return calls_result(records)


# --------------------------------------------------------------------------- bias_variance_report


def _report_case(label: str, train, dev, **kw) -> Case:
    return Case(label, (train, dev), kw)


def _lecture_cases(seed: int) -> list[Case]:
    return [
        _report_case("train 1%, dev 12% (human error 0)", 0.01, 0.12),
        _report_case("train 12%, dev 13% (human error 0)", 0.12, 0.13),
        _report_case("train 12%, dev 20% (human error 0)", 0.12, 0.20),
        _report_case("train 1%, dev 2% (human error 0)", 0.01, 0.02, human_error=0.0),
    ]


def _bayes_cases(seed: int) -> list[Case]:
    kw = {"human_error": 0.007, "bayes_error": 0.005}
    return [
        _report_case("model A: Bayes 0.5%, human 0.7%, train 3.5%, dev 7.8%", 0.035, 0.078, **kw),
        _report_case("model B: Bayes 0.5%, human 0.7%, train 3.5%, dev 4.0%", 0.035, 0.040, **kw),
        _report_case("model C: Bayes 0.5%, human 0.7%, train 1.0%, dev 5.0%", 0.010, 0.050, **kw),
        _report_case("model D: Bayes 0.5%, human 0.7%, train 0.8%, dev 1.0%", 0.008, 0.010, **kw),
        _report_case("Bayes 0.5%, human 3%, train 4.5%, dev 5.5%", 0.045, 0.055, human_error=0.03, bayes_error=0.005),
        _report_case("human 6%, train 6.5%, dev 20% (no Bayes error given)", 0.065, 0.20, human_error=0.06),
    ]


def _mismatch_cases(seed: int) -> list[Case]:
    return [
        _report_case("train 1%, train-dev 1.5%, dev 10%", 0.01, 0.10, train_dev_error=0.015),
        _report_case("train 1%, train-dev 9%, dev 10%", 0.01, 0.10, train_dev_error=0.09),
        _report_case("train 1%, train-dev 1.5%, dev 2%, test 6%", 0.01, 0.02, train_dev_error=0.015, test_error=0.06),
        _report_case("human 0.5%, train 8%, train-dev 15%, dev 30%, test 31%", 0.08, 0.30, human_error=0.005,
                     train_dev_error=0.15, test_error=0.31),
        _report_case("train 1.5%, dev 9%, test 8% (no train-dev error)", 0.015, 0.09, test_error=0.08),
    ]


def _threshold_cases(seed: int) -> list[Case]:
    return [
        _report_case("train 4%, dev 8% with threshold=0.05", 0.04, 0.08, threshold=0.05),
        _report_case("train 12%, dev 30%, human 5% with threshold=0.1", 0.12, 0.30, human_error=0.05, threshold=0.1),
        _report_case("train 1%, train-dev 2%, dev 9% with threshold=0.1", 0.01, 0.09, train_dev_error=0.02,
                     threshold=0.1),
    ]


# --------------------------------------------------------------------------- confusion matrix and metrics


def _label_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = [
        Case("N = 1, 3 classes", (np.array([2]), np.array([0]), 3)),
        Case("N = 7, 4 classes", (rng.integers(0, 4, 7), rng.integers(0, 4, 7), 4)),
    ]
    t, p = rng.integers(1, 5, 200), rng.integers(0, 4, 200)
    cases.append(Case("N = 200, 5 classes; class 0 never true, class 4 never predicted", (t, p, 5)))
    cases.append(Case("N = 9, 1 class", (np.zeros(9, dtype=np.int64), np.zeros(9, dtype=np.int64), 1)))
    t = rng.choice([0, 3, 7], size=31)
    p = np.where(rng.random(31) < 0.6, t, rng.choice([0, 2, 7], size=31))
    cases.append(Case("N = 31, 10 classes, most of them absent", (t, p, 10)))
    t = rng.integers(0, 6, 501).astype(np.int32)
    p = np.where(rng.random(501) < 0.7, t, rng.integers(0, 6, 501)).astype(np.int32)
    cases.append(Case("N = 501, 6 classes, int32 labels", (t, p, 6)))
    return cases


def _undefined_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    t = np.array([0, 0, 1, 1, 1, 3])
    p = np.array([0, 1, 1, 1, 0, 0])
    return [
        Case("6 labels, 4 classes: class 2 neither true nor predicted, class 3 never predicted", (t, p, 4)),
        Case("class 1 predicted but never true", (np.array([0, 0, 0, 2]), np.array([0, 1, 1, 2]), 3)),
        Case("true class 1 and predicted class 0 never right (precision = recall = 0)",
             (np.array([1, 1, 0, 0]), np.array([0, 0, 1, 1]), 2)),
        Case("N = 1, 3 classes", (np.array([2]), np.array([1]), 3)),
        Case("N = 40, 8 classes", (rng.integers(0, 8, 40), rng.integers(0, 8, 40), 8)),
    ]


SCENARIOS = {
    "train_dev_test_split.ordered": split_in_order,
    "train_dev_test_split.shuffled": split_shuffled,
    "train_dev_test_split.seeded": split_seeded,
    "train_dev_test_split.purity": split_purity,
    "bias_variance_report.lecture": calls_scenario("bias_variance_report", _lecture_cases),
    "bias_variance_report.bayes": calls_scenario("bias_variance_report", _bayes_cases),
    "bias_variance_report.mismatch": calls_scenario("bias_variance_report", _mismatch_cases),
    "bias_variance_report.threshold": calls_scenario("bias_variance_report", _threshold_cases),
    "confusion_matrix.values": calls_scenario("confusion_matrix", _label_cases),
    "precision_recall_f1.values": calls_scenario("precision_recall_f1", lambda s: _label_cases(s) + _undefined_cases(s)),
    "precision_recall_f1.strict": calls_scenario("precision_recall_f1", _undefined_cases, strict=True),
}
