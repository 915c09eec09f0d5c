"""The claim loop every executor shares: which cell to run next, and keeping its lease.

A runner does not own a fixed list of cells. It asks the store for the next cell nobody
holds (:meth:`ClaimLoop.claim`), runs it, and asks again; a thread renews the leases of
the cells it holds. When every cell left is held by another runner, it waits
(:meth:`ClaimLoop.remaining`) and takes over any whose runner died (lease expired), so
that a runner ends only when the whole study has.

Two things hold a cell back: its warm-start siblings (``CellTask.warm_from``) must be
settled first, so that what it starts from does not depend on timing; and once the run
has used ``execution.max_cpu_seconds`` of CPU, no further cell is claimed (those left
stay pending, and :attr:`ClaimLoop.budget_spent` says so).

Cells are claimed largest training budget first (``full`` first), in id order within a
budget: the longest cells start early and the run ends on short ones, instead of one
core working through a last long cell while the others idle (the "longest processing
time first" rule of list scheduling). A cell's result does not depend on when it runs.
"""

from __future__ import annotations

import collections
import dataclasses
import threading
from collections.abc import Iterator, Sequence

from bakeoff._budgets import budget_number
from bakeoff.protocol import CellTask
from bakeoff.store import CellStatus, Store

__all__ = ["ClaimLoop"]

_SETTLED = (CellStatus.COMPLETE, CellStatus.FAILED)

#: Cells offered to the store per claim query. Asking for every open cell at once made
#: each claim cost grow with the study (20,000 ids bound into each query and every
#: claimable one read back); the lowest open ids come first, so the first chunk nearly
#: always holds the cell claimed.
CLAIM_CHUNK = 64


