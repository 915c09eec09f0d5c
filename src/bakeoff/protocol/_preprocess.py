"""The preprocessing pipeline, fitted inside each fold so no test row leaks into it."""

from __future__ import annotations

from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

__all__ = ["make_pipeline"]


def make_pipeline(
    estimator: BaseEstimator,
    *,
    numeric: list[str],
    categorical: list[str],
    scale: bool,
) -> Pipeline:
    """Impute, one-hot encode and (if ``scale``) standardise, then ``estimator``.

    Args:
        estimator: The model's unfitted estimator.
        numeric: Numeric feature columns (median imputation, optional scaling).
        categorical: Categorical feature columns (most-frequent imputation, one-hot
            encoding that ignores categories unseen in the fold's training rows).
        scale: Standardise numeric columns (linear models, neural networks).
    """
    numeric_steps: list[tuple[str, BaseEstimator]] = [("impute", SimpleImputer(strategy="median"))]
    if scale:
        numeric_steps.append(("scale", StandardScaler()))
    transformers = []
    if numeric:
        transformers.append(("numeric", Pipeline(numeric_steps), numeric))
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
