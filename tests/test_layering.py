"""Imports point down the data flow of docs/architecture.md, with no cycles.

Every import counts, function-local ones included: a cycle hidden in a function is
still a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).parents[1] / "src" / "bakeoff"

#: What each part of the package must never import (it lies upstream of it).
FORBIDDEN = {
    "datasets": {"spec", "protocol", "executors", "store", "cli", "analysis", "_study", "_resolve"},
    "spec": {"protocol", "executors", "store", "cli", "analysis", "_study", "_resolve"},
    "models": {"spec", "protocol", "executors", "store", "cli", "analysis", "_study"},
    "tuning": {"spec", "protocol", "executors", "store", "cli", "analysis", "_study"},
    "protocol": {"spec", "executors", "cli", "analysis", "_study", "_resolve"},
    "store": {"spec", "protocol", "executors", "cli", "analysis", "_study", "_resolve"},
    "executors": {"cli", "analysis", "_study", "_resolve"},
    "analysis": {"protocol", "executors", "cli", "_study", "_resolve"},
    "reports": {"spec", "protocol", "executors", "cli", "_study", "_resolve"},
    # The server checks specs as `bakeoff run` does and runs them through the CLI in a
    # child process, so it never calls the protocol or an executor itself.
    "server": {"protocol", "executors", "cli"},
}


def _part(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "bakeoff" else None


def imports_of(path: Path) -> set[str]:
    """The bakeoff parts (``datasets``, ``spec`` ...) that ``path`` imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(_part(node.module))
        elif isinstance(node, ast.Import):
            found.update(_part(alias.name) for alias in node.names)
    return {p for p in found if p}


def part_of(path: Path) -> str:
    relative = path.relative_to(SOURCE)
    return relative.parts[0].removesuffix(".py")


@pytest.mark.parametrize("part", sorted(FORBIDDEN))
def test_no_part_imports_what_lies_upstream_of_it(part: str) -> None:
    folder = SOURCE / part
    bad = {
        str(path.relative_to(SOURCE)): sorted(imports_of(path) & FORBIDDEN[part])
        for path in folder.rglob("*.py")
    }
    assert not {k: v for k, v in bad.items() if v}


def test_the_parts_import_each_other_without_cycles() -> None:
    graph: dict[str, set[str]] = {}
    for path in SOURCE.rglob("*.py"):
        part = part_of(path)
        graph.setdefault(part, set()).update(imports_of(path) - {part})
    # Parts that only re-export (the package root, the CLI entry) sit on top.
    graph.pop("__init__", None)
    graph.pop("__main__", None)
    seen: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        if seen.get(node) == 1:
            raise AssertionError("import cycle: " + " -> ".join([*trail, node]))
        if seen.get(node) == 2:
            return
        seen[node] = 1
        for target in sorted(graph.get(node, ())):
            if target in graph:
                visit(target, [*trail, node])
        seen[node] = 2

    for node in sorted(graph):
        visit(node, [])


def test_packs_use_only_the_cores_public_modules() -> None:
    """A pack imports what a user's own pack could: no ``bakeoff.<part>._private``."""
    private = {}
    for path in (SOURCE / "packs").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                parts = name.split(".")
                core = parts[0] == "bakeoff" and parts[1:2] != ["packs"]
                if core and any(p.startswith("_") for p in parts[1:]):
                    private.setdefault(str(path.relative_to(SOURCE)), []).append(name)
    assert not private
