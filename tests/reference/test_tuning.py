"""Tests for autograder.reference.tuning (log-scale sampling, grid and random search)."""
import itertools

import numpy as np
import pytest
from scipy import stats

from autograder.reference.tuning import grid_search, log_uniform, random_search

P_MIN = 1e-4  # goodness-of-fit tests: a correct sampler fails with probability 1e-4


# --------------------------------------------------------------------------- log_uniform


def test_log_uniform_log10_is_uniform_ks():
    low, high = 1e-5, 1e-1
    x = log_uniform(low, high, 20_000, np.random.default_rng(0))
    res = stats.kstest(np.log10(x), stats.uniform(loc=-5.0, scale=4.0).cdf)
    assert res.pvalue > P_MIN, f"KS test of log10(samples) against U(-5, -1): p = {res.pvalue:.2e}"


def test_ks_test_has_power_against_linear_uniform():
    # Negative control: sampling U(low, high) directly is clearly rejected by the same test.
    x = np.random.default_rng(0).uniform(1e-5, 1e-1, 20_000)
    res = stats.kstest(np.log10(x), stats.uniform(loc=-5.0, scale=4.0).cdf)
    assert res.pvalue < P_MIN, "the KS test should reject linear-uniform samples"


def test_log_uniform_each_decade_equally_likely():
    x = log_uniform(1e-4, 1.0, 40_000, np.random.default_rng(1))
    counts = np.histogram(np.log10(x), bins=[-4, -3, -2, -1, 0])[0]
    res = stats.chisquare(counts)
    assert res.pvalue > P_MIN, f"decade counts {counts} not uniform (chi-square p = {res.pvalue:.2e})"


def test_log_uniform_bounds_shape_dtype():
    rng = np.random.default_rng(2)
    x = log_uniform(0.001, 10.0, (50, 40), rng)
    assert x.shape == (50, 40) and x.dtype == np.float64, f"shape {x.shape}, dtype {x.dtype}"
    assert np.all((x >= 0.001) & (x <= 10.0)), "samples outside [low, high]"
    scalar = log_uniform(0.001, 10.0, None, rng)
    assert isinstance(scalar, float) and 0.001 <= scalar <= 10.0, f"size=None should give one float, got {scalar!r}"
    const = log_uniform(0.3, 0.3, 5, rng)
    np.testing.assert_allclose(const, 0.3, rtol=1e-15, err_msg="low == high gives that value")


def test_log_uniform_reproducible():
    a = log_uniform(1e-3, 1.0, 100, np.random.default_rng(7))
    b = log_uniform(1e-3, 1.0, 100, np.random.default_rng(7))
    np.testing.assert_array_equal(a, b, err_msg="same seed should give the same samples")


def test_log_uniform_invalid():
    rng = np.random.default_rng(0)
    for low, high in [(0.0, 1.0), (-1.0, 1.0), (1.0, 0.1)]:
        with pytest.raises(ValueError):
            log_uniform(low, high, 3, rng)
    with pytest.raises(ValueError):
        log_uniform(0.1, 1.0, 3, None)


# --------------------------------------------------------------------------- grid_search


def recording(fn):
    calls = []

    def evaluate(params):
        calls.append(dict(params))
        return fn(params)

    return evaluate, calls


def test_grid_search_order_and_calls():
    grid = {"z_lr": [0.1, 0.01], "a_l2": [0.0, 1.0, 2.0], "act": ["relu", "tanh"]}
    evaluate, calls = recording(lambda p: p["z_lr"] + p["a_l2"])
    best, results = grid_search(evaluate, grid)
    expected = [
        {"z_lr": a, "a_l2": b, "act": c}
        for a, b, c in itertools.product(grid["z_lr"], grid["a_l2"], grid["act"])
    ]
    assert calls == expected, "evaluate must be called once per combination, in itertools.product order"
    assert [p for p, _ in results] == expected, "results in itertools.product order of the keys as given"
    assert [list(p) for p, _ in results] == [list(grid)] * 12, "params dicts keep the grid's key order"
    assert [e for _, e in results] == [p["z_lr"] + p["a_l2"] for p in expected], "results hold each dev error"
    # lowest error 0.01 + 0.0 = 0.01 at (0.01, 0.0, 'relu') and (0.01, 0.0, 'tanh'): the first wins
    assert best == {"z_lr": 0.01, "a_l2": 0.0, "act": "relu"}, f"best {best}"


def test_grid_search_hand_worked_minimum():
    grid = {"lr": [1e-1, 1e-2, 1e-3], "l2": [0.0, 0.5, 1.0]}
    # the error is smallest (0) at lr = 1e-2, l2 = 0.5 and positive elsewhere
    best, results = grid_search(lambda p: (np.log10(p["lr"]) + 2) ** 2 + (p["l2"] - 0.5) ** 2, grid)
    assert best == {"lr": 1e-2, "l2": 0.5}, f"best {best}"
    assert len(results) == 9, "3 x 3 combinations"


def test_grid_search_ties_and_nan():
    errors = iter([0.5, float("nan"), 0.2, 0.2, 0.3])
    best, results = grid_search(lambda p: next(errors), {"k": [0, 1, 2, 3, 4]})
    assert best == {"k": 2}, f"first of the tied minima should win, got {best}"
    errors = iter([float("nan"), 0.9])
    best, _ = grid_search(lambda p: next(errors), {"k": [0, 1]})
    assert best == {"k": 1}, "a NaN error (diverged run) is never the best"


