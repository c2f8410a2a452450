"""Tests of autograder/reference/clipping.py (chapter 04)."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.reference.clipping import clip_grad_norm, clip_grad_value


def global_norm(grads):
    """Independent global norm: the norm of all entries concatenated."""
    if not grads:
        return 0.0
    return float(np.linalg.norm(np.concatenate([np.ravel(g).astype(np.float64) for g in grads.values()])))


def assert_new_arrays(out, inputs):
    for name, arr in out.items():
        for in_name, in_arr in inputs.items():
            assert not np.shares_memory(arr, in_arr), f"output {name} shares memory with input {in_name}"


grad_arrays = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=5),
    elements=st.floats(-1e3, 1e3, allow_nan=False),
)
grad_dicts = st.dictionaries(st.sampled_from(["W1", "b1", "W2", "b2", "W3"]), grad_arrays, min_size=1)


# ---------------------------------------------------------------- clip_grad_value


def test_clip_value_hand_worked():
    grads = {"W": np.array([[-3.0, -0.5, 0.0], [0.5, 3.0, 1.0]]), "b": np.array([-1.0, 2.0])}
    out = clip_grad_value(grads, 1.0)
    assert list(out) == ["W", "b"]
    np.testing.assert_array_equal(out["W"], [[-1.0, -0.5, 0.0], [0.5, 1.0, 1.0]])
    np.testing.assert_array_equal(out["b"], [-1.0, 1.0])


@given(grads=grad_dicts, c=st.floats(0.0, 2e3))
def test_clip_value_bounds(grads, c):
    before = {k: v.copy() for k, v in grads.items()}
    out = clip_grad_value(grads, c)
    assert out.keys() == grads.keys()
    for name, g in grads.items():
        o = out[name]
        assert o.shape == g.shape
        assert np.all(np.abs(o) <= c), f"{name}: entries beyond {c}"
        inside = np.abs(g) <= c
        np.testing.assert_array_equal(o[inside], g[inside], err_msg=f"{name}: entries within bounds changed")
        np.testing.assert_array_equal(o[~inside], np.sign(g[~inside]) * c, err_msg=f"{name}: clipped entries")
        np.testing.assert_array_equal(g, before[name], err_msg=f"clip_grad_value modified {name}")
    # clipping twice changes nothing more
    again = clip_grad_value(out, c)
    for name in out:
        np.testing.assert_array_equal(again[name], out[name])
    assert_new_arrays(out, grads)


def test_clip_value_dtypes_and_copies():
    grads = {"a": np.array([-5.0, 0.1, 5.0], dtype=np.float32), "b": np.array([[-4, 2]]), "c": np.array([0.2])}
    out = clip_grad_value(grads, 1.5)
    assert out["a"].dtype == np.float32
    assert out["b"].dtype == np.float64
    np.testing.assert_array_equal(out["b"], [[-1.5, 1.5]])
    # nothing clipped in "c": still a new array
    assert_new_arrays(out, grads)
    with pytest.raises(ValueError):
        clip_grad_value(grads, -1.0)


# ---------------------------------------------------------------- clip_grad_norm


def test_clip_norm_hand_worked():
    # entries 3 and 4 (and zeros): total = sqrt(9 + 16) = 5; max_norm 1 -> coef = 1 / (5 + 1e-6)
    grads = {"W": np.array([[3.0, 0.0], [0.0, 0.0]]), "b": np.array([4.0, 0.0])}
    out, total = clip_grad_norm(grads, 1.0)
    assert isinstance(total, float)
    assert total == 5.0
    coef = 1.0 / 5.000001
    np.testing.assert_allclose(out["W"], [[3 * coef, 0.0], [0.0, 0.0]], rtol=1e-15)
    np.testing.assert_allclose(out["b"], [4 * coef, 0.0], rtol=1e-15)


def test_clip_norm_pytorch_epsilon():
    # PyTorch scales whenever max_norm / (total + 1e-6) < 1, so even total == max_norm is
    # scaled by 5 / 5.000001; with max_norm > total + 1e-6 nothing changes.
    grads = {"W": np.array([3.0, 4.0])}
    out, total = clip_grad_norm(grads, 5.0)
    np.testing.assert_allclose(out["W"], np.array([3.0, 4.0]) * (5 / 5.000001), rtol=1e-15)
    assert not np.array_equal(out["W"], grads["W"]), "the 1e-6 of PyTorch's formula was dropped"
    out, total = clip_grad_norm(grads, 5.00001)
    np.testing.assert_array_equal(out["W"], grads["W"])
    assert total == 5.0


def test_clip_norm_zero_gradients():
    grads = {"W": np.zeros((2, 3)), "b": np.zeros(3)}
    with np.errstate(all="raise"):
        out, total = clip_grad_norm(grads, 1.0)
    assert total == 0.0
    for name in grads:
        np.testing.assert_array_equal(out[name], 0.0)
    assert_new_arrays(out, grads)
    assert clip_grad_norm({}, 1.0) == ({}, 0.0)


@given(grads=grad_dicts, max_norm=st.floats(1e-3, 1e4))
def test_clip_norm_properties(grads, max_norm):
    before = {k: v.copy() for k, v in grads.items()}
    out, total = clip_grad_norm(grads, max_norm)
    expected_total = global_norm(grads)
    assert total == pytest.approx(expected_total, rel=1e-12, abs=1e-300), "total norm before clipping"
    # the output norm is at most max_norm
    assert global_norm(out) <= max_norm * (1 + 1e-12), f"clipped norm {global_norm(out)} > {max_norm}"
    # one common factor for every array, in (0, 1]: the direction is preserved
    coef = min(1.0, max_norm / (expected_total + 1e-6))
    for name, g in grads.items():
        np.testing.assert_allclose(out[name], g * coef, rtol=1e-12, atol=1e-300, err_msg=f"{name}: not g * {coef}")
        np.testing.assert_array_equal(g, before[name], err_msg=f"clip_grad_norm modified {name}")
    if expected_total + 1e-6 <= max_norm:
        for name, g in grads.items():
            np.testing.assert_array_equal(out[name], g, err_msg=f"{name} changed although the norm was small")
    assert_new_arrays(out, grads)


def test_clip_norm_is_global_not_per_array():
    # two arrays of norm 3 and 4: clipping each to 5 would change nothing, but the
    # global norm is 5 and max_norm 2.5 halves both (up to PyTorch's 1e-6).
    grads = {"a": np.array([3.0]), "b": np.array([0.0, 4.0])}
    out, total = clip_grad_norm(grads, 2.5)
    assert total == 5.0
    np.testing.assert_allclose(out["a"], [1.5], rtol=1e-6)
    np.testing.assert_allclose(out["b"], [0.0, 2.0], rtol=1e-6)


def test_clip_norm_dtypes_and_large_values():
    grads = {"a": np.array([3e3, -4e3], dtype=np.float32), "b": np.array([[1, 2]])}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            out, total = clip_grad_norm(grads, 1.0)
    assert out["a"].dtype == np.float32
    assert out["b"].dtype == np.float64
    assert total == pytest.approx(math.sqrt(9e6 + 16e6 + 1 + 4), rel=1e-12)
    assert global_norm(out) <= 1.0 + 1e-6
