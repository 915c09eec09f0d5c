"""Errors and warnings raised by bakeoff.

The hierarchy::

    BakeoffError
    ├── SpecError            the study file or Python spec is invalid (exit status 2)
    │   ├── UnknownNameError a model, dataset or metric name is not registered
    │   └── DatasetError     a dataset cannot be loaded or does not fit the spec
    ├── MissingExtraError    an optional dependency is not installed (exit status 2)
    ├── StoreError           the results database cannot be opened or is out of date
    │   └── StudyNotFoundError   no study of that name in the store
    └── LeaseLostError       another runner took over a cell this runner held

Every message names the field, the bad value, the rule and the fix, so that the CLI can
print it as a single line without a traceback.
"""

from __future__ import annotations

__all__ = [
    "BakeoffError",
    "BakeoffWarning",
    "DatasetError",
    "LeaseLostError",
    "MissingExtraError",
    "SpecError",
    "StoreError",
    "StudyNotFoundError",
    "UnknownNameError",
]


class BakeoffError(Exception):
    """Base class of every error bakeoff raises on purpose."""

    #: Exit status the CLI uses for this error.
    exit_code: int = 1


class SpecError(BakeoffError, ValueError):
    """The study specification is invalid; nothing has been written to the store."""

    exit_code = 2


class UnknownNameError(SpecError, KeyError):
    """A name is not in its registry."""

    def __str__(self) -> str:
        """The message as written (KeyError's own ``__str__`` would quote it)."""
        return str(self.args[0]) if self.args else ""


class DatasetError(SpecError):
    """A dataset cannot be loaded, or it does not fit what the study asks of it."""


class MissingExtraError(BakeoffError, ImportError):
    """An optional dependency is missing; the message names the extra to install."""

    exit_code = 2


class StoreError(BakeoffError):
    """The results store cannot be opened, or its schema is not the expected one."""

    exit_code = 2

    @classmethod
    def missing(cls, url: str, database: str) -> StoreError:
        """The error for a SQLite store whose file does not exist."""
        return cls(
            f"no store at '{url}' (file '{database}' does not exist). Run a study first "
            f"(bakeoff run study.yaml), or pass --storage (storage= in Python) with the store's "
            f"URL."
        )


class StudyNotFoundError(StoreError):
    """No study of the given name exists in the store."""


class LeaseLostError(BakeoffError):
    """This runner no longer holds a cell: its lease ran out and another runner took it.

    Nothing more is written for the cell by this runner; the other one goes on from the
    stored trials.
    """


class BakeoffWarning(UserWarning):
    """A warning about something bakeoff changed or could not do as asked."""
