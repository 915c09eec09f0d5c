"""Reading study files and turning validation errors into one readable message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bakeoff.exceptions import SpecError
from bakeoff.spec._fields import StudySpec

__all__ = ["format_validation_error", "parse_spec", "read_yaml"]

_PARAM_TAGS = {"int", "float", "categorical"}


def read_yaml(path: str | Path) -> dict[str, Any]:
    """Read a study file into a dict.

    Raises:
        SpecError: If the file is missing, is not valid YAML, or is not a mapping.
    """
    path = Path(path)
    if not path.is_file():
        raise SpecError(f"study file '{path}' does not exist. Check the path.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise SpecError(f"{path}: invalid YAML{where}: {problem}") from None
    if data is None:
        raise SpecError(f"{path} is empty; a study needs at least `study`, `datasets`, `models`.")
    if not isinstance(data, dict):
        raise SpecError(f"{path} must hold a mapping of keys (study, datasets, ...), not a list.")
    return data


def parse_spec(data: dict[str, Any], *, source: str = "study") -> StudySpec:
    """Validate ``data`` as a :class:`StudySpec`.

    Raises:
        SpecError: Naming every bad field with its value, the rule and the fix.
    """
    try:
        return StudySpec.model_validate(data)
    except ValidationError as exc:
        raise SpecError(format_validation_error(exc, source=source)) from None


def format_validation_error(exc: ValidationError, *, source: str) -> str:
    """One line per problem: ``source: field.path: message``."""
    lines = []
    for error in exc.errors(include_url=False):
        loc = _clean_loc(error["loc"])
        message = _clean_message(error)
        lines.append(f"{source}: {loc}: {message}" if loc else f"{source}: {message}")
    unique = list(dict.fromkeys(lines))
    return unique[0] if len(unique) == 1 else "\n".join(unique)


def _clean_loc(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    items = list(loc)
    for i, item in enumerate(items):
        if isinstance(item, int):
            parts.append(f"[{item}]")
            continue
        # Discriminated unions add the tag ("int", "float") after the parameter name.
        if item in _PARAM_TAGS and i >= 2 and items[i - 2] == "search_space":
            continue
        # Unions of plain types add the type name ("list[str]", "dict[...]").
        if "[" in item or item in ("str", "int", "function-after", "literal['full']"):
            continue
        parts.append(f".{item}" if parts else item)
    return "".join(parts)


def _clean_message(error: Any) -> str:
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    if error["type"] == "missing":
        return "is required but missing; add it"
    if error["type"] == "too_short":
        return "is empty; list at least one"
    if error["type"] == "extra_forbidden":
        return "unknown key; remove it"
    value = error.get("input")
    return f"{message}, but got {value!r}"
