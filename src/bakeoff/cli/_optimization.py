"""``bakeoff optimization``: how every search of a study went, as data."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from bakeoff.cli._app import STORAGE_HELP, app, console, default_storage

__all__ = ["optimization"]


def _url(storage: str | None) -> str:
    from bakeoff.store import DEFAULT_STORAGE

    return storage or default_storage() or DEFAULT_STORAGE


@app.command()
def optimization(
    study: str = typer.Argument(
        ..., help="The study's name (its `study:` field).", show_default=False
    ),
    storage: str | None = typer.Option(None, "--storage", "-s", help=STORAGE_HELP),
    out: Path | None = typer.Option(
        None, "--out", help="Write optimization.json (every number) into this folder."
    ),
    top_fraction: float = typer.Option(
        0.1, "--top-fraction", help="The share of a cell's trials called its top."
    ),
    seed: int = typer.Option(0, "--seed", help="fANOVA's seed."),
    min_trials: int = typer.Option(
        10,
        "--min-trials",
        min=2,
        help="Complete trials a cell needs before its hyperparameter importance is computed.",
    ),
) -> None:
    """Each search, per model and per cell: history, importance, spread, convergence.

    Hyperparameter importance from Optuna's fANOVA and PED-ANOVA evaluators; the spread
    of the objective across the top trials and across all; the trial that came within
    1 % of the final best; and recommendations with the numbers behind them. Only
    COMPLETE trials are scored, on the first objective. The terminal shows a summary;
    --out writes everything as optimization.json.
    """
    from bakeoff.analysis import optimization as account_of
    from bakeoff.exceptions import SpecError

    if not 0 < top_fraction <= 1:
        raise SpecError(f"--top-fraction {top_fraction}: must be above 0 and at most 1, e.g. 0.1")
    account = account_of(
        study,
        storage=_url(storage),
        top_fraction=top_fraction,
        seed=seed,
        min_trials=min_trials,
    )
    if not account.models:
        console.print(
            f"Study '{study}' has no searched cell with trials yet: nothing to account for.",
            highlight=False,
            markup=False,
        )
    else:
        console.print(_summary(account.to_dict(), top_fraction))
        for advice in account.recommendations:
            console.print(Text(f"- {advice['text']}"), soft_wrap=True)
    if out is not None:
        path = account.write_json(out)
        console.print(f"Wrote {path}", highlight=False, markup=False, soft_wrap=True)


def _summary(document: dict[str, object], top_fraction: float) -> Table:
    table = Table(title=Text(f"{document['source']}: searches per model"))
    for column in (
        "model",
        "cells",
        "trials (pruned, failed)",
        "most important (fANOVA)",
        f"top {top_fraction:.0%} range / all",
        "within 1 % of best by",
    ):
        table.add_column(column)
    models = document["models"]
    assert isinstance(models, list)
    for model in models:
        fanova = model["importance"]["fanova"]
        important = ", ".join(f"{p} {s['mean']:.2f}" for p, s in list(fanova.items())[:3])
        spread = model["sensitivity"]
        convergence = model["convergence"]
        table.add_row(
            Text(model["model"]),
            str(model["n_cells"]),
            f"{model['n_trials']} ({model['n_pruned']}, {model['n_failed']})",
            Text(important or "-"),
            _ratio(spread["median_top_range"], spread["median_all_range"]),
            _position(convergence["median_position"], convergence["median_n_complete"]),
        )
    return table


def _ratio(top: float | None, every: float | None) -> str:
    if top is None or every is None:
        return "-"
    return f"{top:.3g} / {every:.3g}"


def _position(median: float | None, n: float | None) -> str:
    if median is None or n is None:
        return "-"
    return f"trial {median:.0f} of {n:.0f} (median cell)"
