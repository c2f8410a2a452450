"""Chapter 12 checks: the capstone is scored by what the returned network does on held-out
digits, whoever trained it and however.

Held-out accuracies are recomputed here without the grader's code: scikit-learn's digits,
the split rule documented in mlpkit.capstone (a fixed permutation, the first 1400 public,
standardised with their mean and population standard deviation) and a NumPy forward pass
written in this file.
"""
import math
import re

import numpy as np
import pytest
from sklearn.datasets import load_digits
from threadpoolctl import threadpool_limits

from autograder.checks.judges import FUNCTIONS
from autograder.checks.judges.ch12 import BARS, FLOOR
from autograder.checks.runner import scenario_seed
from autograder.reference import adam_step, iterate_minibatches, mlp_loss, xavier_normal
from autograder.training import reference_toolbox
from mlpkit.capstone import N_PUBLIC, ORDER_SEED
from mlpkit.trainer import MLPConfig, fit

from .support import grade_with

SPEC = FUNCTIONS["train_capstone"]
FORMAT, *BAR_CHECKS, ACTIVATION_CHECK, REPRODUCIBLE = (c.name for c in SPEC.checks)
SEED = scenario_seed("train_capstone.runs")  # the generator seed of the grader's main run


@pytest.fixture(autouse=True)
def one_blas_thread():
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _split():
    bunch = load_digits()
    order = np.random.default_rng(ORDER_SEED).permutation(len(bunch.target))
    X, y = bunch.data[order].astype(float), bunch.target[order].astype(np.int64)
    mean, std = X[:N_PUBLIC].mean(axis=0), X[:N_PUBLIC].std(axis=0)
    std[std == 0] = 1.0
    X = (X - mean) / std
    return X[:N_PUBLIC], y[:N_PUBLIC], X[N_PUBLIC:], y[N_PUBLIC:]


G = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "sigmoid": lambda z: 0.5 * (1 + np.tanh(z / 2))}


def heldout_accuracy(trainer) -> float:
    """Accuracy on the 397 held-out digits of ``trainer``'s network from the grader's main run."""
    X, y, X_held, y_held = _split()
    params, activation = trainer(X.copy(), y.copy(), np.random.default_rng(SEED))
    L = len(params) // 2
    a = X_held
    for l in range(1, L):
        a = G[activation](a @ params[f"W{l}"] + params[f"b{l}"])
    return float(np.mean(np.argmax(a @ params[f"W{L}"] + params[f"b{L}"], axis=1) == y_held))


def trainer(**changes):
    """A train_capstone built on the reference-bound trainer with some settings changed."""
    settings = {"layer_sizes": (64, 128, 10), "activation": "relu", "init": "he_normal", "optimizer": "adam",
                "lr": 2e-3, "batch_size": 32, "epochs": 30, "eval_train": False, **changes}

    def train_capstone(X_train, y_train, rng):
        config = MLPConfig(**settings)
        model, _ = fit(config, reference_toolbox(), X_train, y_train, rng=rng)
        return dict(model.params), config.activation

    return train_capstone


def loop_tanh_trainer(X_train, y_train, rng):
    """No trainer at all: two tanh hidden layers, mlp_loss with L2 and Adam in a plain loop."""
    sizes = (64, 64, 32, 10)
    params = {}
    for l in range(1, len(sizes)):
        params[f"W{l}"] = xavier_normal(sizes[l - 1], sizes[l], rng)
        params[f"b{l}"] = np.zeros(sizes[l])
    moments = {k: (np.zeros_like(v), np.zeros_like(v)) for k, v in params.items()}
    t = 0
    for _ in range(25):
        for X_batch, y_batch in iterate_minibatches(X_train, y_train, 50, rng):
            t += 1
            _, grads = mlp_loss(params, X_batch, y_batch, activation="tanh", l2=0.01)
            for k in params:
                params[k], m, v = adam_step(params[k], grads[k], *moments[k], t, lr=3e-3)
                moments[k] = (m, v)
    return params, "tanh"


def failed(report) -> list[str]:
    return [c.name for c in report.checks if not c.passed]


def message(report, name) -> str:
    return next(c.message for c in report.checks if c.name == name)


