"""The capstone's public data: handwritten digits, with part of them kept back for grading.

The capstone trains a classifier of scikit-learn's 8x8 handwritten digits (1797 images,
64 pixels with ink 0..16, 10 classes). The images are put in one fixed order (a
permutation drawn from a generator seeded with :data:`ORDER_SEED`, the same on every
machine); the first :data:`N_PUBLIC` = 1400 of that order are the *public* examples you
work with, and the remaining 397 are kept back: the grader measures the accuracy of your
network on them, and they appear nowhere in this module's results.

Features are standardised with the mean and standard deviation of each pixel over the
1400 public examples (pixels that are constant there are only centred). These are the
statistics of the data the final network is trained on; the grader standardises the
held-out images with the very same statistics, so they reach your network on the same
scale as the public ones.

Honest limitation: scikit-learn ships all 1797 digits, so the held-out images are not
secret from anyone who goes looking for them. Training on them would not be learning
anything, and the course says so; the grade measures generalisation only for those who
play by the rules.
"""
from __future__ import annotations

import numpy as np

__all__ = ["N_PUBLIC", "N_VALIDATION", "ORDER_SEED", "load_capstone", "public_statistics"]

#: Seed of the one fixed order of the 1797 digits (never change it: it defines the split).
ORDER_SEED = 20261212

#: Number of public examples (the first ones of the fixed order).
N_PUBLIC = 1400

#: Size of the default validation part of the public examples.
N_VALIDATION = 280


def _digits() -> tuple[np.ndarray, np.ndarray]:
    """All digits in the fixed order: ``X`` float64 ``(1797, 64)``, ``y`` int64 ``(1797,)``."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    order = np.random.default_rng(ORDER_SEED).permutation(len(bunch.target))
    return np.asarray(bunch.data, dtype=np.float64)[order], np.asarray(bunch.target, dtype=np.int64)[order]


def _public() -> tuple[np.ndarray, np.ndarray]:
    """The raw (unscaled) public examples, in the fixed order."""
    X, y = _digits()
    return X[:N_PUBLIC], y[:N_PUBLIC]


def _statistics(X_public: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = X_public.mean(axis=0)
    scale = X_public.std(axis=0)
    return mean, np.where(scale > 0, scale, 1.0)


def public_statistics() -> tuple[np.ndarray, np.ndarray]:
    """Mean and scale used to standardise every capstone image.

    Returns
    -------
    mean, scale : ndarray of float64, shape (64,)
        Per-pixel mean and standard deviation over the 1400 public examples (scale 1
        for a pixel that is constant there). A raw image ``x`` (ink 0..16, shape
        ``(64,)``) is standardised as ``(x - mean) / scale``.
    """
    X_public, _ = _public()
    return _statistics(X_public)


def load_capstone(rng=None, *, n_val: int = N_VALIDATION):
    """The 1400 public digits, standardised, split into training and validation parts.

    Parameters
    ----------
    rng : numpy.random.Generator or None
        None: the validation part is the last ``n_val`` public examples of the fixed
        order (the same split every time). A generator: the public examples are
        shuffled with it first, so the same seed gives the same split.
    n_val : int
        Number of validation examples, ``0 <= n_val < 1400``.

    Returns
    -------
    X_train : ndarray of float64, shape (1400 - n_val, 64)
    y_train : ndarray of int64, shape (1400 - n_val,)
    X_val : ndarray of float64, shape (n_val, 64)
    y_val : ndarray of int64, shape (n_val,)
        Features standardised with :func:`public_statistics`; labels are the digits
        0..9. ``np.concatenate([X_train, X_val])`` holds every public example once.

    Notes
    -----
    The 397 held-out digits the grader uses are not among them.
    """
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be None or a numpy.random.Generator, got {type(rng).__name__}")
    if isinstance(n_val, bool) or int(n_val) != n_val or not 0 <= n_val < N_PUBLIC:
        raise ValueError(f"n_val must be an integer in [0, {N_PUBLIC}), got {n_val!r}")
    X_raw, y = _public()
    mean, scale = _statistics(X_raw)
    X = (X_raw - mean) / scale
    order = np.arange(N_PUBLIC) if rng is None else rng.permutation(N_PUBLIC)
    cut = N_PUBLIC - int(n_val)
    train, val = order[:cut], order[cut:]
    return X[train], y[train], X[val], y[val]
