"""End to end: `bakeoff serve` for real, Chromium for real, a study running for real.

Headless Chromium (Debian's, driven through the DevTools protocol) opens the dashboard
served by uvicorn, sees the leaderboard and a rendered Plotly figure, and watches a
study that runs in another process advance without reloading the page.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import cli_env
from tests.server.test_runs import SLOW

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not shutil.which("chromium") and not os.environ.get("BAKEOFF_REQUIRE_BROWSER"),
        reason="needs Chromium (.ci/run installs it)",
    ),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def copy_store(url: str, folder: Path) -> str:
    """A copy of the study's store (the session's store stays as the API tests expect)."""
    target = folder / "browser.db"
    with sqlite3.connect(url.removeprefix("sqlite:///")) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return f"sqlite:///{target}"


@pytest.fixture
def server(stored: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(base URL, store URL) of `bakeoff serve` running on a copy of the study's store."""
    url = copy_store(stored, tmp_path)
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bakeoff",
            "serve",
            "--storage",
            url,
            "--port",
            str(port),
            "--results-dir",
            str(tmp_path / "results"),
        ],
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/v1/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError("bakeoff serve did not start") from None
                time.sleep(0.2)
        yield base, url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    # It said at start that it is read-only (no token).
    assert "Read-only" in output, output


def test_the_dashboard_shows_results_and_live_progress(
    server: tuple[str, str], tmp_path: Path
) -> None:
    from tests.server.browser_session import chromium_page

    base, url = server
    spec = tmp_path / "slow.yaml"
    spec.write_text(yaml.safe_dump({**SLOW, "seeds": 4}))
    with chromium_page() as page:
        # A finished study: the leaderboard and the figures, rendered.
        page.open(f"{base}/studies/served")
        models = page.evaluate(
            "[...document.querySelectorAll('tr.leader td:first-child')].map(e => e.textContent)"
        )
        assert sorted(models) == ["logistic_regression", "random_forest"]
        page.wait_until("document.querySelector('#fig-leaderboard .main-svg') !== null")
        assert page.evaluate("document.querySelectorAll('#fig-leaderboard .point').length") == 2
        assert page.evaluate("document.querySelector('#fig-critical_difference svg') !== null")
        page.wait_until("document.querySelectorAll('.js-plotly-plot').length >= 4")

        # The API's docs: Swagger UI from this server lists every operation.
        page.open(f"{base}/docs")
        page.wait_until("document.querySelectorAll('.opblock').length >= 13", timeout=60)

        # A running study: its progress advances on the studies page without a reload.
        page.open(f"{base}/")
        page.evaluate("window.notReloaded = true")
        run = subprocess.Popen(
            [sys.executable, "-m", "bakeoff", "run", str(spec), "--storage", url, "--quiet"],
            env=cli_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            cell = "document.querySelector('tr[data-study=\"slow\"] .c-complete')"
            page.wait_until(f"{cell} !== null", timeout=60)
            first = int(page.evaluate(f"{cell}.textContent"))
            page.wait_until(f"Number({cell}.textContent) > {first}", timeout=120)
            # Read in one evaluation, so that both come from the same update.
            later, width = page.evaluate(
                f"[Number({cell}.textContent), "
                "document.querySelector('tr[data-study=\"slow\"] .bar > span').style.width]"
            )
            assert later > first
            assert float(width.rstrip("%")) == pytest.approx(100 * later / 4, abs=0.1)
            assert page.evaluate("window.notReloaded") is True
        finally:
            run.send_signal(signal.SIGINT)
            run.wait(timeout=60)
        assert page.errors == []
        assert all(r.startswith(base) or r.startswith("data:") for r in page.requests), [
            r for r in page.requests if not r.startswith(base)
        ]
