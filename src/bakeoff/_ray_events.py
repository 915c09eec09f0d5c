"""Where the Ray executor's cells send their progress events: an actor the driver drains.

In a module of its own, importing nothing of bakeoff's, because Ray starts a process for
the actor that imports the module its class lives in: beside the cell code
(``bakeoff.executors``, scikit-learn, pandas) that took about 1.5 s of CPU at every run's
start, taken from the cells on a small machine.
"""

from __future__ import annotations

from typing import Any

import ray

__all__ = ["EventSink"]


@ray.remote(num_cpus=0)
class EventSink:
    """Collects the progress events of every running cell for the driver to drain.

    A Ray actor runs the calls of one caller in the order they were made, so a cell's
    last ``flush`` (waited for) means every event it pushed before has arrived. Events
    come a few at a time: every call is work for this actor's process, which shares the
    cores with the cells.
    """

    def __init__(self) -> None:
        self._events: list[dict[str, Any]] = []

    def push(self, events: list[dict[str, Any]]) -> None:
        self._events.extend(events)

    def flush(self, events: list[dict[str, Any]]) -> None:
        """Take the caller's last ``events``.

        Returning means every earlier push of the caller has arrived too.
        """
        self._events.extend(events)

    def drain(self) -> list[dict[str, Any]]:
        events, self._events = self._events, []
        return events
