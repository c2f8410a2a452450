"""Tests of autograder/reference/relu_variants.py (chapter 06)."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import integrate, stats
from scipy.special import expit

from autograder.reference.relu_variants import (
    elu_backward,
    elu_forward,
    leaky_relu_backward,
    leaky_relu_forward,
    prelu_backward,
    prelu_forward,
    rrelu_backward,
    rrelu_forward,
    selu_backward,
    selu_forward,
    softplus_backward,
    softplus_forward,
)
from mlpkit.gradcheck import check_gradient

SELU_SCALE = 1.0507009873554805
SELU_ALPHA = 1.6732632423543772
TOL = 1e-7
# Finite-difference step. The check differentiates sum(f(x) * dout), whose rounding error
# (about ulp(sum) / h) is then divided by the entry's gradient: with h = 1e-6 the small
# slopes (leaky ReLU's 0.01) sit at the edge of 1e-7. h = 1e-5 keeps rounding near 1e-10
# and the truncation error of centred differences, h^2 / 6 * |f'''(x) / f'(x)|, near 1e-11.
H = 1e-5


def gradcheck(f, x, analytic, dout):
    return check_gradient(f, x, analytic, dout=dout, h=H)


def upstream(rng, shape):
    """Upstream gradient with |dout| in [0.5, 1.5]: no gradient entry is accidentally tiny."""
    return rng.uniform(0.5, 1.5, size=shape) * rng.choice([-1.0, 1.0], size=shape)


def away_from_zero(rng, shape, low=0.01, high=3.0):
    """Entries with |x| in [low, high], random signs: no entry within 1e-3 of the kink."""
    return rng.uniform(low, high, size=shape) * rng.choice([-1.0, 1.0], size=shape)


def rrelu_train(x, seed, **kw):
    """rrelu in train mode with a fresh generator: the same slopes on every call."""
    return rrelu_forward(x, mode="train", rng=np.random.default_rng(seed), **kw)


# Each entry: name -> (forward with fixed extra arguments, backward).
LAYERS = {
    "leaky_relu": (lambda x: leaky_relu_forward(x), leaky_relu_backward),
    "leaky_relu_0.2": (lambda x: leaky_relu_forward(x, alpha=0.2), leaky_relu_backward),
    "prelu_scalar": (lambda x: prelu_forward(x, np.array(0.25)), lambda d, c: prelu_backward(d, c)[0]),
    "rrelu_train": (lambda x: rrelu_train(x, 0), rrelu_backward),
    "rrelu_test": (lambda x: rrelu_forward(x, mode="test"), rrelu_backward),
    "elu": (lambda x: elu_forward(x), elu_backward),
    "elu_0.5": (lambda x: elu_forward(x, alpha=0.5), elu_backward),
    "selu": (selu_forward, selu_backward),
    "softplus": (softplus_forward, softplus_backward),
}


# ---------------------------------------------------------------- hand-worked values


def test_leaky_relu_hand_worked():
    x = np.array([[-2.0, -0.5, 0.0, 0.5, 2.0]])
    out, cache = leaky_relu_forward(x)
    np.testing.assert_allclose(out, [[-0.02, -0.005, 0.0, 0.5, 2.0]], rtol=1e-15)
    dx = leaky_relu_backward(np.array([[1.0, 2.0, 3.0, 4.0, 5.0]]), cache)
    # slope 0.01 for x <= 0 (including x = 0), 1 for x > 0
    np.testing.assert_allclose(dx, [[0.01, 0.02, 0.03, 4.0, 5.0]], rtol=1e-15)


def test_prelu_hand_worked_both_alpha_shapes():
    x = np.array([[-1.0, 2.0, -3.0], [4.0, -5.0, 0.0]])
    dout = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    out, cache = prelu_forward(x, np.array([0.1, 0.2, 0.3]))
    np.testing.assert_allclose(out, [[-0.1, 2.0, -0.9], [4.0, -1.0, 0.0]], rtol=1e-15)
    dx, dalpha = prelu_backward(dout, cache)
    np.testing.assert_allclose(dx, [[0.1, 2.0, 0.9], [4.0, 1.0, 1.8]], rtol=1e-15)
    # dalpha_j = sum_i dout_ij x_ij over x_ij <= 0: [1*-1, 5*-5, 3*-3 + 6*0] = [-1, -25, -9]
    assert dalpha.shape == (3,)
    np.testing.assert_allclose(dalpha, [-1.0, -25.0, -9.0], rtol=1e-15)
    out, cache = prelu_forward(x, np.array(0.1))
    np.testing.assert_allclose(out, [[-0.1, 2.0, -0.3], [4.0, -0.5, 0.0]], rtol=1e-15)
    dx, dalpha = prelu_backward(dout, cache)
    np.testing.assert_allclose(dx, [[0.1, 2.0, 0.3], [4.0, 0.5, 0.6]], rtol=1e-15)
    assert np.shape(dalpha) == (), f"dalpha of a scalar alpha has shape {np.shape(dalpha)}"
    assert float(dalpha) == pytest.approx(-35.0, rel=1e-15)


def test_rrelu_test_mode_hand_worked():
    # mean slope (1/8 + 1/3) / 2 = (3/24 + 8/24) / 2 = 11/48
    x = np.array([-48.0, 0.0, 48.0])
    out, cache = rrelu_forward(x, mode="test")
    np.testing.assert_allclose(out, [-11.0, 0.0, 48.0], rtol=1e-15)
    np.testing.assert_allclose(rrelu_backward(np.ones(3), cache), [11 / 48, 11 / 48, 1.0], rtol=1e-15)
    out, _ = rrelu_forward(x, lower=0.1, upper=0.3, mode="test")
    np.testing.assert_allclose(out, [-9.6, 0.0, 48.0], rtol=1e-15)


def test_elu_hand_worked():
    # elu(-1) = e^-1 - 1 = -0.6321205588285577, elu'(-1) = e^-1 = 0.36787944117144233
    x = np.array([-1.0, 0.0, 2.0])
    out, cache = elu_forward(x)
    np.testing.assert_allclose(out, [math.exp(-1) - 1, 0.0, 2.0], rtol=1e-15)
    np.testing.assert_allclose(elu_backward(np.ones(3), cache), [math.exp(-1), 1.0, 1.0], rtol=1e-15)
    # alpha = 2: elu(-1) = 2 (e^-1 - 1); at exactly 0 the negative branch gives slope alpha e^0 = 2
    out, cache = elu_forward(x, alpha=2.0)
    np.testing.assert_allclose(out, [2 * (math.exp(-1) - 1), 0.0, 2.0], rtol=1e-15)
    np.testing.assert_allclose(elu_backward(np.ones(3), cache), [2 * math.exp(-1), 2.0, 1.0], rtol=1e-15)


def test_selu_hand_worked():
    x = np.array([-1.0, 0.0, 1.0])
    out, cache = selu_forward(x)
    np.testing.assert_allclose(out, [SELU_SCALE * SELU_ALPHA * (math.exp(-1) - 1), 0.0, SELU_SCALE], rtol=1e-15)
    # derivative at 0 is the negative-side slope scale * alpha = 1.7580993408473766
    dx = selu_backward(np.ones(3), cache)
    expected = [SELU_SCALE * SELU_ALPHA * math.exp(-1), SELU_SCALE * SELU_ALPHA, SELU_SCALE]
    np.testing.assert_allclose(dx, expected, rtol=1e-15)
    assert SELU_SCALE * SELU_ALPHA == pytest.approx(1.7580993408473766, rel=1e-15)


def test_softplus_hand_worked():
    # softplus(0) = ln 2; softplus(ln(e - 1)) = ln(1 + e - 1) = 1; softplus(-ln 3) = ln(4/3)
    x = np.array([0.0, math.log(math.e - 1), -math.log(3)])
    out, cache = softplus_forward(x)
    np.testing.assert_allclose(out, [math.log(2), 1.0, math.log(4 / 3)], rtol=1e-15)
    # derivative sigmoid: 1/2, (e - 1)/e, 1/4
    np.testing.assert_allclose(softplus_backward(np.ones(3), cache), [0.5, (math.e - 1) / math.e, 0.25], rtol=1e-15)


# ---------------------------------------------------------------- independent cross-checks


def test_softplus_matches_logaddexp_and_expit():
    x = np.concatenate([np.linspace(-800, 800, 3201), [-1e4, -1e3, 1e3, 1e4]])
    out, cache = softplus_forward(x)
    # atol 1e-300: below that, values are subnormal and libraries round them differently
    np.testing.assert_allclose(out, np.logaddexp(0.0, x), rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(softplus_backward(np.ones_like(x), cache), expit(x), rtol=1e-14, atol=1e-300)


def test_selu_is_scaled_elu():
    x = np.random.default_rng(0).normal(scale=3, size=(50, 4))
    np.testing.assert_allclose(selu_forward(x)[0], SELU_SCALE * elu_forward(x, alpha=SELU_ALPHA)[0], rtol=1e-15)


def test_selu_keeps_standard_normal_standard_exactly():
    """E[selu(Z)] = 0 and E[selu(Z)^2] = 1 for Z ~ N(0, 1), by numerical integration."""

    def selu_scalar(z):
        return float(selu_forward(np.array([z]))[0][0])

    def expectation(g):
        # split at the kink 0 so that quad integrates two smooth pieces
        pieces = ((-np.inf, 0.0), (0.0, np.inf))
        return sum(integrate.quad(lambda z: g(z) * stats.norm.pdf(z), a, b, epsabs=1e-13)[0] for a, b in pieces)

    mean = expectation(selu_scalar)
    second = expectation(lambda z: selu_scalar(z) ** 2)
    assert abs(mean) < 1e-9, f"E[selu(Z)] = {mean}"
    assert abs(second - 1) < 1e-9, f"E[selu(Z)^2] = {second}"


def test_selu_keeps_standard_normal_standard_by_sampling():
    n = 400_000
    out, _ = selu_forward(np.random.default_rng(7).standard_normal(n))
    # standard errors from the sample: sd / sqrt(n) for the mean,
    # sqrt((m4 - var^2) / n) for the variance (m4 the fourth central moment)
    se_mean = out.std() / math.sqrt(n)
    m4 = np.mean((out - out.mean()) ** 4)
    se_var = math.sqrt((m4 - out.var() ** 2) / n)
    assert abs(out.mean()) < 5 * se_mean, f"mean {out.mean():.2e}, 5 SE = {5 * se_mean:.2e}"
    assert abs(out.var() - 1) < 5 * se_var, f"variance {out.var():.5f}, 5 SE = {5 * se_var:.2e}"


# ---------------------------------------------------------------- properties (Hypothesis)

floats_arrays = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=6),
    elements=st.floats(-1e4, 1e4, allow_nan=False),
)


@given(x=floats_arrays, alpha=st.floats(0.0, 1.0))
def test_leaky_relu_identity_on_positives(x, alpha):
    out, cache = leaky_relu_forward(x, alpha=alpha)
    pos = x > 0
    np.testing.assert_array_equal(out[pos], x[pos])
    np.testing.assert_array_equal(out[~pos], alpha * x[~pos])
    dx = leaky_relu_backward(np.ones_like(x), cache)
    np.testing.assert_array_equal(dx[pos], 1.0)
    np.testing.assert_array_equal(dx[~pos], alpha)


@given(x=floats_arrays)
def test_prelu_with_zero_alpha_is_relu(x):
    d = x.shape[-1]
    for alpha in (np.array(0.0), np.zeros(d)):
        out, cache = prelu_forward(x, alpha)
        np.testing.assert_array_equal(out, np.maximum(x, 0.0))
        dx, _ = prelu_backward(np.ones_like(x), cache)
        np.testing.assert_array_equal(dx, (x > 0).astype(float))


@given(x=floats_arrays, alpha=st.floats(0.05, 3.0))
def test_elu_properties(x, alpha):
    out, _ = elu_forward(x, alpha=alpha)
    pos = x > 0
    np.testing.assert_array_equal(out[pos], x[pos])
    assert np.all(out >= -alpha) and np.all(out[~pos] <= 0)
    # continuous at 0: elu(+d) and elu(-d) both within alpha * d (or d) of 0
    for d in (1e-3, 1e-8, 1e-300):
        both, _ = elu_forward(np.array([-d, d]), alpha=alpha)
        assert abs(both[0]) <= alpha * d * (1 + 1e-12) and both[1] == d


@given(x=hnp.arrays(np.float64, st.integers(1, 20), elements=st.floats(-30, 30)))
def test_softplus_properties(x):
    out, _ = softplus_forward(x)
    # softplus(x) - softplus(-x) = x, and 0 < softplus(x) - max(x, 0) <= log 2
    np.testing.assert_allclose(out - softplus_forward(-x)[0], x, rtol=1e-12, atol=1e-12)
    gap = out - np.maximum(x, 0)
    assert np.all(gap > 0) and np.all(gap <= math.log(2) * (1 + 1e-15))


@given(x=floats_arrays, seed=st.integers(0, 2**32 - 1))
def test_rrelu_train_slopes_within_range(x, seed):
    lower, upper = 0.2, 0.4
    out, cache = rrelu_train(x, seed, lower=lower, upper=upper)
    pos = x > 0
    np.testing.assert_array_equal(out[pos], x[pos])
    slopes = rrelu_backward(np.ones_like(x), cache)
    np.testing.assert_array_equal(slopes[pos], 1.0)
    assert np.all((slopes[~pos] >= lower) & (slopes[~pos] <= upper))
    np.testing.assert_allclose(out[~pos], slopes[~pos] * x[~pos], rtol=1e-15)


# ---------------------------------------------------------------- rrelu statistics and modes


def test_rrelu_slopes_are_uniform():
    n = 200_000
    lower, upper = 1 / 8, 1 / 3
    out, cache = rrelu_forward(-np.ones(n), mode="train", rng=np.random.default_rng(3))
    slopes = -out
    np.testing.assert_array_equal(rrelu_backward(np.ones(n), cache), slopes)
    ks = stats.kstest(slopes, "uniform", args=(lower, upper - lower))
    assert ks.pvalue > 1e-4, f"slopes are not U({lower}, {upper}): KS p = {ks.pvalue:.2e}"
    se = (upper - lower) / math.sqrt(12 * n)
    assert abs(slopes.mean() - (lower + upper) / 2) < 5 * se
    assert len(np.unique(slopes)) > n * 0.99, "one slope per element expected"


def test_rrelu_reproducible_and_seed_dependent():
    x = -np.ones((4, 5))
    a, _ = rrelu_train(x, 1)
    b, _ = rrelu_train(x, 1)
    c, _ = rrelu_train(x, 2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    rng = np.random.default_rng(1)
    first, _ = rrelu_forward(x, rng=rng)
    second, _ = rrelu_forward(x, rng=rng)
    assert not np.array_equal(first, second), "two calls on one generator drew the same slopes"


def test_rrelu_errors():
    with pytest.raises(ValueError, match="rng"):
        rrelu_forward(np.ones(3), mode="train", rng=None)
    with pytest.raises(ValueError, match="mode"):
        rrelu_forward(np.ones(3), mode="eval", rng=np.random.default_rng(0))
    with pytest.raises(ValueError):
        rrelu_forward(np.ones(3), lower=0.5, upper=0.1, rng=np.random.default_rng(0))
    out, _ = rrelu_forward(np.array([-2.0]), mode="test", rng=None)  # test mode needs no rng
    assert out[0] == pytest.approx(-2 * 11 / 48)


# ---------------------------------------------------------------- gradients


@pytest.mark.parametrize("name", list(LAYERS))
@pytest.mark.parametrize("shape", [(1, 1), (1, 7), (4, 5), (3, 7)])
def test_dx_gradcheck(name, shape):
    forward, backward = LAYERS[name]
    rng = np.random.default_rng([sum(map(ord, name)), *shape])
    x = away_from_zero(rng, shape)
    dout = upstream(rng, shape)
    _, cache = forward(x)
    dx = backward(dout, cache)
    assert dx.shape == x.shape
    res = gradcheck(lambda z: forward(z)[0], x, dx, dout)
    assert res.max_rel_error < TOL, f"{name} dx: {res}"


@pytest.mark.parametrize("shape", [(1, 1), (1, 7), (4, 5), (3, 7)])
def test_prelu_gradcheck_vector_alpha(shape):
    rng = np.random.default_rng(shape[0] * 10 + shape[1])
    x = away_from_zero(rng, shape)
    x[0, :] = -np.abs(x[0, :])  # every feature has a negative entry: no dalpha is trivially 0
    alpha = rng.uniform(0.05, 0.5, size=shape[1])
    dout = upstream(rng, shape)
    dx, _ = prelu_backward(dout, prelu_forward(x, alpha)[1])
    res = gradcheck(lambda z: prelu_forward(z, alpha)[0], x, dx, dout)
    assert res.max_rel_error < TOL, f"prelu dx: {res}"
    # dalpha sums dout * x over the batch; a positive dout keeps the terms from cancelling
    # into an entry near 0, whose relative error would measure rounding noise only
    dpos = np.abs(dout)
    _, dalpha = prelu_backward(dpos, prelu_forward(x, alpha)[1])
    assert dalpha.shape == alpha.shape
    res = gradcheck(lambda a: prelu_forward(x, a)[0], alpha, dalpha, dpos)
    assert res.max_rel_error < TOL, f"prelu dalpha (D,): {res}"


@pytest.mark.parametrize("shape", [(1, 1), (1, 7), (4, 5), (3, 7)])
def test_prelu_gradcheck_scalar_alpha(shape):
    rng = np.random.default_rng(100 + shape[0] * 10 + shape[1])
    x = away_from_zero(rng, shape)
    x[0, 0] = -abs(x[0, 0])  # at least one negative entry, so dalpha is not trivially 0
    alpha = np.array(0.3)
    dout = upstream(rng, shape)
    dx, _ = prelu_backward(dout, prelu_forward(x, alpha)[1])
    res = gradcheck(lambda z: prelu_forward(z, alpha)[0], x, dx, dout)
    assert res.max_rel_error < TOL, f"prelu dx (scalar alpha): {res}"
    dpos = np.abs(dout)  # as above: no cancellation in the sum
    _, dalpha = prelu_backward(dpos, prelu_forward(x, alpha)[1])
    assert np.shape(dalpha) == ()
    res = gradcheck(lambda a: prelu_forward(x, a)[0], alpha, dalpha, dpos)
    assert res.max_rel_error < TOL, f"prelu dalpha (): {res}"


def test_softplus_gradcheck_through_zero():
    # softplus is smooth: no kink to avoid
    x = np.linspace(-4, 4, 25).reshape(5, 5)
    dout = upstream(np.random.default_rng(4), x.shape)
    _, cache = softplus_forward(x)
    res = gradcheck(lambda z: softplus_forward(z)[0], x, softplus_backward(dout, cache), dout)
    assert res.max_rel_error < TOL, f"softplus dx: {res}"


# ---------------------------------------------------------------- exactly zero, stability, dtypes, purity


def test_derivative_at_exactly_zero_is_negative_side_slope():
    z = np.zeros((1, 1))
    one = np.ones((1, 1))
    assert leaky_relu_backward(one, leaky_relu_forward(z, alpha=0.3)[1])[0, 0] == pytest.approx(0.3)
    dx, dalpha = prelu_backward(one, prelu_forward(z, np.array([0.3]))[1])
    assert dx[0, 0] == pytest.approx(0.3) and dalpha[0] == 0.0
    assert rrelu_backward(one, rrelu_forward(z, mode="test")[1])[0, 0] == pytest.approx(11 / 48)
    slope = rrelu_backward(one, rrelu_train(z, 0)[1])[0, 0]
    assert 1 / 8 <= slope <= 1 / 3, f"rrelu train slope at 0 is {slope}"
    assert elu_backward(one, elu_forward(z, alpha=0.5)[1])[0, 0] == pytest.approx(0.5)
    assert selu_backward(one, selu_forward(z)[1])[0, 0] == pytest.approx(SELU_SCALE * SELU_ALPHA)


@pytest.mark.parametrize("name", list(LAYERS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_huge_inputs_finite_without_warnings(name, dtype):
    forward, backward = LAYERS[name]
    x = np.array([[-1e4, -3e3, -1e3, -750.0, 0.0, 750.0, 1e3, 3e3, 1e4]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            out, cache = forward(x)
            dx = backward(np.ones_like(x), cache)
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(dx)), f"{name}: {out}, {dx}"
    # known limits: the positive side is the identity (times SELU's scale) with slope 1
    pos = x > 0
    expected_pos = SELU_SCALE * x[pos] if name == "selu" else x[pos]
    np.testing.assert_allclose(out[pos], expected_pos, rtol=1e-6)


def test_huge_negative_limits():
    x = np.array([-1e4, -1e3])
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(elu_forward(x, alpha=0.7)[0], [-0.7, -0.7])
        np.testing.assert_array_equal(elu_backward(np.ones(2), elu_forward(x)[1]), 0.0)
        np.testing.assert_allclose(selu_forward(x)[0], -SELU_SCALE * SELU_ALPHA, rtol=1e-15)
        np.testing.assert_array_equal(softplus_forward(x)[0], 0.0)
        np.testing.assert_array_equal(softplus_backward(np.ones(2), softplus_forward(x)[1]), 0.0)
        np.testing.assert_array_equal(softplus_forward(-x)[0], -x)
        np.testing.assert_array_equal(softplus_backward(np.ones(2), softplus_forward(-x)[1]), 1.0)


@pytest.mark.parametrize("name", [n for n in LAYERS if n != "prelu_scalar"])  # prelu: test_prelu_dtypes
def test_dtypes(name):
    forward, backward = LAYERS[name]
    x32 = np.array([[-1.5, 0.0, 2.0]], dtype=np.float32)
    out, cache = forward(x32)
    assert out.dtype == np.float32, f"{name} forward: float32 in, {out.dtype} out"
    assert backward(np.ones_like(x32), cache).dtype == np.float32, f"{name} backward dtype"
    xi = np.array([[-2, 0, 3]])
    out, cache = forward(xi)
    assert out.dtype == np.float64, f"{name} forward: int in, {out.dtype} out"
    np.testing.assert_allclose(out, forward(xi.astype(np.float64))[0], rtol=1e-15)
    assert backward(np.ones((1, 3)), cache).dtype == np.float64


def test_prelu_dtypes():
    x32 = np.array([[-1.5, 0.0, 2.0]], dtype=np.float32)
    out, cache = prelu_forward(x32, np.array([0.1, 0.2, 0.3], dtype=np.float32))
    dx, dalpha = prelu_backward(np.ones_like(x32), cache)
    assert out.dtype == dx.dtype == dalpha.dtype == np.float32
    out, cache = prelu_forward(np.array([[-2, 3]]), np.array(0))
    dx, dalpha = prelu_backward(np.ones((1, 2)), cache)
    assert out.dtype == dx.dtype == dalpha.dtype == np.float64
    np.testing.assert_array_equal(out, [[0.0, 3.0]])
    assert float(dalpha) == -2.0


@pytest.mark.parametrize("name", list(LAYERS))
def test_purity(name):
    forward, backward = LAYERS[name]
    rng = np.random.default_rng(8)
    x = away_from_zero(rng, (3, 4))
    dout = rng.standard_normal((3, 4))
    x0, dout0 = x.copy(), dout.copy()
    out, cache = forward(x)
    dx = backward(dout, cache)
    np.testing.assert_array_equal(x, x0, err_msg=f"{name} modified x")
    np.testing.assert_array_equal(dout, dout0, err_msg=f"{name} backward modified dout")
    for label, arr in (("out", out), ("dx", dx)):
        for in_label, inp in (("x", x), ("dout", dout)):
            assert not np.shares_memory(arr, inp), f"{name}: {label} shares memory with {in_label}"
    # a second backward from the same cache gives the same result (the cache was not consumed)
    np.testing.assert_array_equal(backward(dout, cache), dx)


def test_prelu_purity():
    rng = np.random.default_rng(9)
    x, dout = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    for alpha in (np.array(0.2), np.full(4, 0.2)):
        copies = [a.copy() for a in (x, alpha, dout)]
        out, cache = prelu_forward(x, alpha)
        dx, dalpha = prelu_backward(dout, cache)
        for a, c in zip((x, alpha, dout), copies):
            np.testing.assert_array_equal(a, c, err_msg="prelu modified an input")
        for res in (out, dx, dalpha):
            for inp in (x, alpha, dout):
                assert not np.shares_memory(res, inp), "prelu output aliases an input"
