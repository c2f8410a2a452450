"""Error analysis (chapter 11): data splits, bias/variance diagnosis, per-class metrics."""
import numpy as np

__all__ = [
    "bias_variance_report",
    "confusion_matrix",
    "precision_recall_f1",
    "train_dev_test_split",
]


def train_dev_test_split(X, y, fractions=(0.6, 0.2, 0.2), rng=None):
    """Shuffle the examples, then split them into train, dev and test sets.

    With ``N = len(X)`` and ``fractions = (f_train, f_dev, f_test)``:

    - ``n_train = floor(f_train * N)``, ``n_dev = floor(f_dev * N)``;
    - the test set gets the rest, ``N - n_train - n_dev`` examples;

    every example lands in exactly one set (none lost, none repeated), and ``X`` and
    ``y`` stay aligned.

    Parameters
    ----------
    X : ndarray, shape ``(N, ...)``, e.g. ``(N, D)``
    y : ndarray, shape ``(N, ...)``, e.g. ``(N,)``
    fractions : tuple of 3 floats
        Non-negative, summing to 1 (within 1e-9).
    rng : numpy.random.Generator or None
        Shuffles the examples with ``rng.permutation(N)``; None keeps the given order
        (train first, then dev, then test).

    Returns
    -------
    X_train, y_train, X_dev, y_dev, X_test, y_test : ndarray
        New arrays (copies), of ``n_train``, ``n_dev`` and ``N - n_train - n_dev``
        examples; the dtypes of ``X`` and ``y`` are kept (integer labels stay integers).

    Notes
    -----
    - Shuffle ``X`` and ``y`` with the *same* permutation, or the labels no longer
      belong to their examples.
    - The dev and test sets should come from the same distribution (the one you
      care about); with big data sets, 98/1/1 splits are common.
    - Raises ValueError when ``X`` and ``y`` have different lengths or ``fractions``
      are not three non-negative numbers summing to 1.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim == 0 or y.ndim == 0 or X.shape[0] != y.shape[0]:
        raise ValueError(f"X and y must have the same length along axis 0, got shapes {X.shape} and {y.shape}")
    fr = np.asarray(fractions, dtype=np.float64)
    if fr.shape != (3,) or not np.all(fr >= 0) or not abs(float(np.sum(fr)) - 1.0) <= 1e-9:
        raise ValueError(f"fractions must be three non-negative numbers summing to 1, got {fractions!r}")
    n = X.shape[0]
    n_train = int(np.floor(fr[0] * n))
    n_dev = min(int(np.floor(fr[1] * n)), n - n_train)
    order = np.arange(n) if rng is None else rng.permutation(n)
    train, dev, test = order[:n_train], order[n_train : n_train + n_dev], order[n_train + n_dev :]
    return X[train], y[train], X[dev], y[dev], X[test], y[test]


def bias_variance_report(
    train_error,
    dev_error,
    human_error=0.0,
    bayes_error=None,
    train_dev_error=None,
    test_error=None,
    threshold=0.02,
):
    """Diagnose a model from its error rates: bias, variance, data mismatch.

    All errors are fractions (0.05 for 5%).

    - ``avoidable_bias = train - human`` (human-level error as a proxy for Bayes error);
    - ``bias = train - bayes`` (None when ``bayes_error`` is None);
    - ``variance = train_dev - train`` when ``train_dev_error`` is given, else
      ``dev - train``;
    - ``data_mismatch = dev - train_dev`` (None when ``train_dev_error`` is None);
    - ``dev_overfitting = test - dev`` (None when ``test_error`` is None);
    - ``high_bias = avoidable_bias > threshold``, ``high_variance = variance > threshold``;
    - ``focus``: ``'bias'`` when the avoidable bias is high (even if the variance is high
      too: fix bias first), else ``'variance'`` when the variance is high, else
      ``'data_mismatch'`` when the data mismatch is above ``threshold``, else ``'none'``.

    Parameters
    ----------
    train_error, dev_error : float
    human_error : float, default 0.0
    bayes_error, train_dev_error, test_error : float or None
        ``train_dev_error`` is the error on held-out examples drawn from the *training*
        distribution; it separates variance from a train/dev distribution mismatch.
    threshold : float, default 0.02
        A gap strictly above this is "high".

    Returns
    -------
    report : dict
        Keys ``'avoidable_bias'``, ``'bias'``, ``'variance'``, ``'data_mismatch'``,
        ``'dev_overfitting'`` (float or None), ``'high_bias'``, ``'high_variance'``
        (bool) and ``'focus'`` (str).

    Notes
    -----
    - ``high_bias`` is judged on the *avoidable* bias: a train error of 8% is fine when
      humans also make 7.5% errors.
    - Gaps are differences of floats: a gap that equals the threshold on paper may land
      on either side of it after rounding (0.03 - 0.01 is 0.019999999999999997).
    """
    train_error = float(train_error)
    dev_error = float(dev_error)
    avoidable_bias = train_error - float(human_error)
    bias = None if bayes_error is None else train_error - float(bayes_error)
    if train_dev_error is None:
        variance = dev_error - train_error
        data_mismatch = None
    else:
        variance = float(train_dev_error) - train_error
        data_mismatch = dev_error - float(train_dev_error)
    dev_overfitting = None if test_error is None else float(test_error) - dev_error
    high_bias = bool(avoidable_bias > threshold)
    high_variance = bool(variance > threshold)
    if high_bias:
        focus = "bias"
    elif high_variance:
        focus = "variance"
    elif data_mismatch is not None and data_mismatch > threshold:
        focus = "data_mismatch"
    else:
        focus = "none"
    return {
        "avoidable_bias": avoidable_bias,
        "bias": bias,
        "variance": variance,
        "data_mismatch": data_mismatch,
        "dev_overfitting": dev_overfitting,
        "high_bias": high_bias,
        "high_variance": high_variance,
        "focus": focus,
    }


def _as_labels(y, n_classes, name):
    """Validate a 1-D array of class indices in ``[0, n_classes)``; return it as int64."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {y.shape}")
    if y.size == 0:
        return y.astype(np.int64)
    if not (np.issubdtype(y.dtype, np.integer) or np.issubdtype(y.dtype, np.bool_)):
        if not np.issubdtype(y.dtype, np.floating) or not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
            raise ValueError(f"{name} must hold integer class indices")
    if np.min(y) < 0 or np.max(y) >= n_classes:
        raise ValueError(f"{name} must hold class indices in [0, {n_classes}), got values in [{np.min(y)}, {np.max(y)}]")
    return y.astype(np.int64)


