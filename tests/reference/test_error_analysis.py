"""Tests for autograder.reference.error_analysis."""
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import confusion_matrix as sk_confusion_matrix
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import train_test_split

from autograder.reference.error_analysis import (
    bias_variance_report,
    confusion_matrix,
    precision_recall_f1,
    train_dev_test_split,
)

# --------------------------------------------------------------------------- train_dev_test_split


def data(n, d=3):
    """Row i of X is (i, i, ...), y[i] = i: we can tell which example went where."""
    X = np.repeat(np.arange(n, dtype=np.float64)[:, None], d, axis=1)
    y = np.arange(n)
    return X, y


@pytest.mark.parametrize(
    "n, fractions, sizes",
    [
        # sizes worked by hand: floor(f_train N), floor(f_dev N), the rest
        (10, (0.6, 0.2, 0.2), (6, 2, 2)),
        (7, (0.6, 0.2, 0.2), (4, 1, 2)),  # floor(4.2) = 4, floor(1.4) = 1
        (1, (0.6, 0.2, 0.2), (0, 0, 1)),
        (0, (0.6, 0.2, 0.2), (0, 0, 0)),
        (101, (0.98, 0.01, 0.01), (98, 1, 2)),  # floor(98.98) = 98, floor(1.01) = 1
        (5, (1.0, 0.0, 0.0), (5, 0, 0)),
        (5, (0.0, 0.0, 1.0), (0, 0, 5)),
        (9, (0.5, 0.5, 0.0), (4, 4, 1)),  # floor(4.5) twice; the rest goes to test
    ],
)
def test_split_sizes_hand_worked(n, fractions, sizes):
    X, y = data(n)
    parts = train_dev_test_split(X, y, fractions, rng=np.random.default_rng(0))
    got = tuple(len(parts[i]) for i in (0, 2, 4))
    assert got == sizes, f"N={n}, fractions={fractions}: sizes {got} != {sizes}"


@given(
    n=st.integers(0, 300),
    f_train=st.sampled_from([0.05, 0.1, 0.25, 0.3, 1 / 3, 0.5, 0.6, 0.7, 0.8, 0.9]),
    f_dev_share=st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.75, 1.0]),
    seed=st.integers(0, 2**32 - 1),
)
def test_split_partition_and_sizes_match_sklearn(n, f_train, f_dev_share, seed):
    f_dev = (1 - f_train) * f_dev_share
    fractions = (f_train, f_dev, 1 - f_train - f_dev)
    X, y = data(n)
    X_tr, y_tr, X_dev, y_dev, X_te, y_te = train_dev_test_split(X, y, fractions, rng=np.random.default_rng(seed))
    # partition: every example exactly once, X and y still aligned
    all_y = np.concatenate([y_tr, y_dev, y_te])
    np.testing.assert_array_equal(np.sort(all_y), np.arange(n), err_msg="examples lost or repeated")
    for Xp, yp in [(X_tr, y_tr), (X_dev, y_dev), (X_te, y_te)]:
        np.testing.assert_array_equal(Xp[:, 0], yp, err_msg="X and y no longer aligned")
        assert Xp.shape[1:] == (3,), "feature dimension kept"
    # scikit-learn computes a train size given as a fraction as floor(train_size * n)
    for f, part in [(f_train, y_tr), (f_dev, y_dev)]:
        if 0 < f < 1 and f * n >= 1:
            sk_train, _ = train_test_split(np.arange(n), train_size=f, shuffle=False)
            assert len(part) == len(sk_train), f"size for fraction {f} of {n}: {len(part)} vs sklearn {len(sk_train)}"
        elif f == 0:
            assert len(part) == 0, "a zero fraction gives an empty set"


def test_split_without_rng_keeps_order():
    X, y = data(10)
    X_tr, y_tr, X_dev, y_dev, X_te, y_te = train_dev_test_split(X, y)
    np.testing.assert_array_equal(y_tr, np.arange(6), err_msg="rng=None: train is the first 6")
    np.testing.assert_array_equal(y_dev, [6, 7], err_msg="rng=None: dev is the next 2")
    np.testing.assert_array_equal(y_te, [8, 9], err_msg="rng=None: test is the rest")
    np.testing.assert_array_equal(X_tr, X[:6], err_msg="rng=None: X_train")


