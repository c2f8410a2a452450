"""Minibatch iteration and minibatch SGD (chapter 02)."""
import inspect
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import chisquare

from autograder.reference.minibatch import iterate_minibatches, minibatch_sgd


def _paired_data(n):
    """X rows carry their index; y = 10 * index + 1, so pairing errors are visible."""
    X = np.arange(n, dtype=float).reshape(n, 1) * np.ones((1, 3))
    y = 10 * np.arange(n) + 1
    return X, y


@given(n=st.integers(1, 60), batch_size=st.integers(1, 80), seed=st.one_of(st.none(), st.integers(0, 2**32 - 1)))
def test_every_example_exactly_once(n, batch_size, seed):
    X, y = _paired_data(n)
    rng = None if seed is None else np.random.default_rng(seed)
    batches = list(iterate_minibatches(X, y, batch_size, rng))
    assert len(batches) == math.ceil(n / batch_size), "number of batches per epoch"
    sizes = [len(xb) for xb, _ in batches]
    assert all(s == batch_size for s in sizes[:-1]), f"only the last batch may be smaller: {sizes}"
    assert sizes[-1] == n - batch_size * (len(batches) - 1)
    idx = np.concatenate([xb[:, 0] for xb, _ in batches]).astype(int)
    np.testing.assert_array_equal(np.sort(idx), np.arange(n), err_msg="an example is missing or repeated")
    for xb, yb in batches:
        np.testing.assert_array_equal(yb, 10 * xb[:, 0] + 1, err_msg="X and y batches are not paired")
    if rng is None:
        np.testing.assert_array_equal(idx, np.arange(n), err_msg="rng=None must keep the given order")


def test_is_a_generator():
    X, y = _paired_data(4)
    assert inspect.isgenerator(iterate_minibatches(X, y, 2))


def test_shuffles_with_rng_permutation_and_is_reproducible():
    X, y = _paired_data(50)
    order = np.concatenate([xb[:, 0] for xb, _ in iterate_minibatches(X, y, 7, np.random.default_rng(3))])
    again = np.concatenate([xb[:, 0] for xb, _ in iterate_minibatches(X, y, 7, np.random.default_rng(3))])
    np.testing.assert_array_equal(order, again, err_msg="same seed, different order")
    np.testing.assert_array_equal(order, np.random.default_rng(3).permutation(50), err_msg="order is rng.permutation(N)")


def test_shuffle_is_uniform_and_fresh_every_epoch():
    # The example placed first in each of 4000 epochs (one generator, advanced every epoch)
    # should be uniform over the N = 8 examples: chi-square goodness of fit.
    X, y = _paired_data(8)
    rng = np.random.default_rng(4)
    firsts = [int(next(iterate_minibatches(X, y, 3, rng))[0][0, 0]) for _ in range(4000)]
    counts = np.bincount(firsts, minlength=8)
    assert chisquare(counts).pvalue > 1e-4, f"first positions not uniform: {counts}"


def test_batch_gradient_descent_and_pure_sgd():
    X, y = _paired_data(5)
    (only,) = list(iterate_minibatches(X, y, 5))
    np.testing.assert_array_equal(only[0], X)
    np.testing.assert_array_equal(only[1], y)
    singles = list(iterate_minibatches(X, y, 1))
    assert [len(b[0]) for b in singles] == [1] * 5


def test_two_dimensional_targets():
    X, _ = _paired_data(7)
    Y = np.eye(7)[:, :4]
    for xb, yb in iterate_minibatches(X, Y, 3, np.random.default_rng(5)):
        assert yb.shape == (len(xb), 4)
        np.testing.assert_array_equal(yb, Y[xb[:, 0].astype(int)])


def test_invalid_arguments():
    X, y = _paired_data(4)
    with pytest.raises(ValueError):
        list(iterate_minibatches(X, y, 0))
    with pytest.raises(ValueError):
        list(iterate_minibatches(X, y[:3], 2))


def test_inputs_unchanged():
    X, y = _paired_data(9)
    X0, y0 = X.copy(), y.copy()
    list(iterate_minibatches(X, y, 4, np.random.default_rng(6)))
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


# ---------------------------------------------------------------------------
# minibatch_sgd
# ---------------------------------------------------------------------------


def _least_squares(w, Xb, yb):
    """Mean squared residual on the batch and its gradient 2 X^T (X w - y) / B."""
    r = Xb @ w - yb
    return float(np.mean(r**2)), 2 * Xb.T @ r / len(yb)


def _regression(n=200, d=3, seed=7):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    w_true = np.array([1.5, -2.0, 0.5])[:d]
    return X, X @ w_true, w_true


