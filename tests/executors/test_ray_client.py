"""Ray Client (`address: ray://host:port`): a real head node with a client server on this
machine, a study run through it with the local executor's numbers, and the SQLite rule
for a Ray Client address of another machine, end to end through `bakeoff run`."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

import bakeoff
from bakeoff.executors import LocalExecutor
from tests.conftest import cli_env, run_cli, tiny_study
from tests.helpers import assert_same_numbers, stored_numbers

# With pytest -n, every test that starts a Ray runtime runs on the same worker, one after
# another, as without -n: runtimes of two workers would fight over the two cores and ports.
pytestmark = pytest.mark.xdist_group("ray")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# The head and every client share this token. Ray's default is token authentication,
# with the token read from ~/.ray/auth_token, which a fresh machine does not have (then
# `ray start` refuses to start) and which another test's runtime may write meanwhile.
TOKEN = secrets.token_hex(32)

# Where the head keeps its logs, so that a failed run shows why the cluster refused it.
HEAD_LOGS: dict[str, Path] = {}


def client_env() -> dict[str, str]:
    # Ray Client sends the token only when told to (docs/scale-out.md says so).
    return {**cli_env(), "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": TOKEN}


def head_log_tail(characters: int = 3000) -> str:
    """The end of every non-empty error log of the head's client servers."""
    logs = HEAD_LOGS.get("temp")
    if logs is None:
        return ""
    tails = []
    for log in sorted(logs.glob("session_*/logs/ray_client_server*.err")):
        text = log.read_text(errors="replace").strip()
        if text:
            tails.append(f"--- {log.name}\n{text[-characters:]}")
    return "\n".join(tails)


@pytest.fixture(scope="module")
def ray_client_address() -> Iterator[str]:
    """`ray start --head --block` with a Ray Client server, in a temporary folder; the
    head (and every process it started) is stopped by SIGTERM in teardown."""
    # Short: Ray's socket paths live under it (107 characters at most).
    temp = tempfile.mkdtemp(prefix="bkrc", dir="/tmp")
    port = free_port()
    command = [
        *(sys.executable, "-c", "from ray.scripts.scripts import main; main()"),
        *("start", "--head", "--block", "--port", str(free_port())),
        *("--ray-client-server-port", str(port), "--num-cpus", "2"),
        *("--include-dashboard", "false", "--disable-usage-stats", "--temp-dir", temp),
    ]
    HEAD_LOGS["temp"] = Path(temp)
    output = Path(temp) / "head.out"
    with output.open("wb") as sink:
        head = subprocess.Popen(
            command,
            env=client_env(),
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if head.poll() is not None or time.monotonic() > deadline:
                said = output.read_text(errors="replace")[-3000:]
                pytest.fail(f"the Ray head did not start (exit {head.poll()}):\n{said}")
            time.sleep(0.5)
        yield f"ray://127.0.0.1:{port}"
    finally:
        head.terminate()  # `ray start --block` stops its processes on SIGTERM
        try:
            head.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(head.pid, signal.SIGKILL)  # the group it leads, nothing else
            head.wait()
        HEAD_LOGS.pop("temp", None)
        shutil.rmtree(temp, ignore_errors=True)


def run_through_client(tmp_path: Path, address: str, url: str) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(tiny_study()), encoding="utf-8")
    command = [
        *(sys.executable, "-m", "bakeoff", "run", str(path), "--backend", "ray"),
        *("--address", address, "--storage", url),
    ]
    for _attempt in range(2):
        completed = subprocess.run(
            command, env=client_env(), capture_output=True, text=True, timeout=600
        )
        # The head's per-client server (a process Ray starts for each client) sometimes
        # fails to start on a loaded machine (seen under pytest -n 2); bakeoff refuses
        # the address before writing anything, so a second connection is a clean retry.
        if "Starting Ray client server failed" not in completed.stderr:
            break
    assert completed.returncode == 0, (
        completed.stdout + completed.stderr + "\nThe head's logs:\n" + head_log_tail()
    )
    assert "8 cells: 8 complete" in completed.stdout, completed.stdout


def local_numbers(tmp_path: Path) -> object:
    url = f"sqlite:///{tmp_path / 'local.db'}"
    summary = bakeoff.Study(**tiny_study()).run(
        storage=url, executor=LocalExecutor(1), progress=False
    )
    assert summary.exit_code == 0, summary.describe()
    return stored_numbers("tiny", url)


@pytest.mark.slow
def test_a_study_runs_through_ray_client_with_the_local_numbers(
    tmp_path: Path, ray_client_address: str
) -> None:
    # The head is on this machine: an SQLite file here is reachable by its workers.
    url = f"sqlite:///{tmp_path / 'client.db'}"
    run_through_client(tmp_path, ray_client_address, url)
    assert_same_numbers(local_numbers(tmp_path), stored_numbers("tiny", url))


@pytest.mark.slow
def test_ray_client_writes_into_postgresql_with_the_local_numbers(
    tmp_path: Path, ray_client_address: str, postgres_url: str
) -> None:
    run_through_client(tmp_path, ray_client_address, postgres_url)
    assert_same_numbers(local_numbers(tmp_path), stored_numbers("tiny", postgres_url))


def test_sqlite_with_a_ray_client_address_of_another_machine_is_refused(
    tmp_path: Path, write_study
) -> None:
    # 198.51.100.7 is a documentation address (TEST-NET-2), never this machine: the rule
    # applies before connecting, so no cluster needs to answer there.
    path = write_study(tiny_study())
    db = tmp_path / "s.db"
    completed = run_cli(
        *("run", str(path), "--backend", "ray", "--address", "ray://198.51.100.7:10001"),
        *("--storage", f"sqlite:///{db}"),
        timeout=120,
    )
    assert completed.returncode == 2, completed.stdout + completed.stderr
    text = " ".join(completed.stderr.split())
    assert "is a Ray Client address of another machine (198.51.100.7)" in text, text
    assert "PostgreSQL" in text and "address: local" in text
    assert "Traceback" not in completed.stderr
    assert not db.exists()
