"""Store URLs compared and passed on: a relative SQLite path made absolute."""

from __future__ import annotations

from pathlib import Path

__all__ = ["absolute_sqlite_url"]


def absolute_sqlite_url(url: str) -> str:
    """``url`` with a SQLite file path made absolute (``~`` expanded) against this folder.

    Other URLs, in-memory and ``file:`` URI databases, and URLs SQLAlchemy cannot read
    come back as they are (the store reports a malformed URL itself). Two URLs name the
    same SQLite store when these agree, and a process started in another folder reaches
    the same file through it.
    """
    import sqlalchemy as sa

    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        return url
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return url
    if database.startswith("file:"):
        return url
    return parsed.set(database=str(Path(database).expanduser().resolve())).render_as_string(
        hide_password=False
    )
