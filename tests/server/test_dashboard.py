"""The dashboard's pages, rendered by the app from the same data as the API."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
from fastapi.testclient import TestClient
from plotly.offline import get_plotlyjs

import bakeoff


def test_the_studies_page_lists_each_study_with_its_progress(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert 'data-study="served"' in page.text
    assert '<td class="c-complete">36</td>' in page.text
    assert "/api/v1/studies" in page.text  # what its script polls


def test_the_study_page_has_every_section(client: TestClient) -> None:
    page = client.get("/studies/served").text
    for section in (
        "leaderboard",
        "findings",
        "per-dataset-results",
        "critical-difference",
        "learning-curves",
        "trials",
    ):
        assert f'id="{section}"' in page
    leaders = re.findall(r'<tr class="leader"><td class="text">([^<]+)</td>', page)
    board = client.get("/api/v1/studies/served/leaderboard").json()
    assert leaders == [row["model"] for row in board["rows"]]
    assert '<div class="figure" id="fig-critical_difference"><svg' in page
    figures = json.loads(re.search(r"const figures = (\{.*?\});\n", page, re.S).group(1))  # type: ignore[union-attr]
    for name in ("leaderboard", "scores_by_dataset", "learning_curves", "optimization_history"):
        assert json.loads(figures[name])["data"], name
    # Parallel coordinates: one line per complete trial of the model, its searched
    # parameters then the value.
    parallel = json.loads(figures["parallel_random_forest"])["data"][0]
    labels = [d["label"] for d in parallel["dimensions"]]
    trials = bakeoff.trials("served", storage=str(client.app.state.settings.storage))  # type: ignore[attr-defined]
    forest = trials[(trials["model"] == "random_forest") & (trials["state"] == "COMPLETE")]
    searched = set().union(*(json.loads(p) for p in forest["params"]))
    assert "max_depth" in labels and labels[-1] == "value"
    assert set(labels[:-1]) <= searched
    values = parallel["dimensions"][-1]["values"]
    if isinstance(values, dict):  # Plotly 6+ sends arrays as typed binary
        values = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    assert sorted(values) == sorted(forest["value"])


def test_plotly_is_served_from_the_installed_package(client: TestClient) -> None:
    reply = client.get("/static/plotly.js")
    assert reply.status_code == 200
    assert reply.text == get_plotlyjs()
    page = client.get("/studies/served").text
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert scripts == ["/static/plotly.js"]  # nothing from another host


def test_an_unknown_study_page_is_a_404(client: TestClient) -> None:
    reply = client.get("/studies/serve")
    assert reply.status_code == 404
    assert "Did you mean 'served'?" in reply.json()["error"]["message"]


def test_a_study_with_several_objectives_shows_its_pareto_fronts(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bakeoff.server import ServerSettings, create_app

    url = f"sqlite:///{tmp_path / 'moo.db'}"
    spec = {
        "study": "moo",
        "datasets": ["iris", "wine"],
        "models": ["logistic_regression", {"name": "random_forest", "params": {"n_estimators": 5}}],
        "metrics": ["accuracy", "f1_macro"],
        "tuning": {
            "method": "random",
            "n_trials": 5,
            "cv": 2,
            "objectives": ["accuracy", "f1_macro"],
        },
    }
    assert bakeoff.Study(**spec).run(storage=url, progress=False).exit_code == 0
    with TestClient(create_app(ServerSettings(url, results_dir=tmp_path))) as client:
        page = client.get("/studies/moo").text
        assert 'id="pareto"' in page
        figures = json.loads(re.search(r"const figures = (\{.*?\});\n", page, re.S).group(1))  # type: ignore[union-attr]
        traces = json.loads(figures["pareto_front"])["data"]
        fronts = [t for t in traces if t["name"].endswith(": fronts")]
        members = bakeoff.pareto("moo", storage=url)
        assert sorted(t["name"].split(":")[0] for t in fronts) == sorted(members["model"].unique())
        # Each cell's front, as the API gives it, is the one bakeoff.pareto reads.
        cells = client.get("/api/v1/studies/moo/cells").json()["items"]
        for cell in cells:
            front = client.get(f"/api/v1/studies/moo/cells/{cell['cell_key']}").json()
            numbers = [m["number"] for m in front["search"]["pareto_front"]]
            expected = members[members["cell_key"] == cell["cell_key"]]["number"].tolist()
            assert numbers == expected


def test_a_study_without_a_finished_cell_says_so(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bakeoff.server import ServerSettings, create_app
    from bakeoff.store import CellDefinition, Store

    url = f"sqlite:///{tmp_path / 'empty.db'}"
    with Store(url) as store:
        for name, n_cells in (("waiting", 1), ("other", 2)):
            store.prepare_study(
                name=name,
                spec_json="{}",
                spec_hash="0" * 64,
                seed=0,
                bakeoff_version="test",
                provenance={},
                datasets=[],
                cell_definitions=[
                    CellDefinition(f"{c}" * 64, "m", "d", "full", c, {"metrics": ["accuracy"]})
                    for c in range(n_cells)
                ],
            )
    with TestClient(create_app(ServerSettings(url, results_dir=tmp_path))) as client:
        assert 'id="waiting"' in client.get("/studies/waiting").text
        board = client.get("/api/v1/studies/waiting/leaderboard").json()
        assert board["rows"] == [] and "no complete cell" in board["note"]
        listed = {s["name"]: s for s in client.get("/api/v1/studies").json()["studies"]}
        assert listed["waiting"]["cells"]["pending"] == 1 and listed["waiting"]["progress"] == 0
        assert listed["other"]["n_cells"] == 2
        # One study's own counts, not the store's.
        assert client.get("/api/v1/studies/waiting").json()["n_cells"] == 1
        assert client.get("/api/v1/studies/other").json()["n_cells"] == 2


def test_the_api_docs_load_swagger_ui_from_this_server(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
    assert assets and all(a.startswith("/static/swagger/") for a in assets), assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert "'/openapi.json'" in page.text or '"/openapi.json"' in page.text
