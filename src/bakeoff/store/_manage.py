"""Deleting and renaming a study: every row it owns, in one transaction."""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa

from bakeoff.exceptions import StoreError
from bakeoff.store._schema import cells, predictions, runs, studies, study_datasets, trials
from bakeoff.store._states import CellStatus
from bakeoff.store._store import Store

__all__ = ["delete_study", "rename_study", "study_size"]


def study_size(store: Store, name: str) -> dict[str, int]:
    """How many cells, trials and predictions study ``name`` holds (set-aside cells too).

    Raises:
        StudyNotFoundError: If there is no such study.
    """
    study_id = store.study(name)["id"]
    own_cells = sa.select(cells.c.id).where(cells.c.study_id == study_id)
    with store.engine.connect() as connection:

        def count(table: sa.Table, where: sa.ColumnElement[bool]) -> int:
            query = sa.select(sa.func.count()).select_from(table).where(where)
            return int(connection.execute(query).scalar_one())

        return {
            "cells": count(cells, cells.c.study_id == study_id),
            "running": count(
                cells, (cells.c.study_id == study_id) & (cells.c.status == CellStatus.RUNNING)
            ),
            "trials": count(trials, trials.c.cell_id.in_(own_cells)),
            # Test rows predicted (each cell stores its rows together).
            "predictions": int(
                connection.execute(
                    sa.select(sa.func.coalesce(sa.func.sum(predictions.c.n_rows), 0)).where(
                        predictions.c.cell_id.in_(own_cells)
                    )
                ).scalar_one()
            ),
        }


def delete_study(store: Store, name: str) -> None:
    """Delete study ``name`` and everything stored under it, in one transaction.

    Saved model files (``artifacts``) stay on disk.

    Raises:
        StudyNotFoundError: If there is no such study.
        StoreError: If a cell of the study is running (stop that run first).
    """
    size = study_size(store, name)
    if size["running"]:
        raise StoreError(
            f"study '{name}' has {size['running']} running cells: stop its run first (or "
            f"wait for it), then delete it."
        )
    study_id = store.study(name)["id"]
    own_cells = sa.select(cells.c.id).where(cells.c.study_id == study_id)
    with store.engine.begin() as connection:
        # Children first: SQLite enforces ON DELETE CASCADE only when asked to.
        connection.execute(predictions.delete().where(predictions.c.cell_id.in_(own_cells)))
        connection.execute(trials.delete().where(trials.c.cell_id.in_(own_cells)))
        connection.execute(cells.delete().where(cells.c.study_id == study_id))
        connection.execute(study_datasets.delete().where(study_datasets.c.study_id == study_id))
        connection.execute(runs.delete().where(runs.c.study_id == study_id))
        connection.execute(studies.delete().where(studies.c.id == study_id))


def rename_study(store: Store, old: str, new: str) -> None:
    """Rename study ``old`` to ``new`` (its stored spec's ``study:`` too).

    Run the study file again under its new name to resume it: cell keys do not depend on
    the name, so its finished cells are kept.

    Raises:
        StudyNotFoundError: If there is no study ``old``.
        StoreError: If a study ``new`` already exists.
    """
    row = store.study(old)
    if new in store.study_names():
        raise StoreError(
            f"a study named '{new}' is already in '{store.url}'. Pick another name, or delete "
            f"that one first (bakeoff studies delete {new})."
        )
    spec_json = json.dumps(dict(row["spec"], study=new), sort_keys=True)
    with store.engine.begin() as connection:
        connection.execute(
            studies.update()
            .where(studies.c.id == row["id"])
            .values(
                name=new,
                spec_json=spec_json,
                spec_hash=hashlib.sha256(spec_json.encode()).hexdigest(),
            )
        )
