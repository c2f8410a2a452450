"""Data sets for the exercises, split into train / validation / test sets.

Every loader takes an explicit ``rng`` (a :class:`numpy.random.Generator`) and returns a
:class:`Split`: the same generator state gives the same split, so a notebook run with
``np.random.default_rng(0)`` is reproducible.

Real data sets (they ship inside scikit-learn: nothing is downloaded):

- :func:`load_digits`: 8x8 images of handwritten digits, 1797 x 64, 10 classes;
- :func:`load_breast_cancer`: Wisconsin diagnostic breast cancer, 569 x 30, 2 classes;
- :func:`load_diabetes`: disease progression after one year, 442 x 10, regression.

Synthetic 2-D data sets (handy for plotting decision boundaries):

- :func:`make_moons`: two interleaving half circles, 2 classes;
- :func:`make_spirals`: ``K`` interleaved spiral arms, ``K`` classes.

Features are float64 arrays of shape ``(N, D)``; class labels are int64 arrays of shape
``(N,)`` (use :func:`one_hot` for one-hot targets); regression targets are float64 arrays
of shape ``(N,)`` (``y[:, None]`` gives the ``(N, 1)`` column the losses expect).

Standardisation (``standardize=True``, the default for the real data sets) subtracts the
mean and divides by the standard deviation of each feature, both computed on the
*training* set only and then applied to all three sets: statistics taken from the
validation or test sets would leak information about them into training.

The "validation" set here is what the course also calls the dev set.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "Split",
    "load_breast_cancer",
    "load_diabetes",
    "load_digits",
    "make_moons",
    "make_spirals",
    "one_hot",
]

DEFAULT_FRACTIONS = (0.6, 0.2, 0.2)


@dataclass(frozen=True, eq=False)
class Split:
    """A data set split into training, validation (dev) and test sets.

    Attributes
    ----------
    X_train, X_val, X_test : ndarray of float64, shapes ``(N_train, D)``, ``(N_val, D)``, ``(N_test, D)``
    y_train, y_val, y_test : ndarray, shapes ``(N_train,)``, ...
        int64 class indices for classification, float64 targets for regression.
    feature_names : tuple of str or None
    target_names : tuple of str or None
        Class names (classification only).
    n_classes : int or None
        Number of classes; None for regression.
    x_mean, x_scale : ndarray of shape ``(D,)`` or None
        The training-set statistics used for standardisation (``X = (X_raw - x_mean) /
        x_scale``); None when the features were not standardised.
    y_mean, y_scale : float or None
        Likewise for a standardised regression target.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    feature_names: tuple | None = None
    target_names: tuple | None = None
    n_classes: int | None = None
    x_mean: np.ndarray | None = None
    x_scale: np.ndarray | None = None
    y_mean: float | None = None
    y_scale: float | None = None

    @property
    def n_features(self) -> int:
        """Number of features ``D``."""
        return int(self.X_train.shape[1])

    def as_tuple(self) -> tuple:
        """``(X_train, y_train, X_val, y_val, X_test, y_test)``."""
        return (self.X_train, self.y_train, self.X_val, self.y_val, self.X_test, self.y_test)

    def __repr__(self) -> str:
        kind = "regression" if self.n_classes is None else f"{self.n_classes} classes"
        return (
            f"Split(train={self.X_train.shape}, val={self.X_val.shape}, "
            f"test={self.X_test.shape}, {kind}, standardized={self.x_mean is not None})"
        )


