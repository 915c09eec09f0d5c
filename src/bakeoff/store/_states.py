"""The one vocabulary of cell and trial states.

The store writes these words, the run summary counts them, ``bakeoff status`` tabulates
them and ``bakeoff trials --state`` accepts them: nothing else names a state.

A cell is always in exactly one state, so counts over a design's cells sum to its size:

- ``pending``: not started yet (or reset by ``--retry-failed``);
- ``running``: a process is working on it now;
- ``complete``: tuned, refitted and scored; never run again;
- ``failed``: every trial failed, or the refit did; run again with ``--retry-failed``;
- ``interrupted``: stopped mid-tuning (Ctrl-C, a killed process); the next run resumes
  it from its stored trials.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["CellStatus", "TrialState", "count_cell_states"]


class CellStatus:
    """The states of a cell (plain strings, as the store keeps them)."""

    PENDING = "pending"
    RUNNING = "running"
    COMPLETE = "complete"
    FAILED = "failed"
    INTERRUPTED = "interrupted"

    #: Every state, in the order summaries list them.
    ALL: tuple[str, ...] = (COMPLETE, FAILED, INTERRUPTED, RUNNING, PENDING)


class TrialState:
    """The states of a stored trial: Optuna's names for them."""

    COMPLETE = "COMPLETE"
    FAIL = "FAIL"
    PRUNED = "PRUNED"
    INTERRUPTED = "INTERRUPTED"

    #: Every state a stored trial can have.
    ALL: tuple[str, ...] = (COMPLETE, FAIL, PRUNED, INTERRUPTED)
    #: States replayed into a resumed cell's Optuna study; an interrupted trial runs again.
    REPLAYED: tuple[str, ...] = (COMPLETE, FAIL, PRUNED)


def count_cell_states(statuses: Iterable[str]) -> dict[str, int]:
    """How many cells are in each state: every state of :attr:`CellStatus.ALL`, zeros kept.

    Raises:
        ValueError: For a word that is not a cell state (a store written by other code).

    Examples:
        >>> count_cell_states(["complete", "pending", "complete"])["complete"]
        2
    """
    counts = dict.fromkeys(CellStatus.ALL, 0)
    for status in statuses:
        if status not in counts:
            raise ValueError(f"unknown cell state {status!r}; known: {', '.join(CellStatus.ALL)}")
        counts[status] += 1
    return counts
