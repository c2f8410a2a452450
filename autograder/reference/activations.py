"""The classic activation functions as layers: sigmoid, tanh and ReLU (chapter 03).

ReLU's variants (leaky ReLU, PReLU, ELU, ...) are in ``relu_variants.py``.
"""
import numpy as np

__all__ = [
    "sigmoid_forward",
    "sigmoid_backward",
    "tanh_forward",
    "tanh_backward",
    "relu_forward",
    "relu_backward",
]


def _as_float(a):
    """``a`` as an array of a floating dtype: float inputs keep theirs, others become float64."""
    a = np.asarray(a)
    return a if a.dtype.kind == "f" else a.astype(np.float64)


def sigmoid_forward(x):
    """Logistic sigmoid, computed without overflow.

    Parameters
    ----------
    x : array_like, any shape, e.g. (N, D)
        Pre-activations.

    Returns
    -------
    out : ndarray, shape of ``x``
        sigma(x) = 1 / (1 + exp(-x)), in [0, 1].
    cache : ndarray
        A copy of ``out`` (the backward pass needs only sigma(x)).

    Notes
    -----
    1 / (1 + exp(-x)) overflows in exp(-x) for x below about -709. With
    e = exp(-|x|) <= 1 use 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0: both
    are the sigmoid and neither can overflow. For very large |x|, e underflows to 0,
    which is harmless (sigma is then exactly 0 or 1), so only that warning is silenced.
    """
    x = _as_float(x)
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(x))
        out = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    return out, out.copy()  # a copy, so a caller editing out cannot corrupt the cache


def sigmoid_backward(dout, cache):
    """Backward pass of the sigmoid.

    Parameters
    ----------
    dout : array_like, shape of the forward output
        Upstream gradient.
    cache : ndarray
        sigma(x), from ``sigmoid_forward``.

    Returns
    -------
    dx : ndarray, shape of ``dout``
        dout * sigma(x) * (1 - sigma(x)).

    Notes
    -----
    The derivative sigma(x) (1 - sigma(x)) is at most 1/4 and almost 0 when |x| is
    large: a saturated unit passes back almost no gradient. Products of tiny numbers
    may underflow to 0, which is harmless, so only that warning is silenced.
    """
    s = cache
    with np.errstate(under="ignore"):
        return _as_float(dout) * s * (1 - s)


def tanh_forward(x):
    """Hyperbolic tangent.

    Parameters
    ----------
    x : array_like, any shape, e.g. (N, D)
        Pre-activations.

    Returns
    -------
    out : ndarray, shape of ``x``
        tanh(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x)), in [-1, 1].
    cache : ndarray
        A copy of ``out``.

    Notes
    -----
    ``np.tanh`` is stable for any finite x; the formula above, evaluated literally,
    overflows for |x| above about 710.
    """
    out = np.tanh(_as_float(x))
    return out, out.copy()  # a copy, so a caller editing out cannot corrupt the cache


def tanh_backward(dout, cache):
    """Backward pass of tanh.

    Parameters
    ----------
    dout : array_like, shape of the forward output
        Upstream gradient.
    cache : ndarray
        tanh(x), from ``tanh_forward``.

    Returns
    -------
    dx : ndarray, shape of ``dout``
        dout * (1 - tanh(x)^2).

    Notes
    -----
    Writing 1 - t^2 as (1 - t)(1 + t) is the same number, computed more accurately
    when |t| is close to 1.
    """
    t = cache
    return _as_float(dout) * ((1 - t) * (1 + t))


def relu_forward(x):
    """Rectified linear unit.

    Parameters
    ----------
    x : array_like, any shape, e.g. (N, D)
        Pre-activations.

    Returns
    -------
    out : ndarray, shape of ``x``
        max(x, 0).
    cache : ndarray of bool
        The mask x > 0.

    Notes
    -----
    At x = 0 the function has a kink; by convention we take the x <= 0 branch there.
    """
    x = _as_float(x)
    return np.maximum(x, 0), x > 0


def relu_backward(dout, cache):
    """Backward pass of ReLU.

    Parameters
    ----------
    dout : array_like, shape of the forward output
        Upstream gradient.
    cache : ndarray of bool
        The mask x > 0, from ``relu_forward``.

    Returns
    -------
    dx : ndarray, shape of ``dout``
        dout where x > 0, 0 where x <= 0 (the derivative at exactly 0 is taken as 0).

    Notes
    -----
    Units with x <= 0 for every example pass back no gradient at all, so their
    incoming weights stop changing ("dead" ReLUs).
    """
    dout = _as_float(dout)
    return np.where(cache, dout, 0)
