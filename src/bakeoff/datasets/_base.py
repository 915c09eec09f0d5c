"""The Dataset: a table, its target, its task kind and a content fingerprint."""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd

from bakeoff._registry import suggest
from bakeoff.exceptions import BakeoffWarning, DatasetError

__all__ = ["TASKS", "Dataset", "TaskKind", "fingerprint_frame", "infer_task"]

TaskKind = Literal["classification", "regression"]
TASKS: tuple[TaskKind, ...] = ("classification", "regression")

#: An integer target with at most this many distinct values is taken as class labels.
MAX_INFERRED_CLASSES = 20


def infer_task(target: pd.Series) -> TaskKind:
    """Guess the task kind from the target column.

    Text, categorical and boolean targets are classification; numbers are regression
    unless they are whole numbers with at most 20 distinct values (coded classes).
    """
    values = target.dropna()
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return "classification"
    whole = bool(np.all(np.mod(values.to_numpy(dtype=float), 1) == 0))
    if whole and values.nunique() <= MAX_INFERRED_CLASSES:
        return "classification"
    return "regression"


def fingerprint_frame(frame: pd.DataFrame) -> str:
    """SHA-256 of a table's content, independent of its row order.

    Column names and dtype kinds enter the hash; rows are hashed one by one with pandas'
    stable ``hash_pandas_object`` and the row hashes are sorted before combining.
    """
    digest = hashlib.sha256()
    for name, dtype in frame.dtypes.items():
        digest.update(f"{name}\x1f{dtype.kind}\x1e".encode())
    rows = pd.util.hash_pandas_object(frame, index=False).to_numpy(dtype=np.uint64)
    digest.update(np.sort(rows).tobytes())
    return digest.hexdigest()


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

    Raises:
        DatasetError: If the target is missing, has one class, or is not numeric for a
            regression, or if column names repeat.
    """

    name: str
    frame: pd.DataFrame
    target: str
    task: TaskKind | None = None
    description: str = ""
    source: str = ""
    drop: list[str] = field(default_factory=list)

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
        frame = self.frame.drop(columns=self.drop)
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
        if len(frame.columns) < 2:
            raise DatasetError(f"{where} has no feature columns besides the target.")
        task = self.task or infer_task(frame[self.target])
        if task not in TASKS:
            raise DatasetError(f"{where}: task must be one of {list(TASKS)}, but got {task!r}.")
        target = frame[self.target]
        if task == "regression" and not pd.api.types.is_numeric_dtype(target):
            example = target.iloc[0]
            raise DatasetError(
                f"{where}: target '{self.target}' is not numeric (e.g. {example!r}), so it "
                f"cannot be a regression target. Set `task: classification`, or pick a "
                f"numeric target."
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
        self.task = task

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
        return self.frame.shape[1] - 1

    @property
    def categorical_columns(self) -> list[str]:
        """Feature columns treated as categorical (text, category, boolean dtypes)."""
        X = self.X
        return [
            c
            for c in X.columns
            if not pd.api.types.is_numeric_dtype(X[c]) or pd.api.types.is_bool_dtype(X[c])
        ]

    @property
    def classes(self) -> list[object]:
        """Sorted class labels (classification only)."""
        return sorted(self.y.unique().tolist(), key=lambda v: (str(type(v)), v))

    @cached_property
    def fingerprint(self) -> str:
        """Content hash of features and target (see :func:`fingerprint_frame`)."""
        return fingerprint_frame(self.frame)
