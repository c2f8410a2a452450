"""Notebook 04: unit saturation, vanishing and exploding gradients, gradient clipping."""
from ..cells import experiment, hidden_test, md, provided, setup, solution, visible_test

CELLS = [
    md(r"""
    # 04 · Unit saturation, vanishing and exploding gradients

    In this notebook you build four small diagnostic and repair tools for training deep
    networks:

    - `saturation_fraction`: how many units of a layer sit where their activation is flat;
    - `gradient_norms`: the size of each parameter's gradient, to see gradients vanish or explode;
    - `clip_grad_value` and `clip_grad_norm`: the two ways of capping a gradient before the
      update (the second one exactly as PyTorch's `torch.nn.utils.clip_grad_norm_` does it).

    Read the book chapter first: **[Unit saturation, vanishing and exploding gradients](../../book/04_saturation.md)**.

    **Conventions.** Gradients come as a dict keyed like the parameters of chapter 03,
    e.g. `{'W1': (D, H), 'b1': (H,), 'W2': (H, C), 'b2': (C,)}`. The clipping functions
    return *new* arrays: PyTorch's clipping functions work in place (their names end in
    `_`), ours must leave their inputs untouched.

    **How you are graded.** Each function has a cell of visible checks you can run as
    often as you like, followed by a cell of hidden tests that run only when your
    notebook is graded (random inputs of several shapes, edge cases such as a norm exactly
    at the limit, extreme values, and whether your inputs are left unchanged). Don't rename
    the functions.
    """),
    setup("""
    import numpy as np
    import matplotlib.pyplot as plt

    from mlpkit.data import make_spirals
    """),
    md(r"""
    ## Given code from chapter 03

    The experiments below run deep networks with the layers you wrote in chapter 03
    (and the loss of chapter 01). Here they are, ready to use; they are not graded.
    """),
    provided("affine_forward", "affine_backward", "sigmoid_forward", "sigmoid_backward",
             "tanh_forward", "tanh_backward", "relu_forward", "relu_backward", "softmax_cross_entropy"),
    md(r"""
    ## 1. Saturated units

    During backpropagation every hidden layer multiplies the incoming gradient by the
    derivative of its activation, $g'(z)$, entry by entry. Where $g'(z)$ is almost zero the
    unit is **saturated**: it passes almost no gradient back, and the weights feeding it
    (and every layer below) learn slowly.

    | activation | $g'(z)$ | largest value of $g'$ |
    |---|---|---|
    | sigmoid $\sigma$ | $\sigma(z)\,(1 - \sigma(z))$ | $1/4$, at $z = 0$ |
    | tanh | $1 - \tanh^2 z$ | $1$, at $z = 0$ |
    | ReLU | $1$ for $z > 0$, $0$ for $z \le 0$ | $1$ |

    Call an entry saturated when its derivative is **strictly below** `threshold` times
    the largest value of $g'$ (so the sigmoid's threshold is `threshold / 4`). For ReLU,
    every $z \le 0$ is saturated whatever the threshold in $(0, 1]$: the derivative there
    is taken to be 0, also at exactly $z = 0$.

    Pre-activations can be huge ($|z| = 10^4$) in a badly initialized network, and your
    function must not overflow there: `np.exp(-z)` overflows for $z = -10^4$. With
    $e = e^{-|z|} \le 1$, the derivatives are $\sigma'(z) = e / (1 + e)^2$ and
    $\tanh'(z) = \big(2e / (1 + e^2)\big)^2$, and neither can overflow.
    """),
    solution("saturation_fraction"),
    visible_test("""
    z = np.array([[0.0, 1.0, -4.0, 8.0, -0.5]])
    # by hand, with the default threshold 0.01:
    # sigmoid: s'(8) = e^-8 / (1 + e^-8)^2 ≈ 3.4e-4 < 0.01 / 4 = 0.0025, but s'(4) ≈ 0.018 is not  -> 1 of 5
    # tanh:    tanh'(4) = 1 - tanh(4)^2 ≈ 1.3e-3 < 0.01 (and tanh'(8) too), tanh'(1) ≈ 0.42 is not -> 2 of 5
    # relu:    z <= 0 at 0.0, -4.0 and -0.5                                                       -> 3 of 5
    for act, expected in [("sigmoid", 0.2), ("tanh", 0.4), ("relu", 0.6)]:
        got = saturation_fraction(z, act)
        assert np.isclose(got, expected), f"{act}: expected {expected}, got {got}"

    # the derivative at z = 0 equals the maximum: not *below* threshold * max for threshold = 1
    assert saturation_fraction(np.zeros((2, 3)), "sigmoid", threshold=1.0) == 0.0
    assert saturation_fraction(np.zeros((2, 3)), "relu", threshold=1.0) == 1.0

    # huge pre-activations: no overflow warning allowed
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        assert saturation_fraction(np.array([[1e4, -1e4]]), "sigmoid") == 1.0
        assert saturation_fraction(np.array([[1e4, -1e4]]), "tanh") == 1.0
    print("saturation_fraction: visible checks passed")
    """),
    hidden_test("saturation_fraction"),
    md(r"""
    ### Experiment: how saturated are the layers of a deep network?

    Push 200 random inputs through eight layers of 128 units and measure the fraction of
    saturated units in every layer. With weights drawn from $N(0, 1)$ each pre-activation
    sums 128 terms, so $|z|$ is typically far beyond the flat parts of sigmoid and tanh.
    Scaling the weights by $1/\sqrt{n_\text{in}}$, with $n_\text{in} = 128$ inputs per unit
    (chapter 05 explains why), keeps the pre-activations of order 1. Try other scales,
    and ReLU.
    """),
    experiment("""
    rng = np.random.default_rng(0)
    n_layers, width = 8, 128
    X = rng.standard_normal((200, width))
    forwards = {"sigmoid": sigmoid_forward, "tanh": tanh_forward}

    fig, ax = plt.subplots(figsize=(7, 3.5))
    for act, forward in forwards.items():
        for label, std in [("N(0, 1) weights", 1.0), ("N(0, 1/fan_in) weights", 1 / np.sqrt(width))]:
            a, fractions = X, []
            for layer in range(n_layers):
                W = std * rng.standard_normal((width, width))
                z, _ = affine_forward(a, W, np.zeros(width))
                fractions.append(saturation_fraction(z, act))
                a, _ = forward(z)
            ax.plot(range(1, n_layers + 1), fractions, marker="o", label=f"{act}, {label}")
    ax.set_xlabel("layer"); ax.set_ylabel("fraction of saturated units"); ax.set_ylim(-0.05, 1.05)
    ax.legend(fontsize=8, loc="center right"); plt.show()
    """),
    md(r"""
    ## 2. Gradient norms

    The Frobenius norm of a gradient array $G$ is $\lVert G \rVert_F = \sqrt{\sum_{ij} G_{ij}^2}$
    (for a vector, its Euclidean length). Printing it for every parameter after a backward
    pass is the quickest way to see gradients vanish (norms shrinking towards the input
    layer) or explode (norms growing). Careful: for a matrix, `np.linalg.norm(G, 2)` is a
    different norm (the largest singular value); `np.linalg.norm(G)` is the Frobenius norm.
    """),
    solution("gradient_norms"),
    visible_test("""
    grads = {"W1": np.array([[3.0, 4.0]]), "b1": np.array([1.0, 2.0, 2.0]), "W2": np.array([[1.0, 1.0], [1.0, 1.0]])}
    norms = gradient_norms(grads)
    # by hand: sqrt(9 + 16) = 5, sqrt(1 + 4 + 4) = 3, sqrt(4 * 1) = 2
    assert set(norms) == set(grads), f"one norm per key, got keys {sorted(norms)}"
    assert np.isclose(norms["W1"], 5.0) and np.isclose(norms["b1"], 3.0) and np.isclose(norms["W2"], 2.0), norms
    print("gradient_norms: visible checks passed")
    """),
    hidden_test("gradient_norms"),
    md(r"""
    ### Experiment: vanishing gradients, sigmoid against ReLU

    A network with ten hidden layers of 64 units on the spirals data set, one backward
    pass, and the norm of every weight gradient. The helpers below chain the given layers
    of chapter 03: the forward pass keeps each layer's cache, and the backward pass
    visits the layers in reverse.
    With sigmoid units every layer multiplies the gradient by at most $1/4$ (times the
    weights), so the first layers get gradients orders of magnitude smaller than the
    last; ReLU passes the gradient of active units through unchanged.
    """),
    experiment("""
    ACTIVATIONS = {"sigmoid": (sigmoid_forward, sigmoid_backward), "relu": (relu_forward, relu_backward),
                   "tanh": (tanh_forward, tanh_backward)}


    def init_deep(sizes, std_of_fan_in, rng):
        \"\"\"W{l} ~ N(0, std_of_fan_in(fan_in)^2), zero biases.\"\"\"
        params = {}
        for l in range(1, len(sizes)):
            params[f"W{l}"] = std_of_fan_in(sizes[l - 1]) * rng.standard_normal((sizes[l - 1], sizes[l]))
            params[f"b{l}"] = np.zeros(sizes[l])
        return params


    def loss_and_grads(params, X, y, activation):
        \"\"\"Softmax cross-entropy of a deep network and its gradients, by backpropagation.\"\"\"
        forward, backward = ACTIVATIONS[activation]
        n_layers = len(params) // 2
        caches, a = [], X
        for l in range(1, n_layers):
            z, affine_cache = affine_forward(a, params[f"W{l}"], params[f"b{l}"])
            a, act_cache = forward(z)
            caches.append((affine_cache, act_cache))
        scores, last_cache = affine_forward(a, params[f"W{n_layers}"], params[f"b{n_layers}"])
        loss, dscores = softmax_cross_entropy(scores, y)
        grads = {}
        da, grads[f"W{n_layers}"], grads[f"b{n_layers}"] = affine_backward(dscores, last_cache)
        for l in range(n_layers - 1, 0, -1):
            affine_cache, act_cache = caches[l - 1]
            da, grads[f"W{l}"], grads[f"b{l}"] = affine_backward(backward(da, act_cache), affine_cache)
        return loss, grads


    data = make_spirals(np.random.default_rng(0), n_samples=300, n_classes=3)
    X, y = data.X_train, data.y_train
    sizes = [2] + [64] * 10 + [3]
    layers = range(1, len(sizes))

    fig, ax = plt.subplots(figsize=(7, 3.5))
    for activation, std in [("sigmoid", lambda n: np.sqrt(1 / n)), ("relu", lambda n: np.sqrt(2 / n))]:
        params = init_deep(sizes, std, np.random.default_rng(1))
        _, grads = loss_and_grads(params, X, y, activation)
        norms = gradient_norms(grads)
        ax.semilogy(layers, [norms[f"W{l}"] for l in layers], marker="o", label=activation)
    ax.set_xlabel("layer l"); ax.set_ylabel("||dJ/dW_l||_F"); ax.legend(); plt.show()
    """),
    md(r"""
    ## 3. Gradient clipping

    **By value**: every entry is clipped to $[-c, c]$. Simple, but when only some entries
    are clipped the gradient changes direction.

    **By norm** (PyTorch's `clip_grad_norm_`): compute *one* global norm over all arrays
    together,

    $$\text{total} = \sqrt{\textstyle\sum_{\text{arrays } G} \sum_{ij} G_{ij}^2},$$

    then, with $M$ = `max_norm`, the coefficient $\text{coef} = M / (\text{total} + 10^{-6})$.
    When $\text{coef} < 1$, every array is multiplied by $\text{coef}$; otherwise the gradients
    are returned unchanged (as copies). The whole gradient keeps its direction and its
    length is capped at `max_norm`. Return the clipped gradients and `total`, the norm
    *before* clipping (it is worth logging). The $10^{-6}$ keeps the division finite when
    all gradients are zero; note that it also means a total exactly equal to `max_norm`
    is scaled, very slightly.
    """),
    solution("clip_grad_value"),
    visible_test("""
    grads = {"W": np.array([[-3.0, 0.5], [2.0, -0.2]]), "b": np.array([1.5])}
    clipped = clip_grad_value(grads, 1.0)
    assert np.allclose(clipped["W"], [[-1.0, 0.5], [1.0, -0.2]]), clipped["W"]
    assert np.allclose(clipped["b"], [1.0]), clipped["b"]
    assert grads["W"][0, 0] == -3.0, "clip_grad_value changed its input: return new arrays"
    print("clip_grad_value: visible checks passed")
    """),
    hidden_test("clip_grad_value"),
    solution("clip_grad_norm"),
    visible_test("""
    grads = {"W": np.array([[3.0, 0.0]]), "b": np.array([4.0])}
    clipped, total = clip_grad_norm(grads, max_norm=1.0)
    # by hand: total = sqrt(9 + 0 + 16) = 5, coef = 1 / (5 + 1e-6) < 1: W -> [[0.6, 0]], b -> [0.8]
    assert np.isclose(total, 5.0), f"return the global norm before clipping (5.0), got {total}"
    assert np.allclose(clipped["W"], [[3.0 / (5 + 1e-6), 0.0]]) and np.allclose(clipped["b"], [4.0 / (5 + 1e-6)]), clipped
    assert grads["W"][0, 0] == 3.0 and grads["b"][0] == 4.0, "clip_grad_norm changed its input: work on copies"

    kept, total = clip_grad_norm(grads, max_norm=10.0)  # coef = 10 / 5.000001 > 1: nothing to do
    assert np.isclose(total, 5.0)
    assert np.array_equal(kept["W"], grads["W"]) and np.array_equal(kept["b"], grads["b"]), "below max_norm: unchanged"
    assert kept["W"] is not grads["W"], "return copies, not the caller's arrays"
    print("clip_grad_norm: visible checks passed")
    """),
    hidden_test("clip_grad_norm"),
    md(r"""
    ### Experiment: taming an exploding run

    A ReLU network on the same spirals, deeper than the task needs (eight hidden layers of
    32 units), with weights twice as large as He initialization would draw them
    (chapter 05): the signal doubles at every layer, and so do the gradients. Plain gradient descent with learning rate 0.05 takes a huge first
    step and the loss overflows within a few iterations. Clipping the global norm to 1
    caps the length of every step at `lr * max_norm` and training goes ahead (slowly: a
    better initialization is the real cure). The right panel shows the norm that
    `clip_grad_norm` returns, measured before clipping; the unclipped curves leave the
    plots at the top.
    """),
    experiment("""
    sizes = [2] + [32] * 8 + [3]
    lr, n_steps = 0.05, 150
    runs = {}
    for max_norm in [None, 1.0]:
        params = init_deep(sizes, lambda n: 2 * np.sqrt(2 / n), np.random.default_rng(2))
        losses, totals = [], []
        with np.errstate(all="ignore"):  # the unclipped run overflows on purpose
            for step in range(n_steps):
                loss, grads = loss_and_grads(params, X, y, "relu")
                if max_norm is None:
                    total = np.sqrt(sum(v**2 for v in gradient_norms(grads).values()))
                else:
                    grads, total = clip_grad_norm(grads, max_norm)
                losses.append(loss); totals.append(total)
                if not np.isfinite(loss):
                    break
                params = {k: params[k] - lr * grads[k] for k in params}
        runs["no clipping" if max_norm is None else f"clip_grad_norm, max_norm={max_norm}"] = (losses, totals)

    fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
    for name, (losses, totals) in runs.items():
        print(f"{name}: {len(losses)} steps, last loss {losses[-1]:.3g}")
        axes[0].semilogy(losses, label=name); axes[1].semilogy(totals, label=name)
    axes[0].set_xlabel("step"); axes[0].set_ylabel("training loss"); axes[0].set_ylim(0.1, 1e4); axes[0].legend()
    axes[1].set_xlabel("step"); axes[1].set_ylabel("global gradient norm (before clipping)"); axes[1].set_ylim(0.1, 1e8)
    plt.show()
    """),
]
