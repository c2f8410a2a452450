"""Tests of autograder/reference/initializers.py (chapter 05).

The random initializers are tested statistically on 400 x 300 matrices (120,000 draws):
Kolmogorov-Smirnov tests against the exact distribution at significance 1e-4, and
moments within 5 standard errors computed from the sample size. fan_in != fan_out so
that a formula using the wrong fan is detected.
"""
import math

import numpy as np
import pytest
from scipy import stats

from autograder.reference.initializers import (
    he_normal,
    he_uniform,
    init_mlp_params,
    lecun_normal,
    random_init,
    xavier_normal,
    xavier_uniform,
    zeros_init,
)

FAN_IN, FAN_OUT = 400, 300
ALPHA = 1e-4  # KS significance level: a correct initializer fails with probability 1e-4
K = 5.0  # moments: bounds of K standard errors

# name -> (function, kind, parameter), the parameter being the std (normal) or the bound a (uniform),
# written from the formulas of the course API for fans (fan_in, fan_out).
EXPECTED = {
    "random": (random_init, "normal", lambda fi, fo: 0.01),
    "xavier_uniform": (xavier_uniform, "uniform", lambda fi, fo: math.sqrt(6 / (fi + fo))),
    "xavier_normal": (xavier_normal, "normal", lambda fi, fo: math.sqrt(2 / (fi + fo))),
    "he_uniform": (he_uniform, "uniform", lambda fi, fo: math.sqrt(6 / fi)),
    "he_normal": (he_normal, "normal", lambda fi, fo: math.sqrt(2 / fi)),
    "lecun_normal": (lecun_normal, "normal", lambda fi, fo: math.sqrt(1 / fi)),
}
RANDOM_METHODS = list(EXPECTED)
ALL_METHODS = ["zeros", *RANDOM_METHODS]


def exact_cdf(kind, param):
    """(scipy distribution name, args) of the exact distribution of one entry."""
    if kind == "normal":
        return "norm", (0.0, param)
    return "uniform", (-param, 2 * param)


def exact_moments(kind, param):
    """(variance, fourth central moment) of one entry."""
    if kind == "normal":
        return param**2, 3 * param**4
    # U(-a, a): variance a^2 / 3, fourth moment a^4 / 5
    return param**2 / 3, param**4 / 5


def assert_matches_distribution(w, kind, param, label):
    sample = w.ravel()
    n = sample.size
    name, args = exact_cdf(kind, param)
    ks = stats.kstest(sample, name, args=args)
    assert ks.pvalue > ALPHA, f"{label}: KS test against {name}{args} rejects (p = {ks.pvalue:.2e})"
    var, mu4 = exact_moments(kind, param)
    mean_se = math.sqrt(var / n)
    assert abs(sample.mean()) < K * mean_se, f"{label}: mean {sample.mean():.3e}, bound {K * mean_se:.3e}"
    # standard error of the sample variance: sqrt((mu4 - var^2) / n)
    var_se = math.sqrt((mu4 - var**2) / n)
    assert abs(sample.var() - var) < K * var_se, (
        f"{label}: variance {sample.var():.4e}, expected {var:.4e} +- {K * var_se:.1e}"
    )


@pytest.mark.parametrize("method", RANDOM_METHODS)
def test_distribution(method):
    fn, kind, param = EXPECTED[method]
    w = fn(FAN_IN, FAN_OUT, np.random.default_rng(2024))
    assert w.shape == (FAN_IN, FAN_OUT)
    assert w.dtype == np.float64
    assert_matches_distribution(w, kind, param(FAN_IN, FAN_OUT), method)
    if kind == "uniform":
        a = param(FAN_IN, FAN_OUT)
        assert np.all(np.abs(w) <= a), f"{method}: entries outside [-{a}, {a}]"


@pytest.mark.parametrize(
    "method, wrong_param",
    [
        ("he_normal", math.sqrt(2 / FAN_OUT)),  # the fan_out instead of fan_in
        ("he_normal", math.sqrt(1 / FAN_IN)),  # LeCun's variance
        ("xavier_normal", math.sqrt(6 / (FAN_IN + FAN_OUT))),  # the uniform bound used as a std
        ("xavier_uniform", math.sqrt(2 / (FAN_IN + FAN_OUT))),  # the normal std used as a bound
        ("he_uniform", math.sqrt(6 / FAN_OUT)),
    ],
)
def test_the_distribution_test_has_power(method, wrong_param):
    """The statistical check above rejects the usual wrong formulas (on the reference output)."""
    fn, kind, _ = EXPECTED[method]
    w = fn(FAN_IN, FAN_OUT, np.random.default_rng(2024))
    with pytest.raises(AssertionError):
        assert_matches_distribution(w, kind, wrong_param, method)


def test_random_init_scale():
    w = random_init(FAN_IN, FAN_OUT, np.random.default_rng(5), scale=2.5)
    assert_matches_distribution(w, "normal", 2.5, "random_init(scale=2.5)")


