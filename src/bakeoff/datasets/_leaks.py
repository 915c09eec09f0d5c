"""Columns that (nearly) give the target away, found before a study runs.

A column recorded with or after the outcome (a decision code beside the decision, the
log of the target, hours awake beside hours asleep) makes every model look excellent
and the comparison meaningless. Only blatant cases are flagged, with one statistic per
column that a reader can check:

- classification: group the rows by the column's value (numbers: by twentieths of its
  range of ranks) and count how often the most common class of a group is the row's
  class; groups of fewer than 5 rows do not count, so an identifier is not "pure";
- regression: the absolute Spearman correlation of a numeric column with the target,
  or the share of the target's variance explained by a categorical column's groups.

The threshold (0.97) flags the leaks the shipped datasets' curators dropped by hand
(``bwt`` in ``birthwt``, ``awake`` in ``msleep``, ``lwage`` in ``wage2``, ...) and no
column they kept. Large tables are judged on a seeded sample of rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

__all__ = ["LEAK_THRESHOLD", "Suspect", "leak_suspects"]

#: A column scoring at least this much alone is reported.
LEAK_THRESHOLD = 0.97
_MIN_GROUP = 5
_N_BINS = 20
_SAMPLE_ROWS = 5000


@dataclass(frozen=True)
class Suspect:
    """A column that predicts the target almost alone, and how well."""

    column: str
    score: float
    statistic: str

    def describe(self) -> str:
        return f"{self.statistic} {self.score:.3f}"


def leak_suspects(frame: pd.DataFrame, target: str, task: str) -> list[Suspect]:
    """The feature columns of ``frame`` that predict ``target`` almost perfectly alone."""
    if len(frame) > _SAMPLE_ROWS:
        frame = frame.sample(n=_SAMPLE_ROWS, random_state=0)
    y = frame[target]
    suspects = []
    for column in frame.columns:
        if column == target:
            continue
        found = _score(frame[column], y, task)
        if found is not None and found[0] >= LEAK_THRESHOLD:
            suspects.append(Suspect(str(column), found[0], found[1]))
    return suspects


def _score(x: pd.Series, y: pd.Series, task: str) -> tuple[float, str] | None:
    known = x.notna()
    x, y = x[known], y[known]
    if len(x) < 2 * _MIN_GROUP:
        return None
    many_numbers = _is_number(x) and x.nunique() > _N_BINS
    if task == "regression" and many_numbers:
        rho = spearmanr(x.to_numpy(dtype=float), y.to_numpy(dtype=float)).statistic
        return (abs(float(rho)), "rank correlation with the target") if np.isfinite(rho) else None
    groups = (
        pd.qcut(x.rank(method="first"), _N_BINS, labels=False) if many_numbers else x.astype(str)
    )
    sizes = groups.map(groups.value_counts())
    kept = sizes >= _MIN_GROUP
    # Most rows must sit in groups big enough to judge; an identifier never does.
    if kept.sum() < 0.5 * len(x):
        return None
    groups, y = groups[kept], y[kept]
    if task == "classification":
        table = pd.crosstab(groups, y)
        purity = float(table.max(axis=1).sum() / table.to_numpy().sum())
        majority = float(y.value_counts(normalize=True).max())
        # Where one class is nearly everything, every column looks "pure".
        if majority >= LEAK_THRESHOLD:
            return None
        return purity, "share of rows whose group's most common class is their class"
    values = y.to_numpy(dtype=float)
    spread = float(((values - values.mean()) ** 2).sum())
    if spread == 0:
        return None
    means = y.groupby(groups).transform("mean").to_numpy(dtype=float)
    explained = 1.0 - float(((values - means) ** 2).sum()) / spread
    return explained, "share of the target's variance its groups explain"


def _is_number(x: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(x) and not pd.api.types.is_bool_dtype(x)
