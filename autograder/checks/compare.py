"""Comparators: decide whether what came back matches what was expected, and say why not.

Every comparator has the signature ``compare(actual, expected) -> (passed, message)`` on
decoded plain data (see :mod:`transport`). Messages are one sentence, name the input by
its label and shape, and give the largest relative error and where it occurred; they
never print expected values wholesale or any code.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .transport import Opaque

Comparator = Callable[[Any, Any], "tuple[bool, str]"]


def _kind(x) -> str:
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


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _rel_err(a: np.ndarray, b: np.ndarray, atol: float) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.abs(a - b) / np.maximum(atol, np.abs(a) + np.abs(b))


def values_match(actual, expected, rtol: float = 1e-6, atol: float = 1e-9, where: str = "the output") -> tuple[bool, str]:
    """Recursive structural comparison with tolerances on floating values."""
    if isinstance(expected, np.ndarray) or (_is_number(expected) and isinstance(actual, np.ndarray)):
        exp = np.asarray(expected)
        if _is_number(actual) or isinstance(actual, np.bool_):
            actual = np.asarray(actual)
        if not isinstance(actual, np.ndarray):
            return False, f"{where} should be an array of shape {exp.shape} but is {_kind(actual)}"
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
            err[fin] = _rel_err(a[fin], e[fin], atol)
            idx = np.unravel_index(int(np.argmax(err)), e.shape) if e.ndim else ()
            at = f" at index {tuple(int(i) for i in idx)}" if e.ndim else ""
            return False, f"{where} differs from the expected values: largest relative error {err.max():.2e}{at}"
        return True, ""
    if _is_number(expected):
        if not _is_number(actual):
            return False, f"{where} should be a number but is {_kind(actual)}"
        if not np.isfinite(actual) and np.isfinite(expected):
            return False, f"{where} is {actual}, expected a finite number"
        if not np.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True):
            return False, f"{where} is {actual:.6g}, expected {expected:.6g}"
        return True, ""
    if isinstance(expected, (tuple, list)):
        if not isinstance(actual, (tuple, list)) or len(actual) != len(expected):
            return False, f"{where} should be {_kind(expected)} but is {_kind(actual)}"
        for i, (x, y) in enumerate(zip(actual, expected)):
            ok, msg = values_match(x, y, rtol, atol, f"{where}[{i}]")
            if not ok:
                return ok, msg
        return True, ""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return False, f"{where} should be a dict but is {_kind(actual)}"
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
    return False, f"cannot compare {_kind(actual)}"  # pragma: no cover


def _failed(actual) -> str | None:
    if isinstance(actual, dict) and set(actual) == {"__failed__"}:
        return str(actual["__failed__"])
    return None


def _records(data) -> list[dict] | None:
    if isinstance(data, dict) and isinstance(data.get("calls"), list):
        return data["calls"]
    return None


def _describe_error(err: str) -> str:
    if err.startswith("NotImplementedError"):
        return "is not implemented yet (it raises NotImplementedError)"
    if err.startswith(("FloatingPointError", "RuntimeWarning")):
        return f"overflows or divides by zero ({err})"
    return f"raised {err}"


@dataclass(frozen=True)
class SameCalls:
    """Each recorded call returns the same values (and raises the same errors) as expected.

    ``field`` picks what to compare in each record: ``"out"`` (values), or the purity
    flags through :class:`Purity`.
    """

    rtol: float = 1e-6
    atol: float = 1e-9

    def __call__(self, actual, expected) -> tuple[bool, str]:
        failed = _failed(actual)
        if failed:
            return False, failed
        acts, exps = _records(actual), _records(expected)
        if exps is None:
            return values_match(actual, expected, self.rtol, self.atol)
        if acts is None or len(acts) != len(exps):
            return False, "the check could not read the results of your function"
        for a, e in zip(acts, exps):
            label = e.get("label") or "an input"
            if e.get("error"):
                if not a.get("error"):
                    return False, f"on {label} it should raise {e['error'].split(':')[0]}"
                if a["error"].split(":")[0] != e["error"].split(":")[0]:
                    return False, f"on {label} it raised {a['error'].split(':')[0]}, expected {e['error'].split(':')[0]}"
                continue
            if a.get("error"):
                return False, f"on {label} it {_describe_error(a['error'])}"
            ok, msg = values_match(a.get("out"), e.get("out"), self.rtol, self.atol)
            if not ok:
                return False, f"on {label}, {msg}"
        return True, ""


@dataclass(frozen=True)
class Purity:
    """No recorded call modified its inputs or returned a view of them.

    Independent of the values (a function that is wrong but pure keeps this check), so
    that one mistake costs one check.
    """

    def __call__(self, actual, expected) -> tuple[bool, str]:
        failed = _failed(actual)
        if failed:
            return False, failed
        acts, exps = _records(actual), _records(expected) or []
        if acts is None:
            return False, "the check could not read the results of your function"
        for k, a in enumerate(acts):
            exp_out = exps[k].get("out") if k < len(exps) else None
            if not a.get("error") and a.get("out") is None and exp_out is not None:
                return False, f"it returns nothing (on {a.get('label') or 'an input'})"
            if a.get("error") and not str(a["error"]).startswith("ValueError"):
                return False, f"on {a.get('label') or 'an input'} it {_describe_error(a['error'])}"
            if a.get("mutated"):
                return False, f"it modifies its input in place (on {a.get('label') or 'an input'}); work on new arrays"
            if a.get("aliased"):
                return False, f"it returns a view of its input (on {a.get('label') or 'an input'}); return a new array"
        return True, ""


def same_calls(rtol: float = 1e-6, atol: float = 1e-9) -> SameCalls:
    return SameCalls(rtol, atol)


purity = Purity()


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
        mask = ~np.isnan(n)
        if not mask.any():
            return 0.0, ()
        err = _rel_err(a[mask].astype(float), n[mask].astype(float), 1e-8)
        err = np.where(np.isnan(err), np.inf, err)
        k = int(np.argmax(err))
        return float(err[k]), tuple(int(i) for i in np.unravel_index(np.flatnonzero(mask)[k], a.shape))

    def __call__(self, actual, expected) -> tuple[bool, str]:
        failed = _failed(actual)
        if failed:
            return False, failed
        unreadable = False, "the check could not read the results of your function"
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
class FiniteLoss:
    """Every call succeeds, returns only finite numbers, and its loss (first output) matches.

    For clipped losses whose gradient at the clipped entries the API leaves free as long
    as it is finite.
    """

    rtol: float = 1e-6

    def __call__(self, actual, expected) -> tuple[bool, str]:
        failed = _failed(actual)
        if failed:
            return False, failed
        acts, exps = _records(actual), _records(expected)
        if acts is None or exps is None or len(acts) != len(exps):
            return False, "the check could not read the results of your function"
        for a, e in zip(acts, exps):
            label = e.get("label") or "an input"
            if a.get("error"):
                return False, f"on {label} it {_describe_error(a['error'])}"
            out = a.get("out")
            if not isinstance(out, tuple) or len(out) != 2:
                return False, f"on {label} it should return (loss, dpred) but returns {_kind(out)}"
            grad = out[1]
            if not isinstance(grad, np.ndarray) or not np.all(np.isfinite(grad.astype(float))):
                return False, f"on {label} the gradient is not finite"
            ok, msg = values_match(out[0], e["out"][0], self.rtol, 1e-9, "the loss")
            if not ok:
                return False, f"on {label}, {msg}"
        return True, ""
