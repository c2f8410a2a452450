"""Tests for mlpkit.data (student-facing data loaders)."""
import ast
import dataclasses
from pathlib import Path

import numpy as np
import pytest
import sklearn.datasets

from mlpkit import data
from mlpkit.data import (
    Split,
    load_breast_cancer,
    load_diabetes,
    load_digits,
    make_moons,
    make_spirals,
    one_hot,
)

# name, loader, (N, D), n_classes (None: regression)
REAL = [
    ("digits", load_digits, (1797, 64), 10),
    ("breast_cancer", load_breast_cancer, (569, 30), 2),
    ("diabetes", load_diabetes, (442, 10), None),
]
SYNTHETIC = [
    ("moons", lambda rng, **kw: make_moons(rng, 301, **kw), (301, 2), 2),
    ("spirals", lambda rng, **kw: make_spirals(rng, 301, 4, **kw), (301, 2), 4),
]
ALL = REAL + SYNTHETIC
IDS = [case[0] for case in ALL]


def rows_sorted(X):
    """Rows of X in lexicographic order (a canonical form of the multiset of rows)."""
    return X[np.lexsort(X.T[::-1])]


@pytest.mark.parametrize("name, loader, shape, n_classes", ALL, ids=IDS)
def test_shapes_sizes_dtypes(name, loader, shape, n_classes):
    s = loader(np.random.default_rng(0))
    n, d = shape
    # default fractions (0.6, 0.2, 0.2): floor(0.6 N), floor(0.2 N), the rest
    n_train, n_val = int(np.floor(0.6 * n)), int(np.floor(0.2 * n))
    sizes = (len(s.X_train), len(s.X_val), len(s.X_test))
    assert sizes == (n_train, n_val, n - n_train - n_val), f"{name}: sizes {sizes}"
    for X, y in [(s.X_train, s.y_train), (s.X_val, s.y_val), (s.X_test, s.y_test)]:
        assert X.dtype == np.float64 and X.ndim == 2 and X.shape[1] == d, f"{name}: X {X.dtype} {X.shape}"
        assert y.shape == (X.shape[0],), f"{name}: y shape {y.shape}"
        expected = np.float64 if n_classes is None else np.int64
        assert y.dtype == expected, f"{name}: y dtype {y.dtype} != {expected}"
    assert s.n_classes == n_classes and s.n_features == d, f"{name}: n_classes/n_features"
    if n_classes is not None:
        all_y = np.concatenate([s.y_train, s.y_val, s.y_test])
        assert set(np.unique(all_y)) == set(range(n_classes)), f"{name}: labels should be 0..{n_classes - 1}"
        assert len(s.target_names) == n_classes
    assert len(s.feature_names) == d


@pytest.mark.parametrize(
    "loader, sk_loader",
    [
        (load_digits, sklearn.datasets.load_digits),
        (load_breast_cancer, sklearn.datasets.load_breast_cancer),
        (load_diabetes, lambda: sklearn.datasets.load_diabetes(scaled=False)),
    ],
    ids=["digits", "breast_cancer", "diabetes"],
)
def test_real_splits_partition_the_data_set(loader, sk_loader):
    # Without standardisation the three sets together are exactly the data set's rows
    # (as a multiset: nothing lost, nothing repeated, no example in two sets), labels attached.
    s = loader(np.random.default_rng(1), standardize=False)
    bunch = sk_loader()
    full = np.column_stack([bunch.data, bunch.target])
    ours = np.concatenate([np.column_stack([X, y]) for X, y in [(s.X_train, s.y_train), (s.X_val, s.y_val),
                                                                (s.X_test, s.y_test)]])
    np.testing.assert_array_equal(rows_sorted(ours), rows_sorted(full), err_msg="splits are not a partition")


@pytest.mark.parametrize("name, loader, shape, n_classes", SYNTHETIC, ids=[c[0] for c in SYNTHETIC])
def test_synthetic_splits_do_not_overlap(name, loader, shape, n_classes):
    s = loader(np.random.default_rng(2))  # continuous noise: all points distinct
    parts = [s.X_train, s.X_val, s.X_test]
    allX = np.concatenate(parts)
    assert len(np.unique(allX, axis=0)) == shape[0], f"{name}: a point appears twice"


@pytest.mark.parametrize("name, loader, shape, n_classes", ALL, ids=IDS)
def test_same_seed_same_split_different_seed_different(name, loader, shape, n_classes):
    a = loader(np.random.default_rng(3))
    b = loader(np.random.default_rng(3))
    c = loader(np.random.default_rng(4))
    assert all(np.array_equal(u, v) for u, v in zip(a.as_tuple(), b.as_tuple())), f"{name}: same seed differs"
    assert not np.array_equal(a.X_train, c.X_train), f"{name}: different seeds give the same split"


