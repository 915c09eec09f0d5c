"""The Ray side of the Ray executor: one cell as a Ray task, and where its events go.

Imported only by :mod:`bakeoff.executors._ray` once Ray is known to be installed, so
this module may import Ray at the top.

A cell runs in a Ray worker through the very function the local executor's workers
call (:func:`~bakeoff.protocol.run_cell`), so both give the same numbers. Its progress
events go, fire and forget, to an :class:`~bakeoff._ray_events.EventSink` actor that the
driver drains.
"""

from __future__ import annotations

import os
import pickle
import time
from typing import Any

import ray

from bakeoff._registry import import_modules
from bakeoff.datasets import Dataset
from bakeoff.protocol import CellOutcome, CellTask, Event, run_cell
from bakeoff.store import CellStatus, Store

__all__ = ["run_cell_task"]

#: At most how long an event waits in a cell's outbox for others to travel with it.
_SEND_SECONDS = 0.5
_AT_ONCE = frozenset({"cell_started", "trial_started"})

# One store (one connection pool) per worker process and URL: a Ray worker runs many
# cells one after another, and opening an engine for each would cost every cell.
_STORES: dict[str, Store] = {}


def _store(storage: str) -> Store:
    store = _STORES.get(storage)
    if store is None:
        store = _STORES[storage] = Store(storage, migrate_schema=False)
    return store


@ray.remote
def run_cell_task(
    pickled_task: bytes, dataset: Dataset, storage: str, imports: list[str], sink: Any
) -> CellOutcome:
    """Run one claimed cell in this Ray worker; its events go to ``sink``.

    The task comes pickled, to be read only once the study's ``imports`` are: its model
    may be a class they define (as in the local executor's workers). ``dataset``
    arrives from Ray's object store (the driver put it there once). The
    ``cell_started`` event says where the cell runs (Ray node, process, GPUs), so that
    a cell's place in a cluster can be seen, and a test can find the process to kill.
    """
    import_modules(imports)
    task: CellTask = pickle.loads(pickled_task)
    store = _store(storage)
    context = ray.get_runtime_context()
    where = {
        "node": context.get_node_id(),
        "pid": os.getpid(),
        # The GPUs Ray gave this cell (it also sets CUDA_VISIBLE_DEVICES to them).
        "gpus": [str(g) for g in context.get_accelerator_ids().get("GPU", [])],
    }

    outbox = _Outbox(sink, where)
    try:
        outcome = run_cell(task, dataset, store, outbox.emit)
    except KeyboardInterrupt:
        # ray.cancel raised it outside the trial loop (run_cell handles it inside).
        store.mark_interrupted(task.cell_id, task.owner)
        outcome = CellOutcome(task.cell_key, task.label, CellStatus.INTERRUPTED, "interrupted")
    outbox.close()
    return outcome


class _Outbox:
    """A cell's events on their way to the driver's sink, several to a call.

    A ``cell_started`` or ``trial_started`` goes at once, with what waited before it:
    the display shows the cell as running from then on, and the driver must know the
    running trial to record it as crashed if this worker dies. Others (a trial's end, an
    epoch) wait until the next of those, or until ``_SEND_SECONDS`` have passed at the
    next event, or the cell's end.
    """

    def __init__(self, sink: Any, where: dict[str, Any]) -> None:
        self._sink = sink
        self._where = where
        self._waiting: list[Event] = []
        self._sent_at = time.monotonic()

    def emit(self, event: Event) -> None:
        kind = event.get("event")
        if kind == "cell_started":
            event = {**event, **self._where}
        self._waiting.append(event)
        now = time.monotonic()
        if kind in _AT_ONCE or now - self._sent_at >= _SEND_SECONDS:
            self._sink.push.remote(self._waiting)
            self._waiting, self._sent_at = [], now

    def close(self) -> None:
        """Send what waits and return once every event of this cell has arrived."""
        ray.get(self._sink.flush.remote(self._waiting))
        self._waiting = []
