"""Update rules of chapter 02: steps worked out by hand, state handling, purity, dtypes."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from autograder.reference.optimizers import (
    adam_step,
    lr_time_decay,
    momentum_step,
    rmsprop_step,
    sgd_step,
)


def test_sgd_step_hand_worked():
    # [1, -2] - 0.1 * [0.5, -1] = [0.95, -1.9]
    np.testing.assert_allclose(sgd_step(np.array([1.0, -2.0]), np.array([0.5, -1.0]), 0.1), [0.95, -1.9])


def test_momentum_two_steps_hand_worked():
    # Step 1: v = 0.9 * 0 + 2 = 2, w = 1 - 0.1 * 2 = 0.8
    w, v = momentum_step(np.array([1.0]), np.array([2.0]), np.zeros(1), lr=0.1, beta=0.9)
    np.testing.assert_allclose(v, [2.0], err_msg="first velocity is the gradient")
    np.testing.assert_allclose(w, [0.8])
    # Step 2 with dw = 1: v = 0.9 * 2 + 1 = 2.8, w = 0.8 - 0.1 * 2.8 = 0.52
    w, v = momentum_step(w, np.array([1.0]), v, lr=0.1, beta=0.9)
    np.testing.assert_allclose(v, [2.8])
    np.testing.assert_allclose(w, [0.52])


def test_momentum_with_beta_zero_is_sgd():
    rng = np.random.default_rng(0)
    w, dw = rng.normal(size=5), rng.normal(size=5)
    w1, _ = momentum_step(w, dw, rng.normal(size=5), lr=0.3, beta=0.0)
    np.testing.assert_allclose(w1, sgd_step(w, dw, 0.3), rtol=1e-15)


def test_rmsprop_step_hand_worked():
    # s = 0.99 * 0 + 0.01 * 2^2 = 0.04; w = 1 - 0.01 * 2 / (sqrt(0.04) + 1e-8) = 1 - 0.02 / 0.20000001
    w, s = rmsprop_step(np.array([1.0]), np.array([2.0]), np.zeros(1), lr=0.01, decay=0.99, eps=1e-8)
    np.testing.assert_allclose(s, [0.04], rtol=1e-14)
    np.testing.assert_allclose(w, [1 - 0.02 / 0.20000001], rtol=1e-14)
    # Second step, dw = -1: s = 0.99 * 0.04 + 0.01 * 1 = 0.0496
    w2, s2 = rmsprop_step(w, np.array([-1.0]), s, lr=0.01, decay=0.99, eps=1e-8)
    np.testing.assert_allclose(s2, [0.0496], rtol=1e-14)
    np.testing.assert_allclose(w2, w + 0.01 / (math.sqrt(0.0496) + 1e-8), rtol=1e-14)


def test_adam_first_step_moves_every_weight_by_about_lr():
    # At t = 1, mhat = dw and vhat = dw^2, so the step is lr * dw / (|dw| + eps) ~ lr * sign(dw),
    # whatever the size of the gradient.
    w = np.array([1.0, 1.0, 1.0, 1.0])
    dw = np.array([1e-3, -5.0, 100.0, -0.2])
    w1, m, v = adam_step(w, dw, np.zeros(4), np.zeros(4), t=1, lr=0.01)
    np.testing.assert_allclose(w1 - w, -0.01 * np.sign(dw), rtol=1e-4, err_msg="first Adam step")
    np.testing.assert_allclose(m, 0.1 * dw, rtol=1e-14, err_msg="raw first moment (1 - beta1) dw")
    np.testing.assert_allclose(v, 0.001 * dw**2, rtol=1e-13, err_msg="raw second moment (1 - beta2) dw^2")


def test_adam_two_steps_hand_worked():
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    # Step 1, dw = 2: m = 0.2, v = 0.004, mhat = 2, vhat = 4, w = 1 - 0.1 * 2 / (2 + 1e-8)
    w, m, v = adam_step(np.array([1.0]), np.array([2.0]), np.zeros(1), np.zeros(1), 1, lr, b1, b2, eps)
    np.testing.assert_allclose([m[0], v[0]], [0.2, 0.004], rtol=1e-14)
    w1 = 1 - 0.1 * 2 / (2 + 1e-8)
    np.testing.assert_allclose(w, [w1], rtol=1e-14)
    # Step 2, dw = -1: m = 0.18 - 0.1 = 0.08, v = 0.003996 + 0.001 = 0.004996,
    # mhat = 0.08 / (1 - 0.81) = 0.08 / 0.19, vhat = 0.004996 / (1 - 0.998001) = 0.004996 / 0.001999
    w, m, v = adam_step(w, np.array([-1.0]), m, v, 2, lr, b1, b2, eps)
    np.testing.assert_allclose([m[0], v[0]], [0.08, 0.004996], rtol=1e-13)
    w2 = w1 - 0.1 * (0.08 / 0.19) / (math.sqrt(0.004996 / 0.001999) + 1e-8)
    np.testing.assert_allclose(w, [w2], rtol=1e-13)


def test_adam_is_nearly_invariant_to_gradient_scale():
    rng = np.random.default_rng(1)
    w, dw = rng.normal(size=6), rng.normal(size=6)
    m = v = np.zeros(6)
    small, _, _ = adam_step(w, dw, m, v, 1)
    large, _, _ = adam_step(w, 1000 * dw, m, v, 1)
    np.testing.assert_allclose(small, large, rtol=1e-7, err_msg="Adam's step does not depend on the gradient's scale")


def test_adam_rejects_step_zero():
    with pytest.raises(ValueError):
        adam_step(np.zeros(2), np.ones(2), np.zeros(2), np.zeros(2), t=0)


def test_lr_time_decay_hand_worked():
    # 0.2 / (1 + 1 * epoch) at epochs 0, 1, 3
    assert lr_time_decay(0.2, 1.0, 0) == pytest.approx(0.2)
    assert lr_time_decay(0.2, 1.0, 1) == pytest.approx(0.1)
    assert lr_time_decay(0.2, 1.0, 3) == pytest.approx(0.05)
    assert lr_time_decay(0.5, 0.0, 10) == pytest.approx(0.5), "decay 0 keeps lr0"


# ---------------------------------------------------------------------------
# Purity, dtypes, stability
# ---------------------------------------------------------------------------


def _steps(w, dw, state):
    """Every optimizer applied once; returns name -> tuple of returned arrays."""
    return {
        "sgd": (sgd_step(w, dw, 0.1),),
        "momentum": momentum_step(w, dw, state, 0.1),
        "rmsprop": rmsprop_step(w, dw, np.abs(state), 0.1),
        "adam": adam_step(w, dw, state, np.abs(state), 3, lr=0.1),
    }


def test_inputs_unchanged_and_outputs_new():
    rng = np.random.default_rng(2)
    w, dw, state = rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    copies = [a.copy() for a in (w, dw, state)]
    for name, outs in _steps(w, dw, state).items():
        for original, copy in zip((w, dw, state), copies):
            np.testing.assert_array_equal(original, copy, err_msg=f"{name} modified an input")
        for out in outs:
            assert out.shape == w.shape
            assert not any(np.shares_memory(out, a) for a in (w, dw, state)), f"{name} returned an input"


def test_float32_stays_float32_and_int_becomes_float64():
    for name, outs in _steps(*(np.ones((2, 2), np.float32) for _ in range(3))).items():
        assert all(o.dtype == np.float32 for o in outs), f"{name}: {[o.dtype for o in outs]}"
    for name, outs in _steps(*(np.ones((2, 2), np.int64) for _ in range(3))).items():
        assert all(o.dtype == np.float64 for o in outs), f"{name}: {[o.dtype for o in outs]}"


@pytest.mark.parametrize("scale", [0.0, 1e3, 1e4])
def test_zero_and_huge_gradients_are_finite(scale):
    w = np.array([1.0, -1.0])
    dw = scale * np.array([1.0, -1.0])
    with np.errstate(all="raise"):
        outs = _steps(w, dw, np.zeros(2))
    for name, arrays_ in outs.items():
        assert all(np.all(np.isfinite(a)) for a in arrays_), f"{name} at gradient scale {scale}"
    if scale == 0.0:
        np.testing.assert_array_equal(outs["adam"][0], w, err_msg="Adam with zero gradient must not move")
        np.testing.assert_array_equal(outs["rmsprop"][0], w, err_msg="RMSprop with zero gradient must not move")


@given(
    dw=arrays(np.float64, st.integers(1, 8), elements=st.floats(-1e3, 1e3)),
    t=st.integers(1, 50),
)
def test_adam_step_never_exceeds_lr_by_much(dw, t):
    # With fresh moments, |mhat| / sqrt(vhat) = sqrt(1 - beta2^t) / (1 - beta1^t)
    # * |(1 - beta1) dw| / sqrt((1 - beta2) dw^2) <= about 1 for t = 1; in general
    # the step is bounded by lr * (1 - beta1) / sqrt(1 - beta2) * sqrt(1 - beta2^t) / (1 - beta1^t).
    lr, b1, b2 = 0.01, 0.9, 0.999
    w = np.zeros_like(dw)
    w1, _, _ = adam_step(w, dw, np.zeros_like(dw), np.zeros_like(dw), t, lr, b1, b2)
    bound = lr * (1 - b1) / math.sqrt(1 - b2) * math.sqrt(1 - b2**t) / (1 - b1**t)
    assert np.all(np.abs(w1) <= bound * (1 + 1e-12)), f"step {np.abs(w1).max()} above bound {bound}"
