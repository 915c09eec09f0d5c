"""Comparing models across datasets: ranks, Friedman, Iman–Davenport, Nemenyi.

Following Demšar, "Statistical Comparisons of Classifiers over Multiple Data Sets"
(JMLR 7, 2006). Friedman's statistic is computed here, vectorised over leading axes, so
the calibration test can run many studies at once; the tests check it against
``scipy.stats.friedmanchisquare``. The Nemenyi critical value is the studentized range
quantile over √2, from SciPy.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

__all__ = [
    "CORRECTIONS",
    "adjust",
    "average_ranks",
    "friedman_test",
    "iman_davenport",
    "nemenyi_critical_difference",
    "rank_scores",
]

#: Multiple-testing corrections, by the name the CLI takes, to statsmodels' method.
CORRECTIONS = {"holm": "holm", "bonferroni": "bonferroni", "bh": "fdr_bh", "none": None}
CORRECTION_NAMES = {
    "holm": "Holm",
    "bonferroni": "Bonferroni",
    "bh": "Benjamini–Hochberg",
    "none": "none",
}


def rank_scores(scores: np.ndarray) -> np.ndarray:
    """Ranks of the models (last axis) on each dataset: 1 is the best, ties averaged.

    Args:
        scores: Higher is better; shape ``(..., n_datasets, n_models)``.
    """
    return np.asarray(stats.rankdata(-np.asarray(scores, dtype=float), axis=-1), dtype=float)


def average_ranks(scores: np.ndarray) -> np.ndarray:
    """Mean rank of each model over datasets (``(..., n_datasets, n_models)`` in)."""
    return np.asarray(rank_scores(scores).mean(axis=-2), dtype=float)


def friedman_test(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Friedman's test of equal average ranks, with the correction for ties.

    Returns:
        (chi-square statistic with ``k − 1`` df, p-value).
    """
    ranks = rank_scores(scores)
    n, k = ranks.shape[-2], ranks.shape[-1]
    sum_ranks = ranks.sum(axis=-2)
    chi2 = 12.0 / (n * k * (k + 1)) * (sum_ranks**2).sum(axis=-1) - 3.0 * n * (k + 1)
    # Tie correction: 1 − Σ(t³ − t) / (n k (k² − 1)) over groups of tied ranks.
    sorted_ranks = np.sort(ranks, axis=-1)
    ties = np.zeros(ranks.shape[:-1])
    run = np.ones(ranks.shape[:-1])
    for j in range(1, k):
        same = sorted_ranks[..., j] == sorted_ranks[..., j - 1]
        run = np.where(same, run + 1, run)
        ended = ~same
        ties += np.where(ended, run**3 - run, 0.0)
        run = np.where(ended, 1.0, run)
    ties += run**3 - run
    correction = 1 - ties.sum(axis=-1) / (n * k * (k * k - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2 = np.where(correction > 0, chi2 / correction, 0.0)
    return chi2, stats.chi2.sf(chi2, k - 1)


def iman_davenport(chi2: np.ndarray, n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Iman and Davenport's F form of Friedman's statistic (less conservative).

    ``F = (n − 1) χ² / (n (k − 1) − χ²)`` with ``(k − 1, (k − 1)(n − 1))`` df.

    Where every dataset ranks the models the same way (χ² at its maximum ``n (k − 1)``)
    F is infinite and its F-distribution p of 0 would be absurd with few datasets (2
    models on 3 datasets would be "certain"). That ranking is the most extreme outcome,
    so its exact permutation p-value is the chance that ``n`` independent uniform
    rankings coincide: ``(k!)^(1 − n)`` (for 2 models, the exact sign test).

    Returns:
        (F statistic, p-value).
    """
    chi2 = np.asarray(chi2, dtype=float)
    denominator = n * (k - 1) - chi2
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(denominator > 1e-9, (n - 1) * chi2 / denominator, np.inf)
    exact = float(math.factorial(k)) ** (1 - n)
    p = np.where(np.isinf(f), exact, stats.f.sf(f, k - 1, (k - 1) * (n - 1)))
    return f, p


def nemenyi_critical_difference(k: int, n: int, alpha: float) -> float:
    """Nemenyi's critical difference of average ranks: ``q_α √(k (k + 1) / (6 n))``."""
    q = stats.studentized_range.ppf(1 - alpha, k, np.inf) / np.sqrt(2)
    return float(q * np.sqrt(k * (k + 1) / (6.0 * n)))


def adjust(p_values: np.ndarray, method: str, alpha: float) -> np.ndarray:
    """Adjusted p-values; the last axis is one family, leading axes are independent.

    Written here rather than taken from statsmodels' ``multipletests`` (which the tests
    compare against) because that takes one family per call and its Holm branch runs a
    full ``gc.collect()`` each time, ~0.1 s in a busy process: too slow for the
    calibration's thousands of families.
    """
    p = np.asarray(p_values, dtype=float)
    if CORRECTIONS[method] is None or p.size == 0:
        return p
    m = p.shape[-1]
    if method == "bonferroni":
        return np.asarray(np.minimum(p * m, 1.0), dtype=float)
    order = np.argsort(p, axis=-1, kind="stable")
    ranked = np.take_along_axis(p, order, axis=-1)
    if method == "holm":
        # Step-down: p_(i) (m − i + 1), made non-decreasing.
        adjusted = np.maximum.accumulate(ranked * np.arange(m, 0, -1), axis=-1)
    else:  # "bh": step-up: p_(i) m / i, made non-increasing from the top.
        scaled = ranked * m / np.arange(1, m + 1)
        adjusted = np.minimum.accumulate(scaled[..., ::-1], axis=-1)[..., ::-1]
    adjusted = np.minimum(adjusted, 1.0)
    result = np.empty_like(adjusted)
    np.put_along_axis(result, order, adjusted, axis=-1)
    return result
