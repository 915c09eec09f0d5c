"""Id-like text columns and target leaks are said out loud before a study runs."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from bakeoff import datasets
from bakeoff.datasets import Dataset, dataset_warnings
from tests.conftest import run_cli


def table(n: int = 200, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    noisy = x + rng.normal(scale=0.7, size=n)  # x predicts y well, not perfectly
    return pd.DataFrame(
        {
            "x": x,
            "colour": rng.choice(["red", "green", "blue"], n),
            "y": np.where(noisy > 0, "a", "b"),
        }
    )


def test_a_near_unique_text_column_is_read_as_an_id_and_left_out() -> None:
    # 1,807 distinct values in 1,808 rows: one repeated name.
    frame = table(1808)
    names = [f"person {i}" for i in range(1807)] + ["person 0"]
    frame["name"] = names
    dataset = Dataset("people", frame, target="y")
    assert "name" not in dataset.X.columns
    assert (
        dataset.dropped["name"] == "an identifier: 1807 distinct values in 1808 rows (near-unique)"
    )
    assert dataset_warnings(dataset) == []


def test_a_text_column_with_very_many_values_is_reported_with_the_fix() -> None:
    frame = table(200)
    frame["code"] = [f"c{i % 120}" for i in range(200)]  # 120 values in 200 rows
    (message,) = dataset_warnings(Dataset("codes", frame, target="y"))
    assert message.startswith("column 'code' has 120 distinct values in 200 rows")
    assert "`types: {code: id}`" in message and "`drop: [code]`" in message
    # Declaring its kind says the user knows: no warning then.
    declared = Dataset("codes", frame, target="y", types={"code": "categorical"})
    assert dataset_warnings(declared) == []


def test_an_integer_column_counting_the_rows_is_reported_with_the_fix() -> None:
    # A row number exported with the table (0..n-1 in a shuffled order, or 1..n): as a
    # numeric feature it says where a row sat in the file.
    frame = table(200)
    frame["row"] = np.random.default_rng(1).permutation(200) + 1
    (message,) = dataset_warnings(Dataset("rows", frame, target="y"))
    assert message.startswith("column 'row' holds the consecutive integers 1 to 200, one per row")
    assert "`types: {row: id}`" in message and "`drop: [row]`" in message
    declared = Dataset("rows", frame, target="y", types={"row": "numeric"})
    assert dataset_warnings(declared) == []
    # Integers with gaps or repeats (counts, ages, years) are measurements: no warning.
    for values in (np.arange(200) * 2, np.arange(200) // 2, np.r_[np.arange(199), 500]):
        frame["row"] = values
        assert dataset_warnings(Dataset("rows", frame, target="y")) == [], values[:5]


def test_a_recoded_target_is_reported_as_a_leak() -> None:
    frame = table(300)
    frame["decision"] = frame["y"].map({"a": "approved", "b": "denied"})
    (message,) = dataset_warnings(Dataset("loans", frame, target="y"))
    assert "column 'decision' alone predicts the target 'y' almost perfectly" in message
    assert "`drop: [decision]`" in message


def test_a_fair_strong_predictor_is_not_a_leak() -> None:
    # z decides y, but with 5% of the labels flipped: a good feature, not a leak.
    frame = table(400)
    frame["z"] = np.where(frame["y"] == "a", 1.0, -1.0) + np.random.default_rng(1).random(400)
    flip = np.random.default_rng(2).random(400) < 0.05
    frame.loc[flip, "y"] = frame.loc[flip, "y"].map({"a": "b", "b": "a"})
    assert dataset_warnings(Dataset("fair", frame, target="y")) == []
    frame["z"] = np.where(frame["y"] == "a", 1.0, -1.0) + np.random.default_rng(1).random(400)
    assert [m.split("'")[1] for m in dataset_warnings(Dataset("unfair", frame, target="y"))] == [
        "z"
    ]


# The curators of the shipped datasets dropped these columns by hand as leaks: read
# without those drops, each is found.
CURATED_LEAKS = {
    "birthwt": ["bwt"],
    "msleep": ["awake"],
    "wage2": ["lwage"],
    "loanapp": ["action", "reject"],
    "cars93": ["Min.Price", "Max.Price"],
    "caschool": ["readscr", "mathscr"],
}


@pytest.mark.parametrize("name", sorted(CURATED_LEAKS))
def test_the_leaks_curators_dropped_by_hand_are_found(name: str) -> None:
    info = datasets.get_info(name)
    if not info.available:
        pytest.skip(f"{name} needs bakeoff[datasets]")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = dataclasses.replace(info, drop=()).load()
    found = [m.split("'")[1] for m in dataset_warnings(raw) if "predicts the target" in m]
    assert sorted(found) == sorted(CURATED_LEAKS[name])
    # As shipped (those columns dropped), nothing is reported.
    assert dataset_warnings(info.load()) == []


@pytest.mark.slow
def test_no_shipped_dataset_gets_a_warning() -> None:
    # Shipped datasets name the package that ships them; other tests may have registered
    # their own (without one) in this process.
    for info in datasets.list_datasets():
        if info.available and info.package:
            assert dataset_warnings(info.load()) == [], info.name


def test_validate_prints_the_warnings_and_still_succeeds(tmp_path: Path) -> None:
    frame = table(300)
    frame["decision"] = frame["y"].map({"a": "approved", "b": "denied"})
    frame.to_csv(tmp_path / "loans.csv", index=False)
    spec = {
        "study": "s",
        "datasets": [{"name": "loans", "path": "loans.csv", "target": "y"}],
        "models": ["logistic_regression"],
    }
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(spec))
    completed = run_cli("validate", "s.yaml", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    text = " ".join(completed.stderr.split())
    assert "Warning: dataset 'loans': column 'decision' alone predicts the target" in text
