"""Utility, privacy and cost together: which generators no other beats on all three.

From a study's results (:func:`bakeoff.results`): per model, the mean ``test_tstr``
(utility, higher is better), ``test_dcr_ratio`` (privacy, higher is better) and
``refit_seconds`` (the cost of fitting and sampling once, lower is better), and whether
the model is on the Pareto front of the three (no other model is at least as good on
all three and better on one).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["TRADEOFF_COLUMNS", "plot_tradeoff", "tradeoff"]

#: The three axes: results column and whether higher is better.
TRADEOFF_COLUMNS = {"test_tstr": True, "test_dcr_ratio": True, "refit_seconds": False}


def tradeoff(results: pd.DataFrame, *, by: tuple[str, ...] = ("model",)) -> pd.DataFrame:
    """Mean utility, privacy and cost per group, with ``pareto`` marking the front.

    Args:
        results: A study's results (complete cells are used).
        by: Columns to group by: ``("model",)`` across datasets, or ``("dataset",
            "model")`` for a front per dataset.
    """
    done = results[results["status"] == "complete"] if "status" in results else results
    means = done.groupby(list(by))[list(TRADEOFF_COLUMNS)].mean().reset_index()
    if len(by) == 1:
        return means.assign(pareto=_on_front(means))
    parts = [frame.assign(pareto=_on_front(frame)) for _, frame in means.groupby(list(by[:-1]))]
    return pd.concat(parts).sort_index()


def _on_front(frame: pd.DataFrame) -> np.ndarray:
    signs = np.array([1.0 if higher else -1.0 for higher in TRADEOFF_COLUMNS.values()])
    points = frame[list(TRADEOFF_COLUMNS)].to_numpy(dtype=float) * signs
    front = np.ones(len(points), dtype=bool)
    for i, point in enumerate(points):
        others = np.delete(points, i, axis=0)
        dominated = np.all(others >= point, axis=1) & np.any(others > point, axis=1)
        front[i] = not dominated.any()
    return front


def plot_tradeoff(table: pd.DataFrame, path: str | Path) -> Path:
    """A scatter of utility against privacy.

    The marker's area is the cost and the front's members are labelled in bold: saved to
    ``path`` (PNG, SVG or PDF by its suffix).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6, 4.5))
    seconds = table["refit_seconds"].to_numpy(dtype=float)
    sizes = 30 + 300 * seconds / max(float(np.nanmax(seconds)), 1e-9)
    axes.scatter(table["test_tstr"], table["test_dcr_ratio"], s=sizes, alpha=0.6)
    for _, row in table.iterrows():
        style: dict[str, Any] = {"fontweight": "bold"} if row["pareto"] else {}
        axes.annotate(str(row["model"]), (row["test_tstr"], row["test_dcr_ratio"]), **style)
    axes.set_xlabel("utility: tstr (higher is better)")
    axes.set_ylabel("privacy: dcr_ratio (higher is better)")
    axes.set_title("Utility, privacy and cost (marker area: refit seconds; bold: Pareto front)")
    figure.tight_layout()
    target = Path(path)
    figure.savefig(target)
    plt.close(figure)
    return target
