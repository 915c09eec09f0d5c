"""The synthesis protocol: split → budget → carve validation → tune the generator → refit → test.

A synthesis cell fits a generator (a :class:`bakeoff.models.Generator`) on real rows,
samples a table of the same size and scores it with the study's synthesis metrics
(:class:`bakeoff.metrics.SynthesisTables`). Its rows are split as a supervised cell's
are (the same outer test rows and nested budgets for every model of a seed); a trial
fits on the budget's rows less a validation share (``split.test_size`` of them) and is
scored against that validation share; the chosen configuration is refitted on all the
budget's rows and scored against the outer test rows. The test rows never reach a
generator: only the metrics see them.
"""

from __future__ import annotations

import os
import time
import traceback
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import optuna
import pandas as pd

from bakeoff import metrics as metric_registry
from bakeoff.datasets import Dataset
from bakeoff.metrics import SynthesisTables
from bakeoff.protocol._cell import CellOutcome, Event, _end, _seeds, search_and_finish
from bakeoff.protocol._objectives import FIT_SECONDS
from bakeoff.protocol._split import budget_rows, train_test_rows
from bakeoff.protocol._task import CellTask
from bakeoff.protocol._tuner import TuningOutcome
from bakeoff.store import CellResult, CellStatus, Store, TrialRecord

__all__ = ["SynthesisRows", "column_kinds", "run_synthesis_cell", "synthesis_rows"]


class SynthesisRows:
    """A synthesis cell's row positions: what fits, what validates, what tests.

    Attributes:
        budget: The budget's rows (drawn from the training split).
        fit: The part of ``budget`` a trial's generator is fitted on.
        validation: The rest of ``budget``: what a trial is scored against.
        test: The outer test split: what the refitted generator is scored against.
    """

    def __init__(
        self, budget: np.ndarray, fit: np.ndarray, validation: np.ndarray, test: np.ndarray
    ) -> None:
        self.budget = budget
        self.fit = fit
        self.validation = validation
        self.test = test


def synthesis_rows(task: CellTask, dataset: Dataset) -> SynthesisRows:
    """The rows of ``task``'s cell.

    The supervised outer split and budget, then a validation share (``task.test_size``)
    carved from the budget's rows.

    Raises:
        ValueError: If the rows cannot be split so (too few for a stratified split).
    """
    seeds = _seeds(task)
    y_all = dataset.y.to_numpy()
    stratify = dataset.target_task == "classification"
    train, test = train_test_rows(
        y_all,
        test_size=task.test_size,
        seed=seeds["outer"],
        stratify=stratify,
        test_rows=task.test_rows,
        groups=task.groups,
    )
    rows = budget_rows(train, y_all, task.budget, seed=seeds["budget"], stratify=stratify)
    fit_at, validation_at = train_test_rows(
        y_all[rows], test_size=task.test_size, seed=seeds["inner"], stratify=stratify
    )
    return SynthesisRows(rows, rows[fit_at], rows[validation_at], test)


def column_kinds(dataset: Dataset) -> dict[str, str]:
    """Every column's kind for a generator.

    The feature kinds, and the target's (``categorical`` for a classification target, else
    ``numeric``).
    """
    kinds: dict[str, str] = {str(c): str(k) for c, k in dataset.feature_kinds.items()}
    if dataset.target_task == "classification":
        boolean = pd.api.types.is_bool_dtype(dataset.y)
        kinds[dataset.target] = "boolean" if boolean else "categorical"
    else:
        kinds[dataset.target] = "numeric"
    return {str(c): kinds[str(c)] for c in dataset.frame.columns}


def run_synthesis_cell(
    task: CellTask, dataset: Dataset, store: Store, emit: Callable[[Event], None]
) -> CellOutcome:
    """Run (or resume) one synthesis cell (see the module's description)."""
    seeds = _seeds(task)
    table = dataset.frame
    kinds = column_kinds(dataset)
    try:
        rows = synthesis_rows(task, dataset)
    except Exception:
        reason = f"the data could not be split for this cell:\n{traceback.format_exc()}"
        return _end(task, store, emit, CellStatus.FAILED, reason, None)
    if task.method == "ray_tune":
        reason = "method: ray_tune does not run synthesis cells; use an Optuna method (tpe)"
        return _end(task, store, emit, CellStatus.FAILED, reason, None)
    objectives = task.search_objectives
    primary = next(n for n in objectives if n != FIT_SECONDS)
    scored = [metric_registry.get(n) for n in objectives if n != FIT_SECONDS]
    prunable = len(objectives) == 1 and task.pruner != "none"
    real_fit = table.iloc[rows.fit].reset_index(drop=True)
    validation = table.iloc[rows.validation].reset_index(drop=True)

    def evaluate(params: dict[str, Any], trial: Any) -> list[float]:
        generator = task.model.build(
            {**task.fixed_params, **params}, task="synthesis", random_state=seeds["model"]
        )
        synthetic, fit_seconds = _fit_and_sample(
            generator, real_fit, kinds, _epoch_events(task, emit, "trial")
        )
        tables = _tables(real_fit, synthetic, validation, dataset, kinds, seeds["model"])
        scores = {m.name: m.score_tables(tables) for m in scored}
        trial.set_user_attr("fold_scores", [float(scores[primary])])
        if len(objectives) > 1:
            trial.set_user_attr("objective_fold_scores", {k: [float(v)] for k, v in scores.items()})
        if prunable:
            trial.report(float(scores[primary]), 0)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return [fit_seconds if name == FIT_SECONDS else float(scores[name]) for name in objectives]

    def refit(best: TrialRecord, outcome: TuningOutcome) -> tuple[CellResult, None]:
        result = _refit_and_score(
            task, dataset, best, rows, kinds, seeds["model"], _epoch_events(task, emit, "refit")
        )
        result.n_trials = len(outcome.records)
        result.n_failed_trials = outcome.n_failed
        result.tune_seconds = sum(r.duration for r in outcome.records)
        return result, None  # a synthesis cell predicts no test rows: its scores are its result

    return search_and_finish(
        task,
        store,
        emit,
        evaluate=evaluate,
        cell_seed=seeds["cell"],
        n_steps=1,
        ray_tune=None,
        refit=refit,
    )


