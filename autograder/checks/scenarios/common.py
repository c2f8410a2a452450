"""What a scenario may use: recording calls of a student's function as plain data.

Scenarios run inside the submission's process, so this module (and every scenario
module) imports only NumPy, the transport and the public toolkit: never the reference
implementations, the judges or the mistake catalogue.
"""
from __future__ import annotations

import contextlib
import copy
import io
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

from mlpkit.gradcheck import numeric_grad, numeric_grad_array, sample_indices

from ..transport import roundtrip

__all__ = [
    "Case", "ScenarioError", "Seed", "arrays_in", "as_float_array", "away_from_kink", "call", "calls_result",
    "calls_scenario", "draw_shapes", "error_text", "first_output", "forward_scenario", "layer_gradient_scenario",
    "loss_gradient_scenario", "lookup", "quiet", "resolve_seeds", "student_rng", "student_seed",
    "three_seeded_runs", "with_zeros",
]


STRICT = {"over": "raise", "divide": "raise", "invalid": "raise", "under": "ignore"}


class ScenarioError(Exception):
    """The scenario could not run at all (e.g. the function is missing)."""


def lookup(ns: Mapping[str, Any], name: str) -> Callable:
    """The callable ``name`` from a namespace, or a clear ``ScenarioError``."""
    fn = ns.get(name) if hasattr(ns, "get") else None
    if fn is None:
        raise ScenarioError(f"`{name}` is not defined: run the cell that defines it, and keep its name")
    if not callable(fn):
        raise ScenarioError(f"`{name}` is not a function (it is a {type(fn).__name__})")
    return fn


def arrays_in(obj) -> list[np.ndarray]:
    """Every ndarray inside nested lists, tuples and dicts."""
    if isinstance(obj, np.ndarray):
        return [obj]
    if isinstance(obj, dict):
        return [a for v in obj.values() for a in arrays_in(v)]
    if isinstance(obj, (list, tuple)):
        return [a for v in obj for a in arrays_in(v)]
    return []


def _same(a, b) -> bool:
    if isinstance(a, np.random.Generator) and isinstance(b, np.random.Generator):
        return True  # drawing from a generator it was given is what a random function must do
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        try:
            return (
                isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and a.dtype == b.dtype and bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
            )
        except Exception:
            return False
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b if not callable(a) else a is b


def error_text(exc: BaseException) -> str:
    """``"TypeName: message"`` of an exception, at most 300 characters."""
    text = f"{type(exc).__name__}: {exc}".strip()
    return text if len(text) < 300 else text[:297] + "..."


@contextlib.contextmanager
def quiet():
    """Run student code with warnings and floating-point errors silenced and stderr captured."""
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


def call(fn: Callable, *args, label: str = "", strict: bool = False, raw: bool = False, **kwargs) -> dict:
    """Call ``fn`` on private copies of its arguments and record what happened.

    Parameters
    ----------
    fn : callable
        The function under test.
    *args, **kwargs
        Its arguments; arrays (also inside lists and dicts) are deep-copied first, so
        the caller's inputs stay pristine and mutation can be detected.
    label : str
        Human description of the input, used in messages ("logits of shape (7, 5)").
    strict : bool
        Run with NumPy floating-point errors and warnings raised as exceptions (the
        stability checks); otherwise they are silenced.
    raw : bool
        Also return the Python result under ``"value"`` (for scenarios that continue
        with it, e.g. passing a cache to a backward function). Never sent to the grader.

    Returns
    -------
    dict
        ``{"label", "out", "error", "mutated", "aliased"}``; ``out`` is what the grader would
        decode from the result (base-class arrays and Python scalars).
    """
    args_in = copy.deepcopy(args)
    kwargs_in = copy.deepcopy(kwargs)
    pristine = copy.deepcopy((args_in, kwargs_in))
    out, error = None, None
    sink = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stderr(sink):
        warnings.simplefilter("error" if strict else "ignore")
        # NumPy's own defaults warn on overflow, division by zero and invalid values (not
        # on underflow, which is harmless): strict mode turns exactly those into errors.
        with np.errstate(**(STRICT if strict else {"all": "ignore"})):
            try:
                out = fn(*args_in, **kwargs_in)
            except (Exception, SystemExit) as exc:  # a student's sys.exit is an error too
                error = error_text(exc)
    mutated = not _same((args_in, kwargs_in), pristine)
    inputs = arrays_in((args_in, kwargs_in))
    aliased = any(
        np.shares_memory(o, i) for o in arrays_in(out) for i in inputs if isinstance(o, np.ndarray)
    ) if error is None else False
    record = {
        "label": label,
        "out": roundtrip(out) if error is None else None,  # a snapshot: later mutation cannot change it
        "error": error,
        "mutated": bool(mutated),
        "aliased": bool(aliased),
    }
    if raw:
        record["value"] = out
    return record


