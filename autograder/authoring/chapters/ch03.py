"""Notebook 03: backpropagation."""
from ..cells import experiment, hidden_test, md, provided, setup, solution, visible_test

CELLS = [
    md(r"""
    # 03 · Backpropagation

    In this notebook you build a multilayer perceptron from small pieces, each with a
    forward and a backward pass: the affine (fully connected) layer, the sigmoid, tanh and
    ReLU activations, then the whole network's forward pass and its loss with every
    gradient by backpropagation. On the way you write your own gradient checker, the tool
    that tells you whether a backward pass is right. At the end you train a two-layer
    network on spirals.

    Read the book chapter first: **[Backpropagation](../../book/03_backprop.md)**.

    **Conventions.** A layer is two functions. `NAME_forward(x, ...)` returns
    `(out, cache)`: the output, and whatever the backward pass will need. `NAME_backward(dout,
    cache)` receives the upstream gradient `dout` $= \partial J / \partial\,\text{out}$ (same
    shape as `out`) and returns $\partial J / \partial x$ (and the gradients of the layer's
    parameters, if it has any), each with the shape of the thing it belongs to. Examples
    run along axis 0: `x` has shape `(N, D)`. The loss already averages over the batch,
    so a layer never divides by $N$.

    **How you are graded.** Each function has a cell of visible checks you can run as
    often as you like, followed by a cell of hidden tests that run only when your
    notebook is graded: random inputs of several shapes, extreme values, and your backward
    passes checked both against the reference and against finite differences of *your
    own* forward passes. Don't rename the functions, and don't modify your inputs in
    place. Later functions build on earlier ones (`mlp_loss` calls your layers), so finish
    the parts in order.
    """),
    setup("""
    import numpy as np
    import matplotlib.pyplot as plt

    from mlpkit.data import make_spirals
    from mlpkit.gradcheck import check_gradient
    """),
    md(r"""
    ## 1. The affine layer

    $$\text{out} = x W + b, \qquad x \in \mathbb{R}^{N \times D},\; W \in \mathbb{R}^{D \times M},\; b \in \mathbb{R}^{M}.$$

    Every output row adds the same bias. Going backwards, each entry of $W$ touches every
    example, so its gradient sums over them:

    $$\frac{\partial J}{\partial x} = \text{dout}\, W^\top, \qquad
    \frac{\partial J}{\partial W} = x^\top \text{dout}, \qquad
    \frac{\partial J}{\partial b} = \sum_{i=1}^{N} \text{dout}_{i,:}.$$

    A quick sanity check: each gradient must have the shape of its variable.
    """),
    solution("affine_forward"),
    visible_test("""
    x = np.array([[1.0, 2.0]])
    W = np.array([[1.0, 0.0, -1.0],
                  [2.0, 1.0, 0.0]])
    b = np.array([0.5, 0.0, 0.0])
    out, cache = affine_forward(x, W, b)
    # by hand: [1*1 + 2*2 + 0.5, 1*0 + 2*1 + 0, 1*(-1) + 2*0 + 0] = [5.5, 2, -1]
    assert np.allclose(out, [[5.5, 2.0, -1.0]]), out
    """),
    hidden_test("affine_forward"),
    solution("affine_backward"),
    visible_test("""
    rng = np.random.default_rng(0)
    x, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=5)
    out, cache = affine_forward(x, W, b)
    dout = rng.normal(size=out.shape)
    dx, dW, db = affine_backward(dout, cache)
    assert dx.shape == x.shape and dW.shape == W.shape and db.shape == b.shape, "each gradient has its variable's shape"

    # compare with centred differences of sum(affine_forward(...)[0] * dout)
    for name, value, grad, f in [
        ("dx", x, dx, lambda z: affine_forward(z, W, b)[0]),
        ("dW", W, dW, lambda z: affine_forward(x, z, b)[0]),
        ("db", b, db, lambda z: affine_forward(x, W, z)[0]),
    ]:
        result = check_gradient(f, value, grad, dout=dout)
        print(name, result)
        assert result.passed(1e-7), name
    """),
    hidden_test("affine_backward"),
    md(r"""
    ## 2. Activation functions

    | activation | forward | derivative, from the output |
    |---|---|---|
    | sigmoid | $\sigma(x) = 1 / (1 + e^{-x})$ | $\sigma(x)\,(1 - \sigma(x))$ |
    | tanh | $\tanh x = (e^{x} - e^{-x}) / (e^{x} + e^{-x})$ | $1 - \tanh^2 x$ |
    | ReLU | $\max(x, 0)$ | $1$ if $x > 0$, else $0$ |

    The derivatives of sigmoid and tanh are functions of the *output*, so their caches
    can simply keep the output. The backward pass multiplies the local derivative by
    `dout`, entry by entry.

    Two details matter. First, stability: evaluated literally, $e^{-x}$ overflows for
    $x$ below about $-709$ (and both exponentials in the tanh formula overflow for
    $|x| > 710$). For the sigmoid, compute $e = e^{-|x|} \le 1$ and use $1 / (1 + e)$ where
    $x \ge 0$ and $e / (1 + e)$ where $x < 0$; for tanh, `np.tanh` is already stable.
    Second, ReLU has a kink at 0 where the derivative is not defined: the course takes the
    $x \le 0$ branch there, so the derivative at exactly 0 is 0.
    """),
    solution("sigmoid_forward"),
    visible_test("""
    out, _ = sigmoid_forward(np.array([[0.0, np.log(3.0), -np.log(3.0)]]))
    # by hand: 1 / (1 + 1) = 0.5, 1 / (1 + 1/3) = 0.75, 1 / (1 + 3) = 0.25
    assert np.allclose(out, [[0.5, 0.75, 0.25]]), out
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # overflow would be an error here
        out, _ = sigmoid_forward(np.array([[1e4, -1e4]]))
    assert np.allclose(out, [[1.0, 0.0]]), out
    """),
    hidden_test("sigmoid_forward"),
    solution("sigmoid_backward"),
    visible_test("""
    _, cache = sigmoid_forward(np.array([[0.0]]))
    assert np.allclose(sigmoid_backward(np.array([[2.0]]), cache), [[0.5]]), "at 0: 2 * 0.5 * (1 - 0.5) = 0.5"

    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 4))
    out, cache = sigmoid_forward(x)
    dout = rng.normal(size=out.shape)
    result = check_gradient(lambda z: sigmoid_forward(z)[0], x, sigmoid_backward(dout, cache), dout=dout)
    print("gradient check:", result)
    assert result.passed(1e-7)
    """),
    hidden_test("sigmoid_backward"),
    solution("tanh_forward"),
    visible_test("""
    out, _ = tanh_forward(np.array([[0.0, np.arctanh(0.5)]]))
    assert np.allclose(out, [[0.0, 0.5]]), out
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        out, _ = tanh_forward(np.array([[1e4, -1e4]]))
    assert np.allclose(out, [[1.0, -1.0]]), out
    """),
    hidden_test("tanh_forward"),
    solution("tanh_backward"),
    visible_test("""
    _, cache = tanh_forward(np.array([[np.arctanh(0.5)]]))
    assert np.allclose(tanh_backward(np.array([[1.0]]), cache), [[0.75]]), "1 - 0.5**2 = 0.75"

    rng = np.random.default_rng(2)
    x = rng.normal(size=(3, 4))
    out, cache = tanh_forward(x)
    dout = rng.normal(size=out.shape)
    result = check_gradient(lambda z: tanh_forward(z)[0], x, tanh_backward(dout, cache), dout=dout)
    print("gradient check:", result)
    assert result.passed(1e-7)
    """),
    hidden_test("tanh_backward"),
    solution("relu_forward"),
    visible_test("""
    out, _ = relu_forward(np.array([[-2.0, 0.0, 3.0]]))
    assert np.allclose(out, [[0.0, 0.0, 3.0]]), out
    """),
    hidden_test("relu_forward"),
    solution("relu_backward"),
    visible_test("""
    _, cache = relu_forward(np.array([[-2.0, 0.0, 3.0]]))
    dx = relu_backward(np.array([[5.0, 5.0, 5.0]]), cache)
    assert np.allclose(dx, [[0.0, 0.0, 5.0]]), f"{dx}: the derivative is 0 for x <= 0, at exactly 0 too"

    rng = np.random.default_rng(3)
    x = rng.uniform(0.1, 2.0, size=(3, 4)) * rng.choice([-1, 1], size=(3, 4))  # away from the kink
    out, cache = relu_forward(x)
    dout = rng.normal(size=out.shape)
    result = check_gradient(lambda z: relu_forward(z)[0], x, relu_backward(dout, cache), dout=dout)
    print("gradient check:", result)
    assert result.passed(1e-7)
    """),
    hidden_test("relu_backward"),
    md(r"""
    ### Experiment: activations and their derivatives

    Run each forward pass on a grid, then its backward pass with `dout = 1`, which
    returns the local derivative. Where is each derivative close to 0? A unit whose
    input sits there passes almost no gradient back: it *saturates* (sigmoid and tanh for
    large $|x|$, ReLU for every negative input).
    """),
    experiment("""
    grid = np.linspace(-6, 6, 601)[None, :]
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.2), sharey=True)
    for ax, (name, forward, backward) in zip(axes, [
        ("sigmoid", sigmoid_forward, sigmoid_backward),
        ("tanh", tanh_forward, tanh_backward),
        ("ReLU", relu_forward, relu_backward),
    ]):
        out, cache = forward(grid)
        slope = backward(np.ones_like(grid), cache)
        ax.plot(grid[0], out[0], label="forward")
        ax.plot(grid[0], slope[0], label="derivative")
        ax.set_title(name); ax.set_xlabel("x"); ax.set_ylim(-1.2, 2.2); ax.grid(alpha=0.3)
    axes[0].legend()
    plt.show()
    """),
    md(r"""
    ## 3. Checking gradients numerically

    A backward pass is easy to get subtly wrong, and a wrong gradient still trains a
    little, so bugs hide. The cure is to compare with the definition of the derivative.
    The *centred* difference

    $$\frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}$$

    ($e_i$ is the $i$-th unit vector) has an error of order $h^2$, against $h$ for the
    one-sided $(f(x + h e_i) - f(x)) / h$. For an array-valued $f$ with upstream gradient
    `dout`, differentiate the scalar $\sum f(x) \cdot \text{dout}$: that gives exactly what
    a backward pass returns.

    Perturb one entry at a time and put it back exactly afterwards (keep the old value;
    adding and subtracting $h$ again need not give the same float). Work on a float64
    copy: an integer array would round the step $h$ away.

    Compare an analytic gradient $a$ with a numerical one $n$ by the relative error
    $\max_i |a_i - n_i| / \max(10^{-8}, |a_i| + |n_i|)$: the floor keeps two tiny numbers
    from counting as a large relative error. In float64, below $10^{-7}$ is right; around
    $10^{-4}$ is suspicious unless the function has kinks; above $10^{-2}$ is wrong.
    """),
    solution("numerical_gradient"),
    visible_test("""
    x = np.array([1.0, -2.0, 3.0])
    grad = numerical_gradient(lambda z: np.sum(z**2), x)
    assert np.allclose(grad, [2.0, -4.0, 6.0]), grad  # d/dx sum(x**2) = 2x
    assert np.array_equal(x, [1.0, -2.0, 3.0]), "x must be left unchanged"

    grad = numerical_gradient(lambda z: z[0, 0] * z[0, 1], np.array([[3.0, 4.0]]))
    assert np.allclose(grad, [[4.0, 3.0]]), grad  # d/dx (x0 x1) = (x1, x0)
    """),
    hidden_test("numerical_gradient"),
    solution("numerical_gradient_array"),
    visible_test("""
    A = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]])
    x = np.array([[1.0, 0.5, -1.0]])
    dout = np.array([[1.0, -2.0]])
    grad = numerical_gradient_array(lambda z: z @ A, x, dout)
    # for f(x) = x @ A the backward pass is dout @ A.T = [[1 - 4, 0 + 2, 3 - 2]] = [[-3, 2, 1]]
    assert np.allclose(grad, [[-3.0, 2.0, 1.0]]), grad
    """),
    hidden_test("numerical_gradient_array"),
    solution("relative_error"),
    visible_test("""
    # by hand: entries 0, 0.5 / 4.5 and 0, so the largest is 1/9
    assert np.isclose(relative_error(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.5, 3.0])), 1 / 9)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0, "two zeros agree (no 0 / 0)"
    """),
    hidden_test("relative_error"),
    md(r"""
    ### Experiment: how small should h be?

    Differentiate $f(x) = \sum_i \sin x_i$ (exact gradient $\cos x$) with step sizes from
    $10^{-12}$ to $10^{-1}$. For large $h$ the *truncation* error of the formula dominates
    ($\propto h^2$); for tiny $h$, $f(x + h)$ and $f(x - h)$ agree in almost all their digits
    and the *rounding* error ($\propto \epsilon_{\text{machine}} / h$) takes over.
    """),
    experiment("""
    x0 = np.linspace(-2.0, 2.0, 7)
    steps = np.logspace(-12, -1, 45)
    centred = [relative_error(numerical_gradient(lambda z: np.sum(np.sin(z)), x0, h=h), np.cos(x0)) for h in steps]

    def one_sided(f, x, h):
        # the forward difference, for comparison
        g = np.zeros_like(x)
        for i in range(x.size):
            e = np.zeros_like(x)
            e[i] = h
            g[i] = (f(x + e) - f(x)) / h
        return g

    forward = [relative_error(one_sided(lambda z: np.sum(np.sin(z)), x0, h), np.cos(x0)) for h in steps]
    plt.figure(figsize=(6.5, 4))
    plt.loglog(steps, centred, "o-", markersize=3, label="centred (your numerical_gradient)")
    plt.loglog(steps, forward, "s-", markersize=3, label="one-sided")
    plt.xlabel("step h"); plt.ylabel("relative error vs the exact gradient"); plt.legend(); plt.grid(alpha=0.3)
    plt.show()
    """),
    md(r"""
    ## 4. The multilayer perceptron

    A network with $L$ affine layers and parameters `params = {'W1', 'b1', ..., 'WL', 'bL'}`
    computes, with activation $g$,

    $$A_0 = X, \qquad A_l = g(A_{l-1} W_l + b_l) \;\; (l = 1, \dots, L - 1), \qquad
    \text{scores} = A_{L-1} W_L + b_L .$$

    The last layer has no activation: the scores are logits, and the loss applies the
    softmax. The cost adds an L2 penalty on the weights (not the biases):

    $$J = \frac{1}{N} \sum_{i=1}^{N} -\log \operatorname{softmax}(\text{scores}_i)_{y_i}
    \;+\; \frac{\lambda}{2N} \sum_{l=1}^{L} \lVert W_l \rVert_F^2 .$$

    Backpropagation runs the layers in reverse: `softmax_cross_entropy` gives
    $\partial J / \partial\,\text{scores}$; each layer's backward turns the gradient of its
    output into the gradient of its input (passed down as the next `dout`) and of its
    parameters. The penalty adds $\frac{\lambda}{N} W_l$ to each weight's gradient. Keep
    every layer's cache from the forward pass: the backward pass needs them all.

    `softmax_cross_entropy` is chapter 01's function, given below.
    """),
    provided("softmax_cross_entropy"),
    solution("mlp_forward"),
    visible_test("""
    params = {"W1": np.array([[1.0, -1.0]]), "b1": np.zeros(2),
              "W2": np.array([[1.0, 0.0], [0.0, 1.0]]), "b2": np.array([0.0, 0.5])}
    X = np.array([[2.0]])
    # by hand: hidden pre-activations [2, -2]; ReLU gives [2, 0]; scores [2, 0] + [0, 0.5] = [2, 0.5]
    assert np.allclose(mlp_forward(params, X), [[2.0, 0.5]]), mlp_forward(params, X)
    # with tanh: [tanh 2, tanh -2] + [0, 0.5]
    assert np.allclose(mlp_forward(params, X, "tanh"), [[np.tanh(2.0), np.tanh(-2.0) + 0.5]])
    one_layer = {"W1": np.array([[1.0, -1.0], [0.0, 2.0]]), "b1": np.array([0.0, 1.0])}
    assert np.allclose(mlp_forward(one_layer, np.array([[1.0, 1.0]])), [[1.0, 2.0]]), "one layer: affine only"
    """),
    hidden_test("mlp_forward"),
    solution("mlp_loss"),
    visible_test("""
    # all-zero parameters: every class gets score 0, so the loss is log(C) = log 3
    zero = {"W1": np.zeros((2, 3)), "b1": np.zeros(3)}
    loss, grads = mlp_loss(zero, np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0, 2]))
    assert np.isclose(loss, np.log(3.0)), loss
    assert set(grads) == {"W1", "b1"} and grads["W1"].shape == (2, 3)

    # every gradient against centred differences of your own mlp_loss, each activation, with a penalty
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(5, 3)), rng.integers(0, 4, size=5)
    params = {"W1": rng.normal(size=(3, 6)), "b1": rng.normal(size=6),
              "W2": rng.normal(size=(6, 4)), "b2": rng.normal(size=4)}
    for activation in ("relu", "sigmoid", "tanh"):
        loss, grads = mlp_loss(params, X, y, activation, l2=0.3)
        for key in params:
            f = lambda p, key=key: mlp_loss({**params, key: p}, X, y, activation, l2=0.3)[0]
            result = check_gradient(f, params[key], grads[key])
            assert result.passed(1e-6), f"{activation}, {key}: {result}"
        print(f"{activation}: loss {loss:.4f}, all gradients agree with finite differences")
    """),
    hidden_test("mlp_loss"),
    md(r"""
    ### Experiment: training a two-layer network on spirals

    Three interleaved spiral arms cannot be separated by straight lines, but a network
    with one hidden layer of 64 units can learn them. Train it with plain gradient descent
    on the whole training set for 1000 steps and watch the cost fall; then look at the
    regions it assigns to each class.
    """),
    experiment("""
    data = make_spirals(np.random.default_rng(0), n_samples=300, n_classes=3, noise=0.2)
    rng = np.random.default_rng(1)
    H, C = 64, data.n_classes
    params = {"W1": rng.normal(size=(2, H)) * np.sqrt(2 / 2), "b1": np.zeros(H),
              "W2": rng.normal(size=(H, C)) * np.sqrt(2 / H), "b2": np.zeros(C)}

    history = []
    for step in range(1000):
        loss, grads = mlp_loss(params, data.X_train, data.y_train, "relu", l2=1e-3)
        params = {k: params[k] - 1.0 * grads[k] for k in params}
        history.append(loss)

    def accuracy(X, y):
        return np.mean(np.argmax(mlp_forward(params, X), axis=1) == y)

    print(f"training accuracy {accuracy(data.X_train, data.y_train):.2f}, "
          f"validation accuracy {accuracy(data.X_val, data.y_val):.2f}")

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    axes[0].plot(history)
    axes[0].set_xlabel("step"); axes[0].set_ylabel("training cost"); axes[0].set_yscale("log")
    a, b = np.meshgrid(np.linspace(-1.3, 1.3, 150), np.linspace(-1.3, 1.3, 150))
    regions = np.argmax(mlp_forward(params, np.column_stack([a.ravel(), b.ravel()])), axis=1)
    axes[1].contourf(a, b, regions.reshape(a.shape), alpha=0.3, levels=np.arange(C + 1) - 0.5, cmap="brg")
    axes[1].scatter(data.X_train[:, 0], data.X_train[:, 1], c=data.y_train, s=12, cmap="brg")
    axes[1].set_aspect("equal"); axes[1].set_title("decision regions and training points")
    plt.show()
    """),
]
