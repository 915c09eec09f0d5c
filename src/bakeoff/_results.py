"""Tables of a stored study: one row per cell, per trial, or per outer-test prediction."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from bakeoff._budgets import budget_number
from bakeoff._table_files import exportable
from bakeoff.store import DEFAULT_STORAGE, Store

__all__ = ["pareto", "predictions", "results", "trials"]

_DESIGN = ["study", "model", "dataset", "budget", "seed"]


def _budget_value(budget: str) -> float:
    # A number in every table (inf for "full"), so budgets sort and compare as numbers
    # and a column never mixes types; n_train holds the rows a cell trained on.
    return budget_number(budget)


def _json(value: Any, default: Any = None) -> Any:
    # pandas turns a NULL text column into NaN, not None.
    return json.loads(value) if isinstance(value, str) else default


def _fold_scores(user_attrs: Any) -> str | None:
    # JSON text of the inner-fold scores; missing (not the text "null") for a trial
    # that failed before its first fold finished.
    scores = _json(user_attrs, {}).get("fold_scores")
    return None if scores is None else json.dumps(scores)


def _open(storage: str | None) -> Store:
    return Store(storage or DEFAULT_STORAGE, must_exist=True)


def import_study_modules(spec: dict[str, Any]) -> None:
    """Import the modules a stored study lists under ``imports``, as its run did.

    Its metrics and models may be registered there; reading and analysing the study
    needs them (their directions, their names). A module that cannot be imported here
    is reported, not fatal: the stored numbers still read.
    """
    import warnings

    from bakeoff._registry import import_modules
    from bakeoff.exceptions import BakeoffWarning

    for module in spec.get("imports") or []:
        try:
            import_modules([module])
        except Exception as exc:  # any import error: the stored numbers still read
            warnings.warn(
                f"the study's `imports` module '{module}' could not be imported here "
                f"({exc}); metrics or models it registers are unknown",
                BakeoffWarning,
                stacklevel=3,
            )


def results(
    name: str, *, storage: str | None = None, include_set_aside: bool = False
) -> pd.DataFrame:
    """One row per cell of study ``name``.

    Columns: study, model, dataset, budget, seed, status, n_train, n_test, n_trials,
    n_failed_trials, best_params (JSON text), cv_<objective>, test_<metric> for every
    metric (with ``split.dirichlet_draws``: the mean over the re-samples, and
    sd_test_<metric> their spread), train_<metric> (the refitted model on its own
    training rows, for the overfitting gap), tune_seconds, refit_seconds, stop_reason
    (why the search stopped: n_trials, patience, timeout, cpu_budget or
    grid_exhausted), error, artifact_path, cell_key.

    ``budget`` is float64: the budget's rows, ``inf`` for ``full`` (so ``full`` sorts
    last and never equals a count); ``n_train`` is the rows the cell trained on.

    Examples:
        >>> results("quickstart", storage="sqlite:///bakeoff.db")  # doctest: +SKIP
    """
    with _open(storage) as store:
        raw = store.cells_frame(name, include_set_aside=include_set_aside)
        if not raw.empty:
            import_study_modules(store.study(name)["spec"])
    rows = []
    for cell in raw.itertuples(index=False):
        definition = json.loads(cell.definition_json)
        objective = definition["metrics"][0]
        row: dict[str, Any] = {
            "study": name,
            "model": cell.model,
            "dataset": cell.dataset,
            "budget": _budget_value(cell.budget),
            "seed": cell.seed,
            "status": cell.status,
            "n_train": cell.n_train,
            "n_test": cell.n_test,
            "n_trials": cell.n_trials,
            "n_failed_trials": cell.n_failed_trials,
            "best_params": cell.best_params_json,
            f"cv_{objective}": cell.cv_value,
        }
        scores = _json(cell.test_scores_json, {})
        for metric in definition["metrics"]:
            value = scores.get(metric)
            row[f"test_{metric}"] = np.nan if value is None else value
        diagnostics = _json(cell.diagnostics_json, {})
        for metric, value in diagnostics.get("train_scores", {}).items():
            row[f"train_{metric}"] = value
        for metric, value in diagnostics.get("test_resampling", {}).get("sd", {}).items():
            row[f"sd_test_{metric}"] = value
        search = _json(cell.search_json, {})
        row.update(
            tune_seconds=cell.tune_seconds,
            refit_seconds=cell.refit_seconds,
            stop_reason=search.get("stop_reason"),
            error=cell.error,
            artifact_path=cell.artifact_path,
            cell_key=cell.cell_key,
        )
        if include_set_aside:
            row["in_design"] = bool(cell.in_design)
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    # Score columns after the design, test_ columns together.
    cv_cols = sorted(c for c in frame.columns if c.startswith("cv_"))
    test_cols = [c for c in frame.columns if c.startswith(("test_", "sd_test_", "train_"))]
    head = [*_DESIGN, "status", "n_train", "n_test", "n_trials", "n_failed_trials", "best_params"]
    tail = [c for c in frame.columns if c not in head + cv_cols + test_cols]
    return frame[head + cv_cols + test_cols + tail]


def trials(name: str, *, storage: str | None = None) -> pd.DataFrame:
    """One row per trial.

    Columns: the design, cell_key, number, state (COMPLETE, PRUNED or FAIL, as Optuna
    names them), steps (how many steps the trial reported: inner folds, or the model's
    finer resource), value (the first objective), value_<objective> for each objective
    when there are several, params (JSON), warm_start (True for a configuration a warm
    start enqueued: ``tuning.warm_start``), fold_scores, perturbations
    (PBT under ``method: ray_tune``: JSON, else empty), duration, started_at,
    finished_at, error.
    """
    with _open(storage) as store:
        raw = store.trials_frame(name)
        objectives = _objectives(store, name)
        searched = _cell_objectives(store, name)
    if raw.empty:
        return pd.DataFrame(
            columns=[
                *_DESIGN,
                "cell_key",
                "number",
                "state",
                "steps",
                "value",
                "params",
                "duration",
            ]
        )
    decoded = raw["values_json"].map(_json)
    values = decoded.map(lambda v: (v or [np.nan])[0])
    # A cell's own objectives where its search says (a synthesis cell searches two by
    # default), else the spec's.
    per_row = [searched.get(key, objectives) for key in raw["cell_key"]]
    named = list(dict.fromkeys(o for row in per_row if len(row) > 1 for o in row))
    frame = pd.DataFrame(
        {
            "study": name,
            "model": raw["model"],
            "dataset": raw["dataset"],
            "budget": raw["budget"].map(_budget_value),
            "seed": raw["seed"],
            "cell_key": raw["cell_key"],
            "number": raw["number"],
            "state": raw["state"],
            "steps": raw["intermediate_json"].map(lambda v: len(_json(v, {}))),
            "value": values.astype(float),
            **{
                f"value_{objective}": pd.Series(
                    [
                        v[row.index(objective)]
                        if v and objective in row and len(v) > row.index(objective)
                        else np.nan
                        for v, row in zip(decoded, per_row, strict=True)
                    ],
                    index=raw.index,
                    dtype=float,
                )
                for objective in named
            },
            "params": raw["params_json"],
            "warm_start": raw["user_attrs_json"].map(
                lambda v: bool(_json(v, {}).get("warm_start", False))
            ),
            "fold_scores": raw["user_attrs_json"].map(_fold_scores),
            "perturbations": raw["user_attrs_json"].map(_perturbations),
            "duration": raw["duration"],
            "started_at": raw["started_at"],
            "finished_at": raw["finished_at"],
            "error": raw["error"],
        }
    )
    return frame


def _perturbations(user_attrs: Any) -> str | None:
    """PBT's perturbations of a Ray Tune trial as JSON.

    Each records at which step the trial cloned which trial (``source``, a trial number),
    and its parameters before and after.
    """
    found = _json(user_attrs, {}).get("perturbations")
    return json.dumps(found, sort_keys=True) if found else None


def _cell_objectives(store: Store, name: str) -> dict[str, list[str]]:
    """Each finished cell's searched objectives, as its search account names them."""
    cells = store.cells_frame(name)
    found = {}
    for key, text in zip(cells.get("cell_key", []), cells.get("search_json", []), strict=True):
        objectives = _json(text, {}).get("objectives")
        if objectives:
            found[str(key)] = list(objectives)
    return found