class ClaimLoop:
    """Claims the cells of ``tasks`` one at a time for ``owner`` and keeps them leased.

    Args:
        storage: The store's URL.
        tasks: The cells this run may work on (those not complete when it started).
        owner: This runner's claim token.
        lease_seconds: Length of a lease; renewed every third of it.
    """

    def __init__(
        self, storage: str, tasks: Sequence[CellTask], owner: str, lease_seconds: float
    ) -> None:
        self._tasks = {t.cell_id: t for t in tasks}
        self._open = set(self._tasks)
        self._sizes = {cell_id: _size(task.budget) for cell_id, task in self._tasks.items()}
        # The open cells in claiming order (see the module's docstring); settled ones
        # are dropped from its front as claims pass them.
        self._order = collections.deque(sorted(self._tasks, key=self._rank))
        self._held: set[int] = set()
        self._lock = threading.Lock()
        self.owner = owner
        self.lease_seconds = lease_seconds
        self._store = Store(storage, migrate_schema=False)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew_forever, daemon=True)
        self._thread.start()
        first = next(iter(tasks), None)
        self.cpu_budget = first.max_cpu_seconds if first is not None else None
        self.cpu_spent = 0.0
        self.budget_spent = False

    @property
    def poll_seconds(self) -> float:
        """How long to wait before looking again for cells other runners hold."""
        return min(5.0, self.lease_seconds / 4)

    def claim(self) -> CellTask | None:
        """Claim the next open cell; None if every open cell is held elsewhere or done."""
        if self.cpu_budget is not None and self.cpu_spent >= self.cpu_budget:
            self.budget_spent = True
            return None
        cell_id = self._claim_first()
        if cell_id is None:
            with self._lock:
                candidates = self._ready(sorted(self._open - self._held))
            if self._store.expire_dead_local_leases(candidates, self.owner):
                cell_id = self._claim_first()
        if cell_id is None:
            return None
        with self._lock:
            self._held.add(cell_id)
        task = self._tasks[cell_id]
        if self.cpu_budget is not None:
            task = dataclasses.replace(task, cpu_seconds_left=self.cpu_budget - self.cpu_spent)
        return task

    def _rank(self, cell_id: int) -> tuple[float, int]:
        return -self._sizes[cell_id], cell_id

    def _claim_first(self) -> int | None:
        """Claim the first open cell in claiming order that is ready and claimable."""
        for chunk in self._chunks():
            cell_id = self._store.claim_next(chunk, self.owner, lease_seconds=self.lease_seconds)
            if cell_id is not None:
                return cell_id
        return None

    def _chunks(self) -> Iterator[list[int]]:
        """The open cells this runner does not hold and that are ready.

        In claiming order, at most :data:`CLAIM_CHUNK` at a time, and each chunk of one
        budget: the store claims the lowest id of a chunk.

        Only the claiming thread changes ``_order`` and ``_open``; the renewal thread
        reads ``_held`` only, so membership is read here without copying anything.
        """
        while self._order and self._order[0] not in self._open:
            self._order.popleft()
        chunk: list[int] = []
        size = None
        for cell_id in self._order:
            if cell_id not in self._open or cell_id in self._held:
                continue
            cell_size = self._sizes[cell_id]
            if chunk and (cell_size != size or len(chunk) == CLAIM_CHUNK):
                ready = self._ready(chunk)
                if ready:
                    yield ready
                chunk = []
            chunk.append(cell_id)
            size = cell_size
        ready = self._ready(chunk) if chunk else []
        if ready:
            yield ready

    def _ready(self, candidates: list[int]) -> list[int]:
        """The candidates whose warm-start siblings are all settled."""
        waiting_on = {p for c in candidates for p in self._tasks[c].warm_from}
        if not waiting_on:
            return candidates
        statuses = self._store.cell_statuses(sorted(waiting_on))
        return [
            c
            for c in candidates
            if all(statuses.get(p) in _SETTLED for p in self._tasks[c].warm_from)
        ]

    def done(self, task: CellTask, status: str, *, cpu_seconds: float = 0.0) -> None:
        """Stop renewing the lease of a cell whose run here ended.

        The cell's run here ended with ``status`` after ``cpu_seconds`` of CPU.
        """
        self.cpu_spent += cpu_seconds
        with self._lock:
            self._held.discard(task.cell_id)
            if status in _SETTLED:
                self._open.discard(task.cell_id)

    def remaining(self) -> int:
        """Cells of this run not yet complete or failed, whoever holds them.

        None once the CPU budget is spent and this runner holds no cell.
        """
        if self.budget_spent and not self._held:
            return 0
        with self._lock:
            ids = sorted(self._open)
        statuses = self._store.cell_statuses(ids)
        with self._lock:
            for cell_id, status in statuses.items():
                if status in _SETTLED and cell_id not in self._held:
                    self._open.discard(cell_id)
            return len(self._open)

    def held_elsewhere(self) -> list[str]:
        """Owners of the open cells other runners hold right now."""
        with self._lock:
            ids = sorted(self._open - self._held)
        return self._store.held_elsewhere(ids, self.owner)

    def close(self) -> None:
        """Stop renewing leases, give up any cell still held, and close the store."""
        self._stop.set()
        self._thread.join()
        with self._lock:
            left = sorted(self._held)
            self._held.clear()
        for cell_id in left:
            # Normally none: each cell's run ends it. After an unexpected error, the
            # cell is freed at once instead of when its lease runs out.
            self._store.mark_interrupted(cell_id, self.owner)
        self._store.close()

    def __enter__(self) -> ClaimLoop:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _renew_forever(self) -> None:
        while not self._stop.wait(self.lease_seconds / 3):
            with self._lock:
                held = sorted(self._held)
            if not held:
                continue
            try:
                self._store.renew_leases(held, self.owner, lease_seconds=self.lease_seconds)
            except Exception:  # a missed renewal is retried; the lease has slack
                continue


def _size(budget: int | str) -> float:
    try:
        return budget_number(budget)
    except ValueError:  # not a budget the spec allows; no reason to hold it back
        return 0.0
