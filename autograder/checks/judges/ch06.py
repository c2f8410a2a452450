"""Chapter 06, ReLU and its variants: what is graded and the mistakes we recognise.

Besides the generic comparators (``compare.Part`` gives dx and dalpha of PReLU their own
shares), this module defines the RReLU comparators, which judge random slopes by their
distribution (a Kolmogorov-Smirnov test and a count of distinct slopes), by
reproducibility, and by the agreement of the backward pass with the slopes of its own
forward pass. They name the mistakes they recognise themselves (a replay would need the
student's random stream).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..compare import (UNREADABLE, EachCall, Part, Raises, Reproducible, SameCalls, call_error, gradient_consistent,
                       index_tuple, kind, paired_records, purity, rel_err, same_calls)
from ..mistakes import ch06 as m
from ..stats import ALPHA, ks_uniform_pvalue
from .base import Check, FunctionSpec, Mistake

# --------------------------------------------------------------------------- messages

BOUNDARY = "At exactly x = 0 take the x <= 0 branch: the derivative there is the negative-side slope, not 1."
RRELU_CONSTANT = "In train mode draw a new slope for every element: all your slopes are the same."
RRELU_SHARED = "Draw one slope per element, not one per row or per column (feature)."
RRELU_POSITIVE = "Only entries with x <= 0 get a random slope: positive entries must pass through unchanged."
RRELU_TEST_RANDOM = "In test mode there is no randomness: every negative entry uses the mean slope (lower + upper) / 2."
RRELU_MEAN_SLOPE = "The backward pass must reuse the slopes drawn in its forward pass, not the mean slope (lower + upper) / 2."
RRELU_NOT_SEEDED = ("Two generators with the same seed gave different outputs: draw only from the rng argument "
                    "(not from np.random's global functions).")
RRELU_IGNORES_RNG = "Generators with different seeds gave identical outputs: draw the slopes from the rng argument."

# --------------------------------------------------------------------------- helpers


def _array(value, shape, where: str) -> tuple[np.ndarray | None, str]:
    """``value`` as a float array of ``shape``, or a message saying why it is not."""
    if not isinstance(value, np.ndarray) or value.dtype.kind not in "fiub":
        return None, f"{where} should be an array of shape {shape} but is {kind(value)}"
    if value.shape != tuple(shape):
        return None, f"{where} has shape {value.shape}, expected {tuple(shape)}"
    value = value.astype(np.float64)
    if not np.all(np.isfinite(value)):
        return None, f"{where} contains inf or nan"
    return value, ""


def _worst(a: np.ndarray, b: np.ndarray, index_map: np.ndarray, shape) -> str:
    err = rel_err(a, b, 1e-12)
    k = int(np.argmax(err))
    return f"largest relative error {err[k]:.2e} at index {index_tuple(index_map[k], shape)}"


# --------------------------------------------------------------------------- RReLU comparators


@dataclass(frozen=True)
class RReLUTrain(EachCall):
    """Train-mode outputs: positives unchanged, zeros zero, negative slopes i.i.d. U(lower, upper)."""

    p_min: float = ALPHA
    min_distinct: float = 0.9

    columns = ("inputs",)

    def judge(self, a, e, label, inp) -> str:
        x, lo, up = inp["x"], float(inp["lower"]), float(inp["upper"])
        out, msg = _array(a.get("out"), x.shape, "the output")
        if out is None:
            return f"on {label}, {msg}"
        pos, neg, zero = x > 0, x < 0, x == 0
        if not np.allclose(out[pos], x[pos], rtol=1e-12, atol=0):
            return RRELU_POSITIVE
        if np.any(out[zero] != 0):
            return f"on {label}, entries with x = 0 must give 0"
        slopes = out[neg] / x[neg]
        tol = 1e-9 * (up - lo) + 1e-12
        if np.ptp(slopes) <= tol:
            return RRELU_CONSTANT
        if np.unique(np.round(slopes, 10)).size < self.min_distinct * slopes.size:
            return RRELU_SHARED
        if slopes.min() < lo - tol or slopes.max() > up + tol:
            bad = slopes.min() if slopes.min() < lo - tol else slopes.max()
            return (f"on {label}, the slopes of negative entries must lie in [lower, upper] = "
                    f"[{lo:.4g}, {up:.4g}]; one is {bad:.4g}")
        p = ks_uniform_pvalue(slopes, lo, up)
        if p < self.p_min:
            return (f"on {label}, the slopes of negative entries are not uniform on [lower, upper] = "
                    f"[{lo:.4g}, {up:.4g}] (Kolmogorov-Smirnov test over {slopes.size} slopes, p = {p:.1e})")
        return ""


def _rrelu_output_problem(out, expected, label: str) -> str:
    """Why one of the seeded train-mode outputs cannot be compared ('' if it can)."""
    _, msg = _array(out, expected["x"].shape, "the output")
    return f"on {label}, {msg}" if msg else ""


# calls 0 and 1 (same seed) agree exactly; call 2 (another seed) differs
RRELU_SEEDED = Reproducible(check=_rrelu_output_problem, same_seed=RRELU_NOT_SEEDED, other_seed=RRELU_IGNORES_RNG)


@dataclass(frozen=True)
class RReLUTestMode:
    """Test mode matches the reference; varying slopes are named as randomness in test mode."""

    def __call__(self, actual, expected) -> tuple[bool, str]:
        passed, message = SameCalls()(actual, expected)
        if passed:
            return True, ""
        acts, _ = paired_records(actual, expected)
        for a, e in zip(acts or [], expected["calls"]):
            out, exp = a.get("out"), e.get("out")
            if a.get("error") or not isinstance(out, np.ndarray) or not isinstance(exp, np.ndarray) or out.shape != exp.shape:
                continue
            neg = exp < 0
            if neg.sum() >= 2:
                with np.errstate(all="ignore"):
                    ratio = out[neg].astype(float) / exp[neg]
                if np.all(np.isfinite(ratio)) and np.ptp(ratio) > 1e-9:
                    return False, RRELU_TEST_RANDOM
        return False, message


@dataclass(frozen=True)
class RReLUBackwardTrain:
    """dx = dout where x > 0, dout times the forward's slope where x < 0, a slope in [lower, upper] at 0."""

    def __call__(self, actual, expected) -> tuple[bool, str]:
        acts, msg = paired_records(actual, expected)
        if acts is None:
            return False, msg
        fwd = actual.get("forward")
        if not isinstance(fwd, list) or len(fwd) != len(acts) or not all(isinstance(f, dict) for f in fwd):
            return False, UNREADABLE
        for a, fa, e, info in zip(acts, fwd, expected["calls"], expected["forward"]):
            label = e["label"]
            if a.get("error"):
                return False, call_error(label, a["error"])
            x, dout = info["x"], info["dout"]
            lo, up = float(info["kwargs"].get("lower", 1 / 8)), float(info["kwargs"].get("upper", 1 / 3))
            dx, msg = _array(a.get("out"), x.shape, "dx")
            if dx is None:
                return False, f"on {label}, {msg}"
            out, msg = _array(fa.get("out"), x.shape, "the output of your rrelu_forward")
            if out is None:
                return False, f"on {label}, {msg}"
            pos, neg, zero = x > 0, x < 0, x == 0
            if not np.allclose(dx[pos], dout[pos], rtol=1e-9, atol=1e-12):
                return False, f"on {label}, where x > 0 dx must equal dout; " + _worst(dx[pos], dout[pos], np.flatnonzero(pos), x.shape)
            want = dout[neg] * (out[neg] / x[neg])
            if not np.allclose(dx[neg], want, rtol=1e-7, atol=1e-12):
                if np.allclose(dx[neg] / dout[neg], (lo + up) / 2, rtol=1e-9, atol=0):
                    return False, RRELU_MEAN_SLOPE
                return False, (f"on {label}, where x < 0 dx is not dout times the slope your forward pass used there; "
                               + _worst(dx[neg], want, np.flatnonzero(neg), x.shape))
            ratio = dx[zero] / dout[zero]
            tol = 1e-9
            if np.any((ratio < lo - tol) | (ratio > up + tol)):
                if np.any(np.isclose(ratio, 1.0)):
                    return False, BOUNDARY
                return False, f"on {label}, at x = 0 dx / dout must be a slope in [lower, upper], like the other x <= 0 entries"
        return True, ""


