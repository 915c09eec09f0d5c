"""The optimisation account of a study: every search, per cell and pooled per model."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bakeoff._budgets import budget_label
from bakeoff.analysis._recommend import recommendations
from bakeoff.analysis._search import (
    IMPORTANCE_EVALUATORS,
    convergence,
    history,
    importance,
    sensitivity,
    top_mask,
)

__all__ = ["MIN_TRIALS", "TRIAL_COLUMNS", "Optimization", "optimization"]

#: Complete trials a cell needs before hyperparameter importance is computed for it.
MIN_TRIALS = 10

#: Columns of a trials table :func:`optimization` accepts instead of a study name.
TRIAL_COLUMNS = (
    "model",
    "dataset",
    "budget",
    "seed",
    "number",
    "state",
    "values",
    "params",
    "distributions",
    "objective",
    "direction",
)

_NOTE = (
    "Only COMPLETE trials are scored, on their first objective (values[0]); PRUNED and "
    "FAIL trials are counted. Cells without a search (no parameters sampled) are left "
    "out. Per-model figures pool the model's cells: importances are averaged over the "
    "cells that assessed the parameter, spreads and convergence are medians over cells, "
    "and the history is each cell's progress (the share of its own improvement, from its "
    "first complete trial to its final best, reached by that position) over cells: mean, "
    "median, quartiles, min and max."
)


@dataclass
class Optimization:
    """The account of every search in a study (see :func:`optimization`).

    Attributes:
        source: The study's name, or ``"table"``.
        settings: ``top_fraction``, ``reach``, ``seed`` and the evaluators.
        cells: One dict per searched cell: design, counts by state, ``history``,
            ``sensitivity``, ``convergence``, ``importance``.
        models: One dict per model, pooled over its cells.
        recommendations: Plain-language advice, each with the numbers behind it.
    """

    source: str
    settings: dict[str, Any]
    cells: list[dict[str, Any]]
    models: list[dict[str, Any]]
    recommendations: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (every number; ``NaN`` written as ``null``)."""
        document: dict[str, Any] = _clean(
            {
                "source": self.source,
                "note": _NOTE,
                "settings": self.settings,
                "models": self.models,
                "cells": self.cells,
                "recommendations": self.recommendations,
            }
        )
        return document

    def write_json(self, folder: str | Path) -> Path:
        """Write ``optimization.json`` into ``folder`` (created if missing)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "optimization.json"
        path.write_text(json.dumps(self.to_dict(), indent=2), encoding="utf-8")
        return path


def optimization(
    source: str | pd.DataFrame,
    *,
    storage: str | None = None,
    top_fraction: float = 0.1,
    reach: float = 0.99,
    seed: int = 0,
    min_trials: int = MIN_TRIALS,
) -> Optimization:
    """Account for every search of a study: history, importance, sensitivity, convergence.

    Per cell and per model (pooled over its cells): the optimisation history with the
    running best; hyperparameter importance from Optuna's fANOVA (seeded) and PED-ANOVA
    evaluators, computed on an in-memory Optuna study rebuilt from the stored trials;
    the spread of the objective across the top ``top_fraction`` of trials and across
    all; convergence (the first trial within ``1 - reach`` of the final best, defined
    for minimised and negative metrics too: see :mod:`bakeoff.analysis._search`); and
    recommendations in plain language, each with its numbers. Only COMPLETE trials are
    scored, on their first objective.

    Args:
        source: A study's name (read from the store), or a trials table with the
            columns of :data:`TRIAL_COLUMNS` (``values`` a list of floats or ``None``,
            ``params`` a dict, ``distributions`` a dict of Optuna distributions or of
            their JSON).
        storage: The store URL, for a study's name.
        top_fraction: The share of a cell's complete trials called its top (0.1: the
            best 10 %, at least one trial).
        reach: The convergence level (0.99: within 1 % of the final best).
        seed: fANOVA's seed; the same seed gives the same importances.
        min_trials: Complete trials a cell needs before its importances are computed:
            with fewer, attributing the objective's variance to parameters is noise,
            and fANOVA costs about 0.4 s a cell of 50 trials (bench/optimization.py).

    Returns:
        An :class:`Optimization`; ``write_json`` writes ``optimization.json``.

    Raises:
        StudyNotFoundError: If the study is not in the store.
        ValueError: If ``top_fraction`` or ``reach`` is not in (0, 1].

    Examples:
        >>> account = optimization("quickstart")  # doctest: +SKIP
        >>> account.models[0]["importance"]["fanova"]  # doctest: +SKIP
    """
    for name, value in (("top_fraction", top_fraction), ("reach", reach)):
        if not 0 < value <= 1:
            raise ValueError(f"{name} must be in (0, 1], but got {value}")
    table = _from_store(source, storage) if isinstance(source, str) else source
    missing = [c for c in TRIAL_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"the trials table lacks the columns {missing}")
    cells = [
        _cell(key, rows, top_fraction=top_fraction, reach=reach, seed=seed, min_trials=min_trials)
        for key, rows in table.groupby(["model", "dataset", "budget", "seed"], sort=False)
    ]
    searched = [c for c in cells if c is not None]
    models = [_pooled(model, group) for model, group in _by_model(searched).items()]
    settings = {
        "top_fraction": top_fraction,
        "reach": reach,
        "seed": seed,
        "min_trials": min_trials,
        "evaluators": {
            "fanova": f"optuna.importance.FanovaImportanceEvaluator(seed={seed})",
            "ped_anova": "optuna.importance.PedAnovaImportanceEvaluator("
            f"target_quantile={top_fraction}) (deterministic)",
        },
        "n_cells_without_search": len(cells) - len(searched),
    }
    return Optimization(
        source=source if isinstance(source, str) else "table",
        settings=settings,
        cells=searched,
        models=models,
        recommendations=recommendations(models, searched, top_fraction=top_fraction, reach=reach),
    )


def _from_store(study: str, storage: str | None) -> pd.DataFrame:
    """The study's trials in the shape of :data:`TRIAL_COLUMNS`."""
    from bakeoff import metrics as metric_registry
    from bakeoff.store import DEFAULT_STORAGE, Store

    with Store(storage or DEFAULT_STORAGE, must_exist=True) as store:
        cells = store.cells_frame(study)
        raw = store.trials_frame(study)
    if raw.empty:
        return pd.DataFrame(columns=list(TRIAL_COLUMNS))
    objective_of: dict[str, tuple[str, str]] = {}
    for cell in cells.itertuples(index=False):
        definition = json.loads(cell.definition_json)
        tuning = definition.get("protocol", {}).get("tuning", {})
        name = (tuning.get("objectives") or definition["metrics"])[0]
        # fit_seconds, the cost objective, is minimised and is not a registered metric.
        direction = "minimize" if name == "fit_seconds" else metric_registry.get(name).direction
        objective_of[cell.cell_key] = (name, direction)
    return pd.DataFrame(
        {
            "model": raw["model"],
            "dataset": raw["dataset"],
            "budget": raw["budget"].map(budget_label),
            "seed": raw["seed"],
            "cell_key": raw["cell_key"],
            "number": raw["number"],
            "state": raw["state"],
            "values": raw["values_json"].map(
                lambda v: json.loads(v) if isinstance(v, str) else None
            ),
            "params": raw["params_json"].map(json.loads),
            "distributions": raw["distributions_json"].map(json.loads),
            "objective": raw["cell_key"].map(lambda k: objective_of[k][0]),
            "direction": raw["cell_key"].map(lambda k: objective_of[k][1]),
        }
    )