def _objectives(store: Store, name: str) -> list[str]:
    """The study's tuning objectives as its spec names them (empty: the first metric)."""
    tuning = store.study(name)["spec"].get("tuning") or {}
    return list(tuning.get("objectives") or [])


def pareto(name: str, *, storage: str | None = None) -> pd.DataFrame:
    """One row per member of each cell's Pareto front (studies with several objectives).

    Columns: the design, cell_key, number, value_<objective> for each objective, params
    (JSON), chosen (whether this member was refitted and tested) and reason (the
    selection rule's account, on the chosen member). Cells tuned on one objective have
    no front and no rows.
    """
    with _open(storage) as store:
        cells = store.cells_frame(name)
        trial_rows = store.trials_frame(name)
    params = {
        (key, number): text
        for key, number, text in zip(
            trial_rows.get("cell_key", []),
            trial_rows.get("number", []),
            trial_rows.get("params_json", []),
            strict=True,
        )
    }
    rows = []
    for cell in cells.itertuples(index=False):
        search = _json(cell.search_json, {})
        front = search.get("pareto_front")
        if not front:
            continue
        selection = search.get("selection") or {}
        for member in front:
            chosen = member["number"] == selection.get("number")
            rows.append(
                {
                    "study": name,
                    "model": cell.model,
                    "dataset": cell.dataset,
                    "budget": _budget_value(cell.budget),
                    "seed": cell.seed,
                    "cell_key": cell.cell_key,
                    "number": member["number"],
                    **{
                        f"value_{objective}": value
                        for objective, value in zip(
                            search["objectives"], member["values"], strict=True
                        )
                    },
                    "params": params.get((cell.cell_key, member["number"])),
                    "chosen": chosen,
                    "reason": selection.get("reason") if chosen else None,
                }
            )
    return pd.DataFrame(rows, columns=None if rows else [*_DESIGN, "cell_key", "number"])


