"""Gradient clipping (chapter 04).

Reference implementations of ``clip_grad_value`` and ``clip_grad_norm``.
"""
import numpy as np


def _as_float(a):
    """Return ``a`` as an ndarray of a float dtype (integers and bools become float64)."""
    a = np.asarray(a)
    if not a.dtype.kind == "f":
        a = a.astype(np.float64)
    return a


def clip_grad_value(grads, clip_value):
    """Clip every gradient entry to ``[-clip_value, clip_value]``.

    ``clipped[name] = min(max(G, -clip_value), clip_value)`` entrywise
    (PyTorch ``clip_grad_value_``, without modifying the inputs).

    Parameters
    ----------
    grads : dict of str -> array_like
        Gradients keyed by parameter name, any shapes.
    clip_value : float
        Non-negative bound.

    Returns
    -------
    clipped : dict of str -> ndarray
        Same keys and shapes; new arrays.

    Raises
    ------
    ValueError
        If ``clip_value`` is negative.

    Notes
    -----
    Clipping by value changes the direction of the gradient when some entries
    are clipped and others are not; ``clip_grad_norm`` keeps the direction.
    """
    if clip_value < 0:
        raise ValueError(f"clip_value must be non-negative, got {clip_value}")
    return {name: np.clip(_as_float(g), -clip_value, clip_value) for name, g in grads.items()}


def clip_grad_norm(grads, max_norm):
    """Rescale all gradients together when their global L2 norm exceeds ``max_norm``.

    As PyTorch ``clip_grad_norm_`` (on copies):
    ``total = sqrt(sum over all arrays and entries of G^2)``,
    ``coef = max_norm / (total + 1e-6)``, and every array is multiplied by
    ``coef`` when ``coef < 1``; otherwise the gradients are returned unchanged.

    Parameters
    ----------
    grads : dict of str -> array_like
        Gradients keyed by parameter name, any shapes.
    max_norm : float
        Largest allowed global norm.

    Returns
    -------
    clipped : dict of str -> ndarray
        Same keys and shapes; new arrays.
    total_norm : float
        The global norm ``total`` of the gradients *before* clipping.

    Notes
    -----
    One norm over all parameters, not one per array: the update keeps its
    direction and only its length is capped. The ``1e-6`` keeps the division
    finite when the gradients are all zero.
    """
    arrays = {name: _as_float(g) for name, g in grads.items()}
    total_norm = float(
        np.sqrt(sum(np.sum(np.square(g.astype(np.float64))) for g in arrays.values()))
    )
    coef = float(max_norm) / (total_norm + 1e-6)
    if coef < 1:
        clipped = {name: g * coef for name, g in arrays.items()}
    else:
        clipped = {name: g.copy() for name, g in arrays.items()}
    return clipped, total_norm
