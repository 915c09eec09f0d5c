"""``bakeoff tune``: tune one model on one dataset, stored as a one-cell study."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from bakeoff.cli._app import STORAGE_HELP, app, console, default_storage

__all__ = ["tune"]


def _safe(name: str) -> str:
    # Study and dataset names allow letters, digits and _ . - only; a file's stem may
    # hold others.
    return re.sub(r"[^A-Za-z0-9_.\-]", "-", name).strip("-_.") or "data"


@app.command()
def tune(
    model: str = typer.Option(
        ..., "--model", "-m", help="A registered model (bakeoff models list).", show_default=False
    ),
    dataset: str = typer.Option(
        ...,
        "--dataset",
        "-d",
        help="A registered dataset (bakeoff datasets list), or a CSV / Parquet file with --target.",
        show_default=False,
    ),
    target: str | None = typer.Option(None, "--target", help="The target column of a file."),
    method: str = typer.Option(
        "tpe", "--method", help="grid, random, tpe, gp, cmaes, qmc or none."
    ),
    trials: int = typer.Option(50, "--trials", help="Trials (configurations) to evaluate."),
    timeout: float | None = typer.Option(
        None, "--timeout", help="Stop starting new trials after this many seconds."
    ),
    cv: int = typer.Option(5, "--cv", help="Inner cross-validation folds scoring each trial."),
    metric: list[str] | None = typer.Option(
        None,
        "--metric",
        help="Metric to optimise (repeat to score more on the test rows; the first is "
        "the objective). Default: the task's defaults (bakeoff metrics list).",
    ),
    seed: int = typer.Option(0, "--seed", help="The study seed (splits, sampler, model)."),
    name: str | None = typer.Option(
        None, "--name", help="The study's name in the store (default: tune-MODEL-DATASET)."
    ),
    storage: str | None = typer.Option(None, "--storage", "--store", "-s", help=STORAGE_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress; only the summary."),
) -> int:
    """Tune one model on one dataset: an outer test split, the search on inner CV, a refit.

    Stored as a one-cell study (the whole training split, seed 0), so every other
    command reads it: results, trials, status, report, params export, optimization.
    Running the same command again resumes it. Exit status as `bakeoff run`.
    """
    from bakeoff._study import Study
    from bakeoff.cli._run import execute
    from bakeoff.exceptions import SpecError
    from bakeoff.spec import parse_spec

    path = Path(dataset)
    entry: Any = dataset
    if target is not None or path.suffix.lower() in (".csv", ".tsv", ".parquet"):
        if target is None:
            raise SpecError(
                f"--dataset {dataset} is a file; name its target column with --target COLUMN"
            )
        entry = {"name": _safe(path.stem), "path": str(path.resolve()), "target": target}
    spec: dict[str, Any] = {
        "study": name
        or _safe(f"tune-{model}-{_safe(path.stem) if isinstance(entry, dict) else dataset}"),
        "description": f"bakeoff tune --model {model} --dataset {dataset}",
        "seed": seed,
        "datasets": [entry],
        "models": [model],
        "tuning": {"method": method, "n_trials": trials, "timeout": timeout, "cv": cv},
    }
    if metric:
        spec["metrics"] = list(metric)
    flags = {
        "study": f"--name {name}",
        "seed": f"--seed {seed}",
        "tuning.method": f"--method {method}",
        "tuning.n_trials": f"--trials {trials}",
        "tuning.timeout": f"--timeout {timeout}",
        "tuning.cv": f"--cv {cv}",
    }
    study = Study(parse_spec(spec, source="bakeoff tune", flags=flags))
    args: list[str | Path] = ["tune", "--model", model, "--dataset", dataset]
    for flag, value, default in (
        ("--target", target, None),
        ("--method", method, "tpe"),
        ("--trials", trials, 50),
        ("--timeout", timeout, None),
        ("--cv", cv, 5),
        ("--seed", seed, 0),
        ("--name", name, None),
    ):
        if value != default:
            args += [flag, str(value)]
    for each in metric or []:
        args += ["--metric", each]
    status = execute(study, args, storage=storage, n_jobs=1, quiet=quiet)
    _show_best(study.name, study.storage_url(storage or default_storage()))
    return status


def _show_best(name: str, url: str) -> None:
    import json

    from bakeoff._results import results

    table = results(name, storage=url)
    done = table[table["status"] == "complete"] if not table.empty else table
    if done.empty:
        return
    row = done.iloc[0]
    params = json.loads(row["best_params"] or "{}")
    shown = ", ".join(f"{k}={v!r}" for k, v in params.items()) or "(the defaults)"
    console.print(f"Best parameters: {escape(shown)}", highlight=False, soft_wrap=True)
