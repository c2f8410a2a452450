"""Loss and cost functions (chapter 01).

Every loss returns ``(loss, dpred)``: ``loss`` is the cost J as a Python float, the
per-example loss L_i (summed over the outputs of example i) averaged over the batch,
and ``dpred = dJ/dpred`` has the shape of ``pred``. With ``sample_weight`` (the
strengthening factors s_i, shape ``(N,)``) the average is weighted:
``J = sum_i s_i L_i / sum_i s_i``.
"""
import numpy as np

__all__ = [
    "l1_loss",
    "l2_loss",
    "mse_loss",
    "binary_cross_entropy",
    "sigmoid_bce_with_logits",
    "softmax",
    "softmax_cross_entropy",
]


def _as_float(a):
    """``a`` as an array of a floating dtype: float inputs keep theirs, others become float64."""
    a = np.asarray(a)
    return a if a.dtype.kind == "f" else a.astype(np.float64)


def _target_like(pred, target):
    """``target`` as an array of ``pred``'s dtype, checked to have ``pred``'s shape."""
    target = np.asarray(target, dtype=pred.dtype)
    if target.shape != pred.shape:
        raise ValueError(f"prediction and target shapes differ: {pred.shape} vs {target.shape}")
    return target


def _weighted_cost(entry_loss, entry_grad, sample_weight):
    """Sample-weighted mean of per-example losses, and the matching gradient.

    Parameters
    ----------
    entry_loss : ndarray, shape (N, ...) or (N,)
        Loss of every output of every example; L_i is the sum over example i's entries.
    entry_grad : ndarray, shape (N, ...)
        Derivative of each entry's loss with respect to its prediction.
    sample_weight : array_like, shape (N,), or None
        Strengthening factors s_i (non-negative, positive sum); None means all ones.

    Returns
    -------
    cost : float
        J = sum_i w_i L_i with w_i = s_i / sum_j s_j (w_i = 1 / N without weights).
    dpred : ndarray, shape (N, ...)
        w_i times ``entry_grad`` of example i.
    """
    n = entry_loss.shape[0]
    if n == 0:
        raise ValueError("the batch is empty: need at least one example")
    if sample_weight is None:
        w = np.full(n, 1 / n, dtype=entry_loss.dtype)
    else:
        s = np.asarray(sample_weight, dtype=entry_loss.dtype)
        if s.shape != (n,):
            raise ValueError(f"sample_weight must have shape ({n},), got {s.shape}")
        if np.any(s < 0) or not s.sum() > 0:
            raise ValueError("sample_weight must be non-negative with a positive sum")
        w = s / s.sum()
    per_example = entry_loss.reshape(n, -1).sum(axis=1)  # L_i
    w_col = w.reshape((n,) + (1,) * (entry_grad.ndim - 1))  # broadcasts over the outputs
    return float(w @ per_example), w_col * entry_grad


def l1_loss(y_pred, y, sample_weight=None):
    """L1 (absolute error) cost and its (sub)gradient.

    Parameters
    ----------
    y_pred : array_like, shape (N, D) or (N,)
        Predictions yhat.
    y : array_like, same shape as ``y_pred``
        Targets.
    sample_weight : array_like, shape (N,), optional
        Strengthening factors s_i >= 0; by default every example counts once.

    Returns
    -------
    loss : float
        J = sum_i s_i L_i / sum_i s_i with L_i = sum_j |y_ij - yhat_ij|
        (the plain mean of L_i over the N examples without weights).
    dpred : ndarray, shape of ``y_pred``
        dJ/dyhat_ij = s_i / (sum_k s_k) * sign(yhat_ij - y_ij) (1 / N instead of
        s_i / sum_k s_k without weights).

    Notes
    -----
    |u| has no derivative at u = 0; we use the subgradient 0 there, which is what
    ``np.sign`` returns. The loss of an example is summed over its outputs, then
    averaged over examples: it is not the mean over all N * D entries.
    """
    y_pred = _as_float(y_pred)
    y = _target_like(y_pred, y)
    diff = y_pred - y
    return _weighted_cost(np.abs(diff), np.sign(diff), sample_weight)


