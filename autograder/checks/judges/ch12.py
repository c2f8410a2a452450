"""Chapter 12, the capstone: held-out accuracy, format, activation and reproducibility.

``train_capstone`` returns ``(params, activation)`` as plain arrays (scenario
``train_capstone.runs``). Everything else happens here, in the grader's process: the
397 held-out digits are loaded and standardised with the public statistics, and the
predictions are ``argmax(mlp_forward(params, X_heldout, activation))`` with the
reference ``mlp_forward``. Of what the student's process reports, only the returned
arrays and activation name decide verdicts (plus, as in every chapter, its record of
whether the inputs were modified, which can only cost the format check).

Scoring (10 points, the check weights):

- 0.5: the return value has the course layout (W_l of shape ``(fan_in, fan_out)`` from
  64 inputs to 10 classes, finite, an activation in {'relu', 'tanh', 'sigmoid'}) and the
  inputs are left unchanged;
- 7.5: held-out accuracy, in six bars 0.825, 0.850, ..., 0.950 of 1.25 points each: a
  step-wise version of "linear from 0 points at 0.80 to full points at 0.95";
- 1: the activation named is the one the network works with: it fails when another
  activation classifies at least 3% more of the 1400 public digits correctly, and at
  least 90% of them (a network trained with one activation is at its best with it);
- 1: two runs with generators of the same seed give the same network.

The last two count only for a network that reaches the floor of 0.80 held-out accuracy
(a network that learnt nothing is trivially reproducible). The checks use the reference
run of the scenario for nothing: the bars are absolute.

The known mistakes are recognised from the returned data itself (a transposed weight
chain, batch-norm keys, an array where the dict should be, a far better fit with
another activation), so every check has ``diagnose=False``: running the catalogue's
imitations could not match a student's own trained weights anyway.
"""
from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from mlpkit.capstone import N_PUBLIC, _digits, load_capstone, public_statistics

from ..mistakes import ch12 as m
from ..scenarios.ch12 import N_REPEAT, public_digits
from ..transport import Opaque
from .base import Check, FunctionSpec, Mistake

__all__ = ["FUNCTIONS", "ACTIVATIONS", "BARS", "FLOOR", "heldout_digits", "mismatch_message"]

N_INPUTS, N_CLASSES = 64, 10
ACTIVATIONS = ("relu", "tanh", "sigmoid")
FLOOR = 0.80
BARS = (0.825, 0.85, 0.875, 0.90, 0.925, 0.95)
#: Another activation must classify this much more of the public digits correctly, and
#: at least MISMATCH_MIN of them, before the returned name is called a mismatch.
MISMATCH_MARGIN = 0.03
MISMATCH_MIN = 0.90
#: Tolerance for "the same network" in the reproducibility check (relative, on scores).
SAME_RTOL = 1e-6

RETURNS_FIT_RESULT = ("You return what fit returns, (model, history); return (model.params, config.activation) "
                      "instead: a dict of arrays and the activation's name.")
RETURNS_ARRAY = ("You return an array where the parameters dict should be: return (params, activation) and "
                 "let the grader compute the predictions from your params on digits you never see.")
TRANSPOSED = ("Your weight matrices are transposed: W_l must have shape (fan_in, fan_out), e.g. W1 of shape "
              "(64, H1), because the course's layers compute x @ W + b.")
BATCHNORM_KEYS = ("Your params hold batch-norm scales and shifts (gamma, beta) that plain mlp_forward cannot use: "
                  "train without batch norm, or fold it into W and b before returning.")


def mismatch_message(better: str, named: str) -> str:
    """The sentence for a network that works far better with ``better`` than with ``named``."""
    return (f"Your network classifies the public digits far better with {better!r} than with the {named!r} "
            f"you return: return the activation it was trained with (e.g. config.activation).")


class _Invalid(Exception):
    """The returned value cannot be used as a network; the message says why."""


@dataclass(frozen=True)
class _Network:
    params: dict
    activation: str


# --------------------------------------------------------------------------- data


