"""Every code block the docs mark runnable runs, in order, in a fresh folder, as printed.

The convention, an HTML comment on the line before a fenced block (invisible on the site):

- ``<!-- runnable -->``: run the block (``bash`` blocks with ``bash -euo pipefail``,
  ``python`` blocks with this Python); it must exit 0.
- ``<!-- runnable: exit N -->``: run it; it must exit with status N (an error shown on
  purpose, as in the troubleshooting page).
- ``<!-- runnable: file NAME -->``: write the block to NAME (a study file, a module).
- ``<!-- output -->``: every non-empty line of this block must appear in what the last
  block run printed (spacing aside): the messages the docs quote are the real ones.
- ``<!-- runnable: slow -->`` anywhere on a page marks that page's test ``slow``.

A page's blocks share one folder and run top to bottom, as a reader would type them, in a
copy of the checkout's ``examples/`` (the ready studies).
``bakeoff`` is this checkout's, whatever is installed.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
DOCS = ROOT / "docs"

_BLOCK = re.compile(
    r"^<!-- (runnable(?::\s*(?P<option>[^>]*?))?|output) -->\s*\n"
    r"(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<lang>[\w-]*)[^\n]*\n"
    r"(?P<body>.*?)^(?P=indent)(?P=fence)\s*$",
    flags=re.M | re.S,
)


@dataclass(frozen=True)
class Block:
    """One marked block of a page."""

    kind: str  # run | file | output
    lang: str
    body: str
    line: int
    expect_exit: int = 0
    filename: str = ""


def marked_blocks(text: str) -> list[Block]:
    """The marked blocks of a Markdown page, in order."""
    blocks = []
    for match in _BLOCK.finditer(text):
        indent = match["indent"]
        body = "".join(
            line[len(indent) :] if line.startswith(indent) else line
            for line in match["body"].splitlines(keepends=True)
        )
        line = text.count("\n", 0, match.start()) + 1
        option = (match["option"] or "").strip()
        if match.group(1) == "output":
            blocks.append(Block("output", match["lang"], body, line))
        elif option.startswith("file "):
            blocks.append(Block("file", match["lang"], body, line, filename=option[5:].strip()))
        elif option.startswith("exit "):
            blocks.append(Block("run", match["lang"], body, line, expect_exit=int(option[5:])))
        elif option in ("", "slow"):
            blocks.append(Block("run", match["lang"], body, line))
        else:
            raise ValueError(f"line {line}: unknown runnable option {option!r}")
    return blocks


def pages() -> list[object]:
    params: list[object] = []
    for page in sorted(DOCS.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        if "<!-- runnable" not in text:
            continue
        marks = [pytest.mark.slow] if "<!-- runnable: slow -->" in text else []
        params.append(pytest.param(page, id=str(page.relative_to(DOCS)), marks=marks))
    return params


def _environment(folder: Path) -> dict[str, str]:
    """This checkout's ``bakeoff`` first on PATH; wide, plain output; no colours."""
    bin_dir = folder / ".bin"
    bin_dir.mkdir()
    # A script, not ``python -m``: like the console script, it does not put the current
    # folder on the import path (a study's ``imports:`` must be importable on its own).
    entry = bin_dir / "_bakeoff.py"
    entry.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'src')!r})\n"
        "from bakeoff.cli import run_main\n\n"
        # Worker processes are spawned: they import this file again, and must not rerun it.
        "if __name__ == '__main__':\n    run_main()\n"
    )
    shim = bin_dir / "bakeoff"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{entry}" "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    env = {k: v for k, v in os.environ.items() if k not in ("BAKEOFF_STORAGE",)}
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{os.path.dirname(sys.executable)}{os.pathsep}"
        f"{env.get('PATH', '')}",
        PYTHONPATH=str(ROOT / "src"),
        COLUMNS="200",
        NO_COLOR="1",
        TERM="dumb",
    )
    return env


def _normal(text: str) -> str:
    return " ".join(text.split())


def test_the_convention_finds_blocks_and_options() -> None:
    page = (
        "text\n<!-- runnable: file s.yaml -->\n```yaml\nstudy: s\n```\n"
        "<!-- runnable -->\n```bash\necho hi\n```\n"
        "```bash\nnot marked\n```\n"
        "<!-- runnable: exit 2 -->\n    ```bash\n    false\n    ```\n"
        "<!-- output -->\n```text\nhi\n```\n"
    )
    blocks = marked_blocks(page)
    assert [(b.kind, b.lang, b.body) for b in blocks] == [
        ("file", "yaml", "study: s\n"),
        ("run", "bash", "echo hi\n"),
        ("run", "bash", "false\n"),
        ("output", "text", "hi\n"),
    ]
    assert blocks[0].filename == "s.yaml"
    assert blocks[2].expect_exit == 2


@pytest.mark.parametrize("page", pages())
def test_runnable_blocks_run(page: Path, tmp_path: Path) -> None:
    blocks = marked_blocks(page.read_text(encoding="utf-8"))
    runs = [b for b in blocks if b.kind == "run"]
    assert runs, f"{page}: marked runnable but no block found (check the fence's indent)"
    env = _environment(tmp_path)
    # A reader runs the commands from a checkout's folder, where the ready studies are.
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    printed = ""
    for block in blocks:
        where = f"{page.relative_to(ROOT)}:{block.line}"
        if block.kind == "file":
            target = tmp_path / block.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.body, encoding="utf-8")
        elif block.kind == "output":
            for line in block.body.splitlines():
                if line.strip() and not line.strip().startswith("..."):
                    assert _normal(line) in _normal(printed), f"{where}: {line!r} not printed"
        else:
            if block.lang in ("bash", "sh", "console", "shell"):
                command = ["bash", "-euo", "pipefail", "-c", block.body]
            elif block.lang in ("python", "py"):
                command = [sys.executable, "-c", block.body]
            else:
                raise AssertionError(f"{where}: cannot run a {block.lang!r} block")
            done = subprocess.run(
                command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
            )
            printed = done.stdout + done.stderr
            assert done.returncode == block.expect_exit, (
                f"{where}: exit {done.returncode}, expected {block.expect_exit}\n{printed}"
            )
