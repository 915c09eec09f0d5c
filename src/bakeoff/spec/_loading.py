"""Reading study files and turning validation errors into one readable message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bakeoff._validation import format_validation_error
from bakeoff.exceptions import SpecError
from bakeoff.spec._fields import StudySpec
from bakeoff.spec._yaml import load_study_yaml

__all__ = ["format_validation_error", "parse_spec", "read_yaml"]


def read_yaml(path: str | Path) -> dict[str, Any]:
    """Read a study file into a dict.

    Raises:
        SpecError: If the file is missing, is not valid YAML, or is not a mapping.
    """
    path = Path(path)
    if not path.is_file():
        raise SpecError(f"study file '{path}' does not exist. Check the path.")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecError(f"cannot read study file '{path}': {exc.strerror}") from None
    data = load_study_yaml(raw, str(path))
    if data is None:
        raise SpecError(f"{path} is empty; a study needs at least `study`, `datasets`, `models`.")
    if not isinstance(data, dict):
        raise SpecError(f"{path} must hold a mapping of keys (study, datasets, ...), not a list.")
    return data


def parse_spec(
    data: dict[str, Any], *, source: str = "study", flags: dict[str, str] | None = None
) -> StudySpec:
    """Validate ``data`` as a :class:`StudySpec`.

    Args:
        data: The study's fields.
        source: What the fields came from (the file's path), named in messages.
        flags: Field paths a command-line option set, mapped to the option as typed;
            a problem with one of them names the option instead of ``source``.

    Raises:
        SpecError: Naming every bad field with its value, the rule and the fix.
    """
    try:
        return StudySpec.model_validate(data)
    except ValidationError as exc:
        raise SpecError(format_validation_error(exc, source=source, flags=flags)) from None
