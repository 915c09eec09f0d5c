"""Crashing trials and a killed parent: no run lost, no worker left behind."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

import bakeoff
from tests.conftest import cli_env, run_cli, tiny_study
from tests.helpers import assert_same_numbers, stored_numbers


def crashing_study(url: str, n_jobs: int) -> dict:
    return {
        "study": "crashing",
        "imports": ["bakeoff_test_plugins"],
        "datasets": ["iris"],
        "models": ["crashing", "logistic_regression"],
        "budgets": ["full"],
        "seeds": 2,
        "tuning": {"method": "grid", "n_trials": 3, "cv": 2},
        "metrics": ["accuracy"],
        "storage": url,
        "execution": {"n_jobs": n_jobs},
    }


@pytest.mark.slow
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_a_trial_that_kills_its_worker_fails_alone_and_is_not_run_again(
    tmp_path: Path, n_jobs: int
) -> None:
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    path = tmp_path / "study.yaml"
    # No trial limit: with n_jobs 1 `bakeoff run` still runs the cells in a worker it
    # watches, so a crash cannot take the run down.
    path.write_text(yaml.safe_dump(crashing_study(url, n_jobs)))
    completed = run_cli("run", str(path))
    # The grid is crash = exit, none, segfault: two trials take their worker down, and
    # every cell still completes, the other worker's included.
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "Traceback" not in completed.stderr
    results = bakeoff.results("crashing", storage=url)
    assert set(results["status"]) == {"complete"} and len(results) == 4
    crashing = results[results["model"] == "crashing"]
    assert (crashing["n_failed_trials"] == 2).all()
    assert (crashing["best_params"] == '{"crash": "none"}').all()
    trials = bakeoff.trials("crashing", storage=url)
    failed = trials[trials["state"] == "FAIL"].set_index(["seed", "params"])["error"]
    assert len(failed) == 4
    for seed in (0, 1):
        assert "exited with status 3" in failed[(seed, '{"crash": "exit"}')]
        assert "signal 11 (SIGSEGV)" in failed[(seed, '{"crash": "segfault"}')]
    # Each trial ran once (3 per cell, numbers 0-2): the failures were replayed, not
    # asked for again.
    assert sorted(trials.groupby("cell_key")["number"].apply(tuple)) == [(0, 1, 2)] * 4
    assert run_cli("run", str(path)).returncode == 0
    assert len(bakeoff.trials("crashing", storage=url)) == len(trials)


def count_trials(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as connection:
            return connection.execute("select count(*) from bakeoff_trials").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_workers_stop_when_their_parent_is_killed(tmp_path: Path) -> None:
    db = tmp_path / "orphans.db"
    spec = tiny_study(
        study="orphans",
        storage=f"sqlite:///{db}",
        seeds=2,
        tuning={"method": "random", "n_trials": 30, "cv": 3},
        execution={"n_jobs": 2, "lease_seconds": 3},
    )
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(spec))
    process = subprocess.Popen(
        [sys.executable, "-m", "bakeoff", "run", str(path), "--quiet"],
        env=cli_env(),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while count_trials(db) < 10 and time.monotonic() < deadline:
        time.sleep(0.01)
    workers = children(process.pid)
    assert len(workers) >= 2  # the resource tracker and at least one worker
    # Only the parent is killed, not its process group.
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    time.sleep(2)
    assert not [pid for pid in workers if alive(pid)]
    # Nothing writes to the store any more.
    settled = count_trials(db)
    time.sleep(2)
    assert count_trials(db) == settled

    # A re-run takes the cells over once their leases run out, and finishes as an
    # undisturbed run would have.
    assert run_cli("run", str(path)).returncode == 0
    reference = f"sqlite:///{tmp_path / 'reference.db'}"
    reference_path = tmp_path / "reference.yaml"
    reference_path.write_text(yaml.safe_dump({**spec, "storage": reference}))
    assert run_cli("run", str(reference_path)).returncode == 0
    assert_same_numbers(
        stored_numbers("orphans", reference), stored_numbers("orphans", f"sqlite:///{db}")
    )


def test_exit_reasons_name_the_signal() -> None:
    from bakeoff.protocol._isolation import exit_reason

    assert exit_reason(-11) == "was killed by signal 11 (SIGSEGV)"
    assert exit_reason(-9) == "was killed by signal 9 (SIGKILL) (out of memory?)"
    assert exit_reason(3) == "exited with status 3"
    _ = os  # used above
