"""The Store: every write bakeoff makes and the queries analysis and the CLI need."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from bakeoff._registry import suggest
from bakeoff.exceptions import LeaseLostError, StoreError, StudyNotFoundError
from bakeoff.store import _leases
from bakeoff.store._engine import (
    DEFAULT_STORAGE,
    check_readable,
    create_engine,
    migrate,
    read_only_file,
)
from bakeoff.store._json import dumps as _dumps
from bakeoff.store._predictions import CellPredictions
from bakeoff.store._records import CellDefinition, CellResult, TrialRecord
from bakeoff.store._retry import retried
from bakeoff.store._schema import cells, predictions, runs, studies, study_datasets, trials
from bakeoff.store._states import CellStatus, TrialState, count_cell_states
from bakeoff.store._trial_writer import TrialWriter

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PreparedStudy", "Store"]

#: Trial states kept for replay; an interrupted trial is run again on resume.
REPLAYED_STATES = TrialState.REPLAYED


@dataclass(frozen=True)
class PreparedStudy:
    """A study registered in the store, with its cells' ids and statuses by key."""

    study_id: int
    cell_ids: dict[str, int]
    statuses: dict[str, str]
    n_new: int
    n_set_aside: int
    run_id: int | None = None
    previous_provenance: dict[str, Any] | None = None


def _check_exists(url: str) -> None:
    parsed = sa.engine.make_url(url)
    database = parsed.database
    is_file = parsed.get_backend_name() == "sqlite" and database and database != ":memory:"
    if is_file and not Path(str(database)).expanduser().exists():
        raise StoreError.missing(url, str(database))


def _refuse_read_only(url: str) -> None:
    if read_only_file(url):
        raise StoreError(
            f"the store at '{url}' is read-only here (the file, or its folder, may not be "
            f"written), and running a study writes to it. Fix the permissions, or pass "
            f"--storage with a store you may write; results, status and trials can still "
            f"read this one."
        )


def _now() -> datetime:
    return datetime.now(timezone.utc)


# The statements every cell runs (start, finish) are built once, with bound parameters:
# building and keying a SQLAlchemy statement per call cost as much as running it.
_HELD = sa.and_(
    cells.c.id == sa.bindparam("cell"),
    cells.c.owner == sa.bindparam("runner"),
    cells.c.status == CellStatus.RUNNING,
)
_START = (
    cells.update()
    .where(_HELD)
    .values(error=None, heartbeat_at=sa.bindparam("now", type_=cells.c.heartbeat_at.type))
)
_DROP_UNFINISHED_TRIALS = trials.delete().where(
    trials.c.cell_id == sa.bindparam("cell"), trials.c.state.not_in(TrialState.REPLAYED)
)
_CELL_TRIALS = (
    sa.select(trials).where(trials.c.cell_id == sa.bindparam("cell")).order_by(trials.c.number)
)
_RESULT_COLUMNS = (
    "n_train",
    "n_test",
    "n_trials",
    "n_failed_trials",
    "best_trial",
    "best_params_json",
    "cv_value",
    "test_scores_json",
    "tune_seconds",
    "refit_seconds",
    "artifact_path",
    "search_json",
    "diagnostics_json",
    "finished_at",
    "run_id",
)
_FINISH = (
    cells.update()
    .where(_HELD)
    .values(
        status=CellStatus.COMPLETE,
        lease_expires_at=None,
        error=None,
        **{name: sa.bindparam(f"v_{name}", type_=cells.c[name].type) for name in _RESULT_COLUMNS},
    )
)
_DROP_PREDICTIONS = predictions.delete().where(predictions.c.cell_id == sa.bindparam("cell"))
_ADD_PREDICTIONS = predictions.insert()


#: Ids bound into one ``IN (...)`` at most: PostgreSQL's protocol and many SQLite builds
#: cap a statement's parameters (65,535 and 32,766), and a study may have 100,000 cells.
_IN_CHUNK = 1000


