"""Writing tables as a terminal table, CSV, JSON or Parquet."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from bakeoff._budgets import budget_label
from bakeoff.cli._app import console
from bakeoff.exceptions import SpecError

if TYPE_CHECKING:
    import pandas as pd

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
    from bakeoff._table_files import exportable, json_text, write_table

    if output is not None:
        write_table(frame, output, None if fmt in (None, Format.table) else fmt.value)
        console.print(f"Wrote {len(frame)} rows to {output}", highlight=False, markup=False)
        return
    if fmt == Format.parquet:
        raise SpecError("--format parquet needs an output file: add -o results.parquet")
    if fmt in (None, Format.table):
        console.print(frame_to_table(frame, title=title, width=console.width))
    elif fmt == Format.csv:
        sys.stdout.write(exportable(frame).to_csv(index=False))
    else:
        sys.stdout.write(json_text(frame))


def frame_to_table(
    frame: pd.DataFrame, *, title: str = "", max_rows: int = 200, width: int | None = None
) -> Table:
    """A Rich table of the first ``max_rows`` rows, numbers to 4 significant digits.

    Every cell is plain text (a ``[x]`` in a value is printed, not read as markup), and a
    number never wraps: its column is as wide as its widest number, text columns fold.
    Columns that do not fit in ``width`` are left out, and the caption names them.
    """
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    numeric = [is_numeric_dtype(frame[c]) and not is_bool_dtype(frame[c]) for c in frame.columns]
    return rows_to_table(
        [str(c) for c in frame.columns],
        list(frame.head(max_rows).itertuples(index=False)),
        numeric,
        n_rows=len(frame),
        title=title,
        width=width,
    )


def write_rows(
    rows: Sequence[Mapping[str, object]], fmt: Format | None, *, title: str = ""
) -> None:
    """Write a short listing (a registry's) to standard output in ``fmt``.

    A terminal table is drawn without pandas, so that ``bakeoff models list`` starts at
    once; CSV and JSON go through :func:`write_frame`.
    """
    if fmt not in (None, Format.table):
        import pandas as pd

        write_frame(pd.DataFrame(list(rows)), fmt, None, title=title)
        return
    columns = list(rows[0]) if rows else []
    values = [tuple(row[c] for c in columns) for row in rows]
    numeric = [
        all(isinstance(v[i], (int, float)) and not isinstance(v[i], bool) for v in values)
        and bool(values)
        for i in range(len(columns))
    ]
    console.print(
        rows_to_table(
            columns, values, numeric, n_rows=len(values), title=title, width=console.width
        )
    )


#: The store's columns of JSON text, shown with their numbers shortened in a table.
_JSON_COLUMNS = frozenset({"params", "best_params", "fold_scores", "perturbations"})


def rows_to_table(
    columns: Sequence[str],
    values: Sequence[Sequence[object]],
    numeric: Sequence[bool],
    *,
    n_rows: int,
    title: str = "",
    width: int | None = None,
) -> Table:
    """The Rich table of :func:`frame_to_table` from plain rows (``n_rows`` in all)."""
    max_rows = len(values)
    budget_at = list(columns).index("budget") if "budget" in columns else -1
    rows = []
    for row in values:
        cells = [_cell(v, str(c) in _JSON_COLUMNS) for c, v in zip(columns, row, strict=True)]
        if budget_at >= 0 and cells[budget_at]:
            cells[budget_at] = budget_label(row[budget_at])
        rows.append(cells)
    needed = [
        max([len(str(column)), *(len(r[i]) for r in rows)])
        if numeric[i]
        else min(len(str(column)), _MIN_TEXT_WIDTH)
        for i, column in enumerate(columns)
    ]
    kept = _columns_that_fit(needed, width)
    table = Table(title=Text(title) if title else None, show_lines=False)
    for i in kept:
        column = Text(str(columns[i]))
        if numeric[i]:
            table.add_column(column, justify="right", no_wrap=True, min_width=needed[i])
        else:
            table.add_column(column, justify="left", overflow="fold")
    for cells in rows:
        table.add_row(*(Text(cells[i]) for i in kept))
    notes = []
    if n_rows > max_rows:
        notes.append(f"{n_rows - max_rows} more rows")
    hidden = [str(c) for i, c in enumerate(columns) if i not in kept]
    if hidden:
        notes.append(f"columns not shown (too narrow a terminal): {', '.join(hidden)}")
    if notes:
        table.caption = Text("; ".join(notes) + "; use --format csv -o FILE for all")
    return table


# A text column folds to this width at the narrowest (or its header's, if shorter).
_MIN_TEXT_WIDTH = 6


def _columns_that_fit(needed: list[int], width: int | None) -> list[int]:
    """The first columns whose narrowest widths (plus borders and padding) fit ``width``."""
    if width is None:
        return list(range(len(needed)))
    kept: list[int] = []
    used = 1  # the left border
    for i, w in enumerate(needed):
        if kept and used + w + 3 > width:
            break
        kept.append(i)
        used += w + 3
    return kept


def _cell(value: object, stored_json: bool = False) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    if stored_json and isinstance(value, str):
        # The store's JSON columns (parameters, fold scores): their numbers shortened
        # like every other number here; --format json/csv keep them whole.
        try:
            return _short_json(json.loads(value))
        except ValueError:
            return value
    return str(value)


def _short_json(value: object) -> str:
    """Parsed JSON written back as JSON, every number in it to 4 significant digits."""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return "[" + ", ".join(_short_json(v) for v in value) + "]"
    if isinstance(value, dict):
        items = (f"{json.dumps(k)}: {_short_json(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    return json.dumps(value)  # strings, integers, true, false, null as JSON has them