def one_hot(y, n_classes: int) -> np.ndarray:
    """One-hot encoding of class indices.

    Parameters
    ----------
    y : array_like of int, shape ``(N,)``
        Class indices in ``[0, n_classes)``.
    n_classes : int

    Returns
    -------
    Y : ndarray of float64, shape ``(N, n_classes)``
        ``Y[i, y[i]] = 1``, all other entries 0.
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D, got shape {y.shape}")
    if y.size and not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must hold integer class indices, got dtype {y.dtype}")
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"class indices must be in [0, {n_classes}), got [{y.min()}, {y.max()}]")
    Y = np.zeros((y.shape[0], int(n_classes)), dtype=np.float64)
    Y[np.arange(y.shape[0]), y.astype(np.int64)] = 1.0
    return Y


def _check_rng(rng) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            "pass an explicit random generator, e.g. rng=np.random.default_rng(0); "
            f"got {type(rng).__name__}"
        )
    return rng


def _check_fractions(fractions) -> tuple[float, float, float]:
    fr = tuple(float(f) for f in fractions)
    if len(fr) != 3 or min(fr) < 0 or abs(sum(fr) - 1.0) > 1e-9:
        raise ValueError(f"fractions must be three non-negative numbers summing to 1, got {fractions!r}")
    return fr


def _finish(X, y, rng, fractions, standardize, standardize_target=False, **meta) -> Split:
    """Shuffle with ``rng``, split, optionally standardise with the training statistics."""
    fr = _check_fractions(fractions)
    n = X.shape[0]
    cuts = np.minimum(np.cumsum(np.floor(np.multiply(fr[:2], n)).astype(int)), n)  # sizes floor(f * N)
    n_train = int(cuts[0])
    parts = np.split(rng.permutation(n), cuts)
    Xs = [np.array(X[idx], dtype=np.float64) for idx in parts]
    ys = [np.array(y[idx]) for idx in parts]
    x_mean = x_scale = y_mean = y_scale = None
    if standardize:
        if n_train == 0:
            raise ValueError("standardisation needs a non-empty training set")
        x_mean = Xs[0].mean(axis=0)
        x_scale = Xs[0].std(axis=0)
        x_scale = np.where(x_scale > 0, x_scale, 1.0)  # constant features: centre only
        Xs = [(Xp - x_mean) / x_scale for Xp in Xs]
    if standardize_target:
        if n_train == 0:
            raise ValueError("standardisation needs a non-empty training set")
        y_mean = float(ys[0].mean())
        y_scale = float(ys[0].std()) or 1.0
        ys = [(yp - y_mean) / y_scale for yp in ys]
    return Split(
        Xs[0], ys[0], Xs[1], ys[1], Xs[2], ys[2],
        x_mean=x_mean, x_scale=x_scale, y_mean=y_mean, y_scale=y_scale, **meta,
    )


def _load_sklearn_classification(loader, rng, fractions, standardize) -> Split:
    _check_rng(rng)
    bunch = loader()
    X = np.asarray(bunch.data, dtype=np.float64)
    y = np.asarray(bunch.target, dtype=np.int64)
    return _finish(
        X, y, rng, fractions, standardize,
        feature_names=tuple(str(f) for f in bunch.feature_names),
        target_names=tuple(str(t) for t in bunch.target_names),
        n_classes=len(bunch.target_names),
    )


def load_digits(rng, *, fractions=DEFAULT_FRACTIONS, standardize: bool = True) -> Split:
    """Handwritten digits: 1797 images of 8x8 pixels (64 features, ink 0..16), 10 classes.

    Parameters
    ----------
    rng : numpy.random.Generator
        Shuffles the examples before splitting.
    fractions : (float, float, float)
        Train, validation and test fractions; the sizes are ``floor(f * N)`` for train
        and validation and the rest for test.
    standardize : bool
        Standardise the features with the training statistics (pixels that are
        constant in the training set are only centred).

    Returns
    -------
    Split
        ``n_classes = 10``; ``X`` of shape ``(N, 64)`` (reshape a row to ``(8, 8)`` to
        show it as an image).
    """
    from sklearn.datasets import load_digits as _load

    return _load_sklearn_classification(_load, rng, fractions, standardize)


def load_breast_cancer(rng, *, fractions=DEFAULT_FRACTIONS, standardize: bool = True) -> Split:
    """Breast cancer Wisconsin (diagnostic): 569 tumours, 30 features, 2 classes.

    Labels follow scikit-learn: 0 = malignant (212 examples), 1 = benign (357).
    Parameters as in :func:`load_digits`; the features have very different scales,
    so keep ``standardize=True`` for gradient descent.
    """
    from sklearn.datasets import load_breast_cancer as _load

    return _load_sklearn_classification(_load, rng, fractions, standardize)


def load_diabetes(
    rng,
    *,
    fractions=DEFAULT_FRACTIONS,
    standardize: bool = True,
    standardize_target: bool = False,
) -> Split:
    """Diabetes: 442 patients, 10 features, a regression target (disease progression).

    The raw features (age, sex, bmi, ...) are loaded unscaled and, with
    ``standardize=True``, standardised with the training statistics. The target is a
    float64 array of shape ``(N,)`` with values between 25 and 346; with
    ``standardize_target=True`` it is standardised too (``y_mean`` and ``y_scale`` in the
    result undo it). ``n_classes`` is None. Other parameters as in :func:`load_digits`.
    """
    from sklearn.datasets import load_diabetes as _load

    _check_rng(rng)
    bunch = _load(scaled=False)
    X = np.asarray(bunch.data, dtype=np.float64)
    y = np.asarray(bunch.target, dtype=np.float64)
    return _finish(
        X, y, rng, fractions, standardize, standardize_target,
        feature_names=tuple(str(f) for f in bunch.feature_names),
    )


def make_moons(
    rng,
    n_samples: int = 300,
    noise: float = 0.1,
    *,
    fractions=DEFAULT_FRACTIONS,
    standardize: bool = False,
) -> Split:
    """Two interleaving half circles in 2-D, 2 classes (not linearly separable).

    Class 0: ``(cos t, sin t)``; class 1: ``(1 - cos t, 0.5 - sin t)``, ``t`` evenly
    spaced in ``[0, pi]`` (as scikit-learn's ``make_moons``), plus Gaussian noise of
    standard deviation ``noise`` on both coordinates. Class 0 gets ``n_samples // 2``
    points, class 1 the rest.

    Parameters
    ----------
    rng : numpy.random.Generator
        Draws the noise, then shuffles before splitting.
    n_samples : int
        Total number of points ``N``.
    noise : float
        Standard deviation of the Gaussian noise (>= 0).
    fractions, standardize
        As in :func:`load_digits` (no standardisation by default: the features are
        already of order 1).

    Returns
    -------
    Split
        ``X`` of shape ``(N, 2)``, ``n_classes = 2``.
    """
    _check_rng(rng)
    if n_samples < 2 or noise < 0:
        raise ValueError("make_moons needs n_samples >= 2 and noise >= 0")
    n0 = n_samples // 2
    n1 = n_samples - n0
    t0 = np.linspace(0.0, np.pi, n0)
    t1 = np.linspace(0.0, np.pi, n1)
    X = np.concatenate(
        [
            np.stack([np.cos(t0), np.sin(t0)], axis=1),
            np.stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)], axis=1),
        ]
    )
    X = X + noise * rng.standard_normal(X.shape)
    y = np.concatenate([np.zeros(n0, dtype=np.int64), np.ones(n1, dtype=np.int64)])
    return _finish(
        X, y, rng, fractions, standardize,
        feature_names=("x1", "x2"), target_names=("outer", "inner"), n_classes=2,
    )


def make_spirals(
    rng,
    n_samples: int = 300,
    n_classes: int = 3,
    noise: float = 0.2,
    *,
    fractions=DEFAULT_FRACTIONS,
    standardize: bool = False,
) -> Split:
    """``K`` interleaved spiral arms in 2-D, one class per arm (as in CS231n).

    Arm ``k`` has ``c`` points at radii ``r = 1/c, 2/c, ..., 1`` and angle
    ``2 pi k / K + 4 r + noise * eps``, ``eps ~ N(0, 1)``, i.e.
    ``x = (r sin(angle), r cos(angle))``. The ``n_samples`` points are shared out as
    evenly as possible (the first ``n_samples % K`` arms get one more).

    Parameters
    ----------
    rng : numpy.random.Generator
        Draws the noise, then shuffles before splitting.
    n_samples : int
        Total number of points ``N`` (at least ``n_classes``).
    n_classes : int
        Number of arms ``K >= 2``.
    noise : float
        Standard deviation of the angular noise, in radians (>= 0).
    fractions, standardize
        As in :func:`load_digits`.

    Returns
    -------
    Split
        ``X`` of shape ``(N, 2)``, ``n_classes = K``.
    """
    _check_rng(rng)
    if n_classes < 2 or n_samples < n_classes or noise < 0:
        raise ValueError("make_spirals needs n_classes >= 2, n_samples >= n_classes and noise >= 0")
    counts = np.full(n_classes, n_samples // n_classes)
    counts[: n_samples % n_classes] += 1
    y = np.repeat(np.arange(n_classes, dtype=np.int64), counts)
    # radii 1/c, 2/c, ..., 1: no point at the origin, where all arms would meet
    r = np.concatenate([np.arange(1, c + 1) / c for c in counts])
    angle = 2.0 * np.pi * y / n_classes + 4.0 * r + noise * rng.standard_normal(n_samples)
    X = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    return _finish(
        X, y, rng, fractions, standardize,
        feature_names=("x1", "x2"),
        target_names=tuple(f"arm {k}" for k in range(n_classes)),
        n_classes=int(n_classes),
    )