def test_zeros_init():
    w = zeros_init(3, 5)
    assert w.shape == (3, 5) and w.dtype == np.float64
    np.testing.assert_array_equal(w, 0.0)


@pytest.mark.parametrize("method", RANDOM_METHODS)
def test_reproducible_and_seed_dependent(method):
    fn = EXPECTED[method][0]
    a = fn(7, 5, np.random.default_rng(11))
    b = fn(7, 5, np.random.default_rng(11))
    c = fn(7, 5, np.random.default_rng(12))
    np.testing.assert_array_equal(a, b, err_msg=f"{method}: same seed, different matrices")
    assert not np.array_equal(a, c), f"{method}: different seeds, same matrix"
    rng = np.random.default_rng(11)
    first, second = fn(7, 5, rng), fn(7, 5, rng)
    assert not np.array_equal(first, second), f"{method}: two calls on one generator drew the same matrix"


@pytest.mark.parametrize("method", RANDOM_METHODS)
@pytest.mark.parametrize("shape", [(1, 1), (1, 9), (9, 1), (3, 7)])
def test_small_and_odd_shapes(method, shape):
    w = EXPECTED[method][0](*shape, np.random.default_rng(0))
    assert w.shape == shape and w.dtype == np.float64
    assert np.all(np.isfinite(w))


@pytest.mark.parametrize("fn", [zeros_init, lambda fi, fo: he_normal(fi, fo, np.random.default_rng(0))])
@pytest.mark.parametrize("fans", [(0, 3), (3, 0), (-1, 2), (2.5, 2)])
def test_bad_fans(fn, fans):
    with pytest.raises(ValueError, match="fan_"):
        fn(*fans)


# ---------------------------------------------------------------- init_mlp_params


@pytest.mark.parametrize("layer_sizes", [[2, 3], [4, 5, 6, 3], [10, 1], [1, 1, 1, 1, 1], (784, 128, 10)])
@pytest.mark.parametrize("method", ALL_METHODS)
def test_init_mlp_params_keys_and_shapes(layer_sizes, method):
    params = init_mlp_params(layer_sizes, method, np.random.default_rng(0))
    n_layers = len(layer_sizes) - 1
    expected_keys = [k for l in range(1, n_layers + 1) for k in (f"W{l}", f"b{l}")]
    assert sorted(params) == sorted(expected_keys), f"keys {sorted(params)}"
    for l in range(1, n_layers + 1):
        assert params[f"W{l}"].shape == (layer_sizes[l - 1], layer_sizes[l]), f"W{l}"
        assert params[f"b{l}"].shape == (layer_sizes[l],), f"b{l}"
        assert params[f"W{l}"].dtype == np.float64 and params[f"b{l}"].dtype == np.float64
        np.testing.assert_array_equal(params[f"b{l}"], 0.0, err_msg=f"b{l} not zero")
        if method == "zeros":
            np.testing.assert_array_equal(params[f"W{l}"], 0.0)


@pytest.mark.parametrize("method", RANDOM_METHODS)
def test_init_mlp_params_uses_each_layers_fans(method):
    """Each layer is drawn with its own (fan_in, fan_out) (the seed notes index str(1))."""
    sizes = [400, 300, 200]
    _, kind, param = EXPECTED[method]
    params = init_mlp_params(sizes, method, np.random.default_rng(3))
    for l in (1, 2):
        fi, fo = sizes[l - 1], sizes[l]
        assert_matches_distribution(params[f"W{l}"], kind, param(fi, fo), f"{method} W{l}")


def test_init_mlp_params_reproducible():
    a = init_mlp_params([5, 4, 3], "he_normal", np.random.default_rng(9))
    b = init_mlp_params([5, 4, 3], "he_normal", np.random.default_rng(9))
    c = init_mlp_params([5, 4, 3], "he_normal", np.random.default_rng(10))
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)
    assert not np.array_equal(a["W1"], c["W1"])
    d = init_mlp_params([4, 4, 4], "xavier_normal", np.random.default_rng(9))
    assert not np.array_equal(d["W1"], d["W2"]), "the same matrix was reused for two layers"


def test_init_mlp_params_errors():
    with pytest.raises(ValueError) as err:
        init_mlp_params([3, 2], "glorot", np.random.default_rng(0))
    for name in ALL_METHODS:
        assert repr(name) in str(err.value), f"the error message does not name {name!r}: {err.value}"
    with pytest.raises(ValueError, match="rng"):
        init_mlp_params([3, 2], "he_normal", None)
    with pytest.raises(ValueError):
        init_mlp_params([3], "zeros", None)
    params = init_mlp_params([3, 2], "zeros", None)  # zeros needs no generator
    np.testing.assert_array_equal(params["W1"], np.zeros((3, 2)))


def test_init_mlp_params_does_not_modify_layer_sizes():
    sizes = [6, 5, 4]
    init_mlp_params(sizes, "he_uniform", np.random.default_rng(0))
    assert sizes == [6, 5, 4]