def calls_result(records: list[dict], **extra) -> dict:
    """A scenario's result ``{"calls": records, **extra}``.

    Raises NotImplementedError when a call did (a stub), so that the whole scenario
    fails as "not implemented yet" instead of each record on its own.
    """
    if any((r.get("error") or "").startswith("NotImplementedError") for r in records):
        raise NotImplementedError
    return {"calls": records, **extra}


# --------------------------------------------------------------------------- random inputs and generators


def student_seed(seed: int, k: int = 0) -> list[int]:
    """Seed of the k-th generator handed to the student: never the inputs' stream.

    ``default_rng([s, 0])`` is the same generator as ``default_rng(s)`` (trailing zeros
    of the entropy do not count), so ``[seed, k]`` would replay the draws that built
    the inputs; a fixed middle word and ``k + 1`` keep the streams apart.
    """
    return [int(seed), 7919, k + 1]


def student_rng(seed: int, k: int = 0) -> np.random.Generator:
    """A fresh generator of :func:`student_seed` ``(seed, k)``."""
    return np.random.default_rng(student_seed(seed, k))


def three_seeded_runs(fn: Callable, first, other) -> Callable:
    """``fn(*args, rng)`` run three times: ``{"first", "again", "other"}``.

    "first" and "again" get fresh generators of the seed ``first``, "other" one of the
    seed ``other``: a function that draws only from its ``rng`` gives identical
    "first" and "again", and (almost surely) a different "other". Generators never
    cross :func:`call` (drawing from one modifies it): wrap this, and call the wrapper.
    """

    def runs(*args):
        return {"first": fn(*args, np.random.default_rng(first)),
                "again": fn(*args, np.random.default_rng(first)),
                "other": fn(*args, np.random.default_rng(other))}

    return runs


@dataclass(frozen=True)
class Seed:
    """Stands for ``numpy.random.default_rng(value)``, made fresh when the function is called.

    A generator passed through :func:`call` would count as a modified input as soon as
    it is used (drawing advances its state); a seed compares by value. See
    :func:`resolve_seeds`.
    """

    value: int


def resolve_seeds(kwargs: dict) -> dict:
    """``kwargs`` with every :class:`Seed` replaced by a fresh generator of its value."""
    return {k: np.random.default_rng(v.value) if isinstance(v, Seed) else v for k, v in kwargs.items()}


def with_zeros(rng: np.random.Generator, shape, scale: float = 2.0) -> np.ndarray:
    """Normal entries with about one in five set to exactly 0 (at least one)."""
    x = rng.normal(scale=scale, size=shape)
    zero = rng.random(size=shape) < 0.2
    zero.flat[int(rng.integers(x.size))] = True
    x[zero] = 0.0
    return x


def away_from_kink(rng: np.random.Generator, shape, low: float = 0.05, high: float = 3.0) -> np.ndarray:
    """Entries with |x| in [low, high] and random signs: no finite difference crosses 0."""
    return rng.uniform(low, high, size=shape) * rng.choice([-1.0, 1.0], size=shape)


def draw_shapes(rng: np.random.Generator, n_cases: int, max_n: int = 9, max_d: int = 7) -> list[tuple[int, int]]:
    """Batch shapes ``(N, D)`` for random cases: always ``(1, D)`` and an odd size first."""
    shapes = [(1, int(rng.integers(1, max_d + 1))), (7, 5)]
    while len(shapes) < n_cases:
        shapes.append((int(rng.integers(1, max_n + 1)), int(rng.integers(1, max_d + 1))))
    return shapes[:n_cases]


# --------------------------------------------------------------------------- builders


@dataclass(frozen=True)
class Case:
    """One input of a function under test: positional and keyword arguments, and a label."""

    label: str
    args: tuple
    kwargs: dict = field(default_factory=dict)


def calls_scenario(name: str, cases: Callable[[int], list[Case]], strict: bool = False) -> Callable:
    """Scenario: call ``name`` on every case and record the outcomes."""

    def scenario(ns, seed):
        fn = lookup(ns, name)
        return {"calls": [call(fn, *c.args, label=c.label, strict=strict, **c.kwargs) for c in cases(seed)]}

    scenario.__name__ = f"{name}_calls"
    return scenario


def as_float_array(value, what: str) -> np.ndarray:
    """A float64 copy of ``value`` (a base-class array), or a ScenarioError if it is not finite."""
    arr = np.array(value, dtype=np.float64, copy=True, subok=False)
    if not np.all(np.isfinite(arr)):
        raise ScenarioError(f"{what} contains inf or nan")
    return arr


def first_output(fn: Callable, name: str) -> Callable:
    """``fn`` returning only ``out`` of its ``(out, cache)``; a clear error otherwise.

    :class:`Seed` keyword arguments become fresh generators.
    """

    def forward_out(*args, **kwargs):
        res = fn(*args, **resolve_seeds(kwargs))
        if not isinstance(res, tuple) or len(res) != 2:
            raise TypeError(f"{name} should return a tuple (out, cache), got {type(res).__name__}")
        return res[0]

    return forward_out


