"""``bakeoff run`` and ``bakeoff validate``."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape

from bakeoff.cli._app import STORAGE_HELP, app, console, default_storage, err_console
from bakeoff.cli._display import leaderboard
from bakeoff.cli._hints import command, storage_option
from bakeoff.cli._overrides import TuningFlags
from bakeoff.exceptions import SpecError

if TYPE_CHECKING:
    from bakeoff._study import Study

STUDY_FILE = typer.Argument(
    ...,
    help="The study file (YAML): models, datasets, budgets, seeds and tuning.",
    show_default=False,
)


TUNE_HELP = (
    "--no-tune-hyperparameters: every model once with its default parameters (method "
    "none), to measure what tuning gains. --tune-hyperparameters: search even where the "
    "file says method: none. Default: the study file's tuning."
)


def failure_reason(error: str | None) -> str:
    """The line of a stored traceback that says what went wrong.

    That is the exception's line after the last frame, not the last line: SQLAlchemy
    appends the statement and a link to its docs after its errors.
    """
    lines = (error or "").strip().splitlines()
    frames = [i for i, line in enumerate(lines) if line.startswith("  File ")]
    after = lines[frames[-1] + 1 :] if frames else []
    for line in after:
        if line.strip() and not line[0].isspace():
            return line
    return lines[-1] if lines else ""


@app.command()
def run(
    study_file: Path = STUDY_FILE,
    storage: str | None = typer.Option(None, "--storage", "-s", help=STORAGE_HELP),
    n_jobs: int | None = typer.Option(
        None,
        "--n-jobs",
        "-j",
        min=1,
        help="Worker processes running cells in parallel (default: the study's "
        "execution.n_jobs, else 1).",
    ),
    retry_failed: bool = typer.Option(
        False,
        "--retry-failed",
        help="Run cells that failed in an earlier run again, from scratch.",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress; only the summary."),
    report: Path | None = typer.Option(
        None,
        "--report",
        help="When the run ends, write the study's report folder here (as `bakeoff report`).",
    ),
    tune: bool | None = typer.Option(
        None, "--tune-hyperparameters/--no-tune-hyperparameters", help=TUNE_HELP
    ),
    tuning_method: str | None = typer.Option(
        None,
        "--tuning-method",
        help=(
            "Overrides tuning.method: grid, random, tpe, gp, cmaes, qmc, nsga2, ray_tune, auto "
            "or none."
        ),
    ),
    tuning_trials: int | None = typer.Option(
        None, "--tuning-trials", help="Overrides tuning.n_trials (trials per cell)."
    ),
    tuning_timeout: float | None = typer.Option(
        None, "--tuning-timeout", help="Overrides tuning.timeout (seconds of tuning per cell)."
    ),
    pruner: str | None = typer.Option(
        None,
        "--pruner",
        help="Overrides tuning.pruner: none, median, percentile, asha or hyperband.",
    ),
    backend: str | None = typer.Option(
        None,
        "--backend",
        help="Overrides execution.backend: local (processes on this machine) or ray "
        "(Ray tasks; needs bakeoff[ray]). Where cells run never changes their results.",
    ),
    address: str | None = typer.Option(
        None,
        "--address",
        help="Overrides execution.address (with --backend ray): local for a private Ray "
        "runtime, auto for this machine's cluster, ray://host:port or host:port.",
    ),
) -> int:
    """Run a study, or resume it where it stopped.

    Cells already complete in the store are skipped; a cell interrupted mid-tuning goes
    on from its stored trials. The --tuning-* options override the file's tuning: like
    an edit of the file, they make new cells (the stored spec records them), so run
    again with the same options to resume. Ends with a leaderboard. Exit status: 0 when
    every cell is complete, 1 when some failed, 2 for an invalid study, 3 when
    execution.max_cpu_seconds stopped it with cells pending, 130 when
    interrupted.
    """
    flags = TuningFlags(tune, tuning_method, tuning_trials, tuning_timeout, pruner)
    execution = {"backend": backend, "address": address}
    study = _study_with_flags(study_file, flags, execution)
    # This command as the user could type it again (to resume or retry).
    run_args: list[str | Path] = ["run", study_file, *flags.args()]
    for name, value in execution.items():
        if value is not None:
            run_args += [f"--{name}", value]
    return execute(
        study,
        run_args,
        storage=storage,
        n_jobs=n_jobs,
        retry_failed=retry_failed,
        quiet=quiet,
        report=report,
    )


def _study_with_flags(
    study_file: Path, flags: TuningFlags, execution: dict[str, str | None] | None = None
) -> Study:
    from bakeoff._study import Study
    from bakeoff.spec import parse_spec, read_yaml

    data, flagged = flags.apply(read_yaml(study_file))
    # Where cells run is not part of what they compute: these change no cell key.
    given = {k: v for k, v in (execution or {}).items() if v is not None}
    if given and isinstance(data.get("execution", {}), dict):
        data["execution"] = {**data.get("execution", {}), **given}
        if "address" in given and data["execution"].get("backend") != "ray":
            raise SpecError(
                f"--address {given['address']} names a Ray cluster, but the backend is "
                f"'{data['execution'].get('backend', 'local')}'. Add --backend ray"
            )
        flagged.update({f"execution.{k}": f"--{k} {v}" for k, v in given.items()})
    spec = parse_spec(data, source=str(study_file), flags=flagged)
    return Study(spec, base_dir=study_file.resolve().parent)


def execute(
    study: Study,
    run_args: list[str | Path],
    *,
    storage: str | None,
    n_jobs: int | None,
    retry_failed: bool = False,
    quiet: bool = False,
    report: Path | None = None,
) -> int:
    """Run ``study`` with the CLI's display, summary and hints; return the exit status.

    ``run_args`` is the command that made the study, as the user could type it again.
    """
    from bakeoff._progress import RunDisplay
    from bakeoff._results import results

    resolution = study.resolve()
    url = study.storage_url(storage or default_storage())
    run_args = list(run_args)
    if storage:
        run_args += ["--storage", storage]
    if n_jobs:
        run_args += ["--n-jobs", str(n_jobs)]
    n_cells = len(resolution.cells)
    # Synthesis cells score each trial on a validation share of the budget, not on folds.
    synthesis = all(d.task == "synthesis" for d in resolution.datasets.values())
    validation = (
        f"validation share {study.spec.split.test_size:g}"
        if synthesis
        else f"{study.spec.tuning.cv}-fold CV"
    )
    tuning = study.spec.tuning
    # Without a search each cell runs one trial, the defaults: n_trials does not apply.
    searched = (
        f"none (one trial of the fixed parameters), {validation}"
        if tuning.method == "none"
        else f"{tuning.method}, {tuning.n_trials} trials, {validation}"
    )
    console.print(
        f"Study [bold]{escape(study.name)}[/]: {len(resolution.models)} models × "
        f"{len(resolution.datasets)} datasets × {len(study.spec.budgets)} budgets × "
        f"{len(study.spec.seeds)} seeds = {n_cells} cells; tuning {searched}.",
        highlight=False,
    )
    if study.spec.tuning.method == "auto":
        # Say what `auto` chose for each model, as `bakeoff results` would show later.
        chosen = "; ".join(
            f"{label}: {method} ({reason.removeprefix('auto: ')})"
            for label, (method, reason) in resolution.methods.items()
        )
        console.print(f"tuning auto chose: {chosen}", highlight=False, markup=False)
    console.print(f"Store: {url}", highlight=False, markup=False, soft_wrap=True)
    from bakeoff.store import Store

    done = 0
    # A new SQLite file is not created to count nothing: the run may still be refused
    # before the store is touched (an executor whose nodes cannot reach it).
    if not _new_sqlite_file(url):
        with Store(url) as store:
            if study.name in store.study_names():
                frame = store.cells_frame(study.name)
                keys = {c.key for c in resolution.cells}
                done = int(((frame["status"] == "complete") & frame["cell_key"].isin(keys)).sum())
    with (
        RunDisplay(console, total=n_cells, done=done, quiet=quiet) as display,
        _terminate_as_ctrl_c(),
    ):
        summary = study.run(
            storage=url,
            n_jobs=n_jobs,
            retry_failed=retry_failed,
            on_event=display.on_event,
            progress=False,  # this command shows its own display
            # Even one job runs in a watched worker: a crashing model fails its trial.
            supervised=True,
        )
    for note in summary.notes:
        console.print(f"[dim]Note:[/] {escape(note)}", highlight=False)
    table = leaderboard(results(study.name, storage=url))
    if table is not None and not quiet:
        console.print(table)
    console.print(summary.describe(), highlight=False)
    store_args = storage_option(url)
    for outcome in summary.failed:
        err_console.print(
            f"[red]Failed:[/] {escape(outcome.label)} (cell {outcome.cell_key[:12]}): "
            f"{escape(failure_reason(outcome.error))}",
            highlight=False,
        )
    rerun = [*run_args, "--retry-failed"]
    for label in summary.failed_before:
        err_console.print(
            f"[red]Failed earlier:[/] {escape(label)}; run it again with: "
            f"{escape(command(*rerun))}",
            highlight=False,
            soft_wrap=True,
        )
    if summary.failed or summary.failed_before:
        err_console.print(
            "See the tracebacks with: "
            + command("trials", study.name, *store_args, "--state", "FAIL"),
            highlight=False,
            markup=False,
            soft_wrap=True,  # a command is never broken across lines
        )
    if summary.interrupted:
        err_console.print(
            "Interrupted: finished trials are kept. Run the same command again to resume: "
            + command(*run_args),
            highlight=False,
            markup=False,
            soft_wrap=True,  # a command is never broken across lines
        )
    else:
        console.print(
            "Results: "
            + command("results", study.name, *store_args, "--format", "csv", "-o", "results.csv"),
            highlight=False,
            markup=False,
            soft_wrap=True,  # a command is never broken across lines
        )
    if report is not None and summary.states.get("complete", 0):
        from bakeoff.cli._report import write_study_report

        write_study_report(study.name, report, storage=url, formats=["html", "latex", "markdown"])
    return summary.exit_code


@app.command()
def validate(
    study_file: Path = STUDY_FILE,
    verbose: bool = typer.Option(
        False,
        "--verbose",
        "-v",
        help="Also show how each dataset is read: task, target, each column's kind and "
        "why, the columns left out.",
    ),
    tune: bool | None = typer.Option(
        None, "--tune-hyperparameters/--no-tune-hyperparameters", help=TUNE_HELP
    ),
    tuning_method: str | None = typer.Option(
        None, "--tuning-method", help="As for `bakeoff run`: overrides tuning.method."
    ),
    tuning_trials: int | None = typer.Option(
        None, "--tuning-trials", help="As for `bakeoff run`: overrides tuning.n_trials."
    ),
    tuning_timeout: float | None = typer.Option(
        None, "--tuning-timeout", help="As for `bakeoff run`: overrides tuning.timeout."
    ),
    pruner: str | None = typer.Option(
        None, "--pruner", help="As for `bakeoff run`: overrides tuning.pruner."
    ),
) -> int:
    """Check a study file (names, search spaces, data, budgets) without running it.

    Reports every problem it finds, not only the first, and warns about columns that
    look like identifiers or leak the target. The --tuning-* options are checked as
    `bakeoff run` would apply them.
    """
    from bakeoff.cli._datasets import print_report

    flags = TuningFlags(tune, tuning_method, tuning_trials, tuning_timeout, pruner)
    study = _study_with_flags(study_file, flags)
    resolution = study.resolve()
    if verbose:
        for dataset in resolution.datasets.values():
            print_report(dataset)
    console.print(
        f"Study '{study.name}' is valid: {len(resolution.cells)} cells.",
        highlight=False,
        markup=False,
    )
    return 0


def _new_sqlite_file(url: str) -> bool:
    """Whether ``url`` is an SQLite file that does not exist yet."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:
        return False  # the store reports a malformed URL itself
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return False
    return not Path(database).expanduser().exists()


@contextlib.contextmanager
def _terminate_as_ctrl_c() -> Iterator[None]:
    """SIGTERM ends the run as Ctrl-C does.

    SIGTERM may come from ``kill PID``, a scheduler's pre-emption or ``docker stop``. Running
    cells are marked interrupted and resume later, instead of staying "running" until their
    leases expire.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
