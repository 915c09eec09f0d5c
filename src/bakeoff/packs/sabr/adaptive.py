"""Adaptive HF budgets: measure only the budgets that decide where a target RMSE is met.

A fixed grid (50, 100, 200, 500, 1000 HF points) pays for every level, including the
Monte Carlo points of the largest. Given a target error, this mode starts from three
small levels, fits the model's power-law learning curve err(n) = a·n^(−b) + c with its
bootstrap band (:func:`bakeoff.analysis.fit_learning_curve`), and adds one level at a
time where the band is widest around the target: the geometric middle of the rows
between where the band's optimistic edge and its pessimistic edge reach the target. It
stops when two measured levels at most ``bracket_ratio`` apart straddle the target (the
mean error above it at the smaller, at or below it at the larger); measured levels that
straddle it farther apart are split first (the measurements outrank the curve). It also
stops when the smallest level already reaches the target, when even the band's
optimistic edge reaches the target only beyond ``max_budget`` (or never), or after
``max_rounds`` levels. Each round runs the study again with
one more budget: the store runs only the new cells.

Written by hand: no library chooses experiment sizes from a learning curve's band.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

__all__ = ["AdaptiveBudgets", "adaptive_budgets"]


@dataclass
class AdaptiveBudgets:
    """What an adaptive run measured, decided and saved.

    Attributes:
        budgets: The HF budgets measured, in the order they were added.
        rounds: Per round: the budgets so far, the curve (a, b, c), the estimate of the
            rows that reach the target and the band's interval for it.
        bracketed: Whether two measured levels straddle the target.
        reason: Why it stopped.
        estimate: Rows at which the fitted curve reaches the target (None: never).
        cells: Cells the adaptive run used; ``grid_cells``: the fixed grid's.
        hf_points: HF points the adaptive run needed (its largest budget: budgets are
            nested within a seed); ``grid_hf_points``: the fixed grid's largest.
        cpu_seconds: Tuning and refit seconds of the adaptive run's cells.
    """

    budgets: list[int]
    rounds: list[dict[str, Any]] = field(default_factory=list)
    bracketed: bool = False
    reason: str = ""
    estimate: float | None = None
    cells: int = 0
    grid_cells: int = 0
    hf_points: int = 0
    grid_hf_points: int = 0
    cpu_seconds: float = 0.0

    def describe(self) -> str:
        """A few lines for a report or a terminal."""
        estimate = "never" if self.estimate is None else f"{self.estimate:,.0f} HF points"
        if self.estimate is not None and self.estimate < min(self.budgets):
            estimate += " (extrapolated below the smallest level measured)"
        return (
            f"budgets measured: {', '.join(map(str, sorted(self.budgets)))} "
            f"({'bracketed' if self.bracketed else 'not bracketed'}: {self.reason}); "
            f"target reached at about {estimate}; {self.cells} cells and "
            f"{self.hf_points:,} HF points against the fixed grid's {self.grid_cells} cells "
            f"and {self.grid_hf_points:,} HF points"
        )


def adaptive_budgets(
    spec: dict[str, Any],
    *,
    storage: str,
    target: float,
    model: str,
    metric: str = "rmse_vol_points",
    start: tuple[int, ...] = (50, 100, 200),
    max_budget: int = 1000,
    max_rounds: int = 4,
    bracket_ratio: float = 1.5,
    n_resamples: int = 500,
) -> AdaptiveBudgets:
    """Run ``spec`` at adaptively chosen HF budgets until ``target`` is bracketed.

    Args:
        spec: A study (as its YAML loads); its ``budgets`` are the fixed grid compared
            against, and are replaced by the adaptive levels.
        storage: The store; rounds resume the same study, running only new cells.
        target: The error to reach, in ``metric``'s units (lower is better).
        model: The model (label) whose curve decides the next level.
        metric: A lower-is-better test metric of the study.
        start: The first levels (three at least: the curve has three parameters).
        max_budget: The largest level it may add (the HF points there are).
        max_rounds: Levels it may add after the start.
        bracket_ratio: Straddling levels at most this ratio apart stop it.
        n_resamples: Bootstrap resamples of the curve's band.
    """
    import numpy as np

    import bakeoff
    from bakeoff.analysis import fit_learning_curve

    if len(start) < 3:
        raise ValueError("start needs three budgets at least (the curve has three parameters)")
    grid = [b for b in spec.get("budgets", []) if b != "full"]
    budgets = sorted(int(b) for b in start)
    outcome = AdaptiveBudgets(budgets=list(budgets))
    results = None
    for round_number in range(max_rounds + 1):
        study = bakeoff.Study(**{**spec, "budgets": sorted(budgets)})
        summary = study.run(storage=storage, progress=False)
        if summary.exit_code != 0:
            raise RuntimeError(f"round {round_number}: {summary.describe()}")
        results = bakeoff.results(spec["study"], storage=storage)
        mine = results[(results["model"] == model) & results["budget"].isin(budgets)]
        table = mine.pivot_table(index="seed", columns="budget", values=f"test_{metric}")
        levels = np.array(sorted(table.columns), dtype=float)
        errors = table[levels].to_numpy(dtype=float)
        curve = fit_learning_curve(
            model,
            str(mine["dataset"].iloc[0]),
            levels,
            errors,
            higher_is_better=False,
            n_resamples=n_resamples,
            seed=round_number,
        )
        means = dict(zip(levels.tolist(), errors.mean(axis=0).tolist(), strict=True))
        outcome.estimate = curve.rows_for_score(target)
        low_rows, high_rows = _band_interval(curve, target)
        outcome.rounds.append(
            {
                "budgets": sorted(budgets),
                "a": curve.a,
                "b": curve.b,
                "c": curve.c,
                "mean_error": means,
                "estimate": outcome.estimate,
                "band_interval": [low_rows, high_rows],
            }
        )
        straddle = _straddle(means, target, bracket_ratio)
        if straddle is not None:
            outcome.bracketed = True
            outcome.reason = f"{straddle[0]} and {straddle[1]} HF points straddle {target:g}"
            break
        smallest = min(means)
        if means[smallest] <= target:
            outcome.reason = f"already reached at the smallest level ({int(smallest)} HF points)"
            break
        # Measured levels that straddle the target, too far apart: split them first (the
        # measurements outrank the fitted curve, which non-monotone means can pull off).
        wide = _straddle(means, target, math.inf)
        if wide is not None and round_number < max_rounds:
            middle = round(math.sqrt(wide[0] * wide[1]))
            if middle not in budgets:
                budgets.append(middle)
                outcome.budgets.append(middle)
                continue
        if low_rows is None or low_rows > max_budget:
            outcome.reason = (
                f"even the band's optimistic edge reaches {target:g} only beyond "
                f"{max_budget:,} HF points, or never (asymptote {curve.c:.3g})"
            )
            break
        if round_number == max_rounds:
            outcome.reason = f"{max_rounds} levels added"
            break
        proposal = _next_level(low_rows, high_rows, budgets, max_budget)
        if proposal is None:
            outcome.reason = "no new level between the band's edges within max_budget"
            break
        budgets.append(proposal)
        outcome.budgets.append(proposal)
    assert results is not None
    used = results[results["budget"].isin(budgets)]
    outcome.cells = len(used)
    outcome.grid_cells = len(used) // len(budgets) * len(grid) if grid else 0
    outcome.hf_points = max(budgets)
    outcome.grid_hf_points = int(max((int(b) for b in grid), default=0))
    outcome.cpu_seconds = float((used["tune_seconds"] + used["refit_seconds"]).sum())
    return outcome


def _band_interval(curve: Any, target: float) -> tuple[float | None, float | None]:
    """Rows where the band's lower (optimistic) and upper edge first reach ``target``."""
    band = curve.band
    if not band:
        estimate = curve.rows_for_score(target)
        return estimate, estimate
    rows = band["rows"]
    first_low = next((r for r, e in zip(rows, band["low"], strict=True) if e <= target), None)
    first_high = next((r for r, e in zip(rows, band["high"], strict=True) if e <= target), None)
    return first_low, first_high


