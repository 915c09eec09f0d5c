"""Bayesian comparisons with a region of practical equivalence (ROPE).

Following Benavoli, Corani, Demšar & Zaffalon, "Time for a change: a tutorial for
comparing multiple classifiers through Bayesian analysis" (JMLR 18, 2017): for two
models, the posterior probability that A is practically better, that the two are
practically equivalent (their difference lies within ±rope), or that B is better.

- Within a dataset (seeds re-split one dataset): the correlated Bayesian t-test (Corani &
  Benavoli, Machine Learning 100, 2015). Its posterior of the mean difference is a
  Student t with ``n − 1`` degrees of freedom, location the mean difference and scale
  ``sd · √(1/n + ρ/(1 − ρ))`` where ``ρ/(1 − ρ) = n_test / n_train``: the same
  correlation as the Nadeau–Bengio test. Closed form; nothing is sampled.
- Across datasets: the Bayesian signed-rank test (Benavoli et al., ICML 2014) with a
  Dirichlet-process prior of strength 0.5 on a pseudo-observation at zero, by Monte
  Carlo. The Dirichlet weights depend only on the number of datasets, so one seeded
  draw serves every pair, and each pair's posterior is two matrix products.

The hierarchical model (Corani et al., Machine Learning 106, 2017) that pools seeds
across datasets is left out: it has no closed form and needs Stan's MCMC (a compiled
C++ toolchain), which bakeoff does not require. Written here because SciPy and
statsmodels have none of these; the tests check them against ``baycomp``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from scipy import stats

from bakeoff.analysis._paired import _mean_and_sd

__all__ = [
    "DEFAULT_THRESHOLD",
    "BayesianDecision",
    "correlated_bayesian_t_test",
    "decide",
    "default_rope",
    "signed_rank_posterior",
    "signed_rank_samples",
]

#: Posterior probability a Bayesian decision needs (Benavoli et al. use 0.95).
DEFAULT_THRESHOLD = 0.95

CORRELATED_T = "correlated Bayesian t-test (Corani & Benavoli 2015)"
SIGNED_RANK = "Bayesian signed-rank test (Benavoli et al. 2014), Dirichlet-process prior 0.5"


@dataclass(frozen=True)
class BayesianDecision:
    """The three posterior probabilities of a comparison and what they decide."""

    p_a_better: float
    p_rope: float
    p_b_better: float
    decision: str


def default_rope(scores: np.ndarray, *, higher_is_better: bool = True) -> tuple[float, bool]:
    """The ROPE when none is given: ``(rope, relative)``.

    Scores where higher is better and that all lie in [0, 1] (accuracy, F1, AUC, CSMF
    accuracy ...) get 0.01 in the metric's units, one percentage point, the value
    Benavoli et al. (2017) use for accuracy. Any other score (RMSE, MAE, log loss ...,
    even when it happens to lie in [0, 1]) has no natural unit and differs in scale from
    dataset to dataset, so the ROPE is relative: 1% of each dataset's mean score, and
    differences across datasets are compared as shares of it.
    """
    values = np.asarray(scores, dtype=float)
    values = values[np.isfinite(values)]
    bounded = bool(values.size) and values.min() >= 0 and values.max() <= 1
    return (0.01, False) if bounded and higher_is_better else (0.01, True)


def correlated_bayesian_t_test(
    d: np.ndarray,
    test_train_ratio: float | np.ndarray,
    rope: float | np.ndarray,
    *,
    scale: np.ndarray | float | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P(A better), P(within ±rope), P(B better) for differences ``d = a − b``.

    The last axis holds the seeds; leading axes broadcast.

    A difference without spread (up to rounding, as in the t-tests) has a point-mass
    posterior at its mean.
    """
    d = np.asarray(d, dtype=float)
    n = d.shape[-1]
    mean, sd = _mean_and_sd(d, scale)
    spread = sd * np.sqrt(1.0 / n + np.asarray(test_train_ratio, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        upper = np.where(spread > 0, (rope - mean) / spread, np.nan)
        lower = np.where(spread > 0, (-rope - mean) / spread, np.nan)
    p_a = np.where(spread > 0, stats.t.sf(upper, n - 1), (mean > rope).astype(float))
    p_b = np.where(spread > 0, stats.t.cdf(lower, n - 1), (mean < -rope).astype(float))
    return p_a, 1.0 - p_a - p_b, p_b


@functools.lru_cache(maxsize=8)
def _weights(n: int, samples: int, seed: int, prior: float) -> np.ndarray:
    """Seeded Dirichlet weights over a pseudo-observation and ``n`` datasets.

    They are shared by every pair compared over those datasets (drawing them is most of the
    cost).
    """
    rng = np.random.default_rng(seed)
    alpha = np.ones(n + 1)
    alpha[0] = prior
    weights = rng.dirichlet(alpha, size=samples).astype(np.float32)
    weights.setflags(write=False)
    return weights


def signed_rank_samples(
    d: np.ndarray,
    rope: float,
    *,
    samples: int = 50_000,
    seed: int = 0,
    prior: float = 0.5,
) -> np.ndarray:
    """Posterior samples ``(P(A better), P(within ±rope), P(B better))``.

    Shape ``(samples, 3)``, across datasets for per-dataset mean differences ``d = a − b``.

    With Dirichlet weights ``w`` over the pseudo-observation 0 and the ``n`` differences
    ``z``, one sample of P(A better) is ``Σᵢⱼ wᵢ wⱼ H(zᵢ + zⱼ − 2·rope)`` (H the Heaviside
    step, ½ at 0) and of P(B better) the same below ``−2·rope``: Walsh averages, as in the
    signed-rank statistic.
    """
    d = np.asarray(d, dtype=float)
    z = np.concatenate([[0.0], d])
    sums = z[:, None] + z[None, :]
    above = (sums > 2 * rope) + 0.5 * (sums == 2 * rope)
    below = (sums < -2 * rope) + 0.5 * (sums == -2 * rope)
    w = _weights(len(d), samples, seed, prior)
    # One single-precision matrix product for both quadratic forms wᵀAw and wᵀBw:
    # single precision is ample for probabilities and halves the time.
    product = w @ np.hstack([above, below]).astype(np.float32)
    m = len(z)
    p_a = np.einsum("ij,ij->i", product[:, :m], w, dtype=np.float64)
    p_b = np.einsum("ij,ij->i", product[:, m:], w, dtype=np.float64)
    return np.column_stack([p_a, 1.0 - p_a - p_b, p_b])


def signed_rank_posterior(samples: np.ndarray) -> tuple[float, float, float]:
    """The probabilities the Bayesian signed-rank test reports.

    The share of posterior samples in which A better, equivalence, or B better is the most
    probable (as Benavoli et al. 2017 and baycomp report them).
    """
    winner = np.argmax(samples, axis=1)
    shares = np.bincount(winner, minlength=3) / len(samples)
    return float(shares[0]), float(shares[1]), float(shares[2])


def decide(
    p_a_better: float, p_rope: float, p_b_better: float, *, threshold: float = DEFAULT_THRESHOLD
) -> str:
    """The decision the probabilities support.

    ``"a practically better"``, ``"practically equivalent"``, ``"b practically better"``
    when one probability reaches ``threshold``, else ``"undecided"``.
    """
    if p_a_better >= threshold:
        return "a practically better"
    if p_b_better >= threshold:
        return "b practically better"
    if p_rope >= threshold:
        return "practically equivalent"
    return "undecided"
