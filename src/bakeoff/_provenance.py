"""What a study ran on: package versions, bakeoff version, git commit, host, Python."""

from __future__ import annotations

import platform
import socket
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from bakeoff._version import __version__

__all__ = ["RESULT_PACKAGES", "changed_versions", "collect_provenance"]

_PACKAGES = (
    "optuna",
    "scikit-learn",
    "numpy",
    "scipy",
    "pandas",
    "sqlalchemy",
    "alembic",
    "pydantic",
    "xgboost",
    "torch",
    "joblib",
)


#: Packages whose major or minor version can change a study's numbers.
RESULT_PACKAGES = (
    "bakeoff",
    "optuna",
    "scikit-learn",
    "numpy",
    "scipy",
    "pandas",
    "xgboost",
    "torch",
)


def _major_minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def changed_versions(before: dict[str, Any] | None, now: dict[str, Any]) -> list[str]:
    """The result-determining packages whose version changed between two records.

    ``"optuna 4.5.0 -> 5.0.0"`` for each result-determining package whose major or minor
    version differs between two provenance records (none when ``before`` is ``None``).
    """
    if not before:
        return []

    def versions(record: dict[str, Any]) -> dict[str, str]:
        found = dict(record.get("packages") or {})
        if record.get("bakeoff_version"):
            found["bakeoff"] = record["bakeoff_version"]
        return found

    old, new = versions(before), versions(now)
    return [
        f"{name} {old[name]} -> {new[name]}"
        for name in RESULT_PACKAGES
        if name in old and name in new and _major_minor(old[name]) != _major_minor(new[name])
    ]


def _git_commit(folder: Path) -> str | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None


def collect_provenance(folder: Path) -> dict[str, Any]:
    """Describe the environment of a run started from ``folder`` (the study file's)."""
    versions = {}
    for package in _PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return {
        "bakeoff_version": __version__,
        "packages": versions,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "host": socket.gethostname(),
        "git_commit": _git_commit(folder),
    }
