"""Chapter 02, stochastic gradient descent: what is graded and the mistakes we recognise.

Random behaviour is judged by properties, never against the reference's random stream:
``iterate_minibatches`` with an rng must visit every example exactly once per epoch in
batches of the right sizes, keep rows of ``X`` and ``y`` paired, reproduce itself for
the same seed and really shuffle; ``minibatch_sgd`` with an rng is verified step by
step from what the grader's ``loss_and_grad`` saw (each step is ``w - lr * dw`` of the
previous step's gradient), whatever order the batches came in.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..compare import UNREADABLE, call_error, failure, kind, label_of, purity, same_calls
from ..mistakes import ch02 as m
from .base import Check, FunctionSpec, Mistake

def _error(record) -> str | None:
    if not isinstance(record, dict):
        return UNREADABLE
    if record.get("error"):
        return call_error(label_of(record), record["error"])
    return None


def _tagged_y(ids: np.ndarray, meta: dict) -> np.ndarray:
    """The targets that belong with examples ``ids`` (see ``scenarios.ch02.tagged_data``)."""
    if meta["int_labels"]:
        return ids * 3 + 1
    if meta["c"] == 0:
        return -(ids + 0.5)
    c = meta["c"]
    return -(ids[:, None] * c + np.arange(c) + 0.5)


def _epoch_problem(batches, meta: dict, where: str) -> tuple[str | None, np.ndarray | None]:
    """What is wrong with one epoch of batches (None if nothing), and its example order."""
    n, d, b = meta["n"], meta["d"], meta["batch_size"]
    if not isinstance(batches, (list, tuple)):
        return f"{where}, the batches could not be read", None
    expected_sizes = [b] * (n // b) + ([n % b] if n % b else [])
    if len(batches) != len(expected_sizes):
        return (f"{where}, one epoch has {len(batches)} batches, expected ceil(N / batch_size) = "
                f"{len(expected_sizes)}"), None
    order = []
    for i, (batch, size) in enumerate(zip(batches, expected_sizes)):
        if not isinstance(batch, (list, tuple)) or len(batch) != 2:
            return f"{where}, batch {i} is {kind(batch)}, expected a pair (X_batch, y_batch)", None
        Xb, yb = batch
        if not isinstance(Xb, np.ndarray) or not isinstance(yb, np.ndarray):
            return f"{where}, batch {i} should hold two arrays", None
        if Xb.ndim != 2 or Xb.shape[1] != d or len(Xb) != size or len(yb) != size:
            return (f"{where}, batch {i} has X of shape {Xb.shape} and y of shape {yb.shape}, expected "
                    f"{size} examples (batch_size, or the rest for the last batch)"), None
        ids = Xb[:, 0].astype(np.float64) / d
        ok_ids = np.all(ids == np.round(ids)) and np.all((ids >= 0) & (ids < n))
        if not ok_ids or not np.array_equal(Xb.astype(np.float64), ids[:, None] * d + np.arange(d)):
            return f"{where}, batch {i} holds rows that are not rows of X", None
        ids = ids.astype(np.int64)
        want_y = _tagged_y(ids, meta)
        if yb.shape != want_y.shape or not np.array_equal(yb.astype(np.float64), want_y.astype(np.float64)):
            return (f"{where}, X and y are no longer paired in batch {i}: index both with the same "
                    "indices"), None
        order.append(ids)
    order = np.concatenate(order) if order else np.zeros(0, dtype=np.int64)
    if not np.array_equal(np.sort(order), np.arange(n)):
        return (f"{where}, some examples appear twice and others not at all: every example must appear "
                "exactly once per epoch (shuffle a permutation of the indices, don't draw with replacement)"), None
    return None, order


def _epoch_orders(record: dict, meta: dict) -> tuple[str | None, list[np.ndarray]]:
    err = _error(record)
    if err:
        return err, []
    out = record.get("out")
    if not isinstance(out, (list, tuple)) or len(out) != 2:
        return UNREADABLE, []
    orders = []
    for k, epoch in enumerate(out):
        problem, order = _epoch_problem(epoch, meta, f"on {label_of(record)} (epoch {k + 1})")
        if problem:
            return problem, []
        orders.append(order)
    return None, orders


def _shuffled_records(actual, expected):
    """Triples of records (seed, same seed, another seed) with their case sizes."""
    problem = failure(actual)
    if problem:
        return problem, []
    calls = actual.get("calls") if isinstance(actual, dict) else None
    meta = expected["meta"]
    if not isinstance(calls, list) or len(calls) != 3 * len(meta):
        return UNREADABLE, []
    return None, [(calls[3 * k:3 * k + 3], info) for k, info in enumerate(meta)]


@dataclass(frozen=True)
class EpochStructure:
    """With an rng: every epoch has the right batches, each example once, rows paired."""

    def __call__(self, actual, expected) -> tuple[bool, str]:
        problem, cases = _shuffled_records(actual, expected)
        if problem:
            return False, problem
        for records, meta in cases:
            for record in records:
                problem, _ = _epoch_orders(record, meta)
                if problem:
                    return False, problem
        return True, ""


def _loose_batches(record: dict, meta: dict) -> list[list[np.ndarray]] | None:
    """Example indices of every batch of both epochs, without judging the epochs' structure."""
    if not isinstance(record, dict) or record.get("error"):
        return None
    out = record.get("out")
    if not isinstance(out, (list, tuple)) or len(out) != 2:
        return None
    epochs = []
    for epoch in out:
        if not isinstance(epoch, (list, tuple)) or not epoch:
            return None
        ids = []
        for batch in epoch:
            if not isinstance(batch, (list, tuple)) or len(batch) != 2 or not isinstance(batch[0], np.ndarray):
                return None
            Xb = batch[0]
            if Xb.ndim != 2 or Xb.shape[1] != meta["d"]:
                return None
            ids.append(Xb[:, 0].astype(np.float64) / meta["d"])
        epochs.append(ids)
    return epochs


