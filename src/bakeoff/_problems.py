"""Collecting every problem of a study, so that one `validate` reports them all."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bakeoff.exceptions import BakeoffError, MissingExtraError, SpecError

__all__ = ["Problems"]


class Problems:
    """The errors of independent checks, raised together at the end.

    Examples:
        >>> problems = Problems()
        >>> with problems.check():
        ...     raise SpecError("budgets[0]: too few")
        >>> with problems.check():
        ...     raise SpecError("models[1].name: unknown")
        >>> len(problems.errors)
        2
    """

    def __init__(self) -> None:
        self.errors: list[BakeoffError] = []

    @contextmanager
    def check(self) -> Iterator[None]:
        """Run a check; a bad-input error it raises is kept and the next check runs."""
        try:
            yield
        except (SpecError, MissingExtraError) as exc:
            self.errors.append(exc)

    def add(self, message: str) -> None:
        """Keep a problem found without an exception."""
        self.errors.append(SpecError(message))

    def raise_if_any(self) -> None:
        """Raise the one error as it was, or a :class:`SpecError` listing them all.

        Raises:
            SpecError: (or the single error's own type) if any check failed.
        """
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            listed = "\n".join(f"- {error}" for error in self.errors)
            raise SpecError(f"{len(self.errors)} problems; fix each of them:\n{listed}")
