"""``python -m bakeoff`` runs the CLI."""

from bakeoff.cli import run_main

run_main()
