"""File readers: how to turn a file in a known layout into a table with a target.

A study reads a plain CSV or Parquet file with ``path`` and ``target``. A file in a
domain's own layout (the PHMRC verbal-autopsy files, say) needs work first: which
columns are features, how answers are coded, which column is the target. A pack
registers a reader for it, and a study names it::

    datasets:
      - {name: phmrc_adult, path: IHME_PHMRC_VA_DATA_ADULT.csv, reader: phmrc,
         reader_options: {module: adult, causes: 34}}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bakeoff._registry import Registry
from bakeoff.exceptions import DatasetError

if TYPE_CHECKING:  # registering and listing readers stays free of pandas
    import pandas as pd

__all__ = ["FileReader", "get_reader", "list_readers", "read_with", "register_reader"]


@dataclass(frozen=True)
class FileReader:
    """A registered reader.

    Attributes:
        name: What a study's ``reader:`` names.
        read: ``(path, **options) -> DataFrame`` with the features and the target.
        target: The target column of what ``read`` returns (a study may name another).
        description: One line for listings.
        citation: How to cite the data it reads.
        license: The licence of the data it reads.
    """

    name: str
    read: Callable[..., pd.DataFrame]
    target: str
    description: str = ""
    citation: str = ""
    license: str = ""


_READERS: Registry[FileReader] = Registry("file reader", "bakeoff.datasets.list_readers()")


def register_reader(
    name: str,
    read: Callable[..., pd.DataFrame],
    *,
    target: str,
    description: str = "",
    citation: str = "",
    license: str = "",
    replace: bool = False,
) -> FileReader:
    """Register ``read(path, **options)`` as the file reader ``name``.

    ``read`` raises :class:`~bakeoff.exceptions.DatasetError` (or ``ValueError`` /
    ``TypeError`` for bad options) with a message that says what is wrong with the file.
    """
    reader = FileReader(name, read, target, description, citation, license)
    _READERS.add(name, reader, replace=replace)
    return reader


def get_reader(name: str) -> FileReader:
    """The reader ``name``.

    Raises:
        UnknownNameError: With the closest registered name.
    """
    return _READERS.get(name)


def list_readers() -> list[str]:
    """Registered reader names, sorted."""
    return _READERS.names()


def read_with(reader: FileReader, path: Path, options: Mapping[str, Any]) -> pd.DataFrame:
    """``reader.read(path, **options)``, its failures as one clear :class:`DatasetError`."""
    import pandas as pd

    if not path.exists():
        raise DatasetError(f"file '{path}' does not exist (reader '{reader.name}')")
    unknown, accepted = _unknown_options(reader, options)
    if unknown:
        takes = ", ".join(accepted) if accepted else "none"
        raise DatasetError(
            f"reader '{reader.name}' does not take reader_options {', '.join(map(repr, unknown))}; "
            f"the options it takes: {takes}"
        )
    try:
        frame = reader.read(path, **dict(options))
    except DatasetError:
        raise
    except TypeError as exc:
        raise DatasetError(
            f"reader '{reader.name}' does not take these reader_options: {exc}"
        ) from None
    except (ValueError, KeyError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DatasetError(f"reader '{reader.name}' cannot read '{path}': {exc}") from None
    if not isinstance(frame, pd.DataFrame):
        raise DatasetError(f"reader '{reader.name}' returned {type(frame).__name__}, not a table")
    return frame


def _unknown_options(reader: FileReader, options: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """The options ``reader`` has no parameter for, and the ones it has (after the path).

    A reader that takes ``**kwargs`` (pandas' readers pass them on) accepts any name;
    pandas then says itself which one it does not know.
    """
    import inspect

    try:
        parameters = list(inspect.signature(reader.read).parameters.values())[1:]
    except (TypeError, ValueError):
        return [], []
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return [], []
    accepted = [
        p.name
        for p in parameters
        if p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    return [name for name in options if name not in accepted], accepted
