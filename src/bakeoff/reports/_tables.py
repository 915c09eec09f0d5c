"""The tables of the standard results folder, derived from the analysis and the store."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from bakeoff._budgets import budget_number
from bakeoff.reports._data import ReportData

__all__ = [
    "efficiency_analysis",
    "final_budget_means",
    "model_comparisons",
    "model_rankings",
    "performance_vs_budget",
    "relative_improvements",
    "summary_statistics",
]


def summary_statistics(data: ReportData) -> pd.DataFrame:
    """Per model × dataset × budget: mean, sd, 95% t-interval and n (seeds)."""
    table = data.analysis.models
    if table.empty:
        return pd.DataFrame(
            columns=["model", "dataset", "budget", "n", "mean", "sd", "ci95_low", "ci95_high"]
        )
    return table.rename(columns={"n_seeds": "n"})[
        ["model", "dataset", "budget", "n", "mean", "sd", "ci95_low", "ci95_high", "rank"]
    ].sort_values(["dataset", "budget", "rank"], ignore_index=True, key=_budgets_as_numbers)


def _budgets_as_numbers(column: pd.Series) -> pd.Series:
    """Sort key: budgets by their rows (``full`` last), not as text ("160" < "40")."""
    return column.map(budget_number) if column.name == "budget" else column


def performance_vs_budget(data: ReportData) -> pd.DataFrame:
    """Mean score per model, dataset and budget.

    With the fitted learning curve's value and parameters where a curve was fitted (3+
    numeric budgets).
    """
    frame = data.analysis.scores.frame
    columns = ["dataset", "model", "budget"] + (["n_train"] if "n_train" in frame else [])
    table = (
        frame.groupby(columns)["score"]
        .agg(mean_score="mean", sd_score="std", n_seeds="size")
        .reset_index()
    )
    if "n_train" not in table:
        table["n_train"] = pd.to_numeric(table["budget"], errors="coerce")
    curves = {(c.dataset, c.model): c for c in data.analysis.curves}
    fitted, a, b, c_ = [], [], [], []
    for row in table.itertuples():
        curve = curves.get((row.dataset, row.model))
        if curve is None or not np.isfinite(row.n_train):
            fitted.append(np.nan)
            a.append(np.nan)
            b.append(np.nan)
            c_.append(np.nan)
            continue
        fitted.append(float(curve.score_at(row.n_train)))
        a.append(curve.a)
        b.append(curve.b)
        c_.append(curve.c)
    table = table.assign(fitted_score=fitted, curve_a=a, curve_b=b, curve_c=c_)
    return table.sort_values(
        ["dataset", "model", "budget"], ignore_index=True, key=_budgets_as_numbers
    )


def final_budget_means(data: ReportData) -> pd.DataFrame:
    """Mean score per dataset (rows) and model (columns) at the compared budget."""
    scores = data.analysis.scores
    frame = scores.frame[scores.frame["budget"] == data.analysis.across.budget]
    return frame.groupby(["dataset", "model"])["score"].mean().unstack("model")


def model_rankings(data: ReportData) -> dict[str, Any]:
    """Average ranks over datasets and each model's rank on each dataset and budget."""
    across = data.analysis.across
    per = data.analysis.models
    return {
        "budget": across.budget,
        "average_ranks": across.average_ranks,
        "rank_table": across.rank_table.reset_index().to_dict("records")
        if not across.rank_table.empty
        else [],
        "per_dataset": per[["dataset", "budget", "model", "mean", "rank"]].to_dict("records")
        if not per.empty
        else [],
    }


def model_comparisons(data: ReportData) -> pd.DataFrame:
    """Every pairwise comparison: within each dataset and budget, and across datasets."""
    within = data.analysis.pairs.assign(scope="within dataset")
    across = pd.DataFrame(data.analysis.across.pairwise)
    if not across.empty:
        across = across.assign(
            scope="across datasets",
            dataset="(all)",
            budget=data.analysis.across.budget,
            test="Wilcoxon signed-rank over datasets",
        )
    frames = [f for f in (within, across) if not f.empty]
    if not frames:
        return pd.DataFrame(columns=["scope", "dataset", "budget", "model_a", "model_b"])
    table = pd.concat(frames, ignore_index=True)
    first = ["scope", "dataset", "budget", "model_a", "model_b", "test", "p", "p_adjusted"]
    first = [c for c in first if c in table]
    return table[first + [c for c in table.columns if c not in first]]


def relative_improvements(data: ReportData) -> pd.DataFrame:
    """Relative change of each model's mean score.

    Over the baseline (``--baseline``) and over the model's own smallest budget on each
    dataset.
    """
    scores = data.analysis.scores
    sign = 1.0 if scores.higher_is_better else -1.0
    rows: list[dict[str, Any]] = []
    for row in data.analysis.baseline.to_dict("records"):
        rows.append({"kind": "vs baseline", **row})
    means = scores.frame.groupby(["dataset", "model", "budget"])["score"].mean()
    order = {b: i for i, b in enumerate(scores.budgets())}
    for (dataset, model), series in means.groupby(level=["dataset", "model"]):
        by_budget = series.droplevel(["dataset", "model"])
        budgets = sorted(by_budget.index, key=order.__getitem__)
        if len(budgets) < 2:
            continue
        base = by_budget[budgets[0]]
        for budget in budgets[1:]:
            value = by_budget[budget]
            rows.append(
                {
                    "kind": "vs smallest budget",
                    "model": model,
                    "dataset": dataset,
                    "budget": budget,
                    "reference_budget": budgets[0],
                    "mean_score": value,
                    "reference_score": base,
                    "relative_improvement": sign * (value - base) / abs(base) if base else None,
                }
            )
    return pd.DataFrame(rows)


def efficiency_analysis(data: ReportData) -> dict[str, Any]:
    """Score per training row and CPU second, and where each learning curve flattens."""
    analysis = data.analysis
    return {
        "efficiency": analysis.efficiency.to_dict("records"),
        "learning_curves": analysis.curve_findings.to_dict("records"),
        "crossings": analysis.crossings.to_dict("records"),
        "target": analysis.settings.get("target"),
        "flat_gain_per_doubling": analysis.settings.get("flat_gain_per_doubling"),
    }