def _distributions(encoded: dict[str, Any]) -> dict[str, Any]:
    from optuna.distributions import BaseDistribution, json_to_distribution

    return {
        k: v if isinstance(v, BaseDistribution) else json_to_distribution(v)
        for k, v in encoded.items()
    }


def _cell(
    key: tuple[Any, ...],
    rows: pd.DataFrame,
    *,
    top_fraction: float,
    reach: float,
    seed: int,
    min_trials: int,
) -> dict[str, Any] | None:
    model, dataset, budget, cell_seed = key
    rows = rows.sort_values("number")
    counts = rows["state"].value_counts()
    complete = [
        row
        for row in rows.itertuples(index=False)
        if row.state == "COMPLETE"
        and row.values is not None
        and len(row.values) > 0
        and row.values[0] is not None
        and math.isfinite(float(row.values[0]))
    ]
    if not any(row.params for row in rows.itertuples(index=False)):
        return None  # no search: the defaults, or a parameters file
    direction = str(rows["direction"].iloc[0])
    cell: dict[str, Any] = {
        "model": model,
        "dataset": dataset,
        "budget": budget_label(budget),
        "seed": int(cell_seed),
        "cell_key": rows["cell_key"].iloc[0] if "cell_key" in rows else None,
        "objective": str(rows["objective"].iloc[0]),
        "direction": direction,
        "n_trials": len(rows),
        "n_complete": len(complete),
        "n_pruned": int(counts.get("PRUNED", 0)),
        "n_failed": int(counts.get("FAIL", 0)),
        "history": [],
        "sensitivity": None,
        "convergence": None,
        "importance": None,
        "top_trials": [],
    }
    if not complete:
        return cell
    numbers = [int(r.number) for r in complete]
    values = [float(r.values[0]) for r in complete]
    cell["history"] = history(numbers, values, direction)
    cell["sensitivity"] = sensitivity(values, direction, top_fraction)
    cell["convergence"] = convergence(numbers, values, direction, reach)
    trials = [
        {"params": r.params, "distributions": _distributions(r.distributions), "value": v}
        for r, v in zip(complete, values, strict=True)
    ]
    if len(trials) >= min_trials:
        cell["importance"] = importance(trials, direction, seed=seed, top_fraction=top_fraction)
    else:
        reason = (
            f"{len(trials)} complete trials, fewer than the {min_trials} importance needs "
            f"(min_trials)"
        )
        cell["importance"] = {name: {"error": reason} for name in IMPORTANCE_EVALUATORS}
    for step, row in zip(cell["history"], complete, strict=True):
        step["params"] = dict(row.params)
    mask = top_mask(values, direction, top_fraction)
    cell["top_trials"] = [n for n, top in zip(numbers, mask, strict=True) if top]
    return cell


