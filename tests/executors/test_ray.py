"""The Ray executor: same numbers as the local one, a killed worker's cell resumed, Ctrl-C,
and the settings refused before anything is written."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import ray
import yaml

import bakeoff
from bakeoff.exceptions import SpecError, StoreError
from bakeoff.executors import LocalExecutor, RayExecutor
from bakeoff.executors._ray import _check_reachable
from tests.conftest import cli_env, run_cli, tiny_study
from tests.executors.test_interrupt import n_trials, statuses
from tests.helpers import assert_same_numbers, stored_numbers

# With pytest -n, every test that starts a Ray runtime runs on the same worker, one after
# another, as without -n: runtimes of two workers would fight over the two cores and ports.
pytestmark = pytest.mark.xdist_group("ray")


@pytest.fixture(scope="module")
def ray_runtime() -> Iterator[None]:
    """One private Ray runtime for the module (its start takes seconds); executors find
    it started and leave it running."""
    # As bakeoff starts its own: workers import what this process can (the test plugins).
    path = os.pathsep.join(p for p in sys.path if p and os.path.isdir(p))
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": path}},
    )
    yield
    ray.shutdown()


def slow_study(**overrides: Any) -> dict[str, Any]:
    """Cells whose trials take 0.3 s each (2 folds × 0.15 s), whatever the machine."""
    spec = tiny_study(
        study="slow",
        imports=["bakeoff_ray_plugins"],
        models=[{"name": "slow_noisy", "params": {"delay": 0.15}}],
        budgets=["full"],
        seeds=2,
        tuning={"method": "random", "n_trials": 6, "cv": 2},
        metrics=["accuracy"],
    )
    spec.update(overrides)
    return spec


def test_ray_and_local_executors_give_identical_numbers(tmp_path: Path, ray_runtime) -> None:
    urls = {}
    for name, executor in (("local", LocalExecutor(1)), ("ray", RayExecutor())):
        urls[name] = f"sqlite:///{tmp_path / f'{name}.db'}"
        summary = bakeoff.Study(**tiny_study()).run(
            storage=urls[name], executor=executor, progress=False
        )
        assert summary.exit_code == 0, summary.describe()
        assert summary.count("complete") == 8
    assert_same_numbers(stored_numbers("tiny", urls["local"]), stored_numbers("tiny", urls["ray"]))


def test_progress_events_reach_the_caller_and_say_where_each_cell_ran(
    tmp_path: Path, ray_runtime
) -> None:
    events: list[dict[str, Any]] = []
    summary = bakeoff.Study(**tiny_study(seeds=1)).run(
        storage=f"sqlite:///{tmp_path / 's.db'}",
        executor=RayExecutor(),
        on_event=events.append,
        progress=False,
    )
    assert summary.exit_code == 0
    started = [e for e in events if e["event"] == "cell_started"]
    finished = [e for e in events if e["event"] == "cell_finished"]
    trials = [e for e in events if e["event"] == "trial"]
    assert len(started) == len(finished) == 4
    assert len(trials) == 4 * 3  # every trial of every cell, as the local executor sends
    assert {e["node"] for e in started} == {ray.get_runtime_context().get_node_id()}
    assert all(e["pid"] != os.getpid() for e in started)  # in Ray's workers, not here


@ray.remote(num_cpus=0)
class CountingSink:
    """The event sink's calls, counted: each is work for the actor's process."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def push(self, events: list[dict[str, Any]]) -> None:
        self.calls.append([e["event"] for e in events])

    def flush(self, events: list[dict[str, Any]]) -> None:
        self.calls.append([e["event"] for e in events])

    def seen(self) -> list[list[str]]:
        return self.calls


def test_a_cells_events_travel_together_but_starts_go_at_once(ray_runtime) -> None:
    from bakeoff.executors._ray_cell import _Outbox

    sink = CountingSink.remote()  # type: ignore[attr-defined]
    outbox = _Outbox(sink, {"pid": 1})
    kinds = ["cell_started", "trial_started", "trial", "trial_started", "trial"]
    sent = []
    for kind in [*kinds, "cell_finished"]:
        outbox.emit({"event": kind, "key": "k"})
        # This process's calls reach the actor in order: `seen` follows the pushes.
        sent.append(len(ray.get(sink.seen.remote())))
    outbox.close()
    # The start of the cell and of each trial at once (the display, and the trial a
    # dead worker was in); a trial's end waits for the next start; the rest for the end.
    assert sent == [1, 2, 2, 3, 3, 3]
    assert ray.get(sink.seen.remote()) == [
        ["cell_started"],
        ["trial_started"],
        ["trial", "trial_started"],
        ["trial", "cell_finished"],
    ]


