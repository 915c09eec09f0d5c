"""Friedman, Iman–Davenport, Nemenyi and corrections against SciPy and Demšar (2006)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from bakeoff.analysis import (
    adjust,
    average_ranks,
    friedman_test,
    iman_davenport,
    nemenyi_critical_difference,
)

# Demšar (2006), Table 5: q_alpha for the Nemenyi test, k = 2..10.
Q_005 = [1.960, 2.343, 2.569, 2.728, 2.850, 2.949, 3.031, 3.102, 3.164]
Q_010 = [1.645, 2.052, 2.291, 2.459, 2.589, 2.693, 2.780, 2.855, 2.920]


@pytest.mark.parametrize("with_ties", [False, True])
def test_friedman_equals_scipy(with_ties) -> None:
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(12, 4)) + np.array([0.0, 0.3, 0.5, 0.1])
    if with_ties:
        scores = np.round(scores, 0)
    chi2, p = friedman_test(scores)
    # SciPy ranks within rows (lower = better); our ranks are mirrored, which leaves
    # the statistic unchanged.
    reference = stats.friedmanchisquare(*scores.T)
    assert chi2 == pytest.approx(reference.statistic) and p == pytest.approx(reference.pvalue)


def test_iman_davenport_reproduces_demsar_worked_example() -> None:
    # Demšar (2006), section 3.2.2: chi2_F = 9.28 on N = 14 data sets, k = 4 -> F_F = 3.69.
    f, p = iman_davenport(9.28, 14, 4)
    assert f == pytest.approx(3.69, abs=0.005)
    assert p == pytest.approx(stats.f.sf(f, 3, 39))


@pytest.mark.parametrize("k", range(2, 11))
def test_nemenyi_critical_values_match_demsar_table(k) -> None:
    n = 1
    scale = np.sqrt(k * (k + 1) / 6.0)
    assert nemenyi_critical_difference(k, n, 0.05) / scale == pytest.approx(Q_005[k - 2], abs=2e-3)
    assert nemenyi_critical_difference(k, n, 0.10) / scale == pytest.approx(Q_010[k - 2], abs=2e-3)


def test_nemenyi_cd_of_demsar_example() -> None:
    # Demšar (2006): four classifiers on 14 data sets, CD = 1.25 at alpha 0.05.
    assert nemenyi_critical_difference(4, 14, 0.05) == pytest.approx(1.25, abs=0.005)


def test_average_ranks_with_ties() -> None:
    scores = np.array([[0.9, 0.8, 0.8], [0.7, 0.9, 0.6]])
    # Dataset 1: ranks 1, 2.5, 2.5; dataset 2: 2, 1, 3.
    assert average_ranks(scores) == pytest.approx([1.5, 1.75, 2.75])


def test_holm_by_hand() -> None:
    # Sorted 0.01, 0.03, 0.04 -> 3 * 0.01, max(2 * 0.03, .), max(1 * 0.04, .)
    assert adjust(np.array([0.01, 0.04, 0.03]), "holm", 0.05) == pytest.approx([0.03, 0.06, 0.06])
    assert adjust(np.array([0.01, 0.04]), "bonferroni", 0.05) == pytest.approx([0.02, 0.08])
    # Benjamini-Hochberg: p_(i) * m / i, made monotone from the top.
    assert adjust(np.array([0.01, 0.04, 0.03]), "bh", 0.05) == pytest.approx([0.03, 0.04, 0.04])


@pytest.mark.parametrize(
    ("ours", "theirs"), [("holm", "holm"), ("bonferroni", "bonferroni"), ("bh", "fdr_bh")]
)
def test_corrections_equal_statsmodels_on_many_families(ours, theirs) -> None:
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(7)
    families = rng.uniform(0, 0.2, size=(50, 9)) ** 2
    families[:, 3] = families[:, 4]  # ties
    adjusted = adjust(families, ours, 0.05)
    for row, result in zip(families, adjusted, strict=True):
        assert result == pytest.approx(multipletests(row, alpha=0.05, method=theirs)[1])
