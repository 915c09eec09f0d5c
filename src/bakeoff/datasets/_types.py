"""Feature kinds: what each column is, inferred from its values or declared."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, get_args

import pandas as pd

__all__ = ["FEATURE_KINDS", "FeatureKind", "infer_feature_kind", "resolve_feature_kinds"]

FeatureKind = Literal["numeric", "categorical", "boolean", "datetime", "id"]
FEATURE_KINDS: tuple[FeatureKind, ...] = get_args(FeatureKind)

#: A text column needs at least this many rows before "every value distinct" means an id.
MIN_ROWS_FOR_ID = 20


def infer_feature_kind(column: pd.Series) -> FeatureKind:
    """Guess a column's kind from its dtype and values.

    Numbers are ``numeric`` (declare coded categoricals with an override), ``bool`` and
    two-valued text are ``boolean``, datetimes are ``datetime``, text whose non-missing
    values are all distinct (over at least 20 rows) is an ``id``, other text is
    ``categorical``.
    """
    if pd.api.types.is_bool_dtype(column):
        return "boolean"
    if pd.api.types.is_datetime64_any_dtype(column):
        return "datetime"
    if pd.api.types.is_numeric_dtype(column):
        return "numeric"
    values = column.dropna()
    distinct = values.nunique()
    if distinct == 2:
        return "boolean"
    if len(values) >= MIN_ROWS_FOR_ID and distinct == len(values):
        return "id"
    return "categorical"


def resolve_feature_kinds(
    frame: pd.DataFrame, target: str, overrides: Mapping[str, str] | None = None
) -> dict[str, FeatureKind]:
    """The kind of every feature column: the override if given, else the inferred one.

    Raises:
        ValueError: If an override names an unknown column or kind.
    """
    overrides = dict(overrides or {})
    for column, kind in overrides.items():
        if column not in frame.columns:
            raise ValueError(f"`types` names column '{column}', which the table does not have")
        if column == target:
            raise ValueError(f"`types` names the target '{column}'; declare feature columns only")
        if kind not in FEATURE_KINDS:
            raise ValueError(
                f"`types.{column}` is '{kind}'; use one of: {', '.join(FEATURE_KINDS)}"
            )
    return {
        str(c): overrides.get(str(c)) or infer_feature_kind(frame[c])  # type: ignore[misc]
        for c in frame.columns
        if c != target
    }
