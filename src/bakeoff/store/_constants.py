"""The store's names that must be readable without importing SQLAlchemy.

The command line's help names the default store, and ``bakeoff status`` reads an
up-to-date SQLite store with the standard library (``_summary.py``); both start faster
than SQLAlchemy imports.
"""

from __future__ import annotations

__all__ = ["DEFAULT_STORAGE", "PREFIX", "SCHEMA_HEAD", "VERSION_TABLE"]

#: The store a command uses without ``--storage`` or ``$BAKEOFF_STORAGE``.
DEFAULT_STORAGE = "sqlite:///bakeoff.db"
#: Every bakeoff table's prefix, so that Optuna's tables can share the database.
PREFIX = "bakeoff_"
#: Alembic's version table, prefixed too.
VERSION_TABLE = f"{PREFIX}alembic_version"
#: The newest migration in ``migrations/versions`` (a test checks it is Alembic's head),
#: so that opening an up-to-date store reads one row instead of loading every migration.
SCHEMA_HEAD = "0007"
