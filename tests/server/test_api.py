"""The REST API read routes against a real store filled by a real study.

Expected values come from the study's design (cells = models × datasets × budgets ×
seeds) or from an independent computation on ``bakeoff.results`` (pandas and SciPy),
never from the server's own code.
"""

from __future__ import annotations

import io
import math

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from scipy import stats

import bakeoff
from tests.server.conftest import STUDY

N_CELLS = 2 * 2 * 3 * 3  # models × datasets × budgets × seeds
N_TRIALS = STUDY["tuning"]["n_trials"]  # type: ignore[index]


def test_health_says_ok_and_read_only(client: TestClient) -> None:
    reply = client.get("/api/v1/health")
    assert reply.status_code == 200
    assert reply.json()["status"] == "ok"
    assert reply.json()["read_only"] is True


def test_studies_list_counts_cells_and_trials_and_progress(client: TestClient) -> None:
    (study,) = client.get("/api/v1/studies").json()["studies"]
    assert study["name"] == "served"
    assert study["n_cells"] == N_CELLS
    assert study["cells"] == {
        "complete": N_CELLS,
        "failed": 0,
        "interrupted": 0,
        "running": 0,
        "pending": 0,
    }
    assert study["n_trials"] == N_CELLS * N_TRIALS
    assert study["progress"] == 1.0


def test_one_study_has_its_spec_provenance_and_runs(client: TestClient) -> None:
    study = client.get("/api/v1/studies/served").json()
    assert [d["name"] for d in study["spec"]["datasets"]] == ["iris", "wine"]
    assert study["spec"]["tuning"]["n_trials"] == N_TRIALS
    assert study["provenance"]["bakeoff_version"] == bakeoff.__version__
    assert "scikit-learn" in study["provenance"]["packages"]
    assert len(study["runs"]) == 1 and study["runs"][0]["status"] == "complete"
    assert study["server_run"] is None


def test_an_unknown_study_is_a_404_naming_the_closest(client: TestClient) -> None:
    reply = client.get("/api/v1/studies/serve/cells")
    assert reply.status_code == 404
    error = reply.json()["error"]
    assert error["type"] == "StudyNotFoundError"
    assert "Did you mean 'served'?" in error["message"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", N_CELLS),
        ("model=random_forest", N_CELLS // 2),
        ("dataset=wine&budget=40", 2 * 3),
        ("budget=full&seed=1", 2 * 2),
        ("status=complete", N_CELLS),
        ("status=pending", 0),
        ("model=nope", 0),
    ],
)
def test_cells_are_filtered(client: TestClient, query: str, expected: int) -> None:
    page = client.get(f"/api/v1/studies/served/cells?{query}&limit=1000").json()
    assert page["total"] == expected
    assert len(page["items"]) == expected
    for name, value in (p.split("=") for p in query.split("&") if p):
        assert all(str(item[name]) == value for item in page["items"])


def test_a_seed_as_large_as_a_study_may_have_is_a_valid_filter(client: TestClient) -> None:
    # A study's seeds run to 2**63 - 1; the filter takes any of them (none match here).
    page = client.get(f"/api/v1/studies/served/cells?seed={2**63 - 1}")
    assert page.status_code == 200 and page.json()["total"] == 0


def test_cell_pages_cover_every_cell_once(client: TestClient) -> None:
    keys = []
    for offset in range(0, N_CELLS, 5):
        page = client.get(f"/api/v1/studies/served/cells?limit=5&offset={offset}").json()
        assert page["total"] == N_CELLS
        keys += [item["cell_key"] for item in page["items"]]
    expected = bakeoff.results("served", storage=_url(client))["cell_key"].tolist()
    assert keys == expected  # design order, each once


def test_cell_scores_match_the_results_table(client: TestClient) -> None:
    results = bakeoff.results("served", storage=_url(client)).set_index("cell_key")
    for item in client.get("/api/v1/studies/served/cells?limit=1000").json()["items"]:
        row = results.loc[item["cell_key"]]
        assert item["test_scores"]["accuracy"] == row["test_accuracy"]
        assert item["cv_value"] == row["cv_accuracy"]
        assert item["n_trials"] == N_TRIALS


