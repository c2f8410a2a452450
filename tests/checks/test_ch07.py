"""Chapter 07 checks: correct batch normalizations written differently earn full marks, and
specific wrong behaviours fail the intended check (and only it)."""
import numpy as np
import pytest

from autograder.checks.judges import ch07 as judges
from autograder.reference import batchnorm_forward as reference_forward

from .support import grade_with


def failed_checks(report):
    return [c.name for c in report.checks if not c.passed]


def full_marks(report):
    return report.earned == report.points and not report.error


PURITY = next(c.name for c in judges.FUNCTIONS["batchnorm_forward"].checks if c.scenario.endswith("purity"))
SINGLE = next(c.name for c in judges.FUNCTIONS["batchnorm_forward"].checks if c.scenario.endswith("single"))
LARGE_MEAN = next(c.name for c in judges.FUNCTIONS["batchnorm_forward"].checks if c.scenario.endswith("large_mean"))
BACKWARD_PURITY = judges.FUNCTIONS["batchnorm_backward"].checks[-1].name


# --------------------------------------------------------------------------- correct alternatives


def graph_forward(x, gamma, beta, running_mean, running_var, mode="train", momentum=0.1, eps=1e-5):
    """CS231n's staged computation, with np.var(ddof=1) for the running variance."""
    x = np.asarray(x, dtype=float)
    if mode == "train":
        if x.shape[0] < 2:
            raise ValueError("need two examples")
        mu = x.mean(axis=0)
        xmu = x - mu
        var = (xmu**2).mean(axis=0)
        sqrtvar = np.sqrt(var + eps)
        ivar = 1.0 / sqrtvar
        xhat = xmu * ivar
        new_mean = (1 - momentum) * running_mean + momentum * mu
        new_var = (1 - momentum) * running_var + momentum * np.var(x, axis=0, ddof=1)
        cache = ("train", xhat, gamma, xmu, ivar, sqrtvar, var, eps)
    else:
        xhat = (x - running_mean) / np.sqrt(running_var + eps)
        new_mean, new_var = np.array(running_mean, dtype=float), np.array(running_var, dtype=float)
        cache = ("test", xhat, gamma, None, 1 / np.sqrt(running_var + eps), None, None, eps)
    return gamma * xhat + beta, cache, new_mean, new_var


def graph_backward(dout, cache):
    """Node-by-node backpropagation through mean, variance and square root."""
    mode, xhat, gamma, xmu, ivar, sqrtvar, var, eps = cache
    n = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    if mode == "test":
        return dxhat * ivar, dgamma, dbeta
    divar = (dxhat * xmu).sum(axis=0)
    dxmu1 = dxhat * ivar
    dsqrtvar = -divar / sqrtvar**2
    dvar = 0.5 / np.sqrt(var + eps) * dsqrtvar
    dsq = np.ones_like(dout) / n * dvar
    dxmu2 = 2 * xmu * dsq
    dx1 = dxmu1 + dxmu2
    dmu = -dx1.sum(axis=0)
    return dx1 + dmu / n, dgamma, dbeta


def loop_forward(x, gamma, beta, running_mean, running_var, mode="train", momentum=0.1, eps=1e-5):
    """Feature by feature, with Python's statistics written out."""
    x = np.asarray(x, dtype=float)
    n, d = x.shape
    if mode == "train" and n < 2:
        raise ValueError("need two examples")
    out = np.empty_like(x)
    new_mean, new_var = np.empty(d), np.empty(d)
    stds = np.empty(d)
    for j in range(d):
        col = x[:, j]
        if mode == "train":
            m = sum(col) / n
            v = sum((c - m) ** 2 for c in col) / n
            new_mean[j] = (1 - momentum) * running_mean[j] + momentum * m
            new_var[j] = (1 - momentum) * running_var[j] + momentum * v * n / (n - 1)
        else:
            m, v = running_mean[j], running_var[j]
            new_mean[j], new_var[j] = running_mean[j], running_var[j]
        stds[j] = np.sqrt(v + eps)
        out[:, j] = gamma[j] * (col - m) / stds[j] + beta[j]
    xhat = (out - beta) / gamma
    return out, (xhat, gamma, stds), new_mean, new_var


def loop_backward(dout, cache):
    xhat, gamma, stds = cache
    n, d = dout.shape
    dx = np.empty_like(dout)
    dgamma, dbeta = np.empty(d), np.empty(d)
    for j in range(d):
        dbeta[j] = dout[:, j].sum()
        dgamma[j] = (dout[:, j] * xhat[:, j]).sum()
        dx[:, j] = gamma[j] / stds[j] * (dout[:, j] - dbeta[j] / n - xhat[:, j] * dgamma[j] / n)
    return dx, dgamma, dbeta


@pytest.mark.parametrize("name", ["batchnorm_forward", "batchnorm_backward"])
@pytest.mark.parametrize("forward,backward", [(graph_forward, graph_backward), (loop_forward, loop_backward)],
                         ids=["staged graph", "loops"])