# --------------------------------------------------------------------------- specs

VALUES = "matches on random inputs (N = 1, odd sizes and exact zeros included)"
PURE = "inputs are left unchanged and outputs are new arrays"
STABLE = "stable for |x| from 1e3 to 1e4, without overflow warnings"
GRADIENT = "dx agrees with centred finite differences of the forward pass (away from the kink at 0)"
DX_VALUES = "dx matches on random inputs (at x = 0 the derivative is the negative-side slope)"


def _forward(name: str, stable: bool) -> list[Check]:
    checks = [Check(VALUES, f"{name}.values", same_calls(), 3)]
    if stable:
        checks.append(Check(STABLE, f"{name}.extreme", same_calls(), 1))
    checks.append(Check(PURE, f"{name}.values", purity, 0.5, False))
    return checks


def _backward(name: str, stable: bool) -> list[Check]:
    checks = [Check(DX_VALUES, f"{name}.values", same_calls(), 3),
              Check(GRADIENT, f"{name}.gradient", gradient_consistent, 1, False)]
    if stable:
        checks.append(Check(STABLE, f"{name}.extreme", same_calls(), 1))
    checks.append(Check(PURE, f"{name}.values", purity, 0.5, False))
    return checks


OVERFLOW = ("np.where evaluates both branches on every entry, so exp(x) overflows for large positive x even "
            "where it is not used: take the exponential of np.minimum(x, 0).")

