"""Scenarios of chapter 10: log-scale sampling, grid search and random search.

Conventions of this module:

- Generators never cross :func:`common.call` (a generator counts as modified as soon as
  it is drawn from): the wrappers take an integer seed and build the student's
  ``numpy.random.Generator`` inside the call, from ``[seed, 7919, k]`` so that it never
  replays the stream that built the inputs.
- The searches get an ``evaluate`` built here, inside the wrapper, that logs every call
  (a snapshot of the params it was given, and the dev error it returned) and returns a
  deterministic error. The judges compare the search's ``results`` and ``best_params``
  with that log, so random searches are verified whatever order the student draws in.
- Random draws are sent back raw (the samples, or the logged params) and judged by
  distribution in the grader, never against the reference's random stream.
"""
from __future__ import annotations

import copy
import math

import numpy as np

from .common import call, calls_result, lookup, student_rng, student_seed, three_seeded_runs

__all__ = ["SCENARIOS", "GRID_CASES", "SEARCH_SPACE"]


def _pair(out):
    """``(best, results)`` of a search's return value, or ``(None, None, False)``."""
    if isinstance(out, (tuple, list)) and len(out) == 2:
        return out[0], out[1], True
    return None, None, False


def _shares_best(best, results) -> bool:
    """``best`` is the very dict object stored in one of the results."""
    if not isinstance(best, dict) or not isinstance(results, (list, tuple)):
        return False
    return any(isinstance(r, (tuple, list)) and len(r) > 0 and r[0] is best for r in results)


def _search_record(out, log: list[dict]) -> dict:
    best, results, is_pair = _pair(out)
    return {
        "pair": is_pair,
        "best": best,
        "results": list(results) if isinstance(results, (list, tuple)) else results,
        "log": log,
        "best_shared": _shares_best(best, results),
    }


def _snapshot(params):
    try:
        return {k: copy.copy(v) for k, v in dict(params).items()}
    except Exception:  # noqa: BLE001 - whatever the student passed, log something readable
        return {"__not_a_dict__": type(params).__name__}


def _columns(out, space: dict, log: list[dict]) -> dict:
    """A large search, compactly: the values evaluated for each name, as arrays where numeric.

    ``keys_ok`` is False (and ``columns`` empty) when some call's params do not have
    exactly the space's names.
    """
    params = [entry["params"] for entry in log]
    keys_ok = all(set(p) == set(space) for p in params)
    columns = {}
    if keys_ok:
        for name in space:
            values = [p[name] for p in params]
            numeric = all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
                          for v in values)
            columns[name] = np.array(values, dtype=np.float64) if numeric else values
    return {"pair": _pair(out)[2], "n_calls": len(log), "keys_ok": keys_ok, "columns": columns}


# --------------------------------------------------------------------------- log_uniform


def _sample(fn):
    def sample(low, high, size, seed):
        rng = None if seed is None else student_rng(seed)
        return fn(low, high, size, rng)

    return sample


# (low, high, size)
SHAPE_CASES = [
    (1e-4, 1e-1, None),
    (1e-4, 1e-1, 1),
    (0.5, 2.0, 7),
    (1e-3, 10.0, (3, 4)),
    (1e-6, 1.0, (1, 5, 3)),
    (2.5, 2.5, 5),
]

DISTRIBUTION_CASES = [
    (1e-5, 1e-1, 20_000),
    (0.5, 2.0, (200, 100)),
    (1e-3, 10.0, 20_001),
]


def _size_text(size) -> str:
    return "size=None" if size is None else f"size={size!r}"


def log_uniform_shapes(ns, seed):
    fn = _sample(lookup(ns, "log_uniform"))
    records = [call(fn, lo, hi, size, seed + k, label=f"low={lo:g}, high={hi:g}, {_size_text(size)}")
               for k, (lo, hi, size) in enumerate(SHAPE_CASES)]
    return calls_result(records, cases=[{"low": lo, "high": hi, "size": size} for lo, hi, size in SHAPE_CASES])


def log_uniform_distribution(ns, seed):
    fn = _sample(lookup(ns, "log_uniform"))
    records = [call(fn, lo, hi, size, seed + k, label=f"low={lo:g}, high={hi:g}, {_size_text(size)}")
               for k, (lo, hi, size) in enumerate(DISTRIBUTION_CASES)]
    return calls_result(records, cases=[{"low": lo, "high": hi} for lo, hi, _ in DISTRIBUTION_CASES])


