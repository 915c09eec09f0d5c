"""Splits: nested budgets, stratification, identical outer test rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bakeoff.protocol import budget_rows, inner_folds, make_pipeline, outer_split


@pytest.fixture
def labels() -> np.ndarray:
    # 300 rows: 200 of "a", 80 of "b", 20 of "c" (imbalanced).
    return np.array(["a"] * 200 + ["b"] * 80 + ["c"] * 20, dtype=object)


def test_outer_split_depends_only_on_its_seed(labels) -> None:
    first = outer_split(labels, test_size=0.25, seed=7, stratify=True)
    again = outer_split(labels, test_size=0.25, seed=7, stratify=True)
    other = outer_split(labels, test_size=0.25, seed=8, stratify=True)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not np.array_equal(first[1], other[1])
    train, test = first
    assert len(np.intersect1d(train, test)) == 0 and len(train) + len(test) == len(labels)
    assert len(test) == 75  # ceil(0.25 * 300)


def test_outer_split_is_stratified(labels) -> None:
    _, test = outer_split(labels, test_size=0.25, seed=0, stratify=True)
    counts = pd.Series(labels[test]).value_counts().to_dict()
    assert counts == {"a": 50, "b": 20, "c": 5}


def test_budgets_are_nested(labels) -> None:
    train, _ = outer_split(labels, test_size=0.25, seed=0, stratify=True)
    previous: set[int] = set()
    for budget in (10, 20, 50, 100, 200, "full"):
        rows = set(budget_rows(train, labels, budget, seed=3, stratify=True).tolist())
        assert previous <= rows
        assert len(rows) == (len(train) if budget == "full" else budget)
        assert rows <= set(train.tolist())
        previous = rows


@pytest.mark.parametrize("budget", [20, 40, 100, 160])
def test_budget_rows_keep_class_shares(labels, budget) -> None:
    train, _ = outer_split(labels, test_size=0.25, seed=0, stratify=True)
    rows = budget_rows(train, labels, budget, seed=11, stratify=True)
    shares = pd.Series(labels[rows]).value_counts(normalize=True)
    expected = pd.Series(labels[train]).value_counts(normalize=True)
    # Each class is within one row of its proportional share.
    for label, share in expected.items():
        assert abs(shares.get(label, 0) * budget - share * budget) <= 1.0


def test_budget_rows_differ_between_seeds(labels) -> None:
    train, _ = outer_split(labels, test_size=0.25, seed=0, stratify=True)
    a = budget_rows(train, labels, 50, seed=1, stratify=True)
    b = budget_rows(train, labels, 50, seed=2, stratify=True)
    assert not np.array_equal(a, b)


def test_unstratified_budgets_are_nested_too() -> None:
    y = np.linspace(0, 1, 200)
    train, _ = outer_split(y, test_size=0.2, seed=0, stratify=False)
    small = set(budget_rows(train, y, 30, seed=5, stratify=False).tolist())
    large = set(budget_rows(train, y, 90, seed=5, stratify=False).tolist())
    assert small <= large and len(small) == 30


def test_inner_folds_fall_back_to_kfold_when_a_class_is_too_rare() -> None:
    y = np.array(["a"] * 20 + ["b"] * 2)
    folds = inner_folds(y, n_splits=5, seed=0, stratify=True)
    assert len(folds) == 5
    covered = np.sort(np.concatenate([val for _, val in folds]))
    assert np.array_equal(covered, np.arange(len(y)))


def test_preprocessing_learns_from_the_rows_it_is_fitted_on() -> None:
    from sklearn.linear_model import LogisticRegression

    frame = pd.DataFrame({"x": [1.0, 2.0, np.nan, 100.0, 200.0], "c": ["u", "v", "u", "w", None]})
    y = np.array([0, 1, 0, 1, 0])
    pipeline = make_pipeline(LogisticRegression(), numeric=["x"], categorical=["c"], scale=True)
    pipeline.fit(frame.iloc[:3], y[:3])
    numeric = pipeline.named_steps["preprocess"].named_transformers_["numeric"]
    # The median and mean come from the three fitted rows only (1, 2 and the imputed 1.5).
    assert numeric.named_steps["impute"].statistics_[0] == 1.5
    assert numeric.named_steps["scale"].mean_[0] == pytest.approx(1.5)
    # A category never seen in fitting is ignored, not an error.
    assert pipeline.predict(frame.iloc[3:]).shape == (2,)
