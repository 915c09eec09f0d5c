"""What a study should be told about a dataset before it runs (nothing fails silently).

- a text column read as a categorical with very many values: one-hot encoding makes a
  column per value (slow) and most values never meet a test row;
- a column that predicts the target almost alone (see :mod:`._leaks`);
- an integer column that counts the rows (consecutive distinct integers, as a row number
  or a database key): kept as a number, it tells a model where a row sat in the file,
  which predicts the target wherever the file is sorted or grouped.

Columns whose kind the dataset declares (``types:``) are trusted and not reported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bakeoff.datasets._base import Dataset

if TYPE_CHECKING:
    import pandas as pd
from bakeoff.datasets._leaks import leak_suspects

__all__ = ["MANY_VALUES", "MANY_VALUES_SHARE", "dataset_warnings"]

#: A categorical with at least this many distinct values is reported...
MANY_VALUES = 1000
#: ...and so is one whose distinct values are at least this share of its rows.
MANY_VALUES_SHARE = 0.5
_MIN_ROWS = 20


def dataset_warnings(dataset: Dataset) -> list[str]:
    """One message per column a study should look at, with the line that settles it."""
    messages = []
    declared = set(dataset.types)
    frame = dataset.frame
    for column in dataset.categorical_columns:
        if column in declared:
            continue
        values = frame[column].dropna()
        distinct = values.nunique()
        if len(values) >= _MIN_ROWS and (
            distinct >= MANY_VALUES or distinct >= MANY_VALUES_SHARE * len(values)
        ):
            messages.append(
                f"column '{column}' has {distinct} distinct values in {len(values)} rows: as "
                f"a categorical it becomes {distinct} one-hot columns (slow), most of them "
                f"never seen in a test row. If it names or identifies rows, leave it out "
                f"with `types: {{{column}: id}}` or `drop: [{column}]`; if it is a real "
                f"category, say so with `types: {{{column}: categorical}}`."
            )
    for column in dataset.numeric_columns:
        if column not in declared and _counts_rows(frame[column]):
            values = frame[column]
            messages.append(
                f"column '{column}' holds the consecutive integers {int(values.min())} to "
                f"{int(values.max())}, one per row: a row number or key, not a measurement. "
                f"As a feature it tells the model where a row sat in the file. Leave it out "
                f"with `types: {{{column}: id}}` or `drop: [{column}]`; if it is a real "
                f"quantity, say so with `types: {{{column}: numeric}}`."
            )
    for suspect in leak_suspects(frame, dataset.target, str(dataset.target_task)):
        if suspect.column in declared:
            continue
        messages.append(
            f"column '{suspect.column}' alone predicts the target '{dataset.target}' almost "
            f"perfectly ({suspect.describe()}). If it is known only with or after the "
            f"outcome it leaks the target: leave it out with `drop: [{suspect.column}]`. "
            f"If it is a fair predictor, declare its kind in `types:` to silence this."
        )
    return messages


def _counts_rows(values: pd.Series) -> bool:
    """Whether ``values`` are distinct consecutive integers, one per row (no gaps)."""
    import pandas as pd

    if len(values) < _MIN_ROWS or values.isna().any() or not pd.api.types.is_integer_dtype(values):
        return False
    low, high = int(values.min()), int(values.max())
    return high - low + 1 == len(values) and values.nunique() == len(values)
