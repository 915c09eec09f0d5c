"""Committing each trial as it ends, cheaply: the store's hot path.

A cell commits every trial the moment it ends, so a crash loses at most the trial that
was running. Going through SQLAlchemy's ``Connection.execute`` for that costs about
0.15 ms a trial (statement caching, result set-up, pool checkout), more than Optuna's
whole in-memory trial. The writer instead keeps one DBAPI connection for the cell and
runs one pre-compiled INSERT on it, applying the columns' own SQLAlchemy bind processors
so that rows are stored exactly as SQLAlchemy would store them and read back the same
way. SQLAlchemy has no public "prepared insert" of this kind; this is the small part
written by hand.

(Committing from a background thread was tried and measured slower: the thread and the
tuning loop fight for the GIL. See docs/performance.md.)
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from bakeoff.exceptions import LeaseLostError, StoreError
from bakeoff.store._json import dumps
from bakeoff.store._records import TrialRecord
from bakeoff.store._retry import retry_transient
from bakeoff.store._schema import cells, trials

__all__ = ["TrialWriter"]

_EMPTY = "{}"


class TrialWriter:
    """Inserts and commits the trials of one cell, one transaction each.

    Each transaction first touches the cell's row on condition that ``owner`` still
    holds it (which also records a heartbeat), so a runner that lost its claim to another
    cannot add trials to the cell.

    Args:
        engine: The store's engine.
        cell_id: The cell the trials belong to.
        owner: The claim token of the runner writing.

    Use it as a context manager, or call :meth:`close`, to give the connection back.

    Raises:
        StoreError: From :meth:`write`, if the trial cannot be stored (the database went
            away, the disk is full).
        LeaseLostError: From :meth:`write`, if another runner holds the cell now.
    """

    def __init__(self, engine: sa.Engine, cell_id: int, owner: str) -> None:
        self.cell_id = cell_id
        self.owner = owner
        self._url = engine.url
        statements = _statements(engine.dialect)
        self._sql = statements.insert_sql
        self._order = statements.insert_order
        self._touch_sql = statements.touch_sql
        self._touch_order = statements.touch_order
        self._touch_processor = statements.touch_processor
        self._processors = statements.processors
        self._connection: Any = engine.raw_connection()

    def __enter__(self) -> TrialWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Give the connection back to the pool."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def write(self, record: TrialRecord) -> None:
        """Insert ``record`` and commit it."""
        self.write_many([record])

    def write_many(self, records: list[TrialRecord]) -> None:
        """Insert ``records`` and commit them together: all are stored, or none.

        A batch of parallel trials is stored this way, so that a resumed cell never
        holds half a batch (see :mod:`bakeoff.protocol._tuner`).
        """
        if not records:
            return
        # One transaction, safe to run again whole: PostgreSQL may abort it for a
        # conflict with another writer (it was rolled back; see store/_retry.py).
        retry_transient(lambda: self._write_once(records))

    def _write_once(self, records: list[TrialRecord]) -> None:
        record = records[-1]
        cursor = self._connection.cursor()
        try:
            cursor.execute(self._touch_sql, self._touch_params(record))
            if cursor.rowcount != 1:
                numbers = ", ".join(str(r.number) for r in records)
                raise LeaseLostError(
                    f"cell {self.cell_id} is held by another runner now (this one's lease "
                    f"ran out); trial {numbers} was not stored"
                )
            for each in records:
                cursor.execute(self._sql, self._row(each))
            self._connection.commit()
        except LeaseLostError:
            with contextlib.suppress(Exception):
                self._connection.rollback()
            raise
        except Exception as exc:
            with contextlib.suppress(Exception):  # the first error is the one to show
                self._connection.rollback()
            raise StoreError(
                f"could not store trial {record.number} of cell {self.cell_id} in "
                f"'{self._url}': {type(exc).__name__}: {exc}"
            ) from exc
        finally:
            cursor.close()

    def _touch_params(self, record: TrialRecord) -> Any:
        now = record.finished_at
        values = {
            "cell": self.cell_id,
            "owner": self.owner,
            "now": self._touch_processor(now) if self._touch_processor else now,
        }
        if self._touch_order is None:
            return values
        return tuple(values[name] for name in self._touch_order)

    def _row(self, record: TrialRecord) -> Any:
        row: dict[str, Any] = {
            "cell_id": self.cell_id,
            "number": record.number,
            "state": record.state,
            "params_json": dumps(record.params),
            "distributions_json": dumps(record.distributions),
            "values_json": dumps(record.values) if record.values is not None else None,
            "intermediate_json": dumps(record.intermediate) if record.intermediate else _EMPTY,
            "user_attrs_json": dumps(record.user_attrs) if record.user_attrs else _EMPTY,
            "system_attrs_json": dumps(record.system_attrs) if record.system_attrs else _EMPTY,
            "study_attrs_json": (
                dumps(record.study_attrs) if record.study_attrs is not None else None
            ),
            "error": record.error,
            "started_at": record.started_at,
            "finished_at": record.finished_at,
            "duration": record.duration,
        }
        for name, processor in self._processors.items():
            row[name] = processor(row[name])
        return row if self._order is None else tuple(row[name] for name in self._order)


@dataclass(frozen=True)
class _Statements:
    """A dialect's compiled trial INSERT and heartbeat UPDATE, with their bind processors."""

    insert_sql: str
    insert_order: list[str] | None
    touch_sql: str
    touch_order: list[str] | None
    touch_processor: Any
    processors: dict[str, Any]


@functools.lru_cache(maxsize=8)
def _statements(dialect: sa.Dialect) -> _Statements:
    # Compiled once per dialect, not per cell: compiling took ~1.5 ms of each cell's
    # bookkeeping when every cell opened its own writer.
    columns = [c for c in trials.columns if c.name != "id"]
    statement = trials.insert().values({c.name: sa.bindparam(c.name) for c in columns})
    compiled = statement.compile(dialect=dialect)
    touch = (
        cells.update()
        .where(cells.c.id == sa.bindparam("cell"), cells.c.owner == sa.bindparam("owner"))
        .values(heartbeat_at=sa.bindparam("now", type_=cells.c.heartbeat_at.type))
        .compile(dialect=dialect)
    )
    return _Statements(
        insert_sql=str(compiled),
        insert_order=list(compiled.positiontup or []) if compiled.positional else None,
        touch_sql=str(touch),
        touch_order=list(touch.positiontup or []) if touch.positional else None,
        touch_processor=cells.c.heartbeat_at.type.dialect_impl(dialect).bind_processor(dialect),
        processors={
            c.name: processor
            for c in columns
            if (processor := c.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        },
    )
