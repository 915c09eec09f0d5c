"""Writing tables as a terminal table, CSV, JSON or Parquet."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import pandas as pd
from rich.table import Table

from bakeoff.cli._app import console
from bakeoff.exceptions import SpecError

__all__ = ["Format", "write_frame"]


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"


def write_frame(frame: pd.DataFrame, fmt: Format, output: Path | None, *, title: str = "") -> None:
    """Write ``frame`` to ``output`` (or standard output) in ``fmt``."""
    if fmt == Format.parquet and output is None:
        raise SpecError("--format parquet needs an output file: add -o results.parquet")
    if output is not None and fmt == Format.table:
        fmt = {".csv": Format.csv, ".json": Format.json, ".parquet": Format.parquet}.get(
            output.suffix.lower(), Format.csv
        )
    if fmt == Format.table:
        console.print(frame_to_table(frame, title=title))
        return
    if output is not None and not output.parent.exists():
        raise SpecError(f"-o {output}: folder '{output.parent}' does not exist; create it first")
    if fmt == Format.csv:
        text = frame.to_csv(index=False)
    elif fmt == Format.json:
        text = frame.to_json(orient="records", indent=2, date_format="iso")
    else:
        frame.to_parquet(output, index=False)
        console.print(f"Wrote {len(frame)} rows to {output}")
        return
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"Wrote {len(frame)} rows to {output}")


def frame_to_table(frame: pd.DataFrame, *, title: str = "", max_rows: int = 200) -> Table:
    """A Rich table of the first ``max_rows`` rows, numbers to 4 significant digits."""
    table = Table(title=title or None, show_lines=False)
    for column in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        table.add_column(str(column), justify="right" if numeric else "left", overflow="fold")
    for row in frame.head(max_rows).itertuples(index=False):
        table.add_row(*(_cell(v) for v in row))
    if len(frame) > max_rows:
        table.caption = f"{len(frame) - max_rows} more rows; use --format csv -o FILE for all"
    return table


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