def l2_loss(y_pred, y, sample_weight=None):
    """L2 (squared error) cost and its gradient.

    Parameters
    ----------
    y_pred : array_like, shape (N, D) or (N,)
        Predictions yhat.
    y : array_like, same shape as ``y_pred``
        Targets.
    sample_weight : array_like, shape (N,), optional
        Strengthening factors s_i >= 0; by default every example counts once.

    Returns
    -------
    loss : float
        J = sum_i s_i L_i / sum_i s_i with L_i = sum_j (y_ij - yhat_ij)^2.
    dpred : ndarray, shape of ``y_pred``
        dJ/dyhat_ij = s_i / (sum_k s_k) * 2 (yhat_ij - y_ij) (1 / N instead of
        s_i / sum_k s_k without weights).

    Notes
    -----
    There is no factor 1/2 in L_i, so the gradient keeps its factor 2. Compare
    ``mse_loss``, which averages over all N * D entries instead of summing over outputs.
    """
    y_pred = _as_float(y_pred)
    y = _target_like(y_pred, y)
    diff = y_pred - y
    return _weighted_cost(diff**2, 2 * diff, sample_weight)


def mse_loss(y_pred, y):
    """Mean squared error over all entries (PyTorch ``MSELoss``) and its gradient.

    Parameters
    ----------
    y_pred : array_like, any shape, e.g. (N, D)
        Predictions yhat.
    y : array_like, same shape as ``y_pred``
        Targets.

    Returns
    -------
    loss : float
        J = (1 / (N D)) sum_ij (yhat_ij - y_ij)^2, the mean over every entry.
    dpred : ndarray, shape of ``y_pred``
        dJ/dyhat = 2 (yhat - y) / (N D).

    Notes
    -----
    For D outputs this is ``l2_loss / D``: the mean runs over all entries, not over
    examples only.
    """
    y_pred = _as_float(y_pred)
    y = _target_like(y_pred, y)
    if y_pred.size == 0:
        raise ValueError("mse_loss of an empty array is undefined")
    diff = y_pred - y
    return float(np.mean(diff**2)), 2 * diff / diff.size


def binary_cross_entropy(p, y, sample_weight=None, eps=1e-12):
    """Binary cross-entropy of probabilities, with clipping, and its gradient.

    Parameters
    ----------
    p : array_like, shape (N, D) or (N,)
        Predicted probabilities that each output is 1.
    y : array_like, same shape as ``p``
        Targets in [0, 1] (usually 0 or 1).
    sample_weight : array_like, shape (N,), optional
        Strengthening factors s_i >= 0; by default every example counts once.
    eps : float
        p is clipped to [eps, 1 - eps] before taking logarithms.

    Returns
    -------
    loss : float
        J = sum_i s_i L_i / sum_i s_i with
        L_i = -sum_j [y_ij log pc_ij + (1 - y_ij) log(1 - pc_ij)], pc = clip(p, eps, 1 - eps).
    dpred : ndarray, shape of ``p``
        s_i / (sum_k s_k) * (pc - y) / (pc (1 - pc)) (1 / N instead of s_i / sum_k s_k
        without weights): the derivative of the formula above evaluated at the
        clipped pc. It is the true gradient where eps < p < 1 - eps; at clipped entries
        it is finite (at most about 1 / eps in size) rather than zero.

    Notes
    -----
    Without clipping, p = 0 or p = 1 gives log(0) = -inf. When ``eps`` is below the
    machine epsilon of p's dtype (1e-12 in float32, where 1 - 1e-12 rounds to 1), it is
    raised to that machine epsilon so that 1 - eps stays below 1.
    When you have logits z rather than probabilities, prefer ``sigmoid_bce_with_logits``:
    it needs no clipping and loses no precision.
    """
    p = _as_float(p)
    y = _target_like(p, y)
    eps = max(eps, float(np.finfo(p.dtype).eps))
    pc = np.clip(p, eps, 1 - eps)
    entry_loss = -(y * np.log(pc) + (1 - y) * np.log(1 - pc))
    entry_grad = (pc - y) / (pc * (1 - pc))
    return _weighted_cost(entry_loss, entry_grad, sample_weight)


