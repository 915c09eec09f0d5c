"""Store fixtures: the same tests against SQLite and PostgreSQL (``postgres_url``, in
tests/conftest.py: a database of its own for each test)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store on each backend: an SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bakeoff.db'}"
    return str(request.getfixturevalue("postgres_url"))
