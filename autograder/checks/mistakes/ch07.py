"""Common wrong versions of batch normalization (chapter 07).

The forward mistakes share the reference's cache layout, so each can be paired with the
reference backward; the backward mistakes read the reference forward's cache (one comes
with a forward that also caches ``x``).
"""
from __future__ import annotations

import numpy as np

from ...reference import batchnorm as ref


def _f(a):
    return np.asarray(a, dtype=np.float64)


def _forward(x, gamma, beta, running_mean, running_var, mode="train", momentum=0.1, eps=1e-5, *,
             norm_ddof=0, running_ddof=1, swap_momentum=False, eps_outside=False, test_batch_stats=False,
             one_pass=False, in_place=False, check_n=True):
    """A batch normalization with switches for the usual slips (all off: the reference)."""
    x, gamma, beta = _f(x), _f(gamma), _f(beta)
    rm_in, rv_in = running_mean, running_var
    running_mean, running_var = _f(running_mean), _f(running_var)
    n = x.shape[0]
    if mode == "train" or test_batch_stats:
        if mode == "train" and check_n and n < 2:
            raise ValueError("train mode needs at least two examples")
        mu = x.mean(axis=0)
        sq = (x**2).mean(axis=0) - mu**2 if one_pass else ((x - mu) ** 2).mean(axis=0)
        var_norm = sq * n / (n - norm_ddof) if n > norm_ddof else sq
        std = np.sqrt(var_norm) + eps if eps_outside else np.sqrt(var_norm + eps)
        x_hat = (x - mu) / std
        if mode == "train":
            var_run = sq * n / (n - running_ddof) if n > running_ddof else sq
            if swap_momentum:
                new_mean = momentum * running_mean + (1 - momentum) * mu
                new_var = momentum * running_var + (1 - momentum) * var_run
            else:
                new_mean = (1 - momentum) * running_mean + momentum * mu
                new_var = (1 - momentum) * running_var + momentum * var_run
        else:
            new_mean, new_var = running_mean.copy(), running_var.copy()
    else:
        std = np.sqrt(running_var + eps)
        x_hat = (x - running_mean) / std
        new_mean, new_var = running_mean.copy(), running_var.copy()
    if in_place and isinstance(rm_in, np.ndarray) and isinstance(rv_in, np.ndarray):
        rm_in[...] = new_mean
        rv_in[...] = new_var
        new_mean, new_var = rm_in, rv_in
    out = gamma * x_hat + beta
    cache = {"mode": mode, "x_hat": x_hat, "gamma": gamma, "std": std}
    return out, cache, new_mean, new_var


def batchnorm_forward_unbiased(x, gamma, beta, running_mean, running_var, mode="train", momentum=0.1, eps=1e-5):
    """Normalizes with the unbiased batch variance (divides by N - 1)."""
    return _forward(x, gamma, beta, running_mean, running_var, mode, momentum, eps, norm_ddof=1)


def batchnorm_forward_running_biased(x, gamma, beta, running_mean, running_var, mode="train", momentum=0.1, eps=1e-5):
    """Updates the running variance with the biased batch variance (divides by N)."""
    return _forward(x, gamma, beta, running_mean, running_var, mode, momentum, eps, running_ddof=0)


def batchnorm_forward_momentum_swapped(x, gamma, beta, running_mean, running_var, mode="train", momentum=0.1, eps=1e-5):
    """``new = momentum * running + (1 - momentum) * batch`` (Keras's convention, not PyTorch's)."""
    return _forward(x, gamma, beta, running_mean, running_var, mode, momentum, eps, swap_momentum=True)


def batchnorm_forward_eps_outside(x, gamma, beta, running_mean, running_var, mode="train", momentum=0.1, eps=1e-5):
    """Divides by ``sqrt(var) + eps`` instead of ``sqrt(var + eps)``."""
    return _forward(x, gamma, beta, running_mean, running_var, mode, momentum, eps, eps_outside=True)


def batchnorm_forward_test_batch_stats(x, gamma, beta, running_mean, running_var, mode="train", momentum=0.1, eps=1e-5):
    """Normalizes with the batch statistics in test mode too."""
    return _forward(x, gamma, beta, running_mean, running_var, mode, momentum, eps, test_batch_stats=True)


def batchnorm_forward_one_pass(x, gamma, beta, running_mean, running_var, mode="train", momentum=0.1, eps=1e-5):
    """Variance as ``mean(x^2) - mean(x)^2``, which cancels catastrophically for large means."""
    return _forward(x, gamma, beta, running_mean, running_var, mode, momentum, eps, one_pass=True)


def batchnorm_forward_in_place(x, gamma, beta, running_mean, running_var, mode="train", momentum=0.1, eps=1e-5):
    """Writes the new running statistics into the arrays it was given (as CS231n's bn_param)."""
    return _forward(x, gamma, beta, running_mean, running_var, mode, momentum, eps, in_place=True)


def batchnorm_forward_keeping_x(x, gamma, beta, running_mean, running_var, mode="train", momentum=0.1, eps=1e-5):
    """The reference forward, also caching ``x``."""
    out, cache, rm, rv = ref.batchnorm_forward(x, gamma, beta, running_mean, running_var, mode, momentum, eps)
    return out, {**cache, "x": _f(x)}, rm, rv


def batchnorm_backward_naive(dout, cache):
    """``dx = dout * gamma / std``: the statistics treated as constants (no mean or variance path)."""
    dout = _f(dout)
    x_hat, gamma, std = cache["x_hat"], cache["gamma"], cache["std"]
    return dout * gamma / std, np.sum(dout * x_hat, axis=0), np.sum(dout, axis=0)


def batchnorm_backward_no_variance_path(dout, cache):
    """Keeps the path through the mean but drops the one through the variance."""
    dout = _f(dout)
    x_hat, gamma, std = cache["x_hat"], cache["gamma"], cache["std"]
    dbeta = np.sum(dout, axis=0)
    return gamma / std * (dout - dbeta / dout.shape[0]), np.sum(dout * x_hat, axis=0), dbeta


def batchnorm_backward_dgamma_with_x(dout, cache):
    """``dgamma = sum(dout * x)`` instead of ``sum(dout * x_hat)``."""
    dx, _, dbeta = ref.batchnorm_backward(dout, cache)
    return dx, np.sum(_f(dout) * cache["x"], axis=0), dbeta


def batchnorm_backward_mean_params(dout, cache):
    """``dgamma`` and ``dbeta`` averaged over the batch instead of summed."""
    dx, dgamma, dbeta = ref.batchnorm_backward(dout, cache)
    n = _f(dout).shape[0]
    return dx, dgamma / n, dbeta / n
