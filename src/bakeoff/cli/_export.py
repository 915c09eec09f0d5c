"""``bakeoff export optuna|mlflow``: a study in the tools its users already know."""

from __future__ import annotations

import typer

from bakeoff.cli._app import STORAGE_HELP, app, console, default_storage
from bakeoff.store import DEFAULT_STORAGE

__all__ = ["export_app"]

export_app = typer.Typer(
    help="Write a study into Optuna's storage (optuna-dashboard, optuna.visualization) "
    "or MLflow's tracking (bakeoff[mlflow]).",
    no_args_is_help=True,
)
app.add_typer(export_app, name="export")

STUDY = typer.Argument(..., help="The study's name (its `study:` field).", show_default=False)
STORAGE = typer.Option(None, "--storage", "-s", help=STORAGE_HELP)


def _url(storage: str | None) -> str:
    return storage or default_storage() or DEFAULT_STORAGE


@export_app.command("optuna")
def export_optuna(
    study: str = STUDY,
    to: str = typer.Option(
        ...,
        "--to",
        help="Optuna storage URL, e.g. sqlite:///optuna.db (bakeoff's own store works too).",
        show_default=False,
    ),
    storage: str | None = STORAGE,
) -> None:
    """Each cell's search as an Optuna study named study/model/dataset/budget/seed-N.

    Open it with `optuna-dashboard URL`, or `optuna.load_study(study_name=...,
    storage=URL)` and `optuna.visualization`.
    """
    from bakeoff._optuna_export import export_optuna as write

    names = write(study, to=to, storage=_url(storage))
    console.print(
        f"Wrote {len(names)} Optuna studies to {to} (one per cell with trials), e.g. "
        f"{names[0] if names else '-'}. Open them with: optuna-dashboard {to}",
        highlight=False,
        markup=False,
    )


@export_app.command("mlflow")
def export_mlflow(
    study: str = STUDY,
    tracking_uri: str = typer.Option(
        "sqlite:///mlflow.db",
        "--tracking-uri",
        help="MLflow tracking URI (MLflow's own default backend is a SQLite file).",
    ),
    experiment: str | None = typer.Option(
        None, "--experiment", help="Experiment name (default: bakeoff/STUDY)."
    ),
    storage: str | None = STORAGE,
) -> None:
    """Each complete or failed cell as an MLflow run (needs bakeoff[mlflow]).

    Params: the cell's best parameters; metrics: its test and CV scores; tags: model,
    dataset, budget, seed, status; the refitted model as an artifact where kept.
    """
    from bakeoff._mlflow_export import export_mlflow as write

    runs = write(study, tracking_uri=tracking_uri, experiment=experiment, storage=_url(storage))
    console.print(
        f"Logged {len(runs)} MLflow runs to {tracking_uri}, experiment "
        f"{experiment or 'bakeoff/' + study}. Open them with: mlflow ui --backend-store-uri "
        f"{tracking_uri}",
        highlight=False,
        markup=False,
    )
