"""The local executor: cells in this process (n_jobs=1) or in a pool of worker processes."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from bakeoff._registry import import_modules
from bakeoff.datasets import Dataset
from bakeoff.executors._base import Executor
from bakeoff.protocol import CellOutcome, CellTask, Event, run_cell
from bakeoff.store import CellStatus, Store

__all__ = ["LocalExecutor"]


class LocalExecutor(Executor):
    """Run cells on this machine.

    Args:
        n_jobs: Worker processes. With 1, cells run one after another in this process.
            Workers are spawned (not forked), so they start clean of the parent's threads.
    """

    def __init__(self, n_jobs: int = 1) -> None:
        self.n_jobs = n_jobs

    def run(
        self,
        tasks: Sequence[CellTask],
        *,
        datasets: dict[str, Dataset],
        storage: str,
        imports: Sequence[str],
        on_event: Callable[[Event], None],
    ) -> tuple[list[CellOutcome], bool]:
        if self.n_jobs == 1 or len(tasks) <= 1:
            return self._run_inline(tasks, datasets, storage, on_event)
        return self._run_pool(tasks, datasets, storage, imports, on_event)

    @staticmethod
    def _run_inline(
        tasks: Sequence[CellTask],
        datasets: dict[str, Dataset],
        storage: str,
        on_event: Callable[[Event], None],
    ) -> tuple[list[CellOutcome], bool]:
        outcomes: list[CellOutcome] = []
        store = Store(storage, migrate_schema=False)
        try:
            for task in tasks:
                try:
                    outcome = run_cell(task, datasets[task.dataset], store, on_event)
                except KeyboardInterrupt:
                    store.mark_interrupted(task.cell_id)
                    return outcomes, True
                outcomes.append(outcome)
                if outcome.status == CellStatus.INTERRUPTED:
                    return outcomes, True
        finally:
            store.close()
        return outcomes, False

    def _run_pool(
        self,
        tasks: Sequence[CellTask],
        datasets: dict[str, Dataset],
        storage: str,
        imports: Sequence[str],
        on_event: Callable[[Event], None],
    ) -> tuple[list[CellOutcome], bool]:
        context = multiprocessing.get_context("spawn")
        events: Any = context.Queue()
        stop = context.Event()
        drainer = threading.Thread(target=_drain, args=(events, on_event), daemon=True)
        drainer.start()
        outcomes: list[CellOutcome] = []
        interrupted = False
        pool = ProcessPoolExecutor(
            max_workers=min(self.n_jobs, len(tasks)),
            mp_context=context,
            initializer=_init_worker,
            initargs=(storage, datasets, events, stop, list(imports)),
        )
        pending: set[Future[CellOutcome]] = set()
        try:
            # Workers are started by submit(), with SIGINT held back until they are
            # ready for it (see _sigint_held).
            with _sigint_held():
                pending = {pool.submit(_run_in_worker, task) for task in tasks}
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    outcome = future.result()
                    outcomes.append(outcome)
                    # A cell left pending means its worker was told to stop.
                    interrupted |= outcome.status in (CellStatus.INTERRUPTED, CellStatus.PENDING)
                if interrupted:
                    break
        except KeyboardInterrupt:
            interrupted = True
        if interrupted:
            stop.set()
            for future in pending:
                future.cancel()
            # Workers share the terminal's process group and usually got the signal
            # too; tell them anyway in case only the parent was signalled.
            for process in list(getattr(pool, "_processes", {}).values()):
                with contextlib.suppress(ProcessLookupError, TypeError):
                    os.kill(process.pid, signal.SIGINT)
            for future in pending:
                if not future.cancelled():
                    with contextlib.suppress(Exception):
                        outcomes.append(future.result())
        pool.shutdown(wait=True, cancel_futures=True)
        events.put(None)
        drainer.join()
        return outcomes, interrupted


def _drain(events: Any, on_event: Callable[[Event], None]) -> None:
    while True:
        event = events.get()
        if event is None:
            return
        on_event(event)


_WORKER: dict[str, Any] = {}


@contextlib.contextmanager
def _sigint_held() -> Iterator[None]:
    """Start worker processes without a Ctrl-C tearing them (or their start) apart.

    Inside, SIGINT is blocked in this thread, and processes started here inherit the
    mask: a worker imports its modules for a second or more before it can handle a
    Ctrl-C, so it keeps one pending until ``_init_worker`` has installed its handler
    and unblocks it. This process may still be signalled through its other threads; a
    Ctrl-C then is only recorded, and raised on leaving, so that no worker is left
    half-started (reading a truncated start-up message).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


def _init_worker(
    storage: str, datasets: dict[str, Dataset], events: Any, stop: Any, imports: list[str]
) -> None:
    import_modules(imports)
    _WORKER.update(storage=storage, datasets=datasets, events=events, stop=stop, running=False)
    signal.signal(signal.SIGINT, _on_sigint)
    # A Ctrl-C held back while this worker started is delivered now, to _on_sigint.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _on_sigint(signum: int, frame: Any) -> None:
    # Interrupt a running cell once (it records its trial as interrupted); while idle,
    # only remember to start no more cells, so the pool itself is not torn down.
    already = _WORKER.get("stopping")
    _WORKER["stopping"] = True
    if _WORKER.get("running") and not already:
        raise KeyboardInterrupt


def _interrupted(task: CellTask) -> CellOutcome:
    return CellOutcome(task.cell_key, task.label, CellStatus.INTERRUPTED, error="interrupted")


def _not_started(task: CellTask) -> CellOutcome:
    # The store still says pending: the run stopped before this cell began.
    return CellOutcome(task.cell_key, task.label, CellStatus.PENDING)


def _run_in_worker(task: CellTask) -> CellOutcome:
    if _WORKER.get("stopping") or _WORKER["stop"].is_set():
        return _not_started(task)
    store = _WORKER.get("store")
    if store is None:
        store = _WORKER["store"] = Store(_WORKER["storage"], migrate_schema=False)
    _WORKER["running"] = True
    try:
        return run_cell(task, _WORKER["datasets"][task.dataset], store, _WORKER["events"].put)
    except KeyboardInterrupt:
        # Landed outside the trial loop (while the cell started or stored its result);
        # _on_sigint raises only once, so this bookkeeping is not interrupted again.
        store.mark_interrupted(task.cell_id)
        return _interrupted(task)
    finally:
        _WORKER["running"] = False
