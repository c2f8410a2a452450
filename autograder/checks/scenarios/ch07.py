"""Scenarios of chapter 07: batch normalization.

``batchnorm_forward`` returns ``(out, cache, new_running_mean, new_running_var)``; its
scenarios record the three arrays and leave the cache (the student's own business) out.
``batchnorm_backward`` is called on the cache of the student's own train-mode forward.

Every batch has one feature with a small spread (standard deviation 0.01), where
``eps`` matters, next to features of ordinary scale with nonzero means.
"""
from __future__ import annotations

import copy
import warnings

import numpy as np

from .common import Case, ScenarioError, call, draw_shapes, error_text, layer_gradient_scenario, lookup

__all__ = ["SCENARIOS"]

ARGS = ("x", "gamma", "beta", "running_mean", "running_var")
OUTPUTS = ("out", "cache", "new_running_mean", "new_running_var")
TRAIN_KWARGS = ({}, {"momentum": 0.3}, {"eps": 1e-3}, {"momentum": 0.05, "eps": 1e-4})


# --------------------------------------------------------------------------- inputs


def _layer(rng: np.random.Generator, n: int, d: int) -> tuple:
    """``(x, gamma, beta, running_mean, running_var)`` for a batch of shape (n, d)."""
    mean = rng.uniform(-3.0, 3.0, size=d)
    std = rng.uniform(0.5, 2.0, size=d)
    std[int(rng.integers(d))] = 0.01
    x = mean + std * rng.normal(size=(n, d))
    gamma = rng.uniform(0.5, 2.0, size=d) * rng.choice([-1.0, 1.0], size=d)
    beta = rng.normal(size=d)
    running_mean = rng.normal(scale=0.5, size=d)
    running_var = rng.uniform(0.5, 2.0, size=d)
    return x, gamma, beta, running_mean, running_var


def _label(n: int, d: int, mode: str, kw: dict) -> str:
    extra = ", ".join(f"{k}={v!r}" for k, v in kw.items() if k != "mode")
    return f"x of shape {(n, d)} in {mode} mode" + (f" with {extra}" if extra else "")


def _train_shapes(rng: np.random.Generator, n_cases: int) -> list[tuple[int, int]]:
    """Like ``draw_shapes`` but with N >= 2 (train mode needs two examples): N = 2 first."""
    return [(max(n, 2), d) for n, d in draw_shapes(rng, n_cases)]


def _train_cases(seed: int, n_cases: int = 5) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for k, (n, d) in enumerate(_train_shapes(rng, n_cases)):
        kw = {"mode": "train", **TRAIN_KWARGS[k % len(TRAIN_KWARGS)]}
        cases.append(Case(_label(n, d, "train", kw), _layer(rng, n, d), kw))
    return cases


def _test_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for k, (n, d) in enumerate(draw_shapes(rng, 4)):
        kw = {"mode": "test", **({} if k % 2 == 0 else {"eps": 1e-3})}
        cases.append(Case(_label(n, d, "test", kw), _layer(rng, n, d), kw))
    return cases


def _single_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    return [Case(_label(1, d, "train", {}), _layer(rng, 1, d), {"mode": "train"}) for d in (4, 1)]


def _large_mean_cases(seed: int) -> list[Case]:
    """Features with means of 1e6 and spreads near 1: mean(x^2) - mean(x)^2 cancels badly."""
    rng = np.random.default_rng(seed)
    mean = np.array([1e6, -1e6, 5e5])
    std = np.array([1.0, 0.5, 2.0])
    x = mean + std * rng.normal(size=(16, 3))
    _, gamma, beta, running_mean, running_var = _layer(rng, 16, 3)
    return [Case("x of shape (16, 3) in train mode, with feature means of 1e6 and spreads near 1",
                 (x, gamma, beta, running_mean, running_var), {"mode": "train"})]


def _purity_cases(seed: int) -> list[Case]:
    return _train_cases(seed, 2) + _test_cases(seed)[:2]


# --------------------------------------------------------------------------- builders