def sigmoid_bce_with_logits(z, y, sample_weight=None):
    """Binary cross-entropy of sigmoid(z), computed stably from the logits z.

    Parameters
    ----------
    z : array_like, shape (N, D) or (N,)
        Logits; the predicted probability is sigmoid(z) = 1 / (1 + exp(-z)).
    y : array_like, same shape as ``z``
        Targets in [0, 1].
    sample_weight : array_like, shape (N,), optional
        Strengthening factors s_i >= 0; by default every example counts once.

    Returns
    -------
    loss : float
        J = sum_i s_i L_i / sum_i s_i with
        L_i = sum_j [max(z_ij, 0) - z_ij y_ij + log(1 + exp(-|z_ij|))], which equals
        -sum_j [y log sigmoid(z) + (1 - y) log(1 - sigmoid(z))].
    dz : ndarray, shape of ``z``
        s_i / (sum_k s_k) * (sigmoid(z) - y) ((sigmoid(z) - y) / N without weights).

    Notes
    -----
    log(1 + exp(-|z|)) never overflows because -|z| <= 0; for large |z| exp(-|z|)
    underflows to 0, which is harmless, so only that warning is silenced. The sigmoid
    is computed from the same e = exp(-|z|): 1 / (1 + e) for z >= 0, e / (1 + e) for
    z < 0. Computing log(sigmoid(z)) directly would give log(0) = -inf for z << 0.
    """
    z = _as_float(z)
    y = _target_like(z, y)
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(z))
        entry_loss = np.maximum(z, 0) - z * y + np.log1p(e)
        sig = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
        return _weighted_cost(entry_loss, sig - y, sample_weight)


def softmax(z):
    """Row-wise softmax of logits, stable for any finite logits.

    Parameters
    ----------
    z : array_like, shape (N, C)
        Logits, one row per example.

    Returns
    -------
    probs : ndarray, shape (N, C)
        probs_ic = exp(z_ic) / sum_k exp(z_ik); every row sums to 1.

    Notes
    -----
    Shift each row by its maximum before exponentiating: softmax(z - c) = softmax(z)
    for any constant c per row, and after the shift every exponent is <= 0, so exp
    cannot overflow (exp(1000) does). Very negative shifted logits underflow to
    probability 0, which is harmless, so only that warning is silenced.
    """
    z = _as_float(z)
    with np.errstate(under="ignore"):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)


def softmax_cross_entropy(z, y, sample_weight=None):
    """Softmax cross-entropy of logits against integer class labels, and its gradient.

    Parameters
    ----------
    z : array_like, shape (N, C)
        Logits.
    y : array_like of int, shape (N,)
        Class index of each example, in 0 .. C - 1.
    sample_weight : array_like, shape (N,), optional
        Strengthening factors s_i >= 0; by default every example counts once.

    Returns
    -------
    loss : float
        J = sum_i s_i L_i / sum_i s_i with L_i = -log softmax(z_i)[y_i].
    dz : ndarray, shape (N, C)
        s_i / (sum_k s_k) * (softmax(z_i) - onehot(y_i))
        ((softmax(z) - onehot(y)) / N without weights).

    Notes
    -----
    Compute log-probabilities directly with the max shift,
    log softmax(z)_c = (z_c - m) - log sum_k exp(z_k - m) with m = max_k z_k,
    rather than log(softmax(z)): a probability that underflows to 0 would give
    log(0) = -inf, while the shifted form stays finite for any finite logits.
    exp of very negative shifted logits underflows to 0, which is harmless, so only
    that warning is silenced.
    """
    z = _as_float(z)
    y = np.asarray(y)
    if z.ndim != 2:
        raise ValueError(f"logits must have shape (N, C), got {z.shape}")
    n, c = z.shape
    if y.shape != (n,) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must hold integer class indices of shape ({n},), got {y.dtype} {y.shape}")
    if np.any((y < 0) | (y >= c)):
        raise ValueError(f"class indices must lie in 0 .. {c - 1}")
    with np.errstate(under="ignore"):
        shifted = z - z.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        rows = np.arange(n)
        dz = np.exp(log_probs)  # softmax(z)
        dz[rows, y] -= 1
        return _weighted_cost(-log_probs[rows, y], dz, sample_weight)