@lru_cache(maxsize=1)
def heldout_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 397 held-out digits, standardised with the public statistics (grader side only)."""
    X, y = _digits()
    mean, scale = public_statistics()
    X_held, y_held = (X[N_PUBLIC:] - mean) / scale, y[N_PUBLIC:]
    X_held.setflags(write=False)
    y_held.setflags(write=False)
    return X_held, y_held


@lru_cache(maxsize=1)
def _public() -> tuple[np.ndarray, np.ndarray]:
    X, y = public_digits()
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


@lru_cache(maxsize=1)
def _probe() -> np.ndarray:
    """The 280 public validation digits: where two runs of the same seed are compared."""
    X_val = load_capstone()[2]
    X_val.setflags(write=False)
    return X_val


# --------------------------------------------------------------------------- reading the return value


def _kind(x) -> str:
    """A short description of a decoded value's type, for messages."""
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape}"
    if isinstance(x, (tuple, list)):
        return f"a {type(x).__name__} of {len(x)}"
    if isinstance(x, Opaque):
        return "an object that is neither an array nor a number"
    return "None" if x is None else f"a {type(x).__name__}"


def _describe_error(err: str) -> str:
    if err.startswith("NotImplementedError"):
        return "is not implemented yet (it raises NotImplementedError)"
    return f"raised {err}"


def _what(value, types: list) -> str:
    """``value`` described for a message; an object that could not cross by its class name."""
    if isinstance(value, Opaque) and types and isinstance(types[0], str):
        return f"a {types[0][:40]} object"
    return _kind(value)


_KEY = re.compile(r"^([Wb])([1-9][0-9]*)$")


def _network(record) -> _Network:
    """The network in one call record, or :class:`_Invalid` with the reason."""
    if not isinstance(record, dict):
        raise _Invalid("the check could not read the results of your function")
    if record.get("error"):
        raise _Invalid(f"train_capstone {_describe_error(str(record['error']))}")
    out = record.get("out")
    types = record.get("types") if isinstance(record.get("types"), list) else []
    if isinstance(out, (tuple, list)) and len(out) == 2 and isinstance(out[0], Opaque) and types[:1] == ["MLPModel"]:
        raise _Invalid(RETURNS_FIT_RESULT)
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise _Invalid(f"train_capstone should return a tuple (params, activation) but returns {_what(out, types)}")
    params, activation = out
    if isinstance(params, np.ndarray):
        raise _Invalid(RETURNS_ARRAY)
    if not isinstance(params, dict):
        raise _Invalid(f"params (the first value returned) should be a dict of arrays but is {_what(params, types)}")
    if any(k.startswith(("gamma", "beta", "running_")) for k in params):
        raise _Invalid(BATCHNORM_KEYS)
    bad = sorted(k for k in params if not _KEY.match(k))
    n_layers = sum(1 for k in params if k.startswith("W") and _KEY.match(k))
    expected = {f"{p}{l}" for l in range(1, n_layers + 1) for p in "Wb"}
    if bad or n_layers == 0 or set(params) != expected:
        shown = sorted(params)[:8]
        raise _Invalid(f"params should hold exactly W1, b1, ..., WL, bL; it has keys {shown}"
                       + (" ..." if len(params) > 8 else ""))
    arrays = {}
    for k in sorted(params, key=lambda k: (int(k[1:]), k)):
        v = params[k]
        if not isinstance(v, np.ndarray) or v.dtype.kind not in "fiu":
            raise _Invalid(f"params[{k!r}] should be an array of numbers but is {_kind(v)}")
        arrays[k] = v.astype(np.float64)
    _check_shapes(arrays, n_layers)
    for k, v in arrays.items():
        if not np.all(np.isfinite(v)):
            raise _Invalid(f"params[{k!r}] contains inf or nan: training diverged (try a smaller learning rate)")
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        shown = repr(activation) if isinstance(activation, str) else _kind(activation)
        raise _Invalid(f"the activation should be one of 'relu', 'tanh', 'sigmoid', not {shown[:40]}")
    return _Network(arrays, activation)


