"""Chapter 03, backpropagation: what is graded and the mistakes we recognise.

Backward passes are checked twice: against the reference on the same inputs (fed the
cache of the student's own forward), and against centred differences of the student's
own forward. The MLP functions build on the layer functions; when one of those is what
goes wrong, the message names it (see :class:`BuiltOn`), so a bug in ``affine_forward``
reads as such under ``mlp_loss`` too.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..compare import (UNREADABLE, EachCall, describe_error, failure, purity, records, same_calls, values_match,
                       worst_relative_error)
from ..mistakes import ch03 as m
from .base import Check, FunctionSpec, Mistake

PURITY = "inputs are left unchanged and outputs are new arrays"


# --------------------------------------------------------------------------- building blocks


def _self_stub(actual, function: str) -> bool:
    """The function under test itself raised NotImplementedError (not one it calls)."""
    marker = f"raised in {function}"
    errors = [r.get("error") or "" for r in (records(actual) or []) if isinstance(r, dict)]
    if isinstance(actual, dict) and isinstance(actual.get("error"), str):
        errors.append(actual["error"])
    return any(e.startswith("NotImplementedError") and marker in e for e in errors)


def blame_parts(actual, expected, function: str) -> str | None:
    """A sentence naming the first building block that misbehaves, or None."""
    if not isinstance(actual, dict) or not isinstance(actual.get("parts"), dict):
        return None
    got, want = actual["parts"], expected.get("parts", {})
    for name in expected.get("uses", []):
        a_recs, e_recs = got.get(name), want.get(name)
        if not isinstance(a_recs, list) or not isinstance(e_recs, list) or len(a_recs) != len(e_recs):
            continue
        for a, e in zip(a_recs, e_recs):
            if not isinstance(a, dict):
                continue
            on = e.get("label") if e.get("label") != name else "a small test input"
            err = a.get("error") or ""
            if err.startswith("NameError"):
                return f"`{name}` is not defined, and {function} builds on it"
            if err.startswith("NotImplementedError"):
                return f"`{name}` still raises NotImplementedError, and {function} builds on it: implement `{name}` first"
            if err.startswith("ForwardFailed"):
                continue  # its forward is blamed on its own
            if err:
                return f"`{name}` raised {err.split(':')[0]} on {on}, and {function} builds on it: fix `{name}` first"
            ok, _ = values_match(a.get("out"), e.get("out"))
            if not ok:
                return (f"`{name}` gives wrong values on {on}, and {function} builds on it: fix `{name}` first "
                        "(its own checks say more)")
    return None


@dataclass(frozen=True)
class BuiltOn:
    """``inner``; when it fails because a building block misbehaves, say which one."""

    inner: Callable
    function: str

    def __call__(self, actual, expected) -> tuple[bool, str]:
        ok, msg = self.inner(actual, expected)
        if ok or failure(actual) or _self_stub(actual, self.function):
            return ok, msg
        return False, blame_parts(actual, expected, self.function) or msg


# --------------------------------------------------------------------------- gradients


@dataclass(frozen=True)
class NamedGradient:
    """Like ``compare.GradientConsistent``, naming each gradient (``dx``, ``dW``, ``db``)."""

    names: tuple[str, ...] = ("dx",)
    tol: float = 1e-5
    what: str = "your forward pass"

    def __call__(self, actual, expected) -> tuple[bool, str]:
        problem = failure(actual)
        if problem:
            return False, problem
        items = actual.get("gradients") if isinstance(actual, dict) else None
        if not isinstance(items, list):
            return False, UNREADABLE
        for item in items:
            if not isinstance(item, dict):
                return False, UNREADABLE
            a_list, n_list = item.get("analytic"), item.get("numeric")
            names = item.get("keys") or self.names
            if not isinstance(a_list, list) or not isinstance(n_list, list) or len(a_list) != len(n_list):
                return False, UNREADABLE
            for k, (a, n) in enumerate(zip(a_list, n_list)):
                if not isinstance(a, np.ndarray) or not isinstance(n, np.ndarray) or a.shape != n.shape:
                    return False, UNREADABLE
                worst = worst_relative_error(a, n, 1e-8)
                if worst is None:
                    continue
                err, where = worst
                if not np.isfinite(err) or err > self.tol:
                    name = names[k] if k < len(names) else f"gradient {k + 1}"
                    name = f"grads[{name!r}]" if item.get("keys") else name
                    return False, (f"on {item.get('label') or 'an input'}, {name} disagrees with finite differences "
                                   f"of {self.what}: relative error {err:.1e} at index {where}")
        return True, ""


@dataclass(frozen=True)
class MlpGradient:
    """``mlp_loss``'s grads agree with finite differences of the same ``mlp_loss``."""

    def __call__(self, actual, expected) -> tuple[bool, str]:
        problem = failure(actual)
        if problem:
            return False, problem
        if not isinstance(actual, dict):
            return False, UNREADABLE
        err = actual.get("error")
        if isinstance(err, str) and err:
            if err.startswith("ShapeError: "):
                return False, err[len("ShapeError: "):]
            return False, f"it {describe_error(err)}"
        return NamedGradient(what="your mlp_loss")(actual, expected)


