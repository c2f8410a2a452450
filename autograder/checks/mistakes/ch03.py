"""Common wrong versions of the chapter 03 functions (layers, gradient checking, the MLP)."""
from __future__ import annotations

import numpy as np

from autograder.reference import (
    affine_backward, affine_forward, relu_backward, relu_forward, sigmoid_backward, sigmoid_forward,
    softmax_cross_entropy, tanh_backward, tanh_forward,
)

# --------------------------------------------------------------------------- affine


def affine_no_bias(x, W, b):
    x, W = np.asarray(x, float), np.asarray(W, float)
    return x @ W, (x, W)


def affine_transposed_weights(x, W, b):
    """x @ W.T: only runs when W is square, and then computes the wrong thing."""
    x, W = np.asarray(x, float), np.asarray(W, float)
    return x @ W.T + b, (x, W)


def affine_backward_divides_by_n(dout, cache):
    x, W = cache
    n = len(dout)
    return dout @ W.T, x.T @ dout / n, dout.sum(axis=0) / n


def affine_backward_db_wrong_axis(dout, cache):
    x, W = cache
    return dout @ W.T, x.T @ dout, dout.sum(axis=1)


def affine_backward_dw_transposed(dout, cache):
    x, W = cache
    return dout @ W.T, dout.T @ x, dout.sum(axis=0)


def affine_backward_dx_without_transpose(dout, cache):
    x, W = cache
    return dout @ W, x.T @ dout, dout.sum(axis=0)


# --------------------------------------------------------------------------- sigmoid and tanh


def sigmoid_naive(x):
    """1 / (1 + exp(-x)) literally: exp(-x) overflows for x below about -709."""
    out = 1 / (1 + np.exp(-np.asarray(x, float)))
    return out, out.copy()


def sigmoid_sign_slip(x):
    out = 1 / (1 + np.exp(np.asarray(x, float)))
    return out, out.copy()


def sigmoid_backward_without_one_minus(dout, cache):
    return np.asarray(dout, float) * cache


def sigmoid_backward_sigmoid_again(dout, cache):
    """Treats the cached output as the input and applies the sigmoid to it once more."""
    s = 1 / (1 + np.exp(-np.asarray(cache, float)))
    return np.asarray(dout, float) * s * (1 - s)


def sigmoid_backward_tanh_derivative(dout, cache):
    return np.asarray(dout, float) * (1 - cache**2)


