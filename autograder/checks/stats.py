"""Statistical helpers of the comparators that judge random functions by distribution.

Random draws are never compared with the reference's random stream: the judges test
them with large samples against the law of the course API. A correct implementation
must pass every time, so p-value thresholds are tiny (:data:`ALPHA`) and k-sigma bounds
wide (:data:`SIGMAS`), while the samples are large enough that the plausible wrong
variants fail by a wide margin.

SciPy is imported inside the functions: ``scipy.stats`` is slow to import, and only the
statistical checks need it.
"""
from __future__ import annotations

import numpy as np

__all__ = ["ALPHA", "SIGMAS", "beyond_sigmas", "chi2_equal_pvalue", "ks_normal_pvalue", "ks_uniform_pvalue"]

ALPHA = 1e-6
"""A sample fails a test whose p-value is below this: a correct one, once in a million."""

SIGMAS = 6.0
"""Half-width of k-sigma bounds, in standard errors."""


def beyond_sigmas(deviation: float, se: float, k: float = SIGMAS) -> bool:
    """``deviation`` is not finite, or lies more than ``k`` standard errors ``se`` from 0."""
    return not np.isfinite(deviation) or abs(deviation) > k * se


def ks_uniform_pvalue(x, low: float, high: float) -> float:
    """p-value of a Kolmogorov-Smirnov test of ``x`` against ``U(low, high)``.

    0 when the test cannot be run (no samples, a non-finite sample, ``high <= low``).
    """
    from scipy import stats

    x = np.asarray(x, dtype=np.float64).ravel()
    if x.size == 0 or not np.all(np.isfinite(x)) or not high > low:
        return 0.0
    return float(stats.kstest(x, "uniform", args=(low, high - low)).pvalue)


def ks_normal_pvalue(x, std: float) -> float:
    """p-value of a Kolmogorov-Smirnov test of ``x`` against ``N(0, std^2)``."""
    from scipy import stats

    x = np.asarray(x, dtype=np.float64).ravel()
    return float(stats.kstest(x, "norm", args=(0.0, std)).pvalue)


def chi2_equal_pvalue(counts) -> float:
    """p-value of a chi-square test of ``counts`` against equal probabilities.

    1 with fewer than two categories (nothing to test), 0 when there are no counts.
    """
    from scipy import stats

    counts = np.asarray(counts, dtype=np.float64)
    if counts.size < 2:
        return 1.0
    if counts.sum() == 0:
        return 0.0
    return float(stats.chisquare(counts).pvalue)
