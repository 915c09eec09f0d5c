"""Several runners on one study share its cells: each cell runs once, results as one runner's.

Real ``bakeoff run`` processes, started together on one store (SQLite and PostgreSQL),
as two terminals or machines would be.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from tests.conftest import cli_env, run_cli, tiny_study
from tests.helpers import assert_same_numbers, stored_numbers

POSTGRES_URL = os.environ.get("BAKEOFF_TEST_POSTGRES_URL")
POSTGRES_REQUIRED = bool(os.environ.get("BAKEOFF_REQUIRE_POSTGRES"))
N_TRIALS = 6


def shared_study(name: str, url: str, **overrides: object) -> dict:
    spec = tiny_study(
        study=name,
        storage=url,
        seeds=3,
        tuning={"method": "tpe", "n_trials": N_TRIALS, "cv": 2},
    )
    spec.update(overrides)
    return spec


def start_runner(path: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bakeoff", "run", str(path), "--quiet", *extra],
        env=cli_env(),
        start_new_session=True,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def cell_rows(url: str, name: str) -> list[sa.Row]:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "select c.id, c.status, c.owner, c.n_trials, "
                "(select count(*) from bakeoff_trials t where t.cell_id = c.id) as stored "
                "from bakeoff_cells c join bakeoff_studies s on s.id = c.study_id "
                "where s.name = :name"
            ),
            {"name": name},
        ).all()
    engine.dispose()
    return list(rows)


def run_together(tmp_path: Path, url: str, name: str, n_runners: int) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(shared_study(name, url)))
    runners = [start_runner(path) for _ in range(n_runners)]
    for runner in runners:
        stdout, stderr = runner.communicate(timeout=600)
        # Every runner ends with the whole study done, whoever ran which cell.
        assert runner.returncode == 0, stdout + stderr
        assert "Traceback" not in stderr and "failed" not in stderr.lower(), stderr
    rows = cell_rows(url, name)
    assert len(rows) == 12
    assert {r.status for r in rows} == {"complete"}
    # Each cell ran once: exactly its trials, none twice, none lost.
    assert all(r.stored == N_TRIALS == r.n_trials for r in rows)
    # The work was shared out (a runner left without cells would show as one owner).
    assert len({r.owner for r in rows}) >= 2

    reference = f"sqlite:///{tmp_path / 'reference.db'}"
    assert bakeoff_run(tmp_path, shared_study(name, reference)) == 0
    assert_same_numbers(stored_numbers(name, reference), stored_numbers(name, url))


def bakeoff_run(tmp_path: Path, spec: dict) -> int:
    path = tmp_path / "reference.yaml"
    path.write_text(yaml.safe_dump(spec))
    return run_cli("run", str(path), "--quiet").returncode


@pytest.mark.slow
@pytest.mark.parametrize("n_runners", [2, 3])
def test_runners_on_one_sqlite_store_share_the_cells(tmp_path: Path, n_runners: int) -> None:
    # The store does not exist yet: the runners also race to create it and the study.
    run_together(tmp_path, f"sqlite:///{tmp_path / 'shared.db'}", "shared", n_runners)


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.skipif(
    POSTGRES_URL is None and not POSTGRES_REQUIRED,
    reason="set BAKEOFF_TEST_POSTGRES_URL (.ci/run does)",
)
@pytest.mark.parametrize("n_runners", [2, 3])
def test_runners_on_one_postgresql_store_share_the_cells(tmp_path: Path, n_runners: int) -> None:
    assert POSTGRES_URL, "BAKEOFF_REQUIRE_POSTGRES is set but BAKEOFF_TEST_POSTGRES_URL is not"
    run_together(tmp_path, POSTGRES_URL, f"shared_{uuid.uuid4().hex[:8]}", n_runners)


def count_trials(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as connection:
            return connection.execute("select count(*) from bakeoff_trials").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


@pytest.mark.slow
def test_a_cell_whose_runner_died_is_taken_over_and_resumed(tmp_path: Path) -> None:
    db = tmp_path / "takeover.db"
    url = f"sqlite:///{db}"
    spec = shared_study(
        "takeover",
        url,
        seeds=1,
        budgets=["full"],
        models=["logistic_regression"],
        tuning={"method": "tpe", "n_trials": 40, "cv": 2},
        execution={"lease_seconds": 4},
    )
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(spec))
    first = start_runner(path)
    deadline = time.monotonic() + 120
    while count_trials(db) < 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    kept = count_trials(db)
    assert 0 < kept < 40
    (row,) = cell_rows(url, "takeover")
    # The dead runner still holds the cell: its lease has not run out yet.
    assert row.status == "running" and row.owner is not None
    dead_owner = row.owner

    second = run_cli("run", str(path), "--quiet")
    assert second.returncode == 0, second.stderr
    (row,) = cell_rows(url, "takeover")
    assert row.status == "complete" and row.owner != dead_owner
    assert row.stored == 40

    reference = f"sqlite:///{tmp_path / 'reference.db'}"
    assert bakeoff_run(tmp_path, {**spec, "storage": reference}) == 0
    assert_same_numbers(stored_numbers("takeover", reference), stored_numbers("takeover", url))
