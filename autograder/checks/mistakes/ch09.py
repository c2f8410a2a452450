"""Common wrong versions of inverted dropout.

The forward variants return a cache in the reference's format ``(mode, mask)`` with the
factor they applied, so the reference backward stays consistent with them; the backward
variants read that format.
"""
from __future__ import annotations

import numpy as np


def _check(x, p, mode, rng):
    if mode not in ("train", "test"):
        raise ValueError(f"mode must be 'train' or 'test', got {mode!r}")
    if not 0.0 <= float(p) <= 1.0:
        raise ValueError("p must be in [0, 1]")
    if mode == "train" and rng is None:
        raise ValueError("train-mode dropout needs an rng")
    return np.asarray(x, dtype=np.float64)


def _inverted_train(x, p, rng):
    keep = rng.random(x.shape) >= p
    mask = keep / (1.0 - p) if p < 1 else np.zeros(x.shape)
    return x * mask, ("train", mask)


# --------------------------------------------------------------------------- forward


def forward_no_rescale(x, p, mode="train", rng=None):
    """Drops with probability p but leaves the kept entries unscaled."""
    x = _check(x, p, mode, rng)
    if mode == "test":
        return x.copy(), ("test", None)
    mask = (rng.random(x.shape) >= p).astype(np.float64)
    return x * mask, ("train", mask)


def forward_p_is_keep_probability(x, p, mode="train", rng=None):
    """Reads p as the probability of *keeping* a unit (keep with prob p, scale 1/p)."""
    x = _check(x, p, mode, rng)
    if mode == "test":
        return x.copy(), ("test", None)
    keep = rng.random(x.shape) < p
    mask = keep / np.float64(p)
    return x * mask, ("train", mask)


def forward_test_times_keep(x, p, mode="train", rng=None):
    """Inverted dropout in training and, on top, a factor (1 - p) at test time."""
    x = _check(x, p, mode, rng)
    if mode == "test":
        return x * (1.0 - p), ("test", None)
    return _inverted_train(x, p, rng)


def forward_test_over_keep(x, p, mode="train", rng=None):
    """The training factor 1 / (1 - p) applied again at test time."""
    x = _check(x, p, mode, rng)
    if mode == "test":
        return x / (1.0 - p), ("test", None)
    return _inverted_train(x, p, rng)


def forward_one_mask_per_unit(x, p, mode="train", rng=None):
    """One keep/drop draw per column (unit), shared by every example of the batch."""
    x = _check(x, p, mode, rng)
    if mode == "test":
        return x.copy(), ("test", None)
    keep = rng.random(x.shape[1:]) >= p
    scale = 0.0 if p == 1 else 1.0 / (1.0 - p)
    mask = np.broadcast_to(keep * scale, x.shape).copy()
    return x * mask, ("train", mask)


def forward_divides_by_zero_at_p1(x, p, mode="train", rng=None):
    """mask = keep / (1 - p) without a special case: 0 / 0 at p = 1."""
    x = _check(x, p, mode, rng)
    if mode == "test":
        return x.copy(), ("test", None)
    mask = (rng.random(x.shape) >= p) / (1.0 - np.float64(p))
    return x * mask, ("train", mask)


# --------------------------------------------------------------------------- backward


def backward_without_scale(dout, cache):
    """Zeroes the dropped entries but forgets the 1 / (1 - p) on the kept ones."""
    mode, mask = cache
    dout = np.asarray(dout, dtype=np.float64)
    return dout.copy() if mode == "test" else dout * (mask != 0)


def backward_scale_twice(dout, cache):
    """Divides by (1 - p) again although the stored mask already holds the factor."""
    mode, mask = cache
    dout = np.asarray(dout, dtype=np.float64)
    return dout.copy() if mode == "test" else dout * mask * mask.max()


def backward_fresh_mask(dout, cache):
    """Draws a new mask in the backward pass instead of reusing the forward's."""
    mode, mask = cache
    dout = np.asarray(dout, dtype=np.float64)
    if mode == "test":
        return dout.copy()
    scale = float(mask.max())
    p = 1.0 - 1.0 / scale if scale > 0 else 1.0
    keep = np.random.default_rng(20261122).random(mask.shape) >= p
    return dout * keep * scale