def _chunks(ids: Sequence[Any]) -> list[Sequence[Any]]:
    return [ids[i : i + _IN_CHUNK] for i in range(0, len(ids), _IN_CHUNK)]


class Store:
    """The results database.

    Args:
        url: A SQLAlchemy URL; ``sqlite:///bakeoff.db`` by default.
        migrate_schema: Create or upgrade the schema on open. Workers pass ``False``:
            the parent has already done it.
        must_exist: Refuse to create a new SQLite file (for commands that only read).

    Examples:
        >>> store = Store("sqlite://")  # in memory
        >>> store.study_names()
        []
    """

    def __init__(
        self, url: str = DEFAULT_STORAGE, *, migrate_schema: bool = True, must_exist: bool = False
    ) -> None:
        self.url = url
        #: Opened read-only: a reading command on a store it may not write.
        self.read_only = False
        if must_exist:
            _check_exists(url)
            self.read_only = read_only_file(url)
        self.engine = create_engine(url, read_only=self.read_only)
        if self.read_only:
            check_readable(self.engine, url)
        elif migrate_schema:
            _refuse_read_only(url)
            migrate(self.engine)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------

    @retried
    def prepare_study(
        self,
        *,
        name: str,
        spec_json: str,
        spec_hash: str,
        seed: int,
        bakeoff_version: str,
        provenance: dict[str, Any],
        datasets: Sequence[dict[str, Any]],
        cell_definitions: Sequence[CellDefinition],
    ) -> PreparedStudy:
        """Create or update a study and its cells in one transaction.

        Cells already stored under the same key are kept with their trials (resume);
        stored cells whose key is no longer in the design are set aside (``in_design``
        false), never reused. Safe when several runners prepare the same study at once:
        the one that loses the race to insert a row reads the winner's instead.
        """
        for attempt in range(5):
            try:
                return self._prepare_study(
                    name=name,
                    spec_json=spec_json,
                    spec_hash=spec_hash,
                    seed=seed,
                    bakeoff_version=bakeoff_version,
                    provenance=provenance,
                    datasets=datasets,
                    cell_definitions=cell_definitions,
                )
            except sa.exc.IntegrityError:
                # Another runner inserted the same study, dataset or cell first; its rows
                # are committed now, so the next attempt finds and keeps them.
                if attempt == 4:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _prepare_study(
        self,
        *,
        name: str,
        spec_json: str,
        spec_hash: str,
        seed: int,
        bakeoff_version: str,
        provenance: dict[str, Any],
        datasets: Sequence[dict[str, Any]],
        cell_definitions: Sequence[CellDefinition],
    ) -> PreparedStudy:
        now = _now()
        with self.engine.begin() as connection:
            row = connection.execute(sa.select(studies.c.id).where(studies.c.name == name)).first()
            values = {
                "spec_json": spec_json,
                "spec_hash": spec_hash,
                "seed": seed,
                "status": "running",
                "started_at": now,
                "finished_at": None,
                "bakeoff_version": bakeoff_version,
                "provenance_json": _dumps(provenance),
            }
            if row is None:
                inserted = connection.execute(
                    studies.insert().values(name=name, created_at=now, **values)
                ).inserted_primary_key
                assert inserted is not None  # an INSERT of one row always has a key
                study_id = inserted[0]
                previous = None
            else:
                study_id = row[0]
                previous = self._last_provenance(connection, study_id)
                connection.execute(studies.update().where(studies.c.id == study_id), values)
            run = connection.execute(
                runs.insert().values(
                    study_id=study_id,
                    started_at=now,
                    status="running",
                    bakeoff_version=bakeoff_version,
                    provenance_json=_dumps(provenance),
                )
            ).inserted_primary_key
            assert run is not None  # an INSERT of one row always has a key
            known = {
                (r.name, r.fingerprint)
                for r in connection.execute(
                    sa.select(study_datasets.c.name, study_datasets.c.fingerprint).where(
                        study_datasets.c.study_id == study_id
                    )
                )
            }
            new_datasets = [
                d | {"study_id": study_id}
                for d in datasets
                if (d["name"], d["fingerprint"]) not in known
            ]
            if new_datasets:
                connection.execute(study_datasets.insert(), new_datasets)
            existing = {
                r.cell_key: (r.id, r.status)
                for r in connection.execute(
                    sa.select(cells.c.id, cells.c.cell_key, cells.c.status).where(
                        cells.c.study_id == study_id
                    )
                )
            }
            wanted = {c.cell_key for c in cell_definitions}
            aside = [k for k in existing if k not in wanted]
            for keys in _chunks(aside):
                connection.execute(
                    cells.update()
                    .where(cells.c.study_id == study_id, cells.c.cell_key.in_(keys))
                    .values(in_design=False)
                )
            for keys in _chunks(sorted(wanted) if existing else []):
                connection.execute(
                    cells.update()
                    .where(cells.c.study_id == study_id, cells.c.cell_key.in_(keys))
                    .values(in_design=True)
                )
            new_cells = [
                {
                    "study_id": study_id,
                    "cell_key": c.cell_key,
                    "model": c.model,
                    "dataset": c.dataset,
                    "budget": c.budget,
                    "seed": c.seed,
                    "status": CellStatus.PENDING,
                    "in_design": True,
                    "definition_json": _dumps(c.definition),
                }
                for c in cell_definitions
                if c.cell_key not in existing
            ]
            if new_cells:
                connection.execute(cells.insert(), new_cells)
            rows = self._design_cells(connection, study_id)
        return PreparedStudy(
            study_id=study_id,
            cell_ids={r.cell_key: r.id for r in rows},
            statuses={r.cell_key: r.status for r in rows},
            n_new=len(new_cells),
            n_set_aside=len(aside),
            run_id=run[0],
            previous_provenance=previous,
        )

    @staticmethod
    def _last_provenance(connection: sa.Connection, study_id: int) -> dict[str, Any] | None:
        """The provenance of the study's latest run.

        For a store made before runs were recorded, the study's own.
        """
        text = connection.execute(
            sa.select(runs.c.provenance_json)
            .where(runs.c.study_id == study_id)
            .order_by(runs.c.id.desc())
            .limit(1)
        ).scalar()
        if text is None:
            text = connection.execute(
                sa.select(studies.c.provenance_json).where(studies.c.id == study_id)
            ).scalar()
        return dict(json.loads(text)) if text else None

    def runs_frame(self, study: str) -> pd.DataFrame:
        """Every run of ``study``, oldest first, with its provenance."""
        import pandas as pd

        with self.engine.connect() as connection:
            return pd.read_sql(
                sa.select(runs)
                .join(studies, studies.c.id == runs.c.study_id)
                .where(studies.c.name == study)
                .order_by(runs.c.id),
                connection,
            )

    @staticmethod
    def _design_cells(connection: sa.Connection, study_id: int) -> Sequence[Any]:
        return connection.execute(
            sa.select(cells.c.id, cells.c.cell_key, cells.c.status).where(
                cells.c.study_id == study_id, cells.c.in_design.is_(True)
            )
        ).all()

    def cell_states(self, study_id: int) -> dict[str, str]:
        """The state of each cell in the study's design, by cell key."""
        with self.engine.connect() as connection:
            return {r.cell_key: r.status for r in self._design_cells(connection, study_id)}

    @retried
    def finish_study(self, study_id: int, status: str, *, run_id: int | None = None) -> None:
        """Record the end of run ``run_id`` and the study's status.

        The status is complete, failed, interrupted or stopped (the study's CPU budget
        spent with cells pending).

        While another runner still holds a cell of the study under a live lease, the
        study stays ``running``: that runner records the end.
        """
        now = _now()
        with self.engine.begin() as connection:
            busy = connection.execute(
                sa.select(sa.func.count())
                .select_from(cells)
                .where(
                    cells.c.study_id == study_id,
                    cells.c.status == CellStatus.RUNNING,
                    cells.c.lease_expires_at >= now,
                )
            ).scalar_one()
            if run_id is not None:
                connection.execute(
                    runs.update().where(runs.c.id == run_id).values(status=status, finished_at=now)
                )
            if not busy:
                connection.execute(
                    studies.update()
                    .where(studies.c.id == study_id)
                    .values(status=status, finished_at=now)
                )

    # -- claims ----------------------------------------------------------------------

    @retried
    def claim_next(
        self,
        cell_ids: Sequence[int],
        owner: str,
        *,
        lease_seconds: float = _leases.DEFAULT_LEASE_SECONDS,
    ) -> int | None:
        """Claim the first cell of ``cell_ids`` no live runner holds; its id, or None.

        A claimed cell is ``running`` under ``owner`` until the lease runs out, unless
        renewed (:meth:`renew_leases`). See :mod:`bakeoff.store._leases`.
        """
        return _leases.claim_next(self.engine, cell_ids, owner, lease_seconds)

    @retried
    def renew_leases(
        self,
        cell_ids: Sequence[int],
        owner: str,
        *,
        lease_seconds: float = _leases.DEFAULT_LEASE_SECONDS,
    ) -> set[int]:
        """Extend ``owner``'s leases on ``cell_ids``; return those it no longer holds."""
        return _leases.renew(self.engine, cell_ids, owner, lease_seconds)

    def held_elsewhere(self, cell_ids: Sequence[int], owner: str) -> list[str]:
        """Owners of the cells of ``cell_ids`` held by other runners under a live lease."""
        return [
            found
            for chunk in _chunks(cell_ids)
            for found in _leases.held_elsewhere(self.engine, chunk, owner)
        ]

    def expire_dead_local_leases(self, cell_ids: Sequence[int], owner: str) -> int:
        """End the leases of runners on this machine that have died; how many runners.

        Their cells become claimable at once instead of when the lease runs out.
        """
        dead = {o for o in self.held_elsewhere(cell_ids, owner) if _leases.dead_local_owner(o)}
        for other in dead:
            _leases.expire(self.engine, other)
        return len(dead)

    def cell_statuses(self, cell_ids: Sequence[int]) -> dict[int, str]:
        """The stored status of each cell, by id."""
        statuses: dict[int, str] = {}
        with self.engine.connect() as connection:
            for chunk in _chunks(cell_ids):
                rows = connection.execute(
                    sa.select(cells.c.id, cells.c.status).where(cells.c.id.in_(chunk))
                ).all()
                statuses.update({int(r.id): str(r.status) for r in rows})
        return statuses

    @retried
    def start_cell(self, cell_id: int, owner: str) -> list[TrialRecord]:
        """Return the replayable trials of a cell ``owner`` has claimed, oldest first.

        Trials a previous run left interrupted are deleted: they are run again under the
        same number, with the same seed, so the resumed cell equals an uninterrupted one.

        Raises:
            LeaseLostError: If ``owner`` does not hold the cell.
        """
        with self.engine.begin() as connection:
            held = connection.execute(
                _START, {"cell": cell_id, "runner": owner, "now": _now()}
            ).rowcount
            if held != 1:
                raise LeaseLostError(f"cell {cell_id} is not held by this runner")
            connection.execute(_DROP_UNFINISHED_TRIALS, {"cell": cell_id})
            rows = connection.execute(_CELL_TRIALS, {"cell": cell_id}).all()
        return [self._trial_record(r) for r in rows]

    @staticmethod
    def _trial_record(row: Any) -> TrialRecord:
        return TrialRecord(
            number=row.number,
            state=row.state,
            params=json.loads(row.params_json),
            distributions=json.loads(row.distributions_json),
            values=json.loads(row.values_json) if row.values_json else None,
            started_at=row.started_at,
            finished_at=row.finished_at,
            duration=row.duration,
            intermediate={int(k): v for k, v in json.loads(row.intermediate_json).items()},
            user_attrs=json.loads(row.user_attrs_json),
            system_attrs=json.loads(row.system_attrs_json),
            study_attrs=json.loads(row.study_attrs_json) if row.study_attrs_json else None,
            error=row.error,
        )

    def trial_writer(self, cell_id: int, owner: str) -> TrialWriter:
        """A writer that commits the trials of cell ``cell_id``, each as it ends.

        Examples:
            >>> store = Store("sqlite://")
            >>> with store.trial_writer(1, owner) as writer:  # doctest: +SKIP
            ...     writer.write(record)
        """
        return TrialWriter(self.engine, cell_id, owner)

    @retried
    def finish_cell(
        self,
        cell_id: int,
        result: CellResult,
        cell_predictions: CellPredictions | None,
        owner: str,
        *,
        run_id: int | None = None,
    ) -> None:
        """Store a cell's result and its outer-test predictions in one transaction.

        ``run_id`` names the run (and so the provenance) that finished the cell.

        Raises:
            LeaseLostError: If ``owner`` no longer holds the cell (nothing is written).
        """
        packed = cell_predictions.to_row() if cell_predictions is not None else None
        with self.engine.begin() as connection:
            # The cell's row first: it is the claim check, and on PostgreSQL its row lock
            # keeps a takeover from slipping in before the commit.
            held = connection.execute(
                _FINISH,
                {
                    "cell": cell_id,
                    "runner": owner,
                    "v_n_train": result.n_train,
                    "v_n_test": result.n_test,
                    "v_n_trials": result.n_trials,
                    "v_n_failed_trials": result.n_failed_trials,
                    "v_best_trial": result.best_trial,
                    "v_best_params_json": _dumps(result.best_params),
                    "v_cv_value": result.cv_value,
                    "v_test_scores_json": _dumps(result.test_scores),
                    "v_tune_seconds": result.tune_seconds,
                    "v_refit_seconds": result.refit_seconds,
                    "v_artifact_path": result.artifact_path,
                    "v_search_json": _dumps(result.search) if result.search is not None else None,
                    "v_diagnostics_json": (
                        _dumps(result.diagnostics) if result.diagnostics is not None else None
                    ),
                    "v_finished_at": _now(),
                    "v_run_id": run_id,
                },
            ).rowcount
            if held != 1:
                raise LeaseLostError(
                    f"cell {cell_id} is held by another runner now; its result was not stored"
                )
            connection.execute(_DROP_PREDICTIONS, {"cell": cell_id})
            if packed is not None:
                connection.execute(_ADD_PREDICTIONS, {"cell_id": cell_id, **packed})

    def warm_configurations(self, cell_ids: Sequence[int]) -> list[dict[str, Any]]:
        """Best parameters of the complete cells among ``cell_ids``, in that order.

        Cells not complete (failed, or never run) are skipped; a configuration already
        listed is not repeated.
        """
        if not cell_ids:
            return []
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(cells.c.id, cells.c.best_params_json).where(
                    cells.c.id.in_(cell_ids), cells.c.status == CellStatus.COMPLETE
                )
            ).all()
        found = {int(r.id): json.loads(r.best_params_json) for r in rows if r.best_params_json}
        configs: list[dict[str, Any]] = []
        for cell_id in cell_ids:
            params = found.get(cell_id)
            if params is not None and params not in configs:
                configs.append(params)
        return configs

    @retried
    def reset_cells(self, cell_ids: Sequence[int]) -> None:
        """Drop the trials and predictions of failed cells and mark them pending (retry).

        Only cells still failed are reset: one another runner has already reset and
        claimed is left alone.
        """
        if not cell_ids:
            return
        with self.engine.begin() as connection:
            failed = list(
                connection.execute(
                    sa.select(cells.c.id).where(
                        cells.c.id.in_(cell_ids), cells.c.status == CellStatus.FAILED
                    )
                ).scalars()
            )
            if not failed:
                return
            connection.execute(trials.delete().where(trials.c.cell_id.in_(failed)))
            connection.execute(predictions.delete().where(predictions.c.cell_id.in_(failed)))
            connection.execute(
                cells.update()
                .where(cells.c.id.in_(failed), cells.c.status == CellStatus.FAILED)
                .values(status=CellStatus.PENDING, error=None, started_at=None, finished_at=None)
            )

    @retried
    def end_cell(
        self,
        cell_id: int,
        status: str,
        owner: str,
        *,
        error: str | None = None,
        n_trials: int | None = None,
        n_failed_trials: int | None = None,
        search: dict[str, Any] | None = None,
    ) -> bool:
        """Mark a cell ``owner`` holds failed or interrupted, with the reason.

        ``search`` is how its search went, when it got that far.

        Returns:
            Whether the cell was ``owner``'s to end; a cell another runner took over, or
            one already complete, is left as it is.
        """
        with self.engine.begin() as connection:
            ended = connection.execute(
                cells.update()
                .where(_leases.owned(cell_id, owner), cells.c.status == CellStatus.RUNNING)
                .values(
                    status=status,
                    error=error,
                    n_trials=n_trials,
                    n_failed_trials=n_failed_trials,
                    search_json=_dumps(search) if search is not None else None,
                    lease_expires_at=None,
                    finished_at=_now() if status == CellStatus.FAILED else None,
                )
            ).rowcount
        return bool(ended == 1)

    @retried
    def unclaim(self, cell_id: int, owner: str) -> None:
        """Give back a claimed cell that never started: it is pending again."""
        with self.engine.begin() as connection:
            connection.execute(
                cells.update()
                .where(_leases.owned(cell_id, owner), cells.c.status == CellStatus.RUNNING)
                .values(status=CellStatus.PENDING, error=None, lease_expires_at=None)
            )

    @retried
    def mark_interrupted(self, cell_id: int, owner: str, *, error: str | None = None) -> None:
        """Give up a cell ``owner`` holds: mark it interrupted, free for any runner.

        For a Ctrl-C that lands outside the trial loop (while a cell starts or stores its
        result): a cell whose result was committed stays complete.
        """
        _leases.release(self.engine, cell_id, owner, error=error)

    # -- reading ---------------------------------------------------------------------

    def study_names(self) -> list[str]:
        """Names of the studies in the store, sorted."""
        with self.engine.connect() as connection:
            return sorted(connection.execute(sa.select(studies.c.name)).scalars())

    def study(self, name: str) -> dict[str, Any]:
        """The study row as a dict, with ``spec`` and ``provenance`` decoded.

        Raises:
            StudyNotFoundError: With the closest study name in the store.
        """
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(studies).where(studies.c.name == name)).first()
        if row is None:
            names = self.study_names()
            listing = f" Studies here: {', '.join(names)}." if names else " The store is empty."
            raise StudyNotFoundError(
                f"no study named '{name}' in '{self.url}'.{suggest(name, names)}{listing}"
            )
        data = dict(row._mapping)
        data["spec"] = json.loads(data.pop("spec_json"))
        data["provenance"] = json.loads(data.pop("provenance_json"))
        return data

    def cell_counts(self, name: str) -> dict[str, int]:
        """How many of study ``name``'s cells are in each state (zeros kept), counted in SQL.

        Raises:
            StudyNotFoundError: With the closest study name in the store.
        """
        study_id = self.study(name)["id"]
        query = (
            sa.select(cells.c.status, sa.func.count())
            .where(cells.c.study_id == study_id, cells.c.in_design.is_(True))
            .group_by(cells.c.status)
        )
        with self.engine.connect() as connection:
            found = {status: int(n) for status, n in connection.execute(query)}
        counts = count_cell_states([])
        for status, n in found.items():
            if status not in counts:
                count_cell_states([status])  # raises, naming the unknown state
            counts[status] = n
        return counts

    def trial_count(self, name: str) -> int:
        """Trials recorded by study ``name``'s cells.

        A finished cell's ``n_trials``; a running or interrupted cell, which records its
        ``n_trials`` only when it ends, by its stored trials.
        """
        study_id = self.study(name)["id"]
        in_study = (cells.c.study_id == study_id, cells.c.in_design.is_(True))
        finished = sa.select(sa.func.coalesce(sa.func.sum(cells.c.n_trials), 0)).where(*in_study)
        unfinished = (
            sa.select(sa.func.count())
            .select_from(trials.join(cells, trials.c.cell_id == cells.c.id))
            .where(*in_study, cells.c.n_trials.is_(None))
        )
        with self.engine.connect() as connection:
            return int(connection.execute(finished).scalar_one()) + int(
                connection.execute(unfinished).scalar_one()
            )

    def datasets_frame(self, name: str) -> pd.DataFrame:
        """The datasets (with fingerprints) a study has used."""
        import pandas as pd

        study_id = self.study(name)["id"]
        query = sa.select(study_datasets).where(study_datasets.c.study_id == study_id)
        with self.engine.connect() as connection:
            return pd.DataFrame(connection.execute(query).mappings().all())

    def cells_frame(self, name: str, *, include_set_aside: bool = False) -> pd.DataFrame:
        """Raw cell rows of study ``name`` (JSON columns still encoded)."""
        import pandas as pd

        study_id = self.study(name)["id"]
        query = sa.select(cells).where(cells.c.study_id == study_id).order_by(cells.c.id)
        if not include_set_aside:
            query = query.where(cells.c.in_design.is_(True))
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return pd.DataFrame(rows, columns=[c.name for c in cells.columns])

    def trials_frame(self, name: str) -> pd.DataFrame:
        """Raw trial rows of study ``name`` joined with their cell's design columns."""
        import pandas as pd

        study_id = self.study(name)["id"]
        query = (
            sa.select(
                cells.c.model,
                cells.c.dataset,
                cells.c.budget,
                cells.c.seed,
                cells.c.cell_key,
                trials,
            )
            .join(cells, cells.c.id == trials.c.cell_id)
            .where(cells.c.study_id == study_id, cells.c.in_design.is_(True))
            .order_by(cells.c.id, trials.c.number)
        )
        with self.engine.connect() as connection:
            return pd.DataFrame(connection.execute(query).mappings().all())

    def predictions_frame(self, name: str) -> pd.DataFrame:
        """Prediction rows of study ``name``.

        One per test row of each finished cell, with their cell's design columns,
        ``y_true``, ``y_pred`` (Python values) and ``proba`` (a list in the dataset's class
        order, or None).
        """
        import pandas as pd

        study_id = self.study(name)["id"]
        design = (cells.c.model, cells.c.dataset, cells.c.budget, cells.c.seed, cells.c.cell_key)
        query = (
            sa.select(*design, cells.c.definition_json, predictions)
            .join(cells, cells.c.id == predictions.c.cell_id)
            .where(cells.c.study_id == study_id, cells.c.in_design.is_(True))
            .order_by(cells.c.id)
        )
        columns: dict[str, list[Any]] = {
            name: [] for name in (*(c.name for c in design), "row", "y_true", "y_pred", "proba")
        }
        columns["definition_json"] = []
        with self.engine.connect() as connection:
            for found in connection.execute(query).mappings():
                cell = CellPredictions.from_row(found)
                n = len(cell.rows)
                for column in (*(c.name for c in design), "definition_json"):
                    columns[column].extend([found[column]] * n)
                columns["row"].extend(cell.rows)
                columns["y_true"].extend(cell.y_true)
                columns["y_pred"].extend(cell.y_pred)
                columns["proba"].extend(cell.proba if cell.proba is not None else [None] * n)
        return pd.DataFrame(columns)
