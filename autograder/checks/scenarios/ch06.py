"""Scenarios of chapter 06: ReLU and its variants.

Every activation is a forward/backward pair. Forward scenarios record only ``out`` (the
cache is the student's own business); backward scenarios run the student's forward to get
a cache, then record the backward on an upstream gradient with ``|dout|`` in [0.5, 1.5].
Inputs contain exact zeros, where the API takes the ``x <= 0`` branch.

RReLU draws its slopes at random: its scenarios send the raw outputs (and, from the
grader's own run, the inputs) so that the judges can test them statistically; nothing is
ever compared with the reference's random stream.
"""
from __future__ import annotations

import copy
import warnings

import numpy as np

from .common import (Case, ScenarioError, Seed, away_from_kink, call, draw_shapes, first_output, forward_scenario,
                     layer_gradient_scenario, lookup, resolve_seeds, with_zeros)

__all__ = ["SCENARIOS", "Seed", "backward_scenario", "forward_scenario"]


# --------------------------------------------------------------------------- inputs


def _huge(rng: np.random.Generator) -> np.ndarray:
    """|x| from 1e3 to 1e4 of both signs, next to ordinary values and an exact 0."""
    big = np.array([1e3, 2e3, 5e3, 1e4, 750.0, 710.0])
    x = np.concatenate([big, -big, [0.0, 1.5, -1.5, 40.0, -40.0, 1e-3]])
    return rng.permutation(x).reshape(3, 6)


def _upstream(rng: np.random.Generator, shape) -> np.ndarray:
    """Upstream gradient with |dout| in [0.5, 1.5]: no entry is accidentally tiny."""
    return rng.uniform(0.5, 1.5, size=shape) * rng.choice([-1.0, 1.0], size=shape)


def _cases(seed: int, kwargs_list=({},), n_cases: int = 4, zeros: bool = True) -> list[Case]:
    """Random batches (N = 1 and an odd size first), each with the given keyword sets in turn."""
    rng = np.random.default_rng(seed)
    cases = []
    for k, (n, d) in enumerate(draw_shapes(rng, n_cases)):
        kw = dict(kwargs_list[k % len(kwargs_list)])
        x = with_zeros(rng, (n, d)) if zeros else away_from_kink(rng, (n, d))
        extra = ", ".join(f"{key}={value!r}" for key, value in kw.items())
        label = f"x of shape {(n, d)}" + (" with exact zeros" if zeros else "") + (f" and {extra}" if extra else "")
        cases.append(Case(label, (x,), kw))
    return cases


def _huge_cases(seed: int, kwargs: dict | None = None) -> list[Case]:
    rng = np.random.default_rng(seed)
    return [Case("x with entries of magnitude 1e3 to 1e4 (both signs)", (_huge(rng),), dict(kwargs or {}))]


# --------------------------------------------------------------------------- builders


def _run_forward(fwd, forward: str, backward: str, args, kwargs):
    """``(out, cache)`` of the student's forward, or a ScenarioError saying why not."""
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = fwd(*copy.deepcopy(args), **resolve_seeds(copy.deepcopy(kwargs)))
    except NotImplementedError:
        raise ScenarioError(f"checking `{backward}` needs a cache from `{forward}`, which is not implemented yet") from None
    except Exception as exc:
        raise ScenarioError(f"checking `{backward}` needs a cache from `{forward}`, which raised {type(exc).__name__}: {exc}"[:300]) from None
    if not isinstance(res, tuple) or len(res) != 2:
        raise ScenarioError(f"`{forward}` should return a tuple (out, cache)")
    return res


def backward_scenario(forward: str, backward: str, cases, strict: bool = False, keep_forward: bool = False):
    """Scenario: backward ``backward`` on the cache of the student's own ``forward``.

    With ``keep_forward`` the forward's ``out`` and the upstream ``dout`` are sent too
    (under ``"forward"``), for checks that relate the two passes.
    """

    def scenario(ns, seed):
        bwd = lookup(ns, backward)
        fwd = lookup(ns, forward)
        rng = np.random.default_rng(seed + 1)
        calls, info = [], []
        for c in cases(seed):
            out, cache = _run_forward(fwd, forward, backward, c.args, c.kwargs)
            shape = np.shape(c.args[0])
            dout = _upstream(rng, shape)
            calls.append(call(bwd, dout, cache, label=c.label, strict=strict))
            if keep_forward:
                info.append({"x": np.array(c.args[0], dtype=np.float64), "dout": dout, "out": out,
                             "kwargs": {k: v for k, v in c.kwargs.items() if k != "rng"}})
        data = {"calls": calls}
        if keep_forward:
            data["forward"] = info
        return data

    scenario.__name__ = f"{backward}_on_own_cache"
    return scenario


