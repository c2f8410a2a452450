"""Notebook 01: loss and cost functions."""
from ..cells import experiment, hidden_test, md, setup, solution, visible_test

CELLS = [
    md(r"""
    # 01 · Loss and cost functions

    In this notebook you implement the seven losses the rest of the course trains with:
    L1, L2 and mean squared error for regression, binary cross-entropy (from probabilities
    and, stably, from logits), softmax, and softmax cross-entropy for classification.

    Read the book chapter first: **[Loss and cost functions](../../book/01_losses.md)**.

    **Conventions.** A batch has one example per row: predictions have shape `(N, D)`.
    Every loss returns `(loss, dpred)`: the *cost* $J$, a float, and its gradient
    $\partial J / \partial \hat y$ with the shape of the predictions. The per-example loss
    $L_i$ sums over the outputs of example $i$; the cost averages it over the examples,
    or, with strengthening factors $s_i$ (`sample_weight`),
    $J = \sum_i s_i L_i \,/\, \sum_i s_i$.

    **How you are graded.** Each function has a cell of visible checks you can run as
    often as you like, followed by a cell of hidden tests that run only when your
    notebook is graded (random inputs of several shapes, extreme values, gradient checks).
    Don't rename the functions, and don't modify your inputs in place.
    """),
    setup("""
    import numpy as np
    import matplotlib.pyplot as plt

    from mlpkit.gradcheck import check_gradient

    # the worked example of the lecture: one example with five outputs
    y_pred_example = np.array([[0.78, 0.89, 0.12, 0.08, 0.97]])
    y_example = np.array([[1.0, 1.0, 0.0, 0.0, 1.0]])
    """),
    md(r"""
    ## 1. L1 and L2 losses

    $$L^{(1)}_i = \sum_j |y_{ij} - \hat y_{ij}|, \qquad L^{(2)}_i = \sum_j (y_{ij} - \hat y_{ij})^2 .$$

    The derivative of $|u|$ is $\operatorname{sign}(u)$, undefined at $u = 0$: use 0 there
    (a valid subgradient). Remember the $1/N$ (or $s_i / \sum_k s_k$) of the average.
    """),
    solution("l1_loss"),
    visible_test("""
    loss, dpred = l1_loss(y_pred_example, y_example)
    # by hand: 0.22 + 0.11 + 0.12 + 0.08 + 0.03 = 0.56
    assert np.isclose(loss, 0.56), f"expected 0.56, got {loss}"
    assert dpred.shape == y_pred_example.shape
    assert np.allclose(dpred, [[-1, -1, 1, 1, -1]]), "the gradient is sign(yhat - y) / N"

    rng = np.random.default_rng(0)
    yp, yt = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    result = check_gradient(lambda p: l1_loss(p, yt)[0], yp, l1_loss(yp, yt)[1])
    print("gradient check:", result)
    assert result.passed(1e-6)
    """),
    hidden_test("l1_loss"),
    solution("l2_loss"),
    visible_test("""
    loss, dpred = l2_loss(y_pred_example, y_example)
    # by hand: 0.22² + 0.11² + 0.12² + 0.08² + 0.03² = 0.0822
    assert np.isclose(loss, 0.0822), f"expected 0.0822, got {loss}"
    assert np.allclose(dpred, 2 * (y_pred_example - y_example))

    # two examples with weights 1 and 3: J = (1 * L_1 + 3 * L_2) / 4
    yp = np.array([[1.0], [2.0]]); yt = np.zeros((2, 1))
    loss, _ = l2_loss(yp, yt, sample_weight=np.array([1.0, 3.0]))
    assert np.isclose(loss, (1 * 1 + 3 * 4) / 4), loss

    rng = np.random.default_rng(1)
    yp, yt = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    result = check_gradient(lambda p: l2_loss(p, yt)[0], yp, l2_loss(yp, yt)[1])
    print("gradient check:", result)
    assert result.passed(1e-6)
    """),
    hidden_test("l2_loss"),
    md(r"""
    ## 2. Mean squared error

    PyTorch's `MSELoss` averages over *all* $N \times D$ elements, not just the examples:
    $J = \frac{1}{ND} \sum_{i,j} (\hat y_{ij} - y_{ij})^2$. With $D = 1$ it equals the L2 cost.
    """),
    solution("mse_loss"),
    visible_test("""
    loss, dpred = mse_loss(y_pred_example, y_example)
    assert np.isclose(loss, 0.0822 / 5), loss
    assert np.allclose(dpred, 2 * (y_pred_example - y_example) / 5)
    """),
    hidden_test("mse_loss"),
    md(r"""
    ## 3. Binary cross-entropy

    For probabilities $p = \hat y \in (0, 1)$ and labels $y \in \{0, 1\}$:

    $$L_i = -\sum_j \big[ y_{ij} \log p_{ij} + (1 - y_{ij}) \log(1 - p_{ij}) \big].$$

    The second term is $\log(1 - p)$; some lecture notes print $(1 - \log p)$, which is
    wrong. A network can output exactly 0 or 1 (sigmoid saturates in floating point), so
    clip $p$ to $[\varepsilon, 1 - \varepsilon]$ first; the loss and gradient must stay
    finite there.
    """),
    solution("binary_cross_entropy"),
    visible_test("""
    loss, dpred = binary_cross_entropy(y_pred_example, y_example)
    assert np.isclose(loss, 0.6066693634880955), f"expected 0.60667 (the lecture's example), got {loss}"

    with np.errstate(all="raise"):
        loss, dpred = binary_cross_entropy(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]]))
    assert np.isfinite(loss) and np.all(np.isfinite(dpred)), "clip p before taking logs"

    rng = np.random.default_rng(2)
    p, y = rng.uniform(0.1, 0.9, size=(4, 3)), rng.integers(0, 2, size=(4, 3)).astype(float)
    result = check_gradient(lambda q: binary_cross_entropy(q, y)[0], p, binary_cross_entropy(p, y)[1])
    print("gradient check:", result)
    assert result.passed(1e-6)
    """),
    hidden_test("binary_cross_entropy"),
    md(r"""
    ## 4. Binary cross-entropy from logits

    With $p = \sigma(z)$ the loss simplifies to $\log(1 + e^{z}) - y z$ per entry, and its
    derivative to $\sigma(z) - y$. Computing $\log \sigma(z)$ literally overflows or gives
    $\log 0$ for large $|z|$; write $\log(1 + e^{z})$ so that it never exponentiates a
    large positive number (`np.logaddexp(0, z)` does exactly this).
    """),
    solution("sigmoid_bce_with_logits"),
    visible_test("""
    z = np.log(y_pred_example / (1 - y_pred_example))  # the logits of the example's probabilities
    loss, dz = sigmoid_bce_with_logits(z, y_example)
    assert np.isclose(loss, 0.6066693634880955), loss
    assert np.allclose(dz, y_pred_example - y_example)

    with np.errstate(over="raise", divide="raise", invalid="raise"):
        loss, dz = sigmoid_bce_with_logits(np.array([[1e4, -1e4]]), np.array([[0.0, 1.0]]))
    assert np.isclose(loss, 2e4), f"each entry costs 1e4, so L = 2e4; got {loss}"
    """),
    hidden_test("sigmoid_bce_with_logits"),
    md(r"""
    ## 5. Softmax and softmax cross-entropy

    $\operatorname{softmax}(z)_c = e^{z_c} / \sum_k e^{z_k}$, row by row. Subtracting the
    row maximum first changes nothing mathematically and prevents overflow.

    With integer labels $y_i$, $L_i = -\log \operatorname{softmax}(z_i)_{y_i}$ and
    $\partial J / \partial z = (\operatorname{softmax}(z) - \operatorname{onehot}(y)) / N$.
    """),
    solution("softmax"),
    visible_test("""
    p = softmax(np.array([[0.0, np.log(3.0)], [1e4, 1e4]]))
    assert np.allclose(p, [[0.25, 0.75], [0.5, 0.5]]), p
    assert np.allclose(p.sum(axis=1), 1)
    """),
    hidden_test("softmax"),
    solution("softmax_cross_entropy"),
    visible_test("""
    z = np.array([[0.0, np.log(3.0)]])
    loss, dz = softmax_cross_entropy(z, np.array([1]))
    assert np.isclose(loss, -np.log(0.75)), loss
    assert np.allclose(dz, [[0.25, -0.25]])

    rng = np.random.default_rng(3)
    z, y = rng.normal(size=(6, 4)), rng.integers(0, 4, size=6)
    result = check_gradient(lambda q: softmax_cross_entropy(q, y)[0], z, softmax_cross_entropy(z, y)[1])
    print("gradient check:", result)
    assert result.passed(1e-6)
    """),
    hidden_test("softmax_cross_entropy"),
    md(r"""
    ## 6. Experiment: what each loss punishes

    Plot the loss of one output against the residual $\hat y - y$ (L1 and L2) and the
    binary cross-entropy against the predicted probability for both labels. Which loss
    would a single outlier dominate?
    """),
    experiment("""
    r = np.linspace(-3, 3, 201)[:, None]
    zeros = np.zeros_like(r)
    l1 = [l1_loss(ri[None], zi[None])[0] for ri, zi in zip(r, zeros)]
    l2 = [l2_loss(ri[None], zi[None])[0] for ri, zi in zip(r, zeros)]
    p = np.linspace(0.001, 0.999, 200)[:, None]
    bce1 = [binary_cross_entropy(pi[None], np.ones((1, 1)))[0] for pi in p]
    bce0 = [binary_cross_entropy(pi[None], np.zeros((1, 1)))[0] for pi in p]

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
    axes[0].plot(r, l1, label="L1"); axes[0].plot(r, l2, label="L2")
    axes[0].set_xlabel("residual  ŷ - y"); axes[0].set_ylabel("loss"); axes[0].legend()
    axes[1].plot(p, bce1, label="y = 1"); axes[1].plot(p, bce0, label="y = 0")
    axes[1].set_xlabel("predicted probability p"); axes[1].set_ylim(0, 7); axes[1].legend()
    plt.show()
    """),
]
