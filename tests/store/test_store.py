"""The store: schema, migrations, provenance, durability settings, PostgreSQL."""

from __future__ import annotations

import json
import os
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

OWNER = "test-runner"
POSTGRES_URL = os.environ.get("BAKEOFF_TEST_POSTGRES_URL")
# .ci/run starts a server and sets both; there a missing URL is a failure, not a skip.
POSTGRES_REQUIRED = bool(os.environ.get("BAKEOFF_REQUIRE_POSTGRES"))


def test_migrated_schema_equals_the_table_definitions(any_store_url: str) -> None:
    store = Store(any_store_url)
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        differences = compare_metadata(context, metadata)
    # Alembic's autogenerate finds nothing to add or drop: the migration and the tables
    # the code writes to agree.
    assert differences == []
    current, head = schema_revision(store.engine)
    assert current == head == "0007"


def test_every_table_is_prefixed_so_optuna_can_share_the_database(any_store_url: str) -> None:
    store = Store(any_store_url)
    names = sa.inspect(store.engine).get_table_names()
    assert names and all(name.startswith("bakeoff_") for name in names)


def test_sqlite_runs_in_wal_mode(sqlite_url: str) -> None:
    store = Store(sqlite_url)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_a_store_from_a_newer_bakeoff_is_refused(store_url: str) -> None:
    store = Store(store_url)
    with store.engine.begin() as connection:
        connection.exec_driver_sql(f"update {VERSION_TABLE} set version_num = '9999'")
    store.engine.dispose()
    with pytest.raises(StoreError, match="newer bakeoff"):
        Store(store_url)


def test_bad_urls_and_missing_folders_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        Store("nonsense")
    with pytest.raises(StoreError, match="does not exist"):
        Store(f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
    with pytest.raises(StoreError, match="not supported"):
        Store("mysql://localhost/x")


def test_provenance_and_fingerprints_are_recorded(any_store_url: str) -> None:
    spec = tiny_study(
        seeds=1,
        budgets=["full"],
        models=["logistic_regression"],
        tuning={"method": "random", "n_trials": 1, "cv": 2},
    )
    bakeoff.Study(**spec).run(storage=any_store_url)
    store = Store(any_store_url)
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
@pytest.mark.skipif(
    POSTGRES_URL is None and not POSTGRES_REQUIRED,
    reason="set BAKEOFF_TEST_POSTGRES_URL (.ci/run does)",
)
def test_a_study_runs_and_resumes_on_postgresql(tmp_path: Path) -> None:
    assert POSTGRES_URL, "BAKEOFF_REQUIRE_POSTGRES is set but BAKEOFF_TEST_POSTGRES_URL is not"
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


def one_cell_store(url: str) -> tuple[Store, int]:
    """A store holding one study with one pending cell; returns the cell's id."""
    from bakeoff.store import CellDefinition

    store = Store(url)
    prepared = store.prepare_study(
        name="s",
        spec_json="{}",
        spec_hash="0" * 64,
        seed=0,
        bakeoff_version="test",
        provenance={},
        datasets=[],
        cell_definitions=[CellDefinition("k" * 64, "m", "d", "full", 0, {})],
    )
    cell_id = prepared.cell_ids["k" * 64]
    assert store.claim_next([cell_id], OWNER) == cell_id
    return store, cell_id


def test_a_trial_reads_back_exactly_as_it_was_written(any_store_url: str) -> None:
    from datetime import datetime, timezone

    from bakeoff.store import TrialRecord

    store, cell_id = one_cell_store(any_store_url)
    started = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=timezone.utc)
    finished = datetime(2026, 1, 2, 3, 4, 6, 1, tzinfo=timezone.utc)
    written = [
        TrialRecord(
            number=0,
            state="COMPLETE",
            params={"C": 0.5, "penalty": "l1", "depth": None},
            distributions={"C": '{"name": "FloatDistribution"}'},
            values=[0.875],
            started_at=started,
            finished_at=finished,
            duration=1.25,
            intermediate={0: 0.5, 1: 0.75},
            user_attrs={"fold_scores": [0.5, 1.0]},
            system_attrs={"fixed_params": {"C": 0.5}},
            study_attrs={"qmc:seed": 3},
        ),
        TrialRecord(
            number=1,
            state="FAIL",
            params={},
            distributions={},
            values=None,
            started_at=started,
            finished_at=finished,
            duration=0.5,
            error="Traceback ...\nValueError: boom",
        ),
    ]
    with store.trial_writer(cell_id, OWNER) as writer:
        for record in written:
            writer.write(record)
    read = store.start_cell(cell_id, OWNER)
    for before, after in zip(written, read, strict=True):
        # SQLite keeps no time zone: compare the UTC wall-clock times.
        assert after.started_at.replace(tzinfo=timezone.utc) == before.started_at
        assert after.finished_at.replace(tzinfo=timezone.utc) == before.finished_at
        after.started_at, after.finished_at = before.started_at, before.finished_at
        assert after == before