# --------------------------------------------------------------------------- PReLU


def _prelu_cases(seed: int, zeros: bool = True) -> list[Case]:
    """Scalar slopes (shape ()) and per-feature slopes (D,), some above 1 or negative."""
    rng = np.random.default_rng(seed)
    cases = []
    for k, (n, d) in enumerate(draw_shapes(rng, 6)):
        x = with_zeros(rng, (n, d)) if zeros else away_from_kink(rng, (n, d))
        if k % 2 == 0:
            alpha = np.array(rng.choice([0.25, 1.5, -0.3]))
            what = "a shared slope alpha of shape ()"
        else:
            alpha = rng.uniform(-0.5, 1.8, size=d)
            what = f"per-feature slopes alpha of shape ({d},)"
        cases.append(Case(f"x of shape {(n, d)}" + (" with exact zeros" if zeros else "") + f" and {what}", (x, alpha)))
    return cases


# --------------------------------------------------------------------------- RReLU

RRELU_BOUNDS = ({}, {"lower": 0.02, "upper": 0.9})


def _rrelu_big_x(rng: np.random.Generator, shape) -> np.ndarray:
    x = rng.normal(size=shape)
    x[rng.random(size=shape) < 0.05] = 0.0
    return x


def rrelu_train_scenario(ns, seed):
    """Two large arrays in train mode (default and custom bounds), for statistical tests."""
    fn = first_output(lookup(ns, "rrelu_forward"), "rrelu_forward")
    rng = np.random.default_rng(seed)
    calls, inputs = [], []
    for k, kw in enumerate(RRELU_BOUNDS):
        x = _rrelu_big_x(rng, (200, 150))
        bounds = f"lower={kw['lower']}, upper={kw['upper']}" if kw else "the default bounds"
        calls.append(call(fn, x, label=f"x of shape {x.shape} in train mode with {bounds}",
                          mode="train", rng=Seed(seed + 17 * k), **kw))
        lower, upper = kw.get("lower", 1 / 8), kw.get("upper", 1 / 3)
        inputs.append({"x": x, "lower": lower, "upper": upper})
    return {"calls": calls, "inputs": inputs}


def rrelu_reproducible_scenario(ns, seed):
    """The same seed twice, then another seed, on the same input."""
    fn = first_output(lookup(ns, "rrelu_forward"), "rrelu_forward")
    x = _rrelu_big_x(np.random.default_rng(seed), (40, 30))
    label = f"x of shape {x.shape} in train mode"
    return {"calls": [
        call(fn, x, label=f"{label} with a generator of seed A", mode="train", rng=Seed(seed + 1)),
        call(fn, x, label=f"{label} with a new generator of the same seed A", mode="train", rng=Seed(seed + 1)),
        call(fn, x, label=f"{label} with a generator of another seed B", mode="train", rng=Seed(seed + 2)),
    ], "x": x}


def _rrelu_test_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for k, (n, d) in enumerate(draw_shapes(rng, 4)):
        kw = {"mode": "test", **RRELU_BOUNDS[k % 2]}
        cases.append(Case(f"x of shape {(n, d)} with exact zeros in test mode"
                          + ("" if k % 2 == 0 else " with lower=0.02, upper=0.9"), (with_zeros(rng, (n, d)),), kw))
    x = with_zeros(rng, (5, 4))
    cases.append(Case("x of shape (5, 4) in test mode, with a generator passed", (x,),
                      {"mode": "test", "rng": Seed(seed)}))
    return cases


