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


def test_latin_1_bytes_first_met_past_the_sample_are_read_with_a_warning(
    tmp_path: Path,
) -> None:
    from bakeoff.datasets._files import SNIFF_BYTES

    path = tmp_path / "late.csv"
    plain = _table(4000)
    text = plain.to_csv(index=False).encode()
    assert len(text) > SNIFF_BYTES  # the accented rows come after the sniffed bytes
    late = pd.DataFrame({"x": [0.5, 1.5], "colour": ["Genève", "Köln"], "y": ["yes", "no"]})
    path.write_bytes(text + late.to_csv(index=False, header=False).encode("latin-1"))
    with pytest.warns(BakeoffWarning, match="not UTF-8"):
        dataset = datasets.load_file(path, target="y")
    assert dataset.frame["colour"].tolist()[-2:] == ["Genève", "Köln"]
    assert len(dataset.frame) == 4002


def test_a_header_longer_than_the_sample_is_read_whole(tmp_path: Path) -> None:
    from bakeoff.datasets._files import SNIFF_BYTES

    # 14,000 distinct names: cut at the sample's end, 'col1234' would read 'col12', a
    # name that exists, and the file was refused as having repeated names.
    names = [f"col{i}" for i in range(14_000)]
    header = ",".join([*names, "y"])
    assert len(header) > SNIFF_BYTES
    rows = [",".join([str(r % 3)] * len(names) + [("a", "b")[r % 2]]) for r in range(6)]
    path = tmp_path / "wide.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    dataset = datasets.load_file(path, target="y", task="classification")
    assert dataset.n_features == 14_000
    # Real repeats in a long header are still found.
    path.write_text(",".join([*names, "col5", "y"]) + "\n" + "\n".join(r + ",1" for r in rows))
    with pytest.raises(DatasetError, match=r"repeated column names \['col5'\]"):
        datasets.load_file(path, target="y", task="classification")


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        ([[1, 2], [3]], "list"),
        ([{"a": 1, "b": "q"}, {"a": 2, "b": "r"}], "struct"),
        ([[("k", 1)], [("k", 2)]], "map"),
    ],
)
def test_parquet_columns_of_lists_or_records_are_refused_by_name(
    tmp_path: Path, values: list, kind: str
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = 40
    column = (
        pa.array(values * (n // 2), type=pa.map_(pa.string(), pa.int64()))
        if kind == "map"
        else pa.array(values * (n // 2))
    )
    table = pa.table({"x": np.arange(n, dtype=float), "nested": column, "y": ["a", "b"] * (n // 2)})
    path = tmp_path / f"{kind}.parquet"
    pq.write_table(table, path)
    with pytest.raises(DatasetError, match=r"column 'nested' holds lists or records.*`drop`"):
        datasets.load_file(path, target="y")
    # Dropped, the rest of the file is usable.
    assert datasets.load_file(path, target="y", drop=["nested"]).n_features == 1


def test_binary_parquet_columns_are_categories(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = 40
    table = pa.table(
        {"x": np.arange(n, dtype=float), "code": [b"\x00\x01", b"\xff"] * 20, "y": ["a", "b"] * 20}
    )
    path = tmp_path / "binary.parquet"
    pq.write_table(table, path)
    # Two distinct byte strings: a two-valued (boolean) feature, one-hot encoded; 0xff is
    # not UTF-8, so the column is read as Latin-1 text, with a warning.
    with pytest.warns(BakeoffWarning, match="'code' hold bytes that are not UTF-8"):
        assert datasets.load_file(path, target="y").feature_kinds["code"] == "boolean"


def test_time_zone_aware_datetimes_are_read_as_utc(tmp_path: Path) -> None:
    n = 40
    instants = pd.date_range("2024-03-30 22:00", periods=n, freq="h", tz="UTC")
    frames = {
        zone: pd.DataFrame(
            {"x": np.arange(n, dtype=float), "when": instants.tz_convert(zone)}
        ).assign(y=["a", "b"] * (n // 2))
        for zone in ("UTC", "Europe/Paris", "America/New_York")
    }
    loaded = {}
    for zone, frame in frames.items():
        path = tmp_path / f"{zone.replace('/', '_')}.parquet"
        frame.to_parquet(path)
        loaded[zone] = datasets.load_file(path, target="y")
    # The same instants, whatever zone the file wrote them in (Paris crosses a DST change).
    expected = instants.tz_localize(None)
    for dataset in loaded.values():
        assert dataset.feature_kinds["when"] == "datetime"
        assert (dataset.frame["when"].to_numpy() == expected.to_numpy()).all()
    assert len({d.fingerprint for d in loaded.values()}) == 1


def test_integer_labels_past_64_bits_are_kept_exactly_as_text(tmp_path: Path) -> None:
    labels = [10**20, 10**20 + 1]  # as floats these two would be one class
    n = 40
    path = tmp_path / "big.csv"
    path.write_text(
        "x,big,y\n" + "".join(f"{i},{10**19 * (i + 1)},{labels[i % 2]}\n" for i in range(n))
    )
    dataset = datasets.load_file(path, target="y")
    assert dataset.task == "classification"
    assert dataset.classes == ["100000000000000000000", "100000000000000000001"]
    # A feature past 64 bits is a number (a float), not text.
    assert dataset.feature_kinds["big"] == "numeric"
    assert dataset.frame["big"].iloc[3] == 4e19
    regression = datasets.load_file(path, target="big", task="regression", drop=["y"])
    assert regression.y.dtype == float and regression.y.iloc[0] == 1e19


def test_datetimes_whose_offset_changes_within_a_csv_column_become_utc(tmp_path: Path) -> None:
    # Paris across the daylight-saving change: +01:00 then +02:00 (new-user review).
    from bakeoff.datasets import load_file

    instants = pd.date_range("2024-03-28", periods=60, freq="3h", tz="Europe/Paris")
    frame = pd.DataFrame({"when": instants.astype(str), "x": range(60), "y": [0, 1] * 30})
    assert frame["when"].str[-6:].nunique() == 2
    frame.to_csv(tmp_path / "tz.csv", index=False)
    dataset = load_file(tmp_path / "tz.csv", target="y", types={"when": "datetime"})
    loaded = pd.DatetimeIndex(dataset.X["when"])
    # The same instants, as naive UTC (how zone-aware columns are kept).
    assert (loaded == instants.tz_convert("UTC").tz_localize(None)).all()


def test_a_binary_target_that_is_not_utf8_is_read_as_latin1(tmp_path: Path) -> None:
    # Found by the generated-input test: a binary target with the byte 0x80 was a crash
    # ("bug in bakeoff": UnicodeDecodeError) where the labels were hashed.
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "labels.parquet"
    labels = [b"caf\xc3\xa9", b"\x80"] * 20  # UTF-8 "café", then a byte that is not UTF-8
    pq.write_table(pa.table({"x": np.arange(40.0), "y": pa.array(labels, pa.binary())}), path)
    with pytest.warns(BakeoffWarning, match="binary column 'y' hold bytes that are not UTF-8"):
        dataset = datasets.load_file(path, target="y")
    assert sorted(dataset.classes) == sorted(["café", "\x80"])
    assert isinstance(dataset.fingerprint, str)
