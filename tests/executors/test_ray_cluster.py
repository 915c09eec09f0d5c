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