def _three(fn):
    """``fn`` returning ``(out, new_running_mean, new_running_var)``; a clear error otherwise."""

    def outputs(*args, **kwargs):
        res = fn(*args, **kwargs)
        if not isinstance(res, tuple) or len(res) != 4:
            raise TypeError("batchnorm_forward should return a tuple (out, cache, new_running_mean, new_running_var), "
                            f"got {type(res).__name__}" + (f" of {len(res)}" if isinstance(res, tuple) else ""))
        return res[0], res[2], res[3]

    return outputs


def forward_scenario(cases):
    def scenario(ns, seed):
        fn = _three(lookup(ns, "batchnorm_forward"))
        return {"calls": [call(fn, *c.args, label=c.label, **c.kwargs) for c in cases(seed)]}

    return scenario


def purity_scenario(ns, seed):
    """Which arguments each call modified, and which outputs share memory with which inputs."""
    fn = lookup(ns, "batchnorm_forward")
    items = []
    for c in _purity_cases(seed):
        args = copy.deepcopy(list(c.args))
        pristine = copy.deepcopy(args)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                res = fn(*args, **copy.deepcopy(c.kwargs))
            except (Exception, SystemExit) as exc:
                items.append({"label": c.label, "error": error_text(exc), "changed": [], "aliased": []})
                continue
        changed = [name for name, a, p in zip(ARGS, args, pristine)
                   if not (isinstance(a, np.ndarray) and a.shape == p.shape and np.array_equal(a, p))]
        outs = res if isinstance(res, tuple) else (res,)
        aliased = [[out_name, arg_name]
                   for out_name, o in zip(OUTPUTS, outs) if out_name != "cache" and isinstance(o, np.ndarray)
                   for arg_name, a in zip(ARGS, args) if np.shares_memory(o, a)]
        items.append({"label": c.label, "error": None, "changed": changed, "aliased": aliased})
    return {"purity": items}


def backward_scenario(cases):
    """``batchnorm_backward`` on the cache of the student's own train-mode forward."""

    def scenario(ns, seed):
        bwd = lookup(ns, "batchnorm_backward")
        fwd = lookup(ns, "batchnorm_forward")
        rng = np.random.default_rng(seed + 1)
        calls = []
        for c in cases(seed):
            try:
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    res = fwd(*copy.deepcopy(c.args), **copy.deepcopy(c.kwargs))
            except NotImplementedError:
                raise ScenarioError("checking `batchnorm_backward` needs a cache from `batchnorm_forward`, "
                                    "which is not implemented yet") from None
            except Exception as exc:
                raise ScenarioError(("checking `batchnorm_backward` needs a cache from `batchnorm_forward`, "
                                     f"which raised {error_text(exc)}")[:300]) from None
            if not isinstance(res, tuple) or len(res) != 4:
                raise ScenarioError("`batchnorm_forward` should return a tuple (out, cache, new_running_mean, new_running_var)")
            shape = np.shape(c.args[0])
            dout = rng.uniform(0.5, 1.5, size=shape) * rng.choice([-1.0, 1.0], size=shape)
            calls.append(call(bwd, dout, res[1], label=c.label))
        return {"calls": calls}

    return scenario


def _gradient_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for k, (n, d) in enumerate([(3, 4), (7, 5), (5, 1)]):
        kw = {"mode": "train", **TRAIN_KWARGS[k % 3]}
        cases.append(Case(_label(n, d, "train", kw), _layer(rng, n, d), kw))
    return cases


SCENARIOS = {
    "batchnorm_forward.train": forward_scenario(_train_cases),
    "batchnorm_forward.test": forward_scenario(_test_cases),
    "batchnorm_forward.single": forward_scenario(_single_cases),
    "batchnorm_forward.large_mean": forward_scenario(_large_mean_cases),
    "batchnorm_forward.purity": purity_scenario,
    "batchnorm_backward.values": backward_scenario(_train_cases),
    "batchnorm_backward.gradient": layer_gradient_scenario(
        "batchnorm_forward", "batchnorm_backward", _gradient_cases, wrt=(0, 1, 2)),
}
