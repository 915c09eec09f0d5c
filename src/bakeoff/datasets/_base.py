"""The Dataset: a table, its target, its task kind and a content fingerprint."""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd

from bakeoff._registry import suggest
from bakeoff.datasets._fingerprint import fingerprint_frame
from bakeoff.datasets._types import FeatureKind, explain_feature_kinds
from bakeoff.exceptions import BakeoffWarning, DatasetError

__all__ = [
    "SYNTHESIS",
    "TASKS",
    "Dataset",
    "TaskKind",
    "explain_task",
    "fingerprint_frame",
    "infer_task",
]

TaskKind = Literal["classification", "regression", "synthesis"]
#: The task kinds a target column has: what a table is loaded and validated as.
TASKS: tuple[TaskKind, ...] = ("classification", "regression")
#: The task kind of a dataset whose cells fit a generator and score the table it samples
#: (:meth:`Dataset.for_synthesis`); its target keeps its own kind (``target_task``).
SYNTHESIS: TaskKind = "synthesis"

#: An integer target with at most this many distinct values is taken as class labels.
MAX_INFERRED_CLASSES = 20


def infer_task(target: pd.Series) -> Literal["classification", "regression"]:
    """Guess the task kind from the target column.

    Text, categorical and boolean targets are classification; numbers are regression
    unless they are whole numbers with at most 20 distinct values (coded classes).
    """
    return explain_task(target)[0]


def explain_task(target: pd.Series) -> tuple[Literal["classification", "regression"], str]:
    """The task :func:`infer_task` infers, and why, in words."""
    values = target.dropna()
    distinct = values.nunique()
    if pd.api.types.is_bool_dtype(values):
        return "classification", "a true/false target"
    if not pd.api.types.is_numeric_dtype(values):
        return "classification", f"a text target with {distinct} classes"
    whole = bool(np.all(np.mod(values.to_numpy(dtype=float), 1) == 0))
    if whole and distinct <= MAX_INFERRED_CLASSES:
        return "classification", (
            f"whole numbers with {distinct} distinct values, read as coded classes; "
            f"set task: regression if they are counts"
        )
    return "regression", f"a numeric target with {distinct} distinct values"


