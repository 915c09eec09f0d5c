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


@pytest.fixture
def store_url(any_store_url: str) -> str:
    """In the store's own tests, every store test runs on both backends."""
    return any_store_url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A store that must be SQLite: the test is about SQLite itself (its journal mode)."""
    return f"sqlite:///{tmp_path / 'bakeoff.db'}"
