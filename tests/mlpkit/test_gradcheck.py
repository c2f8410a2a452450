"""The trusted gradient checker, checked against gradients known in closed form."""
import numpy as np
import pytest

from mlpkit.gradcheck import check_gradient, numeric_grad, numeric_grad_array, rel_error


def test_rel_error_hand_worked():
    # |1 - 1.1| / (1 + 1.1) = 0.1 / 2.1; the second entry is exact.
    assert rel_error([1.0, 2.0], [1.1, 2.0]) == pytest.approx(0.1 / 2.1, rel=1e-12)
    # Both tiny: the floor 1e-8 keeps the ratio small instead of 1.
    assert rel_error([1e-12], [0.0]) == pytest.approx(1e-4, rel=1e-9)


def test_numeric_grad_of_known_functions():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4))
    g = numeric_grad(lambda z: np.sum(np.sin(z) * z), x)
    exact = np.cos(x) * x + np.sin(x)
    assert rel_error(g, exact) < 1e-8, "d/dx sum(x sin x) = x cos x + sin x"


def test_numeric_grad_array_is_vector_jacobian_product():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(5,))
    dout = rng.normal(size=(5,))
    g = numeric_grad_array(np.tanh, x, dout)
    assert rel_error(g, dout * (1 - np.tanh(x) ** 2)) < 1e-8


def test_input_is_never_modified_even_by_a_mutating_f():
    x = np.array([1.0, 2.0, 3.0])
    before = x.copy()

    def nasty(z):
        value = np.sum(z**2)
        z[:] = 0.0  # f mutates what it is given: our x must not change
        return value

    numeric_grad(nasty, x)
    assert np.array_equal(x, before)


def test_check_gradient_accepts_right_and_rejects_wrong():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(6, 7))
    good = check_gradient(lambda z: np.sum(z**3), x, 3 * x**2)
    bad = check_gradient(lambda z: np.sum(z**3), x, 3 * x**2 + 1e-3)
    assert good.passed(), str(good)
    assert not bad.passed(), str(bad)
    assert good.n_checked == 42


def test_sampling_checks_only_the_requested_number_reproducibly():
    x = np.arange(1000, dtype=float) / 100
    a = check_gradient(lambda z: np.sum(z**2), x, 2 * x, max_entries=25, rng=np.random.default_rng(3))
    b = check_gradient(lambda z: np.sum(z**2), x, 2 * x, max_entries=25, rng=np.random.default_rng(3))
    assert a.n_checked == 25 and a == b
    with pytest.raises(ValueError, match="rng"):
        check_gradient(lambda z: np.sum(z**2), x, 2 * x, max_entries=25)


def test_one_wrong_entry_is_located():
    x = np.linspace(-1, 1, 12).reshape(3, 4)
    analytic = 2 * x
    analytic[2, 1] += 0.5
    result = check_gradient(lambda z: np.sum(z**2), x, analytic)
    assert result.worst_index == (2, 1)


def test_shape_mismatch_is_a_clear_error():
    with pytest.raises(ValueError, match="shape"):
        check_gradient(lambda z: np.sum(z), np.zeros(3), np.zeros(4))
