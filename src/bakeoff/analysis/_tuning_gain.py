"""Tuned versus default: what tuning a model gained over its default parameters.

A study measures it by listing a model twice, once tuned and once with ``tune: false``
(and its own ``label``). Each pair of cells with the same dataset, budget and seed gives
one paired difference; the answer per model and metric is the mean difference with its
Student-t interval, the paired t-test and Wilcoxon's signed-rank test, the relative gain
(mean tuned over mean default, minus one) and a decision taken from the t-test at the
given level, never from the means alone.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from bakeoff.analysis._paired import paired_t

__all__ = ["TUNING_GAIN_COLUMNS", "default_pairs", "tuning_gain"]

#: Columns of :func:`tuning_gain`'s table.
TUNING_GAIN_COLUMNS = [
    "model",
    "default",
    "metric",
    "budget",
    "n_pairs",
    "mean_tuned",
    "mean_default",
    "relative_gain",
    "mean_difference",
    "ci_low",
    "ci_high",
    "t_p_value",
    "wilcoxon_p_value",
    "decision",
]


def default_pairs(models: list[dict[str, Any]]) -> dict[str, str]:
    """Tuned label → default label, from a study spec's ``models`` entries.

    A ``tune: false`` entry pairs with the tuned entry of the same registered model
    (when there is exactly one).
    """

    def label(entry: dict[str, Any]) -> str:
        return str(entry.get("label") or entry["name"])

    entries = [e if isinstance(e, dict) else {"name": e} for e in models]
    pairs = {}
    for untuned in (e for e in entries if e.get("tune") is False):
        tuned = [e for e in entries if e["name"] == untuned["name"] and e.get("tune", True)]
        if len(tuned) == 1:
            pairs[label(tuned[0])] = label(untuned)
    return pairs


def tuning_gain(
    source: str | pd.DataFrame,
    *,
    storage: str | None = None,
    pairs: dict[str, str] | None = None,
    metrics: list[str] | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """What tuning gained per model and metric, over all budgets and per budget.

    Args:
        source: A study name, or a frame from :func:`bakeoff.results`.
        storage: Where the study is stored (with a study name).
        pairs: Tuned label → default label. By default: from the stored spec's
            ``tune: false`` entries (a study name), or labels ``X`` and ``X_default``.
        metrics: Metrics to compare; by default every ``test_`` column.
        level: Confidence level of the intervals and of the decision.

    Returns:
        One row per (model, metric, budget), ``budget`` ``"all"`` pooling the budgets,
        with :data:`TUNING_GAIN_COLUMNS`. Differences are tuned − default, signed so that
        a positive one is better whatever the metric's direction; ``relative_gain`` is
        the difference of the means over the default mean's absolute value, signed the
        same way; ``decision`` is
        ``"tuned better"`` or ``"default better"`` when the paired t-test rejects at
        ``1 - level`` (the direction from the tested mean difference), else
        ``"undecided"``: a test that did not reject is not evidence of no difference.
        Empty when the study has no tuned/default pair.
    """
    from bakeoff import metrics as metric_registry

    frame, pairs = _frame_and_pairs(source, storage, pairs)
    if frame.empty or not pairs:
        return pd.DataFrame(columns=TUNING_GAIN_COLUMNS)
    frame = frame[frame["status"] == "complete"]
    if metrics is None:
        metrics = [c[5:] for c in frame.columns if c.startswith("test_")]
    keys = ["dataset", "budget", "seed"]
    rows = []
    for tuned, default in pairs.items():
        a = frame[frame["model"] == tuned].set_index(keys)
        b = frame[frame["model"] == default].set_index(keys)
        common = a.index.intersection(b.index)
        if common.empty:
            continue
        for metric in metrics:
            column = f"test_{metric}"
            sign = 1.0 if metric_registry.get(metric).direction == "maximize" else -1.0
            both = pd.DataFrame({"tuned": a.loc[common, column], "default": b.loc[common, column]})
            both = both.dropna()
            groups = [("all", both)] + [
                (budget, part) for budget, part in both.groupby(level="budget", sort=True)
            ]
            for budget, part in groups:
                rows.append(_compare(tuned, default, metric, budget, part, sign, level))
    return pd.DataFrame(rows, columns=TUNING_GAIN_COLUMNS)


def _frame_and_pairs(
    source: str | pd.DataFrame, storage: str | None, pairs: dict[str, str] | None
) -> tuple[pd.DataFrame, dict[str, str]]:
    if isinstance(source, str):
        from bakeoff import results
        from bakeoff._results import _open

        frame = results(source, storage=storage)
        if pairs is None:
            with _open(storage) as store:
                pairs = default_pairs(store.study(source)["spec"].get("models") or [])
        return frame, pairs
    if pairs is None:
        models = set(source["model"]) if "model" in source else set()
        pairs = {m: f"{m}_default" for m in sorted(models) if f"{m}_default" in models}
    return source, pairs


def _compare(
    tuned: str,
    default: str,
    metric: str,
    budget: Any,
    part: pd.DataFrame,
    sign: float,
    level: float,
) -> dict[str, Any]:
    d = sign * (part["tuned"].to_numpy(float) - part["default"].to_numpy(float))
    mean_tuned, mean_default = float(part["tuned"].mean()), float(part["default"].mean())
    row: dict[str, Any] = {
        "model": tuned,
        "default": default,
        "metric": metric,
        "budget": budget,
        "n_pairs": len(d),
        "mean_tuned": mean_tuned,
        "mean_default": mean_default,
        # Signed like the difference (positive: tuning helped) and relative to the
        # default's size, so a negative default score (cccsmf_accuracy) keeps the sign.
        "relative_gain": sign * (mean_tuned - mean_default) / abs(mean_default)
        if mean_default
        else math.nan,
        "mean_difference": float(d.mean()) if len(d) else math.nan,
        "ci_low": math.nan,
        "ci_high": math.nan,
        "t_p_value": math.nan,
        "wilcoxon_p_value": math.nan,
        # Not "no difference": a test that did not reject (or could not run: fewer
        # than two pairs, or identical pairs) says nothing about equality.
        "decision": "undecided",
    }
    tested = paired_t(d, level)
    if tested is None:
        return row
    row["ci_low"], row["ci_high"], row["t_p_value"] = tested
    if np.any(d != 0):
        row["wilcoxon_p_value"] = float(stats.wilcoxon(d).pvalue)
    if row["t_p_value"] < 1 - level:
        row["decision"] = "tuned better" if d.mean() > 0 else "default better"
    return row
