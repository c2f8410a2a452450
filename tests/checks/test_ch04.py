"""Chapter 04 checks: correct implementations written differently earn full marks, and
specific wrong behaviours lose exactly the check meant to catch them."""
import math

import numpy as np
from scipy.special import expit

from autograder.checks.judges import ch04 as judges

from .support import grade_with


def failed_checks(report) -> list[str]:
    return [c.name for c in report.checks if not c.passed]


def messages(report) -> list[str]:
    return [c.message for c in report.checks if not c.passed]


def assert_full_marks(name, fn):
    report = grade_with(name, **{name: fn})
    assert report.earned == report.points, report.render_text()


def assert_fails_only(name, fn, check_name, message=None):
    report = grade_with(name, **{name: fn})
    assert failed_checks(report) == [check_name], report.render_text()
    if message is not None:
        assert message in messages(report), report.render_text()
    return report


def check_name(function, index):
    return judges.FUNCTIONS[function].checks[index].name


# --------------------------------------------------------------------------- saturation_fraction


def saturation_loop(z, activation, threshold=0.01):
    """Entry by entry with the math module; the sigmoid split by sign so nothing overflows."""
    flat = np.asarray(z, dtype=float).ravel()
    count = 0
    for v in flat:
        v = float(v)
        if activation == "sigmoid":
            s = 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))
            d, top = s * (1 - s), 0.25
        elif activation == "tanh":
            t = math.tanh(v)
            d, top = 1 - t * t, 1.0
        elif activation == "relu":
            d, top = (1.0 if v > 0 else 0.0), 1.0
        else:
            raise ValueError(activation)
        count += d < threshold * top
    return count / flat.size


def saturation_expit(z, activation, threshold=0.01):
    """Another valid formula: scipy's stable logistic function, and 1 - tanh^2."""
    z = np.asarray(z, dtype=float)
    if activation == "sigmoid":
        s = expit(z)
        return float(np.mean(s * (1 - s) < threshold / 4))
    if activation == "tanh":
        return float(np.mean(1 - np.tanh(z) ** 2 < threshold))
    return float(np.mean(np.where(z > 0, 1.0, 0.0) < threshold))


def test_other_correct_saturation_fractions_get_full_marks():
    assert_full_marks("saturation_fraction", saturation_loop)
    assert_full_marks("saturation_fraction", saturation_expit)


def test_overflowing_sigmoid_loses_only_the_stability_check():
    def naive(z, activation, threshold=0.01):
        z = np.asarray(z, dtype=float)
        if activation == "sigmoid":
            s = 1 / (1 + np.exp(-z))
            return float(np.mean(s * (1 - s) < threshold * 0.25))
        return saturation_expit(z, activation, threshold)

    assert_fails_only("saturation_fraction", naive, check_name("saturation_fraction", 2))


def test_less_equal_loses_only_the_edge_check_and_is_named():
    def less_equal(z, activation, threshold=0.01):
        z = np.asarray(z, dtype=float)
        d = {"sigmoid": lambda: expit(z) * (1 - expit(z)) * 4, "tanh": lambda: 1 - np.tanh(z) ** 2,
             "relu": lambda: (z > 0).astype(float)}[activation]()
        return float(np.mean(d <= threshold))

    assert_fails_only("saturation_fraction", less_equal, check_name("saturation_fraction", 1),
                      "Saturated means strictly below threshold * max derivative (use <, not <=).")


def test_saturation_that_clips_z_in_place_loses_only_purity():
    """Clipping z to [-10, 10] to dodge overflow changes no result, but changes the caller's array."""

    def clips_in_place(z, activation, threshold=0.01):
        np.clip(z, -10, 10, out=z)
        return saturation_expit(z, activation, threshold)

    report = grade_with("saturation_fraction", saturation_fraction=clips_in_place)
    assert failed_checks(report) == [check_name("saturation_fraction", 3)], report.render_text()


# --------------------------------------------------------------------------- gradient_norms


def test_other_correct_gradient_norms_get_full_marks():
    assert_full_marks("gradient_norms", lambda grads: {k: np.linalg.norm(v) for k, v in grads.items()})

    def loop(grads):
        out = {}
        for k, v in grads.items():
            out[k] = math.sqrt(sum(float(x) ** 2 for x in np.ravel(v)))
        return out

    assert_full_marks("gradient_norms", loop)


def test_gradient_norms_missing_a_key_fails_with_the_keys():
    report = grade_with("gradient_norms", gradient_norms=lambda g: {k: float(np.linalg.norm(v)) for k, v in g.items() if k != "b1"})
    assert check_name("gradient_norms", 0) in failed_checks(report), report.render_text()
    assert any("keys" in msg for msg in messages(report)), report.render_text()


