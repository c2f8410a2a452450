"""Weight penalties for regularization (chapter 08): L2 (weight decay) and L1.

Both functions take the list of weight matrices of a network (biases are usually not
penalised) and return the penalty to add to the cost together with its gradient with
respect to each matrix, to add to the gradients of the data term.
"""
import numpy as np

__all__ = ["l1_penalty", "l2_penalty"]


def _as_float(a):
    """Return ``a`` as an ndarray of a floating dtype (integers and bools become float64)."""
    a = np.asarray(a)
    if a.dtype.kind == "f":
        return a
    return a.astype(np.float64)


def _check_lam_m(lam, m):
    """Validate the regularization strength and the number of examples."""
    if not lam >= 0:
        raise ValueError(f"lam must be >= 0, got {lam!r}")
    if not m > 0:
        raise ValueError(f"m (the number of training examples) must be > 0, got {m!r}")


def l2_penalty(weights, lam, m):
    """L2 penalty (weight decay) on a list of weight matrices, with its gradients.

    .. math::

        J_{L2} = \\frac{\\lambda}{2m} \\sum_l \\lVert W_l \\rVert_F^2,
        \\qquad
        \\frac{\\partial J_{L2}}{\\partial W_l} = \\frac{\\lambda}{m} W_l

    Parameters
    ----------
    weights : list of ndarray
        The weight matrices ``W_l``, e.g. of shapes ``(fan_in, fan_out)``; any shapes.
    lam : float
        Regularization strength ``lambda >= 0``.
    m : int or float
        Number of training examples ``m > 0`` (the cost averages over them).

    Returns
    -------
    penalty : float
        ``lam / (2 m) * sum_l sum(W_l ** 2)``; 0.0 for an empty list.
    grads : list of ndarray
        ``[lam / m * W_l for each l]``, new arrays with the shapes of ``weights``
        (float64, or the input's float dtype).

    Notes
    -----
    - The 1/2 in the penalty cancels the 2 of the derivative: the gradient is
      ``lam / m * W``, not ``lam / (2 m) * W`` and not ``2 lam / m * W``.
    - Adding this gradient to the data gradient and taking an SGD step is "weight
      decay": ``W <- (1 - lr * lam / m) W - lr * dW_data``.
    - Biases are normally left out of ``weights``.
    - Raises ValueError when ``lam < 0`` or ``m <= 0``.
    """
    _check_lam_m(lam, m)
    total = 0.0
    grads = []
    for W in weights:  # one array per layer
        W = _as_float(W)
        Wd = W.astype(np.float64, copy=False)  # accumulate the penalty in float64
        total += float(np.sum(Wd * Wd))
        grads.append((lam / m * W).astype(W.dtype, copy=False))
    return float(lam / (2 * m) * total), grads


def l1_penalty(weights, lam, m):
    """L1 penalty on a list of weight matrices, with its (sub)gradients.

    .. math::

        J_{L1} = \\frac{\\lambda}{m} \\sum_l \\sum_{ij} |W_{l,ij}|,
        \\qquad
        \\frac{\\partial J_{L1}}{\\partial W_l} = \\frac{\\lambda}{m} \\operatorname{sign}(W_l)

    Parameters
    ----------
    weights : list of ndarray
        The weight matrices ``W_l``, e.g. of shapes ``(fan_in, fan_out)``; any shapes.
    lam : float
        Regularization strength ``lambda >= 0``.
    m : int or float
        Number of training examples ``m > 0``.

    Returns
    -------
    penalty : float
        ``lam / m * sum_l sum(abs(W_l))``; 0.0 for an empty list.
    grads : list of ndarray
        ``[lam / m * sign(W_l) for each l]``, new arrays with the shapes of ``weights``
        (float64, or the input's float dtype).

    Notes
    -----
    - ``|w|`` has no derivative at ``w = 0``; we use the subgradient ``sign(0) = 0``
      (what ``np.sign`` returns), so weights that are exactly zero get no push.
    - Unlike L2, the L1 gradient does not shrink with the weight: it pushes every
      weight towards 0 by the same amount, which drives many weights to exactly 0
      (sparse weights).
    - Raises ValueError when ``lam < 0`` or ``m <= 0``.
    """
    _check_lam_m(lam, m)
    total = 0.0
    grads = []
    for W in weights:  # one array per layer
        W = _as_float(W)
        total += float(np.sum(np.abs(W.astype(np.float64, copy=False))))
        grads.append((lam / m * np.sign(W)).astype(W.dtype, copy=False))
    return float(lam / m * total), grads
