"""Common wrong versions of the capstone's ``train_capstone``.

Each trains with the trainer bound to the reference toolbox and then goes wrong the way
students do: handing back the trainer's objects, transposed weights, batch-norm
parameters that plain ``mlp_forward`` cannot use, predictions instead of parameters, or
the name of another activation than the one it trained with. The structural ones train
for a few epochs only: what they get wrong does not depend on how well they learnt.
"""
from __future__ import annotations

from mlpkit.trainer import MLPConfig, fit, predict_proba

from ...training import reference_toolbox


def _fit(X_train, y_train, rng, **changes):
    config = MLPConfig(**{
        "layer_sizes": (64, 128, 10), "activation": "relu", "init": "he_normal", "optimizer": "adam",
        "lr": 2e-3, "batch_size": 32, "epochs": 3, "eval_train": False, **changes,
    })
    model, history = fit(config, reference_toolbox(), X_train, y_train, rng=rng)
    return config, model, history


def returns_fit_result(X_train, y_train, rng):
    """Returns what ``fit`` returns, ``(model, history)``, instead of ``(params, activation)``."""
    _, model, history = _fit(X_train, y_train, rng)
    return model, history


def transposed_weights(X_train, y_train, rng):
    """Returns every W_l as (fan_out, fan_in)."""
    config, model, _ = _fit(X_train, y_train, rng)
    params = {k: (v.T.copy() if k.startswith("W") else v) for k, v in model.params.items()}
    return params, config.activation


def batchnorm_not_folded(X_train, y_train, rng):
    """Trains with batch norm and returns its gamma and beta next to W and b, unfolded."""
    config, model, _ = _fit(X_train, y_train, rng, batchnorm=True)
    return dict(model.params), config.activation


def returns_probabilities(X_train, y_train, rng):
    """Returns class probabilities of the training images instead of the parameters."""
    config, model, _ = _fit(X_train, y_train, rng)
    return predict_proba(model, reference_toolbox(), X_train), config.activation


def trained_tanh_says_relu(X_train, y_train, rng):
    """Trains a tanh network (30 epochs, a good one) but names 'relu' as its activation."""
    _, model, _ = _fit(X_train, y_train, rng, activation="tanh", init="xavier_normal", epochs=30)
    return dict(model.params), "relu"
