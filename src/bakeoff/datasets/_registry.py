"""The dataset registry and the datasets that ship with scikit-learn."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bakeoff._registry import Registry
from bakeoff.datasets._base import Dataset, TaskKind
from bakeoff.exceptions import DatasetError

__all__ = ["DatasetInfo", "get_info", "list_datasets", "load", "load_file", "register_dataset"]

Loader = Callable[[], pd.DataFrame]


@dataclass(frozen=True)
class DatasetInfo:
    """A registered dataset: how to load it and what it is."""

    name: str
    loader: Loader
    target: str
    task: TaskKind
    description: str = ""
    source: str = ""
    drop: tuple[str, ...] = ()

    def load(self) -> Dataset:
        """Load and validate the dataset."""
        return Dataset(
            name=self.name,
            frame=self.loader(),
            target=self.target,
            task=self.task,
            description=self.description,
            source=self.source,
            drop=list(self.drop),
        )


_REGISTRY: Registry[DatasetInfo] = Registry("dataset", "bakeoff datasets list")


def register_dataset(
    name: str,
    *,
    target: str,
    task: TaskKind,
    description: str = "",
    source: str = "",
    drop: tuple[str, ...] = (),
    replace: bool = False,
) -> Callable[[Loader], Loader]:
    """Register a function returning a DataFrame (features and target) as a dataset.

    Example:
        >>> import pandas as pd
        >>> @register_dataset("tiny", target="y", task="regression", replace=True)
        ... def tiny():
        ...     return pd.DataFrame({"x": [1.0, 2, 3, 4], "y": [1.5, 2.5, 3.1, 4.2]})
        >>> load("tiny").n_rows
        4
    """

    def decorate(loader: Loader) -> Loader:
        info = DatasetInfo(name, loader, target, task, description, source, tuple(drop))
        _REGISTRY.add(name, info, replace=replace)
        return loader

    return decorate


def get_info(name: str) -> DatasetInfo:
    """Return the registry entry of dataset ``name``."""
    return _REGISTRY.get(name)


def list_datasets() -> list[DatasetInfo]:
    """Every registered dataset, sorted by name."""
    return [_REGISTRY.get(name) for name in _REGISTRY.names()]


def load(name: str) -> Dataset:
    """Load the registered dataset ``name``."""
    return _REGISTRY.get(name).load()


def load_file(
    path: str | Path,
    *,
    target: str,
    name: str | None = None,
    task: TaskKind | None = None,
    drop: list[str] | None = None,
) -> Dataset:
    """Load a CSV or Parquet file as a dataset.

    Args:
        path: A ``.csv``, ``.tsv``, ``.parquet`` or ``.pq`` file.
        target: The target column.
        name: Name in results; defaults to the file's stem.
        task: Task kind; inferred from the target when ``None``.
        drop: Columns to leave out.

    Raises:
        DatasetError: If the file is missing, unreadable or not a table with ``target``.
    """
    path = Path(path)
    label = name or path.stem
    if not path.is_file():
        raise DatasetError(
            f"dataset '{label}': file '{path}' does not exist. Check the path "
            f"(relative paths are resolved from the study file's folder)."
        )
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            frame = pd.read_parquet(path)
        elif suffix in (".csv", ".tsv", ".txt"):
            frame = pd.read_csv(path, sep="\t" if suffix == ".tsv" else ",")
        else:
            raise DatasetError(
                f"dataset '{label}': cannot read '{path}': unsupported file type "
                f"'{suffix}'. Use a .csv, .tsv or .parquet file."
            )
    except DatasetError:
        raise
    except Exception as exc:
        raise DatasetError(
            f"dataset '{label}': cannot read '{path}': {type(exc).__name__}: {exc}"
        ) from exc
    return Dataset(
        name=label, frame=frame, target=target, task=task, source=str(path), drop=drop or []
    )
