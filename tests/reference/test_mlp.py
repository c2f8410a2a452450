"""The MLP of chapter 03: forward pass, regularised loss, backpropagated gradients."""
import numpy as np
import pytest
from scipy.special import expit, log_softmax

from autograder.reference.mlp import mlp_forward, mlp_loss
from mlpkit.gradcheck import check_gradient

ACTIVATIONS = {"relu": lambda z: np.maximum(z, 0), "sigmoid": expit, "tanh": np.tanh}


def _params(sizes, rng, scale=1.0):
    params = {}
    for l, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{l}"] = rng.normal(scale=scale / np.sqrt(fan_in), size=(fan_in, fan_out))
        params[f"b{l}"] = rng.normal(scale=0.1, size=fan_out)
    return params


def _plain_forward(params, X, g):
    """Independent NumPy forward pass; returns scores and the hidden pre-activations."""
    L = len(params) // 2
    a, pre = X, []
    for l in range(1, L):
        z = a @ params[f"W{l}"] + params[f"b{l}"]
        pre.append(z)
        a = g(z)
    return a @ params[f"W{L}"] + params[f"b{L}"], pre


def test_forward_hand_worked():
    # x = [1, -1]; z1 = x @ W1 = [1 - 3, 2 + 1] = [-2, 3]; relu -> [0, 3];
    # scores = 0 * 1 + 3 * 2 + 0.5 = 6.5. With sigmoid: 2 * sigma(3) + sigma(-2) + 0.5.
    params = {
        "W1": np.array([[1.0, 2.0], [3.0, -1.0]]),
        "b1": np.zeros(2),
        "W2": np.array([[1.0], [2.0]]),
        "b2": np.array([0.5]),
    }
    X = np.array([[1.0, -1.0]])
    np.testing.assert_allclose(mlp_forward(params, X), [[6.5]])
    np.testing.assert_allclose(mlp_forward(params, X, "sigmoid"), [[expit(-2) + 2 * expit(3) + 0.5]])
    np.testing.assert_allclose(mlp_forward(params, X, "tanh"), [[np.tanh(-2) + 2 * np.tanh(3) + 0.5]])


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_forward_matches_plain_numpy(activation):
    rng = np.random.default_rng(0)
    params = _params([4, 6, 5, 3], rng)
    X = rng.normal(size=(7, 4))
    expected, _ = _plain_forward(params, X, ACTIVATIONS[activation])
    np.testing.assert_allclose(mlp_forward(params, X, activation), expected, rtol=1e-13, atol=1e-15)


def test_single_layer_is_affine_only():
    rng = np.random.default_rng(1)
    params = _params([3, 4], rng)
    X = rng.normal(size=(5, 3))
    np.testing.assert_allclose(mlp_forward(params, X), X @ params["W1"] + params["b1"], rtol=1e-14)


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_loss_is_cross_entropy_plus_weight_penalty(activation):
    rng = np.random.default_rng(2)
    params = _params([4, 6, 3], rng)
    X = rng.normal(size=(8, 4))
    y = rng.integers(0, 3, size=8)
    scores, _ = _plain_forward(params, X, ACTIVATIONS[activation])
    ce = -log_softmax(scores, axis=1)[np.arange(8), y].mean()
    penalty = 0.3 / (2 * 8) * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))  # no biases
    loss, _ = mlp_loss(params, X, y, activation, l2=0.3)
    assert loss == pytest.approx(ce + penalty, rel=1e-12), "cross-entropy + l2 / (2N) sum ||W||^2"
    assert mlp_loss(params, X, y, activation)[0] == pytest.approx(ce, rel=1e-12), "l2 defaults to 0"


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_gradients_match_finite_differences(activation):
    # Two hidden layers, all three activations, l2 > 0. The finite-difference check is
    # meaningful only on well-conditioned data, asserted below rather than assumed:
    # - every analytic gradient entry is >= 1e-3 in size: with step h = 1e-5 the rounding
    #   noise of the centred difference is about 1e-16 * |J| / h ~ 1e-11, which is then
    #   < 1e-8 of each entry (an entry that is 0 up to cancellation cannot be checked to
    #   a relative 1e-7 by any finite difference);
    # - for ReLU, every hidden pre-activation is >= 1e-3 away from the kink, while one
    #   step h moves it by at most about 1e-4.
    rng = np.random.default_rng(1)
    params = _params([3, 4, 4, 3], rng, scale=2.0)
    X = rng.normal(size=(4, 3))
    y = np.array([0, 1, 2, 0])
    l2 = 0.7
    _, grads = mlp_loss(params, X, y, activation, l2=l2)
    assert set(grads) == set(params), "grads must be keyed like params"
    assert min(np.abs(g).min() for g in grads.values()) > 1e-3, "test data: a gradient entry is nearly 0"
    if activation == "relu":
        _, pre = _plain_forward(params, X, ACTIVATIONS["relu"])
        assert min(np.abs(z).min() for z in pre) > 1e-3, "test data too close to a ReLU kink"
    for key, value in params.items():
        assert grads[key].shape == value.shape, f"{key}: {grads[key].shape} vs {value.shape}"

        def f(v, key=key):
            return mlp_loss({**params, key: v}, X, y, activation, l2=l2)[0]

        result = check_gradient(f, value, grads[key], h=1e-5)
        assert result.max_rel_error < 1e-7, f"{activation} {key}: {result}"


