"""Executors run cells: ``local`` (this machine, processes) or ``ray`` (Ray tasks)."""

from bakeoff.executors._base import Executor
from bakeoff.executors._local import LocalExecutor
from bakeoff.executors._ray import RayExecutor

__all__ = ["Executor", "LocalExecutor", "RayExecutor"]
