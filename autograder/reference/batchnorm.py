"""Batch normalization (chapter 07).

Reference implementations of ``batchnorm_forward`` and ``batchnorm_backward``,
with the semantics of PyTorch ``BatchNorm1d`` on inputs of shape ``(N, D)``.
"""
import numpy as np


def _as_float(a):
    """Return ``a`` as an ndarray of a float dtype (integers and bools become float64)."""
    a = np.asarray(a)
    if not a.dtype.kind == "f":
        a = a.astype(np.float64)
    return a


def batchnorm_forward(x, gamma, beta, running_mean, running_var, mode="train", momentum=0.1, eps=1e-5):
    """Batch normalization of a batch of activations, feature by feature.

    Train mode, with batch statistics over the N examples (axis 0)::

        mu    = mean(x, axis=0)
        var   = mean((x - mu)^2, axis=0)                 # biased, divides by N
        x_hat = (x - mu) / sqrt(var + eps)
        out   = gamma * x_hat + beta
        new_running_mean = (1 - momentum) * running_mean + momentum * mu
        new_running_var  = (1 - momentum) * running_var  + momentum * var * N / (N - 1)

    Test mode normalizes with the running statistics instead,
    ``x_hat = (x - running_mean) / sqrt(running_var + eps)``, and returns
    them unchanged.

    Parameters
    ----------
    x : array_like, shape (N, D)
        Batch of activations.
    gamma, beta : array_like, shape (D,)
        Learned scale and shift.
    running_mean, running_var : array_like, shape (D,)
        Running statistics (a fresh layer starts with zeros and ones).
    mode : {'train', 'test'}
        Batch statistics (training) or running statistics (inference).
    momentum : float, default 0.1
        Weight of the current batch in the running averages (PyTorch's convention).
    eps : float, default 1e-5
        Added to the variance before the square root.

    Returns
    -------
    out : ndarray, shape (N, D)
        Normalized, scaled and shifted activations.
    cache : dict
        What ``batchnorm_backward`` needs.
    new_running_mean, new_running_var : ndarray, shape (D,)
        Updated running statistics (new arrays; in test mode, copies).

    Raises
    ------
    ValueError
        For an unknown ``mode``, ``x`` not 2-D, or train mode with ``N = 1``.

    Notes
    -----
    As PyTorch ``BatchNorm1d``: normalize with the *biased* variance (divide
    by N) but update the running variance with the *unbiased* one (divide by
    N - 1). With one example the unbiased variance is undefined, so train
    mode needs ``N >= 2``. Compute the variance as the mean of squared
    deviations from the mean (two passes), not ``mean(x^2) - mu^2``, which
    cancels catastrophically when ``|mu|`` is large compared with the spread.
    """
    x = _as_float(x)
    gamma = _as_float(gamma)
    beta = _as_float(beta)
    running_mean = _as_float(running_mean)
    running_var = _as_float(running_var)
    if mode not in ("train", "test"):
        raise ValueError(f"mode must be 'train' or 'test', got {mode!r}")
    if x.ndim != 2:
        raise ValueError(f"batchnorm_forward expects x of shape (N, D), got shape {x.shape}")
    n = x.shape[0]
    if mode == "train":
        if n < 2:
            raise ValueError(
                f"expected more than 1 value per feature when training, got input of shape {x.shape}: "
                "the unbiased batch variance (divide by N - 1) is undefined for N = 1"
            )
        mu = np.mean(x, axis=0)
        xc = x - mu
        var = np.mean(xc**2, axis=0)
        std = np.sqrt(var + eps)
        x_hat = xc / std
        new_running_mean = (1 - momentum) * running_mean + momentum * mu
        new_running_var = (1 - momentum) * running_var + momentum * var * (n / (n - 1))
    else:
        std = np.sqrt(running_var + eps)
        x_hat = (x - running_mean) / std
        new_running_mean = running_mean.copy()
        new_running_var = running_var.copy()
    out = gamma * x_hat + beta
    cache = {"mode": mode, "x_hat": x_hat, "gamma": gamma, "std": std}
    return out, cache, new_running_mean, new_running_var


def batchnorm_backward(dout, cache):
    """Backward pass of batch normalization (compact vectorized form).

    For the train-mode forward, with ``std = sqrt(var + eps)``::

        dbeta  = sum(dout, axis=0)
        dgamma = sum(dout * x_hat, axis=0)
        dx     = gamma / std * (dout - dbeta / N - x_hat * dgamma / N)

    (For a test-mode cache the statistics are constants and
    ``dx = gamma / std * dout``.)

    Parameters
    ----------
    dout : ndarray, shape (N, D)
        Upstream gradient dJ/dout.
    cache : dict
        From ``batchnorm_forward``.

    Returns
    -------
    dx : ndarray, shape (N, D)
        dJ/dx.
    dgamma, dbeta : ndarray, shape (D,)
        dJ/dgamma and dJ/dbeta.

    Notes
    -----
    In train mode every output depends on every input of its feature through
    the batch mean and variance: the two subtracted terms are those paths.
    Summing the chain rule through ``mu`` and ``var`` node by node gives the
    same result but is longer and slower.
    """
    dout = _as_float(dout)
    x_hat = cache["x_hat"]
    gamma = cache["gamma"]
    std = cache["std"]
    n = dout.shape[0]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    if cache["mode"] == "train":
        dx = gamma / std * (dout - dbeta / n - x_hat * dgamma / n)
    else:
        dx = gamma / std * dout
    return dx, dgamma, dbeta
