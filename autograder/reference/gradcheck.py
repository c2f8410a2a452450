"""Numerical gradients by centred differences, and the relative error (chapter 03).

These are the functions students write in chapter 03. The course's own trusted checker
is ``mlpkit.gradcheck``; this module is its graded, student-facing counterpart.
"""
import numpy as np

__all__ = ["numerical_gradient", "numerical_gradient_array", "relative_error"]


def numerical_gradient(f, x, h=1e-5):
    """Gradient of a scalar function by centred differences.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``, a scalar function of an array shaped like ``x``. It must
        compute its value from the array it is given.
    x : array_like, any shape
        Point at which to differentiate; left unchanged.
    h : float
        Step size.

    Returns
    -------
    grad : ndarray, float64, shape of ``x``
        grad_i = (f(x + h e_i) - f(x - h e_i)) / (2 h), e_i the i-th unit vector.

    Notes
    -----
    Centred differences have error O(h^2), one-sided ones O(h). Work on a float64
    copy: perturbing an integer or float32 array by h = 1e-5 would round the step
    away. Restore each entry after perturbing it, so that only one entry differs
    from x at a time. One Python loop over the entries is fine here: this is a
    check, not training.
    """
    xc = np.array(x, dtype=np.float64)  # a copy: x itself is never touched
    grad = np.zeros_like(xc)
    for idx in np.ndindex(xc.shape):
        old = xc[idx]
        xc[idx] = old + h
        f_plus = f(xc)
        xc[idx] = old - h
        f_minus = f(xc)
        xc[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def numerical_gradient_array(f, x, dout, h=1e-5):
    """Vector-Jacobian product of an array-valued function by centred differences.

    Parameters
    ----------
    f : callable
        ``f(x) -> ndarray`` with the shape of ``dout``.
    x : array_like, any shape
        Point at which to differentiate; left unchanged.
    dout : array_like, shape of ``f(x)``
        Upstream gradient.
    h : float
        Step size.

    Returns
    -------
    grad : ndarray, float64, shape of ``x``
        The gradient of sum(f(x) * dout): grad_i = sum((f(x + h e_i) - f(x - h e_i))
        * dout) / (2 h). This is what a layer's backward pass computes from ``dout``.

    Notes
    -----
    Copy f's output before perturbing again if f might return an array it reuses.
    """
    xc = np.array(x, dtype=np.float64)  # a copy: x itself is never touched
    dout = np.asarray(dout, dtype=np.float64)
    grad = np.zeros_like(xc)
    for idx in np.ndindex(xc.shape):
        old = xc[idx]
        xc[idx] = old + h
        f_plus = np.array(f(xc), dtype=np.float64)
        xc[idx] = old - h
        f_minus = np.array(f(xc), dtype=np.float64)
        xc[idx] = old
        grad[idx] = np.sum((f_plus - f_minus) * dout) / (2 * h)
    return grad


def relative_error(a, b):
    """Largest element-wise relative error between two arrays.

    Parameters
    ----------
    a, b : array_like, same shape
        E.g. an analytic and a numerical gradient.

    Returns
    -------
    error : float
        max over entries of |a - b| / max(1e-8, |a| + |b|).

    Notes
    -----
    The floor 1e-8 keeps two tiny numbers (both essentially 0) from counting as a
    large relative error. As a rule of thumb in float64, below 1e-7 is right, around
    1e-4 is suspicious unless the function has kinks, above 1e-2 is wrong.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