def _chain_error(shapes: list[tuple], biases: list[tuple]) -> str | None:
    """Why the W shapes do not chain 64 -> ... -> 10 with matching biases (None if they do)."""
    fan_in = N_INPUTS
    for l, (w, b) in enumerate(zip(shapes, biases), start=1):
        if len(w) != 2:
            return f"W{l} should be 2-D but has shape {w}"
        if w[0] != fan_in:
            return f"W{l} has shape {w}, expected ({fan_in}, n_{l})" + (" (64 inputs)" if l == 1 else f" to follow W{l - 1}")
        if b != (w[1],):
            return f"b{l} has shape {b}, expected ({w[1]},) to match W{l}"
        fan_in = w[1]
    if fan_in != N_CLASSES:
        return f"W{len(shapes)} has {fan_in} columns, expected {N_CLASSES} (one score per digit)"
    return None


def _check_shapes(arrays: dict, n_layers: int) -> None:
    shapes = [arrays[f"W{l}"].shape for l in range(1, n_layers + 1)]
    biases = [arrays[f"b{l}"].shape for l in range(1, n_layers + 1)]
    error = _chain_error(shapes, biases)
    if error is None:
        return
    if all(len(s) == 2 for s in shapes) and _chain_error([s[::-1] for s in shapes], biases) is None:
        raise _Invalid(TRANSPOSED)
    raise _Invalid(error)


# --------------------------------------------------------------------------- evaluating


def _scores(net: _Network, X: np.ndarray, activation: str | None = None) -> np.ndarray:
    from autograder.reference import mlp_forward

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(mlp_forward(net.params, X, activation or net.activation), dtype=np.float64)


def _n_correct(scores: np.ndarray, y: np.ndarray) -> int:
    finite = np.all(np.isfinite(scores), axis=1)
    return int(np.count_nonzero(finite & (np.argmax(np.nan_to_num(scores), axis=1) == y)))


@dataclass(frozen=True)
class _Verdict:
    """What the grader measured on the main run (or why it could not)."""

    invalid: str = ""
    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def reaches(self, bar: float) -> bool:
        # integer comparison: no rounding can move an accuracy across a bar
        return self.total > 0 and self.correct >= math.ceil(bar * self.total - 1e-9)

    def described(self) -> str:
        reached = [b for b in BARS if self.reaches(b)]
        best = f"the highest bar reached is {max(reached):.3f}" if reached else (
            "no bar is reached yet" if self.reaches(FLOOR) else f"below the floor of {FLOOR:.2f}")
        return f"held-out accuracy {self.accuracy:.4f} ({self.correct} of {self.total} digits); {best}"


def _failed(actual) -> str | None:
    if isinstance(actual, dict) and set(actual) == {"__failed__"}:
        return str(actual["__failed__"])
    return None


def _records(actual) -> list:
    records = actual.get("calls") if isinstance(actual, dict) else None
    if not isinstance(records, list) or len(records) != 3:
        raise _Invalid("the check could not read the results of your function")
    return records


def _main(actual) -> tuple[_Network | None, _Verdict]:
    failed = _failed(actual)
    if failed:
        return None, _Verdict(invalid=failed)
    try:
        net = _network(_records(actual)[0])
    except _Invalid as exc:
        return None, _Verdict(invalid=str(exc))
    X, y = heldout_digits()
    return net, _Verdict(correct=_n_correct(_scores(net, X), y), total=len(y))


def _not_measured(verdict: _Verdict) -> str:
    if "not implemented yet" in verdict.invalid or "`train_capstone` is not defined" in verdict.invalid:
        return verdict.invalid
    return "not measured: the first check says what is wrong with the returned value"


def _below_floor(verdict: _Verdict) -> str:
    return f"not credited below the floor: {verdict.described()}"


# --------------------------------------------------------------------------- comparators


