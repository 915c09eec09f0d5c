"""Start-up of the command line beside Python's own start and a bare Typer app.

Each command runs as a user runs it, a fresh ``python -m bakeoff ARGS`` in a folder that
holds a small store (two cells, so that ``status`` has something to read). Beside them,
in the same loop and interleaved so that the machine's load falls on all alike:

- ``python -c pass``: the floor no command can go under;
- a bare Typer app with one ``int`` option, run with ``--help``: what the CLI library
  costs before bakeoff does anything.

With ``--python`` a second interpreter (another virtual environment: another Typer, for
example) runs the same commands in the same loop, so that two installs compare under one
load. Wall time (median and minimum) and CPU time (user + system, median) per command.

Run::

    python bench/startup.py                       # 10 rounds
    python bench/startup.py --python /venv/bin/python   # two interpreters side by side
    python bench/startup.py --quick               # 1 round: checks it still runs
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

COMMANDS = [["--help"], ["run", "--help"], ["status"], ["models", "list"]]

BARE_TYPER = """
import typer
app = typer.Typer()
@app.command()
def main(n: int = 1) -> None:
    print(n)
app()
"""


def timed(argv: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one run of ``argv``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def make_store(folder: Path) -> None:
    spec = {
        "study": "startup",
        "datasets": ["iris"],
        "models": ["logistic_regression"],
        "metrics": ["accuracy"],
        "budgets": [50, "full"],
        "seeds": 1,
        "tuning": {"method": "none", "cv": 2},
    }
    (folder / "study.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "bakeoff", "run", "study.yaml", "-q"],
        cwd=folder,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--python", help="a second interpreter to run beside this one")
    parser.add_argument("--quick", action="store_true", help="1 round: checks it still runs")
    args = parser.parse_args()
    rounds = 1 if args.quick else args.rounds
    pythons = {"this": sys.executable}
    if args.python:
        pythons["other"] = args.python
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        make_store(folder)
        (folder / "bare_typer.py").write_text(BARE_TYPER, encoding="utf-8")
        times: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for _ in range(rounds):
            for label, python in pythons.items():
                runs = {
                    "python -c pass": [python, "-c", "pass"],
                    "bare Typer app --help": [python, "bare_typer.py", "--help"],
                }
                for command in COMMANDS:
                    runs["bakeoff " + " ".join(command)] = [python, "-m", "bakeoff", *command]
                for what, argv in runs.items():
                    times.setdefault((label, what), []).append(timed(argv, folder))
    print(f"{rounds} rounds, load {os.getloadavg()[0]:.1f}; ms")
    print(f"{'python':6s} {'command':24s} {'wall median':>11s} {'wall min':>9s} {'CPU':>6s}")
    for (label, what), runs in times.items():
        walls = [w for w, _ in runs]
        cpus = [c for _, c in runs]
        print(
            f"{label:6s} {what:24s} {statistics.median(walls) * 1000:11.0f} "
            f"{min(walls) * 1000:9.0f} {statistics.median(cpus) * 1000:6.0f}"
        )


if __name__ == "__main__":
    main()
