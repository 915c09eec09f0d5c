"""Do tuned settings transfer? Each dataset run with the settings tuned on its neighbour.

The study's fourth question asks whether good hyperparameters can be had without a full
search. One answer a user can act on: take the settings tuned on the most similar table
already studied. :func:`nearest_datasets` finds, for each dataset of a finished study,
the other dataset closest in its stored meta-features; :func:`transfer_params` turns the
study's exported parameters (:func:`bakeoff.export_params`) into a parameters file whose
entry for each dataset holds its neighbour's tuned settings. A second study runs that
file (``tuning: {method: none, params_from: FILE}``) with the same seed, so each of its
cells meets the same rows as the first study's; :func:`transfer_comparison` then tests,
pair by pair, the transferred settings against the dataset's own tuned settings and
against the defaults. docs/packs/synthetic.md shows the commands.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bakeoff.exceptions import SpecError

__all__ = ["nearest_datasets", "transfer_comparison", "transfer_params", "write_transfer_file"]


#: Fields of an exported entry that describe the cell the settings came from.
_SOURCE_FIELDS = ("cv_score", "seed", "cell_key")


def nearest_datasets(properties: pd.DataFrame) -> dict[str, str]:
    """Each dataset's nearest other dataset by its meta-features.

    Each meta-feature is standardised over the datasets (features constant or missing
    everywhere are left out); the distance is the root mean square difference over the
    features both datasets have (``classes`` is missing for a numeric target, so a
    table with a class target and one without are compared on the rest). Ties go to the
    name first in sorted order.

    Args:
        properties: One row per dataset (the index), one numeric column per meta-feature,
            as :func:`bakeoff.analysis.dataset_properties` gives.

    Raises:
        SpecError: With fewer than two datasets.
    """
    if len(properties) < 2:
        raise SpecError(
            f"a transfer needs at least two datasets to take settings from one another; "
            f"got {len(properties)} ({', '.join(map(str, properties.index))}). Run the "
            f"first study on more datasets"
        )
    numeric = properties.apply(pd.to_numeric, errors="coerce").astype(float)
    spread = numeric.std(ddof=0)
    usable = spread[spread > 0].index
    scaled = (numeric[usable] - numeric[usable].mean()) / spread[usable]
    names = sorted(str(name) for name in scaled.index)
    values = scaled.set_axis([str(name) for name in scaled.index]).loc[names].to_numpy()
    nearest = {}
    # By hand: SciPy's cdist has no form that skips the features one side lacks.
    for i, name in enumerate(names):
        best, best_distance = "", np.inf
        for j, other in enumerate(names):
            if i == j:
                continue
            both = ~np.isnan(values[i]) & ~np.isnan(values[j])
            if not both.any():
                continue
            distance = float(np.sqrt(np.mean((values[i, both] - values[j, both]) ** 2)))
            if distance < best_distance:
                best, best_distance = other, distance
        nearest[name] = best or next(other for other in names if other != name)
    return nearest


def transfer_params(document: Mapping[str, Any], nearest: Mapping[str, str]) -> dict[str, Any]:
    """An exported parameters document whose entry for each dataset is its neighbour's.

    For every (model, dataset, budget) whose neighbour has an entry for the same model
    and budget, the neighbour's parameters under the dataset's name, marked with
    ``transferred_from``; combinations without one are left out (a study reading the
    file then refuses them by name).

    Args:
        document: What :func:`bakeoff.export_params` returned for the finished study.
        nearest: Dataset → the dataset whose settings it takes
            (:func:`nearest_datasets`).
    """
    by_key = {(e["model"], e["dataset"], str(e["budget"])): e for e in document["params"]}
    entries = []
    for model, dataset, budget in sorted(by_key):
        source = by_key.get((model, nearest.get(dataset, ""), budget))
        if source is None:
            continue
        entry = {
            k: v for k, v in source.items() if k not in (*_SOURCE_FIELDS, "test_scores", "seeds")
        }
        # The score, seed and cell describe the neighbour's cell, not this dataset's.
        entry.update({f"source_{k}": source[k] for k in _SOURCE_FIELDS if k in source})
        entries.append({**entry, "dataset": dataset, "transferred_from": source["dataset"]})
    return {**document, "study": f"{document['study']} (transferred)", "params": entries}


def write_transfer_file(
    study: str, path: str | Path, *, storage: str | None = None
) -> dict[str, str]:
    """Write the parameters file of a transfer study for the finished ``study``.

    Its exported parameters (:func:`bakeoff.export_params`), each dataset given its
    nearest neighbour's (:func:`nearest_datasets` over the stored meta-features), as
    YAML at ``path``: what ``tuning.params_from`` reads.

    Returns:
        Dataset → the dataset whose settings it was given.

    Raises:
        SpecError: If a cell of ``study`` is not complete, or it has one dataset.
    """
    import yaml

    from bakeoff import Store, export_params, results
    from bakeoff.analysis import dataset_properties
    from bakeoff.store import DEFAULT_STORAGE

    cells = results(study, storage=storage)
    unfinished = cells[cells["status"] != "complete"]
    if len(unfinished):
        raise SpecError(
            f"study '{study}' has {len(unfinished)} of {len(cells)} cells not complete "
            f"(e.g. {_cell_name(unfinished.iloc[0])}); settings tuned on part of the "
            f"seeds would be transferred. Finish it first: bakeoff run STUDY.yaml"
        )
    with Store(storage or DEFAULT_STORAGE, must_exist=True) as store:
        seed = store.study(study)["spec"].get("seed")
    properties = dataset_properties(study, storage)
    nearest = nearest_datasets(properties if properties is not None else pd.DataFrame())
    document = transfer_params(export_params(study, storage=storage), nearest)
    header = (
        f"# Parameters tuned in study '{study}' (seed {seed}), each dataset given its\n"
        "# nearest other dataset's (bakeoff.packs.synthetic.transfer). Run them with\n"
        f"# tuning: {{method: none, params_from: <this file>}} and seed: {seed}, so that\n"
        "# each cell meets the rows of the cells it is compared with.\n"
    )

    class _NoAliases(yaml.SafeDumper):  # type: ignore[misc]  # PyYAML has no stubs here
        def ignore_aliases(self, data: Any) -> bool:  # shared entries written out in full
            return True

    text = yaml.dump({**document, "seed": seed}, Dumper=_NoAliases, sort_keys=False)
    Path(path).write_text(header + text, encoding="utf-8")
    return nearest


def _cell_name(cell: pd.Series) -> str:
    return f"{cell['model']} × {cell['dataset']} × {cell['budget']} × seed {cell['seed']}"


def transfer_comparison(
    own: pd.DataFrame,
    transferred: pd.DataFrame,
    *,
    defaults: Mapping[str, str] | None = None,
    metrics: list[str] | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Transferred settings against the dataset's own tuned settings and the defaults.

    Pairs are cells of the same model label, dataset, budget and seed. With the two
    studies' ``seed`` the same, each pair met the same rows; their generators' and
    evaluators' seeds follow the cells' keys and differ, a noise the test includes.
    Each comparison is
    :func:`bakeoff.analysis.tuning_gain`'s paired test with the transferred cells in
    the place of the tuned ones.

    Args:
        own: The first study's results (:func:`bakeoff.results`), with the tuned models
            and their ``tune: false`` copies.
        transferred: The second study's results (the tuned labels, run with the
            transferred settings).
        defaults: Tuned label → its defaults' label; by default ``X`` → ``X_default``.
        metrics: Metrics to compare; by default every ``test_`` column both have.
        level: Confidence level of the intervals and of the decisions.

    Raises:
        ValueError: ``own`` lacks a model the transfer study ran (the studies swapped).

    Returns:
        One row per (model, against, metric, budget): ``against`` (``own tuning`` or
        ``defaults``), ``other`` (the label compared with), ``n_pairs``,
        ``mean_transferred``, ``mean_other``, ``relative_gain``, ``mean_difference``
        (transferred − other, positive when the transferred settings are better) with
        its interval, the paired t-test's and Wilcoxon's p-values, and ``decision``:
        ``transferred better``, ``<against> better`` or ``undecided``, from the t-test.
    """
    from bakeoff.analysis import tuning_gain

    labels = sorted(set(transferred["model"]))
    own_labels = set(own["model"])
    missing = [label for label in labels if label not in own_labels]
    if missing:
        raise ValueError(
            f"transfer_comparison: the first study's results (own) have no cells of "
            f"{', '.join(repr(m) for m in missing)}, which the transfer study ran. Give "
            f"the tuned study's results first and the transfer study's second: "
            f"transfer_comparison(bakeoff.results('synthetic'), "
            f"bakeoff.results('synthetic_transfer'))"
        )
    defaults = dict(defaults or {label: f"{label}_default" for label in labels})
    moved = transferred.assign(model=transferred["model"] + " (transferred)")
    frame = pd.concat([own, moved], ignore_index=True)
    if metrics is None:
        metrics = sorted(
            c for c in own.columns if c.startswith("test_") and c in transferred.columns
        )
        metrics = [c.removeprefix("test_") for c in metrics]
    parts = []
    for against, pairs in (
        ("own tuning", {f"{label} (transferred)": label for label in labels}),
        (
            "defaults",
            {
                f"{label} (transferred)": defaults[label]
                for label in labels
                if defaults.get(label) in own_labels
            },
        ),
    ):
        table = tuning_gain(frame, pairs=pairs, metrics=metrics, level=level)
        decisions = {"tuned better": "transferred better", "default better": f"{against} better"}
        parts.append(
            table.assign(
                model=table["model"].str.removesuffix(" (transferred)"),
                against=against,
                decision=table["decision"].replace(decisions),
            )
        )
    columns = {"default": "other", "mean_tuned": "mean_transferred", "mean_default": "mean_other"}
    parts = [part for part in parts if len(part)] or parts[:1]
    table = pd.concat(parts, ignore_index=True).rename(columns=columns)
    first = ["model", "against", "other"]
    return table[first + [c for c in table.columns if c not in first]]
