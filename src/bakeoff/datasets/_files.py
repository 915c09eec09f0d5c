"""Reading user files (CSV, TSV, Parquet) into tables, with errors that name the file."""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path

import pandas as pd

from bakeoff.exceptions import BakeoffWarning, DatasetError

__all__ = ["EXACT_FLOATS", "read_table"]

# pandas 3 parses decimals exactly by default and deprecates the option; pandas 2 needs
# it, or long decimals land one bit off and fingerprints differ between the two.
EXACT_FLOATS: dict[str, str] = (
    {"float_precision": "round_trip"} if int(pd.__version__.split(".")[0]) < 3 else {}
)

TEXT_SUFFIXES = {".csv": ",", ".txt": ",", ".tsv": "\t"}
PARQUET_SUFFIXES = (".parquet", ".pq")
#: Separators recognised in a .csv or .txt file (the first lines decide).
SEPARATORS = ",;\t|"
#: Bytes read to recognise the separator and the encoding.
SNIFF_BYTES = 64 * 1024


def read_table(path: Path, label: str) -> pd.DataFrame:
    """Read ``path`` as a table.

    A .csv or .txt file may use ``,``, ``;``, tab or ``|`` between values (recognised
    from its first lines, as spreadsheets in many locales write ``;``); text that is not
    UTF-8 is read as Latin-1, with a warning.

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
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)  # one read decides encoding, separator, header
            if b"\n" not in head:
                # A header longer than the sample (thousands of columns): read the rest
                # of its line, so that no name is cut short.
                head += handle.readline()
        encoding = _encoding(head, path, where)
        sample = head.decode(encoding, errors="replace")
        separator = _separator(sample, TEXT_SUFFIXES[suffix])
        _refuse_repeated_header(sample, separator, path, where)
        try:
            return pd.read_csv(path, sep=separator, encoding=encoding, **EXACT_FLOATS)
        except UnicodeDecodeError:
            if encoding != "utf-8":
                raise
            # The first bytes that are not UTF-8 lie past the sample.
            _warn_latin_1(path, where)
            return pd.read_csv(path, sep=separator, encoding="latin-1", **EXACT_FLOATS)
    except DatasetError:
        raise
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DatasetError(
            f"{where}: cannot read '{path}': {type(exc).__name__}: {reason}"
        ) from None


def _encoding(head: bytes, path: Path, where: str) -> str:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut by the sample's end
            _warn_latin_1(path, where)
            return "latin-1"
    return "utf-8"


def _warn_latin_1(path: Path, where: str) -> None:
    warnings.warn(
        f"{where}: '{path}' is not UTF-8 text; it is read as Latin-1. Save it as "
        f"UTF-8 if that is wrong.",
        BakeoffWarning,
        stacklevel=5,
    )


def _separator(sample: str, default: str) -> str:
    if default == "\t":
        return default
    try:
        return csv.Sniffer().sniff(sample, delimiters=SEPARATORS).delimiter
    except csv.Error:  # one column, or no consistent separator: pandas' default
        return default


def _refuse_repeated_header(sample: str, separator: str, path: Path, where: str) -> None:
    header = next(csv.reader(io.StringIO(sample, newline=""), delimiter=separator), [])
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise DatasetError(
            f"{where}: file '{path}' has repeated column names {repeated}; rename them so "
            f"each is unique."
        )
