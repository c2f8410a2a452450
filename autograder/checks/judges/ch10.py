"""Chapter 10, hyperparameter tuning: what is graded and the mistakes we recognise.

``log_uniform`` and ``random_search`` are random, so their draws are judged by
distribution, never against the reference's random stream:

- :class:`LogUniformLaw`: a Kolmogorov-Smirnov test of ``log10`` of 20 000 draws against
  ``U(log10 low, log10 high)`` on three ranges; a correct implementation fails it with
  probability ``stats.ALPHA`` = 1e-6 (and the scenarios' seeds are fixed). The wrong laws of the
  catalogue differ from it by a KS distance of 0.15 or more (or leave ``[low, high]``),
  against a critical distance of about 0.02 at this sample size; when a sample fails, it
  is tested against each wrong law in turn and the message names the one that fits.
- :class:`SpaceDistributions`: 3000 trials of ``random_search``; each 'log' and 'uniform'
  entry by a KS test (critical distance about 0.05), each 'int' and 'choice' entry by a
  chi-square test of its counts against equal probabilities (p < ``ALPHA`` fails), with
  both ends of an 'int' range reached (each end is missed with probability
  ``(5/6)^3000``).

The searches call an ``evaluate`` built by the scenario, which logs the params of every
call and the error it returned: ``results`` and ``best_params`` are judged against that
log, whatever order the student draws in. ``grid_search`` is deterministic and compared
with the reference's run, so its mistakes are recognised by re-running them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..compare import (UNREADABLE, EachCall, Reproducible, dict_records, identical, is_number, kind, label_of, purity,
                       same_calls, values_match)
from ..mistakes import ch10 as m
from ..stats import ALPHA, chi2_equal_pvalue, ks_uniform_pvalue
from .base import Check, FunctionSpec, Mistake

# --------------------------------------------------------------------------- messages

LU_LINEAR = ("You sample uniformly between low and high, which puts 90% of the draws in the top decade; draw "
             "the exponent uniformly instead: 10 ** U(log10 low, log10 high).")
LU_NO_LOGS = ("You draw the exponent from U(low, high); take the logarithms of the bounds first: "
              "10 ** U(log10 low, log10 high).")
LU_EXP_LOG10 = ("You mix bases: np.exp undoes the natural log, not log10; use 10 ** U(log10 low, log10 high) "
                "(or np.exp(U(ln low, ln high))).")
LU_EXPONENT = "You return the exponent r ~ U(log10 low, log10 high) itself; the samples are 10 ** r."

GRID_SORTED = ("You go through the keys in sorted order; keep the grid's own key order "
               "(itertools.product over the value lists of list(grid)).")
GRID_FIRST_FASTEST = ("Your loops are nested the other way round: in itertools.product order the first key varies "
                      "slowest and the last key fastest.")
GRID_MAX = "You return the combination with the largest dev error; lower is better, so keep the minimum."
GRID_SHARED = ("You fill one params dict in place and store it in every result, so they all show the last "
               "combination; build a new dict for each combination.")

RS_INT_EXCLUSIVE = ("'int' bounds are inclusive, but your draws never reach high (rng.integers(low, high) excludes "
                    "it); use rng.integers(low, high, endpoint=True) or high + 1.")
RS_LOG_LINEAR = ("You sample 'log' entries uniformly between low and high; draw them uniformly in log10 space "
                 "(with log_uniform).")
RS_MAX = "You return the trial with the largest dev error; lower is better, so keep the minimum."
RS_REUSE = ("Every trial evaluates the same combination: you draw the hyperparameters once; draw a new "
            "combination for each trial.")
RS_CHOICE_INDEX = "For 'choice' you return the index of the chosen value; return the value itself, values[i]."

# --------------------------------------------------------------------------- helpers


def _positive(x: np.ndarray) -> bool:
    return bool(np.all(np.isfinite(x)) and np.all(x > 0))


# --------------------------------------------------------------------------- log_uniform


@dataclass(frozen=True)
class SampleShapes(EachCall):
    """Every call returns ``size`` floats (one float for ``size=None``) in ``[low, high]``."""

    columns = ("cases",)

    def judge(self, a, e, label, case) -> str:
        out, want = a.get("out"), e.get("out")
        if case["size"] is None:
            if is_number(out):
                out = np.asarray(float(out))
            elif not (isinstance(out, np.ndarray) and out.shape == ()):
                return f"on {label} it should return a single float but returns {kind(out)}"
        elif not isinstance(out, np.ndarray):
            return f"on {label} it should return an array of shape {want.shape} but returns {kind(out)}"
        elif out.shape != want.shape:
            return f"on {label} it returns an array of shape {out.shape}, expected {want.shape}"
        if out.dtype.kind != "f":
            return f"on {label} it returns values of dtype {out.dtype}, expected floats"
        x = out.astype(np.float64)
        if not np.all(np.isfinite(x)):
            return f"on {label} it returns nan or inf"
        low, high = case["low"], case["high"]
        outside = (x < low * (1 - 1e-12)) | (x > high * (1 + 1e-12))
        if outside.any():
            bad = float(x.ravel()[np.flatnonzero(outside.ravel())[0]])
            return f"on {label}, the value {bad:.6g} lies outside [low, high] = [{low:g}, {high:g}]"
        return ""


@dataclass(frozen=True)
class Law:
    """A law of samples on ``[low, high]``, as a test ``fits(x, low, high) -> bool``."""

    message: str
    fits: Callable[[np.ndarray, float, float], bool]


def _fits_log_uniform(x, low, high) -> bool:
    return _positive(x) and ks_uniform_pvalue(np.log10(x), math.log10(low), math.log10(high)) >= ALPHA


WRONG_LAWS = (
    Law(LU_LINEAR, lambda x, lo, hi: ks_uniform_pvalue(x, lo, hi) >= ALPHA),
    Law(LU_NO_LOGS, lambda x, lo, hi: _positive(x) and ks_uniform_pvalue(np.log10(x), lo, hi) >= ALPHA),
    Law(LU_EXP_LOG10, lambda x, lo, hi: _positive(x)
        and ks_uniform_pvalue(np.log(x), math.log10(lo), math.log10(hi)) >= ALPHA),
    Law(LU_EXPONENT, lambda x, lo, hi: ks_uniform_pvalue(x, math.log10(lo), math.log10(hi)) >= ALPHA),
)


@dataclass(frozen=True)
class LogUniformLaw(EachCall):
    """log10 of every large sample is uniform on ``[log10 low, log10 high]`` (KS test)."""

    columns = ("cases",)

    def judge(self, a, e, label, case) -> str:
        out = a.get("out")
        if not isinstance(out, np.ndarray) or out.size != e["out"].size or out.dtype.kind not in "fiu":
            return f"on {label} it should return {e['out'].size} numbers but returns {kind(out)}"
        x = out.astype(np.float64).ravel()
        low, high = case["low"], case["high"]
        if _fits_log_uniform(x, low, high):
            return ""
        for law in WRONG_LAWS:
            if law.fits(x, low, high):
                return law.message
        if not _positive(x):
            return f"on {label} some samples are not positive finite numbers"
        p = ks_uniform_pvalue(np.log10(x), math.log10(low), math.log10(high))
        return (f"on {label}, log10 of the samples is not uniform on [log10 low, log10 high] = "
                f"[{math.log10(low):.3g}, {math.log10(high):.3g}] (Kolmogorov-Smirnov p = {p:.1e})")


# --------------------------------------------------------------------------- searches: common


def _search_out(rec: dict) -> tuple[dict | None, str]:
    """The scenario's record of one search that did not raise, or why it cannot be judged."""
    out = rec.get("out")
    if not isinstance(out, dict) or not isinstance(out.get("log"), list):
        return None, UNREADABLE
    if not out.get("pair"):
        return None, f"on {label_of(rec)} it should return a pair (best_params, results)"
    return out, ""


