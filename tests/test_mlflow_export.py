"""`bakeoff export mlflow`: each cell as an MLflow run, tested against a local store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import bakeoff
from tests.conftest import run_cli, tiny_study

mlflow = pytest.importorskip("mlflow")


@pytest.mark.slow
def test_each_cell_is_a_run_with_params_metrics_tags_and_its_model(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    spec = tiny_study(
        study="ml",
        imports=["bakeoff_test_plugins"],
        models=[{"name": "random_forest", "params": {"n_estimators": 5}}, "broken"],
        budgets=["full"],
        seeds=1,
        storage=url,
        artifacts={"models": True},
    )
    assert bakeoff.Study(**spec).run(progress=False).exit_code == 1  # broken fails
    tracking = f"sqlite:///{tmp_path / 'mlflow.db'}"
    args = ["export", "mlflow", "ml", "--storage", url, "--tracking-uri", tracking]
    completed = run_cli(*args, cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr

    client = mlflow.MlflowClient(tracking_uri=tracking)
    experiment = client.get_experiment_by_name("bakeoff/ml")
    runs = {r.data.tags["model"]: r for r in client.search_runs([experiment.experiment_id])}
    results = bakeoff.results("ml", storage=url).set_index("model")
    assert set(runs) == {"random_forest", "broken"}

    forest = runs["random_forest"]
    cell = results.loc["random_forest"]
    assert forest.info.status == "FINISHED"
    assert forest.data.tags["dataset"] == "iris" and forest.data.tags["budget"] == "full"
    assert forest.data.tags["seed"] == "0" and forest.data.tags["bakeoff.cell_key"] == cell.cell_key
    for name, value in json.loads(cell.best_params).items():
        assert forest.data.params[name] == str(value)
    assert forest.data.metrics["test_accuracy"] == cell.test_accuracy
    assert forest.data.metrics["cv_accuracy"] == cell.cv_accuracy
    artifacts = [a.path for a in client.list_artifacts(forest.info.run_id, "model")]
    assert artifacts == [f"model/{Path(cell.artifact_path).name}"]

    assert runs["broken"].info.status == "FAILED"
    assert "BrokenClassifier cannot be fitted" in runs["broken"].data.tags["mlflow.note.content"]

    # Exporting again replaces the runs instead of adding copies.
    assert run_cli(*args, cwd=tmp_path).returncode == 0
    assert len(client.search_runs([experiment.experiment_id])) == 2


def test_a_missing_mlflow_names_the_extra(tmp_path: Path) -> None:
    # In a child process where importing mlflow fails, as on an install without the extra.
    url = f"sqlite:///{tmp_path / 'b.db'}"
    spec = tiny_study(study="ml", budgets=["full"], seeds=1, storage=url, models=["ridge"],
                      datasets=["diabetes"], metrics=["rmse"])  # fmt: skip
    assert bakeoff.Study(**spec).run(progress=False).exit_code == 0
    blocker = tmp_path / "mlflow.py"
    blocker.write_text("raise ImportError('no mlflow here')\n")
    import os
    import subprocess
    import sys

    from tests.conftest import cli_env

    env = cli_env()
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), env["PYTHONPATH"]])
    completed = subprocess.run(
        [sys.executable, "-m", "bakeoff", "export", "mlflow", "ml", "--storage", url],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert completed.returncode == 2
    assert 'pip install "bakeoff[mlflow]"' in completed.stderr
    assert "Traceback" not in completed.stderr
