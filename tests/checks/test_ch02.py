"""Chapter 02 checks: correct implementations written differently earn full marks, and
specific wrong behaviours fail the check meant for them (and only that one)."""
import math

import numpy as np

from autograder.authoring.source import solution_source
from autograder.checks import check_function

from .support import grade_with


def full_marks(name, fn):
    report = grade_with(name, **{name: fn})
    assert report.earned == report.points, report.render_text()


def failed_checks(report):
    return [c.name for c in report.checks if not c.passed]


# --------------------------------------------------------------------------- iterate_minibatches


def minibatches_with_loops(X, y, batch_size, rng=None):
    """Python loops, rng.shuffle on an index list instead of rng.permutation, copies not views."""
    n = len(X)
    order = list(range(n))
    if rng is not None:
        idx = np.arange(n)
        rng.shuffle(idx)
        order = [int(i) for i in idx]
    batch = []
    for i in order:
        batch.append(i)
        if len(batch) == batch_size:
            yield np.array([X[j] for j in batch]), np.array([y[j] for j in batch])
            batch = []
    if batch:
        yield np.array([X[j] for j in batch]), np.array([y[j] for j in batch])


def minibatches_sorted_within_batches(X, y, batch_size, rng=None):
    """Random batch membership, each batch in increasing index order: still a valid shuffle."""
    X, y = np.asarray(X), np.asarray(y)
    n = len(X)
    order = np.arange(n) if rng is None else rng.permuted(np.arange(n))
    for start in range(0, n, batch_size):
        idx = np.sort(order[start:start + batch_size])
        yield X[idx], y[idx]


def minibatches_as_list(X, y, batch_size, rng=None):
    """A list instead of a generator: iterating over it gives the same batches."""
    X, y = np.asarray(X), np.asarray(y)
    order = np.arange(len(X)) if rng is None else rng.permutation(len(X))
    return [(X[order[s:s + batch_size]], y[order[s:s + batch_size]]) for s in range(0, len(X), batch_size)]


def test_other_correct_minibatch_iterators_get_full_marks():
    for fn in (minibatches_with_loops, minibatches_sorted_within_batches, minibatches_as_list):
        full_marks("iterate_minibatches", fn)


def test_shuffling_the_callers_arrays_in_place_fails_only_purity():
    def in_place(X, y, batch_size, rng=None):
        if rng is not None:
            order = rng.permutation(len(X))
            X[:] = X[order]  # reorders the caller's arrays
            y[:] = y[order]
        for start in range(0, len(X), batch_size):
            yield X[start:start + batch_size].copy(), y[start:start + batch_size].copy()

    report = grade_with("iterate_minibatches", iterate_minibatches=in_place)
    assert failed_checks(report) == ["X and y are left unchanged"], report.render_text()


def test_a_rotation_is_not_a_shuffle():
    def rotated(X, y, batch_size, rng=None):
        X, y = np.asarray(X), np.asarray(y)
        order = np.arange(len(X)) if rng is None else np.roll(np.arange(len(X)), int(rng.integers(1, len(X) + 1)))
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            yield X[idx], y[idx]

    report = grade_with("iterate_minibatches", iterate_minibatches=rotated)
    assert failed_checks(report) == ["with an rng: really shuffled, anew at every epoch, and the same for the same seed"], \
        report.render_text()
    assert "neighbouring examples" in report.render_text()


def test_reusing_a_copy_of_the_generator_repeats_the_epoch():
    def same_order_each_call(X, y, batch_size, rng=None):
        """Draws from a copy of rng, so the caller's generator never advances."""
        X, y = np.asarray(X), np.asarray(y)
        order = np.arange(len(X))
        if rng is not None:
            twin = np.random.default_rng()
            twin.bit_generator.state = rng.bit_generator.state
            order = twin.permutation(len(X))
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            yield X[idx], y[idx]

    report = grade_with("iterate_minibatches", iterate_minibatches=same_order_each_call)
    assert failed_checks(report) == ["with an rng: really shuffled, anew at every epoch, and the same for the same seed"], \
        report.render_text()
    assert "two epochs drawn with the same rng" in report.render_text()


# --------------------------------------------------------------------------- update rules