def test_an_interrupted_trial_is_dropped_when_its_cell_restarts(any_store_url: str) -> None:
    from datetime import datetime, timezone

    from bakeoff.store import TrialRecord

    store, cell_id = one_cell_store(any_store_url)
    now = datetime.now(timezone.utc)
    with store.trial_writer(cell_id, OWNER) as writer:
        for number, state in enumerate(["COMPLETE", "PRUNED", "INTERRUPTED"]):
            writer.write(TrialRecord(number, state, {}, {}, None, now, now, 0.1))
    # The interrupted trial runs again under its own number on resume.
    assert [r.state for r in store.start_cell(cell_id, OWNER)] == ["COMPLETE", "PRUNED"]


def test_a_store_at_the_first_schema_is_upgraded_and_keeps_its_rows(store_url: str) -> None:
    from alembic import command

    from bakeoff.store._engine import _alembic_config, create_engine

    engine = create_engine(store_url)
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0001")
        connection.exec_driver_sql(
            "insert into bakeoff_studies (name, spec_json, spec_hash, seed, status, "
            "created_at, bakeoff_version, provenance_json) values "
            "('old', '{}', 'h', 0, 'complete', '2026-01-01 00:00:00', '0.0', '{}')"
        )
    engine.dispose()
    store = Store(store_url)  # opening upgrades
    assert schema_revision(store.engine)[0] == "0007"
    assert store.study_names() == ["old"]
    columns = {c["name"] for c in sa.inspect(store.engine).get_columns("bakeoff_study_datasets")}
    assert "meta_json" in columns


def test_a_disk_that_fills_during_the_first_migration_leaves_no_tables(tmp_path: Path) -> None:
    from bakeoff.store._engine import create_engine, migrate

    url = f"sqlite:///{tmp_path / 'full.db'}"
    engine = create_engine(url)

    @sa.event.listens_for(engine, "connect")
    def _tiny_disk(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # SQLite's own size cap: writes past 6 pages fail with "database or disk is full",
        # as on a full disk.
        dbapi_connection.execute("PRAGMA max_page_count=6")

    with pytest.raises(StoreError, match="disk is full"):
        migrate(engine)
    engine.dispose()
    # The migration was one transaction: nothing of it is left, so the next open, with
    # room, creates the store instead of tripping on a half-made one.
    assert sa.inspect(create_engine(url)).get_table_names() == []
    store = Store(url)
    assert schema_revision(store.engine) == ("0007", "0007")


def test_runners_creating_one_store_at_once_migrate_it_once(tmp_path: Path) -> None:
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'raced.db'}"
    code = f"from bakeoff.store import Store; Store({url!r}).close()"
    processes = [
        subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
    assert schema_revision(Store(url).engine) == ("0007", "0007")


def test_a_store_at_the_second_schema_is_upgraded_with_its_provenance_as_a_run(
    store_url: str,
) -> None:
    # A store written by the previous release (schema 0002, no runs table) still opens;
    # its study's provenance counts as the last run's for the version check.
    from alembic import command

    from bakeoff.store._engine import _alembic_config, create_engine

    engine = create_engine(store_url)
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0002")
        connection.execute(
            sa.text(
                "INSERT INTO bakeoff_studies (name, spec_json, spec_hash, seed, status, "
                "created_at, bakeoff_version, provenance_json) VALUES ('tiny', '{}', 'x', 0, "
                "'complete', '2026-11-25 00:00:00', '0.0.9', :p)"
            ),
            {"p": json.dumps({"bakeoff_version": "0.0.9", "packages": {}})},
        )
    engine.dispose()
    spec = tiny_study(seeds=1, budgets=["full"], models=["logistic_regression"])
    spec["tuning"] = {"method": "random", "n_trials": 1, "cv": 2}
    with pytest.warns(bakeoff.exceptions.BakeoffWarning, match=r"bakeoff 0\.0\.9 -> "):
        assert bakeoff.Study(**spec).run(storage=store_url).exit_code == 0
    store = Store(store_url)
    assert schema_revision(store.engine)[0] == "0007"
    assert len(store.runs_frame("tiny")) == 1


def test_the_schema_head_constant_is_alembics_head(store_url: str) -> None:
    # Opening an up-to-date store compares its version row with SCHEMA_HEAD instead of
    # loading every migration; a new migration must move the constant too.
    from bakeoff.store._constants import SCHEMA_HEAD

    assert schema_revision(Store(store_url).engine) == (SCHEMA_HEAD, SCHEMA_HEAD)