def test_an_event_that_waited_long_enough_goes_at_once(ray_runtime, monkeypatch) -> None:
    from bakeoff.executors import _ray_cell

    monkeypatch.setattr(_ray_cell, "_SEND_SECONDS", 0.0)
    sink = CountingSink.remote()  # type: ignore[attr-defined]
    outbox = _ray_cell._Outbox(sink, {})
    outbox.emit({"event": "epoch", "key": "k"})
    assert ray.get(sink.seen.remote()) == [["epoch"]]


def test_a_worker_dying_after_its_last_trial_fails_the_cell_outside_any_trial(
    tmp_path: Path, ray_runtime
) -> None:
    # The refit kills the worker while its last trial's end is still in its outbox:
    # the driver must not take that stored trial for the one the worker died in (the
    # cell would go back to be claimed and run again, only to die the same way).
    log = str(tmp_path / "deaths.log")
    spec = slow_study(
        models=[{"name": "slow_noisy", "params": {"die_above_rows": 100, "death_log": log}}],
        seeds=1,
        tuning={"method": "random", "n_trials": 2, "cv": 2},  # folds of 60 rows
    )
    summary = bakeoff.Study(**spec).run(
        storage=f"sqlite:///{tmp_path / 's.db'}",
        executor=RayExecutor(max_retries=0),
        progress=False,
    )
    assert summary.count("failed") == 1, summary.describe()
    (outcome,) = summary.outcomes
    assert "died" in str(outcome.error) and "outside any trial" in str(outcome.error)
    # Its refit ran, and killed its worker, once: the cell was not run again. (Counted
    # by the model itself: a dying worker's last events to the driver may be lost.)
    assert len(Path(log).read_text(encoding="utf-8").splitlines()) == 1


def test_each_dataset_goes_into_the_object_store_once(
    tmp_path: Path, ray_runtime, monkeypatch
) -> None:
    put: list[Any] = []
    real_put = ray.put

    def counting_put(value: Any, **kwargs: Any) -> Any:
        put.append(value)
        return real_put(value, **kwargs)

    monkeypatch.setattr(ray, "put", counting_put)
    spec = tiny_study(datasets=["iris", "wine"], budgets=[40], seeds=2)
    summary = bakeoff.Study(**spec).run(
        storage=f"sqlite:///{tmp_path / 's.db'}", executor=RayExecutor(), progress=False
    )
    assert summary.count("complete") == 8  # 2 models × 2 datasets × 2 seeds
    assert sorted(d.name for d in put) == ["iris", "wine"]


def test_a_killed_ray_worker_is_retried_and_its_cell_resumed(tmp_path: Path, ray_runtime) -> None:
    undisturbed = f"sqlite:///{tmp_path / 'undisturbed.db'}"
    assert bakeoff.Study(**slow_study()).run(storage=undisturbed, progress=False).exit_code == 0
    started: list[dict[str, Any]] = []
    killed: list[tuple[str, int]] = []

    def kill_mid_cell(event: dict[str, Any]) -> None:
        if event["event"] == "cell_started":
            started.append(event)
        # After the cell's second trial is stored, with four more to go (1.2 s at least).
        if event["event"] == "trial" and event["number"] == 1 and not killed:
            pid = next(e["pid"] for e in reversed(started) if e["key"] == event["key"])
            os.kill(pid, signal.SIGKILL)
            killed.append((event["key"], pid))

    url = f"sqlite:///{tmp_path / 'killed.db'}"
    summary = bakeoff.Study(**slow_study()).run(
        storage=url, executor=RayExecutor(), on_event=kill_mid_cell, progress=False
    )
    assert summary.exit_code == 0, summary.describe()
    key, pid = killed[0]
    runs = [e for e in started if e["key"] == key]
    # Ray ran the cell again in another worker, which went on from the stored trials.
    assert len(runs) == 2, runs
    assert runs[1]["pid"] != pid
    assert runs[1]["n_replayed"] >= 2
    assert_same_numbers(stored_numbers("slow", undisturbed), stored_numbers("slow", url))