def test_split_shuffles_reproducibly():
    X, y = data(200)
    a = train_dev_test_split(X, y, rng=np.random.default_rng(1))
    b = train_dev_test_split(X, y, rng=np.random.default_rng(1))
    c = train_dev_test_split(X, y, rng=np.random.default_rng(2))
    assert all(np.array_equal(u, v) for u, v in zip(a, b)), "same seed should give the same split"
    assert not np.array_equal(a[1], c[1]), "different seeds should give different splits"
    assert not np.array_equal(a[1], np.arange(120)), "with an rng the examples should be shuffled"


def test_split_purity_and_dtypes():
    X = np.arange(20, dtype=np.float32).reshape(10, 2)
    y = np.arange(10, dtype=np.int64)
    X0, y0 = X.copy(), y.copy()
    parts = train_dev_test_split(X, y, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(X, X0, err_msg="X modified")
    np.testing.assert_array_equal(y, y0, err_msg="y modified")
    assert all(not np.shares_memory(p, X) and not np.shares_memory(p, y) for p in parts), "outputs alias inputs"
    assert parts[0].dtype == np.float32 and parts[1].dtype == np.int64, "dtypes kept (labels stay integers)"
    parts = train_dev_test_split(X, y)  # rng=None: still copies
    assert all(not np.shares_memory(p, X) and not np.shares_memory(p, y) for p in parts), "outputs alias inputs"


def test_split_one_dimensional_y_and_x():
    x = np.arange(5.0)
    y = np.arange(5) * 10
    parts = train_dev_test_split(x, y, (0.4, 0.4, 0.2))
    assert [len(p) for p in parts] == [2, 2, 2, 2, 1, 1], "1-D X works"


def test_split_invalid():
    X, y = data(10)
    for bad in [(0.6, 0.2, 0.1), (0.6, 0.6, -0.2), (0.5, 0.5), (1.0, 0.0, 0.0, 0.0), (0.6, 0.2, 0.2 + 1e-8)]:
        with pytest.raises(ValueError):
            train_dev_test_split(X, y, bad)
    with pytest.raises(ValueError):
        train_dev_test_split(X, y[:9])
    # 0.7 + 0.2 + 0.1 is 0.9999999999999999 in floating point: accepted (within 1e-9)
    assert len(train_dev_test_split(X, y, (0.7, 0.2, 0.1))[0]) == 7


# --------------------------------------------------------------------------- bias_variance_report

KEYS = {"avoidable_bias", "bias", "variance", "data_mismatch", "dev_overfitting", "high_bias", "high_variance", "focus"}


@pytest.mark.parametrize(
    "train, dev, high_bias, high_variance, focus",
    [
        # the lecture's table, human error 0 (independent check in course-api.md)
        (0.01, 0.12, False, True, "variance"),
        (0.12, 0.13, True, False, "bias"),
        (0.12, 0.20, True, True, "bias"),
        (0.01, 0.02, False, False, "none"),
    ],
)
def test_lecture_table(train, dev, high_bias, high_variance, focus):
    r = bias_variance_report(train, dev, human_error=0.0)
    assert set(r) == KEYS, f"keys {sorted(r)}"
    assert (r["high_bias"], r["high_variance"]) == (high_bias, high_variance), f"train {train}, dev {dev}: {r}"
    assert r["focus"] == focus, f"train {train}, dev {dev}: focus {r['focus']} != {focus}"
    assert r["avoidable_bias"] == pytest.approx(train) and r["variance"] == pytest.approx(dev - train)
    assert r["bias"] is None and r["data_mismatch"] is None and r["dev_overfitting"] is None, "None when not given"
    assert type(r["high_bias"]) is bool and type(r["high_variance"]) is bool, "flags should be Python bools"


@pytest.mark.parametrize(
    "train, dev, avoidable, bias, variance, high_bias, high_variance, focus",
    [
        # the seeds' Models A-D (Bayes 0.5%, human 0.7%); Model B's variance is
        # 4.0% - 3.5% = 0.5% (the notes print 0.8% by mistake)
        (0.035, 0.078, 0.028, 0.030, 0.043, True, True, "bias"),
        (0.035, 0.040, 0.028, 0.030, 0.005, True, False, "bias"),
        (0.010, 0.050, 0.003, 0.005, 0.040, False, True, "variance"),
        (0.008, 0.010, 0.001, 0.003, 0.002, False, False, "none"),
    ],
)
def test_seed_models(train, dev, avoidable, bias, variance, high_bias, high_variance, focus):
    r = bias_variance_report(train, dev, human_error=0.007, bayes_error=0.005)
    assert r["avoidable_bias"] == pytest.approx(avoidable, abs=1e-12), f"avoidable bias {r['avoidable_bias']}"
    assert r["bias"] == pytest.approx(bias, abs=1e-12), f"bias {r['bias']}"
    assert r["variance"] == pytest.approx(variance, abs=1e-12), f"variance {r['variance']} != {variance}"
    assert (r["high_bias"], r["high_variance"], r["focus"]) == (high_bias, high_variance, focus), f"{r}"


def test_high_bias_uses_avoidable_bias():
    # train 8%, humans 7.5%: avoidable bias 0.5% is low although the train error is high
    r = bias_variance_report(0.08, 0.09, human_error=0.075)
    assert r["high_bias"] is False and r["focus"] == "none", f"{r}"


def test_train_dev_error_separates_variance_and_mismatch():
    # train 1%, train-dev 1.5%, dev 10%: low variance (0.5%), data mismatch 8.5%
    r = bias_variance_report(0.01, 0.10, train_dev_error=0.015)
    assert r["variance"] == pytest.approx(0.005) and r["data_mismatch"] == pytest.approx(0.085), f"{r}"
    assert r["high_variance"] is False and r["focus"] == "data_mismatch", f"{r}"
    # train 1%, train-dev 9%, dev 10%: the gap comes from variance, not from the mismatch
    r = bias_variance_report(0.01, 0.10, train_dev_error=0.09)
    assert r["variance"] == pytest.approx(0.08) and r["data_mismatch"] == pytest.approx(0.01)
    assert r["focus"] == "variance", f"{r}"
    # high variance and high mismatch: variance first; high bias beats both
    assert bias_variance_report(0.01, 0.20, train_dev_error=0.10)["focus"] == "variance"
    assert bias_variance_report(0.10, 0.30, train_dev_error=0.20)["focus"] == "bias"


def test_dev_overfitting_and_threshold():
    r = bias_variance_report(0.05, 0.06, test_error=0.09)
    assert r["dev_overfitting"] == pytest.approx(0.03), f"test - dev: {r['dev_overfitting']}"
    assert r["focus"] == "bias", "avoidable bias 5% > 2%"
    r = bias_variance_report(0.05, 0.06, threshold=0.1)
    assert r["high_bias"] is False and r["focus"] == "none", "a larger threshold makes 5% low"
    # strictly above: a gap equal to the threshold (exact binary fractions) is not high
    r = bias_variance_report(0.5, 0.75, human_error=0.25, threshold=0.25)
    assert r["high_bias"] is False and r["high_variance"] is False, f"{r}"


# --------------------------------------------------------------------------- confusion_matrix


def test_confusion_matrix_hand_worked():
    y_true = [0, 0, 1, 2, 2, 2]
    y_pred = [0, 1, 1, 2, 0, 2]
    # true 0: predicted 0 once, 1 once; true 1: predicted 1; true 2: predicted 2 twice, 0 once
    expected = [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    cm = confusion_matrix(np.array(y_true), np.array(y_pred), 3)
    np.testing.assert_array_equal(cm, expected, err_msg="confusion matrix, rows true, columns predicted")
    assert np.issubdtype(cm.dtype, np.integer), f"counts should be integers, got {cm.dtype}"


def test_confusion_matrix_repeated_pairs_counted():
    cm = confusion_matrix(np.zeros(5, dtype=int), np.ones(5, dtype=int), 2)
    np.testing.assert_array_equal(cm, [[0, 5], [0, 0]], err_msg="five identical pairs count five times")


labels = st.integers(1, 6).flatmap(
    lambda c: st.tuples(
        st.just(c),
        st.lists(st.tuples(st.integers(0, c - 1), st.integers(0, c - 1)), min_size=1, max_size=80),
    )
)


@given(labels)
def test_confusion_matrix_matches_sklearn(case):
    n_classes, pairs = case
    y_true = np.array([t for t, _ in pairs])
    y_pred = np.array([p for _, p in pairs])
    cm = confusion_matrix(y_true, y_pred, n_classes)
    with warnings.catch_warnings():
        # sklearn warns about a 1x1 matrix even when labels are passed (n_classes = 1)
        warnings.filterwarnings("ignore", message="A single label was found", category=UserWarning)
        expected = sk_confusion_matrix(y_true, y_pred, labels=list(range(n_classes)))
    np.testing.assert_array_equal(cm, expected, err_msg="confusion matrix vs sklearn")
    assert cm.shape == (n_classes, n_classes) and cm.sum() == len(pairs), "shape and total"


def test_confusion_matrix_edge_cases():
    np.testing.assert_array_equal(confusion_matrix(np.array([], dtype=int), np.array([], dtype=int), 3),
                                  np.zeros((3, 3)), err_msg="no examples: zeros")
    np.testing.assert_array_equal(confusion_matrix(np.array([1]), np.array([0]), 2), [[0, 0], [1, 0]],
                                  err_msg="N = 1")
    y = np.array([0, 1, 1])
    y0 = y.copy()
    confusion_matrix(y, y, 2)
    np.testing.assert_array_equal(y, y0, err_msg="input modified")
    for bad_true, bad_pred, n in [([0, 3], [0, 1], 3), ([0, -1], [0, 1], 3), ([0, 1], [0], 3), ([0.5], [0], 2)]:
        with pytest.raises(ValueError):
            confusion_matrix(np.array(bad_true), np.array(bad_pred), n)


# --------------------------------------------------------------------------- precision_recall_f1


def test_precision_recall_f1_hand_worked():
    # confusion matrix [[1, 1, 0], [0, 1, 0], [1, 0, 2]] (see above):
    # class 0: TP 1, predicted 2, true 2 -> P 1/2, R 1/2, F1 1/2
    # class 1: TP 1, predicted 2, true 1 -> P 1/2, R 1,   F1 2/3
    # class 2: TP 2, predicted 2, true 3 -> P 1,   R 2/3, F1 4/5
    # class 3: absent                    -> 0, 0, 0 (undefined)
    p, r, f = precision_recall_f1(np.array([0, 0, 1, 2, 2, 2]), np.array([0, 1, 1, 2, 0, 2]), 4)
    np.testing.assert_allclose(p, [0.5, 0.5, 1.0, 0.0], rtol=1e-15, err_msg="precision")
    np.testing.assert_allclose(r, [0.5, 1.0, 2 / 3, 0.0], rtol=1e-15, err_msg="recall")
    np.testing.assert_allclose(f, [0.5, 2 / 3, 0.8, 0.0], rtol=1e-15, err_msg="f1")
    assert all(a.dtype == np.float64 and a.shape == (4,) for a in (p, r, f)), "float64 arrays of shape (C,)"


def test_precision_recall_f1_undefined_is_zero_without_warnings():
    # class 1 is never predicted (precision undefined) and class 2 never occurs (recall undefined)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            p, r, f = precision_recall_f1(np.array([0, 1, 1]), np.array([0, 0, 2]), 3)
    np.testing.assert_allclose(p, [0.5, 0.0, 0.0], err_msg="precision (class 1 never predicted)")
    np.testing.assert_allclose(r, [1.0, 0.0, 0.0], err_msg="recall (class 2 never occurs)")
    np.testing.assert_allclose(f, [2 / 3, 0.0, 0.0], err_msg="f1")


@given(labels)
def test_precision_recall_f1_matches_sklearn(case):
    n_classes, pairs = case
    y_true = np.array([t for t, _ in pairs])
    y_pred = np.array([p for _, p in pairs])
    with np.errstate(all="raise"):
        p, r, f = precision_recall_f1(y_true, y_pred, n_classes)
    sp, sr, sf, _ = precision_recall_fscore_support(
        y_true, y_pred, labels=list(range(n_classes)), average=None, zero_division=0
    )
    np.testing.assert_allclose(p, sp, rtol=1e-12, atol=1e-15, err_msg="precision vs sklearn")
    np.testing.assert_allclose(r, sr, rtol=1e-12, atol=1e-15, err_msg="recall vs sklearn")
    np.testing.assert_allclose(f, sf, rtol=1e-12, atol=1e-15, err_msg="f1 vs sklearn")
