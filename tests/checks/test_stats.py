"""The statistical helpers accept the right law every time and reject plausible wrong ones."""
import numpy as np
import pytest

from autograder.checks.stats import ALPHA, beyond_sigmas, chi2_equal_pvalue, ks_normal_pvalue, ks_uniform_pvalue


@pytest.mark.parametrize("seed", range(20))
def test_right_laws_pass_for_every_seed(seed):
    rng = np.random.default_rng(seed)
    assert ks_uniform_pvalue(rng.uniform(-2, 3, 20_000), -2, 3) > ALPHA
    assert ks_normal_pvalue(rng.normal(0, 0.1, 20_000), 0.1) > ALPHA
    assert chi2_equal_pvalue(np.bincount(rng.integers(0, 7, 20_000), minlength=7)) > ALPHA


def test_plausible_wrong_laws_fail_by_a_wide_margin():
    rng = np.random.default_rng(0)
    # He normal with fan_out instead of fan_in: std off by sqrt(400 / 300)
    assert ks_normal_pvalue(rng.normal(0, np.sqrt(2 / 300), 120_000), np.sqrt(2 / 400)) < ALPHA * 1e-6
    # a uniform bound without the square root
    assert ks_uniform_pvalue(rng.uniform(-0.5, 0.5, 20_000), -np.sqrt(0.5), np.sqrt(0.5)) < ALPHA * 1e-6
    # an integer range missing its upper end
    assert chi2_equal_pvalue(np.bincount(rng.integers(0, 6, 20_000), minlength=7)) < ALPHA * 1e-6


def test_degenerate_samples_fail_instead_of_crashing():
    assert ks_uniform_pvalue([], 0, 1) == 0.0
    assert ks_uniform_pvalue([0.5, np.nan], 0, 1) == 0.0
    assert ks_uniform_pvalue([0.5], 1, 1) == 0.0
    assert chi2_equal_pvalue([0, 0, 0]) == 0.0
    assert chi2_equal_pvalue([5]) == 1.0


def test_k_sigma_bounds():
    assert not beyond_sigmas(5.9, 1.0) and beyond_sigmas(6.1, 1.0)
    assert beyond_sigmas(np.nan, 1.0) and beyond_sigmas(np.inf, 1.0)
