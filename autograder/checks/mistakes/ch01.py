"""Common wrong versions of the chapter 01 losses."""
from __future__ import annotations

import numpy as np


def _weights(n, sample_weight):
    return np.full(n, 1.0 / n) if sample_weight is None else np.asarray(sample_weight, float) / np.sum(sample_weight)


def l1_mean_over_entries(y_pred, y, sample_weight=None):
    """Averages over all N*D entries instead of summing over outputs."""
    diff = np.asarray(y_pred, float) - np.asarray(y, float)
    return float(np.mean(np.abs(diff))), np.sign(diff) / diff.size


def l1_no_batch_average_in_gradient(y_pred, y, sample_weight=None):
    diff = np.asarray(y_pred, float) - np.asarray(y, float)
    w = _weights(diff.shape[0], sample_weight)
    return float(np.sum(w * np.abs(diff).sum(axis=1))), np.sign(diff)


def l1_weights_over_n(y_pred, y, sample_weight=None):
    diff = np.asarray(y_pred, float) - np.asarray(y, float)
    n = diff.shape[0]
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight, float)
    return float(np.sum(s * np.abs(diff).sum(axis=1)) / n), s[:, None] * np.sign(diff) / n


def l2_mean_over_entries(y_pred, y, sample_weight=None):
    diff = np.asarray(y_pred, float) - np.asarray(y, float)
    return float(np.mean(diff**2)), 2 * diff / diff.size


def l2_gradient_without_2(y_pred, y, sample_weight=None):
    diff = np.asarray(y_pred, float) - np.asarray(y, float)
    w = _weights(diff.shape[0], sample_weight)
    return float(np.sum(w * (diff**2).sum(axis=1))), w[:, None] * diff


def l2_gradient_wrong_sign(y_pred, y, sample_weight=None):
    diff = np.asarray(y_pred, float) - np.asarray(y, float)
    w = _weights(diff.shape[0], sample_weight)
    return float(np.sum(w * (diff**2).sum(axis=1))), -2 * w[:, None] * diff


def l2_weights_over_n(y_pred, y, sample_weight=None):
    diff = np.asarray(y_pred, float) - np.asarray(y, float)
    n = diff.shape[0]
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight, float)
    return float(np.sum(s * (diff**2).sum(axis=1)) / n), 2 * s[:, None] * diff / n


def mse_over_n_only(y_pred, y):
    diff = np.asarray(y_pred, float) - np.asarray(y, float)
    n = diff.shape[0]
    return float(np.sum(diff**2) / n), 2 * diff / n


def mse_gradient_without_2(y_pred, y):
    diff = np.asarray(y_pred, float) - np.asarray(y, float)
    return float(np.mean(diff**2)), diff / diff.size


def bce_one_minus_log(p, y, sample_weight=None, eps=1e-12):
    """The source notes' slip: (1 - y)(1 - log p) instead of (1 - y) log(1 - p)."""
    p = np.clip(np.asarray(p, float), eps, 1 - eps)
    y = np.asarray(y, float)
    w = _weights(p.shape[0], sample_weight)
    entry = -(y * np.log(p) + (1 - y) * (1 - np.log(p)))
    grad = -(y / p - (1 - y) / p)
    return float(np.sum(w * entry.sum(axis=1))), w[:, None] * grad


def bce_no_clip(p, y, sample_weight=None, eps=1e-12):
    p = np.asarray(p, float)
    y = np.asarray(y, float)
    w = _weights(p.shape[0], sample_weight)
    entry = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    grad = -(y / p - (1 - y) / (1 - p))
    return float(np.sum(w * entry.sum(axis=1))), w[:, None] * grad


def bce_mean_over_entries(p, y, sample_weight=None, eps=1e-12):
    p = np.clip(np.asarray(p, float), eps, 1 - eps)
    y = np.asarray(y, float)
    entry = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    return float(np.mean(entry)), -(y / p - (1 - y) / (1 - p)) / p.size


def bce_no_batch_average_in_gradient(p, y, sample_weight=None, eps=1e-12):
    p = np.clip(np.asarray(p, float), eps, 1 - eps)
    y = np.asarray(y, float)
    w = _weights(p.shape[0], sample_weight)
    entry = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    return float(np.sum(w * entry.sum(axis=1))), -(y / p - (1 - y) / (1 - p))


def sigmoid_bce_naive(z, y, sample_weight=None):
    """log(sigmoid(z)) computed literally: overflows for large |z|."""
    z = np.asarray(z, float)
    y = np.asarray(y, float)
    w = _weights(z.shape[0], sample_weight)
    s = 1 / (1 + np.exp(-z))
    entry = -(y * np.log(s) + (1 - y) * np.log(1 - s))
    return float(np.sum(w * entry.sum(axis=1))), w[:, None] * (s - y)


def sigmoid_bce_no_batch_average(z, y, sample_weight=None):
    z = np.asarray(z, float)
    y = np.asarray(y, float)
    w = _weights(z.shape[0], sample_weight)
    entry = np.logaddexp(0, z) - y * z
    s = np.exp(-np.logaddexp(0, -z))
    return float(np.sum(w * entry.sum(axis=1))), s - y


def softmax_no_shift(z):
    e = np.exp(np.asarray(z, float))
    return e / e.sum(axis=1, keepdims=True)


def softmax_wrong_axis(z):
    z = np.asarray(z, float)
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_ce_no_batch_average(z, y, sample_weight=None):
    z = np.asarray(z, float)
    n = z.shape[0]
    w = _weights(n, sample_weight)
    shifted = z - z.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    onehot = np.eye(z.shape[1])[np.asarray(y)]
    return float(-np.sum(w * logp[np.arange(n), y])), np.exp(logp) - onehot


def softmax_ce_log_of_softmax(z, y, sample_weight=None):
    """log(softmax(z)): softmax underflows to 0 for very negative logits, and log(0) = -inf."""
    z = np.asarray(z, float)
    n = z.shape[0]
    w = _weights(n, sample_weight)
    shifted = z - z.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    onehot = np.eye(z.shape[1])[np.asarray(y)]
    return float(-np.sum(w * np.log(p[np.arange(n), y]))), w[:, None] * (p - onehot)


def softmax_ce_gradient_sign(z, y, sample_weight=None):
    z = np.asarray(z, float)
    n = z.shape[0]
    w = _weights(n, sample_weight)
    shifted = z - z.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    onehot = np.eye(z.shape[1])[np.asarray(y)]
    return float(-np.sum(w * logp[np.arange(n), y])), w[:, None] * (onehot - np.exp(logp))