def _ordinal(i: int) -> str:
    n = i + 1
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _show(params) -> str:
    text = repr(params)
    return text if len(text) <= 160 else text[:157] + "..."


# --------------------------------------------------------------------------- grid_search


@dataclass(frozen=True)
class GridCalls(EachCall):
    """evaluate was called once per combination, in the reference's order."""

    def judge(self, a, e, label) -> str:
        out = a.get("out")
        if not isinstance(out, dict) or not isinstance(out.get("log"), list):
            return UNREADABLE
        got, want = out["log"], e["out"]["log"]
        for i, (g, w) in enumerate(zip(got, want)):
            g = g.get("params") if isinstance(g, dict) else g
            ok, _ = values_match(g, w["params"])
            if not ok:
                return (f"on {label}, the {_ordinal(i)} call to evaluate got params {_show(g)}, "
                        f"expected {_show(w['params'])} (itertools.product order: the last key varies fastest)")
        if len(got) != len(want):
            return f"on {label}, evaluate was called {len(got)} times, expected {len(want)} (once per combination)"
        return ""


@dataclass(frozen=True)
class GridResults(EachCall):
    """results: (params, dev_error) for every combination, in the reference's order."""

    def judge(self, a, e, label) -> str:
        out, why = _search_out(a)
        if out is None:
            return why
        got, want = out.get("results"), e["out"]["results"]
        if not isinstance(got, list):
            return f"on {label}, results should be a list of (params, dev_error) pairs but is {kind(got)}"
        if len(got) != len(want):
            return f"on {label}, results holds {len(got)} entries, expected {len(want)} (one per combination)"
        for i, (g, w) in enumerate(zip(got, want)):
            if not isinstance(g, (tuple, list)) or len(g) != 2:
                return f"on {label}, results[{i}] is {kind(g)}, expected a pair (params, dev_error)"
            ok, msg = values_match(g, w, 1e-12, 0.0, f"results[{i}]")
            if not ok:
                return f"on {label}, {msg}"
        return ""


