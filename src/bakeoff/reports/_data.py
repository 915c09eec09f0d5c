"""Everything a report shows, gathered once: the analysis, the tables and the study."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from bakeoff.analysis import Analysis, Optimization, Scores, analyze, dataset_properties

__all__ = ["ReportData", "collect_from_scores", "collect_from_store"]


@dataclass
class ReportData:
    """The inputs of every report file.

    Attributes:
        analysis: The statistical analysis (what ``bakeoff analyze`` computes).
        results: One row per cell (``bakeoff.results``), or the scores table given.
        trials: One row per trial, or ``None`` for a scores table.
        study: The stored study (name, spec, provenance, runs), or ``None``.
        n_cells: Cells in the design (rows of the scores table for a file).
        n_done: Cells finished (complete or failed).
        failed: Failed cells with their errors.
        source: What the report is about, for titles.
        pareto: Each cell's Pareto front (``bakeoff.pareto``; empty for one objective),
            or ``None`` for a scores table.
        optimization: The account of the study's searches (``bakeoff optimization``),
            or ``None`` for a scores table or a study without a search.
        tuning_gain: Tuned versus default per model and metric
            (:func:`bakeoff.analysis.tuning_gain`), empty without such pairs.
        overfitting: The train − validation gap per model and budget
            (:func:`bakeoff.analysis.overfitting`), empty without training scores.
    """

    analysis: Analysis
    results: pd.DataFrame
    trials: pd.DataFrame | None = None
    study: dict[str, Any] | None = None
    n_cells: int = 0
    n_done: int = 0
    failed: pd.DataFrame = field(default_factory=pd.DataFrame)
    source: str = ""
    pareto: pd.DataFrame | None = None
    optimization: Optimization | None = None
    tuning_gain: pd.DataFrame = field(default_factory=pd.DataFrame)
    overfitting: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def partial(self) -> bool:
        """Whether cells of the design have not finished yet."""
        return self.n_done < self.n_cells

    @property
    def models(self) -> list[str]:
        """Every model with scores, sorted."""
        return sorted(self.analysis.scores.models)

    @property
    def palette_models(self) -> list[str]:
        """Every model of the study, sorted: the order that fixes each model's colour.

        Models with scores, and those with trials but no finished cell yet (a
        half-finished study), so that every figure has a colour for each.
        """
        names = set(self.analysis.scores.models)
        for table in (self.results, self.trials):
            if table is not None and "model" in table:
                names.update(str(m) for m in table["model"].dropna().unique())
        return sorted(names)


def collect_from_store(
    study: str, *, storage: str, metric: str | None = None, **options: Any
) -> ReportData:
    """Read a stored study and analyse it (``options`` go to :func:`analyze`)."""
    import json

    import bakeoff
    from bakeoff.analysis import optimization, overfitting, tuning_gain
    from bakeoff.analysis._tuning_gain import default_pairs
    from bakeoff.store import Store

    results = bakeoff.results(study, storage=storage)
    trials = bakeoff.trials(study, storage=storage)
    scores = Scores.from_store(study, storage=storage, metric=metric)
    with Store(storage, must_exist=True) as store:
        info = store.study(study)
        runs = store.runs_frame(study)
    info["runs"] = [
        {
            "started_at": str(r.started_at),
            "finished_at": str(r.finished_at),
            "status": r.status,
            "bakeoff_version": r.bakeoff_version,
            "provenance": json.loads(r.provenance_json),
        }
        for r in runs.itertuples()
    ]
    properties = dataset_properties(study, storage)
    analysis = analyze(scores, dataset_properties=properties, **options)
    done = results["status"].isin(["complete", "failed"])
    failed = results.loc[
        results["status"] == "failed", ["model", "dataset", "budget", "seed", "error"]
    ]
    searched = bool((trials["params"].fillna("{}") != "{}").any()) if not trials.empty else False
    return ReportData(
        analysis=analysis,
        results=results,
        trials=trials,
        study=info,
        n_cells=len(results),
        n_done=int(done.sum()),
        failed=failed.reset_index(drop=True),
        source=f"study '{study}'",
        pareto=bakeoff.pareto(study, storage=storage),
        optimization=optimization(study, storage=storage) if searched else None,
        tuning_gain=tuning_gain(study, storage=storage, level=1 - analysis.settings["alpha"]),
        overfitting=overfitting(
            results,
            metric=scores.metric,
            level=1 - analysis.settings["alpha"],
            pairs=default_pairs(info["spec"].get("models") or []),
        ),
    )


def collect_from_scores(
    path: Path,
    *,
    higher_is_better: bool | None = None,
    metric: str | None = None,
    **options: Any,
) -> ReportData:
    """Read a long table of scores or a ``bakeoff results`` export and analyse it.

    It is read as ``bakeoff analyze --scores`` reads it. ``higher_is_better=None``: a
    results export's metric decides, a long table is higher-is-better.
    """
    from bakeoff._score_files import scores_from_file

    lower = None if higher_is_better is None else not higher_is_better
    scores = scores_from_file(path, metric=metric, lower_is_better=lower)
    analysis = analyze(scores, **options)
    return ReportData(
        analysis=analysis,
        results=scores.frame.copy(),
        n_cells=len(scores.frame),
        n_done=len(scores.frame),
        source=f"scores file '{path}'",
    )
