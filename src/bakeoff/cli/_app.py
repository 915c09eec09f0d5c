"""The Typer application, the global options and the error boundary."""

from __future__ import annotations

import os
import sys
import warnings
from typing import Any

import click
import typer
from rich.console import Console

from bakeoff.exceptions import BakeoffError, BakeoffWarning

__all__ = ["app", "console", "err_console", "main", "state"]

try:  # Typer 0.20+ vendors its own copy of click; older releases use click itself.
    from typer._click import exceptions as _typer_click
except ImportError:  # pragma: no cover
    _typer_click = click.exceptions

_EXIT = (click.exceptions.Exit, typer.Exit)
_CLICK_ERROR = (click.ClickException, _typer_click.ClickException)
_ABORT = (click.exceptions.Abort, typer.Abort)

app = typer.Typer(
    name="bakeoff",
    help=(
        "Reproducible, statistically sound model bake-offs.\n\n"
        "Declare a study in YAML, run it with `bakeoff run study.yaml` (running it again "
        "resumes), then read the results back with `bakeoff results NAME`."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)
# Off a terminal (CI logs, pipes) Rich would wrap at 80 columns; tables need more.
_WIDTH = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 120
console = Console(width=_WIDTH)
err_console = Console(stderr=True, width=_WIDTH)
state: dict[str, Any] = {"debug": bool(os.environ.get("BAKEOFF_DEBUG"))}

STORAGE_HELP = (
    "Store URL, e.g. sqlite:///bakeoff.db or postgresql://user:pw@host/db. "
    "Default: $BAKEOFF_STORAGE, else sqlite:///bakeoff.db in the current folder."
)


def default_storage() -> str | None:
    """The store URL from the environment, if set."""
    return os.environ.get("BAKEOFF_STORAGE") or None


@app.callback()
def _root(
    debug: bool = typer.Option(
        False, "--debug", help="Show full tracebacks instead of one-line errors."
    ),
) -> None:
    state["debug"] = state["debug"] or debug


def _show_warning(message: Any, category: type[Warning], *args: Any, **kwargs: Any) -> None:
    err_console.print(f"[yellow]Warning:[/] {message}", highlight=False)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return its exit status (2 for bad input, 1 for failed cells)."""
    from bakeoff.cli import _registries, _run, _tables  # noqa: F401  (register commands)

    warnings.showwarning = _show_warning  # type: ignore[assignment]
    warnings.simplefilter("default", BakeoffWarning)
    args = sys.argv[1:] if argv is None else argv
    debug = state["debug"] or "--debug" in args
    try:
        result = app(args=args, standalone_mode=False, prog_name="bakeoff")
    except _EXIT as exc:
        return int(exc.exit_code)
    except _CLICK_ERROR as exc:
        exc.show()
        return int(exc.exit_code)
    except _ABORT:
        err_console.print("Aborted.")
        return 130
    except BakeoffError as exc:
        if debug:
            raise
        err_console.print(f"[bold red]{type(exc).__name__}:[/] {exc}", highlight=False)
        return exc.exit_code
    except KeyboardInterrupt:
        err_console.print("Interrupted.")
        return 130
    except Exception as exc:
        if debug:
            raise
        err_console.print(
            f"[bold red]InternalError:[/] {type(exc).__name__}: {exc}\nThis is a bug in "
            f"bakeoff. Run the command again with --debug for the traceback, and report it.",
            highlight=False,
        )
        return 1
    return int(result) if isinstance(result, int) else 0
