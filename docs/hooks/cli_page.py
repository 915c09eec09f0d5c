"""The command-line reference, read from the Typer app (every command, argument and option)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

INTRO = """# Command line

Generated from the Typer application when the site is built, so that it lists exactly the
commands and options of this version. `bakeoff COMMAND --help` prints the same in the
terminal. `--debug` (full tracebacks) and `--version` are accepted before or after any
command.
"""


def load_app() -> Any:
    """The ``bakeoff`` Typer app with every command module imported (as ``main`` does)."""
    import bakeoff.cli as cli

    for module in pkgutil.iter_modules(cli.__path__):
        importlib.import_module(f"bakeoff.cli.{module.name}")
    return cli.app


def render(app: Any, prog: str = "bakeoff", intro: str = INTRO) -> str:
    """Markdown for every command of ``app``: usage, help, then a table of its parameters."""
    import typer

    root = typer.main.get_command(app)
    parts = [intro]
    for path, command in _walk(root, [prog]):
        if command is root:
            parts.append(_root_section(command, prog))
        else:
            parts.append(_command_section(path, command))
    return "\n".join(parts)


def _walk(command: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    found = [(path, command)]
    if hasattr(command, "list_commands"):
        for name in command.list_commands(None):
            sub = command.get_command(None, name)
            if sub is not None and not getattr(sub, "hidden", False):
                found += _walk(sub, [*path, name])
    return found


def _root_section(command: Any, prog: str) -> str:
    lines = [_help(command), "", "## Global options", "", *_param_table(command.params)]
    return "\n".join(lines) + "\n"


def _command_section(path: list[str], command: Any) -> str:
    title = " ".join(path)
    group = hasattr(command, "list_commands")
    usage = [title, "COMMAND [ARGS]..." if group else "[OPTIONS]"]
    if not group:
        usage += [p.name.upper() for p in command.params if _is_argument(p)]
    lines = [f"## `{title}`", "", "```text", " ".join(usage), "```", "", _help(command), ""]
    params = [p for p in command.params if not getattr(p, "hidden", False)]
    if params:
        lines += _param_table(params)
    return "\n".join(lines) + "\n"


def _help(command: Any) -> str:
    return inspect.cleandoc(command.help or command.short_help or "").replace("\b\n", "")


def _is_argument(param: Any) -> bool:
    return "Argument" in type(param).__name__


def _param_table(params: list[Any]) -> list[str]:
    rows = ["| argument or option | type | default | description |", "|---|---|---|---|"]
    for param in params:
        if getattr(param, "hidden", False):
            continue
        if _is_argument(param):
            names = f"`{param.name.upper()}`"
        else:
            flags = [*param.opts, *param.secondary_opts]
            names = " / ".join(f"`{flag}`" for flag in flags)
        default = "required" if param.required else _default(param)
        help_text = " ".join((getattr(param, "help", None) or "").split()).replace("|", "\\|")
        rows.append(f"| {names} | {_type_name(param)} | {default} | {help_text} |")
    return [*rows, ""]


def _default(param: Any) -> str:
    value = param.default
    if callable(value) or value is None or value == ():
        return ""
    if getattr(param, "is_flag", False) and isinstance(value, bool):
        on = param.opts[0] if value else (param.secondary_opts or param.opts)[0]
        return f"`{on}`" if value or param.secondary_opts else "off"
    return f"`{value}`".replace("|", "\\|")


def _type_name(param: Any) -> str:
    if getattr(param, "is_flag", False):
        return "flag"
    click_type = getattr(param, "type", None)
    choices = getattr(click_type, "choices", None)
    if choices:
        return " \\| ".join(f"`{c}`" for c in choices)
    name = str(getattr(click_type, "name", "") or "")
    if not name:
        # Typer 0.20+ keeps the annotation instead of a click type.
        annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
        name = str(getattr(annotation, "__name__", None) or annotation)
    kind = _TYPE_NAMES.get(name.lower(), name.lower())
    bounds = click_type if hasattr(click_type, "min") else param
    low, high = getattr(bounds, "min", None), getattr(bounds, "max", None)
    if low is not None or high is not None:
        if low is None:
            kind += f" ≤ {high}"
        else:
            kind += f" ≥ {low}" if high is None else f" in [{low}, {high}]"
    return kind


_TYPE_NAMES = {
    "int": "integer",
    "int range": "integer",
    "integer": "integer",
    "float range": "number",
    "str": "text",
    "string": "text",
    "text": "text",
    "float": "number",
    "path": "path",
    "bool": "flag",
    "boolean": "flag",
}
