"""A bounded, strict YAML reader for study files.

PyYAML's ``safe_load`` builds anything that is valid YAML. A study file comes from
users and colleagues, so this one refuses, with one line naming the fix: bytes that are
not UTF-8 (or UTF-16/32 with a byte-order mark) text, a compressed file, a file larger
than :data:`MAX_BYTES`, a key given twice in one mapping (YAML says keys are unique;
PyYAML silently keeps the last), nesting deeper than :data:`MAX_DEPTH`, and aliases
that expand to more than :data:`MAX_NODES` values (a "billion laughs" file of a few
hundred bytes expands to gigabytes).
"""

from __future__ import annotations

import codecs
from typing import Any

import yaml

from bakeoff.exceptions import SpecError

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "load_study_yaml"]

#: Largest study file read (a study file is a page or two of YAML).
MAX_BYTES = 10 * 2**20
#: Deepest nesting of lists and mappings.
MAX_DEPTH = 64
#: Most values the document may hold once aliases are expanded.
MAX_NODES = 200_000

_MAGIC = {
    b"\x1f\x8b": "gzip-compressed",
    b"PK\x03\x04": "a zip archive",
    b"BZh": "bzip2-compressed",
    b"\xfd7zXZ": "xz-compressed",
    b"SQLite format 3": "an SQLite database",
}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class _StrictLoader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML ships no types here
    """SafeLoader that refuses a key repeated within one mapping."""

    source = "study file"

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                first = seen.get(key)
            except TypeError:
                continue  # an unhashable key; the base class reports it
            if first is not None:
                raise SpecError(
                    f"{self.source}: line {key_node.start_mark.line + 1}: key '{_short(key)}' "
                    f"appears twice in one mapping (first at line "
                    f"{first.start_mark.line + 1}); keep one"
                )
            seen[key] = key_node
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def _short(value: Any, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _decode(raw: bytes, source: str) -> str:
    for magic, kind in _MAGIC.items():
        if raw.startswith(magic):
            raise SpecError(f"{source} is {kind}, not a YAML text file; give the study file itself")
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                break
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SpecError(
            f"{source} is not UTF-8 text: byte 0x{raw[exc.start]:02x} at line {line}, column "
            f"{column}. Save the file as UTF-8 (most editors: File > Save with encoding)"
        ) from None


def _measure(node: yaml.Node, source: str) -> None:
    """Refuse documents nested too deeply or expanding to too many values."""
    sizes: dict[int, int] = {}
    # Iterative post-order walk: a recursive one would fail on the deep files it checks.
    stack: list[tuple[yaml.Node, int, bool]] = [(node, 1, False)]
    while stack:
        current, depth, done = stack.pop()
        if depth > MAX_DEPTH:
            raise SpecError(
                f"{source}: values are nested more than {MAX_DEPTH} levels deep "
                f"(line {current.start_mark.line + 1}); a study file needs a few"
            )
        children: list[yaml.Node] = []
        if isinstance(current, yaml.SequenceNode):
            children = list(current.value)
        elif isinstance(current, yaml.MappingNode):
            children = [n for pair in current.value for n in pair]
        if id(current) in sizes:
            continue
        if done or not children:
            sizes[id(current)] = 1 + sum(sizes[id(c)] for c in children)
            if sizes[id(current)] > MAX_NODES:
                raise SpecError(
                    f"{source}: the YAML expands to more than {MAX_NODES:,} values through "
                    f"its aliases (*name); write the values out, or use fewer aliases"
                )
            continue
        stack.append((current, depth, True))
        stack.extend((child, depth + 1, False) for child in children if id(child) not in sizes)


def load_study_yaml(raw: bytes, source: str) -> Any:
    """Parse the bytes of a study file.

    Raises:
        SpecError: For any of the refusals above, or invalid YAML (with its line).
    """
    if len(raw) > MAX_BYTES:
        raise SpecError(
            f"{source} is {len(raw) / 2**20:.1f} MB; a study file is at most "
            f"{MAX_BYTES // 2**20} MB. Is it the right file?"
        )
    text = _decode(raw, source)
    if "\x00" in text:
        raise SpecError(
            f"{source} holds NUL bytes (line {text[: text.index(chr(0))].count(chr(10)) + 1}): "
            f"is it UTF-16 or UTF-32 without a byte-order mark? Save it as UTF-8"
        )
    try:
        loader = _StrictLoader(text)
    except yaml.YAMLError as exc:  # the reader refuses control characters at once
        raise SpecError(
            f"{source}: not a YAML text file: {_short(getattr(exc, 'reason', exc), 120)}. "
            f"Save it as UTF-8 text without control characters"
        ) from None
    loader.source = source
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
            raise SpecError(
                f"{source}: values are nested too deeply; a study file needs a few levels"
            ) from None
        if node is None:
            return None
        _measure(node, source)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise SpecError(f"{source}: invalid YAML{where}: {_short(problem, 200)}") from None
    finally:
        loader.dispose()
