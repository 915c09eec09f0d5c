"""Running a transaction again when PostgreSQL aborts it for a conflict, not a fault.

With many writers on one PostgreSQL store, the server may abort a transaction because
of another one: a serialization failure (SQLSTATE 40001) or a deadlock it broke (40P01).
Neither says anything is wrong with the transaction; PostgreSQL's own advice is to run
it again. Every write here is one transaction whose conditions (the runner still holds
the cell, the row is claimable) are checked inside it, so running it again is safe: it
either does what it would have done, or finds that the world moved and does nothing.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

__all__ = ["TRANSIENT_SQLSTATES", "is_transient", "retried", "retry_transient"]

T = TypeVar("T")
P = ParamSpec("P")

#: serialization_failure, deadlock_detected.
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01"})

#: Attempts in all: the wait doubles from 10 ms, so the last is about 2.5 s after the first.
_ATTEMPTS = 8

# Only the waits are random (so that writers that collided do not collide again);
# nothing a study computes comes from here.
_jitter = random.Random()


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` is a conflict that running again resolves.

    ``exc`` is a DBAPI error, or SQLAlchemy's wrapper of one; the conflict is with another
    transaction.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        code = getattr(current, "sqlstate", None) or getattr(current, "pgcode", None)
        if code in TRANSIENT_SQLSTATES:
            return True
        current = getattr(current, "orig", None) or current.__cause__
    return False


def retry_transient(
    transaction: Callable[[], T], *, on_retry: Callable[[BaseException], None] | None = None
) -> T:
    """Run ``transaction``, and again while it fails with a transient conflict.

    ``transaction`` opens, commits or rolls back its own transaction; each new attempt comes
    after a short random wait.

    Args:
        transaction: The whole transaction, safe to run again from the start.
        on_retry: Called with each transient error before its retry (to roll back a
            raw connection, or to count).

    Returns:
        What ``transaction`` returned.

    Raises:
        Exception: What ``transaction`` raised, if not transient or on the last attempt.
    """
    for attempt in range(_ATTEMPTS):
        try:
            return transaction()
        except Exception as exc:
            if attempt == _ATTEMPTS - 1 or not is_transient(exc):
                raise
            if on_retry is not None:
                on_retry(exc)
            time.sleep(0.01 * 2**attempt * (0.5 + _jitter.random()))
    raise AssertionError("unreachable")  # pragma: no cover


def retried(method: Callable[P, T]) -> Callable[P, T]:
    """Decorate a store method that is one whole transaction.

    Run it again on a transient conflict (see :func:`retry_transient`). Its arguments must
    survive being used twice (sequences, not iterators).
    """

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        return retry_transient(lambda: method(*args, **kwargs))

    return wrapper