def test_cells_asking_for_more_than_the_cluster_has_are_refused_before_the_store(
    tmp_path: Path, ray_runtime
) -> None:
    db = tmp_path / "s.db"
    for executor, words in (
        (RayExecutor(num_cpus_per_cell=3), "execution.num_cpus_per_cell is 3, but the Ray"),
        (RayExecutor(num_gpus_per_cell=1), "execution.num_gpus_per_cell is 1, but the Ray"),
    ):
        with pytest.raises(SpecError, match=words):
            bakeoff.Study(**tiny_study()).run(
                storage=f"sqlite:///{db}", executor=executor, progress=False
            )
    assert not db.exists()


def test_an_sqlite_store_is_refused_when_the_cluster_has_other_machines() -> None:
    here = "10.0.0.1"
    one_machine = [{"NodeManagerAddress": here}, {"NodeManagerAddress": here}]
    _check_reachable("sqlite:///x.db", one_machine, here, "auto")
    two_machines = [*one_machine, {"NodeManagerAddress": "10.0.0.2"}]
    _check_reachable("postgresql+psycopg://u@h/db", two_machines, here, "auto")
    with pytest.raises(StoreError) as caught:
        _check_reachable("sqlite:///x.db", two_machines, here, "auto")
    message = str(caught.value)
    assert "10.0.0.2" in message and "PostgreSQL" in message and "address: local" in message


def test_ray_settings_are_checked_with_the_study_file(tmp_path: Path, write_study) -> None:
    db = tmp_path / "s.db"
    for execution, words in (
        ({"address": "auto"}, "address is a setting of the Ray backend, but backend is 'local'"),
        ({"backend": "ray", "address": "nowhere"}, "'nowhere' is not a Ray address"),
        ({"backend": "ray", "num_gpus_per_cell": -1}, "execution.num_gpus_per_cell"),
        ({"backend": "spark"}, "execution.backend"),
    ):
        path = write_study(tiny_study(execution=execution))
        completed = run_cli("run", str(path), "--storage", f"sqlite:///{db}", timeout=120)
        assert completed.returncode == 2, completed.stderr
        assert words in " ".join(completed.stderr.split()), completed.stderr
        assert "Traceback" not in completed.stderr
    path = write_study(tiny_study())
    completed = run_cli("run", str(path), "--address", "auto", "--storage", f"sqlite:///{db}")
    assert completed.returncode == 2
    assert "--address auto" in completed.stderr, completed.stderr
    assert not db.exists()


#: Runs bakeoff as if Ray were not installed.
WITHOUT_RAY = """
import importlib.util, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "ray":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Block())
real = importlib.util.find_spec
importlib.util.find_spec = lambda name, *rest: None if name.split(".")[0] == "ray" else real(
    name, *rest)
from bakeoff.cli import run_main
sys.argv = ["bakeoff", *sys.argv[1:]]
run_main()
"""


