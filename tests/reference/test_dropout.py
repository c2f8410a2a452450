"""Tests for autograder.reference.dropout (inverted dropout, p = drop probability)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograder.reference.dropout import dropout_backward, dropout_forward
from mlpkit.gradcheck import check_gradient

K_SIGMA = 5.0  # statistical bounds: a correct implementation fails with probability < 1e-6


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_fraction_dropped_is_p(p):
    n = 1_000_000
    x = np.ones((1000, 1000))
    out, _ = dropout_forward(x, p, "train", rng=np.random.default_rng(0))
    frac = float(np.mean(out == 0))
    sigma = np.sqrt(p * (1 - p) / n)  # binomial proportion
    assert abs(frac - p) < K_SIGMA * sigma, f"fraction of zeros {frac} vs p={p} (5 sigma = {K_SIGMA * sigma:.2e})"


@pytest.mark.parametrize("p", [0.2, 0.6])
def test_expectation_is_preserved(p):
    # out_i = x_i * B_i / (1 - p), B_i ~ Bernoulli(1 - p): E[out_i - x_i] = 0 and
    # Var[out_i - x_i] = x_i^2 p / (1 - p); the mean of n such terms has variance
    # mean(x^2) p / (1 - p) / n.
    rng = np.random.default_rng(1)
    n = 1_000_000
    x = rng.normal(2.0, 1.0, size=n)
    out, _ = dropout_forward(x, p, "train", rng=np.random.default_rng(2))
    diff = float(np.mean(out - x))
    sigma = np.sqrt(np.mean(x**2) * p / (1 - p) / n)
    assert abs(diff) < K_SIGMA * sigma, f"mean(out - x) = {diff}, bound {K_SIGMA * sigma:.2e}"


def test_kept_entries_are_scaled_and_masks_are_per_entry():
    p = 0.3
    rng = np.random.default_rng(3)
    x = rng.uniform(0.5, 2.0, size=(200, 50))  # no zeros, so out == 0 means dropped
    out, _ = dropout_forward(x, p, "train", rng=np.random.default_rng(4))
    kept = out != 0
    np.testing.assert_allclose(out[kept], x[kept] / (1 - p), rtol=1e-15, err_msg="kept entries should be x / (1 - p)")
    assert not np.all(kept == kept[0]), "the mask should differ between examples (one draw per entry)"
    assert not np.all(kept == kept[:, :1]), "the mask should differ between units"


@given(st.floats(0.0, 1.0), st.integers(0, 2**32 - 1))
def test_output_values_are_zero_or_scaled(p, seed):
    x = np.linspace(0.1, 3.0, 60).reshape(6, 10)
    with np.errstate(all="raise"):
        out, cache = dropout_forward(x, p, "train", rng=np.random.default_rng(seed))
        dx = dropout_backward(np.ones_like(x), cache)
    kept = out != 0
    if p == 1.0:
        assert not np.any(kept), "p = 1 drops everything"
    else:
        np.testing.assert_allclose(out[kept], x[kept] / (1 - p), rtol=1e-12, err_msg="kept entries")
        np.testing.assert_allclose(dx, kept / (1 - p), rtol=1e-12, err_msg="backward of ones is mask / (1 - p)")
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(dx)), "finite outputs"


def test_test_mode_is_identity_and_new_array():
    x = np.random.default_rng(5).standard_normal((7, 3))
    x0 = x.copy()
    for rng in (None, np.random.default_rng(0)):
        out, cache = dropout_forward(x, 0.5, "test", rng=rng)
        np.testing.assert_array_equal(out, x, err_msg="test mode should return x")
        assert not np.shares_memory(out, x), "test mode should return a new array"
        dout = np.arange(21.0).reshape(7, 3)
        dx = dropout_backward(dout, cache)
        np.testing.assert_array_equal(dx, dout, err_msg="test-mode backward should pass dout through")
        assert not np.shares_memory(dx, dout), "backward should return a new array"
    np.testing.assert_array_equal(x, x0, err_msg="input modified")


def test_p_zero_is_identity():
    x = np.random.default_rng(6).standard_normal((50, 4))
    out, cache = dropout_forward(x, 0.0, "train", rng=np.random.default_rng(0))
    np.testing.assert_array_equal(out, x, err_msg="p = 0 should be the identity")
    dout = np.full_like(x, 2.5)
    np.testing.assert_array_equal(dropout_backward(dout, cache), dout, err_msg="p = 0 backward should be the identity")


def test_p_one_gives_zeros_without_warnings():
    x = np.random.default_rng(7).standard_normal((50, 4))
    with np.errstate(all="raise"):
        out, cache = dropout_forward(x, 1.0, "train", rng=np.random.default_rng(0))
        dx = dropout_backward(np.ones_like(x), cache)
    np.testing.assert_array_equal(out, np.zeros_like(x), err_msg="p = 1 should give zeros")
    np.testing.assert_array_equal(dx, np.zeros_like(x), err_msg="p = 1 backward should give zeros")


def test_backward_is_dout_times_mask():
    p = 0.4
    rng = np.random.default_rng(8)
    x = rng.uniform(0.5, 1.5, size=(30, 20))
    dout = rng.standard_normal((30, 20))
    out, cache = dropout_forward(x, p, "train", rng=np.random.default_rng(9))
    mask = (out != 0).astype(np.float64)
    np.testing.assert_allclose(dropout_backward(dout, cache), dout * mask / (1 - p), rtol=1e-15,
                               err_msg="dx should be dout * mask / (1 - p)")


@pytest.mark.parametrize("p", [0.25, 0.7])
def test_backward_finite_differences_with_fixed_mask(p):
    rng = np.random.default_rng(10)
    x = rng.standard_normal((6, 5))
    dout = rng.standard_normal((6, 5))
    seed = 11
    # Re-seeding inside f draws the same mask for every evaluation: the mask is held fixed.
    _, cache = dropout_forward(x, p, "train", rng=np.random.default_rng(seed))
    dx = dropout_backward(dout, cache)

    def f(z):
        return dropout_forward(z, p, "train", rng=np.random.default_rng(seed))[0]

    res = check_gradient(f, x, dx, dout=dout)
    assert res.max_rel_error < 1e-7, f"dropout backward vs finite differences: {res}"


def test_reproducible_with_same_seed():
    x = np.ones((40, 40))
    a, _ = dropout_forward(x, 0.5, "train", rng=np.random.default_rng(123))
    b, _ = dropout_forward(x, 0.5, "train", rng=np.random.default_rng(123))
    c, _ = dropout_forward(x, 0.5, "train", rng=np.random.default_rng(124))
    np.testing.assert_array_equal(a, b, err_msg="same seed should give the same mask")
    assert not np.array_equal(a, c), "different seeds should give different masks"


def test_input_not_modified_and_dtypes():
    x = np.random.default_rng(12).standard_normal((10, 10))
    x0 = x.copy()
    out, _ = dropout_forward(x, 0.5, "train", rng=np.random.default_rng(0))
    np.testing.assert_array_equal(x, x0, err_msg="input modified")
    assert not np.shares_memory(out, x), "output aliases the input"
    assert out.dtype == np.float64
    out32, cache32 = dropout_forward(x.astype(np.float32), 0.5, "train", rng=np.random.default_rng(0))
    assert out32.dtype == np.float32, "float32 input should stay float32"
    assert dropout_backward(np.ones((10, 10), np.float32), cache32).dtype == np.float32, "float32 backward"
    out_int, _ = dropout_forward(np.ones((3, 3), dtype=np.int64), 0.5, "train", rng=np.random.default_rng(0))
    assert out_int.dtype == np.float64, "integer input should become float64"
    out_t, _ = dropout_forward(np.ones((3, 3), dtype=np.int64), 0.5, "test")
    assert out_t.dtype == np.float64, "integer input should become float64 in test mode too"


def test_any_shape():
    x = np.ones((2, 3, 4))
    out, cache = dropout_forward(x, 0.5, "train", rng=np.random.default_rng(0))
    assert out.shape == x.shape and dropout_backward(x, cache).shape == x.shape, "shape kept"


def test_invalid_arguments():
    x = np.ones((3, 3))
    rng = np.random.default_rng(0)
    for p in (-0.1, 1.1, float("nan")):
        with pytest.raises(ValueError):
            dropout_forward(x, p, "train", rng=rng)
    with pytest.raises(ValueError):
        dropout_forward(x, 0.5, "eval", rng=rng)
    for p in (0.0, 0.5):
        with pytest.raises(ValueError):
            dropout_forward(x, p, "train", rng=None)
