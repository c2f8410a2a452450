"""A multilayer perceptron assembled from the layer, activation and loss functions (chapter 03)."""
from .activations import (
    relu_backward,
    relu_forward,
    sigmoid_backward,
    sigmoid_forward,
    tanh_backward,
    tanh_forward,
)
from .layers import affine_backward, affine_forward
from .losses import softmax_cross_entropy

__all__ = ["mlp_forward", "mlp_loss"]


def _num_layers(params):
    """Number L of affine layers: the keys W1 .. WL (with b1 .. bL) present in ``params``."""
    n_layers = 0
    while f"W{n_layers + 1}" in params:
        n_layers += 1
    if n_layers == 0 or any(f"b{l}" not in params for l in range(1, n_layers + 1)):
        raise ValueError("params must hold W1, b1, ..., WL, bL with L >= 1")
    return n_layers


def _activation_layer(activation):
    """The (forward, backward) functions of a hidden activation named ``activation``."""
    layers = {
        "relu": (relu_forward, relu_backward),
        "sigmoid": (sigmoid_forward, sigmoid_backward),
        "tanh": (tanh_forward, tanh_backward),
    }
    if activation not in layers:
        raise ValueError(f"activation must be one of {sorted(layers)}, got {activation!r}")
    return layers[activation]


def mlp_forward(params, X, activation="relu"):
    """Scores of a fully connected network.

    Parameters
    ----------
    params : dict of ndarray
        'W1', 'b1', ..., 'WL', 'bL': W_l of shape (n_{l-1}, n_l), b_l of shape (n_l,),
        with n_0 = D and n_L = C. L is the number of W keys.
    X : array_like, shape (N, D)
        Inputs.
    activation : {'relu', 'sigmoid', 'tanh'}
        Activation g of the hidden layers.

    Returns
    -------
    scores : ndarray, shape (N, C)
        A_0 = X, A_l = g(A_{l-1} @ W_l + b_l) for l < L, and the scores
        A_{L-1} @ W_L + b_L: the last layer is affine only (no activation).

    Notes
    -----
    The scores are logits: the softmax is applied by the loss, not here.
    """
    n_layers = _num_layers(params)
    act_forward, _ = _activation_layer(activation)
    a = X
    for l in range(1, n_layers):
        z, _ = affine_forward(a, params[f"W{l}"], params[f"b{l}"])
        a, _ = act_forward(z)
    scores, _ = affine_forward(a, params[f"W{n_layers}"], params[f"b{n_layers}"])
    return scores


def mlp_loss(params, X, y, activation="relu", l2=0.0):
    """Regularised softmax cross-entropy of an MLP, and its gradients by backpropagation.

    Parameters
    ----------
    params : dict of ndarray
        'W1', 'b1', ..., 'WL', 'bL' as in ``mlp_forward``.
    X : array_like, shape (N, D)
        Inputs.
    y : array_like of int, shape (N,)
        Class indices in 0 .. C - 1.
    activation : {'relu', 'sigmoid', 'tanh'}
        Activation of the hidden layers.
    l2 : float
        L2 regularisation strength lambda.

    Returns
    -------
    loss : float
        J = (1 / N) sum_i -log softmax(scores_i)[y_i] + l2 / (2 N) sum_l ||W_l||_F^2.
    grads : dict of ndarray
        dJ/dparam for every key of ``params``, same shapes; the weight gradients
        include the penalty term l2 / N * W_l.

    Notes
    -----
    The forward pass keeps every layer's cache; the backward pass visits the layers
    in reverse order, feeding each layer's dx to the layer below as its dout. The
    penalty covers the weights only, not the biases.
    """
    n_layers = _num_layers(params)
    act_forward, act_backward = _activation_layer(activation)
    n = len(X)
    caches = []
    a = X
    for l in range(1, n_layers):
        z, affine_cache = affine_forward(a, params[f"W{l}"], params[f"b{l}"])
        a, act_cache = act_forward(z)
        caches.append((affine_cache, act_cache))
    scores, last_cache = affine_forward(a, params[f"W{n_layers}"], params[f"b{n_layers}"])
    loss, dscores = softmax_cross_entropy(scores, y)

    grads = {}
    da, grads[f"W{n_layers}"], grads[f"b{n_layers}"] = affine_backward(dscores, last_cache)
    for l in range(n_layers - 1, 0, -1):
        affine_cache, act_cache = caches[l - 1]
        dz = act_backward(da, act_cache)
        da, grads[f"W{l}"], grads[f"b{l}"] = affine_backward(dz, affine_cache)

    for l in range(1, n_layers + 1):
        W = params[f"W{l}"]
        loss += l2 / (2 * n) * float((W * W).sum())
        grads[f"W{l}"] = grads[f"W{l}"] + l2 / n * W
    return loss, grads