FUNCTIONS = {
    "leaky_relu_forward": FunctionSpec(1, tuple(_forward("leaky_relu_forward", False)), (
        Mistake("Use the alpha argument as the negative-side slope; you always use 0.01.",
                {"leaky_relu_forward": m.leaky_relu_forward_fixed_alpha}),
        Mistake("That is plain ReLU: negative inputs give alpha * x, not 0.", {"leaky_relu_forward": m.leaky_relu_forward_relu}),
    )),
    "leaky_relu_backward": FunctionSpec(1, tuple(_backward("leaky_relu_backward", False)), (
        Mistake(BOUNDARY, {"leaky_relu_backward": m.leaky_relu_backward_one_at_zero}),
        Mistake("Multiply the local derivative (1 or alpha) by the upstream gradient dout.",
                {"leaky_relu_backward": m.leaky_relu_backward_no_dout}),
        Mistake("The derivative on the negative side is alpha, not 0 (that is ReLU's).",
                {"leaky_relu_backward": m.leaky_relu_backward_relu}),
    )),
    "prelu_forward": FunctionSpec(1, tuple(_forward("prelu_forward", False)), (
        Mistake("max(x, alpha * x) equals PReLU only while alpha <= 1, and a learned alpha can exceed 1: "
                "choose the branch by the sign of x.", {"prelu_forward": m.prelu_forward_max}),
    )),
    "prelu_backward": FunctionSpec(3, (
        Check(DX_VALUES, "prelu_backward.values", Part((0,), ("dx", "dalpha")), 2),
        Check("dalpha has alpha's shape, () or (D,), and matches (summed over the batch)",
              "prelu_backward.values", Part((1,), ("dx", "dalpha")), 2),
        Check("dx and dalpha agree with centred finite differences of the forward pass", "prelu_backward.gradient",
              gradient_consistent, 1, False),
        Check(PURE, "prelu_backward.values", purity, 0.5, False),
    ), (
        Mistake("Sum dalpha over the batch: it must have alpha's shape, (D,) or (), not one value per entry.",
                {"prelu_backward": m.prelu_backward_not_summed}),
        Mistake("A shared slope of shape () collects dout * x over every entry; your dalpha has shape (D,).",
                {"prelu_backward": m.prelu_backward_per_feature_always}),
        Mistake("dalpha is a sum over the batch, not a mean: alpha is used by every example.",
                {"prelu_backward": m.prelu_backward_mean}),
        Mistake("dalpha only collects dout * x where x <= 0: alpha does not act on positive entries.",
                {"prelu_backward": m.prelu_backward_all_entries}),
        Mistake(BOUNDARY, {"prelu_backward": m.prelu_backward_one_at_zero}),
    )),
    "rrelu_forward": FunctionSpec(3, (
        Check("train mode: positives unchanged, one slope per negative entry drawn from U(lower, upper) "
              "(Kolmogorov-Smirnov test on about 14,000 slopes)", "rrelu_forward.train", RReLUTrain(), 3, False),
        Check("train mode is reproducible: the same seed gives the same output, another seed another",
              "rrelu_forward.reproducible", RRELU_SEEDED, 1, False),
        Check("test mode uses the mean slope (lower + upper) / 2 (N = 1, exact zeros included)",
              "rrelu_forward.test", RReLUTestMode(), 2),
        Check("train mode with rng=None raises ValueError", "rrelu_forward.needs_rng", Raises(), 0.5, False),
        Check(PURE, "rrelu_forward.train", purity, 0.5, False),
    ), (
        Mistake(RRELU_TEST_RANDOM, {"rrelu_forward": m.rrelu_forward_test_random}),
        Mistake("In test mode use the mean slope (lower + upper) / 2, not lower.", {"rrelu_forward": m.rrelu_forward_test_lower}),
        Mistake(RRELU_CONSTANT, {"rrelu_forward": m.rrelu_forward_one_slope}),
        Mistake(RRELU_SHARED, {"rrelu_forward": m.rrelu_forward_slope_per_feature}),
        Mistake(RRELU_POSITIVE, {"rrelu_forward": m.rrelu_forward_slopes_everywhere}),
    )),
    "rrelu_backward": FunctionSpec(2, (
        Check("train mode: dx uses the slopes of the same forward pass (x = 0 included)", "rrelu_backward.train",
              RReLUBackwardTrain(), 2, False),
        Check("test mode: dx matches (mean slope on x <= 0)", "rrelu_backward.test", same_calls(), 1),
        Check("test mode: dx agrees with finite differences of the forward pass",
              "rrelu_backward.gradient", gradient_consistent, 1, False),
        Check(PURE, "rrelu_backward.train", purity, 0.5, False),
    ), (
        Mistake(RRELU_MEAN_SLOPE, {"rrelu_forward": m.rrelu_forward_keeping_bounds,
                                   "rrelu_backward": m.rrelu_backward_mean_slope}),
        Mistake(BOUNDARY, {"rrelu_forward": m.rrelu_forward_one_at_zero}),
    )),
    "elu_forward": FunctionSpec(2, tuple(_forward("elu_forward", True)), (
        Mistake(OVERFLOW, {"elu_forward": m.elu_forward_where_exp}),
        Mistake("Scale the negative branch by alpha: alpha * (exp(x) - 1).", {"elu_forward": m.elu_forward_no_alpha}),
        Mistake("The negative branch is alpha * (exp(x) - 1); without the - 1 the function jumps at 0.",
                {"elu_forward": m.elu_forward_no_minus_one}),
    )),
    "elu_backward": FunctionSpec(2, tuple(_backward("elu_backward", True)), (
        Mistake(OVERFLOW, {"elu_backward": m.elu_backward_where_exp}),
        Mistake("On the negative side the derivative is alpha * exp(x), which is the output plus alpha, not the output.",
                {"elu_backward": m.elu_backward_out}),
        Mistake(BOUNDARY, {"elu_backward": m.elu_backward_one_at_zero}),
    )),
    "selu_forward": FunctionSpec(2, tuple(_forward("selu_forward", True)), (
        Mistake("The constants are swapped: scale = 1.0507... multiplies everything, alpha = 1.6733... the negative branch.",
                {"selu_forward": m.selu_forward_swapped}),
        Mistake(OVERFLOW, {"selu_forward": m.selu_forward_where_exp}),
        Mistake("The scale multiplies both branches: SELU(x) = scale * x for x > 0.",
                {"selu_forward": m.selu_forward_scale_negative_only}),
    )),
    "selu_backward": FunctionSpec(2, tuple(_backward("selu_backward", True)), (
        Mistake("The constants are swapped: scale = 1.0507... multiplies everything, alpha = 1.6733... the negative branch.",
                {"selu_backward": m.selu_backward_swapped}),
        Mistake("For x > 0 the derivative is scale, not 1.", {"selu_backward": m.selu_backward_no_scale_positive}),
        Mistake(BOUNDARY, {"selu_backward": m.selu_backward_one_at_zero}),
        Mistake(OVERFLOW, {"selu_backward": m.selu_backward_where_exp}),
    )),
    "softplus_forward": FunctionSpec(2, tuple(_forward("softplus_forward", True)), (
        Mistake("Computing log(1 + exp(x)) directly overflows for x above about 710: use max(x, 0) + log1p(exp(-|x|)), "
                "which never exponentiates a positive number.",
                {"softplus_forward": m.softplus_forward_naive}),
        Mistake("For x < 0 you compute log(1 + exp(-x)), which is softplus(-x): the stable form is "
                "max(x, 0) + log1p(exp(-|x|)), with the absolute value.",
                {"softplus_forward": m.softplus_forward_no_abs}),
    )),
    "softplus_backward": FunctionSpec(2, tuple(_backward("softplus_backward", True)), (
        Mistake("1 / (1 + exp(-x)) overflows for very negative x: compute the sigmoid from exp(-|x|).",
                {"softplus_backward": m.softplus_backward_naive}),
        Mistake("The derivative of softplus is sigmoid(x), not sigmoid(-x).", {"softplus_backward": m.softplus_backward_wrong_sign}),
    )),
}
