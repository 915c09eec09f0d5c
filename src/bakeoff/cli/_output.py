"""Writing tables as a terminal table, CSV, JSON or Parquet."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import pandas as pd
from rich.table import Table

from bakeoff._budgets import budget_label
from bakeoff._table_files import exportable, json_text, write_table
from bakeoff.cli._app import console
from bakeoff.exceptions import SpecError

__all__ = ["Format", "write_frame"]


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"


def write_frame(
    frame: pd.DataFrame, fmt: Format | None, output: Path | None, *, title: str = ""
) -> None:
    """Write ``frame`` to ``output`` (or standard output) in ``fmt``.

    ``fmt`` is ``None`` when not given: the file's suffix says the format, else a table.
    """
    if output is not None:
        write_table(frame, output, None if fmt in (None, Format.table) else fmt.value)
        console.print(f"Wrote {len(frame)} rows to {output}", highlight=False, markup=False)
        return
    if fmt == Format.parquet:
        raise SpecError("--format parquet needs an output file: add -o results.parquet")
    if fmt in (None, Format.table):
        console.print(frame_to_table(frame, title=title))
    elif fmt == Format.csv:
        sys.stdout.write(exportable(frame).to_csv(index=False))
    else:
        sys.stdout.write(json_text(frame))


def frame_to_table(frame: pd.DataFrame, *, title: str = "", max_rows: int = 200) -> Table:
    """A Rich table of the first ``max_rows`` rows, numbers to 4 significant digits."""
    table = Table(title=title or None, show_lines=False)
    for column in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        table.add_column(str(column), justify="right" if numeric else "left", overflow="fold")
    budget_at = list(frame.columns).index("budget") if "budget" in frame.columns else -1
    for row in frame.head(max_rows).itertuples(index=False):
        cells = [_cell(v) for v in row]
        if budget_at >= 0 and cells[budget_at]:
            cells[budget_at] = budget_label(row[budget_at])
        table.add_row(*cells)
    if len(frame) > max_rows:
        table.caption = f"{len(frame) - max_rows} more rows; use --format csv -o FILE for all"
    return table


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