def _by_model(cells: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for cell in cells:
        grouped.setdefault(cell["model"], []).append(cell)
    return grouped


def _median(values: list[float]) -> float:
    return float(np.median(values)) if values else math.nan


def _pooled(model: str, cells: list[dict[str, Any]]) -> dict[str, Any]:
    scored = [c for c in cells if c["n_complete"]]
    importances: dict[str, dict[str, Any]] = {}
    for name in IMPORTANCE_EVALUATORS:
        per_param: dict[str, list[float]] = {}
        for cell in scored:
            found = (cell["importance"] or {}).get(name, {})
            if "error" in found:
                continue
            for param, value in found.items():
                per_param.setdefault(param, []).append(value)
        importances[name] = {
            param: {"mean": float(np.mean(v)), "n_cells": len(v), "min": min(v), "max": max(v)}
            for param, v in sorted(per_param.items(), key=lambda kv: -float(np.mean(kv[1])))
        }
    longest = max((len(c["history"]) for c in scored), default=0)
    progress = []
    for position in range(longest):
        shares = [_progress(c, position) for c in scored if position < len(c["history"])]
        progress.append(
            {
                "position": position + 1,
                "n_cells": len(shares),
                "mean": float(np.mean(shares)),
                "median": float(np.median(shares)),
                "q25": float(np.percentile(shares, 25)),
                "q75": float(np.percentile(shares, 75)),
                "min": float(min(shares)),
                "max": float(max(shares)),
            }
        )
    return {
        "model": model,
        "n_cells": len(cells),
        "n_trials": sum(c["n_trials"] for c in cells),
        "n_complete": sum(c["n_complete"] for c in cells),
        "n_pruned": sum(c["n_pruned"] for c in cells),
        "n_failed": sum(c["n_failed"] for c in cells),
        "datasets": sorted({c["dataset"] for c in cells}),
        "importance": importances,
        "sensitivity": {
            "median_top_range": _median([c["sensitivity"]["top"]["range"] for c in scored]),
            "median_all_range": _median([c["sensitivity"]["all"]["range"] for c in scored]),
            "median_top_to_all": _median([c["sensitivity"]["top_to_all"] for c in scored]),
        },
        "convergence": {
            "median_position": _median([c["convergence"]["position"] for c in scored]),
            "max_position": max((c["convergence"]["position"] for c in scored), default=None),
            "median_improvement_position": _median(
                [c["convergence"]["improvement_position"] for c in scored]
            ),
            "median_n_complete": _median([c["n_complete"] for c in scored]),
        },
        "history": progress,
    }


def _progress(cell: dict[str, Any], position: int) -> float:
    """The share of the cell's improvement reached by ``position`` (1 when none)."""
    steps = cell["history"]
    first, final = steps[0]["value"], steps[-1]["best"]
    if final == first:
        return 1.0
    return float((steps[position]["best"] - first) / (final - first))


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, (np.floating, float)):
        return None if not math.isfinite(float(value)) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value
