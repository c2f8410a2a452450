"""Chapter 03 checks: correct implementations written differently earn full marks, specific
wrong behaviours fail the check meant for them, and a broken building block is named
under the functions built on it."""
import numpy as np
import pytest
from scipy.special import expit

from autograder.authoring.source import provided_source, solution_source
from autograder.checks import check_function
from autograder.course import chapter

from .support import grade_with, stub


def full_marks(name, **overrides):
    report = grade_with(name, **overrides)
    assert report.earned == report.points, report.render_text()


def failed_checks(report):
    return [c.name for c in report.checks if not c.passed]


# --------------------------------------------------------------------------- layers


def sigmoid_via_tanh(x):
    """sigma(x) = (1 + tanh(x / 2)) / 2: another stable formula."""
    out = 0.5 * (1 + np.tanh(np.asarray(x, float) / 2))
    return out, {"s": out.copy()}


def sigmoid_backward_dict(dout, cache):
    s = cache["s"]
    return dout * s * (1 - s)


def relu_caching_x(x):
    x = np.asarray(x, float)
    return x * (x > 0), x.copy()


def relu_backward_from_x(dout, cache):
    return dout * (cache > 0)


def affine_forward_dict(x, W, b):
    x, W, b = (np.asarray(a, float) for a in (x, W, b))
    out = np.einsum("nd,dm->nm", x, W) + b[None, :]
    return out, {"x": x.copy(), "W": W.copy()}


def affine_backward_loops(dout, cache):
    x, W = cache["x"], cache["W"]
    n, d = x.shape
    m = W.shape[1]
    dx, dW, db = np.zeros((n, d)), np.zeros((d, m)), np.zeros(m)
    for i in range(n):
        dx[i] = W @ dout[i]
        dW += np.outer(x[i], dout[i])
        db += dout[i]
    return dx, dW, db


def test_other_correct_layers_get_full_marks():
    full_marks("sigmoid_forward", sigmoid_forward=sigmoid_via_tanh)
    full_marks("sigmoid_forward", sigmoid_forward=lambda x: (expit(x), expit(x)))
    full_marks("sigmoid_backward", sigmoid_forward=sigmoid_via_tanh, sigmoid_backward=sigmoid_backward_dict)
    full_marks("relu_forward", relu_forward=relu_caching_x)
    full_marks("relu_backward", relu_forward=relu_caching_x, relu_backward=relu_backward_from_x)
    full_marks("affine_forward", affine_forward=affine_forward_dict)
    full_marks("affine_backward", affine_forward=affine_forward_dict, affine_backward=affine_backward_loops)


@pytest.mark.parametrize("name,naive", [
    ("sigmoid_forward", lambda x: (1 / (1 + np.exp(-x)),) * 2),
    ("tanh_forward", lambda x: ((np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x)),) * 2),
])
def test_an_overflowing_activation_loses_only_the_stability_check(name, naive):
    report = grade_with(name, **{name: naive})
    assert failed_checks(report) == ["stable for |x| up to 1e4, without overflow warnings"], report.render_text()


def test_a_backward_that_overwrites_dout_fails_only_purity():
    def relu_backward_in_place(dout, cache):
        dout[~cache] = 0
        return dout

    report = grade_with("relu_backward", relu_backward=relu_backward_in_place)
    assert failed_checks(report) == ["dout and the cache are left unchanged and outputs are new arrays"], report.render_text()


def test_a_wrong_forward_is_blamed_under_its_backward():
    from autograder.checks.mistakes import ch03 as m

    # tanh(x / 2) caches the wrong t: the backward's values and its gradient check both fail
    report = grade_with("tanh_backward", tanh_forward=m.tanh_from_sigmoid_without_doubling)
    messages = [c.message for c in report.checks if not c.passed][:2]
    assert len(messages) == 2 and all("`tanh_forward` gives wrong values" in msg for msg in messages), \
        report.render_text()
    # sigma(-x) caches 1 - sigma(x), on which s (1 - s) is right: only the gradient check fails
    report = grade_with("sigmoid_backward", sigmoid_forward=m.sigmoid_sign_slip)
    assert failed_checks(report) == ["dx agrees with finite differences of your own sigmoid_forward"], report.render_text()
    assert "`sigmoid_forward` gives wrong values" in report.render_text(), report.render_text()


def test_an_unfinished_forward_stops_its_backward_with_a_clear_message():
    report = grade_with("tanh_backward", tanh_forward=stub)
    assert report.earned == 0
    assert "needs a cache from `tanh_forward`" in report.error, report.render_text()


# --------------------------------------------------------------------------- numerical gradients


def numgrad_in_place_restored(f, x, h=1e-5):
    """Perturbs x itself (float64 input) and restores every entry exactly: allowed."""
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros(x.shape)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        fp = f(x)
        flat[i] = old - h
        fm = f(x)
        flat[i] = old
        gflat[i] = (fp - fm) / (2 * h)
    return grad


def numgrad_on_copies(f, x, h=1e-5):
    x = np.array(x, dtype=np.float64)
    grad = np.empty_like(x)
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += h
        xm[idx] -= h
        grad[idx] = (f(xp) - f(xm)) / (2 * h)
    return grad


