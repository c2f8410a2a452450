"""Scenarios of chapter 08: L2 and L1 weight penalties, and early stopping.

The penalties are plain functions: their calls are recorded with :func:`common.call`.
``EarlyStopping`` is a class: a scenario instantiates it, feeds it a sequence of
validation losses worked out by hand (see the comments), and records after every update
what ``update`` returned and the ``best_loss`` / ``best_epoch`` attributes, all as raw
values; ``best_params`` is recorded as snapshots while the caller changes its parameter
arrays in place, as an optimizer does.
"""
from __future__ import annotations

import copy
import math
import warnings
from typing import Callable

import numpy as np

from mlpkit.gradcheck import numeric_grad, sample_indices

from ..transport import roundtrip
from .common import Case, ScenarioError, as_float_array, calls_scenario, error_text, lookup, quiet

# --------------------------------------------------------------------------- penalties


def _shapes_label(weights) -> str:
    shapes = ", ".join(str(tuple(np.shape(w))) for w in weights)
    return f"{len(weights)} weight array{'s' if len(weights) > 1 else ''} of shape{'s' if len(weights) > 1 else ''} {shapes}"


def _penalty_case(weights, lam, m, note: str = "") -> Case:
    return Case(f"{_shapes_label(weights)}, lam={lam:g}, m={m}" + (f" ({note})" if note else ""), (weights, lam, m))


def _away_from_zero(rng: np.random.Generator, shape) -> np.ndarray:
    """Normal weights pushed away from 0 (|w| >= 0.1): |w| has no derivative at 0."""
    w = rng.normal(size=shape)
    return np.where(np.abs(w) < 0.1, np.sign(w + 1e-12) * 0.1 + w, w)


def _penalty_cases(seed: int) -> list[Case]:
    """Lists of 1-3 weight arrays: a row (1, k), odd sizes, a layer stack, a vector, lam = 0."""
    rng = np.random.default_rng(seed)
    cases = [
        _penalty_case([_away_from_zero(rng, (1, int(rng.integers(2, 8))))], 0.5, 1),
        _penalty_case([_away_from_zero(rng, (7, 5)), _away_from_zero(rng, (5, 3))], 1.3, 7),
    ]
    sizes = [int(rng.integers(1, 10)) for _ in range(4)]
    stack = [_away_from_zero(rng, (a, b)) * rng.uniform(0.1, 3.0) for a, b in zip(sizes[:-1], sizes[1:])]
    cases.append(_penalty_case(stack, 0.01, 250))
    cases.append(_penalty_case([_away_from_zero(rng, (9,)), _away_from_zero(rng, (3, 1))], 3.7, 50, "a weight vector and a column"))
    cases.append(_penalty_case([_away_from_zero(rng, (4, 6))], 2.0, 3))
    cases.append(_penalty_case([_away_from_zero(rng, (5, 2)), _away_from_zero(rng, (2, 2))], 0.0, 10, "no regularization"))
    return cases


def _zeros_cases(seed: int) -> list[Case]:
    """Weights that are exactly 0 in places: sign(0) = 0 in the L1 subgradient."""
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(5, 4))
    w[::2, 1] = 0.0
    w[3] = 0.0
    return [
        _penalty_case([w, np.zeros((4, 3))], 1.5, 6, "some weights exactly 0, one array all zeros"),
        _penalty_case([np.array([[0.0, -2.0, 0.5]])], 1.0, 1, "a weight exactly 0"),
    ]


def penalty_gradient_scenario(name: str, cases) -> Callable:
    """Scenario: each weight array's gradient next to centred differences of the penalty.

    Same layout as the course's gradient scenarios (``{"gradients": [{"label", "out",
    "analytic", "numeric"}]}``, one analytic/numeric pair per weight array): the grader
    compares the student's gradients with the differences of the reference run, once the
    student's penalty value matches.
    """

    def scenario(ns, seed):
        fn = lookup(ns, name)
        rng = np.random.default_rng(seed)
        items = []
        for c in cases(seed):
            weights, lam, m = c.args
            weights = [np.array(w, dtype=np.float64) for w in weights]
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = fn(copy.deepcopy(weights), lam, m)
                if not isinstance(result, (tuple, list)) or len(result) != 2:
                    raise ScenarioError(f"`{name}` should return a tuple (penalty, grads)")
                grads = result[1]
                if not isinstance(grads, (list, tuple)) or len(grads) != len(weights):
                    raise ScenarioError(f"`{name}` should return one gradient per weight array ({len(weights)} here)")
                entry = {"label": c.label, "out": result[0], "analytic": [], "numeric": []}
                for k, (w, g) in enumerate(zip(weights, grads)):
                    g = as_float_array(g, "a gradient")
                    if g.shape != w.shape:
                        raise ScenarioError(f"`{name}` returned a gradient of shape {g.shape} for a weight array of shape {w.shape}")

                    def penalty(z, k=k):
                        ws = copy.deepcopy(weights)
                        ws[k] = z
                        return fn(ws, lam, m)[0]

                    idx = sample_indices(w.size, 12, rng)
                    entry["analytic"].append(g)
                    entry["numeric"].append(numeric_grad(penalty, w, indices=idx))
            items.append(entry)
        return {"gradients": items}

    scenario.__name__ = f"{name}_gradient"
    return scenario