@dataclass
class Dataset:
    """A table with a target column, ready for a study.

    Args:
        name: Name used in study files and results.
        frame: Features and target in one table.
        target: Name of the target column.
        task: ``"classification"`` or ``"regression"``; inferred when ``None``.
        description: One line for ``bakeoff datasets list``.
        source: Where the data comes from (package and loader, or a file path).
        drop: Columns to leave out of the features (identifiers, leaks).
        types: Feature kinds that override the inferred ones, e.g. ``{"zip":
            "categorical"}`` for a coded categorical (see :data:`FEATURE_KINDS`).
            Columns of kind ``id`` are left out like ``drop``.
        license: The data's licence.
        citation: How to cite the data.

    Raises:
        DatasetError: If the target is missing, has one class, or is not numeric for a
            regression, if column names repeat, if a feature holds infinite values, or
            if ``types`` is wrong. Rows with a missing target and features with no
            values at all are dropped with a :class:`BakeoffWarning`.
    """

    name: str
    frame: pd.DataFrame
    target: str
    task: TaskKind | None = None
    description: str = ""
    source: str = ""
    drop: list[str] = field(default_factory=list)
    types: dict[str, str] = field(default_factory=dict)
    license: str = ""
    citation: str = ""
    feature_kinds: dict[str, FeatureKind] = field(init=False, default_factory=dict)
    #: Why each feature has its kind ("numbers", "12 distinct text values", ...).
    kind_reasons: dict[str, str] = field(init=False, default_factory=dict)
    #: Columns left out of the features, and why.
    dropped: dict[str, str] = field(init=False, default_factory=dict)
    #: Why the task is what it is ("declared", or what was inferred from the target).
    task_reason: str = field(init=False, default="")
    #: The target's own kind, ``"classification"`` or ``"regression"``: the task itself,
    #: except for a synthesis dataset, whose evaluators (train on synthetic, test on
    #: real) are classifiers or regressors by it.
    target_task: TaskKind = field(init=False, default="classification")

    def __post_init__(self) -> None:
        self._validate()

    def _validate(self) -> None:
        where = f"dataset '{self.name}'" + (f" ({self.source})" if self.source else "")
        columns = [str(c) for c in self.frame.columns]
        duplicated = sorted({c for c in columns if columns.count(c) > 1})
        if duplicated:
            raise DatasetError(
                f"{where} has duplicate column names {duplicated}; rename them so each is unique."
            )
        if self.target not in self.frame.columns:
            raise DatasetError(
                f"{where} has no target column '{self.target}'.{suggest(self.target, columns)} "
                f"Its columns are: {', '.join(columns[:30])}."
            )
        unknown_drop = [c for c in self.drop if c not in self.frame.columns]
        if unknown_drop:
            raise DatasetError(f"{where}: columns to drop {unknown_drop} do not exist.")
        if self.target in self.drop:
            raise DatasetError(
                f"{where}: `drop` names the target '{self.target}'; the target cannot be left "
                f"out. Remove it from drop, or pick another target."
            )
        dropped = dict.fromkeys(self.drop, "listed in drop")
        frame = _numpy_missing(self.frame.drop(columns=self.drop))
        frame = _bytes_as_text(frame, where)
        _refuse_nested(frame, where)
        frame = _wide_integers_as_floats(frame, self.target)
        missing_target = frame[self.target].isna()
        if missing_target.all():
            raise DatasetError(f"{where}: target column '{self.target}' has no values.")
        if missing_target.any():
            warnings.warn(
                f"{where}: dropped {int(missing_target.sum())} rows whose target "
                f"'{self.target}' is missing.",
                BakeoffWarning,
                stacklevel=3,
            )
            frame = frame.loc[~missing_target]
        all_nan = [c for c in frame.columns if c != self.target and frame[c].isna().all()]
        if all_nan:
            warnings.warn(
                f"{where}: dropped feature columns with no values: {all_nan}.",
                BakeoffWarning,
                stacklevel=3,
            )
            frame = frame.drop(columns=all_nan)
            dropped |= dict.fromkeys(all_nan, "it has no values")
        try:
            declared = {
                c: k for c, k in self.types.items() if c in frame or c not in self.frame
            }  # a declared column that was dropped above needs no kind
            explained = explain_feature_kinds(frame, self.target, declared)
        except ValueError as exc:
            raise DatasetError(f"{where}: {exc}.") from None
        ids = [c for c, (kind, _) in explained.items() if kind == "id"]
        frame = frame.drop(columns=ids)
        dropped |= {c: f"an identifier: {explained[c][1]}" for c in ids}
        kinds: dict[str, FeatureKind] = {
            c: kind for c, (kind, _) in explained.items() if kind != "id"
        }
        frame = _utc_naive(_convert_declared(frame, declared, where))
        if len(frame.columns) < 2:
            raise DatasetError(f"{where} has no feature columns besides the target.")
        task, self.task_reason = (
            (self.task, "declared")
            if self.task and self.task != SYNTHESIS
            else explain_task(frame[self.target])
        )
        if self.task == SYNTHESIS:
            self.task_reason = f"declared synthesis; the target is {self.task_reason}"
        if task not in TASKS:
            raise DatasetError(f"{where}: task must be one of {list(TASKS)}, but got {task!r}.")
        if _is_wide_integer(frame[self.target]):
            # Whole numbers past 64 bits: amounts for a regression (as floats, which hold
            # them to 16 digits), labels for a classification (as text, exactly: no
            # array type or store column holds them as integers).
            wide = frame[self.target]
            frame[self.target] = (
                wide.astype(float) if task == "regression" else wide.map(str, na_action="ignore")
            )
        target = frame[self.target]
        if task == "regression" and not pd.api.types.is_numeric_dtype(target):
            example = target.iloc[0]
            raise DatasetError(
                f"{where}: target '{self.target}' is not numeric (e.g. {example!r}), so it "
                f"cannot be a regression target. Set `task: classification`, or pick a "
                f"numeric target."
            )
        if task == "regression" and np.isinf(target.to_numpy(dtype=float)).any():
            n_inf = int(np.isinf(target.to_numpy(dtype=float)).sum())
            raise DatasetError(
                f"{where}: regression target '{self.target}' has {n_inf} infinite "
                f"value{'s' if n_inf != 1 else ''}; no metric can score them. Replace them, "
                f"or leave them empty (those rows are dropped)."
            )
        if task == "classification" and target.nunique() < 2:
            raise DatasetError(
                f"{where}: target '{self.target}' has a single class "
                f"({target.iloc[0]!r}); classification needs at least two."
            )
        features = frame.drop(columns=[self.target])
        numeric = features.select_dtypes(include="number")
        if np.isinf(numeric.to_numpy(dtype=float)).any():
            bad = [c for c in numeric.columns if np.isinf(numeric[c].to_numpy(dtype=float)).any()]
            raise DatasetError(
                f"{where}: columns {bad} contain infinite values; replace them with a "
                f"finite value or leave them empty (missing values are imputed)."
            )
        self.frame = frame.reset_index(drop=True)
        self.task = SYNTHESIS if self.task == SYNTHESIS else task
        self.target_task = task
        self.feature_kinds = kinds
        self.kind_reasons = {c: explained[c][1] for c in kinds}
        self.dropped = dropped

    def for_synthesis(self) -> Dataset:
        """The same table as a ``synthesis`` dataset.

        Its cells fit a generator on the training rows and score the table it samples (the
        target keeps its kind).
        """
        if self.task == SYNTHESIS:
            return self
        synthesis = copy.copy(self)
        synthesis.task = SYNTHESIS
        synthesis.task_reason = f"declared synthesis ({self.task} target: {self.task_reason})"
        return synthesis

    @property
    def X(self) -> pd.DataFrame:
        """The feature columns."""
        return self.frame.drop(columns=[self.target])

    @property
    def y(self) -> pd.Series:
        """The target column."""
        return self.frame[self.target]

    @property
    def n_rows(self) -> int:
        return len(self.frame)

    @property
    def n_features(self) -> int:
        return int(self.frame.shape[1]) - 1

    def columns_of(self, *kinds: FeatureKind) -> list[str]:
        """Feature columns of the given kinds, in table order."""
        return [c for c, kind in self.feature_kinds.items() if kind in kinds]

    @property
    def categorical_columns(self) -> list[str]:
        """Feature columns that are one-hot encoded: categorical and boolean ones."""
        return self.columns_of("categorical", "boolean")

    @property
    def numeric_columns(self) -> list[str]:
        """Numeric feature columns."""
        return self.columns_of("numeric")

    @property
    def datetime_columns(self) -> list[str]:
        """Date and time feature columns (models see them as numbers of days)."""
        return self.columns_of("datetime")

    @property
    def classes(self) -> list[object]:
        """Sorted class labels (classification only)."""
        return sorted(self.y.unique().tolist(), key=lambda v: (str(type(v)), v))

    @cached_property
    def fingerprint(self) -> str:
        """Content hash of features and target (see :func:`fingerprint_frame`)."""
        return fingerprint_frame(self.frame)