@dataclass(frozen=True)
class ExactGradient(EachCall):
    """Numerical gradients close to the exact ones (sent by the grader's own run under ``exact``)."""

    rtol: float = 1e-6
    atol: float = 1e-8

    columns = ("exact",)

    def judge(self, a, e, label, exact) -> str:
        ok, msg = values_match(a.get("out"), exact, self.rtol, self.atol, "the gradient")
        return "" if ok else f"on {label}, compared with the exact gradient, {msg}"


# --------------------------------------------------------------------------- specs


def _forward_checks(name: str, extreme: bool = False) -> tuple[Check, ...]:
    checks = [Check("out matches on random inputs (N = 1 and odd sizes included)", f"{name}.values", same_calls(), 3)]
    if extreme:
        checks.append(Check("stable for |x| up to 1e4, without overflow warnings", f"{name}.extreme", same_calls(), 1))
    checks.append(Check(PURITY, f"{name}.values", purity, 0.5, False))
    return tuple(checks)


def _backward_checks(forward: str, name: str, grads=("dx",), values_weight: float = 2) -> list[Check]:
    return [
        Check("matches the reference on the same inputs (given the cache of your forward)", f"{name}.values",
              BuiltOn(same_calls(), name), values_weight),
        Check(f"{', '.join(grads)} {'agree' if len(grads) > 1 else 'agrees'} with finite differences of your own {forward}",
              f"{name}.gradient", BuiltOn(NamedGradient(grads), name), 1.5, False),
        Check("dout and the cache are left unchanged and outputs are new arrays", f"{name}.values", purity, 0.5, False),
    ]


