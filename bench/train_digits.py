"""Benchmark: the course's reference MLP trainer against scikit-learn's MLPClassifier.

Both train the same network on the same standardised split of scikit-learn's digits
(1797 images, 64 features, 10 classes; 60/20/20 split from ``mlpkit.data.load_digits``)
in the same process, one after the other, repeat after repeat:

- architecture 64-128-128-10, ReLU hidden layers, softmax output;
- Adam, learning rate 1e-3, betas (0.9, 0.999), eps 1e-8, minibatches of 64, shuffled
  every epoch, exactly 20 epochs (scikit-learn with ``tol=0`` and
  ``n_iter_no_change`` above ``max_iter``, so it never stops early);
- the same L2 strength on both sides: scikit-learn's ``alpha`` adds
  ``alpha / (2 B) * sum ||W||^2`` to the cost of a minibatch of B examples, exactly the
  course's ``l2_penalty(weights, alpha, B)`` that the trainer adds (``config.l2``);
- the same weight initialisation: scikit-learn draws Glorot (Xavier) uniform weights
  for ReLU networks, so ours uses ``init="xavier_uniform"`` (its biases start at 0,
  scikit-learn's are drawn from the same uniform).

The course's default for ReLU, He normal (what the trainer test uses), is run as well,
as ``ours, He normal``: on this small problem it ends 20 epochs slightly less accurate
than Glorot uniform in our own trainer too. Timed: the whole ``fit``
divided by the number of epochs. For equal work our trainer gets no validation set and
``eval_train=False`` (the training loss curve is the average of the minibatch losses,
as scikit-learn's ``loss_curve_``); the time with the trainer's default full learning
curves (eval-mode training and validation loss and accuracy after every epoch) is
printed as well. BLAS is limited to ``--threads`` threads for both (default 1: with
matrices this small, extra threads only add contention on a shared machine).

Run from the repository root::

    .venv/bin/python bench/train_digits.py [--repeats 5] [--epochs 20] [--threads 1] [--alpha 1e-4]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import NamedTuple

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from autograder.training import evaluate_mlp, train_mlp  # noqa: E402
from mlpkit.data import load_digits  # noqa: E402
from mlpkit.trainer import MLPConfig  # noqa: E402

HIDDEN = (128, 128)
BATCH = 64
LR = 1e-3
ALPHA = 1e-4  # scikit-learn's default alpha, used on both sides (--alpha to change)


class Run(NamedTuple):
    wall: float  # seconds per epoch, wall clock
    cpu: float  # seconds per epoch, CPU time of this process
    accuracy: float  # test accuracy


def run_ours(split, epochs: int, seed: int, alpha: float, full_curves: bool, init: str = "xavier_uniform"):
    config = MLPConfig(
        layer_sizes=(split.n_features, *HIDDEN, split.n_classes),
        activation="relu", init=init, optimizer="adam", lr=LR,
        batch_size=BATCH, epochs=epochs, l2=alpha, eval_train=full_curves,
    )
    val = (split.X_val, split.y_val) if full_curves else (None, None)
    wall, cpu = time.perf_counter(), time.process_time()
    model, history = train_mlp(config, split.X_train, split.y_train, *val, np.random.default_rng(seed))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert history.n_epochs == epochs, history.n_epochs
    return Run(wall / epochs, cpu / epochs, evaluate_mlp(model, split.X_test, split.y_test)["accuracy"])


def run_sklearn(split, epochs: int, seed: int, alpha: float):
    clf = MLPClassifier(
        hidden_layer_sizes=HIDDEN, activation="relu", solver="adam", alpha=alpha,
        batch_size=BATCH, learning_rate_init=LR, max_iter=epochs, shuffle=True,
        tol=0.0, n_iter_no_change=epochs + 1, early_stopping=False, random_state=seed,
    )
    wall, cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter reached: intended
        clf.fit(split.X_train, split.y_train)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert clf.n_iter_ == epochs, clf.n_iter_
    return Run(wall / epochs, cpu / epochs, float(np.mean(clf.predict(split.X_test) == split.y_test)))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs per trainer (seeds 0..repeats-1)")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads for both trainers")
    parser.add_argument("--alpha", type=float, default=ALPHA, help="L2 strength on both sides (0: none)")
    parser.add_argument("--split-seed", type=int, default=0, help="seed of the train/val/test split")
    args = parser.parse_args(argv)

    split = load_digits(np.random.default_rng(args.split_seed))
    results: dict[str, list[Run]] = {"ours": [], "ours, He normal": [], "ours, full curves": [], "scikit-learn": []}
    with threadpool_limits(limits=args.threads, user_api="blas"):
        run_ours(split, 1, 0, args.alpha, False)  # warm-up: imports, caches, BLAS start-up
        run_sklearn(split, 1, 0, args.alpha)
        for seed in range(args.repeats):  # interleaved, so both see the same machine load
            results["ours"].append(run_ours(split, args.epochs, seed, args.alpha, False))
            results["scikit-learn"].append(run_sklearn(split, args.epochs, seed, args.alpha))
            results["ours, full curves"].append(run_ours(split, args.epochs, seed, args.alpha, True))
            results["ours, He normal"].append(run_ours(split, args.epochs, seed, args.alpha, False, "he_normal"))

    print(f"digits: train {len(split.X_train)}, test {len(split.X_test)}; MLP 64-{'-'.join(map(str, HIDDEN))}-10, "
          f"Adam lr {LR}, batch {BATCH}, L2 alpha {args.alpha}, {args.epochs} epochs; "
          f"{args.repeats} repeats (seeds 0..{args.repeats - 1}), BLAS threads {args.threads}")
    print(f"{'trainer':<20} {'wall s/epoch':>13} {'cpu s/epoch':>12} {'test accuracy':>22}")
    print(f"{'':<20} {'(median)':>13} {'(median)':>12} {'(mean +- s.e., min)':>22}")
    wall, cpu, acc = {}, {}, {}
    for name, runs in results.items():
        wall[name] = statistics.median(r.wall for r in runs)
        cpu[name] = statistics.median(r.cpu for r in runs)
        acc[name] = [r.accuracy for r in runs]
        se = statistics.stdev(acc[name]) / len(runs) ** 0.5 if len(runs) > 1 else float("nan")
        print(f"{name:<20} {wall[name]:>13.4f} {cpu[name]:>12.4f} "
              f"{statistics.fmean(acc[name]):>9.4f} +- {se:.4f}, {min(acc[name]):.4f}")
    for name in ("ours", "ours, He normal", "ours, full curves"):
        print(f"ratio {name} / scikit-learn, seconds per epoch: wall {wall[name] / wall['scikit-learn']:.2f}, "
              f"cpu {cpu[name] / cpu['scikit-learn']:.2f} (below 1: ours is faster)")
    # the two libraries draw different random numbers from a seed: compare the means
    diff = statistics.fmean(acc["ours"]) - statistics.fmean(acc["scikit-learn"])
    se_diff = (sum(statistics.variance(acc[n]) / len(acc[n]) for n in ("ours", "scikit-learn")) ** 0.5
               if args.repeats > 1 else float("nan"))
    print(f"test accuracy, mean of ours - mean of scikit-learn: {diff:+.4f} +- {se_diff:.4f} "
          f"(one test example is {1 / len(split.y_test):.4f})")
    faster = cpu["ours"] <= cpu["scikit-learn"] and wall["ours"] <= wall["scikit-learn"]
    as_accurate = diff >= 0
    print(f"target: no slower per epoch: {'yes' if faster else 'no'}; "
          f"at least as accurate (mean): {'yes' if as_accurate else 'no'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
