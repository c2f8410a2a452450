"""Notebook 11: error analysis."""
from ..cells import experiment, hidden_test, md, setup, solution, visible_test

CELLS = [
    md(r"""
    # 11 · Error analysis

    A model's error rates on the right data sets tell you what to work on next: a bigger
    model, more regularization, more data, or data that looks like what the model will
    meet in use. In this notebook you write the tools for that diagnosis:

    - `train_dev_test_split`, which shuffles a data set and cuts it into train, dev and
      test sets;
    - `bias_variance_report`, which turns error rates into avoidable bias, variance and
      data mismatch, and says what to focus on;
    - `confusion_matrix` and `precision_recall_f1`, which show *which* classes a
      classifier gets wrong.

    Read the book chapter first: **[Error analysis](../../book/11_error_analysis.md)**.

    **Conventions.** Examples are rows: `X` has shape `(N, ...)` and `y` shape `(N,)`.
    Error rates are fractions (0.05 means 5%). Class labels are integers
    `0, ..., C - 1`. Randomness comes only from an `rng` argument
    (a `numpy.random.Generator`).

    **How you are graded.** Each function has a cell of visible checks, then a cell of
    hidden tests that run when your notebook is graded. Random splits are judged by their
    properties (every example in exactly one set, rows of `X` and `y` still together, a
    real shuffle), not by which permutation you drew. The other functions are compared
    with a reference on many inputs, including classes that never occur.
    """),
    setup("""
    import numpy as np
    import matplotlib.pyplot as plt

    from mlpkit.data import load_digits


    def tagged_data(n, d=3):
        \"\"\"X whose column 0 is the example's index, and labels y = 10 * index (to see the pairing).\"\"\"
        X = np.arange(n * d, dtype=float).reshape(n, d)
        X[:, 0] = np.arange(n)
        return X, 10 * np.arange(n)
    """),
    md(r"""
    ## 1. Train, dev and test sets

    The **training** set fits the parameters, the **dev** (development, or validation) set
    chooses between models and hyperparameters, and the **test** set, used once at the
    end, estimates how the chosen model does on new data. Classic proportions for a few
    thousand examples are 60/20/20 or 80/10/10; with millions of examples 1% is already
    tens of thousands, and 98/1/1 is common. Dev and test must come from the same
    distribution, the one the model will face.

    With fractions $(f_\text{train}, f_\text{dev}, f_\text{test})$ and $N$ examples, the
    training set gets $\lfloor f_\text{train} N \rfloor$ examples, the dev set
    $\lfloor f_\text{dev} N \rfloor$, and the test set **the rest**, so that no example is
    lost. Shuffle first (one permutation for both `X` and `y`!), then cut; with
    `rng=None`, keep the given order.
    """),
    solution("train_dev_test_split"),
    visible_test("""
    X, y = tagged_data(10)
    X_tr, y_tr, X_dev, y_dev, X_te, y_te = train_dev_test_split(X, y)
    assert (len(X_tr), len(X_dev), len(X_te)) == (6, 2, 2), (len(X_tr), len(X_dev), len(X_te))
    assert np.array_equal(X_tr[:, 0], np.arange(6)) and np.array_equal(y_te, [80, 90]), "rng=None keeps the order"

    # N = 9: floor(0.6 * 9) = floor(5.4) = 5 and floor(0.2 * 9) = floor(1.8) = 1, so the test set gets 9 - 5 - 1 = 3
    sets = train_dev_test_split(*tagged_data(9), rng=np.random.default_rng(0))
    assert [len(s) for s in sets] == [5, 5, 1, 1, 3, 3], [len(s) for s in sets]
    ids = np.concatenate([sets[0][:, 0], sets[2][:, 0], sets[4][:, 0]])
    assert sorted(ids) == list(range(9)), f"every example exactly once, got ids {ids}"
    for Xs, ys in zip(sets[::2], sets[1::2]):
        assert np.array_equal(ys, 10 * Xs[:, 0]), "X and y must stay paired: shuffle both with one permutation"

    again = train_dev_test_split(*tagged_data(9), rng=np.random.default_rng(0))
    assert all(np.array_equal(a, b) for a, b in zip(sets, again)), "the same seed must give the same split"
    print("train_dev_test_split: visible checks passed")
    """),
    hidden_test("train_dev_test_split"),
    md(r"""
    ## 2. Bias, variance and data mismatch

    Compare the error rates in a chain, from the best achievable to the data you care about:

    | gap | formula | a large gap means |
    |---|---|---|
    | avoidable bias | train − human-level error | the model underfits: bigger model, train longer, better optimizer |
    | bias | train − Bayes error | (when the Bayes error is known) |
    | variance | train-dev − train (dev − train without a train-dev set) | the model overfits: more data, regularization |
    | data mismatch | dev − train-dev | the dev data differ from the training data |
    | dev overfitting | test − dev | the dev set was tuned on too much: a bigger dev set |

    The human-level error stands in for the Bayes error, the lowest error possible. A
    **train-dev** set is held out from the *training* distribution: its gap to the train
    error is pure variance, and what remains up to the dev error comes from the change of
    distribution. A gap is "high" when it is above the threshold (2% by default). Fix bias
    first: if both bias and variance are high, the report's `focus` is `'bias'`; then
    variance, then data mismatch, else `'none'`.
    """),
    solution("bias_variance_report"),
    visible_test("""
    # the lecture's table, with human-level error 0: (train, dev) -> (high bias?, high variance?)
    table = {(0.01, 0.12): (False, True), (0.12, 0.13): (True, False), (0.12, 0.20): (True, True), (0.01, 0.02): (False, False)}
    for (train, dev), verdict in table.items():
        r = bias_variance_report(train, dev)
        assert (r["high_bias"], r["high_variance"]) == verdict, (train, dev, r)
    r = bias_variance_report(0.12, 0.20)
    assert r["focus"] == "bias", "with both high, fix the bias first"
    assert np.isclose(r["avoidable_bias"], 0.12) and np.isclose(r["variance"], 0.08), r
    assert r["bias"] is None and r["data_mismatch"] is None and r["dev_overfitting"] is None, r

    # model B of the lecture: Bayes 0.5%, human 0.7%, train 3.5%, dev 4.0%
    # avoidable bias 3.5 - 0.7 = 2.8% (high), bias 3.5 - 0.5 = 3.0%, variance 4.0 - 3.5 = 0.5% (low)
    r = bias_variance_report(0.035, 0.040, human_error=0.007, bayes_error=0.005)
    assert np.isclose(r["avoidable_bias"], 0.028) and np.isclose(r["bias"], 0.030), r
    assert np.isclose(r["variance"], 0.005) and r["focus"] == "bias", r

    # a train-dev set: train 1%, train-dev 1.5%, dev 10%: variance 0.5%, data mismatch 8.5%
    r = bias_variance_report(0.01, 0.10, train_dev_error=0.015)
    assert np.isclose(r["variance"], 0.005) and np.isclose(r["data_mismatch"], 0.085), r
    assert r["focus"] == "data_mismatch", r
    print("bias_variance_report: visible checks passed")
    """),
    hidden_test("bias_variance_report"),
    md(r"""
    ### Experiment: the lecture's models, diagnosed

    The four models of the lecture share a Bayes error of 0.5% and a human-level error of
    0.7%. Read the report of each, and compare with your own conclusion from the gaps.
    """),
    experiment("""
    models = {"A": (0.035, 0.078), "B": (0.035, 0.040), "C": (0.010, 0.050), "D": (0.008, 0.010)}
    print(f"{'model':>5} {'train':>6} {'dev':>6} {'avoid. bias':>11} {'variance':>9}  focus")
    for name, (train, dev) in models.items():
        r = bias_variance_report(train, dev, human_error=0.007, bayes_error=0.005)
        print(f"{name:>5} {train:6.1%} {dev:6.1%} {r['avoidable_bias']:11.1%} {r['variance']:9.1%}  {r['focus']}")

    fig, ax = plt.subplots(figsize=(6, 3))
    gaps = np.array([[bias_variance_report(t, d, human_error=0.007)[k] for k in ("avoidable_bias", "variance")]
                     for t, d in models.values()])
    x = np.arange(len(models))
    ax.bar(x - 0.2, 100 * gaps[:, 0], 0.4, label="avoidable bias")
    ax.bar(x + 0.2, 100 * gaps[:, 1], 0.4, label="variance")
    ax.axhline(2, color="k", ls="--", lw=1, label="threshold")
    ax.set_xticks(x, [f"model {k}" for k in models]); ax.set_ylabel("gap (%)"); ax.legend()
    plt.show()
    """),
    md(r"""
    ## 3. The confusion matrix

    An error rate hides *which* mistakes a classifier makes. The confusion matrix counts
    them: $C_{ij}$ is the number of examples of **true** class $i$ **predicted** as class
    $j$. Rows are true classes, columns predicted ones; the diagonal holds the correct
    predictions and the matrix sums to $N$. It is $C \times C$ even when some classes never
    occur.

    A vectorised way to count: the pair $(i, j)$ has the flat index $iC + j$, and
    `np.bincount` counts flat indices. Beware: `cm[y_true, y_pred] += 1` counts a pair
    that occurs several times only once.
    """),
    solution("confusion_matrix"),
    visible_test("""
    y_true = np.array([0, 0, 1, 1, 1, 2])
    y_pred = np.array([0, 1, 1, 1, 0, 0])
    cm = confusion_matrix(y_true, y_pred, 4)
    # by hand: true 0 -> predicted 0 and 1; true 1 -> 1, 1, 0; true 2 -> 0; class 3 never occurs
    expected = np.array([[1, 1, 0, 0],
                         [1, 2, 0, 0],
                         [1, 0, 0, 0],
                         [0, 0, 0, 0]])
    assert np.array_equal(cm, expected), cm
    assert np.issubdtype(cm.dtype, np.integer), f"counts are integers, got {cm.dtype}"
    assert cm.sum() == len(y_true)
    print("confusion_matrix: visible checks passed")
    """),
    hidden_test("confusion_matrix"),
    md(r"""
    ## 4. Precision, recall and F1

    For class $k$, with $TP_k = C_{kk}$ the correct predictions of $k$, $P_k$ the number of
    predictions of $k$ (the column sum) and $T_k$ the number of true examples of $k$ (the
    row sum):

    $$\text{precision}_k = \frac{TP_k}{P_k}, \qquad \text{recall}_k = \frac{TP_k}{T_k},
    \qquad F_{1,k} = \frac{2\, \text{precision}_k\, \text{recall}_k}{\text{precision}_k + \text{recall}_k}
    = \frac{2\, TP_k}{P_k + T_k}.$$

    Precision asks "when the model says $k$, how often is it right?"; recall asks "of the
    examples of $k$, how many does it find?". A class never predicted has an undefined
    precision, a class never present an undefined recall: return 0 there (as scikit-learn
    does with `zero_division=0`), without dividing by zero.
    """),
    solution("precision_recall_f1"),
    visible_test("""
    y_true = np.array([0, 0, 1, 1, 1, 2])
    y_pred = np.array([0, 1, 1, 1, 0, 0])
    with np.errstate(all="raise"):
        precision, recall, f1 = precision_recall_f1(y_true, y_pred, 4)
    # from the confusion matrix above: TP = (1, 2, 0, 0), column sums P = (3, 3, 0, 0), row sums T = (2, 3, 1, 0)
    assert np.allclose(precision, [1 / 3, 2 / 3, 0, 0]), precision
    assert np.allclose(recall, [1 / 2, 2 / 3, 0, 0]), recall
    # F1 = 2 TP / (P + T) = (2/5, 4/6, 0/1, 0 (undefined))
    assert np.allclose(f1, [0.4, 2 / 3, 0, 0]), f1
    print("precision_recall_f1: visible checks passed")
    """),
    hidden_test("precision_recall_f1"),
    md(r"""
    ## 5. Experiment: diagnosing a nearest-centroid classifier on digits

    A very simple classifier: average the training images of each digit (its *centroid*)
    and predict the digit whose centroid is closest. We split the 1797 digit images with
    your `train_dev_test_split`, and hold out a train-dev set from the training set.
    People misread about 1% of these images (an assumption for this experiment).

    Then a twist, **data mismatch**: suppose the dev and test images come from a scanner
    that shifts every image one pixel to the right, while the training data stay as they
    were. The train-dev error cannot see the change; the dev error can.
    """),
    experiment("""
    rng = np.random.default_rng(0)
    digits = load_digits(rng, fractions=(1.0, 0.0, 0.0), standardize=False)  # everything in one set
    X, y = digits.X_train, digits.y_train
    X_tr, y_tr, X_dev, y_dev, X_te, y_te = train_dev_test_split(X, y, (0.6, 0.2, 0.2), rng)
    X_tr, y_tr, X_td, y_td, _, _ = train_dev_test_split(X_tr, y_tr, (0.8, 0.2, 0.0), rng)

    centroids = np.stack([X_tr[y_tr == k].mean(axis=0) for k in range(10)])


    def predict(A):
        return np.argmin(((A[:, None, :] - centroids[None]) ** 2).sum(axis=2), axis=1)


    def error(A, b):
        return np.mean(predict(A) != b)


    errors = {"train": error(X_tr, y_tr), "train-dev": error(X_td, y_td), "dev": error(X_dev, y_dev), "test": error(X_te, y_te)}
    print("error rates:", {k: f"{v:.1%}" for k, v in errors.items()})
    report = bias_variance_report(errors["train"], errors["dev"], human_error=0.01,
                                  train_dev_error=errors["train-dev"], test_error=errors["test"])
    print({k: (f"{v:+.1%}" if isinstance(v, float) else v) for k, v in report.items()})

    cm = confusion_matrix(y_dev, predict(X_dev), 10)
    precision, recall, f1 = precision_recall_f1(y_dev, predict(X_dev), 10)
    off = cm - np.diag(np.diag(cm))
    i, j = np.unravel_index(np.argmax(off), off.shape)
    print(f"most frequent confusion on the dev set: {off[i, j]} images of a {i} predicted as {j}")

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    axes[0].imshow(cm, cmap="Blues")
    for (a, b), count in np.ndenumerate(cm):
        axes[0].text(b, a, count, ha="center", va="center", fontsize=8, color="w" if count > cm.max() / 2 else "k")
    axes[0].set_xlabel("predicted class"); axes[0].set_ylabel("true class"); axes[0].set_title("dev confusion matrix")
    axes[0].set_xticks(range(10)); axes[0].set_yticks(range(10))
    k = np.arange(10)
    for shift, values, name in [(-0.27, precision, "precision"), (0, recall, "recall"), (0.27, f1, "F1")]:
        axes[1].bar(k + shift, values, 0.27, label=name)
    axes[1].set_xticks(k); axes[1].set_xlabel("class"); axes[1].set_ylim(0, 1.05); axes[1].legend(loc="lower right")
    plt.tight_layout(); plt.show()

    # data mismatch: the dev and test images now come from a scanner that shifts them one pixel to the right
    def shift_right(A):
        return np.roll(A.reshape(-1, 8, 8), 1, axis=2).reshape(-1, 64)


    shifted = {"dev": error(shift_right(X_dev), y_dev), "test": error(shift_right(X_te), y_te)}
    report = bias_variance_report(errors["train"], shifted["dev"], human_error=0.01,
                                  train_dev_error=errors["train-dev"], test_error=shifted["test"])
    print("shifted dev/test error rates:", {k: f"{v:.1%}" for k, v in shifted.items()})
    print(f"variance {report['variance']:+.1%}, data mismatch {report['data_mismatch']:+.1%}, focus: {report['focus']}")
    """),
    md(r"""
    On the original data the avoidable bias is high: one centroid per class is too simple
    a model, and the report says to work on the bias first (a multilayer perceptron does
    far better on this data). The confusion matrix shows which digits get mixed up.

    With the shifted dev and test images, the data mismatch dwarfs everything else, yet
    `focus` still says `'bias'`: the rule fixes the bias first. Here, a human would look at
    the gaps and start with the data:
    train on shifted images too (data augmentation), or collect training data from the new
    scanner. A report is a summary; the gaps are what you read.
    """),
]
