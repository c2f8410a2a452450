"""Chapter 01, loss and cost functions: what is graded and the mistakes we recognise."""
from __future__ import annotations

from ..compare import FiniteLoss, gradient_consistent, purity, same_calls
from ..mistakes import ch01 as m
from .base import Check, FunctionSpec, Mistake


def _loss_checks(name: str, weighted: bool = True, extreme: str | None = None) -> tuple[Check, ...]:
    checks = [
        Check("loss and gradient match on random inputs (N = 1 and odd sizes included)", f"{name}.values", same_calls(), 3),
        Check("the gradient matches centred finite differences of the loss", f"{name}.gradient", gradient_consistent, 1, False),
        Check("inputs are left unchanged and outputs are new arrays", f"{name}.values", purity, 0.5, False),
    ]
    if weighted:
        checks.insert(1, Check("sample weights: J = sum s_i L_i / sum s_i, and its gradient", f"{name}.weighted", same_calls(), 1))
    if extreme == "finite":
        checks.append(Check("finite loss and gradient at probabilities exactly 0 and 1, without warnings", f"{name}.extreme", FiniteLoss(), 1))
    elif extreme == "exact":
        checks.append(Check("stable for inputs of magnitude 1e4, without overflow warnings", f"{name}.extreme", same_calls(), 1))
    return tuple(checks)


FUNCTIONS = {
    "l1_loss": FunctionSpec(2, _loss_checks("l1_loss"), (
        Mistake("You average |y - yhat| over all N*D entries; the loss sums over the outputs of an example and averages over the N examples.",
                {"l1_loss": m.l1_mean_over_entries}),
        Mistake("Your gradient is missing the 1/N of the average over the batch.", {"l1_loss": m.l1_no_batch_average_in_gradient}),
        Mistake("With sample weights, divide by the sum of the weights, not by N.", {"l1_loss": m.l1_weights_over_n}),
    )),
    "l2_loss": FunctionSpec(2, _loss_checks("l2_loss"), (
        Mistake("You average the squared errors over all N*D entries (that is mse_loss); l2_loss sums over outputs and averages over examples.",
                {"l2_loss": m.l2_mean_over_entries}),
        Mistake("Your gradient is missing the factor 2 from differentiating the square.", {"l2_loss": m.l2_gradient_without_2}),
        Mistake("Your gradient has the wrong sign: d/dyhat (y - yhat)^2 = 2 (yhat - y).", {"l2_loss": m.l2_gradient_wrong_sign}),
        Mistake("With sample weights, divide by the sum of the weights, not by N.", {"l2_loss": m.l2_weights_over_n}),
    )),
    "mse_loss": FunctionSpec(2, _loss_checks("mse_loss", weighted=False), (
        Mistake("mse_loss averages over all N*D elements (PyTorch's MSELoss); you divide by N only.", {"mse_loss": m.mse_over_n_only}),
        Mistake("Your gradient is missing the factor 2 from differentiating the square.", {"mse_loss": m.mse_gradient_without_2}),
    )),
    "binary_cross_entropy": FunctionSpec(3, _loss_checks("binary_cross_entropy", extreme="finite"), (
        Mistake("The second term must be (1 - y) log(1 - p), not (1 - y)(1 - log p) (a slip in the source notes).",
                {"binary_cross_entropy": m.bce_one_minus_log}),
        Mistake("Clip p to [eps, 1 - eps] before taking logs: log(0) is -inf.", {"binary_cross_entropy": m.bce_no_clip}),
        Mistake("You average over all N*D entries; sum over the outputs of an example and average over examples.",
                {"binary_cross_entropy": m.bce_mean_over_entries}),
        Mistake("Your gradient is missing the 1/N of the average over the batch.", {"binary_cross_entropy": m.bce_no_batch_average_in_gradient}),
    )),
    "sigmoid_bce_with_logits": FunctionSpec(3, _loss_checks("sigmoid_bce_with_logits", extreme="exact"), (
        Mistake("You compute log(sigmoid(z)) literally, which overflows for large |z|; write the loss as log(1 + exp(z)) - y z with a stable log1p/logaddexp.",
                {"sigmoid_bce_with_logits": m.sigmoid_bce_naive}),
        Mistake("Your gradient is missing the 1/N of the average over the batch.", {"sigmoid_bce_with_logits": m.sigmoid_bce_no_batch_average}),
    )),
    "softmax": FunctionSpec(2, (
        Check("probabilities match on random logits (N = 1 and odd sizes included)", "softmax.values", same_calls(), 3),
        Check("stable for logits of magnitude 1e4, without overflow warnings", "softmax.extreme", same_calls(), 1),
        Check("inputs are left unchanged and outputs are new arrays", "softmax.values", purity, 0.5, False),
    ), (
        Mistake("Subtract each row's maximum before exponentiating: exp(1e4) overflows.", {"softmax": m.softmax_no_shift}),
        Mistake("Normalise each row (axis=1, one example per row), not each column.", {"softmax": m.softmax_wrong_axis}),
    )),
    "softmax_cross_entropy": FunctionSpec(3, _loss_checks("softmax_cross_entropy", extreme="exact"), (
        Mistake("Your gradient is missing the 1/N of the average over the batch: dz = (softmax(z) - onehot(y)) / N.",
                {"softmax_cross_entropy": m.softmax_ce_no_batch_average}),
        Mistake("Taking log(softmax(z)) gives log(0) = -inf for very negative logits; compute log-softmax as z - max - log(sum(exp(z - max))).",
                {"softmax_cross_entropy": m.softmax_ce_log_of_softmax}),
        Mistake("Your gradient has the wrong sign: dz = softmax(z) - onehot(y), not onehot(y) - softmax(z).",
                {"softmax_cross_entropy": m.softmax_ce_gradient_sign}),
    )),
}
