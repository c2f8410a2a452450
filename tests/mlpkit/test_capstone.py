"""mlpkit.capstone: the public digits are the first 1400 of one fixed order, standardised
with their own statistics, and the 397 others never appear."""
import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler

from mlpkit.capstone import N_PUBLIC, N_VALIDATION, ORDER_SEED, load_capstone, public_statistics


def _raw_in_fixed_order():
    """The documented order, rebuilt from scikit-learn: a permutation drawn with ORDER_SEED."""
    bunch = load_digits()
    order = np.random.default_rng(ORDER_SEED).permutation(len(bunch.target))
    return bunch.data[order].astype(float), bunch.target[order]


def _rows(X) -> set:
    return {row.tobytes() for row in np.ascontiguousarray(X, dtype=np.float64)}


def test_default_split_sizes_types_and_order():
    X_train, y_train, X_val, y_val = load_capstone()
    assert X_train.shape == (N_PUBLIC - N_VALIDATION, 64) and X_val.shape == (N_VALIDATION, 64)
    assert y_train.shape == (N_PUBLIC - N_VALIDATION,) and y_val.shape == (N_VALIDATION,)
    assert X_train.dtype == np.float64 and y_train.dtype == np.int64
    assert set(np.unique(np.concatenate([y_train, y_val]))) == set(range(10))
    # without rng: the public examples in the fixed order, training part first
    X_raw, y_raw = _raw_in_fixed_order()
    np.testing.assert_array_equal(np.concatenate([y_train, y_val]), y_raw[:N_PUBLIC])


def test_standardisation_matches_scikit_learn_on_the_public_images():
    X_raw, _ = _raw_in_fixed_order()
    scaler = StandardScaler().fit(X_raw[:N_PUBLIC])  # an independent engine: population std, 0 -> 1
    X_train, _, X_val, _ = load_capstone()
    np.testing.assert_allclose(np.concatenate([X_train, X_val]), scaler.transform(X_raw[:N_PUBLIC]), atol=1e-12)
    mean, scale = public_statistics()
    np.testing.assert_allclose(mean, scaler.mean_, atol=1e-12)
    np.testing.assert_allclose(scale, scaler.scale_, atol=1e-12)


def test_the_heldout_images_are_never_returned():
    X_raw, _ = _raw_in_fixed_order()
    mean, scale = public_statistics()
    heldout = _rows((X_raw[N_PUBLIC:] - mean) / scale)
    assert len(heldout) == 1797 - N_PUBLIC == 397
    for rng in (None, np.random.default_rng(0)):
        X_train, _, X_val, _ = load_capstone(rng, n_val=100)
        public = _rows(np.concatenate([X_train, X_val]))
        assert len(public) == N_PUBLIC, "every public image exactly once (the digits have no duplicate images)"
        assert not public & heldout, "a held-out image was returned"


def test_a_generator_shuffles_reproducibly_within_the_public_set():
    a = load_capstone(np.random.default_rng(3))
    b = load_capstone(np.random.default_rng(3))
    c = load_capstone(np.random.default_rng(4))
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[3], c[3]), "another seed should give another validation set"
    default = load_capstone()
    assert _rows(np.concatenate([a[0], a[2]])) == _rows(np.concatenate([default[0], default[2]]))
    # labels stay with their images: same (image, label) pairs as the fixed order
    pairs = {(r.tobytes(), int(l)) for r, l in zip(np.concatenate([a[0], a[2]]), np.concatenate([a[1], a[3]]))}
    fixed = {(r.tobytes(), int(l)) for r, l in zip(np.concatenate([default[0], default[2]]),
                                                   np.concatenate([default[1], default[3]]))}
    assert pairs == fixed


@pytest.mark.parametrize("bad", [{"n_val": -1}, {"n_val": N_PUBLIC}, {"n_val": 2.5}, {"rng": 0}])
def test_bad_arguments_are_refused(bad):
    with pytest.raises((TypeError, ValueError)):
        load_capstone(**bad)
