"""Chapter 01 checks: correct implementations written differently earn full marks."""
import numpy as np

from .support import grade_with


def loop_softmax(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    for i, row in enumerate(z):
        e = np.exp(row - row.max())
        out[i] = e / e.sum()
    return out


def loop_l1(y_pred, y, sample_weight=None):
    y_pred, y = np.asarray(y_pred, float), np.asarray(y, float)
    n = y_pred.shape[0]
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight, float)
    total, grad = 0.0, np.zeros_like(y_pred)
    for i in range(n):
        total += s[i] * np.abs(y[i] - y_pred[i]).sum()
        grad[i] = s[i] * np.sign(y_pred[i] - y[i])
    return total / s.sum(), grad / s.sum()


def bce_zero_gradient_when_clipped(p, y, sample_weight=None, eps=1e-12):
    """Another valid choice at clipped entries: the derivative through the clip, 0."""
    p, y = np.asarray(p, float), np.asarray(y, float)
    q = np.clip(p, eps, 1 - eps)
    n = p.shape[0]
    w = np.full(n, 1 / n) if sample_weight is None else np.asarray(sample_weight) / np.sum(sample_weight)
    loss = -(y * np.log(q) + (1 - y) * np.log(1 - q)).sum(axis=1) @ w
    grad = -(y / q - (1 - y) / (1 - q)) * w[:, None]
    grad[(p < eps) | (p > 1 - eps)] = 0.0
    return float(loss), grad


def test_loop_implementations_get_full_marks():
    for name, fn in [("softmax", loop_softmax), ("l1_loss", loop_l1)]:
        report = grade_with(name, **{name: fn})
        assert report.earned == report.points, report.render_text()


def test_zero_gradient_at_clipped_probabilities_is_accepted():
    report = grade_with("binary_cross_entropy", binary_cross_entropy=bce_zero_gradient_when_clipped)
    assert report.earned == report.points, report.render_text()


def test_overflowing_softmax_loses_only_the_stability_check():
    def naive(z):
        e = np.exp(np.asarray(z, float))
        return e / e.sum(axis=1, keepdims=True)

    report = grade_with("softmax", softmax=naive)
    failed = [c.name for c in report.checks if not c.passed]
    assert failed == ["stable for logits of magnitude 1e4, without overflow warnings"], report.render_text()
