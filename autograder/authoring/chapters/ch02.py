"""Notebook 02: stochastic gradient descent."""
from ..cells import experiment, hidden_test, md, setup, solution, visible_test

CELLS = [
    md(r"""
    # 02 · Stochastic gradient descent

    In this notebook you write the machinery that trains every model of the course: a
    generator of minibatches, the plain gradient step and three refinements of it
    (momentum, RMSprop and Adam), a decaying learning rate, and a minibatch SGD loop that
    puts them together. At the end you race the optimizers on a real regression problem.

    Read the book chapter first: **[Stochastic gradient descent](../../book/02_sgd.md)**.

    **Conventions.** Parameters `w` may have any shape, and the gradient `dw` has the same
    shape. An update rule never changes its inputs: it returns the new parameters *and*
    the new optimizer state (velocity, running averages), which the caller keeps and
    passes back at the next step. Randomness comes only from the `rng` argument, a
    `numpy.random.Generator`; never call `np.random.seed` or the `np.random.*` functions.

    **How you are graded.** Each function has a cell of visible checks you can run as
    often as you like, followed by a cell of hidden tests that run only when your
    notebook is graded (random inputs, several chained steps, statistical checks of the
    shuffling). Don't rename the functions, and don't modify your inputs in place.
    """),
    setup("""
    import numpy as np
    import matplotlib.pyplot as plt
    """),
    md(r"""
    ## 1. Minibatches

    One *epoch* is one pass over the $N$ training examples. Minibatch gradient descent
    cuts the epoch into batches of $B$ examples and takes one step per batch: $B = N$ is
    batch gradient descent (one step per epoch), $B = 1$ is pure stochastic gradient
    descent ($N$ noisy steps per epoch). When $N$ is not a multiple of $B$ the last batch
    holds the $N \bmod B$ examples that are left, so an epoch has $\lceil N / B \rceil$
    batches.

    With a generator `rng`, visit the examples in a random order, a fresh one at every
    call: draw a permutation of the indices $0, \dots, N - 1$ and cut it into batches.
    Index `X` *and* `y` with the same indices, so every example keeps its target. Without
    `rng`, go through the examples in their given order.

    `iterate_minibatches` is a *generator*: use `yield` to hand out one batch at a time.
    """),
    solution("iterate_minibatches"),
    visible_test("""
    X = np.arange(10.0).reshape(5, 2)  # row i is [2i, 2i + 1]
    y = np.array([0, 1, 2, 3, 4])      # the target of row i is i

    batches = list(iterate_minibatches(X, y, 2))
    # in order, two examples per batch, and the fifth example alone at the end
    assert [yb.tolist() for _, yb in batches] == [[0, 1], [2, 3], [4]], batches
    assert np.array_equal(batches[0][0], [[0.0, 1.0], [2.0, 3.0]])
    assert len(list(iterate_minibatches(X, y, 5))) == 1, "batch_size = N gives one batch"

    order = [yb.tolist() for _, yb in iterate_minibatches(X, y, 2, np.random.default_rng(7))]
    print("batches with an rng:", order)
    assert sorted(sum(order, [])) == [0, 1, 2, 3, 4], "every example exactly once per epoch"
    for Xb, yb in iterate_minibatches(X, y, 2, np.random.default_rng(1)):
        assert np.array_equal(Xb[:, 0], 2 * yb), "X and y rows must stay paired"
    again = [yb.tolist() for _, yb in iterate_minibatches(X, y, 2, np.random.default_rng(7))]
    assert again == order, "the same seed must give the same batches"
    """),
    hidden_test("iterate_minibatches"),
    md(r"""
    ## 2. Update rules

    Write $g$ for the gradient `dw` at the current step and $\alpha$ for the learning rate.

    | rule | state update | parameter update |
    |---|---|---|
    | SGD | | $w \leftarrow w - \alpha g$ |
    | momentum | $v \leftarrow \beta v + g$ | $w \leftarrow w - \alpha v$ |
    | RMSprop | $s \leftarrow \rho s + (1 - \rho) g^2$ | $w \leftarrow w - \alpha g / (\sqrt{s} + \varepsilon)$ |
    | Adam | $m \leftarrow \beta_1 m + (1 - \beta_1) g$, $\;v \leftarrow \beta_2 v + (1 - \beta_2) g^2$ | $w \leftarrow w - \alpha \hat m / (\sqrt{\hat v} + \varepsilon)$ |

    Squares, roots and divisions act entry by entry. Momentum is written in PyTorch's
    form (the velocity adds up gradients; other texts average them with a factor
    $1 - \beta$, which only rescales $\alpha$). Adam starts its moments at zero, which
    biases them towards zero in the first steps; the corrections
    $\hat m = m / (1 - \beta_1^t)$ and $\hat v = v / (1 - \beta_2^t)$ undo that, with $t$
    the number of the current step, **starting at 1**. Keep $\varepsilon$ outside the
    square root.
    """),
    solution("sgd_step"),
    visible_test("""
    w_new = sgd_step(np.array([1.0, -2.0]), np.array([0.5, 0.5]), lr=0.1)
    # by hand: 1 - 0.1 * 0.5 = 0.95 and -2 - 0.1 * 0.5 = -2.05
    assert np.allclose(w_new, [0.95, -2.05]), w_new
    """),
    hidden_test("sgd_step"),
    solution("momentum_step"),
    visible_test("""
    w, v = np.array([1.0]), np.zeros(1)
    w, v = momentum_step(w, np.array([1.0]), v, lr=0.1, beta=0.9)
    # by hand: v = 0.9 * 0 + 1 = 1, w = 1 - 0.1 * 1 = 0.9
    assert np.allclose([w[0], v[0]], [0.9, 1.0]), (w, v)
    w, v = momentum_step(w, np.array([1.0]), v, lr=0.1, beta=0.9)
    # by hand: v = 0.9 * 1 + 1 = 1.9, w = 0.9 - 0.1 * 1.9 = 0.71: the steps grow while the gradient agrees
    assert np.allclose([w[0], v[0]], [0.71, 1.9]), (w, v)
    """),
    hidden_test("momentum_step"),
    solution("rmsprop_step"),
    visible_test("""
    w, s = rmsprop_step(np.array([1.0]), np.array([2.0]), np.zeros(1), lr=0.01, decay=0.9)
    # by hand: s = 0.9 * 0 + 0.1 * 2**2 = 0.4, w = 1 - 0.01 * 2 / (sqrt(0.4) + 1e-8) = 0.968377...
    assert np.allclose(s, [0.4]), s
    assert np.allclose(w, [1 - 0.02 / np.sqrt(0.4)]), w
    """),
    hidden_test("rmsprop_step"),
    solution("adam_step"),
    visible_test("""
    w, m, v = np.array([1.0]), np.zeros(1), np.zeros(1)
    w, m, v = adam_step(w, np.array([0.5]), m, v, t=1)
    # by hand: m = 0.1 * 0.5 = 0.05, v = 0.001 * 0.25 = 0.00025;
    # mhat = 0.05 / 0.1 = 0.5, vhat = 0.00025 / 0.001 = 0.25, so w = 1 - 0.001 * 0.5 / 0.5 = 0.999
    assert np.allclose([m[0], v[0]], [0.05, 0.00025]), (m, v)
    assert np.allclose(w, [0.999]), w
    w, m, v = adam_step(w, np.array([0.5]), m, v, t=2)
    # with a constant gradient, the corrected moments stay exactly g and g**2: another step of lr
    assert np.allclose(w, [0.998]), w
    """),
    hidden_test("adam_step"),
    md(r"""
    ### Experiment: four optimizers in a narrow valley

    The cost $J(w) = \tfrac12 (w_1^2 + 25\, w_2^2)$ is 25 times steeper along $w_2$ than
    along $w_1$. Plain gradient descent must keep $\alpha$ small enough not to diverge
    along $w_2$, and then crawls along $w_1$. Watch how momentum builds up speed along
    the valley and how RMSprop and Adam give each coordinate its own step size.
    """),
    experiment("""
    scales = np.array([1.0, 25.0])

    def valley_gradient(w):
        return scales * w

    def run(rule, n_steps=60):
        w = np.array([-4.0, 1.0])
        path = [w]
        v, s = np.zeros(2), np.zeros(2)  # the optimizer's state (Adam uses both as m and v)
        for t in range(1, n_steps + 1):
            g = valley_gradient(w)
            if rule == "sgd":
                w = sgd_step(w, g, lr=0.07)
            elif rule == "momentum":
                w, v = momentum_step(w, g, v, lr=0.02, beta=0.8)
            elif rule == "rmsprop":
                w, s = rmsprop_step(w, g, s, lr=0.2, decay=0.9)
            else:
                w, v, s = adam_step(w, g, v, s, t, lr=0.3)
            path.append(w)
        return np.array(path)

    a, b = np.meshgrid(np.linspace(-4.5, 1.5, 200), np.linspace(-1.5, 1.5, 200))
    plt.figure(figsize=(9, 4.5))
    plt.contour(a, b, 0.5 * (a**2 + 25 * b**2), levels=20, colors="lightgray")
    for rule in ("sgd", "momentum", "rmsprop", "adam"):
        path = run(rule)
        plt.plot(path[:, 0], path[:, 1], ".-", label=rule, markersize=3)
    plt.plot(0, 0, "k*", markersize=12)
    plt.xlabel("$w_1$"); plt.ylabel("$w_2$"); plt.legend(); plt.title("60 steps from (-4, 1)")
    plt.show()
    """),
    md(r"""
    ## 3. Learning-rate decay

    A constant learning rate makes SGD keep bouncing around the minimum, because every
    minibatch gradient is noisy. Shrinking $\alpha$ over time lets it settle. Inverse-time
    decay uses

    $$\alpha_{\text{epoch}} = \frac{\alpha_0}{1 + \text{decay} \cdot \text{epoch}},$$

    with epochs counted from 0, so the first epoch runs at $\alpha_0$.
    """),
    solution("lr_time_decay"),
    visible_test("""
    assert np.isclose(lr_time_decay(0.1, 0.5, 0), 0.1), "epoch 0 runs at lr0"
    # by hand: 0.1 / (1 + 0.5 * 2) = 0.1 / 2 = 0.05
    assert np.isclose(lr_time_decay(0.1, 0.5, 2), 0.05), lr_time_decay(0.1, 0.5, 2)
    assert np.isclose(lr_time_decay(0.3, 0.0, 100), 0.3), "no decay keeps lr0"
    """),
    hidden_test("lr_time_decay"),
    md(r"""
    ## 4. Minibatch SGD

    `minibatch_sgd` runs `epochs` passes over the data. Each step takes the next batch
    from `iterate_minibatches` (pass `rng` on, so every epoch is reshuffled), asks
    `loss_and_grad(w, X_batch, y_batch)` for the batch's cost and gradient, records the
    cost, and updates `w` with `sgd_step`. It returns the final parameters and the list of
    recorded costs: one per step, each measured *before* that step's update.
    """),
    solution("minibatch_sgd"),
    visible_test("""
    def squares(w, Xb, yb):
        # the cost mean((Xb @ w - yb)**2) and its gradient 2 Xb.T (Xb @ w - yb) / B
        r = Xb @ w - yb
        return float(np.mean(r**2)), 2 * Xb.T @ r / len(yb)

    X1, y1 = np.array([[1.0], [2.0]]), np.array([2.0, 4.0])  # y = 2x: the best w is 2

    w, losses = minibatch_sgd(squares, np.zeros(1), X1, y1, lr=0.1, batch_size=2, epochs=1)
    # one full batch, by hand: r = [-2, -4], cost (4 + 16) / 2 = 10,
    # gradient 2 (1 * -2 + 2 * -4) / 2 = -10, so w = 0 - 0.1 * -10 = 1
    assert np.allclose(losses, [10.0]) and np.allclose(w, [1.0]), (w, losses)

    w, losses = minibatch_sgd(squares, np.zeros(1), X1, y1, lr=0.1, batch_size=1, epochs=1)
    # two single-example steps: cost 4, gradient -4, w = 0.4; then r = 0.8 - 4 = -3.2,
    # cost 10.24, gradient 2 * 2 * -3.2 = -12.8, w = 0.4 + 1.28 = 1.68
    assert np.allclose(losses, [4.0, 10.24]) and np.allclose(w, [1.68]), (w, losses)

    w, losses = minibatch_sgd(squares, np.zeros(1), X1, y1, 0.05, 1, 30, rng=np.random.default_rng(0))
    assert len(losses) == 60 and isinstance(losses, list), "one loss per step: 30 epochs of 2 steps"
    print(f"after 30 epochs: w = {w[0]:.4f} (the best is 2)")
    """),
    hidden_test("minibatch_sgd"),
    md(r"""
    ### Experiment: batch size, and the optimizers on a regression problem

    Linear least squares on synthetic data: 400 examples with 8 features whose scales
    range from 0.2 to 3 (as raw, unstandardised features often do), and noisy targets.
    First, plain minibatch SGD with three batch sizes for the same number of epochs:
    small batches take many cheap, noisy steps. Then the four update rules with
    minibatches of 16, each at a learning rate that suits it; the curves show the cost on
    the whole training set after each epoch. Which ones cope with the badly scaled
    features?
    """),
    experiment("""
    rng = np.random.default_rng(0)
    feature_scales = np.geomspace(0.2, 3.0, 8)
    Xtr = rng.normal(size=(400, 8)) * feature_scales
    w_true = rng.normal(size=8)
    ytr = Xtr @ w_true + 0.5 * rng.normal(size=400)

    def mse(w, Xb, yb):
        r = Xb @ w - yb
        return float(np.mean(r**2)), 2 * Xb.T @ r / len(yb)

    w_best = np.linalg.lstsq(Xtr, ytr, rcond=None)[0]  # the exact least-squares solution, for reference
    best = mse(w_best, Xtr, ytr)[0]

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for b in (1, 16, len(Xtr)):
        _, losses = minibatch_sgd(mse, np.zeros(Xtr.shape[1]), Xtr, ytr, lr=0.01, batch_size=b, epochs=10,
                                  rng=np.random.default_rng(1))
        epochs_axis = np.linspace(0, 10, len(losses), endpoint=False)
        axes[0].plot(epochs_axis, losses, label=f"batch size {b} ({len(losses)} steps)", alpha=0.7, linewidth=0.8)
    axes[0].axhline(best, color="k", linestyle=":", label="least-squares optimum")
    axes[0].set_xlabel("epoch"); axes[0].set_ylabel("minibatch cost"); axes[0].set_ylim(0, 3)
    axes[0].legend(); axes[0].set_title("minibatch SGD, lr = 0.01")

    def train(rule, lr, epochs=20, batch_size=16):
        rng = np.random.default_rng(2)
        w = np.zeros(Xtr.shape[1])
        a, c = np.zeros_like(w), np.zeros_like(w)  # the optimizer's state
        t, history = 0, []
        for epoch in range(epochs):
            for Xb, yb in iterate_minibatches(Xtr, ytr, batch_size, rng):
                _, g = mse(w, Xb, yb)
                t += 1
                if rule == "sgd":
                    w = sgd_step(w, g, lr)
                elif rule == "momentum":
                    w, a = momentum_step(w, g, a, lr)
                elif rule == "rmsprop":
                    w, a = rmsprop_step(w, g, a, lr)
                else:
                    w, a, c = adam_step(w, g, a, c, t, lr)
            history.append(mse(w, Xtr, ytr)[0])
        return history

    for rule, lr in [("sgd", 0.01), ("momentum", 0.002), ("rmsprop", 0.01), ("adam", 0.02)]:
        excess = np.array(train(rule, lr)) - best
        axes[1].semilogy(range(1, 21), excess, marker="o", markersize=3, label=f"{rule}, lr = {lr}")
    axes[1].set_xlabel("epoch"); axes[1].set_ylabel("training cost minus the optimum"); axes[1].legend()
    axes[1].set_title("update rules, batches of 16")
    plt.tight_layout()
    plt.show()
    """),
]