def _same_batches(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


@dataclass(frozen=True)
class RealShuffle:
    """With an rng: reproducible for a seed, different for another seed and epoch, well mixed.

    Judged on whatever batches come back (their structure is the other check's business),
    so one bug does not cost twice.
    """

    def __call__(self, actual, expected) -> tuple[bool, str]:
        problem, cases = _shuffled_records(actual, expected)
        if problem:
            return False, problem
        for (first, again, other), meta in cases:
            runs = [_loose_batches(r, meta) for r in (first, again, other)]
            for record, run in zip((first, again, other), runs):
                if run is None:
                    return False, _error(record) or f"on {label_of(record)}, the batches could not be read"
            (e1, e2), (a1, a2), (o1, _) = runs
            if not (_same_batches(e1, a1) and _same_batches(e2, a2)):
                return False, (f"on {label_of(first)}, the same seed gave different batches: draw every random "
                               "number from the rng you are given")
            n, b = meta["n"], meta["batch_size"]
            if n < 100:
                continue
            order = np.concatenate(e1)
            if len(order) == n and np.array_equal(order, np.arange(n)):
                return False, (f"on {label_of(first)}, the examples come out in their original order: with an "
                               "rng, visit them in the order of a random permutation")
            spans = [np.ptp(ids) for ids in e1 if len(ids) == b]
            if spans and min(spans) < n / 2:
                return False, (f"on {label_of(first)}, a batch holds only neighbouring examples: shuffle the "
                               "examples themselves, not just the order of the batches")
            if _same_batches(e1, o1):
                return False, (f"on {label_of(first)}, another seed gives the same order: shuffle with the rng "
                               "you are given, not with a generator of your own")
            if _same_batches(e1, e2):
                return False, (f"on {label_of(first)}, two epochs drawn with the same rng visit the examples in "
                               "the same order: draw a new permutation from rng at every call")
        return True, ""


@dataclass(frozen=True)
class Unchanged:
    """With an rng: X and y are left unchanged (batches may be views, so no aliasing test).

    ``compare.purity`` would also compare the batches with the reference's, which a
    different (correct) shuffle does not match; like it, this check counts only once the
    batches themselves are right.
    """

    def __call__(self, actual, expected) -> tuple[bool, str]:
        problem, cases = _shuffled_records(actual, expected)
        if problem:
            return False, problem
        for records, _ in cases:
            for record in records:
                err = _error(record)
                if err:
                    return False, err
                if record.get("mutated"):
                    return False, f"it modifies X or y in place (on {label_of(record)}); work on new arrays or indices"
        ok, _ = EpochStructure()(actual, expected)
        return (True, "") if ok else (False, "checked once the batches are right")


# --------------------------------------------------------------------------- minibatch_sgd


def _runs(actual, expected, n_records: int | None = None):
    problem = failure(actual)
    if problem:
        return problem, []
    calls = actual.get("calls") if isinstance(actual, dict) else None
    logs = actual.get("logs") if isinstance(actual, dict) else None
    if not isinstance(calls, list) or not isinstance(logs, list) or len(calls) != len(expected["calls"]) \
            or len(logs) != len(calls):
        return UNREADABLE, []
    return None, list(zip(calls, logs))


def _steps_hint(n_got: int, n_want: int) -> str:
    return (f"it returns {n_got} losses, expected one per step, epochs * ceil(N / batch_size) = {n_want} "
            "(if iterate_minibatches fails its own checks, fix it first: minibatch_sgd builds on it)")


@dataclass(frozen=True)
class SgdInOrder:
    """``rng=None``: (w, losses) match the reference exactly; a clear word on the step count."""

    def __call__(self, actual, expected) -> tuple[bool, str]:
        ok, msg = same_calls()(actual, expected)
        if ok or failure(actual):
            return ok, msg
        try:
            for a, e in zip(actual["calls"], expected["calls"]):
                got, want = a.get("out"), e["out"]
                if a.get("error") or not isinstance(got, (list, tuple)) or len(got) != 2:
                    break
                if isinstance(got[1], (list, tuple, np.ndarray)) and len(got[1]) != len(want[1]):
                    return False, f"on {label_of(e)}, {_steps_hint(len(got[1]), len(want[1]))}"
        except Exception:
            pass
        return False, msg


def _close(a, b) -> bool:
    try:
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-9, atol=1e-12))
    except Exception:
        return False


