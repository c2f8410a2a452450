"""Chapter 06 checks: correct implementations written differently earn full marks, and
specific wrong behaviours fail the intended check (and only it)."""
import numpy as np
import pytest
from scipy import stats
from scipy.special import expit

from autograder.checks.judges import ch06 as judges

from .support import grade_with

SCALE = 1.0507009873554805
ALPHA = 1.6732632423543772


def failed_checks(report):
    return [c.name for c in report.checks if not c.passed]


def full_marks(report):
    return report.earned == report.points and not report.error


# --------------------------------------------------------------------------- correct alternatives


def loop_leaky_forward(x, alpha=0.01):
    x = np.array(x, dtype=float)
    out = np.empty_like(x)
    for idx in np.ndindex(x.shape):
        out[idx] = x[idx] if x[idx] > 0 else alpha * x[idx]
    return out, {"x": x, "alpha": alpha}


def loop_leaky_backward(dout, cache):
    x, alpha = cache["x"], cache["alpha"]
    dx = np.empty_like(x)
    for idx in np.ndindex(x.shape):
        dx[idx] = dout[idx] * (1.0 if x[idx] > 0 else alpha)
    return dx


def prelu_forward_mask(x, alpha):
    x = np.asarray(x, dtype=float)
    alpha = np.asarray(alpha, dtype=float)
    neg = x <= 0
    out = x.copy()
    out[neg] = (alpha * x)[neg] if alpha.ndim else alpha * x[neg]
    return out, (x, neg, alpha.shape, alpha)


def prelu_backward_einsum(dout, cache):
    """dalpha by einsum over the batch (per feature) or a full sum (shared slope)."""
    x, neg, shape, alpha = cache
    dx = np.where(neg, alpha * dout, dout)
    contrib = np.where(neg, x, 0.0)
    dalpha = np.einsum("nd,nd->d", dout, contrib) if shape else np.array(np.einsum("nd,nd->", dout, contrib))
    return dx, dalpha


def rrelu_forward_negatives_only(x, lower=1 / 8, upper=1 / 3, mode="train", rng=None):
    """Draws only for the entries that need a slope, with rng.random, and caches (x, slopes)."""
    x = np.asarray(x, dtype=float)
    neg = x <= 0
    slopes = np.ones_like(x)
    if mode == "train":
        if rng is None:
            raise ValueError("train mode needs rng")
        slopes[neg] = lower + (upper - lower) * rng.random(int(neg.sum()))
    elif mode == "test":
        slopes[neg] = (lower + upper) / 2
    else:
        raise ValueError(mode)
    return slopes * x, (x, slopes)


def rrelu_backward_negatives_only(dout, cache):
    _, slopes = cache
    return np.asarray(dout, dtype=float) * slopes


def rrelu_forward_column_major(x, lower=1 / 8, upper=1 / 3, mode="train", rng=None):
    """Draws a full array of slopes in Fortran order (a different order of the same draws)."""
    x = np.asarray(x, dtype=float)
    if mode == "test":
        a = np.full(x.shape, (lower + upper) / 2)
    else:
        if rng is None:
            raise ValueError("train mode needs rng")
        a = rng.uniform(lower, upper, size=x.shape[::-1]).T
    return np.where(x > 0, x, a * x), np.where(x > 0, 1.0, a)


def elu_forward_caching_out(x, alpha=1.0):
    x = np.asarray(x, dtype=float)
    out = np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))
    return out, (x > 0, out.copy(), alpha)


def elu_backward_out_plus_alpha(dout, cache):
    """The other valid formula: on the negative side ELU'(x) = ELU(x) + alpha."""
    pos, out, alpha = cache
    return np.where(pos, dout, (out + alpha) * dout)


def selu_via_elu_forward(x):
    x = np.asarray(x, dtype=float)
    neg = np.minimum(x, 0.0)
    return SCALE * (np.maximum(x, 0.0) + ALPHA * np.expm1(neg)), x


def selu_via_elu_backward(dout, cache):
    x = cache
    return SCALE * dout * np.where(x > 0, 1.0, ALPHA * np.exp(np.minimum(x, 0.0)))


def softplus_forward_logaddexp(x):
    x = np.asarray(x, dtype=float)
    return np.logaddexp(0.0, x), x


def softplus_backward_expit(dout, cache):
    return dout * expit(cache)


