"""Minibatches and minibatch stochastic gradient descent (chapter 02)."""
import numpy as np

from .optimizers import sgd_step

__all__ = ["iterate_minibatches", "minibatch_sgd"]


def _as_float(a):
    """``a`` as an array of a floating dtype: float inputs keep theirs, others become float64."""
    a = np.asarray(a)
    return a if a.dtype.kind == "f" else a.astype(np.float64)


def iterate_minibatches(X, y, batch_size, rng=None):
    """Yield the minibatches of one epoch.

    Parameters
    ----------
    X : array_like, shape (N, D)
        Inputs, one example per row (any trailing shape works).
    y : array_like, shape (N,) or (N, C)
        Targets, one per example.
    batch_size : int
        Examples per batch (>= 1). ``N`` gives batch gradient descent, 1 gives pure
        stochastic gradient descent.
    rng : numpy.random.Generator, optional
        When given, the examples are visited in the order ``rng.permutation(N)``;
        when None, in their given order.

    Yields
    ------
    X_batch : ndarray, shape (B, D)
    y_batch : ndarray, shape (B,) or (B, C)
        B = batch_size for every batch but possibly the last, which holds the
        N mod batch_size remaining examples when N is not a multiple of batch_size.

    Notes
    -----
    Every example appears exactly once per epoch: shuffle the indices, never draw
    examples with replacement, and keep X and y paired by indexing both with the
    same indices. Batches may be views of X and y: do not modify them in place.
    There are ceil(N / batch_size) batches.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    n = X.shape[0]
    if y.shape[0] != n:
        raise ValueError(f"X has {n} examples but y has {y.shape[0]}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    order = np.arange(n) if rng is None else rng.permutation(n)
    for start in range(0, n, batch_size):
        idx = order[start : start + batch_size]
        yield X[idx], y[idx]


def minibatch_sgd(loss_and_grad, w0, X, y, lr, batch_size, epochs, rng=None):
    """Train parameters with plain minibatch stochastic gradient descent.

    Parameters
    ----------
    loss_and_grad : callable
        ``loss_and_grad(w, X_batch, y_batch) -> (loss, dw)``: the cost on the batch
        at ``w`` and its gradient, shape of ``w``.
    w0 : array_like, any shape
        Initial parameters (not modified).
    X : array_like, shape (N, D)
        Inputs.
    y : array_like, shape (N,) or (N, C)
        Targets.
    lr : float
        Learning rate.
    batch_size : int
        Examples per minibatch.
    epochs : int
        Number of passes over the data.
    rng : numpy.random.Generator, optional
        Shuffles the examples anew at every epoch; None keeps their order.

    Returns
    -------
    w : ndarray, shape of ``w0``
        Parameters after the last step (a new array).
    losses : list of float
        The minibatch loss of every step, in order (the loss at w before that
        step's update): epochs * ceil(N / batch_size) values.

    Notes
    -----
    Each step uses one batch from ``iterate_minibatches`` and updates
    w <- w - lr * dw (``sgd_step``). The recorded losses are noisy because each is
    measured on a different batch.
    """
    w = _as_float(w0).copy()  # never hand back (or step) the caller's array
    losses = []
    for _ in range(epochs):
        for X_batch, y_batch in iterate_minibatches(X, y, batch_size, rng):
            loss, dw = loss_and_grad(w, X_batch, y_batch)
            losses.append(float(loss))
            w = sgd_step(w, dw, lr)
    return w, losses