# --------------------------------------------------------------------------- clip_grad_value


def test_other_correct_clip_grad_value_gets_full_marks():
    assert_full_marks("clip_grad_value", lambda g, c: {k: np.minimum(np.maximum(v, -c), c) for k, v in g.items()})

    def with_where(grads, clip_value):
        out = {}
        for k, v in grads.items():
            v = np.asarray(v, dtype=float)
            out[k] = np.where(v > clip_value, clip_value, np.where(v < -clip_value, -clip_value, v))
        return out

    assert_full_marks("clip_grad_value", with_where)


def test_clip_grad_value_returning_inputs_loses_only_purity():
    def same_arrays(grads, clip_value):
        return {k: v if np.all(np.abs(v) <= clip_value) else np.clip(v, -clip_value, clip_value) for k, v in grads.items()}

    assert_fails_only("clip_grad_value", same_arrays, check_name("clip_grad_value", 1), judges.CLIP_VALUE_ALIASED)


# --------------------------------------------------------------------------- clip_grad_norm


def clip_norm_torch_style(grads, max_norm):
    """PyTorch's own arithmetic: clamp the coefficient at 1 and always multiply."""
    flat = np.concatenate([np.ravel(v) for v in grads.values()]) if grads else np.zeros(0)
    total = float(np.linalg.norm(flat))
    coef = min(max_norm / (total + 1e-6), 1.0)
    return {k: np.asarray(v, dtype=float) * coef for k, v in grads.items()}, total


def clip_norm_loops(grads, max_norm):
    squares = 0.0
    for v in grads.values():
        for x in np.ravel(v):
            squares += float(x) * float(x)
    total = math.sqrt(squares)
    coef = max_norm / (total + 1e-6)
    out = {}
    for k, v in grads.items():
        out[k] = np.array(v, dtype=float) * coef if coef < 1 else np.array(v, dtype=float)
    return out, total


def test_other_correct_clip_grad_norms_get_full_marks():
    assert_full_marks("clip_grad_norm", clip_norm_torch_style)
    assert_full_marks("clip_grad_norm", clip_norm_loops)


def test_in_place_clipping_loses_only_purity_with_its_message():
    def in_place(grads, max_norm):
        clipped, total = clip_norm_torch_style(grads, max_norm)
        for k in grads:
            grads[k][...] = clipped[k]
        return {k: grads[k].copy() for k in grads}, total

    assert_fails_only("clip_grad_norm", in_place, check_name("clip_grad_norm", 4), judges.CLIP_NORM_IN_PLACE)


def test_returning_the_inputs_when_not_clipping_loses_only_purity():
    def same_arrays(grads, max_norm):
        clipped, total = clip_norm_torch_style(grads, max_norm)
        if max_norm / (total + 1e-6) >= 1:
            return dict(grads), total
        return clipped, total

    assert_fails_only("clip_grad_norm", same_arrays, check_name("clip_grad_norm", 4), judges.CLIP_NORM_ALIASED)


def test_comparing_norms_loses_only_the_boundary_check():
    def compares_norms(grads, max_norm):
        clipped, total = clip_norm_torch_style(grads, max_norm)
        if total > max_norm:
            return clipped, total
        return {k: np.array(v, dtype=float) for k, v in grads.items()}, total

    assert_fails_only("clip_grad_norm", compares_norms, check_name("clip_grad_norm", 2), judges.CLIP_NORM_AT_BOUNDARY)


def test_textbook_clipping_without_the_epsilon_is_caught_and_named():
    """The usual formula max_norm / total, guarded so that it never divides by zero."""

    def no_eps(grads, max_norm):
        total = float(np.sqrt(sum(np.sum(np.square(v)) for v in grads.values())))
        if total > max_norm:
            return {k: np.asarray(v, dtype=float) * (max_norm / total) for k, v in grads.items()}, total
        return {k: np.array(v, dtype=float) for k, v in grads.items()}, total

    report = grade_with("clip_grad_norm", clip_grad_norm=no_eps)
    assert failed_checks(report) == [check_name("clip_grad_norm", 0), check_name("clip_grad_norm", 2)], report.render_text()
    assert messages(report)[0] == judges.CLIP_NORM_NO_EPS, report.render_text()


def test_value_failures_say_where():
    def off_by_a_bit(grads, max_norm):
        clipped, total = clip_norm_torch_style(grads, max_norm)
        return {k: v * 1.001 for k, v in clipped.items()}, total

    report = grade_with("clip_grad_norm", clip_grad_norm=off_by_a_bit)
    first = messages(report)[0]
    assert "relative error" in first and "gradients" in first, report.render_text()
