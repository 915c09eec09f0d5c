"""Each cell as an MLflow run (optional extra ``bakeoff[mlflow]``).

One experiment per study; one run per finished or failed cell, with the cell's best
parameters, its test and CV scores, tags naming its model, dataset, budget and seed, and
the refitted model as an artifact where the study kept them (``artifacts.models``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from bakeoff._budgets import budget_label
from bakeoff._optional import import_optional
from bakeoff.store import DEFAULT_STORAGE, CellStatus, Store

__all__ = ["DEFAULT_TRACKING_URI", "export_mlflow"]

#: MLflow's own default backend since 3.x (its file store is in maintenance mode).
DEFAULT_TRACKING_URI = "sqlite:///mlflow.db"
_CELL_TAG = "bakeoff.cell_key"


def export_mlflow(
    study: str,
    *,
    tracking_uri: str = DEFAULT_TRACKING_URI,
    experiment: str | None = None,
    storage: str | None = None,
) -> list[str]:
    """Log every complete or failed cell of ``study`` as an MLflow run.

    Args:
        study: The bakeoff study's name.
        tracking_uri: MLflow's tracking URI.
        experiment: The experiment's name; ``bakeoff/STUDY`` by default.
        storage: bakeoff's store URL.

    Returns:
        The ids of the runs written. Exporting again replaces the runs of the same cells.

    Raises:
        MissingExtraError: If MLflow is not installed (``pip install "bakeoff[mlflow]"``).
        StudyNotFoundError: If the study is not in the store.
    """
    mlflow = import_optional("mlflow", extra="mlflow", purpose="bakeoff export mlflow")
    from mlflow.entities import Metric, Param, RunTag

    with Store(storage or DEFAULT_STORAGE, must_exist=True) as store:
        cells = store.cells_frame(study)
    client = mlflow.MlflowClient(tracking_uri=tracking_uri)
    name = experiment or f"bakeoff/{study}"
    found = client.get_experiment_by_name(name)
    experiment_id = found.experiment_id if found else client.create_experiment(name)
    written = []
    for cell in cells.itertuples(index=False):
        if cell.status not in (CellStatus.COMPLETE, CellStatus.FAILED):
            continue
        for old in client.search_runs(
            [experiment_id], filter_string=f"tags.`{_CELL_TAG}` = '{cell.cell_key}'"
        ):
            client.delete_run(old.info.run_id)
        definition = json.loads(cell.definition_json)
        budget = budget_label(cell.budget)
        tags = {
            _CELL_TAG: cell.cell_key,
            "bakeoff.study": study,
            "model": cell.model,
            "dataset": cell.dataset,
            "budget": budget,
            "seed": str(cell.seed),
            "status": cell.status,
            "objective": definition["metrics"][0],
        }
        run = client.create_run(
            experiment_id,
            start_time=_millis(cell.started_at),
            tags=tags,
            run_name=f"{cell.model}/{cell.dataset}/{budget}/seed-{cell.seed}",
        )
        run_id = run.info.run_id
        params = json.loads(cell.best_params_json) if isinstance(cell.best_params_json, str) else {}
        extra = {"n_train": cell.n_train, "n_trials": cell.n_trials}
        params |= {k: int(v) for k, v in extra.items() if not _missing(v)}
        when = _millis(cell.finished_at) or 0
        client.log_batch(
            run_id,
            metrics=[Metric(k, v, when, 0) for k, v in _metrics(cell, definition).items()],
            params=[Param(k, str(v)) for k, v in params.items()],
            tags=[RunTag("mlflow.note.content", cell.error)] if isinstance(cell.error, str) else [],
        )
        if isinstance(cell.artifact_path, str) and Path(cell.artifact_path).is_file():
            client.log_artifact(run_id, cell.artifact_path, artifact_path="model")
        client.set_terminated(
            run_id,
            status="FINISHED" if cell.status == CellStatus.COMPLETE else "FAILED",
            end_time=_millis(cell.finished_at),
        )
        written.append(run_id)
    return written


def _metrics(cell: Any, definition: dict[str, Any]) -> dict[str, float]:
    scores = json.loads(cell.test_scores_json) if isinstance(cell.test_scores_json, str) else {}
    values = {f"test_{k}": v for k, v in scores.items()}
    values[f"cv_{definition['metrics'][0]}"] = cell.cv_value
    values["tune_seconds"] = cell.tune_seconds
    values["refit_seconds"] = cell.refit_seconds
    return {k: float(v) for k, v in values.items() if not _missing(v)}


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _millis(value: Any) -> int | None:
    if value is None or pd.isna(value):
        return None
    return int(pd.Timestamp(value).timestamp() * 1000)
