"""Common wrong versions of the chapter 06 activations (ReLU and its variants).

Forward mistakes keep the reference's cache layout where they can, so that they can be
paired with the reference backward; backward mistakes read the reference forward's cache
(or come with a forward that caches what they need).
"""
from __future__ import annotations

import numpy as np

from ...reference import relu_variants as ref

SELU_SCALE = 1.0507009873554805
SELU_ALPHA = 1.6732632423543772


def _f(a):
    return np.asarray(a, dtype=np.float64)


# --------------------------------------------------------------------------- leaky ReLU


def leaky_relu_forward_fixed_alpha(x, alpha=0.01):
    """Ignores the ``alpha`` argument: always 0.01."""
    x = _f(x)
    return np.where(x > 0, x, 0.01 * x), (x, alpha)


def leaky_relu_forward_relu(x, alpha=0.01):
    """Plain ReLU: zero for negative inputs."""
    x = _f(x)
    return np.where(x > 0, x, 0.0), (x, alpha)


def leaky_relu_backward_one_at_zero(dout, cache):
    """``x >= 0`` instead of ``x > 0``: slope 1 at exactly 0."""
    x, alpha = cache
    return np.where(x >= 0, dout, alpha * dout)


def leaky_relu_backward_no_dout(dout, cache):
    """Returns the local derivative without the chain rule."""
    x, alpha = cache
    return np.where(x > 0, 1.0, alpha) * np.ones_like(_f(dout))


def leaky_relu_backward_relu(dout, cache):
    """ReLU's derivative: 0 on the negative side."""
    x, alpha = cache
    return np.where(x > 0, dout, 0.0)


# --------------------------------------------------------------------------- PReLU


def prelu_forward_max(x, alpha):
    """``max(x, alpha x)``: leaky ReLU only while alpha <= 1, and a learned alpha can exceed 1."""
    x, alpha = _f(x), _f(alpha)
    return np.maximum(x, alpha * x), (x, alpha)


def prelu_backward_not_summed(dout, cache):
    """``dalpha`` left per entry, shape (N, D), instead of summed over the batch."""
    x, alpha = cache
    dout = _f(dout)
    return np.where(x > 0, dout, alpha * dout), np.where(x > 0, 0.0, dout * x)


def prelu_backward_mean(dout, cache):
    """``dalpha`` averaged over the batch instead of summed."""
    dx, dalpha = ref.prelu_backward(dout, cache)
    x, _ = cache
    count = x.size if np.ndim(cache[1]) == 0 else x.shape[0]
    return dx, dalpha / count


def prelu_backward_per_feature_always(dout, cache):
    """``dalpha`` summed over the batch only, shape (D,), even for a shared slope of shape ()."""
    x, alpha = cache
    dout = _f(dout)
    return np.where(x > 0, dout, alpha * dout), np.sum(np.where(x > 0, 0.0, dout * x), axis=0)


def prelu_backward_all_entries(dout, cache):
    """``dalpha`` sums ``dout * x`` over every entry, positive ones included."""
    x, alpha = cache
    dout = _f(dout)
    axes = tuple(range(x.ndim - alpha.ndim))
    return np.where(x > 0, dout, alpha * dout), np.sum(dout * x, axis=axes).reshape(alpha.shape)


def prelu_backward_one_at_zero(dout, cache):
    """``x >= 0`` instead of ``x > 0``: slope 1 at exactly 0."""
    x, alpha = cache
    dout = _f(dout)
    _, dalpha = ref.prelu_backward(dout, cache)
    return np.where(x >= 0, dout, alpha * dout), dalpha


# --------------------------------------------------------------------------- RReLU


def rrelu_forward_test_random(x, lower=1 / 8, upper=1 / 3, mode="train", rng=None):
    """Draws random slopes in test mode too (a fixed generator when none is given)."""
    x = _f(x)
    if mode == "train" and rng is None:
        raise ValueError("rng is required in train mode")
    gen = rng if rng is not None else np.random.default_rng(0)
    slopes = gen.uniform(lower, upper, size=x.shape)
    local = np.where(x > 0, 1.0, slopes)
    return local * x, local


def rrelu_forward_test_lower(x, lower=1 / 8, upper=1 / 3, mode="train", rng=None):
    """Uses the slope ``lower`` in test mode instead of the mean ``(lower + upper) / 2``."""
    if mode == "train":
        return ref.rrelu_forward(x, lower, upper, mode, rng)
    x = _f(x)
    local = np.where(x > 0, 1.0, lower)
    return local * x, local


def rrelu_forward_one_slope(x, lower=1 / 8, upper=1 / 3, mode="train", rng=None):
    """One random slope for the whole array instead of one per element."""
    if mode != "train":
        return ref.rrelu_forward(x, lower, upper, mode, rng)
    if rng is None:
        raise ValueError("rng is required in train mode")
    x = _f(x)
    local = np.where(x > 0, 1.0, rng.uniform(lower, upper))
    return local * x, local


def rrelu_forward_slope_per_feature(x, lower=1 / 8, upper=1 / 3, mode="train", rng=None):
    """One random slope per column (feature) instead of one per element."""
    if mode != "train":
        return ref.rrelu_forward(x, lower, upper, mode, rng)
    if rng is None:
        raise ValueError("rng is required in train mode")
    x = _f(x)
    local = np.where(x > 0, 1.0, rng.uniform(lower, upper, size=x.shape[-1]))
    return local * x, local


