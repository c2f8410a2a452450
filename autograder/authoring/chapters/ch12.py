"""Notebook 12: the capstone, a digit classifier built from the course's pieces."""
from ..cells import experiment, hidden_test, md, provided, setup, solution, visible_test

CELLS = [
    md(r"""
    # 12 · Putting it together: the capstone

    Eleven chapters gave you the pieces: losses, minibatch optimizers, backpropagation,
    initializations, activations, batch normalization, L2 and early stopping, dropout,
    hyperparameter searches and error analysis. In this notebook you assemble them into
    one classifier of handwritten digits, as good as you can make it, and hand it in as
    one function, `train_capstone`, which trains the network and returns its parameters.

    Read the book chapter first: **[Putting it together: the capstone](../../book/12_capstone.md)**.
    It walks through a complete recipe, from splitting the data to reading the learning
    curves.

    **The data.** scikit-learn's 8x8 digits: 1797 images of 64 pixels, 10 classes. They
    are put in one fixed order; the first **1400 are public** and come from
    `mlpkit.capstone.load_capstone()`, already standardised (pixel by pixel, with the mean
    and standard deviation of the 1400 public images) and split into 1120 training and
    280 validation images. The other **397 images are held out**: your code never sees
    them. The grader standardises them with the same public statistics and measures the
    accuracy of your network on them.

    **What you hand in.** `train_capstone(X_train, y_train, rng)` trains a network and
    returns `(params, activation)`:

    - `params`, the dict `{'W1', 'b1', ..., 'WL', 'bL'}` of chapter 03, and nothing else:
      `W_l` of shape `(fan_in, fan_out)`, 64 inputs, 10 outputs, finite numbers;
    - `activation`, the hidden activation the network was trained with: `'relu'`,
      `'tanh'` or `'sigmoid'`.

    The grader calls it once with **all 1400 public images** (training and validation
    parts together: if you want a validation set, for early stopping say, carve it out
    inside your function, with `rng`), then computes the predictions itself:
    `argmax(mlp_forward(params, X_heldout, activation))`, a plain forward pass. Dropout
    needs no change for that (it is off at test time). Batch normalization does: train
    without it, or fold it into `W` and `b` before returning (an optional extra, see the
    end of the notebook).

    **How you are graded (10 points).**

    | what | points |
    |---|---|
    | held-out accuracy: one bar each at 0.825, 0.850, 0.875, 0.900, 0.925 and 0.950 | 1.25 per bar reached (7.5) |
    | the return value has the layout above, and `X_train`, `y_train` are left unchanged | 0.5 |
    | the activation you name is the one the network works with | 1 |
    | reproducible: two runs with generators of the same seed give the same network | 1 |

    So the accuracy part rises in steps from nothing at 0.80 to full marks at 0.95. The
    last two rows count only for a network that reaches 0.80: one that has learnt nothing
    is trivially reproducible. For the reproducibility check the grader trains twice more,
    on the first 400 public images, with two generators of one seed, and compares the
    scores of the two networks.

    **Time budget.** `train_capstone` must finish within **20 seconds** on the 1400 public
    images on a 2-core machine. The grader's three runs (one on 1400 images, two on 400)
    are stopped after 60 seconds in all, and a stopped run earns nothing.

    **Rules.** All randomness from `rng` (no `np.random.seed`, no `np.random.*` calls, no
    generator of your own). Use the course's functions and `mlpkit`; no other machine
    learning library. And one rule the grader cannot enforce: scikit-learn ships all 1797
    digits, so the held-out images are not secret from anyone who goes looking for them.
    Training on them would measure nothing; don't.
    """),
    setup("""
    import time

    import numpy as np
    import matplotlib.pyplot as plt

    from mlpkit.capstone import load_capstone, public_statistics
    from mlpkit.trainer import MLPConfig, Toolbox, evaluate, fit, predict

    X_train, y_train, X_val, y_val = load_capstone()
    print("training:", X_train.shape, y_train.shape, " validation:", X_val.shape, y_val.shape)
    print("images per digit in training:", np.bincount(y_train))
    """),
    md(r"""
    ## 1. The pieces

    Every deadline before this one has passed, so the course's own versions of the
    earlier chapters' functions are given below (you may replace any of them with yours:
    the trainer uses whatever is defined under the course name when you build the
    toolbox). Run these cells; they only define functions.

    - layers and activations (03): `affine_*`, `relu_*`, `tanh_*`, `sigmoid_*`,
      and the plain forward pass the grader uses, `mlp_forward`;
    - loss (01): `softmax`, `softmax_cross_entropy`;
    - minibatches and update rules (02): `iterate_minibatches`, `sgd_step`,
      `momentum_step`, `adam_step`, `lr_time_decay`;
    - initializations (05): `he_normal`, `xavier_normal`;
    - regularization (08, 09): `l2_penalty`, `EarlyStopping`, `dropout_*`;
    - batch normalization (07): `batchnorm_*`.
    """),
    provided(
        "affine_forward", "affine_backward",
        "relu_forward", "relu_backward", "tanh_forward", "tanh_backward", "sigmoid_forward", "sigmoid_backward",
        "mlp_forward",
        "softmax", "softmax_cross_entropy",
        "iterate_minibatches", "sgd_step", "momentum_step", "adam_step", "lr_time_decay",
        "he_normal", "xavier_normal",
        "l2_penalty", "EarlyStopping", "dropout_forward", "dropout_backward",
        "batchnorm_forward", "batchnorm_backward",
    ),
    md(r"""
    ## 2. The trainer

    `mlpkit.trainer.fit` trains an MLP described by an `MLPConfig` (layer sizes,
    activation, initialization, optimizer, learning rate, minibatch size, epochs, L2,
    dropout, batch norm, early stopping). It contains no numerical code of its own: every
    forward, backward, loss and update is a call of a function from a `Toolbox`, which
    `Toolbox.from_namespace(globals())` fills with the functions of this notebook, found
    by their course names. `fit` returns the trained `model` (its parameters are in
    `model.params`) and a `history` of per-epoch learning curves.

    A first, deliberately plain baseline: softmax regression (no hidden layer) with
    minibatch SGD.
    """),
    experiment("""
    toolbox = Toolbox.from_namespace(globals())
    print("activations in the toolbox:", sorted(toolbox.activations))

    baseline = MLPConfig(layer_sizes=(64, 10), optimizer="sgd", lr=0.05, batch_size=64, epochs=10)
    start = time.perf_counter()
    baseline_model, baseline_history = fit(baseline, toolbox, X_train, y_train, X_val, y_val,
                                           rng=np.random.default_rng(0))
    print(f"softmax regression: {time.perf_counter() - start:.2f} s,",
          "validation", {k: round(v, 4) for k, v in evaluate(baseline_model, toolbox, X_val, y_val).items()})
    """),
    md(r"""
    ## 3. Your network

    Write `train_capstone`. A recipe that works (the book chapter explains each step):

    1. one or two hidden layers of ReLU units with He initialization;
    2. Adam, minibatches of 32 to 128, a learning rate around $10^{-3}$ to $10^{-2}$;
    3. enough epochs for the training accuracy to get close to 100%, then regularization
       (L2, dropout) or early stopping if the validation accuracy lags far behind;
    4. choose the settings on the validation split (`X_val`, `y_val`), and in
       `train_capstone` train the final network on all the data you are given.

    Keep the network moderate: on the digits, widths of a few hundred units buy little
    accuracy, and NumPy may run large products on several threads, which is slower, not
    faster, on a busy 2-core machine. Return the plain arrays: `model.params` of a network
    trained without batch norm is already the dict the grader wants.
    """),
    solution("train_capstone"),
    visible_test("""
    start = time.perf_counter()
    params, activation = train_capstone(X_train, y_train, np.random.default_rng(0))
    seconds = time.perf_counter() - start
    print(f"trained on {len(X_train)} images in {seconds:.1f} s")

    # the format the grader expects
    assert isinstance(params, dict), f"params should be a dict, got {type(params).__name__}"
    n_layers = sum(1 for key in params if key.startswith("W"))
    assert set(params) == {f"{p}{l}" for l in range(1, n_layers + 1) for p in "Wb"}, sorted(params)
    fan_in = 64
    for l in range(1, n_layers + 1):
        W, b = params[f"W{l}"], params[f"b{l}"]
        assert W.ndim == 2 and W.shape[0] == fan_in, f"W{l} has shape {W.shape}, expected ({fan_in}, n_{l})"
        assert b.shape == (W.shape[1],), f"b{l} has shape {b.shape}, expected ({W.shape[1]},)"
        assert np.all(np.isfinite(W)) and np.all(np.isfinite(b)), f"layer {l} holds inf or nan"
        fan_in = W.shape[1]
    assert fan_in == 10, f"the last layer should give 10 scores, not {fan_in}"
    assert activation in ("relu", "tanh", "sigmoid"), activation

    # the accuracy, computed exactly as the grader will on the held-out images
    val_predictions = np.argmax(mlp_forward(params, X_val, activation), axis=1)
    val_accuracy = np.mean(val_predictions == y_val)
    print(f"validation accuracy {val_accuracy:.4f} (full marks from 0.95 on the held-out images)")

    # the same seed must give the same network (checked here on 300 images to save time)
    first, _ = train_capstone(X_train[:300], y_train[:300], np.random.default_rng(5))
    again, _ = train_capstone(X_train[:300], y_train[:300], np.random.default_rng(5))
    assert all(np.allclose(first[k], again[k], rtol=1e-6, atol=1e-10) for k in first), \\
        "two runs with generators of the same seed differ: take every random number from rng"

    assert seconds < 20 * len(X_train) / 1400, f"{seconds:.1f} s is over the time budget (20 s for 1400 images)"
    print("train_capstone: visible checks passed")
    """),
    hidden_test("train_capstone"),
    md(r"""
    ## 4. Experiment: learning curves

    `train_capstone` returns only the parameters; to see how training went, run `fit`
    with a validation set and read its `history`. The settings below are just an example
    (tanh units and SGD with momentum); put those of your own recipe into `curve_config`: are the two curves still falling when training stops
    (train longer), or is the validation loss rising while the training loss falls
    (regularize, or stop earlier)?
    """),
    experiment("""
    curve_config = MLPConfig(layer_sizes=(64, 64, 10), activation="tanh", init="xavier_normal",
                             optimizer="momentum", lr=0.02, batch_size=64, epochs=30)
    curve_model, history = fit(curve_config, toolbox, X_train, y_train, X_val, y_val,
                               rng=np.random.default_rng(1))
    epochs = np.arange(1, history.n_epochs + 1)

    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    axes[0].plot(epochs, history.train_loss, label="training")
    axes[0].plot(epochs, history.val_loss, label="validation")
    axes[0].set_yscale("log"); axes[0].set_xlabel("epoch"); axes[0].set_ylabel("cross-entropy"); axes[0].legend()
    axes[1].plot(epochs, history.train_acc, label="training")
    axes[1].plot(epochs, history.val_acc, label="validation")
    axes[1].axhline(0.95, color="gray", ls=":", label="full-marks bar")
    axes[1].set_ylim(0.85, 1.005); axes[1].set_xlabel("epoch"); axes[1].set_ylabel("accuracy"); axes[1].legend()
    plt.tight_layout()
    plt.show()
    print(f"best validation accuracy {max(history.val_acc):.4f} at epoch {int(np.argmax(history.val_acc)) + 1}")
    """),
    md(r"""
    ## 5. Where the network still errs

    The chapter 11 habit: look at the mistakes. Below, the validation images the
    network of the previous cell gets wrong, titled "true digit → prediction". Would you
    have read them right? If not, that error is close to the Bayes error, and no
    network will remove it.
    """),
    experiment("""
    val_predicted = predict(curve_model, toolbox, X_val)
    wrong = np.flatnonzero(val_predicted != y_val)
    print(f"{len(wrong)} of {len(y_val)} validation images misclassified")
    pixel_mean, pixel_scale = public_statistics()  # undo the standardisation to show the ink
    shown = wrong[:12]
    if len(shown):
        fig, axes = plt.subplots(1, len(shown), figsize=(1.2 * len(shown), 1.6), squeeze=False)
        for ax, i in zip(axes[0], shown):
            ax.imshow((X_val[i] * pixel_scale + pixel_mean).reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
            ax.set_title(f"{y_val[i]} → {val_predicted[i]}", fontsize=9)
            ax.axis("off")
        plt.show()
    """),
    md(r"""
    ## Optional: folding batch normalization into the weights

    If you train with `batchnorm=True`, the trained model holds `gamma_l`, `beta_l`
    (in `model.params`) and running statistics `running_mean_l`, `running_var_l`
    (in `model.bn_state`) that plain `mlp_forward` does not know. At test time batch norm
    is an affine map per unit, so it can be merged into the layer before it: with
    $c = \gamma / \sqrt{\sigma^2_{\text{running}} + \epsilon}$ (one number per unit),

    $$W' = W \operatorname{diag}(c), \qquad b' = (b - \mu_{\text{running}}) \odot c + \beta,$$

    that is `W * c` (column `j` scaled by `c[j]`) and `(b - mean) * c + beta`, with the
    `eps` of your config (`bn_eps`, 1e-5 by default). The output layer has no batch norm
    and stays as it is. Check your folding by comparing `mlp_forward` of the folded
    parameters with `mlpkit.trainer.predict_logits` of the model: they should agree to
    rounding error.
    """),
]
