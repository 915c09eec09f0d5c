"""Paired comparisons of two models over seeds: t-tests, Wilcoxon, effect sizes, power.

Every function takes arrays whose last axis is the seeds and broadcasts over leading
axes, so one call compares many pairs (the calibration test runs 1,000 studies at once).
The statistics come from SciPy and statsmodels; the Nadeau–Bengio correction and the
power of the corrected test are written here from their formulas, because neither
library has them.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
from scipy import stats

__all__ = [
    "EFFECT_SIZE_BOUND",
    "RELATIVE_TOLERANCE",
    "bootstrap_interval",
    "bootstrap_intervals",
    "cohen_dz",
    "corrected_t_test",
    "hedges_g",
    "mean_interval",
    "paired_t_test",
    "sign_test",
    "t_test_power",
    "wilcoxon_test",
]

#: A spread (or a mean) below this share of the scores' scale is float rounding, not
#: data: accuracies k/30 and (k+2)/30 differ by 2/30 up to ~1e-17, which would otherwise
#: give p = 1e-139 and d_z = 1e15.
RELATIVE_TOLERANCE = 1e-9

#: Effect sizes beyond this are not reported: they only arise when the differences
#: barely vary, where the standardised effect says nothing useful.
EFFECT_SIZE_BOUND = 100.0


def _mean_and_sd(
    d: np.ndarray, scale: np.ndarray | float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sd (ddof 1) of ``d`` over its last axis, with rounding noise set to 0.

    ``scale`` is the size of the scores the differences come from (default: the largest
    absolute difference); a spread or a mean below :data:`RELATIVE_TOLERANCE` of it is
    taken as exactly zero.
    """
    mean = d.mean(axis=-1)
    sd = d.std(axis=-1, ddof=1)
    if scale is None:
        scale = np.abs(d).max(axis=-1)
    tolerance = RELATIVE_TOLERANCE * np.asarray(scale, dtype=float)
    sd = np.where(sd <= tolerance, 0.0, sd)
    mean = np.where(np.abs(mean) <= tolerance, 0.0, mean)
    return mean, sd


def _t_from_parts(
    mean: np.ndarray, se: np.ndarray, df: np.ndarray | int
) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        t = mean / se
    # Differences without spread: all zero is no difference (t = 0, p = 1); a constant
    # non-zero difference leaves the t-test undefined (NaN, reported as untestable).
    t = np.where(se == 0, np.where(mean == 0, 0.0, np.nan), t)
    p = 2 * stats.t.sf(np.abs(t), df)
    return t, p


def paired_t_test(
    d: np.ndarray, *, scale: np.ndarray | float | None = None
) -> tuple[np.ndarray, np.ndarray, int]:
    """Student's paired t-test of the differences ``d`` (last axis: seeds).

    A difference that is constant up to float rounding (see :data:`RELATIVE_TOLERANCE`,
    relative to ``scale``) has no spread: its t and p are NaN (untestable), never a
    p of 1e-139.

    Returns:
        (t, two-sided p, degrees of freedom).
    """
    d = np.asarray(d, dtype=float)
    n = d.shape[-1]
    mean, sd = _mean_and_sd(d, scale)
    t, p = _t_from_parts(mean, sd / np.sqrt(n), n - 1)
    return t, p, n - 1


