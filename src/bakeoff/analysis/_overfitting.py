"""Overfitting: how far a refitted model's training score is above its validation scores.

Each finished cell stores three scores of the configuration it chose, on the tuning
metric: ``train_<metric>`` (the refitted model on its own training rows),
``cv_<metric>`` (its inner cross-validation score) and ``test_<metric>``. The gap
train − cv is what the model learned about its training rows that did not carry over
to rows it had not seen; train − test adds what did not carry over to the test split
(another site, with ``split.kind: leave_one_group_out``). Both are summarised per model
and budget with a Student-t interval over the cells (datasets × seeds).

For a model listed twice, tuned and with ``tune: false`` (the pairs of
:func:`~bakeoff.analysis.tuning_gain`), the tuned model's rows also answer whether tuning
changed the train − test gap: the paired difference of the gaps (tuned − default, same
dataset, budget and seed) with its t-interval, the paired t-test's p-value and the
decision from it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from bakeoff.analysis._paired import mean_interval, paired_t

__all__ = ["OVERFITTING_COLUMNS", "overfitting"]

#: Columns of :func:`overfitting`'s table.
OVERFITTING_COLUMNS = [
    "model",
    "budget",
    "metric",
    "n_cells",
    "train",
    "cv",
    "test",
    "gap_cv",
    "gap_cv_low",
    "gap_cv_high",
    "gap_test",
    "gap_test_low",
    "gap_test_high",
    "default",
    "n_pairs",
    "gap_change",
    "gap_change_low",
    "gap_change_high",
    "gap_change_p_value",
    "gap_change_decision",
]


def overfitting(
    source: str | pd.DataFrame,
    *,
    storage: str | None = None,
    metric: str | None = None,
    level: float = 0.95,
    pairs: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The train − validation gap per model and budget.

    Args:
        source: A study name, or a frame from :func:`bakeoff.results`.
        storage: Where the study is stored (with a study name).
        metric: The metric; by default the tuning metric (the one with a ``cv_`` column).
        level: Confidence level of the intervals and of the decision.
        pairs: Tuned label → default label, as in
            :func:`~bakeoff.analysis.tuning_gain` (by default from the study's
            ``tune: false`` entries, or labels ``X`` and ``X_default``).

    Returns:
        One row per (model, budget) with :data:`OVERFITTING_COLUMNS`: the mean train,
        inner-CV and test scores, and the gaps train − cv and train − test with their
        t-intervals (signed so that a positive gap means a better score on the training
        rows, whatever the metric's direction). A tuned model's rows also hold its
        ``default`` label and the paired change of the train − test gap: ``n_pairs``,
        ``gap_change`` (tuned − default; negative: tuning narrowed the gap) with its
        interval, ``gap_change_p_value`` (paired t-test) and ``gap_change_decision``:
        ``"narrower when tuned"``, ``"wider when tuned"`` or ``"undecided"``. Empty when
        no cell stored a training score (cells run before bakeoff recorded them).

    Raises:
        ValueError: If ``metric`` has no ``train_`` and ``cv_`` columns.
    """
    from bakeoff import metrics as metric_registry
    from bakeoff.analysis._tuning_gain import _frame_and_pairs

    frame, pairs = _frame_and_pairs(source, storage, pairs)
    if frame.empty:
        return pd.DataFrame(columns=OVERFITTING_COLUMNS)
    if metric is None:
        cv_columns = [c for c in frame.columns if c.startswith("cv_")]
        metric = cv_columns[0][3:] if cv_columns else ""
    needed = [f"train_{metric}", f"cv_{metric}", f"test_{metric}"]
    missing = [c for c in needed if c not in frame.columns]
    if missing and f"cv_{metric}" in frame.columns and f"train_{metric}" in missing:
        return pd.DataFrame(columns=OVERFITTING_COLUMNS)
    if missing:
        known = sorted(c[3:] for c in frame.columns if c.startswith("cv_"))
        raise ValueError(
            f"metric '{metric}' has no {missing[0]} column; the gap needs the tuning "
            f"metric's inner-CV score: one of {known}"
        )
    sign = 1.0 if metric_registry.get(metric).direction == "maximize" else -1.0
    done = frame[frame["status"] == "complete"].dropna(subset=needed)
    rows = []
    for (model, budget), cells in done.groupby(["model", "budget"], sort=True):
        train, cv, test = (cells[c].to_numpy(dtype=float) for c in needed)
        row = {
            "model": model,
            "budget": budget,
            "metric": metric,
            "n_cells": len(cells),
            "train": float(train.mean()),
            "cv": float(cv.mean()),
            "test": float(test.mean()),
        }
        for name, other in (("gap_cv", cv), ("gap_test", test)):
            gap = sign * (train - other)
            row[name] = float(gap.mean())
            if len(gap) > 1 and np.ptp(gap) > 0:
                low, high = mean_interval(gap, level)
                row[f"{name}_low"], row[f"{name}_high"] = float(low), float(high)
            else:
                row[f"{name}_low"] = row[f"{name}_high"] = math.nan
        if model in pairs:
            row |= _gap_change(done, model, pairs[model], budget, needed, sign, level)
        rows.append(row)
    return pd.DataFrame(rows, columns=OVERFITTING_COLUMNS)


def _gap_change(
    done: pd.DataFrame,
    tuned: str,
    default: str,
    budget: object,
    needed: list[str],
    sign: float,
    level: float = 0.95,
) -> dict[str, object]:
    """Tuned − default train − test gap, paired by dataset and seed at one budget."""
    train, _, test = needed
    keys = ["dataset", "seed"]
    at_budget = done[done["budget"] == budget]
    gaps = {
        label: (sign * (cells[train] - cells[test])).set_axis(pd.MultiIndex.from_frame(cells[keys]))
        for label, cells in (
            (tuned, at_budget[at_budget["model"] == tuned]),
            (default, at_budget[at_budget["model"] == default]),
        )
    }
    common = gaps[tuned].index.intersection(gaps[default].index)
    d = (gaps[tuned].loc[common] - gaps[default].loc[common]).to_numpy(dtype=float)
    change: dict[str, object] = {
        "default": default,
        "n_pairs": len(d),
        "gap_change": float(d.mean()) if len(d) else math.nan,
        "gap_change_low": math.nan,
        "gap_change_high": math.nan,
        "gap_change_p_value": math.nan,
        # Not "no change": a test that did not reject says nothing about equality.
        "gap_change_decision": "undecided",
    }
    tested = paired_t(d, level)
    if tested is None:
        return change
    low, high, p_value = tested
    change.update(gap_change_low=low, gap_change_high=high, gap_change_p_value=p_value)
    if p_value < 1 - level:
        change["gap_change_decision"] = (
            "narrower when tuned" if d.mean() < 0 else "wider when tuned"
        )
    return change