@pytest.mark.parametrize("fn", [
    loop_tanh_trainer,
    trainer(activation="sigmoid", init="xavier_normal"),
], ids=["hand-written-tanh-loop", "sigmoid-trainer"])
def test_other_correct_trainers_get_full_marks(fn):
    acc = heldout_accuracy(fn)
    assert acc >= 0.95, f"premise: this trainer reaches 0.95 held-out accuracy, got {acc:.4f}"
    report = grade_with("train_capstone", train_capstone=fn)
    assert report.earned == report.points, report.render_text()


def test_partial_credit_follows_the_heldout_accuracy_bar_by_bar():
    fn = trainer(optimizer="sgd", lr=0.01, epochs=5)
    acc = heldout_accuracy(fn)
    assert FLOOR < acc < BARS[-1], f"premise: a middling network between the floor and the top bar, got {acc:.4f}"
    report = grade_with("train_capstone", train_capstone=fn)
    reached = [bar for bar in BARS if acc >= bar]
    passed_bars = [name for name in BAR_CHECKS if name not in failed(report)]
    assert passed_bars == [f"held-out accuracy of at least {bar:.3f}" for bar in reached], report.render_text()
    assert 0 < len(reached) < len(BARS), "premise: some bars reached, some not"
    assert report.earned == pytest.approx(0.5 + 1.25 * len(reached) + 1 + 1), report.render_text()
    n_held = 1797 - N_PUBLIC
    first_missed = BAR_CHECKS[len(reached)]
    assert f"held-out accuracy {acc:.4f} ({round(acc * n_held)} of {n_held} digits)" in message(report, first_missed)
    assert f"the highest bar reached is {reached[-1]:.3f}" in message(report, first_missed)


def test_a_weak_trainer_earns_only_the_format_points():
    fn = trainer(lr=1e-5, epochs=1)
    acc = heldout_accuracy(fn)
    assert acc < FLOOR, f"premise: 1 epoch at lr 1e-5 learns almost nothing, got {acc:.4f}"
    report = grade_with("train_capstone", train_capstone=fn)
    assert failed(report) == [*BAR_CHECKS, ACTIVATION_CHECK, REPRODUCIBLE], report.render_text()
    assert report.earned == 0.5, report.render_text()
    for name in (ACTIVATION_CHECK, REPRODUCIBLE):
        assert "below the floor" in message(report, name), report.render_text()
    assert f"held-out accuracy {acc:.4f}" in message(report, BAR_CHECKS[0])


def test_a_non_reproducible_trainer_loses_only_the_reproducibility_check():
    # stands for np.random's global state: one stream shared by every call, so two calls
    # with generators of the same seed still draw different initial weights
    shared = np.random.RandomState(2024)
    good = trainer()

    def train_capstone(X_train, y_train, rng):
        return good(X_train, y_train, np.random.default_rng(shared.randint(2**31)))

    report = grade_with("train_capstone", train_capstone=train_capstone)
    assert failed(report) == [REPRODUCIBLE], report.render_text()
    assert report.earned == report.points - 1
    assert "differ" in message(report, REPRODUCIBLE) and "rng" in message(report, REPRODUCIBLE)


def test_shuffling_the_inputs_in_place_loses_only_the_format_check():
    good = trainer(epochs=20)

    def train_capstone(X_train, y_train, rng):
        order = rng.permutation(len(y_train))
        X_train[:] = X_train[order]
        y_train[:] = y_train[order]
        return good(X_train, y_train, rng)

    report = grade_with("train_capstone", train_capstone=train_capstone)
    assert failed(report) == [FORMAT], report.render_text()
    assert "modifies X_train or y_train in place" in message(report, FORMAT)


def _returning(value):
    def train_capstone(X_train, y_train, rng):
        return value

    return train_capstone


def _net(*sizes, fill=0.01):
    params = {}
    for l in range(1, len(sizes)):
        params[f"W{l}"] = np.full((sizes[l - 1], sizes[l]), fill)
        params[f"b{l}"] = np.zeros(sizes[l])
    return params


def _with(params, **changes):
    out = dict(params)
    for k, v in changes.items():
        if v is None:
            out.pop(k)
        else:
            out[k] = v
    return out