def _run_problem(record: dict, log: dict, meta: dict) -> tuple[str | None, list[np.ndarray]]:
    """What is wrong with one shuffled run (None if nothing), and its epochs' example orders."""
    err = _error(record)
    if err:
        return err, []
    where = f"on {label_of(record)}"
    out = record.get("out")
    if not isinstance(out, (list, tuple)) or len(out) != 2:
        return f"{where}, it should return (w, losses) but returns {kind(out)}", []
    w, losses = out
    if not isinstance(losses, (list, tuple)) or not all(
            isinstance(v, (int, float)) or (isinstance(v, np.ndarray) and v.size == 1) for v in losses):
        return f"{where}, losses should be a list of numbers but is {kind(losses)}", []
    losses = [float(np.asarray(v, dtype=np.float64).reshape(())) for v in losses]
    n, b, epochs, lr = meta["n"], meta["batch_size"], meta["epochs"], meta["lr"]
    per_epoch = math.ceil(n / b)
    steps = epochs * per_epoch
    calls = len(log["loss"])
    if calls != steps:
        return (f"{where}, loss_and_grad was called {calls} times, expected once per step, "
                f"epochs * ceil(N / batch_size) = {steps}"), []
    if len(losses) != steps:
        return f"{where}, {_steps_hint(len(losses), steps)}", []
    if not _close(losses, log["loss"]):
        return (f"{where}, the losses are not the values loss_and_grad returned at each step, in order "
                "(record the loss of the minibatch before the step's update)"), []
    if not _close(log["w"][0], meta["w0"]):
        return f"{where}, the first step did not start from w0", []
    for k in range(1, steps):
        if not _close(log["w"][k], log["w"][k - 1] - lr * log["dw"][k - 1]):
            return (f"{where}, step {k} did not start from the previous step's w - lr * dw "
                    "(each step is one plain SGD update with that step's minibatch gradient)"), []
    if not isinstance(w, np.ndarray) or not _close(w, log["w"][-1] - lr * log["dw"][-1]):
        return f"{where}, the returned w is not the result of the last step's update w - lr * dw", []
    orders = []
    for e in range(epochs):
        ids = log["ids"][e * per_epoch:(e + 1) * per_epoch]
        sizes = [len(i) for i in ids]
        want = [b] * (n // b) + ([n % b] if n % b else [])
        if sizes != want:
            return (f"{where}, epoch {e + 1} used minibatches of sizes {sizes[:6]}{'...' if len(sizes) > 6 else ''}, "
                    f"expected batch_size={b} (the last one holds the rest)"), []
        order = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)
        if not np.array_equal(np.sort(order), np.arange(n)):
            return f"{where}, epoch {e + 1} did not visit every example exactly once", []
        orders.append(order)
    first = np.mean(losses[:per_epoch])
    last = np.mean(losses[-per_epoch:])
    if not last < 0.05 * first:
        return f"{where}, the loss does not go down (mean {first:.3g} in the first epoch, {last:.3g} in the last)", []
    return None, orders