# --------------------------------------------------------------------------- early stopping


def _fmt(loss: float) -> str:
    return "nan" if math.isnan(loss) else f"{loss:g}"


def _sequence_label(losses, patience, min_delta) -> str:
    setting = "the defaults (patience=5, min_delta=0)" if patience is None else f"patience={patience}, min_delta={min_delta:g}"
    return f"the losses [{', '.join(_fmt(v) for v in losses)}] with {setting}"


def _params(rng: np.random.Generator) -> dict:
    return {"W1": rng.normal(size=(3, 4)), "b1": np.zeros(4), "W2": rng.normal(size=(4, 2)), "b2": np.zeros(2)}


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def _run_sequence(cls, losses, patience=None, min_delta=0.0, seed=0, fields=("stop",)) -> dict:
    """Feed ``losses`` to a fresh ``cls(patience, min_delta)`` and record every update.

    Before each update after the first, the caller's parameter arrays change *in place*
    (an optimizer step); ``update`` receives the same dict every time.

    Returns a record ``{"label", "out", "error", "mutated", "aliased"}``. ``out`` maps
    each of ``fields`` to a list with one entry per update: ``"stop"`` the value
    ``update`` returned; ``"best_loss"``, ``"best_epoch"`` the attributes (None while no
    finite loss has been seen: their initial values are not part of the API);
    ``"best_params"`` a snapshot of the attribute, plus one last snapshot taken after
    the caller's arrays changed once more following the final update. ``mutated`` says
    whether ``update`` changed the parameters it was given.
    """
    rng = np.random.default_rng(seed)
    record = {"label": _sequence_label(losses, patience, min_delta), "out": None, "error": None,
              "mutated": False, "aliased": False}
    out = {f: [] for f in fields}
    params = _params(rng)
    seen_finite = False

    def snapshot(attr):
        return roundtrip(getattr(obj, attr)) if seen_finite else None

    with quiet():
        try:
            obj = cls() if patience is None else cls(patience, min_delta)
            for i, loss in enumerate(losses):
                if i > 0:
                    for v in params.values():
                        v += 0.1 * rng.normal(size=v.shape)  # in place, like an optimizer step
                before = copy.deepcopy(params)
                stop = obj.update(loss, params)
                record["mutated"] |= not _same(params, before)
                seen_finite |= math.isfinite(loss)
                for f in fields:
                    out[f].append(roundtrip(stop) if f == "stop" else snapshot(f))
            if "best_params" in fields:
                for v in params.values():
                    v *= 0.5  # one more in-place change after the last update
                out["best_params"].append(snapshot("best_params"))
        except NotImplementedError:
            raise
        except (Exception, SystemExit) as exc:
            record["error"] = error_text(exc)
            return record
    record["out"] = out
    return record


# Each sequence is worked by hand: "+" an improvement (loss < best_loss - min_delta),
# "." no improvement (the consecutive count of them in brackets), then the returned value.
PATIENCE_SEQUENCES = [
    # patience 3: 1.0 + F | 0.8 + F | 0.8 . (1) F (equal is not better) | 0.9 . (2) F |
    # 0.85 . (3) T | 0.7 + F | 0.75 . (1) F | 0.75 . (2) F | 0.75 . (3) T | 0.75 . (4) T
    # (still True) | 0.6 + F (False again). best_epoch: 0 1 1 1 1 5 5 5 5 5 10
    ([1.0, 0.8, 0.8, 0.9, 0.85, 0.7, 0.75, 0.75, 0.75, 0.75, 0.6], 3, 0.0),
    # patience 1: 0.5 + F | 0.5 . (1) T | 0.25 + F | 0.3 . (1) T | 0.2 + F | 0.2 . (1) T
    ([0.5, 0.5, 0.25, 0.3, 0.2, 0.2], 1, 0.0),
    # patience 2, a long decrease: every update an improvement, never True
    ([3.0, 2.5, 2.0, 1.75, 1.5, 1.25], 2, 0.0),
    # defaults (patience 5): 2.0 + | 1.5 + | 1.6 (1) | 1.5 (2) | 1.7 (3) | 1.55 (4) F |
    # 1.9 (5) T | 1.6 (6) T | 1.0 + F | 1.2 (1) F. best_epoch: 0 1 1 1 1 1 1 1 8 8
    ([2.0, 1.5, 1.6, 1.5, 1.7, 1.55, 1.9, 1.6, 1.0, 1.2], None, 0.0),
]

