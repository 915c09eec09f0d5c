"""Supervised worker processes: cells run in them, and their deaths are accounted for.

The parent claims cells (:class:`~bakeoff.executors._claims.ClaimLoop`) and hands one at
a time to each worker over a pipe; events and the outcome come back the same way. The
parent watches each worker's process: one that dies while running a cell (a segfault in
a model, ``os._exit``, the OOM killer) does not take the run down. The trial it was
running is stored as failed with the reason, the cell is freed, and a fresh worker goes
on with it, replaying that failed trial instead of asking for the same configuration
again. A death outside any trial (while loading or refitting) fails the cell.

Workers die with their parent: Linux kills them when it goes (``PR_SET_PDEATHSIG``), and
each also watches its parent's pid, so a parent killed with SIGKILL leaves no worker
writing to the store behind it.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from multiprocessing.connection import Connection, wait
from typing import Any

from bakeoff._registry import import_modules
from bakeoff.datasets import Dataset
from bakeoff.exceptions import BakeoffError
from bakeoff.executors._claims import ClaimLoop
from bakeoff.executors._spawn import QuietStartProcess
from bakeoff.protocol import CellOutcome, CellTask, Event, run_cell
from bakeoff.protocol._isolation import exit_reason
from bakeoff.store import CellStatus, Store, TrialRecord

__all__ = ["WorkerPool", "die_with_parent"]

_PR_SET_PDEATHSIG = 1


#: A worker is handed its next cell while it runs one only when cells are this short
#: (seconds, the mean of those it ran): then the claim and the hand-off, about a
#: millisecond, are a share of each cell worth hiding. With longer cells a cell waiting
#: behind a running one could leave another worker idle at the study's end.
PREFETCH_BELOW_SECONDS = 0.5


@dataclass
class _Worker:
    process: Any
    connection: Connection
    task: CellTask | None = None
    #: Claimed and sent while ``task`` runs; the worker starts it when ``task`` ends.
    queued: CellTask | None = None
    trial: Event | None = None
    trial_since: datetime | None = None
    #: Seconds and count of the cells it ran, for the prefetch rule.
    busy_seconds: float = 0.0
    cells_run: int = 0
    task_since: float = 0.0


class WorkerPool:
    """Up to ``size`` spawned workers running the cells a :class:`ClaimLoop` hands out.

    Args:
        size: The most workers at once.
        storage: The store's URL.
        datasets: The loaded datasets, by name (sent to each worker once).
        imports: Modules each worker imports first (the study's ``imports``).
    """

    def __init__(
        self, size: int, *, storage: str, datasets: dict[str, Dataset], imports: list[str]
    ) -> None:
        self.size = size
        self.storage = storage
        self.datasets = datasets
        self.imports = imports
        self._context = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []
        # Set on Ctrl-C: a worker that was still starting (and so ignored the signal)
        # reads it once it can stop cleanly, and gives its first cell back.
        self._stop = self._context.Event()
        self._signals = _StopSignals()

    def run(
        self, claims: ClaimLoop, on_event: Callable[[Event], None]
    ) -> tuple[list[CellOutcome], bool]:
        """Run cells until none is left to claim or wait for; (outcomes, interrupted)."""
        outcomes: list[CellOutcome] = []
        interrupted = False
        waiting = False
        store = Store(self.storage, migrate_schema=False)
        signals = self._signals
        with signals:
            try:
                while True:
                    try:
                        signals.deliver()
                        if not interrupted:
                            self._hand_out(claims)
                        busy = [w for w in self._workers if w.task is not None]
                        if not busy:
                            if interrupted or not claims.remaining():
                                signals.deliver()  # one that came meanwhile still counts
                                break
                            if not waiting:
                                owners = sorted(set(claims.held_elsewhere()))
                                on_event({"event": "waiting", "key": "", "owners": owners})
                                waiting = True
                            with signals.acting_at_once():
                                time.sleep(claims.poll_seconds)
                            continue
                        waiting = False
                        ended = self._step(busy, claims, store, on_event, interrupted)
                        outcomes += ended
                        # A cell given back pending means its worker was told to stop.
                        stopped = (CellStatus.INTERRUPTED, CellStatus.PENDING)
                        interrupted |= any(o.status in stopped for o in ended)
                    except KeyboardInterrupt:
                        interrupted = True
                        self._stop.set()
                        # Workers share the terminal's process group and usually got the
                        # signal too; tell them anyway in case only the parent was
                        # signalled.
                        for worker in self._workers:
                            if worker.task is not None and worker.process.pid:
                                with contextlib.suppress(ProcessLookupError):
                                    os.kill(worker.process.pid, signal.SIGINT)
            finally:
                # Still held: a second Ctrl-C must not cut the workers' shutdown short.
                self._shutdown()
                store.close()
            # One that came at the very end asks to stop, as one a moment earlier would.
            interrupted |= signals.settle()
        return outcomes, interrupted

    def _hand_out(self, claims: ClaimLoop) -> None:
        while True:
            # Between hand-outs, not during one: a claimed cell is always sent.
            self._signals.deliver()
            worker = next((w for w in self._workers if w.task is None), None)
            if worker is None:
                if len(self._workers) >= self.size:
                    break
                # Started before claiming, so that a Ctrl-C during the start leaves no
                # cell claimed without a worker.
                worker = self._start()
            task = claims.claim()
            if task is None:
                return
            worker.connection.send(task)
            worker.task, worker.trial = task, None
            worker.task_since = time.monotonic()
        # Tiny cells: the next one waits in the worker's pipe, so that the worker goes on
        # at once instead of waiting for this process to see its outcome and claim (the
        # claim runs here, on the other core, while the worker computes). Not under a
        # CPU budget: each claim is given what is left of it when claimed.
        if claims.cpu_budget is not None:
            return
        for worker in self._workers:
            if worker.task is None or worker.queued is not None or not _prefetching(worker):
                continue
            task = claims.claim()
            if task is None:
                return
            worker.connection.send(task)
            worker.queued = task

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = QuietStartProcess(
            target=_worker_main,
            args=(child, self.storage, self.datasets, self.imports, os.getpid(), self._stop),
            # Not a daemon: a daemonic process may not start children, and a worker
            # forks one per trial under tuning.trial_timeout / trial_memory. _shutdown
            # ends every worker, and die_with_parent covers a parent that is killed.
            daemon=False,
        )
        with _sigint_blocked():
            process.start()
            child.close()
            worker = _Worker(process, parent)
            self._workers.append(worker)
        return worker

    def _step(
        self,
        busy: list[_Worker],
        claims: ClaimLoop,
        store: Store,
        on_event: Callable[[Event], None],
        interrupted: bool,
    ) -> list[CellOutcome]:
        handles: list[Any] = [w.connection for w in busy] + [w.process.sentinel for w in busy]
        with self._signals.acting_at_once():
            ready = set(wait(handles, timeout=claims.poll_seconds))
        ended: list[CellOutcome] = []
        for worker in busy:
            if worker.connection in ready or worker.process.sentinel in ready:
                outcome = self._drain(worker, claims, on_event)
                if outcome is not None:
                    ended.append(outcome)
            if worker.task is not None and not worker.process.is_alive():
                outcome = self._drain(worker, claims, on_event)  # what it sent before dying
                if outcome is not None:
                    ended.append(outcome)
                    continue
                buried = self._bury(worker, claims, store, on_event, interrupted)
                if buried is not None:
                    ended.append(buried)
        return ended

    def _drain(
        self, worker: _Worker, claims: ClaimLoop, on_event: Callable[[Event], None]
    ) -> CellOutcome | None:
        try:
            while worker.connection.poll():
                message = self._read_one(worker, claims, on_event)
                if message is not None:
                    return message
        except (EOFError, OSError):
            pass  # the worker died; _bury accounts for it
        return None

    def _read_one(
        self, worker: _Worker, claims: ClaimLoop, on_event: Callable[[Event], None]
    ) -> CellOutcome | None:
        """Read and act on one message: an event (None) or the cell's outcome."""
        kind, payload = worker.connection.recv()
        if kind == "event":
            if payload["event"] == "trial_started":
                worker.trial, worker.trial_since = payload, datetime.now(timezone.utc)
                return None
            if payload["event"] == "trial":
                worker.trial = None
            on_event(payload)
            return None
        assert kind == "outcome" and worker.task is not None
        claims.done(worker.task, payload.status, cpu_seconds=payload.cpu_seconds)
        now = time.monotonic()
        worker.busy_seconds += now - worker.task_since
        worker.cells_run += 1
        # The worker starts its queued cell (if any) as soon as it sent this.
        worker.task, worker.queued, worker.trial = worker.queued, None, None
        worker.task_since = now
        return payload  # type: ignore[no-any-return]

    def _bury(
        self,
        worker: _Worker,
        claims: ClaimLoop,
        store: Store,
        on_event: Callable[[Event], None],
        interrupted: bool,
    ) -> CellOutcome | None:
        """Account for a worker that died while it held a cell, and forget it.

        Returns the cell's outcome, or None when the cell goes on (its crashed trial is
        stored as failed, and the cell is free to claim again).
        """
        task = worker.task
        assert task is not None
        self._workers.remove(worker)
        worker.connection.close()
        if worker.queued is not None:  # never started: pending again, for any worker
            with contextlib.suppress(BakeoffError):
                store.unclaim(worker.queued.cell_id, worker.queued.owner)
            claims.done(worker.queued, CellStatus.PENDING)
            worker.queued = None
        reason = f"the worker process running it {exit_reason(worker.process.exitcode)}"
        status = CellStatus.INTERRUPTED
        error = reason
        try:
            if interrupted:
                store.mark_interrupted(task.cell_id, task.owner)
            elif worker.trial is not None:
                _store_crashed_trial(store, task, worker.trial, worker.trial_since, reason)
                on_event(
                    {
                        "event": "trial",
                        "key": task.cell_key,
                        "number": worker.trial["number"],
                        "state": "FAIL",
                        "best": None,
                        "n_trials": task.n_trials,
                    }
                )
                # Freed, not failed: a fresh worker resumes it past the failed trial.
                store.mark_interrupted(task.cell_id, task.owner, error=reason)
                status = "crashed"
            else:
                error = f"{reason} outside any trial (while loading, replaying or refitting)"
                store.end_cell(task.cell_id, CellStatus.FAILED, task.owner, error=error)
                status = CellStatus.FAILED
        except BakeoffError:
            pass  # another runner holds the cell now; it is theirs to account for
        claims.done(task, status)
        if status == "crashed":
            return None
        on_event({"event": "cell_finished", "key": task.cell_key, "status": status, "error": error})
        return CellOutcome(task.cell_key, task.label, status, error=error)

    def _shutdown(self) -> None:
        for worker in self._workers:
            with contextlib.suppress(OSError, BrokenPipeError):
                worker.connection.send(None)
        deadline = time.monotonic() + 30
        for worker in self._workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.connection.close()
        self._workers.clear()


def _prefetching(worker: _Worker) -> bool:
    """Whether ``worker``'s cells are short enough to hand it the next one early."""
    return worker.cells_run > 0 and worker.busy_seconds / worker.cells_run < PREFETCH_BELOW_SECONDS


def _store_crashed_trial(
    store: Store, task: CellTask, trial: Event, since: datetime | None, reason: str
) -> None:
    now = datetime.now(timezone.utc)
    started = since or now
    record = TrialRecord(
        number=int(trial["number"]),
        state="FAIL",
        params=dict(trial["params"]),
        distributions=dict(trial["distributions"]),
        values=None,
        started_at=started,
        finished_at=now,
        duration=(now - started).total_seconds(),
        error=f"{reason} during this trial; it is kept as failed and not run again.",
    )
    with store.trial_writer(task.cell_id, task.owner) as writer:
        writer.write(record)


def die_with_parent(parent_pid: int) -> None:
    """Make this process end when ``parent_pid`` does (it must be the parent).

    On Linux the kernel sends SIGKILL when the parent dies (``PR_SET_PDEATHSIG``); on
    every system a daemon thread also checks the parent's pid twice a second.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # it died before the line above took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, daemon=True, name="bakeoff-parent-watch").start()


class _StopSignals:
    """Ctrl-C and SIGTERM in the pool's loop: acted on at once while it waits, else held.

    A signal raised anywhere would tear a step apart: halfway through reading a worker's
    message (the rest stays in the pipe, and the next read unpickles it from the wrong
    byte: "invalid load key"), between claiming a cell and sending it, or after a cell's
    outcome was counted but before it was kept. So, while the pool runs, both signals are
    only recorded; :meth:`deliver`, called between steps, hands each to the handler that
    was there before (the CLI's turns SIGTERM into KeyboardInterrupt; Python's default
    SIGINT handler raises it; a default SIGTERM still ends the process), and while the
    loop only waits (:meth:`acting_at_once`) they go through at once.
    """

    _HELD = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self._previous: dict[int, Any] = {}
        self._pending: list[int] = []
        self._at_once = False

    def __enter__(self) -> _StopSignals:
        if threading.current_thread() is not threading.main_thread():
            return self  # only the main thread may set handlers; signals reach it alone
        try:
            for signum in self._HELD:
                previous = signal.getsignal(signum)
                # None: set outside Python, cannot be restored; SIG_IGN: nothing to hold
                # (and workers started meanwhile inherit it).
                if previous not in (None, signal.SIG_IGN):
                    self._previous[signum] = signal.signal(signum, self._record)
        except BaseException:
            self._restore()  # a signal that came between the two: leave nothing swapped
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._pending = []  # settle() has dealt with them, or an error is on its way
        self._restore()

    def _restore(self) -> None:
        previous, self._previous = self._previous, {}
        try:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        finally:
            self._at_once = False

    def _record(self, signum: int, frame: Any) -> None:
        self._pending.append(signum)
        if self._at_once:
            self.deliver()

    def deliver(self) -> None:
        """Hand each signal held so far to its previous handler (which may raise)."""
        while self._pending:
            # SIGTERM first: under a default handler it ends the process, whatever
            # a Ctrl-C raises.
            signum = max(self._pending, key=lambda number: number == signal.SIGTERM)
            self._pending = [number for number in self._pending if number != signum]
            handler = self._previous.get(signum)
            if callable(handler):
                handler(signum, None)
            elif handler == signal.SIG_DFL:
                # Only this one: a Ctrl-C now must not get in before the process ends.
                del self._previous[signum]
                signal.signal(signum, signal.SIG_DFL)
                signal.raise_signal(signum)

    def settle(self) -> bool:
        """At the end of the run: whether a signal held asks to stop; drop them.

        A default SIGTERM still ends the process; a Python handler is not called, as
        the run ends anyway and its caller reports it interrupted.
        """
        pending, self._pending = self._pending, []
        for signum in dict.fromkeys(pending):
            if self._previous.get(signum) == signal.SIG_DFL:
                del self._previous[signum]
                signal.signal(signum, signal.SIG_DFL)
                signal.raise_signal(signum)
        return bool(pending)

    @contextlib.contextmanager
    def acting_at_once(self) -> Iterator[None]:
        """While only waiting (nothing half-read or half-sent), let signals act at once."""
        self._at_once = True
        try:
            self.deliver()
            yield
        finally:
            self._at_once = False


@contextlib.contextmanager
def _sigint_blocked() -> Iterator[None]:
    """Start a worker with SIGINT blocked, so that the worker inherits the mask.

    The worker ignores SIGINT until it has imported its modules
    (:class:`~bakeoff.executors._spawn.QuietStartProcess`); then it installs its handler,
    unblocks SIGINT and reads the pool's stop event, which this process sets on a Ctrl-C
    that reached the worker while it could not yet act on it.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


_STATE: dict[str, Any] = {"running": False, "stopping": False, "sending": False, "owed": False}


def _on_sigint(signum: int, frame: Any) -> None:
    # Interrupt a running cell once (it records its trial as interrupted); while idle,
    # only remember to start no more cells.
    already = _STATE["stopping"]
    _STATE["stopping"] = True
    if _STATE["running"] and not already:
        if _STATE["sending"]:
            _STATE["owed"] = True  # raised by _send_whole once the message is out
        else:
            raise KeyboardInterrupt


def _send_whole(connection: Connection, message: Any) -> None:
    """Send ``message``; a Ctrl-C meanwhile is raised after it, not halfway through.

    A message cut off in the pipe would make the runner unpickle the next one from the
    wrong byte.
    """
    _STATE["sending"] = True
    try:
        connection.send(message)
    finally:
        _STATE["sending"] = False
    if _STATE["owed"]:
        _STATE["owed"] = False
        raise KeyboardInterrupt


def _not_started(task: CellTask) -> CellOutcome:
    return CellOutcome(task.cell_key, task.label, CellStatus.PENDING)


def _interrupted(task: CellTask) -> CellOutcome:
    return CellOutcome(task.cell_key, task.label, CellStatus.INTERRUPTED, error="interrupted")


def _worker_main(
    connection: Connection,
    storage: str,
    datasets: dict[str, Dataset],
    imports: list[str],
    parent_pid: int,
    stop: Any,
) -> None:
    die_with_parent(parent_pid)
    import_modules(imports)
    signal.signal(signal.SIGINT, _on_sigint)
    # Depending on how the standard library forked it, this process may also have
    # inherited the parent's blocked SIGINT mask: a signal held there is delivered now.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    # A Ctrl-C that came while SIGINT was still ignored here reached the parent too.
    if stop.is_set():
        _STATE["stopping"] = True
    store = Store(storage, migrate_schema=False)

    def emit(event: Event) -> None:
        _send_whole(connection, ("event", event))

    try:
        while True:
            try:
                task = connection.recv()
            except (EOFError, OSError):
                return
            if task is None:
                return
            if _STATE["stopping"]:
                # Told to stop before this cell began: the store says pending again.
                store.unclaim(task.cell_id, task.owner)
                connection.send(("outcome", _not_started(task)))
                continue
            _STATE["running"] = True
            try:
                outcome = run_cell(task, datasets[task.dataset], store, emit)
            except KeyboardInterrupt:
                # Landed outside the trial loop (while the cell started or stored its
                # result); _on_sigint raises only once, so this is not interrupted again.
                store.mark_interrupted(task.cell_id, task.owner)
                outcome = _interrupted(task)
            finally:
                _STATE["running"] = False
            connection.send(("outcome", outcome))
    finally:
        store.close()
