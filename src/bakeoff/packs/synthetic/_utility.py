"""Utility of a synthetic table: a fixed evaluator trained on it, tested on real rows.

The evaluator is the same for every generator, cell and metric: scikit-learn's
histogram gradient boosting (its defaults, seeded by the cell) after one-hot encoding
the categorical columns (at most 20 levels each, the rarest merged) and turning dates
into numbers. Classification is scored by accuracy, regression by R².
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from bakeoff.metrics import SynthesisTables

__all__ = ["evaluator_score"]


def _features(table: pd.DataFrame, target: str, kinds: Mapping[str, str]) -> pd.DataFrame:
    X = table.drop(columns=[target]).copy()
    for column in X.columns:
        kind = kinds[column]
        if kind == "datetime":
            values = pd.to_datetime(X[column])
            X[column] = (values.astype("datetime64[ns]").astype("int64") / 8.64e13).where(
                values.notna()
            )
        elif kind in ("categorical", "boolean"):
            X[column] = X[column].astype(object).where(X[column].notna(), "__missing__").map(str)
        else:
            X[column] = pd.to_numeric(X[column], errors="coerce").astype(float)
    return X


def _evaluator(tables: SynthesisTables, X: pd.DataFrame, y: np.ndarray) -> Any:
    from sklearn.compose import ColumnTransformer
    from sklearn.dummy import DummyClassifier
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    classification = tables.target_task == "classification"
    if classification and len(pd.unique(y)) < 2:
        # A synthetic table with one class left: the evaluator can only predict it.
        return DummyClassifier(strategy="most_frequent").fit(X, y)
    categorical = [c for c in X.columns if tables.kinds[c] in ("categorical", "boolean")]
    encode = ColumnTransformer(
        [
            (
                "categorical",
                # Dense: with many levels the encoding is mostly zeros, and a sparse
                # matrix is refused by the gradient boosting below.
                OneHotEncoder(
                    handle_unknown="infrequent_if_exist", max_categories=20, sparse_output=False
                ),
                categorical,
            )
        ],
        remainder="passthrough",
    )
    model = (
        HistGradientBoostingClassifier(random_state=tables.seed % 2**32)
        if classification
        else HistGradientBoostingRegressor(random_state=tables.seed % 2**32)
    )
    return make_pipeline(encode, model).fit(X, y)


def _target(table: pd.DataFrame, tables: SynthesisTables) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows whose target is present: features and target."""
    kept = table[table[tables.target].notna()]
    y = kept[tables.target].to_numpy()
    if tables.target_task == "classification":
        y = y.astype(str)  # labels compare as text whatever dtype a generator returns
    return _features(kept, tables.target, tables.kinds), y


def evaluator_score(tables: SynthesisTables, train_on: str, test_on: str) -> float:
    """The evaluator trained on one table and scored on another.

    Trained on ``real`` or ``synthetic``, scored on ``holdout`` or ``synthetic``. The score
    is accuracy, or R² for regression.

    Fitted evaluators are kept in ``tables.cache``: the metrics of one scoring share
    them.
    """
    from threadpoolctl import threadpool_limits

    # One thread: OpenMP's pool, contended by a busy machine (other cells, other
    # workers), made a 0.7 s fit take 17 s here (bench/synthetic.py); alone it loses little.
    with threadpool_limits(limits=1):
        return _evaluator_score(tables, train_on, test_on)


def _evaluator_score(tables: SynthesisTables, train_on: str, test_on: str) -> float:
    from sklearn.metrics import accuracy_score, r2_score

    key = f"evaluator:{train_on}"
    if key not in tables.cache:
        X, y = _target(getattr(tables, train_on), tables)
        tables.cache[key] = _evaluator(tables, X, y) if len(y) else None
    evaluator = tables.cache[key]
    X_test, y_test = _target(getattr(tables, test_on), tables)
    if evaluator is None or not len(y_test):
        return float("nan")
    predicted = evaluator.predict(X_test)
    if tables.target_task == "classification":
        return float(accuracy_score(y_test, predicted))
    return float(r2_score(y_test.astype(float), predicted))
