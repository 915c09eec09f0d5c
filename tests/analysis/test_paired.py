"""Paired tests, effect sizes, intervals and power, each against an independent source."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.power import TTestPower

from bakeoff.analysis import (
    bootstrap_interval,
    cohen_dz,
    corrected_t_test,
    hedges_g,
    mean_interval,
    paired_t_test,
    seeds_needed,
    sign_test,
    t_test_power,
    wilcoxon_test,
)

A = np.array([0.81, 0.84, 0.79, 0.88, 0.85, 0.83, 0.80, 0.86])
B = np.array([0.78, 0.83, 0.80, 0.84, 0.82, 0.80, 0.79, 0.83])


def test_paired_t_equals_scipy_ttest_rel() -> None:
    t, p, df = paired_t_test(A - B)
    reference = stats.ttest_rel(A, B)
    assert t == pytest.approx(reference.statistic) and p == pytest.approx(reference.pvalue)
    assert df == len(A) - 1


def test_corrected_t_follows_nadeau_bengio_formula() -> None:
    # Worked by hand: d = (0.01, 0.02, 0.03, 0.00, 0.04), n = 5, n_test/n_train = 0.25.
    # mean 0.02; s^2 = (1 + 0 + 1 + 4 + 4) 1e-4 / 4 = 2.5e-4; Nadeau & Bengio (2003):
    # t = 0.02 / sqrt((1/5 + 0.25) 2.5e-4) = 0.02 / sqrt(1.125e-4) = 1.885618...
    t, p, df = corrected_t_test(np.array([0.01, 0.02, 0.03, 0.00, 0.04]), 0.25)
    assert df == 4
    assert t == pytest.approx(1.8856180831641267, rel=1e-12)
    # Student's t with 4 df: P(|T| > 1.8856) = 0.1324 (tables: t_0.05,4 = 2.132 and
    # t_0.10,4 = 1.533 bracket it).
    assert p == pytest.approx(0.13240, abs=5e-5)
    d = A - B
    ratio = 0.25
    p = corrected_t_test(d, ratio)[1]
    # Without overlap the correction vanishes.
    assert corrected_t_test(d, 0.0)[1] == pytest.approx(paired_t_test(d)[1])
    # The correction can only make the test more conservative.
    assert p > paired_t_test(d)[1]


def test_wilcoxon_matches_scipy_and_all_zero_differences_give_p_1() -> None:
    statistic, p = wilcoxon_test(A - B)
    reference = stats.wilcoxon(A - B)
    assert statistic == pytest.approx(reference.statistic) and p == pytest.approx(reference.pvalue)
    assert wilcoxon_test(np.zeros(6))[1] == 1.0


def test_effect_sizes_by_hand() -> None:
    a, b = np.array([1.0, 2, 3, 4]), np.array([2.0, 3, 4, 5])
    # Pooled sd: both variances are 5/3; J = 1 - 3 / (4 * 8 - 9) = 20 / 23 (Hedges & Olkin).
    assert hedges_g(a, b) == pytest.approx(20 / 23 * (-1 / np.sqrt(5 / 3)))
    d = np.array([1.0, 2.0, 3.0])
    assert cohen_dz(d) == pytest.approx(2.0 / 1.0)


def test_constant_differences_are_untestable_not_certain() -> None:
    t, p, _ = paired_t_test(np.full(5, 0.02))
    assert np.isnan(t) and np.isnan(p)
    t, p, _ = paired_t_test(np.zeros(5))
    assert t == 0 and p == 1


def test_differences_constant_up_to_rounding_are_untestable() -> None:
    # Accuracies k/30 and (k+2)/30 are not exact in binary: their differences vary by
    # ~1e-17, which a naive t-test reads as p = 5e-139 and d_z = 1.9e15.
    k = np.arange(10, 20)
    a, b = k / 30, (k + 2) / 30
    d = a - b
    assert 0 < d.std(ddof=1) < 1e-15  # the trap is real
    t, p, _ = paired_t_test(d)
    assert np.isnan(t) and np.isnan(p)
    assert np.isnan(corrected_t_test(d, 0.25)[1])
    assert np.isnan(cohen_dz(d))
    # Ten differences of one sign: the exact sign test gives 2 / 2^10.
    assert sign_test(d) == pytest.approx(2 / 1024)
    assert sign_test(np.array([1.0, -1.0, 0.0, 2.0])) == pytest.approx(1.0)


def test_mean_interval_is_the_student_t_interval() -> None:
    low, high = mean_interval(A)
    reference = stats.t.interval(0.95, len(A) - 1, loc=A.mean(), scale=stats.sem(A))
    assert (low, high) == pytest.approx(reference)


def test_bootstrap_intervals_agree_with_a_naive_loop() -> None:
    rng = np.random.default_rng(1)
    d = rng.normal(0.02, 0.03, size=30)
    # An independent percentile bootstrap, written as the plain loop.
    means = [rng.choice(d, size=len(d), replace=True).mean() for _ in range(20000)]
    naive = np.percentile(means, [2.5, 97.5])
    low, high = bootstrap_interval(d, method="percentile", n_resamples=20000, seed=0)
    assert low == pytest.approx(naive[0], abs=0.002) and high == pytest.approx(naive[1], abs=0.002)
    bca = bootstrap_interval(d, method="BCa", n_resamples=20000, seed=0)
    assert bca[0] < d.mean() < bca[1]
    # Seeded: the same call gives the same interval.
    assert bootstrap_interval(d, method="BCa", n_resamples=2000, seed=3) == bootstrap_interval(
        d, method="BCa", n_resamples=2000, seed=3
    )


def test_power_matches_statsmodels_and_g_power() -> None:
    for d, n in [(0.5, 34), (0.8, 10), (0.2, 100)]:
        reference = TTestPower().power(effect_size=d, nobs=n, alpha=0.05, alternative="two-sided")
        assert t_test_power(d, n, alpha=0.05) == pytest.approx(reference, rel=1e-6)
    # G*Power: a two-sided paired t-test needs 34 pairs for d_z = 0.5, power 0.8, alpha 0.05.
    assert seeds_needed(0.5, alpha=0.05) == 34


def test_corrected_power_is_capped_so_more_seeds_cannot_always_help() -> None:
    # With n_test/n_train = 0.33 the non-centrality is below d/sqrt(0.33) for any n.
    assert seeds_needed(0.5, alpha=0.05, test_train_ratio=0.33) is None
    assert seeds_needed(2.0, alpha=0.05, test_train_ratio=0.33) is not None


def test_vectorised_bootstrap_agrees_with_scipy_bootstrap() -> None:
    from bakeoff.analysis._paired import bootstrap_intervals

    rng = np.random.default_rng(0)
    d = rng.gamma(2, 0.01, size=(3, 12)) - 0.01  # skewed, where BCa differs from percentile
    ours = bootstrap_intervals(d, n_resamples=100_000, seed=1)
    for method in ("percentile", "BCa"):
        for i in range(len(d)):
            reference = stats.bootstrap(
                (d[i],),
                np.mean,
                n_resamples=100_000,
                method=method,
                vectorized=True,
                random_state=np.random.default_rng(2),
            ).confidence_interval
            # Two Monte Carlo estimates of the same interval: equal to ~2e-4 here.
            assert ours[method][0][i] == pytest.approx(reference.low, abs=3e-4)
            assert ours[method][1][i] == pytest.approx(reference.high, abs=3e-4)


def test_equal_means_with_differing_seeds_are_not_called_identical() -> None:
    from bakeoff.analysis._scores import Scores
    from bakeoff.analysis._within import compare_pairs

    def pair(a: list[float], b: list[float]) -> pd.DataFrame:
        frame = pd.DataFrame(
            {
                "dataset": "d",
                "model": ["a"] * len(a) + ["b"] * len(b),
                "budget": "full",
                "seed": list(range(len(a))) * 2,
                "score": a + b,
            }
        )
        scores = Scores.from_frame(frame, metric="accuracy")
        return compare_pairs(
            scores, alpha=0.05, correction="holm", effect_size=0.5, n_resamples=100, seed=0
        )

    # The new-user review's case: the same mean, different per seed (t = 0).
    cancelled = pair([0.800, 0.813], [0.773, 0.840]).iloc[0]
    assert cancelled["t"] == 0 and "cancel out" in cancelled["note"]
    same = pair([0.8, 0.9], [0.8, 0.9]).iloc[0]
    assert "identical scores on every seed" in same["note"]
