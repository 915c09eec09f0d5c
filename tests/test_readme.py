"""The README's commands work on a fresh clone and leave git's view of it clean."""

from __future__ import annotations

import itertools
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def bash_commands() -> list[list[str]]:
    """Every `bakeoff ...` command in the README's bash blocks, split as a shell would."""
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", README, flags=re.S):
        for line in block.splitlines():
            for part in line.split("#")[0].split("&&"):
                words = shlex.split(part)
                if words[:1] == ["bakeoff"]:
                    commands.append(words)
    return commands


def written_paths() -> list[str]:
    """Where the README's commands write: -o, --out and --report targets."""
    paths = []
    for words in bash_commands():
        for flag, value in itertools.pairwise(words):
            if flag in ("-o", "--output", "--out", "--report") and "STUDY" not in value:
                paths.append(value)
    return paths


def test_the_readme_documents_the_fast_subset_beside_the_full_suite() -> None:
    assert 'python -m pytest -m "not slow"' in README
    assert "python -m pytest -n 2\n" in README


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_everything_the_readme_writes_is_ignored_by_git(tmp_path: Path) -> None:
    # A fresh clone's .gitignore, in a throw-away repository: what would git see?
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    shutil.copy(ROOT / ".gitignore", tmp_path / ".gitignore")
    paths = [*written_paths(), "bakeoff.db", "bakeoff.db-wal", "bakeoff-artifacts/x.joblib"]
    assert len(paths) >= 6, paths
    for path in paths:
        target = tmp_path / path
        probe = target / "file" if path.endswith("/") else target
        ignored = subprocess.run(
            ["git", "-C", str(tmp_path), "check-ignore", "-q", str(probe.relative_to(tmp_path))]
        )
        assert ignored.returncode == 0, f"{path} would be an untracked file in the checkout"


def first_setup_command() -> str:
    """The README's first set-up command, as a newcomer pastes it."""
    block = re.findall(r"```bash\n(.*?)```", README, flags=re.S)[0]
    (line,) = [x for x in block.splitlines() if x.strip() and not x.startswith("#")]
    return line


@pytest.mark.slow
def test_the_first_setup_command_works_in_a_fresh_virtual_environment(tmp_path: Path) -> None:
    # Word for word, as a newcomer would: a clean copy of the repository (what git
    # tracks), a new virtual environment with nothing installed, the README's first
    # command (install, run the quickstart study, write its report).
    command = first_setup_command()
    assert command.startswith("pip install -e") and "bakeoff run" in command
    clone = tmp_path / "bakeoff"
    if (ROOT / ".git").exists():
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    else:  # an unpacked source tree
        shutil.copytree(ROOT, clone, ignore=shutil.ignore_patterns("*.db", ".venv", "site"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "VIRTUAL_ENV", "BAKEOFF_STORAGE")
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    # HOME stays: pip's own configuration (the package index) may live under it.
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert (clone / "report" / "report.html").is_file()
    assert "24 cells: 24 complete" in " ".join(done.stdout.split())
