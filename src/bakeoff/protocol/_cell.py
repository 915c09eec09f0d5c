"""The supervised protocol of one cell: split → budget → tune on inner CV → refit → test."""

from __future__ import annotations

import time
import traceback
import warnings
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import optuna
from sklearn.pipeline import Pipeline

from bakeoff import metrics as metric_registry
from bakeoff._seeding import derive_seed
from bakeoff.datasets import Dataset
from bakeoff.datasets._preprocess import pipeline_for
from bakeoff.exceptions import LeaseLostError
from bakeoff.protocol._isolation import TrialLimits
from bakeoff.protocol._objectives import FIT_SECONDS, objective_direction
from bakeoff.protocol._ray_tune import RayTuneSettings, tune_with_ray
from bakeoff.protocol._split import (
    budget_rows,
    data_seeds,
    dirichlet_resamples,
    inner_folds,
    train_test_rows,
)
from bakeoff.protocol._task import CellTask
from bakeoff.protocol._tuner import SearchSettings, TuningOutcome, tune
from bakeoff.store import CellPredictions, CellResult, CellStatus, Store, TrialRecord
from bakeoff.tuning import make_pruner
from bakeoff.tuning._selection import pareto_front, select

__all__ = ["LOST", "CellOutcome", "Event", "run_supervised_cell"]

Event = dict[str, Any]

#: Outcome of a cell another runner took over while this one ran it (not a stored status).
LOST = "lost"


@dataclass
class CellOutcome:
    """How a cell ended, for the executor and the summary."""

    cell_key: str
    label: str
    status: str
    error: str | None = None
    test_scores: dict[str, float] = field(default_factory=dict)
    n_trials: int = 0
    cpu_seconds: float = 0.0


def _seeds(task: CellTask) -> dict[str, int]:
    # Splits depend on the data and the repetition only (not on the model or budget), so
    # all models of a seed meet the same rows; the sampler and the model take the cell's.
    data = (task.study_seed, task.fingerprint, task.seed)
    return {
        **data_seeds(*data),
        "inner": derive_seed(*data, "inner-cv", task.budget),
        "dirichlet": derive_seed(*data, "dirichlet", task.dataset),
        "cell": derive_seed(task.study_seed, task.cell_key),
        "model": derive_seed(task.study_seed, task.cell_key, "model"),
    }


#: The features, target and class labels of the datasets this process runs cells of, by
#: ``id``, with a weak reference that proves the id still names the same object.
_ARRAYS: dict[int, tuple[weakref.ref[Dataset], Any, np.ndarray, list[Any] | None]] = {}


def _arrays(dataset: Dataset) -> tuple[Any, np.ndarray, list[Any] | None]:
    """``(X, y, labels)`` of ``dataset``, computed once per process and dataset.

    ``X`` copies the table and ``labels`` sorts the target's values, which cost a tiny cell
    about a millisecond each time (bench/cells.py). Cells only read them.
    """
    held = _ARRAYS.get(id(dataset))
    if held is not None and held[0]() is dataset:
        return held[1], held[2], held[3]
    labels = dataset.classes if dataset.task == "classification" else None
    X, y = dataset.X, dataset.y.to_numpy()
    if len(_ARRAYS) >= 16:  # a worker meets few datasets; never let the cache grow
        _ARRAYS.clear()
    _ARRAYS[id(dataset)] = (weakref.ref(dataset), X, y, labels)
    return X, y, labels


def _pipeline(task: CellTask, dataset: Dataset, params: dict[str, Any], seed: int) -> Pipeline:
    estimator = task.model.build(
        {**task.fixed_params, **params}, task=str(dataset.task), random_state=seed
    )
    return pipeline_for(dataset, estimator, scale=task.model.needs_scaling)


def _aligned(proba: Any, pipeline: Pipeline, labels: list[Any] | None) -> Any:
    """A checkpoint's class probabilities with one column per class of the dataset."""
    if proba is None or labels is None:
        return None
    fitted = list(getattr(pipeline[-1], "classes_", labels))
    aligned = np.zeros((len(proba), len(labels)))
    for j, label in enumerate(fitted[: proba.shape[1]]):
        aligned[:, labels.index(label)] = proba[:, j]
    return aligned