def corrected_t_test(
    d: np.ndarray,
    test_train_ratio: float | np.ndarray,
    *,
    scale: np.ndarray | float | None = None,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Nadeau and Bengio's corrected resampled t-test (Machine Learning 52, 2003).

    Scores of repeated random splits share training rows, so their differences are
    correlated and the plain t-test is too liberal. The variance of the mean
    difference is inflated from ``s²/n`` to ``(1/n + n_test/n_train) s²``.

    Args:
        d: Differences, last axis the repetitions (seeds).
        test_train_ratio: ``n_test / n_train`` of the splits.
        scale: Size of the scores, for the rounding tolerance (as :func:`paired_t_test`).

    Returns:
        (t, two-sided p, degrees of freedom ``n - 1``).
    """
    d = np.asarray(d, dtype=float)
    n = d.shape[-1]
    mean, sd = _mean_and_sd(d, scale)
    se = np.sqrt(1.0 / n + test_train_ratio) * sd
    t, p = _t_from_parts(mean, se, n - 1)
    return t, p, n - 1


def wilcoxon_test(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wilcoxon's signed-rank test (SciPy; exact for small samples without ties).

    Zero differences are dropped (Wilcoxon's convention); a pair whose differences are
    all zero has ``p = 1``.

    Returns:
        (statistic, two-sided p).
    """
    d = np.asarray(d, dtype=float)
    all_zero = np.all(d == 0, axis=-1)
    safe = np.where(all_zero[..., None], 1.0, d)  # placeholder; its result is replaced
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = stats.wilcoxon(safe, axis=-1, zero_method="wilcox")
    statistic = np.where(all_zero, 0.0, result.statistic)
    p = np.where(all_zero, 1.0, result.pvalue)
    return statistic, p


def cohen_dz(d: np.ndarray, *, scale: np.ndarray | float | None = None) -> np.ndarray:
    """Cohen's d_z: mean difference over the standard deviation of the differences.

    NaN (not reported) where the differences do not vary up to rounding, or where
    ``|d_z|`` would exceed :data:`EFFECT_SIZE_BOUND`.
    """
    d = np.asarray(d, dtype=float)
    mean, sd = _mean_and_sd(d, scale)
    with np.errstate(divide="ignore", invalid="ignore"):
        dz = np.where(sd == 0, np.where(mean == 0, 0.0, np.nan), mean / sd)
    return np.where(np.abs(dz) > EFFECT_SIZE_BOUND, np.nan, dz)


def sign_test(d: np.ndarray) -> np.ndarray:
    """Two-sided exact sign test of the differences (last axis), zeros dropped.

    Used where the t-test is undefined (a constant difference): with ``k`` of ``n``
    non-zero differences positive, ``p = min(1, 2 · P(Bin(n, ½) ≤ min(k, n − k)))``.
    """
    d = np.asarray(d, dtype=float)
    positive = (d > 0).sum(axis=-1)
    n = positive + (d < 0).sum(axis=-1)
    k = np.minimum(positive, n - positive)
    p = np.minimum(1.0, 2.0 * stats.binom.cdf(k, n, 0.5))
    return np.asarray(np.where(n == 0, 1.0, p), dtype=float)


def hedges_g(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hedges' g: the standardised mean difference with the small-sample correction.

    ``g = J · (mean_a − mean_b) / s_pooled`` with ``J = 1 − 3 / (4 (n_a + n_b) − 9)``
    (Hedges & Olkin 1985).
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    n_a, n_b = a.shape[-1], b.shape[-1]
    pooled = np.sqrt(
        ((n_a - 1) * a.var(axis=-1, ddof=1) + (n_b - 1) * b.var(axis=-1, ddof=1)) / (n_a + n_b - 2)
    )
    diff = a.mean(axis=-1) - b.mean(axis=-1)
    correction = 1 - 3 / (4 * (n_a + n_b) - 9)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(pooled == 0, np.where(diff == 0, 0.0, np.nan), diff / pooled)
    g = correction * g
    return np.asarray(np.where(np.abs(g) > EFFECT_SIZE_BOUND, np.nan, g), dtype=float)


def mean_interval(x: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Student-t confidence interval of the mean (last axis)."""
    x = np.asarray(x, dtype=float)
    n = x.shape[-1]
    mean = x.mean(axis=-1)
    half = stats.t.ppf(0.5 + level / 2, n - 1) * x.std(axis=-1, ddof=1) / np.sqrt(n)
    return mean - half, mean + half


def paired_t(d: np.ndarray, level: float = 0.95) -> tuple[float, float, float] | None:
    """One-sample t-test of paired differences ``d`` against 0: (low, high, p).

    ``None`` when the test cannot run: fewer than two pairs, or all differences equal.
    """
    d = np.asarray(d, dtype=float)
    if len(d) < 2 or np.ptp(d) == 0:
        return None
    low, high = mean_interval(d, level)
    return float(low), float(high), float(stats.ttest_1samp(d, 0.0).pvalue)


def bootstrap_intervals(
    d: np.ndarray, *, n_resamples: int, seed: int, level: float = 0.95
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Percentile and BCa bootstrap intervals of the mean of each row of ``d``.

    All rows share one set of resamples (they are pairs measured on the same seeds), so
    the resampled means of every row are one matrix product: ``d @ counts.T / n``.
    Written by hand because ``scipy.stats.bootstrap`` resamples each pair separately
    (thousands of calls in a study); the tests compare both. BCa follows Efron and
    Tibshirani (1993, ch. 14) with the jackknife acceleration, as SciPy does.

    Args:
        d: Differences, shape ``(n_pairs, n_seeds)`` (or one pair, ``(n_seeds,)``).
        n_resamples: Bootstrap resamples.
        seed: Seed of the resampling.
        level: Confidence level.

    Returns:
        ``{"percentile": (low, high), "BCa": (low, high)}``, arrays of ``n_pairs``.
        A row whose differences are all equal has the interval (mean, mean).
    """
    d = np.atleast_2d(np.asarray(d, dtype=float))
    n = d.shape[-1]
    boot = d @ _resample_weights(n, n_resamples, seed).T  # (pairs, resamples)
    boot.sort(axis=-1)
    tail = (1 - level) / 2
    percentile = (
        np.quantile(boot, tail, axis=-1, method="linear"),
        np.quantile(boot, 1 - tail, axis=-1, method="linear"),
    )
    theta = d.mean(axis=-1, keepdims=True)
    below = (boot < theta).sum(-1) + (boot <= theta).sum(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        z0 = stats.norm.ppf(below / (2.0 * n_resamples))
        jackknife = (d.sum(-1, keepdims=True) - d) / (n - 1)  # (pairs, n)
        spread = jackknife.mean(-1, keepdims=True) - jackknife
        acceleration = (spread**3).sum(-1) / (6.0 * ((spread**2).sum(-1)) ** 1.5)
        bounds = []
        for z_alpha in (stats.norm.ppf(tail), stats.norm.ppf(1 - tail)):
            shifted = z0 + (z0 + z_alpha) / (1 - acceleration * (z0 + z_alpha))
            bounds.append(stats.norm.cdf(shifted))
    bca = []
    for q in bounds:
        q = np.nan_to_num(q, nan=0.5)
        position = np.clip(q, 0, 1) * (n_resamples - 1)
        lower = np.floor(position).astype(int)
        upper = np.minimum(lower + 1, n_resamples - 1)
        weight = position - lower
        rows = np.arange(len(d))
        bca.append(boot[rows, lower] * (1 - weight) + boot[rows, upper] * weight)
    constant = np.all(d == d[:, :1], axis=-1)
    mean = theta[:, 0]

    def fix(low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.where(constant, mean, low), np.where(constant, mean, high)

    return {"percentile": fix(*percentile), "BCa": fix(bca[0], bca[1])}


@functools.lru_cache(maxsize=32)
def _resample_weights(n: int, n_resamples: int, seed: int) -> np.ndarray:
    """How often each of ``n`` seeds is drawn in each resample, over ``n``.

    The mean of a resample is then one dot product. Cached: a study's pairs share their
    seeds.
    """
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(n, np.full(n, 1.0 / n), size=n_resamples)
    weights = counts / n
    weights.setflags(write=False)
    return weights


def bootstrap_interval(
    d: np.ndarray, *, method: str, n_resamples: int, seed: int, level: float = 0.95
) -> tuple[float, float]:
    """One pair's bootstrap interval (``method`` ``"percentile"`` or ``"BCa"``)."""
    low, high = bootstrap_intervals(d, n_resamples=n_resamples, seed=seed, level=level)[method]
    return float(low[0]), float(high[0])


def t_test_power(
    effect_size: np.ndarray | float,
    n: np.ndarray | int,
    *,
    alpha: float,
    test_train_ratio: float = 0.0,
) -> np.ndarray:
    """Power of the two-sided paired (or corrected) t-test to detect ``effect_size``.

    Under an effect of d_z, the statistic follows a non-central t with ``n − 1`` degrees
    of freedom and non-centrality ``d_z √n / √(1 + n · ratio)``; the ratio term is the
    Nadeau–Bengio inflation (0 for the plain paired test).
    """
    n = np.asarray(n, dtype=float)
    df = n - 1
    delta = np.abs(effect_size) * np.sqrt(n) / np.sqrt(1 + n * test_train_ratio)
    critical = stats.t.ppf(1 - alpha / 2, df)
    power = stats.nct.sf(critical, df, delta) + stats.nct.cdf(-critical, df, delta)
    return np.asarray(power, dtype=float)
