"""Each cell's search as an Optuna study, for optuna-dashboard and optuna.visualization.

bakeoff runs Optuna in memory and keeps its own record of every trial (one fast INSERT
a trial). :func:`export_optuna` writes that record into Optuna's own storage, one Optuna
study per cell, so Optuna's tools open a bake-off as they open any study.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any

import optuna
import pandas as pd
from optuna.distributions import json_to_distribution
from optuna.trial import FrozenTrial, TrialState

from bakeoff import metrics as metric_registry
from bakeoff._budgets import budget_label
from bakeoff.store import DEFAULT_STORAGE, Store

__all__ = ["cell_study_name", "export_optuna"]

#: Trial states Optuna knows; a trial stopped by Ctrl-C is run again on resume, not kept.
_EXPORTED = {"COMPLETE": TrialState.COMPLETE, "FAIL": TrialState.FAIL, "PRUNED": TrialState.PRUNED}


def cell_study_name(study: str, model: str, dataset: str, budget: object, seed: int) -> str:
    """The Optuna study name of a cell: ``study/model/dataset/budget/seed-N``.

    Examples:
        >>> cell_study_name("quickstart", "xgboost", "wine", "60", 1)
        'quickstart/xgboost/wine/60/seed-1'
    """
    return f"{study}/{model}/{dataset}/{budget_label(budget)}/seed-{seed}"


def export_optuna(study: str, *, to: str, storage: str | None = None) -> list[str]:
    """Write every cell of ``study`` with trials as an Optuna study in storage ``to``.

    Each Optuna study is named by :func:`cell_study_name`, has the direction of the
    cell's tuning objective, its trials (complete, failed and pruned, with parameters,
    distributions, values, fold scores as intermediate values, and times), and user
    attributes naming the bakeoff study, model, dataset, budget, seed, cell key and
    objective. Exporting again replaces what an earlier export wrote.

    Args:
        study: The bakeoff study's name.
        to: An Optuna storage URL, e.g. ``sqlite:///optuna.db`` (it may be bakeoff's own
            database: the tables do not clash).
        storage: bakeoff's store URL.

    Returns:
        The Optuna study names written, in the order of the cells.

    Raises:
        StudyNotFoundError: If the study is not in the store.
    """
    # One "A new study created" line per cell is Optuna's chatter, not the user's news.
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with Store(storage or DEFAULT_STORAGE, must_exist=True) as store:
        cells = store.cells_frame(study)
        trials = store.trials_frame(study)
    target = optuna.storages.RDBStorage(to)
    existing = {s.study_name for s in optuna.get_all_study_summaries(target)}
    by_cell = dict(tuple(trials.groupby("cell_key"))) if not trials.empty else {}
    written = []
    for cell in cells.itertuples(index=False):
        rows = by_cell.get(cell.cell_key)
        if rows is None:
            continue  # not started: nothing to show
        objective = json.loads(cell.definition_json)["metrics"][0]
        # A search with several objectives is a multi-objective Optuna study.
        search = json.loads(cell.search_json) if isinstance(cell.search_json, str) else {}
        objectives = search.get("objectives") or [objective]
        directions = search.get("directions") or [metric_registry.get(objective).direction]
        name = cell_study_name(study, cell.model, cell.dataset, cell.budget, cell.seed)
        if name in existing:
            optuna.delete_study(study_name=name, storage=target)
        optuna_study = optuna.create_study(study_name=name, storage=target, directions=directions)
        for key, value in {
            "bakeoff_study": study,
            "model": cell.model,
            "dataset": cell.dataset,
            "budget": budget_label(cell.budget),
            "seed": int(cell.seed),
            "cell_key": cell.cell_key,
            "objective": objectives[0],
            "objectives": objectives,
        }.items():
            optuna_study.set_user_attr(key, value)
        optuna_study.add_trials(
            [_frozen(row) for row in rows.itertuples(index=False) if row.state in _EXPORTED]
        )
        written.append(name)
    return written


def _frozen(row: Any) -> FrozenTrial:
    values = json.loads(row.values_json) if isinstance(row.values_json, str) else None
    state = _EXPORTED[row.state]
    return FrozenTrial(
        number=int(row.number),
        trial_id=0,  # storage assigns the real one
        state=state,
        value=None,
        values=values if state == TrialState.COMPLETE else None,
        datetime_start=_time(row.started_at),
        datetime_complete=_time(row.finished_at),
        params=json.loads(row.params_json),
        distributions={
            k: json_to_distribution(v) for k, v in json.loads(row.distributions_json).items()
        },
        user_attrs=json.loads(row.user_attrs_json),
        system_attrs=json.loads(row.system_attrs_json),
        intermediate_values={
            int(k): float(v)
            for k, v in json.loads(row.intermediate_json).items()
            if v is not None and not math.isnan(float(v))
        },
    )


def _time(value: Any) -> datetime | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).to_pydatetime()
