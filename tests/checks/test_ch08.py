"""Chapter 08 checks: correct implementations written differently earn full marks, and
specific wrong behaviours fail the check that is about them (and only that one)."""
import copy

import numpy as np

from .support import grade_with


def failed_checks(report) -> list[str]:
    return [c.name for c in report.checks if not c.passed]


# --------------------------------------------------------------------------- penalties


def loop_l2(weights, lam, m):
    total, grads = 0.0, []
    for W in weights:
        W = np.asarray(W, dtype=float)
        g = np.empty_like(W)
        for idx in np.ndindex(W.shape):
            total += W[idx] ** 2
            g[idx] = lam * W[idx] / m
        grads.append(g)
    return lam * total / (2 * m), grads


def norm_l2(weights, lam, m):
    """Another valid formula: squared Frobenius norms from np.linalg.norm, grads as a tuple."""
    penalty = lam / (2 * m) * sum(np.linalg.norm(np.ravel(W)) ** 2 for W in weights)
    return np.float64(penalty), tuple(np.multiply(W, lam / m) for W in weights)


def loop_l1(weights, lam, m):
    total, grads = 0.0, []
    for W in weights:
        W = np.asarray(W, dtype=float)
        g = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            total += abs(W[idx])
            g[idx] = (lam / m) * (1 if W[idx] > 0 else -1 if W[idx] < 0 else 0)
        grads.append(g)
    return total * lam / m, grads


def where_l1(weights, lam, m):
    """Subgradient through np.where, the penalty through np.vdot of signs."""
    grads = [lam / m * np.where(W > 0, 1.0, np.where(W < 0, -1.0, 0.0)) for W in weights]
    return float(sum(np.vdot(np.sign(W), W) for W in weights) * lam / m), grads


def test_penalties_written_differently_get_full_marks():
    for name, fn in [("l2_penalty", loop_l2), ("l2_penalty", norm_l2), ("l1_penalty", loop_l1), ("l1_penalty", where_l1)]:
        report = grade_with(name, **{name: fn})
        assert report.earned == report.points, f"{fn.__name__}:\n{report.render_text()}"


def test_penalty_that_scales_its_input_in_place_fails_only_purity():
    def in_place_l2(weights, lam, m):
        total, grads = 0.0, []
        for W in weights:
            total += float(np.sum(W**2))
            W *= lam / m  # the caller's weights are changed
            grads.append(W)
        return lam / (2 * m) * total, grads

    report = grade_with("l2_penalty", l2_penalty=in_place_l2)
    assert failed_checks(report) == ["inputs are left unchanged and outputs are new arrays"], report.render_text()


def test_l1_with_a_nonzero_subgradient_at_zero_fails_only_the_zeros_check():
    def l1_plus_one_at_zero(weights, lam, m):
        grads = [lam / m * np.where(np.asarray(W) >= 0, 1.0, -1.0) for W in weights]
        return lam / m * float(sum(np.abs(W).sum() for W in weights)), grads

    report = grade_with("l1_penalty", l1_penalty=l1_plus_one_at_zero)
    assert failed_checks(report) == ["the subgradient is 0 at weights that are exactly 0 (sign(0) = 0)"], report.render_text()


def test_penalty_value_message_names_the_penalty_and_the_input():
    def off_by_a_bit(weights, lam, m):
        ws = [np.asarray(W, float) for W in weights]
        return lam / (2 * m) * sum(float(np.sum(W**2)) for W in ws) * 1.01, [lam / m * W for W in ws]

    report = grade_with("l2_penalty", l2_penalty=off_by_a_bit)
    message = report.checks[0].message
    assert message.startswith("on 1 weight array of shape (1, ") and "the penalty is" in message, message


# --------------------------------------------------------------------------- early stopping


class CounterEarlyStopping:
    """Different attribute names, a dict-of-copies instead of copy.deepcopy, np.bool_ return."""

    def __init__(self, patience=5, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best_loss, self.best_epoch, self.best_params = np.inf, None, None
        self.wait, self.epoch = 0, -1

    def update(self, val_loss, params):
        self.epoch += 1
        if self.best_loss - val_loss > self.min_delta:
            self.best_loss, self.best_epoch = val_loss, self.epoch
            self.best_params = {k: np.array(v, copy=True) for k, v in params.items()}
            self.wait = 0
        else:
            self.wait += 1
        return np.bool_(self.wait >= self.patience)


class SinceBestEarlyStopping:
    """Another valid formulation: stop when the best update is `patience` updates ago."""

    def __init__(self, patience=5, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best_loss, self.best_epoch, self.best_params = float("inf"), None, None
        self.losses = []

    def update(self, val_loss, params):
        self.losses.append(val_loss)
        epoch = len(self.losses) - 1
        if val_loss < self.best_loss - self.min_delta:
            self.best_loss, self.best_epoch, self.best_params = val_loss, epoch, copy.deepcopy(params)
        last_best = -1 if self.best_epoch is None else self.best_epoch
        return epoch - last_best >= self.patience


def test_early_stopping_written_differently_gets_full_marks():
    for cls in (CounterEarlyStopping, SinceBestEarlyStopping):
        report = grade_with("EarlyStopping", EarlyStopping=cls)
        assert report.earned == report.points, f"{cls.__name__}:\n{report.render_text()}"


def test_nan_counted_as_an_improvement_fails_only_the_nan_check():
    class NanImproves(CounterEarlyStopping):
        def update(self, val_loss, params):
            self.epoch += 1
            if not val_loss >= self.best_loss - self.min_delta:  # True for NaN
                self.best_loss, self.best_epoch = val_loss, self.epoch
                self.best_params = copy.deepcopy(params)
                self.wait = 0
            else:
                self.wait += 1
            return self.wait >= self.patience

    report = grade_with("EarlyStopping", EarlyStopping=NanImproves)
    assert failed_checks(report) == ["a NaN loss never counts as an improvement"], report.render_text()


def test_update_returning_an_int_is_told_to_return_a_bool():
    class ReturnsInt(CounterEarlyStopping):
        def update(self, val_loss, params):
            return int(super().update(val_loss, params))

    report = grade_with("EarlyStopping", EarlyStopping=ReturnsInt)
    stop_check = report.checks[0]
    assert not stop_check.passed and "should return True or False" in stop_check.message, report.render_text()


def test_update_that_modifies_the_parameters_fails_the_params_check():
    class ZeroesParams(CounterEarlyStopping):
        def update(self, val_loss, params):
            stop = super().update(val_loss, params)
            params["b1"][...] = 0.5
            return stop

    report = grade_with("EarlyStopping", EarlyStopping=ZeroesParams)
    params_check = report.checks[-1]
    assert failed_checks(report) == [params_check.name], report.render_text()
    assert "modifies the parameters" in params_check.message, report.render_text()


def test_missing_attribute_is_reported_by_name():
    class NoBestEpoch:
        def __init__(self, patience=5, min_delta=0.0):
            self.best_loss, self.best_params = float("inf"), None

        def update(self, val_loss, params):
            self.best_loss = min(self.best_loss, val_loss)
            return False

    report = grade_with("EarlyStopping", EarlyStopping=NoBestEpoch)
    best_check = report.checks[1]
    assert "AttributeError" in best_check.message and "best_epoch" in best_check.message, report.render_text()