MIN_DELTA_SEQUENCES = [
    # patience 2, min_delta 0.25 (binary fractions: every comparison is exact):
    # 2.0 + F | 1.875 . (1) F (better by 0.125 only; best stays 2.0) | 1.75 . (2) T
    # (better by exactly 0.25: not *larger* than min_delta) | 1.5 + F | 1.25 . (1) F |
    # 1.0 + F | 0.875 . (1) F | 0.5 + F | 0.625 . (1) F (worse) | 0.625 . (2) T.
    # best_loss: 2 2 2 1.5 1.5 1 1 .5 .5 .5; best_epoch: 0 0 0 3 3 5 5 7 7 7
    ([2.0, 1.875, 1.75, 1.5, 1.25, 1.0, 0.875, 0.5, 0.625, 0.625], 2, 0.25),
    # patience 3, min_delta 0.5: 4.0 + F | 3.75 . (1) F | 3.625 . (2) F | 3.5 . (3) T
    # (exactly 0.5 better) | 3.0 + F | 2.75 . (1) F | 2.5 . (2) F (exactly 0.5) |
    # 2.25 + F | 2.5 . (1) F. best_epoch: 0 0 0 0 4 4 4 7 7
    ([4.0, 3.75, 3.625, 3.5, 3.0, 2.75, 2.5, 2.25, 2.5], 3, 0.5),
]

NAN_SEQUENCES = [
    # patience 2: nan . (1) F (best_* not recorded yet) | 1.0 + F | nan . (1) F |
    # nan . (2) T | 0.5 + F | nan . (1) F. best_epoch: - 1 1 1 4 4
    ([float("nan"), 1.0, float("nan"), float("nan"), 0.5, float("nan")], 2, 0.0),
    # patience 3: 2.0 + | 1.5 + | nan (1) | 1.75 (2) | nan (3) T | 1.25 + F
    ([2.0, 1.5, float("nan"), 1.75, float("nan"), 1.25], 3, 0.0),
]

PARAMS_SEQUENCES = [
    # patience 3: 1.0 + | 0.5 + | 0.75 . | 0.25 + | 0.5 . | 0.625 . : best at update 3;
    # best_params must keep the arrays passed at updates 0, 1, 1, 3, 3, 3 (and 3 at the end)
    ([1.0, 0.5, 0.75, 0.25, 0.5, 0.625], 3, 0.0),
    # patience 2: the first update stays the best
    ([0.5, 0.75, 1.0, 0.625], 2, 0.0),
]


def early_stopping_scenario(sequences, fields) -> Callable:
    def scenario(ns, seed):
        cls = lookup(ns, "EarlyStopping")
        return {"calls": [_run_sequence(cls, losses, patience, min_delta, seed + k, fields)
                          for k, (losses, patience, min_delta) in enumerate(sequences)]}

    scenario.__name__ = "EarlyStopping_" + "_".join(fields)
    return scenario


BEST = ("best_loss", "best_epoch")

SCENARIOS = {
    "l2_penalty.values": calls_scenario("l2_penalty", _penalty_cases),
    "l2_penalty.gradient": penalty_gradient_scenario("l2_penalty", _penalty_cases),
    "l1_penalty.values": calls_scenario("l1_penalty", _penalty_cases),
    "l1_penalty.zeros": calls_scenario("l1_penalty", _zeros_cases),
    "l1_penalty.gradient": penalty_gradient_scenario("l1_penalty", _penalty_cases),
    "EarlyStopping.stop": early_stopping_scenario(PATIENCE_SEQUENCES, ("stop",)),
    "EarlyStopping.best": early_stopping_scenario(PATIENCE_SEQUENCES, BEST),
    "EarlyStopping.min_delta": early_stopping_scenario(MIN_DELTA_SEQUENCES, ("stop",) + BEST),
    "EarlyStopping.nan": early_stopping_scenario(NAN_SEQUENCES, ("stop",) + BEST),
    "EarlyStopping.params": early_stopping_scenario(PARAMS_SEQUENCES, ("best_params",)),
}
