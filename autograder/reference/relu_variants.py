"""ReLU and its variants (chapter 06).

Reference implementations of leaky ReLU, PReLU, RReLU, ELU, SELU and softplus,
each as a ``NAME_forward(x, ...) -> (out, cache)`` / ``NAME_backward(dout, cache)``
pair. Piecewise functions take the ``x <= 0`` branch at exactly 0.
"""
import numpy as np


def _as_float(a):
    """Return ``a`` as an ndarray of a float dtype (integers and bools become float64)."""
    a = np.asarray(a)
    if not a.dtype.kind == "f":
        a = a.astype(np.float64)
    return a


def leaky_relu_forward(x, alpha=0.01):
    """Leaky ReLU: ``x`` if ``x > 0`` else ``alpha * x``.

    Parameters
    ----------
    x : array_like, any shape, e.g. ``(N, D)``
        Inputs.
    alpha : float, default 0.01
        Slope for ``x <= 0``.

    Returns
    -------
    out : ndarray, same shape as ``x``
        Activations.
    cache : tuple
        ``(x, alpha)`` for the backward pass.

    Notes
    -----
    The small negative slope keeps a gradient flowing where ReLU's is 0, so
    units cannot "die".
    """
    x = _as_float(x)
    out = np.where(x > 0, x, alpha * x)
    return out, (x, alpha)


def leaky_relu_backward(dout, cache):
    """Backward pass of leaky ReLU.

    ``dx = dout`` where ``x > 0``, ``alpha * dout`` where ``x <= 0``.

    Parameters
    ----------
    dout : ndarray, same shape as ``x``
        Upstream gradient dJ/dout.
    cache : tuple
        From ``leaky_relu_forward``.

    Returns
    -------
    dx : ndarray, same shape as ``x``
        dJ/dx.

    Notes
    -----
    At exactly ``x = 0`` the derivative is the negative-side slope ``alpha``.
    """
    x, alpha = cache
    dout = _as_float(dout)
    return np.where(x > 0, dout, alpha * dout)


def prelu_forward(x, alpha):
    """Parametric ReLU: ``x`` if ``x > 0`` else ``alpha * x``, with ``alpha`` learned.

    Parameters
    ----------
    x : array_like, shape (N, D)
        Inputs.
    alpha : array_like, shape () or (D,)
        Negative-side slope: one shared slope, or one per feature (broadcast
        over the batch).

    Returns
    -------
    out : ndarray, shape (N, D)
        Activations.
    cache : tuple
        ``(x, alpha)`` for the backward pass.

    Notes
    -----
    With ``alpha = 0`` this is ReLU, with a small fixed ``alpha`` leaky ReLU.
    """
    x = _as_float(x)
    alpha = _as_float(alpha)
    out = np.where(x > 0, x, alpha * x)
    return out, (x, alpha)


def prelu_backward(dout, cache):
    """Backward pass of PReLU.

    ``dx = dout`` where ``x > 0`` and ``alpha * dout`` where ``x <= 0``;
    ``dalpha = sum over the batch of dout * x`` restricted to ``x <= 0``.

    Parameters
    ----------
    dout : ndarray, shape (N, D)
        Upstream gradient dJ/dout.
    cache : tuple
        From ``prelu_forward``.

    Returns
    -------
    dx : ndarray, shape (N, D)
        dJ/dx.
    dalpha : ndarray, same shape as ``alpha``: () or (D,)
        dJ/dalpha.

    Notes
    -----
    ``dalpha`` must have ``alpha``'s shape: a shared slope collects the sum
    over every entry, a per-feature slope the sum over the batch (axis 0).
    """
    x, alpha = cache
    dout = _as_float(dout)
    dx = np.where(x > 0, dout, alpha * dout)
    dalpha_entries = np.where(x > 0, 0.0, dout * x)
    batch_axes = tuple(range(x.ndim - alpha.ndim))
    dalpha = np.sum(dalpha_entries, axis=batch_axes).reshape(alpha.shape)
    return dx, dalpha