def test_correct_alternatives_get_full_marks(name, forward, backward):
    report = grade_with(name, batchnorm_forward=forward, batchnorm_backward=backward)
    assert full_marks(report), report.render_text()


# --------------------------------------------------------------------------- wrong behaviours


def test_updating_running_statistics_in_place_fails_only_purity():
    def in_place(x, gamma, beta, running_mean, running_var, mode="train", momentum=0.1, eps=1e-5):
        out, cache, new_mean, new_var = reference_forward(x, gamma, beta, running_mean, running_var, mode, momentum, eps)
        running_mean *= 1 - momentum  # the CS231n habit: write the statistics back
        running_mean += momentum * 0.0
        return out, cache, new_mean, new_var

    report = grade_with("batchnorm_forward", batchnorm_forward=in_place)
    assert failed_checks(report) == [PURITY], report.render_text()
    assert report.checks[-1].message == judges.IN_PLACE


def test_returning_the_running_statistics_themselves_in_test_mode_fails_only_purity():
    def no_copy(x, gamma, beta, running_mean, running_var, mode="train", momentum=0.1, eps=1e-5):
        out, cache, new_mean, new_var = reference_forward(x, gamma, beta, running_mean, running_var, mode, momentum, eps)
        if mode == "test":
            return out, cache, running_mean, running_var
        return out, cache, new_mean, new_var

    report = grade_with("batchnorm_forward", batchnorm_forward=no_copy)
    assert failed_checks(report) == [PURITY], report.render_text()
    assert "new_running_mean is running_mean itself" in report.checks[-1].message


def test_no_error_for_a_single_example_fails_only_that_check():
    def lenient(x, gamma, beta, running_mean, running_var, mode="train", momentum=0.1, eps=1e-5):
        if mode == "train" and np.shape(x)[0] == 1:
            x = np.asarray(x, dtype=float)
            return beta + 0 * x, {}, np.array(running_mean, dtype=float), np.array(running_var, dtype=float)
        return reference_forward(x, gamma, beta, running_mean, running_var, mode, momentum, eps)

    report = grade_with("batchnorm_forward", batchnorm_forward=lenient)
    assert failed_checks(report) == [SINGLE], report.render_text()


def test_one_pass_variance_fails_only_the_large_mean_check():
    def one_pass(x, gamma, beta, running_mean, running_var, mode="train", momentum=0.1, eps=1e-5):
        x = np.asarray(x, dtype=float)
        if mode != "train":
            return reference_forward(x, gamma, beta, running_mean, running_var, mode, momentum, eps)
        n = x.shape[0]
        if n < 2:
            raise ValueError("need two examples")
        mu = x.mean(axis=0)
        var = (x**2).mean(axis=0) - mu**2
        std = np.sqrt(var + eps)
        xhat = (x - mu) / std
        return (gamma * xhat + beta, {"mode": "train", "x_hat": xhat, "gamma": gamma, "std": std},
                (1 - momentum) * running_mean + momentum * mu,
                (1 - momentum) * running_var + momentum * var * n / (n - 1))

    report = grade_with("batchnorm_forward", batchnorm_forward=one_pass)
    assert failed_checks(report) == [LARGE_MEAN], report.render_text()


def test_forward_returning_three_values_is_told_the_signature():
    def three(x, gamma, beta, running_mean, running_var, mode="train", momentum=0.1, eps=1e-5):
        out, cache, m, v = reference_forward(x, gamma, beta, running_mean, running_var, mode, momentum, eps)
        return out, m, v

    report = grade_with("batchnorm_forward", batchnorm_forward=three)
    assert all(not c.passed for c in report.checks[:3]), report.render_text()
    assert "(out, cache, new_running_mean, new_running_var)" in report.render_text(), report.render_text()


def test_backward_scaling_dout_in_place_fails_only_purity():
    def in_place(dout, cache):
        x_hat, gamma, std = cache["x_hat"], cache["gamma"], cache["std"]
        n = dout.shape[0]
        dbeta = dout.sum(axis=0)
        dgamma = (dout * x_hat).sum(axis=0)
        dout -= dbeta / n + x_hat * dgamma / n  # right values, written into the caller's dout
        dout *= gamma / std
        return dout.copy(), dgamma, dbeta

    report = grade_with("batchnorm_backward", batchnorm_backward=in_place)
    assert failed_checks(report) == [BACKWARD_PURITY], report.render_text()


def test_naive_backward_keeps_the_parameter_gradients():
    report = grade_with("batchnorm_backward", batchnorm_backward=lambda dout, c: (
        dout * c["gamma"] / c["std"], (dout * c["x_hat"]).sum(axis=0), dout.sum(axis=0)))
    assert failed_checks(report) == [judges.FUNCTIONS["batchnorm_backward"].checks[0].name,
                                     judges.FUNCTIONS["batchnorm_backward"].checks[2].name], report.render_text()
    assert "Every output depends on every input of its feature" in report.checks[0].message
