"""Loss functions of chapter 01: hand-worked values, SciPy/scikit-learn cross-checks,
sample weights, purity, dtypes, gradients and numerical stability."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.special import expit, log_expit, log_softmax
from scipy.special import softmax as scipy_softmax
from sklearn.metrics import log_loss, mean_squared_error

from autograder.reference.losses import (
    binary_cross_entropy,
    l1_loss,
    l2_loss,
    mse_loss,
    sigmoid_bce_with_logits,
    softmax,
    softmax_cross_entropy,
)
from mlpkit.gradcheck import check_gradient

# ---------------------------------------------------------------------------
# Hand-worked values
# ---------------------------------------------------------------------------

# The worked example of the course API: one example, five outputs.
Y_PRED = np.array([[0.78, 0.89, 0.12, 0.08, 0.97]])
Y_TRUE = np.array([[1.0, 1.0, 0.0, 0.0, 1.0]])


def test_worked_example_l1():
    # |1-.78| + |1-.89| + |0-.12| + |0-.08| + |1-.97| = .22 + .11 + .12 + .08 + .03 = 0.56
    loss, dpred = l1_loss(Y_PRED, Y_TRUE)
    assert loss == pytest.approx(0.56, rel=1e-12), f"l1 of the worked example: {loss} vs 0.56"
    # sign(yhat - y) with N = 1
    np.testing.assert_array_equal(dpred, [[-1.0, -1.0, 1.0, 1.0, -1.0]], err_msg="l1 subgradient")


def test_worked_example_l2():
    # .22^2 + .11^2 + .12^2 + .08^2 + .03^2 = .0484 + .0121 + .0144 + .0064 + .0009 = 0.0822
    loss, dpred = l2_loss(Y_PRED, Y_TRUE)
    assert loss == pytest.approx(0.0822, rel=1e-12), f"l2 of the worked example: {loss} vs 0.0822"
    # 2 (yhat - y) with N = 1
    np.testing.assert_allclose(dpred, [[-0.44, -0.22, 0.24, 0.16, -0.06]], rtol=1e-12, err_msg="l2 gradient")


def test_worked_example_bce():
    # -(ln .78 + ln .89 + ln .88 + ln .92 + ln .97), the value given in the course API
    loss, _ = binary_cross_entropy(Y_PRED, Y_TRUE)
    assert loss == pytest.approx(0.6066693634880955, rel=1e-13), f"BCE of the worked example: {loss}"


def test_l1_l2_sum_over_outputs_and_average_over_examples():
    y_pred = np.array([[1.0, 2.0], [3.0, 5.0]])
    y = np.zeros((2, 2))
    # L1: L = [1 + 2, 3 + 5] = [3, 8], mean 5.5; weighted by s = [1, 3]: (3 + 24) / 4 = 6.75
    assert l1_loss(y_pred, y)[0] == pytest.approx(5.5)
    assert l1_loss(y_pred, y, sample_weight=[1, 3])[0] == pytest.approx(6.75)
    # L2: L = [1 + 4, 9 + 25] = [5, 34], mean 19.5; gradient 2 yhat / N = yhat
    loss, dpred = l2_loss(y_pred, y)
    assert loss == pytest.approx(19.5)
    np.testing.assert_allclose(dpred, y_pred, err_msg="l2 gradient 2 (yhat - y) / N")
    # Weighted gradient: s_i / sum(s) * 2 (yhat - y) = [1/4, 3/4] * 2 yhat
    _, dpred_w = l2_loss(y_pred, y, sample_weight=[1, 3])
    np.testing.assert_allclose(dpred_w, [[0.5, 1.0], [4.5, 7.5]], err_msg="weighted l2 gradient")


def test_l1_subgradient_is_zero_where_equal():
    _, dpred = l1_loss([[1.0, 2.0, 3.0]], [[1.0, 0.0, 4.0]])
    np.testing.assert_array_equal(dpred, [[0.0, 1.0, -1.0]], err_msg="sign(yhat - y), 0 where equal")


def test_one_dimensional_predictions_are_one_output_per_example():
    # (N,) predictions: L_i = |yhat_i - y_i|, J = mean = (1 + 3) / 2
    loss, dpred = l1_loss([1.0, -3.0], [0.0, 0.0])
    assert loss == pytest.approx(2.0)
    np.testing.assert_array_equal(dpred, [0.5, -0.5])


def test_mse_hand_worked_and_against_sklearn():
    y_pred = np.array([[1.0, 2.0], [3.0, 5.0]])
    y = np.zeros((2, 2))
    loss, dpred = mse_loss(y_pred, y)
    # (1 + 4 + 9 + 25) / 4 entries
    assert loss == pytest.approx(9.75)
    np.testing.assert_allclose(dpred, 2 * y_pred / 4, err_msg="mse gradient 2 (yhat - y) / (N D)")
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(7, 3)), rng.normal(size=(7, 3))
    # scikit-learn's uniform average over outputs of per-output means = mean over all entries
    assert mse_loss(a, b)[0] == pytest.approx(mean_squared_error(b, a), rel=1e-12)
    assert mse_loss(a, b)[0] == pytest.approx(l2_loss(a, b)[0] / 3, rel=1e-12), "mse = l2 / D"


# ---------------------------------------------------------------------------
# Cross-checks with SciPy and scikit-learn
# ---------------------------------------------------------------------------


def test_bce_matches_sklearn_log_loss():
    rng = np.random.default_rng(1)
    n, d = 50, 3
    p = rng.uniform(0.01, 0.99, size=(n, d))
    y = rng.integers(0, 2, size=(n, d)).astype(float)
    s = rng.uniform(0.1, 2.0, size=n)
    # J = (1/N) sum_i sum_j l_ij = sum_j (mean over examples of column j) = sum of per-column log losses
    expected = sum(log_loss(y[:, j], p[:, j], labels=[0, 1]) for j in range(d))
    expected_w = sum(log_loss(y[:, j], p[:, j], labels=[0, 1], sample_weight=s) for j in range(d))
    assert binary_cross_entropy(p, y)[0] == pytest.approx(expected, rel=1e-12)
    assert binary_cross_entropy(p, y, sample_weight=s)[0] == pytest.approx(expected_w, rel=1e-12)


def test_sigmoid_bce_with_logits_matches_scipy():
    rng = np.random.default_rng(2)
    z = np.concatenate([rng.normal(scale=3, size=(20, 2)), [[800.0, -800.0], [-1e4, 1e4]]])
    y = rng.uniform(size=z.shape)
    # -[y log sigmoid(z) + (1 - y) log sigmoid(-z)], with SciPy's stable log_expit
    entry = -(y * log_expit(z) + (1 - y) * log_expit(-z))
    loss, dz = sigmoid_bce_with_logits(z, y)
    assert loss == pytest.approx(entry.sum(axis=1).mean(), rel=1e-12)
    np.testing.assert_allclose(dz, (expit(z) - y) / len(z), rtol=1e-12, atol=1e-15, err_msg="dz vs SciPy")


def test_sigmoid_bce_with_logits_equals_bce_of_probabilities():
    rng = np.random.default_rng(3)
    z = rng.normal(size=(10, 4))
    y = rng.integers(0, 2, size=z.shape)
    s = rng.uniform(0.5, 1.5, size=10)
    a = sigmoid_bce_with_logits(z, y, sample_weight=s)[0]
    b = binary_cross_entropy(expit(z), y, sample_weight=s)[0]
    assert a == pytest.approx(b, rel=1e-12), "BCE from logits vs BCE of sigmoid(z)"


def test_softmax_matches_scipy():
    rng = np.random.default_rng(4)
    z = rng.normal(scale=5, size=(8, 6))
    np.testing.assert_allclose(softmax(z), scipy_softmax(z, axis=1), rtol=1e-13, atol=1e-16)
    big = np.array([[1e4, 0.0, -1e4], [1e3, 1e3 - 1.0, 1e3 - 2.0]])
    np.testing.assert_allclose(softmax(big), scipy_softmax(big, axis=1), rtol=1e-13, atol=1e-300)


def test_softmax_cross_entropy_matches_scipy_log_softmax():
    rng = np.random.default_rng(5)
    z = rng.normal(scale=3, size=(12, 5))
    z[0] = [1e4, -1e4, 0.0, 5e3, -3e3]
    y = rng.integers(0, 5, size=12)
    y[0] = 1  # a hopeless example: loss 2e4
    s = rng.uniform(0.2, 3.0, size=12)
    lp = log_softmax(z, axis=1)
    per_example = -lp[np.arange(12), y]
    loss, dz = softmax_cross_entropy(z, y)
    assert loss == pytest.approx(per_example.mean(), rel=1e-12)
    onehot = np.eye(5)[y]
    np.testing.assert_allclose(dz, (scipy_softmax(z, axis=1) - onehot) / 12, rtol=1e-12, atol=1e-16)
    loss_w, dz_w = softmax_cross_entropy(z, y, sample_weight=s)
    assert loss_w == pytest.approx(np.sum(s * per_example) / s.sum(), rel=1e-12)
    np.testing.assert_allclose(
        dz_w, s[:, None] / s.sum() * (scipy_softmax(z, axis=1) - onehot), rtol=1e-12, atol=1e-16
    )


def test_softmax_cross_entropy_matches_sklearn_log_loss():
    rng = np.random.default_rng(6)
    z = rng.normal(size=(40, 4))
    y = rng.integers(0, 4, size=40)
    expected = log_loss(y, scipy_softmax(z, axis=1), labels=[0, 1, 2, 3])
    assert softmax_cross_entropy(z, y)[0] == pytest.approx(expected, rel=1e-12)


def test_softmax_cross_entropy_hand_worked():
    # Uniform logits over C = 4 classes: L = log 4, dz = (1/4 - onehot) / N
    loss, dz = softmax_cross_entropy(np.zeros((2, 4)), [0, 3])
    assert loss == pytest.approx(np.log(4), rel=1e-14)
    np.testing.assert_allclose(dz, [[-0.375, 0.125, 0.125, 0.125], [0.125, 0.125, 0.125, -0.375]])


# ---------------------------------------------------------------------------
# Sample weights
# ---------------------------------------------------------------------------


def _data(rng, n=6, d=3):
    """Inputs for every weighted loss: name -> (function, pred, target)."""
    return {
        "l1": (l1_loss, rng.normal(size=(n, d)), rng.normal(size=(n, d))),
        "l2": (l2_loss, rng.normal(size=(n, d)), rng.normal(size=(n, d))),
        "bce": (binary_cross_entropy, rng.uniform(0.05, 0.95, size=(n, d)), rng.integers(0, 2, (n, d))),
        "bce_logits": (sigmoid_bce_with_logits, rng.normal(scale=2, size=(n, d)), rng.uniform(size=(n, d))),
        "softmax_ce": (softmax_cross_entropy, rng.normal(size=(n, d)), rng.integers(0, d, size=n)),
    }


WEIGHTED = ["l1", "l2", "bce", "bce_logits", "softmax_ce"]


@pytest.mark.parametrize("name", WEIGHTED)
def test_uniform_weights_equal_unweighted(name):
    fn, pred, target = _data(np.random.default_rng(7))[name]
    loss, dpred = fn(pred, target)
    loss_w, dpred_w = fn(pred, target, sample_weight=np.full(len(pred), 2.5))
    assert loss_w == pytest.approx(loss, rel=1e-12), f"{name}: constant weights change the cost"
    np.testing.assert_allclose(dpred_w, dpred, rtol=1e-12, err_msg=f"{name}: constant weights change dpred")


@pytest.mark.parametrize("name", WEIGHTED)
def test_integer_weights_equal_repeated_examples(name):
    fn, pred, target = _data(np.random.default_rng(8))[name]
    s = np.array([1, 3, 0, 2, 1, 4])
    rep = np.repeat(np.arange(len(pred)), s)
    loss_w, dpred_w = fn(pred, target, sample_weight=s)
    loss_rep, dpred_rep = fn(pred[rep], target[rep])
    assert loss_w == pytest.approx(loss_rep, rel=1e-12), f"{name}: weight s_i vs s_i copies of example i"
    # The gradient wrt an example is the sum of the gradients wrt its copies.
    summed = np.zeros_like(dpred_w)
    np.add.at(summed, rep, dpred_rep)
    np.testing.assert_allclose(dpred_w, summed, rtol=1e-12, atol=1e-16, err_msg=f"{name}: gradients")


@pytest.mark.parametrize("name", WEIGHTED)
@pytest.mark.parametrize("bad", [[1.0, 1.0], [1, -1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0]])
def test_invalid_sample_weight_is_rejected(name, bad):
    fn, pred, target = _data(np.random.default_rng(9))[name]
    with pytest.raises(ValueError):
        fn(pred, target, sample_weight=bad)


# ---------------------------------------------------------------------------
# Purity and dtypes
# ---------------------------------------------------------------------------

ALL = WEIGHTED + ["mse"]


FUNCS = {
    "l1": l1_loss,
    "l2": l2_loss,
    "bce": binary_cross_entropy,
    "bce_logits": sigmoid_bce_with_logits,
    "softmax_ce": softmax_cross_entropy,
    "mse": mse_loss,
}


def _call(name, pred, target):
    return FUNCS[name](pred, target)


@pytest.mark.parametrize("name", ALL)
def test_inputs_unchanged_and_outputs_new(name):
    rng = np.random.default_rng(10)
    key = "l2" if name == "mse" else name
    _, pred, target = _data(rng)[key]
    pred0, target0 = pred.copy(), target.copy()
    loss, dpred = _call(name, pred, target)
    np.testing.assert_array_equal(pred, pred0, err_msg=f"{name} modified its prediction argument")
    np.testing.assert_array_equal(target, target0, err_msg=f"{name} modified its target argument")
    assert isinstance(loss, float), f"{name}: loss is {type(loss)}, not a float"
    assert not np.shares_memory(dpred, pred) and not np.shares_memory(dpred, target)
    assert dpred.shape == pred.shape


@pytest.mark.parametrize("name", ALL)
def test_float32_in_float32_out(name):
    key = "l2" if name == "mse" else name
    _, pred, target = _data(np.random.default_rng(11))[key]
    _, dpred = _call(name, pred.astype(np.float32), target)
    assert dpred.dtype == np.float32, f"{name}: float32 predictions gave {dpred.dtype}"


@pytest.mark.parametrize("fn", [l1_loss, l2_loss, mse_loss, sigmoid_bce_with_logits])
def test_integer_predictions_give_float64(fn):
    loss, dpred = fn(np.array([[1, 2], [3, 4]]), np.array([[0, 2], [1, 1]]))
    assert dpred.dtype == np.float64 and np.isfinite(loss)


def test_integer_inputs_softmax_and_bce():
    assert softmax(np.array([[1, 2, 3]])).dtype == np.float64
    assert softmax(np.zeros((2, 3), np.float32)).dtype == np.float32
    assert softmax_cross_entropy(np.array([[1, 2, 3]]), [2])[1].dtype == np.float64
    assert binary_cross_entropy(np.array([[0, 1]]), np.array([[0, 1]]))[1].dtype == np.float64


def test_softmax_does_not_alias_or_modify_input():
    z = np.array([[1.0, 2.0, 3.0]])
    z0 = z.copy()
    p = softmax(z)
    assert not np.shares_memory(p, z)
    np.testing.assert_array_equal(z, z0)


def test_shape_and_label_errors():
    with pytest.raises(ValueError):
        l2_loss(np.zeros((3, 1)), np.zeros(3))  # would silently broadcast to (3, 3)
    with pytest.raises(ValueError):
        softmax_cross_entropy(np.zeros((2, 3)), [0, 3])  # class 3 of 3
    with pytest.raises(ValueError):
        softmax_cross_entropy(np.zeros((2, 3)), [0, -1])  # negative indices would wrap
    with pytest.raises(ValueError):
        softmax_cross_entropy(np.zeros((2, 3)), [0.0, 1.0])  # labels must be integers
    with pytest.raises(ValueError):
        softmax_cross_entropy(np.zeros((2, 3)), np.eye(3)[[0, 1]])  # one-hot is not the API


# ---------------------------------------------------------------------------
# Gradients against the trusted finite-difference checker
# ---------------------------------------------------------------------------


def _grad_cases():
    """name -> (loss of the prediction, prediction) on well-conditioned data.

    A centred difference with step h = 1e-6 carries rounding noise of about
    1e-16 * |J| / h ~ 1e-10, so a relative error below 1e-7 is only measurable for gradient
    entries well above 1e-3: the data keep every entry there (asserted in the test).
    """
    rng = np.random.default_rng(12)
    n, d = 4, 3
    y = rng.normal(size=(n, d))
    # |yhat - y| in [0.1, 1]: away from l1's kink and from zero gradients of l2 and mse
    off = y + rng.choice([-1, 1], size=(n, d)) * rng.uniform(0.1, 1.0, size=(n, d))
    t_bin = rng.integers(0, 2, size=(n, d))  # binary targets: |p - t| >= 0.1 below
    t_cls = rng.integers(0, d, size=n)
    return {
        "l1": (lambda p, **kw: l1_loss(p, y, **kw), off),
        "l2": (lambda p, **kw: l2_loss(p, y, **kw), off),
        "mse": (lambda p, **kw: mse_loss(p, y), off),
        "bce": (lambda p, **kw: binary_cross_entropy(p, t_bin, **kw), rng.uniform(0.1, 0.9, size=(n, d))),
        "bce_logits": (lambda z, **kw: sigmoid_bce_with_logits(z, t_bin, **kw), rng.uniform(-2, 2, size=(n, d))),
        "softmax_ce": (lambda z, **kw: softmax_cross_entropy(z, t_cls, **kw), rng.normal(size=(n, d))),
    }


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name", ["l1", "l2", "mse", "bce", "bce_logits", "softmax_ce"])
def test_gradient_matches_finite_differences(name, weighted):
    fn, x = _grad_cases()[name]
    kw = {"sample_weight": np.array([0.5, 2.0, 1.0, 1.5])} if weighted and name != "mse" else {}
    _, analytic = fn(x, **kw)
    assert np.abs(analytic).min() > 1e-3, "test data: a gradient entry is too close to 0 to check"
    result = check_gradient(lambda v: fn(v, **kw)[0], x, analytic)
    assert result.max_rel_error < 1e-7, f"{name} (weighted={weighted}): {result}"


# ---------------------------------------------------------------------------
# Numerical stability: no warnings, finite values, right limits
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [1e3, 1e4])
def test_softmax_cross_entropy_stable_for_huge_logits(scale):
    z = np.array([[scale, 0.0, -scale], [-scale, -scale, -scale], [0.0, scale, scale]])
    with np.errstate(all="raise"):
        p = softmax(z)
        loss, dz = softmax_cross_entropy(z, [2, 0, 1])
    assert np.all(np.isfinite(p)) and np.all(np.isfinite(dz)) and np.isfinite(loss)
    # By hand: row 0 puts probability ~1 on class 0, so L_0 = 2 * scale for class 2;
    # row 1 is uniform, L_1 = log 3; row 2 splits between classes 1 and 2, L_2 = log 2.
    assert loss == pytest.approx((2 * scale + np.log(3) + np.log(2)) / 3, rel=1e-12)
    np.testing.assert_allclose(p[1], [1 / 3] * 3, rtol=1e-14)


@pytest.mark.parametrize("scale", [1e3, 1e4])
def test_sigmoid_bce_with_logits_stable_for_huge_logits(scale):
    z = np.array([[scale, -scale, scale, -scale]])
    y = np.array([[1.0, 0.0, 0.0, 1.0]])
    with np.errstate(all="raise"):
        loss, dz = sigmoid_bce_with_logits(z, y)
    # By hand: the first two are right with certainty (loss 0), the last two wrong by `scale` each.
    assert loss == pytest.approx(2 * scale, rel=1e-12)
    np.testing.assert_array_equal(dz, [[0.0, 0.0, 1.0, -1.0]])


def test_bce_probabilities_exactly_zero_and_one():
    p = np.array([[0.0, 1.0, 0.0, 1.0]])
    y = np.array([[0.0, 1.0, 1.0, 0.0]])
    with np.errstate(all="raise"):
        loss, dp = binary_cross_entropy(p, y)
    assert np.isfinite(loss) and np.all(np.isfinite(dp)), f"loss {loss}, gradient {dp}"
    # Two confident mistakes cost -log(eps) each, with eps = 1e-12 (1 - (1 - 1e-12) is not
    # exactly 1e-12 in float64, hence the loose tolerance); the right answers cost ~0.
    assert loss == pytest.approx(-2 * np.log(1e-12), rel=1e-4)
    assert dp[0, 2] < -1e11 and dp[0, 3] > 1e11, "clipped entries keep a large, finite, signed gradient"
    with np.errstate(all="raise"):
        loss32, dp32 = binary_cross_entropy(p.astype(np.float32), y)
    assert np.isfinite(loss32) and np.all(np.isfinite(dp32)), "float32: eps must survive rounding of 1 - eps"


@given(
    z=arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=st.floats(-1e4, 1e4)),
)
def test_softmax_rows_are_distributions(z):
    with np.errstate(all="raise"):
        p = softmax(z)
    assert np.all((p >= 0) & (p <= 1)), "probabilities outside [0, 1]"
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12, err_msg="rows must sum to 1")


@given(
    z=arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=st.floats(-1e4, 1e4)),
    c=st.floats(-1e3, 1e3),
)
def test_softmax_is_shift_invariant(z, c):
    with np.errstate(all="raise"):
        a, b = softmax(z), softmax(z + c)
    # z + c is rounded to about 1e-12 absolute, which moves each probability by about as much.
    np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10, err_msg="softmax(z + c) != softmax(z)")


@given(
    z=arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(2, 6)), elements=st.floats(-1e4, 1e4)),
    data=st.data(),
)
def test_softmax_cross_entropy_is_finite_and_gradient_rows_sum_to_zero(z, data):
    n, c = z.shape
    y = np.array(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    with np.errstate(all="raise"):
        loss, dz = softmax_cross_entropy(z, y)
    assert np.isfinite(loss) and loss >= 0
    # softmax(z_i) - onehot(y_i) sums to 0 over classes
    np.testing.assert_allclose(dz.sum(axis=1), 0.0, atol=1e-12)
