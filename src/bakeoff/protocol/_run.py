"""Which protocol runs a cell: the dataset's task kind picks it."""

from __future__ import annotations

from collections.abc import Callable

from bakeoff.datasets import Dataset
from bakeoff.exceptions import LeaseLostError
from bakeoff.protocol._cell import LOST, CellOutcome, Event, run_supervised_cell
from bakeoff.protocol._synthesis import run_synthesis_cell
from bakeoff.protocol._task import CellTask
from bakeoff.protocol._tuner import cpu_seconds
from bakeoff.store import Store

__all__ = ["run_cell"]

_PROTOCOLS = {"synthesis": run_synthesis_cell}


def run_cell(
    task: CellTask, dataset: Dataset, store: Store, emit: Callable[[Event], None]
) -> CellOutcome:
    """Run (or resume) one cell and store everything it produces.

    Classification and regression cells tune an estimator on inner folds and score its
    predictions on the test rows; synthesis cells tune a generator on a validation
    split carved from the training rows and score the table it samples against the
    test rows (:func:`~bakeoff.protocol._synthesis.run_synthesis_cell`).

    The executor has claimed the cell for ``task.owner``; every write is conditional
    on still holding it, and a cell another runner took over meanwhile ends as
    :data:`LOST` with nothing more written.

    Never raises for a failure of the model: failed trials and cells are stored and
    reported in the returned outcome. A ``KeyboardInterrupt`` during a trial marks the
    trial and the cell interrupted and returns.
    """
    protocol = _PROTOCOLS.get(str(dataset.task), run_supervised_cell)
    cpu_start = cpu_seconds()
    try:
        outcome = protocol(task, dataset, store, emit)
    except LeaseLostError as exc:
        emit({"event": "cell_finished", "key": task.cell_key, "status": LOST, "error": str(exc)})
        outcome = CellOutcome(task.cell_key, task.label, LOST, error=str(exc))
    outcome.cpu_seconds = cpu_seconds() - cpu_start
    return outcome
