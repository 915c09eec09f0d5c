"""Cell claims: one holder at a time, takeover after the lease, writes only by the holder."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest

from bakeoff.exceptions import LeaseLostError
from bakeoff.store import CellDefinition, CellResult, Store, TrialRecord


def two_cell_store(url: str) -> tuple[Store, list[int]]:
    store = Store(url)
    prepared = store.prepare_study(
        name="s",
        spec_json="{}",
        spec_hash="0" * 64,
        seed=0,
        bakeoff_version="test",
        provenance={},
        datasets=[],
        cell_definitions=[CellDefinition(key * 64, "m", "d", "full", 0, {}) for key in ("a", "b")],
    )
    return store, sorted(prepared.cell_ids.values())


def trial(number: int) -> TrialRecord:
    now = datetime.now(timezone.utc)
    return TrialRecord(number, "COMPLETE", {"x": 1}, {}, [0.5], now, now, 0.1)


def result() -> CellResult:
    return CellResult(10, 5, 1, 0, 0, {}, 0.5, {"accuracy": 0.5}, 0.1, 0.1)


def test_a_claimed_cell_is_not_handed_to_a_second_runner(any_store_url: str) -> None:
    store, (a, b) = two_cell_store(any_store_url)
    assert store.claim_next([a, b], "one") == a
    # The second runner gets the other cell, then nothing: both are held.
    assert store.claim_next([a, b], "two") == b
    assert store.claim_next([a, b], "three") is None
    assert sorted(store.held_elsewhere([a, b], "three")) == ["one", "two"]


def test_an_expired_lease_is_taken_over_and_the_old_holder_writes_nothing(
    any_store_url: str,
) -> None:
    store, (a, _) = two_cell_store(any_store_url)
    assert store.claim_next([a], "old", lease_seconds=1) == a
    store.start_cell(a, "old")
    with store.trial_writer(a, "old") as writer:
        writer.write(trial(0))
    assert store.claim_next([a], "new") is None  # still leased
    time.sleep(1.2)
    assert store.claim_next([a], "new") == a
    # The new holder resumes from the old one's trial.
    assert [r.number for r in store.start_cell(a, "new")] == [0]
    with store.trial_writer(a, "old") as writer, pytest.raises(LeaseLostError):
        writer.write(trial(1))
    with pytest.raises(LeaseLostError):
        store.finish_cell(a, result(), None, "old")
    assert store.end_cell(a, "failed", "old", error="late") is False
    with store.trial_writer(a, "new") as writer:
        writer.write(trial(1))
    store.finish_cell(a, result(), None, "new")
    assert store.cell_statuses([a]) == {a: "complete"}


def test_renewing_keeps_a_lease_alive_past_its_first_term(any_store_url: str) -> None:
    store, (a, _) = two_cell_store(any_store_url)
    assert store.claim_next([a], "one", lease_seconds=1) == a
    for _ in range(3):
        time.sleep(0.5)
        assert store.renew_leases([a], "one", lease_seconds=1) == set()
    assert store.claim_next([a], "two") is None
    # A runner that lost a cell learns it when it renews.
    time.sleep(1.2)
    assert store.claim_next([a], "two") == a
    assert store.renew_leases([a], "one", lease_seconds=1) == {a}


def test_a_released_cell_is_open_to_any_runner(any_store_url: str) -> None:
    store, (a, _) = two_cell_store(any_store_url)
    assert store.claim_next([a], "one") == a
    store.mark_interrupted(a, "one")
    assert store.cell_statuses([a]) == {a: "interrupted"}
    assert store.claim_next([a], "two") == a


def test_preparing_the_same_study_twice_keeps_one_study_and_its_cells(any_store_url: str) -> None:
    _, ids = two_cell_store(any_store_url)
    again, ids_again = two_cell_store(any_store_url)
    assert ids == ids_again and again.study_names() == ["s"]
