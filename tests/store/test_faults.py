"""Store faults: a file that is not a store, or cannot hold one, is a clear exit 2."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

import bakeoff
from tests.conftest import cli_env, run_cli, tiny_study

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


def unprivileged(*args: str) -> subprocess.CompletedProcess[str]:
    """``bakeoff ARGS`` as a process that file permissions bind, even when run as root.

    Root ignores permissions through two capabilities; dropping them (``setpriv``) makes
    a read-only file read-only for it too, as CI runs as root.
    """
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("needs setpriv (util-linux) to drop root's file capabilities")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"]
    return subprocess.run(
        [*prefix, sys.executable, "-m", "bakeoff", *args],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def small_study(name: str) -> dict:
    return tiny_study(study=name, **SMALL)


def run_into(url: str, name: str) -> None:
    assert bakeoff.Study(**small_study(name)).run(storage=url, progress=False).exit_code == 0


def store_in_read_only_folder(tmp_path: Path) -> Path:
    # No write-ahead log is left beside it: SQLite reads it as immutable.
    made = tmp_path / "made.db"
    run_into(f"sqlite:///{made}", "first")
    run_into(f"sqlite:///{made}", "second")
    folder = tmp_path / "shared"
    folder.mkdir()
    shutil.copy(made, folder / "store.db")
    return folder / "store.db"


def store_with_its_log_in_read_only_folder(tmp_path: Path) -> Path:
    # The second study is only in the write-ahead log: a reader that ignored the log
    # (immutable mode) would not see it.
    made = tmp_path / "made.db"
    run_into(f"sqlite:///{made}", "first")
    folder = tmp_path / "shared"
    folder.mkdir()
    with sqlite3.connect(made) as holder:  # an open connection: the log is not folded in
        holder.execute("select count(*) from bakeoff_cells").fetchone()
        run_into(f"sqlite:///{made}", "second")
        assert Path(f"{made}-wal").stat().st_size > 0
        for suffix in ("", "-wal", "-shm"):
            shutil.copy(f"{made}{suffix}", folder / f"store.db{suffix}")
    return folder / "store.db"


def read_only_file_in_writable_folder(tmp_path: Path) -> Path:
    path = tmp_path / "store.db"
    run_into(f"sqlite:///{path}", "first")
    run_into(f"sqlite:///{path}", "second")
    return path


READ_ONLY = {
    "folder": store_in_read_only_folder,
    "folder, with its log": store_with_its_log_in_read_only_folder,
    "file": read_only_file_in_writable_folder,
}


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
@pytest.mark.parametrize("case", sorted(READ_ONLY))
def test_a_read_only_store_can_still_be_read(tmp_path: Path, case: str) -> None:
    path = READ_ONLY[case](tmp_path)
    url = f"sqlite:///{path}"
    files = sorted(path.parent.glob(path.name + "*"))
    for file in files:
        file.chmod(0o444)
    if case != "file":
        path.parent.chmod(0o555)
    before = {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    try:
        status = unprivileged("status", "--storage", url)
        assert status.returncode == 0, status.stderr
        assert "first" in status.stdout and "second" in status.stdout
        for study in ("first", "second"):
            results = unprivileged("results", study, "--storage", url, "--format", "csv")
            assert results.returncode == 0, results.stderr
            # The header and the study's one cell, complete.
            lines = results.stdout.strip().splitlines()
            assert len(lines) == 2 and lines[1].startswith(f"{study},"), results.stdout
            assert ",complete," in lines[1]
        # A run needs to write: refused with the reason, before touching anything.
        study = path.parent.parent / "study.yaml"
        study.write_text(yaml.safe_dump(small_study("third")))
        run = unprivileged("run", str(study), "--storage", url)
        assert run.returncode == 2, run.stdout + run.stderr
        assert "read-only" in run.stderr and "Traceback" not in run.stderr
        delete = unprivileged("studies", "delete", "first", "--yes", "--storage", url)
        assert delete.returncode == 2, delete.stdout + delete.stderr
        assert "read-only" in delete.stderr and "Traceback" not in delete.stderr
        after = {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
        assert after == before
        if case != "file":  # in a writable folder SQLite may add its empty -shm file
            assert sorted(path.parent.glob(path.name + "*")) == files
    finally:
        path.parent.chmod(0o755)


HOLD_LOCK = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
connection.execute("UPDATE bakeoff_studies SET name = name")
print("locked", flush=True)
time.sleep(120)
"""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="reads /proc/locks")
def test_a_locked_store_names_the_process_holding_it(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    url = f"sqlite:///{path}"
    run_into(url, "first")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        study = tmp_path / "study.yaml"
        study.write_text(yaml.safe_dump(small_study("second")))
        env = {**cli_env(), "BAKEOFF_LOCK_WAIT": "1"}
        run = subprocess.run(
            [sys.executable, "-m", "bakeoff", "run", str(study), "--storage", url],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 2, run.stdout + run.stderr
        message = " ".join(run.stderr.split())
        assert "Traceback" not in run.stderr
        assert f"is locked: process {holder.pid} (" in message
        assert "waited 1 s" in message and "BAKEOFF_LOCK_WAIT" in message
        # Reading does not need the write lock.
        status = subprocess.run(
            [sys.executable, "-m", "bakeoff", "status", "--storage", url],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert status.returncode == 0 and "first" in status.stdout, status.stderr
    finally:
        holder.kill()
        holder.wait()
    # Once the holder is gone, the same run goes through.
    assert bakeoff.Study(**small_study("second")).run(storage=url, progress=False).exit_code == 0
