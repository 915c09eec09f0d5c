"""Property-based fuzz of the API from its own OpenAPI spec (schemathesis): whatever a
client sends, the server answers without a server error.

Every operation gets valid requests (as the spec describes them) and invalid ones
(schemathesis' negative mode), with generated study names and with the stored study's
name (so that the routes reach the store, not only the 404), sending the right token so
that the write routes validate their bodies. The case count is fixed and asserted:
13 operations × 2 modes × 2 name variants (routes with a name) × 25 examples at most.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.server.conftest import TOKEN

schemathesis = pytest.importorskip("schemathesis", reason="the fuzz needs schemathesis (dev)")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402

from bakeoff.server import ServerSettings, create_app  # noqa: E402

EXAMPLES = 25


@pytest.mark.slow
def test_no_request_gets_a_server_error(stored: str, tmp_path: Path) -> None:
    # A copy of the store: a generated spec that happened to be valid would run into it.
    copy = tmp_path / "fuzz.db"
    with (
        sqlite3.connect(stored.removeprefix("sqlite:///")) as source,
        sqlite3.connect(copy) as target,
    ):
        source.backup(target)
    app = create_app(
        ServerSettings(f"sqlite:///{copy}", token=TOKEN, results_dir=tmp_path / "results")
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 13
    cases = 0
    failures: list[str] = []
    for operation in operations:
        has_name = "{name}" in operation.path
        for mode in GenerationMode:
            for name in [None, "served"] if has_name else [None]:
                fixed = {"name": name} if name else None

                @settings(
                    max_examples=EXAMPLES,
                    deadline=None,
                    database=None,
                    derandomize=True,  # the same cases on every run
                    suppress_health_check=list(HealthCheck),
                )
                @given(case=operation.as_strategy(mode, path_parameters=fixed))
                def check(case) -> None:  # type: ignore[no-untyped-def]
                    nonlocal cases
                    cases += 1
                    reply = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
                    if reply.status_code >= 500:
                        failures.append(
                            f"{case.method} {case.formatted_path} {case.query}: "
                            f"{reply.status_code} {reply.text[:200]}"
                        )

                try:
                    check()
                except Unsatisfiable:
                    # No invalid request exists where every parameter is fixed (or
                    # there are none): nothing to negate.
                    assert mode is GenerationMode.NEGATIVE
    assert failures == []
    # Operations without parameters have one distinct request per mode; the others get
    # up to EXAMPLES each. Stated, so that a change in coverage is seen.
    print(f"schemathesis: {cases} cases over {len(operations)} operations, no server error")
    assert cases >= 500