@pytest.mark.parametrize("name, loader, shape, n_classes", REAL, ids=[c[0] for c in REAL])
def test_standardisation_uses_train_statistics_only(name, loader, shape, n_classes):
    raw = loader(np.random.default_rng(5), standardize=False)
    std = loader(np.random.default_rng(5))  # default: standardised
    mean = raw.X_train.mean(axis=0)
    sd = raw.X_train.std(axis=0)
    nonconst = sd > 0
    np.testing.assert_allclose(std.X_train.mean(axis=0), 0.0, atol=1e-12, err_msg=f"{name}: train mean not 0")
    np.testing.assert_allclose(std.X_train.std(axis=0)[nonconst], 1.0, rtol=1e-12,
                               err_msg=f"{name}: train std not 1")
    scale = np.where(nonconst, sd, 1.0)
    for part in ("X_train", "X_val", "X_test"):
        expected = (getattr(raw, part) - mean) / scale
        np.testing.assert_allclose(getattr(std, part), expected, rtol=1e-12, atol=1e-12,
                                   err_msg=f"{name}: {part} not standardised with the training statistics")
    np.testing.assert_allclose(std.x_mean, mean, rtol=1e-12, err_msg="x_mean")
    assert raw.x_mean is None and raw.x_scale is None, "no statistics without standardisation"
    np.testing.assert_array_equal(std.y_train, raw.y_train, err_msg="labels/targets unaffected")
    # the validation set is not centred on its own mean (its statistics were not used)
    assert np.max(np.abs(std.X_val.mean(axis=0))) > 1e-6, f"{name}: X_val looks standardised with its own mean"


def test_digits_constant_pixels_are_finite():
    s = load_digits(np.random.default_rng(0))
    assert all(np.all(np.isfinite(X)) for X in (s.X_train, s.X_val, s.X_test)), "constant pixels gave inf/nan"


def test_diabetes_target_standardisation():
    raw = load_diabetes(np.random.default_rng(6), standardize_target=False)
    s = load_diabetes(np.random.default_rng(6), standardize_target=True)
    assert raw.y_mean is None
    assert abs(s.y_train.mean()) < 1e-12 and abs(s.y_train.std() - 1) < 1e-12, "train target standardised"
    np.testing.assert_allclose(s.y_test * s.y_scale + s.y_mean, raw.y_test, rtol=1e-12, err_msg="y_mean/y_scale undo it")
    assert 25 <= raw.y_train.min() and raw.y_train.max() <= 346, "raw diabetes targets are in [25, 346]"


def test_moons_geometry_without_noise():
    s = make_moons(np.random.default_rng(0), 200, noise=0.0)
    X = np.concatenate([s.X_train, s.X_val, s.X_test])
    y = np.concatenate([s.y_train, s.y_val, s.y_test])
    assert np.sum(y == 0) == 100 and np.sum(y == 1) == 100, "n_samples // 2 points per moon"
    # class 0 on the unit upper half circle, class 1 on the circle of radius 1 centred at (1, 0.5)
    np.testing.assert_allclose(np.hypot(X[y == 0, 0], X[y == 0, 1]), 1.0, rtol=1e-12, err_msg="outer moon")
    assert np.all(X[y == 0, 1] >= -1e-12), "outer moon is the upper half"
    np.testing.assert_allclose(np.hypot(X[y == 1, 0] - 1, X[y == 1, 1] - 0.5), 1.0, rtol=1e-12, err_msg="inner moon")
    assert np.all(X[y == 1, 1] <= 0.5 + 1e-12), "inner moon is the lower half"


def test_spirals_counts_and_radius():
    s = make_spirals(np.random.default_rng(0), n_samples=302, n_classes=3, noise=0.3)
    y = np.concatenate([s.y_train, s.y_val, s.y_test])
    X = np.concatenate([s.X_train, s.X_val, s.X_test])
    np.testing.assert_array_equal(np.bincount(y), [101, 101, 100], err_msg="302 points over 3 arms")
    assert np.all(np.hypot(X[:, 0], X[:, 1]) <= 1 + 1e-12), "angular noise keeps the radius in [0, 1]"
    assert s.n_classes == 3 and len(s.target_names) == 3


def test_custom_fractions_and_odd_sizes():
    s = make_moons(np.random.default_rng(0), 7, fractions=(0.5, 0.5, 0.0))
    assert (len(s.X_train), len(s.X_val), len(s.X_test)) == (3, 3, 1), "floor(3.5) twice, the rest to test"
    s = load_breast_cancer(np.random.default_rng(0), fractions=(0.8, 0.1, 0.1))
    assert (len(s.X_train), len(s.X_val), len(s.X_test)) == (455, 56, 58), "floor(455.2), floor(56.9), rest"
    with pytest.raises(ValueError):
        load_digits(np.random.default_rng(0), fractions=(0.5, 0.2, 0.2))
    with pytest.raises(ValueError):
        make_moons(np.random.default_rng(0), 10, fractions=(1.2, -0.2, 0.0))


@pytest.mark.parametrize("bad", [None, 0, np.random.RandomState(0)])
def test_rng_must_be_a_generator(bad):
    with pytest.raises(TypeError):
        load_digits(bad)
    with pytest.raises(TypeError):
        make_spirals(bad)


def test_split_is_frozen():
    s = make_moons(np.random.default_rng(0))
    assert isinstance(s, Split)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.X_train = None
    assert "Split(" in repr(s)


def test_one_hot():
    Y = one_hot(np.array([2, 0, 1, 2]), 3)
    np.testing.assert_array_equal(Y, [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]], err_msg="one-hot rows")
    assert Y.dtype == np.float64
    assert one_hot(np.array([], dtype=np.int64), 4).shape == (0, 4), "empty input"
    for bad in (np.array([0, 3]), np.array([-1]), np.array([0.5]), np.array([[0]])):
        with pytest.raises(ValueError):
            one_hot(bad, 3)


def test_toolkit_does_not_import_the_reference_solutions():
    tree = ast.parse(Path(data.__file__).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    assert not any(name.startswith("autograder") for name in imported), f"mlpkit.data imports {imported}"