def _epoch_events(
    task: CellTask, emit: Callable[[Event], None], stage: str
) -> Callable[[int, int], None]:
    """``on_epoch`` for a generator, so that a long fit shows its progress.

    It sends an ``epoch`` event at most once a second (and at the last epoch).
    """
    last = [0.0]
    # A trial in a forked child (trial limits, parallel trials) must not write to the
    # parent's event channel: its epochs go unreported.
    parent = os.getpid()

    def on_epoch(done: int, total: int) -> None:
        now = time.monotonic()
        if os.getpid() != parent or (done < total and now - last[0] < 1.0):
            return
        last[0] = now
        emit({"event": "epoch", "key": task.cell_key, "stage": stage, "done": done, "total": total})

    return on_epoch


def _fit_and_sample(
    generator: Any,
    real: pd.DataFrame,
    kinds: Mapping[str, str],
    on_epoch: Callable[[int, int], None] | None = None,
) -> tuple[pd.DataFrame, float]:
    """The generator fitted on ``real`` and the table it samples.

    The sampled table has as many rows as ``real``; returned with the seconds the fit took.
    """
    with warnings.catch_warnings():
        # SDV and PyTorch warn at every fit (deprecations, convergence): not the user's.
        warnings.simplefilter("ignore")
        clock = time.perf_counter()
        generator.fit(real.copy(), dict(kinds), on_epoch=on_epoch)
        fit_seconds = time.perf_counter() - clock
        synthetic = generator.sample(len(real))
    missing = [c for c in real.columns if c not in synthetic.columns]
    if missing:
        raise ValueError(f"the generator's sample lacks the columns {missing}")
    return synthetic[list(real.columns)].reset_index(drop=True), fit_seconds


def _tables(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    holdout: pd.DataFrame,
    dataset: Dataset,
    kinds: Mapping[str, str],
    seed: int,
) -> SynthesisTables:
    return SynthesisTables(
        real=real,
        synthetic=synthetic,
        holdout=holdout,
        target=dataset.target,
        target_task=str(dataset.target_task),
        kinds=dict(kinds),
        seed=seed,
    )


def _refit_and_score(
    task: CellTask,
    dataset: Dataset,
    best: TrialRecord,
    rows: SynthesisRows,
    kinds: Mapping[str, str],
    seed: int,
    on_epoch: Callable[[int, int], None],
) -> CellResult:
    table = dataset.frame
    real = table.iloc[rows.budget].reset_index(drop=True)
    test = table.iloc[rows.test].reset_index(drop=True)
    generator = task.model.build(
        {**task.fixed_params, **best.params}, task="synthesis", random_state=seed
    )
    clock = time.perf_counter()
    synthetic, fit_seconds = _fit_and_sample(generator, real, kinds, on_epoch)
    refit_seconds = time.perf_counter() - clock
    tables = _tables(real, synthetic, test, dataset, kinds, seed)
    scores = {name: metric_registry.get(name).score_tables(tables) for name in task.metrics}
    artifact = None
    if task.artifacts_dir is not None:
        folder = Path(task.artifacts_dir)
        folder.mkdir(parents=True, exist_ok=True)
        artifact = str(folder / f"{task.cell_key}.joblib")
        joblib.dump(generator, artifact)
    return CellResult(
        n_train=len(rows.budget),
        n_test=len(rows.test),
        n_trials=0,
        n_failed_trials=0,
        best_trial=best.number,
        best_params=best.params,
        cv_value=float(best.values[0]) if best.values else float("nan"),
        test_scores=scores,
        tune_seconds=0.0,
        refit_seconds=refit_seconds,
        artifact_path=artifact,
        diagnostics={"fit_seconds": fit_seconds, "n_synthetic": len(synthetic)},
    )
