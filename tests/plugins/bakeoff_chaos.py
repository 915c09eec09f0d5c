"""Kills the run it is imported into at a chosen moment (the chaos test's fault injector).

A study lists this module in ``imports``; ``BAKEOFF_CHAOS`` then says when to SIGKILL the
run's whole process group, as a machine losing power or ``kill -9`` of a terminal would:

- ``commit:N``: at the N-th SQLite ``COMMIT`` this process starts (a trial, a claim, a
  lease renewal, a cell's result), once it has begun and before it completes;
- ``refit:N``: inside the N-th refit of a best configuration, while the model is fitted.

Unset, it does nothing. Nothing in bakeoff itself knows about it.
"""

from __future__ import annotations

import os
import signal
from typing import Any

import sqlalchemy as sa
from sklearn.pipeline import Pipeline

from bakeoff.protocol import _cell

_WHEN = os.environ.get("BAKEOFF_CHAOS", "")
_KIND, _, _AT = _WHEN.partition(":")
_COUNT = {"commit": 0, "refit": 0}
_STATE = {"in_refit": False}


def _kill_the_run() -> None:
    os.killpg(os.getpgid(0), signal.SIGKILL)


def _count(kind: str) -> None:
    if kind != _KIND:
        return
    _COUNT[kind] += 1
    if _COUNT[kind] == int(_AT):
        _kill_the_run()


if _KIND == "commit":

    def _trace(statement: str) -> None:
        if statement.lstrip().upper().startswith("COMMIT"):
            _count("commit")

    @sa.event.listens_for(sa.pool.Pool, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        # SQLite calls this as each statement starts: a COMMIT has begun, not ended.
        dbapi_connection.set_trace_callback(_trace)


if _KIND == "refit":
    _refit = _cell._refit_and_score
    _fit = Pipeline.fit

    def _refit_and_score(*args: Any, **kwargs: Any) -> Any:
        _STATE["in_refit"] = True
        try:
            return _refit(*args, **kwargs)
        finally:
            _STATE["in_refit"] = False

    def _fit_in_refit(self: Pipeline, *args: Any, **kwargs: Any) -> Any:
        if _STATE["in_refit"]:
            _count("refit")
        return _fit(self, *args, **kwargs)

    _cell._refit_and_score = _refit_and_score  # type: ignore[assignment]
    Pipeline.fit = _fit_in_refit  # type: ignore[method-assign]
