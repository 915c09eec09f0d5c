"""Executors run cells: ``local`` (this machine, a process pool) for now."""

from bakeoff.executors._base import Executor
from bakeoff.executors._local import LocalExecutor

__all__ = ["Executor", "LocalExecutor"]