def test_a_cells_trials_by_key_prefix(client: TestClient) -> None:
    key = client.get("/api/v1/studies/served/cells?limit=1").json()["items"][0]["cell_key"]
    cell = client.get(f"/api/v1/studies/served/cells/{key[:8]}").json()
    assert cell["cell_key"] == key
    assert cell["search"]["stop_reason"] == "n_trials"
    page = client.get(f"/api/v1/studies/served/cells/{key}/trials").json()
    assert page["total"] == N_TRIALS
    assert [t["number"] for t in page["items"]] == list(range(N_TRIALS))
    stored = bakeoff.trials("served", storage=_url(client))
    stored = stored[stored["cell_key"] == key]
    assert [t["value"] for t in page["items"]] == stored["value"].tolist()
    second = client.get(f"/api/v1/studies/served/cells/{key}/trials?limit=1&offset=1").json()
    assert [t["number"] for t in second["items"]] == [1]


@pytest.mark.parametrize(
    ("key", "status"), [("0" * 64, 404), ("xyz123", 422), ("abc", 422), ("a" * 65, 422)]
)
def test_bad_cell_keys_are_4xx(client: TestClient, key: str, status: int) -> None:
    reply = client.get(f"/api/v1/studies/served/cells/{key}/trials")
    assert reply.status_code == status
    assert reply.json()["error"]["message"]


def test_the_leaderboard_is_the_mean_over_datasets_with_a_t_interval(client: TestClient) -> None:
    board = client.get("/api/v1/studies/served/leaderboard").json()
    assert board["metric"] == "accuracy" and board["budget"] == "full"
    # Independently: at the full budget, each model's mean over seeds per dataset, then
    # the mean of those with a Student t 95% interval, and ranks per dataset (1 = best).
    results = bakeoff.results("served", storage=_url(client))
    full = results[results["budget"] == math.inf]
    per_dataset = full.groupby(["dataset", "model"])["test_accuracy"].mean().unstack("model")
    ranks = per_dataset.rank(axis=1, ascending=False).mean()
    rows = {row["model"]: row for row in board["rows"]}
    assert set(rows) == set(per_dataset.columns)
    for model in per_dataset.columns:
        values = per_dataset[model].to_numpy()
        half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / math.sqrt(len(values))
        assert rows[model]["mean"] == pytest.approx(values.mean(), rel=1e-12)
        assert rows[model]["ci95_low"] == pytest.approx(values.mean() - half, rel=1e-9)
        assert rows[model]["ci95_high"] == pytest.approx(values.mean() + half, rel=1e-9)
        assert rows[model]["average_rank"] == pytest.approx(ranks[model])
    means = [row["mean"] for row in board["rows"]]
    assert means == sorted(means, reverse=True)  # accuracy: higher first