def forward_scenario(name: str, cases: Callable[[int], list[Case]], strict: bool = False) -> Callable:
    """Scenario: the outputs (not the caches) of forward ``name`` on every case."""

    def scenario(ns, seed):
        fn = first_output(lookup(ns, name), name)
        return {"calls": [call(fn, *c.args, label=c.label, strict=strict, **c.kwargs) for c in cases(seed)]}

    scenario.__name__ = f"{name}_outputs"
    return scenario


def loss_gradient_scenario(name: str, cases: Callable[[int], list[Case]], max_entries: int = 12) -> Callable:
    """Scenario: a loss's value and ``dpred``, next to centred differences of the same loss.

    The grader compares the student's ``dpred`` with the centred differences of the
    *reference* run of this scenario (computed in the grader's process, so they cannot
    be forged), once the loss value itself matches; the student's own differences only
    make the message more precise.
    """

    def scenario(ns, seed):
        fn = lookup(ns, name)
        rng = np.random.default_rng(seed)
        items = []
        for c in cases(seed):
            pred, rest = np.array(c.args[0], dtype=np.float64), c.args[1:]
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = fn(pred.copy(), *copy.deepcopy(rest), **copy.deepcopy(c.kwargs))
                if not isinstance(result, tuple) or len(result) != 2:
                    raise ScenarioError(f"`{name}` should return a tuple (loss, dpred)")
                analytic = as_float_array(result[1], "dpred")
                idx = sample_indices(pred.size, max_entries, rng)
                numeric = numeric_grad(lambda p: fn(p, *copy.deepcopy(rest), **copy.deepcopy(c.kwargs))[0], pred, indices=idx)
            if analytic.shape != pred.shape:
                raise ScenarioError(f"dpred has shape {analytic.shape}, expected {pred.shape} (the shape of the predictions)")
            items.append({"label": c.label, "out": result[0], "analytic": analytic, "numeric": numeric})
        return {"gradients": items}

    scenario.__name__ = f"{name}_gradient"
    return scenario


def layer_gradient_scenario(
    forward: str,
    backward: str,
    cases: Callable[[int], list[Case]],
    wrt: tuple[int, ...] = (0,),
    max_entries: int = 12,
) -> Callable:
    """Scenario: a layer's forward output and backward, next to centred differences.

    As for :func:`loss_gradient_scenario`, the verdict uses the differences of the
    reference run (trusted), gated on the forward output matching.

    For every case, runs ``out, cache = forward(*args)``, draws an upstream gradient
    ``dout`` of ``out``'s shape, calls ``backward(dout, cache)``, and differentiates
    ``sum(forward(*args)[0] * dout)`` numerically with respect to each positional
    argument in ``wrt``. The backward's results are matched to ``wrt`` in order
    (``dx`` first, then parameter gradients), as the course API returns them.
    """

    def scenario(ns, seed):
        fwd, bwd = lookup(ns, forward), lookup(ns, backward)
        rng = np.random.default_rng(seed)
        items = []
        for c in cases(seed):
            args = [np.array(a, dtype=np.float64) if isinstance(a, np.ndarray) else a for a in c.args]
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = fwd(*copy.deepcopy(args), **copy.deepcopy(c.kwargs))
                if not isinstance(res, tuple) or len(res) < 2:
                    raise ScenarioError(f"`{forward}` should return a tuple (out, cache)")
                out = as_float_array(res[0], "the forward output")
                dout = rng.normal(size=out.shape)
                grads = bwd(dout.copy(), res[1])
                grads = grads if isinstance(grads, tuple) else (grads,)
                if len(grads) < len(wrt):
                    raise ScenarioError(f"`{backward}` returned {len(grads)} gradient(s), expected {len(wrt)}")
                entry = {"label": c.label, "out": out, "analytic": [], "numeric": []}
                for pos, g in zip(wrt, grads):
                    g = as_float_array(g, "a gradient")
                    base = np.asarray(args[pos], dtype=np.float64)
                    if g.shape != base.shape:
                        raise ScenarioError(
                            f"`{backward}` returned a gradient of shape {g.shape} for an input of shape {base.shape}")
                    idx = sample_indices(base.size, max_entries, rng)

                    def f(z, pos=pos):
                        a2 = copy.deepcopy(args)
                        a2[pos] = z
                        return fwd(*a2, **copy.deepcopy(c.kwargs))[0]

                    entry["analytic"].append(g)
                    entry["numeric"].append(numeric_grad_array(f, base, dout, indices=idx))
            items.append(entry)
        return {"gradients": items}

    scenario.__name__ = f"{backward}_gradient"
    return scenario
