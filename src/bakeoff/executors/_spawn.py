"""Spawned worker processes that ignore Ctrl-C from their first statement.

A worker imports its modules (pandas, scikit-learn, a study's ``imports``) for a second
or more before it can act on a Ctrl-C; a SIGINT from the terminal in that time would
print a KeyboardInterrupt traceback from the middle of an import. A blocked signal mask
does not survive the standard library's spawn start method, and an ignored disposition
would have to be set in the parent, where it would touch every thread's Ctrl-C. So the
child ignores SIGINT itself, as the first statement of the ``python -c`` program that
the spawn start method runs, and the worker installs its own handler once its imports
are done (the parent tells it, through an event, of a Ctrl-C it missed meanwhile).
"""

from __future__ import annotations

import io
import os
import sys
from multiprocessing import get_context, reduction, spawn
from multiprocessing import util as _util
from multiprocessing.context import set_spawning_popen
from typing import Any

util: Any = _util  # typeshed lacks close_fds and types spawnv_passfds's path as bytes

__all__ = ["QuietStartProcess"]

_IGNORE_SIGINT = "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN); "

_SpawnProcess: Any = type(get_context("spawn").Process())  # the spawn context's class


if sys.platform != "win32":
    from multiprocessing import popen_spawn_posix

    class _QuietStartPopen(popen_spawn_posix.Popen):
        _fds: list[int]  # set by the base class

        # The standard library's _launch (CPython 3.11-3.13, unchanged between them),
        # with one difference: the child's -c program ignores SIGINT first. The library
        # offers no hook between its command line and its fork-exec.
        def _launch(self, process_obj: Any) -> None:
            from multiprocessing import resource_tracker as _tracker

            resource_tracker: Any = _tracker

            tracker_fd = resource_tracker.getfd()
            self._fds.append(tracker_fd)
            prep_data = spawn.get_preparation_data(process_obj._name)
            fp = io.BytesIO()
            set_spawning_popen(self)
            try:
                reduction.dump(prep_data, fp)
                reduction.dump(process_obj, fp)
            finally:
                set_spawning_popen(None)

            parent_r = child_w = child_r = parent_w = None
            try:
                parent_r, child_w = os.pipe()
                child_r, parent_w = os.pipe()
                cmd = spawn.get_command_line(tracker_fd=tracker_fd, pipe_handle=child_r)
                program = cmd.index("-c") + 1
                cmd[program] = _IGNORE_SIGINT + cmd[program]
                self._fds.extend([child_r, child_w])
                self.pid = util.spawnv_passfds(spawn.get_executable(), cmd, self._fds)
                self.sentinel = parent_r
                with open(parent_w, "wb", closefd=False) as f:
                    f.write(fp.getbuffer())
            finally:
                fds_to_close = [fd for fd in (parent_r, parent_w) if fd is not None]
                self.finalizer = util.Finalize(self, util.close_fds, fds_to_close)
                for fd in (child_r, child_w):
                    if fd is not None:
                        os.close(fd)


class QuietStartProcess(_SpawnProcess):  # type: ignore[misc]
    """A spawn-method process whose interpreter ignores SIGINT from its first statement.

    The target must install its own SIGINT handler when it is ready for one.
    """

    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        if sys.platform == "win32":
            return _SpawnProcess._Popen(process_obj)
        return _QuietStartPopen(process_obj)
