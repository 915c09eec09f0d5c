"""Comparing stored studies, for the resume and determinism tests."""

from __future__ import annotations

import pandas as pd

import bakeoff

RESULT_COLUMNS = [
    "model",
    "dataset",
    "budget",
    "seed",
    "status",
    "n_train",
    "n_test",
    "n_trials",
    "best_params",
    "cell_key",
]


def stored_numbers(name: str, storage: str) -> dict[str, pd.DataFrame]:
    """Everything a run computes (no timings), sorted so two stores can be compared."""
    results = bakeoff.results(name, storage=storage)
    score_columns = [c for c in results.columns if c.startswith(("cv_", "test_"))]
    results = results[RESULT_COLUMNS + score_columns].sort_values("cell_key", ignore_index=True)
    trials = bakeoff.trials(name, storage=storage)
    trials = trials[["cell_key", "number", "state", "steps", "value", "params", "fold_scores"]]
    trials = trials.sort_values(["cell_key", "number"], ignore_index=True)
    predictions = bakeoff.predictions(name, storage=storage)
    predictions = predictions.sort_values(["cell_key", "row"], ignore_index=True)
    return {"results": results, "trials": trials, "predictions": predictions}


def assert_same_numbers(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    for table in ("results", "trials", "predictions"):
        pd.testing.assert_frame_equal(a[table], b[table], check_exact=True, obj=table)
