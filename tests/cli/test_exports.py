"""Every export round-trips through CSV, JSON and Parquet, whatever the study mixes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import bakeoff
from bakeoff._table_files import read_table
from tests.conftest import run_cli


def mixed_files(folder: Path) -> None:
    """Three small files: integer labels with missing values, text labels, regression."""
    rng = np.random.default_rng(0)
    n = 60
    x = rng.normal(size=(n, 2))
    numbers = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "y": (x[:, 0] > 0).astype(int)})
    numbers.loc[::7, "a"] = np.nan
    numbers.to_csv(folder / "numbers.csv", index=False)
    regimes = pd.DataFrame({"a": x[:, 1], "kind": rng.choice(["p", "q"], n), "regime": "Monarchy"})
    regimes.loc[x[:, 1] > 0, "regime"] = "Republic"
    regimes.to_csv(folder / "regimes.csv", index=False)
    prices = pd.DataFrame({"a": x[:, 0], "price": 3.0 * x[:, 0] + rng.normal(size=n)})
    prices.to_csv(folder / "prices.csv", index=False)


@pytest.fixture(scope="module")
def mixed_study(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("mixed")
    mixed_files(folder)
    url = f"sqlite:///{folder / 'b.db'}"
    spec = {
        "study": "mixed",
        "imports": ["bakeoff_test_plugins"],
        "datasets": [
            {"name": "numbers", "path": "numbers.csv", "target": "y"},
            {"name": "regimes", "path": "regimes.csv", "target": "regime"},
            {"name": "prices", "path": "prices.csv", "target": "price"},
        ],
        # broken fails every trial (a failed cell: missing scores, an error text).
        "models": [{"name": "random_forest", "params": {"n_estimators": 5}}, "broken"],
        "budgets": [20, "full"],
        "seeds": 1,
        "tuning": {"method": "random", "n_trials": 2, "cv": 2},
        "storage": url,
    }
    path = folder / "study.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    completed = run_cli("run", str(path), cwd=folder)
    assert completed.returncode == 1, completed.stdout + completed.stderr  # broken failed
    return folder, url


@pytest.mark.parametrize("table", ["results", "trials", "predictions"])
@pytest.mark.parametrize("suffix", ["csv", "json", "parquet"])
def test_every_table_round_trips_in_every_format(mixed_study, table: str, suffix: str) -> None:
    folder, url = mixed_study
    out = folder / f"{table}.{suffix}"
    completed = run_cli(table, "mixed", "--storage", url, "-o", str(out))
    assert completed.returncode == 0, completed.stderr
    expected = getattr(bakeoff, table)("mixed", storage=url)
    back = read_table(out)
    assert list(back.columns) == list(expected.columns)
    # Values equal exactly (floats to the last bit); text may come back as object.
    pd.testing.assert_frame_equal(back, expected, check_dtype=False, check_exact=True)


def test_the_mixed_study_has_every_shape(mixed_study) -> None:
    # The study is the hard case the round trip is about.
    _, url = mixed_study
    predictions = bakeoff.predictions("mixed", storage=url)
    labels = set(predictions["y_true"])
    assert {"0", "1", "Monarchy", "Republic"} <= labels  # text and integer labels, as text
    assert predictions["proba_Monarchy"].isna().any()  # regression rows have no proba
    results = bakeoff.results("mixed", storage=url)
    assert set(results["status"]) == {"complete", "failed"}
    assert results["test_accuracy"].isna().any() and results["test_rmse"].notna().any()
    # Budgets are numbers; full is infinite, so it sorts last and equals no count.
    assert results["budget"].dtype == np.float64
    assert set(results["budget"]) == {20.0, np.inf}


def test_plain_pandas_reads_the_parquet_export(mixed_study) -> None:
    # The README's command: the predictions of a study mixing label types.
    folder, url = mixed_study
    out = folder / "plain.parquet"
    completed = run_cli("predictions", "mixed", "--storage", url, "-o", str(out))
    assert completed.returncode == 0, completed.stderr
    frame = pd.read_parquet(out)
    assert len(frame) == len(bakeoff.predictions("mixed", storage=url))
    assert frame["budget"].max() == np.inf


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "r.xlsx"], "bakeoff writes .csv, .json, .parquet, .pq files, not '.xlsx'"),
        (["-o", "r"], "not 'no suffix'. Name the file r.csv instead."),
        (["--format", "csv", "-o", "r.parquet"], "the file's suffix '.parquet' says parquet"),
    ],
)
def test_a_file_is_never_written_under_a_name_that_says_another_format(
    mixed_study, args: list[str], message: str
) -> None:
    folder, url = mixed_study
    completed = run_cli("results", "mixed", "--storage", url, *args, cwd=folder)
    assert completed.returncode == 2
    assert message in " ".join(completed.stderr.split())
    assert not (folder / args[-1]).exists()
