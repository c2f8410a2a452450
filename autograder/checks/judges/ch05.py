"""Chapter 05, weight initialization: what is graded and the mistakes we recognise.

The initializers are random, so their draws are judged by distribution, never against
the reference's random stream: for every large matrix (400 x 300 and 100 x 900 entries)
the grader runs

- a Kolmogorov-Smirnov test against the exact law of the course API (a correct
  implementation fails it with probability ``stats.ALPHA`` = 1e-6);
- the sample mean and variance, each within ``stats.SIGMAS`` = 6 standard errors computed
  from the sample size and the law's exact moments;
- for uniform laws, the support: no entry beyond the bound ``a``.

The wrong variants of the catalogue are off by a factor of at least sqrt(4/3) in scale,
which these tests resolve by dozens of standard errors. When a sample fails, it is
tested against each known wrong law in turn; if one fits, the message names that
mistake (the comparators do this themselves: a random sample never equals a mistake's
sample value for value, which is how the generic diagnosis in ``base`` works).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..compare import EachCall, RaisesValueError, Reproducible, same_calls
from ..compare import kind as kind_of
from ..mistakes import ch05 as m
from ..stats import ALPHA, SIGMAS, beyond_sigmas, ks_normal_pvalue, ks_uniform_pvalue
from .base import Check, FunctionSpec, Mistake

TRANSPOSED = ("The weights have shape (fan_in, fan_out), since a layer computes X @ W + b; "
              "yours have shape (fan_out, fan_in) (as in the source notes' code).")


# --------------------------------------------------------------------------- laws and tests


@dataclass(frozen=True)
class Law:
    """The law of every entry: ``N(0, p^2)`` (``kind='normal'``, ``p`` the std) or ``U(-p, p)``."""

    kind: str
    param: Callable[[int, int, float], float]  # (fan_in, fan_out, scale) -> std or bound
    text: str  # as a student reads it, e.g. "N(0, 2 / fan_in)"

    def at(self, fan_in: int, fan_out: int, scale: float = 0.01) -> float:
        """The std (normal) or bound (uniform) for these fans; NaN where the formula has none."""
        return float(self.param(fan_in, fan_out, scale))


def _sqrt(x: float) -> float:
    return math.sqrt(x) if x >= 0 else math.nan


def sample_verdict(x: np.ndarray, kind: str, p: float) -> str:
    """Empty string when ``x`` is a plausible sample of the law, else why not (one clause)."""
    x = np.asarray(x, dtype=np.float64).ravel()
    n = x.size
    if kind == "normal":
        var, mu4 = p**2, 3 * p**4
        spread = f"standard deviation {p:.4g}"
        off = f"their standard deviation is {x.std():.4g}, expected {p:.4g}"
    else:
        var, mu4 = p**2 / 3, p**4 / 5
        spread = f"bound a = {p:.4g}"
        off = (f"their spread fits a bound a = {x.std() * math.sqrt(3):.4g} (sqrt(3) times their standard "
               f"deviation), expected {p:.4g}")
        biggest = float(np.max(np.abs(x)))
        if biggest > p * (1 + 1e-12):
            return f"some entries lie outside [-a, a] with a = {p:.4g} (largest |w| = {biggest:.4g})"
    mean_se = math.sqrt(var / n)
    if beyond_sigmas(x.mean(), mean_se):
        return f"their mean is {x.mean():.3g}, expected 0 within ±{SIGMAS * mean_se:.2g}"
    var_se = math.sqrt((mu4 - var**2) / n)
    if beyond_sigmas(x.var() - var, var_se):
        return off
    pvalue = ks_normal_pvalue(x, p) if kind == "normal" else ks_uniform_pvalue(x, -p, p)
    if pvalue < ALPHA:
        family = "normal" if kind == "normal" else "uniform"
        return f"their distribution is not {family} with {spread} (Kolmogorov-Smirnov p = {pvalue:.1e})"
    return ""


def fits(x: np.ndarray, kind: str, p: float) -> bool:
    """``x`` is a plausible sample of the law (a NaN parameter is fitted by all-NaN samples)."""
    x = np.asarray(x, dtype=np.float64)
    if not math.isfinite(p):
        return bool(np.all(np.isnan(x)))
    if p <= 0 or not np.all(np.isfinite(x)):
        return False
    return sample_verdict(x, kind, p) == ""


@dataclass(frozen=True)
class Wrong:
    """A known wrong initializer: the sentence naming it, its law, and an implementation."""

    message: str
    law: Law | None  # None: recognised by shape (transposed)
    impl: Callable


def judge_sample(w, fan_in: int, fan_out: int, scale: float, law: Law, wrongs: tuple[Wrong, ...], where: str) -> str:
    """Empty string if ``w`` is a good draw of ``law``; else one sentence (naming a mistake if one fits)."""
    if not isinstance(w, np.ndarray) or w.dtype.kind not in "fiub":
        return f"{where} should be a float array of shape {(fan_in, fan_out)} but is {kind_of(w)}"
    if w.shape != (fan_in, fan_out):
        if w.shape == (fan_out, fan_in) and fan_in != fan_out:
            return TRANSPOSED
        return f"{where} has shape {w.shape}, expected {(fan_in, fan_out)}"
    p = law.at(fan_in, fan_out, scale)
    if np.all(np.isfinite(w)):
        verdict = sample_verdict(w, law.kind, p)
        if not verdict:
            return ""
    else:
        verdict = "it contains nan or inf"
    for wrong in wrongs:
        if wrong.law is not None and fits(w, wrong.law.kind, wrong.law.at(fan_in, fan_out, scale)):
            return wrong.message
    return f"{where}, the entries should follow {law.text}: {verdict}"


@dataclass(frozen=True)
class FollowsLaw(EachCall):
    """Each recorded call's array is a plausible draw of ``law`` for the fans it was drawn with.

    Reads ``{"calls": [...], "cases": [{"fan_in", "fan_out", "scale"}, ...]}``; the fans
    are taken from ``expected`` (the grader's own run of the scenario), not from what
    the submission sent back.
    """

    law: Law
    wrongs: tuple[Wrong, ...] = field(default_factory=tuple)

    columns = ("cases",)

    def judge(self, rec, e, label, case) -> str:
        return judge_sample(rec.get("out"), case["fan_in"], case["fan_out"], case["scale"], self.law, self.wrongs,
                            f"on {label}")


@dataclass(frozen=True)
class FloatMatrices(EachCall):
    """Every call returns a finite float64 array of the expected shape."""

    def judge(self, a, e, label) -> str:
        out, shape = a.get("out"), e["out"].shape
        if not isinstance(out, np.ndarray):
            return f"on {label} it should return an array of shape {shape} but returns {kind_of(out)}"
        if out.shape != shape:
            if out.shape == shape[::-1]:
                return TRANSPOSED
            return f"on {label} it returns shape {out.shape}, expected {shape}"
        if out.dtype != np.float64:
            return f"on {label} it returns an array of dtype {out.dtype}; weights should be float64"
        if not np.all(np.isfinite(out)):
            return f"on {label} the weights contain nan or inf"
        return ""


def _finite(x) -> bool:
    if isinstance(x, np.ndarray):
        return x.dtype.kind in "fiub" and bool(np.all(np.isfinite(x)))
    if isinstance(x, dict):
        return bool(x) and all(_finite(v) for v in x.values())
    return False


def _weights_problem(out, expected, label: str) -> str:
    """Why one of the seeded draws is not a set of weights ('' if it is)."""
    if not isinstance(out, (np.ndarray, dict)):
        return f"on {label} it returns {kind_of(out)}, not weights"
    if not _finite(out):
        return f"on {label} the weights contain nan or inf (or there are none)"
    return ""


# calls 1 and 2 (generators with the same seed) agree exactly; call 3 (another seed) differs
SEEDED = Reproducible("weights", _weights_problem)


# --------------------------------------------------------------------------- the initializers

LAWS = {
    "random_init": Law("normal", lambda fi, fo, s: s, "N(0, scale^2), i.e. scale times a standard normal"),
    "xavier_uniform": Law("uniform", lambda fi, fo, s: _sqrt(6 / (fi + fo)), "U(-a, a) with a = sqrt(6 / (fan_in + fan_out))"),
    "xavier_normal": Law("normal", lambda fi, fo, s: _sqrt(2 / (fi + fo)), "N(0, 2 / (fan_in + fan_out)) (that is the variance)"),
    "he_uniform": Law("uniform", lambda fi, fo, s: _sqrt(6 / fi), "U(-a, a) with a = sqrt(6 / fan_in)"),
    "he_normal": Law("normal", lambda fi, fo, s: _sqrt(2 / fi), "N(0, 2 / fan_in) (that is the variance)"),
    "lecun_normal": Law("normal", lambda fi, fo, s: _sqrt(1 / fi), "N(0, 1 / fan_in) (that is the variance)"),
}

WRONGS = {
    "random_init": (
        Wrong("You ignore the scale argument: the entries are scale times a standard normal.",
              Law("normal", lambda fi, fo, s: 0.01, ""), m.random_ignores_scale),
        Wrong("random_init draws scale times a standard normal N(0, 1), not scale times U(-1, 1).",
              Law("uniform", lambda fi, fo, s: s, ""), m.random_uniform),
    ),
    "xavier_uniform": (
        Wrong("The bound is a = sqrt(6 / (fan_in + fan_out)): you forgot the square root.",
              Law("uniform", lambda fi, fo, s: 6 / (fi + fo), ""), m.xavier_uniform_no_sqrt),
        Wrong("You use the standard deviation sqrt(2 / (fan_in + fan_out)) as the bound; U(-a, a) has variance a^2 / 3, "
              "so a = sqrt(6 / (fan_in + fan_out)).",
              Law("uniform", lambda fi, fo, s: _sqrt(2 / (fi + fo)), ""), m.xavier_uniform_std_as_bound),
    ),
    "xavier_normal": (
        Wrong("Xavier (Glorot) normal has variance 2 / (fan_in + fan_out), not 1 / (fan_in + fan_out).",
              Law("normal", lambda fi, fo, s: _sqrt(1 / (fi + fo)), ""), m.xavier_normal_variance_one),
        Wrong("2 / (fan_in + fan_out) is the variance; rng.normal takes the standard deviation, its square root.",
              Law("normal", lambda fi, fo, s: 2 / (fi + fo), ""), m.xavier_normal_variance_as_std),
    ),
    "he_uniform": (
        Wrong("He initialization scales with fan_in (the inputs of the layer), not fan_out.",
              Law("uniform", lambda fi, fo, s: _sqrt(6 / fo), ""), m.he_uniform_fan_out),
        Wrong("The bound is a = sqrt(6 / fan_in): you forgot the square root.",
              Law("uniform", lambda fi, fo, s: 6 / fi, ""), m.he_uniform_no_sqrt),
    ),
    "he_normal": (
        Wrong("He initialization scales with fan_in (the inputs of the layer), not fan_out.",
              Law("normal", lambda fi, fo, s: _sqrt(2 / fo), ""), m.he_normal_fan_out),
        Wrong("2 / fan_in is the variance; the standard deviation is its square root, sqrt(2 / fan_in).",
              Law("normal", lambda fi, fo, s: 2 / fi, ""), m.he_normal_variance_as_std),
        Wrong("Mind the brackets: the standard deviation is sqrt(2 / fan_in); sqrt(2 / fan_in - 1) is NaN for "
              "fan_in > 2 (a precedence slip in the source notes).",
              Law("normal", lambda fi, fo, s: _sqrt(2 / fi - 1), ""), m.he_normal_precedence),
        Wrong(TRANSPOSED, None, m.he_normal_transposed),
    ),
    "lecun_normal": (
        Wrong("LeCun initialization scales with fan_in (the inputs of the layer), not fan_out.",
              Law("normal", lambda fi, fo, s: _sqrt(1 / fo), ""), m.lecun_normal_fan_out),
        Wrong("1 / fan_in is the variance; the standard deviation is its square root, sqrt(1 / fan_in).",
              Law("normal", lambda fi, fo, s: 1 / fi, ""), m.lecun_normal_variance_as_std),
    ),
}

SAMPLE_SIZES = "400 x 300 and 100 x 900 draws"


def _initializer(name: str) -> FunctionSpec:
    law = LAWS[name]
    wrongs = WRONGS[name]
    sizes = "400 x 300, 100 x 900 and 200 x 150 draws at three scales" if name == "random_init" else SAMPLE_SIZES
    return FunctionSpec(1, (
        Check("returns a finite float64 array of shape (fan_in, fan_out), small fans included",
              f"{name}.shapes", FloatMatrices(), 1, False),
        Check(f"entries follow {law.text} (KS test, mean, variance{', support' if law.kind == 'uniform' else ''} "
              f"on {sizes})", f"{name}.distribution", FollowsLaw(law, wrongs), 3, False),
        Check("the same seed gives the same weights, another seed other weights (draws only from rng)",
              f"{name}.seeded", SEEDED, 1, False),
    ), tuple(Mistake(w.message, {name: w.impl}) for w in wrongs))


# --------------------------------------------------------------------------- init_mlp_params

METHOD_LAWS = {
    "random": (LAWS["random_init"], WRONGS["random_init"]),
    **{n: (LAWS[n], WRONGS[n]) for n in ("xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "lecun_normal")},
}


@dataclass(frozen=True)
class LayersFollowLaws(EachCall):
    """Every ``W{l}`` of every call is a plausible draw of its method's law with the layer's own fans."""

    columns = ("cases",)

    def judge(self, rec, e, label, case) -> str:
        params = rec.get("out")
        if not isinstance(params, dict):
            return f"on {label} it should return a dict but returns {kind_of(params)}"
        law, wrongs = METHOD_LAWS[case["method"]]
        sizes = case["layer_sizes"]
        for l in range(1, len(sizes)):
            key = f"W{l}"
            if key not in params:
                return f"on {label} the result has no {key!r}"
            msg = judge_sample(params[key], sizes[l - 1], sizes[l], 0.01, law, wrongs, f"on {label}, {key}")
            if msg:
                return msg
        return ""


@dataclass(frozen=True)
class ParamsStructure(EachCall):
    """Keys, shapes, dtypes, zero biases (and zero weights for 'zeros') from the scenario's summaries."""

    def judge(self, a, e, label) -> str:
        got, want = a.get("out"), e["out"]
        if not isinstance(got, dict):
            return f"on {label} it should return a dict of arrays but returns {got if isinstance(got, str) else kind_of(got)}"
        if set(got) != set(want):
            return f"on {label} the result has keys {sorted(got)}, expected {sorted(want)}"
        for key in want:
            g, w = got[key], want[key]
            if not isinstance(g, dict):
                return f"on {label}, {key!r} should be an array but is {g}"
            if list(g["shape"]) != list(w["shape"]):
                return f"on {label}, {key!r} has shape {tuple(g['shape'])}, expected {tuple(w['shape'])}"
            if g["dtype"] != "float64":
                return f"on {label}, {key!r} has dtype {g['dtype']}, expected float64"
            if w["zero"] and not g["zero"]:
                what = "biases start at zero" if key.startswith("b") else "method 'zeros' gives zero weights"
                return f"on {label}, {key!r} is not all zeros ({what})"
            if not g["finite"]:
                return f"on {label}, {key!r} contains nan or inf"
            if not w["zero"] and g["zero"]:
                return f"on {label}, {key!r} is all zeros, but this method draws random weights"
        return ""


FUNCTIONS = {
    "zeros_init": FunctionSpec(1, (
        Check("exact zeros of shape (fan_in, fan_out)", "zeros_init.values", same_calls(), 2),
        Check("a float64 array", "zeros_init.values", FloatMatrices(), 1, False),
    ), (
        Mistake(TRANSPOSED, {"zeros_init": m.zeros_transposed}),
    )),
    **{name: _initializer(name) for name in LAWS},
    "init_mlp_params": FunctionSpec(2, (
        Check("keys W1, b1, ..., WL, bL; W{l} of shape (n_{l-1}, n_l), b{l} of shape (n_l,) and zero; float64",
              "init_mlp_params.structure", ParamsStructure(), 2),
        Check("every W{l} follows its method's distribution with the layer's own fans (layer sizes 200, 150, 100)",
              "init_mlp_params.distribution", LayersFollowLaws(), 2, False),
        Check("the same seed gives the same parameters, another seed other ones",
              "init_mlp_params.seeded", SEEDED, 0.5, False),
        Check("an unknown method raises ValueError", "init_mlp_params.unknown", RaisesValueError(), 0.5),
    ), (
        Mistake("Layers are numbered from 1: the first layer's parameters are 'W1' and 'b1'.",
                {"init_mlp_params": m.mlp_params_zero_based}),
        Mistake("Name each layer's parameters with its own number l ('W' + str(l)), not a fixed 'W1' "
                "(a slip in the source notes).", {"init_mlp_params": m.mlp_params_str_one}),
        Mistake("W{l} has shape (n_{l-1}, n_l) = (fan_in, fan_out), since a layer computes X @ W + b; "
                "yours are transposed (as in the source notes' code).", {"init_mlp_params": m.mlp_params_transposed}),
        Mistake("Biases are 1-D arrays of shape (n_l,), not column vectors (n_l, 1).",
                {"init_mlp_params": m.mlp_params_column_biases}),
        Mistake("An unknown method must raise ValueError (a dict lookup raises KeyError): check the name and say "
                "which methods exist.", {"init_mlp_params": m.mlp_params_key_error}),
    )),
}
