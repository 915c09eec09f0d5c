"""A real store filled by a real small study, served by the real app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import bakeoff

pytest.importorskip("fastapi", reason='the server tests need pip install "bakeoff[server]"')
pytest.importorskip("httpx", reason="FastAPI's TestClient needs httpx (the dev extra)")

from fastapi.testclient import TestClient

from bakeoff.server import ServerSettings, create_app

TOKEN = "s3cret-token-for-tests"

#: Two models, two datasets, three budgets, three seeds: 36 cells of 3 trials each.
STUDY = {
    "study": "served",
    "seed": 0,
    "datasets": ["iris", "wine"],
    "models": [
        "logistic_regression",
        {
            "name": "random_forest",
            "params": {"n_estimators": 10},
            "search_space": {"max_depth": {"type": "int", "low": 1, "high": 6}},
        },
    ],
    "budgets": [40, 80, "full"],
    "seeds": 3,
    "tuning": {"method": "random", "n_trials": 3, "cv": 2},
    "metrics": ["accuracy", "f1_macro"],
}


@pytest.fixture(scope="session")
def stored(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of a store holding the finished study ``served`` (run once)."""
    folder = tmp_path_factory.mktemp("served-store")
    url = f"sqlite:///{folder / 'bakeoff.db'}"
    assert bakeoff.Study(**STUDY).run(storage=url).exit_code == 0
    return url


@pytest.fixture(scope="module")
def client(stored: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A read-only server on the study's store."""
    settings = ServerSettings(stored, results_dir=tmp_path_factory.mktemp("results"))
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def writer(stored: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A server on the same store with a token (writes allowed with it)."""
    settings = ServerSettings(stored, token=TOKEN, results_dir=tmp_path_factory.mktemp("results"))
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def results_folder(client: TestClient) -> Path:
    """The folder the server writes to."""
    return Path(client.app.state.settings.results_dir)  # type: ignore[attr-defined]