def log_uniform_seeded(ns, seed):
    three = three_seeded_runs(lookup(ns, "log_uniform"), student_seed(seed), student_seed(seed + 1))
    return calls_result([call(three, 1e-4, 1.0, 50, label="low=0.0001, high=1, size=50")])


def log_uniform_invalid(ns, seed):
    fn = _sample(lookup(ns, "log_uniform"))
    cases = [(0.0, 1.0, 5, seed, "low=0"), (-1e-3, 1e-1, 5, seed, "low=-0.001"),
             (1e-1, 1e-3, 5, seed, "high < low (low=0.1, high=0.001)"), (1e-3, 1e-1, 5, None, "rng=None")]
    return calls_result([call(fn, lo, hi, size, s, label=label) for lo, hi, size, s, label in cases])


# --------------------------------------------------------------------------- grid_search

# keys deliberately not in sorted order; values of several types
GRID_CASES = [
    {"lr": [0.1, 0.01, 0.001], "activation": ["relu", "tanh"], "hidden": [16, 64]},
    {"alpha": [3.0, 1.0, 2.0]},
    {"width": [5]},
    {"momentum": [0.9, 0.5], "batch": [32, 8, 128, 64, 16]},
    {"y": [0.5, 0.25], "z": [1, 2], "x": ["a", "b", "c"]},
]


