"""Cells are claimed largest training budget first, so a run does not end on a long cell."""

from __future__ import annotations

from pathlib import Path

import bakeoff
from tests.conftest import tiny_study


def first_trial_order(url: str, name: str) -> list[tuple[str, float]]:
    trials = bakeoff.trials(name, storage=url)
    starts = trials.groupby(["model", "budget"])["started_at"].min().sort_values()
    return [(model, budget) for model, budget in starts.index]


def test_cells_run_from_the_largest_budget_down(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'order.db'}"
    spec = tiny_study(study="order", seeds=1, budgets=[40, 80, "full"], execution={"n_jobs": 1})
    summary = bakeoff.Study(**spec).run(storage=url, progress=False)
    assert summary.exit_code == 0

    order = first_trial_order(url, "order")
    # Within a budget, the spec's order (models as listed); budgets from full down.
    assert order == [
        ("logistic_regression", float("inf")),
        ("random_forest", float("inf")),
        ("logistic_regression", 80.0),
        ("random_forest", 80.0),
        ("logistic_regression", 40.0),
        ("random_forest", 40.0),
    ]


def test_a_budgets_warm_start_still_runs_the_smaller_budget_first(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'warm.db'}"
    spec = tiny_study(
        study="warm",
        seeds=1,
        models=["logistic_regression"],
        budgets=[40, "full"],
        tuning={"method": "tpe", "n_trials": 3, "cv": 2, "warm_start": "budgets"},
        execution={"n_jobs": 1},
    )
    assert bakeoff.Study(**spec).run(storage=url, progress=False).exit_code == 0
    # The full cell starts from the 40-row cell's best configuration, so it waits for it.
    assert first_trial_order(url, "warm") == [
        ("logistic_regression", 40.0),
        ("logistic_regression", float("inf")),
    ]
