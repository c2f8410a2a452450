"""Common wrong versions of the chapter 04 functions: saturation, gradient norms, clipping."""
from __future__ import annotations

import numpy as np


def _derivative(z, activation):
    """The activation's derivative, computed stably (as a correct implementation would)."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    if activation == "sigmoid":
        return e / (1 + e) ** 2
    if activation == "tanh":
        return (2 * e / (1 + e * e)) ** 2
    if activation == "relu":
        return (z > 0).astype(float)
    raise ValueError(f"unknown activation {activation!r}")


_MAX = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}


# --------------------------------------------------------------------------- saturation_fraction


def saturation_sigmoid_max_one(z, activation, threshold=0.01):
    """Takes 1 as the sigmoid's largest derivative (it is 1/4)."""
    return float(np.mean(_derivative(z, activation) < threshold * 1.0))


def saturation_sample_max(z, activation, threshold=0.01):
    """Compares with the largest derivative found in the sample, not the activation's maximum."""
    d = _derivative(z, activation)
    return float(np.mean(d < threshold * d.max()))


def saturation_from_outputs(z, activation, threshold=0.01):
    """Calls a unit saturated when its output is near the activation's bounds."""
    z = np.asarray(z, dtype=float)
    if activation == "sigmoid":
        s = np.exp(-np.logaddexp(0, -z))
        return float(np.mean((s < threshold) | (s > 1 - threshold)))
    if activation == "tanh":
        return float(np.mean(np.abs(np.tanh(z)) > 1 - threshold))
    return float(np.mean(z <= 0))


def saturation_less_equal(z, activation, threshold=0.01):
    """Uses <= where the definition says strictly below."""
    return float(np.mean(_derivative(z, activation) <= threshold * _MAX[activation]))


def saturation_relu_strict_negative(z, activation, threshold=0.01):
    """Treats ReLU's derivative at exactly 0 as 1 (the API takes the x <= 0 branch)."""
    z = np.asarray(z, dtype=float)
    if activation == "relu":
        return float(np.mean(z < 0))
    return float(np.mean(_derivative(z, activation) < threshold * _MAX[activation]))


def saturation_naive_sigmoid(z, activation, threshold=0.01):
    """Computes s = 1 / (1 + exp(-z)), which overflows for z = -1e4."""
    z = np.asarray(z, dtype=float)
    if activation == "sigmoid":
        s = 1 / (1 + np.exp(-z))
        return float(np.mean(s * (1 - s) < threshold * 0.25))
    return float(np.mean(_derivative(z, activation) < threshold * _MAX[activation]))


# --------------------------------------------------------------------------- gradient_norms


def norms_squared(grads):
    """Sum of squares, without the square root."""
    return {k: float(np.sum(np.square(g))) for k, g in grads.items()}


def norms_spectral(grads):
    """np.linalg.norm(G, 2): the largest singular value for a matrix, not the Frobenius norm."""
    return {k: float(np.linalg.norm(np.asarray(g, dtype=float), 2)) for k, g in grads.items()}


# --------------------------------------------------------------------------- clip_grad_value


def clip_value_upper_only(grads, clip_value):
    """Caps the entries at +clip_value but leaves large negative entries alone."""
    return {k: np.minimum(np.asarray(g, dtype=float), clip_value) for k, g in grads.items()}


def clip_value_rescale(grads, clip_value):
    """Rescales each array to norm clip_value instead of clipping its entries."""
    out = {}
    for k, g in grads.items():
        g = np.asarray(g, dtype=float)
        n = np.sqrt(np.sum(g * g))
        out[k] = g * (clip_value / n) if n > clip_value else g.copy()
    return out


def clip_value_in_place(grads, clip_value):
    """np.clip(g, -c, c, out=g): right values, but the caller's arrays are changed."""
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)
    return dict(grads)


# --------------------------------------------------------------------------- clip_grad_norm


def _total(grads):
    return float(np.sqrt(sum(np.sum(np.square(np.asarray(g, dtype=float))) for g in grads.values())))


def clip_norm_per_array(grads, max_norm):
    """Clips each array by its own norm instead of one global norm."""
    out = {}
    for k, g in grads.items():
        g = np.asarray(g, dtype=float)
        coef = max_norm / (np.sqrt(np.sum(g * g)) + 1e-6)
        out[k] = g * coef if coef < 1 else g.copy()
    return out, _total(grads)


def clip_norm_always_scale(grads, max_norm):
    """Multiplies by max_norm / (total + 1e-6) even when that is above 1."""
    total = _total(grads)
    coef = max_norm / (total + 1e-6)
    return {k: np.asarray(g, dtype=float) * coef for k, g in grads.items()}, total


def clip_norm_returns_clipped_norm(grads, max_norm):
    """Returns the norm of the clipped gradients instead of the norm before clipping."""
    total = _total(grads)
    coef = max_norm / (total + 1e-6)
    clipped = {k: np.asarray(g, dtype=float) * min(coef, 1.0) for k, g in grads.items()}
    return clipped, _total(clipped)


def clip_norm_compares_norms(grads, max_norm):
    """Scales when total > max_norm instead of when max_norm / (total + 1e-6) < 1."""
    total = _total(grads)
    if total > max_norm:
        coef = max_norm / (total + 1e-6)
        return {k: np.asarray(g, dtype=float) * coef for k, g in grads.items()}, total
    return {k: np.array(g, dtype=float) for k, g in grads.items()}, total


def clip_norm_without_eps(grads, max_norm):
    """coef = max_norm / total: no 1e-6 (and a division by zero for zero gradients)."""
    total = _total(grads)
    coef = max_norm / total
    if coef < 1:
        return {k: np.asarray(g, dtype=float) * coef for k, g in grads.items()}, total
    return {k: np.array(g, dtype=float) for k, g in grads.items()}, total


def clip_norm_in_place(grads, max_norm):
    """Scales the caller's arrays in place, as PyTorch's clip_grad_norm_ does."""
    total = _total(grads)
    coef = max_norm / (total + 1e-6)
    if coef < 1:
        for g in grads.values():
            g *= coef
    return dict(grads), total


def clip_norm_returns_inputs(grads, max_norm):
    """Returns the caller's own arrays when no clipping is needed."""
    total = _total(grads)
    coef = max_norm / (total + 1e-6)
    if coef < 1:
        return {k: np.asarray(g, dtype=float) * coef for k, g in grads.items()}, total
    return dict(grads), total