@dataclass(frozen=True)
class GridBest(EachCall):
    """best_params is the reference's (the lowest dev error, the first on ties; NaN never wins)."""

    def judge(self, a, e, label) -> str:
        out, why = _search_out(a)
        if out is None:
            return why
        got, want = out.get("best"), e["out"]["best"]
        if values_match(got, want)[0]:
            return ""
        return (f"on {label}, best_params is {_show(got)}, expected {_show(want)} "
                "(the lowest dev error, the first one on ties; a NaN error never wins)")


@dataclass(frozen=True)
class SearchPurity:
    """Inputs unchanged (``purity``) and ``best_params`` not the very dict stored in the results."""

    def __call__(self, actual, expected) -> tuple[bool, str]:
        ok, msg = purity(actual, expected)
        if not ok:
            return ok, msg
        for a in dict_records(actual) or []:
            if isinstance(a.get("out"), dict) and a["out"].get("best_shared"):
                return False, (f"on {label_of(a)}, best_params is the same dict object as one of the results: "
                               "return a copy (dict(params)), or a caller who changes it changes results too")
        return True, ""


# --------------------------------------------------------------------------- random_search


def _logged(out: dict) -> tuple[list, np.ndarray]:
    log = out["log"]
    params = [entry.get("params") if isinstance(entry, dict) else None for entry in log]
    errors = np.array([float(entry.get("error", np.nan)) if isinstance(entry, dict) else np.nan for entry in log])
    return params, errors


