"""Hyperparameter search (chapter 10): log-scale sampling, grid search, random search."""
import numpy as np

__all__ = ["grid_search", "log_uniform", "random_search"]


def log_uniform(low, high, size, rng):
    """Sample on a log scale: ``10 ** U(log10 low, log10 high)``.

    Every decade between ``low`` and ``high`` gets the same share of the samples (as
    many values in [1e-4, 1e-3] as in [1e-2, 1e-1]), which suits hyperparameters such
    as the learning rate or the L2 strength whose effect depends on their order of
    magnitude.

    Parameters
    ----------
    low, high : float
        Bounds, ``0 < low <= high``.
    size : int or tuple of int or None
        Output shape, as in ``rng.uniform``; None gives a single float.
    rng : numpy.random.Generator

    Returns
    -------
    samples : ndarray of float64 with shape ``size`` (a float when ``size`` is None)
        Values in ``[low, high]``.

    Notes
    -----
    - Sampling ``U(low, high)`` directly would put 90% of the values in the top decade.
    - Raises ValueError when ``low <= 0``, ``high < low`` or ``rng`` is None.
    """
    if rng is None:
        raise ValueError("log_uniform needs an explicit rng (numpy.random.Generator)")
    if not 0 < low <= high:
        raise ValueError(f"log_uniform needs 0 < low <= high, got low={low!r}, high={high!r}")
    u = rng.uniform(np.log10(low), np.log10(high), size)
    # 10 ** log10(high) may round to just above high: clip to the exact bounds.
    samples = np.clip(np.power(10.0, u), low, high)
    return float(samples) if size is None else samples


def _best_index(errors):
    """Index of the lowest error, the first one on ties; NaN counts as worst."""
    errs = np.asarray(errors, dtype=np.float64)
    errs = np.where(np.isnan(errs), np.inf, errs)
    return int(np.argmin(errs))


def grid_search(evaluate, grid):
    """Exhaustive search over every combination of the values in ``grid``.

    Parameters
    ----------
    evaluate : callable
        ``evaluate(params) -> dev_error`` (lower is better), ``params`` a dict mapping
        each name of ``grid`` to one value. Called exactly once per combination.
    grid : dict
        Maps each hyperparameter name to a list of candidate values.

    Returns
    -------
    best_params : dict
        The combination with the lowest dev error (the first one on ties).
    results : list of (dict, float)
        ``(params, dev_error)`` for every combination, in ``itertools.product`` order
        of the grid's values, keys taken in the order of ``grid`` (the last key varies
        fastest). ``prod(len(values))`` entries.

    Notes
    -----
    - The number of combinations grows exponentially with the number of
      hyperparameters; with a fixed budget, random search usually explores the
      important ones better.
    - A NaN dev error (a diverged run) is treated as worse than any number.
    - Raises ValueError when the grid has no combination (a name with no values).
    """
    import itertools

    names = list(grid)
    results = []
    for values in itertools.product(*(list(grid[name]) for name in names)):
        params = dict(zip(names, values))
        dev_error = float(evaluate(dict(params)))  # a copy: evaluate cannot alter our record
        results.append((params, dev_error))
    if not results:
        raise ValueError("grid_search: the grid has no combination (an empty list of values)")
    best = _best_index([err for _, err in results])
    return dict(results[best][0]), results


def _sample_space(space, n, rng):
    """Draw ``n`` values for every name of ``space``; returns a dict of lists."""
    samples = {}
    for name, spec in space.items():
        kind = spec[0] if isinstance(spec, (tuple, list)) and len(spec) > 0 else None
        if kind in ("log", "uniform", "int") and len(spec) == 3:
            low, high = spec[1], spec[2]
            if kind == "log":
                samples[name] = [float(v) for v in log_uniform(low, high, n, rng)]
            elif kind == "uniform":
                if not low <= high:
                    raise ValueError(f"{name!r}: uniform needs low <= high, got {spec!r}")
                samples[name] = [float(v) for v in rng.uniform(low, high, n)]
            else:
                if not int(low) <= int(high):
                    raise ValueError(f"{name!r}: int needs low <= high, got {spec!r}")
                draws = rng.integers(int(low), int(high), size=n, endpoint=True)
                samples[name] = [int(v) for v in draws]
        elif kind == "choice" and len(spec) == 2:
            values = list(spec[1])
            if not values:
                raise ValueError(f"{name!r}: choice needs at least one value")
            idx = rng.integers(0, len(values), size=n)
            samples[name] = [values[i] for i in idx]
        else:
            raise ValueError(
                f"{name!r}: unknown search space entry {spec!r}; expected ('log', low, high), "
                "('uniform', low, high), ('int', low, high) or ('choice', [values])"
            )
    return samples


def random_search(evaluate, space, n_trials, rng):
    """Random search: ``n_trials`` combinations drawn independently from ``space``.

    Parameters
    ----------
    evaluate : callable
        ``evaluate(params) -> dev_error`` (lower is better); called once per trial.
    space : dict
        Maps each hyperparameter name to one of

        - ``('log', low, high)``: float, :func:`log_uniform` on ``[low, high]``;
        - ``('uniform', low, high)``: float, uniform on ``[low, high]``;
        - ``('int', low, high)``: Python int, uniform on ``low, ..., high`` (both
          bounds included);
        - ``('choice', [values])``: one of the values (the element itself), each
          with the same probability.
    n_trials : int
        Number of combinations to evaluate (``>= 1``).
    rng : numpy.random.Generator

    Returns
    -------
    best_params : dict
        The trial with the lowest dev error (the first one on ties).
    results : list of (dict, float)
        ``(params, dev_error)`` for every trial, in trial order.

    Notes
    -----
    - Note the inclusive upper bound of 'int': ``rng.integers(low, high)`` excludes
      ``high``; pass ``endpoint=True`` (or use ``high + 1``).
    - Sample scale-like hyperparameters (learning rate, L2 strength) with 'log'.
    - The whole space is checked before ``evaluate`` is first called: an unknown kind
      raises ValueError, as do ``n_trials < 1`` and ``rng`` None.
    """
    if rng is None:
        raise ValueError("random_search needs an explicit rng (numpy.random.Generator)")
    if isinstance(n_trials, bool) or not isinstance(n_trials, (int, np.integer)) or n_trials < 1:
        raise ValueError(f"n_trials must be an integer >= 1, got {n_trials!r}")
    samples = _sample_space(space, int(n_trials), rng)
    results = []
    for t in range(int(n_trials)):
        params = {name: samples[name][t] for name in space}
        dev_error = float(evaluate(dict(params)))  # a copy: evaluate cannot alter our record
        results.append((params, dev_error))
    best = _best_index([err for _, err in results])
    return dict(results[best][0]), results
