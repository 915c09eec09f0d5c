"""Every run keeps its own provenance; a resume under other versions says so."""

from __future__ import annotations

import json
import warnings

import pytest
import sqlalchemy as sa

import bakeoff
from bakeoff._provenance import changed_versions
from bakeoff.exceptions import BakeoffWarning
from bakeoff.store import Store
from tests.conftest import tiny_study


def _spec(seeds: int) -> dict:
    return tiny_study(
        seeds=seeds,
        budgets=["full"],
        models=["logistic_regression"],
        tuning={"method": "random", "n_trials": 1, "cv": 2},
    )


def test_each_run_keeps_its_provenance_and_cells_name_their_run(store_url: str) -> None:
    assert bakeoff.Study(**_spec(1)).run(storage=store_url).exit_code == 0
    # Pretend the first run had an older Optuna: a second run must not overwrite it.
    engine = Store(store_url).engine
    with engine.begin() as connection:
        text = connection.exec_driver_sql("SELECT provenance_json FROM bakeoff_runs").scalar_one()
        old = json.loads(text)
        old["packages"]["optuna"] = "3.6.1"
        connection.execute(
            sa.text("UPDATE bakeoff_runs SET provenance_json = :text"), {"text": json.dumps(old)}
        )
    engine.dispose()
    with pytest.warns(BakeoffWarning, match=r"optuna 3\.6\.1 -> "):
        assert bakeoff.Study(**_spec(2)).run(storage=store_url).exit_code == 0
    store = Store(store_url)
    runs = store.runs_frame("tiny")
    assert len(runs) == 2 and list(runs["status"]) == ["complete", "complete"]
    versions = [json.loads(t)["packages"]["optuna"] for t in runs["provenance_json"]]
    assert versions[0] == "3.6.1" and versions[1] != "3.6.1"
    cells = store.cells_frame("tiny").sort_values("seed")
    assert list(cells["run_id"]) == list(runs["id"])  # seed 0 in run 1, seed 1 in run 2


def test_a_resume_under_the_same_versions_is_silent(store_url: str) -> None:
    bakeoff.Study(**_spec(1)).run(storage=store_url)
    with warnings.catch_warnings():
        warnings.simplefilter("error", BakeoffWarning)
        bakeoff.Study(**_spec(2)).run(storage=store_url)


def test_only_major_or_minor_changes_of_result_packages_count() -> None:
    before = {"bakeoff_version": "0.1.0", "packages": {"optuna": "5.0.0", "numpy": "2.1.3"}}
    assert changed_versions(None, before) == []
    patch = {"bakeoff_version": "0.1.1", "packages": {"optuna": "5.0.2", "numpy": "2.1.0"}}
    assert changed_versions(before, patch) == []
    minor = {"bakeoff_version": "0.2.0", "packages": {"optuna": "5.0.0", "numpy": "2.2.0"}}
    assert changed_versions(before, minor) == ["bakeoff 0.1.0 -> 0.2.0", "numpy 2.1.3 -> 2.2.0"]
    other = {"bakeoff_version": "0.1.0", "packages": {"optuna": "5.0.0", "rich": "99.0"}}
    assert changed_versions({**before, "packages": {"rich": "1.0"}}, other) == []