def confusion_matrix(y_true, y_pred, n_classes):
    """Confusion matrix of a classifier: ``C[i, j]`` counts examples of true class ``i``
    predicted as class ``j``.

    Parameters
    ----------
    y_true, y_pred : ndarray of int, shape ``(N,)``
        Class indices in ``[0, n_classes)``.
    n_classes : int
        Number of classes ``C`` (classes absent from both arrays get zero rows/columns).

    Returns
    -------
    cm : ndarray of int64, shape ``(C, C)``
        Rows are true classes, columns predicted classes; ``cm.sum() == N`` and the
        diagonal holds the correct predictions.

    Notes
    -----
    - Vectorise: the pair ``(i, j)`` has the flat index ``i * C + j``, so
      ``np.bincount(y_true * C + y_pred, minlength=C * C).reshape(C, C)`` counts every
      pair at once (``np.add.at`` also works; ``cm[y_true, y_pred] += 1`` does NOT:
      repeated index pairs are counted only once).
    - Raises ValueError for labels outside ``[0, n_classes)`` or arrays of different lengths.
    """
    if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)) or n_classes < 1:
        raise ValueError(f"n_classes must be an integer >= 1, got {n_classes!r}")
    n_classes = int(n_classes)
    t = _as_labels(y_true, n_classes, "y_true")
    p = _as_labels(y_pred, n_classes, "y_pred")
    if t.shape != p.shape:
        raise ValueError(f"y_true and y_pred must have the same length, got {t.shape} and {p.shape}")
    counts = np.bincount(t * n_classes + p, minlength=n_classes * n_classes)
    return counts.reshape(n_classes, n_classes).astype(np.int64)


def precision_recall_f1(y_true, y_pred, n_classes):
    """Per-class precision, recall and F1 score.

    With ``TP_k`` the examples of class ``k`` predicted as ``k``, ``P_k`` the examples
    predicted as ``k`` (column sums of the confusion matrix) and ``T_k`` the examples of
    true class ``k`` (row sums):

    - ``precision_k = TP_k / P_k``;
    - ``recall_k = TP_k / T_k``;
    - ``f1_k = 2 precision_k recall_k / (precision_k + recall_k) = 2 TP_k / (P_k + T_k)``.

    Parameters
    ----------
    y_true, y_pred : ndarray of int, shape ``(N,)``
        Class indices in ``[0, n_classes)``.
    n_classes : int

    Returns
    -------
    precision, recall, f1 : ndarray of float64, shape ``(n_classes,)``
        0.0 where the ratio is undefined (no prediction of the class for precision, no
        example of it for recall, neither for F1), as scikit-learn's
        ``precision_recall_fscore_support(..., zero_division=0)``.

    Notes
    -----
    - Avoid ``0 / 0`` (it warns and gives NaN): divide only where the denominator is
      positive, e.g. ``np.divide(a, b, out=np.zeros(C), where=b > 0)``.
    - Use the form ``2 TP / (P + T)`` for F1: it is 0, not undefined, when precision and
      recall are both 0 but defined.
    """
    cm = confusion_matrix(y_true, y_pred, n_classes)
    tp = np.diag(cm).astype(np.float64)
    predicted = cm.sum(axis=0).astype(np.float64)
    actual = cm.sum(axis=1).astype(np.float64)
    precision = np.divide(tp, predicted, out=np.zeros(n_classes), where=predicted > 0)
    recall = np.divide(tp, actual, out=np.zeros(n_classes), where=actual > 0)
    denom = predicted + actual
    f1 = np.divide(2.0 * tp, denom, out=np.zeros(n_classes), where=denom > 0)
    return precision, recall, f1