def _value_key(v):
    """A value as a lookup key: NumPy scalars as Python ones, 16 and 16.0 alike."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return ("number", float(v))
    return (type(v).__name__, repr(v))


def _combo_key(params: dict):
    return tuple(sorted((str(k), _value_key(v)) for k, v in params.items()))


def _grid_errors(grid: dict, rng: np.random.Generator, ties: bool, nan_first: bool) -> dict:
    """A dev error for every combination: few distinct values (ties), a tied minimum."""
    import itertools

    names = list(grid)
    combos = [dict(zip(names, values)) for values in itertools.product(*(grid[n] for n in names))]
    errs = rng.integers(2, 9, size=len(combos)) / 10.0 if ties else rng.permutation(len(combos)) / 10.0 + 0.05
    if ties and len(combos) >= 3:
        low = rng.choice(len(combos), size=2, replace=False)
        errs[low] = 0.1
    if nan_first:
        errs[0] = np.nan
    return {_combo_key(c): float(e) for c, e in zip(combos, errs)}


def _run_grid(fn):
    def run(grid, error_seed, ties=True, nan_first=False):
        table = _grid_errors(grid, np.random.default_rng(error_seed), ties, nan_first)
        log = []

        def evaluate(params):
            try:
                err = table.get(_combo_key(params), 1.0)
            except Exception:  # noqa: BLE001 - unreadable params: a fixed error, logged as given
                err = 1.0
            log.append({"params": _snapshot(params), "error": err})
            return err

        out = fn(evaluate, grid)
        return _search_record(out, log)

    return run


def _grid_label(grid: dict) -> str:
    return "the grid {" + ", ".join(f"{k!r}: {len(v)} values" for k, v in grid.items()) + "}"


def grid_search_calls(ns, seed):
    """Every combination of several grids, with a logging ``evaluate`` (ties in the errors)."""
    fn = _run_grid(lookup(ns, "grid_search"))
    return calls_result([call(fn, grid, seed + k, label=_grid_label(grid)) for k, grid in enumerate(GRID_CASES)])


def grid_search_nan(ns, seed):
    """A diverged first run: its dev error is NaN."""
    fn = _run_grid(lookup(ns, "grid_search"))
    grid = {"lr": [1.0, 0.1, 0.01], "l2": [0.0, 1e-3]}
    return calls_result([call(fn, grid, seed, False, True, label=_grid_label(grid) + " whose first run diverges (dev error NaN)")])


# --------------------------------------------------------------------------- random_search

SEARCH_SPACE = {
    "lr": ("log", 1e-5, 1e-1),
    "dropout": ("uniform", 0.1, 0.6),
    "n_layers": ("int", 1, 6),
    "offset": ("int", -3, 3),
    "activation": ("choice", ["relu", "tanh", "elu"]),
}

_ACT = {"relu": 0.0, "tanh": 0.01, "elu": 0.02}


def _smooth_error(p: dict) -> float:
    return ((math.log10(p["lr"]) + 3) ** 2 / 10 + (p["dropout"] - 0.3) ** 2 + 0.01 * (p["n_layers"] - 3) ** 2
            + 0.001 * p["offset"] ** 2 + _ACT[p["activation"]])


def _tied_error(p: dict) -> float:
    return {"relu": 0.3, "tanh": 0.1, "elu": 0.1}[p["activation"]] + (0.05 if p["n_layers"] > 3 else 0.0)


def _units_error(p: dict) -> float:
    return abs(p["units"] - 32) / 100 + abs(math.log10(p["lr"]) + 2)


def _lr_error(p: dict) -> float:
    return abs(math.log10(p["lr"]) + 2)


ERRORS = {"smooth": _smooth_error, "tied": _tied_error, "units": _units_error, "lr": _lr_error}


def _run_random(fn, compact=False):
    def run(space, n_trials, seed, error="smooth", nan_first=False):
        log = []
        rule = ERRORS[error]

        def evaluate(params):
            try:
                err = float("nan") if nan_first and not log else float(rule(params))
            except Exception:  # noqa: BLE001 - unreadable params: a fixed error, logged as given
                err = 1.0
            log.append({"params": _snapshot(params), "error": err})
            return err

        out = fn(evaluate, space, n_trials, student_rng(seed))
        return _columns(out, space, log) if compact else _search_record(out, log)

    return run


def _space_label(space: dict, n_trials: int) -> str:
    kinds = ", ".join(f"{k!r}: {v[0]!r}" for k, v in space.items())
    return f"the space {{{kinds}}} with n_trials={n_trials}"


# (space, n_trials, error rule, NaN on the first call)
TRIAL_CASES = [
    (SEARCH_SPACE, 25, "tied", False),
    ({"lr": ("log", 1e-4, 1e-1)}, 1, "lr", False),
    ({"units": ("choice", [16, 32, 64]), "lr": ("log", 1e-3, 1e-1)}, 7, "units", False),
    (SEARCH_SPACE, 6, "smooth", True),
    (SEARCH_SPACE, 120, "smooth", False),
]

DISTRIBUTION_TRIALS = 3000


def random_search_trials(ns, seed):
    fn = _run_random(lookup(ns, "random_search"))
    records = []
    for k, (space, n, rule, nan_first) in enumerate(TRIAL_CASES):
        label = _space_label(space, n) + (" whose first run diverges (dev error NaN)" if nan_first else "")
        records.append(call(fn, space, n, seed + k, rule, nan_first, label=label))
    return calls_result(records, cases=[{"space": space, "n_trials": n} for space, n, _, _ in TRIAL_CASES])


def random_search_distribution(ns, seed):
    fn = _run_random(lookup(ns, "random_search"), compact=True)
    record = call(fn, SEARCH_SPACE, DISTRIBUTION_TRIALS, seed, label=_space_label(SEARCH_SPACE, DISTRIBUTION_TRIALS))
    return calls_result([record], cases=[{"space": SEARCH_SPACE, "n_trials": DISTRIBUTION_TRIALS}])


def random_search_seeded(ns, seed):
    fn = lookup(ns, "random_search")

    def evaluate(params):
        try:
            return float(_smooth_error(params))
        except Exception:  # noqa: BLE001 - unreadable params: a fixed error
            return 1.0

    three = three_seeded_runs(fn, student_seed(seed, 0), student_seed(seed, 1))
    return calls_result([call(three, evaluate, SEARCH_SPACE, 30, label=_space_label(SEARCH_SPACE, 30))])


def random_search_unknown(ns, seed):
    fn = _run_random(lookup(ns, "random_search"))
    space = {"lr": ("log", 1e-4, 1e-1), "noise": ("normal", 0.0, 1.0)}
    return calls_result([call(fn, space, 5, seed, "lr", label="a space with the unknown kind 'normal'")])


SCENARIOS = {
    "log_uniform.shapes": log_uniform_shapes,
    "log_uniform.distribution": log_uniform_distribution,
    "log_uniform.seeded": log_uniform_seeded,
    "log_uniform.invalid": log_uniform_invalid,
    "grid_search.calls": grid_search_calls,
    "grid_search.nan": grid_search_nan,
    "random_search.trials": random_search_trials,
    "random_search.distribution": random_search_distribution,
    "random_search.seeded": random_search_seeded,
    "random_search.unknown": random_search_unknown,
}
