"""Scenarios of chapter 02: minibatches, update rules and minibatch SGD.

Conventions of this module:

- Generators never cross :func:`common.call` (a generator counts as modified as soon as
  it is drawn from): wrappers take an integer seed and build
  ``numpy.random.Generator`` s inside the call.
- ``iterate_minibatches`` is called on *tagged* data: row ``i`` of ``X`` is
  ``i * D + [0, 1, ..., D - 1]`` and ``y`` holds ``-(i + 0.5)`` (or ``-(i * C + c + 0.5)``
  per column), so the judges can tell from a batch which examples it holds, whether
  rows are intact and whether ``X`` and ``y`` stay paired.
- The optimizers are checked over several chained steps: each step is fed the
  parameters and the state the student's previous step returned.
- ``minibatch_sgd`` gets a least-squares ``loss_and_grad`` defined here, which logs
  every call (the examples of the batch, the parameters it was given, the loss and the
  gradient it returned), so every SGD step can be verified whatever the shuffle order.
"""
from __future__ import annotations

import numpy as np

from .common import call, lookup

__all__ = ["SCENARIOS", "LeastSquares", "tagged_data"]


# --------------------------------------------------------------------------- helpers


def tagged_data(n: int, d: int, c: int = 0, int_labels: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``X`` (n, d) whose row i encodes i, and ``y`` ((n,) or (n, c)) paired with it."""
    X = np.arange(n * d, dtype=np.float64).reshape(n, d)
    if int_labels:
        y = np.arange(n, dtype=np.int64) * 3 + 1
    elif c == 0:
        y = -(np.arange(n, dtype=np.float64) + 0.5)
    else:
        y = -(np.arange(n * c, dtype=np.float64).reshape(n, c) + 0.5)
    return X, y


def _clear_aliasing(record: dict) -> dict:
    """Batches may be views of X and y (API precision): only mutation counts."""
    record["aliased"] = False
    return record


# --------------------------------------------------------------------------- iterate_minibatches

# (N, D, C, batch_size, pass rng=None explicitly): C = 0 means y of shape (N,)
_ORDER_CASES = [
    (7, 3, 0, 3, False),
    (1, 2, 0, 1, True),
    (1, 3, 2, 4, False),
    (6, 2, 0, 6, True),
    (5, 1, 2, 1, False),
    (8, 2, 0, 4, True),
    (9, 2, 3, 20, False),
]


def _listed(fn):
    def batches(X, y, batch_size, *rest):
        return list(fn(X, y, batch_size, *rest))

    return batches


def minibatches_in_order(ns, seed):
    """Every batch of one epoch with ``rng=None``: the exact order is fixed by the API."""
    fn = _listed(lookup(ns, "iterate_minibatches"))
    calls = []
    for n, d, c, b, explicit in _ORDER_CASES:
        X, y = tagged_data(n, d, c)
        label = f"X of shape {X.shape}, y of shape {y.shape}, batch_size={b}" + (", rng=None" if explicit else "")
        args = (X, y, b, None) if explicit else (X, y, b)
        calls.append(_clear_aliasing(call(fn, *args, label=label)))
    return {"calls": calls}


# (N, D, C, batch_size, int labels); the first one is large enough to test the shuffle
SHUFFLE_CASES = [
    (1000, 2, 0, 64, False),
    (7, 3, 2, 3, False),
    (1, 2, 0, 1, False),
    (10, 1, 0, 10, True),
    (13, 2, 0, 1, False),
]


def _two_epochs(fn):
    """Two epochs from one generator made from ``seed`` (the second must be reshuffled)."""

    def epochs(X, y, batch_size, seed):
        rng = np.random.default_rng(seed)
        return [list(fn(X, y, batch_size, rng)), list(fn(X, y, batch_size, rng))]

    return epochs


def minibatches_shuffled(ns, seed):
    """Batches with a generator: two epochs, the same seed again, and another seed.

    ``meta`` gives each case's sizes; the judges check the properties (every example
    once per epoch, batch sizes, rows intact and paired, reproducible, really shuffled).
    """
    fn = _two_epochs(lookup(ns, "iterate_minibatches"))
    calls, meta = [], []
    for k, (n, d, c, b, ints) in enumerate(SHUFFLE_CASES):
        X, y = tagged_data(n, d, c, int_labels=ints)
        base = f"X of shape {X.shape}, y of shape {y.shape}, batch_size={b} and an rng"
        s = seed + 101 * k
        calls.append(_clear_aliasing(call(fn, X, y, b, s, label=base)))
        calls.append(_clear_aliasing(call(fn, X, y, b, s, label=base + " (the same seed again)")))
        calls.append(_clear_aliasing(call(fn, X, y, b, s + 1, label=base + " (another seed)")))
        meta.append({"n": n, "d": d, "c": c, "batch_size": b, "int_labels": ints})
    return {"calls": calls, "meta": meta}


# --------------------------------------------------------------------------- update rules


def _shapes(rng) -> list[tuple[int, ...]]:
    return [(1,), (7, 5), (int(rng.integers(2, 9)),), (int(rng.integers(1, 5)), int(rng.integers(2, 6)))]


def sgd_cases(seed: int):
    rng = np.random.default_rng(seed)
    out = []
    for shape in _shapes(rng):
        lr = float(rng.choice([0.5, 0.1, 0.01, 1.3]))
        out.append((f"w of shape {shape}, lr={lr}", rng.normal(size=shape), rng.normal(size=shape), lr))
    return out


def sgd_scenario(ns, seed):
    fn = lookup(ns, "sgd_step")
    return {"calls": [call(fn, w, dw, lr, label=label) for label, w, dw, lr in sgd_cases(seed)]}


# optimizer name -> number of state arrays it carries (velocity; cache; m and v)
_STATE = {"momentum_step": 1, "rmsprop_step": 1, "adam_step": 2}


def _chain_cases(name: str, seed: int, tiny: bool = False) -> list[dict]:
    """Chains of steps: shape, hyperparameters, start state and one gradient per step."""
    rng = np.random.default_rng(seed)
    if name == "momentum_step":
        hypers = [{"lr": 0.1}, {"lr": 0.05, "beta": 0.5}, {"lr": 0.3, "beta": 0.99}, {"lr": 0.01, "beta": 0.9}]
    elif name == "rmsprop_step":
        hypers = [{"lr": 0.01}, {"lr": 0.1, "decay": 0.9}, {"lr": 0.05, "decay": 0.5, "eps": 0.1},
                  {"lr": 0.001, "decay": 0.999, "eps": 1e-6}]
    else:
        hypers = [{}, {"lr": 0.1}, {"lr": 0.05, "beta1": 0.5, "beta2": 0.9},
                  {"lr": 0.01, "beta1": 0.8, "beta2": 0.99, "eps": 1e-3}]
    chains = []
    for k, (shape, hyper) in enumerate(zip(_shapes(rng), hypers)):
        scale = 1e-5 if tiny else float(rng.choice([0.3, 1.0, 3.0]))
        # the last chain starts from a non-zero state, as in the middle of training
        start = [np.zeros(shape) for _ in range(_STATE[name])]
        if k == len(hypers) - 1 and not tiny:
            start = [rng.normal(size=shape) * 0.5] + ([rng.uniform(0.1, 2.0, size=shape)] if name == "adam_step" else [])
            if name == "rmsprop_step":
                start = [rng.uniform(0.1, 2.0, size=shape)]
        grads = [rng.normal(size=shape) * scale for _ in range(5)]
        what = ", ".join(f"{key}={value}" for key, value in hyper.items()) or "the default hyperparameters"
        state = "a non-zero starting state" if any(np.any(s) for s in start) else "zero starting state"
        size = ", tiny gradients (about 1e-5)" if tiny else ""
        chains.append({
            "label": f"w of shape {shape}, {what}, {state}{size}",
            "w": rng.normal(size=shape), "start": start, "grads": grads, "hyper": hyper,
        })
    return chains


def chained_scenario(name: str, tiny: bool = False):
    """Scenario: five steps per chain, each fed the student's previous (w, state...)."""
    n_state = _STATE[name]

    def scenario(ns, seed):
        fn = lookup(ns, name)
        calls = []
        for chain in _chain_cases(name, seed, tiny):
            w, state, broken = chain["w"], list(chain["start"]), ""
            for step, dw in enumerate(chain["grads"], start=1):
                label = f"step {step} of a chain with {chain['label']}"
                if broken:
                    calls.append({"label": label, "out": None, "error": broken, "mutated": False, "aliased": False})
                    continue
                args = (w, dw, *state) + ((step,) if name == "adam_step" else ())
                rec = call(fn, *args, label=label, raw=True, **chain["hyper"])
                value = rec.pop("value")
                calls.append(rec)
                if rec["error"]:
                    broken = rec["error"]
                elif not isinstance(value, tuple) or len(value) != 1 + n_state:
                    broken = f"TypeError: step {step} did not return a tuple of {1 + n_state} arrays"
                else:
                    w, *state = value
        return {"calls": calls}

    scenario.__name__ = f"{name}_chained" + ("_tiny" if tiny else "")
    return scenario


