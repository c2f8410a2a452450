"""Weight initialization (chapter 05).

Reference implementations of the initializers and ``init_mlp_params``. Every
initializer returns a weight matrix of shape ``(fan_in, fan_out)``: a layer
computes ``X @ W + b``.
"""
import numpy as np


def _check_fans(fan_in, fan_out):
    """Raise ValueError unless both fans are positive integers."""
    for name, value in (("fan_in", fan_in), ("fan_out", fan_out)):
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")


def zeros_init(fan_in, fan_out):
    """All-zero weights.

    Parameters
    ----------
    fan_in, fan_out : int
        Number of inputs and of outputs of the layer.

    Returns
    -------
    W : ndarray, shape (fan_in, fan_out), float64
        Zeros.

    Notes
    -----
    Shown to demonstrate the symmetry problem: units of a layer that start
    equal receive equal gradients and stay equal, so the layer behaves like a
    single unit. (With ReLU, zero weights also give zero gradients for every
    hidden weight.) Biases, unlike weights, may start at zero.
    """
    _check_fans(fan_in, fan_out)
    return np.zeros((fan_in, fan_out))


def random_init(fan_in, fan_out, rng, scale=0.01):
    """Small random weights: ``W = scale * N(0, 1)``.

    Parameters
    ----------
    fan_in, fan_out : int
        Number of inputs and of outputs of the layer.
    rng : numpy.random.Generator
        Source of randomness.
    scale : float, default 0.01
        Standard deviation of the entries.

    Returns
    -------
    W : ndarray, shape (fan_in, fan_out), float64
        Independent ``N(0, scale^2)`` entries.

    Notes
    -----
    Breaks the symmetry, but a fixed scale ignores the layer's width: in deep
    networks the signal shrinks (or, with a large scale, grows) layer after layer.
    """
    _check_fans(fan_in, fan_out)
    return scale * rng.standard_normal((fan_in, fan_out))


def xavier_uniform(fan_in, fan_out, rng):
    """Glorot (Xavier) uniform initialization: ``W ~ U(-a, a)``, ``a = sqrt(6 / (fan_in + fan_out))``.

    Parameters
    ----------
    fan_in, fan_out : int
        Number of inputs and of outputs of the layer.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    W : ndarray, shape (fan_in, fan_out), float64
        Entries of variance ``a^2 / 3 = 2 / (fan_in + fan_out)``.

    Notes
    -----
    Suited to tanh and sigmoid (the logistic function is often given ``4a``).
    The variance ``2 / (fan_in + fan_out)`` balances the forward signal
    (``1 / fan_in``) and the backward gradient (``1 / fan_out``).
    """
    _check_fans(fan_in, fan_out)
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def xavier_normal(fan_in, fan_out, rng):
    """Glorot (Xavier) normal initialization: ``W ~ N(0, 2 / (fan_in + fan_out))``.

    Parameters
    ----------
    fan_in, fan_out : int
        Number of inputs and of outputs of the layer.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    W : ndarray, shape (fan_in, fan_out), float64
        Entries of standard deviation ``sqrt(2 / (fan_in + fan_out))``.

    Notes
    -----
    ``N(mean, var)`` here is given by its variance; ``rng.normal`` takes the
    standard deviation, its square root.
    """
    _check_fans(fan_in, fan_out)
    std = np.sqrt(2.0 / (fan_in + fan_out))
    return std * rng.standard_normal((fan_in, fan_out))


