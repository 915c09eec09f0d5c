"""``bakeoff datasets``: listing with filters, CSV output, suites, show, collections."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
import yaml

from bakeoff import Study, datasets
from tests.conftest import run_cli

COLUMNS = ["name", "task", "rows", "n_numeric", "n_categorical", "target", "source"]


@pytest.fixture(scope="module")
def listing() -> pd.DataFrame:
    completed = run_cli("datasets", "list", "--format", "csv")
    assert completed.returncode == 0, completed.stderr
    return pd.read_csv(io.StringIO(completed.stdout))


def test_csv_listing_has_the_documented_columns_and_every_dataset(listing) -> None:
    assert set(COLUMNS) <= set(listing.columns)
    shipped = {i.name for i in datasets.list_datasets() if not i.name.startswith("test_")}
    assert set(listing["name"]) == shipped  # tests register test_* ones in this process
    loaded = datasets.load("penguins")
    row = listing.set_index("name").loc["penguins"]
    assert row["rows"] == loaded.n_rows == 344
    assert (row["n_numeric"], row["n_categorical"]) == (5, 2)
    assert row["target"] == "species" and "palmerpenguins" in row["source"]


@pytest.mark.parametrize(
    ("args", "check"),
    [
        (["--task", "regression"], lambda f, all_: (f["task"] == "regression").all()),
        (["--max-rows", "500"], lambda f, all_: (f["rows"] <= 500).all()),
        (["--min-rows", "5000"], lambda f, all_: (f["rows"] >= 5000).all()),
        (
            ["--mixed"],
            lambda f, all_: ((f["n_categorical"] >= 2) & (f["n_numeric"] >= 2)).all(),
        ),
        (
            ["--suite", "regression-small"],
            lambda f, all_: list(f["name"]) == datasets.suite_members("regression-small"),
        ),
    ],
)
def test_filters_keep_exactly_the_matching_datasets(listing, args, check) -> None:
    completed = run_cli("datasets", "list", *args, "--format", "csv")
    assert completed.returncode == 0, completed.stderr
    frame = pd.read_csv(io.StringIO(completed.stdout))
    assert len(frame) > 0 and check(frame, listing)
    # Filtering is exact: what was left out fails the filter.
    left_out = listing[~listing["name"].isin(frame["name"])]
    if args[0] != "--suite":
        assert not check(left_out, listing) or left_out.empty


def test_show_prints_metadata_columns_and_meta_features() -> None:
    completed = run_cli("datasets", "show", "fair")
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    for text in ("licence:", "citation: Fair, R. C. (1978)", "fingerprint:", "statsmodels 0."):
        assert text in out
    assert "occupation=categorical" in out and "landmark" in out


def test_suites_command_and_an_unknown_dataset() -> None:
    completed = run_cli("datasets", "suites", "--format", "csv")
    frame = pd.read_csv(io.StringIO(completed.stdout))
    assert {"classification-small", "regression-small", "mixed-types", "all"} <= set(frame["name"])
    unknown = run_cli("datasets", "show", "pengiuns")
    assert unknown.returncode == 2 and "Did you mean 'penguins'?" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_a_collection_is_listed_and_shown(tmp_path: Path) -> None:
    folder = tmp_path / "clinics"
    folder.mkdir()
    pd.DataFrame({"age": range(30), "ward": list("abc") * 10, "out": [0, 1] * 15}).to_csv(
        folder / "a.csv", index=False
    )
    (folder / "collection.yaml").write_text(
        yaml.safe_dump(
            {"name": "clinics", "datasets": [{"name": "a", "path": "a.csv", "target": "out"}]}
        )
    )
    listed = run_cli("datasets", "list", "--collection", "clinics", "-f", "csv", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    frame = pd.read_csv(io.StringIO(listed.stdout))
    assert list(frame["name"]) == ["a"] and frame["rows"].iloc[0] == 30
    shown = run_cli("datasets", "show", "a", "--collection", str(folder))
    assert shown.returncode == 0 and "ward" in shown.stdout


def test_a_study_can_name_a_suite_and_leave_datasets_out() -> None:
    study = Study(
        study="suite",
        datasets=[{"suite": "regression-small", "exclude": ["msleep", "cars93"]}],
        models=["ridge"],
    )
    names = list(study.resolve().datasets)
    left_out = {"msleep", "cars93"}
    expected = [n for n in datasets.suite_members("regression-small") if n not in left_out]
    assert names == expected