def lr_decay_scenario(ns, seed):
    fn = lookup(ns, "lr_time_decay")
    cases = [(0.1, 0.5, 0), (0.1, 0.5, 3), (1.0, 0.0, 10), (0.01, 1.0, 99), (0.5, 2.0, 7), (0.3, 0.01, 250)]
    return {"calls": [call(fn, lr0, decay, epoch, label=f"lr0={lr0}, decay={decay}, epoch={epoch}")
                      for lr0, decay, epoch in cases]}


# --------------------------------------------------------------------------- minibatch_sgd


class LeastSquares:
    """``loss_and_grad`` of the mean squared residual, logging every call.

    loss = sum((Xb @ w - yb)^2) / B, dw = 2 Xb.T (Xb @ w - yb) / B.
    """

    def __init__(self, X: np.ndarray):
        self.d = X.shape[1]
        self.index = {row.tobytes(): i for i, row in enumerate(np.asarray(X, dtype=np.float64))}
        self.log: list[dict] = []

    def ids(self, Xb: np.ndarray) -> np.ndarray:
        if Xb.ndim != 2 or Xb.shape[1] != self.d:
            return np.full(len(Xb), -1, dtype=np.int64)
        return np.array([self.index.get(np.ascontiguousarray(r).tobytes(), -1) for r in Xb], dtype=np.int64)

    def __call__(self, w, Xb, yb):
        w = np.array(w, dtype=np.float64)  # a copy: the caller may later change its array
        Xb = np.asarray(Xb, dtype=np.float64)
        yb = np.asarray(yb, dtype=np.float64)
        r = Xb @ w - yb
        loss = float(np.sum(r * r) / len(yb))
        dw = 2 * Xb.T @ r / len(yb)
        self.log.append({"ids": self.ids(Xb), "w": w, "loss": loss, "dw": dw.copy()})
        return loss, dw


