"""Tests of autograder/reference/batchnorm.py (chapter 07)."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.reference.batchnorm import batchnorm_backward, batchnorm_forward
from mlpkit.gradcheck import check_gradient, numeric_grad_array

TOL = 1e-7
# Finite-difference step: the check differentiates sum(out * dout), whose rounding error
# (about ulp(sum) / h) is divided by each gradient entry; h = 1e-5 keeps it near 1e-10
# while the truncation error of centred differences stays near h^2 = 1e-10 relative.
H = 1e-5


def fresh_stats(d):
    return np.zeros(d), np.ones(d)


def two_pass_reference(x, gamma, beta, running_mean, running_var, momentum, eps):
    """PyTorch BatchNorm1d train step written feature by feature, as a second opinion."""
    n, d = x.shape
    out = np.empty((n, d))
    new_mean = np.empty(d)
    new_var = np.empty(d)
    for j in range(d):
        col = [float(v) for v in x[:, j]]
        m = sum(col) / n
        biased = sum((v - m) ** 2 for v in col) / n
        for i, v in enumerate(col):
            out[i, j] = gamma[j] * (v - m) / math.sqrt(biased + eps) + beta[j]
        unbiased = np.var(x[:, j], ddof=1)  # the sample variance, from NumPy
        new_mean[j] = (1 - momentum) * running_mean[j] + momentum * m
        new_var[j] = (1 - momentum) * running_var[j] + momentum * unbiased
    return out, new_mean, new_var


def random_case(rng, n, d):
    x = rng.normal(loc=rng.uniform(-3, 3, d), scale=rng.uniform(0.5, 2, d), size=(n, d))
    gamma = rng.uniform(0.5, 2, d)
    beta = rng.normal(size=d)
    running_mean = rng.normal(size=d)
    running_var = rng.uniform(0.5, 2, d)
    return x, gamma, beta, running_mean, running_var


def well_conditioned_case(rng, n, d, eps, mode="train"):
    """A random case whose gradients have no entry near 0, with its upstream gradient.

    An entry of dx, dgamma or dbeta can be accidentally close to 0 (they are sums of
    terms of both signs), and the relative error of a finite-difference estimate of such an
    entry measures rounding noise (~1e-10 absolute), not the backward pass. As with
    kinks, such points are avoided: cases are redrawn until every entry of the *numerical*
    gradients (independent of batchnorm_backward) is at least 0.01 in magnitude (typical
    entries are of order 1), which keeps that noise near 1e-8 relative.
    """
    for _ in range(200):
        x, gamma, beta, rm, rv = random_case(rng, n, d)
        dout = rng.normal(size=(n, d))
        grads = (
            numeric_grad_array(lambda z: batchnorm_forward(z, gamma, beta, rm, rv, mode=mode, eps=eps)[0], x, dout, h=H),
            numeric_grad_array(lambda g: batchnorm_forward(x, g, beta, rm, rv, mode=mode, eps=eps)[0], gamma, dout, h=H),
            numeric_grad_array(lambda b: batchnorm_forward(x, gamma, b, rm, rv, mode=mode, eps=eps)[0], beta, dout, h=H),
        )
        if all(np.min(np.abs(g)) >= 0.01 for g in grads):
            return (x, gamma, beta, rm, rv), dout
    raise RuntimeError("no well-conditioned case found")


# ---------------------------------------------------------------- hand-worked values


def test_train_hand_worked():
    # columns [1, 3] and [2, 6]: means [2, 4]; biased variances [1, 4] (std 1, 2);
    # x_hat = [[-1, -1], [1, 1]]; out = gamma * x_hat + beta with gamma [2, 3], beta [1, -1].
    # Unbiased variances [2, 8]: new running var = 0.9 * 1 + 0.1 * [2, 8] = [1.1, 1.7];
    # new running mean = 0.1 * [2, 4] = [0.2, 0.4].
    x = np.array([[1.0, 2.0], [3.0, 6.0]])
    out, _, rm, rv = batchnorm_forward(x, np.array([2.0, 3.0]), np.array([1.0, -1.0]), *fresh_stats(2), eps=0.0)
    np.testing.assert_allclose(out, [[-1.0, -4.0], [3.0, 2.0]], rtol=1e-15)
    np.testing.assert_allclose(rm, [0.2, 0.4], rtol=1e-15)
    np.testing.assert_allclose(rv, [1.1, 1.7], rtol=1e-15)


def test_test_mode_hand_worked():
    # running mean [1, -1], var [4, 0.25] (std 2, 0.5): x = [3, 0] -> x_hat = [1, 2];
    # gamma [2, 3], beta [1, -1] -> [3, 5]. One example is fine in test mode.
    rm0, rv0 = np.array([1.0, -1.0]), np.array([4.0, 0.25])
    out, _, rm, rv = batchnorm_forward(
        np.array([[3.0, 0.0]]), np.array([2.0, 3.0]), np.array([1.0, -1.0]), rm0, rv0, mode="test", eps=0.0
    )
    np.testing.assert_allclose(out, [[3.0, 5.0]], rtol=1e-15)
    np.testing.assert_array_equal(rm, rm0)
    np.testing.assert_array_equal(rv, rv0)
    assert not np.shares_memory(rm, rm0) and not np.shares_memory(rv, rv0), "test mode must return new arrays"


def test_backward_hand_worked():
    # N = 2, one feature, x = [0, 2]: mu = 1, var = 1, x_hat = [-1, 1] (eps = 0), gamma = 3.
    # dout = [1, 0]: dbeta = 1, dgamma = -1,
    # dx = gamma / std * (dout - dbeta / N - x_hat * dgamma / N)
    #    = 3 * ([1, 0] - 0.5 - [-1, 1] * (-1) / 2) = 3 * ([0.5, -0.5] + [-0.5, 0.5]) = [0, 0]:
    # with two examples x_hat is always +-1, so out does not depend on x at all.
    _, cache, _, _ = batchnorm_forward(np.array([[0.0], [2.0]]), np.array([3.0]), np.array([0.0]), *fresh_stats(1), eps=0.0)
    dx, dgamma, dbeta = batchnorm_backward(np.array([[1.0], [0.0]]), cache)
    np.testing.assert_allclose(dx, [[0.0], [0.0]], atol=1e-15)
    np.testing.assert_allclose(dgamma, [-1.0], rtol=1e-15)
    np.testing.assert_allclose(dbeta, [1.0], rtol=1e-15)


# ---------------------------------------------------------------- independent cross-check


@pytest.mark.parametrize("n, d", [(2, 1), (2, 5), (3, 7), (8, 4), (33, 3)])
def test_train_matches_two_pass_reference(n, d):
    rng = np.random.default_rng(n * 100 + d)
    x, gamma, beta, rm0, rv0 = random_case(rng, n, d)
    for momentum, eps in ((0.1, 1e-5), (0.3, 1e-3)):
        out, _, rm, rv = batchnorm_forward(x, gamma, beta, rm0, rv0, momentum=momentum, eps=eps)
        exp_out, exp_rm, exp_rv = two_pass_reference(x, gamma, beta, rm0, rv0, momentum, eps)
        np.testing.assert_allclose(out, exp_out, rtol=1e-12, atol=1e-12, err_msg="out")
        np.testing.assert_allclose(rm, exp_rm, rtol=1e-12, atol=1e-15, err_msg="running mean")
        np.testing.assert_allclose(rv, exp_rv, rtol=1e-12, err_msg="running var")


def test_not_the_unbiased_normalization_variant():
    """Normalizing with the unbiased variance (or updating with the biased one) is wrong."""
    rng = np.random.default_rng(1)
    x, gamma, beta, rm0, rv0 = random_case(rng, 4, 3)
    out, _, _, rv = batchnorm_forward(x, gamma, beta, rm0, rv0)
    mu = x.mean(axis=0)
    wrong_out = gamma * (x - mu) / np.sqrt(x.var(axis=0, ddof=1) + 1e-5) + beta
    right_out = gamma * (x - mu) / np.sqrt(x.var(axis=0, ddof=0) + 1e-5) + beta
    np.testing.assert_allclose(out, right_out, rtol=1e-12)
    assert np.max(np.abs(out - wrong_out)) > 0.05, "out matches normalization by the unbiased variance"
    wrong_rv = 0.9 * rv0 + 0.1 * x.var(axis=0, ddof=0)
    assert np.max(np.abs(rv - wrong_rv)) > 1e-3, "running var was updated with the biased variance"


def test_train_output_is_standardized():
    rng = np.random.default_rng(2)
    x = rng.normal(5, 3, size=(50, 6))
    eps = 1e-5
    out, _, _, _ = batchnorm_forward(x, np.ones(6), np.zeros(6), *fresh_stats(6), eps=eps)
    var = x.var(axis=0)
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-14)
    np.testing.assert_allclose(out.var(axis=0), var / (var + eps), rtol=1e-12)


# ---------------------------------------------------------------- running averages


def test_running_averages_converge_to_population_statistics():
    rng = np.random.default_rng(3)
    mu = np.array([3.0, -2.0, 0.5])
    sd = np.array([2.0, 0.5, 1.0])
    n, steps, m = 64, 300, 0.1
    d = mu.size
    gamma, beta = np.ones(d), np.zeros(d)
    rm, rv = fresh_stats(d)
    for _ in range(steps):
        batch = rng.normal(mu, sd, size=(n, d))
        _, _, rm, rv = batchnorm_forward(batch, gamma, beta, rm, rv, momentum=m)
    # An exponential moving average of i.i.d. statistics with variance s^2 has stationary
    # variance m / (2 - m) * s^2; the start (0, 1) is forgotten by a factor 0.9^300 ~ 2e-14.
    # Batch mean: s^2 = sd^2 / n. Unbiased batch variance of normal data: s^2 = 2 sd^4 / (n - 1).
    shrink = math.sqrt(m / (2 - m))
    mean_bound = 5 * shrink * sd / math.sqrt(n)
    var_bound = 5 * shrink * sd**2 * math.sqrt(2 / (n - 1))
    assert np.all(np.abs(rm - mu) < mean_bound), f"running mean {rm}, population {mu}, bounds {mean_bound}"
    assert np.all(np.abs(rv - sd**2) < var_bound), f"running var {rv}, population {sd**2}, bounds {var_bound}"


def test_running_variance_is_unbiased_for_small_batches():
    """With N = 4 the biased variance averages 3/4 of the population's; the running one must not."""
    rng = np.random.default_rng(4)
    sd = np.array([1.0, 2.0])
    n, steps, burn_in = 4, 4000, 100
    rm, rv = fresh_stats(2)
    history = []
    for step in range(steps):
        _, _, rm, rv = batchnorm_forward(rng.normal(0, sd, size=(n, 2)), np.ones(2), np.zeros(2), rm, rv)
        if step >= burn_in:
            history.append(rv)
    avg = np.mean(history, axis=0)
    # the time average of the EMA is about the average of the (steps - burn_in) unbiased batch
    # variances, each of variance 2 sd^4 / (n - 1); 5 standard errors:
    bound = 5 * sd**2 * math.sqrt(2 / (n - 1) / (steps - burn_in))
    assert np.all(np.abs(avg - sd**2) < bound), f"average running var {avg}, population {sd**2}, bounds {bound}"
    assert np.all(np.abs(avg - 0.75 * sd**2) > bound), "indistinguishable from the biased variance"


