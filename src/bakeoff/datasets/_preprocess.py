"""The preprocessing pipeline, fitted inside each fold so no test row leaks into it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

if TYPE_CHECKING:
    from bakeoff.datasets import Dataset

__all__ = ["make_pipeline", "pipeline_for", "to_days"]

_NANOS_PER_DAY = 86_400 * 10**9


def to_days(frame: pd.DataFrame) -> np.ndarray:
    """Date-time columns as float days since 1970-01-01 (missing stays NaN)."""
    columns = [
        pd.to_datetime(frame[c]).astype("datetime64[ns]").to_numpy().view("int64")
        for c in frame.columns
    ]
    days = np.column_stack(columns).astype(float) / _NANOS_PER_DAY
    days[frame.isna().to_numpy()] = np.nan
    return days


def make_pipeline(
    estimator: BaseEstimator,
    *,
    numeric: list[str],
    categorical: list[str],
    scale: bool,
    datetime: list[str] | None = None,
) -> Pipeline:
    """Impute, one-hot encode and (if ``scale``) standardise, then ``estimator``.

    Args:
        estimator: The model's unfitted estimator.
        numeric: Numeric feature columns (median imputation, optional scaling).
        categorical: Categorical feature columns (most-frequent imputation, one-hot
            encoding that ignores categories unseen in the fold's training rows).
        scale: Standardise numeric columns (linear models, neural networks).
        datetime: Date-time feature columns, turned into days since 1970 and then
            treated like numeric ones.
    """
    numeric_steps: list[tuple[str, BaseEstimator]] = [("impute", SimpleImputer(strategy="median"))]
    if scale:
        numeric_steps.append(("scale", StandardScaler()))
    transformers = []
    if numeric:
        transformers.append(("numeric", Pipeline(numeric_steps), numeric))
    if datetime:
        days = FunctionTransformer(to_days, feature_names_out="one-to-one")
        transformers.append(
            ("datetime", Pipeline([("days", days), *numeric_steps]), list(datetime))
        )
    if categorical:
        transformers.append(
            (
                "categorical",
                Pipeline(
                    [
                        ("impute", SimpleImputer(strategy="most_frequent")),
                        (
                            "encode",
                            OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                        ),
                    ]
                ),
                categorical,
            )
        )
    return Pipeline(
        [
            ("preprocess", ColumnTransformer(transformers, remainder="drop")),
            ("model", estimator),
        ]
    )


def pipeline_for(dataset: Dataset, estimator: BaseEstimator, *, scale: bool) -> Pipeline:
    """:func:`make_pipeline` for ``dataset``'s feature kinds (ids are already left out)."""
    return make_pipeline(
        estimator,
        numeric=dataset.numeric_columns,
        categorical=dataset.categorical_columns,
        datetime=dataset.datetime_columns,
        scale=scale,
    )