def predictions(name: str, *, storage: str | None = None) -> pd.DataFrame:
    """One row per outer-test row per finished cell.

    Columns: model, dataset, budget, seed, cell_key, row (position in the loaded
    dataset), y_true, y_pred, and proba_<class> for classifiers. ``y_true`` and
    ``y_pred`` are numbers when every dataset's target is, and text in every row when
    the study mixes kinds (text classes beside integer classes or regression values).
    """
    with _open(storage) as store:
        raw = store.predictions_frame(name)
    base_columns = [*_DESIGN, "cell_key", "row", "y_true", "y_pred"]
    if raw.empty:
        return pd.DataFrame(columns=base_columns)
    frame = pd.DataFrame(
        {
            "study": name,
            "model": raw["model"],
            "dataset": raw["dataset"],
            "budget": raw["budget"].map(_budget_value),
            "seed": raw["seed"],
            "cell_key": raw["cell_key"],
            "row": raw["row"],
            "y_true": raw["y_true"],
            "y_pred": raw["y_pred"],
        }
    )
    classes_of = {}
    for key, definition in zip(raw["cell_key"], raw["definition_json"], strict=True):
        if key not in classes_of:
            classes_of[key] = json.loads(definition)["dataset"].get("classes")
    has_proba = raw["proba"].notna()
    if has_proba.any():
        probas = raw["proba"]
        labels: list[str] = []
        for key in dict.fromkeys(raw["cell_key"]):
            for label in classes_of.get(key) or []:
                if str(label) not in labels:
                    labels.append(str(label))
        columns: dict[str, list[float]] = {f"proba_{label}": [] for label in labels}
        for key, proba in zip(raw["cell_key"], probas, strict=True):
            cell_labels = [str(c) for c in classes_of.get(key) or []]
            lookup = dict(zip(cell_labels, proba, strict=True)) if proba else {}
            for label in labels:
                columns[f"proba_{label}"].append(lookup.get(label, np.nan))
        frame = pd.concat([frame, pd.DataFrame(columns)], axis=1)
    return exportable(frame)
