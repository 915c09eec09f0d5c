"""Fingerprints: the same data gives the same hash whatever the row order or dtypes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bakeoff.datasets import fingerprint_frame


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "count": [3, 1, 4, 1, 5],
            "size": [0.5, np.nan, 2.25, -0.0, 7.0],
            "colour": ["red", None, "blue", "red", "green"],
            "flag": [True, False, True, True, False],
            "when": pd.to_datetime(["2020-01-01", None, "2021-06-30", "2020-01-01", "1999-12-31"]),
        }
    )


def test_row_order_does_not_matter_but_each_value_does() -> None:
    table = _table()
    base = fingerprint_frame(table)
    assert fingerprint_frame(table.iloc[::-1].reset_index(drop=True)) == base
    assert fingerprint_frame(table.sample(frac=1, random_state=3)) == base
    for row, column, value in [(0, "count", 2), (2, "size", 2.2500001), (1, "colour", "")]:
        changed = table.copy()
        changed.loc[row, column] = value
        assert fingerprint_frame(changed) != base, (row, column)
    assert fingerprint_frame(table.rename(columns={"count": "n"})) != base
    assert fingerprint_frame(table.iloc[:4]) != base


def test_the_dtypes_pandas_2_and_3_choose_for_the_same_data_do_not_matter() -> None:
    # pandas 3 reads text as `str`, pandas 2 as `object`; nullable ints appear when a
    # column has gaps; datetimes come in ns or us; categoricals hold the same values.
    table = _table()
    base = fingerprint_frame(table)
    variants = [
        table.assign(colour=table["colour"].astype(object)),
        table.assign(colour=table["colour"].astype("string")),
        table.assign(colour=table["colour"].astype("category")),
        table.assign(count=table["count"].astype("Int64")),
        table.assign(count=table["count"].astype("float64")),
        table.assign(when=table["when"].astype("datetime64[us]")),
        table.assign(when=table["when"].astype("datetime64[s]")),
        table.assign(flag=table["flag"].astype("boolean")),
        table.assign(size=table["size"].astype("Float64")),
    ]
    for variant in variants:
        assert fingerprint_frame(variant) == base, variant.dtypes.to_dict()


def test_negative_zero_and_missing_markers_are_normalised() -> None:
    a = pd.DataFrame({"x": [0.0, np.nan], "s": ["a", None]})
    b = pd.DataFrame({"x": [-0.0, np.nan], "s": ["a", np.nan]})
    assert fingerprint_frame(a) == fingerprint_frame(b)
    # A missing value is not the text "nan" or "None".
    c = pd.DataFrame({"x": [0.0, np.nan], "s": ["a", "None"]})
    assert fingerprint_frame(a) != fingerprint_frame(c)