def rrelu_forward_slopes_everywhere(x, lower=1 / 8, upper=1 / 3, mode="train", rng=None):
    """Multiplies every entry by a random slope, positive ones included."""
    if mode != "train":
        return ref.rrelu_forward(x, lower, upper, mode, rng)
    if rng is None:
        raise ValueError("rng is required in train mode")
    x = _f(x)
    slopes = rng.uniform(lower, upper, size=x.shape)
    return slopes * x, slopes


def rrelu_forward_keeping_bounds(x, lower=1 / 8, upper=1 / 3, mode="train", rng=None):
    """The reference forward, caching ``(local derivative, lower, upper)``."""
    out, local = ref.rrelu_forward(x, lower, upper, mode, rng)
    return out, (local, lower, upper)


def rrelu_backward_mean_slope(dout, cache):
    """Uses the mean slope ``(lower + upper) / 2`` in the backward pass, not the drawn ones."""
    local, lower, upper = cache
    return _f(dout) * np.where(local == 1.0, 1.0, (lower + upper) / 2)


def rrelu_forward_one_at_zero(x, lower=1 / 8, upper=1 / 3, mode="train", rng=None):
    """The cached derivative is 1 at exactly 0 (``x >= 0`` instead of ``x > 0``)."""
    out, local = ref.rrelu_forward(x, lower, upper, mode, rng)
    x = _f(x)
    return out, np.where(x == 0, 1.0, local)


# --------------------------------------------------------------------------- ELU


def elu_forward_where_exp(x, alpha=1.0):
    """``np.where(x > 0, x, alpha * (np.exp(x) - 1))``: exp overflows in the unused branch."""
    x = _f(x)
    return np.where(x > 0, x, alpha * (np.exp(x) - 1)), (x, alpha)


def elu_forward_no_alpha(x, alpha=1.0):
    """Ignores ``alpha``: ``exp(x) - 1`` on the negative side."""
    x = _f(x)
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0))), (x, alpha)


def elu_forward_no_minus_one(x, alpha=1.0):
    """``alpha * exp(x)`` without the ``- 1``: jumps at 0."""
    x = _f(x)
    return np.where(x > 0, x, alpha * np.exp(np.minimum(x, 0))), (x, alpha)


def elu_backward_where_exp(dout, cache):
    """``np.where(x > 0, dout, alpha * np.exp(x) * dout)``: exp overflows in the unused branch."""
    x, alpha = cache
    return np.where(x > 0, dout, alpha * np.exp(x) * dout)


def elu_backward_out(dout, cache):
    """Uses ``alpha (exp(x) - 1)`` (the output) as the derivative, forgetting the ``+ alpha``."""
    x, alpha = cache
    return np.where(x > 0, dout, alpha * np.expm1(np.minimum(x, 0)) * dout)


def elu_backward_one_at_zero(dout, cache):
    """``x >= 0`` instead of ``x > 0``: slope 1 at exactly 0 instead of alpha."""
    x, alpha = cache
    return np.where(x >= 0, dout, alpha * np.exp(np.minimum(x, 0)) * dout)


# --------------------------------------------------------------------------- SELU


def selu_forward_swapped(x):
    """scale and alpha swapped: 1.6733 * (x or 1.0507 (exp(x) - 1))."""
    x = _f(x)
    return SELU_ALPHA * np.where(x > 0, x, SELU_SCALE * np.expm1(np.minimum(x, 0))), x


def selu_forward_where_exp(x):
    """``np.exp(x)`` on every entry inside ``np.where``: overflows for large x."""
    x = _f(x)
    return SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * (np.exp(x) - 1)), x


def selu_forward_scale_negative_only(x):
    """The scale applied only on the negative side."""
    x = _f(x)
    return np.where(x > 0, x, SELU_SCALE * SELU_ALPHA * np.expm1(np.minimum(x, 0))), x


def selu_backward_swapped(dout, cache):
    x = cache
    return SELU_ALPHA * np.where(x > 0, dout, SELU_SCALE * np.exp(np.minimum(x, 0)) * dout)


def selu_backward_no_scale_positive(dout, cache):
    """``dx = dout`` on the positive side, forgetting the scale."""
    x = cache
    return np.where(x > 0, dout, SELU_SCALE * SELU_ALPHA * np.exp(np.minimum(x, 0)) * dout)


def selu_backward_one_at_zero(dout, cache):
    """``x >= 0`` instead of ``x > 0``: slope ``scale`` at exactly 0 instead of ``scale * alpha``."""
    x = cache
    return SELU_SCALE * np.where(x >= 0, dout, SELU_ALPHA * np.exp(np.minimum(x, 0)) * dout)


def selu_backward_where_exp(dout, cache):
    x = cache
    return SELU_SCALE * np.where(x > 0, dout, SELU_ALPHA * np.exp(x) * dout)


# --------------------------------------------------------------------------- softplus


def softplus_forward_naive(x):
    """``log(1 + exp(x))`` literally: exp overflows above about 710."""
    x = _f(x)
    return np.log(1 + np.exp(x)), x


def softplus_forward_no_abs(x):
    """``max(x, 0) + log1p(exp(-x))``: right for x >= 0, overflows for very negative x."""
    x = _f(x)
    return np.maximum(x, 0) + np.log1p(np.exp(-x)), x


def softplus_backward_naive(dout, cache):
    """``1 / (1 + exp(-x))``: exp overflows for very negative x."""
    x = cache
    return _f(dout) / (1 + np.exp(-x))


def softplus_backward_wrong_sign(dout, cache):
    """``sigmoid(-x)`` instead of ``sigmoid(x)``."""
    x = cache
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(x))
        sig = np.where(x >= 0, e / (1 + e), 1 / (1 + e))
    return _f(dout) * sig