def _convert_declared(frame: pd.DataFrame, declared: dict[str, str], where: str) -> pd.DataFrame:
    """Give columns declared numeric or datetime the dtype their kind needs."""
    for column, kind in declared.items():
        if column not in frame.columns:
            continue
        values = frame[column]
        if kind == "numeric" and not pd.api.types.is_numeric_dtype(values):
            converted = pd.to_numeric(values, errors="coerce")
            bad = values[converted.isna() & values.notna()]
            if len(bad):
                raise DatasetError(
                    f"{where}: column '{column}' is declared numeric but holds "
                    f"{bad.iloc[0]!r}; fix the value or declare it categorical."
                )
            frame = frame.assign(**{column: converted})
        elif kind == "datetime" and not pd.api.types.is_datetime64_any_dtype(values):
            try:
                frame = frame.assign(**{column: _to_datetime(values)})
            except (ValueError, TypeError) as exc:
                raise DatasetError(
                    f"{where}: column '{column}' is declared datetime but cannot be read "
                    f"as dates ({exc}); fix the values or declare it categorical."
                ) from None
    return frame


def _to_datetime(values: pd.Series) -> pd.Series:
    """Dates from text.

    Offsets that change within the column (daylight saving, several zones) are brought to
    UTC, the same instants a Parquet file's zone-aware column gives.
    """
    try:
        return pd.to_datetime(values, format="mixed")
    except ValueError as exc:
        if "timezone" not in str(exc).lower() and "offset" not in str(exc).lower():
            raise
        return pd.to_datetime(values, format="mixed", utc=True)