def _rrelu_needs_rng(seed: int) -> list[Case]:
    x = with_zeros(np.random.default_rng(seed), (3, 4))
    return [Case("x of shape (3, 4) in train mode with rng=None", (x,), {"mode": "train", "rng": None})]


def rrelu_backward_train_scenario(ns, seed):
    """Train-mode backward on the student's own forward (fresh generators per case)."""
    rng = np.random.default_rng(seed)
    cases = []
    for k, (n, d) in enumerate(draw_shapes(rng, 4) + [(60, 40)]):
        kw = {"mode": "train", "rng": Seed(seed + 100 + k), **RRELU_BOUNDS[k % 2]}
        cases.append(Case(f"x of shape {(n, d)} with exact zeros in train mode"
                          + ("" if k % 2 == 0 else " with lower=0.02, upper=0.9"), (with_zeros(rng, (n, d)),), kw))
    return backward_scenario("rrelu_forward", "rrelu_backward", lambda s: cases, keep_forward=True)(ns, seed)


def _rrelu_gradient_cases(seed: int) -> list[Case]:
    """Test mode only: the grader differentiates the reference, whose train-mode slopes
    are its own (train mode is checked against the student's own slopes instead)."""
    rng = np.random.default_rng(seed)
    cases = []
    for k, (n, d) in enumerate(draw_shapes(rng, 3)):
        kw = {"mode": "test", **RRELU_BOUNDS[k % 2]}
        cases.append(Case(f"x of shape {(n, d)} in test mode" + ("" if k % 2 == 0 else " with lower=0.02, upper=0.9"),
                          (away_from_kink(rng, (n, d)),), kw))
    return cases


# --------------------------------------------------------------------------- registry

ALPHA_LEAKY = ({}, {"alpha": 0.2}, {"alpha": 0.05})
ALPHA_ELU = ({"alpha": 0.5}, {}, {"alpha": 1.7})


def _simple(name: str, kwargs_list, huge: bool, huge_kwargs=None) -> dict:
    """Scenarios of a pair NAME_forward/NAME_backward with only keyword parameters."""
    fwd, bwd = f"{name}_forward", f"{name}_backward"
    out = {
        f"{fwd}.values": forward_scenario(fwd, lambda s: _cases(s, kwargs_list, 5)),
        f"{bwd}.values": backward_scenario(fwd, bwd, lambda s: _cases(s, kwargs_list, 5)),
        f"{bwd}.gradient": layer_gradient_scenario(fwd, bwd, lambda s: _cases(s, kwargs_list, 3, zeros=False)),
    }
    if huge:
        out[f"{fwd}.extreme"] = forward_scenario(fwd, lambda s: _huge_cases(s, huge_kwargs), strict=True)
        out[f"{bwd}.extreme"] = backward_scenario(fwd, bwd, lambda s: _huge_cases(s, huge_kwargs), strict=True)
    return out


SCENARIOS = {
    **_simple("leaky_relu", ALPHA_LEAKY, huge=False),
    "prelu_forward.values": forward_scenario("prelu_forward", _prelu_cases),
    "prelu_backward.values": backward_scenario("prelu_forward", "prelu_backward", _prelu_cases),
    "prelu_backward.gradient": layer_gradient_scenario(
        "prelu_forward", "prelu_backward", lambda s: _prelu_cases(s, zeros=False)[:4], wrt=(0, 1)),
    "rrelu_forward.train": rrelu_train_scenario,
    "rrelu_forward.reproducible": rrelu_reproducible_scenario,
    "rrelu_forward.test": forward_scenario("rrelu_forward", _rrelu_test_cases),
    "rrelu_forward.needs_rng": forward_scenario("rrelu_forward", _rrelu_needs_rng),
    "rrelu_backward.train": rrelu_backward_train_scenario,
    "rrelu_backward.test": backward_scenario("rrelu_forward", "rrelu_backward", _rrelu_test_cases),
    "rrelu_backward.gradient": layer_gradient_scenario("rrelu_forward", "rrelu_backward", _rrelu_gradient_cases),
    **_simple("elu", ALPHA_ELU, huge=True, huge_kwargs={"alpha": 1.5}),
    **_simple("selu", ({},), huge=True),
    **_simple("softplus", ({},), huge=True),
}
