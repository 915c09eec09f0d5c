"""Learning curves: error(n) = a·n^(−b) + c over training budgets, with bootstrap intervals.

Written by hand because no library fits a bounded power law vectorised over bootstrap
resamples: for a fixed exponent b the model is linear in (a, c), so the fit solves the
weighted least squares for (a ≥ 0, c ≥ 0) in closed form on a grid of b (variable
projection) for every resample at once. The tests check it against
``scipy.optimize.curve_fit``.

"Error" is ``1 − score`` for a score where higher is better (accuracy, F1, AUC, R²) and
the score itself where lower is better (RMSE, log loss).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["LearningCurve", "crossing_budget", "fit_learning_curve", "fit_power_law"]

#: The exponents tried first; the best is then refined on a grid 10 times finer.
EXPONENTS = np.linspace(0.01, 3.0, 61)
_REFINE = np.linspace(-0.05, 0.05, 21)


def fit_power_law(
    n: np.ndarray, error: np.ndarray, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fit ``error ≈ a n^(−b) + c`` with a ≥ 0, c ≥ 0, 0.01 ≤ b ≤ 3.

    For each b of a grid (0.05 apart, then refined to 0.005 around the best), (a, c)
    solve a 2×2 weighted least-squares problem; the sums it needs are moments, so no
    residual is ever formed (``SSE = Σw e² − 2aΣwxe − 2cΣwe + a²Σwx² + 2acΣwx + c²Σw``).

    Args:
        n: Budgets, shape ``(m,)``.
        error: Errors, shape ``(..., m)``; leading axes are fitted independently.
        weights: Weights per budget, shape ``(m,)`` (the same for every row).

    Returns:
        (a, b, c, weighted sum of squared residuals), each of the leading shape.
    """
    n = np.asarray(n, dtype=float)
    e = np.asarray(error, dtype=float)
    w = np.ones(len(n)) if weights is None else np.asarray(weights, dtype=float)
    coarse = _fit_on_grid(n, e, w, EXPONENTS)
    fine = np.clip(coarse[1][..., None] + _REFINE, EXPONENTS[0], EXPONENTS[-1])
    return _fit_on_grid(n, e, w, fine)


