"""A Ray cluster of two nodes on this machine (Ray's own ``cluster_utils.Cluster``): cells
really run on both, joined through ``address``, with the numbers of the local executor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ray.cluster_utils import Cluster

import bakeoff
from bakeoff.executors import RayExecutor
from tests.conftest import tiny_study
from tests.helpers import assert_same_numbers, stored_numbers

# With pytest -n, every test that starts a Ray runtime runs on the same worker, one after
# another, as without -n: runtimes of two workers would fight over the two cores and ports.
pytestmark = pytest.mark.xdist_group("ray")


@pytest.mark.slow
def test_cells_run_on_both_nodes_of_a_two_node_cluster(tmp_path: Path) -> None:
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
    try:
        cluster.add_node(num_cpus=1)
        cluster.wait_for_nodes()
        nodes = {node.node_id for node in cluster.list_all_nodes()}
        assert len(nodes) == 2
        events: list[dict[str, Any]] = []
        url = f"sqlite:///{tmp_path / 'cluster.db'}"
        # The nodes share this machine, so an SQLite file is reachable from both.
        summary = bakeoff.Study(**tiny_study()).run(
            storage=url,
            executor=RayExecutor(address=cluster.address),
            on_event=events.append,
            progress=False,
        )
        assert summary.exit_code == 0, summary.describe()
    finally:
        cluster.shutdown()
    ran_on = [e["node"] for e in events if e["event"] == "cell_started"]
    assert len(ran_on) == 8
    # One CPU per node and two cells in flight: each node ran some of them.
    assert set(ran_on) == nodes
    local = f"sqlite:///{tmp_path / 'local.db'}"
    assert bakeoff.Study(**tiny_study()).run(storage=local, progress=False).exit_code == 0
    assert_same_numbers(stored_numbers("tiny", local), stored_numbers("tiny", url))


@pytest.mark.slow
def test_a_relative_sqlite_path_names_the_drivers_file_on_a_cluster_started_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The default store is sqlite:///bakeoff.db, relative to where `bakeoff run` runs;
    # Ray's workers run in the folder the cluster was started from.
    elsewhere, here = tmp_path / "cluster_started_here", tmp_path / "study_run_here"
    elsewhere.mkdir()
    here.mkdir()
    monkeypatch.chdir(elsewhere)
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 2})
    try:
        monkeypatch.chdir(here)
        summary = bakeoff.Study(**tiny_study(seeds=1)).run(
            storage="sqlite:///relative.db",
            executor=RayExecutor(address=cluster.address),
            progress=False,
        )
        assert summary.exit_code == 0, summary.describe()
    finally:
        cluster.shutdown()
    assert not (elsewhere / "relative.db").exists()
    assert summary.states["complete"] == summary.n_cells == 4
    results = bakeoff.results("tiny", storage=f"sqlite:///{here / 'relative.db'}")
    assert (results["status"] == "complete").all() and len(results) == 4


@pytest.mark.slow
def test_a_cell_asking_for_a_gpu_gets_one_and_cells_do_not_share_it(tmp_path: Path) -> None:
    # Ray's GPUs are declared resources: a node started with one runs one GPU cell at a
    # time, and tells each which GPU it holds, whether or not the hardware is there.
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 2, "num_gpus": 1})
    try:
        events: list[dict[str, Any]] = []
        summary = bakeoff.Study(**tiny_study(seeds=1, budgets=["full"])).run(
            storage=f"sqlite:///{tmp_path / 'gpu.db'}",
            executor=RayExecutor(address=cluster.address, num_gpus_per_cell=1),
            on_event=events.append,
            progress=False,
        )
        assert summary.exit_code == 0, summary.describe()
    finally:
        cluster.shutdown()
    started = [e for e in events if e["event"] == "cell_started"]
    assert [e["gpus"] for e in started] == [["0"], ["0"]]
    # Two CPUs but one GPU: the second cell started only after the first had finished.
    order = [
        (e["event"], e["key"]) for e in events if e["event"] in ("cell_started", "cell_finished")
    ]
    assert [kind for kind, _ in order] == ["cell_started", "cell_finished"] * 2
