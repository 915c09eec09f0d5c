"""Ctrl-C stops cleanly: exit 130, no traceback, finished work kept, resume completes."""

from __future__ import annotations

import array
import contextlib
import fcntl
import multiprocessing
import os
import pickle
import re
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
import yaml

from bakeoff.executors._workers import WorkerPool, _StopSignals, _Worker
from tests.conftest import cli_env, run_cli, tiny_study
from tests.helpers import assert_same_numbers, stored_numbers


def slow_study(url: str, n_jobs: int) -> dict:
    return tiny_study(
        study="ctrlc",
        storage=url,
        seeds=1,
        tuning={"method": "random", "n_trials": 15, "cv": 3},
        execution={"n_jobs": n_jobs},
    )


def start_run(path: Path) -> subprocess.Popen[str]:
    """``bakeoff run PATH`` in its own process group, as a terminal would start it."""
    return subprocess.Popen(
        [sys.executable, "-m", "bakeoff", "run", str(path)],
        env=cli_env(),
        start_new_session=True,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def statuses(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as connection:
        return dict(
            connection.execute(
                "select status, count(*) from bakeoff_cells group by status"
            ).fetchall()
        )


def n_trials(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as connection:
            return connection.execute("select count(*) from bakeoff_trials").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


@pytest.mark.slow
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_ctrl_c_marks_running_work_interrupted_and_resumes(tmp_path: Path, n_jobs: int) -> None:
    db = tmp_path / "ctrlc.db"
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(slow_study(f"sqlite:///{db}", n_jobs)))
    process = start_run(path)
    deadline = time.monotonic() + 120
    while n_trials(db) < 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    # Ctrl-C in a terminal signals the whole foreground process group.
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stdout + stderr
    assert "Traceback" not in stderr
    assert "Run the same command again to resume" in stderr
    counts = statuses(db)
    assert "running" not in counts, counts
    assert counts.get("interrupted", 0) >= 1
    # The summary's counts are the store's, and they add up to the design.
    line = next(x for x in stdout.splitlines() if " cells: " in x)
    summary = {
        state: int(n)
        for n, state in re.findall(r"(\d+) (complete|failed|interrupted|pending)", line)
    }
    assert {k: v for k, v in summary.items() if v} == counts, (line, counts)
    assert sum(summary.values()) == int(line.split()[0])
    kept = n_trials(db)
    assert kept >= 5

    # Resume by pasting the command the interrupted run suggested.
    hint = stderr.split("Run the same command again to resume:")[1].split("\n")[0].split()
    assert hint[:3] == ["bakeoff", "run", str(path)], hint
    resumed = run_cli(*hint[1:])
    assert resumed.returncode == 0, resumed.stderr
    reference_url = f"sqlite:///{tmp_path / 'reference.db'}"
    reference = tmp_path / "reference.yaml"
    reference.write_text(yaml.safe_dump(slow_study(reference_url, 1)))
    assert run_cli("run", str(reference)).returncode == 0
    assert_same_numbers(
        stored_numbers("ctrlc", reference_url), stored_numbers("ctrlc", f"sqlite:///{db}")
    )


def test_no_signal_handlers_leak_into_the_parent() -> None:
    # The worker's SIGINT handler is installed in workers only.
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler or os.name != "posix"


def children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


@pytest.mark.slow
def test_ctrl_c_while_workers_are_still_starting_is_clean(tmp_path: Path) -> None:
    # Worker processes take a second or more to import their modules: a Ctrl-C as soon
    # as they exist reaches half-started workers.
    db = tmp_path / "early.db"
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(slow_study(f"sqlite:///{db}", 2)))
    process = start_run(path)
    deadline = time.monotonic() + 120
    # The resource tracker is a child too: wait for it and the first worker.
    while len(children(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.002)
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stdout + stderr
    assert "Traceback" not in stderr, stderr
    assert "running" not in statuses(db)
    assert run_cli("run", str(path)).returncode == 0


@pytest.mark.slow
def test_ctrl_c_while_a_worker_imports_the_study_modules_is_clean(tmp_path: Path) -> None:
    # The worker is signalled in the middle of its imports (a deterministic three-second
    # window): it must neither print a traceback nor start a cell, and the run resumes.
    db = tmp_path / "importing.db"
    marker = tmp_path / "importing"
    path = tmp_path / "study.yaml"
    spec = slow_study(f"sqlite:///{db}", 2)
    spec["imports"] = ["bakeoff_slow_import"]
    path.write_text(yaml.safe_dump(spec))
    process = subprocess.Popen(
        [sys.executable, "-m", "bakeoff", "run", str(path)],
        env={**cli_env(), "BAKEOFF_TEST_IMPORT_MARKER": str(marker)},
        start_new_session=True,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert marker.exists(), "no worker began importing"
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stdout + stderr
    assert "Traceback" not in stderr, stderr
    # No cell ran: the workers stopped before taking their first one.
    assert n_trials(db) == 0
    assert set(statuses(db)) <= {"pending"}, statuses(db)
    assert run_cli("run", str(path)).returncode == 0
    assert statuses(db) == {"complete": 4}


@pytest.mark.slow
def test_sigterm_to_the_runner_ends_the_run_as_ctrl_c_does(tmp_path: Path) -> None:
    # `kill PID`, a scheduler's pre-emption, `docker stop`: the runner alone gets SIGTERM.
    # Its running cells must end interrupted (not stay "running" until their leases
    # expire), and the next run resumes them.
    db = tmp_path / "ctrlc.db"
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(slow_study(f"sqlite:///{db}", 2)))
    process = start_run(path)
    deadline = time.monotonic() + 120
    while n_trials(db) < 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stdout + stderr
    assert "Traceback" not in stderr
    counts = statuses(db)
    assert "running" not in counts, counts
    assert counts.get("interrupted", 0) >= 1
    resumed = run_cli("run", str(path))
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert set(statuses(db)) == {"complete"}


def unread_bytes(connection: Connection) -> int:
    buffer = array.array("i", [0])
    fcntl.ioctl(connection.fileno(), termios.FIONREAD, buffer)
    return buffer[0]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_in_the_middle_of_a_message_waits_until_it_is_read(signum: int) -> None:
    # The runner reads a worker's message in two reads when it is long or arrives in
    # parts. A Ctrl-C (or SIGTERM, which `bakeoff run` turns into one) raised between
    # them once left the rest in the pipe, and the next read failed to unpickle it
    # ("invalid load key"). While the pool runs, the signal is held until the message
    # is read and acted on, then handed to the handler that was there before.
    event = {"event": "progress", "key": "k", "note": "x" * 100_000}
    payload = pickle.dumps(("event", event))
    header = struct.pack("!i", len(payload))
    reader, writer = multiprocessing.Pipe(duplex=False)
    main = threading.main_thread().ident
    assert main is not None
    pool = WorkerPool(1, storage="sqlite://", datasets={}, imports=[])
    worker = _Worker(process=None, connection=reader)

    def write_in_two_parts() -> None:
        os.write(writer.fileno(), header + payload[:1000])
        # Once the pipe is empty the runner has read the first part and is blocked in
        # the read of the rest: the signal lands there.
        deadline = time.monotonic() + 60
        while unread_bytes(reader) and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)
        signal.pthread_kill(main, signum)
        time.sleep(0.3)
        view = memoryview(payload)[1000:]
        with contextlib.suppress(BrokenPipeError):  # the reader gave up (the bug)
            while view:
                view = view[os.write(writer.fileno(), view) :]

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signum, interrupt)
    seen: list[dict] = []
    thread = threading.Thread(target=write_in_two_parts)
    try:
        with _StopSignals() as signals:
            thread.start()
            assert reader.poll(60)
            try:
                outcome = pool._drain(worker, claims=None, on_event=seen.append)  # type: ignore[arg-type]
            except KeyboardInterrupt:
                pytest.fail("the signal was raised in the middle of reading the message")
            assert outcome is None and seen == [event]
            with pytest.raises(KeyboardInterrupt):
                signals.deliver()  # the held signal, to the handler that was there
        assert signal.getsignal(signum) is interrupt
    finally:
        signal.signal(signum, previous)
        reader.close()  # a writer still blocked on a full pipe gets EPIPE and ends
        if thread.is_alive() or thread.ident is not None:
            thread.join()
        writer.close()


