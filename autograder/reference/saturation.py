"""Unit saturation and gradient norms (chapter 04).

Reference implementations of ``saturation_fraction`` and ``gradient_norms``.
"""
import numpy as np


def saturation_fraction(z, activation, threshold=0.01):
    """Fraction of saturated units: where the activation's derivative is tiny.

    A unit is saturated at pre-activation ``z`` when ``g'(z) < threshold * max g'``,
    with ``g'`` the derivative of the activation ``g``:

    - ``'sigmoid'``: ``g'(z) = s(z) (1 - s(z))``, maximum ``1/4`` at ``z = 0``;
    - ``'tanh'``: ``g'(z) = 1 - tanh(z)^2``, maximum ``1`` at ``z = 0``;
    - ``'relu'``: ``g'(z) = 1`` for ``z > 0`` and ``0`` for ``z <= 0``, maximum ``1``.

    Parameters
    ----------
    z : array_like, any shape, e.g. ``(N, H)``
        Pre-activations of a layer.
    activation : {'sigmoid', 'tanh', 'relu'}
        Name of the activation function.
    threshold : float, default 0.01
        Relative threshold, a fraction of the maximum derivative.

    Returns
    -------
    fraction : float
        Number of saturated entries divided by ``z.size``, in ``[0, 1]``.

    Raises
    ------
    ValueError
        If ``activation`` is not one of the names above or ``z`` is empty.

    Notes
    -----
    Compute the derivatives from ``e = exp(-|z|)``, which never overflows:
    ``s'(z) = e / (1 + e)^2`` and ``tanh'(z) = (2 e / (1 + e^2))^2``.
    ``1 / (1 + exp(-z))`` overflows for ``z = -1e4``. For very large ``|z|``,
    ``e`` underflows to ``0.0``, which is the correctly rounded value: that
    underflow is harmless and silenced.
    """
    z = np.asarray(z, dtype=np.float64)
    if z.size == 0:
        raise ValueError("saturation_fraction needs at least one pre-activation, got an empty array")
    if activation == "sigmoid":
        with np.errstate(under="ignore"):
            e = np.exp(-np.abs(z))
            deriv = e / (1.0 + e) ** 2
        max_deriv = 0.25
    elif activation == "tanh":
        with np.errstate(under="ignore"):
            e = np.exp(-np.abs(z))
            deriv = (2.0 * e / (1.0 + e * e)) ** 2
        max_deriv = 1.0
    elif activation == "relu":
        deriv = (z > 0).astype(np.float64)
        max_deriv = 1.0
    else:
        raise ValueError(
            f"unknown activation {activation!r}; expected one of 'sigmoid', 'tanh', 'relu'"
        )
    return float(np.mean(deriv < threshold * max_deriv))


def gradient_norms(grads):
    """Frobenius norm of each gradient array.

    ``||G||_F = sqrt(sum_ij G_ij^2)`` (for a vector, its Euclidean norm).

    Parameters
    ----------
    grads : dict of str -> array_like
        Gradients keyed by parameter name, e.g. ``{'W1': (D, H), 'b1': (H,), ...}``.

    Returns
    -------
    norms : dict of str -> float
        Same keys, in the same order, each mapped to the norm of its array.

    Notes
    -----
    Printing these per layer after a backward pass shows vanishing gradients
    (norms shrinking towards the input layer) and exploding ones (norms growing).
    """
    return {
        name: float(np.sqrt(np.sum(np.square(np.asarray(g, dtype=np.float64)))))
        for name, g in grads.items()
    }
