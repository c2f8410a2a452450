"""The affine layer (chapter 03)."""
import numpy as np
import pytest

from autograder.reference.layers import affine_backward, affine_forward
from mlpkit.gradcheck import check_gradient


def test_forward_and_backward_hand_worked():
    x = np.array([[1.0, 2.0]])
    W = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    b = np.array([0.5, 0.0, -0.5])
    out, cache = affine_forward(x, W, b)
    # [1*1 + 2*2 + .5, 1*0 + 2*1 + 0, 1*(-1) + 2*0 - .5]
    np.testing.assert_allclose(out, [[5.5, 2.0, -1.5]])
    dx, dW, db = affine_backward(np.ones((1, 3)), cache)
    # dx = dout @ W.T = row sums of W; dW = x.T @ dout; db = column sums of dout
    np.testing.assert_allclose(dx, [[0.0, 3.0]])
    np.testing.assert_allclose(dW, [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]])
    np.testing.assert_allclose(db, [1.0, 1.0, 1.0])


def test_rows_are_independent_examples():
    rng = np.random.default_rng(0)
    x, W, b = rng.normal(size=(5, 4)), rng.normal(size=(4, 3)), rng.normal(size=3)
    out, _ = affine_forward(x, W, b)
    for i in range(5):
        np.testing.assert_allclose(out[i], affine_forward(x[i : i + 1], W, b)[0][0], rtol=1e-14)


def test_gradients_match_finite_differences():
    rng = np.random.default_rng(1)
    x, W, b = rng.normal(size=(4, 5)), rng.normal(size=(5, 3)), rng.normal(size=3)
    dout = rng.normal(size=(4, 3))
    _, cache = affine_forward(x, W, b)
    dx, dW, db = affine_backward(dout, cache)
    # The layer is linear in each argument, so centred differences have no truncation
    # error at any step: a large h = 1e-3 only shrinks the rounding noise.
    h = 1e-3
    checks = {
        "dx": check_gradient(lambda v: affine_forward(v, W, b)[0], x, dx, dout=dout, h=h),
        "dW": check_gradient(lambda v: affine_forward(x, v, b)[0], W, dW, dout=dout, h=h),
        "db": check_gradient(lambda v: affine_forward(x, W, v)[0], b, db, dout=dout, h=h),
    }
    for name, result in checks.items():
        assert result.max_rel_error < 1e-7, f"{name}: {result}"


def test_purity():
    rng = np.random.default_rng(2)
    x, W, b = rng.normal(size=(3, 2)), rng.normal(size=(2, 4)), rng.normal(size=4)
    dout = rng.normal(size=(3, 4))
    originals = [a.copy() for a in (x, W, b, dout)]
    out, cache = affine_forward(x, W, b)
    grads = affine_backward(dout, cache)
    for a, a0 in zip((x, W, b, dout), originals):
        np.testing.assert_array_equal(a, a0, err_msg="an input was modified")
    for g in (out, *grads):
        assert not any(np.shares_memory(g, a) for a in (x, W, b, dout)), "an output aliases an input"


def test_dtypes():
    f32 = [np.ones((2, 3), np.float32), np.ones((3, 4), np.float32), np.ones(4, np.float32)]
    out, cache = affine_forward(*f32)
    assert out.dtype == np.float32
    assert all(g.dtype == np.float32 for g in affine_backward(np.ones((2, 4), np.float32), cache))
    out, cache = affine_forward(np.ones((2, 3), int), np.ones((3, 4), int), np.zeros(4, int))
    assert out.dtype == np.float64
    assert all(g.dtype == np.float64 for g in affine_backward(np.ones((2, 4), int), cache))


def test_shapes_are_checked():
    with pytest.raises(ValueError):
        affine_forward(np.ones((2, 3, 4)), np.ones((12, 5)), np.zeros(5))  # flatten first
    with pytest.raises(ValueError):
        affine_forward(np.ones((2, 3)), np.ones((4, 5)), np.zeros(5))
    with pytest.raises(ValueError):
        affine_forward(np.ones((2, 3)), np.ones((3, 5)), np.zeros((1, 5)))


def test_large_magnitudes_are_finite():
    x = np.full((2, 3), 1e4)
    W = np.full((3, 2), -1e4)
    with np.errstate(all="raise"):
        out, cache = affine_forward(x, W, np.zeros(2))
        grads = affine_backward(np.full((2, 2), 1e3), cache)
    np.testing.assert_allclose(out, -3e8)
    assert all(np.all(np.isfinite(g)) for g in grads)
