"""Privacy of a synthetic table: how close its rows come to the training rows.

Distances are Gower's: the mean over columns of |a − b| / range for numbers and dates
(the training column's range) and of 0 or 1 (equal or not) for categories, a missing
category being a category of its own (a missing number adds a coordinate of its own,
so that it is never equal to a present one). Each row is
encoded so that the Manhattan distance between encodings is that mean, and
scikit-learn's nearest neighbours find the closest training row.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from bakeoff.metrics import SynthesisTables

__all__ = ["closest_distances", "dcr_ratio", "exact_copy_share", "gower_encoding"]

#: Rows of the synthetic and holdout tables whose distances are measured, at most (a
#: seeded sample beyond it): the median settles long before, and the cost is linear.
MAX_QUERY_ROWS = 2000


def gower_encoding(
    reference: pd.DataFrame, tables: list[pd.DataFrame], kinds: Mapping[str, str]
) -> list[np.ndarray]:
    """Each table as a matrix whose L1 distances are Gower distances.

    The distances use the ranges and categories of ``reference``.
    """
    n_columns = len(reference.columns)
    blocks: list[list[np.ndarray]] = [[] for _ in tables]
    for column in reference.columns:
        if kinds[column] in ("numeric", "datetime"):
            values = [_numbers(t[column]) for t in tables]
            ref = _numbers(reference[column])
            low, high = np.nanmin(ref), np.nanmax(ref)
            span = high - low if high > low else 1.0
            for block, v in zip(blocks, values, strict=True):
                scaled = (v - low) / span / n_columns
                # A missing number: 0 there, and 1 on a coordinate of its own.
                missing = np.isnan(scaled)
                block.append(np.where(missing, 0.0, scaled)[:, None])
                block.append((missing / n_columns)[:, None])
        else:
            labels = [
                t[column].astype(object).where(t[column].notna(), "__missing__").map(str)
                for t in tables
            ]
            levels = sorted(set().union(*(set(v) for v in labels)))
            index = {level: i for i, level in enumerate(levels)}
            for block, v in zip(blocks, labels, strict=True):
                one_hot = np.zeros((len(v), len(levels)))
                one_hot[np.arange(len(v)), v.map(index).to_numpy(dtype=int)] = 0.5 / n_columns
                block.append(one_hot)
    return [np.hstack(b) for b in blocks]


def _numbers(values: pd.Series) -> np.ndarray:
    if pd.api.types.is_datetime64_any_dtype(values):
        days = values.astype("datetime64[ns]").astype("int64") / 8.64e13
        return np.asarray(days.where(values.notna()), dtype=float)
    return np.asarray(pd.to_numeric(values, errors="coerce"), dtype=float)


def closest_distances(queries: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Each query row's distance to its closest reference row (L1)."""
    from sklearn.neighbors import NearestNeighbors
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):  # as the evaluator (see _utility.py)
        search = NearestNeighbors(n_neighbors=1, metric="manhattan").fit(reference)
        distances, _ = search.kneighbors(queries)
    return np.asarray(distances[:, 0])


def _sample(table: pd.DataFrame, seed: int) -> pd.DataFrame:
    if len(table) <= MAX_QUERY_ROWS:
        return table
    return table.sample(MAX_QUERY_ROWS, random_state=seed % 2**32)


def dcr_ratio(tables: SynthesisTables) -> float:
    """Median distance of synthetic rows to their closest training row, scaled.

    It is divided by the same median for real rows the generator never saw (the holdout).

    Near 1 or above: synthetic rows are no closer to the training rows than new real
    rows are. Near 0: they copy training rows.
    """
    synthetic = _sample(tables.synthetic, tables.seed)
    holdout = _sample(tables.holdout, tables.seed + 1)
    train, syn, hold = gower_encoding(tables.real, [tables.real, synthetic, holdout], tables.kinds)
    to_synthetic = float(np.median(closest_distances(syn, train)))
    to_holdout = float(np.median(closest_distances(hold, train)))
    if to_holdout == 0.0:
        # The holdout repeats training rows itself (a table of few distinct rows):
        # distance says nothing about copying there.
        return float("nan")
    return to_synthetic / to_holdout


def exact_copy_share(tables: SynthesisTables) -> float:
    """Share of synthetic rows equal, in every column, to some training row."""
    columns = list(tables.real.columns)
    real = set(_row_hashes(tables.real[columns]))
    synthetic = _row_hashes(tables.synthetic[columns])
    return float(np.mean([h in real for h in synthetic])) if len(synthetic) else float("nan")


def _row_hashes(table: pd.DataFrame) -> list[int]:
    # Values as text, so that 3 (int) and 3.0 (float) from another generator are equal.
    normalised = table.astype(object).where(table.notna(), "__missing__")
    as_text = normalised.apply(lambda column: column.map(_text))
    return [int(h) for h in pd.util.hash_pandas_object(as_text, index=False)]


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
