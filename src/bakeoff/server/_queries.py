"""The store's rows the API serves, read with one small SQL query each.

Summaries are counted in SQL and lists are paged with LIMIT/OFFSET on indexed columns,
so that a study with 100,000 trials answers as fast as a small one: no route here loads
every trial of a study.
"""

from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bakeoff.server._responses import ResponseCache, json_bytes
from bakeoff.store import Store
from bakeoff.store._schema import cells, studies, trials
from bakeoff.store._states import count_cell_states

__all__ = ["STAMP_SECONDS", "CellFilter", "StoreReader", "clean"]

#: How long a study's stamp and id are reused before the store is asked again: the
#: staleness a client may see (the dashboard polls every 2 s), and what lets many clients
#: share one query instead of each making their own.
STAMP_SECONDS = 1.0

#: Cells whose JSON the server keeps for the cell lists (about 0.6 KB each).
CELLS_KEPT = 50_000


def clean(value: Any) -> Any:
    """``value`` as strict JSON: NaN and infinities become ``None``, times ISO text."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return clean(value.item())
    return value


def _decoded(text: str | None) -> Any:
    return json.loads(text) if text else None


@dataclass(frozen=True)
class CellFilter:
    """Which cells a listing shows (``None``: any)."""

    model: str | None = None
    dataset: str | None = None
    budget: str | None = None
    seed: int | None = None
    status: str | None = None


_CELL_COLUMNS = (
    cells.c.id,
    cells.c.cell_key,
    cells.c.model,
    cells.c.dataset,
    cells.c.budget,
    cells.c.seed,
    cells.c.status,
    cells.c.n_train,
    cells.c.n_test,
    cells.c.n_trials,
    cells.c.n_failed_trials,
    cells.c.best_trial,
    cells.c.best_params_json,
    cells.c.cv_value,
    cells.c.test_scores_json,
    cells.c.tune_seconds,
    cells.c.refit_seconds,
    cells.c.started_at,
    cells.c.finished_at,
    cells.c.error,
)


def _scalar(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _cell(row: Any) -> dict[str, Any]:
    # The hot path of every cell list: flat columns and a flat dict of scores are
    # cleaned directly; only the parameters (any JSON) go through ``clean``.
    data = {key: _scalar(value) for key, value in row._mapping.items()}
    data.pop("id")
    params = data.pop("best_params_json")
    data["best_params"] = clean(json.loads(params)) if params else None
    scores = data.pop("test_scores_json")
    data["test_scores"] = (
        {str(k): _scalar(v) for k, v in json.loads(scores).items()} if scores else {}
    )
    return data


class StoreReader:
    """Read-only queries on one store, sharing its connection pool between requests.

    Args:
        store: The open store; the reader never writes to it.
    """

    def __init__(self, store: Store, *, stamp_seconds: float = STAMP_SECONDS) -> None:
        self.store = store
        self.engine = store.engine
        self.stamp_seconds = stamp_seconds
        #: A SQLite file on this machine: its small queries may run on the event loop.
        self.local = self.engine.dialect.name == "sqlite"
        self._ids: dict[str, tuple[float, int]] = {}
        self._stamps: dict[int, tuple[float, tuple[Any, ...]]] = {}
        self._refreshing: set[str] = set()
        # Each cell's JSON and each filter's count, by the study's stamp (cells_page_json).
        self._cells = ResponseCache(size=CELLS_KEPT)
        self._counts = ResponseCache(size=1024)
        self._lock = threading.Lock()

    def known_stamp(self, name: str) -> tuple[Any, ...] | None:
        """The study's stamp as last read, without asking the store.

        ``None`` unless its id and stamp are younger than ``stamp_seconds``, or another
        request is asking the store for them right now (then the previous stamp, a few
        milliseconds older).

        The fast path of the hot routes: an answer cached under this stamp is served on
        the event loop with no query and no thread.
        """
        now = time.monotonic()
        ident = self._ids.get(name)
        if ident is None:
            return None
        known = self._stamps.get(ident[1])
        if known is None:
            return None
        if now - ident[0] < self.stamp_seconds and now - known[0] < self.stamp_seconds:
            return known[1]
        return known[1] if name in self._refreshing else None

    def current_stamp(self, name: str) -> tuple[int, tuple[Any, ...]]:
        """(the study's id, its stamp), asking the store if they are stale.

        The store is asked if they are older than ``stamp_seconds``; concurrent callers
        meanwhile get the previous stamp from :meth:`known_stamp` instead of all asking at
        once.

        Raises:
            StudyNotFoundError: With the closest name in the store (from the store).
        """
        self._refreshing.add(name)
        try:
            study_id = self.study_id(name)
            return study_id, self.stamp(study_id)
        finally:
            self._refreshing.discard(name)

    def study_id(self, name: str) -> int:
        """The study's row id.

        Asked again after ``stamp_seconds``: a study may be deleted or renamed.

        Raises:
            StudyNotFoundError: With the closest name in the store (from the store).
        """
        known = self._ids.get(name)
        now = time.monotonic()
        if known is not None and now - known[0] < self.stamp_seconds:
            return known[1]
        found = self._study_id(name)
        with self._lock:
            self._ids[name] = (now, found)
        return found

    def _study_id(self, name: str) -> int:
        with self.engine.connect() as connection:
            found = connection.execute(
                sa.select(studies.c.id).where(studies.c.name == name)
            ).scalar()
        if found is None:
            self.store.study(name)  # raises, naming the closest study
            raise AssertionError("unreachable: the store raises for a missing study")
        return int(found)

    def ping(self) -> None:
        """One trivial query: the store answers."""
        with self.engine.connect() as connection:
            connection.execute(sa.select(sa.func.count()).select_from(studies)).scalar_one()

    def studies(self, name: str | None = None) -> list[dict[str, Any]]:
        """Every study (or the one named) with its status and cell counts by state.

        Three queries in all.
        """
        selection = sa.select(
            studies.c.id,
            studies.c.name,
            studies.c.status,
            studies.c.created_at,
            studies.c.started_at,
            studies.c.finished_at,
        ).order_by(studies.c.name)
        counting = (
            sa.select(
                cells.c.study_id,
                cells.c.status,
                sa.func.count(),
                sa.func.coalesce(sa.func.sum(cells.c.n_trials), 0),
            )
            .where(cells.c.in_design.is_(True))
            .group_by(cells.c.study_id, cells.c.status)
        )
        # A running or interrupted cell records n_trials when it ends: count its trials.
        unfinished = (
            sa.select(cells.c.study_id, sa.func.count())
            .select_from(trials.join(cells, trials.c.cell_id == cells.c.id))
            .where(cells.c.in_design.is_(True), cells.c.n_trials.is_(None))
            .group_by(cells.c.study_id)
        )
        if name is not None:
            selection = selection.where(studies.c.name == name)
            named = sa.select(studies.c.id).where(studies.c.name == name).scalar_subquery()
            counting = counting.where(cells.c.study_id == named)
            unfinished = unfinished.where(cells.c.study_id == named)
        with self.engine.connect() as connection:
            rows = connection.execute(selection).all()
            counted = connection.execute(counting).all()
            running_trials = {int(i): int(n) for i, n in connection.execute(unfinished).all()}
        counts: dict[int, dict[str, int]] = {}
        n_trials: dict[int, int] = {}
        for study_id, status, n, trial_sum in counted:
            counts.setdefault(study_id, count_cell_states([]))[status] = int(n)
            n_trials[study_id] = n_trials.get(study_id, 0) + int(trial_sum)
        for study_id, n in running_trials.items():
            n_trials[study_id] = n_trials.get(study_id, 0) + int(n)
        listing = []
        for row in rows:
            by_state = counts.get(row.id, count_cell_states([]))
            total = sum(by_state.values())
            done = by_state.get("complete", 0) + by_state.get("failed", 0)
            listing.append(
                clean(
                    {
                        "name": row.name,
                        "status": row.status,
                        "created_at": row.created_at,
                        "started_at": row.started_at,
                        "finished_at": row.finished_at,
                        "n_cells": total,
                        "cells": by_state,
                        "n_trials": n_trials.get(row.id, 0),
                        "progress": done / total if total else 0.0,
                    }
                )
            )
        return listing

    def stamp(self, study_id: int) -> tuple[Any, ...]:
        """What changes whenever a cell of the study starts or ends.

        The key of every cached computation on the study (reused for ``stamp_seconds``).
        """
        known = self._stamps.get(study_id)
        now = time.monotonic()
        if known is not None and now - known[0] < self.stamp_seconds:
            return known[1]
        stamp = self._stamp(study_id)
        with self._lock:
            self._stamps[study_id] = (now, stamp)
        return stamp

    def _stamp(self, study_id: int) -> tuple[Any, ...]:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(
                    sa.func.count(),
                    sa.func.sum(sa.case((cells.c.status == "complete", 1), else_=0)),
                    sa.func.sum(sa.case((cells.c.status == "running", 1), else_=0)),
                    sa.func.max(cells.c.finished_at),
                    sa.func.coalesce(sa.func.sum(cells.c.n_trials), 0),
                ).where(cells.c.study_id == study_id, cells.c.in_design.is_(True))
            ).one()
        return (study_id, *(str(v) for v in row))

    def cells_page_json(
        self,
        study_id: int,
        stamp: tuple[Any, ...],
        where: CellFilter,
        *,
        limit: int,
        offset: int,
    ) -> bytes:
        """One page of the study's cells in design order, with the total that match, as JSON.

        Built from each cell's JSON as kept at ``stamp``: a page at a new offset of a study
        that has not changed is then one query of row ids on indexed columns, the filter's
        count and the cells' JSON (decoding a row's scores and parameters, most of a page's
        cost) being reused. Both are keyed by the stamp, which changes whenever a cell
        starts or ends.
        """
        conditions = [cells.c.study_id == study_id, cells.c.in_design.is_(True)]
        for column, value in (
            (cells.c.model, where.model),
            (cells.c.dataset, where.dataset),
            (cells.c.budget, where.budget),
            (cells.c.seed, where.seed),
            (cells.c.status, where.status),
        ):
            if value is not None:
                conditions.append(column == value)
        found: dict[int, bytes] = {}
        with self.engine.connect() as connection:
            total = self._counts.peek((stamp, where))
            if total is None:
                total = json_bytes(
                    connection.execute(
                        sa.select(sa.func.count()).select_from(cells).where(*conditions)
                    ).scalar_one()
                )
                self._counts.put((stamp, where), total)
            ids = connection.execute(
                sa.select(cells.c.id)
                .where(*conditions)
                .order_by(cells.c.id)
                .limit(limit)
                .offset(offset)
            ).scalars()
            for cell_id in ids:
                found[cell_id] = self._cells.peek((stamp, cell_id)) or b""
            missing = [cell_id for cell_id, body in found.items() if not body]
            if missing:
                rows = connection.execute(
                    sa.select(*_CELL_COLUMNS).where(cells.c.id.in_(missing))
                ).all()
                for row in rows:
                    found[row.id] = json_bytes(_cell(row))
                    self._cells.put((stamp, row.id), found[row.id])
        return b"".join(
            (
                b'{"total":%s,"limit":%d,"offset":%d,"items":[' % (total, limit, offset),
                # A row deleted between the two queries is left out.
                b",".join(body for body in found.values() if body),
                b"]}",
            )
        )

    def cell(self, study_id: int, key: str) -> tuple[int, dict[str, Any]] | None:
        """(row id, the cell) for a cell key or a unique prefix of one.

        ``None`` if no cell matches.

        Raises:
            ValueError: If the prefix matches several cells.
        """
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(*_CELL_COLUMNS, cells.c.search_json)
                .where(cells.c.study_id == study_id, cells.c.cell_key.startswith(key))
                .limit(2)
            ).all()
        if not rows:
            return None
        if len(rows) > 1:
            raise ValueError(f"cell key prefix '{key}' matches several cells; give more of it")
        data = _cell(rows[0])
        data.pop("search_json", None)
        data["search"] = clean(_decoded(rows[0].search_json))
        return int(rows[0].id), data

    def live_runners(self, study_id: int) -> list[str]:
        """The runners that hold a running cell of the study.

        Runners are named by owner tokens ``host:pid:id``; only those holding the cell under
        a lease they still renew count.
        """
        from datetime import timezone

        now = datetime.now(timezone.utc)
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(cells.c.owner)
                .where(
                    cells.c.study_id == study_id,
                    cells.c.status == "running",
                    cells.c.lease_expires_at >= now,
                )
                .distinct()
            ).scalars()
            return sorted(str(r) for r in rows if r)

    def trials_page(self, cell_id: int, *, limit: int, offset: int) -> dict[str, Any]:
        """One page of a cell's trials by number."""
        with self.engine.connect() as connection:
            total = connection.execute(
                sa.select(sa.func.count()).select_from(trials).where(trials.c.cell_id == cell_id)
            ).scalar_one()
            rows = connection.execute(
                sa.select(
                    trials.c.number,
                    trials.c.state,
                    trials.c.values_json,
                    trials.c.params_json,
                    trials.c.intermediate_json,
                    trials.c.duration,
                    trials.c.started_at,
                    trials.c.finished_at,
                    trials.c.error,
                )
                .where(trials.c.cell_id == cell_id)
                .order_by(trials.c.number)
                .limit(limit)
                .offset(offset)
            ).all()
        items = []
        for row in rows:
            values = _decoded(row.values_json)
            items.append(
                clean(
                    {
                        "number": row.number,
                        "state": row.state,
                        "value": values[0] if values else None,
                        "values": values,
                        "params": _decoded(row.params_json) or {},
                        "steps": len(_decoded(row.intermediate_json) or {}),
                        "duration": row.duration,
                        "started_at": row.started_at,
                        "finished_at": row.finished_at,
                        "error": row.error,
                    }
                )
            )
        return {"total": int(total), "limit": limit, "offset": offset, "items": items}
