"""Studies submitted over HTTP run for real, and a cancel interrupts them so that they
resume like any interrupted run."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import bakeoff
from bakeoff.server import ServerSettings, create_app
from tests.conftest import cli_env
from tests.server.conftest import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}

#: Three cells of four trials; each fit sleeps about a third of a second.
SLOW = {
    "study": "slow",
    "imports": ["bakeoff_test_plugins"],
    "datasets": ["iris"],
    "models": [
        {"name": "sleepy", "search_space": {"seconds": {"type": "float", "low": 0.3, "high": 0.4}}}
    ],
    "budgets": ["full"],
    "seeds": 3,
    "tuning": {"method": "random", "n_trials": 4, "cv": 2},
    "metrics": ["accuracy"],
}


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """A server with a token on a store that does not exist yet."""
    monkeypatch.setenv("PYTHONPATH", cli_env()["PYTHONPATH"])  # the test plugins
    settings = ServerSettings(
        f"sqlite:///{tmp_path / 'runs.db'}", token=TOKEN, results_dir=tmp_path / "results"
    )
    with TestClient(create_app(settings)) as client:
        yield client


def wait_for(check: Callable[[], Any], *, timeout: float = 120.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


def running_cell_with_a_trial(client: TestClient) -> str | None:
    """A running cell of study ``slow`` that has stored a trial, if there is one."""
    page = client.get("/api/v1/studies/slow/cells?status=running").json()
    for cell in page.get("items", []):
        trials = client.get(f"/api/v1/studies/slow/cells/{cell['cell_key']}/trials").json()
        if trials["total"] >= 1:
            return str(cell["cell_key"])
    return None


def run_state(client: TestClient) -> dict[str, Any]:
    runs = client.get("/api/v1/runs").json()["runs"]
    return next(r for r in runs if r["study"] == "slow")


@pytest.mark.slow
def test_a_submitted_study_cancelled_mid_cell_resumes_with_its_trials(
    fresh: TestClient, tmp_path: Path
) -> None:
    reply = fresh.post("/api/v1/studies", json={"spec": SLOW}, headers=AUTH)
    assert reply.status_code == 202, reply.text
    assert reply.json()["n_cells"] == 3
    again = fresh.post("/api/v1/studies", json={"spec": SLOW}, headers=AUTH)
    assert again.status_code == 409  # one run of a study at a time

    key = wait_for(lambda: running_cell_with_a_trial(fresh))
    cancelled = fresh.post("/api/v1/studies/slow/cancel", headers=AUTH)
    assert cancelled.status_code == 202
    ended = wait_for(lambda: (r := run_state(fresh))["state"] != "running" and r)
    assert ended["state"] == "cancelled"
    assert ended["exit_status"] == 130  # the CLI's status for an interrupted run

    cells = fresh.get("/api/v1/studies/slow").json()["cells"]
    assert cells["running"] == 0
    assert cells["interrupted"] >= 1
    assert fresh.get(f"/api/v1/studies/slow/cells/{key}").json()["status"] == "interrupted"
    kept = fresh.get(f"/api/v1/studies/slow/cells/{key}/trials").json()["items"]
    assert kept  # finished trials stay stored

    # Submitting it again resumes: the interrupted cell goes on from its stored trials.
    assert fresh.post("/api/v1/studies", json={"spec": SLOW}, headers=AUTH).status_code == 202
    done = wait_for(lambda: (r := run_state(fresh))["state"] != "running" and r, timeout=180)
    assert done["exit_status"] == 0, done["log_tail"]
    cells = fresh.get("/api/v1/studies/slow").json()["cells"]
    assert cells["complete"] == 3
    resumed = fresh.get(f"/api/v1/studies/slow/cells/{key}/trials").json()["items"]
    assert len(resumed) == 4
    before = {t["number"]: t["started_at"] for t in kept if t["state"] == "COMPLETE"}
    assert before and all(resumed[n]["started_at"] == s for n, s in before.items())
    # The run's files are kept in the results folder, named by the study's hash.
    stem = hashlib.sha256(b"slow").hexdigest()[:16]
    written = {p.name for p in (tmp_path / "results" / "submitted").iterdir()}
    assert written == {".lock", *(stem + s for s in (".yaml", ".log", ".run.json", ".exit"))}
    assert (tmp_path / "results" / "submitted" / f"{stem}.exit").read_text() == "0"
    url = str(fresh.app.state.settings.storage)  # type: ignore[attr-defined]
    assert bakeoff.results("slow", storage=url)["status"].tolist() == ["complete"] * 3


@pytest.mark.slow
def test_another_server_process_sees_and_cancels_the_run(fresh: TestClient, tmp_path: Path) -> None:
    # Two apps on the same store and results folder stand for two `--workers`: the run
    # one started is reported and cancelled by the other.
    submitted = fresh.post("/api/v1/studies", json={"spec": SLOW}, headers=AUTH)
    assert submitted.status_code == 202
    settings = fresh.app.state.settings  # type: ignore[attr-defined]
    with TestClient(create_app(settings)) as other:
        assert run_state(other)["state"] == "running"
        assert other.post("/api/v1/studies", json={"spec": SLOW}, headers=AUTH).status_code == 409
        # (The study is in the store once the run has prepared it.)
        wait_for(lambda: other.get("/api/v1/studies/slow").json().get("cells", {}).get("running"))
        assert other.post("/api/v1/studies/slow/cancel", headers=AUTH).status_code == 202
        ended = wait_for(lambda: (r := run_state(other))["state"] != "running" and r)
        assert ended["state"] == "cancelled" and ended["exit_status"] == 130
    assert run_state(fresh)["exit_status"] == 130


@pytest.mark.slow
def test_a_run_started_in_a_terminal_is_cancelled_through_its_runner(
    fresh: TestClient, tmp_path: Path
) -> None:
    import subprocess
    import sys

    import yaml

    url = str(fresh.app.state.settings.storage)  # type: ignore[attr-defined]
    spec = tmp_path / "slow.yaml"
    spec.write_text(yaml.safe_dump(SLOW))
    run = subprocess.Popen(
        [sys.executable, "-m", "bakeoff", "run", str(spec), "--storage", url, "--quiet"],
        env=cli_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        key = wait_for(lambda: running_cell_with_a_trial(fresh))
        reply = fresh.post("/api/v1/studies/slow/cancel", headers=AUTH)
        assert reply.status_code == 202, reply.text
        assert reply.json()["signalled"] == [run.pid]  # the runner, not a server run
        assert run.wait(timeout=120) == 130  # as after Ctrl-C
    finally:
        if run.poll() is None:
            run.kill()
    assert fresh.get("/api/v1/studies/slow").json()["cells"]["running"] == 0
    assert fresh.get(f"/api/v1/studies/slow/cells/{key}").json()["status"] == "interrupted"


@pytest.mark.slow
def test_a_study_submitted_to_a_server_on_a_relative_store_url_lands_in_that_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `bakeoff serve` with the default sqlite:///bakeoff.db: the studies it starts run in
    # RESULTS_DIR/submitted, where the relative path would name another, new store.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYTHONPATH", cli_env()["PYTHONPATH"])
    settings = ServerSettings("sqlite:///bakeoff.db", token=TOKEN, results_dir=Path("served"))
    quick = {
        "study": "relative",
        "datasets": ["iris"],
        "models": ["logistic_regression"],
        "seeds": 2,
        "tuning": {"method": "random", "n_trials": 2, "cv": 2},
    }
    with TestClient(create_app(settings)) as client:
        assert client.post("/api/v1/studies", json={"spec": quick}, headers=AUTH).status_code == 202
        runs = lambda: client.get("/api/v1/runs").json()["runs"]  # noqa: E731
        ended = wait_for(lambda: (r := runs()[0])["state"] != "running" and r)
        assert ended["state"] == "exited" and ended["exit_status"] == 0, ended
        study = client.get("/api/v1/studies/relative")
        assert study.status_code == 200, study.text
        assert study.json()["cells"]["complete"] == 2
    stores = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.db"))
    assert stores == ["bakeoff.db"]


@pytest.mark.slow
def test_cancel_stops_a_run_started_in_the_background_that_ignores_ctrl_c(
    fresh: TestClient, tmp_path: Path
) -> None:
    # `bakeoff run study.yaml &` in a script ignores SIGINT: the cancel sends it SIGTERM,
    # which `bakeoff run` takes as Ctrl-C, instead of answering "signalled" in vain.
    import signal
    import subprocess
    import sys

    import yaml

    from tests.executors.test_interrupt import n_trials, statuses

    db = tmp_path / "runs.db"
    path = tmp_path / "slow.yaml"
    path.write_text(yaml.safe_dump({**SLOW, "storage": f"sqlite:///{db}"}))
    deaf = subprocess.Popen(
        [sys.executable, "-m", "bakeoff", "run", str(path)],
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        wait_for(lambda: n_trials(db) >= 2)
        reply = fresh.post("/api/v1/studies/slow/cancel", headers=AUTH)
        assert reply.status_code == 202, reply.text
        assert reply.json()["signalled"] == [deaf.pid]
        _, stderr = deaf.communicate(timeout=120)
        assert deaf.returncode == 130, stderr
        counts = statuses(db)
        assert "running" not in counts and counts.get("interrupted", 0) >= 1, counts
    finally:
        if deaf.poll() is None:
            deaf.kill()
            deaf.wait()
