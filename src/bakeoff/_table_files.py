"""Writing bakeoff's tables to CSV, JSON or Parquet files, and reading them back.

Every table bakeoff exports (``results``, ``trials``, ``predictions``) round-trips:
:func:`read_table` of a written file gives the same values, whatever the study mixes
(text and integer labels, classification and regression, missing values). The file's
suffix says its format; a suffix bakeoff does not write is refused, so a file is never
CSV text under another name.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from bakeoff._budgets import budget_label, budget_number
from bakeoff.exceptions import SpecError

__all__ = [
    "FILE_FORMATS",
    "exportable",
    "file_format",
    "json_text",
    "read_table",
    "write_table",
]

#: File suffixes and the format each one means.
FILE_FORMATS = {".csv": "csv", ".json": "json", ".parquet": "parquet", ".pq": "parquet"}

# Columns that hold text even when every value looks like a number (a hex key can).
_TEXT_COLUMNS = (
    "study",
    "model",
    "dataset",
    "status",
    "state",
    "cell_key",
    "best_params",
    "params",
    "fold_scores",
    "error",
    "artifact_path",
)
_TIME_COLUMNS = ("started_at", "finished_at")
# pandas 3 parses floats exactly by default (and deprecates the option); pandas 2 must
# be asked to, or the last bit of a score can change.
_EXACT_FLOATS = {"float_precision": "round_trip"} if int(pd.__version__.split(".")[0]) < 3 else {}


def file_format(path: str | Path, fmt: str | None = None) -> str:
    """The format to write ``path`` in: its suffix's, which ``fmt`` (if given) must match.

    Raises:
        SpecError: For a suffix bakeoff does not write, or one that contradicts ``fmt``.

    Examples:
        >>> file_format("results.parquet")
        'parquet'
    """
    path = Path(path)
    suffix = path.suffix.lower()
    known = FILE_FORMATS.get(suffix)
    choices = ", ".join(sorted(set(FILE_FORMATS)))
    if known is None:
        wanted = fmt or "csv"
        raise SpecError(
            f"-o {path}: bakeoff writes {choices} files, not '{suffix or 'no suffix'}'. "
            f"Name the file {path.with_suffix('.' + wanted).name} instead."
        )
    if fmt is not None and fmt != known:
        raise SpecError(
            f"-o {path} --format {fmt}: the file's suffix '{suffix}' says {known}. Name the "
            f"file {path.with_suffix('.' + fmt).name}, or leave --format out."
        )
    return known


def exportable(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every column of one type, as CSV, JSON and Parquet need.

    A text column stays text, a numeric one numeric. A column that mixes kinds (the
    labels of a dataset with text classes beside one with integer classes, or a
    classifier's labels beside a regressor's values) becomes text in every row, so
    ``1`` reads ``"1"``: the one type that holds them all.
    """
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype != object:
            continue
        values = out[column].dropna()
        kinds = {_kind(v) for v in values}
        if len(kinds) > 1:
            out[column] = out[column].map(lambda v: None if _missing(v) else str(v))
        elif kinds == {"number"}:
            out[column] = pd.to_numeric(out[column])
    return out


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _kind(value: object) -> str:
    if isinstance(value, bool | np.bool_):
        return "bool"
    if isinstance(value, int | float | np.integer | np.floating):
        return "number"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def write_table(frame: pd.DataFrame, path: str | Path, fmt: str | None = None) -> None:
    """Write ``frame`` to ``path`` as CSV, JSON (records) or Parquet.

    Args:
        frame: A table from :func:`bakeoff.results`, :func:`bakeoff.trials` or
            :func:`bakeoff.predictions` (any DataFrame works).
        path: The file; its suffix (``.csv``, ``.json``, ``.parquet``) says the format.
        fmt: The format asked for, which must agree with the suffix.

    Raises:
        SpecError: For a suffix bakeoff does not write, or a folder that cannot be made.
    """
    path = Path(path)
    fmt = file_format(path, fmt)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # as --out does for reports
    except OSError as exc:
        raise SpecError(f"-o {path}: cannot create folder '{path.parent}': {exc}") from None
    data = exportable(frame)
    if fmt == "csv":
        data.to_csv(path, index=False)
    elif fmt == "parquet":
        data.to_parquet(path, index=False)
    else:
        path.write_text(json_text(data), encoding="utf-8")


def json_text(frame: pd.DataFrame) -> str:
    """``frame`` as a JSON list of records, exactly: every float as Python writes it.

    (pandas' writer keeps 15 significant digits at most, and microseconds never.) Missing
    values are ``null``, times ISO 8601, and the full budget ``"full"``: JSON has no
    infinity.
    """
    data = exportable(frame)
    if "budget" in data.columns:
        data["budget"] = data["budget"].map(
            lambda b: b if _missing(b) or np.isfinite(b) else budget_label(b)
        )
    records = [
        {str(k): _json_value(v) for k, v in row.items()} for row in data.to_dict(orient="records")
    ]
    return json.dumps(records, indent=2, allow_nan=False) + "\n"


def _json_value(value: object) -> object:
    if _missing(value) or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a table written by :func:`write_table` (or ``bakeoff results -o``) back.

    Budgets come back as numbers (``inf`` for full), times as timestamps, and text
    columns as text.

    Raises:
        SpecError: If the file is missing, unreadable, or not CSV, JSON or Parquet.

    Examples:
        >>> read_table("results.csv")  # doctest: +SKIP
    """
    path = Path(path)
    if not path.is_file():
        raise SpecError(f"file '{path}' does not exist. Check the path.")
    fmt = file_format(path)
    try:
        if fmt == "csv":
            header = pd.read_csv(path, nrows=0).columns
            text = {c: "string" for c in _TEXT_COLUMNS if c in header}
            frame = pd.read_csv(path, dtype=text, **_EXACT_FLOATS)
            frame = frame.astype({c: object for c in text})
            frame[list(text)] = frame[list(text)].where(frame[list(text)].notna(), None)
        elif fmt == "json":
            frame = pd.read_json(path, orient="records", dtype=False, precise_float=True)
        else:
            frame = pd.read_parquet(path)
    except Exception as exc:
        raise SpecError(f"cannot read '{path}' as {fmt}: {exc}") from None
    # JSON's null leaves a numeric column of objects; make it numbers again.
    frame = exportable(frame)
    if "budget" in frame.columns:
        frame["budget"] = frame["budget"].map(budget_number).astype(float)
    for column in _TIME_COLUMNS:
        if column in frame.columns and not pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = pd.to_datetime(frame[column], format="ISO8601")
    return frame
