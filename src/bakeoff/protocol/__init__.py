"""The cell protocol: split, subsample to budget, tune on inner CV, refit, score on test."""

from bakeoff.datasets._preprocess import make_pipeline
from bakeoff.protocol._cell import LOST, CellOutcome, Event
from bakeoff.protocol._objectives import default_objectives
from bakeoff.protocol._run import run_cell
from bakeoff.protocol._split import (
    budget_order,
    budget_rows,
    data_seeds,
    dirichlet_resamples,
    inner_folds,
    outer_folds,
    outer_split,
    train_test_rows,
)
from bakeoff.protocol._task import CellTask
from bakeoff.protocol._tuner import STOP_REASONS, SearchSettings, TuningOutcome, tune

__all__ = [
    "LOST",
    "STOP_REASONS",
    "CellOutcome",
    "CellTask",
    "Event",
    "SearchSettings",
    "TuningOutcome",
    "budget_order",
    "budget_rows",
    "data_seeds",
    "default_objectives",
    "dirichlet_resamples",
    "inner_folds",
    "make_pipeline",
    "outer_folds",
    "outer_split",
    "run_cell",
    "train_test_rows",
    "tune",
]