@dataclass(frozen=True)
class TrialsRecorded(EachCall):
    """n_trials calls of evaluate; results[i] = (params, dev_error) of the i-th call."""

    columns = ("cases",)
    paired = False

    def judge(self, a, e, label, case) -> str:
        out, why = _search_out(a)
        if out is None:
            return why
        n = case["n_trials"]
        params, errors = _logged(out)
        if len(params) != n:
            return f"on {label}, evaluate was called {len(params)} times, expected n_trials = {n}"
        results = out.get("results")
        if not isinstance(results, list) or len(results) != n:
            return f"on {label}, results should be a list of n_trials = {n} pairs but is {kind(results)}"
        for i, (r, p, err) in enumerate(zip(results, params, errors)):
            if not isinstance(r, (tuple, list)) or len(r) != 2:
                return f"on {label}, results[{i}] is {kind(r)}, expected a pair (params, dev_error)"
            ok, _ = values_match(r[0], p)
            if not ok:
                return (f"on {label}, results[{i}] holds params {_show(r[0])}, but the {_ordinal(i)} trial "
                        f"evaluated {_show(p)}: keep the results in trial order")
            if not is_number(r[1]) or not (r[1] == err or (math.isnan(err) and math.isnan(r[1]))):
                return (f"on {label}, results[{i}] has dev error {r[1]!r}, but evaluate returned {err!r} "
                        "for that trial")
        return ""


def _first_lowest(errors: np.ndarray) -> int:
    return int(np.argmin(np.where(np.isnan(errors), np.inf, errors)))


def _first_highest(errors: np.ndarray) -> int:
    return int(np.argmax(np.where(np.isnan(errors), -np.inf, errors)))


@dataclass(frozen=True)
class BestOfTrials(EachCall):
    """best_params are the params of the trial with the lowest logged error (first on ties)."""

    paired = False

    def judge(self, a, e, label) -> str:
        out, why = _search_out(a)
        if out is None:
            return why
        params, errors = _logged(out)
        if not params:
            return f"on {label}, evaluate was never called"
        best = out.get("best")
        want = params[_first_lowest(errors)]
        if values_match(best, want)[0]:
            return ""
        if errors.size > 1 and values_match(best, params[_first_highest(errors)])[0]:
            return RS_MAX
        return (f"on {label}, best_params is {_show(best)}, but the trial with the lowest dev error "
                f"(the first one on ties; a NaN error never wins) evaluated {_show(want)}")


def _value_problem(name: str, spec, values: list) -> str:
    """Why the values drawn for one entry of the space do not fit its kind and bounds ('' if they do)."""
    kind = spec[0]
    if kind in ("log", "uniform"):
        low, high = spec[1], spec[2]
        for v in values:
            if not is_number(v) or not math.isfinite(v):
                return f"{name!r} is {v!r}, expected a float in [{low:g}, {high:g}]"
            if not low - 1e-12 * abs(low) <= v <= high + 1e-12 * abs(high):
                return f"{name!r} is {v:.6g}, outside [low, high] = [{low:g}, {high:g}]"
        return ""
    if kind == "int":
        low, high = spec[1], spec[2]
        for v in values:
            if not isinstance(v, int) or isinstance(v, bool):
                return f"{name!r} is {v!r}, expected a Python int (or a NumPy integer) from {low} to {high}"
            if not low <= v <= high:
                return f"{name!r} is {v}, outside {low} ... {high}"
        return ""
    choices = list(spec[1])

    def member(v):
        return any(type(v) is type(c) and v == c or is_number(v) and is_number(c) and v == c for c in choices)

    if all(member(v) for v in values):
        return ""
    if not all(isinstance(c, int) for c in choices) and all(
            isinstance(v, int) and not isinstance(v, bool) and 0 <= v < len(choices) for v in values):
        return RS_CHOICE_INDEX
    bad = next(v for v in values if not member(v))
    return f"{name!r} is {bad!r}, which is not one of the choices {choices!r}"


@dataclass(frozen=True)
class ValuesInSpace(EachCall):
    """Every trial has exactly the space's names, each value of its kind and in its bounds."""

    columns = ("cases",)
    paired = False

    def judge(self, a, e, label, case) -> str:
        out, why = _search_out(a)
        if out is None:
            return why
        space = case["space"]
        params, _ = _logged(out)
        if not params:
            return f"on {label}, evaluate was never called, so no values were drawn"
        for i, p in enumerate(params):
            if not isinstance(p, dict) or set(p) != set(space):
                return (f"on {label}, the {_ordinal(i)} trial evaluated params with keys "
                        f"{sorted(p) if isinstance(p, dict) else p!r}, expected {sorted(space)}")
        for name, spec in space.items():
            problem = _value_problem(name, spec, [p[name] for p in params])
            if problem == RS_CHOICE_INDEX:
                return problem
            if problem:
                return f"on {label}, {problem}"
        return ""


