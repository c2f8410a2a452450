"""Trusted gradient checking by centred finite differences, in float64.

The course's own tests, the hidden tests and the students' visible checks all use this
module, so it is written to be boring and exact:

* every evaluation happens on a float64 *copy* of ``x`` (the caller's array is never
  touched, and ``f`` cannot keep a reference that we later mutate);
* the derivative of entry ``i`` is ``(f(x + h e_i) - f(x - h e_i)) / (2 h)``, the centred
  difference, whose truncation error is O(h^2);
* for large tensors a random sample of entries is checked (``max_entries`` with an
  explicit ``rng``), which keeps a check of a 1000 x 1000 weight matrix cheap;
* the comparison metric is the relative error of CS231n and scikit-learn,
  ``|a - b| / max(floor, |a| + |b|)``, maximised over the checked entries.

This module contains no solution of a graded exercise: it is the tool students use to
check their own backward passes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = [
    "GradCheck",
    "check_gradient",
    "numeric_grad",
    "numeric_grad_array",
    "rel_error",
    "sample_indices",
]

DEFAULT_H = 1e-6
FLOOR = 1e-8


def rel_error(a, b, floor: float = FLOOR) -> float:
    """Largest elementwise relative error between two arrays.

    ``max(|a - b| / max(floor, |a| + |b|))``; 0.0 for empty arrays.

    Parameters
    ----------
    a, b : array_like, same shape
    floor : float
        Lower bound of the denominator, so that two tiny numbers compare as equal.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error: shapes differ, {a.shape} vs {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(floor, np.abs(a) + np.abs(b))))


def sample_indices(size: int, max_entries: int | None, rng: np.random.Generator | None) -> np.ndarray:
    """Flat indices to check: all of them, or ``max_entries`` drawn without replacement."""
    if max_entries is None or size <= max_entries:
        return np.arange(size)
    if rng is None:
        raise ValueError("sampling entries needs an explicit rng (numpy.random.Generator)")
    return np.sort(rng.choice(size, size=max_entries, replace=False))


def _scalar(value) -> float:
    out = np.asarray(value, dtype=np.float64)
    if out.size != 1:
        raise ValueError(f"f must return a scalar, got an array of shape {out.shape}")
    return float(out.reshape(()))


def numeric_grad(f: Callable, x, h: float = DEFAULT_H, indices=None) -> np.ndarray:
    """Centred-difference gradient of a scalar function.

    ``g_i = (f(x + h e_i) - f(x - h e_i)) / (2 h)``.

    Parameters
    ----------
    f : callable
        ``f(x) -> scalar``; it is called on float64 copies of ``x``.
    x : array_like, any shape
    h : float
        Step size.
    indices : array of int, optional
        Flat indices to differentiate; the other entries of the result are NaN.

    Returns
    -------
    grad : ndarray, float64, shape of ``x``
    """
    x0 = np.array(x, dtype=np.float64)  # a copy
    flat_idx = np.arange(x0.size) if indices is None else np.asarray(indices, dtype=np.int64)
    grad = np.full(x0.shape, np.nan) if indices is not None else np.zeros(x0.shape)
    for i in flat_idx:
        idx = np.unravel_index(i, x0.shape)
        xp = x0.copy()
        xp[idx] += h
        xm = x0.copy()
        xm[idx] -= h
        grad[idx] = (_scalar(f(xp)) - _scalar(f(xm))) / (2.0 * h)
    return grad


def numeric_grad_array(f: Callable, x, dout, h: float = DEFAULT_H, indices=None) -> np.ndarray:
    """Centred-difference gradient of ``sum(f(x) * dout)`` for an array-valued ``f``.

    This is the vector-Jacobian product a backward pass computes: with ``dout`` the
    upstream gradient, the result is ``J_f(x)^T dout`` reshaped like ``x``.
    """
    dout = np.asarray(dout, dtype=np.float64)

    def projected(z):
        return np.sum(np.asarray(f(z), dtype=np.float64) * dout)

    return numeric_grad(projected, x, h=h, indices=indices)


@dataclass(frozen=True)
class GradCheck:
    """Outcome of a gradient check.

    Attributes
    ----------
    max_rel_error : float
        Largest relative error over the checked entries.
    worst_index : tuple of int
        Index (in the shape of ``x``) where it occurred.
    n_checked : int
        How many entries were compared.
    analytic, numeric : float
        The two values at the worst index.
    """

    max_rel_error: float
    worst_index: tuple
    n_checked: int
    analytic: float
    numeric: float

    def passed(self, tol: float = 1e-7) -> bool:
        return self.max_rel_error < tol

    def __str__(self) -> str:
        return (
            f"max relative error {self.max_rel_error:.2e} over {self.n_checked} entries "
            f"(worst at index {self.worst_index}: analytic {self.analytic:.6g}, "
            f"numerical {self.numeric:.6g})"
        )


def check_gradient(
    f: Callable,
    x,
    analytic,
    *,
    dout=None,
    h: float = DEFAULT_H,
    max_entries: int | None = None,
    rng: np.random.Generator | None = None,
) -> GradCheck:
    """Compare an analytic gradient with centred finite differences.

    Parameters
    ----------
    f : callable
        Scalar function ``f(x)``; or, when ``dout`` is given, an array-valued function
        whose vector-Jacobian product with ``dout`` is compared.
    x : array_like
        Point of evaluation (never modified).
    analytic : array_like, shape of ``x``
        The gradient to check.
    dout : array_like, optional
        Upstream gradient for array-valued ``f``.
    h : float
        Finite-difference step.
    max_entries : int, optional
        Check at most this many entries, drawn with ``rng``.
    rng : numpy.random.Generator, optional
        Needed only when sampling.

    Returns
    -------
    GradCheck
    """
    x = np.asarray(x)
    analytic = np.asarray(analytic, dtype=np.float64)
    if analytic.shape != x.shape:
        raise ValueError(f"analytic gradient has shape {analytic.shape}, x has shape {x.shape}")
    idx = sample_indices(x.size, max_entries, rng)
    if dout is None:
        numeric = numeric_grad(f, x, h=h, indices=idx)
    else:
        numeric = numeric_grad_array(f, x, dout, h=h, indices=idx)
    if idx.size == 0:
        return GradCheck(0.0, (), 0, 0.0, 0.0)
    a = analytic.reshape(-1)[idx]
    n = numeric.reshape(-1)[idx]
    errors = np.abs(a - n) / np.maximum(FLOOR, np.abs(a) + np.abs(n))
    errors = np.where(np.isnan(errors), np.inf, errors)
    k = int(np.argmax(errors))
    worst = tuple(int(i) for i in np.unravel_index(idx[k], x.shape))
    return GradCheck(float(errors[k]), worst, int(idx.size), float(a[k]), float(n[k]))
