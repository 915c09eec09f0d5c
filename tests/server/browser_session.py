"""Drive headless Chromium through the DevTools protocol: open pages of a local server,
evaluate JavaScript in them, and record every request and page error.

(tests/reports/browser.py opens one file and evaluates once; a live dashboard needs a
session that stays open while the page updates itself.)
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.reports.browser import CHROMIUM

__all__ = ["CHROMIUM", "Page", "chromium_page"]


class Page:
    """One tab, driven over its DevTools WebSocket."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.requests: list[str] = []
        self.errors: list[str] = []
        self._ids = iter(range(1, 10**9))

    def _handle(self, message: dict[str, Any]) -> None:
        method = message.get("method")
        params = message.get("params", {})
        if method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Runtime.exceptionThrown":
            self.errors.append(json.dumps(params["exceptionDetails"])[:500])
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            self.errors.append(json.dumps(params.get("args"))[:500])

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send a command and wait for its answer, recording the events on the way."""
        number = next(self._ids)
        self.socket.send(json.dumps({"id": number, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == number:
                return message
            self._handle(message)

    def open(self, url: str, *, timeout: float = 60.0) -> None:
        """Navigate to ``url`` and wait for its load event."""
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = json.loads(self.socket.recv())
            self._handle(message)
            if message.get("method") == "Page.loadEventFired":
                return
        raise AssertionError(f"{url} did not load in {timeout} s")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page."""
        reply = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return reply["result"]["result"].get("value")

    def wait_until(self, expression: str, *, timeout: float = 30.0) -> Any:
        """Poll ``expression`` until it is truthy; return its value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.2)
        raise AssertionError(f"never true: {expression}")


@contextmanager
def chromium_page() -> Iterator[Page]:
    """A fresh headless Chromium with one page, closed afterwards."""
    import websocket  # websocket-client, a test dependency

    assert CHROMIUM, "Chromium is not installed (.ci/run installs it)"
    profile = tempfile.mkdtemp(prefix="bakeoff-chromium-")
    process = subprocess.Popen(
        [
            CHROMIUM,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--remote-debugging-port=0",
            "--remote-allow-origins=*",
            f"--user-data-dir={profile}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = Path(profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("Chromium did not start")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as reply:
            target = next(t for t in json.load(reply) if t["type"] == "page")
        socket = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=60)
        page = Page(socket)
        for method in ("Network.enable", "Runtime.enable", "Page.enable"):
            page.call(method)
        try:
            yield page
        finally:
            socket.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(profile, ignore_errors=True)