def _entry_distribution(name: str, spec, values: list) -> str:
    """Why ``values`` are not a plausible sample of the entry's law ('' if they are)."""
    kind = spec[0]
    if kind in ("log", "uniform"):
        x = np.array([float(v) if is_number(v) else np.nan for v in values])
        low, high = float(spec[1]), float(spec[2])
        if kind == "log":
            if _positive(x) and ks_uniform_pvalue(np.log10(x), math.log10(low), math.log10(high)) >= ALPHA:
                return ""
            if ks_uniform_pvalue(x, low, high) >= ALPHA:
                return RS_LOG_LINEAR
            p = ks_uniform_pvalue(np.log10(x), math.log10(low), math.log10(high)) if _positive(x) else 0.0
            return (f"the {name!r} values ('log', {low:g}, {high:g}) are not uniform in log10 space "
                    f"(Kolmogorov-Smirnov p = {p:.1e})")
        p = ks_uniform_pvalue(x, low, high)
        return "" if p >= ALPHA else (f"the {name!r} values ('uniform', {low:g}, {high:g}) are not uniform on "
                                      f"[{low:g}, {high:g}] (Kolmogorov-Smirnov p = {p:.1e})")
    if kind == "int":
        low, high = int(spec[1]), int(spec[2])
        support = list(range(low, high + 1))
        counts = np.array([sum(1 for v in values if is_number(v) and v == k) for k in support])
        if counts[-1] == 0 and counts[0] > 0 and len(support) > 1 and chi2_equal_pvalue(counts[:-1]) >= ALPHA:
            return RS_INT_EXCLUSIVE
        for end in (low, high):
            if counts[support.index(end)] == 0:
                return f"in {len(values)} trials the {name!r} values ('int', {low}, {high}) never took the value {end}"
        p = chi2_equal_pvalue(counts)
        return "" if p >= ALPHA else (f"the {name!r} values ('int', {low}, {high}) are not equally likely "
                                      f"(chi-square p = {p:.1e})")
    choices = list(spec[1])
    counts = np.array([sum(1 for v in values if type(v) is type(c) and v == c) for c in choices])
    if counts.sum() != len(values):
        return f"some {name!r} values are not among the choices {choices!r}"
    p = chi2_equal_pvalue(counts)
    return "" if p >= ALPHA else f"the {name!r} choices are not equally likely (chi-square p = {p:.1e})"


@dataclass(frozen=True)
class SpaceDistributions(EachCall):
    """On many trials, each entry follows its law; the trials are not all the same combination.

    Reads the compact record of ``random_search.distribution``: the values evaluated for
    each name (``columns``, arrays for numeric entries).
    """

    columns = ("cases",)
    paired = False

    def judge(self, a, e, label, case) -> str:
        out = a.get("out")
        if not isinstance(out, dict) or not isinstance(out.get("columns"), dict):
            return UNREADABLE
        space, n = case["space"], case["n_trials"]
        columns = out["columns"]
        if out.get("n_calls") != n or not out.get("keys_ok") or set(columns) != set(space):
            return (f"on {label}, evaluate should be called n_trials = {n} times with every name of the "
                    "space (see the other checks)")
        values = {name: list(col) if isinstance(col, (list, np.ndarray)) else [] for name, col in columns.items()}
        if any(len(v) != n for v in values.values()):
            return UNREADABLE
        if n > 1 and all(all(identical(v, col[0]) for v in col[1:]) for col in values.values()):
            return RS_REUSE
        for name, spec in space.items():
            col = columns[name]
            vals = [float(v) for v in col] if isinstance(col, np.ndarray) else col
            problem = _entry_distribution(name, spec, vals)
            if problem in (RS_LOG_LINEAR, RS_INT_EXCLUSIVE):
                return problem
            if problem:
                return f"on {label}, {problem}"
        return ""


