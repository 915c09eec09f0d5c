"""Commands the CLI suggests, written so that they work when pasted.

A hint names the store only when ``bakeoff results`` would not find it by itself (the
study's ``storage:``, or ``--storage`` given on this command line), and quotes what the
shell would otherwise split or expand.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from bakeoff.store import DEFAULT_STORAGE
from bakeoff.store._urls import absolute_sqlite_url

__all__ = ["command", "same_store", "storage_option"]


def same_store(a: str, b: str) -> bool:
    """Whether two URLs name the same store (SQLite paths compared from this folder)."""
    return absolute_sqlite_url(a) == absolute_sqlite_url(b)


def _for_humans(url: str) -> str:
    # An absolute SQLite path below the current folder reads better relative to it.
    import sqlalchemy as sa

    parsed = sa.engine.make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return url
    relative = os.path.relpath(database)
    if relative.startswith(".."):
        return url
    return parsed.set(database=relative).render_as_string(hide_password=False)


def storage_option(url: str) -> list[str]:
    """``["--storage", url]`` when a command without it would open another store."""
    default = os.environ.get("BAKEOFF_STORAGE") or DEFAULT_STORAGE
    return [] if same_store(url, default) else ["--storage", _for_humans(url)]


def command(*parts: str | Path) -> str:
    """``bakeoff PART...`` with each part quoted for a POSIX shell where it needs it.

    Examples:
        >>> command("results", "my study", "-o", "results.csv")
        "bakeoff results 'my study' -o results.csv"
    """
    return shlex.join(["bakeoff", *(str(p) for p in parts)])
