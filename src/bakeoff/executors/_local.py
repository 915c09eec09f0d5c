"""The local executor: cells in this process (n_jobs=1) or in supervised worker processes."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from bakeoff.datasets import Dataset
from bakeoff.executors._base import Executor
from bakeoff.executors._claims import ClaimLoop
from bakeoff.executors._workers import WorkerPool
from bakeoff.protocol import CellOutcome, CellTask, Event, run_cell
from bakeoff.store import CellStatus, Store

__all__ = ["LocalExecutor"]


class LocalExecutor(Executor):
    """Run cells on this machine.

    Each cell is claimed in the store before it runs (see :class:`ClaimLoop`), so any
    number of runners, on this machine or others, can work on one study at once.

    Args:
        n_jobs: Worker processes. Workers are spawned (not forked), so they start clean
            of the parent's threads; a worker that dies (``os._exit``, a segfault, the
            OOM killer) is replaced, and the trial it was running is stored as failed.
            With 1, the cells run one after another in this process, unless
            ``supervised``.
        supervised: Run even a single job's cells in one spawned worker that this
            process watches, so that a crashing model fails its trial, not the run
            (``bakeoff run`` does). It costs the worker's start (its imports, a second
            or two) and the datasets' copy to it. Models and metrics must then come from
            bakeoff or the study's ``imports``, as with n_jobs ≥ 2.
    """

    def __init__(self, n_jobs: int = 1, *, supervised: bool = False) -> None:
        self.n_jobs = n_jobs
        self.supervised = supervised

    def run(
        self,
        tasks: Sequence[CellTask],
        *,
        datasets: dict[str, Dataset],
        storage: str,
        imports: Sequence[str],
        on_event: Callable[[Event], None],
    ) -> tuple[list[CellOutcome], bool]:
        if not tasks:
            return [], False
        with ClaimLoop(storage, tasks, tasks[0].owner, tasks[0].lease_seconds) as claims:
            size = min(self.n_jobs, len(tasks))
            if size == 1 and not self.supervised:
                return _run_inline(claims, datasets, storage, on_event)
            pool = WorkerPool(size, storage=storage, datasets=datasets, imports=list(imports))
            return pool.run(claims, on_event)


def _run_inline(
    claims: ClaimLoop,
    datasets: dict[str, Dataset],
    storage: str,
    on_event: Callable[[Event], None],
) -> tuple[list[CellOutcome], bool]:
    outcomes: list[CellOutcome] = []
    store = Store(storage, migrate_schema=False)
    waiting = False
    try:
        while True:
            task = claims.claim()
            if task is None:
                if not claims.remaining():
                    return outcomes, False
                if not waiting:
                    on_event(_waiting_event(claims))
                    waiting = True
                time.sleep(claims.poll_seconds)
                continue
            waiting = False
            try:
                outcome = run_cell(task, datasets[task.dataset], store, on_event)
            except KeyboardInterrupt:
                store.mark_interrupted(task.cell_id, task.owner)
                claims.done(task, CellStatus.INTERRUPTED)
                return outcomes, True
            claims.done(task, outcome.status, cpu_seconds=outcome.cpu_seconds)
            outcomes.append(outcome)
            if outcome.status == CellStatus.INTERRUPTED:
                return outcomes, True
    except KeyboardInterrupt:
        return outcomes, True
    finally:
        store.close()


def _waiting_event(claims: ClaimLoop) -> Event:
    owners = sorted(set(claims.held_elsewhere()))
    return {"event": "waiting", "key": "", "owners": owners}
