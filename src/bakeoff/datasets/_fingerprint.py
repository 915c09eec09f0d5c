"""A content hash of a table that does not depend on row order or on pandas' dtypes.

pandas 2 and 3 load the same file with different dtypes (``object`` or ``str`` text,
``datetime64[ns]`` or ``[us]``, ``int64`` or ``Int64``), and hashing those directly would
give the same data two fingerprints. Each column is first brought to one canonical form
(numbers as float64, times as nanoseconds, everything else as text), then hashed with
pandas' stable ``hash_array``. Written by hand because no library fingerprints a table
this way.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
from pandas.util import hash_array

__all__ = ["fingerprint_frame"]

# Multiplier of the row combination; any odd 64-bit constant works.
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _canonical(column: pd.Series) -> tuple[str, np.ndarray]:
    """The column's kind letter and its values in a dtype-independent form."""
    missing = column.isna().to_numpy()
    if pd.api.types.is_bool_dtype(column) or (
        pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_complex_dtype(column)
    ):
        values = column.to_numpy(dtype="float64", na_value=np.nan) + 0.0  # -0.0 → 0.0
        return "n", values
    if pd.api.types.is_datetime64_any_dtype(column):
        stamps = column
        if getattr(column.dtype, "tz", None) is not None:
            stamps = column.dt.tz_convert("UTC").dt.tz_localize(None)
        nanos = stamps.astype("datetime64[ns]").to_numpy().view("int64").copy()
        nanos[missing] = np.iinfo(np.int64).min
        return "t", nanos
    # hash_array reads None as the text "None": prefixes keep missing and text apart.
    text = ("v" + column.astype(str)).to_numpy(dtype=object)
    text[missing] = "m"
    return "s", text


def fingerprint_frame(frame: pd.DataFrame) -> str:
    """SHA-256 of a table's content, independent of row order and of pandas' dtypes.

    Column names and canonical kinds (number, time, text) enter the hash in column order;
    each row's cells are combined into one 64-bit hash and the sorted row hashes are
    digested, so shuffling the rows leaves the fingerprint unchanged while changing any
    value changes it.
    """
    digest = hashlib.sha256()
    rows = np.zeros(len(frame), dtype=np.uint64)
    for position in range(frame.shape[1]):
        name = str(frame.columns[position])
        kind, values = _canonical(frame.iloc[:, position])
        digest.update(f"{name}\x1f{kind}\x1e".encode())
        hashed = hash_array(values, categorize=False)
        with np.errstate(over="ignore"):
            rows = rows * _MIX + hashed
    digest.update(np.sort(rows).tobytes())
    return digest.hexdigest()
