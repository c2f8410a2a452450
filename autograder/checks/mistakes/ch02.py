"""Common wrong versions of the chapter 02 functions (minibatches, update rules, SGD)."""
from __future__ import annotations

import numpy as np

from autograder.reference import iterate_minibatches, sgd_step


# --------------------------------------------------------------------------- iterate_minibatches


def minibatches_drop_last(X, y, batch_size, rng=None):
    """Only full batches: the N mod batch_size examples at the end are never visited."""
    X, y = np.asarray(X), np.asarray(y)
    n = X.shape[0]
    order = np.arange(n) if rng is None else rng.permutation(n)
    for start in range(0, n - batch_size + 1, batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]


def minibatches_with_replacement(X, y, batch_size, rng=None):
    """Draws N indices with replacement: some examples twice, others never."""
    X, y = np.asarray(X), np.asarray(y)
    n = X.shape[0]
    order = np.arange(n) if rng is None else rng.integers(0, n, size=n)
    for start in range(0, n, batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]


def minibatches_unpaired(X, y, batch_size, rng=None):
    """Shuffles X and y with two different permutations."""
    X, y = np.asarray(X), np.asarray(y)
    n = X.shape[0]
    if rng is None:
        ox = oy = np.arange(n)
    else:
        ox, oy = rng.permutation(n), rng.permutation(n)
    for start in range(0, n, batch_size):
        yield X[ox[start:start + batch_size]], y[oy[start:start + batch_size]]


def minibatches_shuffle_batch_order(X, y, batch_size, rng=None):
    """Shuffles the order of the batches but keeps consecutive examples together."""
    X, y = np.asarray(X), np.asarray(y)
    n = X.shape[0]
    starts = np.arange(0, n, batch_size)
    if rng is not None:
        starts = rng.permutation(starts)
    for start in starts:
        yield X[start:start + batch_size], y[start:start + batch_size]


def minibatches_fixed_seed(X, y, batch_size, rng=None):
    """Shuffles with a generator of its own instead of the one it is given."""
    X, y = np.asarray(X), np.asarray(y)
    n = X.shape[0]
    order = np.arange(n) if rng is None else np.random.default_rng(0).permutation(n)
    for start in range(0, n, batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]


# --------------------------------------------------------------------------- update rules


def sgd_wrong_sign(w, dw, lr):
    return np.asarray(w, float) + lr * np.asarray(dw, float)


def momentum_dampened(w, dw, velocity, lr, beta=0.9):
    """The exponential-average form v = beta v + (1 - beta) dw."""
    v = beta * np.asarray(velocity, float) + (1 - beta) * np.asarray(dw, float)
    return np.asarray(w, float) - lr * v, v


def momentum_lr_in_velocity(w, dw, velocity, lr, beta=0.9):
    """CS231n's form: v = beta v - lr dw, w = w + v (another convention than the API's)."""
    v = beta * np.asarray(velocity, float) - lr * np.asarray(dw, float)
    return np.asarray(w, float) + v, v


def momentum_old_velocity(w, dw, velocity, lr, beta=0.9):
    """Steps with the previous velocity, then updates it."""
    velocity = np.asarray(velocity, float)
    return np.asarray(w, float) - lr * velocity, beta * velocity + np.asarray(dw, float)


def rmsprop_eps_inside_sqrt(w, dw, cache, lr, decay=0.99, eps=1e-8):
    dw = np.asarray(dw, float)
    s = decay * np.asarray(cache, float) + (1 - decay) * dw**2
    return np.asarray(w, float) - lr * dw / np.sqrt(s + eps), s


def rmsprop_decay_swapped(w, dw, cache, lr, decay=0.99, eps=1e-8):
    """s = (1 - decay) s + decay dw^2: the decay weighs the new gradient instead of the past."""
    dw = np.asarray(dw, float)
    s = (1 - decay) * np.asarray(cache, float) + decay * dw**2
    return np.asarray(w, float) - lr * dw / (np.sqrt(s) + eps), s


def rmsprop_no_sqrt(w, dw, cache, lr, decay=0.99, eps=1e-8):
    dw = np.asarray(dw, float)
    s = decay * np.asarray(cache, float) + (1 - decay) * dw**2
    return np.asarray(w, float) - lr * dw / (s + eps), s


def _moments(dw, m, v, beta1, beta2):
    dw = np.asarray(dw, float)
    return beta1 * np.asarray(m, float) + (1 - beta1) * dw, beta2 * np.asarray(v, float) + (1 - beta2) * dw**2


def adam_no_bias_correction(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v = _moments(dw, m, v, beta1, beta2)
    return np.asarray(w, float) - lr * m / (np.sqrt(v) + eps), m, v


def adam_t_from_zero(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Treats t as 0-based: corrects with 1 - beta^(t + 1)."""
    m, v = _moments(dw, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1 ** (t + 1)), v / (1 - beta2 ** (t + 1))
    return np.asarray(w, float) - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adam_eps_inside_sqrt(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v = _moments(dw, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return np.asarray(w, float) - lr * m_hat / np.sqrt(v_hat + eps), m, v


def adam_returns_corrected_moments(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m, v = _moments(dw, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return np.asarray(w, float) - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat


def lr_exponential(lr0, decay, epoch):
    return lr0 * decay**epoch


def lr_missing_brackets(lr0, decay, epoch):
    return lr0 / 1 + decay * epoch


# --------------------------------------------------------------------------- minibatch_sgd


def sgd_loss_per_epoch(loss_and_grad, w0, X, y, lr, batch_size, epochs, rng=None):
    """Records the mean batch loss of each epoch instead of every step's loss."""
    w = np.array(w0, dtype=float)
    losses = []
    for _ in range(epochs):
        epoch = []
        for Xb, yb in iterate_minibatches(X, y, batch_size, rng):
            loss, dw = loss_and_grad(w, Xb, yb)
            epoch.append(float(loss))
            w = sgd_step(w, dw, lr)
        losses.append(float(np.mean(epoch)))
    return w, losses


def sgd_full_batch_gradient(loss_and_grad, w0, X, y, lr, batch_size, epochs, rng=None):
    """Takes every step with the gradient on all of X instead of the minibatch."""
    w = np.array(w0, dtype=float)
    losses = []
    for _ in range(epochs):
        for _batch in iterate_minibatches(X, y, batch_size, rng):
            loss, dw = loss_and_grad(w, X, y)
            losses.append(float(loss))
            w = sgd_step(w, dw, lr)
    return w, losses


def sgd_divides_by_batch_size(loss_and_grad, w0, X, y, lr, batch_size, epochs, rng=None):
    """Divides the (already averaged) gradient by the batch size again."""
    w = np.array(w0, dtype=float)
    losses = []
    for _ in range(epochs):
        for Xb, yb in iterate_minibatches(X, y, batch_size, rng):
            loss, dw = loss_and_grad(w, Xb, yb)
            losses.append(float(loss))
            w = sgd_step(w, np.asarray(dw) / len(Xb), lr)
    return w, losses


def sgd_shuffles_once(loss_and_grad, w0, X, y, lr, batch_size, epochs, rng=None):
    """Draws the batches once and reuses the same order in every epoch."""
    w = np.array(w0, dtype=float)
    losses = []
    batches = list(iterate_minibatches(X, y, batch_size, rng))
    for _ in range(epochs):
        for Xb, yb in batches:
            loss, dw = loss_and_grad(w, Xb, yb)
            losses.append(float(loss))
            w = sgd_step(w, dw, lr)
    return w, losses
