"""The one folder bakeoff writes caches to, and atomic writes into it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["cache_dir", "write_cache_file"]


def cache_dir() -> Path:
    """The folder bakeoff may write caches to (never anywhere else).

    ``$BAKEOFF_CACHE`` if set, else ``$XDG_CACHE_HOME/bakeoff``, else ``~/.cache/bakeoff``.
    """
    if os.environ.get("BAKEOFF_CACHE"):
        return Path(os.environ["BAKEOFF_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bakeoff"


def write_cache_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically; a read-only cache is silently skipped.

    A reader never sees a half-written file: the data goes to a temporary file in the
    same folder first, which then replaces ``path``.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only home must not stop a study