def test_test_mode_uses_running_statistics():
    rng = np.random.default_rng(5)
    x, gamma, beta, rm, rv = random_case(rng, 6, 4)
    out, _, new_rm, new_rv = batchnorm_forward(x, gamma, beta, rm, rv, mode="test")
    np.testing.assert_allclose(out, gamma * (x - rm) / np.sqrt(rv + 1e-5) + beta, rtol=1e-13)
    np.testing.assert_array_equal(new_rm, rm)
    np.testing.assert_array_equal(new_rv, rv)
    # each row is normalized on its own: the same result one example at a time
    for i in range(x.shape[0]):
        row_out, *_ = batchnorm_forward(x[i : i + 1], gamma, beta, rm, rv, mode="test")
        np.testing.assert_allclose(row_out[0], out[i], rtol=1e-15)
    # and it differs from the train-mode output on this batch
    train_out, *_ = batchnorm_forward(x, gamma, beta, rm, rv, mode="train")
    assert np.max(np.abs(train_out - out)) > 0.1


# ---------------------------------------------------------------- gradients


@pytest.mark.parametrize("n, d", [(2, 1), (2, 3), (3, 7), (5, 4), (16, 2)])
def test_train_gradients(n, d):
    rng = np.random.default_rng(1000 + n * 10 + d)
    # With two examples x_hat is +-sqrt(var / (var + eps)): out barely depends on x and dx
    # is ~1e-5, below the resolution of a relative check. A large eps makes it substantial.
    eps = 0.5 if n == 2 else 1e-5
    (x, gamma, beta, rm, rv), dout = well_conditioned_case(rng, n, d, eps)
    _, cache, _, _ = batchnorm_forward(x, gamma, beta, rm, rv, eps=eps)
    dx, dgamma, dbeta = batchnorm_backward(dout, cache)
    assert dx.shape == (n, d) and dgamma.shape == (d,) and dbeta.shape == (d,)
    checks = {
        "dx": check_gradient(lambda z: batchnorm_forward(z, gamma, beta, rm, rv, eps=eps)[0], x, dx, dout=dout, h=H),
        "dgamma": check_gradient(lambda g: batchnorm_forward(x, g, beta, rm, rv, eps=eps)[0], gamma, dgamma, dout=dout, h=H),
        "dbeta": check_gradient(lambda b: batchnorm_forward(x, gamma, b, rm, rv, eps=eps)[0], beta, dbeta, dout=dout, h=H),
    }
    for name, res in checks.items():
        assert res.max_rel_error < TOL, f"{name}: {res}"


