"""Similarity of a synthetic table to the real one: column shapes and pair trends.

The definitions are SDMetrics' (its QualityReport): a column's shape is the KS
complement (numeric, datetime) or the total-variation complement (categorical,
boolean); a pair's trend is the correlation similarity (two numeric columns) or the
contingency similarity (any other pair, numbers put in 10 bins). Two differences,
deliberate: every pair counts in the mean (SDMetrics' report, since 0.2x, counts only
pairs whose real correlation passes 0.5 or association 0.3, so a generator is not
judged on relations the data lacks; with its thresholds at 0 it averages every pair,
as here), and a numeric column is binned on the real column's edges for both tables
(SDMetrics bins the synthetic column on its own edges, so a shifted column can look
alike). On tables without numeric-categorical pairs the scores are SDMetrics' (its
thresholds at 0) to the last digit: tests/packs/synthetic/test_metrics_sdmetrics.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import ks_2samp

__all__ = [
    "column_pair_trends",
    "column_shapes",
    "contingency_similarity",
    "correlation_similarity",
    "ks_complement",
    "tv_complement",
]

_CONTINUOUS = ("numeric", "datetime")
_MISSING = "__missing__"


def _numbers(values: pd.Series) -> pd.Series:
    """A numeric or datetime column as floats (datetimes in nanoseconds)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        as_int = values.astype("datetime64[ns]").astype("int64").astype(float)
        return as_int.where(values.notna())
    return pd.to_numeric(values, errors="coerce").astype(float)


def ks_complement(real: pd.Series, synthetic: pd.Series) -> float:
    """1 − the two-sample Kolmogorov–Smirnov statistic of the non-missing values."""
    a, b = _numbers(real).dropna(), _numbers(synthetic).dropna()
    if a.empty or b.empty:
        return float("nan")
    return float(1.0 - ks_2samp(a.to_numpy(), b.to_numpy()).statistic)


def _labels(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values.notna(), _MISSING).map(str)


def tv_complement(real: pd.Series, synthetic: pd.Series) -> float:
    """1 − the total variation distance of the two category frequencies.

    The distance is ½ Σ |f_real − f_synthetic|; a missing value is a category.
    """
    f_real = _labels(real).value_counts(normalize=True)
    f_synthetic = _labels(synthetic).value_counts(normalize=True)
    both = f_real.index.union(f_synthetic.index)
    gap = (f_real.reindex(both, fill_value=0.0) - f_synthetic.reindex(both, fill_value=0.0)).abs()
    return float(1.0 - 0.5 * gap.sum())


def correlation_similarity(real: pd.DataFrame, synthetic: pd.DataFrame) -> float:
    """1 − |ρ_real − ρ_synthetic| / 2 for the two columns' Pearson correlations.

    Rows where either is missing are left out.
    """
    rho = []
    for table in (real, synthetic):
        pair = table.apply(_numbers).dropna()
        if len(pair) < 2 or (pair.std() == 0).any():
            return float("nan")
        rho.append(float(pair.iloc[:, 0].corr(pair.iloc[:, 1])))
    return float(1.0 - abs(rho[0] - rho[1]) / 2.0)


def contingency_similarity(real: pd.DataFrame, synthetic: pd.DataFrame) -> float:
    """1 − the total variation distance of the two joint category frequencies."""
    joint = [
        pd.Series(list(zip(_labels(t.iloc[:, 0]), _labels(t.iloc[:, 1]), strict=True)))
        .value_counts(normalize=True)
        .rename(None)
        for t in (real, synthetic)
    ]
    both = joint[0].index.union(joint[1].index)
    gap = (joint[0].reindex(both, fill_value=0.0) - joint[1].reindex(both, fill_value=0.0)).abs()
    return float(1.0 - 0.5 * gap.sum())


def _binned(real: pd.Series, synthetic: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Both columns in the 10 bins of the real column's range (NumPy's edges)."""
    a, b = _numbers(real), _numbers(synthetic)
    present = a.dropna()
    if present.empty:
        return a, b
    edges = np.histogram_bin_edges(present.to_numpy())
    return (
        pd.Series(np.digitize(a, edges), index=a.index).where(a.notna()),
        pd.Series(np.digitize(b, edges), index=b.index).where(b.notna()),
    )


def column_shapes(
    real: pd.DataFrame, synthetic: pd.DataFrame, kinds: Mapping[str, str]
) -> dict[str, float]:
    """Each column's shape score (KS or TV complement, by its kind)."""
    return {
        c: ks_complement(real[c], synthetic[c])
        if kinds[c] in _CONTINUOUS
        else tv_complement(real[c], synthetic[c])
        for c in real.columns
    }


def column_pair_trends(
    real: pd.DataFrame, synthetic: pd.DataFrame, kinds: Mapping[str, str]
) -> dict[tuple[str, str], float]:
    """Each pair of columns' trend score (correlation or contingency similarity)."""
    scores = {}
    for a, b in combinations(list(real.columns), 2):
        continuous = (kinds[a] in _CONTINUOUS, kinds[b] in _CONTINUOUS)
        if all(continuous):
            scores[(a, b)] = correlation_similarity(real[[a, b]], synthetic[[a, b]])
            continue
        real_pair, synthetic_pair = real[[a, b]].copy(), synthetic[[a, b]].copy()
        for column, is_continuous in zip((a, b), continuous, strict=True):
            if is_continuous:
                real_pair[column], synthetic_pair[column] = _binned(real[column], synthetic[column])
        scores[(a, b)] = contingency_similarity(real_pair, synthetic_pair)
    return scores


def mean_score(scores: Mapping[Any, float]) -> float:
    """The mean of the scores that are defined (NaN: a constant or empty column)."""
    values = [v for v in scores.values() if not np.isnan(v)]
    return float(np.mean(values)) if values else float("nan")
