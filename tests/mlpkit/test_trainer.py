"""Tests for mlpkit.trainer, the generic MLP trainer (run here on the reference toolbox).

The trainer only wires course functions together, so most tests check the wiring
against something computed independently: the reference ``mlp_loss`` (chapter 03) for
one full-batch step, plain NumPy forward passes for evaluation mode, finite differences
for the gradients of the minibatch cost, and hand-derived running averages for batch
norm.
"""
import ast
import dataclasses
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from autograder import reference
from autograder.reference import mlp_loss
from autograder.training import reference_toolbox
from mlpkit import trainer
from mlpkit.data import make_moons, make_spirals
from mlpkit.gradcheck import check_gradient, numeric_grad
from mlpkit.trainer import (
    ACTIVATIONS,
    INITIALIZERS,
    History,
    MLPConfig,
    MLPModel,
    Toolbox,
    evaluate,
    fit,
    predict,
    predict_logits,
    predict_proba,
)

TRAINER_SOURCE = Path(trainer.__file__)


@pytest.fixture(autouse=True)
def _one_blas_thread():
    """Tiny matrices: extra BLAS threads only contend with the other tests for 2 cores."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@pytest.fixture(scope="module")
def tb():
    return reference_toolbox()


@pytest.fixture(scope="module")
def spirals():
    return make_spirals(np.random.default_rng(0), 300, 3, noise=0.2)


def _config(**changes):
    base = dict(layer_sizes=(2, 16, 16, 3), activation="relu", init="he_normal",
                optimizer="adam", lr=1e-2, batch_size=32, epochs=5)
    base.update(changes)
    return MLPConfig(**base)


def _same_arrays(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def _numpy_eval_forward(model, X, g):
    """Independent evaluation-mode forward pass: running statistics, no dropout."""
    cfg, p, s = model.config, model.params, model.bn_state
    a = X
    for l in range(1, cfg.n_layers):
        z = a @ p[f"W{l}"] + p[f"b{l}"]
        if cfg.batchnorm:
            z = p[f"gamma{l}"] * (z - s[f"running_mean{l}"]) / np.sqrt(s[f"running_var{l}"] + cfg.bn_eps) \
                + p[f"beta{l}"]
        a = g(z)
    L = cfg.n_layers
    return a @ p[f"W{L}"] + p[f"b{L}"]


# --------------------------------------------------------------------------- the toolkit stays clean


def test_trainer_does_not_import_autograder():
    tree = ast.parse(TRAINER_SOURCE.read_text(encoding="utf8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    offending = sorted(name for name in imported if name.split(".")[0] == "autograder")
    assert not offending, f"mlpkit/trainer.py imports {offending}: the student toolkit must not"
    assert "autograder" not in TRAINER_SOURCE.read_text(encoding="utf8"), \
        "mlpkit/trainer.py mentions autograder (e.g. a dynamic import)"


# --------------------------------------------------------------------------- the toolbox


def test_from_namespace_collects_functions_from_a_module_and_a_dict():
    from_module = Toolbox.from_namespace(reference)
    assert from_module.adam_step is reference.adam_step
    assert from_module.EarlyStopping is reference.EarlyStopping
    assert set(from_module.activations) == set(ACTIVATIONS), sorted(from_module.activations)
    assert from_module.activations["relu"] == (reference.relu_forward, reference.relu_backward)
    assert set(from_module.initializers) == set(INITIALIZERS)
    assert from_module.initializers["zeros"] is reference.zeros_init
    # a notebook's globals(): only what is defined, the rest stays None
    namespace = {"affine_forward": reference.affine_forward, "tanh_forward": reference.tanh_forward,
                 "tanh_backward": reference.tanh_backward, "relu_forward": reference.relu_forward,
                 "sgd_step": 3.0}
    partial = Toolbox.from_namespace(namespace)
    assert partial.affine_forward is reference.affine_forward
    assert partial.affine_backward is None and partial.sgd_step is None, "non-callables and absent names: None"
    assert set(partial.activations) == {"tanh"}, "relu has no backward in the namespace"


def test_toolbox_is_frozen_and_its_mappings_read_only(tb):
    with pytest.raises(dataclasses.FrozenInstanceError):
        tb.adam_step = None
    with pytest.raises(TypeError):
        tb.activations["relu"] = tb.activations["tanh"]
    replaced = tb.replace(adam_step=reference.sgd_step)
    assert replaced.adam_step is reference.sgd_step and tb.adam_step is reference.adam_step


def test_toolbox_rejects_non_callables():
    with pytest.raises(TypeError, match="adam_step"):
        Toolbox(adam_step=1.0)
    with pytest.raises(TypeError, match="relu"):
        Toolbox(activations={"relu": (reference.relu_forward,)})


def test_missing_functions_are_named(tb, spirals):
    s = spirals
    for missing, cfg in [
        ("adam_step", _config()),
        ("batchnorm_backward", _config(batchnorm=True)),
        ("dropout_forward", _config(dropout=0.5)),
        ("l2_penalty", _config(l2=1.0)),
        ("lr_time_decay", _config(lr_decay=0.5)),
    ]:
        with pytest.raises(ValueError, match=missing):
            fit(cfg, tb.replace(**{missing: None}), s.X_train, s.y_train, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="tanh"):
        fit(_config(activation="tanh"), tb.replace(activations={"relu": tb.activations["relu"]}),
            s.X_train, s.y_train, rng=np.random.default_rng(0))


def test_the_injected_functions_are_the_ones_called(tb, spirals):
    """Count calls through wrapped functions: the trainer computes nothing on its own."""
    calls = Counter()

    def counted(name, function):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)
        return wrapper

    names = ["affine_forward", "affine_backward", "softmax_cross_entropy", "adam_step",
             "iterate_minibatches", "l2_penalty"]
    counting = tb.replace(
        **{n: counted(n, getattr(tb, n)) for n in names},
        activations={"relu": (counted("relu_forward", tb.activations["relu"][0]),
                              counted("relu_backward", tb.activations["relu"][1]))},
    )
    s = spirals  # 180 training examples: batches of 32 -> ceil(180 / 32) = 6 per epoch
    epochs, batches, L = 3, 6, 3
    cfg = _config(epochs=epochs, l2=0.1, eval_train=False)
    fit(cfg, counting, s.X_train, s.y_train, rng=np.random.default_rng(0))
    steps = epochs * batches
    expected = {
        "iterate_minibatches": epochs,
        "affine_forward": L * steps, "affine_backward": L * steps,
        "relu_forward": (L - 1) * steps, "relu_backward": (L - 1) * steps,
        "softmax_cross_entropy": steps, "l2_penalty": steps,
        # W1 (2 x 16), b1, W2 (16 x 16), b2, W3 (16 x 3), b3 all have fewer than 4096
        # entries: one call per step updates their concatenation
        "adam_step": steps,
    }
    assert dict(calls) == expected, f"calls {dict(calls)} != expected {expected}"


# --------------------------------------------------------------------------- the maths of a step


def _sgd(w, dw, state, t):
    return reference.sgd_step(w, dw, 0.5), ()


def _momentum(w, dw, state, t):
    w, velocity = reference.momentum_step(w, dw, state[0], 0.1, beta=0.8)
    return w, (velocity,)


def _rmsprop(w, dw, state, t):
    w, cache = reference.rmsprop_step(w, dw, state[0], 1e-2, decay=0.9)
    return w, (cache,)


def _adam(w, dw, state, t):
    w, m, v = reference.adam_step(w, dw, state[0], state[1], t, lr=1e-2, beta1=0.8)
    return w, (m, v)


# optimizer -> (lr, optimizer_kwargs, the same step by hand: (w, dw, state, t) -> (w, state))
STEP_RULES = {
    "sgd": (0.5, {}, _sgd),
    "momentum": (0.1, {"beta": 0.8}, _momentum),
    "rmsprop": (1e-2, {"decay": 0.9}, _rmsprop),
    "adam": (1e-2, {"beta1": 0.8}, _adam),
}


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("optimizer", list(STEP_RULES))
def test_full_batch_training_follows_mlp_loss(tb, optimizer, activation):
    """With batch_size = N every epoch is one step on the gradient of the reference mlp_loss.

    mlp_loss (chapter 03) is an implementation independent of the trainer: the same cost,
    J = CE + l2 / (2N) sum ||W||^2, written out in one function. The manual loop applies
    the reference step rule to every array separately; the trainer updates W1 (64 x 70 =
    4480 entries) on its own and the four smaller arrays as one concatenated vector.
    """
    rng = np.random.default_rng(21)
    X, y = rng.standard_normal((40, 64)), rng.integers(0, 3, 40)
    lr, kwargs, rule = STEP_RULES[optimizer]
    cfg = MLPConfig(layer_sizes=(64, 70, 3), activation=activation, optimizer=optimizer, lr=lr,
                    optimizer_kwargs=kwargs, batch_size=40, epochs=3, l2=0.3)
    init, _ = fit(cfg.replace(epochs=0), tb, X, y, rng=np.random.default_rng(4))
    assert trainer._param_groups(init.params) == [["W1"], ["b1", "W2", "b2"]], "both kinds of update"
    model, history = fit(cfg, tb, X, y, rng=np.random.default_rng(4))
    n_slots = {"sgd": 0, "momentum": 1, "rmsprop": 1, "adam": 2}[optimizer]
    params = dict(init.params)
    state = {k: tuple(np.zeros_like(w) for _ in range(n_slots)) for k, w in params.items()}
    for t in range(1, 4):
        loss, grads = mlp_loss(params, X, y, activation=activation, l2=0.3)
        assert history.train_cost[t - 1] == pytest.approx(loss, rel=1e-12), f"cost of step {t} vs mlp_loss"
        for k in params:
            params[k], state[k] = rule(params[k], grads[k], state[k], t)
    for name, expected in params.items():
        # the one batch is a permutation of the training set: only the summation order differs
        np.testing.assert_allclose(model.params[name], expected, rtol=1e-10, atol=1e-13,
                                   err_msg=f"{name} after 3 full-batch {optimizer} steps")


def test_gradients_of_the_minibatch_cost_with_batchnorm_dropout_and_l2(tb, spirals):
    """Finite differences of the train-mode cost, the dropout mask fixed by a fresh rng copy."""
    s = spirals
    cfg = _config(activation="tanh", batchnorm=True, dropout=0.3, l2=0.7, layer_sizes=(2, 7, 5, 3))
    model, _ = fit(cfg.replace(epochs=1), tb, s.X_train, s.y_train, rng=np.random.default_rng(1))
    X, y = s.X_train[:23], s.y_train[:23]

    def cost_and_grads(params):
        cost, _, _, grads, _ = trainer._batch_loss_and_grads(
            cfg, tb, params, model.bn_state, X, y, np.random.default_rng(99))
        return cost, grads

    _, grads = cost_and_grads(model.params)
    assert grads.keys() == model.params.keys()
    for name, value in model.params.items():
        def f(v, name=name):
            return cost_and_grads({**model.params, name: v})[0]
        if name in ("b1", "b2"):
            # batch norm subtracts the batch mean right after these biases: the cost does
            # not depend on them, both gradients are 0 up to rounding (no relative error)
            numeric = numeric_grad(f, value)
            assert np.abs(grads[name]).max() < 1e-12 and np.abs(numeric).max() < 1e-8, name
            continue
        result = check_gradient(f, value, grads[name])
        assert result.max_rel_error < 1e-7, f"d cost / d {name}: relative error {result.max_rel_error:.2e}"


def test_l2_adds_exactly_its_penalty_to_the_minibatch_cost(tb, spirals):
    """With lr = 0 the weights never move, so the costs differ by l2 / (2B) sum ||W||^2 only."""
    s = spirals
    cfg = _config(lr=0.0, batch_size=30, epochs=2)  # 180 examples: six batches of B = 30
    lam = 2.5
    plain, h_plain = fit(cfg, tb, s.X_train, s.y_train, rng=np.random.default_rng(5))
    reg, h_reg = fit(cfg.replace(l2=lam), tb, s.X_train, s.y_train, rng=np.random.default_rng(5))
    assert _same_arrays(plain.params, reg.params), "lr = 0 must leave the weights at their initial values"
    squares = sum(float(np.sum(plain.params[f"W{l}"] ** 2)) for l in (1, 2, 3))
    expected = lam / (2 * 30) * squares  # by hand: every batch has B = 30 examples
    for epoch in range(2):
        gap = h_reg.train_cost[epoch] - h_plain.train_cost[epoch]
        assert gap == pytest.approx(expected, rel=1e-10), f"epoch {epoch}: cost gap {gap} vs penalty {expected}"
        assert gap > 0, "l2 must increase the minimised cost"
    # the data losses (cross-entropy, in the learning curves) are the same
    assert h_reg.train_loss == pytest.approx(h_plain.train_loss, rel=1e-12)


def test_l2_shrinks_the_weights(tb, spirals):
    s = spirals
    cfg = _config(epochs=30, lr=1e-2)
    plain, _ = fit(cfg, tb, s.X_train, s.y_train, rng=np.random.default_rng(2))
    reg, _ = fit(cfg.replace(l2=50.0), tb, s.X_train, s.y_train, rng=np.random.default_rng(2))
    for l in (1, 2, 3):
        n_plain, n_reg = np.linalg.norm(plain.params[f"W{l}"]), np.linalg.norm(reg.params[f"W{l}"])
        assert n_reg < 0.9 * n_plain, f"||W{l}||: {n_reg:.3f} with l2=50 vs {n_plain:.3f} without"


# --------------------------------------------------------------------------- history, determinism, purity


def test_history_has_one_entry_per_epoch(tb, spirals):
    s = spirals
    model, h = fit(_config(epochs=7), tb, s.X_train, s.y_train, s.X_val, s.y_val, np.random.default_rng(0))
    assert isinstance(h, History) and isinstance(model, MLPModel)
    for name in ("train_loss", "train_acc", "val_loss", "val_acc", "train_cost", "lr"):
        values = getattr(h, name)
        assert len(values) == 7, f"history.{name} has {len(values)} entries, expected 7"
        assert all(np.isfinite(values)), f"history.{name} not finite: {values}"
    assert h.n_epochs == 7 and h.best_epoch is None and h.stopped_epoch is None
    assert all(0.0 <= a <= 1.0 for a in h.train_acc + h.val_acc)
    assert set(h.curves()) == {"train_loss", "train_acc", "val_loss", "val_acc", "train_cost", "lr"}
    # the last entries describe the returned model
    ev_train = evaluate(model, tb, s.X_train, s.y_train)
    ev_val = evaluate(model, tb, s.X_val, s.y_val)
    assert (h.train_loss[-1], h.train_acc[-1]) == pytest.approx((ev_train["loss"], ev_train["accuracy"]), rel=1e-12)
    assert (h.val_loss[-1], h.val_acc[-1]) == pytest.approx((ev_val["loss"], ev_val["accuracy"]), rel=1e-12)

    _, h2 = fit(_config(epochs=4), tb, s.X_train, s.y_train, rng=np.random.default_rng(0))
    assert h2.val_loss == [] and h2.val_acc == [], "no validation set: empty validation curves"
    assert len(h2.train_loss) == 4 and "val_loss" not in h2.curves()


def test_running_train_metrics(tb, spirals):
    s = spirals
    _, h = fit(_config(epochs=3, eval_train=False), tb, s.X_train, s.y_train, rng=np.random.default_rng(0))
    assert len(h.train_loss) == 3 and all(np.isfinite(h.train_loss))
    # without L2 the minimised cost is the cross-entropy itself
    assert h.train_loss == pytest.approx(h.train_cost, rel=1e-12)


def test_epochs_zero_returns_the_initial_model(tb, spirals):
    s = spirals
    model, h = fit(_config(epochs=0), tb, s.X_train, s.y_train, rng=np.random.default_rng(3))
    expected = reference.init_mlp_params([2, 16, 16, 3], "he_normal", np.random.default_rng(3))
    assert _same_arrays(model.params, expected), "epochs=0: params straight from init_mlp_params"
    assert h.n_epochs == 0 and model.opt_state["step"] == 0


def test_initializers_used_when_init_mlp_params_is_absent(tb, spirals):
    s = spirals
    cfg = _config(epochs=0, init="xavier_uniform")
    with_init, _ = fit(cfg, tb, s.X_train, s.y_train, rng=np.random.default_rng(8))
    layerwise, _ = fit(cfg, tb.replace(init_mlp_params=None), s.X_train, s.y_train, rng=np.random.default_rng(8))
    # init_mlp_params draws layer after layer with the same initializer: the same numbers
    assert _same_arrays(with_init.params, layerwise.params)
    zeros, _ = fit(cfg.replace(init="zeros"), tb.replace(init_mlp_params=None), s.X_train, s.y_train,
                   rng=np.random.default_rng(8))
    assert all(not v.any() for v in zeros.params.values())


@pytest.mark.parametrize("extra", [{}, {"batchnorm": True, "dropout": 0.2, "optimizer": "momentum", "l2": 0.1}],
                         ids=["plain", "bn-dropout-momentum"])
def test_same_seed_same_model(tb, spirals, extra):
    s = spirals
    cfg = _config(**extra)
    runs = [fit(cfg, tb, s.X_train, s.y_train, s.X_val, s.y_val, np.random.default_rng(11)) for _ in range(2)]
    (m1, h1), (m2, h2) = runs
    assert _same_arrays(m1.params, m2.params), "two runs with the same seed gave different params"
    assert _same_arrays(m1.bn_state, m2.bn_state)
    assert h1.curves() == h2.curves(), "two runs with the same seed gave different learning curves"
    m3, _ = fit(cfg, tb, s.X_train, s.y_train, s.X_val, s.y_val, np.random.default_rng(12))
    assert not np.array_equal(m1.params["W1"], m3.params["W1"]), "a different seed should change the model"


def test_inputs_are_not_modified(tb, spirals):
    s = spirals
    arrays = [s.X_train, s.y_train, s.X_val, s.y_val]
    before = [a.copy() for a in arrays]
    cfg = _config(batchnorm=True, dropout=0.3, l2=0.1, patience=2, epochs=4)
    model, _ = fit(cfg, tb, *arrays, np.random.default_rng(0))
    params = {k: v.copy() for k, v in model.params.items()}
    predict_proba(model, tb, s.X_test)
    evaluate(model, tb, s.X_val, s.y_val)
    for a, b in zip(arrays, before):
        np.testing.assert_array_equal(a, b, err_msg="fit modified its input data")
    assert _same_arrays(model.params, params), "prediction modified the model's params"


# --------------------------------------------------------------------------- optimizers and schedules


@pytest.mark.parametrize("optimizer, lr", [("sgd", 0.3), ("momentum", 0.05), ("rmsprop", 3e-3), ("adam", 1e-2)])
def test_each_optimizer_reduces_the_training_loss(tb, spirals, optimizer, lr):
    s = spirals
    cfg = _config(optimizer=optimizer, lr=lr, epochs=40)
    init, _ = fit(cfg.replace(epochs=0), tb, s.X_train, s.y_train, rng=np.random.default_rng(6))
    start = evaluate(init, tb, s.X_train, s.y_train)["loss"]
    model, h = fit(cfg, tb, s.X_train, s.y_train, rng=np.random.default_rng(6))
    assert h.train_loss[-1] < 0.5 * start, f"{optimizer}: training loss {start:.3f} -> {h.train_loss[-1]:.3f}"
    assert model.opt_state["step"] == 40 * 6
    slots = {"sgd": set(), "momentum": {"velocity"}, "rmsprop": {"cache"}, "adam": {"m", "v"}}[optimizer]
    assert set(model.opt_state) == {"step"} | slots
    for slot in slots:
        assert model.opt_state[slot].keys() == model.params.keys()


def test_optimizer_kwargs_reach_the_step_function(tb, spirals):
    """Momentum with beta = 0 is plain SGD: the same weights, step for step."""
    s = spirals
    cfg = _config(lr=0.1, epochs=2)
    sgd, _ = fit(cfg.replace(optimizer="sgd"), tb, s.X_train, s.y_train, rng=np.random.default_rng(9))
    mom, _ = fit(cfg.replace(optimizer="momentum", optimizer_kwargs={"beta": 0.0}), tb, s.X_train, s.y_train,
                 rng=np.random.default_rng(9))
    for name in sgd.params:
        np.testing.assert_allclose(mom.params[name], sgd.params[name], rtol=1e-12, atol=1e-14, err_msg=name)


def test_lr_decay_schedule(tb, spirals):
    s = spirals
    _, h = fit(_config(lr=0.2, lr_decay=0.5, epochs=4), tb, s.X_train, s.y_train, rng=np.random.default_rng(0))
    # inverse-time decay by hand: 0.2 / (1 + 0.5 e) for e = 0, 1, 2, 3
    assert h.lr == pytest.approx([0.2, 0.2 / 1.5, 0.1, 0.2 / 2.5], rel=1e-15)


# --------------------------------------------------------------------------- early stopping


def test_early_stopping_restores_the_best_epoch(tb):
    """A noisy 2-D problem and a large network overfit: the validation loss turns up."""
    s = make_moons(np.random.default_rng(0), 200, noise=0.35)
    cfg = MLPConfig(layer_sizes=(2, 64, 64, 2), optimizer="adam", lr=1e-2, batch_size=16, epochs=200,
                    patience=5, batchnorm=True)
    model, h = fit(cfg, tb, s.X_train, s.y_train, s.X_val, s.y_val, np.random.default_rng(0))
    assert h.stopped_epoch is not None, "this configuration should stop early"
    best = h.best_epoch
    assert h.stopped_epoch == best + cfg.patience, (h.best_epoch, h.stopped_epoch)
    assert h.n_epochs == h.stopped_epoch + 1
    assert h.val_loss[best] == min(h.val_loss)
    # the returned model is the model after epoch `best`: re-train just that long
    again, _ = fit(cfg.replace(epochs=best + 1, patience=None), tb, s.X_train, s.y_train, s.X_val, s.y_val,
                   np.random.default_rng(0))
    assert _same_arrays(model.params, again.params), "params are not those of the best epoch"
    assert _same_arrays(model.bn_state, again.bn_state), "batch-norm statistics are not those of the best epoch"
    assert evaluate(model, tb, s.X_val, s.y_val)["loss"] == pytest.approx(h.val_loss[best], rel=1e-12)


def test_early_stopping_needs_a_validation_set(tb, spirals):
    with pytest.raises(ValueError, match="validation"):
        fit(_config(patience=3), tb, spirals.X_train, spirals.y_train, rng=np.random.default_rng(0))


# --------------------------------------------------------------------------- evaluation mode


def test_batchnorm_running_statistics_by_hand(tb, spirals):
    """lr = 0 and one full batch per epoch: every epoch sees the same batch statistics.

    After E epochs of running averages with momentum 0.1 from (0, 1):
    mean = (1 - 0.9^E) mu, var = 0.9^E + (1 - 0.9^E) var_unbiased.
    """
    s = spirals
    n = len(s.X_train)
    cfg = _config(batchnorm=True, lr=0.0, batch_size=n, epochs=3)
    model, _ = fit(cfg, tb, s.X_train, s.y_train, rng=np.random.default_rng(0))
    z1 = s.X_train @ model.params["W1"] + model.params["b1"]
    mu, var_unbiased = z1.mean(axis=0), z1.var(axis=0, ddof=1)
    w = 1 - 0.9 ** 3
    np.testing.assert_allclose(model.bn_state["running_mean1"], w * mu, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(model.bn_state["running_var1"], 0.9 ** 3 + w * var_unbiased, rtol=1e-10)


def test_batchnorm_predictions_use_running_statistics(tb, spirals):
    s = spirals
    model, _ = fit(_config(batchnorm=True, epochs=10), tb, s.X_train, s.y_train, rng=np.random.default_rng(0))
    assert not np.allclose(model.bn_state["running_mean1"], 0.0), "running statistics were never updated"
    logits = predict_logits(model, tb, s.X_test)
    expected = _numpy_eval_forward(model, s.X_test, lambda z: np.maximum(z, 0))
    np.testing.assert_allclose(logits, expected, rtol=1e-10, atol=1e-12,
                               err_msg="eval-mode logits vs NumPy forward with the running statistics")
    # batch statistics would make a row depend on its batch; one example at a time must agree
    one_by_one = np.concatenate([predict_logits(model, tb, s.X_test[i:i + 1]) for i in range(5)])
    np.testing.assert_allclose(one_by_one, logits[:5], rtol=1e-12, atol=1e-12)


def test_batchnorm_skips_a_last_batch_of_one(tb, spirals):
    s = spirals
    X, y = s.X_train[:65], s.y_train[:65]  # batches of 32, 32 and 1
    model, h = fit(_config(batchnorm=True, epochs=2), tb, X, y, rng=np.random.default_rng(0))
    assert model.opt_state["step"] == 2 * 2, "two usable batches per epoch"
    assert np.all(np.isfinite(h.train_cost))


def test_dropout_is_off_at_prediction_time(tb, spirals):
    s = spirals
    cfg = _config(dropout=0.5, epochs=5)
    model, _ = fit(cfg, tb, s.X_train, s.y_train, rng=np.random.default_rng(0))
    logits = predict_logits(model, tb, s.X_test)
    np.testing.assert_array_equal(logits, predict_logits(model, tb, s.X_test), err_msg="prediction is random")
    expected = _numpy_eval_forward(model, s.X_test, lambda z: np.maximum(z, 0))
    np.testing.assert_allclose(logits, expected, rtol=1e-10, atol=1e-12,
                               err_msg="eval-mode logits vs NumPy forward without dropout")
    # ... while training does use it: the same seed without dropout trains another model
    plain, _ = fit(cfg.replace(dropout=0.0), tb, s.X_train, s.y_train, rng=np.random.default_rng(0))
    assert not np.allclose(plain.params["W1"], model.params["W1"])


def test_predict_and_predict_proba(tb, spirals):
    s = spirals
    model, _ = fit(_config(epochs=10), tb, s.X_train, s.y_train, rng=np.random.default_rng(0))
    proba = predict_proba(model, tb, s.X_test)
    assert proba.shape == (len(s.X_test), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    labels = predict(model, tb, s.X_test)
    assert labels.dtype == np.int64 and labels.shape == (len(s.X_test),)
    np.testing.assert_array_equal(labels, proba.argmax(axis=1))
    assert evaluate(model, tb, s.X_test, s.y_test)["accuracy"] == pytest.approx(np.mean(labels == s.y_test))
    # evaluation in chunks: a set larger than one chunk gives the same scores as row by row
    big = np.repeat(s.X_test, 20, axis=0)  # 1200 rows > _EVAL_CHUNK
    np.testing.assert_allclose(predict_logits(model, tb, big),
                               np.repeat(predict_logits(model, tb, s.X_test), 20, axis=0), rtol=1e-12, atol=1e-12)
    assert predict_logits(model, tb, np.empty((0, 2))).shape == (0, 3)


# --------------------------------------------------------------------------- argument checking


@pytest.mark.parametrize("changes, message", [
    ({"layer_sizes": (2,)}, "layer_sizes"),
    ({"layer_sizes": (2, 0, 3)}, "layer_sizes"),
    ({"init": "glorot"}, "init"),
    ({"optimizer": "adagrad"}, "optimizer"),
    ({"dropout": 1.0}, "dropout"),
    ({"batch_size": 0}, "batch_size"),
    ({"epochs": -1}, "epochs"),
    ({"patience": 0}, "patience"),
    ({"l2": -1.0}, "l2"),
])
def test_config_rejects_bad_values(changes, message):
    with pytest.raises(ValueError, match=message):
        _config(**changes)


def test_fit_rejects_bad_data_and_rng(tb, spirals):
    s = spirals
    cfg = _config()
    with pytest.raises(TypeError, match="default_rng"):
        fit(cfg, tb, s.X_train, s.y_train, rng=0)
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        fit(cfg, tb, s.X_train[:, :1], s.y_train, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="0 .. 2"):
        fit(cfg, tb, s.X_train, s.y_train + 1, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="integer"):
        fit(cfg, tb, s.X_train, s.y_train.astype(float), rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="both"):
        fit(cfg, tb, s.X_train, s.y_train, s.X_val, None, np.random.default_rng(0))
