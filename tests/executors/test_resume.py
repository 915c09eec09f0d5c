"""SIGKILL at a random trial, resume, and get exactly the uninterrupted results."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import yaml

from tests.conftest import cli_env, run_cli, tiny_study
from tests.helpers import assert_same_numbers, stored_numbers

N_TRIALS = 12  # past TPE's 10 random start-up trials, so the model-based phase is replayed too


def resume_study(url: str, n_jobs: int, **tuning: object) -> dict:
    return tiny_study(
        study="resume",
        storage=url,
        seeds=1,
        tuning={"method": "tpe", "n_trials": N_TRIALS, "cv": 2, **tuning},
        execution={"n_jobs": n_jobs},
    )


def bakeoff_trials(url: str):  # type: ignore[no-untyped-def]
    import bakeoff

    return bakeoff.trials("resume", storage=url)


def count_trials(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as connection:
            return connection.execute("select count(*) from bakeoff_trials").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def trial_rows(db: Path) -> set[tuple]:
    with sqlite3.connect(db) as connection:
        return set(
            connection.execute(
                "select cell_id, number, state, params_json, values_json, started_at "
                "from bakeoff_trials where state = 'COMPLETE'"
            ).fetchall()
        )


#: Searches whose resume is tested on top of plain TPE: a pruned one (pruned trials are
#: replayed with their steps, the pruner sees them again), and one with parallel trial
#: batches (a batch cut by the kill is run again whole).
VARIANTS = {
    "plain": {},
    "pruned": {"pruner": "median", "pruner_options": {"n_startup_trials": 2}, "cv": 3},
    "parallel": {"parallel_trials": 2},
}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("n_jobs", "variant"), [(1, "plain"), (2, "plain"), (1, "pruned"), (1, "parallel")]
)
def test_sigkill_at_a_random_trial_then_resume_equals_an_uninterrupted_run(
    tmp_path: Path, n_jobs: int, variant: str
) -> None:
    tuning = VARIANTS[variant]
    reference_url = f"sqlite:///{tmp_path / 'reference.db'}"
    reference = tmp_path / "reference.yaml"
    reference.write_text(yaml.safe_dump(resume_study(reference_url, 1, **tuning)))
    assert run_cli("run", str(reference)).returncode == 0
    if variant == "pruned":
        assert "PRUNED" in set(bakeoff_trials(reference_url)["state"])

    db = tmp_path / "killed.db"
    killed = tmp_path / "killed.yaml"
    killed.write_text(yaml.safe_dump(resume_study(f"sqlite:///{db}", n_jobs, **tuning)))
    total = 4 * N_TRIALS
    kill_at = int(np.random.default_rng([n_jobs, len(variant)]).integers(3, total - 3))
    process = subprocess.Popen(
        [sys.executable, "-m", "bakeoff", "run", str(killed), "--quiet"],
        env=cli_env(),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while count_trials(db) < kill_at and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    done_before = count_trials(db)
    assert 0 < done_before < total, f"the kill at trial {kill_at} came too late"
    kept = trial_rows(db)

    resumed = run_cli("run", str(killed))
    assert resumed.returncode == 0, resumed.stderr
    # The trials stored before the kill are still there, untouched: the interrupted
    # cell went on from them instead of starting over.
    assert kept <= trial_rows(db)
    assert count_trials(db) == total
    assert_same_numbers(
        stored_numbers("resume", reference_url), stored_numbers("resume", f"sqlite:///{db}")
    )


def test_changing_a_search_space_bound_makes_new_cells(tmp_path: Path) -> None:
    import bakeoff

    url = f"sqlite:///{tmp_path / 'spec.db'}"
    small = dict(seeds=1, budgets=["full"], tuning={"method": "random", "n_trials": 2, "cv": 2})
    first = bakeoff.Study(**tiny_study(**small))
    assert first.run(storage=url).exit_code == 0
    first_keys = set(bakeoff.results("tiny", storage=url)["cell_key"])
    changed = tiny_study(**small)
    changed["models"][1]["search_space"]["max_depth"]["high"] = 7
    summary = bakeoff.Study(**changed).run(storage=url)
    assert summary.exit_code == 0
    # The random forest's cell is new (its key changed) and was run; the logistic
    # regression's cell was reused.
    assert summary.n_skipped == 1 and summary.count("complete") == 1
    current = bakeoff.results("tiny", storage=url)
    assert len(current) == 2 and len(set(current["cell_key"]) & first_keys) == 1
    everything = bakeoff.results("tiny", storage=url, include_set_aside=True)
    assert len(everything) == 3 and (~everything["in_design"]).sum() == 1
    assert any("set aside" in note for note in summary.notes)