def _bytes_as_text(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    """Binary values (Parquet ``binary`` columns) as text: UTF-8, else Latin-1.

    As for a CSV file, bytes that are not UTF-8 are read as Latin-1 (every byte is a
    character there), with a warning naming the columns, instead of failing later where
    the values are compared or hashed.
    """
    latin: list[object] = []
    binary = [
        c
        for c in frame.columns
        if frame[c].dtype == object and frame[c].map(lambda v: isinstance(v, bytes)).any()
    ]
    if not binary:
        return frame

    def decode(value: object, column: object) -> object:
        if not isinstance(value, bytes):
            return value
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            if column not in latin:
                latin.append(column)
            return value.decode("latin-1")

    frame = frame.copy()
    for column in binary:
        frame[column] = frame[column].map(lambda v, c=column: decode(v, c))
    if latin:
        warnings.warn(
            f"{where}: binary column{'s' if len(latin) > 1 else ''} "
            f"{', '.join(map(repr, map(str, latin)))} hold bytes that are not UTF-8; read as "
            f"Latin-1 text.",
            BakeoffWarning,
            stacklevel=4,
        )
    return frame


def _refuse_nested(frame: pd.DataFrame, where: str) -> None:
    """Refuse columns of lists, arrays or records (Parquet list, struct and map columns).

    No model takes them as features, and their values cannot be compared or hashed, so
    they are named here rather than failing in a cell.
    """
    nested = [
        str(c)
        for c in frame.columns
        if frame[c].dtype == object
        and frame[c].map(lambda v: isinstance(v, list | tuple | dict | set | np.ndarray)).any()
    ]
    if nested:
        raise DatasetError(
            f"{where}: column{'s' if len(nested) > 1 else ''} {', '.join(map(repr, nested))} "
            f"hold{'' if len(nested) > 1 else 's'} lists or records "
            f"(nested values, e.g. Parquet list, struct or map columns), which models cannot "
            f"use. List {'them' if len(nested) > 1 else 'it'} in `drop`, or flatten "
            f"{'them' if len(nested) > 1 else 'it'} into one column per value."
        )


def _is_wide_integer(values: pd.Series) -> bool:
    """True for a column of whole numbers past 64 bits (pandas keeps them as Python ints)."""
    if values.dtype != object:
        return False
    present = values.dropna()
    return len(present) > 0 and all(isinstance(v, int) and not isinstance(v, bool) for v in present)


def _wide_integers_as_floats(frame: pd.DataFrame, target: str) -> pd.DataFrame:
    """Feature columns of whole numbers past 64 bits, as floats (numbers, not text)."""
    wide = {
        c: frame[c].astype(float)
        for c in frame.columns
        if c != target and _is_wide_integer(frame[c])
    }
    return frame.assign(**wide) if wide else frame


def _utc_naive(frame: pd.DataFrame) -> pd.DataFrame:
    """Time-zone-aware date-time columns as UTC times without a zone.

    The same instant then has the same value whatever zone the file wrote it in, and
    every date-time column has the one dtype the preprocessing and the fingerprint read.
    """
    aware = {
        c: frame[c].dt.tz_convert("UTC").dt.tz_localize(None)
        for c in frame.columns
        if isinstance(frame[c].dtype, pd.DatetimeTZDtype)
    }
    return frame.assign(**aware) if aware else frame


def _numpy_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable columns (``Int64``, ``boolean``, ``string``...) with ``NaN`` for ``pd.NA``.

    scikit-learn's imputers cannot compare ``pd.NA``, which user DataFrames and Parquet
    files often hold; the values themselves are unchanged.
    """
    converted = {}
    for column in frame.columns:
        values = frame[column]
        if getattr(values.dtype, "na_value", None) is not pd.NA:
            continue
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            converted[column] = values.astype("float64")
        else:
            plain = values.astype(object)
            converted[column] = plain.where(plain.notna(), np.nan)
    return frame.assign(**converted) if converted else frame
