"""Inverted dropout layer (chapter 09)."""
import numpy as np

__all__ = ["dropout_backward", "dropout_forward"]


def dropout_forward(x, p, mode="train", rng=None):
    """Inverted dropout: forward pass.

    Train mode: every entry is dropped (set to 0) independently with probability ``p``
    and the kept entries are scaled by ``1 / (1 - p)``:

    .. math::

        \\text{mask}_{ij} = \\frac{[u_{ij} \\ge p]}{1 - p}, \\quad u_{ij} \\sim U[0, 1),
        \\qquad \\text{out} = x \\odot \\text{mask}

    so that ``E[out] = x``. Test mode: the identity ``out = x`` (no rescaling needed at
    test time, which is the point of *inverted* dropout).

    Parameters
    ----------
    x : ndarray, any shape, e.g. ``(N, D)``
        Input activations.
    p : float
        Probability of *dropping* a unit, ``0 <= p <= 1`` (PyTorch and Keras
        convention; some texts use the keep probability ``1 - p`` instead).
    mode : {'train', 'test'}
    rng : numpy.random.Generator
        Source of the random mask; required in train mode.

    Returns
    -------
    out : ndarray, shape of ``x``
        A new array (float64, or the input's float dtype).
    cache : tuple
        ``(mode, mask)`` for the backward pass; ``mask`` has the shape of ``x`` and
        already holds the ``1 / (1 - p)`` scale (``None`` in test mode).

    Notes
    -----
    - ``p = 0`` keeps every unit (the identity); ``p = 1`` drops every unit: the output
      is all zeros. Do not compute ``1 / (1 - p)`` when ``p = 1`` (division by zero).
    - Draw one independent mask per entry (per example and per unit), not one per unit.
    - Raises ValueError when ``p`` is outside ``[0, 1]``, ``mode`` is neither 'train' nor
      'test', or ``rng`` is None in train mode (even when ``p = 0``).
    """
    if mode not in ("train", "test"):
        raise ValueError(f"mode must be 'train' or 'test', got {mode!r}")
    p = float(p)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p (the drop probability) must be in [0, 1], got {p!r}")
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    if mode == "test":
        return x.copy(), ("test", None)
    if rng is None:
        raise ValueError("train-mode dropout needs an explicit rng (numpy.random.Generator)")
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    keep = rng.random(x.shape) >= p  # True with probability 1 - p
    mask = (keep * scale).astype(x.dtype)
    return x * mask, ("train", mask)


def dropout_backward(dout, cache):
    """Inverted dropout: backward pass.

    .. math::

        \\frac{\\partial L}{\\partial x} = \\text{dout} \\odot \\text{mask}

    with the mask (and its ``1 / (1 - p)`` scale) of the forward pass that made
    ``cache``; in test mode the gradient passes through unchanged.

    Parameters
    ----------
    dout : ndarray, shape of the forward's ``x``
        Upstream gradient.
    cache : tuple
        The cache returned by :func:`dropout_forward`.

    Returns
    -------
    dx : ndarray, shape of ``dout``
        A new array (float64, or the input's float dtype).

    Notes
    -----
    - Reuse the forward's mask; never draw a new one here. Dropped units get zero
      gradient, kept units get ``dout / (1 - p)``.
    """
    mode, mask = cache
    dout = np.asarray(dout)
    if not np.issubdtype(dout.dtype, np.floating):
        dout = dout.astype(np.float64)
    if mode == "test":
        return dout.copy()
    return dout * mask
