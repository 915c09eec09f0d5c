"""Store fixtures: the same tests against SQLite and PostgreSQL.

PostgreSQL runs where ``BAKEOFF_TEST_POSTGRES_URL`` names a server (`.ci/run` starts
one and sets ``BAKEOFF_REQUIRE_POSTGRES``, which turns a missing server into a failure
instead of a skip). Each test gets a database of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

POSTGRES_URL = os.environ.get("BAKEOFF_TEST_POSTGRES_URL")
POSTGRES_REQUIRED = bool(os.environ.get("BAKEOFF_REQUIRE_POSTGRES"))


def _admin_url() -> sa.engine.URL:
    if not POSTGRES_URL:
        if POSTGRES_REQUIRED:
            pytest.fail("BAKEOFF_REQUIRE_POSTGRES is set but BAKEOFF_TEST_POSTGRES_URL is not")
        pytest.skip("set BAKEOFF_TEST_POSTGRES_URL (.ci/run does)")
    url = sa.engine.make_url(POSTGRES_URL)
    return url.set(drivername="postgresql+psycopg")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the test server."""
    admin = _admin_url()
    name = f"bakeoff_t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            # FORCE: a test's store may still hold pooled connections.
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store on each backend: an SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bakeoff.db'}"
    return str(request.getfixturevalue("postgres_url"))
