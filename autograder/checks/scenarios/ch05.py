"""Scenarios of chapter 05: weight initialization.

The initializers are random, so their scenarios return the drawn weights (large
matrices) together with the fans they were drawn for; the judges test them by their
distribution, never against the reference's random stream. Every call gets a fresh
generator made from the scenario's seed, so the same implementation draws the same
numbers in the student's process and in the grader's.
"""
from __future__ import annotations

import numpy as np

from .common import call, lookup

RANDOM_INITIALIZERS = ("random_init", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "lecun_normal")
METHODS = ("zeros", "random", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "lecun_normal")

# Large, asymmetric fans: fan_in > fan_out and fan_in < fan_out, so that a formula with
# the wrong fan is off by sqrt(4/3) and by a factor 3, far beyond the tests' resolution.
DISTRIBUTION_FANS = ((400, 300), (100, 900))
SMALL_FANS = ((1, 1), (1, 7), (5, 1), (3, 8), (13, 6))
SEEDED_FANS = (30, 20)


def _fan_label(fan_in: int, fan_out: int, extra: str = "") -> str:
    return f"fan_in={fan_in}, fan_out={fan_out}" + (f", {extra}" if extra else "")


def _distribution(name: str):
    """Draw large matrices; returns the calls and the parameters they were drawn with."""

    def scenario(ns, seed):
        fn = lookup(ns, name)
        plan = [(fi, fo, None) for fi, fo in DISTRIBUTION_FANS]
        if name == "random_init":  # the default scale, then two others
            plan = [(400, 300, None), (100, 900, 1.0), (200, 150, 0.25)]
        calls, cases = [], []
        for k, (fi, fo, scale) in enumerate(plan):
            rng = np.random.default_rng([seed, k])
            kw = {} if scale is None else {"scale": scale}
            extra = "" if name != "random_init" else ("the default scale" if scale is None else f"scale={scale}")
            label = _fan_label(fi, fo, extra)
            calls.append(call(fn, fi, fo, rng, label=label, **kw))
            cases.append({"fan_in": fi, "fan_out": fo, "scale": 0.01 if scale is None else scale})
        return {"calls": calls, "cases": cases}

    scenario.__name__ = f"{name}_distribution"
    return scenario


def _shapes(name: str):
    """Small and degenerate fans: shape, dtype and finiteness."""

    def scenario(ns, seed):
        fn = lookup(ns, name)
        calls = []
        for k, (fi, fo) in enumerate(SMALL_FANS):
            args = (fi, fo) if name == "zeros_init" else (fi, fo, np.random.default_rng([seed, k]))
            calls.append(call(fn, *args, label=_fan_label(fi, fo)))
        return {"calls": calls}

    scenario.__name__ = f"{name}_shapes"
    return scenario


def _seeded(name: str):
    """Two generators with the same seed, then one with another seed."""

    def scenario(ns, seed):
        fn = lookup(ns, name)
        fi, fo = SEEDED_FANS
        calls = [
            call(fn, fi, fo, np.random.default_rng(seed), label=_fan_label(fi, fo, f"rng seeded with {seed}")),
            call(fn, fi, fo, np.random.default_rng(seed), label=_fan_label(fi, fo, f"a new rng seeded with {seed}")),
            call(fn, fi, fo, np.random.default_rng(seed + 1), label=_fan_label(fi, fo, f"rng seeded with {seed + 1}")),
        ]
        return {"calls": calls}

    scenario.__name__ = f"{name}_seeded"
    return scenario


# --------------------------------------------------------------------------- init_mlp_params

STRUCTURE_PLAN = (
    ((5, 3), "zeros"),
    ((4, 7, 2), "he_normal"),
    ((1, 6, 6, 1), "xavier_uniform"),
    ((10, 9, 8, 7, 3), "random"),
    ((3, 5, 2), "lecun_normal"),
    ((6, 4, 5), "xavier_normal"),
    ((2, 1, 9), "he_uniform"),
)
DISTRIBUTION_SIZES = (200, 150, 100)


def _summary(value) -> object:
    """What the structure check needs of a params dict: per key, shape, dtype, zero, finite."""
    if not isinstance(value, dict):
        return f"a {type(value).__name__}"
    out = {}
    for key, v in value.items():
        try:
            a = np.asarray(v)
            numeric = a.dtype.kind in "fiub"
            out[str(key)] = {
                "shape": [int(s) for s in a.shape],
                "dtype": str(a.dtype),
                "zero": bool(numeric and np.all(a == 0)),
                "finite": bool(numeric and np.all(np.isfinite(a))),
            }
        except Exception:  # an entry that is not array-like
            out[str(key)] = f"a {type(v).__name__}"
    return out


def _mlp_structure(ns, seed):
    fn = lookup(ns, "init_mlp_params")
    calls = []
    for k, (sizes, method) in enumerate(STRUCTURE_PLAN):
        rec = call(fn, list(sizes), method, np.random.default_rng([seed, k]),
                   label=f"layer_sizes={list(sizes)}, method={method!r}", raw=True)
        value = rec.pop("value")
        rec["out"] = None if rec["error"] else _summary(value)
        calls.append(rec)
    return {"calls": calls}


def _mlp_distribution(ns, seed):
    fn = lookup(ns, "init_mlp_params")
    calls, cases = [], []
    for k, method in enumerate(METHODS[1:]):
        calls.append(call(fn, list(DISTRIBUTION_SIZES), method, np.random.default_rng([seed, k]),
                          label=f"layer_sizes={list(DISTRIBUTION_SIZES)}, method={method!r}"))
        cases.append({"layer_sizes": list(DISTRIBUTION_SIZES), "method": method})
    return {"calls": calls, "cases": cases}


def _mlp_seeded(ns, seed):
    fn = lookup(ns, "init_mlp_params")
    sizes = [6, 5, 4]
    return {"calls": [
        call(fn, sizes, "he_normal", np.random.default_rng(seed), label=f"layer_sizes={sizes}, rng seeded with {seed}"),
        call(fn, sizes, "he_normal", np.random.default_rng(seed), label=f"layer_sizes={sizes}, a new rng seeded with {seed}"),
        call(fn, sizes, "he_normal", np.random.default_rng(seed + 1), label=f"layer_sizes={sizes}, rng seeded with {seed + 1}"),
    ]}


def _mlp_unknown(ns, seed):
    fn = lookup(ns, "init_mlp_params")
    return {"calls": [
        call(fn, [4, 3, 2], name, np.random.default_rng(seed), label=f"the unknown method {name!r}")
        for name in ("glorot", "he", "kaiming_normal")
    ]}


def _zeros_values(ns, seed):
    fn = lookup(ns, "zeros_init")
    return {"calls": [call(fn, fi, fo, label=_fan_label(fi, fo)) for fi, fo in (*SMALL_FANS, (40, 30))]}


SCENARIOS = {
    "zeros_init.values": _zeros_values,
    **{f"{n}.shapes": _shapes(n) for n in RANDOM_INITIALIZERS},
    **{f"{n}.distribution": _distribution(n) for n in RANDOM_INITIALIZERS},
    **{f"{n}.seeded": _seeded(n) for n in RANDOM_INITIALIZERS},
    "init_mlp_params.structure": _mlp_structure,
    "init_mlp_params.distribution": _mlp_distribution,
    "init_mlp_params.seeded": _mlp_seeded,
    "init_mlp_params.unknown": _mlp_unknown,
}
