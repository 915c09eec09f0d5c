"""What a study ran on: package versions, bakeoff version, git commit, host, Python."""

from __future__ import annotations

import platform
import socket
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from bakeoff._version import __version__

__all__ = ["collect_provenance"]

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