def test_without_ray_the_backend_names_the_extra(tmp_path: Path, write_study) -> None:
    path = write_study(tiny_study())
    db = tmp_path / "s.db"
    for command in (
        ["run", str(path), "--backend", "ray", "--storage", f"sqlite:///{db}"],
        ["validate", str(path)],
    ):
        if command[0] == "validate":
            path.write_text(yaml.safe_dump(tiny_study(execution={"backend": "ray"})))
        completed = subprocess.run(
            [sys.executable, "-c", WITHOUT_RAY, *command],
            env=cli_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert completed.returncode == 2, completed.stderr
        text = " ".join(completed.stderr.split())
        assert "execution.backend: ray needs the Python package 'ray'" in text, text
        assert 'pip install "bakeoff[ray]"' in text
        assert "Traceback" not in completed.stderr
    assert not db.exists()


@pytest.mark.slow
def test_the_cli_on_ray_gives_the_numbers_of_the_local_executor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No address means a private runtime, even where RAY_ADDRESS names a cluster (here
    # one where nothing answers, which ray.init would retry for minutes).
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        monkeypatch.setenv("RAY_ADDRESS", f"127.0.0.1:{probe.getsockname()[1]}")
    stores = {}
    for backend in ("local", "ray"):
        url = f"sqlite:///{tmp_path / f'{backend}.db'}"
        path = tmp_path / f"{backend}.yaml"
        path.write_text(yaml.safe_dump(tiny_study(storage=url, execution={"n_jobs": 2})))
        # Each run its own process, with its own private Ray runtime.
        completed = run_cli("run", str(path), "--backend", backend, timeout=300)
        assert completed.returncode == 0, completed.stdout + completed.stderr
        stores[backend] = url
    assert "8 cells: 8 complete" in completed.stdout
    assert_same_numbers(
        stored_numbers("tiny", stores["local"]), stored_numbers("tiny", stores["ray"])
    )


@pytest.mark.slow
def test_ctrl_c_on_ray_stops_cleanly_and_the_next_run_resumes(tmp_path: Path) -> None:
    db = tmp_path / "ctrlc.db"
    path = tmp_path / "study.yaml"
    spec = slow_study(storage=f"sqlite:///{db}", execution={"backend": "ray", "n_jobs": 2})
    path.write_text(yaml.safe_dump(spec))
    process = subprocess.Popen(
        [sys.executable, "-m", "bakeoff", "run", str(path)],
        env=cli_env(),
        start_new_session=True,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while n_trials(db) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    # Ctrl-C in a terminal signals the whole foreground process group.
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stdout + stderr
    assert "Traceback" not in stderr
    assert "Run the same command again to resume" in stderr
    counts = statuses(db)
    assert "running" not in counts, counts
    assert counts.get("interrupted", 0) >= 1
    again = run_cli("run", str(path), timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    undisturbed = f"sqlite:///{tmp_path / 'undisturbed.db'}"
    bakeoff.Study(**slow_study()).run(storage=undisturbed, progress=False)
    assert_same_numbers(
        stored_numbers("slow", undisturbed), stored_numbers("slow", f"sqlite:///{db}")
    )


@pytest.mark.postgres
def test_ray_cells_write_into_postgresql_with_the_numbers_of_sqlite(
    tmp_path: Path, ray_runtime, postgres_url: str
) -> None:
    spec = tiny_study(seeds=1)
    summary = bakeoff.Study(**spec).run(
        storage=postgres_url, executor=RayExecutor(), progress=False
    )
    assert summary.exit_code == 0 and summary.count("complete") == 4
    sqlite_url = f"sqlite:///{tmp_path / 'local.db'}"
    assert bakeoff.Study(**spec).run(storage=sqlite_url, progress=False).exit_code == 0
    assert_same_numbers(stored_numbers("tiny", sqlite_url), stored_numbers("tiny", postgres_url))


def test_a_study_import_missing_on_the_nodes_fails_its_cells_with_the_reason(
    tmp_path: Path, ray_runtime
) -> None:
    spec = tiny_study(seeds=1, budgets=["full"], imports=["bakeoff_driver_only"])
    summary = bakeoff.Study(**spec).run(
        storage=f"sqlite:///{tmp_path / 's.db'}", executor=RayExecutor(), progress=False
    )
    assert summary.exit_code == 1
    assert [o.status for o in summary.outcomes] == ["failed", "failed"]
    for outcome in summary.outcomes:
        assert "bakeoff_driver_only is not installed on this node" in (outcome.error or "")
        assert "\x1b[" not in (outcome.error or "")  # Ray's coloured frame left out


def test_an_address_where_nothing_answers_is_refused_at_once(tmp_path: Path) -> None:
    # ray.init retries such an address for many minutes; the run refuses it instead.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again when the block ends
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(tiny_study(seeds=1, budgets=["full"])))
    db = tmp_path / "never.db"
    done = run_cli(
        "run", str(path), "--storage", f"sqlite:///{db}", "--backend", "ray",
        "--address", f"127.0.0.1:{port}", timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    message = " ".join(done.stderr.split())
    assert f"execution.address '127.0.0.1:{port}': nothing answers" in message
    assert "Traceback" not in done.stderr and not db.exists()
