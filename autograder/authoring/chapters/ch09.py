"""Notebook 09: dropout."""
from ..cells import experiment, hidden_test, md, provided, setup, solution, visible_test

CELLS = [
    md(r"""
    # 09 · Dropout

    Dropout switches off a random subset of a layer's units at every training step, so that
    no unit can count on any particular other one being there. In this notebook you write
    the dropout layer, forward and backward, in its *inverted* form (the one PyTorch and
    Keras use), check that it leaves activations unchanged on average, and then train a
    small network with and without it to see what it does to the gap between training and
    development (dev) loss.

    Read the book chapter first: **[Dropout](../../book/09_dropout.md)**.

    **Conventions.** `p` is the probability of **dropping** a unit. The layer follows the
    course's layer API: `dropout_forward(x, p, mode, rng) -> (out, cache)` and
    `dropout_backward(dout, cache) -> dx`. All randomness comes from the generator `rng`
    you are given (never from `np.random.*` functions), so that a run can be repeated.

    **How you are graded.** Visible checks after each function; hidden tests when your
    notebook is graded. Train mode is random, so the hidden tests judge it by statistics
    on large inputs (the fraction of dropped entries must be within six standard errors of
    `p`), by the exact factor applied to the kept entries, and by checking your backward
    pass against your own forward pass. How you draw the mask is up to you.
    """),
    setup("""
    import numpy as np
    import matplotlib.pyplot as plt

    from mlpkit.data import make_moons
    from mlpkit.gradcheck import check_gradient
    """),
    md(r"""
    ## 1. Forward pass

    In train mode, draw for every entry of `x` independently whether it is kept
    (probability $1 - p$) or dropped (probability $p$), and scale the kept entries by
    $1 / (1 - p)$:

    $$\text{out} = x \odot \text{mask}, \qquad
      \text{mask}_{ij} = \begin{cases} 1 / (1 - p) & \text{with probability } 1 - p \\
      0 & \text{with probability } p \end{cases}$$

    so that $\mathbb{E}[\text{out}] = x$. Because the scaling happens during training,
    test mode is simply the identity. Watch the two ends: `p = 0` keeps everything and
    `p = 1` drops everything, where $1 / (1 - p)$ must not be computed.
    """),
    solution("dropout_forward"),
    visible_test("""
    rng = np.random.default_rng(0)

    # a hand-worked case: with p = 0.5 every kept entry is doubled, every dropped one is 0
    x_small = np.array([[1.0, 2.0, 3.0, 4.0]])
    out_small, _ = dropout_forward(x_small, 0.5, mode="train", rng=rng)
    assert out_small.shape == x_small.shape
    assert np.all((out_small == 0) | (out_small == 2 * x_small)), out_small

    # a large input without zeros, so that an output 0 means "dropped"
    x = rng.uniform(0.5, 2.0, size=(500, 200))
    x_before = x.copy()
    p = 0.3
    out, cache = dropout_forward(x, p, mode="train", rng=rng)
    dropped = out == 0
    standard_error = np.sqrt(p * (1 - p) / x.size)
    print(f"dropped a fraction {dropped.mean():.4f} of the entries (p = {p}, standard error {standard_error:.4f})")
    assert abs(dropped.mean() - p) < 6 * standard_error, "drop each entry independently with probability p"
    assert np.allclose(out[~dropped], x[~dropped] / (1 - p)), "scale the kept entries by 1 / (1 - p)"
    assert np.array_equal(x, x_before), "do not modify x in place"

    # test mode is the identity (no rng needed), p = 0 keeps all, p = 1 drops all without warnings
    assert np.array_equal(dropout_forward(x, p, mode="test")[0], x)
    assert np.array_equal(dropout_forward(x, 0.0, mode="train", rng=rng)[0], x)
    with np.errstate(divide="raise", invalid="raise"):
        assert np.all(dropout_forward(x, 1.0, mode="train", rng=rng)[0] == 0)

    # the same seed gives the same mask
    a = dropout_forward(x, p, mode="train", rng=np.random.default_rng(42))[0]
    b = dropout_forward(x, p, mode="train", rng=np.random.default_rng(42))[0]
    assert np.array_equal(a, b), "draw every random number from rng"

    try:
        dropout_forward(x, p, mode="train")
    except ValueError:
        pass
    else:
        raise AssertionError("train mode without an rng should raise ValueError")
    """),
    hidden_test("dropout_forward"),
    md(r"""
    ### Experiment: the mean is preserved

    One row $x$ repeated 20 000 times goes through dropout. On the left, the average output
    of each column against $x$ for three values of `p`; on the right, the values one entry
    actually takes: only ever $0$ or $x / (1 - p)$, never $x$ itself.
    """),
    experiment("""
    x_row = np.array([0.5, 1.0, 1.5, 2.0])
    batch = np.tile(x_row, (20_000, 1))
    rng = np.random.default_rng(1)

    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    axes[0].plot(x_row, x_row, "k--", label="x")
    for p in (0.2, 0.5, 0.8):
        out, _ = dropout_forward(batch, p, mode="train", rng=rng)
        axes[0].plot(x_row, out.mean(axis=0), "o", ms=4 + 8 * (1 - p), label=f"mean of out, p = {p}")
    axes[0].set_xlabel("x"); axes[0].legend()

    out, _ = dropout_forward(batch, 0.5, mode="train", rng=rng)
    axes[1].hist(out[:, 3], bins=np.linspace(-0.25, 4.25, 19), rwidth=0.8)
    axes[1].set_xlabel("out for x = 2, p = 0.5"); axes[1].set_ylabel("count")
    plt.show()
    """),
    md(r"""
    ## 2. Backward pass

    The forward pass is $x$ times a fixed mask, so its gradient is the upstream gradient
    times *the same mask*: $\partial L / \partial x = \text{dout} \odot \text{mask}$, zero
    where a unit was dropped and $\text{dout} / (1 - p)$ where it was kept. Keep the mask
    in the cache; never draw a new one here. In test mode the gradient passes through
    unchanged.

    A finite-difference check of a random layer needs care: each call of the forward
    pass draws a new mask. Calling it with a *fresh generator of the same seed* every time
    makes it draw the same mask, and then the forward pass is an ordinary function of $x$.
    """),
    solution("dropout_backward"),
    visible_test("""
    rng = np.random.default_rng(3)
    x = rng.uniform(0.5, 2.0, size=(4, 6))
    dout = rng.normal(size=x.shape)
    p = 0.4

    out, cache = dropout_forward(x, p, mode="train", rng=np.random.default_rng(1))
    dx = dropout_backward(dout, cache)
    kept = out != 0
    assert dx.shape == x.shape
    assert np.all(dx[~kept] == 0), "no gradient flows to a dropped unit"
    assert np.allclose(dx[kept], dout[kept] / (1 - p)), "kept units get dout / (1 - p)"

    # the forward pass with a re-seeded generator draws the same mask on every call
    result = check_gradient(lambda z: dropout_forward(z, p, mode="train", rng=np.random.default_rng(1))[0],
                            x, dx, dout=dout)
    print("gradient check:", result)
    assert result.passed(1e-6)

    _, cache_test = dropout_forward(x, p, mode="test")
    assert np.array_equal(dropout_backward(dout, cache_test), dout), "test mode: dx = dout"
    """),
    hidden_test("dropout_backward"),
    md(r"""
    ### Experiment: dropout and the train/dev gap

    A network with one hidden layer of 100 ReLU units, trained on only 50 noisy points of
    the two-moons data (400 more points form the dev set), full batch with Adam, once
    without dropout and once with `p = 0.5` on the hidden layer. The layers, the loss and
    Adam come from earlier chapters and are given below. The losses are measured in test
    mode (no dropout) every 10 steps.
    """),
    provided("affine_forward", "affine_backward", "relu_forward", "relu_backward", "softmax_cross_entropy", "adam_step"),
    experiment("""
    data = make_moons(np.random.default_rng(0), n_samples=500, noise=0.35, fractions=(0.1, 0.8, 0.1))
    X_train, y_train, X_dev, y_dev = data.X_train, data.y_train, data.X_val, data.y_val


    def scores(params, X, p, mode, rng=None):
        h, c1 = affine_forward(X, params["W1"], params["b1"])
        a, c2 = relu_forward(h)
        d, c3 = dropout_forward(a, p, mode=mode, rng=rng)
        s, c4 = affine_forward(d, params["W2"], params["b2"])
        return s, (c1, c2, c3, c4)


    def train(p, steps=300, hidden=100, lr=0.02):
        rng = np.random.default_rng(1)
        params = {"W1": rng.normal(size=(2, hidden)), "b1": np.zeros(hidden),
                  "W2": rng.normal(scale=np.sqrt(2 / hidden), size=(hidden, 2)), "b2": np.zeros(2)}
        moments = {k: (np.zeros_like(v), np.zeros_like(v)) for k, v in params.items()}
        history = {"step": [], "train": [], "dev": []}
        for t in range(1, steps + 1):
            s, (c1, c2, c3, c4) = scores(params, X_train, p, "train", rng)
            _, ds = softmax_cross_entropy(s, y_train)
            dd, grads_W2, grads_b2 = affine_backward(ds, c4)
            _, grads_W1, grads_b1 = affine_backward(relu_backward(dropout_backward(dd, c3), c2), c1)
            grads = {"W1": grads_W1, "b1": grads_b1, "W2": grads_W2, "b2": grads_b2}
            for k in params:
                params[k], m, v = adam_step(params[k], grads[k], *moments[k], t, lr=lr)
                moments[k] = (m, v)
            if t % 10 == 0:
                history["step"].append(t)
                history["train"].append(softmax_cross_entropy(scores(params, X_train, p, "test")[0], y_train)[0])
                history["dev"].append(softmax_cross_entropy(scores(params, X_dev, p, "test")[0], y_dev)[0])
        return params, history


    plt.figure(figsize=(8, 3.8))
    for p, color in ((0.0, "C0"), (0.5, "C1")):
        params, history = train(p)
        plt.plot(history["step"], history["train"], color=color, ls="--", label=f"train, p = {p}")
        plt.plot(history["step"], history["dev"], color=color, label=f"dev, p = {p}")
        accuracy = np.mean(scores(params, X_dev, p, "test")[0].argmax(axis=1) == y_dev)
        print(f"p = {p}: final train loss {history['train'][-1]:.3f}, dev loss {history['dev'][-1]:.3f}, "
              f"dev accuracy {accuracy:.3f}")
    plt.xlabel("Adam step"); plt.ylabel("cross-entropy"); plt.yscale("log"); plt.legend()
    plt.show()
    """),
    md(r"""
    Without dropout the training loss heads for zero while the dev loss climbs: the network
    memorises the 50 points. With dropout the training loss stays higher, the dev loss lower,
    and the gap between them narrower. Dropout does not stop overfitting on its own here;
    try a larger `p`, more hidden units, or combine it with early stopping from chapter 08.
    """),
]
