"""Chapter 10 checks: correct searches written differently earn full marks, wrong ones fail the intended check."""
import itertools
import math

import numpy as np
import pytest

from autograder.checks.judges import ch10 as judges
from autograder.checks.judges.ch10 import LogUniformLaw, SpaceDistributions
from autograder.checks.stats import ALPHA, ks_uniform_pvalue

from .support import grade_with


def failed_checks(report) -> list[str]:
    return [c.name for c in report.checks if not c.passed]


# --------------------------------------------------------------------------- log_uniform


def log_uniform_natural(low, high, size, rng):
    """exp(U(ln low, ln high)): the same law in base e, without clipping."""
    if rng is None or not 0 < low <= high:
        raise ValueError("bad arguments")
    out = np.exp(rng.uniform(np.log(low), np.log(high), size))
    return float(out) if size is None else out


def log_uniform_power_of_ratio(low, high, size, rng):
    """low * (high / low) ** U(0, 1), drawn with rng.random."""
    if rng is None or low <= 0 or high < low:
        raise ValueError("bad arguments")
    u = rng.random() if size is None else rng.random(size)
    return low * (high / low) ** u


def log_uniform_global_state(low, high, size, rng):
    """Correct law, but drawn from NumPy's global generator instead of rng."""
    if rng is None or not 0 < low <= high:
        raise ValueError("bad arguments")
    out = 10 ** np.random.uniform(np.log10(low), np.log10(high), size)
    return float(out) if size is None else out


@pytest.mark.parametrize("impl", [log_uniform_natural, log_uniform_power_of_ratio])
def test_other_formulas_for_log_uniform_get_full_marks(impl):
    report = grade_with("log_uniform", log_uniform=impl)
    assert report.earned == report.points, report.render_text()


def test_log_uniform_ignoring_rng_fails_only_reproducibility():
    report = grade_with("log_uniform", log_uniform=log_uniform_global_state)
    assert failed_checks(report) == ["the same seed gives the same samples, another seed other samples"], \
        report.render_text()


def _law_verdict(samples: np.ndarray, low: float, high: float):
    actual = {"calls": [{"label": "x", "out": samples, "error": None}], "cases": [{"low": low, "high": high}]}
    expected = {"calls": [{"label": "x", "out": samples}], "cases": [{"low": low, "high": high}]}
    return LogUniformLaw()(actual, expected)


def test_log_uniform_law_accepts_many_independent_correct_samples():
    """Fifty fresh correct samples pass: the test's false alarm rate is ALPHA = 1e-6 per sample."""
    for seed in range(50):
        rng = np.random.default_rng(seed)
        x = 10 ** rng.uniform(-5, -1, 20_000)
        ok, msg = _law_verdict(x, 1e-5, 1e-1)
        assert ok, f"seed {seed}: {msg}"


@pytest.mark.parametrize("low,high", [(1e-5, 1e-1), (0.5, 2.0), (1e-3, 10.0)])
def test_wrong_laws_fail_the_ks_test_by_a_huge_margin(low, high):
    """Each plausible wrong variant is rejected with a p-value far below ALPHA on 20 000 draws."""
    rng = np.random.default_rng(0)
    lo, hi = math.log10(low), math.log10(high)
    wrong = {
        "linear": rng.uniform(low, high, 20_000),
        "no logs": 10 ** rng.uniform(low, high, 20_000),
        "exp of log10": np.exp(rng.uniform(lo, hi, 20_000)),
    }
    for what, x in wrong.items():
        p = ks_uniform_pvalue(np.log10(x), lo, hi)
        assert p < ALPHA * 1e-20, f"{what}: KS p-value {p:.1e} is not far below {ALPHA}"


def test_the_law_test_names_the_linear_mistake_on_a_fresh_sample():
    x = np.random.default_rng(5).uniform(1e-5, 1e-1, 20_000)
    ok, msg = _law_verdict(x, 1e-5, 1e-1)
    assert not ok and msg == judges.LU_LINEAR, msg


# --------------------------------------------------------------------------- grid_search


def grid_search_loops(evaluate, grid):
    """Recursive nested loops, results as lists, and a loop that skips NaNs for the best."""
    names = list(grid)
    results = []

    def walk(i, chosen):
        if i == len(names):
            params = dict(chosen)
            results.append([params, evaluate(dict(params))])
            return
        for value in grid[names[i]]:
            chosen[names[i]] = value
            walk(i + 1, chosen)
        del chosen[names[i]]

    walk(0, {})
    best_i = 0
    for i, (_, err) in enumerate(results):
        if not math.isnan(err) and (math.isnan(results[best_i][1]) or err < results[best_i][1]):
            best_i = i
    return dict(results[best_i][0]), results


def grid_search_min_builtin(evaluate, grid):
    """Correct except for NaN: min() keeps a NaN that comes first."""
    names = list(grid)
    results = [(dict(zip(names, v)), evaluate(dict(zip(names, v)))) for v in itertools.product(*grid.values())]
    return dict(min(results, key=lambda r: r[1])[0]), results


