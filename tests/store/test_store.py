"""The store: schema, migrations, provenance, durability settings, PostgreSQL."""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import bakeoff
from bakeoff.exceptions import StoreError
from bakeoff.store import Store, schema_revision
from bakeoff.store._schema import VERSION_TABLE, metadata
from tests.conftest import tiny_study

POSTGRES_URL = os.environ.get("BAKEOFF_TEST_POSTGRES_URL")


def test_migrated_schema_equals_the_table_definitions(store_url: str) -> None:
    store = Store(store_url)
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        differences = compare_metadata(context, metadata)
    # Alembic's autogenerate finds nothing to add or drop: the migration and the tables
    # the code writes to agree.
    assert differences == []
    current, head = schema_revision(store.engine)
    assert current == head == "0001"


def test_every_table_is_prefixed_so_optuna_can_share_the_database(store_url: str) -> None:
    store = Store(store_url)
    names = sa.inspect(store.engine).get_table_names()
    assert names and all(name.startswith("bakeoff_") for name in names)


def test_sqlite_runs_in_wal_mode(store_url: str) -> None:
    store = Store(store_url)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_a_store_from_a_newer_bakeoff_is_refused(store_url: str) -> None:
    Store(store_url)
    with sqlite3.connect(store_url.removeprefix("sqlite:///")) as connection:
        connection.execute(f"update {VERSION_TABLE} set version_num = '9999'")
    with pytest.raises(StoreError, match="newer bakeoff"):
        Store(store_url)


def test_bad_urls_and_missing_folders_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        Store("nonsense")
    with pytest.raises(StoreError, match="does not exist"):
        Store(f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
    with pytest.raises(StoreError, match="not supported"):
        Store("mysql://localhost/x")


def test_provenance_and_fingerprints_are_recorded(store_url: str) -> None:
    spec = tiny_study(
        seeds=1,
        budgets=["full"],
        models=["logistic_regression"],
        tuning={"method": "random", "n_trials": 1, "cv": 2},
    )
    bakeoff.Study(**spec).run(storage=store_url)
    store = Store(store_url)
    study = store.study("tiny")
    provenance = study["provenance"]
    assert provenance["bakeoff_version"] == bakeoff.__version__
    assert {"optuna", "scikit-learn", "numpy", "pandas"} <= set(provenance["packages"])
    assert provenance["host"] and provenance["python"]
    assert "git_commit" in provenance
    assert study["spec"]["study"] == "tiny" and study["started_at"] and study["finished_at"]
    datasets = store.datasets_frame("tiny")
    iris = bakeoff.datasets.load("iris")
    assert datasets.loc[0, "fingerprint"] == iris.fingerprint
    assert (datasets.loc[0, "n_rows"], datasets.loc[0, "target"]) == (150, "target")
    cell = store.cells_frame("tiny").iloc[0]
    assert json.loads(cell["definition_json"])["dataset"]["fingerprint"] == iris.fingerprint


def test_a_changed_dataset_changes_the_cell_keys(tmp_path: Path) -> None:
    import pandas as pd

    frame = bakeoff.datasets.load("iris").frame
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    spec = tiny_study(datasets=[{"name": "mine", "path": str(path), "target": "target"}])
    before = {c.key for c in bakeoff.Study(**spec).cells()}
    frame.loc[0, "sepal length (cm)"] += 0.1
    frame.to_csv(path, index=False)
    after = {c.key for c in bakeoff.Study(**spec).cells()}
    assert before.isdisjoint(after)
    # Reordering rows is not a change of content.
    frame.sample(frac=1, random_state=0).to_csv(path, index=False)
    shuffled = {c.key for c in bakeoff.Study(**spec).cells()}
    assert shuffled == after
    assert isinstance(pd.read_csv(path), pd.DataFrame)


@pytest.mark.postgres
@pytest.mark.skipif(POSTGRES_URL is None, reason="set BAKEOFF_TEST_POSTGRES_URL (.ci/run does)")
def test_a_study_runs_and_resumes_on_postgresql(tmp_path: Path) -> None:
    name = f"pg_{uuid.uuid4().hex[:8]}"
    spec = tiny_study(
        study=name,
        seeds=1,
        tuning={"method": "tpe", "n_trials": 3, "cv": 2},
        execution={"n_jobs": 2},
    )
    summary = bakeoff.Study(**spec).run(storage=POSTGRES_URL)
    assert summary.exit_code == 0 and summary.count("complete") == 4
    results = bakeoff.results(name, storage=POSTGRES_URL)
    assert len(results) == 4 and set(results["status"]) == {"complete"}
    assert len(bakeoff.trials(name, storage=POSTGRES_URL)) == 12
    again = bakeoff.Study(**spec).run(storage=POSTGRES_URL)
    assert again.n_skipped == 4 and again.outcomes == []
    # The same study on SQLite gives the same numbers.
    sqlite_url = f"sqlite:///{tmp_path / 'same.db'}"
    bakeoff.Study(**spec).run(storage=sqlite_url)
    from tests.helpers import assert_same_numbers, stored_numbers

    assert_same_numbers(stored_numbers(name, POSTGRES_URL), stored_numbers(name, sqlite_url))
