"""The CLI as a user runs it: run a tiny study, then read everything back."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.conftest import run_cli, tiny_study


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A tiny study run once through `bakeoff run` (module-scoped: several tests read it)."""
    folder = tmp_path_factory.mktemp("e2e")
    url = f"sqlite:///{folder / 'bakeoff.db'}"
    spec = tiny_study(storage=url, artifacts={"models": True})
    import yaml

    path = folder / "study.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    completed = run_cli("run", str(path), cwd=folder)
    return folder, url, path, completed


def test_run_exits_zero_and_ends_with_a_leaderboard(finished) -> None:
    _, _, _, completed = finished
    assert completed.returncode == 0, completed.stderr
    assert "Leaderboard" in completed.stdout
    assert "8 cells: 8 complete" in completed.stdout
    assert "Traceback" not in completed.stderr


def test_results_csv_has_one_row_per_cell_with_the_documented_columns(finished) -> None:
    folder, url, _, _ = finished
    out = folder / "results.csv"
    completed = run_cli("results", "tiny", "--storage", url, "--format", "csv", "-o", str(out))
    assert completed.returncode == 0, completed.stderr
    frame = pd.read_csv(out)
    required = {
        "study",
        "model",
        "dataset",
        "budget",
        "seed",
        "status",
        "n_train",
        "n_test",
        "n_trials",
        "best_params",
        "cv_accuracy",
        "test_accuracy",
        "test_f1_macro",
        "test_roc_auc_ovr",
        "tune_seconds",
        "cell_key",
    }
    assert required <= set(frame.columns)
    # 2 models x 1 dataset x 2 budgets x 2 seeds
    assert len(frame) == 8 and set(frame["status"]) == {"complete"}
    assert set(frame["n_train"]) == {40, 112} and set(frame["n_test"]) == {38}
    assert (frame["n_trials"] == 3).all()
    for params in frame["best_params"]:
        assert isinstance(json.loads(params), dict)
    assert frame["test_accuracy"].between(0, 1).all()


@pytest.mark.parametrize("fmt", ["json", "parquet"])
def test_results_in_other_formats(finished, fmt) -> None:
    folder, url, _, _ = finished
    out = folder / f"results.{fmt}"
    completed = run_cli("results", "tiny", "--storage", url, "--format", fmt, "-o", str(out))
    assert completed.returncode == 0, completed.stderr
    frame = pd.read_json(out) if fmt == "json" else pd.read_parquet(out)
    assert len(frame) == 8 and "test_accuracy" in frame.columns


def test_trials_has_one_row_per_trial(finished) -> None:
    folder, url, _, _ = finished
    out = folder / "trials.csv"
    assert run_cli("trials", "tiny", "-s", url, "-f", "csv", "-o", str(out)).returncode == 0
    frame = pd.read_csv(out)
    assert len(frame) == 8 * 3
    assert set(frame["state"]) == {"COMPLETE"}
    assert sorted(frame.groupby("cell_key")["number"].apply(list).iloc[0]) == [0, 1, 2]


def test_predictions_cover_every_test_row_of_every_cell(finished) -> None:
    folder, url, _, _ = finished
    out = folder / "predictions.csv"
    assert run_cli("predictions", "tiny", "-s", url, "-f", "csv", "-o", str(out)).returncode == 0
    frame = pd.read_csv(out)
    assert {
        "model",
        "dataset",
        "budget",
        "seed",
        "cell_key",
        "row",
        "y_true",
        "y_pred",
        "proba_setosa",
        "proba_versicolor",
        "proba_virginica",
    } <= set(frame.columns)
    assert len(frame) == 8 * 38
    probabilities = frame[["proba_setosa", "proba_versicolor", "proba_virginica"]].sum(axis=1)
    assert probabilities.round(6).eq(1).all()
    # Every model and budget of a seed is scored on the same outer test rows.
    rows = frame.groupby(["seed", "cell_key"])["row"].apply(frozenset)
    for seed in (0, 1):
        assert len(set(rows.loc[seed])) == 1


def test_test_accuracy_matches_the_stored_predictions(finished) -> None:
    _, url, _, _ = finished
    import bakeoff

    results = bakeoff.results("tiny", storage=url)
    predictions = bakeoff.predictions("tiny", storage=url)
    for cell in results.itertuples():
        rows = predictions[predictions["cell_key"] == cell.cell_key]
        assert (rows["y_true"] == rows["y_pred"]).mean() == pytest.approx(cell.test_accuracy)


def test_artifacts_reload_and_rescore_to_the_stored_score(finished) -> None:
    _, url, _, _ = finished
    import joblib

    import bakeoff
    from bakeoff.datasets import load

    results = bakeoff.results("tiny", storage=url)
    predictions = bakeoff.predictions("tiny", storage=url)
    iris = load("iris")
    cell = results.iloc[0]
    model = joblib.load(cell["artifact_path"])
    rows = predictions[predictions["cell_key"] == cell["cell_key"]]
    rescored = model.predict(iris.X.iloc[rows["row"].to_numpy()])
    assert list(rescored) == list(rows["y_pred"])
    assert (rescored == rows["y_true"].to_numpy()).mean() == pytest.approx(cell["test_accuracy"])


def test_status_lists_the_study(finished) -> None:
    _, url, _, _ = finished
    completed = run_cli("status", "--storage", url)
    assert completed.returncode == 0 and "tiny" in completed.stdout
    assert "complete" in completed.stdout


def test_running_again_skips_every_cell(finished) -> None:
    folder, _, path, _ = finished
    completed = run_cli("run", str(path), cwd=folder)
    assert completed.returncode == 0, completed.stderr
    assert "8 complete (8 from earlier runs)" in completed.stdout
