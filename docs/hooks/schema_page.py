"""The study file's reference, read from the pydantic models' JSON schema."""

from __future__ import annotations

import json
from typing import Any

INTRO = """# Study file schema

Generated from the pydantic models that check a study file (`bakeoff.spec.StudySpec`) when
the site is built: every key, its type, its default and what it means. A key not listed
here is refused, with the closest valid one. [Writing a study](../guide/study.md) walks
through the same fields with an example; the full JSON schema (for an editor's YAML
completion) is [study-schema.json](study-schema.json).
"""

#: The order sections appear in: the study first, then each nested part as a file meets it.
ORDER = (
    "StudySpec",
    "DatasetSpec",
    "ModelSpec",
    "IntParam",
    "FloatParam",
    "CategoricalParam",
    "SplitSpec",
    "TuningSpec",
    "ExecutionSpec",
    "ArtifactsSpec",
)

_KEY = {
    "StudySpec": "the top level",
    "DatasetSpec": "an entry of `datasets:`",
    "ModelSpec": "an entry of `models:`",
    "IntParam": "a search-space parameter with `type: int`",
    "FloatParam": "a search-space parameter with `type: float`",
    "CategoricalParam": "a search-space parameter with `type: categorical`",
    "SplitSpec": "`split:`",
    "TuningSpec": "`tuning:`",
    "ExecutionSpec": "`execution:`",
    "ArtifactsSpec": "`artifacts:`",
}


def study_schema() -> dict[str, Any]:
    """The JSON schema of a study file, with the defaults that factories give filled in."""
    from bakeoff.spec import StudySpec

    schema = StudySpec.model_json_schema()
    parts = {"StudySpec": schema, **schema.get("$defs", {})}
    for name, model in _models(StudySpec).items():
        properties = parts.get(name, {}).get("properties", {})
        for key, field in model.model_fields.items():
            prop = properties.get(field.alias or key)
            if prop is None or "default" in prop or field.is_required():
                continue
            value = field.get_default(call_default_factory=True)
            if hasattr(value, "model_dump"):
                prop["default"] = {}  # a nested part: its own keys' defaults
            else:
                prop["default"] = json.loads(json.dumps(value, default=str))
    return schema


def _models(model: Any) -> dict[str, Any]:
    """``model`` and every pydantic model its fields' annotations name, by class name."""
    import typing

    from pydantic import BaseModel

    found = {model.__name__: model}

    def visit(annotation: Any) -> None:
        is_model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
        if is_model and annotation.__name__ not in found:
            found.update(_models(annotation))
        for arg in typing.get_args(annotation):
            visit(arg)

    for field in model.model_fields.values():
        visit(field.annotation)
    return found


def render(schema: dict[str, Any]) -> str:
    """Markdown with one table per part of the study file."""
    parts = {"StudySpec": schema, **schema.get("$defs", {})}
    names = [n for n in ORDER if n in parts] + sorted(set(parts) - set(ORDER))
    sections = [INTRO]
    for name in names:
        part = parts[name]
        where = _KEY.get(name, f"`{name}`")
        lines = [
            f"## {where.capitalize()} ({name})",
            "",
            _escape(_one_line(part.get("description", ""))),
        ]
        required = set(part.get("required", []))
        lines += ["", "| key | type | default | description |", "|---|---|---|---|"]
        for key, prop in part.get("properties", {}).items():
            default = "required" if key in required else _default(prop)
            description = _escape(_one_line(prop.get("description", "")))
            rules = _rules(prop)
            if rules:
                description = f"{description} ({rules})" if description else rules
            lines.append(f"| `{key}` | {_type(prop)} | {default} | {description} |")
        sections.append("\n".join(lines) + "\n")
    return "\n".join(sections)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _escape(text: str) -> str:
    """A description as a table cell.

    Pipes are escaped, and braces become entities, since ``attr_list`` would take an example
    such as ``{zip: categorical}`` at the end of a cell for attributes and drop it.
    """
    return text.replace("|", "\\|").replace("{", "&#123;").replace("}", "&#125;")


def _default(prop: dict[str, Any]) -> str:
    if "default" not in prop:
        return ""
    return f"`{json.dumps(prop['default'], ensure_ascii=False)}`".replace("|", "\\|")


def _type(prop: dict[str, Any]) -> str:
    return _plain(prop).replace("|", "\\|")


def _plain(prop: dict[str, Any]) -> str:
    return " or ".join(dict.fromkeys(_types(prop)))


def _types(prop: dict[str, Any]) -> list[str]:
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return [f"[{name}](#{_anchor(name)})"]
    if "const" in prop:
        return [f"`{json.dumps(prop['const'])}`"]
    if "enum" in prop:
        return [" | ".join(f"`{value}`" for value in prop["enum"])]
    for key in ("anyOf", "oneOf"):
        if key in prop:
            return [t for option in prop[key] for t in _types(option)]
    kind = prop.get("type")
    if kind == "array":
        return [f"list of {_grouped(prop.get('items', {}))}"]
    if kind == "object":
        values = prop.get("additionalProperties")
        if isinstance(values, dict) and values:
            return [f"mapping to {_grouped(values)}"]
        return ["mapping"]
    names = {"string": "text", "integer": "integer", "number": "number", "boolean": "boolean"}
    return [names.get(str(kind), str(kind))] if kind else []


def _grouped(prop: dict[str, Any]) -> str:
    """An inner type, in parentheses when it has alternatives.

    The parentheses make "list of (a or b) or c" say what the list holds.
    """
    options = list(dict.fromkeys(_types(prop)))
    if not options:
        return "any"
    return options[0] if len(options) == 1 else f"({' or '.join(options)})"


def _anchor(name: str) -> str:
    where = _KEY.get(name, f"`{name}`").capitalize()
    text = f"{where} ({name})".lower()
    kept = "".join(ch for ch in text if ch.isalnum() or ch in " -_")
    return "-".join(kept.split())


def _rules(prop: dict[str, Any]) -> str:
    found = []
    for option in [prop, *prop.get("anyOf", [])]:
        for key, word in (
            ("minimum", "≥"),
            ("exclusiveMinimum", ">"),
            ("maximum", "≤"),
            ("exclusiveMaximum", "<"),
        ):
            if key in option and abs(option[key]) < 1e15:
                found.append(f"{word} {option[key]}")
        if "pattern" in option:
            found.append(f"matches `{option['pattern']}`")
        if "minItems" in option:
            n = option["minItems"]
            found.append(f"at least {n} {'entry' if n == 1 else 'entries'}")
    return ", ".join(dict.fromkeys(found)).replace("|", "\\|")
