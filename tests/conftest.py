"""Shared fixtures: temporary stores, tiny studies, and running the CLI for real."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

PLUGINS = Path(__file__).parent / "plugins"
sys.path.insert(0, str(PLUGINS))


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Meta-features and other caches go to a temporary folder, not the user's."""
    os.environ["BAKEOFF_CACHE"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    """A SQLite store in a fresh temporary folder."""
    return f"sqlite:///{tmp_path / 'bakeoff.db'}"


def tiny_study(**overrides: Any) -> dict[str, Any]:
    """A study small enough to run in seconds: iris, two quick models, 3 trials."""
    spec: dict[str, Any] = {
        "study": "tiny",
        "seed": 0,
        "datasets": ["iris"],
        "models": [
            "logistic_regression",
            {
                "name": "random_forest",
                "params": {"n_estimators": 10},
                "search_space": {"max_depth": {"type": "int", "low": 1, "high": 6}},
            },
        ],
        "budgets": [40, "full"],
        "seeds": 2,
        "tuning": {"method": "tpe", "n_trials": 3, "cv": 2},
        "metrics": ["accuracy", "f1_macro", "roc_auc_ovr"],
    }
    spec.update(overrides)
    return spec


@pytest.fixture
def write_study(tmp_path: Path) -> Callable[..., Path]:
    """Write a study dict as YAML into the temporary folder and return its path."""

    def write(spec: dict[str, Any], name: str = "study.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
        return path

    return write


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PLUGINS), env.get("PYTHONPATH")]))
    env.pop("BAKEOFF_STORAGE", None)
    env["COLUMNS"] = "160"
    return env


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run ``bakeoff ARGS`` in a child process, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "bakeoff", *args],
        cwd=cwd,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# PostgreSQL runs where BAKEOFF_TEST_POSTGRES_URL names a server (.ci/run starts one and
# sets BAKEOFF_REQUIRE_POSTGRES, which turns a missing server into a failure, not a skip).
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