def test_least_squares_loss_decreases_and_recovers_the_weights():
    X, y, w_true = _regression()
    w0 = np.zeros(3)
    w, losses = minibatch_sgd(_least_squares, w0, X, y, lr=0.05, batch_size=32, epochs=40, rng=np.random.default_rng(8))
    assert len(losses) == 40 * math.ceil(200 / 32)
    full_before = _least_squares(w0, X, y)[0]
    full_after = _least_squares(w, X, y)[0]
    assert full_after < 1e-10 * full_before, f"full-batch loss {full_before} -> {full_after}"
    # Noise-free targets: SGD converges to the exact solution.
    np.testing.assert_allclose(w, w_true, atol=1e-6, err_msg="SGD on noise-free least squares")
    assert np.mean(losses[-7:]) < 1e-3 * np.mean(losses[:7]), "minibatch losses should fall"


@given(n=st.integers(1, 30), batch_size=st.integers(1, 40), epochs=st.integers(0, 4))
def test_one_loss_per_step(n, batch_size, epochs):
    X, y = _paired_data(n)
    calls = []

    def loss_and_grad(w, Xb, yb):
        calls.append(len(Xb))
        return float(len(calls)), np.ones_like(w)

    w, losses = minibatch_sgd(loss_and_grad, np.zeros(2), X, y, lr=0.5, batch_size=batch_size, epochs=epochs)
    steps = epochs * math.ceil(n / batch_size)
    assert len(losses) == steps, f"{len(losses)} losses for {steps} steps"
    assert losses == [float(k) for k in range(1, steps + 1)], "losses must be recorded in order"
    assert sum(calls) == epochs * n, "each epoch visits every example once"
    # Each step is w <- w - lr * dw with dw = 1.
    np.testing.assert_allclose(w, -0.5 * steps * np.ones(2))


def test_first_loss_is_at_w0_and_steps_are_plain_sgd():
    # By hand: X = [[1], [2]], y = [0, 0], loss = mean((w x)^2), w0 = 1, batch size 1, no shuffle.
    # Step 1: loss 1, grad 2 * 1 * 1 = 2, w = 1 - 0.1 * 2 = 0.8.
    # Step 2: loss (0.8 * 2)^2 = 2.56, grad 2 * 2 * 1.6 = 6.4, w = 0.8 - 0.64 = 0.16.
    X = np.array([[1.0], [2.0]])
    w, losses = minibatch_sgd(_least_squares, np.array([1.0]), X, np.zeros(2), lr=0.1, batch_size=1, epochs=1)
    np.testing.assert_allclose(losses, [1.0, 2.56], rtol=1e-14)
    np.testing.assert_allclose(w, [0.16], rtol=1e-14)


def test_reproducible_with_the_same_seed():
    X, y, _ = _regression(n=50)
    a = minibatch_sgd(_least_squares, np.zeros(3), X, y, 0.01, 8, 3, rng=np.random.default_rng(9))
    b = minibatch_sgd(_least_squares, np.zeros(3), X, y, 0.01, 8, 3, rng=np.random.default_rng(9))
    c = minibatch_sgd(_least_squares, np.zeros(3), X, y, 0.01, 8, 3, rng=np.random.default_rng(10))
    np.testing.assert_array_equal(a[0], b[0])
    assert a[1] == b[1], "same seed, different loss curves"
    assert a[1] != c[1], "different seeds should shuffle differently"


def test_reshuffles_every_epoch():
    X, y = _paired_data(20)
    seen = []

    def record(w, Xb, yb):
        seen.append(Xb[:, 0].copy())
        return 0.0, np.zeros_like(w)

    minibatch_sgd(record, np.zeros(1), X, y, 0.1, 20, 2, rng=np.random.default_rng(11))
    assert len(seen) == 2 and not np.array_equal(seen[0], seen[1]), "the two epochs used the same order"


def test_purity_and_dtypes():
    X, y, _ = _regression(n=20)
    X0, y0 = X.copy(), y.copy()
    w0 = np.zeros(3)
    w, _ = minibatch_sgd(_least_squares, w0, X, y, 0.1, 5, 0)
    assert not np.shares_memory(w, w0), "with zero epochs the result must still be a new array"
    w, _ = minibatch_sgd(_least_squares, w0, X, y, 0.1, 5, 2, rng=np.random.default_rng(12))
    np.testing.assert_array_equal(w0, np.zeros(3), err_msg="w0 was modified")
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    w32, _ = minibatch_sgd(
        _least_squares, np.zeros(3, np.float32), X.astype(np.float32), y.astype(np.float32), 0.1, 5, 1
    )
    assert w32.dtype == np.float32
    wint, _ = minibatch_sgd(_least_squares, np.zeros(3, dtype=int), X, y, 0.1, 5, 1)
    assert wint.dtype == np.float64