def numgrad_array_vectorised_over_outputs(f, x, dout, h=1e-5):
    """Builds the Jacobian column by column, then contracts it with dout."""
    x = np.array(x, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    grad = np.empty(x.size)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        column = (np.asarray(f(x + e.reshape(x.shape))) - np.asarray(f(x - e.reshape(x.shape)))) / (2 * h)
        grad[i] = np.vdot(column, dout)
    return grad.reshape(x.shape)


def test_other_correct_numerical_gradients_get_full_marks():
    full_marks("numerical_gradient", numerical_gradient=numgrad_in_place_restored)
    full_marks("numerical_gradient", numerical_gradient=numgrad_on_copies)
    full_marks("numerical_gradient_array", numerical_gradient_array=numgrad_array_vectorised_over_outputs)
    full_marks("relative_error", relative_error=lambda a, b: float(np.max(
        np.abs(np.subtract(a, b)) / np.fmax(1e-8, np.abs(a) + np.abs(b)))))


def test_perturbing_an_integer_array_in_place_fails_only_the_integer_check():
    def in_place_any_dtype(f, x, h=1e-5):
        x = np.asarray(x)  # an integer x stays integer: x + h is rounded back
        grad = np.zeros(x.shape)
        for idx in np.ndindex(x.shape):
            old = x[idx]
            x[idx] = old + h
            fp = f(x)
            x[idx] = old - h
            fm = f(x)
            x[idx] = old
            grad[idx] = (fp - fm) / (2 * h)
        return grad

    report = grade_with("numerical_gradient", numerical_gradient=in_place_any_dtype)
    assert failed_checks(report) == ["works on an integer x (perturbs a float64 copy)"], report.render_text()


def test_a_one_sided_difference_is_too_inaccurate():
    from autograder.checks.mistakes import ch03 as m

    report = grade_with("numerical_gradient", numerical_gradient=m.numgrad_forward_difference)
    assert "agrees with the exact gradients of five functions (x of 1, 2 and 3 dimensions)" in failed_checks(report)


# --------------------------------------------------------------------------- the MLP


def mlp_forward_self_contained(params, X, activation="relu"):
    """Its own loop and activations, none of the notebook's layer functions."""
    g = {"relu": lambda z: np.where(z > 0, z, 0.0), "sigmoid": expit, "tanh": np.tanh}[activation]
    L = len([k for k in params if k.startswith("W")])
    a = np.asarray(X, float)
    for l in range(1, L + 1):
        z = a @ params[f"W{l}"] + params[f"b{l}"]
        a = g(z) if l < L else z
    return a


def mlp_loss_self_contained(params, X, y, activation="relu", l2=0.0):
    g = {"relu": (lambda z: np.maximum(z, 0), lambda z, a: (z > 0).astype(float)),
         "sigmoid": (expit, lambda z, a: a * (1 - a)),
         "tanh": (np.tanh, lambda z, a: 1 - a**2)}[activation]
    L = len([k for k in params if k.startswith("W")])
    X = np.asarray(X, float)
    n = len(X)
    zs, acts = [], [X]
    for l in range(1, L + 1):
        z = acts[-1] @ params[f"W{l}"] + params[f"b{l}"]
        zs.append(z)
        acts.append(g[0](z) if l < L else z)
    scores = acts[-1]
    logp = scores - scores.max(axis=1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(axis=1, keepdims=True))
    loss = -logp[np.arange(n), y].mean() + l2 / (2 * n) * sum(np.sum(params[f"W{l}"] ** 2) for l in range(1, L + 1))
    d = np.exp(logp)
    d[np.arange(n), y] -= 1
    d /= n
    grads = {}
    for l in range(L, 0, -1):
        grads[f"W{l}"] = acts[l - 1].T @ d + l2 / n * params[f"W{l}"]
        grads[f"b{l}"] = d.sum(axis=0)
        if l > 1:
            d = (d @ params[f"W{l}"].T) * g[1](zs[l - 2], acts[l - 1])
    return float(loss), grads


def test_self_contained_mlp_functions_get_full_marks():
    full_marks("mlp_forward", mlp_forward=mlp_forward_self_contained)
    full_marks("mlp_loss", mlp_loss=mlp_loss_self_contained)


def notebook_namespace(**overrides):
    """The chapter 03 notebook's globals after running every cell: the solution cells and
    the provided softmax_cross_entropy, with ``overrides`` (a student's versions) on top."""
    ns = {"np": np}
    exec(provided_source("softmax_cross_entropy"), ns)  # noqa: S102 - our own reference source
    for name in chapter("03").names:
        exec(solution_source(name), ns)  # noqa: S102
    ns.update(overrides)
    return ns


def test_solution_cells_in_a_notebook_namespace_get_full_marks():
    ns = notebook_namespace()
    for name in ("mlp_forward", "mlp_loss", "relu_backward"):
        report = check_function(name, ns)
        assert report.earned == report.points, report.render_text()


def test_a_bug_in_affine_forward_is_named_under_mlp_loss():
    from autograder.checks.mistakes import ch03 as m

    report = check_function("mlp_loss", notebook_namespace(affine_forward=m.affine_no_bias))
    assert report.earned < report.points
    messages = [c.message for c in report.checks if not c.passed]
    assert messages and all("`affine_forward` gives wrong values" in msg for msg in messages), report.render_text()


def test_an_unfinished_relu_backward_is_named_under_mlp_loss():
    report = check_function("mlp_loss", notebook_namespace(relu_backward=stub))
    assert report.earned < report.points and not report.error, report.render_text()
    assert "`relu_backward` still raises NotImplementedError" in report.render_text(), report.render_text()


def test_the_untouched_notebook_says_mlp_loss_is_not_implemented():
    stubs = {}
    for name in chapter("03").names:  # stubs as in the released notebook, each under its own name
        exec(f"def {name}(*args, **kwargs):\n    raise NotImplementedError()", stubs)  # noqa: S102
    report = check_function("mlp_loss", notebook_namespace(**{n: stubs[n] for n in chapter("03").names}))
    assert report.earned == 0
    assert "not implemented" in report.error, report.render_text()
