"""Computations on a study, kept until the study changes.

The analysis of a study (what ``bakeoff analyze`` computes) takes from a fraction of a
second to many seconds; a dashboard polled by many clients must not redo it per request.
Each result is kept with the study's *stamp* (cells, completions, last finish, trials,
counted in one SQL query) and reused while the stamp holds. When the study has moved on,
the first request recomputes while concurrent ones get the previous result at once,
marked stale, instead of queueing behind it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

__all__ = ["Cached", "StampedCache"]

T = TypeVar("T")


@dataclass(frozen=True)
class Cached(Generic[T]):
    """A computed value with the stamp it was computed at.

    Attributes:
        value: The result.
        stamp: The study's stamp when it was computed.
        fresh: Whether the study is still at that stamp.
    """

    value: T
    stamp: tuple[Any, ...]
    fresh: bool


class StampedCache(Generic[T]):
    """One value per key, recomputed when the key's stamp changes."""

    def __init__(self) -> None:
        self._values: dict[str, tuple[tuple[Any, ...], T]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def get(self, key: str, stamp: tuple[Any, ...], compute: Callable[[], T]) -> Cached[T]:
        """The value for ``key`` at ``stamp``, computing it at most once at a time."""
        held = self._values.get(key)
        if held is not None and held[0] == stamp:
            return Cached(held[1], stamp, True)
        lock = self._lock(key)
        if held is not None and not lock.acquire(blocking=False):
            return Cached(held[1], held[0], False)  # another request is recomputing
        if held is None:
            lock.acquire()
        try:
            held = self._values.get(key)
            if held is not None and held[0] == stamp:
                return Cached(held[1], stamp, True)
            value = compute()
            self._values[key] = (stamp, value)
            return Cached(value, stamp, True)
        finally:
            lock.release()