def test_the_analysis_is_what_bakeoff_analyze_writes(client: TestClient, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from tests.conftest import run_cli

    document = client.get("/api/v1/studies/served/analysis").json()
    completed = run_cli("analyze", "served", "--storage", _url(client), "-o", str(tmp_path))
    assert completed.returncode == 0, completed.stderr
    written = json.loads((tmp_path / "statistical_analysis.json").read_text())
    document.pop("fresh")
    assert document == written


def test_the_optimization_account_covers_every_searched_cell(client: TestClient) -> None:
    account = client.get("/api/v1/studies/served/optimization").json()
    assert len(account["cells"]) == N_CELLS


@pytest.mark.parametrize("table", ["results", "trials"])
def test_downloads_are_the_cli_tables(client: TestClient, table: str) -> None:
    reader = bakeoff.results if table == "results" else bakeoff.trials
    expected = reader("served", storage=_url(client))
    csv = client.get(f"/api/v1/studies/served/downloads/{table}.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert 'filename="served-' in csv.headers["content-disposition"]
    from_csv = pd.read_csv(io.StringIO(csv.text))
    assert len(from_csv) == len(expected) == (N_CELLS if table == "results" else N_CELLS * 3)
    parquet = client.get(f"/api/v1/studies/served/downloads/{table}.parquet")
    from_parquet = pd.read_parquet(io.BytesIO(parquet.content))
    assert from_parquet["cell_key"].tolist() == expected["cell_key"].tolist()
    assert from_parquet["study"].tolist() == expected["study"].tolist()


def test_an_unknown_download_is_a_422(client: TestClient) -> None:
    reply = client.get("/api/v1/studies/served/downloads/predictions.xlsx")
    assert reply.status_code == 422
    assert "results.csv" in reply.json()["error"]["message"]


def test_a_long_bad_value_is_cut_with_its_quote_closed_and_its_length_said(
    client: TestClient,
) -> None:
    reply = client.get("/api/v1/studies/served/cells", params={"seed": "7" * 30 + "x" * 470})
    assert reply.status_code == 422
    message = reply.json()["error"]["message"]
    shown = message.split(" got ", 1)[1].split("… (", 1)[0]
    assert shown.startswith('"7777') and shown.endswith('"') and len(shown) <= 80
    assert "(500 characters)" in message and "seed" in message


def test_openapi_spec_and_docs_are_served(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/v1/studies/{name}/cells" in spec["paths"]
    assert "post" in spec["paths"]["/api/v1/studies"]
    assert client.get("/docs").status_code == 200
    # The error answers are documented with the shape the server really sends (a 404
    # for a missing study, the one error body for a 422), not only FastAPI's own.
    answers = spec["paths"]["/api/v1/studies/{name}"]["get"]["responses"]
    for status in ("404", "422"):
        schema = answers[status]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith("/ErrorBody"), (status, schema)
    missing = client.get("/api/v1/studies/nosuch")
    assert missing.status_code == 404 and set(missing.json()["error"]) == {"type", "message"}
    body = spec["components"]["schemas"]["ErrorBody"]
    assert body["required"] == ["error"]


def test_no_cors_headers_are_sent(client: TestClient) -> None:
    reply = client.get("/api/v1/studies", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in reply.headers
    preflight = client.options(
        "/api/v1/studies",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers


def _url(client: TestClient) -> str:
    return str(client.app.state.settings.storage)  # type: ignore[attr-defined]


def test_cached_cell_pages_follow_the_store_when_a_cell_changes(stored: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Pages, filter counts and each cell's JSON are kept by the study's stamp; a cell
    # that changes in the store must show in every listing once the stamp is re-read
    # (after STAMP_SECONDS), never a kept answer from before.
    import sqlite3
    import time

    from bakeoff.server import ServerSettings, create_app
    from bakeoff.server._queries import STAMP_SECONDS
    from bakeoff.store._schema import cells

    copy = tmp_path / "copy.db"
    with (
        sqlite3.connect(stored.removeprefix("sqlite:///")) as source,
        sqlite3.connect(copy) as target,
    ):
        source.backup(target)  # the write-ahead log's pages included
    settings = ServerSettings(f"sqlite:///{copy}", results_dir=tmp_path / "results")
    with TestClient(create_app(settings)) as client:
        before = client.get("/api/v1/studies/served/cells", params={"limit": 5}).json()
        complete = client.get(
            "/api/v1/studies/served/cells", params={"status": "complete", "limit": 1}
        ).json()["total"]
        assert complete == N_CELLS and before["items"][2]["status"] == "complete"
        key = before["items"][2]["cell_key"]
        with sqlite3.connect(copy) as connection:
            connection.execute(
                f"UPDATE {cells.name} SET status = 'failed', error = 'changed by the test' "
                "WHERE cell_key = ?",
                (key,),
            )
        time.sleep(STAMP_SECONDS + 0.2)
        after = client.get("/api/v1/studies/served/cells", params={"limit": 5}).json()
        assert after["items"][2]["cell_key"] == key
        assert after["items"][2]["status"] == "failed"
        assert after["items"][2]["error"] == "changed by the test"
        assert [c["status"] for i, c in enumerate(after["items"]) if i != 2] == ["complete"] * 4
        for status, total in (("complete", N_CELLS - 1), ("failed", 1)):
            page = client.get(
                "/api/v1/studies/served/cells", params={"status": status, "limit": 1}
            ).json()
            assert page["total"] == total, status
