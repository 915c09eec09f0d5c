"""Meta-features: hand-computed on a tiny table, cached under the user's cache folder."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bakeoff.datasets import Dataset, compute_meta_features, meta_features


def tiny() -> Dataset:
    frame = pd.DataFrame(
        {
            "x": [1.0, 2.0, 3.0, np.nan, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0],
            "colour": ["a", "b", "a", "c", "a", "b", "a", "a", "b", "a"],
            "y": ["yes"] * 8 + ["no"] * 2,
        }
    )
    return Dataset("tiny", frame, target="y", task="classification")


def test_meta_features_of_a_tiny_table_equal_hand_computed_values() -> None:
    values = compute_meta_features(tiny())
    assert values["rows"] == 10 and values["features"] == 2
    assert values["numeric_share"] == 0.5 and values["categorical_share"] == 0.5
    assert values["mean_categorical_cardinality"] == 3  # a, b, c
    assert values["missing_share"] == pytest.approx(1 / 20)  # one of 20 feature cells
    assert values["classes"] == 2 and values["class_imbalance"] == 4.0  # 8 yes / 2 no
    assert values["target_skew"] is None
    # Encoded features: x (scaled) and three one-hot columns, so at most 4 components.
    assert 1 <= values["intrinsic_dimension_pca95"] <= 4
    assert 0.0 <= values["landmark"] <= 1.0


def test_regression_meta_features_have_skew_and_a_stump_landmark() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=200)
    frame = pd.DataFrame(
        {
            "x": x,
            "noise": rng.normal(size=200),
            "y": np.where(x > 0, 1.0, 0.0) + 0.01 * rng.normal(size=200),
        }
    )
    values = compute_meta_features(Dataset("r", frame, target="y", task="regression"))
    assert values["classes"] is None
    assert values["target_skew"] == pytest.approx(frame["y"].skew())
    # A single split on x explains almost everything: the stump's R^2 is near 1.
    assert values["landmark"] > 0.95


def test_meta_features_are_cached_under_bakeoff_cache(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("BAKEOFF_CACHE", str(tmp_path))
    dataset = tiny()
    first = meta_features(dataset)
    cached = tmp_path / "meta" / f"{dataset.fingerprint}.json"
    assert json.loads(cached.read_text()) == first
    cached.write_text(json.dumps({**first, "rows": -1}))
    assert meta_features(dataset)["rows"] == -1  # read back, not recomputed


def test_a_table_too_small_for_the_landmark_gets_none_not_an_error() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": ["a", "b", "a", "b"]})
    values = compute_meta_features(Dataset("four", frame, target="y", task="classification"))
    assert values["rows"] == 4 and values["landmark"] is None
