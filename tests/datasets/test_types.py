"""Feature kinds: inference, overrides, and how models see each kind."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bakeoff.datasets import Dataset, infer_feature_kind
from bakeoff.datasets._preprocess import make_pipeline, to_days
from bakeoff.exceptions import DatasetError


def test_inference_rules() -> None:
    n = 30
    assert infer_feature_kind(pd.Series(np.arange(n, dtype=float))) == "numeric"
    assert infer_feature_kind(pd.Series([0, 1] * (n // 2))) == "numeric"  # coded: declare it
    assert infer_feature_kind(pd.Series([True, False] * (n // 2))) == "boolean"
    assert infer_feature_kind(pd.Series(["yes", "no", None] * (n // 3))) == "boolean"
    assert infer_feature_kind(pd.Series(["a", "b", "c"] * (n // 3))) == "categorical"
    assert infer_feature_kind(pd.Series([f"id{i}" for i in range(n)])) == "id"
    assert infer_feature_kind(pd.Series([f"id{i}" for i in range(5)])) == "categorical"
    assert infer_feature_kind(pd.Series(pd.date_range("2020-01-01", periods=n))) == "datetime"


def _frame() -> pd.DataFrame:
    n = 40
    return pd.DataFrame(
        {
            "zip": [10115, 20095, 80331, 50667] * (n // 4),
            "name": [f"person {i}" for i in range(n)],
            "day": [f"2024-01-{1 + i % 28:02d}" for i in range(n)],
            "amount": np.linspace(1, 2, n),
            "y": ["a", "b"] * (n // 2),
        }
    )


def test_overrides_apply_and_ids_are_left_out() -> None:
    dataset = Dataset("d", _frame(), target="y", types={"zip": "categorical", "day": "datetime"})
    assert dataset.feature_kinds == {"zip": "categorical", "day": "datetime", "amount": "numeric"}
    assert "name" not in dataset.frame.columns  # inferred id
    assert pd.api.types.is_datetime64_any_dtype(dataset.frame["day"])
    assert dataset.categorical_columns == ["zip"] and dataset.datetime_columns == ["day"]
    kept = Dataset("d", _frame(), target="y", types={"name": "categorical"})
    assert kept.feature_kinds["name"] == "categorical"


@pytest.mark.parametrize(
    ("types", "message"),
    [
        ({"zipp": "categorical"}, "names column 'zipp'"),
        ({"zip": "ordinal"}, "`types.zip` is 'ordinal'; use one of"),
        ({"y": "categorical"}, "names the target 'y'"),
        ({"name": "numeric"}, "column 'name' is declared numeric but holds 'person 0'"),
        ({"name": "datetime"}, "column 'name' is declared datetime"),
    ],
)
def test_bad_overrides_name_the_column(types: dict[str, str], message: str) -> None:
    with pytest.raises(DatasetError, match=message) as caught:
        Dataset("shop", _frame(), target="y", types=types)
    assert "dataset 'shop'" in str(caught.value)


def test_dates_become_days_since_1970_for_models() -> None:
    frame = pd.DataFrame({"d": pd.to_datetime(["1970-01-02 00:00", None, "1970-01-01 12:00"])})
    days = to_days(frame)
    np.testing.assert_array_equal(days[[0, 2], 0], [1.0, 0.5])
    assert np.isnan(days[1, 0])
    dataset = Dataset("d", _frame(), target="y", types={"day": "datetime", "zip": "categorical"})
    from sklearn.linear_model import LogisticRegression

    pipeline = make_pipeline(
        LogisticRegression(),
        numeric=dataset.numeric_columns,
        categorical=dataset.categorical_columns,
        datetime=dataset.datetime_columns,
        scale=True,
    )
    pipeline.fit(dataset.X, dataset.y)
    # 1 amount + 1 day + 4 zip codes one-hot encoded
    assert pipeline[:-1].transform(dataset.X).shape == (40, 6)


def test_nullable_columns_reach_models_with_nan_for_missing() -> None:
    # pd.NA breaks scikit-learn's imputers; user DataFrames and Parquet files often hold it.
    n = 40
    nullable = pd.DataFrame(
        {
            "a": pd.array([1, None, 3, 4] * (n // 4), dtype="Int64"),
            "s": pd.array(["x", None, "y", "z"] * (n // 4), dtype="string"),
            "b": pd.array([True, None, False, True] * (n // 4), dtype="boolean"),
            "y": ["p", "q"] * (n // 2),
        }
    )
    plain = pd.DataFrame(
        {
            "a": [1.0, np.nan, 3.0, 4.0] * (n // 4),
            "s": ["x", np.nan, "y", "z"] * (n // 4),
            "b": [True, np.nan, False, True] * (n // 4),
            "y": ["p", "q"] * (n // 2),
        }
    )
    dataset = Dataset("d", nullable, target="y")
    assert dataset.feature_kinds == {"a": "numeric", "s": "categorical", "b": "boolean"}
    assert dataset.fingerprint == Dataset("d", plain, target="y").fingerprint
    from sklearn.linear_model import LogisticRegression

    pipeline = make_pipeline(
        LogisticRegression(),
        numeric=dataset.numeric_columns,
        categorical=dataset.categorical_columns,
        scale=True,
    )
    assert pipeline.fit(dataset.X, dataset.y).predict(dataset.X).shape == (n,)
