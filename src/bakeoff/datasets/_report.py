"""How bakeoff reads a table: task, target, each column's kind and why, what is left out.

``bakeoff datasets show FILE --target y`` and ``bakeoff validate --verbose`` print this
report, so a user can see how their own file is read before anything runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from bakeoff.datasets._base import Dataset
from bakeoff.datasets._warnings import dataset_warnings

__all__ = ["ColumnReport", "DatasetReport", "report"]


@dataclass(frozen=True)
class ColumnReport:
    """One feature column: its kind, why it has that kind, missing and distinct values."""

    column: str
    kind: str
    why: str
    missing: int
    distinct: int


@dataclass(frozen=True)
class DatasetReport:
    """Everything :func:`report` says about a dataset."""

    name: str
    source: str
    task: str
    task_why: str
    target: str
    n_rows: int
    #: Classes with their row counts (classification), or min/median/mean/max/sd.
    target_summary: list[tuple[str, str]]
    columns: list[ColumnReport]
    #: Columns left out of the features, with why.
    dropped: dict[str, str]
    warnings: list[str]

    def columns_frame(self) -> pd.DataFrame:
        """The columns as a table: column, kind, why, missing, distinct."""
        return pd.DataFrame(
            [vars(c) for c in self.columns],
            columns=["column", "kind", "why", "missing", "distinct"],
        )

    def lines(self) -> list[str]:
        """The report as plain lines (without the columns table)."""
        where = f" ({self.source})" if self.source else ""
        summary = ", ".join(f"{k} {v}" for k, v in self.target_summary)
        lines = [
            f"{self.name}{where}",
            f"task: {self.task} ({self.task_why}); target: {self.target}; rows: "
            f"{self.n_rows}; features: {len(self.columns)}",
            f"{'classes' if self.task == 'classification' else 'target'}: {summary}",
        ]
        if self.dropped:
            lines.append(
                "left out: " + "; ".join(f"{c} ({why})" for c, why in self.dropped.items())
            )
        lines += [f"warning: {w}" for w in self.warnings]
        return lines


def report(dataset: Dataset) -> DatasetReport:
    """How ``dataset`` is read: its task and why, target summary, columns, drops, warnings."""
    frame = dataset.frame
    y = dataset.y
    if dataset.target_task == "classification":
        counts = y.value_counts()
        summary = [(str(label), str(int(n))) for label, n in counts.items()]
    else:
        values = y.astype(float)
        summary = [
            ("min", f"{values.min():.4g}"),
            ("median", f"{values.median():.4g}"),
            ("mean", f"{values.mean():.4g}"),
            ("max", f"{values.max():.4g}"),
            ("sd", f"{values.std():.4g}"),
        ]
    columns = [
        ColumnReport(
            column=c,
            kind=kind,
            why=dataset.kind_reasons.get(c, ""),
            missing=int(frame[c].isna().sum()),
            distinct=int(frame[c].nunique()),
        )
        for c, kind in dataset.feature_kinds.items()
    ]
    return DatasetReport(
        name=dataset.name,
        source=dataset.source,
        task=str(dataset.task),
        task_why=dataset.task_reason,
        target=dataset.target,
        n_rows=dataset.n_rows,
        target_summary=summary,
        columns=columns,
        dropped=dict(dataset.dropped),
        warnings=dataset_warnings(dataset),
    )
