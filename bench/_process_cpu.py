"""CPU seconds each kind of process on this machine used during a run, read from /proc.

Where an executor loses time on a small machine is not always inside its own workers:
Ray's daemons (raylet, the GCS, the dashboard agent, the log monitor) and its actors run
beside the cells on the same cores, and so do other programs. :class:`ProcessCPU`
samples every process's user + system time a few times a second while a run goes on
and sums, per kind of process, what each used from its first to its last sighting (a
process that started during the run counts from zero). Linux only; elsewhere it reports
nothing. psutil would do the reading, but it is not among bakeoff's dependencies, and the
two fields needed are one line of ``/proc/<pid>/stat``.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import TracebackType

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

#: Kinds of process, by a piece of their command line, first match wins.
_KINDS = (
    ("ray: event actor", ("ray::EventSink",)),
    ("cell workers", ("ray::", "multiprocessing", "bakeoff.executors")),
    (
        "ray: daemons",
        ("raylet", "gcs_server", "dashboard", "log_monitor", "monitor.py", "runtime_env"),
    ),
)


def _kind(pid: int, command: str) -> str:
    if pid == os.getpid():
        return "this process (driver)"
    for kind, pieces in _KINDS:
        if any(piece in command for piece in pieces):
            return kind
    return "other programs"


def _read(pid: str) -> tuple[tuple[int, int], str | None, float] | None:
    """((pid, start time), command line or None, CPU seconds) of a process; None if gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (OSError, UnicodeDecodeError):
        return None
    # The command name in parentheses may hold spaces: the fields follow its last ")".
    fields = stat[stat.rfind(")") + 2 :].split()
    utime, stime, started = int(fields[11]), int(fields[12]), int(fields[19])
    # A process that has exited but is not yet reaped (and a kernel thread) has an empty
    # command line; None tells the sampler to keep the kind it saw before.
    return (int(pid), started), command or None, (utime + stime) / _TICKS


class ProcessCPU:
    """Sample every process's CPU time while the ``with`` block runs.

    Args:
        interval: Seconds between samples; a process that lives shorter may be missed.
    """

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self._first: dict[tuple[int, int], float] = {}
        self._last: dict[tuple[int, int], tuple[str, float]] = {}
        self._before: set[tuple[int, int]] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        if not Path("/proc/self/stat").exists():
            return
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            seen = _read(pid)
            if seen is None:
                continue
            key, command, seconds = seen
            self._first.setdefault(key, seconds)
            if command is not None:
                kind = _kind(key[0], command)
            else:
                kind = self._last[key][0] if key in self._last else "other programs"
            self._last[key] = (kind, seconds)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> ProcessCPU:
        self._sample()
        self._before = set(self._first)
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def totals(self) -> dict[str, float]:
        """CPU seconds used during the block, per kind of process."""
        used: dict[str, float] = {}
        for key, (kind, seconds) in self._last.items():
            start = self._first[key] if key in self._before else 0.0
            used[kind] = used.get(kind, 0.0) + seconds - start
        return dict(sorted(used.items(), key=lambda item: -item[1]))
