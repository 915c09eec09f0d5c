"""Studies submitted over HTTP.

They are checked as ``bakeoff run`` checks them, then run by ``bakeoff run`` in a child
process, which a cancel interrupts as Ctrl-C would.

The child is the CLI itself, so a submitted study runs, stores, resumes and reports
exactly like one started from a terminal; its cells claim leases like any runner's. A
cancel sends SIGINT to the child's process group: the running cells end as interrupted
with their finished trials kept, and the next run of the study resumes them.

Each run is recorded in files beside its spec (``RESULTS_DIR/submitted/``): the spec,
its output (``.log``), the run (``.run.json``: pid, study, cells) and, once it ended,
its exit status (``.exit``). Every server worker reads the same files, so any worker
can report or cancel a run another one started.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bakeoff.server._errors import ServerError
from bakeoff.server._settings import ServerSettings

__all__ = ["RunManager", "ServerRun", "interrupt_runners"]


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists.

    An ended one its parent has not reaped counts: its parent writes its exit status before
    reaping it.
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _child_environment() -> dict[str, str]:
    """This environment without the server's token: a study's code never sees it."""
    from bakeoff.server._settings import SETTINGS_VARIABLE, TOKEN_VARIABLE

    hidden = (TOKEN_VARIABLE, SETTINGS_VARIABLE)
    return {k: v for k, v in os.environ.items() if k not in hidden}


def interrupt_runners(owners: list[str]) -> tuple[list[int], list[str]]:
    """Send SIGINT (what Ctrl-C sends) to the runners on this machine among ``owners``.

    An owner token is ``host:pid:id`` (``bakeoff.store.new_owner``), written by the
    runner that claimed a cell and renews its lease: a live lease means the pid is that
    runner, not a reused number. Its executor passes the interrupt to its workers.

    Returns:
        (the pids signalled, the runners that could not be: on other hosts, not this
        user's processes, or ignoring SIGINT, as a run started in the background with
        ``&`` or ``nohup`` does).
    """
    import socket

    here = socket.gethostname()[:100]
    signalled, elsewhere = [], []
    for owner in owners:
        host, _, rest = owner.partition(":")
        pid_text = rest.partition(":")[0]
        if host != here or not pid_text.isdigit() or int(pid_text) == os.getpid():
            elsewhere.append(owner)
            continue
        stop = signal.SIGINT
        if ignores_sigint(int(pid_text)):
            if not _is_bakeoff_run(int(pid_text)):
                elsewhere.append(f"{owner} (ignores Ctrl-C's signal: stop it with kill -TERM)")
                continue
            # Started in the background (`&`, nohup): `bakeoff run` takes SIGTERM as it
            # takes Ctrl-C (cells end interrupted and resume later).
            stop = signal.SIGTERM
        try:
            os.kill(int(pid_text), stop)
        except ProcessLookupError:
            continue  # it ended meanwhile
        except PermissionError:
            elsewhere.append(owner)
            continue
        signalled.append(int(pid_text))
    return signalled, elsewhere


def ignores_sigint(pid: int) -> bool:
    """Whether process ``pid`` ignores SIGINT (Linux ``/proc``; ``False`` elsewhere)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return False
    for line in status.splitlines():
        if line.startswith("SigIgn:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))
    return False


def _is_bakeoff_run(pid: int) -> bool:
    """Whether process ``pid`` is the ``bakeoff run`` command.

    Not, say, a notebook's kernel running ``Study.run``, which SIGTERM would end outright.
    """
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    names = [Path(w.decode(errors="replace")).name for w in words if w]
    return "run" in names and any(n == "bakeoff" for n in names)


@dataclass(frozen=True)
class ServerRun:
    """A ``bakeoff run`` this server started, as its files record it."""

    study: str
    pid: int
    n_cells: int
    started: float
    cancelled: bool
    exit_status: int | None
    log_path: Path

    @property
    def running(self) -> bool:
        """Whether the run's process is still going."""
        return self.exit_status is None and _alive(self.pid)

    def describe(self) -> dict[str, Any]:
        """The run as JSON.

        Its state, exit status (0 complete, 1 failed cells, 3 CPU budget spent with
        cells pending, 130 interrupted) and the last lines of its output.
        """
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        running = self.running
        return {
            "study": self.study,
            "pid": self.pid,
            "state": "running" if running else ("cancelled" if self.cancelled else "exited"),
            "exit_status": self.exit_status,
            "n_cells": self.n_cells,
            "started": self.started,
            "log_tail": text.splitlines()[-20:],
        }


class RunManager:
    """The runs started by this server (any of its workers), one per study at a time."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.folder = (settings.results_dir / "submitted").resolve()
        self._children: list[subprocess.Popen[bytes]] = []

    def _stem(self, study: str) -> Path:
        # The study's name may hold any character: its files are named by its hash.
        return self.folder / hashlib.sha256(study.encode("utf-8")).hexdigest()[:16]

    def _read(self, record: Path) -> ServerRun | None:
        try:
            data = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        stem = record.with_name(record.name.removesuffix(".run.json"))
        try:
            exit_status: int | None = int(stem.with_suffix(".exit").read_text())
        except (OSError, ValueError):
            exit_status = None
        return ServerRun(
            study=data["study"],
            pid=int(data["pid"]),
            n_cells=int(data["n_cells"]),
            started=float(data["started"]),
            cancelled=bool(data.get("cancelled")),
            exit_status=exit_status,
            log_path=stem.with_suffix(".log"),
        )

    def get(self, study: str) -> ServerRun | None:
        """The latest run this server started for ``study``."""
        return self._read(self._stem(study).with_suffix(".run.json"))

    def all(self) -> list[ServerRun]:
        """Every run this server started, latest per study."""
        if not self.folder.is_dir():
            return []
        found = (self._read(p) for p in sorted(self.folder.glob("*.run.json")))
        return [run for run in found if run is not None]

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        # One submission or cancel at a time, across the server's worker processes.
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / ".lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def submit(self, spec: dict[str, Any], *, n_jobs: int, retry_failed: bool) -> ServerRun:
        """Check ``spec`` as ``bakeoff run`` would, then start running it.

        Raises:
            SpecError: Exactly the CLI's message for an invalid study (nothing written).
            ServerError: 409 if this server already runs the study.
        """
        from bakeoff._study import Study
        from bakeoff.spec import parse_spec

        parsed = parse_spec(spec, source="the submitted spec")
        # Relative dataset paths start from the folder the spec is kept in, as they
        # start from a study file's folder on the command line.
        study = Study(parsed, base_dir=self.folder)
        resolution = study.resolve()
        with self._locked():
            current = self.get(study.name)
            if current is not None and current.running:
                raise ServerError(
                    409,
                    "AlreadyRunning",
                    f"study '{study.name}' is already running here (pid {current.pid}); "
                    f"cancel it first, or wait for it to end",
                )
            stem = self._stem(study.name)
            spec_path = stem.with_suffix(".yaml")
            spec_path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
            stem.with_suffix(".exit").unlink(missing_ok=True)
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
            with stem.with_suffix(".log").open("wb") as log:
                process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=self.folder,
                    env=_child_environment(),
                    start_new_session=True,  # its own group: a cancel reaches its workers
                )
            record = {
                "study": study.name,
                "pid": process.pid,
                "n_cells": len(resolution.cells),
                "started": time.time(),
                "cancelled": False,
            }
            stem.with_suffix(".run.json").write_text(json.dumps(record), encoding="utf-8")
            self._children.append(process)
            threading.Thread(
                target=self._reap, args=(process, stem.with_suffix(".exit")), daemon=True
            ).start()
        run = self.get(study.name)
        assert run is not None
        return run

    @staticmethod
    def _reap(process: subprocess.Popen[bytes], exit_file: Path) -> None:
        # The worker that started the run records how it ended, for every worker to
        # read, before reaping it: until then the process still exists, so no reader
        # sees a run that is neither running nor ended.
        info = os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
        assert info is not None  # None only with WNOHANG
        status = info.si_status if info.si_code == os.CLD_EXITED else -info.si_status
        exit_file.write_text(str(status), encoding="utf-8")
        process.wait()

    def cancel(self, study: str) -> ServerRun:
        """Interrupt the run of ``study`` as Ctrl-C would.

        Raises:
            ServerError: 409 if this server is not running the study.
        """
        with self._locked():
            run = self.get(study)
            if run is None or not run.running:
                raise ServerError(
                    409,
                    "NotRunningHere",
                    f"study '{study}' is not running from this server; a run started "
                    f"elsewhere is stopped where it runs (Ctrl-C), and resumes with the "
                    f"same bakeoff run command",
                )
            record = self._stem(study).with_suffix(".run.json")
            data = json.loads(record.read_text(encoding="utf-8"))
            record.write_text(json.dumps({**data, "cancelled": True}), encoding="utf-8")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(run.pid, signal.SIGINT)
        cancelled = self.get(study)
        assert cancelled is not None
        return cancelled

    def close(self, *, timeout: float = 30.0) -> None:
        """Interrupt the runs this process started and wait for them (shut-down)."""
        for process in self._children:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGINT)
        deadline = time.monotonic() + timeout
        for process in self._children:
            try:
                process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