ALTERNATIVES = [
    ("leaky_relu_forward", {"leaky_relu_forward": loop_leaky_forward}),
    ("leaky_relu_backward", {"leaky_relu_forward": loop_leaky_forward, "leaky_relu_backward": loop_leaky_backward}),
    ("prelu_forward", {"prelu_forward": prelu_forward_mask}),
    ("prelu_backward", {"prelu_forward": prelu_forward_mask, "prelu_backward": prelu_backward_einsum}),
    ("rrelu_forward", {"rrelu_forward": rrelu_forward_negatives_only}),
    ("rrelu_backward", {"rrelu_forward": rrelu_forward_negatives_only, "rrelu_backward": rrelu_backward_negatives_only}),
    ("rrelu_forward", {"rrelu_forward": rrelu_forward_column_major}),
    ("rrelu_backward", {"rrelu_forward": rrelu_forward_column_major}),
    ("elu_forward", {"elu_forward": elu_forward_caching_out}),
    ("elu_backward", {"elu_forward": elu_forward_caching_out, "elu_backward": elu_backward_out_plus_alpha}),
    ("selu_forward", {"selu_forward": selu_via_elu_forward}),
    ("selu_backward", {"selu_forward": selu_via_elu_forward, "selu_backward": selu_via_elu_backward}),
    ("softplus_forward", {"softplus_forward": softplus_forward_logaddexp}),
    ("softplus_backward", {"softplus_forward": softplus_forward_logaddexp, "softplus_backward": softplus_backward_expit}),
]


@pytest.mark.parametrize("name,overrides", ALTERNATIVES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(ALTERNATIVES)])
def test_correct_alternatives_get_full_marks(name, overrides):
    report = grade_with(name, **overrides)
    assert full_marks(report), report.render_text()


def test_rrelu_with_float32_slopes_gets_full_marks():
    def forward(x, lower=1 / 8, upper=1 / 3, mode="train", rng=None):
        x = np.asarray(x, dtype=float)
        if mode == "train":
            if rng is None:
                raise ValueError("rng")
            a = rng.uniform(lower, upper, size=x.shape).astype(np.float32).astype(float)
        else:
            a = np.full(x.shape, (lower + upper) / 2)
        return np.where(x > 0, x, a * x), np.where(x > 0, 1.0, a)

    for name in ("rrelu_forward", "rrelu_backward"):
        report = grade_with(name, rrelu_forward=forward)
        assert full_marks(report), report.render_text()


# --------------------------------------------------------------------------- wrong behaviours


def test_mutating_the_input_fails_only_purity():
    def leaky_in_place(x, alpha=0.01):
        x = np.asarray(x)  # no copy: the caller's array
        neg = x <= 0
        x[neg] *= alpha
        return x.copy(), (neg, alpha)

    report = grade_with("leaky_relu_forward", leaky_relu_forward=leaky_in_place)
    assert failed_checks(report) == [judges.PURE], report.render_text()
    assert "modifies its input in place" in report.checks[-1].message


def test_backward_scaling_dout_in_place_fails_only_purity():
    def elu_backward_in_place(dout, cache):
        x, alpha = cache
        neg = x <= 0
        dout[neg] *= alpha * np.exp(x[neg])  # right values, but written into the caller's dout
        return dout.copy()

    report = grade_with("elu_backward", elu_backward=elu_backward_in_place)
    assert failed_checks(report) == [judges.PURE], report.render_text()


@pytest.mark.parametrize("name,fn", [
    ("elu_forward", lambda x, alpha=1.0: (np.where(np.asarray(x) > 0, x, alpha * (np.exp(x) - 1)), (np.asarray(x), alpha))),
    ("softplus_forward", lambda x: (np.log1p(np.exp(np.asarray(x, float))), np.asarray(x, float))),
    ("selu_forward", lambda x: (SCALE * np.where(np.asarray(x) > 0, x, ALPHA * np.expm1(x)), np.asarray(x, float))),
])
def test_overflowing_forward_loses_only_the_stability_check(name, fn):
    report = grade_with(name, **{name: fn})
    assert failed_checks(report) == [judges.STABLE], report.render_text()


def test_overflowing_backward_loses_only_the_stability_check():
    def softplus_backward_naive(dout, cache):
        return dout / (1 + np.exp(-cache))

    report = grade_with("softplus_backward", softplus_backward=softplus_backward_naive)
    assert failed_checks(report) == [judges.STABLE], report.render_text()


def test_slope_one_at_zero_fails_only_the_values_check():
    def leaky_backward_ge(dout, cache):
        x, alpha = cache
        return np.where(x >= 0, dout, alpha * dout)

    report = grade_with("leaky_relu_backward", leaky_relu_backward=leaky_backward_ge)
    assert failed_checks(report) == [judges.DX_VALUES], report.render_text()
    assert judges.BOUNDARY in [c.message for c in report.checks]


def test_prelu_dalpha_with_the_wrong_shape_keeps_the_dx_points():
    def not_summed(dout, cache):
        x, alpha = cache
        return np.where(x > 0, dout, alpha * dout), np.where(x > 0, 0.0, dout * x)

    report = grade_with("prelu_backward", prelu_backward=not_summed)
    by_name = {c.name: c for c in report.checks}
    assert by_name[judges.DX_VALUES].passed, report.render_text()
    assert not by_name["dalpha has alpha's shape, () or (D,), and matches (summed over the batch)"].passed
    assert 0 < report.earned < report.points