def tanh_literal(x):
    """(e^x - e^-x) / (e^x + e^-x) literally: overflows for |x| above about 710."""
    x = np.asarray(x, float)
    out = (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
    return out, out.copy()


def tanh_from_sigmoid_without_doubling(x):
    """2 sigmoid(x) - 1, which is tanh(x / 2); the identity is tanh(x) = 2 sigmoid(2x) - 1."""
    out = np.tanh(np.asarray(x, float) / 2)
    return out, out.copy()


def tanh_backward_tanh_again(dout, cache):
    return np.asarray(dout, float) * (1 - np.tanh(cache) ** 2)


def tanh_backward_sigmoid_derivative(dout, cache):
    return np.asarray(dout, float) * cache * (1 - cache)


def tanh_backward_ignores_dout(dout, cache):
    return (1 - cache**2) * np.ones_like(np.asarray(dout, float))


# --------------------------------------------------------------------------- ReLU


def relu_column_max(x):
    """np.max(x, 0): the largest entry of each column, not the element-wise maximum."""
    x = np.asarray(x, float)
    return np.max(x, 0), x > 0


def relu_returns_mask(x):
    x = np.asarray(x, float)
    return (x > 0).astype(float), x > 0


def relu_forward_caching_x(x):
    x = np.asarray(x, float)
    return np.maximum(x, 0), x.copy()


def relu_backward_slope_one_at_zero(dout, cache):
    """Uses x >= 0: derivative 1 at exactly 0 (the API takes the x <= 0 branch there)."""
    return np.where(cache >= 0, np.asarray(dout, float), 0.0)


def relu_backward_ignores_dout(dout, cache):
    return np.asarray(cache, float) * np.ones_like(np.asarray(dout, float))


# --------------------------------------------------------------------------- numerical gradients


def numgrad_forward_difference(f, x, h=1e-5):
    xc = np.array(x, dtype=np.float64)
    grad = np.zeros_like(xc)
    f0 = f(xc.copy())
    for idx in np.ndindex(xc.shape):
        old = xc[idx]
        xc[idx] = old + h
        grad[idx] = (f(xc) - f0) / h
        xc[idx] = old
    return grad


def numgrad_divides_by_h(f, x, h=1e-5):
    xc = np.array(x, dtype=np.float64)
    grad = np.zeros_like(xc)
    for idx in np.ndindex(xc.shape):
        old = xc[idx]
        xc[idx] = old + h
        fp = f(xc)
        xc[idx] = old - h
        fm = f(xc)
        xc[idx] = old
        grad[idx] = (fp - fm) / h
    return grad


def numgrad_no_restore(f, x, h=1e-5):
    """Perturbs the caller's x in place and never puts the entries back."""
    x = np.asarray(x)
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        x[idx] += h
        fp = f(x)
        x[idx] -= 2 * h
        fm = f(x)
        grad[idx] = (fp - fm) / (2 * h)
    return grad


def numgrad_array_ignores_dout(f, x, dout, h=1e-5):
    xc = np.array(x, dtype=np.float64)
    grad = np.zeros_like(xc)
    for idx in np.ndindex(xc.shape):
        old = xc[idx]
        xc[idx] = old + h
        fp = np.array(f(xc), dtype=np.float64)
        xc[idx] = old - h
        fm = np.array(f(xc), dtype=np.float64)
        xc[idx] = old
        grad[idx] = np.sum(fp - fm) / (2 * h)
    return grad


def numgrad_array_forward_difference(f, x, dout, h=1e-5):
    xc = np.array(x, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    grad = np.zeros_like(xc)
    f0 = np.array(f(xc.copy()), dtype=np.float64)
    for idx in np.ndindex(xc.shape):
        old = xc[idx]
        xc[idx] = old + h
        grad[idx] = np.sum((np.array(f(xc), dtype=np.float64) - f0) * dout) / h
        xc[idx] = old
    return grad


def relative_error_no_floor(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))


def relative_error_mean(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.mean(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def relative_error_norms(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.linalg.norm(a - b) / max(1e-8, np.linalg.norm(a) + np.linalg.norm(b)))


# --------------------------------------------------------------------------- MLP

_LAYERS = {
    "relu": (relu_forward, relu_backward),
    "sigmoid": (sigmoid_forward, sigmoid_backward),
    "tanh": (tanh_forward, tanh_backward),
}


def _n_layers(params) -> int:
    n = 0
    while f"W{n + 1}" in params:
        n += 1
    return n


def _forward(params, X, activation, hidden_activation=True, output_activation=False):
    fwd = _LAYERS[activation][0]
    caches, a = [], X
    L = _n_layers(params)
    for l in range(1, L + 1):
        a, c_aff = affine_forward(a, params[f"W{l}"], params[f"b{l}"])
        c_act = None
        if (l < L and hidden_activation) or (l == L and output_activation):
            a, c_act = fwd(a)
        caches.append((c_aff, c_act))
    return a, caches


def mlp_forward_output_activation(params, X, activation="relu"):
    return _forward(params, X, activation, output_activation=True)[0]


def mlp_forward_always_relu(params, X, activation="relu"):
    return _forward(params, X, "relu")[0]


def mlp_forward_no_activation(params, X, activation="relu"):
    return _forward(params, X, activation, hidden_activation=False)[0]


def _mlp_loss(params, X, y, activation, l2, *, per_n=True, biases=False, grad_penalty=True, output_activation=False):
    bwd = _LAYERS[activation][1]
    scores, caches = _forward(params, X, activation, output_activation=output_activation)
    loss, d = softmax_cross_entropy(scores, y)
    grads = {}
    for l in range(_n_layers(params), 0, -1):
        c_aff, c_act = caches[l - 1]
        if c_act is not None:
            d = bwd(d, c_act)
        d, grads[f"W{l}"], grads[f"b{l}"] = affine_backward(d, c_aff)
    scale = l2 / len(X) if per_n else l2
    for key in params:
        if key.startswith("W") or biases:
            loss += scale / 2 * float(np.sum(params[key] ** 2))
            if grad_penalty:
                grads[key] = grads[key] + scale * params[key]
    return loss, grads


def mlp_loss_penalty_without_n(params, X, y, activation="relu", l2=0.0):
    return _mlp_loss(params, X, y, activation, l2, per_n=False)


def mlp_loss_penalty_on_biases(params, X, y, activation="relu", l2=0.0):
    return _mlp_loss(params, X, y, activation, l2, biases=True)


def mlp_loss_penalty_gradient_missing(params, X, y, activation="relu", l2=0.0):
    return _mlp_loss(params, X, y, activation, l2, grad_penalty=False)


def mlp_loss_output_activation(params, X, y, activation="relu", l2=0.0):
    return _mlp_loss(params, X, y, activation, l2, output_activation=True)
