"""Numbers computed in the student's process never decide a verdict on their own."""
import numpy as np

import autograder.checks.scenarios.common as common

from .support import grade_with


def test_forged_finite_differences_do_not_pass_a_wrong_gradient(monkeypatch):
    def wrong_gradient_l2(y_pred, y, sample_weight=None):
        diff = np.asarray(y_pred, float) - np.asarray(y, float)
        return float(np.mean((diff**2).sum(axis=1))), np.zeros_like(diff)

    # In the engine the reference runs in the grader's process, which the student cannot
    # touch; here both share one process, so compute (and cache) the expected data first.
    assert grade_with("l2_loss").earned == 2
    # the "student" replaces the finite-difference routine the scenario uses in its process
    monkeypatch.setattr(common, "numeric_grad", lambda f, x, h=1e-6, indices=None: np.zeros(np.shape(x)))
    report = grade_with("l2_loss", l2_loss=wrong_gradient_l2)
    gradient_check = next(c for c in report.checks if "finite differences" in c.name)
    assert not gradient_check.passed, report.render_text()
