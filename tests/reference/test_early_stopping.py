"""Tests for autograder.reference.early_stopping.EarlyStopping."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograder.reference.early_stopping import EarlyStopping


def run(es, losses):
    return [es.update(loss, {"epoch": i}) for i, loss in enumerate(losses)]


def test_initial_state():
    es = EarlyStopping()
    assert es.patience == 5 and es.min_delta == 0.0, "defaults patience=5, min_delta=0.0"
    assert es.best_loss == math.inf, "best_loss starts at inf"
    assert es.best_epoch is None, "best_epoch is None before any update"
    assert es.best_params is None, "best_params is None before any update"


def test_hand_worked_patience_2():
    # epoch: loss  -> improvement?  consecutive bad updates  -> stop?
    # 0: 1.00 -> yes (beats inf)    0                      -> False
    # 1: 0.90 -> yes                0                      -> False
    # 2: 0.95 -> no                 1                      -> False
    # 3: 0.93 -> no (0.93 > 0.90)   2                      -> True
    # 4: 0.80 -> yes                0                      -> False  (tracking resumes)
    # 5: 0.85 -> no                 1                      -> False
    # 6: 0.85 -> no                 2                      -> True
    # 7: 0.85 -> no                 3                      -> True   (still True)
    es = EarlyStopping(patience=2)
    got = run(es, [1.0, 0.9, 0.95, 0.93, 0.8, 0.85, 0.85, 0.85])
    assert got == [False, False, False, True, False, False, True, True], f"stop flags {got}"
    assert es.best_loss == 0.8, f"best_loss {es.best_loss} != 0.8"
    assert es.best_epoch == 4, f"best_epoch {es.best_epoch} != 4"
    assert es.best_params == {"epoch": 4}, f"best_params {es.best_params} should be those of epoch 4"


def test_hand_worked_min_delta():
    # patience 1, min_delta 0.1: an improvement needs loss < best - 0.1
    # 0: 1.00 < inf       -> improve, best 1.00 -> False
    # 1: 0.95 < 0.90 ?    no                    -> True
    # 2: 0.85 < 0.90      -> improve, best 0.85 -> False
    # 3: 0.89 < 0.75 ?    no                    -> True
    # 4: 0.70 < 0.75      -> improve, best 0.70 -> False
    es = EarlyStopping(patience=1, min_delta=0.1)
    got = run(es, [1.0, 0.95, 0.85, 0.89, 0.70])
    assert got == [False, True, False, True, False], f"stop flags {got}"
    assert (es.best_loss, es.best_epoch) == (0.70, 4), f"best ({es.best_loss}, {es.best_epoch}) != (0.70, 4)"


def test_small_decrease_within_min_delta_is_not_improvement():
    # best 1.0, min_delta 0.5: 0.6 and exactly 0.5 are not improvements (strict <), 0.25 is.
    es = EarlyStopping(patience=3, min_delta=0.5)
    got = run(es, [1.0, 0.6, 0.5, 0.25])
    assert got == [False, False, False, False], f"stop flags {got}"
    assert es.best_epoch == 3 and es.best_loss == 0.25, "0.25 < 1.0 - 0.5 is the next improvement"
    es2 = EarlyStopping(patience=2, min_delta=0.5)
    assert run(es2, [1.0, 0.6, 0.5]) == [False, False, True], "0.6 and 0.5 are two bad updates"
    assert es2.best_epoch == 0 and es2.best_loss == 1.0, "best stays at epoch 0"


def test_equal_loss_is_not_improvement():
    es = EarlyStopping(patience=1)
    assert run(es, [1.0, 1.0]) == [False, True], "an equal loss is no improvement (strict <)"
    assert es.best_epoch == 0, "the first of equal losses stays the best"


def test_default_patience_5():
    es = EarlyStopping()
    got = run(es, [1.0] + [2.0] * 6)
    assert got == [False, False, False, False, False, True, True], f"stop after 5 bad updates: {got}"


def test_nan_is_never_an_improvement():
    es = EarlyStopping(patience=2)
    got = run(es, [1.0, float("nan"), float("nan")])
    assert got == [False, False, True], f"NaN losses count as bad updates: {got}"
    assert es.best_loss == 1.0 and es.best_epoch == 0, "NaN must not become the best loss"


def test_best_params_is_a_deep_copy():
    params = {"W": np.array([1.0, 2.0]), "nested": {"b": [0.0]}}
    es = EarlyStopping(patience=3)
    es.update(1.0, params)
    # the optimizer keeps changing the same objects in place
    params["W"][0] = 99.0
    params["nested"]["b"].append(5.0)
    es.update(2.0, params)  # worse: no new copy
    np.testing.assert_array_equal(es.best_params["W"], [1.0, 2.0], err_msg="best_params changed with the caller's array")
    assert es.best_params["nested"] == {"b": [0.0]}, "best_params changed with the caller's nested list"
    assert es.best_params is not params and es.best_params["W"] is not params["W"], "best_params must be a copy"
    es.update(0.5, params)  # better: copy of the current (mutated) params
    np.testing.assert_array_equal(es.best_params["W"], [99.0, 2.0], err_msg="best_params at the new best update")
    params["W"][1] = -1.0
    np.testing.assert_array_equal(es.best_params["W"], [99.0, 2.0], err_msg="best_params must not follow later mutation")


def test_returns_bool():
    es = EarlyStopping(patience=1)
    for loss in (np.float64(1.0), np.float32(2.0), 3):
        flag = es.update(loss, None)
        assert isinstance(flag, bool), f"update should return a bool, got {type(flag)}"


def test_invalid_arguments():
    for patience in (0, -1, 1.5, True):
        with pytest.raises(ValueError):
            EarlyStopping(patience=patience)
    with pytest.raises(ValueError):
        EarlyStopping(min_delta=-0.1)


@given(
    losses=st.lists(st.floats(0.0, 10.0), min_size=1, max_size=40),
    patience=st.integers(1, 6),
)
def test_matches_window_definition(losses, patience):
    # Independent formulation with min_delta = 0: update t is an improvement iff its loss
    # is below every earlier loss; update t returns True iff none of the last `patience`
    # updates (t - patience + 1 .. t, all existing) was an improvement.
    improved = [all(loss < prev for prev in losses[:t]) for t, loss in enumerate(losses)]
    expected = [
        t - patience + 1 >= 0 and not any(improved[t - patience + 1 : t + 1]) for t in range(len(losses))
    ]
    es = EarlyStopping(patience=patience)
    got = run(es, losses)
    assert got == expected, f"stop flags {got} != window definition {expected}"
    assert es.best_loss == min(losses), "best_loss is the minimum"
    assert es.best_epoch == losses.index(min(losses)), "best_epoch is the first index of the minimum"
    assert es.best_params == {"epoch": es.best_epoch}, "best_params taken at best_epoch"