def test_forward_without_cache_is_told_to_return_a_tuple():
    report = grade_with("leaky_relu_forward", leaky_relu_forward=lambda x, alpha=0.01: np.where(x > 0, x, alpha * x))
    assert report.earned == 0, report.render_text()
    assert "should return a tuple (out, cache)" in report.render_text()


def test_backward_reports_a_broken_forward():
    def broken(x, alpha=0.01):
        raise RuntimeError("boom")

    report = grade_with("leaky_relu_backward", leaky_relu_forward=broken)
    assert report.earned == 0
    assert "needs a cache from `leaky_relu_forward`, which raised RuntimeError" in report.render_text()


# --------------------------------------------------------------------------- RReLU randomness


def test_rrelu_ignoring_the_generator_fails_only_reproducibility():
    def fixed_stream(x, lower=1 / 8, upper=1 / 3, mode="train", rng=None):
        if mode == "train" and rng is None:
            raise ValueError("rng")
        return rrelu_forward_column_major(x, lower, upper, mode, np.random.default_rng(12345))

    report = grade_with("rrelu_forward", rrelu_forward=fixed_stream)
    assert failed_checks(report) == ["train mode is reproducible: the same seed gives the same output, another seed another"], \
        report.render_text()
    assert judges.RRELU_IGNORES_RNG in [c.message for c in report.checks]


def test_rrelu_drawing_from_a_fresh_unseeded_generator_fails_only_reproducibility():
    def unseeded(x, lower=1 / 8, upper=1 / 3, mode="train", rng=None):
        if mode == "train" and rng is None:
            raise ValueError("rng")
        return rrelu_forward_column_major(x, lower, upper, mode, np.random.default_rng())

    report = grade_with("rrelu_forward", rrelu_forward=unseeded)
    assert failed_checks(report) == ["train mode is reproducible: the same seed gives the same output, another seed another"], \
        report.render_text()
    assert judges.RRELU_NOT_SEEDED in [c.message for c in report.checks]


def test_rrelu_without_value_error_for_missing_rng_fails_only_that_check():
    def default_generator(x, lower=1 / 8, upper=1 / 3, mode="train", rng=None):
        return rrelu_forward_column_major(x, lower, upper, mode, rng if rng is not None else np.random.default_rng(0))

    report = grade_with("rrelu_forward", rrelu_forward=default_generator)
    assert failed_checks(report) == ["train mode with rng=None raises ValueError"], report.render_text()


@pytest.mark.parametrize("draw", [
    lambda rng, lo, up, shape: rng.uniform(0.0, up, size=shape),                   # wrong lower end
    lambda rng, lo, up, shape: rng.triangular(lo, (lo + up) / 2, up, size=shape),  # right range, wrong shape
    lambda rng, lo, up, shape: np.clip(rng.normal((lo + up) / 2, (up - lo) / 12**0.5, size=shape), lo, up),
    lambda rng, lo, up, shape: rng.uniform(1 / 8, 1 / 3, size=shape),              # ignores lower/upper
], ids=["U(0, upper)", "triangular", "clipped normal", "fixed bounds"])
def test_rrelu_plausible_wrong_distributions_fail_the_statistical_check(draw):
    def forward(x, lower=1 / 8, upper=1 / 3, mode="train", rng=None):
        x = np.asarray(x, dtype=float)
        if mode == "test":
            a = np.full(x.shape, (lower + upper) / 2)
        else:
            if rng is None:
                raise ValueError("rng")
            a = draw(rng, lower, upper, x.shape)
        return np.where(x > 0, x, a * x), np.where(x > 0, 1.0, a)

    report = grade_with("rrelu_forward", rrelu_forward=forward)
    assert failed_checks(report) == [report.checks[0].name], report.render_text()


def test_ks_threshold_leaves_a_huge_margin_for_plausible_wrong_variants():
    """Independent of the judges: with the scenario's sample size (about 14,000 negative
    entries) the p-values of the wrong variants above are far below 1e-6."""
    rng = np.random.default_rng(0)
    n, lo, up = 14_000, 1 / 8, 1 / 3
    for sample in (rng.uniform(0, up, n), rng.triangular(lo, (lo + up) / 2, up, n)):
        assert stats.kstest(sample, "uniform", args=(lo, up - lo)).pvalue < 1e-30


def test_rrelu_backward_with_fresh_slopes_fails_the_train_check():
    def fresh_slopes_backward(dout, cache):
        local = cache
        redraw = np.random.default_rng(7).uniform(1 / 8, 1 / 3, size=local.shape)
        return dout * np.where(local == 1.0, 1.0, redraw)

    report = grade_with("rrelu_backward", rrelu_backward=fresh_slopes_backward)
    assert not report.checks[0].passed, report.render_text()
    assert "not dout times the slope your forward pass used" in report.checks[0].message
