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

    def system_attrs(self) -> dict[str, Any]:
        """What the pruner wrote on the trial here (ASHA's rung values), for the parent."""
        if self._trial is None or not hasattr(self._trial, "study"):
            return {}
        storage = self._trial.study._storage
        trial_id = storage.get_trial_id_from_study_id_trial_number(
            self._trial.study._study_id, self._trial.number
        )
        return dict(storage.get_trial_system_attrs(trial_id))


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
    go: Any,
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
    if go is not None:
        try:
            go.recv_bytes()  # forked when asked, run when the parent has a core for it
        except EOFError:
            os._exit(0)
    recorder = _RecordingTrial(trial)
    try:
        value = objective(params, recorder)
        message: tuple[Any, ...] = (
            "ok",
            value,
            recorder.reports,
            recorder.user_attrs,
            recorder.system_attrs(),
        )
    except MemoryError:
        message = (
            "error",
            f"MemoryError: the trial needed more than tuning.trial_memory = "
            f"{limits.memory_mb} MB\n{traceback.format_exc()}",
        )
    except BaseException as exc:  # everything the objective raises is the trial's failure
        pruned = type(exc).__name__ == "TrialPruned"
        message = (
            ("pruned", None, recorder.reports, recorder.user_attrs, recorder.system_attrs())
            if pruned
            else ("error", traceback.format_exc())
        )
    try:
        connection.send(message)
    finally:
        os._exit(0)


class IsolatedTrial:
    """One trial in a forked child; :meth:`result` waits for it.

    The child is forked at once, so it holds the study as it is now; with
    ``start=False`` it waits for :meth:`start` before running the objective (the parent
    forks trials when it asks them and starts them when a core is free). Several may run
    at once (``tuning.parallel_trials``); each child's time limit runs from its start.
    """

    def __init__(
        self,
        objective: Callable[[dict[str, Any], Any], Any],
        params: dict[str, Any],
        trial: Any,
        limits: TrialLimits,
        *,
        start: bool = True,
    ) -> None:
        self._trial = trial
        self._limits = limits
        self._message: tuple[Any, ...] | None = None
        self._timed_out = False
        self.done = False
        self.started = False
        #: The child's trial system attributes (pruner state), once :meth:`result` ran.
        self.system_attrs: dict[str, Any] = {}
        _single_threaded_native_pools()
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        go_receiver, self._go = context.Pipe(duplex=False)
        with warnings.catch_warnings():
            # Forking with threads alive (a lease renewer, a progress display) is safe
            # here: the child touches none of their locks and leaves with os._exit.
            warnings.simplefilter("ignore", DeprecationWarning)
            self._process = context.Process(
                target=_child, args=(objective, params, trial, limits, sender, go_receiver)
            )
            self._started = time.monotonic()
            self._process.start()
        sender.close()
        go_receiver.close()
        if start:
            self.start()

    @property
    def connection(self) -> Any:
        """What to wait on (``multiprocessing.connection.wait``) for the child's end."""
        return self._receiver

    def start(self) -> None:
        """Let the child run the objective; its time limit runs from now."""
        self._started = time.monotonic()
        self.started = True
        with contextlib.suppress(OSError):
            self._go.send_bytes(b"go")

    def seconds_left(self) -> float | None:
        """Wall time left before the limit (``None`` without one)."""
        if self._limits.seconds is None:
            return None
        return max(0.0, self._limits.seconds - (time.monotonic() - self._started))

    def cancel(self) -> None:
        """Stop the child (Ctrl-C in the parent, or a trial given up)."""
        with contextlib.suppress(Exception):
            self._process.kill()
            self._process.join()
            self._receiver.close()
            self._go.close()

    def collect(self, wait: float | None) -> bool:
        """Take the child's message if it has ended; whether it has ended.

        Waits at most ``wait`` seconds (``None``: until it ends or its time is up).
        """
        if self.done:
            return True
        left = self.seconds_left()
        timeout = left if wait is None else (wait if left is None else min(wait, left))
        try:
            ready = self._receiver.poll(timeout)
            if ready:
                self._message = self._receiver.recv()
        except EOFError:  # the child ended without a word: it died
            ready = True
        except BaseException:
            self.cancel()
            raise
        if not ready:
            still = self.seconds_left()
            if still is None or still > 0:
                return False
            self._timed_out = True
            self._process.kill()
        self._process.join()
        self._receiver.close()
        self._go.close()
        self.done = True
        return True

    def result(self) -> Any:
        """The objective's value, once the child sends it.

        Raises:
            TrialLimitError: If the trial ran past ``limits.seconds`` (it is killed) or
                its process died; the message names the limit or the signal.
            optuna.TrialPruned: If the objective pruned the trial (its reports are
                replayed onto the trial first).
            RuntimeError: With the child's traceback, if the objective raised.
        """
        if not self.started:
            self.start()
        self.collect(None)
        limits, message = self._limits, self._message
        if message is None:
            if self._timed_out:
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
                f"the trial's process {exit_reason(self._process.exitcode)}{hint}; it is "
                f"kept as failed and not run again"
            )
        if message[0] == "error":
            raise RuntimeError(f"the trial failed in its process:\n{message[1]}")
        kind, value, reports, user_attrs, self.system_attrs = message
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