def _problem(rng, n: int, d: int, k: int = 0):
    """A noise-free least-squares problem: y = X w_star exactly."""
    X = rng.normal(size=(n, d))
    w_star = rng.normal(size=(d, k) if k else d)
    return X, X @ w_star, w_star


# label, N, D, K (0: w of shape (D,)), lr, batch_size, epochs
_ORDERED = [
    ("N=7, D=3, batch_size=3, 2 epochs", 7, 3, 0, 0.1, 3, 2),
    ("N=1, D=2, batch_size=1, 3 epochs", 1, 2, 0, 0.2, 1, 3),
    ("N=10, D=2, batch_size=10 (batch gradient descent), 4 epochs", 10, 2, 0, 0.3, 10, 4),
    ("N=9, D=4, batch_size=1 (pure SGD), 1 epoch", 9, 4, 0, 0.05, 1, 1),
    ("N=8, D=3, w of shape (3, 2), batch_size=4, 2 epochs", 8, 3, 2, 0.1, 4, 2),
]

# the shuffled runs: large enough that a shuffle is visible and SGD converges
SHUFFLED = [
    ("N=60, D=3, batch_size=7, 12 epochs", 60, 3, 0, 0.05, 7, 12),
    ("N=25, D=2, w of shape (2, 3), batch_size=5, 10 epochs", 25, 2, 3, 0.1, 5, 10),
]


def _sgd_run(fn, case, rng_seed, seed):
    label, n, d, k, lr, b, epochs = case
    X, y, w_star = _problem(np.random.default_rng(seed), n, d, k)
    w0 = np.random.default_rng(seed + 1).normal(size=w_star.shape)
    lg = LeastSquares(X)

    def run(w0, X, y, lr, batch_size, epochs):
        # lg is closed over, not passed through call(): a deep copy would log elsewhere
        rng = None if rng_seed is None else np.random.default_rng(rng_seed)
        return fn(lg, w0, X, y, lr, batch_size, epochs, rng)

    rec = call(run, w0, X, y, lr, b, epochs, label=label + ("" if rng_seed is None else " and an rng"))
    log = {"ids": [e["ids"] for e in lg.log], "w": [e["w"] for e in lg.log],
           "loss": [e["loss"] for e in lg.log], "dw": [e["dw"] for e in lg.log]}
    meta = {"n": n, "batch_size": b, "epochs": epochs, "lr": lr, "w0": w0, "w_star": w_star}
    return rec, log, meta


def sgd_in_order(ns, seed):
    """``rng=None``: the run is deterministic, so (w, losses) are compared exactly."""
    fn = lookup(ns, "minibatch_sgd")
    calls, logs = [], []
    for j, case in enumerate(_ORDERED):
        rec, log, _ = _sgd_run(fn, case, None, seed + 7 * j)
        calls.append(rec)
        logs.append(log)
    return {"calls": calls, "logs": logs}


def sgd_shuffled(ns, seed):
    """With an rng: every run twice with the same seed, with what ``loss_and_grad`` saw."""
    fn = lookup(ns, "minibatch_sgd")
    calls, logs, meta = [], [], []
    for j, case in enumerate(SHUFFLED):
        for _ in range(2):
            rec, log, info = _sgd_run(fn, case, seed + 1000 + j, seed + 7 * j)
            calls.append(rec)
            logs.append(log)
        meta.append(info)
    return {"calls": calls, "logs": logs, "meta": meta}


SCENARIOS = {
    "iterate_minibatches.order": minibatches_in_order,
    "iterate_minibatches.shuffled": minibatches_shuffled,
    "sgd_step.values": sgd_scenario,
    "momentum_step.chained": chained_scenario("momentum_step"),
    "rmsprop_step.chained": chained_scenario("rmsprop_step"),
    "rmsprop_step.tiny": chained_scenario("rmsprop_step", tiny=True),
    "adam_step.chained": chained_scenario("adam_step"),
    "adam_step.tiny": chained_scenario("adam_step", tiny=True),
    "lr_time_decay.values": lr_decay_scenario,
    "minibatch_sgd.ordered": sgd_in_order,
    "minibatch_sgd.shuffled": sgd_shuffled,
}
