"""Notebook 10: hyperparameter tuning."""
from ..cells import experiment, hidden_test, md, setup, solution, visible_test

CELLS = [
    md(r"""
    # 10 · Hyperparameter tuning

    Learning rate, L2 strength, number of layers, dropout probability: none of them is
    learned by gradient descent, and a network's dev error depends on all of them. In
    this notebook you write the three tools of a systematic search:

    - `log_uniform`, which draws values evenly over orders of magnitude;
    - `grid_search`, which tries every combination of a few candidate values;
    - `random_search`, which draws each combination at random from a search space.

    Read the book chapter first: **[Hyperparameter tuning](../../book/10_tuning.md)**.

    **Conventions.** A search never trains a network itself: it receives a function
    `evaluate(params) -> dev_error`, where `params` is a dict such as
    `{"lr": 0.01, "hidden": 64}`, and lower dev errors are better. Both searches return
    `(best_params, results)`, with `results` a list of `(params, dev_error)` pairs in the
    order they were evaluated. All randomness comes from the `rng` argument, a
    `numpy.random.Generator`: never call `np.random.seed` or the `np.random.*` functions.

    **How you are graded.** Each function has a cell of visible checks, then a cell of
    hidden tests that run when your notebook is graded. The searches are handed an
    `evaluate` that writes down every call, so the tests see exactly which combinations you
    tried and in what order. Random draws are judged like a statistician would judge them:
    on thousands of draws, with Kolmogorov-Smirnov and chi-square tests whose bounds a
    correct implementation passes every time and a wrong scale misses by far. How you draw
    (one value at a time or all at once) is up to you.
    """),
    setup("""
    import itertools

    import numpy as np
    import matplotlib.pyplot as plt
    """),
    md(r"""
    ## 1. Sampling on a log scale

    Useful learning rates range from about $10^{-5}$ to $10^{-1}$. Drawing them from
    $U(10^{-5}, 10^{-1})$ wastes the budget: 90% of the draws land between $10^{-2}$ and
    $10^{-1}$, and the three smaller decades share the remaining 10%. What matters for such
    a hyperparameter is its order of magnitude, so draw the *exponent* uniformly:

    $$r \sim U(\log_{10} a,\ \log_{10} b), \qquad \alpha = 10^{r}.$$

    Then each decade between $a$ and $b$ receives the same share of the draws. (Any base
    works: $e^{U(\ln a, \ln b)}$ is the same law. Mixing bases does not.)
    """),
    solution("log_uniform"),
    visible_test("""
    rng = np.random.default_rng(0)
    lr = log_uniform(1e-4, 1.0, 100_000, rng)
    assert lr.shape == (100_000,), lr.shape
    assert lr.min() >= 1e-4 and lr.max() <= 1.0, (lr.min(), lr.max())

    # four decades, each should hold a quarter of the draws; a share of n = 100 000 draws has
    # standard error sqrt(0.25 * 0.75 / n) = 0.0014, so we allow 6 of them (0.008)
    shares = np.histogram(np.log10(lr), bins=[-4, -3, -2, -1, 0])[0] / lr.size
    print("share of the draws in each decade:", np.round(shares, 4))
    assert np.all(np.abs(shares - 0.25) < 0.008), shares

    single = log_uniform(0.01, 0.1, None, rng)
    assert isinstance(single, float) and 0.01 <= single <= 0.1, single
    assert np.array_equal(log_uniform(1e-3, 1.0, 5, np.random.default_rng(7)),
                          log_uniform(1e-3, 1.0, 5, np.random.default_rng(7))), "draw only from rng"
    print("log_uniform: visible checks passed")
    """),
    hidden_test("log_uniform"),
    md(r"""
    ### Experiment: where the draws go

    The same budget of 2000 learning rates between $10^{-5}$ and $10^{-1}$, drawn on a
    linear scale and on a log scale, shown on a log axis.
    """),
    experiment("""
    rng = np.random.default_rng(1)
    linear = rng.uniform(1e-5, 1e-1, 2000)
    logscale = log_uniform(1e-5, 1e-1, 2000, rng)
    bins = np.logspace(-5, -1, 21)
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.hist(linear, bins=bins, alpha=0.6, label="uniform on [1e-5, 1e-1]")
    ax.hist(logscale, bins=bins, alpha=0.6, label="log_uniform(1e-5, 1e-1)")
    ax.set_xscale("log"); ax.set_xlabel("learning rate"); ax.set_ylabel("draws"); ax.legend()
    plt.show()
    for name, x in [("linear", linear), ("log scale", logscale)]:
        print(f"{name:>9}: {np.mean(x < 1e-3):.1%} of the draws below 1e-3")
    """),
    md(r"""
    ## 2. Grid search

    A grid gives a few candidate values for each hyperparameter, and grid search evaluates
    every combination: with $k$ hyperparameters of $m$ values each, that is $m^k$ runs.
    The order is fixed: `itertools.product` over the value lists, the keys taken in the
    order of the grid, so the last key varies fastest. For
    `{"lr": [0.1, 0.01], "hidden": [16, 64]}` the runs are

    `{"lr": 0.1, "hidden": 16}`, `{"lr": 0.1, "hidden": 64}`, `{"lr": 0.01, "hidden": 16}`,
    `{"lr": 0.01, "hidden": 64}`.

    The best combination is the one with the lowest dev error, the first one on ties.
    A run that diverged may report a NaN dev error: it must never win (careful:
    `np.argmin` returns the position of a NaN wherever it is, and Python's `min` keeps a
    NaN that comes first).
    """),
    solution("grid_search"),
    visible_test("""
    calls = []


    def fake_evaluate(params):
        \"\"\"A made-up dev error that remembers every call.\"\"\"
        calls.append(dict(params))
        return {0.1: 0.30, 0.01: 0.20}[params["lr"]] + {16: 0.05, 64: 0.0}[params["hidden"]]


    best, results = grid_search(fake_evaluate, {"lr": [0.1, 0.01], "hidden": [16, 64]})
    order = [{"lr": 0.1, "hidden": 16}, {"lr": 0.1, "hidden": 64}, {"lr": 0.01, "hidden": 16}, {"lr": 0.01, "hidden": 64}]
    assert calls == order, f"evaluate was called with {calls}"
    # by hand: 0.30 + 0.05, 0.30 + 0, 0.20 + 0.05, 0.20 + 0
    assert [p for p, _ in results] == order, results
    assert np.allclose([e for _, e in results], [0.35, 0.30, 0.25, 0.20]), results
    assert best == {"lr": 0.01, "hidden": 64}, best

    # ties: the first combination wins; a NaN (diverged run) never does
    best, _ = grid_search(lambda p: {1: 0.5, 2: 0.2, 3: 0.2}[p["a"]], {"a": [1, 2, 3]})
    assert best == {"a": 2}, f"on ties keep the first combination, got {best}"
    best, _ = grid_search(lambda p: {1: float("nan"), 2: 0.4, 3: 0.3}[p["a"]], {"a": [1, 2, 3]})
    assert best == {"a": 3}, f"a NaN dev error must not win, got {best}"
    print("grid_search: visible checks passed")
    """),
    hidden_test("grid_search"),
    md(r"""
    ## 3. Random search

    Random search spends the same budget differently: each of the `n_trials` runs draws a
    whole combination from a *search space*, which maps each name to one of

    | entry | draws |
    |---|---|
    | `('log', low, high)` | a float, `log_uniform` on $[\text{low}, \text{high}]$ |
    | `('uniform', low, high)` | a float, uniform on $[\text{low}, \text{high}]$ |
    | `('int', low, high)` | an int from `low` to `high`, **both included** |
    | `('choice', [v1, v2, ...])` | one of the values itself, each equally likely |

    Mind the inclusive upper bound of `'int'`: `rng.integers(low, high)` never returns
    `high`. Each trial needs a fresh draw of every hyperparameter, and the results stay in
    trial order.
    """),
    solution("random_search"),
    visible_test("""
    space = {"lr": ("log", 1e-4, 1e-1), "dropout": ("uniform", 0.0, 0.5),
             "layers": ("int", 1, 3), "act": ("choice", ["relu", "tanh"])}
    best, results = random_search(lambda p: abs(np.log10(p["lr"]) + 2) + p["dropout"], space, 500,
                                  np.random.default_rng(0))
    assert len(results) == 500, len(results)
    params = [p for p, _ in results]
    lr = np.array([p["lr"] for p in params])
    layers = [p["layers"] for p in params]
    assert np.all((1e-4 <= lr) & (lr <= 1e-1)), "'log' values must stay in [low, high]"
    assert all(isinstance(k, (int, np.integer)) for k in layers), "'int' values must be integers"
    assert set(layers) == {1, 2, 3}, f"'int' bounds are inclusive: drew {sorted(set(layers))}"
    assert {p["act"] for p in params} == {"relu", "tanh"}
    # about half of 500 log-uniform draws on [1e-4, 1e-1] fall below 10^-2.5 (the middle in log space):
    # the count is binomial(500, 0.5), standard deviation 11, so we allow 6 of them
    assert abs(np.sum(lr < 10**-2.5) - 250) < 67, f"{np.sum(lr < 10**-2.5)} draws below 10^-2.5"
    errors = [e for _, e in results]
    assert best == params[int(np.argmin(errors))], "best_params is the trial with the lowest dev error"

    again = random_search(lambda p: p["dropout"], space, 5, np.random.default_rng(3))[1]
    assert again == random_search(lambda p: p["dropout"], space, 5, np.random.default_rng(3))[1], "draw only from rng"
    print("random_search: visible checks passed")
    """),
    hidden_test("random_search"),
    md(r"""
    ## 4. Experiment: grid or random search, when one hyperparameter hardly matters

    Suppose the dev error depends a lot on the learning rate and hardly on the momentum
    (a made-up but typical objective below, optimal near $\alpha = 10^{-2.3}$). With a
    budget of 9 runs, a $3 \times 3$ grid tries only **three** learning rates, each three
    times with a different momentum that barely changes anything. Random search tries
    **nine** different learning rates. Which one gets closer to the best dev error? We
    repeat the random search 300 times with different generators to see its spread.
    """),
    experiment("""
    def dev_error(params):
        \"\"\"A cheap stand-in for training a network: only the learning rate really matters.\"\"\"
        return 0.05 + 0.04 * (np.log10(params["lr"]) + 2.3) ** 2 + 0.002 * (params["momentum"] - 0.9) ** 2


    grid = {"lr": list(np.logspace(-5, -1, 3)), "momentum": [0.5, 0.75, 0.99]}
    grid_best, grid_results = grid_search(dev_error, grid)
    space = {"lr": ("log", 1e-5, 1e-1), "momentum": ("uniform", 0.5, 0.99)}
    rand_best, rand_results = random_search(dev_error, space, 9, np.random.default_rng(0))

    grid_min = min(e for _, e in grid_results)
    repeats = [min(e for _, e in random_search(dev_error, space, 9, np.random.default_rng(s))[1]) for s in range(300)]
    print(f"grid search (9 runs):   best dev error {grid_min:.4f} at lr = {grid_best['lr']:.1e}")
    print(f"random search (9 runs): best dev error {min(e for _, e in rand_results):.4f} at lr = {rand_best['lr']:.1e}")
    print(f"random search beats the grid in {np.mean(np.array(repeats) < grid_min):.0%} of 300 repetitions")

    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    lr_axis = np.logspace(-5, -1, 200)
    mom_axis = np.linspace(0.5, 0.99, 100)
    L, M = np.meshgrid(lr_axis, mom_axis)
    axes[0].contourf(L, M, dev_error({"lr": L, "momentum": M}), levels=20, cmap="viridis_r")
    axes[0].scatter([p["lr"] for p, _ in grid_results], [p["momentum"] for p, _ in grid_results],
                    c="white", edgecolor="k", s=60, label="grid")
    axes[0].scatter([p["lr"] for p, _ in rand_results], [p["momentum"] for p, _ in rand_results],
                    c="red", marker="x", s=60, label="random")
    axes[0].set_xscale("log"); axes[0].set_xlabel("learning rate"); axes[0].set_ylabel("momentum")
    axes[0].legend(loc="lower left")
    axes[1].hist(repeats, bins=30, color="tab:red", alpha=0.7, label="random search, 300 repetitions")
    axes[1].axvline(grid_min, color="k", ls="--", label="grid search")
    axes[1].set_xlabel("best dev error found with 9 runs"); axes[1].legend()
    plt.tight_layout(); plt.show()
    """),
    md(r"""
    **Try it.** Give the grid more momentum values and fewer learning rates, or make the
    momentum matter (raise its factor 0.002): when does the grid win? With a real network,
    `evaluate` would train a model with `params` and return its error on the dev set, and
    each call would take minutes, which is why the order and number of calls matter.
    """),
]
