"""Common wrong versions of the chapter 08 penalties and of early stopping."""
from __future__ import annotations

import copy

import numpy as np

from autograder.reference import EarlyStopping

# --------------------------------------------------------------------------- L2


def _f(weights):
    return [np.asarray(w, dtype=np.float64) for w in weights]


def l2_without_half(weights, lam, m):
    """Penalty lam/m * sum W^2 (no 1/2), gradient still lam/m * W."""
    ws = _f(weights)
    return float(lam / m * sum(np.sum(w**2) for w in ws)), [lam / m * w for w in ws]


def l2_without_half_differentiated(weights, lam, m):
    """Penalty lam/m * sum W^2 and its derivative 2 lam/m * W: both twice too large."""
    ws = _f(weights)
    return float(lam / m * sum(np.sum(w**2) for w in ws)), [2 * lam / m * w for w in ws]


def l2_half_in_gradient(weights, lam, m):
    """Right penalty, gradient lam/(2m) * W (the 1/2 kept after differentiating)."""
    ws = _f(weights)
    return float(lam / (2 * m) * sum(np.sum(w**2) for w in ws)), [lam / (2 * m) * w for w in ws]


def l2_lam_not_over_m(weights, lam, m):
    """lam instead of lam/m: lam/2 * sum W^2 and lam * W."""
    ws = _f(weights)
    return float(lam / 2 * sum(np.sum(w**2) for w in ws)), [lam * w for w in ws]


def l2_norm_not_squared(weights, lam, m):
    """np.linalg.norm(W) (the Frobenius norm) where its square is meant."""
    ws = _f(weights)
    return float(lam / (2 * m) * sum(np.linalg.norm(w) for w in ws)), [lam / m * w for w in ws]


# --------------------------------------------------------------------------- L1


def l1_divide_by_abs(weights, lam, m):
    """Gradient lam/m * W / |W|: sign(w) for w != 0, but 0/0 = nan at w = 0."""
    ws = _f(weights)
    return float(lam / m * sum(np.sum(np.abs(w)) for w in ws)), [lam / m * w / np.abs(w) for w in ws]


def l1_without_sign(weights, lam, m):
    """Gradient lam/m for every weight: d|w|/dw taken as 1."""
    ws = _f(weights)
    return float(lam / m * sum(np.sum(np.abs(w)) for w in ws)), [lam / m * np.ones_like(w) for w in ws]


def l1_lam_not_over_m(weights, lam, m):
    ws = _f(weights)
    return float(lam * sum(np.sum(np.abs(w)) for w in ws)), [lam * np.sign(w) for w in ws]


def l1_half_from_l2(weights, lam, m):
    """The 1/2 of the L2 penalty copied into L1: lam/(2m) * sum |W|."""
    ws = _f(weights)
    return float(lam / (2 * m) * sum(np.sum(np.abs(w)) for w in ws)), [lam / (2 * m) * np.sign(w) for w in ws]


# --------------------------------------------------------------------------- early stopping
# Each class changes one thing of the reference; state names follow the reference.


class _Rule(EarlyStopping):
    """The reference with each rule spelled out, so that a variant changes just one."""

    reset_on_improvement = True
    reset_after_stop = False

    def improves(self, val_loss):
        return val_loss < self.best_loss - self.min_delta

    def keep(self, params):
        return copy.deepcopy(params)

    def epoch_index(self, epoch):
        return epoch

    def should_stop(self):
        return self.bad_updates >= self.patience

    def update(self, val_loss, params):
        val_loss = float(val_loss)
        epoch = self.n_updates
        self.n_updates += 1
        if self.improves(val_loss):
            self.best_loss, self.best_epoch = val_loss, self.epoch_index(epoch)
            self.best_params = self.keep(params)
            if self.reset_on_improvement:
                self.bad_updates = 0
        else:
            self.bad_updates += 1
        stop = self.should_stop()
        if stop and self.reset_after_stop:
            self.bad_updates = 0
        return stop


class ShallowCopy(_Rule):
    """Keeps a shallow copy of the caller's dict: the arrays are shared."""

    def keep(self, params):
        return copy.copy(params)


class CopiesEveryUpdate(_Rule):
    """Stores the parameters of every update, not only of the best one."""

    def update(self, val_loss, params):
        stop = super().update(val_loss, params)
        self.best_params = copy.deepcopy(params)
        return stop


class StopsOneLate(_Rule):
    """Returns True only after patience + 1 updates without improvement."""

    def should_stop(self):
        return self.bad_updates > self.patience


class StopsOneEarly(_Rule):
    """Returns True after patience - 1 updates without improvement."""

    def should_stop(self):
        return self.bad_updates >= self.patience - 1


class OneBasedEpoch(_Rule):
    """best_epoch counts updates from 1."""

    def epoch_index(self, epoch):
        return epoch + 1


class MinDeltaWrongSide(_Rule):
    """Counts val_loss < best_loss + min_delta as an improvement (slightly worse passes)."""

    def improves(self, val_loss):
        return val_loss < self.best_loss + self.min_delta


class NotStrictlyBetter(_Rule):
    """Counts a loss equal to best_loss - min_delta as an improvement."""

    def improves(self, val_loss):
        return val_loss <= self.best_loss - self.min_delta


class ComparesWithPrevious(_Rule):
    """Resets the counter whenever the loss beats the *previous* one, not the best one."""

    def update(self, val_loss, params):
        previous = getattr(self, "_previous", float("inf"))
        self._previous = float(val_loss)
        val_loss = float(val_loss)
        epoch = self.n_updates
        self.n_updates += 1
        if val_loss < self.best_loss - self.min_delta:
            self.best_loss, self.best_epoch = val_loss, epoch
            self.best_params = copy.deepcopy(params)
        if val_loss < previous - self.min_delta:
            self.bad_updates = 0
        else:
            self.bad_updates += 1
        return self.bad_updates >= self.patience


class ResetsAfterStopping(_Rule):
    """Resets the counter when it returns True: True once, then False for a while."""

    reset_after_stop = True


class NeverResets(_Rule):
    """Counts every update without improvement since the start, not consecutive ones."""

    reset_on_improvement = False