def test_a_signal_while_the_pool_only_waits_acts_at_once() -> None:
    main = threading.main_thread().ident
    assert main is not None
    # While it waits (for workers' messages, or for cells held elsewhere) nothing is
    # half done, so Ctrl-C acts at once: inside the sleep, not after it (held, it would
    # come out only when leaving `_StopSignals`, outside pytest.raises).
    sender = threading.Timer(0.2, signal.pthread_kill, args=(main, signal.SIGINT))
    with _StopSignals() as signals:
        with pytest.raises(KeyboardInterrupt), signals.acting_at_once():
            sender.start()
            time.sleep(60)
        assert signal.getsignal(signal.SIGINT) == signals._record
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    sender.join()


def test_a_signal_at_the_very_end_marks_the_run_interrupted_and_raises_nothing() -> None:
    # After the last check and before the pool returns (its workers shutting down): the
    # finished cells must still be returned, with the run marked interrupted, not lost
    # to a KeyboardInterrupt out of `run`.
    with _StopSignals() as signals:
        signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
        time.sleep(0.05)  # the handler runs at the next bytecode; give it a moment anyway
        assert signals.settle() is True
        assert signals.settle() is False
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_worker_interrupted_while_it_sends_finishes_the_message_first() -> None:
    # The other end: a worker's Ctrl-C (the runner forwards one on SIGTERM) that lands
    # while a long event is half written must wait until the event is whole.
    from bakeoff.executors import _workers

    event = {"event": "progress", "key": "k", "note": "x" * 300_000}
    reader, writer = multiprocessing.Pipe(duplex=False)
    main = threading.main_thread().ident
    assert main is not None
    received: list[object] = []

    def read_in_two_parts() -> None:
        first = os.read(reader.fileno(), 1000)  # the writer now blocks on a full pipe
        time.sleep(0.5)
        signal.pthread_kill(main, signal.SIGINT)
        time.sleep(0.3)
        (size,) = struct.unpack("!i", first[:4])
        rest = bytearray(first[4:])
        while len(rest) < size:
            chunk = os.read(reader.fileno(), size - len(rest))
            if not chunk:
                break
            rest += chunk
        received.append(pickle.loads(bytes(rest)) if len(rest) == size else None)

    previous = signal.signal(signal.SIGINT, _workers._on_sigint)
    state = dict(_workers._STATE)
    _workers._STATE.update(running=True, stopping=False, sending=False, owed=False)
    thread = threading.Thread(target=read_in_two_parts)
    thread.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            _workers._send_whole(writer, ("event", event))
    finally:
        signal.signal(signal.SIGINT, previous)
        _workers._STATE.update(state)
        writer.close()  # a reader still waiting for the rest gets end-of-file
        thread.join()
        reader.close()
    assert received == [("event", event)]