def test_test_mode_gradients():
    rng = np.random.default_rng(6)
    (x, gamma, beta, rm, rv), dout = well_conditioned_case(rng, 5, 3, 1e-5, mode="test")
    _, cache, _, _ = batchnorm_forward(x, gamma, beta, rm, rv, mode="test")
    dx, dgamma, dbeta = batchnorm_backward(dout, cache)
    for name, f, at, grad in (
        ("dx", lambda z: batchnorm_forward(z, gamma, beta, rm, rv, mode="test")[0], x, dx),
        ("dgamma", lambda g: batchnorm_forward(x, g, beta, rm, rv, mode="test")[0], gamma, dgamma),
        ("dbeta", lambda b: batchnorm_forward(x, gamma, b, rm, rv, mode="test")[0], beta, dbeta),
    ):
        res = check_gradient(f, at, grad, dout=dout, h=H)
        assert res.max_rel_error < TOL, f"test mode {name}: {res}"


batches = st.tuples(st.integers(2, 8), st.integers(1, 4)).flatmap(
    lambda nd: hnp.arrays(np.float64, nd, elements=st.floats(-100, 100))
)


@given(x=batches, data=st.data())
def test_train_backward_invariants(x, data):
    """dx sums to 0 over the batch, feature by feature (out is invariant to shifting a feature)."""
    dout = data.draw(hnp.arrays(np.float64, x.shape, elements=st.floats(-10, 10)))
    d = x.shape[1]
    _, cache, _, _ = batchnorm_forward(x, np.full(d, 1.5), np.zeros(d), *fresh_stats(d))
    dx, _, _ = batchnorm_backward(dout, cache)
    scale = 1.5 / np.sqrt(x.var(axis=0) + 1e-5) * (np.abs(dout).sum(axis=0) + 1)
    assert np.all(np.abs(dx.sum(axis=0)) <= 1e-12 * scale), "dx does not sum to 0 over the batch"