def _straddle(means: dict[float, float], target: float, ratio: float) -> tuple[int, int] | None:
    levels = sorted(means)
    for small, large in itertools.pairwise(levels):
        if means[small] > target >= means[large] and large / small <= ratio:
            return int(small), int(large)
    return None


def _next_level(
    low_rows: float | None, high_rows: float | None, budgets: list[int], max_budget: int
) -> int | None:
    """The geometric middle of the band's interval, or past the largest level."""
    largest = max(budgets)
    middle: float
    if low_rows is None:  # no band (one seed): step past the largest level
        middle = min(max_budget, 2 * largest)
    else:
        upper = high_rows if high_rows is not None else min(max_budget, 10 * largest)
        middle = math.sqrt(max(low_rows, 1.0) * max(upper, 1.0))
    candidate = round(min(max(middle, min(budgets) / 2), max_budget))
    if candidate in budgets or any(abs(candidate - b) / b < 0.1 for b in budgets):
        # Too close to a measured level: split the widest gap around the candidate.
        above = [b for b in sorted(budgets) if b > candidate]
        below = [b for b in sorted(budgets) if b < candidate]
        if below and above:
            candidate = round(math.sqrt(below[-1] * above[0]))
        elif not above and largest < max_budget:
            candidate = min(max_budget, round(largest * 1.4))
        else:
            return None
        if candidate in budgets:
            return None
    return candidate