def _fit_on_grid(
    n: np.ndarray, e: np.ndarray, w: np.ndarray, exponents: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Best (a, b, c, SSE) with b from ``exponents``.

    ``exponents`` is one grid ``(G,)`` shared by every row, or one per row ``(..., G)``.
    """
    x = n ** -exponents[..., None]  # (G, m) or (..., G, m)
    ew = e * w
    sw = w.sum()
    sx = (x * w).sum(-1)  # (G,) or (..., G)
    sxx = (x * x * w).sum(-1)
    se = ew.sum(-1)[..., None]  # (..., 1)
    see = (e * ew).sum(-1)[..., None]
    sxe = ew @ x.T if exponents.ndim == 1 else np.einsum("...gm,...m->...g", x, ew)
    det = sw * sxx - sx * sx

    def sse(a: np.ndarray, c: np.ndarray) -> np.ndarray:
        return np.asarray(
            see - 2 * a * sxe - 2 * c * se + a * a * sxx + 2 * a * c * sx + c * c * sw
        )

    with np.errstate(divide="ignore", invalid="ignore"):
        a_free = (sw * sxe - sx * se) / det
        c_free = (sxx * se - sx * sxe) / det
        a_only = np.clip(sxe / sxx, 0, None)  # c = 0
    c_only = np.broadcast_to(np.clip(se / sw, 0, None), a_free.shape)  # a = 0
    zeros = np.zeros_like(a_free)
    free_ok = (a_free >= 0) & (c_free >= 0) & np.isfinite(a_free) & np.isfinite(c_free)
    candidates = [
        (np.where(free_ok, a_free, 0.0), np.where(free_ok, c_free, 0.0), free_ok),
        (a_only, zeros, None),
        (zeros, c_only, None),
    ]
    best_sse = np.full(a_free.shape, np.inf)
    best_a, best_c = zeros.copy(), zeros.copy()
    for a, c, valid in candidates:
        value = sse(a, c)
        if valid is not None:
            value = np.where(valid, value, np.inf)
        better = value < best_sse
        best_sse = np.where(better, value, best_sse)
        best_a = np.where(better, a, best_a)
        best_c = np.where(better, c, best_c)
    pick = np.expand_dims(np.argmin(best_sse, axis=-1), -1)

    def take(values: np.ndarray) -> np.ndarray:
        return np.asarray(np.take_along_axis(values, pick, -1)[..., 0])

    b = take(np.broadcast_to(exponents, best_sse.shape))
    return take(best_a), b, take(best_c), np.maximum(take(best_sse), 0.0)


@dataclass
class LearningCurve:
    """A model's fitted learning curve on one dataset.

    Attributes:
        model: The model.
        dataset: The dataset.
        budgets: Training rows of each budget, increasing.
        mean_error: Mean error over seeds at each budget.
        a: Scale; ``b``: decay exponent; ``c``: asymptotic error (the error with
            unlimited data).
        intervals: 95% bootstrap intervals of a, b and c (resampling seeds).
        r2: Weighted coefficient of determination of the fit on the budget means.
        rmse: Root mean squared residual on the budget means.
        higher_is_better: Direction of the score the error came from.
        band: The 95% bootstrap band of the fitted error, pointwise on ``band_rows``
            (from the smallest budget to 10× the largest): ``{"rows", "low", "high"}``.
    """

    model: str
    dataset: str
    budgets: list[int]
    mean_error: list[float]
    a: float
    b: float
    c: float
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)
    r2: float = float("nan")
    rmse: float = float("nan")
    higher_is_better: bool = True
    band: dict[str, list[float]] = field(default_factory=dict)

    def error_at(self, n: float | np.ndarray) -> np.ndarray:
        """Fitted error at ``n`` training rows (extrapolation beyond the budgets)."""
        return self.a * np.asarray(n, dtype=float) ** -self.b + self.c

    def score_at(self, n: float | np.ndarray) -> np.ndarray:
        """Fitted score at ``n`` training rows."""
        error = self.error_at(n)
        return 1 - error if self.higher_is_better else error

    def rows_for_score(self, target: float) -> float | None:
        """Smallest number of training rows whose fitted score reaches ``target``.

        Returns ``None`` when the curve's asymptote never reaches it.
        """
        error = 1 - target if self.higher_is_better else target
        if error <= self.c or self.a <= 0:
            return None if error <= self.c else 1.0
        return float((self.a / (error - self.c)) ** (1 / self.b))

    def flattening_rows(self, gain_per_doubling: float) -> float:
        """Rows beyond which doubling the data gains less than ``gain_per_doubling``.

        The gain of a doubling is ``e(n) − e(2n) = a n^(−b) (1 − 2^(−b))``.
        """
        scale = self.a * (1 - 2.0**-self.b)
        if scale <= gain_per_doubling:
            return 1.0
        return float((scale / gain_per_doubling) ** (1 / self.b))

    def to_dict(self) -> dict[str, object]:
        return {
            "model": self.model,
            "dataset": self.dataset,
            "budgets": self.budgets,
            "mean_error": self.mean_error,
            "a": self.a,
            "b": self.b,
            "c": self.c,
            "intervals_95": {k: list(v) for k, v in self.intervals.items()},
            "r2": self.r2,
            "rmse": self.rmse,
            "band_95": self.band,
        }


def fit_learning_curve(
    model: str,
    dataset: str,
    budgets: np.ndarray,
    errors: np.ndarray,
    *,
    higher_is_better: bool,
    n_resamples: int,
    seed: int,
) -> LearningCurve:
    """Fit one curve from errors of shape ``(n_seeds, n_budgets)``.

    Budgets are weighted by the inverse variance of their mean over seeds (floored at a
    tenth of the average, so a budget whose seeds agree does not take all the weight).
    Seeds are resampled as units in the bootstrap: one seed's budgets share its test rows.
    """
    budgets = np.asarray(budgets, dtype=float)
    errors = np.asarray(errors, dtype=float)
    n_seeds = errors.shape[0]
    variance = errors.var(axis=0, ddof=1) / n_seeds if n_seeds > 1 else np.ones(len(budgets))
    floor = max(float(np.mean(variance)) * 0.1, 1e-12)
    weights = 1.0 / np.maximum(variance, floor)
    mean = errors.mean(axis=0)
    a, b, c, sse = fit_power_law(budgets, mean, weights)
    fitted = a * budgets**-b + c
    total = float((weights * (mean - np.average(mean, weights=weights)) ** 2).sum())
    r2 = 1 - float(sse) / total if total > 0 else float("nan")
    rmse = float(np.sqrt(np.mean((mean - fitted) ** 2)))
    intervals: dict[str, tuple[float, float]] = {}
    band: dict[str, list[float]] = {}
    if n_seeds > 1 and n_resamples > 0:
        rng = np.random.default_rng(seed)
        picks = rng.integers(0, n_seeds, size=(n_resamples, n_seeds))
        resampled = errors[picks].mean(axis=1)  # (B, m)
        boot = fit_power_law(budgets, resampled, weights)
        for name, values in zip("abc", boot[:3], strict=True):
            low, high = np.percentile(values, [2.5, 97.5])
            intervals[name] = (float(low), float(high))
        rows = np.geomspace(budgets[0], 10 * budgets[-1], 40)
        curves = boot[0][:, None] * rows[None, :] ** -boot[1][:, None] + boot[2][:, None]
        low, high = np.percentile(curves, [2.5, 97.5], axis=0)
        band = {"rows": rows.tolist(), "low": low.tolist(), "high": high.tolist()}
    return LearningCurve(
        model,
        dataset,
        [int(x) for x in budgets],
        [float(x) for x in mean],
        float(a),
        float(b),
        float(c),
        intervals,
        r2,
        rmse,
        higher_is_better,
        band,
    )


def crossing_budget(first: LearningCurve, second: LearningCurve, *, up_to: float) -> float | None:
    """Training rows where two fitted curves cross.

    Searched between the smallest budget and ``up_to``; ``None`` when one stays better
    throughout.
    """
    low = min(first.budgets[0], second.budgets[0])
    grid = np.geomspace(low, up_to, 2000)
    gap = first.error_at(grid) - second.error_at(grid)
    sign_change = np.flatnonzero(np.sign(gap[:-1]) * np.sign(gap[1:]) < 0)
    if sign_change.size == 0:
        return None
    i = sign_change[0]
    # Linear interpolation of the gap in log n between the bracketing grid points.
    x0, x1 = np.log(grid[i]), np.log(grid[i + 1])
    g0, g1 = gap[i], gap[i + 1]
    return float(np.exp(x0 - g0 * (x1 - x0) / (g1 - g0)))
