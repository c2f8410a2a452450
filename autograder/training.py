"""The course's MLP trainer bound to the reference implementations.

:mod:`mlpkit.trainer` runs on whatever course functions it is given (students pass
their own in the capstone). Here it is bound to :mod:`autograder.reference`, the ground
truth, for the book, the benchmark and the instructor's tools::

    from autograder.training import train_mlp
    from mlpkit.trainer import MLPConfig

    config = MLPConfig(layer_sizes=(64, 128, 128, 10), init="he_normal",
                       activation="relu", optimizer="adam", lr=1e-3, epochs=20)
    model, history = train_mlp(config, X_train, y_train, X_val, y_val, rng)
"""
from __future__ import annotations

from functools import lru_cache

from mlpkit.trainer import History, MLPConfig, MLPModel, Toolbox, evaluate, fit, predict

from . import reference

__all__ = ["reference_toolbox", "train_mlp", "predict_mlp", "evaluate_mlp"]


@lru_cache(maxsize=1)
def reference_toolbox() -> Toolbox:
    """The :class:`~mlpkit.trainer.Toolbox` of every course function in :mod:`autograder.reference`.

    Returns
    -------
    Toolbox
        Frozen, with read-only mappings, so one shared instance is safe.
    """
    return Toolbox.from_namespace(reference)


def train_mlp(config: MLPConfig, X_train, y_train, X_val=None, y_val=None, rng=None) -> tuple[MLPModel, History]:
    """:func:`mlpkit.trainer.fit` with the reference toolbox.

    Parameters
    ----------
    config : MLPConfig
    X_train : array_like, shape (N, D)
    y_train : array_like of int, shape (N,)
    X_val, y_val : array_like, shapes (N_val, D) and (N_val,), optional
    rng : numpy.random.Generator

    Returns
    -------
    model : MLPModel
    history : History
    """
    return fit(config, reference_toolbox(), X_train, y_train, X_val, y_val, rng)


def predict_mlp(model: MLPModel, X):
    """:func:`mlpkit.trainer.predict` with the reference toolbox: classes, shape ``(N,)``."""
    return predict(model, reference_toolbox(), X)


def evaluate_mlp(model: MLPModel, X, y) -> dict:
    """:func:`mlpkit.trainer.evaluate` with the reference toolbox: ``{'loss', 'accuracy'}``."""
    return evaluate(model, reference_toolbox(), X, y)