def rrelu_forward(x, lower=1 / 8, upper=1 / 3, mode="train", rng=None):
    """Randomized leaky ReLU: ``x`` if ``x > 0`` else ``a * x``.

    Train mode draws one slope ``a ~ U(lower, upper)`` per element; test mode
    uses the mean slope ``a = (lower + upper) / 2`` everywhere.

    Parameters
    ----------
    x : array_like, any shape, e.g. ``(N, D)``
        Inputs.
    lower, upper : float, default 1/8 and 1/3
        Range of the random slopes (PyTorch's defaults).
    mode : {'train', 'test'}
        Whether to draw random slopes.
    rng : numpy.random.Generator or None
        Source of randomness; required in train mode.

    Returns
    -------
    out : ndarray, same shape as ``x``
        Activations.
    cache : ndarray, same shape as ``x``
        The local derivative ``dout/dx``: 1 where ``x > 0``, the slope used
        where ``x <= 0``.

    Raises
    ------
    ValueError
        For an unknown ``mode``, ``lower > upper``, or train mode without ``rng``.

    Notes
    -----
    The backward pass must reuse the slopes of *this* forward pass; drawing
    new ones would give the gradient of a different function.
    """
    x = _as_float(x)
    if mode not in ("train", "test"):
        raise ValueError(f"mode must be 'train' or 'test', got {mode!r}")
    if lower > upper:
        raise ValueError(f"lower must not exceed upper, got lower={lower}, upper={upper}")
    if mode == "train":
        if rng is None:
            raise ValueError(
                "rrelu_forward in train mode draws random slopes: pass rng, a numpy.random.Generator"
            )
        slopes = rng.uniform(lower, upper, size=x.shape).astype(x.dtype)
    else:
        slopes = np.full(x.shape, (lower + upper) / 2, dtype=x.dtype)
    local_grad = np.where(x > 0, np.ones_like(x), slopes)
    out = local_grad * x
    return out, local_grad


def rrelu_backward(dout, cache):
    """Backward pass of RReLU, with the slopes of the forward pass.

    ``dx = dout`` where ``x > 0``, ``a * dout`` where ``x <= 0``.

    Parameters
    ----------
    dout : ndarray, same shape as ``x``
        Upstream gradient dJ/dout.
    cache : ndarray
        From ``rrelu_forward``.

    Returns
    -------
    dx : ndarray, same shape as ``x``
        dJ/dx.
    """
    local_grad = cache
    return _as_float(dout) * local_grad


def elu_forward(x, alpha=1.0):
    """Exponential linear unit: ``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``.

    Parameters
    ----------
    x : array_like, any shape, e.g. ``(N, D)``
        Inputs.
    alpha : float, default 1.0
        Negative-side saturation value: ``elu(x) -> -alpha`` as ``x -> -inf``.

    Returns
    -------
    out : ndarray, same shape as ``x``
        Activations.
    cache : tuple
        ``(x, alpha)`` for the backward pass.

    Notes
    -----
    ``np.where`` evaluates both branches on every entry: ``np.exp(x)`` on
    ``x = 1000`` overflows even where that branch is not used. Evaluate the
    exponential on ``np.minimum(x, 0)``. ``np.expm1(t)`` computes
    ``exp(t) - 1`` accurately for small ``t``.
    """
    x = _as_float(x)
    out = np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))
    return out, (x, alpha)