# --------------------------------------------------------------------------- the specs

FUNCTIONS = {
    "log_uniform": FunctionSpec(2, (
        Check("returns `size` floats (one float for size=None) in [low, high], low == high included",
              "log_uniform.shapes", SampleShapes(), 1),
        Check("log10 of the samples is uniform on [log10 low, log10 high] (Kolmogorov-Smirnov test on 20 000 "
              "draws, three ranges)", "log_uniform.distribution", LogUniformLaw(), 2, False),
        Check("the same seed gives the same samples, another seed other samples", "log_uniform.seeded",
              Reproducible("samples"), 0.5, False),
        Check("low <= 0, high < low and rng=None raise ValueError", "log_uniform.invalid", same_calls(), 0.5, False),
    ), (
        Mistake(LU_LINEAR, {"log_uniform": m.log_uniform_linear}),
        Mistake(LU_NO_LOGS, {"log_uniform": m.log_uniform_no_logs}),
        Mistake(LU_EXP_LOG10, {"log_uniform": m.log_uniform_exp_of_log10}),
        Mistake(LU_EXPONENT, {"log_uniform": m.log_uniform_exponent_only}),
    )),
    "grid_search": FunctionSpec(3, (
        Check("evaluate is called once per combination, in itertools.product order (keys in the grid's order, "
              "the last one varying fastest)", "grid_search.calls", GridCalls(), 1.5),
        Check("results hold (params, dev_error) for every combination, in that order", "grid_search.calls",
              GridResults(), 1),
        Check("best_params has the lowest dev error (the first one on ties)", "grid_search.calls", GridBest(), 1),
        Check("a NaN dev error (a diverged run) never wins", "grid_search.nan", GridBest(), 0.25),
        Check("the grid is left unchanged and best_params is a new dict", "grid_search.calls", SearchPurity(),
              0.5, False),
    ), (
        Mistake(GRID_SORTED, {"grid_search": m.grid_sorted_keys}),
        Mistake(GRID_FIRST_FASTEST, {"grid_search": m.grid_first_key_fastest}),
        Mistake(GRID_MAX, {"grid_search": m.grid_best_is_max}),
        Mistake(GRID_SHARED, {"grid_search": m.grid_shared_params_dict}),
    )),
    "random_search": FunctionSpec(4, (
        Check("evaluate is called n_trials times; results hold (params, dev_error) in trial order",
              "random_search.trials", TrialsRecorded(), 1, False),
        Check("best_params is the trial with the lowest dev error (the first one on ties; NaN never wins)",
              "random_search.trials", BestOfTrials(), 1, False),
        Check("every value fits its kind: floats in [low, high], ints from low to high, elements of the choices",
              "random_search.trials", ValuesInSpace(), 1, False),
        Check("on 3000 trials, 'log' is uniform in log10 space, 'uniform' uniform, 'int' and 'choice' equally "
              "likely over their values, both ends of 'int' included (KS and chi-square tests)",
              "random_search.distribution", SpaceDistributions(), 1.5, False),
        Check("the same seed gives the same trials, another seed other trials", "random_search.seeded",
              Reproducible("trials"), 0.5, False),
        Check("an unknown kind raises ValueError", "random_search.unknown", same_calls(), 0.25, False),
        Check("the space is left unchanged and best_params is a new dict", "random_search.trials", SearchPurity(),
              0.25, False),
    ), (
        Mistake(RS_INT_EXCLUSIVE, {"random_search": m.random_int_exclusive}),
        Mistake(RS_LOG_LINEAR, {"random_search": m.random_log_linear}),
        Mistake(RS_MAX, {"random_search": m.random_best_is_max}),
        Mistake(RS_REUSE, {"random_search": m.random_reuses_one_sample}),
        Mistake(RS_CHOICE_INDEX, {"random_search": m.random_choice_index}),
    )),
}
