"""Common wrong versions of the chapter 05 initializers."""
from __future__ import annotations

import numpy as np


# --------------------------------------------------------------------------- zeros_init


def zeros_transposed(fan_in, fan_out):
    """Shape (fan_out, fan_in), as in the source notes' code."""
    return np.zeros((fan_out, fan_in))


# --------------------------------------------------------------------------- random_init


def random_ignores_scale(fan_in, fan_out, rng, scale=0.01):
    """Always 0.01, whatever scale is passed."""
    return 0.01 * rng.standard_normal((fan_in, fan_out))


def random_uniform(fan_in, fan_out, rng, scale=0.01):
    """U(-1, 1) times scale (a reading of the source notes) instead of N(0, 1) times scale."""
    return scale * rng.uniform(-1.0, 1.0, size=(fan_in, fan_out))


# --------------------------------------------------------------------------- xavier


def xavier_uniform_no_sqrt(fan_in, fan_out, rng):
    """Bound 6 / (fan_in + fan_out), without the square root."""
    a = 6.0 / (fan_in + fan_out)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def xavier_uniform_std_as_bound(fan_in, fan_out, rng):
    """Bound sqrt(2 / (fan_in + fan_out)): the standard deviation used as the bound."""
    a = np.sqrt(2.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def xavier_normal_variance_one(fan_in, fan_out, rng):
    """Variance 1 / (fan_in + fan_out) instead of 2 / (fan_in + fan_out)."""
    return np.sqrt(1.0 / (fan_in + fan_out)) * rng.standard_normal((fan_in, fan_out))


def xavier_normal_variance_as_std(fan_in, fan_out, rng):
    """rng.normal(0, 2 / (fan_in + fan_out)): the variance passed as the standard deviation."""
    return rng.normal(0.0, 2.0 / (fan_in + fan_out), size=(fan_in, fan_out))


# --------------------------------------------------------------------------- he


def he_uniform_fan_out(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / fan_out)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def he_uniform_no_sqrt(fan_in, fan_out, rng):
    a = 6.0 / fan_in
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def he_normal_fan_out(fan_in, fan_out, rng):
    return np.sqrt(2.0 / fan_out) * rng.standard_normal((fan_in, fan_out))


def he_normal_variance_as_std(fan_in, fan_out, rng):
    """std = 2 / fan_in: the variance used as the standard deviation."""
    return (2.0 / fan_in) * rng.standard_normal((fan_in, fan_out))


def he_normal_precedence(fan_in, fan_out, rng):
    """The source notes' np.sqrt(2 / size_l - 1): NaN for fan_in > 2."""
    with np.errstate(invalid="ignore"):
        std = np.sqrt(2 / fan_in - 1)
    return std * rng.standard_normal((fan_in, fan_out))


def he_normal_transposed(fan_in, fan_out, rng):
    """The source notes' randn(size_l, size_l - 1): shape (fan_out, fan_in)."""
    return np.sqrt(2.0 / fan_in) * rng.standard_normal((fan_out, fan_in))


# --------------------------------------------------------------------------- lecun


def lecun_normal_fan_out(fan_in, fan_out, rng):
    return np.sqrt(1.0 / fan_out) * rng.standard_normal((fan_in, fan_out))


def lecun_normal_variance_as_std(fan_in, fan_out, rng):
    return (1.0 / fan_in) * rng.standard_normal((fan_in, fan_out))


# --------------------------------------------------------------------------- init_mlp_params

_LAWS = {
    "random": lambda fi, fo, rng: 0.01 * rng.standard_normal((fi, fo)),
    "xavier_uniform": lambda fi, fo, rng: rng.uniform(-np.sqrt(6 / (fi + fo)), np.sqrt(6 / (fi + fo)), (fi, fo)),
    "xavier_normal": lambda fi, fo, rng: np.sqrt(2 / (fi + fo)) * rng.standard_normal((fi, fo)),
    "he_uniform": lambda fi, fo, rng: rng.uniform(-np.sqrt(6 / fi), np.sqrt(6 / fi), (fi, fo)),
    "he_normal": lambda fi, fo, rng: np.sqrt(2 / fi) * rng.standard_normal((fi, fo)),
    "lecun_normal": lambda fi, fo, rng: np.sqrt(1 / fi) * rng.standard_normal((fi, fo)),
}


def _draw(method, fi, fo, rng):
    if method == "zeros":
        return np.zeros((fi, fo))
    if method not in _LAWS:
        raise ValueError(f"unknown method {method!r}")
    return _LAWS[method](fi, fo, rng)


def mlp_params_zero_based(layer_sizes, method, rng):
    """Keys W0, b0, ...: layers numbered from 0."""
    return {k: v for l in range(len(layer_sizes) - 1) for k, v in (
        (f"W{l}", _draw(method, layer_sizes[l], layer_sizes[l + 1], rng)), (f"b{l}", np.zeros(layer_sizes[l + 1])))}


def mlp_params_str_one(layer_sizes, method, rng):
    """The source notes' "W" + str(1): every layer overwrites W1 and b1."""
    params = {}
    for l in range(1, len(layer_sizes)):
        params["W" + str(1)] = _draw(method, layer_sizes[l - 1], layer_sizes[l], rng)
        params["b" + str(1)] = np.zeros(layer_sizes[l])
    return params


def mlp_params_transposed(layer_sizes, method, rng):
    """W{l} of shape (n_l, n_{l-1}), as in the source notes' code."""
    params = {}
    for l in range(1, len(layer_sizes)):
        params[f"W{l}"] = _draw(method, layer_sizes[l - 1], layer_sizes[l], rng).T.copy()
        params[f"b{l}"] = np.zeros(layer_sizes[l])
    return params


def mlp_params_column_biases(layer_sizes, method, rng):
    """Biases of shape (n_l, 1), as in the source notes' code."""
    params = {}
    for l in range(1, len(layer_sizes)):
        params[f"W{l}"] = _draw(method, layer_sizes[l - 1], layer_sizes[l], rng)
        params[f"b{l}"] = np.zeros((layer_sizes[l], 1))
    return params


def mlp_params_key_error(layer_sizes, method, rng):
    """Looks the method up in a dict and lets the KeyError escape."""
    params = {}
    for l in range(1, len(layer_sizes)):
        if method != "zeros" and method not in _LAWS:
            raise KeyError(method)
        params[f"W{l}"] = _draw(method, layer_sizes[l - 1], layer_sizes[l], rng)
        params[f"b{l}"] = np.zeros(layer_sizes[l])
    return params
