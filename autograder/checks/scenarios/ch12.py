"""Scenarios of chapter 12, the capstone: train on the public digits, hand back plain arrays.

The student's ``train_capstone`` runs here, in the submission's process, on public data
only: the 1400 public digits of :mod:`mlpkit.capstone`. What comes back is its return
value as plain data (the parameter arrays and the activation's name); the grader
computes every prediction itself, on held-out digits that never enter this process.
"""
from __future__ import annotations

import numpy as np

from mlpkit.capstone import load_capstone

from .common import call, lookup

__all__ = ["SCENARIOS", "N_REPEAT", "public_digits"]

#: Size of the public subset the reproducibility runs train on (cheaper than all 1400).
N_REPEAT = 400


def public_digits() -> tuple[np.ndarray, np.ndarray]:
    """All 1400 public digits, standardised, in the fixed order: ``(X (1400, 64), y (1400,))``.

    The training part of :func:`mlpkit.capstone.load_capstone` followed by its validation
    part, so a student's ``train_capstone`` sees every public example.
    """
    X_train, y_train, X_val, y_val = load_capstone()
    return np.concatenate([X_train, X_val]), np.concatenate([y_train, y_val])


def _train(fn, X, y, seed, label):
    """A :func:`common.call` record of ``fn(X, y, default_rng(seed))``, plus ``"types"``.

    ``"types"`` names the classes of the returned values (e.g. ``['MLPModel', 'History']``
    when the trainer's result is handed back as is). Objects other than arrays and
    scalars cannot cross to the grader, so their class names are the only trace left of
    them; they word a message and never decide a verdict.
    """
    record = call(fn, X, y, np.random.default_rng(seed), label=label, raw=True)
    value = record.pop("value", None)
    items = value if isinstance(value, (tuple, list)) else (value,)
    record["types"] = [type(v).__name__ for v in list(items)[:4]]
    return record


def _runs(ns, seed):
    """One run on all public digits, then two runs on a subset with generators of one seed.

    Returns ``{"calls": [main, repeat_1, repeat_2]}``, each a record from :func:`_train`
    whose ``out`` should be ``(params, activation)``.
    """
    fn = lookup(ns, "train_capstone")
    X, y = public_digits()
    main = _train(fn, X, y, seed, "the 1400 public digits")
    repeats = [_train(fn, X[:N_REPEAT], y[:N_REPEAT], seed + 1, f"the first {N_REPEAT} public digits (run {k})")
               for k in (1, 2)]
    return {"calls": [main, *repeats]}


SCENARIOS = {
    "train_capstone.runs": _runs,
}
