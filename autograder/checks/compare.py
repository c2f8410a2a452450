"""Comparators: decide whether what came back matches what was expected, and say why not.

Every comparator has the signature ``compare(actual, expected) -> (passed, message)`` on
decoded plain data (see :mod:`transport`). Messages are one sentence, name the input by
its label and shape, and give the largest relative error and where it occurred; they
never print expected values wholesale or any code.

Besides the comparators shared by several chapters (same values, purity, exceptions,
reproducibility with a seed, gradients), this module holds what chapter judges build
their own comparators from: reading a scenario's records (:func:`failure`,
:func:`records`, :func:`dict_records`, :func:`paired_records`, and :class:`EachCall` for
comparators that judge one call at a time), wording (:func:`kind`,
:func:`describe_error`, :func:`call_error`, :data:`UNREADABLE`) and numbers
(:func:`rel_err`, :func:`worst_relative_error`, :func:`identical`). Statistical helpers
live in :mod:`stats`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .transport import Opaque

Comparator = Callable[[Any, Any], "tuple[bool, str]"]

UNREADABLE = "the check could not read the results of your function"


# --------------------------------------------------------------------------- wording


def kind(x) -> str:
    """What ``x`` is, for a message: "an array of shape (3, 4)", "a tuple of 2", "None", ..."""
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape}"
    if isinstance(x, tuple):
        return f"a tuple of {len(x)}"
    if isinstance(x, list):
        return f"a list of {len(x)}"
    if isinstance(x, dict):
        return "a dict"
    if isinstance(x, Opaque):
        return f"a {x.description}"
    if x is None:
        return "None"
    return f"a {type(x).__name__}"


def describe_error(err: str) -> str:
    """The end of "on <input> it ..." for an error recorded by ``scenarios.common.call``."""
    if err.startswith("NotImplementedError"):
        return "is not implemented yet (it raises NotImplementedError)"
    if err.startswith(("FloatingPointError", "RuntimeWarning")):
        return f"overflows or divides by zero ({err})"
    return f"raised {err}"


def call_error(label: str, err: str) -> str:
    """The sentence for a call on input ``label`` that raised ``err``."""
    return f"on {label} it {describe_error(err)}"


# --------------------------------------------------------------------------- reading records


def failure(data) -> str | None:
    """Why a scenario could not run at all (its ``{"__failed__": reason}``), or None."""
    if isinstance(data, dict) and set(data) == {"__failed__"}:
        return str(data["__failed__"])
    return None


def records(data) -> list | None:
    """The list under ``"calls"`` (one record per call), or None."""
    if isinstance(data, dict) and isinstance(data.get("calls"), list):
        return data["calls"]
    return None


def dict_records(data) -> list[dict] | None:
    """Like :func:`records`, but None unless every record is a dict."""
    calls = data.get("calls") if isinstance(data, dict) else None
    return calls if isinstance(calls, list) and all(isinstance(c, dict) for c in calls) else None


def paired_records(actual, expected) -> tuple[list[dict] | None, str]:
    """The student's records, one per record of the expected run, or None and why not.

    The reason is the scenario's failure, or :data:`UNREADABLE` when the records are not
    a list of dicts as long as the expected one.
    """
    problem = failure(actual)
    if problem:
        return None, problem
    acts, exps = dict_records(actual), records(expected)
    if acts is None or exps is None or len(acts) != len(exps):
        return None, UNREADABLE
    return acts, ""


def label_of(record) -> str:
    """The input a record is about, as a student reads it."""
    return record.get("label") or "an input"


def each_call(actual, expected, judge: Callable[..., str], *columns, paired: bool = True) -> tuple[bool, str]:
    """Judge the student's calls one by one; the first problem wins.

    A call that raised fails with :func:`call_error`; otherwise ``judge(a, e, label,
    *items)`` returns the sentence saying what is wrong, or '' if nothing. ``a`` is the
    student's record, ``items`` the matching entries of ``columns`` (lists such as
    ``expected["cases"]``, one entry per call).

    ``paired``: the records are read with :func:`paired_records` and ``e`` is the
    expected run's record of the same call, whose label names the input. Otherwise
    only the student's records are read (as many as the first column's entries, when
    there is one), ``e`` is None and the label is the student's record's.
    """
    if paired:
        acts, problem = paired_records(actual, expected)
        if acts is None:
            return False, problem
        exps = expected["calls"]
    else:
        problem = failure(actual)
        if problem:
            return False, problem
        acts = dict_records(actual)
        if acts is None or (columns and len(acts) != len(columns[0])):
            return False, UNREADABLE
        exps = [None] * len(acts)
    for a, e, *items in zip(acts, exps, *columns):
        label = label_of(e if paired else a)
        if a.get("error"):
            return False, call_error(label, a["error"])
        problem = judge(a, e, label, *items)
        if problem:
            return False, problem
    return True, ""


class EachCall:
    """Base of comparators that judge each call on its own, through :func:`each_call`.

    Subclasses define ``judge(a, e, label, *items) -> str`` ('' when the call is right);
    ``columns`` names lists of the expected data handed to it entry by entry (e.g.
    ``("cases",)``), ``paired`` is passed on.
    """

    columns: tuple[str, ...] = ()
    paired: bool = True

    def __call__(self, actual, expected) -> tuple[bool, str]:
        return each_call(actual, expected, self.judge, *(expected.get(c) for c in self.columns), paired=self.paired)

    def judge(self, a, e, label, *items) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


# --------------------------------------------------------------------------- numbers


def is_number(x) -> bool:
    """A Python int or float, not a bool."""
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def rel_err(a: np.ndarray, b: np.ndarray, atol: float) -> np.ndarray:
    """Element-wise ``|a - b| / max(atol, |a| + |b|)``, without floating-point warnings."""
    with np.errstate(all="ignore"):
        return np.abs(a - b) / np.maximum(atol, np.abs(a) + np.abs(b))


def index_tuple(flat, shape) -> tuple[int, ...]:
    """The index into an array of ``shape`` of its ``flat``-th entry, as plain ints."""
    return tuple(int(i) for i in np.unravel_index(int(flat), shape))


def worst_relative_error(analytic: np.ndarray, numeric: np.ndarray, floor: float = 1e-8) -> tuple[float, tuple] | None:
    """The largest :func:`rel_err` over the entries where ``numeric`` is not NaN, and where.

    A NaN error (a non-finite ``analytic`` entry) counts as the largest. None when every
    entry of ``numeric`` is NaN (nothing was sampled).
    """
    mask = ~np.isnan(numeric)
    if not mask.any():
        return None
    err = rel_err(analytic[mask].astype(float), numeric[mask].astype(float), floor)
    k = int(np.argmax(err))
    return float(err[k]), index_tuple(np.flatnonzero(mask)[k], analytic.shape)


def identical(a, b) -> bool:
    """Exactly the same plain data: arrays of one shape and dtype kind, NaN equal to NaN."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and a.dtype.kind == b.dtype.kind and bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f")))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(identical(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(identical(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


# --------------------------------------------------------------------------- values


def values_match(actual, expected, rtol: float = 1e-6, atol: float = 1e-9, where: str = "the output") -> tuple[bool, str]:
    """Recursive structural comparison with tolerances on floating values."""
    if isinstance(expected, np.ndarray) or (is_number(expected) and isinstance(actual, np.ndarray)):
        exp = np.asarray(expected)
        if is_number(actual) or isinstance(actual, np.bool_):
            actual = np.asarray(actual)
        if not isinstance(actual, np.ndarray):
            return False, f"{where} should be an array of shape {exp.shape} but is {kind(actual)}"
        if actual.shape != exp.shape:
            if actual.size == 1 and exp.size == 1:
                actual = actual.reshape(exp.shape)
            else:
                return False, f"{where} has shape {actual.shape}, expected {exp.shape}"
        if exp.dtype.kind in "iub" and actual.dtype.kind in "iub":
            bad = actual != exp
            if bad.any():
                idx = tuple(int(i) for i in np.argwhere(bad)[0])
                return False, f"{where} differs at index {idx} ({int(bad.sum())} of {bad.size} entries wrong)"
            return True, ""
        a = actual.astype(np.float64)
        e = exp.astype(np.float64)
        if not np.all(np.isfinite(a) == np.isfinite(e)):
            idx = tuple(int(i) for i in np.argwhere(np.isfinite(a) != np.isfinite(e))[0])
            return False, f"{where} is not finite where it should be (first at index {idx})"
        fin = np.isfinite(e)
        close = np.isclose(a[fin], e[fin], rtol=rtol, atol=atol)
        if not np.all(close):
            err = np.zeros(e.shape)
            err[fin] = rel_err(a[fin], e[fin], atol)
            idx = np.unravel_index(int(np.argmax(err)), e.shape) if e.ndim else ()
            at = f" at index {tuple(int(i) for i in idx)}" if e.ndim else ""
            return False, f"{where} differs from the expected values: largest relative error {err.max():.2e}{at}"
        return True, ""
    if is_number(expected):
        if not is_number(actual):
            return False, f"{where} should be a number but is {kind(actual)}"
        if not np.isfinite(actual) and np.isfinite(expected):
            return False, f"{where} is {actual}, expected a finite number"
        if not np.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True):
            return False, f"{where} is {actual:.6g}, expected {expected:.6g}"
        return True, ""
    if isinstance(expected, (tuple, list)):
        if not isinstance(actual, (tuple, list)) or len(actual) != len(expected):
            return False, f"{where} should be {kind(expected)} but is {kind(actual)}"
        for i, (x, y) in enumerate(zip(actual, expected)):
            ok, msg = values_match(x, y, rtol, atol, f"{where}[{i}]")
            if not ok:
                return ok, msg
        return True, ""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return False, f"{where} should be a dict but is {kind(actual)}"
        missing = sorted(set(expected) - set(actual))
        extra = sorted(set(actual) - set(expected))
        if missing or extra:
            return False, f"{where} has keys {sorted(actual)}, expected {sorted(expected)}"
        for k in expected:
            ok, msg = values_match(actual[k], expected[k], rtol, atol, f"{where}[{k!r}]")
            if not ok:
                return ok, msg
        return True, ""
    if isinstance(expected, bool) or expected is None or isinstance(expected, (str, Opaque)):
        if type(actual) is not type(expected) or actual != expected:
            return False, f"{where} is {actual!r}, expected {expected!r}"
        return True, ""
    return False, f"cannot compare {kind(actual)}"  # pragma: no cover


# --------------------------------------------------------------------------- calls


@dataclass(frozen=True)
class SameCalls:
    """Each recorded call returns the same values (and raises the same errors) as expected.

    ``field`` picks what to compare in each record: ``"out"`` (values), or the purity
    flags through :class:`Purity`.
    """

    rtol: float = 1e-6
    atol: float = 1e-9

    def __call__(self, actual, expected) -> tuple[bool, str]:
        problem = failure(actual)
        if problem:
            return False, problem
        acts, exps = records(actual), records(expected)
        if exps is None:
            return values_match(actual, expected, self.rtol, self.atol)
        if acts is None or len(acts) != len(exps):
            return False, UNREADABLE
        for a, e in zip(acts, exps):
            label = e.get("label") or "an input"
            if e.get("error"):
                if not a.get("error"):
                    return False, f"on {label} it should raise {e['error'].split(':')[0]}"
                if a["error"].split(":")[0] != e["error"].split(":")[0]:
                    return False, f"on {label} it raised {a['error'].split(':')[0]}, expected {e['error'].split(':')[0]}"
                continue
            if a.get("error"):
                return False, call_error(label, a["error"])
            ok, msg = values_match(a.get("out"), e.get("out"), self.rtol, self.atol)
            if not ok:
                return False, f"on {label}, {msg}"
        return True, ""


def same_calls(rtol: float = 1e-6, atol: float = 1e-9) -> SameCalls:
    return SameCalls(rtol, atol)


@dataclass(frozen=True)
class Part:
    """:class:`SameCalls` restricted to some outputs of a function returning a tuple.

    ``names`` names every output in order (for messages), ``parts`` the indices compared,
    so that each output of, say, a backward pass (dx, dgamma, dbeta) earns its own share.
    """

    parts: tuple[int, ...]
    names: tuple[str, ...]
    rtol: float = 1e-6
    atol: float = 1e-9

    def __call__(self, actual, expected) -> tuple[bool, str]:
        problem = failure(actual)
        if problem:
            return False, problem
        acts = actual.get("calls") if isinstance(actual, dict) else None
        exps = expected["calls"]
        if not isinstance(acts, list) or len(acts) != len(exps):
            return False, UNREADABLE
        for a, e in zip(acts, exps):
            label = e.get("label") or "an input"
            if not isinstance(a, dict):
                return False, UNREADABLE
            if e.get("error"):
                return SameCalls(self.rtol, self.atol)({"calls": [a]}, {"calls": [e]})
            if a.get("error"):
                return False, call_error(label, a["error"])
            out = a.get("out")
            if not isinstance(out, (tuple, list)) or len(out) != len(self.names):
                return False, f"on {label} it should return a tuple ({', '.join(self.names)}) but returns {kind(out)}"
            for i in self.parts:
                ok, msg = values_match(out[i], e["out"][i], self.rtol, self.atol, self.names[i])
                if not ok:
                    return False, f"on {label}, {msg}"
        return True, ""


@dataclass(frozen=True)
class Raises:
    """:class:`SameCalls` for calls that must raise; a NotImplementedError reads as "not implemented"."""

    def __call__(self, actual, expected) -> tuple[bool, str]:
        acts, msg = paired_records(actual, expected)
        if acts is None:
            return False, msg
        for a, e in zip(acts, expected["calls"]):
            if str(a.get("error") or "").startswith("NotImplementedError"):
                return False, call_error(e.get("label") or "an input", a["error"])
        return SameCalls()(actual, expected)


@dataclass(frozen=True)
class RaisesValueError:
    """Every recorded call raised ValueError (whatever the expected run's message)."""

    def __call__(self, actual, expected) -> tuple[bool, str]:
        problem = failure(actual)
        if problem:
            return False, problem
        calls = records(actual)
        if not calls:
            return False, UNREADABLE
        for rec in calls:
            label = label_of(rec)
            err = rec.get("error") or ""
            if err.startswith("ValueError"):
                continue
            if err:
                return False, f"{call_error(label, err)}; expected ValueError"
            return False, f"on {label} it returned {kind(rec.get('out'))}; it should raise ValueError"
        return True, ""


# --------------------------------------------------------------------------- purity


@dataclass(frozen=True)
class Purity:
    """No recorded call modified its inputs or returned a view of them.

    Independent of the values (a function that is wrong but pure keeps this check), so
    that one mistake costs one check.
    """

    def __call__(self, actual, expected) -> tuple[bool, str]:
        problem = failure(actual)
        if problem:
            return False, problem
        acts, exps = records(actual), records(expected) or []
        if acts is None:
            return False, UNREADABLE
        for k, a in enumerate(acts):
            exp_out = exps[k].get("out") if k < len(exps) else None
            if not a.get("error") and a.get("out") is None and exp_out is not None:
                return False, f"it returns nothing (on {a.get('label') or 'an input'})"
            if a.get("error") and not str(a["error"]).startswith("ValueError"):
                return False, call_error(a.get("label") or "an input", a["error"])
            if a.get("mutated"):
                return False, f"it modifies its input in place (on {a.get('label') or 'an input'}); work on new arrays"
            if a.get("aliased"):
                return False, f"it returns a view of its input (on {a.get('label') or 'an input'}); return a new array"
        return True, ""


purity = Purity()


@dataclass(frozen=True)
class PurityNamed:
    """:data:`purity`, with the sentence a student reads for each way of failing it.

    For functions whose natural mistake is to work in place (e.g. imitating PyTorch's
    in-place ``clip_grad_*_``): ``mutated`` replaces the in-place message, ``aliased``
    the returned-view one.
    """

    mutated: str
    aliased: str

    def __call__(self, actual, expected) -> tuple[bool, str]:
        passed, message = purity(actual, expected)
        if passed:
            return True, ""
        if "modifies its input in place" in message:
            return False, self.mutated
        if "returns a view of its input" in message:
            return False, self.aliased
        return False, message


# --------------------------------------------------------------------------- random functions

SAME_SEED = ("on {label}, two generators with the same seed gave different {what}: draw every random number "
             "from the rng argument (no np.random.* functions)")
OTHER_SEED = "on {label}, generators with different seeds gave the same {what}: draw them from the rng argument"
SEEDED_RUNS = ("first", "again", "other")


@dataclass(frozen=True)
class Reproducible:
    """Two generators of one seed give identical results, a generator of another seed others.

    Reads the three results either from three records (first, again with a new generator
    of the same seed, other with another seed) or, when the expected run has a single
    record, from that record's ``out`` ``{"first", "again", "other"}`` (see
    ``scenarios.common.three_seeded_runs``). ``what`` names the results in the messages
    (templates with ``{label}`` and ``{what}``); ``check(out, expected, label)``, when
    given, says what is wrong with one result ('' if nothing) before they are compared.
    """

    what: str = "outputs"
    check: Callable[[Any, Any, str], str] | None = None
    same_seed: str = SAME_SEED
    other_seed: str = OTHER_SEED

    def __call__(self, actual, expected) -> tuple[bool, str]:
        acts, msg = paired_records(actual, expected)
        if acts is None or not acts:
            return False, msg or UNREADABLE
        exps = expected["calls"]
        if len(exps) == 1:
            rec, label = acts[0], label_of(exps[0])
            if rec.get("error"):
                return False, call_error(label, rec["error"])
            outs = rec.get("out")
            if not isinstance(outs, dict) or set(outs) != set(SEEDED_RUNS):
                return False, UNREADABLE
            runs = [(label, None, outs[k]) for k in SEEDED_RUNS]
        elif len(exps) == 3:
            label = label_of(exps[0])
            runs = [(label_of(e), a.get("error"), a.get("out")) for a, e in zip(acts, exps)]
        else:  # pragma: no cover - a scenario of another layout
            return False, UNREADABLE
        for where, err, out in runs:
            if err:
                return False, call_error(where, err)
            problem = self.check(out, expected, where) if self.check else ""
            if problem:
                return False, problem
        first, again, other = (out for _, _, out in runs)
        if not identical(first, again):
            return False, self.same_seed.format(label=label, what=self.what)
        if identical(first, other):
            return False, self.other_seed.format(label=label, what=self.what)
        return True, ""


# --------------------------------------------------------------------------- gradients and losses


@dataclass(frozen=True)
class GradientConsistent:
    """Analytic gradients agree with centred finite differences of the forward pass.

    Reads ``{"gradients": [{"label", "out", "analytic", "numeric"}]}``: ``analytic`` and
    ``numeric`` are arrays (or lists of arrays, one per differentiated argument), and
    ``numeric`` is NaN at entries that were not sampled.

    The verdict never trusts numbers computed in the student's process: the student's
    ``analytic`` gradient is compared with the ``numeric`` differences of the *expected*
    (reference) run, and only once the student's forward output ``out`` matches the
    expected one (otherwise the forward is wrong and its gradient cannot be checked).
    The student's own differences are used only to word the message: they tell apart
    "your backward disagrees with your forward" from other failures.
    """

    tol: float = 1e-5

    @staticmethod
    def _pairs(item):
        a_list, n_list = item.get("analytic"), item.get("numeric")
        if isinstance(a_list, np.ndarray):
            a_list, n_list = [a_list], [n_list]
        if not isinstance(a_list, list) or not isinstance(n_list, list) or len(a_list) != len(n_list):
            return None
        return list(zip(a_list, n_list))

    def _worst(self, a, n):
        found = worst_relative_error(a, n, 1e-8)
        if found is None:
            return 0.0, ()
        err, where = found
        return (np.inf if math.isnan(err) else err), where

    def __call__(self, actual, expected) -> tuple[bool, str]:
        problem = failure(actual)
        if problem:
            return False, problem
        unreadable = False, UNREADABLE
        items = actual.get("gradients") if isinstance(actual, dict) else None
        exp_items = expected.get("gradients") if isinstance(expected, dict) else None
        if not isinstance(items, list) or not isinstance(exp_items, list) or len(items) != len(exp_items):
            return unreadable
        for item, exp in zip(items, exp_items):
            if not isinstance(item, dict):
                return unreadable
            label = exp.get("label") or "an input"
            if "out" in exp:
                ok, msg = values_match(item.get("out"), exp["out"], 1e-6, 1e-9, "the forward output")
                if not ok:
                    return False, f"on {label}, {msg}, so its gradient cannot be checked (fix the forward pass first)"
            mine, trusted = self._pairs(item), self._pairs(exp)
            if mine is None or trusted is None or len(mine) != len(trusted):
                return unreadable
            for k, ((a, own), (_, n)) in enumerate(zip(mine, trusted)):
                if not isinstance(a, np.ndarray) or a.shape != n.shape:
                    return unreadable
                err, where = self._worst(a, n)
                if err > self.tol:
                    which = "the gradient" if len(mine) == 1 else f"gradient {k + 1}"
                    own_err = self._worst(a, own)[0] if isinstance(own, np.ndarray) and own.shape == a.shape else np.inf
                    hint = " (it also disagrees with finite differences of your own forward)" if own_err > self.tol else ""
                    return False, (
                        f"on {label}, {which} disagrees with finite differences of the forward pass: "
                        f"relative error {err:.1e} at index {where}{hint}"
                    )
        return True, ""


gradient_consistent = GradientConsistent()


@dataclass(frozen=True)
class FiniteLoss(EachCall):
    """Every call succeeds, returns only finite numbers, and its loss (first output) matches.

    For clipped losses whose gradient at the clipped entries the API leaves free as long
    as it is finite.
    """

    rtol: float = 1e-6

    def judge(self, a, e, label) -> str:
        out = a.get("out")
        if not isinstance(out, tuple) or len(out) != 2:
            return f"on {label} it should return (loss, dpred) but returns {kind(out)}"
        grad = out[1]
        if not isinstance(grad, np.ndarray) or not np.all(np.isfinite(grad.astype(float))):
            return f"on {label} the gradient is not finite"
        ok, msg = values_match(out[0], e["out"][0], self.rtol, 1e-9, "the loss")
        return "" if ok else f"on {label}, {msg}"
