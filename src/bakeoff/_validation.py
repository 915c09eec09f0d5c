"""One-line messages for pydantic validation errors, shared by every file bakeoff reads.

The study file (``spec/``) and a collection's ``collection.yaml`` (``datasets/``) both
report problems as ``source: field.path: message``; this module sits below both so that
neither imports the other.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

__all__ = ["format_validation_error"]

_PARAM_TAGS = {"int", "float", "categorical"}


def format_validation_error(
    exc: ValidationError, *, source: str, flags: dict[str, str] | None = None
) -> str:
    """One line per problem: ``source: field.path: message``.

    ``flags`` maps field paths (``tuning.n_trials``) that a command-line option set to
    that option as typed (``--tuning-trials 0``), which then stands for the source.
    """
    lines = []
    for error in exc.errors(include_url=False):
        loc = _clean_loc(error["loc"])
        message = _clean_message(error)
        origin = (flags or {}).get(loc, source)
        lines.append(f"{origin}: {loc}: {message}" if loc else f"{origin}: {message}")
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
