"""Notebook 08: regularization (L2 and L1 penalties, early stopping)."""
from ..cells import experiment, hidden_test, md, setup, solution, visible_test

CELLS = [
    md(r"""
    # 08 · Regularization

    A network with enough parameters can fit the noise of its training set: the training
    loss keeps falling while the loss on held-out data turns back up. In this notebook you
    build three tools against that: the **L2 penalty** (weight decay), the **L1 penalty**,
    and **early stopping** on the validation loss, and you watch each of them on a small
    problem that overfits on purpose.

    Read the book chapter first: **[Regularization](../../book/08_regularization.md)**.

    **Conventions.** A penalty takes a *list* of weight arrays (one per layer, any shapes;
    biases are normally left out), the strength $\lambda \ge 0$ and the number of training
    examples $m$. It returns `(penalty, grads)`: the number to add to the cost $J$, and one
    gradient per weight array, with that array's shape, to add to the gradient of the data
    term. Return new arrays and leave the weights you are given unchanged.

    **How you are graded.** Each part has a cell of visible checks you can run as often as
    you like, then a cell of hidden tests that run only when your notebook is graded
    (lists of weight arrays of several shapes, finite-difference checks, loss sequences
    worked out by hand for early stopping). Keep the names of the functions and of the
    class's methods and attributes.
    """),
    setup("""
    import numpy as np
    import matplotlib.pyplot as plt

    from mlpkit.gradcheck import check_gradient

    # two small weight matrices used by the hand-worked checks below
    W_a = np.array([[1.0, 2.0], [3.0, 0.0]])
    W_b = np.array([[-1.0], [2.0]])
    """),
    md(r"""
    ## 1. The L2 penalty

    $$J_{L2} = \frac{\lambda}{2m} \sum_l \lVert W_l \rVert_F^2
      = \frac{\lambda}{2m} \sum_l \sum_{i,j} W_{l,ij}^2,
      \qquad \frac{\partial J_{L2}}{\partial W_l} = \frac{\lambda}{m} W_l .$$

    The factor $\tfrac12$ is a convenience: it cancels the 2 that comes down from the
    square. Added to the data gradient, the penalty turns a gradient step into
    $W \leftarrow (1 - \alpha \lambda / m)\, W - \alpha\, \partial J_{\text{data}} / \partial W$:
    every step first shrinks the weights by a constant factor, hence the name *weight decay*.
    """),
    solution("l2_penalty"),
    visible_test("""
    penalty, grads = l2_penalty([W_a, W_b], lam=0.6, m=3)
    # by hand: sum of squares = (1 + 4 + 9 + 0) + (1 + 4) = 19, and 0.6 / (2 * 3) * 19 = 1.9
    assert np.isclose(penalty, 1.9), f"expected 1.9, got {penalty}"
    assert len(grads) == 2 and grads[0].shape == W_a.shape and grads[1].shape == W_b.shape
    # lam / m = 0.2
    assert np.allclose(grads[0], 0.2 * W_a) and np.allclose(grads[1], 0.2 * W_b), grads
    assert np.array_equal(W_a, [[1.0, 2.0], [3.0, 0.0]]), "l2_penalty must not change the weights it is given"

    rng = np.random.default_rng(0)
    Ws = [rng.normal(size=(4, 3)), rng.normal(size=(3, 2))]
    penalty, grads = l2_penalty(Ws, lam=0.5, m=10)
    for k in range(len(Ws)):
        def f(W, k=k):
            return l2_penalty(Ws[:k] + [W] + Ws[k + 1:], lam=0.5, m=10)[0]
        result = check_gradient(f, Ws[k], grads[k])
        print(f"gradient check of weight array {k}:", result)
        assert result.passed(1e-6)
    """),
    hidden_test("l2_penalty"),
    md(r"""
    ### Experiment: two strengths of L2 on a problem that overfits

    Fifteen noisy samples of $\sin(3x)$ and a polynomial of degree 15: as many coefficients
    as examples, so the model can go through every training point. We fit it by full-batch
    gradient descent on the mean squared error, with and without the L2 penalty (the
    constant term is not penalised), and record the training and development (dev) losses
    after every step. The features are Legendre polynomials, which are far better
    conditioned than raw powers $x^k$ and let gradient descent converge in a few hundred
    steps.
    """),
    experiment("""
    rng = np.random.default_rng(5)

    def make_data(n):
        x = rng.uniform(-1, 1, size=n)
        return x, np.sin(3 * x) + 0.3 * rng.normal(size=n)

    def features(x, degree=15):
        return np.polynomial.legendre.legvander(x, degree)  # column 0 is the constant 1

    x_train, y_train = make_data(15)
    x_dev, y_dev = make_data(500)
    X_train, X_dev = features(x_train), features(x_dev)
    m = len(y_train)


    def fit_polynomial(penalty=None, lam=0.0, steps=1000, stopper=None):
        \"\"\"Gradient descent on the MSE plus ``penalty`` of the non-constant coefficients.

        Returns the coefficients and the train and dev losses after every step; stops early
        when ``stopper.update(dev_loss, params)`` returns True.
        \"\"\"
        w = np.zeros(X_train.shape[1])
        curvature = np.linalg.eigvalsh(2 * X_train.T @ X_train / m).max() + lam / m
        lr = 1.0 / curvature  # a safe step for this quadratic cost
        train_loss, dev_loss = [], []
        for step in range(steps):
            grad = 2 * X_train.T @ (X_train @ w - y_train) / m
            if penalty is not None:
                _, (g,) = penalty([w[1:]], lam, m)
                grad[1:] += g
            w = w - lr * grad
            train_loss.append(np.mean((X_train @ w - y_train) ** 2))
            dev_loss.append(np.mean((X_dev @ w - y_dev) ** 2))
            if stopper is not None and stopper.update(dev_loss[-1], {"w": w}):
                break
        return w, np.array(train_loss), np.array(dev_loss)


    fits = {lam: fit_polynomial(l2_penalty, lam) for lam in (0.0, 0.3)}

    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    for (lam, (w, tr, dv)), color in zip(fits.items(), ("C0", "C1")):
        axes[0].plot(tr, color=color, ls="--", label=f"train, λ = {lam:g}")
        axes[0].plot(dv, color=color, label=f"dev, λ = {lam:g}")
        grid = np.linspace(-1, 1, 300)
        axes[1].plot(grid, features(grid) @ w, color=color, label=f"λ = {lam:g}")
    axes[0].set_xscale("log"); axes[0].set_xlabel("gradient step"); axes[0].set_ylabel("mean squared error")
    axes[0].legend()
    axes[1].scatter(x_train, y_train, color="k", s=15, label="training points")
    axes[1].plot(grid, np.sin(3 * grid), color="gray", ls=":", label="sin(3x)")
    axes[1].set_ylim(-2, 2); axes[1].legend()
    plt.show()
    for lam, (w, tr, dv) in fits.items():
        print(f"λ = {lam:g}: final train MSE {tr[-1]:.3f}, final dev MSE {dv[-1]:.3f}")
    """),
    md(r"""
    Without the penalty the training loss goes to almost nothing while the dev loss,
    after a dip, climbs back: the curve on the right wiggles through the training points.
    With $\lambda = 0.3$ the training loss stays higher and the dev loss lower. Try other
    values of $\lambda$: which one gives the lowest final dev loss?

    ## 2. The L1 penalty

    $$J_{L1} = \frac{\lambda}{m} \sum_l \sum_{i,j} |W_{l,ij}|,
      \qquad \frac{\partial J_{L1}}{\partial W_l} = \frac{\lambda}{m} \operatorname{sign}(W_l).$$

    $|w|$ has no derivative at $w = 0$; use the subgradient $\operatorname{sign}(0) = 0$
    there. There is no $\tfrac12$ here. The L1 gradient has the same size for a small
    weight as for a large one, so it keeps pushing small weights all the way to zero.
    """),
    solution("l1_penalty"),
    visible_test("""
    penalty, grads = l1_penalty([W_a, W_b], lam=0.6, m=3)
    # by hand: sum of |w| = (1 + 2 + 3 + 0) + (1 + 2) = 9, and 0.6 / 3 * 9 = 1.8
    assert np.isclose(penalty, 1.8), f"expected 1.8, got {penalty}"
    # lam / m * sign(W), with sign(0) = 0 for the zero entry of W_a
    assert np.allclose(grads[0], [[0.2, 0.2], [0.2, 0.0]]), grads[0]
    assert np.allclose(grads[1], [[-0.2], [0.2]]), grads[1]

    rng = np.random.default_rng(1)
    W = rng.normal(size=(5, 4))
    W[np.abs(W) < 0.1] = 0.5  # stay away from the kink at 0, where |w| has no derivative
    penalty, (g,) = l1_penalty([W], lam=2.0, m=7)
    result = check_gradient(lambda V: l1_penalty([V], lam=2.0, m=7)[0], W, g)
    print("gradient check:", result)
    assert result.passed(1e-6)
    """),
    hidden_test("l1_penalty"),
    md(r"""
    ### Experiment: L1 and L2 coefficients

    The same polynomial fitted with each penalty at the same strength. Compare the sizes of
    the 15 non-constant coefficients (a logarithmic scale): which penalty leaves most of
    them near zero?
    """),
    experiment("""
    w_l2, _, dev_l2 = fit_polynomial(l2_penalty, lam=0.3)
    w_l1, _, dev_l1 = fit_polynomial(l1_penalty, lam=0.3)

    k = np.arange(1, len(w_l2))
    plt.figure(figsize=(8, 3.5))
    plt.bar(k - 0.2, np.abs(w_l2[1:]), width=0.4, label=f"L2 (dev MSE {dev_l2[-1]:.3f})")
    plt.bar(k + 0.2, np.abs(w_l1[1:]), width=0.4, label=f"L1 (dev MSE {dev_l1[-1]:.3f})")
    plt.yscale("log"); plt.xlabel("degree of the Legendre polynomial"); plt.ylabel("|coefficient|")
    plt.legend(); plt.show()
    """),
    md(r"""
    With plain (sub)gradient steps the L1 coefficients do not land *exactly* on zero: they
    hop around it by about one step size, which is why they show up as tiny bars rather
    than none.

    ## 3. Early stopping

    Watch the dev loss during training and stop once it has not improved for `patience`
    evaluations in a row; then go back to the parameters of the best evaluation.

    `EarlyStopping(patience, min_delta)` has one method, `update(val_loss, params)`, called
    once per epoch (or per evaluation):

    - an update is an **improvement** when `val_loss < best_loss - min_delta` (strictly:
      a loss lower by exactly `min_delta` does not count; `best_loss` starts at infinity,
      so the first finite loss always improves, and a NaN loss never does);
    - on an improvement, record `best_loss`, `best_epoch` (the **0-based** index of this
      update: the first call is epoch 0) and `best_params`, a **deep copy** of `params`
      (the caller's optimizer may keep changing those arrays in place);
    - `update` returns `True` once `patience` updates in a row brought no improvement,
      keeps returning `True` while none comes, and returns `False` again after an
      improvement.
    """),
    solution("EarlyStopping"),
    visible_test("""
    stopper = EarlyStopping(patience=2)
    losses = [1.0, 0.7, 0.8, 0.75, 0.6, 0.65, 0.65]
    # by hand: 1.0 and 0.7 improve; 0.8 and 0.75 do not (2 in a row: stop); 0.6 improves;
    # 0.65 twice does not (stop again)
    expected_stop = [False, False, False, True, False, False, True]
    expected_best_epoch = [0, 1, 1, 1, 4, 4, 4]
    for epoch, loss in enumerate(losses):
        stop = stopper.update(loss, {"W": np.full(2, float(epoch))})
        assert stop == expected_stop[epoch], f"update {epoch}: returned {stop}, expected {expected_stop[epoch]}"
        assert stopper.best_epoch == expected_best_epoch[epoch], (epoch, stopper.best_epoch)
    assert stopper.best_loss == 0.6 and np.array_equal(stopper.best_params["W"], [4.0, 4.0])

    # min_delta: 0.95 is better than 1.0 by 0.05 only, which is not more than min_delta = 0.1
    stopper = EarlyStopping(patience=1, min_delta=0.1)
    assert stopper.update(1.0, {}) == False
    assert stopper.update(0.95, {}) == True and stopper.best_loss == 1.0

    # best_params is a deep copy: changing the caller's arrays in place must not affect it
    params = {"W": np.zeros(3)}
    stopper = EarlyStopping(patience=3)
    stopper.update(0.5, params)
    params["W"] += 1.0  # an in-place optimizer step
    stopper.update(0.9, params)
    assert np.array_equal(stopper.best_params["W"], np.zeros(3)), "store copy.deepcopy(params)"
    """),
    hidden_test("EarlyStopping"),
    md(r"""
    ### Experiment: where early stopping stops

    The unregularised fit from part 1 again, now with an `EarlyStopping(patience=25)` that
    watches the dev loss after every step. The full run (grey) shows what would have
    happened without it.
    """),
    experiment("""
    stopper = EarlyStopping(patience=25)
    w_stopped, tr_stopped, dv_stopped = fit_polynomial(l2_penalty, lam=0.0, stopper=stopper)
    _, _, dv_full = fits[0.0]
    w_best = stopper.best_params["w"]

    plt.figure(figsize=(8, 3.5))
    plt.plot(dv_full, color="gray", label="dev loss, full run")
    plt.plot(dv_stopped, color="C0", label="dev loss, with early stopping")
    plt.axvline(stopper.best_epoch, color="C2", ls="--", label=f"best epoch ({stopper.best_epoch})")
    plt.axvline(len(dv_stopped) - 1, color="C3", ls=":", label=f"stopped ({len(dv_stopped) - 1})")
    plt.xscale("log"); plt.xlabel("gradient step"); plt.ylabel("dev MSE"); plt.legend()
    plt.show()
    print(f"dev MSE of the restored best parameters: {np.mean((X_dev @ w_best - y_dev) ** 2):.3f} "
          f"(full run: {dv_full[-1]:.3f})")
    """),
    md(r"""
    Early stopping caps how far gradient descent travels from its starting point, which acts
    much like a penalty on the weights, and it costs nothing but a dev set. Two details
    matter in practice: restore `best_params` when you stop (the last parameters are
    `patience` steps past the best), and pick `patience` with the noise of the dev loss in
    mind (with minibatches it rarely decreases every epoch).
    """),
]