def elu_backward(dout, cache):
    """Backward pass of ELU.

    ``dx = dout`` where ``x > 0``, ``alpha * exp(x) * dout`` where ``x <= 0``.

    Parameters
    ----------
    dout : ndarray, same shape as ``x``
        Upstream gradient dJ/dout.
    cache : tuple
        From ``elu_forward``.

    Returns
    -------
    dx : ndarray, same shape as ``x``
        dJ/dx.

    Notes
    -----
    Take the exponential of ``np.minimum(x, 0)``. For very negative ``x``,
    ``exp(x)`` underflows to ``0.0``, the correctly rounded value: that
    underflow is harmless and silenced.
    """
    x, alpha = cache
    dout = _as_float(dout)
    with np.errstate(under="ignore"):
        negative_slope = alpha * np.exp(np.minimum(x, 0))
    return np.where(x > 0, dout, negative_slope * dout)


def selu_forward(x):
    """Scaled ELU: ``scale * (x if x > 0 else alpha * (exp(x) - 1))``.

    With PyTorch's constants ``scale = 1.0507009873554805`` and
    ``alpha = 1.6732632423543772``, chosen so that activations with mean 0 and
    variance 1 keep mean 0 and variance 1 (self-normalizing networks).

    Parameters
    ----------
    x : array_like, any shape, e.g. ``(N, D)``
        Inputs.

    Returns
    -------
    out : ndarray, same shape as ``x``
        Activations.
    cache : ndarray
        ``x`` for the backward pass.

    Notes
    -----
    Evaluate the exponential on ``np.minimum(x, 0)`` (see ``elu_forward``).
    Self-normalization assumes LeCun-normal weights and standardized inputs.
    """
    scale = 1.0507009873554805
    alpha = 1.6732632423543772
    x = _as_float(x)
    out = scale * np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))
    return out, x


def selu_backward(dout, cache):
    """Backward pass of SELU.

    ``dx = scale * dout`` where ``x > 0``, ``scale * alpha * exp(x) * dout``
    where ``x <= 0``.

    Parameters
    ----------
    dout : ndarray, same shape as ``x``
        Upstream gradient dJ/dout.
    cache : ndarray
        From ``selu_forward``.

    Returns
    -------
    dx : ndarray, same shape as ``x``
        dJ/dx.

    Notes
    -----
    As in ``elu_backward``, the harmless underflow of ``exp(x)`` for very
    negative ``x`` is silenced.
    """
    scale = 1.0507009873554805
    alpha = 1.6732632423543772
    x = cache
    dout = _as_float(dout)
    with np.errstate(under="ignore"):
        negative_slope = alpha * np.exp(np.minimum(x, 0))
    return scale * np.where(x > 0, dout, negative_slope * dout)


def softplus_forward(x):
    """Softplus: ``log(1 + exp(x))``, a smooth ReLU.

    Computed as ``max(x, 0) + log1p(exp(-|x|))``, which equals it for every
    ``x`` and never overflows.

    Parameters
    ----------
    x : array_like, any shape, e.g. ``(N, D)``
        Inputs.

    Returns
    -------
    out : ndarray, same shape as ``x``
        Activations, all positive.
    cache : ndarray
        ``x`` for the backward pass.

    Notes
    -----
    ``np.log(1 + np.exp(x))`` overflows for ``x`` above about 710 and returns
    0 instead of ``exp(x)`` for ``x`` below about -37. The underflow of
    ``exp(-|x|)`` to ``0.0`` for huge ``|x|`` is harmless and silenced.
    """
    x = _as_float(x)
    with np.errstate(under="ignore"):
        out = np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))
    return out, x


def softplus_backward(dout, cache):
    """Backward pass of softplus: ``dx = sigmoid(x) * dout``.

    Parameters
    ----------
    dout : ndarray, same shape as ``x``
        Upstream gradient dJ/dout.
    cache : ndarray
        From ``softplus_forward``.

    Returns
    -------
    dx : ndarray, same shape as ``x``
        dJ/dx.

    Notes
    -----
    Compute the sigmoid stably from ``e = exp(-|x|)``: ``1 / (1 + e)`` for
    ``x >= 0`` and ``e / (1 + e)`` for ``x < 0``.
    """
    x = cache
    dout = _as_float(dout)
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(x))
        sig = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    return sig * dout
