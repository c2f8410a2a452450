"""Tests of autograder/reference/saturation.py (chapter 04)."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.special import expit

from autograder.reference.saturation import gradient_norms, saturation_fraction

ACTIVATIONS = ["sigmoid", "tanh", "relu"]


def sigmoid_cutoff(t):
    """|z| above which sigma'(z) < t / 4, solved by hand.

    s (1 - s) = t / 4  <=>  s = (1 + sqrt(1 - t)) / 2, and z = log(s / (1 - s)).
    """
    r = math.sqrt(1.0 - t)
    return math.log((1.0 + r) / (1.0 - r))


def tanh_cutoff(t):
    """|z| above which 1 - tanh(z)^2 < t: tanh(z)^2 > 1 - t, z = artanh(sqrt(1 - t))."""
    return math.atanh(math.sqrt(1.0 - t))


# ---------------------------------------------------------------- hand-worked values


def test_sigmoid_hand_worked():
    # threshold 0.01: sqrt(0.99) = 0.994987, s = 0.997494, z* = ln(0.997494 / 0.002506)
    # = ln(398.0) = 5.9865. So 5.9 is not saturated, 6.1 is; 0 and 1 are not.
    z = np.array([0.0, 1.0, 5.9, -5.9, 6.1, -6.1, 100.0, -100.0])
    got = saturation_fraction(z, "sigmoid")
    assert got == pytest.approx(4 / 8), f"sigmoid saturation fraction {got}, expected 4/8"
    assert sigmoid_cutoff(0.01) == pytest.approx(5.9865, abs=1e-4)


def test_tanh_hand_worked():
    # threshold 0.01: z* = artanh(0.994987) = 0.5 ln(1.994987 / 0.005013) = 2.9932.
    z = np.array([[0.0, 2.9, -2.9], [3.1, -3.1, 50.0]])
    got = saturation_fraction(z, "tanh")
    assert got == pytest.approx(3 / 6), f"tanh saturation fraction {got}, expected 3/6"
    assert tanh_cutoff(0.01) == pytest.approx(2.9932, abs=1e-4)


def test_relu_hand_worked_zero_counts_as_saturated():
    # relu'(z) = 0 for z <= 0 (including exactly 0), 1 for z > 0.
    z = np.array([-2.0, -1e-12, 0.0, 1e-12, 3.0])
    got = saturation_fraction(z, "relu")
    assert got == pytest.approx(3 / 5), f"relu saturation fraction {got}, expected 3/5"


@pytest.mark.parametrize("t", [0.001, 0.01, 0.1, 0.5, 0.9])
def test_sigmoid_and_tanh_cutoffs_either_side(t):
    """Points just inside and just outside the solved cutoff fall on the right side."""
    for activation, cutoff in (("sigmoid", sigmoid_cutoff(t)), ("tanh", tanh_cutoff(t))):
        inside = np.array([cutoff * (1 - 1e-6), -cutoff * (1 - 1e-6)])
        outside = np.array([cutoff * (1 + 1e-6), -cutoff * (1 + 1e-6)])
        assert saturation_fraction(inside, activation, threshold=t) == 0.0, (activation, t, "inside")
        assert saturation_fraction(outside, activation, threshold=t) == 1.0, (activation, t, "outside")


def test_sigmoid_matches_scipy_expit():
    rng = np.random.default_rng(0)
    z = rng.normal(scale=6.0, size=(300, 40))
    for t in (0.01, 0.05, 0.3):
        s = expit(z)
        expected = np.mean(s * (1 - s) < t * 0.25)
        got = saturation_fraction(z, "sigmoid", threshold=t)
        assert got == pytest.approx(expected, abs=0), f"threshold {t}: {got} vs expit-based {expected}"


def test_tanh_matches_numpy_tanh():
    rng = np.random.default_rng(1)
    z = rng.normal(scale=3.0, size=(250, 30))
    for t in (0.01, 0.2):
        expected = np.mean(1 - np.tanh(z) ** 2 < t)
        got = saturation_fraction(z, "tanh", threshold=t)
        assert got == pytest.approx(expected, abs=0), f"threshold {t}: {got} vs np.tanh-based {expected}"


# ---------------------------------------------------------------- properties


finite_z = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=8),
    elements=st.floats(-1e6, 1e6, allow_nan=False),
)


@given(z=finite_z, activation=st.sampled_from(ACTIVATIONS))
def test_fraction_is_a_fraction_of_entries(z, activation):
    got = saturation_fraction(z, activation)
    assert isinstance(got, float)
    assert 0.0 <= got <= 1.0
    # it is a count divided by z.size
    assert got * z.size == pytest.approx(round(got * z.size), abs=1e-9)


@given(z=finite_z, activation=st.sampled_from(["sigmoid", "tanh"]))
def test_symmetric_activations_give_symmetric_fractions(z, activation):
    assert saturation_fraction(z, activation) == saturation_fraction(-z, activation)


@given(z=finite_z, activation=st.sampled_from(ACTIVATIONS), t1=st.floats(0.0, 1.0), t2=st.floats(0.0, 1.0))
def test_monotone_in_threshold(z, activation, t1, t2):
    lo, hi = sorted((t1, t2))
    assert saturation_fraction(z, activation, threshold=lo) <= saturation_fraction(z, activation, threshold=hi)


@given(z=finite_z, activation=st.sampled_from(ACTIVATIONS))
def test_independent_of_shape_and_order(z, activation):
    flat = z.ravel()[::-1]
    assert saturation_fraction(z, activation) == saturation_fraction(flat, activation)


# ---------------------------------------------------------------- stability, dtypes, purity, errors


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_huge_inputs_no_warnings(activation):
    z = np.array([-1e308, -1e4, -3e3, -1e3, 1e3, 3e3, 1e4, 1e308])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            got = saturation_fraction(z, activation)
    expected = 0.5 if activation == "relu" else 1.0
    assert got == expected, f"{activation}: {got} on huge inputs, expected {expected}"


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_dtypes_and_single_entry(activation):
    z = np.array([[-7, -1, 0, 2, 9]], dtype=np.int64)
    ref = saturation_fraction(z.astype(np.float64), activation)
    assert saturation_fraction(z, activation) == ref, "int64 input"
    assert saturation_fraction(z.astype(np.float32), activation) == ref, "float32 input"
    assert saturation_fraction([-7, -1, 0, 2, 9], activation) == ref, "list input"
    one = saturation_fraction(np.array([[0.0]]), activation)
    assert one == (1.0 if activation == "relu" else 0.0), f"{activation} at the single entry 0"


def test_input_unchanged():
    z = np.linspace(-10, 10, 21)
    before = z.copy()
    for activation in ACTIVATIONS:
        saturation_fraction(z, activation)
    np.testing.assert_array_equal(z, before, err_msg="saturation_fraction modified z")


def test_errors():
    with pytest.raises(ValueError, match="activation"):
        saturation_fraction(np.zeros(3), "softmax")
    with pytest.raises(ValueError):
        saturation_fraction(np.zeros((0, 3)), "relu")


# ---------------------------------------------------------------- gradient_norms


def test_gradient_norms_hand_worked():
    # ||[[3, 4]]|| = 5; ||[1, 2, 2]|| = sqrt(1 + 4 + 4) = 3; ||[[0, 0], [0, 0]]|| = 0
    grads = {"W1": np.array([[3.0, 4.0]]), "b1": np.array([1, 2, 2]), "W2": np.zeros((2, 2))}
    norms = gradient_norms(grads)
    assert list(norms) == ["W1", "b1", "W2"], f"keys or their order changed: {list(norms)}"
    assert norms == {"W1": 5.0, "b1": 3.0, "W2": 0.0}
    assert all(isinstance(v, float) for v in norms.values())


def test_gradient_norms_match_numpy_frobenius():
    rng = np.random.default_rng(2)
    grads = {"W1": rng.normal(size=(7, 5)), "b1": rng.normal(size=5), "W2": rng.normal(size=(5, 3)).astype(np.float32)}
    before = {k: v.copy() for k, v in grads.items()}
    norms = gradient_norms(grads)
    for name, g in grads.items():
        expected = np.linalg.norm(g.astype(np.float64).reshape(g.shape[0], -1), ord="fro")
        assert norms[name] == pytest.approx(expected, rel=1e-12), f"norm of {name}"
        np.testing.assert_array_equal(g, before[name], err_msg=f"gradient_norms modified {name}")
    assert gradient_norms({}) == {}
