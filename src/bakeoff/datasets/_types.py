"""Feature kinds: what each column is, inferred from its values or declared."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, get_args

import pandas as pd

__all__ = [
    "FEATURE_KINDS",
    "FeatureKind",
    "explain_feature_kind",
    "explain_feature_kinds",
    "infer_feature_kind",
    "resolve_feature_kinds",
]

FeatureKind = Literal["numeric", "categorical", "boolean", "datetime", "id"]
FEATURE_KINDS: tuple[FeatureKind, ...] = get_args(FeatureKind)

#: A text column needs at least this many rows before "every value distinct" means an id.
MIN_ROWS_FOR_ID = 20
#: Text with at least this share of distinct values (1,807 of 1,808) is an id: as a
#: categorical it would be one one-hot column per row that never repeats in test rows.
NEAR_UNIQUE_SHARE = 0.95


def infer_feature_kind(column: pd.Series) -> FeatureKind:
    """Guess a column's kind from its dtype and values.

    Numbers are ``numeric`` (declare coded categoricals with an override), ``bool`` and
    two-valued text are ``boolean``, datetimes are ``datetime``, text whose non-missing
    values are (nearly) all distinct (95% or more, over at least 20 rows) is an ``id``,
    other text is ``categorical``.
    """
    return explain_feature_kind(column)[0]


def explain_feature_kind(column: pd.Series) -> tuple[FeatureKind, str]:
    """A column's inferred kind and why, in words (``"12 distinct text values"``)."""
    if pd.api.types.is_bool_dtype(column):
        return "boolean", "true/false values"
    if pd.api.types.is_datetime64_any_dtype(column):
        return "datetime", "dates and times"
    if pd.api.types.is_numeric_dtype(column):
        return "numeric", "numbers"
    values = column.dropna()
    distinct = values.nunique()
    if distinct == 2:
        return "boolean", "two distinct values"
    dates = _date_hint(column.name, values)
    if len(values) >= MIN_ROWS_FOR_ID and distinct == len(values):
        return "id", f"every one of its {len(values)} values is distinct{dates}"
    if len(values) >= MIN_ROWS_FOR_ID and distinct >= NEAR_UNIQUE_SHARE * len(values):
        return "id", f"{distinct} distinct values in {len(values)} rows (near-unique){dates}"
    return "categorical", f"{distinct} distinct text values{dates}"


def _date_hint(name: object, values: pd.Series) -> str:
    """A hint when text reads as dates: a file's dates arrive as text, not datetimes."""
    sample = values.head(20).astype(str)
    if sample.empty or not sample.str.contains(r"\d[-/.]\d", regex=True).all():
        return ""
    try:
        pd.to_datetime(sample, format="ISO8601")
    except (ValueError, TypeError):
        return ""
    return f"; they read as dates: declare `types: {{{name}: datetime}}` to use them"


def resolve_feature_kinds(
    frame: pd.DataFrame, target: str, overrides: Mapping[str, str] | None = None
) -> dict[str, FeatureKind]:
    """The kind of every feature column: the override if given, else the inferred one.

    Raises:
        ValueError: If an override names an unknown column or kind.
    """
    return {c: kind for c, (kind, _) in explain_feature_kinds(frame, target, overrides).items()}


def explain_feature_kinds(
    frame: pd.DataFrame, target: str, overrides: Mapping[str, str] | None = None
) -> dict[str, tuple[FeatureKind, str]]:
    """Like :func:`resolve_feature_kinds`, with why each column has its kind.

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
        str(c): (
            (overrides[str(c)], "declared in types")  # type: ignore[misc]
            if str(c) in overrides
            else explain_feature_kind(frame[c])
        )
        for c in frame.columns
        if c != target
    }
