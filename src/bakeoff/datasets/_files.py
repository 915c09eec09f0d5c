"""Reading user files (CSV, TSV, Parquet) into tables, with errors that name the file."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from bakeoff.exceptions import DatasetError

__all__ = ["EXACT_FLOATS", "read_table"]

# pandas 3 parses decimals exactly by default and deprecates the option; pandas 2 needs
# it, or long decimals land one bit off and fingerprints differ between the two.
EXACT_FLOATS: dict[str, str] = (
    {"float_precision": "round_trip"} if int(pd.__version__.split(".")[0]) < 3 else {}
)

TEXT_SUFFIXES = {".csv": ",", ".txt": ",", ".tsv": "\t"}
PARQUET_SUFFIXES = (".parquet", ".pq")


def read_table(path: Path, label: str) -> pd.DataFrame:
    """Read ``path`` as a table.

    Raises:
        DatasetError: If the file is missing, of an unknown type, unreadable, or has
            repeated column names (pandas would silently rename them ``a.1``).
    """
    where = f"dataset '{label}'"
    if not path.is_file():
        raise DatasetError(
            f"{where}: file '{path}' does not exist. Check the path "
            f"(relative paths are resolved from the study file's folder)."
        )
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES and suffix not in PARQUET_SUFFIXES:
        raise DatasetError(
            f"{where}: cannot read '{path}': unsupported file type '{suffix}'. "
            f"Use a .csv, .tsv or .parquet file."
        )
    try:
        if suffix in PARQUET_SUFFIXES:
            return pd.read_parquet(path)
        separator = TEXT_SUFFIXES[suffix]
        _refuse_repeated_header(path, separator, where)
        return pd.read_csv(path, sep=separator, **EXACT_FLOATS)
    except DatasetError:
        raise
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DatasetError(
            f"{where}: cannot read '{path}': {type(exc).__name__}: {reason}"
        ) from None


def _refuse_repeated_header(path: Path, separator: str, where: str) -> None:
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        header = next(csv.reader(handle, delimiter=separator), [])
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise DatasetError(
            f"{where}: file '{path}' has repeated column names {repeated}; rename them so "
            f"each is unique."
        )