def he_uniform(fan_in, fan_out, rng):
    """He (Kaiming) uniform initialization: ``W ~ U(-a, a)``, ``a = sqrt(6 / fan_in)``.

    Parameters
    ----------
    fan_in, fan_out : int
        Number of inputs and of outputs of the layer.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    W : ndarray, shape (fan_in, fan_out), float64
        Entries of variance ``a^2 / 3 = 2 / fan_in``.

    Notes
    -----
    Suited to ReLU and its variants: ReLU zeroes about half of its inputs,
    and the factor 2 compensates, keeping the variance of the pre-activations
    about constant from layer to layer.
    """
    _check_fans(fan_in, fan_out)
    a = np.sqrt(6.0 / fan_in)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def he_normal(fan_in, fan_out, rng):
    """He (Kaiming) normal initialization: ``W ~ N(0, 2 / fan_in)``.

    Parameters
    ----------
    fan_in, fan_out : int
        Number of inputs and of outputs of the layer.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    W : ndarray, shape (fan_in, fan_out), float64
        Entries of standard deviation ``sqrt(2 / fan_in)``.

    Notes
    -----
    Mind the brackets: the standard deviation is ``np.sqrt(2 / fan_in)``;
    ``np.sqrt(2 / fan_in - 1)`` is a different (and for ``fan_in > 2``
    invalid) quantity.
    """
    _check_fans(fan_in, fan_out)
    std = np.sqrt(2.0 / fan_in)
    return std * rng.standard_normal((fan_in, fan_out))


def lecun_normal(fan_in, fan_out, rng):
    """LeCun normal initialization: ``W ~ N(0, 1 / fan_in)``.

    Parameters
    ----------
    fan_in, fan_out : int
        Number of inputs and of outputs of the layer.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    W : ndarray, shape (fan_in, fan_out), float64
        Entries of standard deviation ``sqrt(1 / fan_in)``.

    Notes
    -----
    The initialization SELU's self-normalizing property assumes.
    """
    _check_fans(fan_in, fan_out)
    std = np.sqrt(1.0 / fan_in)
    return std * rng.standard_normal((fan_in, fan_out))


def init_mlp_params(layer_sizes, method, rng):
    """Initialize the parameters of a multilayer perceptron.

    Layer ``l`` (1-based, ``l = 1..L`` with ``L = len(layer_sizes) - 1``)
    gets ``W{l}`` of shape ``(layer_sizes[l-1], layer_sizes[l])`` drawn by
    ``method`` and ``b{l}`` of shape ``(layer_sizes[l],)``, zeros.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[D, H1, ..., C]``: input size, hidden sizes, number of outputs.
    method : {'zeros', 'random', 'xavier_uniform', 'xavier_normal', 'he_uniform', 'he_normal', 'lecun_normal'}
        Weight initializer (the function names above, ``zeros_init`` and
        ``random_init`` without their ``_init``).
    rng : numpy.random.Generator or None
        Source of randomness; only ``'zeros'`` accepts None.

    Returns
    -------
    params : dict of str -> ndarray
        ``{'W1': (D, H1), 'b1': (H1,), ..., 'WL': (H_{L-1}, C), 'bL': (C,)}``.

    Raises
    ------
    ValueError
        For an unknown ``method``, fewer than two layer sizes, or ``rng=None``
        with a random method.

    Notes
    -----
    Layers are numbered from 1 (``'W1'``), and each layer uses its own fans:
    index with ``l``, not with a fixed number.
    """
    initializers = {
        "random": random_init,
        "xavier_uniform": xavier_uniform,
        "xavier_normal": xavier_normal,
        "he_uniform": he_uniform,
        "he_normal": he_normal,
        "lecun_normal": lecun_normal,
    }
    if method != "zeros" and method not in initializers:
        valid = ", ".join(repr(name) for name in ["zeros", *initializers])
        raise ValueError(f"unknown initialization method {method!r}; expected one of {valid}")
    if method != "zeros" and rng is None:
        raise ValueError(f"method {method!r} draws random numbers: pass rng, a numpy.random.Generator")
    if len(layer_sizes) < 2:
        raise ValueError(f"layer_sizes needs at least an input and an output size, got {list(layer_sizes)}")
    params = {}
    for l in range(1, len(layer_sizes)):
        fan_in, fan_out = layer_sizes[l - 1], layer_sizes[l]
        if method == "zeros":
            params[f"W{l}"] = zeros_init(fan_in, fan_out)
        else:
            params[f"W{l}"] = initializers[method](fan_in, fan_out, rng)
        params[f"b{l}"] = np.zeros(fan_out)
    return params
