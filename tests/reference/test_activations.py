"""Sigmoid, tanh and ReLU layers (chapter 03)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.special import expit

from autograder.reference.activations import (
    relu_backward,
    relu_forward,
    sigmoid_backward,
    sigmoid_forward,
    tanh_backward,
    tanh_forward,
)
from mlpkit.gradcheck import check_gradient

LAYERS = {
    "sigmoid": (sigmoid_forward, sigmoid_backward),
    "tanh": (tanh_forward, tanh_backward),
    "relu": (relu_forward, relu_backward),
}


def test_hand_worked_values():
    x = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(relu_forward(x)[0], [0.0, 0.0, 3.0])
    # ReLU's derivative at exactly 0 is 0 (the x <= 0 branch)
    np.testing.assert_array_equal(relu_backward(np.array([5.0, 6.0, 7.0]), relu_forward(x)[1]), [0.0, 0.0, 7.0])
    # sigma(0) = 1/2, sigma'(0) = 1/4; tanh(0) = 0, tanh'(0) = 1
    s, cache = sigmoid_forward(np.array([0.0]))
    assert s[0] == 0.5 and sigmoid_backward(np.array([1.0]), cache)[0] == 0.25
    t, cache = tanh_forward(np.array([0.0]))
    assert t[0] == 0.0 and tanh_backward(np.array([1.0]), cache)[0] == 1.0
    # sigma(ln 3) = 1 / (1 + 1/3) = 3/4
    assert sigmoid_forward(np.array([np.log(3.0)]))[0][0] == pytest.approx(0.75, rel=1e-15)


def test_sigmoid_matches_scipy_expit():
    x = np.linspace(-700, 700, 2801)
    np.testing.assert_allclose(sigmoid_forward(x)[0], expit(x), rtol=1e-13, atol=0)


def test_tanh_matches_numpy_and_sigmoid_identity():
    x = np.linspace(-20, 20, 401)
    np.testing.assert_allclose(tanh_forward(x)[0], np.tanh(x), rtol=1e-15)
    # tanh(x) = 2 sigma(2x) - 1
    np.testing.assert_allclose(tanh_forward(x)[0], 2 * expit(2 * x) - 1, atol=1e-15)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
def test_gradient_matches_finite_differences(name):
    forward, backward = LAYERS[name]
    rng = np.random.default_rng(0)
    # Away from ReLU's kink (|x| >= 0.1) and from saturation (|x| <= 2), with |dout| >= 0.5:
    # every entry of dx is then far above the finite differences' rounding noise.
    x = rng.choice([-1, 1], size=(4, 5)) * rng.uniform(0.1, 2.0, size=(4, 5))
    dout = rng.choice([-1, 1], size=(4, 5)) * rng.uniform(0.5, 1.5, size=(4, 5))
    _, cache = forward(x)
    dx = backward(dout, cache)
    result = check_gradient(lambda v: forward(v)[0], x, dx, dout=dout)
    assert result.max_rel_error < 1e-7, f"{name}: {result}"


@pytest.mark.parametrize("scale", [1e3, 1e4])
def test_stable_at_large_magnitudes(scale):
    x = np.array([-scale, scale, -scale / 2, scale / 2])
    dout = np.ones(4)
    with np.errstate(all="raise"):
        s, cs = sigmoid_forward(x)
        ds = sigmoid_backward(dout, cs)
        t, ct = tanh_forward(x)
        dt = tanh_backward(dout, ct)
        r, cr = relu_forward(x)
        dr = relu_backward(dout, cr)
    # sigma(-1000) = e^-1000 underflows to 0 in float64; sigma(-500) = 7.1e-218 does not.
    np.testing.assert_allclose(s, expit(x), rtol=1e-13, atol=0, err_msg="sigmoid vs SciPy's expit")
    np.testing.assert_array_equal(s[:2], [0.0, 1.0], err_msg="saturated sigmoid")
    # From the cached s, 1 - s is exact only to about 1e-16 (sigma(500) rounds to 1), hence atol.
    np.testing.assert_allclose(ds, expit(x) * expit(-x), rtol=1e-13, atol=1e-16, err_msg="sigmoid derivative")
    np.testing.assert_array_equal(ds[:2], 0.0, err_msg="saturated sigmoid passes back no gradient")
    np.testing.assert_array_equal(t, [-1.0, 1.0, -1.0, 1.0], err_msg="saturated tanh")
    np.testing.assert_array_equal(dt, 0.0, err_msg="saturated tanh passes back no gradient")
    np.testing.assert_array_equal(r, [0.0, scale, 0.0, scale / 2])
    np.testing.assert_array_equal(dr, [0.0, 1.0, 0.0, 1.0])


@given(
    x=arrays(np.float64, st.integers(1, 20), elements=st.floats(-1e4, 1e4)),
    dout=st.floats(-10, 10),
)
def test_relu_backward_is_zero_where_x_not_positive(x, dout):
    _, cache = relu_forward(x)
    dx = relu_backward(np.full_like(x, dout), cache)
    np.testing.assert_array_equal(dx[x <= 0], 0.0, err_msg="gradient where x <= 0")
    np.testing.assert_array_equal(dx[x > 0], dout, err_msg="gradient where x > 0 is dout")
    np.testing.assert_array_equal(relu_forward(x)[0], np.where(x > 0, x, 0.0))


@given(x=arrays(np.float64, st.integers(1, 20), elements=st.floats(-1e4, 1e4)))
def test_sigmoid_in_unit_interval_and_symmetric(x):
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        s = sigmoid_forward(x)[0]
        s_neg = sigmoid_forward(-x)[0]
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s + s_neg, 1.0, rtol=1e-15, err_msg="sigma(-x) = 1 - sigma(x)")


@given(x=arrays(np.float64, st.integers(1, 20), elements=st.floats(-1e4, 1e4)))
def test_tanh_is_odd_and_bounded(x):
    t = tanh_forward(x)[0]
    assert np.all(np.abs(t) <= 1)
    np.testing.assert_array_equal(tanh_forward(-x)[0], -t)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
def test_purity_and_cache_independent_of_output(name):
    forward, backward = LAYERS[name]
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 4)) + 0.05
    dout = rng.normal(size=(3, 4))
    x0, dout0 = x.copy(), dout.copy()
    out, cache = forward(x)
    expected = backward(dout, cache)
    assert not np.shares_memory(out, x), f"{name}_forward returned its input"
    out[...] = 123.0  # a caller editing the output must not corrupt the backward pass
    dx = backward(dout, cache)
    np.testing.assert_array_equal(dx, expected, err_msg=f"{name}: editing out changed the backward pass")
    assert not np.shares_memory(dx, dout)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(dout, dout0)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
def test_dtypes(name):
    forward, backward = LAYERS[name]
    out, cache = forward(np.array([[-1.0, 2.0]], np.float32))
    assert out.dtype == np.float32
    assert backward(np.ones((1, 2), np.float32), cache).dtype == np.float32
    out, cache = forward(np.array([[-1, 2]]))
    assert out.dtype == np.float64
    assert backward(np.ones((1, 2), int), cache).dtype == np.float64
