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
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["IsolatedTrial", "TrialLimitError", "TrialLimits", "exit_reason", "run_isolated"]

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


class _RecordingTrial:
    """Stands in for the Optuna trial in the child: remembers what the objective told it.

    The child is a fork of the parent, so it holds a copy of the cell's in-memory study
    as it was when the trial started: reports go to that copy as well, and
    ``should_prune`` asks the real pruner about it, exactly as the same trial run in the
    parent would have.
    """

    def __init__(self, trial: Any) -> None:
        self._trial = trial
        self.reports: list[tuple[float, int]] = []
        self.user_attrs: dict[str, Any] = {}

    def report(self, value: float, step: int) -> None:
        self.reports.append((value, step))
        if self._trial is not None:
            self._trial.report(value, step)

    def set_user_attr(self, key: str, value: Any) -> None:
        self.user_attrs[key] = value

    def should_prune(self) -> bool:
        return bool(self._trial is not None and self._trial.should_prune())


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


_SINGLE_THREADED = False


def _single_threaded_native_pools() -> None:
    """From now on, run this process's OpenMP and BLAS regions on one thread.

    A forked child inherits the parent's OpenMP runtime but not its worker threads: a
    parallel region with more than one thread then waits forever at its closing barrier
    for threads that do not exist (libgomp is not fork-safe; seen with XGBoost in a
    child after scikit-learn had used OpenMP in the parent). The limit is set in the
    parent, before the first fork, so that children inherit one thread per region and
    need no pool. Trials in children run beside each other (``parallel_trials``), so
    nothing is lost; the parent's own refits run single-threaded too. threadpoolctl (a
    scikit-learn dependency) sets it in every loaded runtime.
    """
    global _SINGLE_THREADED
    if _SINGLE_THREADED:
        return
    _SINGLE_THREADED = True
    with contextlib.suppress(Exception):
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1)


def _child(
    objective: Callable[[dict[str, Any], Any], Any],
    params: dict[str, Any],
    trial: Any,
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
    recorder = _RecordingTrial(trial)
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
        message = (
            ("pruned", None, recorder.reports, recorder.user_attrs)
            if pruned
            else ("error", traceback.format_exc())
        )
    try:
        connection.send(message)
    finally:
        os._exit(0)


class IsolatedTrial:
    """One trial running in a forked child; :meth:`result` waits for it.

    Several may run at once (``tuning.parallel_trials``); each child's time limit runs
    from its own start.
    """

    def __init__(
        self,
        objective: Callable[[dict[str, Any], Any], Any],
        params: dict[str, Any],
        trial: Any,
        limits: TrialLimits,
    ) -> None:
        self._trial = trial
        self._limits = limits
        _single_threaded_native_pools()
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        with warnings.catch_warnings():
            # Forking with threads alive (a lease renewer, a progress display) is safe
            # here: the child touches none of their locks and leaves with os._exit.
            warnings.simplefilter("ignore", DeprecationWarning)
            self._process = context.Process(
                target=_child, args=(objective, params, trial, limits, sender)
            )
            self._started = time.monotonic()
            self._process.start()
        sender.close()

    def cancel(self) -> None:
        """Stop the child (Ctrl-C in the parent, or a batch given up)."""
        with contextlib.suppress(Exception):
            self._process.kill()
            self._process.join()
            self._receiver.close()

    def result(self) -> Any:
        """The objective's value, once the child sends it.

        Raises:
            TrialLimitError: If the trial ran past ``limits.seconds`` (it is killed) or
                its process died; the message names the limit or the signal.
            optuna.TrialPruned: If the objective pruned the trial (its reports are
                replayed onto the trial first).
            RuntimeError: With the child's traceback, if the objective raised.
        """
        limits, process, receiver = self._limits, self._process, self._receiver
        wait = None
        if limits.seconds is not None:
            wait = max(0.0, limits.seconds - (time.monotonic() - self._started))
        ready = False
        try:
            ready = receiver.poll(wait)
            message = receiver.recv() if ready else None
        except EOFError:  # the child ended without a word: it died
            message = None
        except BaseException:
            self.cancel()
            raise
        finally:
            receiver.close()
        if message is None:
            if not ready:
                process.kill()
            process.join()
            if not ready:
                raise TrialLimitError(
                    f"the trial ran past tuning.trial_timeout = {limits.seconds:g} s (wall "
                    f"time) and was stopped"
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
        if message[0] == "error":
            raise RuntimeError(f"the trial failed in its process:\n{message[1]}")
        kind, value, reports, user_attrs = message
        for reported, step in reports:
            self._trial.report(reported, step)
        for key, attr in user_attrs.items():
            self._trial.set_user_attr(key, attr)
        if kind == "pruned":
            import optuna

            raise optuna.TrialPruned()
        return value


def run_isolated(
    objective: Callable[[dict[str, Any], Any], Any],
    params: dict[str, Any],
    trial: Any,
    limits: TrialLimits,
) -> Any:
    """Evaluate ``objective(params, trial)`` in a child process under ``limits``.

    Raises:
        TrialLimitError: If the trial ran past ``limits.seconds`` (it is killed) or its
            process died; the message names the limit or the signal.
        optuna.TrialPruned: If the objective pruned the trial.
        RuntimeError: With the child's traceback, if the objective raised.
    """
    return IsolatedTrial(objective, params, trial, limits).result()
