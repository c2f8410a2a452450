"""Chapter 09 checks: dropout written differently (other random draws, other caches,
loops) earns full marks; specific wrong behaviours fail the check about them."""
import time

import numpy as np

from autograder.checks.judges.ch09 import DropFraction, KeptScale, MeanPreserved

from .support import grade_with


def failed_checks(report) -> list[str]:
    return [c.name for c in report.checks if not c.passed]


def binomial_dropout_forward(x, p, mode="train", rng=None):
    """Keep mask from rng.binomial (another order and kind of draws); cache (mode, keep, p)."""
    x = np.asarray(x, dtype=float)
    if mode == "test":
        return np.array(x, copy=True), ("test", None, p)
    if rng is None:
        raise ValueError("rng is required in train mode")
    keep = rng.binomial(1, 1.0 - p, size=x.shape).astype(bool)
    out = np.zeros_like(x)
    if p < 1:
        out[keep] = x[keep] / (1.0 - p)
    return out, ("train", keep, p)


def binomial_dropout_backward(dout, cache):
    mode, keep, p = cache
    dout = np.asarray(dout, dtype=float)
    if mode == "test":
        return dout * 1.0
    dx = np.zeros_like(dout)
    if p < 1:
        dx[keep] = dout[keep] / (1.0 - p)
    return dx


def loop_dropout_forward(x, p, mode="train", rng=None):
    """One rng.uniform() per entry in a Python loop, keeping when u < 1 - p."""
    x = np.asarray(x, dtype=float)
    if mode == "test":
        return x.copy(), {"mode": mode}
    if rng is None:
        raise ValueError("need an rng")
    out = np.empty_like(x)
    scale = np.empty_like(x)
    for idx in np.ndindex(x.shape):
        kept = rng.uniform() < 1.0 - p
        scale[idx] = 1.0 / (1.0 - p) if kept else 0.0
        out[idx] = x[idx] * scale[idx]
    return out, {"mode": mode, "scale": scale}


def loop_dropout_backward(dout, cache):
    dout = np.asarray(dout, dtype=float)
    if cache["mode"] == "test":
        return dout.copy()
    dx = np.empty_like(dout)
    for idx in np.ndindex(dout.shape):
        dx[idx] = dout[idx] * cache["scale"][idx]
    return dx


def test_dropout_written_differently_gets_full_marks():
    pairs = [(binomial_dropout_forward, binomial_dropout_backward), (loop_dropout_forward, loop_dropout_backward)]
    for fwd, bwd in pairs:
        for name in ("dropout_forward", "dropout_backward"):
            start = time.perf_counter()
            report = grade_with(name, dropout_forward=fwd, dropout_backward=bwd)
            elapsed = time.perf_counter() - start
            assert report.earned == report.points, f"{fwd.__name__}:\n{report.render_text()}"
            assert elapsed < 10, f"{name} with {fwd.__name__} took {elapsed:.1f} s to check"


def test_forward_that_changes_x_in_place_fails_only_purity():
    def in_place(x, p, mode="train", rng=None):
        if mode == "test":
            return x.copy(), ("test", None)
        if rng is None:
            raise ValueError("need an rng")
        mask = (rng.random(x.shape) >= p) * (0.0 if p == 1 else 1.0 / (1.0 - p))
        x *= mask
        return x.copy(), ("train", mask)

    report = grade_with("dropout_forward", dropout_forward=in_place)
    assert failed_checks(report) == ["inputs are left unchanged and outputs are new arrays"], report.render_text()


def test_forward_using_the_global_generator_fails_the_reproducibility_check():
    legacy = np.random.RandomState(0)  # a generator that ignores the rng argument

    def global_state(x, p, mode="train", rng=None):
        x = np.asarray(x, dtype=float)
        if mode == "test":
            return x.copy(), ("test", None)
        if rng is None:
            raise ValueError("need an rng")
        mask = (legacy.random_sample(x.shape) >= p) * (0.0 if p == 1 else 1.0 / (1.0 - p))
        return x * mask, ("train", mask)

    report = grade_with("dropout_forward", dropout_forward=global_state)
    assert failed_checks(report) == ["the same seed gives the same mask, another seed another mask"], report.render_text()