@given(x=batches, data=st.data())
def test_train_output_is_shift_invariant(x, data):
    shift = data.draw(hnp.arrays(np.float64, x.shape[1], elements=st.floats(-100, 100)))
    d = x.shape[1]
    args = (np.ones(d), np.zeros(d), *fresh_stats(d))
    out, *_ = batchnorm_forward(x, *args)
    shifted, *_ = batchnorm_forward(x + shift, *args)
    # rounding of x + shift (~ulp(200) = 3e-14) divided by std >= sqrt(eps) = 3e-3
    np.testing.assert_allclose(shifted, out, atol=1e-10)


# ---------------------------------------------------------------- errors, stability, dtypes, purity


def test_errors():
    g, b = np.ones(3), np.zeros(3)
    with pytest.raises(ValueError, match="more than 1"):
        batchnorm_forward(np.ones((1, 3)), g, b, *fresh_stats(3))
    with pytest.raises(ValueError, match="mode"):
        batchnorm_forward(np.ones((4, 3)), g, b, *fresh_stats(3), mode="eval")
    with pytest.raises(ValueError, match="shape"):
        batchnorm_forward(np.ones(3), g, b, *fresh_stats(3))


def test_large_magnitudes_without_warnings():
    rng = np.random.default_rng(7)
    d = 4
    cases = {
        "spread 1e4": rng.normal(0, 1e4, size=(9, d)),
        "values near 1e3..1e4": rng.uniform(1e3, 1e4, size=(9, d)) * rng.choice([-1, 1], size=(9, d)),
        "offset 1e6, spread 0.1": 1e6 + rng.normal(0, 0.1, size=(9, d)),
        "constant feature": np.tile([5e3, -1e4, 0.0, 1.0], (9, 1)),
    }
    for label, x in cases.items():
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with np.errstate(all="raise"):
                out, cache, rm, rv = batchnorm_forward(x, np.ones(d), np.zeros(d), *fresh_stats(d))
                dx, dgamma, dbeta = batchnorm_backward(np.ones_like(x), cache)
        for name, arr in (("out", out), ("rm", rm), ("rv", rv), ("dx", dx), ("dgamma", dgamma), ("dbeta", dbeta)):
            assert np.all(np.isfinite(arr)), f"{label}: {name} not finite"
        # two-pass variance: standardized even when the mean dwarfs the spread
        var = np.array([np.mean((x[:, j] - np.mean(x[:, j])) ** 2) for j in range(d)])
        np.testing.assert_allclose(out.var(axis=0), var / (var + 1e-5), rtol=1e-6, atol=1e-12, err_msg=label)


