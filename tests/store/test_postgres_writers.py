"""Many writers on one PostgreSQL store: nothing lost, nothing twice, conflicts retried."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from bakeoff.exceptions import StoreError
from bakeoff.store import CellDefinition, CellResult, Store, TrialRecord

pytestmark = pytest.mark.postgres

N_CELLS = 24
N_TRIALS = 15
N_WRITERS = 4


def prepared_store(url: str, n_cells: int) -> tuple[Store, list[int]]:
    store = Store(url)
    prepared = store.prepare_study(
        name="pg",
        spec_json="{}",
        spec_hash="0" * 64,
        seed=0,
        bakeoff_version="test",
        provenance={},
        datasets=[],
        cell_definitions=[
            CellDefinition(f"{i:064d}", "m", "d", "full", i, {}) for i in range(n_cells)
        ],
    )
    return store, sorted(prepared.cell_ids.values())


def trial(number: int) -> TrialRecord:
    now = datetime.now(timezone.utc)
    return TrialRecord(number, "COMPLETE", {"x": number}, {}, [number / 10], now, now, 0.1)


#: One writer process: claims cells until none is left, commits each trial on its own,
#: then the cell's result, as a runner does; prints how many cells it ran.
WRITER = textwrap.dedent(
    """
    import sys
    from datetime import datetime, timezone
    from bakeoff.store import CellResult, Store, TrialRecord

    url, owner, ids, n_trials = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    ids = [int(i) for i in ids.split(",")]
    store = Store(url, migrate_schema=False)
    ran = 0
    while (cell := store.claim_next(ids, owner, lease_seconds=600)) is not None:
        store.start_cell(cell, owner)
        with store.trial_writer(cell, owner) as writer:
            for number in range(n_trials):
                now = datetime.now(timezone.utc)
                writer.write(TrialRecord(number, "COMPLETE", {"x": number}, {},
                                         [number / 10], now, now, 0.1))
        result = CellResult(10, 5, n_trials, 0, 0, {}, 0.5, {"accuracy": 0.5}, 0.1, 0.1)
        store.finish_cell(cell, result, None, owner)
        ran += 1
    print(ran)
    """
)


def test_concurrent_writers_lose_and_duplicate_nothing(postgres_url: str) -> None:
    store, ids = prepared_store(postgres_url, N_CELLS)
    joined = ",".join(map(str, ids))
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, postgres_url, f"w{i}", joined, str(N_TRIALS)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(N_WRITERS)
    ]
    ran = []
    for writer in writers:
        stdout, stderr = writer.communicate(timeout=300)
        assert writer.returncode == 0, stderr
        ran.append(int(stdout))
    # Every cell ran exactly once, and the work was shared.
    assert sum(ran) == N_CELLS
    assert sum(r > 0 for r in ran) >= 2, ran
    with store.engine.connect() as connection:
        cells = connection.execute(sa.text("select status, owner from bakeoff_cells")).all()
        counts = connection.execute(
            sa.text(
                "select cell_id, count(*), count(distinct number), min(number), max(number) "
                "from bakeoff_trials group by cell_id"
            )
        ).all()
    assert {c.status for c in cells} == {"complete"}
    assert len(counts) == N_CELLS
    for _cell_id, n, distinct, low, high in counts:
        assert (n, distinct, low, high) == (N_TRIALS, N_TRIALS, 0, N_TRIALS - 1)
    store.close()


def test_a_trial_number_is_stored_once_even_by_two_writers(postgres_url: str) -> None:
    store, (cell, *_) = prepared_store(postgres_url, 1)
    assert store.claim_next([cell], "one") == cell
    with store.trial_writer(cell, "one") as first, store.trial_writer(cell, "one") as second:
        first.write(trial(0))
        with pytest.raises(StoreError, match="could not store trial 0"):
            second.write(trial(0))  # the unique key (cell, number) refuses it
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("select count(*) from bakeoff_trials")).scalar() == 1
    store.close()


def fail_first(url: str, table: str, event: str, times: int) -> None:
    """Make the next ``times`` ``event``s on ``table`` fail as PostgreSQL does when it
    aborts a transaction for a conflict (SQLSTATE 40001). A sequence counts them: it
    is not rolled back with the failed transaction."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("create sequence conflicts"))
        connection.execute(
            sa.text(
                f"""
                create function conflict() returns trigger as $$
                begin
                    if nextval('conflicts') <= {times} then
                        raise exception 'could not serialize access'
                            using errcode = '40001';
                    end if;
                    return new;
                end $$ language plpgsql
                """
            )
        )
        connection.execute(
            sa.text(
                f"create trigger conflict before {event} on {table} "
                "for each row execute function conflict()"
            )
        )
    engine.dispose()


def conflicts_seen(store: Store) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(sa.text("select last_value from conflicts")).scalar_one())


def test_a_trial_aborted_by_a_serialization_failure_is_written_again(postgres_url: str) -> None:
    store, (cell, *_) = prepared_store(postgres_url, 1)
    assert store.claim_next([cell], "one") == cell
    fail_first(postgres_url, "bakeoff_trials", "insert", times=3)
    with store.trial_writer(cell, "one") as writer:
        writer.write(trial(0))
    assert conflicts_seen(store) == 4  # three aborted attempts, then the one that held
    assert [t.number for t in store.start_cell(cell, "one")] == [0]
    store.close()


def test_claims_and_results_aborted_by_a_serialization_failure_are_made_again(
    postgres_url: str,
) -> None:
    store, (cell, *_) = prepared_store(postgres_url, 1)
    fail_first(postgres_url, "bakeoff_cells", "update", times=2)
    assert store.claim_next([cell], "one") == cell
    store.start_cell(cell, "one")
    store.finish_cell(cell, CellResult(10, 5, 1, 0, 0, {}, 0.5, {"a": 0.5}, 0.1, 0.1), None, "one")
    assert store.cell_statuses([cell]) == {cell: "complete"}
    assert conflicts_seen(store) >= 3
    store.close()


def test_a_conflict_that_does_not_clear_is_reported_not_hidden(postgres_url: str) -> None:
    store, (cell, *_) = prepared_store(postgres_url, 1)
    assert store.claim_next([cell], "one") == cell
    fail_first(postgres_url, "bakeoff_trials", "insert", times=1000)
    with store.trial_writer(cell, "one") as writer, pytest.raises(StoreError, match="serialize"):
        writer.write(trial(0))
    assert store.start_cell(cell, "one") == []  # nothing half-written
    store.close()
