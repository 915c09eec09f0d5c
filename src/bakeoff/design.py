"""The design: cells = models × datasets × budgets × seeds, with content-hashed keys."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from bakeoff.datasets import Dataset
from bakeoff.models import Model
from bakeoff.tuning import SearchSpace

__all__ = ["PROTOCOL_VERSION", "Cell", "ResolvedModel", "build_cells", "cell_key"]

#: Bump when the protocol changes what a cell computes; it enters every cell key.
PROTOCOL_VERSION = 1


@dataclass(frozen=True)
class ResolvedModel:
    """A model of the study with its fixed parameters and final search space."""

    label: str
    model: Model
    fixed_params: dict[str, Any]
    space: SearchSpace


@dataclass(frozen=True)
class Cell:
    """One point of the design.

    Attributes:
        key: SHA-256 of :attr:`definition`; the unit of storage and resumption.
        model: The model's label.
        dataset: The dataset's name.
        budget: Training rows, or ``"full"``.
        seed: The repetition's seed.
        definition: Everything that determines the cell's result.
    """

    key: str
    model: str
    dataset: str
    budget: int | str
    seed: int
    definition: dict[str, Any]


def cell_key(definition: dict[str, Any]) -> str:
    """Content hash of a cell definition (canonical JSON, sorted keys)."""
    text = json.dumps(definition, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_cells(
    *,
    study_seed: int,
    models: list[ResolvedModel],
    datasets: list[Dataset],
    budgets: list[int | str],
    seeds: list[int],
    metrics: dict[str, list[str]],
    protocol: dict[str, Any],
) -> list[Cell]:
    """The full product, dataset-major, skipping (model, dataset) pairs of unlike tasks.

    Args:
        study_seed: The study's master seed.
        models: Resolved models.
        datasets: Loaded datasets.
        budgets: Training budgets.
        seeds: Repetition seeds.
        metrics: Task kind to metric names (the first is the tuning objective).
        protocol: Split and tuning settings that enter every key.
    """
    cells = []
    for dataset in datasets:
        task = str(dataset.task)
        for budget in budgets:
            for seed in seeds:
                for model in models:
                    if task not in model.model.tasks:
                        continue
                    definition = {
                        "protocol_version": PROTOCOL_VERSION,
                        "study_seed": study_seed,
                        "model": {
                            "name": model.model.name,
                            "class": _qualified_name(model.model),
                            "label": model.label,
                            "fixed_params": model.fixed_params,
                            "search_space": json.loads(model.space.canonical_json()),
                            **_pruning_resource(model, protocol),
                        },
                        "dataset": {
                            "name": dataset.name,
                            "fingerprint": dataset.fingerprint,
                            "target": dataset.target,
                            "task": task,
                            "classes": dataset.classes if task == "classification" else None,
                        },
                        "budget": budget,
                        "seed": seed,
                        "metrics": metrics[task],
                        "protocol": protocol,
                    }
                    cells.append(
                        Cell(
                            cell_key(definition),
                            model.label,
                            dataset.name,
                            budget,
                            seed,
                            definition,
                        )
                    )
    return cells


def _pruning_resource(model: ResolvedModel, protocol: dict[str, Any]) -> dict[str, Any]:
    # What a pruner sees of a trial depends on the model's finer resource (boosting
    # rounds, trees) and its checkpoints; without a pruner nothing does, and the keys
    # stay those of releases before the resource existed.
    pruner = protocol.get("tuning", {}).get("pruner", "none")
    if pruner == "none" or model.model.resource is None:
        return {}
    return {"resource": [model.model.resource, model.model.steps_per_fit]}


def _qualified_name(obj: object) -> str:
    kind = type(obj)
    return f"{kind.__module__}.{kind.__qualname__}"
