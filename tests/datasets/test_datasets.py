"""Datasets: the shipped ones load offline and match their metadata; files load too."""

from __future__ import annotations

import socket
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import bakeoff
from bakeoff import datasets
from bakeoff.exceptions import BakeoffWarning, DatasetError
from tests.conftest import run_cli

EXPECTED = {
    # name: (rows, features, task, classes)
    "iris": (150, 4, "classification", 3),
    "wine": (178, 13, "classification", 3),
    "breast_cancer": (569, 30, "classification", 2),
    "digits": (1797, 64, "classification", 10),
    "diabetes": (442, 10, "regression", None),
}


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shipped_dataset_loads_offline_and_matches_its_metadata(name, no_network) -> None:
    rows, features, task, n_classes = EXPECTED[name]
    dataset = datasets.load(name)
    assert (dataset.n_rows, dataset.n_features, dataset.task) == (rows, features, task)
    if n_classes:
        assert len(dataset.classes) == n_classes
    assert len(dataset.fingerprint) == 64
    assert datasets.load(name).fingerprint == dataset.fingerprint


def test_fingerprint_ignores_row_order_and_sees_one_changed_value() -> None:
    frame = datasets.load("wine").frame
    base = datasets.fingerprint_frame(frame)
    assert datasets.fingerprint_frame(frame.sample(frac=1, random_state=1)) == base
    changed = frame.copy()
    changed.iloc[5, 0] += 1e-9
    assert datasets.fingerprint_frame(changed) != base


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_files_load_with_inferred_task(tmp_path: Path, suffix: str) -> None:
    frame = pd.DataFrame(
        {
            "x": np.arange(40, dtype=float),
            "colour": ["red", "blue"] * 20,
            "price": np.linspace(0.5, 99.5, 40),
            "label": ["yes", "no", "no", "yes"] * 10,
        }
    )
    path = tmp_path / f"data{suffix}"
    frame.to_csv(path, index=False) if suffix == ".csv" else frame.to_parquet(path)
    classified = datasets.load_file(path, target="label")
    assert classified.task == "classification" and classified.name == "data"
    assert classified.categorical_columns == ["colour"]
    regressed = datasets.load_file(path, target="price", name="prices")
    assert regressed.task == "regression" and regressed.name == "prices"


def test_infer_task_reads_coded_classes_as_classification() -> None:
    assert datasets.infer_task(pd.Series([0, 1, 2, 1, 0])) == "classification"
    assert datasets.infer_task(pd.Series(np.linspace(0, 1, 50))) == "regression"
    assert datasets.infer_task(pd.Series(range(100))) == "regression"


def test_bad_tables_get_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="duplicate column names"):
        datasets.Dataset("d", pd.DataFrame([[1, 2, 3]], columns=["a", "a", "y"]), target="y")
    with pytest.raises(DatasetError, match="single class"):
        datasets.Dataset(
            "d", pd.DataFrame({"a": [1, 2], "y": ["k", "k"]}), target="y", task="classification"
        )
    with pytest.raises(DatasetError, match="infinite values"):
        datasets.Dataset("d", pd.DataFrame({"a": [1, np.inf, 2], "y": [0, 1, 0]}), target="y")
    bad = tmp_path / "bad.xlsx"
    bad.write_text("nope")
    with pytest.raises(DatasetError, match="unsupported file type"):
        datasets.load_file(bad, target="y")
    broken = tmp_path / "broken.parquet"
    broken.write_text("not parquet")
    with pytest.raises(DatasetError, match="cannot read"):
        datasets.load_file(broken, target="y")


def test_missing_targets_and_empty_columns_are_dropped_with_a_warning() -> None:
    frame = pd.DataFrame({"a": [1, 2, 3, 4], "empty": [np.nan] * 4, "y": [0, 1, None, 1]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dataset = datasets.Dataset("d", frame, target="y")
    messages = [str(w.message) for w in caught if issubclass(w.category, BakeoffWarning)]
    assert any("dropped 1 rows" in m for m in messages)
    assert any("'empty'" in m for m in messages)
    assert dataset.n_rows == 3 and list(dataset.X.columns) == ["a"]


def test_a_registered_loader_becomes_a_dataset() -> None:
    @datasets.register_dataset("test_squares", target="y", task="regression", replace=True)
    def squares() -> pd.DataFrame:
        x = np.arange(30, dtype=float)
        return pd.DataFrame({"x": x, "y": x**2})

    assert "test_squares" in [d.name for d in datasets.list_datasets()]
    assert datasets.load("test_squares").n_rows == 30


def test_a_generated_dataset_takes_its_settings_from_the_study(tmp_path: Path) -> None:
    spec = {
        "study": "generated",
        "imports": ["bakeoff_test_plugins"],
        "datasets": [{"name": "test_generated", "options": {"n_rows": 80, "slope": 3.0}}],
        "models": [{"name": "ridge", "tune": False}],
        "metrics": ["rmse"],
    }
    dataset = bakeoff.Study(**spec).resolve().datasets["test_generated"]
    assert dataset.n_rows == 80
    default = bakeoff.Study(**{**spec, "datasets": ["test_generated"]}).resolve()
    assert default.datasets["test_generated"].n_rows == 50
    # Other settings, other data: the fingerprint (and so the cell keys) differ.
    assert dataset.fingerprint != default.datasets["test_generated"].fingerprint


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"rows": 80}, "takes no option 'rows'; its options: n_rows, slope"),
        ({"n_rows": 3}, "n_rows must be at least 10, but got 3"),
    ],
)
def test_bad_dataset_options_are_one_clear_message(
    tmp_path: Path, options: dict, expected: str
) -> None:
    spec = {
        "study": "generated",
        "imports": ["bakeoff_test_plugins"],
        "datasets": [{"name": "test_generated", "options": options}],
        "models": [{"name": "ridge", "tune": False}],
        "metrics": ["rmse"],
        "storage": f"sqlite:///{tmp_path / 'g.db'}",
    }
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(spec))
    result = run_cli("run", str(path))
    assert result.returncode == 2, result.stderr
    assert "datasets[0]" in result.stderr and expected in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "g.db").exists()
