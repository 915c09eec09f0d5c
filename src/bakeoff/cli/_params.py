"""``bakeoff params export``: a study's tuned parameters as a file other studies run."""

from __future__ import annotations

from pathlib import Path

import typer

from bakeoff.cli._app import STORAGE_HELP, app, console, default_storage

__all__ = ["params_app"]


def _url(storage: str | None) -> str:
    from bakeoff.store import DEFAULT_STORAGE

    return storage or default_storage() or DEFAULT_STORAGE


params_app = typer.Typer(
    help="Tuned parameters as a file: export a study's best per (model, dataset, budget), "
    "then run another study with them (tuning: {method: none, params_from: FILE}).",
    no_args_is_help=True,
)
app.add_typer(params_app, name="params")


@params_app.command("export")
def export(
    study: str = typer.Argument(
        ..., help="The study's name (its `study:` field).", show_default=False
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the YAML here instead of the terminal."
    ),
    storage: str | None = typer.Option(None, "--storage", "-s", help=STORAGE_HELP),
) -> None:
    """The best parameters of every (model, dataset, budget), with where they came from.

    Each entry names the study, the cell key and seed it came from, its inner-CV score
    and test scores. With several seeds, the seed with the best inner-CV score gives the
    parameters (the lowest on a tie); all seeds are listed with their scores.
    """
    import yaml

    from bakeoff._params_file import export_params, write_params

    document = export_params(study, storage=_url(storage))
    if output is None:
        console.print(
            yaml.safe_dump(document, sort_keys=False, allow_unicode=True),
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
        return
    write_params(document, output)
    console.print(
        f"Wrote the parameters of {len(document['params'])} (model, dataset, budget) to "
        f"{output}. Run a study with them: tuning: {{method: none, params_from: {output}}}",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
