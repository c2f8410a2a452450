"""Tests for autograder.reference.regularization (L1 and L2 weight penalties)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from autograder.reference.regularization import l1_penalty, l2_penalty
from mlpkit.gradcheck import check_gradient

W1 = np.array([[1.0, -2.0], [3.0, 0.0]])
W2 = np.array([[0.5]])


def test_l2_hand_worked():
    # sum of squares: 1 + 4 + 9 + 0 + 0.25 = 14.25; lam / (2m) = 0.1 / 8 = 0.0125
    # penalty = 0.0125 * 14.25 = 0.178125; gradient lam / m * W = 0.025 * W
    penalty, grads = l2_penalty([W1, W2], lam=0.1, m=4)
    assert penalty == pytest.approx(0.178125, rel=1e-14), f"L2 penalty {penalty} != 0.178125"
    np.testing.assert_allclose(grads[0], [[0.025, -0.05], [0.075, 0.0]], rtol=1e-14, err_msg="dL2/dW1")
    np.testing.assert_allclose(grads[1], [[0.0125]], rtol=1e-14, err_msg="dL2/dW2")


def test_l1_hand_worked():
    # sum of |w|: 1 + 2 + 3 + 0 + 0.5 = 6.5; lam / m = 0.025; penalty = 0.1625
    # gradient 0.025 * sign(W), with sign(0) = 0
    penalty, grads = l1_penalty([W1, W2], lam=0.1, m=4)
    assert penalty == pytest.approx(0.1625, rel=1e-14), f"L1 penalty {penalty} != 0.1625"
    np.testing.assert_array_equal(grads[0], [[0.025, -0.025], [0.025, 0.0]], err_msg="dL1/dW1 (sign(0) = 0)")
    np.testing.assert_array_equal(grads[1], [[0.025]], err_msg="dL1/dW2")


def test_return_types_and_shapes():
    for fn in (l1_penalty, l2_penalty):
        penalty, grads = fn([W1, W2], 0.3, 7)
        assert isinstance(penalty, float), f"{fn.__name__}: penalty should be a Python float"
        assert isinstance(grads, list) and len(grads) == 2, f"{fn.__name__}: one gradient per weight matrix"
        assert [g.shape for g in grads] == [W1.shape, W2.shape], f"{fn.__name__}: gradient shapes"


def test_empty_list():
    for fn in (l1_penalty, l2_penalty):
        assert fn([], 1.0, 10) == (0.0, []), f"{fn.__name__} of no weights should be (0.0, [])"


def test_lam_zero_gives_zero():
    for fn in (l1_penalty, l2_penalty):
        penalty, grads = fn([W1, W2], 0.0, 5)
        assert penalty == 0.0 and all(not np.any(g) for g in grads), f"{fn.__name__} with lam=0"


def test_l2_gradient_finite_differences():
    rng = np.random.default_rng(0)
    Ws = [rng.standard_normal((4, 3)), rng.standard_normal((3, 2))]
    lam, m = 0.7, 13
    _, grads = l2_penalty(Ws, lam, m)
    for k in range(2):
        def f(W, k=k):
            others = list(Ws)
            others[k] = W
            return l2_penalty(others, lam, m)[0]

        res = check_gradient(f, Ws[k], grads[k])
        assert res.max_rel_error < 1e-7, f"L2 gradient of W{k + 1} vs finite differences: {res}"


def test_l1_gradient_finite_differences_away_from_zero():
    rng = np.random.default_rng(1)
    Ws = []
    for shape in [(5, 4), (4, 3)]:
        W = rng.standard_normal(shape)
        W = np.where(np.abs(W) < 0.1, 0.5, W)  # keep away from the kink at 0 (h = 1e-6)
        Ws.append(W)
    lam, m = 0.3, 9
    _, grads = l1_penalty(Ws, lam, m)
    for k in range(2):
        def f(W, k=k):
            others = list(Ws)
            others[k] = W
            return l1_penalty(others, lam, m)[0]

        res = check_gradient(f, Ws[k], grads[k])
        assert res.max_rel_error < 1e-7, f"L1 gradient of W{k + 1} vs finite differences: {res}"


finite = st.floats(-1e3, 1e3, allow_nan=False)


@given(
    W=arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 4)), elements=finite),
    c=st.floats(-10, 10).filter(lambda v: v == 0 or abs(v) > 1e-3),
    lam=st.floats(0.0, 10.0),
    m=st.integers(1, 1000),
)
def test_homogeneity_properties(W, c, lam, m):
    # Independent of the formulas: L2 is homogeneous of degree 2, L1 of degree 1, and
    # by Euler's theorem sum(W * grad) = degree * penalty.
    p2, (g2,) = l2_penalty([W], lam, m)
    p1, (g1,) = l1_penalty([W], lam, m)
    assert l2_penalty([c * W], lam, m)[0] == pytest.approx(c * c * p2, rel=1e-9, abs=1e-300), "L2(cW) = c^2 L2(W)"
    assert l1_penalty([c * W], lam, m)[0] == pytest.approx(abs(c) * p1, rel=1e-9, abs=1e-300), "L1(cW) = |c| L1(W)"
    assert float(np.sum(W * g2)) == pytest.approx(2 * p2, rel=1e-9, abs=1e-12), "Euler: sum(W * dL2) = 2 L2"
    assert float(np.sum(W * g1)) == pytest.approx(p1, rel=1e-9, abs=1e-12), "Euler: sum(W * dL1) = L1"
    assert p2 >= 0 and p1 >= 0, "penalties are non-negative"


def test_inputs_not_modified_and_outputs_new():
    Ws = [W1.copy(), W2.copy()]
    for fn in (l1_penalty, l2_penalty):
        _, grads = fn(Ws, 1.0, 1)  # lam / m = 1: the L2 gradient equals W, still a new array
        np.testing.assert_array_equal(Ws[0], W1, err_msg=f"{fn.__name__} modified its input")
        np.testing.assert_array_equal(Ws[1], W2, err_msg=f"{fn.__name__} modified its input")
        for g, W in zip(grads, Ws):
            assert not np.shares_memory(g, W), f"{fn.__name__}: a gradient aliases its weight matrix"


def test_dtypes():
    W_int = np.array([[1, -2], [0, 3]])
    for fn in (l1_penalty, l2_penalty):
        _, (g,) = fn([W_int], 1.0, 2)
        assert g.dtype == np.float64, f"{fn.__name__}: integer weights should give float64 gradients"
        _, (g32,) = fn([W1.astype(np.float32)], 1.0, 2)
        assert g32.dtype == np.float32, f"{fn.__name__}: float32 weights should keep float32"
    # integer weights give the same penalty as their float64 version: 1 + 4 + 0 + 9 = 14
    assert l2_penalty([W_int], 1.0, 2)[0] == pytest.approx(14 / 4), "L2 of integer weights"


def test_invalid_arguments():
    for fn in (l1_penalty, l2_penalty):
        with pytest.raises(ValueError):
            fn([W1], 1.0, 0)
        with pytest.raises(ValueError):
            fn([W1], -0.1, 10)