def test_bias_gradients_carry_no_penalty():
    rng = np.random.default_rng(4)
    params = _params([3, 4, 2], rng)
    X = rng.normal(size=(5, 3))
    y = rng.integers(0, 2, size=5)
    _, g0 = mlp_loss(params, X, y, "tanh", l2=0.0)
    _, g1 = mlp_loss(params, X, y, "tanh", l2=2.0)
    for l in (1, 2):
        np.testing.assert_allclose(g1[f"b{l}"], g0[f"b{l}"], rtol=1e-14, err_msg=f"b{l}")
        np.testing.assert_allclose(g1[f"W{l}"] - g0[f"W{l}"], 2.0 / 5 * params[f"W{l}"], rtol=1e-10, atol=1e-15)


def test_purity():
    rng = np.random.default_rng(5)
    params = _params([3, 4, 2], rng)
    originals = {k: v.copy() for k, v in params.items()}
    X = rng.normal(size=(5, 3))
    X0 = X.copy()
    y = rng.integers(0, 2, size=5)
    _, grads = mlp_loss(params, X, y, "relu", l2=0.5)
    scores = mlp_forward(params, X)
    assert set(params) == set(originals), "params dict changed"
    for k in params:
        np.testing.assert_array_equal(params[k], originals[k], err_msg=f"{k} modified")
        assert not np.shares_memory(grads[k], params[k]), f"grads[{k}] aliases params[{k}]"
    np.testing.assert_array_equal(X, X0)
    assert not np.shares_memory(scores, X)


def test_float32_network_gives_float32_gradients():
    rng = np.random.default_rng(6)
    params = {k: v.astype(np.float32) for k, v in _params([3, 4, 2], rng).items()}
    X = rng.normal(size=(5, 3)).astype(np.float32)
    loss, grads = mlp_loss(params, X, np.array([0, 1, 0, 1, 1]), "sigmoid", l2=0.1)
    assert isinstance(loss, float)
    assert all(g.dtype == np.float32 for g in grads.values()), {k: g.dtype for k, g in grads.items()}


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_huge_inputs_give_finite_loss_and_gradients(activation):
    rng = np.random.default_rng(7)
    params = _params([3, 4, 3], rng)
    X = rng.normal(scale=1e4, size=(5, 3))
    with np.errstate(all="raise"):
        loss, grads = mlp_loss(params, X, np.array([0, 1, 2, 0, 1]), activation, l2=0.1)
    assert np.isfinite(loss) and all(np.all(np.isfinite(g)) for g in grads.values())


def test_invalid_arguments():
    params = _params([2, 2], np.random.default_rng(8))
    with pytest.raises(ValueError):
        mlp_forward(params, np.ones((1, 2)), activation="softplus")
    with pytest.raises(ValueError):
        mlp_forward({"W1": params["W1"]}, np.ones((1, 2)))  # b1 missing
    with pytest.raises(ValueError):
        mlp_forward({}, np.ones((1, 2)))
