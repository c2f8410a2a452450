"""Common wrong versions of the chapter 10 hyperparameter searches."""
from __future__ import annotations

import itertools

import numpy as np


def _finish(value, size):
    return float(value) if size is None else value


# --------------------------------------------------------------------------- log_uniform


def log_uniform_linear(low, high, size, rng):
    """Uniform on the linear scale: 90% of the draws land in the top decade."""
    return _finish(rng.uniform(low, high, size), size)


def log_uniform_no_logs(low, high, size, rng):
    """10 ** U(low, high): the bounds used as exponents without taking their logarithms."""
    return _finish(10.0 ** rng.uniform(low, high, size), size)


def log_uniform_exp_of_log10(low, high, size, rng):
    """exp(U(log10 low, log10 high)): natural exponential of base-10 logarithms."""
    return _finish(np.exp(rng.uniform(np.log10(low), np.log10(high), size)), size)


def log_uniform_exponent_only(low, high, size, rng):
    """Returns the exponent r ~ U(log10 low, log10 high), not 10 ** r."""
    return _finish(rng.uniform(np.log10(low), np.log10(high), size), size)


# --------------------------------------------------------------------------- grid_search


def _lowest(errors):
    errs = np.asarray(errors, dtype=np.float64)
    return int(np.argmin(np.where(np.isnan(errs), np.inf, errs)))


def _grid(evaluate, grid, names):
    results = []
    for values in itertools.product(*(list(grid[n]) for n in names)):
        params = dict(zip(names, values))
        results.append((params, float(evaluate(dict(params)))))
    return results


def grid_sorted_keys(evaluate, grid):
    """Iterates over the keys in sorted order instead of the grid's own order."""
    results = _grid(evaluate, grid, sorted(grid))
    return dict(results[_lowest([e for _, e in results])][0]), results


def grid_first_key_fastest(evaluate, grid):
    """Nested loops the other way round: the first key varies fastest."""
    names = list(grid)
    results = []
    for values in itertools.product(*(list(grid[n]) for n in reversed(names))):
        params = dict(zip(reversed(names), values))
        params = {n: params[n] for n in names}
        results.append((params, float(evaluate(dict(params)))))
    return dict(results[_lowest([e for _, e in results])][0]), results


def grid_best_is_max(evaluate, grid):
    """Keeps the combination with the largest dev error."""
    results = _grid(evaluate, grid, list(grid))
    errs = np.array([e for _, e in results])
    return dict(results[int(np.argmax(np.where(np.isnan(errs), -np.inf, errs)))][0]), results


def grid_shared_params_dict(evaluate, grid):
    """One params dict, filled in place for every combination and stored in every result."""
    names = list(grid)
    params = {}
    results = []
    for values in itertools.product(*(list(grid[n]) for n in names)):
        params.update(zip(names, values))
        results.append((params, float(evaluate(params))))
    return params, results


# --------------------------------------------------------------------------- random_search


def _draw(spec, rng, *, int_exclusive=False, log_linear=False, choice_index=False):
    kind = spec[0]
    if kind == "log":
        if log_linear:
            return float(rng.uniform(spec[1], spec[2]))
        return float(10 ** rng.uniform(np.log10(spec[1]), np.log10(spec[2])))
    if kind == "uniform":
        return float(rng.uniform(spec[1], spec[2]))
    if kind == "int":
        return int(rng.integers(spec[1], spec[2] + (0 if int_exclusive else 1)))
    if kind == "choice":
        i = int(rng.integers(len(spec[1])))
        return i if choice_index else spec[1][i]
    raise ValueError(f"unknown kind {kind!r}")


def _random(evaluate, space, n_trials, rng, pick=_lowest, reuse=False, **how):
    for spec in space.values():
        if spec[0] not in ("log", "uniform", "int", "choice"):
            raise ValueError(f"unknown kind {spec[0]!r}")
    results = []
    params = None
    for _ in range(n_trials):
        if params is None or not reuse:
            params = {name: _draw(spec, rng, **how) for name, spec in space.items()}
        results.append((dict(params), float(evaluate(dict(params)))))
    return dict(results[pick([e for _, e in results])][0]), results


def random_int_exclusive(evaluate, space, n_trials, rng):
    """rng.integers(low, high): 'int' never reaches its upper bound."""
    return _random(evaluate, space, n_trials, rng, int_exclusive=True)


def random_log_linear(evaluate, space, n_trials, rng):
    """'log' entries drawn uniformly on the linear scale."""
    return _random(evaluate, space, n_trials, rng, log_linear=True)


def random_best_is_max(evaluate, space, n_trials, rng):
    """Keeps the trial with the largest dev error."""
    def highest(errors):
        errs = np.asarray(errors, dtype=np.float64)
        return int(np.argmax(np.where(np.isnan(errs), -np.inf, errs)))

    return _random(evaluate, space, n_trials, rng, pick=highest)


def random_reuses_one_sample(evaluate, space, n_trials, rng):
    """Draws one combination and evaluates it in every trial."""
    return _random(evaluate, space, n_trials, rng, reuse=True)


def random_choice_index(evaluate, space, n_trials, rng):
    """'choice' gives the index of the value instead of the value."""
    return _random(evaluate, space, n_trials, rng, choice_index=True)
