"""Notebook 05: weight initialization."""
from ..cells import experiment, hidden_test, md, provided, setup, solution, visible_test

CELLS = [
    md(r"""
    # 05 · Weight initialization

    In this notebook you write the classic ways of drawing a network's first weights:
    zeros (to see why not), small random numbers, Xavier/Glorot (uniform and normal),
    He/Kaiming (uniform and normal) and LeCun normal, and `init_mlp_params`, which sets
    up a whole multilayer perceptron with any of them.

    Read the book chapter first: **[Weight initialization](../../book/05_initialization.md)**.

    **Conventions.** A weight matrix has shape `(fan_in, fan_out)`: a layer computes
    `X @ W + b` with `X` of shape `(N, fan_in)`; in formulas, $n_\text{in}$ = `fan_in` and
    $n_\text{out}$ = `fan_out`. We write a normal law by its *variance*,
    $N(0, \sigma^2)$, but `rng.normal(loc, scale)` takes the *standard deviation*
    $\sigma$. All randomness comes from the `rng` argument, a `numpy.random.Generator`:
    never call `np.random.seed` or the `np.random.*` functions.

    **How you are graded.** The initializers are random, so the hidden tests check them
    the way a statistician would: on large matrices (hundreds of thousands of draws),
    the mean, the variance, the range of a uniform law and a Kolmogorov-Smirnov test
    against the exact distribution, with bounds so wide that a correct implementation
    passes every time, and so narrow that a wrong fan, a missing square root or a
    variance used as a standard deviation fails by far. They also check the shape and
    dtype, and that the same seed gives the same weights. How you draw is up to you.
    """),
    setup("""
    import numpy as np
    import matplotlib.pyplot as plt

    from mlpkit.gradcheck import numeric_grad


    def assert_std_close(W, expected_std, what):
        \"\"\"Check that the sample standard deviation of W is within 6 standard errors of expected_std.

        For n draws, the sample variance s^2 has standard error sqrt((m4 - s^4) / n), with m4
        the fourth central moment; the standard error of s is about that divided by 2 s.
        \"\"\"
        w = np.ravel(W)
        s = w.std()
        se = np.sqrt((np.mean((w - w.mean()) ** 4) - s**4) / w.size) / (2 * s)
        assert abs(s - expected_std) < 6 * se, (
            f"{what}: sample standard deviation {s:.5f}, expected {expected_std:.5f} (within ±{6 * se:.5f})")
    """),
    md(r"""
    ## Given code from chapter 03

    The experiment at the end pushes data through deep networks with these layers.
    """),
    provided("affine_forward", "tanh_forward", "relu_forward"),
    md(r"""
    ## 1. Zeros, and the symmetry problem

    Biases can start at zero. Weights cannot: if all the units of a layer start with the
    same incoming weights they compute the same thing, receive the same gradient, and
    stay identical after every update, so the layer behaves like a single unit. With all
    weights exactly zero it is even worse: in a tanh or ReLU network the hidden
    activations are all 0, and the weight gradients vanish. `zeros_init` is here to let
    you watch this happen.
    """),
    solution("zeros_init"),
    visible_test("""
    W = zeros_init(3, 2)
    assert W.shape == (3, 2), f"shape (fan_in, fan_out) = (3, 2), got {W.shape}"
    assert W.dtype == np.float64 and np.all(W == 0), W
    print("zeros_init: visible checks passed")
    """),
    hidden_test("zeros_init"),
    md(r"""
    ### Experiment: identical units stay identical

    A tiny network $\hat y = \tanh(X W_1) W_2$ with a squared-error loss. We start every
    weight at the same value 0.5 and compute the gradient of the loss with respect to
    $W_1$ by finite differences (`numeric_grad` from `mlpkit`). Each column of $W_1$
    feeds one hidden unit: the columns of the gradient are identical, so a gradient step
    keeps the units identical. Then try zeros.
    """),
    experiment("""
    rng = np.random.default_rng(0)
    X, t = rng.standard_normal((8, 3)), rng.standard_normal((8, 1))


    def tiny_loss(W1, W2):
        return np.mean((np.tanh(X @ W1) @ W2 - t) ** 2)


    for name, W1, W2 in [("all weights 0.5", np.full((3, 4), 0.5), np.full((4, 1), 0.5)),
                         ("zeros_init", zeros_init(3, 4), zeros_init(4, 1))]:
        dW1 = numeric_grad(lambda w: tiny_loss(w, W2), W1)
        dW2 = numeric_grad(lambda w: tiny_loss(W1, w), W2)
        print(f"{name}:\\n  dW1 =\\n{np.round(dW1, 4)}\\n  dW2 = {np.round(dW2.ravel(), 4)}")
    """),
    md(r"""
    ## 2. Small random weights

    Drawing $W_{ij} = \text{scale} \cdot \varepsilon_{ij}$ with $\varepsilon_{ij} \sim N(0, 1)$
    and a small scale such as 0.01 breaks the symmetry. But the scale does not depend on
    the width of the layer: a unit sums `fan_in` terms, so the variance of its
    pre-activation is about $n_\text{in} \cdot \text{scale}^2 \cdot \operatorname{Var}(a)$,
    and in a deep network the signal shrinks (or grows) by that factor at every layer.
    """),
    solution("random_init"),
    visible_test("""
    rng = np.random.default_rng(0)
    W = random_init(400, 300, rng)
    assert W.shape == (400, 300) and W.dtype == np.float64, (W.shape, W.dtype)
    assert_std_close(W, 0.01, "random_init with the default scale")
    assert_std_close(random_init(400, 300, rng, scale=0.5), 0.5, "random_init with scale=0.5")

    same = random_init(5, 4, np.random.default_rng(7)), random_init(5, 4, np.random.default_rng(7))
    assert np.array_equal(*same), "the same seed must give the same weights: draw from rng only"
    print("random_init: visible checks passed")
    """),
    hidden_test("random_init"),
    md(r"""
    ## 3. Xavier (Glorot) initialization

    For a unit $z = \sum_{i=1}^{n_\text{in}} w_i a_i$ with independent, zero-mean
    weights, $\operatorname{Var}(z) = n_\text{in} \cdot \operatorname{Var}(w) \cdot
    \operatorname{E}[a^2]$. Keeping the forward signal's variance constant asks for
    $\operatorname{Var}(w) = 1/n_\text{in}$; the same argument for the gradients
    flowing backwards asks for $1/n_\text{out}$. Glorot and Bengio take the compromise

    $$\operatorname{Var}(w) = \frac{2}{n_\text{in} + n_\text{out}},$$

    suited to tanh (and sigmoid). As a normal law: $N\big(0, 2/(n_\text{in} + n_\text{out})\big)$,
    standard deviation $\sqrt{2/(n_\text{in} + n_\text{out})}$. As a uniform law:
    $U(-a, a)$ has variance $a^2/3$, so $a = \sqrt{6/(n_\text{in} + n_\text{out})}$.
    """),
    solution("xavier_uniform"),
    visible_test("""
    rng = np.random.default_rng(1)
    W = xavier_uniform(400, 200, rng)
    a = np.sqrt(6 / (400 + 200))  # = 0.1
    assert W.shape == (400, 200), W.shape
    assert np.abs(W).max() <= a, f"every entry lies in [-a, a] with a = {a:.4f}; found {np.abs(W).max():.4f}"
    assert np.abs(W).max() > 0.99 * a, "the entries should fill [-a, a]"
    assert_std_close(W, a / np.sqrt(3), "xavier_uniform(400, 200)")
    print("xavier_uniform: visible checks passed")
    """),
    hidden_test("xavier_uniform"),
    solution("xavier_normal"),
    visible_test("""
    rng = np.random.default_rng(2)
    W = xavier_normal(400, 200, rng)
    assert W.shape == (400, 200), W.shape
    assert_std_close(W, np.sqrt(2 / (400 + 200)), "xavier_normal(400, 200)")  # std 0.0577
    print("xavier_normal: visible checks passed")
    """),
    hidden_test("xavier_normal"),
    md(r"""
    ## 4. He (Kaiming) and LeCun initialization

    A ReLU sets about half of its inputs to zero, which halves $\operatorname{E}[a^2]$.
    He et al. compensate with a factor 2 and use the forward argument only:

    $$\operatorname{Var}(w) = \frac{2}{n_\text{in}}: \qquad N(0, 2/n_\text{in}) \quad\text{or}\quad U(-a, a),\ a = \sqrt{6/n_\text{in}}.$$

    Mind the brackets when you write the standard deviation: it is `np.sqrt(2 / fan_in)`.
    LeCun normal, $N(0, 1/n_\text{in})$, is the initialization that SELU (chapter 06)
    is designed for.
    """),
    solution("he_uniform"),
    visible_test("""
    rng = np.random.default_rng(3)
    W = he_uniform(600, 150, rng)
    a = np.sqrt(6 / 600)  # = 0.1; with fan_out instead it would be 0.2
    assert W.shape == (600, 150), W.shape
    assert np.abs(W).max() <= a, f"every entry lies in [-a, a] with a = {a:.4f}; found {np.abs(W).max():.4f}"
    assert_std_close(W, a / np.sqrt(3), "he_uniform(600, 150)")
    print("he_uniform: visible checks passed")
    """),
    hidden_test("he_uniform"),
    solution("he_normal"),
    visible_test("""
    rng = np.random.default_rng(4)
    W = he_normal(800, 200, rng)
    assert W.shape == (800, 200), W.shape
    assert np.all(np.isfinite(W)), "nan in the weights: check the brackets in the standard deviation"
    assert_std_close(W, np.sqrt(2 / 800), "he_normal(800, 200)")  # std 0.05 (fan_out would give 0.1)
    print("he_normal: visible checks passed")
    """),
    hidden_test("he_normal"),
    solution("lecun_normal"),
    visible_test("""
    rng = np.random.default_rng(5)
    W = lecun_normal(400, 100, rng)
    assert W.shape == (400, 100), W.shape
    assert_std_close(W, np.sqrt(1 / 400), "lecun_normal(400, 100)")  # std 0.05
    print("lecun_normal: visible checks passed")
    """),
    hidden_test("lecun_normal"),
    md(r"""
    ## 5. Initializing a whole network

    `init_mlp_params(layer_sizes, method, rng)` builds the parameter dict of chapter 03:
    for $l = 1, \dots, L$ (with $L$ = `len(layer_sizes) - 1`), `W{l}` of shape
    `(layer_sizes[l-1], layer_sizes[l])` drawn by `method` with that layer's own fans, and
    `b{l}` of shape `(layer_sizes[l],)`, zeros. `method` is an initializer's name without
    `_init` (`'zeros'`, `'random'`, `'xavier_uniform'`, ..., `'lecun_normal'`); any other
    name raises `ValueError`.
    """),
    solution("init_mlp_params"),
    visible_test("""
    params = init_mlp_params([4, 5, 3], "xavier_normal", np.random.default_rng(6))
    assert sorted(params) == ["W1", "W2", "b1", "b2"], sorted(params)
    assert params["W1"].shape == (4, 5) and params["W2"].shape == (5, 3), (params["W1"].shape, params["W2"].shape)
    assert params["b1"].shape == (5,) and np.all(params["b1"] == 0) and np.all(params["b2"] == 0)

    params = init_mlp_params([300, 400, 10], "he_normal", np.random.default_rng(7))
    assert_std_close(params["W2"], np.sqrt(2 / 400), "W2 of layer sizes [300, 400, 10] (fan_in 400)")

    try:
        init_mlp_params([4, 3], "glorot", np.random.default_rng(8))
    except ValueError as err:
        print("unknown method ->", err)
    else:
        raise AssertionError("an unknown method must raise ValueError")
    print("init_mlp_params: visible checks passed")
    """),
    hidden_test("init_mlp_params"),
    md(r"""
    ## 6. Experiment: activations, layer by layer

    Push 200 random inputs through ten hidden layers of 128 units and look at the
    distribution of the activations in every layer, for four initializations. With tanh,
    small random weights make the activations collapse towards 0 (and with them the
    gradients), zeros kill everything at once (their standard deviation, exactly 0, is
    drawn at $10^{-12}$), Xavier keeps them spread out, and He's larger weights push
    many tanh units to $\pm 1$, where they saturate. With ReLU, He initialization keeps
    the scale constant while Xavier lets it shrink layer after layer.
    """),
    experiment("""
    rng = np.random.default_rng(0)
    width, n_layers = 128, 10
    X = rng.standard_normal((200, width))
    methods = ["zeros", "random", "xavier_normal", "he_normal"]
    forwards = {"tanh": tanh_forward, "relu": relu_forward}


    def hidden_activations(params, forward):
        a, out = X, []
        for l in range(1, n_layers + 1):
            z, _ = affine_forward(a, params[f"W{l}"], params[f"b{l}"])
            a, _ = forward(z)
            out.append(a)
        return out


    acts = {(act, m): hidden_activations(init_mlp_params([width] * (n_layers + 1), m, rng), fwd)
            for act, fwd in forwards.items() for m in methods}

    fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
    for ax, act in zip(axes, forwards):
        for m in methods:
            ax.semilogy(range(1, n_layers + 1), [max(a.std(), 1e-12) for a in acts[act, m]], marker="o", label=m)
        ax.set_title(act); ax.set_xlabel("hidden layer"); ax.set_ylabel("std of the activations")
    axes[0].legend(fontsize=8); plt.show()

    shown = [1, 4, 7, 10]
    fig, axes = plt.subplots(1, len(methods), figsize=(12, 3), sharex=True)
    for ax, m in zip(axes, methods):
        for l in shown:
            ax.hist(acts["tanh", m][l - 1].ravel(), bins=40, range=(-1, 1), histtype="step", label=f"layer {l}")
        ax.set_title(f"tanh, {m}"); ax.set_yticks([]); ax.set_xlabel("activation")
    axes[0].legend(fontsize=8); plt.show()
    """),
]
