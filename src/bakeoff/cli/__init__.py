"""The ``bakeoff`` command line: a thin shell over the library."""

from __future__ import annotations

import sys

from bakeoff.cli._app import app, main

__all__ = ["app", "main", "run_main"]


def run_main() -> None:
    """Console-script entry point."""
    sys.exit(main())
