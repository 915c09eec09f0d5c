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
from bakeoff.exceptions import LeaseLostError
from bakeoff.metrics import SynthesisTables
from bakeoff.protocol._cell import (
    CellOutcome,
    Event,
    _chosen,
    _end,
    _search_account,
    _seeds,
    _track_best,
)
from bakeoff.protocol._isolation import TrialLimits
from bakeoff.protocol._objectives import FIT_SECONDS, objective_direction
from bakeoff.protocol._split import budget_rows, train_test_rows
from bakeoff.protocol._task import CellTask
from bakeoff.protocol._tuner import SearchSettings, tune
from bakeoff.store import CellResult, CellStatus, Store, TrialRecord
from bakeoff.tuning import make_pruner

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
    """The rows of ``task``'s cell: the supervised outer split and budget, then a
    validation share (``task.test_size``) carved from the budget's rows.

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
    """Every column's kind for a generator: the feature kinds, and the target's
    (``categorical`` for a classification target, else ``numeric``).
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
    primary_index = objectives.index(primary)
    metric = metric_registry.get(primary)
    directions = tuple(objective_direction(name) for name in objectives)
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

    replayed = store.start_cell(task.cell_id, task.owner)
    emit(
        {
            "event": "cell_started",
            "key": task.cell_key,
            "label": task.describe(),
            "n_replayed": len(replayed),
            "n_trials": task.n_trials,
        }
    )
    best_so_far: list[float | None] = [None]
    for record in replayed:
        _track_best(best_so_far, record, metric, primary_index)
    writer = store.trial_writer(task.cell_id, task.owner)

    def on_start(number: int, params: dict[str, Any], distributions: dict[str, str]) -> None:
        emit(
            {
                "event": "trial_started",
                "key": task.cell_key,
                "cell_id": task.cell_id,
                "number": number,
                "params": params,
                "distributions": distributions,
            }
        )

    def on_trials(records: list[TrialRecord]) -> None:
        writer.write_many(records)
        for record in records:
            _track_best(best_so_far, record, metric, primary_index)
            emit(
                {
                    "event": "trial",
                    "key": task.cell_key,
                    "number": record.number,
                    "state": record.state,
                    "best": best_so_far[0],
                    "n_trials": task.n_trials,
                }
            )

    try:
        settings = SearchSettings(
            directions=directions,
            method=task.method,
            n_trials=task.n_trials,
            cell_seed=seeds["cell"],
            timeout=task.timeout,
            sampler_options=task.sampler_options,
            pruner=make_pruner(task.pruner, task.pruner_options, n_steps=1),
            patience=task.patience,
            min_delta=task.min_delta,
            parallel=task.parallel_trials,
            limits=TrialLimits(task.trial_timeout, task.trial_memory),
            warm_configs=tuple(store.warm_configurations(task.warm_from))
            if task.warm_from and task.method != "grid"
            else (),
            cpu_seconds_left=task.cpu_seconds_left,
            grid_exhausted=task.method == "grid" and task.n_trials == task.space.grid_size(),
        )
        outcome = tune(
            space=task.space,
            objective=evaluate,
            settings=settings,
            replayed=replayed,
            on_trials=on_trials,
            on_start=on_start if task.parallel_trials == 1 else None,
        )
    except LeaseLostError:
        raise
    except KeyboardInterrupt:
        return _end(task, store, emit, CellStatus.INTERRUPTED, "interrupted", None)
    except Exception:
        return _end(task, store, emit, CellStatus.FAILED, traceback.format_exc(), None)
    finally:
        writer.close()
    if outcome.interrupted:
        return _end(task, store, emit, CellStatus.INTERRUPTED, "interrupted", outcome)
    search = _search_account(task, outcome, directions, settings)
    best = _chosen(outcome, search, metric.direction)
    if best is None:
        last_error = next((r.error for r in reversed(outcome.records) if r.error), "")
        reason = (
            f"all {len(outcome.records)} trials failed; last error:\n{last_error}"
            if outcome.records
            else "no trial ran (timeout reached before the first trial)"
        )
        return _end(task, store, emit, CellStatus.FAILED, reason, outcome, search)
    try:
        result = _refit_and_score(
            task, dataset, best, rows, kinds, seeds["model"], _epoch_events(task, emit, "refit")
        )
        result.n_trials = len(outcome.records)
        result.n_failed_trials = outcome.n_failed
        result.tune_seconds = sum(r.duration for r in outcome.records)
        result.search = search
    except KeyboardInterrupt:
        return _end(task, store, emit, CellStatus.INTERRUPTED, "interrupted", outcome)
    except LeaseLostError:
        raise
    except Exception:
        reason = f"refit of the best configuration failed:\n{traceback.format_exc()}"
        return _end(task, store, emit, CellStatus.FAILED, reason, outcome, search)
    # A synthesis cell predicts no test rows: its scores are its result.
    store.finish_cell(task.cell_id, result, None, task.owner, run_id=task.run_id)
    emit(
        {
            "event": "cell_finished",
            "key": task.cell_key,
            "status": CellStatus.COMPLETE,
            "test_scores": result.test_scores,
        }
    )
    return CellOutcome(
        task.cell_key,
        task.label,
        CellStatus.COMPLETE,
        test_scores=result.test_scores,
        n_trials=result.n_trials,
    )


def _epoch_events(
    task: CellTask, emit: Callable[[Event], None], stage: str
) -> Callable[[int, int], None]:
    """``on_epoch`` for a generator: an ``epoch`` event at most once a second (and at
    the last epoch), so that a long fit shows its progress.
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
    """The generator fitted on ``real`` and the table it samples (as many rows), with
    the seconds the fit took.
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
