"""The REST API's reference, read from the FastAPI application's OpenAPI document."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

INTRO = """# REST API

Generated when the site is built from the OpenAPI document of the FastAPI application that
`bakeoff serve` runs: every route, its parameters and what it answers. The document itself
is [openapi.json](openapi.json) (for code generators and API clients); a running server
shows the same with Swagger UI at `/docs`, served from the installed package, offline.
How to start the server, its security and its dashboard: [Dashboard and REST API](../server.md).
"""

_METHODS = ("get", "post", "put", "patch", "delete")


def openapi() -> dict[str, Any]:
    """The OpenAPI document of a server on a throw-away store (with writes enabled)."""
    from bakeoff.server import ServerSettings, create_app

    with tempfile.TemporaryDirectory() as folder:
        settings = ServerSettings(
            storage=f"sqlite:///{Path(folder) / 'docs.db'}",
            token="docs",  # a server with a token lists its write routes too
            results_dir=Path(folder) / "runs",
        )
        document: dict[str, Any] = create_app(settings).openapi()
    return document


def render(document: dict[str, Any]) -> str:
    """Markdown: a table of every route, then one section per route."""
    routes = [
        (path, method, operation)
        for path, item in document.get("paths", {}).items()
        for method, operation in item.items()
        if method in _METHODS
    ]
    lines = [INTRO, "| method | path | summary |", "|---|---|---|"]
    for path, method, operation in routes:
        lines.append(
            f"| {method.upper()} | [`{path}`](#{_anchor(method, path)}) | "
            f"{_cell(operation.get('summary', ''))} |"
        )
    lines.append("")
    for path, method, operation in routes:
        lines += _section(path, method, operation, document.get("components", {}))
    return "\n".join(lines)


def _section(
    path: str, method: str, operation: dict[str, Any], components: dict[str, Any]
) -> list[str]:
    lines = [
        f"## {method.upper()} `{path}` {{#{_anchor(method, path)}}}",
        "",
        operation.get("description") or operation.get("summary", ""),
        "",
    ]
    params = operation.get("parameters", [])
    if params:
        lines += ["| parameter | in | type | required | description |", "|---|---|---|---|---|"]
        for param in params:
            schema = param.get("schema", {})
            kind = schema.get("type") or " or ".join(
                str(option.get("type", "")) for option in schema.get("anyOf", [])
            )
            lines.append(
                f"| `{param['name']}` | {param.get('in', '')} | {kind} | "
                f"{'yes' if param.get('required') else 'no'} | "
                f"{_cell(param.get('description', ''))} |"
            )
        lines.append("")
    if "requestBody" in operation:
        content = operation["requestBody"].get("content", {})
        kinds = ", ".join(f"`{k}`" for k in content)
        lines += [f"Request body: {kinds}.", ""]
        for media in content.values():
            lines += _body_fields(media.get("schema", {}), components)
    answers = operation.get("responses", {})
    if answers:
        lines += ["| status | meaning |", "|---|---|"]
        for status, answer in answers.items():
            lines.append(f"| {status} | {_cell(answer.get('description', ''))} |")
        lines.append("")
    return lines


def _body_fields(schema: dict[str, Any], components: dict[str, Any]) -> list[str]:
    """A table of a JSON body's fields (its schema, or the component it refers to)."""
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        schema = components.get("schemas", {}).get(ref.rsplit("/", 1)[-1], {})
    fields = schema.get("properties", {})
    if not fields:
        return []
    required = set(schema.get("required", []))
    lines = ["| field | type | default | description |", "|---|---|---|---|"]
    for name, field in fields.items():
        kind = field.get("type") or " or ".join(
            str(option.get("type", "")) for option in field.get("anyOf", [])
        )
        default = "required" if name in required else f"`{json.dumps(field.get('default'))}`"
        lines.append(
            f"| `{name}` | {kind} | {_cell(default)} | {_cell(field.get('description', ''))} |"
        )
    return [*lines, ""]


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _anchor(method: str, path: str) -> str:
    kept = "".join(ch if ch.isalnum() else "-" for ch in f"{method}-{path}".lower())
    return "-".join(part for part in kept.split("-") if part)
