"""Notebook 07: batch normalization."""
from ..cells import experiment, hidden_test, md, provided, setup, solution, visible_test

CELLS = [
    md(r"""
    # 07 · Batch normalization

    A batch normalization layer standardizes each feature of its input over the examples
    of the mini-batch, then lets the network choose a scale $\gamma$ and a shift $\beta$ of
    its own. In this notebook you implement its forward pass, in training and in test
    mode (with running statistics, as PyTorch's `BatchNorm1d` does), and its backward
    pass, then watch it rescue a deep network whose initialization is too small.

    Read the book chapter first: **[Batch normalization](../../book/07_batchnorm.md)**.

    **Conventions.** A batch `x` has shape `(N, D)`: statistics are taken over axis 0, one
    per feature. `gamma`, `beta`, `running_mean` and `running_var` have shape `(D,)`. The
    forward pass returns `(out, cache, new_running_mean, new_running_var)`: the running
    statistics are *returned*, never updated in place, and a fresh layer starts with
    running mean 0 and running variance 1. The backward pass returns
    `(dx, dgamma, dbeta)`.

    **How you are graded.** Visible checks follow each function; hidden tests run when
    your notebook is graded: random batches of several shapes (N = 2 and odd sizes),
    several `momentum` and `eps` values, features whose spread is tiny or whose mean is
    huge, test mode with a single example, finite-difference gradient checks, and checks
    that your inputs are left untouched.
    """),
    setup("""
    import numpy as np
    import matplotlib.pyplot as plt

    from mlpkit.data import load_digits
    from mlpkit.gradcheck import check_gradient
    """),
    md(r"""
    ## 1. The forward pass

    **Train mode**, feature by feature over the $N$ examples of the batch:

    $$\mu = \frac1N \sum_i x_i, \qquad \sigma^2 = \frac1N \sum_i (x_i - \mu)^2, \qquad
    \hat x_i = \frac{x_i - \mu}{\sqrt{\sigma^2 + \varepsilon}}, \qquad
    \text{out}_i = \gamma\, \hat x_i + \beta .$$

    The layer also keeps exponential moving averages of the batch statistics for use
    at test time. Following PyTorch, `momentum` is the weight of the *new* batch:

    $$\text{new} = (1 - \text{momentum}) \cdot \text{running} + \text{momentum} \cdot \text{batch statistic},$$

    and the running variance averages the *unbiased* batch variance
    $\frac{1}{N-1}\sum_i (x_i - \mu)^2 = \sigma^2 \frac{N}{N-1}$, while the normalization
    itself uses the biased $\sigma^2$. With a single example the unbiased variance is
    undefined: train mode raises `ValueError` for $N = 1$.

    **Test mode** normalizes with the running statistics instead,
    $\hat x = (x - \text{running\_mean}) / \sqrt{\text{running\_var} + \varepsilon}$, so the
    output for one example no longer depends on the rest of the batch (and a batch of
    one is fine); the running statistics are returned unchanged, as new arrays.

    Compute the variance as the mean of squared deviations from the mean:
    $\overline{x^2} - \mu^2$ is mathematically equal but loses all its digits when
    $|\mu|$ is large compared with the spread.
    """),
    solution("batchnorm_forward"),
    visible_test("""
    x = np.array([[1.0, 2.0], [3.0, 6.0]])
    gamma, beta = np.ones(2), np.zeros(2)
    running_mean, running_var = np.zeros(2), np.ones(2)
    out, cache, new_mean, new_var = batchnorm_forward(x, gamma, beta, running_mean, running_var,
                                                      momentum=0.1, eps=0.0)
    # by hand: batch means [2, 4]; deviations +-1 and +-2, so biased variances [1, 4]
    # and x_hat = [[-1, -1], [1, 1]]
    assert out.shape == x.shape
    assert np.allclose(out, [[-1.0, -1.0], [1.0, 1.0]]), out
    # running mean: 0.9 * 0 + 0.1 * [2, 4] = [0.2, 0.4]
    assert np.allclose(new_mean, [0.2, 0.4]), new_mean
    # unbiased variances: [1, 4] * N / (N - 1) = [2, 8]; running var: 0.9 * 1 + 0.1 * [2, 8] = [1.1, 1.7]
    assert np.allclose(new_var, [1.1, 1.7]), new_var
    assert np.array_equal(running_mean, [0.0, 0.0]) and np.array_equal(running_var, [1.0, 1.0]), \\
        "the running statistics passed in must not change: return new ones"

    # gamma scales and beta shifts each feature: [[2 * -1 + 1, 0.5 * -1 - 1], [2 * 1 + 1, 0.5 * 1 - 1]]
    out, *_ = batchnorm_forward(x, np.array([2.0, 0.5]), np.array([1.0, -1.0]), running_mean, running_var, eps=0.0)
    assert np.allclose(out, [[-1.0, -1.5], [3.0, -0.5]]), out

    # test mode, one example: (3 - 1) / sqrt(4) = 1, then 2 * 1 + 1 = 3
    out, _, new_mean, new_var = batchnorm_forward(np.array([[3.0]]), np.array([2.0]), np.array([1.0]),
                                                  np.array([1.0]), np.array([4.0]), mode="test", eps=0.0)
    assert np.allclose(out, [[3.0]]), out
    assert np.allclose(new_mean, [1.0]) and np.allclose(new_var, [4.0]), "test mode leaves the statistics unchanged"

    # in train mode every feature of the output has mean 0 and variance close to 1
    rng = np.random.default_rng(0)
    x = rng.normal(loc=[5.0, -2.0, 0.0], scale=[3.0, 0.1, 1.0], size=(50, 3))
    out, *_ = batchnorm_forward(x, np.ones(3), np.zeros(3), np.zeros(3), np.ones(3))
    assert np.allclose(out.mean(axis=0), 0.0) and np.allclose(out.var(axis=0), 1.0, atol=2e-3)

    try:
        batchnorm_forward(np.array([[1.0, 2.0]]), gamma, beta, running_mean, running_var)
    except ValueError:
        pass
    else:
        raise AssertionError("train mode with a single example should raise ValueError")
    """),
    hidden_test("batchnorm_forward"),
    md(r"""
    ### Experiment: the running statistics find the population's

    Draw 300 batches of 32 examples from a population whose features have known means
    and variances, and run the layer in train mode on each, feeding back the running
    statistics it returns. How many steps does the running mean need with momentum 0.1?
    How noisy is the estimate at the end, and how does a smaller momentum change that?
    """),
    experiment("""
    rng = np.random.default_rng(0)
    mu_pop = np.array([2.0, -1.0, 0.5])
    sd_pop = np.array([3.0, 0.5, 1.0])
    gamma, beta = np.ones(3), np.zeros(3)

    fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
    for momentum, style in [(0.1, "-"), (0.02, ":")]:
        running_mean, running_var = np.zeros(3), np.ones(3)
        means, variances = [], []
        for step in range(300):
            batch = mu_pop + sd_pop * rng.normal(size=(32, 3))
            _, _, running_mean, running_var = batchnorm_forward(batch, gamma, beta, running_mean, running_var,
                                                                momentum=momentum)
            means.append(running_mean); variances.append(running_var)
        for j in range(3):
            axes[0].plot(np.array(means)[:, j], style, color=f"C{j}", label=f"feature {j}, momentum {momentum}")
            axes[1].plot(np.array(variances)[:, j], style, color=f"C{j}")
    for j in range(3):
        axes[0].axhline(mu_pop[j], color=f"C{j}", lw=0.8, ls="--")
        axes[1].axhline(sd_pop[j] ** 2, color=f"C{j}", lw=0.8, ls="--")
    axes[0].set_title("running mean (dashed: population mean)")
    axes[1].set_title("running variance (dashed: population variance)")
    axes[1].set_yscale("log")
    for ax in axes:
        ax.set_xlabel("training step")
    axes[0].legend(fontsize=7)
    plt.show()
    """),
    md(r"""
    ## 2. The backward pass

    Every output of a feature depends on every input of that feature, through $\mu$ and
    $\sigma^2$. Summing the chain rule over those paths gives, feature by feature,

    $$\frac{\partial J}{\partial \beta} = \sum_i \text{dout}_i, \qquad
    \frac{\partial J}{\partial \gamma} = \sum_i \text{dout}_i\, \hat x_i, \qquad
    \frac{\partial J}{\partial x_i} = \frac{\gamma}{\sqrt{\sigma^2 + \varepsilon}}
    \left(\text{dout}_i - \frac1N \sum_k \text{dout}_k - \hat x_i\, \frac1N \sum_k \text{dout}_k\, \hat x_k\right).$$

    The two subtracted terms are the paths through the mean and through the variance;
    without them you would be differentiating a layer whose statistics are constants.
    Keep in the cache whatever your formula needs (for instance $\hat x$, $\gamma$ and
    $\sqrt{\sigma^2 + \varepsilon}$). The hidden tests check the train-mode gradients.
    """),
    solution("batchnorm_backward"),
    visible_test("""
    rng = np.random.default_rng(1)
    x = rng.normal(loc=3.0, scale=2.0, size=(6, 4))
    gamma, beta = rng.uniform(0.5, 2.0, size=4), rng.normal(size=4)
    running_mean, running_var = np.zeros(4), np.ones(4)
    dout = rng.normal(size=x.shape)
    _, cache, _, _ = batchnorm_forward(x, gamma, beta, running_mean, running_var)
    dx, dgamma, dbeta = batchnorm_backward(dout, cache)
    assert dx.shape == x.shape and dgamma.shape == (4,) and dbeta.shape == (4,)
    # beta is added to every example: its gradient is the column sum of dout
    assert np.allclose(dbeta, dout.sum(axis=0)), dbeta
    # adding a constant to a feature of x leaves the output unchanged, so dx sums to 0 down each column
    assert np.allclose(dx.sum(axis=0), 0.0), dx.sum(axis=0)

    checks = {
        "dx": check_gradient(lambda z: batchnorm_forward(z, gamma, beta, running_mean, running_var)[0], x, dx, dout=dout),
        "dgamma": check_gradient(lambda g: batchnorm_forward(x, g, beta, running_mean, running_var)[0], gamma, dgamma, dout=dout),
        "dbeta": check_gradient(lambda b: batchnorm_forward(x, gamma, b, running_mean, running_var)[0], beta, dbeta, dout=dout),
    }
    for name, result in checks.items():
        print(name, "gradient check:", result)
        assert result.passed(1e-6), name
    """),
    hidden_test("batchnorm_backward"),
    md(r"""
    ### Experiment: a deep network with a too-small initialization

    Four hidden ReLU layers of 64 units on the digits, all weights drawn from
    $\mathcal N(0, 0.05^2)$: without normalization the signal shrinks layer after layer,
    and so do the gradients, so plain SGD barely moves for a long time. With a batch
    normalization layer before each ReLU, every layer sees standardized inputs again.
    The affine, ReLU and loss functions below are the ones you wrote in chapters 01
    and 03.
    """),
    *provided("affine_forward", "affine_backward", "relu_forward", "relu_backward", "softmax_cross_entropy"),
    experiment("""
    data = load_digits(np.random.default_rng(0))


    def train(use_bn, scale=0.05, sizes=(64, 64, 64, 64, 10), steps=300, lr=0.1, batch=64, seed=1):
        rng = np.random.default_rng(seed)
        n_layers = len(sizes) - 1
        W = [rng.normal(scale=scale, size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
        b = [np.zeros(s) for s in sizes[1:]]
        gamma = [np.ones(s) for s in sizes[1:-1]]
        beta = [np.zeros(s) for s in sizes[1:-1]]
        run_mean = [np.zeros(s) for s in sizes[1:-1]]
        run_var = [np.ones(s) for s in sizes[1:-1]]
        losses = []
        for step in range(steps):
            idx = rng.choice(len(data.X_train), size=batch, replace=False)
            h, caches = data.X_train[idx], []
            for l in range(n_layers):
                h, c_aff = affine_forward(h, W[l], b[l])
                c_bn = c_relu = None
                if l < n_layers - 1:
                    if use_bn:
                        h, c_bn, run_mean[l], run_var[l] = batchnorm_forward(h, gamma[l], beta[l], run_mean[l], run_var[l])
                    h, c_relu = relu_forward(h)
                caches.append((c_aff, c_bn, c_relu))
            loss, d = softmax_cross_entropy(h, data.y_train[idx])
            losses.append(loss)
            for l in reversed(range(n_layers)):
                c_aff, c_bn, c_relu = caches[l]
                if c_relu is not None:
                    d = relu_backward(d, c_relu)
                    if use_bn:
                        d, dgamma, dbeta = batchnorm_backward(d, c_bn)
                        gamma[l] = gamma[l] - lr * dgamma
                        beta[l] = beta[l] - lr * dbeta
                d, dW, db = affine_backward(d, c_aff)
                W[l] = W[l] - lr * dW
                b[l] = b[l] - lr * db
        return losses


    plt.figure(figsize=(7, 3.5))
    plt.plot(train(use_bn=False), label="without batch normalization")
    plt.plot(train(use_bn=True), label="with batch normalization")
    plt.xlabel("SGD step"); plt.ylabel("minibatch loss"); plt.legend()
    plt.show()
    """),
]
