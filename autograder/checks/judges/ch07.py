"""Chapter 07, batch normalization: what is graded and the mistakes we recognise.

Each output of ``batchnorm_forward`` earns its own share (the normalized output, the
running statistics), through :class:`compare.Part`. Purity is judged per argument by
:class:`BatchnormPurity`, so that updating the running statistics in place (what
CS231n's ``bn_param`` does) is named as such.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..compare import UNREADABLE, Part, Raises, call_error, failure, gradient_consistent, purity, same_calls
from ..mistakes import ch07 as m
from .base import Check, FunctionSpec, Mistake

IN_PLACE = ("Don't update running_mean and running_var in place: the caller's arrays must not change; "
            "return the new running statistics as new arrays.")

FORWARD_OUTPUTS = ("out", "new_running_mean", "new_running_var")
BACKWARD_OUTPUTS = ("dx", "dgamma", "dbeta")


@dataclass(frozen=True)
class BatchnormPurity:
    """No argument modified, running statistics in particular; no output is an input or a view of one."""

    def __call__(self, actual, expected) -> tuple[bool, str]:
        problem = failure(actual)
        if problem:
            return False, problem
        items = actual.get("purity") if isinstance(actual, dict) else None
        if not isinstance(items, list) or len(items) != len(expected["purity"]) or not all(isinstance(i, dict) for i in items):
            return False, UNREADABLE
        for item, exp in zip(items, expected["purity"]):
            label = exp["label"]
            if item.get("error"):
                return False, call_error(label, str(item["error"]))
            changed = [str(c) for c in item.get("changed") or []]
            if "running_mean" in changed or "running_var" in changed:
                return False, IN_PLACE
            if changed:
                return False, f"on {label} it modifies {', '.join(changed)} in place; work on new arrays"
            aliased = item.get("aliased") or []
            if aliased:
                out_name, arg_name = (str(s) for s in aliased[0])
                return False, (f"on {label}, the returned {out_name} is {arg_name} itself (or a view of it): "
                               "return a new array (a copy in test mode)")
        return True, ""


FUNCTIONS = {
    "batchnorm_forward": FunctionSpec(4, (
        Check("train mode: out is normalized with the batch mean and the biased batch variance "
              "(N = 2 and odd sizes included)", "batchnorm_forward.train", Part((0,), FORWARD_OUTPUTS), 2),
        Check("train mode: running statistics updated with momentum and the unbiased batch variance",
              "batchnorm_forward.train", Part((1, 2), FORWARD_OUTPUTS), 1.5),
        Check("test mode: normalizes with the running statistics and returns them unchanged (N = 1 included)",
              "batchnorm_forward.test", same_calls(), 1.5),
        Check("train mode with N = 1 raises ValueError (the unbiased variance needs N >= 2)",
              "batchnorm_forward.single", Raises(), 0.5, False),
        Check("accurate variance for features with means of 1e6 and spreads near 1",
              "batchnorm_forward.large_mean", same_calls(), 0.5),
        Check("inputs are left unchanged (running statistics are not updated in place) and outputs are new arrays",
              "batchnorm_forward.purity", BatchnormPurity(), 0.5, False),
    ), (
        Mistake("Normalize with the biased batch variance (divide by N); the unbiased one (N - 1) is only for "
                "updating the running variance.", {"batchnorm_forward": m.batchnorm_forward_unbiased}),
        Mistake("Update the running variance with the unbiased batch variance (divide by N - 1), as PyTorch does; "
                "you use the biased one.", {"batchnorm_forward": m.batchnorm_forward_running_biased}),
        Mistake("The momentum weighs the new batch: new = (1 - momentum) * running + momentum * batch "
                "(PyTorch's convention); yours is swapped.", {"batchnorm_forward": m.batchnorm_forward_momentum_swapped}),
        Mistake("eps goes inside the square root: divide by sqrt(var + eps), not sqrt(var) + eps.",
                {"batchnorm_forward": m.batchnorm_forward_eps_outside}),
        Mistake("In test mode normalize with the running statistics, not with the statistics of the test batch.",
                {"batchnorm_forward": m.batchnorm_forward_test_batch_stats}),
        Mistake("mean(x^2) - mean(x)^2 loses every digit when the mean is large compared with the spread: "
                "compute the variance as the mean of (x - mu)^2.", {"batchnorm_forward": m.batchnorm_forward_one_pass}),
        Mistake(IN_PLACE, {"batchnorm_forward": m.batchnorm_forward_in_place}),
    )),
    "batchnorm_backward": FunctionSpec(4, (
        Check("dx matches on random batches (N = 2 and odd sizes included)", "batchnorm_backward.values",
              Part((0,), BACKWARD_OUTPUTS), 2),
        Check("dgamma and dbeta match (sums over the batch)", "batchnorm_backward.values",
              Part((1, 2), BACKWARD_OUTPUTS), 1),
        Check("dx, dgamma and dbeta agree with centred finite differences of the forward pass",
              "batchnorm_backward.gradient", gradient_consistent, 1.5, False),
        Check("inputs are left unchanged and outputs are new arrays", "batchnorm_backward.values", purity, 0.5, False),
    ), (
        Mistake("Every output depends on every input of its feature through the batch mean and variance: "
                "dx = gamma / std * (dout - mean(dout) - x_hat * mean(dout * x_hat)), not just dout * gamma / std.",
                {"batchnorm_backward": m.batchnorm_backward_naive}),
        Mistake("dx is missing the path through the batch variance: subtract x_hat * mean(dout * x_hat) too.",
                {"batchnorm_backward": m.batchnorm_backward_no_variance_path}),
        Mistake("dgamma = sum(dout * x_hat): gamma multiplies the normalized x_hat, not x.",
                {"batchnorm_forward": m.batchnorm_forward_keeping_x, "batchnorm_backward": m.batchnorm_backward_dgamma_with_x}),
        Mistake("dgamma and dbeta are sums over the batch, not means.", {"batchnorm_backward": m.batchnorm_backward_mean_params}),
    )),
}
