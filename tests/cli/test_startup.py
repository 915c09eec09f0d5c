"""The command line starts without the heavy libraries (issue 21: a CLI that starts at once).

Each check runs in a fresh interpreter and reads ``sys.modules``: which libraries a
command imported, not how long it took (timings are in docs/performance.md, measured by
hyperfine). SciPy, scikit-learn, Optuna, pandas and PyTorch take 0.2–1 s each to import;
a command that does not compute with them must not load them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import cli_env, run_cli

HEAVY = ("scipy", "sklearn", "optuna", "pandas", "torch")
#: SQLAlchemy and Alembic too: `status` reads an up-to-date SQLite store without them.
STORE_LIBRARIES = ("sqlalchemy", "alembic")


def imported_after(
    code: str, *, cwd: Path | None = None, watched: tuple[str, ...] = HEAVY + STORE_LIBRARIES
) -> list[str]:
    """Top-level packages of ``watched`` that ``code`` left in sys.modules."""
    script = (
        "import sys, json, contextlib, io\n"
        f"{code}\n"
        f"print('\\nMODULES=' + json.dumps(sorted(m for m in {watched!r} if m in sys.modules)))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=cwd,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    line = completed.stdout.rsplit("MODULES=", 1)[1]
    return list(json.loads(line))


def cli(*args: str) -> str:
    """Python that runs ``bakeoff ARGS`` in-process and keeps going after it exits."""
    return (
        "from bakeoff.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    status = main({list(args)!r})\n"
        "assert status == 0, status\n"
    )


def test_importing_the_cli_imports_no_heavy_library() -> None:
    assert imported_after("import bakeoff.cli") == []


def test_importing_bakeoff_imports_no_heavy_library() -> None:
    # The public API is there (test_public_api.py), loaded when first used.
    assert imported_after("import bakeoff; bakeoff.__all__") == []


def test_the_public_api_loads_on_first_use() -> None:
    # Reading a name imports what it needs, and only that: a Study needs scikit-learn
    # and Optuna to run, the version string nothing.
    assert imported_after("import bakeoff; bakeoff.__version__") == []
    assert "optuna" in imported_after("import bakeoff; bakeoff.Study")


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["run", "--help"],
        ["results", "--help"],
        ["analyze", "--help"],
        ["models", "list"],
        ["models", "show", "random_forest"],
        ["metrics", "list"],
    ],
    ids=" ".join,
)
def test_help_and_the_registry_listings_import_no_heavy_library(args: list[str]) -> None:
    # The listings include the installed packs (the VA pack's metrics and datasets):
    # registering a model, metric or dataset imports nothing heavy either.
    assert imported_after(cli(*args)) == []


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["run", "--help"],
        ["status", "--help"],
        ["results", "--help"],
        ["models", "list"],
    ],
    ids=" ".join,
)
def test_building_a_command_does_not_import_pydantic(args: list[str]) -> None:
    # Typer 0.29 builds a pydantic TypeAdapter for every parameter of the command it
    # runs: importing pydantic (and its core) took 0.14 s of each start-up, half the
    # 0.3 s goal. pyproject.toml keeps typer below 0.29 for it; this fails if an
    # install brings that typer (or any code path pulls pydantic into these commands).
    # `models list` names each model's parameters without building its search space
    # (a pydantic model): registering the shipped models and the packs must not build
    # one either.
    assert imported_after(cli(*args), watched=("pydantic",)) == []


def test_listing_the_datasets_imports_neither_scikit_learn_nor_scipy() -> None:
    # The listing is a pandas table (filters on rows and kinds), but the shipped
    # datasets' loaders (scikit-learn's toys, the VA simulator) do not run.
    found = imported_after(cli("datasets", "list", "--format", "json"))
    assert "sklearn" not in found and "scipy" not in found


def test_status_before_any_run_says_so_without_sqlalchemy(tmp_path: Path) -> None:
    # A new user's first `bakeoff status`, in a folder with no store yet: the message,
    # exit 2, and no store library loaded to say it.
    code = (
        "import contextlib, io\n"
        "from bakeoff.cli import main\n"
        "err = io.StringIO()\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):\n"
        "    status = main(['status'])\n"
        "assert status == 2, status\n"
        "assert \"no store at 'sqlite:///bakeoff.db'\" in ' '.join(err.getvalue().split())\n"
    )
    assert imported_after(code, cwd=tmp_path) == []
    assert not (tmp_path / "bakeoff.db").exists()


def test_status_reads_an_up_to_date_sqlite_store_with_the_standard_library(
    tmp_path: Path, write_study
) -> None:
    from tests.conftest import tiny_study

    study = write_study(tiny_study(models=["logistic_regression"], seeds=1))
    assert run_cli("run", str(study), "-q", cwd=tmp_path).returncode == 0
    assert imported_after(cli("status"), cwd=tmp_path) == []
    assert imported_after(cli("status", "tiny"), cwd=tmp_path) == []


def test_a_model_still_builds_and_a_metric_still_scores_once_loaded() -> None:
    # Lazy registration changes when scikit-learn is imported, not what is built.
    code = (
        "from bakeoff import metrics, models\n"
        "est = models.get('random_forest').build({}, task='classification', random_state=0)\n"
        "assert type(est).__name__ == 'RandomForestClassifier', type(est)\n"
        "assert est.get_params()['random_state'] == 0\n"
        "assert models.get('ridge').build({}, task='regression', random_state=0)"
        ".__class__.__name__ == 'Ridge'\n"
        "assert metrics.get('accuracy')([1, 2, 2, 1], [1, 2, 1, 1]) == 0.75\n"
    )
    assert "sklearn" in imported_after(code)


def test_status_agrees_with_the_store(tmp_path: Path, write_study) -> None:
    from bakeoff.store._summary import _read_sqlite, _read_with_store
    from tests.conftest import tiny_study

    spec = tiny_study(models=["logistic_regression"], seeds=2)
    study = write_study(spec)
    assert run_cli("run", str(study), "-q", cwd=tmp_path).returncode == 0
    url = f"sqlite:///{tmp_path / 'bakeoff.db'}"
    n_cells = len(spec["budgets"]) * 2  # one model, one dataset, two seeds
    fast = _read_sqlite(tmp_path / "bakeoff.db", None)
    _, full = _read_with_store(url, None)
    assert fast == full
    assert fast[0].counts["complete"] == fast[0].n_cells == n_cells
    assert fast[0].n_trials == n_cells * spec["tuning"]["n_trials"]


def test_status_counts_the_stored_trials_of_a_cell_that_has_not_ended(
    tmp_path: Path, write_study
) -> None:
    # A cell writes n_trials when it ends; a running or interrupted one (as a Ctrl-C
    # leaves it: status interrupted, n_trials empty, its trials stored) was counted as 0.
    import sqlite3

    from bakeoff.server._queries import StoreReader
    from bakeoff.store import Store
    from bakeoff.store._summary import _read_sqlite, _read_with_store
    from tests.conftest import tiny_study

    spec = tiny_study(models=["logistic_regression"], seeds=2)
    assert run_cli("run", str(write_study(spec)), "-q", cwd=tmp_path).returncode == 0
    path = tmp_path / "bakeoff.db"
    with sqlite3.connect(path) as connection:
        cell_id, n_trials = connection.execute(
            "SELECT id, n_trials FROM bakeoff_cells ORDER BY id LIMIT 1"
        ).fetchone()
        (stored,) = connection.execute(
            "SELECT count(*) FROM bakeoff_trials WHERE cell_id = ?", (cell_id,)
        ).fetchone()
        assert stored == n_trials == spec["tuning"]["n_trials"]
        connection.execute(
            "UPDATE bakeoff_cells SET status = 'interrupted', n_trials = NULL WHERE id = ?",
            (cell_id,),
        )
    n_cells = len(spec["budgets"]) * 2
    expected = n_cells * spec["tuning"]["n_trials"]  # every cell's trials are stored
    url = f"sqlite:///{path}"
    fast = _read_sqlite(path, None)
    _, full = _read_with_store(url, None)
    assert fast == full and fast[0].counts["interrupted"] == 1
    assert fast[0].n_trials == expected
    with Store(url) as store:
        (listed,) = StoreReader(store).studies()
    assert listed["n_trials"] == expected