def adam_with_loops(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Entry by entry with math.sqrt, and the corrections precomputed."""
    w, dw, m, v = (np.array(a, dtype=float) for a in (w, dw, m, v))
    c1, c2 = 1 - beta1**t, 1 - beta2**t
    w_new, m_new, v_new = np.empty_like(w), np.empty_like(w), np.empty_like(w)
    for i in np.ndindex(w.shape):
        m_new[i] = beta1 * m[i] + (1 - beta1) * dw[i]
        v_new[i] = beta2 * v[i] + (1 - beta2) * dw[i] * dw[i]
        w_new[i] = w[i] - lr * (m_new[i] / c1) / (math.sqrt(v_new[i] / c2) + eps)
    return w_new, m_new, v_new


def rmsprop_other_form(w, dw, cache, lr, decay=0.99, eps=1e-8):
    """s = s + (1 - decay)(dw^2 - s), algebraically the same running average."""
    dw = np.asarray(dw, float)
    s = np.asarray(cache, float) + (1 - decay) * (dw**2 - np.asarray(cache, float))
    return np.asarray(w, float) - lr * dw / (np.power(s, 0.5) + eps), s


def momentum_other_order(w, dw, velocity, lr, beta=0.9):
    v = np.add(dw, np.multiply(beta, velocity))
    return np.subtract(w, lr * v), v


def test_other_correct_update_rules_get_full_marks():
    full_marks("adam_step", adam_with_loops)
    full_marks("rmsprop_step", rmsprop_other_form)
    full_marks("momentum_step", momentum_other_order)
    full_marks("lr_time_decay", lambda lr0, decay, epoch: lr0 * (1 + decay * epoch) ** -1)


def test_in_place_updates_fail_only_purity():
    def sgd_in_place(w, dw, lr):
        w -= lr * dw
        return w

    def adam_in_place(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        m *= beta1
        m += (1 - beta1) * dw
        v *= beta2
        v += (1 - beta2) * dw**2
        w -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
        return w, m, v

    for name, fn in [("sgd_step", sgd_in_place), ("adam_step", adam_in_place)]:
        report = grade_with(name, **{name: fn})
        assert failed_checks(report) == ["inputs are left unchanged and outputs are new arrays"], report.render_text()
        assert "modifies its input in place" in report.render_text()


def test_the_tiny_gradient_check_isolates_eps_placement():
    """The main check uses ordinary gradients, where eps hardly matters; the tiny one catches it."""
    from autograder.checks.mistakes import ch02 as m

    report = grade_with("adam_step", adam_step=m.adam_eps_inside_sqrt)
    tiny = [c for c in report.checks if c.name.startswith("eps is added")]
    assert tiny and not tiny[0].passed, report.render_text()


# --------------------------------------------------------------------------- minibatch_sgd


def sgd_with_own_loop(loss_and_grad, w0, X, y, lr, batch_size, epochs, rng=None):
    """Its own index loop (rng.shuffle on the indices), losses as numpy floats."""
    w = np.array(w0, dtype=float)
    X, y = np.asarray(X), np.asarray(y)
    losses = []
    for _ in range(epochs):
        idx = np.arange(len(X))
        if rng is not None:
            rng.shuffle(idx)
        for start in range(0, len(X), batch_size):
            part = idx[start:start + batch_size]
            loss, dw = loss_and_grad(w, X[part], y[part])
            losses.append(np.float64(loss))
            w = w - lr * np.asarray(dw)
    return w, losses


def test_minibatch_sgd_with_its_own_shuffle_gets_full_marks():
    full_marks("minibatch_sgd", sgd_with_own_loop)


def test_minibatch_sgd_ignoring_rng_fails_only_the_shuffle_check():
    def ignores_rng(loss_and_grad, w0, X, y, lr, batch_size, epochs, rng=None):
        return sgd_with_own_loop(loss_and_grad, w0, X, y, lr, batch_size, epochs, None)

    report = grade_with("minibatch_sgd", minibatch_sgd=ignores_rng)
    assert failed_checks(report) == ["with an rng: reshuffled at every epoch, and the same run for the same seed"], \
        report.render_text()
    assert "original order" in report.render_text()


def test_minibatch_sgd_recording_the_loss_after_the_step_is_caught():
    def loss_after_step(loss_and_grad, w0, X, y, lr, batch_size, epochs, rng=None):
        w = np.array(w0, dtype=float)
        X, y = np.asarray(X), np.asarray(y)
        losses = []
        for _ in range(epochs):
            order = np.arange(len(X)) if rng is None else rng.permutation(len(X))
            for start in range(0, len(X), batch_size):
                part = order[start:start + batch_size]
                _, dw = loss_and_grad(w, X[part], y[part])
                w = w - lr * dw
                losses.append(loss_and_grad(w, X[part], y[part])[0])
        return w, losses

    report = grade_with("minibatch_sgd", minibatch_sgd=loss_after_step)
    assert "with an rng: one step w - lr * dw per minibatch, each epoch visits every example once, losses in step order" \
        in failed_checks(report), report.render_text()
    assert "loss_and_grad was called" in report.render_text()


def notebook_namespace(*names, **overrides):
    """What a notebook's globals hold: the solution cells executed, then ``overrides``."""
    ns = {"np": np}
    for name in names:
        exec(solution_source(name), ns)  # noqa: S102 - our own reference source
    ns.update(overrides)
    return ns


def test_a_broken_iterate_minibatches_is_named_under_minibatch_sgd():
    from autograder.checks.mistakes import ch02 as m

    ns = notebook_namespace("iterate_minibatches", "sgd_step", "minibatch_sgd",
                            iterate_minibatches=m.minibatches_drop_last)
    report = check_function("minibatch_sgd", ns)
    assert report.earned < report.points
    assert "fix it first: minibatch_sgd builds on it" in report.render_text(), report.render_text()


def test_solution_cells_in_a_notebook_namespace_get_full_marks():
    ns = notebook_namespace("iterate_minibatches", "sgd_step", "minibatch_sgd")
    for name in ("iterate_minibatches", "sgd_step", "minibatch_sgd"):
        report = check_function(name, ns)
        assert report.earned == report.points, report.render_text()