def test_dtypes():
    rng = np.random.default_rng(8)
    x, gamma, beta, rm, rv = (a.astype(np.float32) for a in random_case(rng, 5, 3))
    out, cache, new_rm, new_rv = batchnorm_forward(x, gamma, beta, rm, rv)
    dx, dgamma, dbeta = batchnorm_backward(np.ones_like(x), cache)
    for name, arr in (("out", out), ("rm", new_rm), ("rv", new_rv), ("dx", dx), ("dgamma", dgamma), ("dbeta", dbeta)):
        assert arr.dtype == np.float32, f"{name}: float32 in, {arr.dtype} out"
    xi = np.array([[1, 2], [3, 6], [0, 1]])
    out, _, new_rm, new_rv = batchnorm_forward(xi, np.ones(2), np.zeros(2), *fresh_stats(2))
    assert out.dtype == new_rm.dtype == new_rv.dtype == np.float64
    np.testing.assert_allclose(out, batchnorm_forward(xi.astype(float), np.ones(2), np.zeros(2), *fresh_stats(2))[0])


@pytest.mark.parametrize("mode", ["train", "test"])
def test_purity(mode):
    rng = np.random.default_rng(9)
    inputs = random_case(rng, 5, 3)
    dout = rng.normal(size=(5, 3))
    copies = [a.copy() for a in (*inputs, dout)]
    out, cache, rm, rv = batchnorm_forward(*inputs, mode=mode)
    dx, dgamma, dbeta = batchnorm_backward(dout, cache)
    for a, c, name in zip((*inputs, dout), copies, ("x", "gamma", "beta", "running_mean", "running_var", "dout")):
        np.testing.assert_array_equal(a, c, err_msg=f"{mode}: {name} was modified")
    for res_name, res in (("out", out), ("rm", rm), ("rv", rv), ("dx", dx), ("dgamma", dgamma), ("dbeta", dbeta)):
        for in_name, inp in zip(("x", "gamma", "beta", "running_mean", "running_var", "dout"), (*inputs, dout)):
            assert not np.shares_memory(res, inp), f"{mode}: {res_name} shares memory with {in_name}"
    # the cache can be used twice
    again = batchnorm_backward(dout, cache)
    for a, b in zip(again, (dx, dgamma, dbeta)):
        np.testing.assert_array_equal(a, b)
