"""The Executor contract: run cells, report events, return outcomes."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence

from bakeoff.datasets import Dataset
from bakeoff.protocol import CellOutcome, CellTask, Event

__all__ = ["Executor"]


class Executor(ABC):
    """Runs cells somewhere; only calls the protocol and writes to the store.

    Implementations must call ``on_event`` in the calling process (the parent owns the
    progress display), keep running other cells when one fails, and on
    ``KeyboardInterrupt`` stop starting cells, let running ones record their interrupted
    trial, and return what finished.
    """

    def prepare(self, storage: str) -> None:  # noqa: B027  (optional hook)
        """Get ready to run on ``storage``, before the study touches it.

        Connect, and refuse (with a :class:`~bakeoff.exceptions.BakeoffError`) what cannot
        work.
        """

    def close(self) -> None:  # noqa: B027  (optional hook)
        """Release what :meth:`prepare` or :meth:`run` acquired (called once at the end)."""

    @abstractmethod
    def run(
        self,
        tasks: Sequence[CellTask],
        *,
        datasets: dict[str, Dataset],
        storage: str,
        imports: Sequence[str],
        on_event: Callable[[Event], None],
    ) -> tuple[list[CellOutcome], bool]:
        """Run ``tasks``; return their outcomes and whether the run was interrupted."""
