"""The students' numerical-gradient functions (chapter 03), checked against closed forms
and against the trusted checker in mlpkit."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from autograder.reference.gradcheck import numerical_gradient, numerical_gradient_array, relative_error
from mlpkit.gradcheck import numeric_grad, rel_error


def test_numerical_gradient_of_known_functions():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4))
    g = numerical_gradient(lambda z: np.sum(z**3), x)
    # For x^3 the centred difference is exactly 3 x^2 + h^2: 1e-10 absolute with the default
    # h = 1e-5.
    assert np.abs(g - 3 * x**2).max() < 1e-9, "d/dx sum(x^3) = 3 x^2 (+ h^2)"
    g = numerical_gradient(lambda z: np.sum(np.sin(z) * z), x)
    assert rel_error(g, np.cos(x) * x + np.sin(x)) < 1e-8
    assert g.shape == x.shape and g.dtype == np.float64


def test_centred_difference_hand_worked():
    # f(x) = x^2 at x = 3 with h = 0.5: ((3.5)^2 - (2.5)^2) / 1 = 6, exact for a quadratic
    assert numerical_gradient(lambda z: float(z[0] ** 2), np.array([3.0]), h=0.5)[0] == pytest.approx(6.0)
    # f(x) = x^3 at x = 1, h = 0.1: (1.331 - 0.729) / 0.2 = 3.01 = 3 + h^2 (centred, not one-sided)
    assert numerical_gradient(lambda z: float(z[0] ** 3), np.array([1.0]), h=0.1)[0] == pytest.approx(3.01)


def test_agrees_with_trusted_checker():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(5, 2))
    a = rng.normal(size=(5, 2))

    def f(z):
        return np.sum(np.tanh(z @ a.T))

    assert rel_error(numerical_gradient(f, x), numeric_grad(f, x)) < 1e-6


def test_x_unchanged_and_f_sees_each_perturbation():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    x0 = x.copy()
    seen = []

    def f(z):
        seen.append(np.array(z, copy=True))
        return float(np.sum(z**2))

    numerical_gradient(f, x, h=1e-3)
    np.testing.assert_array_equal(x, x0, err_msg="x changed")
    assert len(seen) == 2 * x.size, "two evaluations per entry"
    # Each evaluation differs from x in exactly one entry, by +h or -h.
    for z in seen:
        diff = z - x0
        assert np.count_nonzero(diff) == 1 and np.isclose(np.abs(diff).max(), 1e-3)


def test_integer_input_is_differentiated_in_float64():
    g = numerical_gradient(lambda z: np.sum(z**2), np.array([1, 2, 3]))
    np.testing.assert_allclose(g, [2.0, 4.0, 6.0], rtol=1e-8)
    assert g.dtype == np.float64


def test_numerical_gradient_array_is_vector_jacobian_product():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(3, 4))
    dout = rng.normal(size=(3, 4))
    g = numerical_gradient_array(np.tanh, x, dout)
    assert rel_error(g, dout * (1 - np.tanh(x) ** 2)) < 1e-8
    # Matrix product: d sum((x @ W) * dout) / dx = dout @ W.T
    W = rng.normal(size=(4, 2))
    d2 = rng.normal(size=(3, 2))
    assert rel_error(numerical_gradient_array(lambda z: z @ W, x, d2), d2 @ W.T) < 1e-8


def test_numerical_gradient_array_when_f_returns_its_argument():
    # f = identity returns the perturbed array itself: its value must be read before the
    # next perturbation. The gradient of sum(x * dout) is dout.
    x = np.array([1.0, -2.0, 0.5])
    dout = np.array([3.0, 4.0, -1.0])
    x0 = x.copy()
    np.testing.assert_allclose(numerical_gradient_array(lambda z: z, x, dout), dout, rtol=1e-8)
    np.testing.assert_array_equal(x, x0)


def test_relative_error_hand_worked():
    # |1 - 1.1| / (1 + 1.1) = 0.1 / 2.1; the second entry is exact
    assert relative_error(np.array([1.0, 2.0]), np.array([1.1, 2.0])) == pytest.approx(0.1 / 2.1, rel=1e-12)
    # Both tiny: the floor 1e-8 gives 1e-12 / 1e-8 = 1e-4 rather than 1
    assert relative_error(np.array([1e-12]), np.array([0.0])) == pytest.approx(1e-4, rel=1e-9)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert isinstance(relative_error(np.ones(2), np.ones(2)), float)


@given(
    a=arrays(np.float64, 6, elements=st.floats(-1e6, 1e6)),
    b=arrays(np.float64, 6, elements=st.floats(-1e6, 1e6)),
)
def test_relative_error_matches_trusted_version_and_is_symmetric(a, b):
    e = relative_error(a, b)
    assert e == pytest.approx(rel_error(a, b), rel=1e-12, abs=1e-300)
    assert e == relative_error(b, a)
    assert 0.0 <= e <= 1.0 + 1e-15, "|a - b| <= |a| + |b|"