def _format(actual, expected) -> tuple[bool, str]:
    _, verdict = _main(actual)
    if verdict.invalid:
        return False, verdict.invalid
    if _records(actual)[0].get("mutated"):  # costs this check only: the grader trains on its own copies
        return False, ("train_capstone modifies X_train or y_train in place; work on new arrays "
                       "(e.g. shuffle with indices from rng.permutation)")
    return True, ""


@dataclass(frozen=True)
class AccuracyBar:
    """Passes when the held-out accuracy reaches ``bar``; the message gives the accuracy."""

    bar: float

    def __call__(self, actual, expected) -> tuple[bool, str]:
        _, verdict = _main(actual)
        if verdict.invalid:
            return False, _not_measured(verdict)
        if verdict.reaches(self.bar):
            return True, ""
        return False, verdict.described()


def _activation(actual, expected) -> tuple[bool, str]:
    net, verdict = _main(actual)
    if verdict.invalid:
        return False, _not_measured(verdict)
    X, y = _public()
    correct = {a: _n_correct(_scores(net, X, a), y) for a in ACTIVATIONS}
    better = max((a for a in ACTIVATIONS if a != net.activation), key=correct.get)
    n = len(y)
    if correct[better] >= MISMATCH_MIN * n and correct[better] - correct[net.activation] >= MISMATCH_MARGIN * n:
        return False, mismatch_message(better, net.activation)
    if not verdict.reaches(FLOOR):
        return False, _below_floor(verdict)
    return True, ""


def _reproducible(actual, expected) -> tuple[bool, str]:
    _, verdict = _main(actual)
    if verdict.invalid:
        return False, _not_measured(verdict)
    try:
        first, second = (_network(r) for r in _records(actual)[1:])
    except _Invalid as exc:
        return False, f"on the first {N_REPEAT} public digits, {exc}"
    if not verdict.reaches(FLOOR):
        return False, _below_floor(verdict)
    advice = ("draw every random number from rng (never np.random.* or a generator of your own), "
              "and pass rng on to fit")
    if first.activation != second.activation or first.params.keys() != second.params.keys() or any(
            first.params[k].shape != second.params[k].shape for k in first.params):
        return False, f"two runs with generators of the same seed returned differently shaped networks: {advice}"
    probe = _probe()
    a, b = _scores(first, probe), _scores(second, probe)
    with np.errstate(all="ignore"):
        err = np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))
    err = np.where(np.isnan(err), np.inf, err)
    if np.all(err <= SAME_RTOL):
        return True, ""
    differ = int(np.count_nonzero(np.argmax(np.nan_to_num(a), 1) != np.argmax(np.nan_to_num(b), 1)))
    return False, (f"two runs with generators of the same seed gave different networks (relative difference "
                   f"of the scores up to {float(err.max()):.1e}, {differ} of {len(probe)} public validation "
                   f"predictions differ): {advice}")


SCENARIO = "train_capstone.runs"

FUNCTIONS = {
    "train_capstone": FunctionSpec(10, (
        Check("returns (params, activation): W_l of shape (fan_in, fan_out) from 64 inputs to 10 classes, "
              "finite, a valid activation name; inputs left unchanged", SCENARIO, _format, 0.5, False),
        *(Check(f"held-out accuracy of at least {bar:.3f}", SCENARIO, AccuracyBar(bar), 1.25, False) for bar in BARS),
        Check("the activation returned is the one the network works with (counts from 0.80 accuracy)",
              SCENARIO, _activation, 1, False),
        Check("two runs with generators of the same seed give the same network (counts from 0.80 accuracy)",
              SCENARIO, _reproducible, 1, False),
    ), (
        Mistake(RETURNS_FIT_RESULT, {"train_capstone": m.returns_fit_result}),
        Mistake(TRANSPOSED, {"train_capstone": m.transposed_weights}),
        Mistake(BATCHNORM_KEYS, {"train_capstone": m.batchnorm_not_folded}),
        Mistake(RETURNS_ARRAY, {"train_capstone": m.returns_probabilities}),
        Mistake(mismatch_message("tanh", "relu"), {"train_capstone": m.trained_tanh_says_relu}),
    )),
}
