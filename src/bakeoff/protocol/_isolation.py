"""Running one trial in a child process, under a wall-clock and a memory limit.

Used only when ``tuning.trial_timeout`` or ``tuning.trial_memory`` is set: the trial's
objective runs in a forked child, which inherits the data without copying it. The
child sends back the score, the intermediate values it reported and its user
attributes; the parent replays them onto the Optuna trial. A child past its time is
killed; one that dies (``os._exit``, a segfault, the OOM killer, the memory limit) is a
failed trial with the reason, and the cell goes on.

Cost: one ``fork`` and a pipe per trial, a few milliseconds (``bench/overhead.py``
measures it; see docs/performance.md). Fork needs a POSIX system.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import resource
import signal
import sys
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["TrialLimitError", "TrialLimits", "exit_reason", "run_isolated"]

_PR_SET_PDEATHSIG = 1


class TrialLimitError(Exception):
    """A trial went past a limit or its process died; the message says which."""


@dataclass(frozen=True)
class TrialLimits:
    """Limits of one trial: seconds of wall time and megabytes it may allocate."""

    seconds: float | None = None
    memory_mb: int | None = None

    @property
    def active(self) -> bool:
        return self.seconds is not None or self.memory_mb is not None


@dataclass
class _RecordingTrial:
    """Stands in for the Optuna trial in the child: remembers what the objective told it."""

    reports: list[tuple[float, int]] = field(default_factory=list)
    user_attrs: dict[str, Any] = field(default_factory=dict)

    def report(self, value: float, step: int) -> None:
        self.reports.append((value, step))

    def set_user_attr(self, key: str, value: Any) -> None:
        self.user_attrs[key] = value

    def should_prune(self) -> bool:
        return False


def exit_reason(exitcode: int | None) -> str:
    """``'was killed by signal 11 (SIGSEGV)'`` or ``'exited with status 3'``."""
    if exitcode is None:
        return "stopped"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = "unknown"
        hint = " (out of memory?)" if -exitcode == signal.SIGKILL else ""
        return f"was killed by signal {-exitcode} ({name}){hint}"
    return f"exited with status {exitcode}"


def _virtual_memory_bytes() -> int:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


def _child(
    objective: Callable[[dict[str, Any], Any], float],
    params: dict[str, Any],
    limits: TrialLimits,
    connection: Any,
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if limits.memory_mb is not None:
        # Address space: what the process holds now, plus the trial's allowance.
        allowance = limits.memory_mb * 2**20
        with contextlib.suppress(OSError, ValueError):
            limit = _virtual_memory_bytes() + allowance
            resource.setrlimit(resource.RLIMIT_AS, (limit, resource.RLIM_INFINITY))
    recorder = _RecordingTrial()
    try:
        value = objective(params, recorder)
        message: tuple[Any, ...] = ("ok", value, recorder.reports, recorder.user_attrs)
    except MemoryError:
        message = (
            "error",
            f"MemoryError: the trial needed more than tuning.trial_memory = "
            f"{limits.memory_mb} MB\n{traceback.format_exc()}",
        )
    except BaseException as exc:  # everything the objective raises is the trial's failure
        pruned = type(exc).__name__ == "TrialPruned"
        message = ("pruned",) if pruned else ("error", traceback.format_exc())
    try:
        connection.send(message)
    finally:
        os._exit(0)


def run_isolated(
    objective: Callable[[dict[str, Any], Any], float],
    params: dict[str, Any],
    trial: Any,
    limits: TrialLimits,
) -> float:
    """Evaluate ``objective(params, trial)`` in a child process under ``limits``.

    Raises:
        TrialLimitError: If the trial ran past ``limits.seconds`` (it is killed) or its
            process died; the message names the limit or the signal.
        optuna.TrialPruned: If the objective pruned the trial.
        RuntimeError: With the child's traceback, if the objective raised.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    with warnings.catch_warnings():
        # Forking with threads alive (a lease renewer, a progress display) is safe
        # here: the child touches none of their locks and leaves with os._exit.
        warnings.simplefilter("ignore", DeprecationWarning)
        process = context.Process(target=_child, args=(objective, params, limits, sender))
        process.start()
    sender.close()
    ready = False
    try:
        ready = receiver.poll(limits.seconds)
        message = receiver.recv() if ready else None
    except EOFError:  # the child ended without a word: it died
        message = None
    except BaseException:
        process.kill()
        process.join()
        raise
    finally:
        receiver.close()
    if message is None:
        if not ready:
            process.kill()
        process.join()
        if not ready:
            raise TrialLimitError(
                f"the trial ran past tuning.trial_timeout = {limits.seconds:g} s (wall time) "
                f"and was stopped"
            )
        hint = (
            f" (tuning.trial_memory is {limits.memory_mb} MB)"
            if limits.memory_mb is not None
            else ""
        )
        raise TrialLimitError(
            f"the trial's process {exit_reason(process.exitcode)}{hint}; it is kept as "
            f"failed and not run again"
        )
    process.join()
    if message[0] == "pruned":
        import optuna

        raise optuna.TrialPruned()
    if message[0] == "error":
        raise RuntimeError(f"the trial failed in its process:\n{message[1]}")
    _, value, reports, user_attrs = message
    for reported, step in reports:
        trial.report(reported, step)
    for key, attr in user_attrs.items():
        trial.set_user_attr(key, attr)
    return float(value)