FUNCTIONS = {
    "affine_forward": FunctionSpec(1, _forward_checks("affine_forward"), (
        Mistake("The bias is missing: out = x @ W + b, with b broadcast over the rows.", {"affine_forward": m.affine_no_bias}),
        Mistake("W has shape (fan_in, fan_out): compute x @ W, not x @ W.T.", {"affine_forward": m.affine_transposed_weights}),
    )),
    "affine_backward": FunctionSpec(3, tuple(_backward_checks("affine_forward", "affine_backward", ("dx", "dW", "db"), 3)), (
        Mistake("Don't divide by N in the layer: the loss already averaged, so dW = x.T @ dout and db = dout.sum(axis=0).",
                {"affine_backward": m.affine_backward_divides_by_n}),
        Mistake("db sums dout over the examples (axis 0), giving shape (M,), not over the outputs.",
                {"affine_backward": m.affine_backward_db_wrong_axis}),
        Mistake("dW must have W's shape (D, M): it is x.T @ dout, not dout.T @ x.", {"affine_backward": m.affine_backward_dw_transposed}),
        Mistake("dx = dout @ W.T: the gradient flows back through the transpose of W.",
                {"affine_backward": m.affine_backward_dx_without_transpose}),
    )),
    "sigmoid_forward": FunctionSpec(2, _forward_checks("sigmoid_forward", extreme=True), (
        Mistake("1 / (1 + exp(-x)) overflows for x below about -709: use exp(-|x|), with 1 / (1 + e) for x >= 0 and "
                "e / (1 + e) for x < 0.", {"sigmoid_forward": m.sigmoid_naive}),
        Mistake("Sign slip: sigma(x) = 1 / (1 + exp(-x)); you computed 1 / (1 + exp(x)) = sigma(-x).",
                {"sigmoid_forward": m.sigmoid_sign_slip}),
    )),
    "sigmoid_backward": FunctionSpec(1, tuple(_backward_checks("sigmoid_forward", "sigmoid_backward")), (
        Mistake("The derivative of the sigmoid is sigma(x) (1 - sigma(x)); the factor (1 - sigma(x)) is missing.",
                {"sigmoid_backward": m.sigmoid_backward_without_one_minus}),
        Mistake("The cache already holds sigma(x): use it directly instead of applying the sigmoid to it again.",
                {"sigmoid_backward": m.sigmoid_backward_sigmoid_again}),
        Mistake("1 - s**2 is tanh's derivative; the sigmoid's is s (1 - s).", {"sigmoid_backward": m.sigmoid_backward_tanh_derivative}),
    )),
    "tanh_forward": FunctionSpec(1, _forward_checks("tanh_forward", extreme=True), (
        Mistake("(e^x - e^-x) / (e^x + e^-x) overflows for |x| above about 710; np.tanh is stable for any x.",
                {"tanh_forward": m.tanh_literal}),
        Mistake("tanh(x) = 2 sigmoid(2x) - 1; 2 sigmoid(x) - 1 is tanh(x / 2).", {"tanh_forward": m.tanh_from_sigmoid_without_doubling}),
    )),
    "tanh_backward": FunctionSpec(1, tuple(_backward_checks("tanh_forward", "tanh_backward")), (
        Mistake("The cache already holds tanh(x): the derivative is 1 - t**2 with t the cached value, without applying "
                "tanh again.", {"tanh_backward": m.tanh_backward_tanh_again}),
        Mistake("t (1 - t) is the sigmoid's derivative; tanh's is 1 - t**2.", {"tanh_backward": m.tanh_backward_sigmoid_derivative}),
        Mistake("Multiply the local derivative 1 - t**2 by the upstream gradient dout.", {"tanh_backward": m.tanh_backward_ignores_dout}),
    )),
    "relu_forward": FunctionSpec(1, _forward_checks("relu_forward"), (
        Mistake("np.max(x, 0) is the largest entry of each column; the element-wise max(x, 0) is np.maximum(x, 0).",
                {"relu_forward": m.relu_column_max}),
        Mistake("ReLU returns max(x, 0), not the mask x > 0 (keep the mask for the cache).", {"relu_forward": m.relu_returns_mask}),
    )),
    "relu_backward": FunctionSpec(2, (
        Check("matches the reference on the same inputs (given the cache of your forward)", "relu_backward.values",
              BuiltOn(same_calls(), "relu_backward"), 2),
        Check("the derivative at exactly x = 0 is 0 (the x <= 0 branch)", "relu_backward.zero",
              BuiltOn(same_calls(), "relu_backward"), 1),
        Check("dx agrees with finite differences of your own relu_forward (away from 0)", "relu_backward.gradient",
              BuiltOn(NamedGradient(), "relu_backward"), 1, False),
        Check("dout and the cache are left unchanged and outputs are new arrays", "relu_backward.values", purity, 0.5, False),
    ), (
        Mistake("At exactly x = 0 the API takes the x <= 0 branch, so the derivative there is 0: use the mask x > 0, "
                "not x >= 0.", {"relu_forward": m.relu_forward_caching_x, "relu_backward": m.relu_backward_slope_one_at_zero}),
        Mistake("Multiply the upstream gradient dout by the mask; the mask alone is only the local derivative.",
                {"relu_backward": m.relu_backward_ignores_dout}),
    )),
    "numerical_gradient": FunctionSpec(2, (
        Check("agrees with the exact gradients of five functions (x of 1, 2 and 3 dimensions)",
              "numerical_gradient.values", ExactGradient(), 2.5),
        Check("uses the step h it is given (centred differences of x**3 with a large h)",
              "numerical_gradient.step", same_calls(), 1),
        Check("works on an integer x (perturbs a float64 copy)", "numerical_gradient.ints", ExactGradient(), 0.5),
        Check("x is left unchanged afterwards (every entry restored exactly) and the gradient is a new array",
              "numerical_gradient.values", purity, 1, False),
    ), (
        Mistake("Use centred differences (f(x + h) - f(x - h)) / (2h): the one-sided (f(x + h) - f(x)) / h is only "
                "accurate to O(h).", {"numerical_gradient": m.numgrad_forward_difference}),
        Mistake("The centred difference divides by 2h, the distance between x + h and x - h, not by h.",
                {"numerical_gradient": m.numgrad_divides_by_h}),
        Mistake("Restore each entry after perturbing it (save the old value and put it back): as it is, x is left "
                "changed and later entries are differentiated at a shifted point.",
                {"numerical_gradient": m.numgrad_no_restore}),
    )),
    "numerical_gradient_array": FunctionSpec(2, (
        Check("agrees with the exact vector-Jacobian products dout . df/dx of four functions",
              "numerical_gradient_array.values", ExactGradient(), 2.5),
        Check("uses the step h it is given (centred differences of x**3 with a large h)",
              "numerical_gradient_array.step", same_calls(), 1),
        Check("x and dout are left unchanged and the gradient is a new array", "numerical_gradient_array.values",
              purity, 0.5, False),
    ), (
        Mistake("Weight the change of every output by dout: grad_i = sum((f(x + h e_i) - f(x - h e_i)) * dout) / (2h).",
                {"numerical_gradient_array": m.numgrad_array_ignores_dout}),
        Mistake("Use centred differences, (f(x + h) - f(x - h)) / (2h), not one-sided ones.",
                {"numerical_gradient_array": m.numgrad_array_forward_difference}),
    )),
    "relative_error": FunctionSpec(1, (
        Check("hand-worked values, the 1e-8 floor, and random arrays", "relative_error.values", same_calls(rtol=1e-9), 1),
    ), (
        Mistake("Keep the floor: divide by max(1e-8, |a| + |b|), otherwise two zeros give 0 / 0 = nan.",
                {"relative_error": m.relative_error_no_floor}),
        Mistake("Report the largest element-wise relative error (max), not the mean.", {"relative_error": m.relative_error_mean}),
        Mistake("The relative error is element-wise, max |a - b| / max(1e-8, |a| + |b|), not a ratio of norms.",
                {"relative_error": m.relative_error_norms}),
    )),
    "mlp_forward": FunctionSpec(2, (
        Check("scores match on random networks of 1 to 3 layers, all three activations (N = 1 included)",
              "mlp_forward.values", BuiltOn(same_calls(), "mlp_forward"), 3),
        Check("params and X are left unchanged and the scores are a new array", "mlp_forward.values",
              BuiltOn(purity, "mlp_forward"), 0.5, False),
    ), (
        Mistake("The last layer is affine only: the scores are logits, so don't apply the activation to them.",
                {"mlp_forward": m.mlp_forward_output_activation}),
        Mistake("Use the activation you are given ('relu', 'sigmoid' or 'tanh') in the hidden layers.",
                {"mlp_forward": m.mlp_forward_always_relu}),
        Mistake("The hidden layers need their activation between the affine layers; without it the network is linear.",
                {"mlp_forward": m.mlp_forward_no_activation}),
    )),
    "mlp_loss": FunctionSpec(4, (
        Check("loss and grads match on random networks of 1 to 3 layers, all three activations (l2 = 0)",
              "mlp_loss.values", BuiltOn(same_calls(), "mlp_loss"), 3),
        Check("the L2 penalty l2 / (2N) * sum ||W_l||^2 (weights only) and its gradient, l2 > 0",
              "mlp_loss.l2", BuiltOn(same_calls(), "mlp_loss"), 1.5),
        Check("grads agree with finite differences of your own mlp_loss (l2 = 0 and l2 > 0)",
              "mlp_loss.gradient", BuiltOn(MlpGradient(), "mlp_loss"), 1.5, False),
        Check("params, X and y are left unchanged and grads are new arrays", "mlp_loss.values",
              BuiltOn(purity, "mlp_loss"), 0.5, False),
    ), (
        Mistake("Divide the penalty by the batch size: l2 / (2N) * sum ||W||^2, whose gradient is l2 / N * W.",
                {"mlp_loss": m.mlp_loss_penalty_without_n}),
        Mistake("The penalty covers the weights only: leave the biases out of it.", {"mlp_loss": m.mlp_loss_penalty_on_biases}),
        Mistake("The penalty is in your loss but not in your gradients: add l2 / N * W_l to each weight's gradient.",
                {"mlp_loss": m.mlp_loss_penalty_gradient_missing}),
        Mistake("The last layer is affine only: the scores go straight into the softmax, without the activation.",
                {"mlp_loss": m.mlp_loss_output_activation}),
    )),
}
