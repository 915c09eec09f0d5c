"""``bakeoff studies delete`` and ``bakeoff studies rename``: manage the store's studies."""

from __future__ import annotations

import re
import sys

import typer

from bakeoff.cli._app import STORAGE_HELP, app, console, default_storage
from bakeoff.exceptions import SpecError
from bakeoff.store import DEFAULT_STORAGE

__all__ = ["studies_app"]

studies_app = typer.Typer(
    help="Delete or rename a study in the store (`bakeoff status` lists them).",
    no_args_is_help=True,
)
app.add_typer(studies_app, name="studies")

STORAGE = typer.Option(None, "--storage", "-s", help=STORAGE_HELP)


def _url(storage: str | None) -> str:
    return storage or default_storage() or DEFAULT_STORAGE


@studies_app.command("delete")
def studies_delete(
    name: str = typer.Argument(..., help="The study to delete.", show_default=False),
    storage: str | None = STORAGE,
    yes: bool = typer.Option(False, "--yes", "-y", help="Delete without asking."),
) -> None:
    """Delete a study with its cells, trials and predictions (saved model files stay)."""
    from bakeoff.store import Store, delete_study, study_size

    with Store(_url(storage), must_exist=True) as store:
        size = study_size(store, name)
        what = (
            f"study '{name}' from {store.url}: {size['cells']} cells, {size['trials']} "
            f"trials, {size['predictions']} predictions"
        )
        if not yes:
            if not sys.stdin.isatty():
                raise SpecError(
                    f"bakeoff studies delete {name}: would delete {what}. Nothing asked on a "
                    f"terminal to confirm it: add --yes to delete."
                )
            if not typer.confirm(f"Delete {what}?", default=False):
                console.print("Nothing deleted.", markup=False)
                return
        delete_study(store, name)
    console.print(f"Deleted {what}.", highlight=False, markup=False)


@studies_app.command("rename")
def studies_rename(
    old: str = typer.Argument(..., help="The study's name now.", show_default=False),
    new: str = typer.Argument(..., help="Its new name.", show_default=False),
    storage: str | None = STORAGE,
) -> None:
    """Rename a study. Its study file must then say `study: NEW` to resume it."""
    from bakeoff.spec._fields import NAME_PATTERN
    from bakeoff.store import Store, rename_study

    if not re.match(NAME_PATTERN, new):
        raise SpecError(
            f"new name {new!r}: use letters, digits, _ . and - (starting with a letter or "
            f"digit), as the study file's `study:` does."
        )
    with Store(_url(storage), must_exist=True) as store:
        rename_study(store, old, new)
    console.print(
        f"Renamed study '{old}' to '{new}'. Set `study: {new}` in its study file to resume it.",
        highlight=False,
        markup=False,
    )
