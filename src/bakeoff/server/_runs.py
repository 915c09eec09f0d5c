"""Studies submitted over HTTP: checked as ``bakeoff run`` checks them, then run by
``bakeoff run`` in a child process, which a cancel interrupts as Ctrl-C would.

The child is the CLI itself, so a submitted study runs, stores, resumes and reports
exactly like one started from a terminal; its cells claim leases like any runner's. A
cancel sends SIGINT to the child's process group: the running cells end as interrupted
with their finished trials kept, and the next run of the study resumes them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bakeoff.server._errors import ServerError
from bakeoff.server._settings import ServerSettings

__all__ = ["RunManager", "ServerRun"]


@dataclass
class ServerRun:
    """A ``bakeoff run`` this server started."""

    study: str
    process: subprocess.Popen[bytes]
    spec_path: Path
    log_path: Path
    n_cells: int
    started: float = field(default_factory=time.time)
    cancelled: bool = False

    @property
    def running(self) -> bool:
        """Whether the child process is still alive."""
        return self.process.poll() is None

    def describe(self) -> dict[str, Any]:
        """The run as JSON: state, exit status (0 complete, 1 failed cells, 130
        interrupted) and the last lines of its output."""
        code = self.process.poll()
        try:
            tail = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-20:]
        except OSError:
            tail = []
        return {
            "study": self.study,
            "pid": self.process.pid,
            "state": "running" if code is None else ("cancelled" if self.cancelled else "exited"),
            "exit_status": code,
            "n_cells": self.n_cells,
            "started": self.started,
            "log_tail": tail,
        }


class RunManager:
    """The runs started by this server, one per study at a time."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self._runs: dict[str, ServerRun] = {}
        self._lock = threading.Lock()

    def get(self, study: str) -> ServerRun | None:
        """The latest run this server started for ``study``."""
        return self._runs.get(study)

    def all(self) -> list[ServerRun]:
        """Every run this server started, latest per study."""
        return list(self._runs.values())

    def submit(self, spec: dict[str, Any], *, n_jobs: int, retry_failed: bool) -> ServerRun:
        """Check ``spec`` as ``bakeoff run`` would, then start running it.

        Raises:
            SpecError: Exactly the CLI's message for an invalid study (nothing written).
            ServerError: 409 if this server already runs the study.
        """
        from bakeoff._study import Study
        from bakeoff.spec import parse_spec

        folder = (self.settings.results_dir / "submitted").resolve()
        parsed = parse_spec(spec, source="the submitted spec")
        # Relative dataset paths start from the folder the spec is kept in, as they
        # start from a study file's folder on the command line.
        study = Study(parsed, base_dir=folder)
        resolution = study.resolve()
        with self._lock:
            current = self._runs.get(study.name)
            if current is not None and current.running:
                raise ServerError(
                    409,
                    "AlreadyRunning",
                    f"study '{study.name}' is already running here (pid "
                    f"{current.process.pid}); cancel it first, or wait for it to end",
                )
            folder.mkdir(parents=True, exist_ok=True)
            # The study's name may hold any character: the file is named by its hash.
            stem = hashlib.sha256(study.name.encode("utf-8")).hexdigest()[:16]
            spec_path = folder / f"{stem}.yaml"
            spec_path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
            log_path = folder / f"{stem}.log"
            command = [
                self.settings.python or sys.executable,
                "-m",
                "bakeoff",
                "run",
                str(spec_path),
                "--storage",
                self.settings.storage,
                "--quiet",
                "--n-jobs",
                str(n_jobs),
            ]
            if retry_failed:
                command.append("--retry-failed")
            with log_path.open("wb") as log:
                process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=folder,
                    start_new_session=True,  # its own group: a cancel reaches its workers
                )
            run = ServerRun(study.name, process, spec_path, log_path, len(resolution.cells))
            self._runs[study.name] = run
            return run

    def cancel(self, study: str) -> ServerRun:
        """Interrupt the run of ``study`` as Ctrl-C would.

        Raises:
            ServerError: 409 if this server is not running the study.
        """
        run = self._runs.get(study)
        if run is None or not run.running:
            raise ServerError(
                409,
                "NotRunningHere",
                f"study '{study}' is not running from this server; a run started "
                f"elsewhere is stopped where it runs (Ctrl-C), and resumes with the same "
                f"bakeoff run command",
            )
        run.cancelled = True
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.process.pid, signal.SIGINT)
        return run

    def close(self, *, timeout: float = 30.0) -> None:
        """Interrupt every run still going and wait for them (server shut-down)."""
        for run in self._runs.values():
            if run.running:
                try:
                    os.killpg(run.process.pid, signal.SIGINT)
                except ProcessLookupError:
                    continue
        deadline = time.monotonic() + timeout
        for run in self._runs.values():
            try:
                run.process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                run.process.kill()
