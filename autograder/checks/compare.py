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
    """No recorded call modified its inputs or returned a view of them."""

    def __call__(self, actual, expected) -> tuple[bool, str]:
        failed = _failed(actual)
        if failed:
            return False, failed
        acts = _records(actual)
        if acts is None:
            return False, "the check could not read the results of your function"
        for a in acts:
            if a.get("error"):
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
    """Analytic gradients agree with the centred differences sent along with them.

    Reads ``{"gradients": [{"label", "analytic", "numeric"}]}`` where ``analytic`` and
    ``numeric`` are arrays (or lists of arrays, one per differentiated argument);
    ``numeric`` is NaN at entries that were not sampled.
    """

    tol: float = 1e-5

    def __call__(self, actual, expected) -> tuple[bool, str]:
        failed = _failed(actual)
        if failed:
            return False, failed
        items = actual.get("gradients") if isinstance(actual, dict) else None
        if not isinstance(items, list):
            return False, "the check could not read the results of your function"
        for item in items:
            if not isinstance(item, dict):
                return False, "the check could not read the results of your function"
            a_list, n_list = item.get("analytic"), item.get("numeric")
            if isinstance(a_list, np.ndarray):
                a_list, n_list = [a_list], [n_list]
            if not isinstance(a_list, list) or not isinstance(n_list, list) or len(a_list) != len(n_list):
                return False, "the check could not read the results of your function"
            for k, (a, n) in enumerate(zip(a_list, n_list)):
                if not isinstance(a, np.ndarray) or not isinstance(n, np.ndarray) or a.shape != n.shape:
                    return False, "the check could not read the results of your function"
                mask = ~np.isnan(n)
                if not mask.any():
                    continue
                err = _rel_err(a[mask].astype(float), n[mask].astype(float), 1e-8)
                worst = int(np.argmax(err))
                if not np.isfinite(err[worst]) or err[worst] > self.tol:
                    where = tuple(int(i) for i in np.unravel_index(np.flatnonzero(mask)[worst], a.shape))
                    which = "the gradient" if len(a_list) == 1 else f"gradient {k + 1}"
                    return False, (
                        f"on {item.get('label') or 'an input'}, {which} disagrees with finite differences of "
                        f"your forward pass: relative error {err[worst]:.1e} at index {where}"
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