@dataclass(frozen=True)
class SgdSteps:
    """With an rng: every step is w - lr * dw on a minibatch, epochs cover the data once each."""

    def __call__(self, actual, expected) -> tuple[bool, str]:
        problem, runs = _runs(actual, expected)
        if problem:
            return False, problem
        for k, (record, log) in enumerate(runs):
            problem, _ = _run_problem(record, log, expected["meta"][k // 2])
            if problem:
                return False, problem
        return True, ""


@dataclass(frozen=True)
class SgdShuffles:
    """With an rng: the same seed reproduces the run; epochs are shuffled, and anew each time."""

    def __call__(self, actual, expected) -> tuple[bool, str]:
        problem, runs = _runs(actual, expected)
        if problem:
            return False, problem
        for k in range(0, len(runs), 2):
            meta = expected["meta"][k // 2]
            (r1, l1), (r2, l2) = runs[k], runs[k + 1]
            p1, o1 = _run_problem(r1, l1, meta)
            p2, o2 = _run_problem(r2, l2, meta)
            if p1 or p2:
                return False, (p1 or p2)
            where = f"on {label_of(r1)}"
            if not (_close(r1["out"][0], r2["out"][0]) and all(np.array_equal(a, b) for a, b in zip(o1, o2))):
                return False, f"{where}, two runs with the same seed differ: draw every random number from rng"
            if np.array_equal(o1[0], np.arange(meta["n"])):
                return False, (f"{where}, the first epoch visits the examples in their original order: pass rng "
                               "on to iterate_minibatches")
            if all(np.array_equal(o1[0], o) for o in o1[1:]):
                return False, (f"{where}, every epoch visits the examples in the same order: reshuffle at every "
                               "epoch (call iterate_minibatches with the same rng each time)")
        return True, ""


# --------------------------------------------------------------------------- specs

PURITY = "inputs are left unchanged and outputs are new arrays"


def _step_checks(name: str, tiny: str | None = None) -> tuple[Check, ...]:
    checks = [
        Check("matches the reference over five chained steps (your state fed back), shapes (1,), 1-D and 2-D",
              f"{name}.chained", same_calls(), 3),
        Check(PURITY, f"{name}.chained", purity, 0.5, False),
    ]
    if tiny:
        checks.insert(1, Check(tiny, f"{name}.tiny", same_calls(), 1))
    return tuple(checks)


FUNCTIONS = {
    "iterate_minibatches": FunctionSpec(3, (
        Check("rng=None: the batches in order, the last one smaller (N = 1, batch_size = 1 and = N included)",
              "iterate_minibatches.order", same_calls(), 2),
        Check("with an rng: ceil(N / batch_size) batches per epoch, every example exactly once, X and y paired",
              "iterate_minibatches.shuffled", EpochStructure(), 2),
        Check("with an rng: really shuffled, anew at every epoch, and the same for the same seed",
              "iterate_minibatches.shuffled", RealShuffle(), 1.5),
        Check("X and y are left unchanged", "iterate_minibatches.shuffled", Unchanged(), 0.5, False),
    ), (
        Mistake("The last, smaller batch is missing: when N is not a multiple of batch_size, the remaining "
                "N mod batch_size examples form one more batch.", {"iterate_minibatches": m.minibatches_drop_last}),
        Mistake("You draw indices with replacement, so some examples come twice and others never; use "
                "rng.permutation(N) so that each example appears exactly once per epoch.",
                {"iterate_minibatches": m.minibatches_with_replacement}),
        Mistake("X and y are shuffled with two different permutations, so examples lose their targets: draw one "
                "permutation and index both with it.", {"iterate_minibatches": m.minibatches_unpaired}),
        Mistake("You shuffle the order of the batches but every batch still holds consecutive examples: shuffle "
                "the examples (a permutation of range(N)), then cut it into batches.",
                {"iterate_minibatches": m.minibatches_shuffle_batch_order}),
        Mistake("You shuffle with a generator of your own, so every seed gives the same order: use the rng passed "
                "in.", {"iterate_minibatches": m.minibatches_fixed_seed}),
    )),
    "sgd_step": FunctionSpec(1, (
        Check("w - lr * dw on random inputs (1-D and 2-D, several learning rates)", "sgd_step.values", same_calls(), 3),
        Check(PURITY, "sgd_step.values", purity, 1, False),
    ), (
        Mistake("The step goes uphill: gradient descent subtracts lr * dw.", {"sgd_step": m.sgd_wrong_sign}),
    )),
    "momentum_step": FunctionSpec(2, _step_checks("momentum_step"), (
        Mistake("You average the gradient into the velocity (v = beta v + (1 - beta) dw); the course uses "
                "PyTorch's form v = beta v + dw.", {"momentum_step": m.momentum_dampened}),
        Mistake("You fold the learning rate into the velocity (v = beta v - lr dw, w = w + v); the course uses "
                "PyTorch's form v = beta v + dw, w = w - lr v.", {"momentum_step": m.momentum_lr_in_velocity}),
        Mistake("You step with the old velocity: update v = beta v + dw first, then w = w - lr v with the new v.",
                {"momentum_step": m.momentum_old_velocity}),
    )),
    "rmsprop_step": FunctionSpec(2, _step_checks(
        "rmsprop_step", "eps is added to sqrt(s), outside the square root (tiny gradients, eps matters)"), (
        Mistake("eps belongs outside the square root: divide by sqrt(s) + eps, not sqrt(s + eps).",
                {"rmsprop_step": m.rmsprop_eps_inside_sqrt}),
        Mistake("decay and 1 - decay are swapped: s = decay * s + (1 - decay) * dw**2 keeps most of the past "
                "average.", {"rmsprop_step": m.rmsprop_decay_swapped}),
        Mistake("Divide by the square root of the running average, sqrt(s) + eps, not by s itself.",
                {"rmsprop_step": m.rmsprop_no_sqrt}),
    )),
    "adam_step": FunctionSpec(3, _step_checks(
        "adam_step", "eps is added to sqrt(vhat), outside the square root (tiny gradients, eps matters)"), (
        Mistake("The moments are not bias-corrected: divide m by 1 - beta1**t and v by 1 - beta2**t before the "
                "step.", {"adam_step": m.adam_no_bias_correction}),
        Mistake("Your bias correction uses t + 1: t is already the 1-based number of this step, so divide by "
                "1 - beta**t.", {"adam_step": m.adam_t_from_zero}),
        Mistake("eps belongs outside the square root: divide by sqrt(vhat) + eps, not sqrt(vhat + eps).",
                {"adam_step": m.adam_eps_inside_sqrt}),
        Mistake("Return the raw moments m and v, not the bias-corrected mhat and vhat: the correction is "
                "recomputed from t at every step.", {"adam_step": m.adam_returns_corrected_moments}),
    )),
    "lr_time_decay": FunctionSpec(1, (
        Check("lr0 / (1 + decay * epoch) on several values, epoch 0 included", "lr_time_decay.values", same_calls(), 1),
    ), (
        Mistake("That is exponential decay (lr0 * decay**epoch); inverse-time decay is lr0 / (1 + decay * epoch).",
                {"lr_time_decay": m.lr_exponential}),
        Mistake("Mind the brackets: lr0 / (1 + decay * epoch), not lr0 / 1 + decay * epoch.",
                {"lr_time_decay": m.lr_missing_brackets}),
    )),
    "minibatch_sgd": FunctionSpec(3, (
        Check("rng=None: final w and the loss of every step match the reference (several N, batch sizes, epochs)",
              "minibatch_sgd.ordered", SgdInOrder(), 2.5),
        Check("with an rng: one step w - lr * dw per minibatch, each epoch visits every example once, "
              "losses in step order", "minibatch_sgd.shuffled", SgdSteps(), 1.5),
        Check("with an rng: reshuffled at every epoch, and the same run for the same seed",
              "minibatch_sgd.shuffled", SgdShuffles(), 0.5),
        Check("w0, X and y are left unchanged and w is a new array", "minibatch_sgd.ordered", purity, 0.5, False),
    ), (
        Mistake("Record the loss of every step (every minibatch), not one average per epoch.",
                {"minibatch_sgd": m.sgd_loss_per_epoch}),
        Mistake("Each step must use the gradient on its minibatch (Xb, yb), not on all of X and y.",
                {"minibatch_sgd": m.sgd_full_batch_gradient}),
        Mistake("loss_and_grad already averages over the batch: step with w - lr * dw, without dividing by the "
                "batch size again.", {"minibatch_sgd": m.sgd_divides_by_batch_size}),
        Mistake("You draw the batches once and reuse them in every epoch; call iterate_minibatches(X, y, "
                "batch_size, rng) inside the epoch loop so that every epoch is reshuffled.",
                {"minibatch_sgd": m.sgd_shuffles_once}),
    )),
}
