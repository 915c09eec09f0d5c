"""The Typer application, the global options and the error boundary."""

from __future__ import annotations

import os
import sys
import warnings
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from bakeoff.exceptions import BakeoffError, BakeoffWarning

__all__ = ["app", "console", "err_console", "main", "state"]

# Typer 0.20+ vendors its own copy of click (and no longer installs click); older
# releases raise click's own exceptions.
_CLICK_EXCEPTIONS: list[type[BaseException]] = []
try:
    from typer._click.exceptions import ClickException as _VendoredClickException

    _CLICK_EXCEPTIONS.append(_VendoredClickException)
except ImportError:  # pragma: no cover - Typer < 0.20 raises click's own (below)
    pass
_EXITS: list[type[BaseException]] = [typer.Exit]
_ABORTS: list[type[BaseException]] = [typer.Abort]
try:
    import click

    _CLICK_EXCEPTIONS.append(click.ClickException)
    _EXITS.append(click.exceptions.Exit)
    _ABORTS.append(click.exceptions.Abort)
except ImportError:  # Typer 0.20+ does not need click
    pass
_EXIT = tuple(_EXITS)
_CLICK_ERROR = tuple(_CLICK_EXCEPTIONS)
_ABORT = tuple(_ABORTS)

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


#: Options that apply to every command, accepted before or after the command's name.
GLOBAL_FLAGS = ("--debug", "--version")


@app.callback()
def _root(
    debug: bool = typer.Option(
        False,
        "--debug",
        help="Show full tracebacks instead of one-line errors (also after a command).",
    ),
    version: bool = typer.Option(False, "--version", help="Print bakeoff's version and exit."),
) -> None:
    state["debug"] = state["debug"] or debug


def _split_global_flags(args: list[str]) -> tuple[list[str], set[str]]:
    """Take ``--debug`` and ``--version`` out wherever they stand (up to a ``--``).

    So that "run the command again with --debug" works pasted at the end of a line.
    """
    end = args.index("--") if "--" in args else len(args)
    found = {a for a in args[:end] if a in GLOBAL_FLAGS}
    rest = [a for a in args[:end] if a not in GLOBAL_FLAGS] + args[end:]
    return rest, found


def _show_warning(message: Any, category: type[Warning], *args: Any, **kwargs: Any) -> None:
    err_console.print(f"[yellow]Warning:[/] {escape(str(message))}", highlight=False)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return its exit status (2 for bad input, 1 for failed cells)."""
    from bakeoff.cli import (  # noqa: F401
        _analyze,
        _datasets,
        _export,
        _optimization,
        _params,
        _registries,
        _report,
        _run,
        _serve,
        _studies,
        _tables,
        _tune,
    )

    warnings.showwarning = _show_warning
    warnings.simplefilter("default", BakeoffWarning)
    args, flags = _split_global_flags(sys.argv[1:] if argv is None else list(argv))
    if "--version" in flags:
        from bakeoff._version import __version__

        console.print(f"bakeoff {__version__}", highlight=False, markup=False)
        return 0
    debug = state["debug"] or "--debug" in flags
    try:
        result = app(args=args, standalone_mode=False, prog_name="bakeoff")
    except _EXIT as exc:
        return int(getattr(exc, "exit_code", 0))
    except _CLICK_ERROR as exc:
        exc.show()  # type: ignore[attr-defined]  # every ClickException has show()
        return int(getattr(exc, "exit_code", 2))
    except _ABORT:
        err_console.print("Aborted.")
        return 130
    except BakeoffError as exc:
        if debug:
            raise
        err_console.print(f"[bold red]{type(exc).__name__}:[/] {escape(str(exc))}", highlight=False)
        return exc.exit_code
    except KeyboardInterrupt:
        err_console.print("Interrupted.")
        return 130
    except Exception as exc:
        if debug:
            raise
        err_console.print(
            f"[bold red]InternalError:[/] {type(exc).__name__}: {escape(str(exc))}\nThis is "
            f"a bug in "
            f"bakeoff. Run the command again with --debug for the traceback, and report it.",
            highlight=False,
        )
        return 1
    return int(result) if isinstance(result, int) else 0
