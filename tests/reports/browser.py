"""Open a page in headless Chromium through the Chrome DevTools protocol, offline.

The page loads with the network emulated offline, and every request it makes, every
console error and every uncaught exception is recorded, so a test can assert that a
report renders its figures with nothing fetched from outside the file.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = (
    shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
)


@dataclass
class PageVisit:
    """What happened when a page was opened."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    evaluated: dict[str, Any] = field(default_factory=dict)


def visit(path: Path, expressions: dict[str, str], *, settle: float = 3.0) -> PageVisit:
    """Open ``path`` offline and evaluate each JavaScript expression once it has loaded."""
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
            page = next(t for t in json.load(reply) if t["type"] == "page")
        socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30)
        result = PageVisit()
        counter = iter(range(1, 1_000_000))

        def send(method: str, **params: Any) -> int:
            number = next(counter)
            socket.send(json.dumps({"id": number, "method": method, "params": params}))
            return number

        def handle(message: dict[str, Any]) -> None:
            method = message.get("method")
            params = message.get("params", {})
            if method == "Network.requestWillBeSent":
                result.requests.append(params["request"]["url"])
            elif method == "Runtime.exceptionThrown":
                result.errors.append(json.dumps(params["exceptionDetails"])[:500])
            elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                result.errors.append(json.dumps(params.get("args"))[:500])
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                result.errors.append(params["entry"].get("text", "")[:500])

        def wait_for(number: int) -> dict[str, Any]:
            while True:
                message = json.loads(socket.recv())
                if message.get("id") == number:
                    return message
                handle(message)

        for method in ("Network.enable", "Log.enable", "Runtime.enable", "Page.enable"):
            wait_for(send(method))
        wait_for(
            send(
                "Network.emulateNetworkConditions",
                offline=True,
                latency=0,
                downloadThroughput=-1,
                uploadThroughput=-1,
            )
        )
        wait_for(send("Page.navigate", url=path.resolve().as_uri()))
        end = time.monotonic() + 60
        loaded = False
        while not loaded and time.monotonic() < end:
            message = json.loads(socket.recv())
            handle(message)
            loaded = message.get("method") == "Page.loadEventFired"
        socket.settimeout(0.2)
        settle_until = time.monotonic() + settle
        while time.monotonic() < settle_until:
            try:
                handle(json.loads(socket.recv()))
            except websocket.WebSocketTimeoutException:
                continue
        socket.settimeout(30)
        for name, expression in expressions.items():
            reply = wait_for(send("Runtime.evaluate", expression=expression, returnByValue=True))
            result.evaluated[name] = reply["result"]["result"].get("value")
        socket.close()
        return result
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(profile, ignore_errors=True)