def _predict(
    pipeline: Pipeline, X: Any, labels: list[Any] | None, need_proba: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    y_pred = np.asarray(pipeline.predict(X))
    if labels is None or not need_proba or not hasattr(pipeline, "predict_proba"):
        return y_pred, None
    raw = np.asarray(pipeline.predict_proba(X), dtype=float)
    # A model fitted on rows that miss a class has fewer columns: align to every class.
    proba = np.zeros((len(y_pred), len(labels)))
    fitted = list(pipeline.classes_)
    for j, label in enumerate(fitted):
        proba[:, labels.index(label)] = raw[:, j]
    return y_pred, proba


def run_supervised_cell(
    task: CellTask, dataset: Dataset, store: Store, emit: Callable[[Event], None]
) -> CellOutcome:
    """The classification and regression protocol (see :func:`bakeoff.protocol.run_cell`)."""
    seeds = _seeds(task)
    classification = dataset.task == "classification"
    X_all, y_all, labels = _arrays(dataset)
    try:
        train, test = train_test_rows(
            y_all,
            test_size=task.test_size,
            seed=seeds["outer"],
            stratify=classification,
            test_rows=task.test_rows,
            groups=task.groups,
        )
        rows = budget_rows(train, y_all, task.budget, seed=seeds["budget"], stratify=classification)
        X_train, y_train = X_all.iloc[rows], y_all[rows]
        folds = inner_folds(
            y_train,
            n_splits=task.cv,
            seed=seeds["inner"],
            stratify=classification,
            groups=None if task.groups is None else np.asarray(task.groups)[rows],
        )
    except Exception:
        # Validation checks the splits; what still fails here fails this cell only.
        reason = f"the data could not be split for this cell:\n{traceback.format_exc()}"
        return _end(task, store, emit, CellStatus.FAILED, reason, None)
    objectives = task.search_objectives
    # The primary metric: the first scored objective (fit_seconds is a cost, not a
    # score); progress shows its best, and fold_scores are its fold scores.
    primary = next(n for n in objectives if n != FIT_SECONDS)
    metric = metric_registry.get(primary)
    directions = tuple(objective_direction(name) for name in objectives)
    scored = [metric_registry.get(n) for n in objectives if n != FIT_SECONDS]
    need_proba = any(m.needs_proba for m in scored)
    # Ray Tune's schedulers listen to every step, as a pruner does.
    prunable = len(objectives) == 1 and (task.pruner != "none" or task.method == "ray_tune")
    # A model with a finer resource (boosting rounds, epochs) reports checkpoints inside
    # each fold while a pruner listens; step = fold × checkpoints + checkpoint.
    fine = prunable and task.model.resource is not None
    steps_per_fit = task.model.steps_per_fit if fine else 1

    def fit_fold(
        pipeline: Pipeline, fold: int, fit_idx: Any, val_idx: Any, trial: Any, done: list[float]
    ) -> None:
        if not fine:
            pipeline.fit(X_train.iloc[fit_idx], y_train[fit_idx])
            return
        checkpoint = [0]

        def on_step(y_pred: Any, proba: Any) -> None:
            score = metric(
                y_train[val_idx],
                y_pred,
                _aligned(proba, pipeline, labels),
                labels=labels,
                X=X_train.iloc[val_idx],
            )
            step = fold * steps_per_fit + checkpoint[0]
            checkpoint[0] += 1
            trial.report(float((sum(done) + score) / (len(done) + 1)), step)
            if trial.should_prune():
                raise optuna.TrialPruned()

        task.model.fit_steps(
            pipeline,
            X_train.iloc[fit_idx],
            y_train[fit_idx],
            X_val=X_train.iloc[val_idx],
            on_step=on_step,
        )

    def evaluate(params: dict[str, Any], trial: Any) -> list[float]:
        fold_scores: dict[str, list[float]] = {m.name: [] for m in scored}
        fit_seconds = 0.0
        for fold, (fit_idx, val_idx) in enumerate(folds):
            pipeline = _pipeline(task, dataset, params, seeds["model"])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                clock = time.perf_counter()
                try:
                    fit_fold(pipeline, fold, fit_idx, val_idx, trial, fold_scores.get(primary, []))
                except optuna.TrialPruned:
                    trial.set_user_attr("fold_scores", fold_scores.get(primary, []))
                    raise
                fit_seconds += time.perf_counter() - clock
                y_pred, proba = _predict(pipeline, X_train.iloc[val_idx], labels, need_proba)
            for m in scored:
                fold_scores[m.name].append(
                    m(y_train[val_idx], y_pred, proba, labels=labels, X=X_train.iloc[val_idx])
                )
            if not fine and len(objectives) == 1 and objectives[0] != FIT_SECONDS:
                # The running inner-CV mean of the objective, step = fold: what the
                # pruner compares across trials (Optuna reports one objective only).
                trial.report(float(np.mean(fold_scores[objectives[0]])), fold)
                if prunable and trial.should_prune():
                    trial.set_user_attr("fold_scores", fold_scores[objectives[0]])
                    raise optuna.TrialPruned()
        trial.set_user_attr("fold_scores", [float(s) for s in fold_scores.get(primary, [])])
        if len(objectives) > 1:
            trial.set_user_attr(
                "objective_fold_scores", {k: [float(s) for s in v] for k, v in fold_scores.items()}
            )
        return [
            fit_seconds if name == FIT_SECONDS else float(np.mean(fold_scores[name]))
            for name in objectives
        ]

    ray_tune = (
        RayTuneSettings(
            direction=directions[0],
            n_trials=task.n_trials,
            cell_seed=seeds["cell"],
            scheduler=task.scheduler or "asha",
            scheduler_options=task.scheduler_options,
            n_steps=len(folds) * steps_per_fit,
            steps_per_fit=steps_per_fit,
            sampler_options=task.sampler_options,
            max_concurrent=task.parallel_trials,
            timeout=task.timeout,
        )
        if task.method == "ray_tune"
        else None
    )
    return search_and_finish(
        task,
        store,
        emit,
        evaluate=evaluate,
        cell_seed=seeds["cell"],
        n_steps=len(folds) * steps_per_fit,
        ray_tune=ray_tune,
        refit=lambda best, outcome: _refit_and_score(
            task, dataset, best, outcome, X_all, y_all, rows, test, labels, seeds
        ),
    )


#: ``(best trial, the search's outcome) -> (result, test predictions or None)``.
Refit = Callable[[TrialRecord, TuningOutcome], tuple[CellResult, CellPredictions | None]]


def search_and_finish(
    task: CellTask,
    store: Store,
    emit: Callable[[Event], None],
    *,
    evaluate: Callable[[dict[str, Any], Any], list[float]],
    cell_seed: int,
    n_steps: int,
    ray_tune: RayTuneSettings | None,
    refit: Refit,
) -> CellOutcome:
    """The steps every protocol's cell takes once its rows are chosen.

    Start the cell (replaying its stored trials), search with ``evaluate`` (Optuna, or
    Ray Tune when ``ray_tune`` is given) while each trial is written and reported, choose
    the configuration, ``refit`` it, and end the cell in the store. An interruption or a
    failure at any step ends the cell with that status and its reason.

    Args:
        task: The claimed cell.
        store: Where its trials and result go.
        emit: The progress events' channel.
        evaluate: ``(params, trial) -> one value per objective``.
        cell_seed: Seeds the search (with each trial's number).
        n_steps: Steps a trial reports (the pruner's horizon).
        ray_tune: The Ray Tune search's settings, or ``None`` for Optuna's loop.
        refit: Refits and scores the chosen configuration.
    """
    objectives = task.search_objectives
    # The primary metric: the first scored objective (fit_seconds is a cost, not a
    # score); progress shows its best.
    primary = next(n for n in objectives if n != FIT_SECONDS)
    primary_index = objectives.index(primary)
    metric = metric_registry.get(primary)
    directions = tuple(objective_direction(name) for name in objectives)
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
        # The executor keeps this until the trial ends: if the process dies meanwhile
        # (a segfault, the OOM killer), it stores the trial as failed with these params.
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
            cell_seed=cell_seed,
            timeout=task.timeout,
            sampler_options=task.sampler_options,
            pruner=make_pruner(task.pruner, task.pruner_options, n_steps=n_steps),
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
        if ray_tune is not None:
            outcome = tune_with_ray(
                space=task.space,
                objective=evaluate,
                settings=ray_tune,
                replayed=replayed,
                on_trials=on_trials,
            )
        else:
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
        result, predicted = refit(best, outcome)
        result.search = search
    except KeyboardInterrupt:
        return _end(task, store, emit, CellStatus.INTERRUPTED, "interrupted", outcome)
    except LeaseLostError:
        raise
    except Exception:
        reason = f"refit of the best configuration failed:\n{traceback.format_exc()}"
        return _end(task, store, emit, CellStatus.FAILED, reason, outcome, search)
    store.finish_cell(task.cell_id, result, predicted, task.owner, run_id=task.run_id)
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


def _search_account(
    task: CellTask,
    outcome: TuningOutcome,
    directions: tuple[str, ...],
    settings: SearchSettings,
) -> dict[str, Any]:
    """How the search went, as stored with the cell (``cells.search_json``)."""
    objectives = list(task.search_objectives)
    account: dict[str, Any] = {
        "method": task.method,
        "method_reason": task.method_reason,
        "objectives": objectives,
        "directions": list(directions),
        "pruner": task.pruner,
        "parallel_trials": task.parallel_trials,
        "stop_reason": outcome.stop_reason,
        "n_trials": len(outcome.records),
        "n_complete": len(outcome.completed),
        "n_pruned": outcome.n_pruned,
        "n_failed": outcome.n_failed,
        "n_warm_start": len(settings.warm_configs),
    }
    if task.method == "ray_tune":
        account["scheduler"] = task.scheduler
    completed = outcome.completed
    if len(objectives) > 1 and completed:
        values = np.array([r.values for r in completed], dtype=float)
        signs = np.array([1.0 if d == "maximize" else -1.0 for d in directions])
        members = pareto_front(values * signs)
        numbers = [completed[i].number for i in members]
        choice = select(
            numbers,
            values[members],
            directions,
            objectives,
            task.selection or "knee",
            task.weights,
        )
        account["pareto_front"] = [
            {"number": completed[i].number, "values": list(completed[i].values or [])}
            for i in members
        ]
        account["selection"] = {
            "rule": choice.rule,
            "number": choice.number,
            "reason": choice.reason,
        }
    return account


def _chosen(outcome: TuningOutcome, search: dict[str, Any], direction: str) -> TrialRecord | None:
    """The trial to refit: the front's chosen member, or the best on one objective."""
    selection = search.get("selection")
    if selection is None:
        return outcome.best(direction)
    return next(r for r in outcome.records if r.number == selection["number"])


def _track_best(best: list[float | None], record: TrialRecord, metric: Any, index: int = 0) -> None:
    if record.state == "COMPLETE" and record.values:
        value = record.values[index]
        if best[0] is None or metric.better(value, best[0]):
            best[0] = value


def _end(
    task: CellTask,
    store: Store,
    emit: Callable[[Event], None],
    status: str,
    reason: str,
    outcome: TuningOutcome | None,
    search: dict[str, Any] | None = None,
) -> CellOutcome:
    n_trials = len(outcome.records) if outcome else None
    n_failed = outcome.n_failed if outcome else None
    if status == CellStatus.INTERRUPTED:
        # Given up, not finished: free for this or any other runner to resume.
        store.mark_interrupted(task.cell_id, task.owner, error=reason)
    elif not store.end_cell(
        task.cell_id,
        status,
        task.owner,
        error=reason,
        n_trials=n_trials,
        n_failed_trials=n_failed,
        search=search,
    ):
        raise LeaseLostError(f"cell {task.cell_id} is held by another runner now")
    emit({"event": "cell_finished", "key": task.cell_key, "status": status, "error": reason})
    return CellOutcome(task.cell_key, task.label, status, error=reason, n_trials=n_trials or 0)


def _refit_and_score(
    task: CellTask,
    dataset: Dataset,
    best: TrialRecord,
    outcome: TuningOutcome,
    X_all: Any,
    y_all: np.ndarray,
    rows: np.ndarray,
    test: np.ndarray,
    labels: list[Any] | None,
    seeds: dict[str, int],
) -> tuple[CellResult, CellPredictions]:
    clock = time.perf_counter()
    pipeline = _pipeline(task, dataset, best.params, seeds["model"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipeline.fit(X_all.iloc[rows], y_all[rows])
        y_pred, proba = _predict(pipeline, X_all.iloc[test], labels, need_proba=True)
    refit_seconds = time.perf_counter() - clock
    y_test = y_all[test]
    scores = _scores(task.metrics, y_test, y_pred, proba, labels, X_all.iloc[test])
    # Overfitting: the refitted model on its own training rows, beside its inner-CV and
    # test scores (the gap shows in bakeoff.analysis.overfitting).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit_pred, fit_proba = _predict(pipeline, X_all.iloc[rows], labels, need_proba=True)
    diagnostics: dict[str, Any] = {
        "train_scores": _scores(
            task.metrics, y_all[rows], fit_pred, fit_proba, labels, X_all.iloc[rows]
        )
    }
    if task.dirichlet_draws and labels is not None:
        scores, diagnostics["test_resampling"] = _resampled_scores(
            task, scores, y_test, y_pred, proba, labels, seeds["dirichlet"], X_all.iloc[test]
        )
    artifact = None
    if task.artifacts_dir is not None:
        folder = Path(task.artifacts_dir)
        folder.mkdir(parents=True, exist_ok=True)
        artifact = str(folder / f"{task.cell_key}.joblib")
        joblib.dump(pipeline, artifact)
    # Probabilities to 10 decimals, as stored since the first schema: the last bits
    # of a float sum differ between BLAS builds, and results should not.
    predicted = CellPredictions.from_arrays(
        test, y_test, y_pred, proba.round(10) if proba is not None else None
    )
    result = CellResult(
        n_train=len(rows),
        n_test=len(test),
        n_trials=len(outcome.records),
        n_failed_trials=outcome.n_failed,
        best_trial=best.number,
        best_params=best.params,
        cv_value=float(best.values[0]) if best.values else float("nan"),
        test_scores=scores,
        tune_seconds=sum(r.duration for r in outcome.records),
        refit_seconds=refit_seconds,
        artifact_path=artifact,
        diagnostics=diagnostics,
    )
    return result, predicted


def _scores(
    names: tuple[str, ...],
    y_true: Any,
    y_pred: Any,
    proba: Any,
    labels: list[Any] | None,
    X: Any,
) -> dict[str, float]:
    scores: dict[str, float] = {}
    for name in names:
        metric = metric_registry.get(name)
        if metric.needs_proba and proba is None:
            scores[name] = float("nan")
            continue
        scores[name] = metric(y_true, y_pred, proba, labels=labels, X=X)
    return scores


def _resampled_scores(
    task: CellTask,
    plain: dict[str, float],
    y_test: np.ndarray,
    y_pred: np.ndarray,
    proba: np.ndarray | None,
    labels: list[Any],
    seed: int,
    X_test: Any,
) -> tuple[dict[str, float], dict[str, Any]]:
    """Mean scores over Dirichlet re-samples of the test rows, and their spread.

    The draws depend on the data and the repetition only, so every model of a seed is
    scored on the same re-samples (paired comparisons stay paired).
    """
    draws = dirichlet_resamples(
        y_test, draws=task.dirichlet_draws, alpha=task.dirichlet_alpha, seed=seed
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a draw may hold no row of a class
        per_draw = [
            _scores(
                task.metrics,
                y_test[d],
                y_pred[d],
                proba[d] if proba is not None else None,
                labels,
                X_test.iloc[d],
            )
            for d in draws
        ]
    means = {k: float(np.mean([s[k] for s in per_draw])) for k in task.metrics}
    spread = {k: float(np.std([s[k] for s in per_draw], ddof=1)) for k in task.metrics}
    account = {
        "method": "dirichlet",
        "draws": task.dirichlet_draws,
        "alpha": task.dirichlet_alpha,
        "sd": spread,
        "unresampled": plain,
    }
    return means, account
