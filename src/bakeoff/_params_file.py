"""Tuned parameters as a file: export a study's best, run another study with them.

``bakeoff params export STUDY -o params.yaml`` writes, for every (model, dataset,
budget) of a study with a complete cell, the best parameters found and where they came
from (study, cell key, seed, inner-CV score, test scores). A study that says ``tuning:
{params_from: params.yaml}`` then runs each cell once with the entry of its (model,
dataset, budget), without a search: a tuned-parameter cache, so that a large study can
reuse what a smaller one learned, or a paper's configurations can be run again.

With several seeds, the entry is the seed whose cell has the best inner-CV score (the
lowest seed on a tie); the other seeds are listed with their scores.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from bakeoff._budgets import budget_label
from bakeoff._version import __version__
from bakeoff.exceptions import SpecError
from bakeoff.spec._yaml import load_study_yaml
from bakeoff.store import DEFAULT_STORAGE, CellStatus, Store

__all__ = ["FORMAT", "ParamsFile", "export_params", "read_params", "write_params"]

#: The ``format`` line of a parameters file; bumped if its layout ever changes.
FORMAT = "bakeoff-params/1"


def export_params(study: str, *, storage: str | None = None) -> dict[str, Any]:
    """The best parameters of every (model, dataset, budget) of ``study``, as a document.

    Only complete cells count. Among a combination's seeds, the cell with the best
    inner-CV score of the tuning objective gives the parameters (the lowest seed on a
    tie); every seed's cell is listed under ``seeds`` with its score.

    Args:
        study: The study's name in the store.
        storage: The store URL (default: ``sqlite:///bakeoff.db``).

    Returns:
        ``{"format", "study", "exported_at", "bakeoff_version", "params": [...]}`` where
        each entry has ``model, model_name, dataset, budget, params, objective,
        direction, cv_score, test_scores, seed, cell_key, seeds``.

    Raises:
        StudyNotFoundError: If the study is not in the store.
        SpecError: If the study has no complete cell yet.
    """
    from bakeoff import metrics as metric_registry

    with Store(storage or DEFAULT_STORAGE, must_exist=True) as store:
        cells = store.cells_frame(study)
        own_params = _study_params(store.study(study)["spec"])
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for cell in cells.itertuples(index=False):
        if cell.status != CellStatus.COMPLETE:
            continue
        definition = json.loads(cell.definition_json)
        objective = definition["metrics"][0]
        groups.setdefault((cell.model, cell.dataset, budget_label(cell.budget)), []).append(
            {
                "model_name": definition["model"]["name"],
                "objective": objective,
                "seed": int(cell.seed),
                "cell_key": cell.cell_key,
                "cv_score": float(cell.cv_value),
                "params": _ran_with(
                    definition,
                    json.loads(cell.best_params_json or "{}"),
                    own_params.get(definition["model"].get("label", cell.model), {}),
                ),
                "test_scores": json.loads(cell.test_scores_json or "{}"),
            }
        )
    if not groups:
        raise SpecError(
            f"study '{study}' has no complete cell, so there are no tuned parameters to "
            f"export yet. Run it first: bakeoff run STUDY.yaml"
        )
    entries = []
    for (model, dataset, budget), found in groups.items():
        direction = metric_registry.get(found[0]["objective"]).direction
        sign = -1.0 if direction == "maximize" else 1.0
        best = min(
            found,
            key=lambda c: (
                sign * c["cv_score"] if math.isfinite(c["cv_score"]) else math.inf,
                c["seed"],
            ),
        )
        entries.append(
            {
                "model": model,
                "model_name": best["model_name"],
                "dataset": dataset,
                "budget": int(budget) if budget != "full" else "full",
                "params": best["params"],
                "objective": best["objective"],
                "direction": direction,
                "cv_score": best["cv_score"],
                "test_scores": best["test_scores"],
                "seed": best["seed"],
                "cell_key": best["cell_key"],
                "seeds": [
                    {"seed": c["seed"], "cell_key": c["cell_key"], "cv_score": c["cv_score"]}
                    for c in sorted(found, key=lambda c: c["seed"])
                ],
            }
        )
    return {
        "format": FORMAT,
        "study": study,
        "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "bakeoff_version": __version__,
        "params": entries,
    }


def _study_params(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each model entry's own ``params`` in a stored study spec, by label."""
    found: dict[str, dict[str, Any]] = {}
    for entry in spec.get("models") or []:
        if isinstance(entry, dict):
            label = entry.get("label") or entry.get("name")
            found[str(label)] = dict(entry.get("params") or {})
    return found


def _ran_with(
    definition: dict[str, Any], best_params: dict[str, Any], own_params: dict[str, Any]
) -> dict[str, Any]:
    """The parameters a cell's entry exports: its best, or, without a search, its fixed ones.

    A cell that searched exports what the search chose (the next study brings its own
    fixed ``params``). A cell that ran one configuration without a search (``method:
    none``, or ``params_from``: a chained study) has an empty best; it exports the fixed
    parameters it ran with instead, less the model's own defaults and the study's own
    ``params`` (as a searched cell's export leaves them out), so that exporting a study
    that ran an exported file gives that file's parameters back.
    """
    model = definition["model"]
    if best_params or model.get("search_space"):
        return best_params
    fixed = dict(model.get("fixed_params") or {})
    try:
        from bakeoff import models as model_registry

        defaults = model_registry.get(model["name"]).default_params()
    except Exception:  # a model no longer registered: keep every fixed parameter
        defaults = {}
    given = {**defaults, **own_params}
    return {k: v for k, v in fixed.items() if k not in given or given[k] != v}


def write_params(document: dict[str, Any], path: str | Path) -> Path:
    """Write an exported document as YAML (floats written exactly, keys in order)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    header = (
        "# Tuned parameters per (model, dataset, budget), written by `bakeoff params export`.\n"
        "# Run a study with them: tuning: {method: none, params_from: <this file>}\n"
    )
    path.write_text(
        header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return path


@dataclass(frozen=True)
class ParamsFile:
    """A parameters file, read back: its entries by (model label, dataset, budget)."""

    path: Path
    study: str
    entries: dict[tuple[str, str, str], dict[str, Any]]

    def lookup(self, model: str, dataset: str, budget: int | str) -> dict[str, Any] | None:
        """The entry of one combination, or ``None`` when the file has none."""
        return self.entries.get((model, dataset, budget_label(budget)))


def read_params(path: str | Path, *, field: str = "tuning.params_from") -> ParamsFile:
    """Read a file written by :func:`write_params`.

    Raises:
        SpecError: Naming ``field`` and the file, if it is missing or not such a file.
    """
    path = Path(path)
    if not path.is_file():
        raise SpecError(
            f"{field}: '{path}' does not exist. Write it with: bakeoff params export "
            f"STUDY -o {path.name}"
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecError(f"{field}: cannot read '{path}': {exc.strerror}") from None
    document = load_study_yaml(raw, str(path))
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SpecError(
            f"{field}: '{path}' is not a parameters file (its first key should be "
            f"`format: {FORMAT}`). Write one with: bakeoff params export STUDY -o "
            f"{path.name}"
        )
    entries: dict[tuple[str, str, str], dict[str, Any]] = {}
    for i, entry in enumerate(document.get("params") or []):
        try:
            key = (str(entry["model"]), str(entry["dataset"]), budget_label(entry["budget"]))
            if not isinstance(entry["params"], dict):
                raise TypeError("params is not a mapping")
        except (KeyError, TypeError, ValueError) as exc:
            raise SpecError(
                f"{field}: '{path}' params[{i}] is malformed ({exc}); each entry needs "
                f"model, dataset, budget and a params mapping. Export the file again"
            ) from None
        entries[key] = entry
    return ParamsFile(path, str(document.get("study", "")), entries)
