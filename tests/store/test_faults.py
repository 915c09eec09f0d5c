"""Store faults: a file that is not a store, or cannot hold one, is a clear exit 2."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

import bakeoff
from tests.conftest import run_cli, tiny_study

SMALL = dict(
    seeds=1,
    budgets=["full"],
    models=["logistic_regression"],
    tuning={"method": "random", "n_trials": 1, "cv": 2},
)


def random_bytes(path: Path) -> None:
    path.write_bytes(bytes((i * 7919) % 256 for i in range(5000)))


def foreign(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("create table invoices (id integer, amount real)")


def truncated(path: Path) -> None:
    bakeoff.Study(**tiny_study(**SMALL)).run(storage=f"sqlite:///{path}")
    with sqlite3.connect(path) as connection:  # fold the WAL in, so the file is all of it
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


FILES: dict[str, tuple[Callable[[Path], None], str]] = {
    "random bytes": (random_bytes, "not an SQLite database"),
    "someone else's database": (foreign, "other tables (invoices)"),
    "truncated store": (truncated, "damaged"),
}


@pytest.mark.parametrize("case", sorted(FILES))
def test_a_file_that_is_not_a_store_is_refused_and_left_untouched(
    case: str, tmp_path: Path
) -> None:
    make, words = FILES[case]
    db = tmp_path / "store.db"
    make(db)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    study = tmp_path / "study.yaml"
    study.write_text(yaml.safe_dump(tiny_study(**SMALL)))
    for args in (["run", str(study)], ["status", "tiny"], ["results", "tiny"]):
        completed = run_cli(*args, "--storage", f"sqlite:///{db}")
        assert completed.returncode == 2, (case, args, completed.stderr)
        assert "Traceback" not in completed.stderr
        text = " ".join(completed.stderr.split())  # Rich wraps long lines
        assert "store.db" in text and "InternalError" not in text
        assert words in text, text
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("url", ["sqlite:///:memory:", "sqlite://"])
def test_an_in_memory_store_is_refused_for_a_run(url: str) -> None:
    with pytest.raises(bakeoff.StoreError, match="in-memory"):
        bakeoff.Study(**tiny_study(**SMALL)).run(storage=url)


def test_a_store_that_cannot_be_written_is_a_clear_error(tmp_path: Path) -> None:
    study = tmp_path / "study.yaml"
    study.write_text(yaml.safe_dump(tiny_study(**SMALL)))
    completed = run_cli("run", str(study), "--storage", "sqlite:////dev/null")
    assert completed.returncode == 2, completed.stderr
    text = " ".join(completed.stderr.split())
    assert "Traceback" not in text and "/dev/null" in text
