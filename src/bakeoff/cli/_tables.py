"""``bakeoff results``, ``trials``, ``predictions`` and ``status``: read the store."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from bakeoff._budgets import budget_label
from bakeoff._registry import suggest
from bakeoff.cli._app import STORAGE_HELP, app, console, default_storage
from bakeoff.cli._output import Format, write_frame
from bakeoff.exceptions import SpecError
from bakeoff.store import DEFAULT_STORAGE, CellStatus, TrialState

STUDY = typer.Argument(..., help="The study's name (its `study:` field).", show_default=False)
STORAGE = typer.Option(None, "--storage", "-s", help=STORAGE_HELP)
FORMAT = typer.Option(
    None,
    "--format",
    "-f",
    help="table (terminal, the default), csv, json or parquet. With -o, the file's suffix "
    "(.csv, .json, .parquet) says the format.",
)
OUTPUT = typer.Option(None, "--output", "-o", help="Write to this file instead of the terminal.")


def _url(storage: str | None) -> str:
    return storage or default_storage() or DEFAULT_STORAGE


@app.command()
def results(
    study: str = STUDY,
    storage: str | None = STORAGE,
    fmt: Format | None = FORMAT,
    output: Path | None = OUTPUT,
    all_cells: bool = typer.Option(
        False, "--all-cells", help="Include cells set aside because the spec changed."
    ),
) -> None:
    """One row per cell: design, status, best parameters, CV and test scores, timings."""
    from bakeoff import _results

    frame = _results.results(study, storage=_url(storage), include_set_aside=all_cells)
    if fmt in (None, Format.table) and output is None:
        frame = frame.drop(
            columns=["best_params", "error", "artifact_path", "cell_key"], errors="ignore"
        )
    write_frame(frame, fmt, output, title=f"{study}: cells")


@app.command()
def trials(
    study: str = STUDY,
    storage: str | None = STORAGE,
    fmt: Format | None = FORMAT,
    output: Path | None = OUTPUT,
    state: str | None = typer.Option(
        None,
        "--state",
        help=f"Only trials in this state: {', '.join(TrialState.ALL)} (any case).",
    ),
    pareto: bool = typer.Option(
        False,
        "--pareto",
        help="Each cell's Pareto front instead (several objectives): its members' "
        "values, and which one was refitted and why.",
    ),
) -> None:
    """One row per trial: cell, number, state, steps, value, parameters, fold scores."""
    from bakeoff import _results

    if pareto:
        if state:
            raise SpecError("--pareto lists front members (complete trials); drop --state")
        front = _results.pareto(study, storage=_url(storage))
        if front.empty:
            console.print(
                f"Study '{study}' has no Pareto fronts: its cells were tuned on one "
                f"objective. Set tuning.objectives to two or more metrics to get them.",
                markup=False,
            )
            return
        if fmt in (None, Format.table) and output is None:
            front = front.drop(columns=["cell_key"])
        write_frame(front, fmt, output, title=f"{study}: Pareto fronts")
        return
    wanted = _trial_state(state) if state else None
    frame = _results.trials(study, storage=_url(storage))
    if wanted:
        frame = frame[frame["state"] == wanted]
    if fmt in (None, Format.table) and output is None:
        if wanted == TrialState.FAIL:
            for row in frame.itertuples():
                heading = (
                    f"{row.model} · {row.dataset} · {budget_label(row.budget)} · "
                    f"seed {row.seed} · trial {row.number}"
                )
                # Tracebacks hold brackets (X.iloc[fit_idx]): print them as they are.
                console.print(Text(heading, style="bold") + Text(f" {row.params}\n{row.error}"))
            return
        frame = frame.drop(columns=["cell_key", "error", "started_at", "finished_at"])
        if "perturbations" in frame and frame["perturbations"].isna().all():
            frame = frame.drop(columns=["perturbations"])  # only PBT has any
        if "warm_start" in frame and not frame["warm_start"].any():
            frame = frame.drop(columns=["warm_start"])  # only a warm-started study has any
    write_frame(frame, fmt, output, title=f"{study}: trials")


def _trial_state(state: str) -> str:
    """``--state``'s value in the store's words; only a real state is accepted."""
    if state.upper() in TrialState.ALL:
        return state.upper()
    raise SpecError(
        f"--state {state}: not a trial state.{suggest(state.upper(), list(TrialState.ALL))} "
        f"Use one of: {', '.join(TrialState.ALL)}."
    )


@app.command()
def predictions(
    study: str = STUDY,
    storage: str | None = STORAGE,
    fmt: Format | None = FORMAT,
    output: Path | None = OUTPUT,
) -> None:
    """One row per outer-test row per cell: y_true, y_pred and class probabilities."""
    from bakeoff import _results

    frame = _results.predictions(study, storage=_url(storage))
    write_frame(frame, fmt, output, title=f"{study}: predictions")


@app.command()
def status(
    study: str | None = typer.Argument(None, help="A study; all studies when left out."),
    storage: str | None = STORAGE,
) -> None:
    """How many cells of each study are in each state (the run summary's words)."""
    from bakeoff.store._summary import study_summaries

    url, summaries = study_summaries(_url(storage), study)
    names = [s.name for s in summaries]
    table = Table(title=Text(f"Studies in {url}"))
    for column in ("study", "status", "cells", *CellStatus.ALL, "trials", "finished at"):
        table.add_column(column, no_wrap=column not in ("study", "status"))
    for summary in summaries:
        table.add_row(
            Text(summary.name),
            summary.status,
            str(summary.n_cells),
            *(str(summary.counts[s]) for s in CellStatus.ALL),
            str(summary.n_trials),
            (summary.finished_at or "")[:19],
        )
    if not names:
        console.print(
            f"No studies in {_url(storage)} yet. Start one with: bakeoff run study.yaml",
            markup=False,
        )
        return
    console.print(table)
