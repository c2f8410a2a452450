"""The affine (fully connected) layer (chapter 03)."""
import numpy as np

__all__ = ["affine_forward", "affine_backward"]


def _as_float(a):
    """``a`` as an array of a floating dtype: float inputs keep theirs, others become float64."""
    a = np.asarray(a)
    return a if a.dtype.kind == "f" else a.astype(np.float64)


def affine_forward(x, W, b):
    """Forward pass of a fully connected layer.

    Parameters
    ----------
    x : array_like, shape (N, D)
        Inputs, one example per row.
    W : array_like, shape (D, M)
        Weights, shape (fan_in, fan_out).
    b : array_like, shape (M,)
        Biases.

    Returns
    -------
    out : ndarray, shape (N, M)
        x @ W + b (b is broadcast over the N rows).
    cache : tuple
        (x, W), what the backward pass needs.

    Notes
    -----
    x must already be 2-D; flatten images or other inputs with
    ``x.reshape(len(x), -1)`` first.
    """
    x = _as_float(x)
    W = _as_float(W)
    b = _as_float(b)
    if x.ndim != 2 or W.ndim != 2 or b.shape != (W.shape[1],) or x.shape[1] != W.shape[0]:
        raise ValueError(f"need x (N, D), W (D, M), b (M,); got {x.shape}, {W.shape}, {b.shape}")
    return x @ W + b, (x, W)


def affine_backward(dout, cache):
    """Backward pass of a fully connected layer.

    Parameters
    ----------
    dout : array_like, shape (N, M)
        Upstream gradient dJ/dout.
    cache : tuple
        (x, W) from ``affine_forward``.

    Returns
    -------
    dx : ndarray, shape (N, D)
        dout @ W.T.
    dW : ndarray, shape (D, M)
        x.T @ dout.
    db : ndarray, shape (M,)
        dout summed over the N examples.

    Notes
    -----
    Check shapes: each gradient has the shape of the quantity it belongs to. The
    sums over examples happen inside x.T @ dout and in db; do not divide by N here,
    the loss already did.
    """
    x, W = cache
    dout = _as_float(dout)
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)
