"""User data: files, DataFrames and collections, with the same checks as shipped data."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from bakeoff import Study, datasets
from bakeoff.exceptions import BakeoffWarning, DatasetError, UnknownNameError


def _table(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "colour": ["red", "blue", "green", "red"] * (n // 4),
            "y": ["yes", "no"] * (n // 2),
        }
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("x,x,y\n1,2,a\n3,4,b\n", r"repeated column names \['x'\]"),
        ("x,label\n1,a\n2,b\n", r"no target column 'y'"),
        ("x,y\n1,a\n2,a\n3,a\n", "single class"),
        ("x,y\n1,a\ninf,b\n3,a\n", r"columns \['x'\] contain infinite values"),
        ("", "cannot read"),
    ],
)
def test_bad_files_name_the_file_and_the_column(tmp_path: Path, content: str, message: str):
    path = tmp_path / "site.csv"
    path.write_text(content)
    with pytest.raises(DatasetError, match=message) as caught:
        datasets.load_file(path, target="y", task="classification")
    assert "site" in str(caught.value)


def test_an_all_empty_column_is_dropped_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    _table().assign(empty=np.nan).to_csv(path, index=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dataset = datasets.load_file(path, target="y")
    assert any("'empty'" in str(w.message) for w in caught if w.category is BakeoffWarning)
    assert "empty" not in dataset.frame.columns


def test_a_directory_or_binary_file_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(DatasetError, match="does not exist"):
        datasets.load_file(tmp_path / "folder.csv", target="y")
    binary = tmp_path / "blob.parquet"
    binary.write_bytes(b"\x00\x01garbage")
    with pytest.raises(DatasetError, match=r"cannot read '.*blob\.parquet'"):
        datasets.load_file(binary, target="y")


def test_a_dataframe_registered_from_python_runs_in_a_study(store_url: str) -> None:
    dataset = datasets.register_frame(
        "test_frame", _table(), target="y", types={"colour": "categorical"}, replace=True
    )
    assert dataset.fingerprint == datasets.load("test_frame").fingerprint
    study = Study(
        study="frame",
        datasets=["test_frame"],
        models=["logistic_regression"],
        tuning={"n_trials": 2, "cv": 2},
    )
    assert study.run(storage=store_url, n_jobs=2).ok  # workers get the frame itself


def _collection(folder: Path) -> Path:
    folder.mkdir()
    (folder / "data").mkdir()
    for i, site in enumerate(["north", "south"]):
        _table(40 + 4 * i).to_csv(folder / "data" / f"{site}.csv", index=False)
    spec = {
        "name": "sites",
        "description": "two sites of one survey",
        "license": "CC BY 4.0",
        "citation": "Survey team (2026).",
        "datasets": [
            {"name": "north", "path": "data/north.csv", "target": "y"},
            {
                "name": "south",
                "path": "data/south.csv",
                "target": "y",
                "types": {"colour": "categorical"},
                "license": "CC0-1.0",
            },
        ],
    }
    (folder / "collection.yaml").write_text(yaml.safe_dump(spec))
    return folder


def test_a_collection_folder_loads_with_its_metadata(tmp_path: Path) -> None:
    collection = datasets.read_collection(_collection(tmp_path / "sites"))
    north, south = collection.load()
    assert (north.name, north.n_rows, south.n_rows) == ("north", 40, 44)
    assert north.license == "CC BY 4.0" and south.license == "CC0-1.0"
    assert north.citation == "Survey team (2026)."


def test_a_study_names_a_collection_by_folder_or_by_registered_name(
    tmp_path: Path, store_url: str
) -> None:
    folder = _collection(tmp_path / "sites")
    by_folder = Study(
        study="c",
        datasets=[{"collection": "sites", "exclude": ["south"]}, "iris"],
        models=["logistic_regression"],
        base_dir=tmp_path,
    )
    assert list(by_folder.resolve().datasets) == ["north", "iris"]
    datasets.register_collection(folder, replace=True)
    by_name = Study(study="c", datasets=[{"collection": "sites"}], models=["logistic_regression"])
    assert list(by_name.resolve().datasets) == ["north", "south"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda s: s.update(datasets=[{"name": "n", "path": "data/north.csv"}]), "target"),
        (lambda s: s["datasets"][0].update(colour="x"), "colour"),
        (lambda s: s["datasets"][0].update(target="label"), "no target column 'label'"),
        (lambda s: s["datasets"][0].update(path="data/west.csv"), "west.csv' does not exist"),
        (lambda s: s["datasets"][1].update(name="north"), r"names \['north'\] repeat"),
    ],
)
def test_a_broken_collection_names_the_file_and_the_field(tmp_path: Path, edit, message) -> None:
    folder = _collection(tmp_path / "sites")
    spec = yaml.safe_load((folder / "collection.yaml").read_text())
    edit(spec)
    (folder / "collection.yaml").write_text(yaml.safe_dump(spec))
    with pytest.raises(DatasetError, match=message):
        datasets.read_collection(folder).load()


def test_an_unknown_collection_says_what_it_looked_for(tmp_path: Path) -> None:
    with pytest.raises(UnknownNameError, match="neither a registered collection"):
        datasets.find_collection("nowhere", base_dir=tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetError, match=r"has no collection\.yaml"):
        datasets.find_collection("empty", base_dir=tmp_path)


@pytest.mark.parametrize("separator", [";", "\t", "|", ","])
def test_the_separator_of_a_csv_is_recognised(tmp_path: Path, separator: str) -> None:
    path = tmp_path / "export.csv"
    _table().to_csv(path, sep=separator, index=False)
    dataset = datasets.load_file(path, target="y")
    assert list(dataset.frame.columns) == ["x", "colour", "y"]
    assert dataset.fingerprint == datasets.Dataset("d", _table(), target="y").fingerprint


def test_latin_1_text_is_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "städte.csv"
    table = _table().assign(colour=["Zürich", "Genève", "Köln", "Zürich"] * 10)
    path.write_bytes(table.to_csv(index=False).encode("latin-1"))
    with pytest.warns(BakeoffWarning, match="not UTF-8"):
        dataset = datasets.load_file(path, target="y")
    assert set(dataset.frame["colour"]) == {"Zürich", "Genève", "Köln"}
