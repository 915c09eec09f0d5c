"""The leaderboard a run ends with (its live progress is :mod:`bakeoff._progress`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from bakeoff._budgets import budget_label

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["leaderboard"]


def leaderboard(frame: pd.DataFrame) -> Table | None:
    """Per dataset and budget, models ranked by mean test objective over seeds."""
    import pandas as pd

    from bakeoff import metrics as metric_registry

    done = frame[frame["status"] == "complete"] if not frame.empty else frame
    if done.empty:
        return None
    table = Table(title="Leaderboard (test scores, mean ± sd over seeds)")
    for column, justify in (
        ("dataset", "left"),
        ("budget", "right"),
        ("rank", "right"),
        ("model", "left"),
        ("metric", "left"),
        ("test", "right"),
        ("cv", "right"),
        ("seeds", "right"),
    ):
        # Numbers never wrap mid-number; names fold instead.
        table.add_column(column, justify=justify, no_wrap=justify == "right")  # type: ignore[arg-type]
    for (dataset, budget), group in done.groupby(["dataset", "budget"], sort=False):
        cv_column = next(c for c in group.columns if c.startswith("cv_") and group[c].notna().any())
        objective = cv_column[3:]
        metric = metric_registry.get(objective)
        test_column = f"test_{objective}"
        stats = group.groupby("model").agg(
            test=(test_column, "mean"),
            sd=(test_column, "std"),
            cv=(cv_column, "mean"),
            seeds=("seed", "count"),
        )
        stats = stats.sort_values("test", ascending=metric.direction == "minimize")
        for rank, (model, row) in enumerate(stats.iterrows(), start=1):
            sd = "" if pd.isna(row["sd"]) else f" ± {row['sd']:.4f}"
            table.add_row(
                Text(str(dataset) if rank == 1 else ""),
                budget_label(budget) if rank == 1 else "",
                str(rank),
                Text(str(model)),
                Text(objective if rank == 1 else ""),
                f"{row['test']:.4f}{sd}",
                f"{row['cv']:.4f}",
                str(int(row["seeds"])),
            )
        table.add_section()
    return table