WRONG_STRUCTURES = {
    "a list of arrays": ([np.zeros((64, 10)), np.zeros(10)], "relu"),
    "params only": _net(64, 10),
    "missing b2": (_with(_net(64, 16, 10), b2=None), "relu"),
    "a gap in the layers": (_with(_net(64, 16, 10), W3=np.zeros((10, 10)), b3=np.zeros(10), W2=None, b2=None), "relu"),
    "9 outputs": (_net(64, 16, 9), "relu"),
    "63 inputs": (_net(63, 16, 10), "relu"),
    "a bias of the wrong size": (_with(_net(64, 16, 10), b1=np.zeros(15)), "relu"),
    "nan in W1": (_with(_net(64, 16, 10), W1=np.full((64, 16), np.nan)), "relu"),
    "an unknown activation": (_net(64, 16, 10), "ReLU"),
    "no activation": (_net(64, 16, 10), None),
    "strings for weights": ({"W1": "weights", "b1": np.zeros(10)}, "relu"),
}
MESSAGES = {
    "a list of arrays": "should be a dict of arrays but is a list of 2",
    "params only": "should return a tuple (params, activation) but returns a dict",
    "missing b2": "should hold exactly W1, b1, ..., WL, bL; it has keys ['W1', 'W2', 'b1']",
    "a gap in the layers": "should hold exactly W1, b1, ..., WL, bL",
    "9 outputs": "W2 has 9 columns, expected 10",
    "63 inputs": "W1 has shape (63, 16), expected (64, n_1)",
    "a bias of the wrong size": "b1 has shape (15,), expected (16,)",
    "nan in W1": "params['W1'] contains inf or nan",
    "an unknown activation": "should be one of 'relu', 'tanh', 'sigmoid', not 'ReLU'",
    "no activation": "should be one of 'relu', 'tanh', 'sigmoid', not None",
    "strings for weights": "params['W1'] should be an array of numbers but is a str",
}


@pytest.mark.parametrize("case", sorted(WRONG_STRUCTURES))
def test_a_wrong_structure_gets_zero_and_says_what_is_wrong(case):
    report = grade_with("train_capstone", train_capstone=_returning(WRONG_STRUCTURES[case]))
    assert report.earned == 0, report.render_text()
    assert MESSAGES[case] in message(report, FORMAT), report.render_text()
    assert all("not measured" in c.message for c in report.checks[1:]), report.render_text()


def test_an_error_in_training_is_reported_and_earns_nothing():
    def train_capstone(X_train, y_train, rng):
        raise ValueError("shapes (1400,64) and (32,10) not aligned")

    report = grade_with("train_capstone", train_capstone=train_capstone)
    assert report.earned == 0
    assert message(report, FORMAT) == "train_capstone raised ValueError: shapes (1400,64) and (32,10) not aligned"


def test_the_submission_sees_the_public_digits_and_nothing_else():
    seen = []

    def train_capstone(X_train, y_train, rng):
        seen.append((X_train.copy(), y_train.copy()))
        return _net(64, 10), "relu"

    grade_with("train_capstone", train_capstone=train_capstone)
    X, y, X_held, _ = _split()
    assert len(seen) == 3, "one run on the public digits, two on a subset of them"
    np.testing.assert_allclose(seen[0][0], X, atol=1e-12)
    np.testing.assert_array_equal(seen[0][1], y)
    held = {row.round(9).tobytes() for row in X_held}
    for X_seen, _ in seen:
        assert not {row.round(9).tobytes() for row in X_seen} & held, "a held-out image reached the submission"


def test_the_bars_are_reached_by_counting_digits_not_by_rounding():
    # 378 of 397 (0.95214) reaches 0.95, 377 (0.94962) does not: the bar needs ceil(0.95 * 397)
    assert math.ceil(0.95 * 397) == 378
    from autograder.checks.judges.ch12 import _Verdict

    assert _Verdict(correct=378, total=397).reaches(0.95)
    assert not _Verdict(correct=377, total=397).reaches(0.95)
    assert re.search(r"0\.9496 \(377 of 397 digits\); the highest bar reached is 0\.925",
                     _Verdict(correct=377, total=397).described())
