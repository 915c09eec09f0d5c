"""One vocabulary of cell states: the store, the run summary and `bakeoff status` agree."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

import bakeoff
from bakeoff.protocol import Event
from bakeoff.store import CellStatus, count_cell_states
from tests.conftest import run_cli, tiny_study


def test_counts_keep_every_state_and_refuse_unknown_words() -> None:
    counts = count_cell_states(["complete", "pending", "complete", "interrupted"])
    # Every state is listed, zeros included, so a table of them always has the same columns.
    assert counts == {"complete": 2, "failed": 0, "interrupted": 1, "running": 0, "pending": 1}
    with pytest.raises(ValueError, match="unknown cell state 'done'"):
        count_cell_states(["done"])


def stored_states(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute("select status, count(*) from bakeoff_cells group by status")
        return dict(rows.fetchall())


def test_a_stopped_run_counts_every_cell_once(tmp_path: Path) -> None:
    # 8 cells; a Ctrl-C lands as the third cell starts (raised from the progress callback,
    # in the run's own process, exactly where a signal handler would raise it).
    db = tmp_path / "b.db"
    study = bakeoff.Study(**tiny_study(storage=f"sqlite:///{db}"))
    started: list[str] = []

    def stop_at_third(event: Event) -> None:
        if event["event"] == "cell_started":
            started.append(event["key"])
            if len(started) == 3:
                raise KeyboardInterrupt

    summary = study.run(on_event=stop_at_third)
    assert summary.interrupted and summary.exit_code == 130
    # Two finished, the third was running when stopped, five never began.
    expected = {"complete": 2, "failed": 0, "interrupted": 1, "running": 0, "pending": 5}
    assert summary.states == expected
    assert sum(summary.states.values()) == summary.n_cells == 8
    assert {k: v for k, v in expected.items() if v} == stored_states(db)
    assert summary.describe().startswith(
        "8 cells: 2 complete (0 from earlier runs), 0 failed, 1 interrupted, 5 pending;"
    )

    # `bakeoff status` uses the same words and the same numbers.
    status = run_cli("status", "--storage", f"sqlite:///{db}")
    assert status.returncode == 0, status.stderr
    header = next(line for line in status.stdout.splitlines() if "pending" in line)
    row = next(line for line in status.stdout.splitlines() if line.strip("│ ").startswith("tiny"))
    columns = [c.strip() for c in header.strip("┃│ ").split("┃")]
    values = [c.strip() for c in row.strip("│ ").split("│")]
    shown = dict(zip(columns, values, strict=True))
    assert {s: int(shown[s]) for s in CellStatus.ALL} == expected


def test_a_resumed_run_reports_the_cells_from_earlier_runs(tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    spec = tiny_study(storage=f"sqlite:///{db}", budgets=["full"], seeds=1)
    assert bakeoff.Study(**spec).run().exit_code == 0
    summary = bakeoff.Study(**spec).run()
    assert summary.states["complete"] == summary.n_skipped == summary.n_cells == 2
    assert re.match(
        r"2 cells: 2 complete \(2 from earlier runs\), 0 failed, 0 interrupted, "
        r"0 pending;",
        summary.describe(),
    )