def test_forward_without_rng_check_fails_only_that_check():
    def default_rng_when_missing(x, p, mode="train", rng=None):
        rng = np.random.default_rng(0) if rng is None else rng
        return binomial_dropout_forward(x, p, mode, rng)

    report = grade_with("dropout_forward", dropout_forward=default_rng_when_missing)
    assert failed_checks(report) == ["train mode without an rng raises ValueError"], report.render_text()


def test_forward_that_drops_by_value_fails_the_statistical_checks_without_naming_a_mistake():
    def drops_large_entries(x, p, mode="train", rng=None):
        """Drops the largest p-fraction of |x| (right fraction, right scale, wrong mean)."""
        x = np.asarray(x, dtype=float)
        if mode == "test":
            return x.copy(), ("test", None)
        if rng is None:
            raise ValueError("need an rng")
        if p == 1:
            return np.zeros_like(x), ("train", np.zeros_like(x))
        cut = np.quantile(np.abs(x), 1 - p) if x.size else 0.0
        mask = (np.abs(x) <= cut) / (1.0 - p)
        return x * mask, ("train", mask)

    report = grade_with("dropout_forward", dropout_forward=drops_large_entries)
    mean_check = next(c for c in report.checks if c.name.startswith("the mean is preserved"))
    assert not mean_check.passed, report.render_text()
    assert mean_check.message.startswith("on x of shape"), report.render_text()


def test_backward_ignoring_test_mode_fails_the_mask_check():
    def always_scaled(dout, cache):
        mode, mask = cache
        return dout / 0.5 if mode == "test" else dout * mask

    report = grade_with("dropout_backward", dropout_backward=always_scaled)
    assert failed_checks(report) == [report.checks[0].name], report.render_text()
    assert "test mode" in report.checks[0].message, report.render_text()


def test_backward_is_judged_against_the_students_own_forward():
    """A forward with a wrong factor does not cost the (consistent) backward its points."""
    def unscaled_forward(x, p, mode="train", rng=None):
        out, cache = binomial_dropout_forward(x, p, mode, rng)
        return (out * (1 - p), cache) if mode == "train" else (out, cache)

    def unscaled_backward(dout, cache):
        dx = binomial_dropout_backward(dout, cache)
        return dx * (1 - cache[2]) if cache[0] == "train" else dx

    report = grade_with("dropout_backward", dropout_forward=unscaled_forward, dropout_backward=unscaled_backward)
    assert report.earned == report.points, report.render_text()


# --------------------------------------------------------------------------- the statistics themselves


def _record(out, x, p):
    return {"calls": [{"label": "x", "error": None, "raw": out, "x": x, "p": p, "out": None}]}


def test_drop_fraction_accepts_honest_draws_and_rejects_a_swapped_p():
    """Over 200 independent seeds an honest mask never leaves six standard errors, and a
    keep-probability mask (drop 1 - p) always does."""
    x = np.random.default_rng(1).uniform(0.5, 2.0, size=(151, 201))
    for p in (0.2, 0.7, 0.9):
        expected = _record(x, x, p)
        for s in range(200):
            keep = np.random.default_rng([s, 3, 1]).random(x.shape) >= p
            ok, msg = DropFraction()(_record(x * keep / (1 - p), x, p), expected)
            assert ok, f"honest mask rejected at p = {p}, seed {s}: {msg}"
        swapped = np.random.default_rng(5).random(x.shape) < p
        ok, _ = DropFraction()(_record(x * swapped / p, x, p), expected)
        assert not ok, f"a mask that keeps with probability p = {p} passed"


def test_scale_and_mean_checks_reject_the_missing_rescale():
    x = np.random.default_rng(2).uniform(0.25, 2.0, size=(1, 30001))
    keep = np.random.default_rng(3).random(x.shape) >= 0.2
    expected = _record(x, x, 0.2)
    assert KeptScale()(_record(x * keep / 0.8, x, 0.2), expected)[0]
    assert MeanPreserved()(_record(x * keep / 0.8, x, 0.2), expected)[0]
    assert not KeptScale()(_record(x * keep, x, 0.2), expected)[0]
    assert not MeanPreserved()(_record(x * keep, x, 0.2), expected)[0]
