"""Notebook 06: ReLU and its variants."""
from ..cells import experiment, hidden_test, md, setup, solution, visible_test

CELLS = [
    md(r"""
    # 06 · ReLU and its variants

    ReLU passes positive inputs unchanged and zeroes the rest, so a unit whose
    pre-activation stays negative gets no gradient at all and stops learning (a "dead"
    unit). In this notebook you implement six activations that keep some signal on the
    negative side, each as a forward and a backward pass:

    | activation | negative side ($x \le 0$) | what is special |
    |---|---|---|
    | leaky ReLU | $\alpha x$ | a small fixed slope |
    | PReLU | $\alpha x$ | the slope $\alpha$ is a parameter: you also return $\partial J/\partial\alpha$ |
    | RReLU | $a x$ | a random slope per element while training, the mean slope at test time |
    | ELU | $\alpha(e^{x} - 1)$ | smooth, saturates at $-\alpha$ |
    | SELU | $\lambda\alpha(e^{x} - 1)$ | ELU scaled so that activations stay standardized |
    | softplus | $\log(1 + e^{x})$ everywhere | a smooth ReLU |

    Read the book chapter first: **[ReLU and its variants](../../book/06_relu.md)**.

    **Conventions.** `NAME_forward(x, ...)` returns `(out, cache)`; `NAME_backward(dout, cache)`
    returns `dx` (PReLU: `(dx, dalpha)`), where `dout` is $\partial J/\partial\,\text{out}$ and
    the cache is whatever your backward needs. The piecewise functions take the
    $x \le 0$ branch at exactly $x = 0$, so their derivative there is the negative-side
    slope. No function may modify its inputs, overflow, or warn for finite inputs of
    any size, and randomness comes only from the `rng` argument.

    **How you are graded.** Each function is followed by visible checks you can run, then
    by hidden tests that run when your notebook is graded: random inputs with exact
    zeros, inputs as large as $10^4$, finite-difference gradient checks, and for RReLU
    statistical tests of your random slopes.
    """),
    setup("""
    import numpy as np
    import matplotlib.pyplot as plt

    from mlpkit.gradcheck import check_gradient

    # a few inputs on both sides of the kink, including 0 itself
    x_demo = np.array([[-2.0, -0.5, 0.0, 0.5, 2.0]])


    def away_from_zero(rng, shape):
        # finite differences across the kink at 0 would be meaningless: keep |x| >= 0.1
        return rng.uniform(0.1, 3.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    """),
    md(r"""
    ## 1. Leaky ReLU

    $$\operatorname{LReLU}(x) = \begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases}
    \qquad \frac{d}{dx}\operatorname{LReLU}(x) = \begin{cases} 1 & x > 0 \\ \alpha & x \le 0 \end{cases}$$

    The backward pass multiplies this local derivative by the upstream gradient `dout`
    (the chain rule), entry by entry.
    """),
    solution("leaky_relu_forward"),
    visible_test("""
    out, cache = leaky_relu_forward(x_demo, alpha=0.1)
    # by hand: 0.1 * -2 = -0.2, 0.1 * -0.5 = -0.05, 0.1 * 0 = 0, then 0.5 and 2 unchanged
    assert out.shape == x_demo.shape
    assert np.allclose(out, [[-0.2, -0.05, 0.0, 0.5, 2.0]]), out
    out_default, _ = leaky_relu_forward(x_demo)
    assert np.isclose(out_default[0, 0], -0.02), "the default slope is alpha = 0.01"
    """),
    hidden_test("leaky_relu_forward"),
    solution("leaky_relu_backward"),
    visible_test("""
    _, cache = leaky_relu_forward(x_demo, alpha=0.1)
    dx = leaky_relu_backward(np.array([[1.0, 2.0, 3.0, 4.0, 5.0]]), cache)
    # slope 0.1 where x <= 0 (x = 0 included), 1 where x > 0: [0.1, 0.2, 0.3, 4, 5]
    assert np.allclose(dx, [[0.1, 0.2, 0.3, 4.0, 5.0]]), dx

    rng = np.random.default_rng(0)
    x = away_from_zero(rng, (4, 6))
    dout = rng.normal(size=x.shape)
    _, cache = leaky_relu_forward(x, alpha=0.1)
    result = check_gradient(lambda z: leaky_relu_forward(z, alpha=0.1)[0], x,
                            leaky_relu_backward(dout, cache), dout=dout)
    print("gradient check:", result)
    assert result.passed(1e-6)
    """),
    hidden_test("leaky_relu_backward"),
    md(r"""
    ## 2. Parametric ReLU

    PReLU is leaky ReLU with a *learned* slope: `alpha` is a parameter, either one
    slope shared by every unit (shape `()`) or one per feature (shape `(D,)`, broadcast
    over the batch). Besides `dx`, the backward returns

    $$\frac{\partial J}{\partial \alpha_j} = \sum_{i\,:\,x_{ij} \le 0} \text{dout}_{ij}\, x_{ij},$$

    summed over the batch (and over the features too when the slope is shared), so that
    `dalpha` has exactly the shape of `alpha`. Nothing keeps a learned slope below 1.
    """),
    solution("prelu_forward"),
    visible_test("""
    x = np.array([[-2.0, 3.0], [-1.0, -4.0]])
    out, _ = prelu_forward(x, np.array([0.5, 0.25]))
    # feature 0 has slope 0.5, feature 1 slope 0.25: [[-1, 3], [-0.5, -1]]
    assert np.allclose(out, [[-1.0, 3.0], [-0.5, -1.0]]), out
    out, _ = prelu_forward(x, np.array(2.0))
    # a slope above 1 is allowed: negative entries are doubled
    assert np.allclose(out, [[-4.0, 3.0], [-2.0, -8.0]]), out
    """),
    hidden_test("prelu_forward"),
    solution("prelu_backward"),
    visible_test("""
    x = np.array([[-2.0, 3.0], [-1.0, -4.0]])
    dout = np.ones_like(x)
    _, cache = prelu_forward(x, np.array([0.5, 0.25]))
    dx, dalpha = prelu_backward(dout, cache)
    assert np.allclose(dx, [[0.5, 1.0], [0.5, 0.25]]), dx
    # feature 0: x = -2 and -1 are negative, so dalpha_0 = -2 + -1 = -3; feature 1: only -4
    assert dalpha.shape == (2,), f"dalpha must have alpha's shape (2,), got {dalpha.shape}"
    assert np.allclose(dalpha, [-3.0, -4.0]), dalpha

    _, cache = prelu_forward(x, np.array(0.5))
    _, dalpha = prelu_backward(dout, cache)
    # a shared slope collects every negative entry: -2 - 1 - 4 = -7
    assert np.shape(dalpha) == (), f"dalpha must have alpha's shape (), got {np.shape(dalpha)}"
    assert np.isclose(dalpha, -7.0), dalpha

    rng = np.random.default_rng(1)
    x = away_from_zero(rng, (5, 3))
    alpha = np.array([0.2, 1.3, -0.4])
    dout = rng.normal(size=x.shape)
    dx, dalpha = prelu_backward(dout, prelu_forward(x, alpha)[1])
    for name, res in [
        ("dx", check_gradient(lambda z: prelu_forward(z, alpha)[0], x, dx, dout=dout)),
        ("dalpha", check_gradient(lambda a: prelu_forward(x, a)[0], alpha, dalpha, dout=dout)),
    ]:
        print(name, "gradient check:", res)
        assert res.passed(1e-6)
    """),
    hidden_test("prelu_backward"),
    md(r"""
    ## 3. Randomized leaky ReLU

    In train mode RReLU draws one slope per element, $a_{ij} \sim U(\text{lower}, \text{upper})$,
    and uses it wherever $x_{ij} \le 0$; positive entries pass unchanged. At test time
    the randomness is replaced by its average, the fixed slope
    $(\text{lower} + \text{upper}) / 2$. Draw only from `rng` (two generators with the same
    seed must give the same output), and raise `ValueError` in train mode when
    `rng` is None. The backward pass must use the slopes of *its* forward pass: keep them
    in the cache.
    """),
    solution("rrelu_forward"),
    visible_test("""
    x = np.array([[-3.0, 0.0, 2.0]])
    out, _ = rrelu_forward(x, lower=0.1, upper=0.3, mode="test")
    # test mode: slope (0.1 + 0.3) / 2 = 0.2, so -3 -> -0.6
    assert np.allclose(out, [[-0.6, 0.0, 2.0]]), out

    x = np.random.default_rng(2).normal(size=(200, 50))
    out, _ = rrelu_forward(x, mode="train", rng=np.random.default_rng(3))
    neg = x < 0
    slopes = out[neg] / x[neg]
    assert np.array_equal(out[~neg], x[~neg]), "positive entries pass unchanged"
    assert slopes.min() >= 1 / 8 - 1e-12 and slopes.max() <= 1 / 3 + 1e-12, "slopes lie in [lower, upper]"
    assert np.unique(slopes).size > 0.9 * slopes.size, "one slope per element"
    print(f"mean slope {slopes.mean():.4f} (the uniform's mean is {(1/8 + 1/3) / 2:.4f})")
    again, _ = rrelu_forward(x, mode="train", rng=np.random.default_rng(3))
    assert np.array_equal(out, again), "the same seed gives the same slopes"
    try:
        rrelu_forward(x, mode="train", rng=None)
    except ValueError:
        pass
    else:
        raise AssertionError("train mode without rng should raise ValueError")
    """),
    hidden_test("rrelu_forward"),
    solution("rrelu_backward"),
    visible_test("""
    rng = np.random.default_rng(4)
    x = away_from_zero(rng, (6, 4))
    dout = rng.normal(size=x.shape)
    out, cache = rrelu_forward(x, mode="train", rng=np.random.default_rng(5))
    dx = rrelu_backward(dout, cache)
    # the function is linear on each side of 0, so its slope there is out / x
    assert np.allclose(dx, dout * out / x), "dx uses the slopes of the forward pass"
    # the same generator state gives the same slopes, so finite differences are meaningful
    result = check_gradient(lambda z: rrelu_forward(z, mode="train", rng=np.random.default_rng(5))[0],
                            x, dx, dout=dout)
    print("gradient check:", result)
    assert result.passed(1e-6)
    """),
    hidden_test("rrelu_backward"),
    md(r"""
    ### Experiment: three ways to keep negative inputs alive

    Plot leaky ReLU, PReLU with a few slopes, and RReLU in both modes with their
    derivatives (the backward pass with `dout = 1`). In train mode RReLU is a cloud
    between the two lines of slope `lower` and `upper`.
    """),
    experiment("""
    x = np.linspace(-3, 3, 601)[None, :]
    ones = np.ones_like(x)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))

    out, cache = leaky_relu_forward(x, alpha=0.1)
    axes[0].plot(x[0], out[0], label="leaky ReLU, alpha = 0.1")
    axes[1].plot(x[0], leaky_relu_backward(ones, cache)[0], label="leaky ReLU")
    for a in (0.5, 1.5):
        out, cache = prelu_forward(x, np.array(a))
        axes[0].plot(x[0], out[0], label=f"PReLU, alpha = {a}")
        axes[1].plot(x[0], prelu_backward(ones, cache)[0][0], label=f"PReLU, alpha = {a}")

    out, cache = rrelu_forward(x, mode="train", rng=np.random.default_rng(0))
    axes[0].scatter(x[0, ::6], out[0, ::6], s=6, color="gray", label="RReLU, train")
    axes[1].scatter(x[0, ::6], rrelu_backward(ones, cache)[0, ::6], s=6, color="gray", label="RReLU, train")
    out, cache = rrelu_forward(x, mode="test")
    axes[0].plot(x[0], out[0], "k--", label="RReLU, test")

    axes[0].set_title("activation"); axes[1].set_title("derivative (backward with dout = 1)")
    for ax in axes:
        ax.axhline(0, color="k", lw=0.5); ax.axvline(0, color="k", lw=0.5)
        ax.set_xlabel("x"); ax.legend(fontsize=8)
    plt.show()
    """),
    md(r"""
    ## 4. ELU and SELU

    $$\operatorname{ELU}(x) = \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases}
    \qquad \frac{d}{dx}\operatorname{ELU}(x) = \begin{cases} 1 & x > 0 \\ \alpha e^{x} & x \le 0 \end{cases}$$

    On the negative side the derivative $\alpha e^x$ also equals $\operatorname{ELU}(x) + \alpha$:
    either form is fine. SELU is $\lambda \cdot \operatorname{ELU}_\alpha$ with PyTorch's
    constants $\lambda = 1.0507009873554805$ and $\alpha = 1.6732632423543772$.

    **Stability.** `np.where(cond, a, b)` computes *both* `a` and `b` on every entry
    before choosing, so `np.exp(x)` runs on $x = 1000$ too, where it overflows to `inf`
    (with a warning) even though that branch is then thrown away. Only exponentiate
    numbers that cannot be large, such as `np.minimum(x, 0)`. `np.expm1(t)` computes
    $e^t - 1$ accurately when $t$ is close to 0.
    """),
    solution("elu_forward"),
    visible_test("""
    x = np.array([[-np.log(2.0), 0.0, 3.0]])
    out, _ = elu_forward(x, alpha=2.0)
    # exp(-ln 2) = 1/2, so 2 * (1/2 - 1) = -1; ELU(0) = 0; positives unchanged
    assert np.allclose(out, [[-1.0, 0.0, 3.0]]), out

    with np.errstate(over="raise", invalid="raise"):
        out, _ = elu_forward(np.array([[1e4, -1e4]]))
    assert np.allclose(out, [[1e4, -1.0]]), "ELU tends to -alpha for very negative x"
    """),
    hidden_test("elu_forward"),
    solution("elu_backward"),
    visible_test("""
    x = np.array([[-np.log(2.0), 0.0, 3.0]])
    _, cache = elu_forward(x, alpha=2.0)
    dx = elu_backward(np.ones_like(x), cache)
    # alpha * exp(x): 2 * 1/2 = 1 at -ln 2, and 2 * e^0 = 2 at x = 0 (the x <= 0 branch)
    assert np.allclose(dx, [[1.0, 2.0, 1.0]]), dx

    rng = np.random.default_rng(6)
    x = away_from_zero(rng, (4, 5))
    dout = rng.normal(size=x.shape)
    dx = elu_backward(dout, elu_forward(x, alpha=0.7)[1])
    result = check_gradient(lambda z: elu_forward(z, alpha=0.7)[0], x, dx, dout=dout)
    print("gradient check:", result)
    assert result.passed(1e-6)
    """),
    hidden_test("elu_backward"),
    solution("selu_forward"),
    visible_test("""
    scale, alpha = 1.0507009873554805, 1.6732632423543772
    x = np.array([[-np.log(2.0), 0.0, 1.0]])
    out, _ = selu_forward(x)
    # scale * alpha * (1/2 - 1) at -ln 2, 0 at 0, scale * 1 at 1
    assert np.allclose(out, [[-scale * alpha / 2, 0.0, scale]]), out
    with np.errstate(over="raise", invalid="raise"):
        out, _ = selu_forward(np.array([[1e4, -1e4]]))
    assert np.allclose(out, [[scale * 1e4, -scale * alpha]]), out
    """),
    hidden_test("selu_forward"),
    solution("selu_backward"),
    visible_test("""
    scale, alpha = 1.0507009873554805, 1.6732632423543772
    x = np.array([[-np.log(2.0), 0.0, 1.0]])
    dx = selu_backward(np.ones_like(x), selu_forward(x)[1])
    # scale * alpha * exp(x) for x <= 0 (1/2 and 1), scale for x > 0
    assert np.allclose(dx, [[scale * alpha / 2, scale * alpha, scale]]), dx

    rng = np.random.default_rng(7)
    x = away_from_zero(rng, (4, 5))
    dout = rng.normal(size=x.shape)
    result = check_gradient(lambda z: selu_forward(z)[0], x, selu_backward(dout, selu_forward(x)[1]), dout=dout)
    print("gradient check:", result)
    assert result.passed(1e-6)
    """),
    hidden_test("selu_backward"),
    md(r"""
    ## 5. Softplus

    $$\operatorname{softplus}(x) = \log(1 + e^{x}) = \max(x, 0) + \log\!\left(1 + e^{-|x|}\right),
    \qquad \frac{d}{dx}\operatorname{softplus}(x) = \sigma(x) = \frac{1}{1 + e^{-x}} .$$

    The two forms of softplus are equal for every $x$, but only the second never
    exponentiates a positive number. Compute the sigmoid in the backward pass from
    $e^{-|x|}$ as well: $1/(1 + e^{-|x|})$ for $x \ge 0$ and $e^{-|x|}/(1 + e^{-|x|})$ for $x < 0$.
    (Softplus is smooth, so there is no kink and no special case at 0.)
    """),
    solution("softplus_forward"),
    visible_test("""
    out, _ = softplus_forward(np.array([[0.0, 1.0]]))
    # log(1 + e^0) = log 2; log(1 + e) = 1.3132616875...
    assert np.allclose(out, [[np.log(2.0), np.log(1.0 + np.e)]]), out
    with np.errstate(over="raise", invalid="raise"):
        out, _ = softplus_forward(np.array([[1e3, -1e3, 1e4]]))
    # far right softplus(x) = x; far left it is e^x, which is 0.0 in floating point
    assert np.allclose(out, [[1e3, 0.0, 1e4]]), out
    """),
    hidden_test("softplus_forward"),
    solution("softplus_backward"),
    visible_test("""
    dx = softplus_backward(np.ones((1, 3)), softplus_forward(np.array([[0.0, 50.0, -50.0]]))[1])
    # sigmoid(0) = 1/2; sigmoid(50) rounds to 1; sigmoid(-50) is about 2e-22
    assert np.allclose(dx, [[0.5, 1.0, 0.0]]), dx
    with np.errstate(over="raise", invalid="raise"):
        dx = softplus_backward(np.ones((1, 2)), softplus_forward(np.array([[-1e4, 1e4]]))[1])
    assert np.allclose(dx, [[0.0, 1.0]]), dx

    rng = np.random.default_rng(8)
    x = rng.normal(scale=1.5, size=(4, 5))
    dout = rng.normal(size=x.shape)
    dx = softplus_backward(dout, softplus_forward(x)[1])
    result = check_gradient(lambda z: softplus_forward(z)[0], x, dx, dout=dout)
    print("gradient check:", result)
    assert result.passed(1e-6)
    """),
    hidden_test("softplus_backward"),
    md(r"""
    ## 6. Experiments

    **All six activations side by side.** Which ones are smooth at 0? Which saturate on
    the negative side, and at what value? Where is each derivative 0 or close to it?
    """),
    experiment("""
    x = np.linspace(-4, 3, 701)[None, :]
    ones = np.ones_like(x)
    pairs = {
        "leaky ReLU (0.1)": (lambda z: leaky_relu_forward(z, alpha=0.1), leaky_relu_backward),
        "PReLU (0.25)": (lambda z: prelu_forward(z, np.array(0.25)), lambda d, c: prelu_backward(d, c)[0]),
        "RReLU (test)": (lambda z: rrelu_forward(z, mode="test"), rrelu_backward),
        "ELU": (elu_forward, elu_backward),
        "SELU": (selu_forward, selu_backward),
        "softplus": (softplus_forward, softplus_backward),
    }
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for name, (fwd, bwd) in pairs.items():
        out, cache = fwd(x)
        axes[0].plot(x[0], out[0], label=name)
        axes[1].plot(x[0], bwd(ones, cache)[0], label=name)
    axes[0].set_title("activation"); axes[1].set_title("derivative")
    for ax in axes:
        ax.axhline(0, color="k", lw=0.5); ax.axvline(0, color="k", lw=0.5)
        ax.set_xlabel("x"); ax.legend(fontsize=8)
    plt.show()
    """),
    md(r"""
    **Self-normalization.** Push a standardized batch through 30 layers with LeCun-normal
    weights, $W \sim \mathcal N(0, 1/\text{fan\_in})$, and watch the mean and standard
    deviation of the activations layer after layer. SELU's constants are chosen so that
    mean 0 and variance 1 are a fixed point; with ELU or leaky ReLU the standard deviation
    shrinks layer after layer (for leaky ReLU, He initialization would compensate).
    """),
    experiment("""
    rng = np.random.default_rng(0)
    width, depth = 100, 30
    X0 = rng.normal(size=(256, width))
    weights = [rng.normal(scale=1 / np.sqrt(width), size=(width, width)) for _ in range(depth)]
    activations = {
        "SELU": lambda z: selu_forward(z)[0],
        "ELU": lambda z: elu_forward(z)[0],
        "leaky ReLU (0.01)": lambda z: leaky_relu_forward(z)[0],
    }
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
    for name, act in activations.items():
        h, means, stds = X0, [], []
        for W in weights:
            h = act(h @ W)
            means.append(h.mean()); stds.append(h.std())
        axes[0].plot(range(1, depth + 1), means, label=name)
        axes[1].plot(range(1, depth + 1), stds, label=name)
    axes[0].set_title("mean of the activations"); axes[1].set_title("standard deviation")
    axes[1].set_yscale("log")
    for ax in axes:
        ax.set_xlabel("layer"); ax.legend()
    plt.show()
    """),
]