def test_grid_search_single_and_empty():
    best, results = grid_search(lambda p: 1.0, {"a": [3]})
    assert best == {"a": 3} and results == [({"a": 3}, 1.0)], "single combination"
    evaluate, calls = recording(lambda p: 0.0)
    best, results = grid_search(evaluate, {})
    assert calls == [{}] and best == {}, "an empty grid is one empty combination"
    with pytest.raises(ValueError):
        grid_search(lambda p: 0.0, {"a": [1, 2], "b": []})


def test_grid_search_purity():
    grid = {"a": [1, 2], "b": [3]}
    grid_copy = {k: list(v) for k, v in grid.items()}

    def evaluate(params):
        err = params["a"] * 1.0
        params["a"] = "changed"  # a careless evaluate must not corrupt the record
        return err

    best, results = grid_search(evaluate, grid)
    assert grid == grid_copy, "grid modified"
    assert [p for p, _ in results] == [{"a": 1, "b": 3}, {"a": 2, "b": 3}], "results corrupted by evaluate"
    best["a"] = 99
    assert results[0][0]["a"] == 1, "best_params should not alias the results"


# --------------------------------------------------------------------------- random_search

SPACE = {
    "lr": ("log", 1e-4, 1e-1),
    "dropout": ("uniform", 0.1, 0.5),
    "hidden": ("int", 1, 3),
    "act": ("choice", ["relu", "tanh", "elu"]),
}


def test_random_search_kinds_and_bounds():
    evaluate, calls = recording(lambda p: p["dropout"])
    best, results = random_search(evaluate, SPACE, 300, np.random.default_rng(0))
    assert len(results) == 300 and len(calls) == 300, "one evaluation per trial"
    assert [p for p, _ in results] == calls, "results in trial order, params as passed to evaluate"
    params = [p for p, _ in results]
    assert all(list(p) == list(SPACE) for p in params), "params keyed like space"
    assert all(type(p["lr"]) is float and 1e-4 <= p["lr"] <= 1e-1 for p in params), "'log' floats in bounds"
    assert all(type(p["dropout"]) is float and 0.1 <= p["dropout"] <= 0.5 for p in params), "'uniform' floats"
    assert all(type(p["hidden"]) is int for p in params), "'int' values should be Python ints"
    # P(some value of {1, 2, 3} never drawn in 300 trials) <= 3 (2/3)^300 < 1e-50
    assert {p["hidden"] for p in params} == {1, 2, 3}, "'int' bounds are inclusive: both reached"
    assert {p["act"] for p in params} == {"relu", "tanh", "elu"}, "every choice appears"
    assert best == min(params, key=lambda p: p["dropout"]), "best is the trial with the lowest error"


def test_random_search_choice_returns_elements_themselves():
    options = [(64, 32), (128,), None]
    _, results = random_search(lambda p: 0.0, {"arch": ("choice", options)}, 50, np.random.default_rng(1))
    assert all(any(p["arch"] is o for o in options) for p, _ in results), "choices should be the elements themselves"


def test_random_search_distributions():
    n = 6000
    space = {"lr": ("log", 1e-6, 1e-2), "k": ("int", 0, 4), "u": ("uniform", -1.0, 3.0)}
    _, results = random_search(lambda p: 0.0, space, n, np.random.default_rng(2))
    lr = np.array([p["lr"] for p, _ in results])
    k = np.array([p["k"] for p, _ in results])
    u = np.array([p["u"] for p, _ in results])
    p_lr = stats.kstest(np.log10(lr), stats.uniform(loc=-6.0, scale=4.0).cdf).pvalue
    p_u = stats.kstest(u, stats.uniform(loc=-1.0, scale=4.0).cdf).pvalue
    p_k = stats.chisquare(np.bincount(k, minlength=5)).pvalue
    assert p_lr > P_MIN, f"'log': KS p = {p_lr:.2e}"
    assert p_u > P_MIN, f"'uniform': KS p = {p_u:.2e}"
    assert p_k > P_MIN, f"'int' 0..4 inclusive: chi-square p = {p_k:.2e}"
    assert k.min() == 0 and k.max() == 4, "'int' reaches both bounds"


def test_random_search_reproducible_and_ties():
    a = random_search(lambda p: p["hidden"], SPACE, 20, np.random.default_rng(5))
    b = random_search(lambda p: p["hidden"], SPACE, 20, np.random.default_rng(5))
    c = random_search(lambda p: p["hidden"], SPACE, 20, np.random.default_rng(6))
    assert a == b, "same seed should give the same search"
    assert a[1] != c[1], "different seeds should give different trials"
    best, results = a
    first_min = next(p for p, e in results if e == min(e for _, e in results))
    assert best == first_min, "ties go to the first trial"


def test_random_search_validates_space_before_evaluating():
    evaluate, calls = recording(lambda p: 0.0)
    for bad in [("normal", 0, 1), ("choice",), ("int", 3, 1), ("log", 0.0, 1.0), "log", ("uniform", 1.0)]:
        with pytest.raises(ValueError):
            random_search(evaluate, {"ok": ("uniform", 0, 1), "bad": bad}, 5, np.random.default_rng(0))
    assert calls == [], "evaluate should not run when the space is invalid"
    with pytest.raises(ValueError):
        random_search(evaluate, SPACE, 0, np.random.default_rng(0))
    with pytest.raises(ValueError):
        random_search(evaluate, SPACE, 3, None)


def test_random_search_single_trial():
    best, results = random_search(lambda p: 0.5, SPACE, 1, np.random.default_rng(0))
    assert len(results) == 1 and best == results[0][0] and results[0][1] == 0.5, "one trial"
