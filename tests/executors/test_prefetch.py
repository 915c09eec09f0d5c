"""Tiny cells: a worker is handed its next cell while it still runs one.

The claim and the hand-off (about a millisecond a cell) then run in the parent on the
other core instead of between two cells of the worker. A cell handed out early but never
started (its worker died, or a Ctrl-C came) is pending again for any worker.
"""

from __future__ import annotations

import itertools
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
import yaml

import bakeoff
from bakeoff.executors import LocalExecutor
from bakeoff.executors import _workers as workers
from tests.conftest import run_cli
from tests.helpers import assert_same_numbers, stored_numbers


def tiny_cells(url: str, *, models: list[str], seeds: int) -> dict:
    return {
        "study": "prefetch",
        "imports": ["bakeoff_test_plugins"],
        "datasets": ["iris"],
        "models": models,
        "budgets": ["full"],
        "seeds": seeds,
        "tuning": {"method": "grid", "n_trials": 3, "cv": 2},
        "metrics": ["accuracy"],
        "storage": url,
        "execution": {"n_jobs": 1},
    }


def claimed_before_the_last_ended(db: Path) -> int:
    """Cells claimed (``started_at`` is set at the claim) before the cell run before
    them ended, with one worker."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT started_at, finished_at FROM bakeoff_cells ORDER BY started_at"
        ).fetchall()
    times = [(datetime.fromisoformat(s), datetime.fromisoformat(f)) for s, f in rows]
    return sum(nxt[0] < prev[1] for prev, nxt in itertools.pairwise(times))


@pytest.mark.slow
def test_tiny_cells_are_claimed_ahead_and_give_the_same_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The parent decides, from the cells' mean time, whether to claim ahead; the bar is
    # raised here so that a loaded machine (cells slower than the 0.5 s default) still
    # exercises the hand-off this test is about.
    monkeypatch.setattr(workers, "PREFETCH_BELOW_SECONDS", 3600.0)
    url = f"sqlite:///{tmp_path / 'ahead.db'}"
    spec = tiny_cells(url, models=["logistic_regression"], seeds=12)
    spec.pop("imports")
    summary = bakeoff.Study(**spec).run(
        storage=url, executor=LocalExecutor(1, supervised=True), progress=False
    )
    assert summary.exit_code == 0, summary.describe()
    # Every cell after the first ran behind one claimed early; without the prefetch
    # none would be claimed before the cell before it ended.
    assert claimed_before_the_last_ended(tmp_path / "ahead.db") >= 6
    inline = f"sqlite:///{tmp_path / 'inline.db'}"
    spec = tiny_cells(inline, models=["logistic_regression"], seeds=12)
    spec.pop("storage")
    spec.pop("imports")
    assert bakeoff.Study(**spec).run(storage=inline, executor=LocalExecutor(1)).exit_code == 0
    assert_same_numbers(stored_numbers("prefetch", url), stored_numbers("prefetch", inline))


@pytest.mark.slow
def test_a_cell_waiting_behind_a_crashed_one_runs_once_in_a_fresh_worker(
    tmp_path: Path,
) -> None:
    # Tiny cells first, so the worker is claiming ahead when the crashing model's cells
    # come: each crash (two trials of its grid take the worker down) leaves a cell
    # queued behind it, which must go back to pending and run once.
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    path = tmp_path / "study.yaml"
    spec = tiny_cells(url, models=["logistic_regression", "crashing"], seeds=3)
    path.write_text(yaml.safe_dump(spec))
    # Had the queued cell not been given back, the run would wait for it forever.
    completed = run_cli("run", str(path), "-q", timeout=300)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    results = bakeoff.results("prefetch", storage=url)
    assert len(results) == 6 and set(results["status"]) == {"complete"}
    crashing = results[results["model"] == "crashing"]
    assert (crashing["n_failed_trials"] == 2).all()
    trials = bakeoff.trials("prefetch", storage=url)
    assert sorted(trials.groupby("cell_key")["number"].apply(tuple)) == [(0, 1, 2)] * 6