def grid_search_aliased_best(evaluate, grid):
    """Correct results, but best_params is the very dict stored in results."""
    names = list(grid)
    results = [(dict(zip(names, v)), float(evaluate(dict(zip(names, v))))) for v in itertools.product(*grid.values())]
    errs = np.array([e for _, e in results])
    return results[int(np.argmin(np.where(np.isnan(errs), np.inf, errs)))][0], results


def test_grid_search_with_recursive_loops_gets_full_marks():
    report = grade_with("grid_search", grid_search=grid_search_loops)
    assert report.earned == report.points, report.render_text()


def test_grid_search_with_min_fails_only_the_nan_check():
    report = grade_with("grid_search", grid_search=grid_search_min_builtin)
    assert failed_checks(report) == ["a NaN dev error (a diverged run) never wins"], report.render_text()


def test_grid_search_returning_a_shared_dict_fails_only_purity():
    report = grade_with("grid_search", grid_search=grid_search_aliased_best)
    assert failed_checks(report) == ["the grid is left unchanged and best_params is a new dict"], report.render_text()
    assert "same dict object" in report.checks[-1].message, report.render_text()


# --------------------------------------------------------------------------- random_search


def random_search_trial_by_trial(evaluate, space, n_trials, rng, int_type=None):
    """Another order of draws: a whole trial at a time, names in reverse order, rng.choice."""
    for spec in space.values():
        if spec[0] not in ("log", "uniform", "int", "choice"):
            raise ValueError(f"unknown kind {spec[0]!r}")
    results = []
    for _ in range(n_trials):
        params = {}
        for name in reversed(list(space)):
            kind, *args = space[name]
            if kind == "log":
                params[name] = float(np.exp(rng.uniform(np.log(args[0]), np.log(args[1]))))
            elif kind == "uniform":
                params[name] = args[0] + (args[1] - args[0]) * rng.random()
            elif kind == "int":
                params[name] = rng.integers(args[0], args[1] + 1)  # a NumPy integer
                params[name] = int_type(params[name]) if int_type else params[name]
            else:
                params[name] = rng.choice(args[0])  # a NumPy scalar of the element's kind
        params = {name: params[name] for name in space}
        results.append((params, evaluate(dict(params))))
    errs = [math.inf if math.isnan(e) else e for _, e in results]
    return dict(results[errs.index(min(errs))][0]), results


def random_search_global_state(evaluate, space, n_trials, rng):
    return random_search_trial_by_trial(evaluate, space, n_trials, np.random.default_rng())


def random_search_float_ints(evaluate, space, n_trials, rng):
    """'int' entries as floats 3.0: the right numbers but not integers."""
    return random_search_trial_by_trial(evaluate, space, n_trials, rng, int_type=float)


def test_random_search_drawing_trial_by_trial_gets_full_marks():
    report = grade_with("random_search", random_search=random_search_trial_by_trial)
    assert report.earned == report.points, report.render_text()


def test_random_search_ignoring_rng_fails_only_reproducibility():
    report = grade_with("random_search", random_search=random_search_global_state)
    assert failed_checks(report) == ["the same seed gives the same trials, another seed other trials"], \
        report.render_text()


def test_float_valued_ints_fail_the_kind_check():
    report = grade_with("random_search", random_search=random_search_float_ints)
    failed = failed_checks(report)
    assert "every value fits its kind: floats in [low, high], ints from low to high, elements of the choices" in failed, \
        report.render_text()
    assert "expected a Python int" in " ".join(c.message for c in report.checks), report.render_text()


def _distribution_verdict(columns: dict, n: int):
    space = {"lr": ("log", 1e-5, 1e-1), "k": ("int", 1, 6), "act": ("choice", ["relu", "tanh", "elu"])}
    out = {"pair": True, "n_calls": n, "keys_ok": True, "columns": columns}
    actual = {"calls": [{"label": "x", "out": out, "error": None}]}
    return SpaceDistributions()(actual, {"cases": [{"space": space, "n_trials": n}]})


def test_distribution_check_accepts_many_independent_correct_searches():
    for seed in range(30):
        rng = np.random.default_rng(seed)
        cols = {"lr": 10 ** rng.uniform(-5, -1, 3000), "k": rng.integers(1, 7, 3000).astype(float),
                "act": list(rng.choice(["relu", "tanh", "elu"], 3000))}
        ok, msg = _distribution_verdict({k: v if k != "act" else [str(a) for a in v] for k, v in cols.items()}, 3000)
        assert ok, f"seed {seed}: {msg}"


def test_distribution_check_rejects_an_int_range_missing_its_lower_end():
    rng = np.random.default_rng(1)
    cols = {"lr": 10 ** rng.uniform(-5, -1, 3000), "k": rng.integers(2, 7, 3000).astype(float),
            "act": [str(a) for a in rng.choice(["relu", "tanh", "elu"], 3000)]}
    ok, msg = _distribution_verdict(cols, 3000)
    assert not ok and "never took the value 1" in msg, msg
