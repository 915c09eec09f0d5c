"""A file of scores for the analysis: a long table, or bakeoff's own results export.

``bakeoff analyze --scores results.csv --metric test_accuracy`` reads what
``bakeoff results -o results.csv`` wrote (CSV, JSON or Parquet), with no reshaping.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bakeoff import metrics as metric_registry
from bakeoff._registry import suggest
from bakeoff._table_files import read_table
from bakeoff.analysis import Scores
from bakeoff.analysis._scores import long_scores
from bakeoff.exceptions import SpecError, UnknownNameError

__all__ = ["is_results_export", "scores_from_file"]


def is_results_export(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` is a ``bakeoff results`` table (one row per cell)."""
    return {"cell_key", "status", "dataset", "model"} <= set(frame.columns) and any(
        str(c).startswith("test_") for c in frame.columns
    )


def scores_from_file(
    path: str | Path, *, metric: str | None = None, lower_is_better: bool | None = None
) -> Scores:
    """The scores in ``path``: a long table (dataset, model, score, ...) or a results export.

    Args:
        path: A .csv, .json or .parquet file.
        metric: For a results export, the score column (``test_accuracy`` or
            ``accuracy``; default: the tuning objective). For a long table, a column to
            use as the score instead of ``score``.
        lower_is_better: The score's direction; for a results export the metric's own
            direction by default.

    Raises:
        SpecError: If the file cannot be read, or the metric is not one of its columns.
    """
    frame = read_table(path)
    if not is_results_export(frame):
        if metric and metric != "score":
            if metric not in frame.columns:
                raise SpecError(
                    f"--metric {metric}: '{path}' has no such column."
                    f"{suggest(metric, [str(c) for c in frame.columns])} Its columns are: "
                    f"{', '.join(map(str, frame.columns))}."
                )
            frame = frame.rename(columns={"score": "_score"}).rename(columns={metric: "score"})
        return Scores.from_frame(
            frame,
            metric=metric or "score",
            higher_is_better=not lower_is_better,
            source=str(path),
        )
    return _from_results(frame, Path(path), metric, lower_is_better)


def _from_results(
    frame: pd.DataFrame, path: Path, metric: str | None, lower_is_better: bool | None
) -> Scores:
    tested = [str(c).removeprefix("test_") for c in frame.columns if str(c).startswith("test_")]
    objective = next(
        (str(c).removeprefix("cv_") for c in frame.columns if str(c).startswith("cv_")),
        tested[0],
    )
    name = (metric or objective).removeprefix("test_")
    if name not in tested:
        raise SpecError(
            f"--metric {metric}: '{path}' has no column test_{name}.{suggest(name, tested)} "
            f"Its test metrics are: {', '.join(f'test_{t}' for t in tested)}."
        )
    done = frame[(frame["status"] == "complete") & frame[f"test_{name}"].notna()]
    if done.empty:
        raise SpecError(f"'{path}' has no complete cell with a test_{name} score.")
    if lower_is_better is None:
        try:
            lower_is_better = metric_registry.get(name).direction == "minimize"
        except UnknownNameError:
            lower_is_better = False
    long = long_scores(done, name)
    return Scores.from_frame(
        long,
        metric=name,
        higher_is_better=not lower_is_better,
        resampled=True,
        source=str(path),
    )
